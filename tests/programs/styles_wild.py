"""Programs written the way numerical code is written outside this project: user-written
optimizers, masked losses, log-sum-exp tricks, Gaussian processes, ODE integrators in loops,
mixture models, parameters in dicts/lists/tuples/NamedTuples, closures, ``functools.partial``,
lambdas passed to helpers, frozen scipy distributions, ``scipy.special``, complex-valued
physics.

Each program is a function of one argument, its parameters (an array, a complex array, or a
dict/list/tuple/NamedTuple of arrays); data sets are module-level constants, as in a script.
``test_styles_wild.py`` differentiates each one with respect to its parameters. Nothing here
is written for autodiff: these are the programs a user brings.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import scipy.special
import scipy.stats
from scipy.special import expit, gammaln, logsumexp

_rng = np.random.default_rng(2026)

# ---- data sets, as a script would set them up at import -----------------------------------------

X = _rng.normal(size=(12, 3))
Y_REG = X @ np.array([0.5, -1.0, 2.0]) + 0.1 * _rng.normal(size=12)
LABELS = np.array([0, 2, 1, 1, 0, 2, 2, 0, 1, 0, 1, 2])
ONE_HOT = np.eye(3)[LABELS]
BINARY = (X[:, 0] + 0.3 * X[:, 1] > 0).astype(float)
MASK = _rng.random(12) > 0.3
COUNTS = np.array([0.0, 3.0, 1.0, 4.0, 2.0, 0.0, 5.0, 1.0, 2.0, 3.0, 1.0, 0.0])
GP_X = np.linspace(-2.0, 2.0, 7)[:, None]
GP_Y = np.sin(2.0 * GP_X[:, 0]) + 0.05 * _rng.normal(size=7)
MIX_DATA = np.concatenate([_rng.normal(-1.0, 0.5, size=8), _rng.normal(1.5, 0.7, size=8)])
EPS_NOISE = _rng.normal(size=(5, 2))
SIGNAL = np.cos(np.linspace(0.0, 6.0, 16)) + 0.3 * _rng.normal(size=16)
LAPLACIAN = 2.0 * np.eye(6) - np.eye(6, k=1) - np.eye(6, k=-1)
POTENTIAL = np.linspace(-1.0, 1.0, 6) ** 2


# ---- optimizers written by users -----------------------------------------------------------------


def quadratic_loss(w):
    return np.sum((X @ w - Y_REG) ** 2) / len(Y_REG)


def adam_unrolled(w):
    """Three steps of a hand-written Adam on a least-squares loss (its gradient written out),
    then the loss at the end: differentiated w.r.t. the starting point."""
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    b1, b2, lr = 0.9, 0.999, 0.05
    for t in range(1, 4):
        g = 2.0 * X.T @ (X @ w - Y_REG) / len(Y_REG)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return quadratic_loss(w)


def momentum_sgd_on_layers(params):
    """A list of (W, b) layers trained by two momentum steps whose gradient the user wrote by
    hand for the last layer only; the loss after the steps."""
    (w1, b1), (w2, b2) = params
    velocity = np.zeros_like(w2)
    for _ in range(2):
        hidden = np.tanh(X @ w1 + b1)
        residual = hidden @ w2 + b2 - Y_REG
        grad_w2 = hidden.T @ residual / len(Y_REG)
        velocity = 0.9 * velocity - 0.1 * grad_w2
        w2 = w2 + velocity
    hidden = np.tanh(X @ w1 + b1)
    return np.mean((hidden @ w2 + b2 - Y_REG) ** 2)


# ---- losses: masks, np.where, log-sum-exp, cross-entropy ----------------------------------------


def masked_mse(w):
    pred = X @ w
    err = np.where(MASK, (pred - Y_REG) ** 2, 0.0)
    return err.sum() / MASK.sum()


def huber(w, delta=1.0):
    r = X @ w - Y_REG
    small = np.abs(r) <= delta
    return np.mean(np.where(small, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)))


def stable_logsumexp_rows(W):
    logits = X @ W
    m = np.max(logits, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    return np.sum(lse)


def softmax_cross_entropy(params):
    W, b = params["W"], params["b"]
    logits = X @ W + b
    logits = logits - logits.max(axis=-1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    nll = -np.mean(np.sum(ONE_HOT * log_probs, axis=-1))
    return nll + 1e-2 * np.sum(W**2)


def cross_entropy_integer_labels(W):
    logits = X @ W
    log_probs = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.mean(log_probs[np.arange(len(LABELS)), LABELS])


sigmoid = lambda z: 0.5 * (np.tanh(z / 2.0) + 1.0)  # noqa: E731  (the autograd examples' form)


def logistic_regression_l2(w):
    p = sigmoid(X @ w)
    label_probs = p * BINARY + (1 - p) * (1 - BINARY)
    return -np.sum(np.log(label_probs)) + 0.5 * np.dot(w, w)


# ---- Gaussian processes, kernels ------------------------------------------------------------------


def rbf(xa, xb, lengthscale, variance):
    sq = np.sum((xa[:, None, :] - xb[None, :, :]) ** 2, axis=-1)
    return variance * np.exp(-0.5 * sq / lengthscale**2)


def gp_negative_log_marginal_likelihood(log_params):
    log_ell, log_sf, log_sn = log_params
    K = rbf(GP_X, GP_X, np.exp(log_ell), np.exp(2 * log_sf)) + np.exp(2 * log_sn) * np.eye(7)
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, GP_Y))
    return 0.5 * GP_Y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * 7 * np.log(2 * np.pi)


def kernel_ridge_prediction(params):
    K = rbf(GP_X, GP_X, np.exp(params["log_ell"]), 1.0)
    coef = np.linalg.solve(K + np.exp(params["log_lam"]) * np.eye(7), GP_Y)
    return np.sum((K @ coef - GP_Y) ** 2)


# ---- ODE integrators in loops --------------------------------------------------------------------


def rk4_decay(theta):
    """dy/dt = -theta * y + sin(t), integrated with classic RK4 in a Python loop."""

    def rhs(t, y):
        return -theta * y + np.sin(t)

    y, t, h = np.ones_like(theta), 0.0, 0.1
    for _ in range(10):
        k1 = rhs(t, y)
        k2 = rhs(t + h / 2, y + h / 2 * k1)
        k3 = rhs(t + h / 2, y + h / 2 * k2)
        k4 = rhs(t + h, y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += h
    return np.sum(y**2)


def leapfrog_energy(q0):
    """A few leapfrog steps of a particle in a quartic well (HMC style)."""

    def grad_potential(q):
        return q**3 - q

    p = np.ones_like(q0) * 0.5
    q = q0
    eps = 0.05
    p = p - 0.5 * eps * grad_potential(q)
    for _ in range(8):
        q = q + eps * p
        p = p - eps * grad_potential(q)
    p = p + 0.5 * eps * grad_potential(q)
    return np.sum(0.25 * q**4 - 0.5 * q**2 + 0.5 * p**2)


def integrate(f, a, b, n=20):
    xs = np.linspace(a, b, n)
    ys = f(xs)
    return np.sum((ys[1:] + ys[:-1]) * (xs[1:] - xs[:-1])) / 2.0


def lambda_passed_to_quadrature(c):
    """A lambda closing over the parameters, passed to a user's quadrature helper."""
    return integrate(lambda s: np.exp(-c[0] * s**2) * np.cos(c[1] * s), 0.0, 2.0)


