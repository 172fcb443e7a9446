"""Programs written the way HIPS autograd's and JAX's documentation and examples write them.

Only the import changed (``autograd.numpy as np`` / ``jax.numpy as jnp`` -> ``numpy as np``).
Parameters come as tuples, lists of ``(W, b)`` pairs and dicts; helpers are module-level
functions; scipy is called through its public modules. Nothing here knows about autodiff.
Each program returns a real scalar; ``test_foreign_styles.py`` differentiates it with respect to
its first argument (a pytree) and compares with central finite differences.
"""

from __future__ import annotations

import numpy as np

# ---- autograd's README / tutorial style --------------------------------------------------------


def tanh_manual(x):
    y = np.exp(-2.0 * x)
    return np.sum((1.0 - y) / (1.0 + y))


def logistic_predictions(weights, inputs):
    return 0.5 * (np.tanh(np.dot(inputs, weights) / 2.0) + 1.0)


def logistic_training_loss(weights, inputs, targets):
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))


def neural_net_predict(params, inputs):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - _logsumexp_rows(outputs)


def _logsumexp_rows(x):
    m = np.max(x, axis=1, keepdims=True)
    return m + np.log(np.sum(np.exp(x - m), axis=1, keepdims=True))


def mlp_log_likelihood(params, inputs, targets):
    return -np.sum(neural_net_predict(params, inputs) * targets)


def l2_norm(params):
    total = 0.0
    for W, b in params:
        total = total + np.sum(W ** 2) + np.sum(b ** 2)
    return total


def mlp_objective(params, inputs, targets):
    return mlp_log_likelihood(params, inputs, targets) + 0.1 * l2_norm(params)


# ---- JAX documentation style: dict parameters, einsum, vmapped-by-hand batches -----------------


def predict_dict(params, x):
    h = np.tanh(x @ params["W1"] + params["b1"])
    return h @ params["W2"] + params["b2"]


def dict_mse(params, x, y):
    err = predict_dict(params, x) - y
    return np.mean(err ** 2)


def einsum_attention(params, x):
    q = np.einsum("bd,de->be", x, params["Wq"])
    k = np.einsum("bd,de->be", x, params["Wk"])
    scores = np.einsum("ie,je->ij", q, k) / np.sqrt(q.shape[1])
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / np.sum(weights, axis=-1, keepdims=True)
    return np.sum(np.einsum("ij,jd->id", weights, x) ** 2)


def gaussian_log_likelihood(theta, x):
    mu, log_sigma = theta
    sigma = np.exp(log_sigma)
    return np.sum(-0.5 * ((x - mu) / sigma) ** 2 - log_sigma - 0.5 * np.log(2 * np.pi))


# ---- scipy-based models (autograd.scipy / jax.scipy style) -------------------------------------


def bayesian_logreg_log_posterior(w, X, y):
    from scipy.special import expit
    from scipy.stats import norm

    p = expit(X @ w)
    log_lik = np.sum(y * np.log(p) + (1 - y) * np.log1p(-p))
    return log_lik + np.sum(norm.logpdf(w, 0.0, 1.0))


def mixture_log_likelihood(params, x):
    from scipy.special import logsumexp

    means, log_stds, logits = params
    log_weights = logits - logsumexp(logits)
    z = (x[:, None] - means) / np.exp(log_stds)
    comp = -0.5 * z ** 2 - log_stds - 0.5 * np.log(2 * np.pi)
    return np.sum(logsumexp(comp + log_weights, axis=1))


def gp_marginal_likelihood(log_params, x, y):
    amp, length, noise = np.exp(log_params)
    sq = (x[:, None] - x[None, :]) ** 2
    K = amp * np.exp(-0.5 * sq / length ** 2) + (noise + 1e-6) * np.eye(x.shape[0])
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return -0.5 * y @ alpha - np.sum(np.log(np.diag(L)))


# ---- the wider numpy surface -------------------------------------------------------------------


def sawtooth_features(x):
    return np.sum(np.mod(x, 1.0) * x + np.remainder(x, 0.7) ** 2 + (x % 0.3) * np.cos(x))


def interpolated_path(ends):
    a, b = ends
    path = np.linspace(a, b, 7)
    return np.sum(np.sin(path) * np.arange(7))


def robust_statistics(x):
    return np.median(x) + np.percentile(x, 30.0) + np.sum(np.sort(x)[-3:])


def spectral_energy(x):
    spectrum = np.fft.rfft(x)
    return np.sum(np.abs(spectrum) ** 2) / x.shape[0]


def complex_rotation(x):
    z = x * (1.0 + 1.0j)
    return np.sum(np.abs(z)) + np.sum(np.real(z * np.conj(z)))


def svd_nuclear(a):
    return np.sum(np.linalg.svd(a, compute_uv=False)) + np.linalg.norm(a, "nuc")


def eigh_spectrum(a):
    sym = a + a.T
    w, v = np.linalg.eigh(sym)
    return np.sum(w ** 2) + np.sum(np.abs(v[:, -1]) ** 3)


def slogdet_quadratic(a):
    m = a @ a.T + np.eye(a.shape[0])
    logdet = np.linalg.slogdet(m)[1]
    return logdet + np.trace(np.linalg.pinv(m))


def convolution_smoothing(signal):
    kernel = np.array([0.25, 0.5, 0.25])
    smooth = np.convolve(signal, kernel, mode="same")
    return np.sum(np.diff(smooth) ** 2) + np.sum(np.cumprod(1.0 + 0.1 * np.tanh(signal)))


def stacked_geometry(x):
    a = np.atleast_2d(x)
    tiles = np.concatenate([np.flipud(a), np.fliplr(a)], axis=0)
    c = np.cross(x[:3], x[3:6])
    return np.sum(np.rot90(tiles) ** 2) + np.sum(c ** 2) + np.sum(np.kron(x[:2], x[2:4]))


def nan_aware_mean(x):
    masked = np.where(x > 1.5, np.nan, x)
    return np.nanmean(masked ** 2) + np.nansum(np.sin(masked))


def ufunc_methods(x):
    table = np.multiply.outer(x, x)
    return np.add.reduce(table, axis=0) @ x + np.logaddexp.reduce(x) + np.sum(np.add.accumulate(x))


def polynomial_fit_residual(coeffs, x, y):
    return np.sum((np.polyval(coeffs, x) - y) ** 2) + np.trapezoid(np.polyval(coeffs, x), x)


def split_and_pad(x):
    left, right = np.split(x, 2)
    padded = np.pad(left, (1, 2))
    return np.sum(padded * np.arange(padded.shape[0])) + np.sum(right ** 3)


def qr_least_squares(a, b):
    q, r = np.linalg.qr(a)
    solution = np.linalg.lstsq(a, b, rcond=None)[0]
    return np.sum(r ** 2) + np.sum(solution ** 2) + np.sum(q[:, 0] ** 2)
