"""Numerical programs written the way JAX's documentation writes them (re-implemented here, not
copied), with ``jax.numpy`` replaced by numpy and ``jax.scipy`` by scipy: lists of ``(w, b)``,
nested dict/list/tuple pytrees with a hand-written ``tree_map``, ``vmap`` written as a
comprehension, ``lax.scan`` written as a loop over ``functools.partial``, the "double where"
trick, physics with periodic boxes (``np.mod``), FFT solvers, complex wave functions, order
statistics, NamedTuple parameters.

Plain numpy and scipy: nothing here knows about autodiff. Every ``objective_*`` function takes a
parameter pytree first and returns a real scalar.
"""

# ruff: noqa: B905, RUF007  (written the way their users write it)
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import scipy.linalg as slinalg
from scipy import special, stats

# ---- "Training a simple neural network": per-example predict, batched by hand -----------------


def random_layer_params(m, n, rng, scale=0.1):
    return scale * rng.normal(size=(n, m)), scale * rng.normal(size=(n,))


def init_network_params(sizes, seed):
    rng = np.random.default_rng(seed)
    return [random_layer_params(m, n, rng) for m, n in zip(sizes[:-1], sizes[1:])]


def predict(params, image):
    activations = image
    for w, b in params[:-1]:
        outputs = np.dot(w, activations) + b
        activations = np.maximum(0.0, outputs)
    final_w, final_b = params[-1]
    logits = np.dot(final_w, activations) + final_b
    return logits - special.logsumexp(logits)


def batched_predict(params, images):
    return np.stack([predict(params, image) for image in images])


def one_hot(x, k, dtype=np.float64):
    return np.array(x[:, None] == np.arange(k), dtype)


def objective_mnist_style(params, images, labels):
    targets = one_hot(labels, 3)
    preds = batched_predict(params, images)
    return -np.mean(preds * targets)


# ---- autodiff cookbook: logistic regression with W and b as separate arguments ----------------


def cookbook_sigmoid(x):
    return 0.5 * (np.tanh(x / 2) + 1)


def cookbook_predict(W, b, inputs):
    return cookbook_sigmoid(np.dot(inputs, W) + b)


def objective_cookbook_logistic(W, b, inputs, targets):
    preds = cookbook_predict(W, b, inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probs))


# ---- pytrees: nested dict/list/tuple params, a hand-written tree_map and tree_leaves ----------