# ---- mixtures and variational inference --------------------------------------------------------


def gaussian_mixture_nll(params):
    means, log_sigmas, logits = params["means"], params["log_sigmas"], params["logits"]
    log_weights = logits - logsumexp(logits)
    sigmas = np.exp(log_sigmas)
    z = (MIX_DATA[:, None] - means[None, :]) / sigmas[None, :]
    comp = -0.5 * z**2 - log_sigmas[None, :] - 0.5 * np.log(2 * np.pi)
    return -np.sum(logsumexp(comp + log_weights[None, :], axis=1))


def reparameterized_elbo(params):
    mu, log_sigma = params
    samples = mu + np.exp(log_sigma) * EPS_NOISE
    log_lik = -0.5 * np.sum((samples - 1.0) ** 2, axis=1)
    kl = 0.5 * np.sum(np.exp(2 * log_sigma) + mu**2 - 1.0 - 2 * log_sigma)
    return -(np.mean(log_lik) - kl)


# ---- parameter containers, closures, partial, objects ----------------------------------------


class LinearParams(NamedTuple):
    w: np.ndarray
    b: np.ndarray


def namedtuple_linear_model(params):
    pred = X @ params.w + params.b
    return np.mean((pred - Y_REG) ** 2)


def mse(pred, target):
    return np.mean((pred - target) ** 2)