def tree_map(fn, tree):
    if isinstance(tree, dict):
        return {key: tree_map(fn, value) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(tree_map(fn, value) for value in tree)
    return fn(tree)


def tree_leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in tree_leaves(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [leaf for value in tree for leaf in tree_leaves(value)]
    return [tree]


def mlp_apply(layers, x):
    for layer in layers:
        x = np.tanh(x @ layer["w"] + layer["b"])
    return x


def objective_pytree(params, x, y):
    hidden = mlp_apply(params["encoder"], x)
    decoder, scale = params["decoder"]
    recon = scale * (hidden @ decoder["w"])
    l2 = sum(tree_leaves(tree_map(lambda p: np.sum(p ** 2), params)))
    return np.mean((recon - y) ** 2) + 1e-2 * l2


# ---- jax.scipy Gaussian process: softplus params, vmap(vmap(k)) by hand, cho_factor -----------


def softplus(x):
    return np.logaddexp(x, 0.0)


def exp_quadratic(x1, x2):
    return np.exp(-np.sum((x1 - x2) ** 2))


def cov_map(cov_func, xs, xs2=None):
    if xs2 is None:
        xs2 = xs
    return np.array([[cov_func(a, b) for b in xs2] for a in xs])


def objective_gp_cho(params, x, y):
    amp = softplus(params["amplitude"])
    length = softplus(params["length_scale"])
    noise = softplus(params["noise"]) + 1e-6
    K = amp * cov_map(exp_quadratic, x / length) + noise * np.eye(x.shape[0])
    factor = slinalg.cho_factor(K, lower=True)
    alpha = slinalg.cho_solve(factor, y)
    L = np.linalg.cholesky(K)
    return (0.5 * np.dot(y, alpha) + np.sum(np.log(np.diag(L)))
            + 0.5 * len(y) * np.log(2 * np.pi))


# ---- a transformer block: layer norm, multi-head attention with einsum, gelu via erf ----------


def layer_norm(x, scale, bias, eps=1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return scale * (x - mean) / np.sqrt(var + eps) + bias


def gelu(x):
    return 0.5 * x * (1.0 + special.erf(x / np.sqrt(2.0)))


def attention(params, x, num_heads=2):
    seq, dim = x.shape
    head = dim // num_heads
    q = (x @ params["wq"]).reshape(seq, num_heads, head).transpose(1, 0, 2)
    k = (x @ params["wk"]).reshape(seq, num_heads, head).transpose(1, 0, 2)
    v = (x @ params["wv"]).reshape(seq, num_heads, head).transpose(1, 0, 2)
    logits = np.einsum("hqd,hkd->hqk", q, k) / np.sqrt(head)
    mask = np.tril(np.ones((seq, seq), dtype=bool))
    logits = np.where(mask, logits, -1e9)
    weights = special.softmax(logits, axis=-1)
    out = np.einsum("hqk,hkd->qhd", weights, v).reshape(seq, dim)
    return out @ params["wo"]


def objective_transformer_block(params, x):
    h = x + attention(params["attn"], layer_norm(x, *params["ln1"]))
    mlp = params["mlp"]
    h = h + gelu(layer_norm(h, *params["ln2"]) @ mlp["w1"]) @ mlp["w2"]
    return np.sum(h ** 2) / h.size


# ---- jax-md style: periodic displacements with np.mod, pairwise Lennard-Jones ------------------


def periodic_displacement(ra, rb, box):
    dr = ra - rb
    return np.mod(dr + 0.5 * box, box) - 0.5 * box


def objective_lennard_jones(positions, box=3.0, sigma=1.0, epsilon=1.0):
    n = positions.shape[0]
    i, j = np.triu_indices(n, 1)
    dr = periodic_displacement(positions[i], positions[j], box)
    r2 = np.sum(dr ** 2, axis=-1)
    inv6 = (sigma ** 2 / r2) ** 3
    return np.sum(4.0 * epsilon * (inv6 ** 2 - inv6))


# ---- spectral solver: Poisson equation through the FFT, complex intermediates ------------------


def objective_spectral_poisson(rho):
    n = rho.shape[0]
    k = 2 * np.pi * np.fft.fftfreq(n, d=1.0 / n)
    rho_hat = np.fft.fft(rho - np.mean(rho))
    k2 = np.where(k == 0, 1.0, k ** 2)
    phi_hat = np.where(k == 0, 0.0, rho_hat / k2)
    phi = np.real(np.fft.ifft(phi_hat))
    smooth = np.fft.irfft(np.fft.rfft(rho) * np.exp(-0.1 * np.arange(n // 2 + 1)), n)
    return 0.5 * np.sum(rho * phi) + np.sum(smooth ** 2)


# ---- variational quantum state: complex amplitudes, Hermitian expectation, vdot ---------------


def ry(theta):
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -s], [s, c]])


def objective_quantum_energy(angles, hamiltonian):
    state = np.zeros(4, dtype=complex)
    state[0] = 1.0
    layer = np.kron(ry(angles[0]), ry(angles[1]))
    phases = np.exp(1j * np.array([0.0, angles[2], angles[3], angles[2] + angles[3]]))
    psi = phases * (layer @ state)
    energy = np.vdot(psi, hamiltonian @ psi)
    return np.real(energy) / np.real(np.vdot(psi, psi))


# ---- a scalar Kalman filter: Python-float state carried through a loop ------------------------


def objective_kalman(params, observations):
    log_q, log_r, a = params
    q, r = np.exp(log_q), np.exp(log_r)
    mean, var = 0.0, 1.0
    loglik = 0.0
    for y in observations:
        mean, var = a * mean, a * a * var + q
        s = var + r
        loglik = loglik + stats.norm.logpdf(y, mean, np.sqrt(s))
        gain = var / s
        mean, var = mean + gain * (y - mean), (1 - gain) * var
    return -loglik


# ---- robust regression: median, quantiles, trimmed mean ---------------------------------------


def objective_robust_regression(w, X, y):
    residuals = y - X @ w
    trimmed = np.sort(np.abs(residuals))[2:-2]
    return (np.median(np.abs(residuals)) + np.percentile(residuals ** 2, 90)
            + np.mean(trimmed) + np.quantile(residuals, 0.25, method="linear"))


# ---- lax.scan as a loop, the cell bound with functools.partial ---------------------------------


def scan(f, init, xs):
    carry = init
    ys = []
    for x in xs:
        carry, y = f(carry, x)
        ys.append(y)
    return carry, np.stack(ys)


def gru_cell(params, h, x):
    z = special.expit(x @ params["wz"] + h @ params["uz"])
    r = special.expit(x @ params["wr"] + h @ params["ur"])
    candidate = np.tanh(x @ params["wh"] + (r * h) @ params["uh"])
    h = (1 - z) * h + z * candidate
    return h, h @ params["out"]


def objective_scan_gru(params, xs, targets):
    h0 = np.zeros(params["uz"].shape[0])
    _, ys = scan(functools.partial(gru_cell, params), h0, xs)
    return np.mean((ys - targets) ** 2)


# ---- mixture density network: split the head, log_softmax + norm.logpdf -----------------------


def objective_mdn(params, x, y):
    (w1, b1), (w2, b2) = params
    out = np.tanh(x @ w1 + b1) @ w2 + b2
    logits, means, log_stds = np.split(out, 3, axis=-1)
    log_mix = special.log_softmax(logits, axis=-1)
    log_comp = stats.norm.logpdf(y[:, None], means, np.exp(log_stds))
    return -np.mean(special.logsumexp(log_mix + log_comp, axis=-1))


# ---- NamedTuple parameters, the "double where" safe log, with errstate ------------------------


class LinearParams(NamedTuple):
    w: np.ndarray
    b: float


def safe_log(x):
    x_safe = np.where(x > 0.0, x, 1.0)
    return np.where(x > 0.0, np.log(x_safe), 0.0)


def objective_namedtuple_poisson(params, x, counts):
    rate = np.exp(x @ params.w + params.b)
    with np.errstate(divide="ignore"):
        log_counts_factorial = special.gammaln(counts + 1.0)
    return np.sum(rate - counts * safe_log(rate) + log_counts_factorial)


# ---- PCA reconstruction through the SVD; batched matrices with an ellipsis einsum -------------


def objective_pca(data, rank=2):
    centered = data - np.mean(data, axis=0)
    u, s, vt = np.linalg.svd(centered, full_matrices=False)
    recon = (u[:, :rank] * s[:rank]) @ vt[:rank]
    batched = np.einsum("...ij,...kj->...ik", centered.reshape(2, 3, -1),
                        centered.reshape(2, 3, -1))
    return np.sum((centered - recon) ** 2) + 0.1 * np.sum(np.linalg.eigvalsh(batched + 4.0
                                                                            * np.eye(3)))


# ---- negative-binomial regression with jax.scipy.special's xlogy / gammaln / log_expit --------


def objective_negative_binomial(params, x, counts):
    log_r = params["log_r"]
    logits = x @ params["w"]
    r = np.exp(log_r)
    log_p = special.log_expit(logits)
    log_1mp = special.log_expit(-logits)
    logpmf = (special.gammaln(counts + r) - special.gammaln(counts + 1) - special.gammaln(r)
              + r * log_1mp + special.xlogy(counts, np.exp(log_p)))
    return -np.sum(logpmf)


# ---- Student-t and gamma likelihoods with parameters in a tuple --------------------------------


def objective_heavy_tails(params, data):
    loc, log_scale, log_df, log_shape = params
    lik_t = stats.t.logpdf(data, np.exp(log_df) + 1.0, loc, np.exp(log_scale))
    lik_g = stats.gamma.logpdf(np.abs(data) + 0.1, np.exp(log_shape), scale=np.exp(log_scale))
    return -np.sum(lik_t) - np.sum(lik_g)


# ---- the rejected programs above, rewritten the way autodiff's error messages suggest ---------


def objective_pytree_rewritten(params, x, y):
    hidden = mlp_apply(params["encoder"], x)
    decoder, scale = params["decoder"]
    recon = scale * (hidden @ decoder["w"])
    l2 = np.sum(decoder["w"] ** 2) + scale ** 2
    for layer in params["encoder"]:
        l2 = l2 + np.sum(layer["w"] ** 2) + np.sum(layer["b"] ** 2)
    return np.mean((recon - y) ** 2) + 1e-2 * l2


def objective_gp_cho_rewritten(params, x, y):
    amp = softplus(params["amplitude"])
    length = softplus(params["length_scale"])
    noise = softplus(params["noise"]) + 1e-6
    scaled = x / length
    K = amp * np.exp(-np.sum((scaled[:, None, :] - scaled[None, :, :]) ** 2, axis=-1))
    K = K + noise * np.eye(x.shape[0])
    factor = slinalg.cho_factor(K, lower=True)
    alpha = slinalg.cho_solve(factor, y)
    L = np.linalg.cholesky(K)
    return (0.5 * np.dot(y, alpha) + np.sum(np.log(np.diag(L)))
            + 0.5 * len(y) * np.log(2 * np.pi))


def objective_transformer_block_rewritten(params, x):
    ln1, ln2 = params["ln1"], params["ln2"]
    h = x + attention(params["attn"], layer_norm(x, ln1[0], ln1[1]))
    mlp = params["mlp"]
    h = h + gelu(layer_norm(h, ln2[0], ln2[1]) @ mlp["w1"]) @ mlp["w2"]
    return np.sum(h ** 2) / h.size


def objective_scan_gru_rewritten(params, xs, targets):
    h = np.zeros(params["uz"].shape[0])
    ys = []
    for x in xs:
        h, y = gru_cell(params, h, x)
        ys.append(y)
    return np.mean((np.stack(ys) - targets) ** 2)


def objective_namedtuple_poisson_rewritten(params, x, counts):
    rate = np.exp(x @ params.w + params.b)
    return np.sum(rate - counts * safe_log(rate) + special.gammaln(counts + 1.0))