def partial_loss(w):
    loss = functools.partial(mse, target=Y_REG)
    return loss(X @ w)


def make_predictor(w, b):
    def predict(inputs):
        return np.tanh(inputs @ w + b)

    return predict


def closure_from_factory(params):
    w, b = params
    predict = make_predictor(w, b)
    return np.sum((predict(X) - Y_REG) ** 2)


class Dense:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __call__(self, inputs):
        return inputs @ self.w + self.b


def object_built_inside(params):
    layer = Dense(params[0], params[1])
    out = np.tanh(layer(X))
    return np.mean(out**2)


def rnn_nested_cell(params):
    W, U = params["W"], params["U"]

    def cell(h, x):
        return np.tanh(h @ W + x * U)

    h = np.zeros(W.shape[0])
    for x in X[:5, 0]:
        h = cell(h, x)
    return np.sum(h**2)


def tuple_concatenation(params):
    layers = params[:1] + params[1:]
    out = X
    for W in layers:
        out = np.tanh(out @ W)
    return np.sum(out**2)


def errstate_guarded_log(w):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log1p(np.exp(X @ w))
    return np.sum(r)


# ---- scipy: special functions, frozen distributions --------------------------------------------


def poisson_glm(w):
    rate = np.exp(X @ w)
    return -np.sum(COUNTS * np.log(rate) - rate - gammaln(COUNTS + 1.0))


def beta_binomial_special(log_ab):
    a, b = np.exp(log_ab)
    n = 5.0
    k = COUNTS[:6]
    terms = (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
             + scipy.special.betaln(k + a, n - k + b) - scipy.special.betaln(a, b))
    return -np.sum(terms) + 0.1 * scipy.special.digamma(a + b) + np.sum(expit(log_ab))


def frozen_normal_logpdf(theta):
    dist = scipy.stats.norm(loc=theta[0], scale=np.exp(theta[1]))
    return -np.sum(dist.logpdf(MIX_DATA))


def stats_logpdf_call(theta):
    return -np.sum(scipy.stats.norm.logpdf(MIX_DATA, loc=theta[0], scale=np.exp(theta[1])))


# ---- complex-valued physics -------------------------------------------------------------------


def rayleigh_quotient_energy(psi):
    """The energy <psi|H|psi>/<psi|psi> of a wavefunction on a 6-site chain (complex input)."""
    h_psi = LAPLACIAN @ psi + POTENTIAL * psi
    numerator = np.real(np.vdot(psi, h_psi))
    return numerator / np.real(np.vdot(psi, psi))


def fft_filter_loss(log_gain):
    """A learned spectral gain applied with the FFT; the loss is the filtered signal's error."""
    spectrum = np.fft.rfft(SIGNAL)
    filtered = np.fft.irfft(spectrum * np.exp(log_gain), n=len(SIGNAL))
    return np.sum((filtered - np.cos(np.linspace(0.0, 6.0, 16))) ** 2)


def phase_retrieval(field):
    """Match the far-field intensity of a complex field (complex input, |.|**2 of an FFT)."""
    far = np.fft.fft(field)
    intensity = np.abs(far) ** 2
    return np.sum((intensity - np.arange(8.0)) ** 2) / 100.0
