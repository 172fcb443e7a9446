"""User programs calling scipy, written as autograd/JAX users write them, differentiated by
``autodiff.grad`` / ``jvp`` / ``hessian`` and compared with central finite differences and, where
autograd is installed, with autograd's scipy wrappers. Skipped when scipy is not installed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("scipy", reason="scipy is not installed (pip install 'autodiff[scipy]')")

import scipy.linalg
import scipy.signal
import scipy.special as sp
import scipy.stats
from scipy.linalg import cho_factor, cho_solve, solve_triangular
from scipy.special import expit, gammaln, log_softmax, logsumexp, xlogy
from scipy.stats import dirichlet, norm, t

import autodiff

EPS = 1e-6


def numeric_grad(f: Any, args: tuple, position: int) -> Any:
    """Central differences of the scalar ``f`` w.r.t. argument ``position``."""
    x = np.asarray(args[position], dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = EPS
        plus = list(args)
        minus = list(args)
        plus[position] = x + step
        minus[position] = x - step
        grad[index] = (f(*plus) - f(*minus)) / (2 * EPS)
    return grad if x.shape else float(grad)


def check_grad(f: Any, *args: Any, positions: tuple[int, ...] | None = None) -> tuple:
    """``autodiff.grad`` and ``autodiff.jvp`` of ``f`` against finite differences."""
    positions = tuple(range(len(args))) if positions is None else positions
    grads = autodiff.grad(f, grad_position=positions)(*args)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for position, grad in zip(positions, grads, strict=True):
        np.testing.assert_allclose(grad, numeric_grad(f, args, position), rtol=1e-5, atol=1e-7,
                                   err_msg=f"argument {position}")
    rng = np.random.default_rng(7)
    for position, grad in zip(positions, grads, strict=True):
        tangent = rng.normal(size=np.shape(args[position]))
        tangents = tuple(tangent if p == position else np.zeros(np.shape(a))
                         for p, a in enumerate(args))
        _, directional = autodiff.jvp(f, args, tangents)
        assert float(directional) == pytest.approx(float(np.sum(grad * tangent)), rel=1e-7,
                                                   abs=1e-9)
    return grads


# ---- programs -----------------------------------------------------------------------------------


def logistic_log_posterior(w, X, y):
    """Bayesian logistic regression: N(0, 1) prior, Bernoulli likelihood."""
    logits = X @ w
    prior = np.sum(scipy.stats.norm.logpdf(w, 0.0, 1.0))
    likelihood = np.sum(y * sp.log_expit(logits) + (1.0 - y) * sp.log_expit(-logits))
    return prior + likelihood


def logistic_log_posterior_expit(w, X, y):
    p = expit(X @ w)
    return np.sum(norm.logpdf(w, loc=0.0, scale=2.0)) + np.sum(xlogy(y, p) + xlogy(1 - y, 1 - p))


def student_t_likelihood(w, log_scale, df, X, y):
    mean = X @ w
    return np.sum(t.logpdf(y, df, loc=mean, scale=np.exp(log_scale)))


def dirichlet_model(log_alpha, z):
    alpha = np.exp(log_alpha)
    p = sp.softmax(z)
    return dirichlet.logpdf(p, alpha) + np.sum(gammaln(alpha))


def gp_log_marginal(log_lengthscale, log_noise, X, y):
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(-0.5 * sq / np.exp(2.0 * log_lengthscale)) + np.exp(log_noise) * np.eye(len(y))
    factor = cho_factor(K, lower=True)
    alpha = cho_solve(factor, y)
    return -0.5 * y @ alpha - np.sum(np.log(np.diag(factor[0]))) \
        - 0.5 * len(y) * np.log(2.0 * np.pi)


def gp_log_marginal_unpacked(log_lengthscale, X, y):
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(-0.5 * sq / np.exp(2.0 * log_lengthscale)) + 0.1 * np.eye(len(y))
    c, low = cho_factor(K)
    alpha = cho_solve((c, low), y)
    L = scipy.linalg.cholesky(K, lower=True)
    z = solve_triangular(L, y, lower=True)
    return -0.5 * y @ alpha - 0.25 * z @ z - np.sum(np.log(np.diag(c)))


def mixture_log_likelihood(logits, mu, log_sigma, x):
    log_weights = log_softmax(logits)
    components = norm.logpdf(x[:, None], mu, np.exp(log_sigma))
    return np.sum(logsumexp(log_weights + components, axis=1))


def signed_mixture(a, w):
    value, sign = logsumexp(a, b=w, return_sign=True)
    return 2.0 * value * sign


def smoothed_energy(x, kernel):
    return np.sum(scipy.signal.convolve(x, kernel, mode="same") ** 2)


def matrix_functions(A):
    return np.sum(scipy.linalg.expm(0.3 * A)) + np.trace(scipy.linalg.sqrtm(A @ A.T + np.eye(3)))


# ---- tests ----------------------------------------------------------------------------------------


def _regression_data(rng: np.random.Generator, n: int = 8, d: int = 3) -> tuple:
    X = rng.normal(size=(n, d))
    y = (rng.random(n) < 0.5).astype(float)
    return X, y


def test_logistic_log_posterior(rng: np.random.Generator) -> None:
    X, y = _regression_data(rng)
    w = rng.normal(size=3)
    check_grad(logistic_log_posterior, w, X, y, positions=(0,))
    check_grad(logistic_log_posterior_expit, w, X, y, positions=(0,))


def test_logistic_log_posterior_matches_autograd(rng: np.random.Generator) -> None:
    agrad = pytest.importorskip("autograd", reason="autograd is not installed").grad
    anp = pytest.importorskip("autograd.numpy")
    astats = pytest.importorskip("autograd.scipy.stats")
    aspecial = pytest.importorskip("autograd.scipy.special")
    X, y = _regression_data(rng)
    w = rng.normal(size=3)

    def reference(w):
        p = aspecial.expit(X @ w)
        return anp.sum(astats.norm.logpdf(w, 0.0, 2.0)) \
            + anp.sum(y * anp.log(p) + (1 - y) * anp.log(1 - p))

    ours = autodiff.grad(logistic_log_posterior_expit)(w, X, y)
    np.testing.assert_allclose(ours, agrad(reference)(w), rtol=1e-10)


def test_student_t_likelihood_with_keyword_loc_and_scale(rng: np.random.Generator) -> None:
    X, _ = _regression_data(rng)
    y = rng.standard_t(4.0, size=8)
    check_grad(student_t_likelihood, rng.normal(size=3), 0.2, 4.5, X, y, positions=(0, 1, 2))


def test_student_t_matches_autograd(rng: np.random.Generator) -> None:
    agrad = pytest.importorskip("autograd", reason="autograd is not installed").grad
    anp = pytest.importorskip("autograd.numpy")
    astats = pytest.importorskip("autograd.scipy.stats")
    X, _ = _regression_data(rng)
    y = rng.standard_t(4.0, size=8)
    w = rng.normal(size=3)

    def reference(w, log_scale, df):
        return anp.sum(astats.t.logpdf(y, df, X @ w, anp.exp(log_scale)))

    ours = autodiff.grad(student_t_likelihood, grad_position=(0, 1, 2))(w, 0.2, 4.5, X, y)
    theirs = agrad(reference, argnum=(0, 1, 2))(w, 0.2, 4.5)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_dirichlet_through_softmax(rng: np.random.Generator) -> None:
    check_grad(dirichlet_model, rng.normal(size=4) * 0.3, rng.normal(size=4))


def test_dirichlet_matches_autograd(rng: np.random.Generator) -> None:
    agrad = pytest.importorskip("autograd", reason="autograd is not installed").grad
    astats = pytest.importorskip("autograd.scipy.stats")
    x = rng.uniform(0.5, 2.0, size=4)
    x = x / np.sum(x)
    alpha = rng.uniform(0.5, 3.0, size=4)

    def ours(x, alpha):
        return dirichlet.logpdf(x, alpha)

    mine = autodiff.grad(ours, grad_position=(0, 1))(x, alpha)
    theirs = agrad(astats.dirichlet.logpdf, argnum=(0, 1))(x, alpha)
    for a, b in zip(mine, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_gp_marginal_likelihood_with_cho_factor(rng: np.random.Generator) -> None:
    X = rng.normal(size=(6, 2))
    y = rng.normal(size=6)
    check_grad(gp_log_marginal, 0.1, np.log(0.2), X, y, positions=(0, 1))
    check_grad(gp_log_marginal_unpacked, 0.1, X, y, positions=(0,))


def test_gp_marginal_likelihood_matches_autograd(rng: np.random.Generator) -> None:
    agrad = pytest.importorskip("autograd", reason="autograd is not installed").grad
    anp = pytest.importorskip("autograd.numpy")
    X = rng.normal(size=(6, 2))
    y = rng.normal(size=6)

    def reference(log_lengthscale, log_noise):
        sq = anp.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
        K = anp.exp(-0.5 * sq / anp.exp(2.0 * log_lengthscale)) + anp.exp(log_noise) * np.eye(6)
        L = anp.linalg.cholesky(K)
        return -0.5 * y @ anp.linalg.solve(K, y) - anp.sum(anp.log(anp.diag(L))) \
            - 3.0 * np.log(2.0 * np.pi)

    ours = autodiff.grad(gp_log_marginal, grad_position=(0, 1))(0.1, np.log(0.2), X, y)
    theirs = agrad(reference, argnum=(0, 1))(0.1, np.log(0.2))
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


def test_logsumexp_mixture(rng: np.random.Generator) -> None:
    x = rng.normal(size=7) * 2.0
    check_grad(mixture_log_likelihood, rng.normal(size=3), rng.normal(size=3),
               rng.normal(size=3) * 0.2, x, positions=(0, 1, 2))


def test_logsumexp_mixture_matches_autograd(rng: np.random.Generator) -> None:
    agrad = pytest.importorskip("autograd", reason="autograd is not installed").grad
    anp = pytest.importorskip("autograd.numpy")
    astats = pytest.importorskip("autograd.scipy.stats")
    aspecial = pytest.importorskip("autograd.scipy.special")
    x = rng.normal(size=7) * 2.0
    params = (rng.normal(size=3), rng.normal(size=3), rng.normal(size=3) * 0.2)

    def reference(logits, mu, log_sigma):
        log_weights = logits - aspecial.logsumexp(logits)
        components = astats.norm.logpdf(x[:, None], mu, anp.exp(log_sigma))
        return anp.sum(aspecial.logsumexp(log_weights + components, axis=1))

    ours = autodiff.grad(mixture_log_likelihood, grad_position=(0, 1, 2))(*params, x)
    theirs = agrad(reference, argnum=(0, 1, 2))(*params)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_logsumexp_with_weights_by_keyword_and_sign(rng: np.random.Generator) -> None:
    a = rng.normal(size=5)
    w = rng.uniform(0.5, 2.0, size=5)
    check_grad(lambda_free_logsumexp_b, a, w)
    check_grad(signed_mixture, a, w)


def lambda_free_logsumexp_b(a, w):
    return logsumexp(a, b=w) + logsumexp(a, axis=0, keepdims=True)[0]


def test_convolve_program(rng: np.random.Generator) -> None:
    check_grad(smoothed_energy, rng.normal(size=9), rng.normal(size=3))


def test_matrix_functions(rng: np.random.Generator) -> None:
    check_grad(matrix_functions, rng.normal(size=(3, 3)))


# ---- the ways users spell the call ----------------------------------------------------------------


def via_module_attribute(x, mu, sigma):
    return np.sum(scipy.stats.norm.logpdf(x, mu, sigma))


def via_imported_distribution(x, mu, sigma):
    return np.sum(norm.logpdf(x, mu, sigma))


def via_keywords(x, mu, sigma):
    return np.sum(norm.logpdf(x, loc=mu, scale=sigma))


def via_scale_keyword_only(x, mu, sigma):
    return np.sum(norm.logpdf(x - mu, scale=sigma))


def via_special_alias(x, mu, sigma):
    return np.sum(sp.gammaln(x * x + sigma) + sp.erf(mu * x))


@pytest.mark.parametrize("program", [via_module_attribute, via_imported_distribution,
                                     via_keywords, via_scale_keyword_only, via_special_alias],
                         ids=lambda f: f.__name__)
def test_call_spellings(program: Any, rng: np.random.Generator) -> None:
    check_grad(program, rng.normal(size=4), 0.3, 1.7)


# ---- higher order -------------------------------------------------------------------------------


def sum_gammaln(x):
    return np.sum(gammaln(x))


def normal_log_density(sigma, x):
    return np.sum(norm.logpdf(x, 0.5, sigma))


def logsumexp_of(x):
    return logsumexp(x) + np.sum(sp.erf(x) * sp.expit(x))


def test_hessian_of_gammaln_is_trigamma(rng: np.random.Generator) -> None:
    x = rng.uniform(0.5, 3.0, size=4)
    np.testing.assert_allclose(autodiff.hessian(sum_gammaln)(x), np.diag(sp.polygamma(1, x)),
                               rtol=1e-10)


def test_second_derivative_through_stats_and_special_rules(rng: np.random.Generator) -> None:
    x = rng.normal(size=5)
    second = autodiff.grad(autodiff.grad(normal_log_density))(1.3, x)
    first = autodiff.grad(normal_log_density)
    numeric = (first(1.3 + EPS, x) - first(1.3 - EPS, x)) / (2 * EPS)
    assert second == pytest.approx(numeric, rel=1e-6)
    point = rng.normal(size=4)
    hessian = autodiff.hessian(logsumexp_of)(point)
    gradient = autodiff.grad(logsumexp_of)
    columns = [(gradient(point + EPS * e) - gradient(point - EPS * e)) / (2 * EPS)
               for e in np.eye(4)]
    np.testing.assert_allclose(hessian, np.stack(columns, axis=1), rtol=1e-5, atol=1e-8)


# ---- what is not differentiated fails loudly ------------------------------------------------------


def gamma_cdf_shape(a, x):
    return np.sum(scipy.stats.gamma.cdf(x, a))


def frozen_distribution(mu, x):
    return np.sum(norm(mu, 1.0).logpdf(x))


def test_unimplemented_parameter_derivative_raises(rng: np.random.Generator) -> None:
    with pytest.raises(NotImplementedError, match=r"gamma\.cdf"):
        autodiff.grad(gamma_cdf_shape)(2.0, rng.uniform(0.5, 2.0, size=3))
    x_grad = autodiff.grad(gamma_cdf_shape, grad_position=1)(2.0, np.array([0.5, 1.5]))
    np.testing.assert_allclose(x_grad, scipy.stats.gamma.pdf(np.array([0.5, 1.5]), 2.0))


def test_frozen_distribution_is_the_distribution_called_with_its_parameters(
        rng: np.random.Generator) -> None:
    x = rng.normal(size=3)
    # d/dmu sum log N(x; mu, 1) = sum(x - mu)
    np.testing.assert_allclose(autodiff.grad(frozen_distribution)(0.2, x), np.sum(x - 0.2),
                               rtol=1e-12)


def _program_inputs(rng: np.random.Generator) -> dict[str, tuple]:
    X, y = _regression_data(rng)
    points, targets = rng.normal(size=(6, 2)), rng.normal(size=6)
    return {
        "logistic": (logistic_log_posterior, (rng.normal(size=3), X, y)),
        "logistic-expit": (logistic_log_posterior_expit, (rng.normal(size=3), X, y)),
        "student-t": (student_t_likelihood, (rng.normal(size=3), 0.2, 4.5, X, rng.normal(size=8))),
        "dirichlet": (dirichlet_model, (rng.normal(size=4) * 0.3, rng.normal(size=4))),
        "gp": (gp_log_marginal, (0.1, np.log(0.2), points, targets)),
        "gp-unpacked": (gp_log_marginal_unpacked, (0.1, points, targets)),
        "mixture": (mixture_log_likelihood, (rng.normal(size=3), rng.normal(size=3),
                                             rng.normal(size=3) * 0.2, rng.normal(size=7))),
        "convolve": (smoothed_energy, (rng.normal(size=9), rng.normal(size=3))),
        "expm-sqrtm": (matrix_functions, (rng.normal(size=(3, 3)),)),
        "signed-logsumexp": (signed_mixture, (rng.normal(size=5), rng.uniform(0.5, 2.0, size=5))),
    }


@pytest.mark.parametrize("name", list(_program_inputs(np.random.default_rng(0))))
def test_hessian_of_programs_matches_differences_of_the_gradient(
    name: str, rng: np.random.Generator
) -> None:
    program, args = _program_inputs(rng)[name]
    hessian = np.asarray(autodiff.hessian(program)(*args))
    gradient = autodiff.grad(program)
    x = np.asarray(args[0], dtype=np.float64)
    columns = []
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-5
        plus, minus = (x + step, x - step) if x.shape else (float(x + step), float(x - step))
        columns.append((np.asarray(gradient(plus, *args[1:]))
                        - np.asarray(gradient(minus, *args[1:]))) / 2e-5)
    numeric = np.stack(columns, axis=-1) if x.shape else columns[0]
    np.testing.assert_allclose(hessian.reshape(np.shape(numeric)), numeric, rtol=1e-4, atol=1e-6)


# ---- second order through every rule family (rules are differentiated again) -----------------

_UNARY_DOMAINS = {
    "erf": (-2, 2), "erfc": (-2, 2), "erfcx": (-2, 2), "ndtr": (-2, 2), "log_ndtr": (-2, 2),
    "expit": (-2, 2), "log_expit": (-2, 2), "softplus": (-2, 2), "i0": (-2, 2), "i1": (-2, 2),
    "i0e": (0.3, 2), "i1e": (-2, -0.3), "j0": (-2, 2), "j1": (-2, 2), "y0": (0.5, 4),
    "y1": (0.5, 4), "erfinv": (-0.8, 0.8), "erfcinv": (0.2, 1.8), "ndtri": (0.1, 0.9),
    "logit": (0.1, 0.9), "entr": (0.3, 2), "gammaln": (0.5, 3), "loggamma": (0.5, 3),
    "gamma": (0.5, 3), "rgamma": (0.5, 3), "psi": (0.5, 3),
}  # fmt: skip
_BINARY_FIRST = {"polygamma": 1, "jv": 1.5, "yv": 1.5, "iv": 1.5, "ive": 1.5, "kv": 1.5, "yn": 2,
                 "gammainc": 2.0, "gammaincc": 2.0, "zeta": 2.5}
_DISTRIBUTIONS = {"norm": (), "t": (3.5,), "gamma": (2.5,), "beta": (2.5, 3.0), "chi2": (3.5,),
                  "expon": (), "laplace": (), "uniform": (), "lognorm": (0.8,)}


def _unary_program(f: Any) -> Any:
    def program(x):
        return np.sum(f(x))

    return program


def _binary_program(f: Any, first: Any) -> Any:
    def program(x):
        return np.sum(f(first, x))

    return program


def _distribution_program(method: Any, shapes: tuple) -> Any:
    """``sum(method(x, *shapes, loc, scale))`` as a function of ``(loc, scale)``."""
    if len(shapes) == 0:
        def program(params, x):
            return np.sum(method(x, params[0], params[1]))
    elif len(shapes) == 1:
        s0 = shapes[0]

        def program(params, x):
            return np.sum(method(x, s0, params[0], params[1]))
    else:
        s0, s1 = shapes

        def program(params, x):
            return np.sum(method(x, s0, s1, params[0], params[1]))
    return program


def linalg_program(a, b):
    spd = a @ a.T + 3.0 * np.eye(3)
    factor = scipy.linalg.cho_factor(spd)
    return np.sum(solve_triangular(spd, b, lower=True) ** 2) + scipy.linalg.det(spd) \
        + np.sum(scipy.linalg.cho_solve(factor, b) ** 2) + np.sum(scipy.linalg.inv(spd) ** 2) \
        + np.sum(scipy.linalg.solve_sylvester(spd, spd.T, np.outer(b, b)) ** 2) \
        + np.sum(scipy.linalg.logm(spd) ** 2)


def banded_program(ab, b):
    return np.sum(scipy.linalg.solve_banded((1, 1), ab, b) ** 2)


def multivariate_program(mean, x, cov):
    return np.sum(scipy.stats.multivariate_normal.logpdf(x, mean, cov)) \
        + scipy.stats.multivariate_normal.entropy(mean, cov)


def poisson_dirichlet_program(mu, k, x):
    return np.sum(scipy.stats.poisson.logpmf(k, mu) + scipy.stats.poisson.cdf(k, mu)) \
        + dirichlet.logpdf(x, mu)


def entropy_program(x, q):
    return scipy.stats.entropy(sp.softmax(x), q) + scipy.stats.entropy(np.exp(x), base=2.0)


def zscore_program(x):
    return np.sum(scipy.stats.zscore(x, ddof=1) * np.arange(4.0) ** 2)


def multinomial_program(x):
    return scipy.stats.multinomial.logpmf(np.array([1.0, 0.0, 2.0, 1.0]), 4, sp.softmax(x))


def _second_order_cases() -> list[Any]:
    rng = np.random.default_rng(3)
    cases = []
    for name, (low, high) in _UNARY_DOMAINS.items():
        if not hasattr(sp, name):  # softplus: scipy >= 1.15
            continue
        cases.append(pytest.param(_unary_program(getattr(sp, name)),
                                  (rng.uniform(low, high, 3),), id=name))
    for name, first in _BINARY_FIRST.items():
        cases.append(pytest.param(_binary_program(getattr(sp, name), first),
                                  (rng.uniform(0.5, 3.0, 3),), id=name))
    for name, shapes in _DISTRIBUTIONS.items():
        x = 0.1 + 1.3 * rng.uniform(0.2, 0.8, 4)
        for method in ("logpdf", "cdf", "logsf"):
            program = _distribution_program(getattr(getattr(scipy.stats, name), method), shapes)
            cases.append(pytest.param(program, (np.array([0.1, 1.3]), x), id=f"{name}.{method}"))
    ab = 0.3 * rng.normal(size=(3, 5))
    ab[1] += 3.0
    simplex = rng.uniform(0.5, 2.0, 4)
    cases += [
        pytest.param(linalg_program, (rng.normal(size=(3, 3)), rng.normal(size=3)), id="linalg"),
        pytest.param(banded_program, (ab, rng.normal(size=5)), id="solve_banded"),
        pytest.param(multivariate_program, (rng.normal(size=3), rng.normal(size=(4, 3)),
                                            2.0 * np.eye(3) + 0.1), id="multivariate_normal"),
        pytest.param(poisson_dirichlet_program, (rng.uniform(1.0, 3.0, 4),
                                                 np.array([0.0, 1.0, 2.0, 4.0]),
                                                 simplex / np.sum(simplex)),
                     id="poisson-dirichlet"),
        pytest.param(entropy_program, (rng.normal(size=4), simplex), id="entropy"),
        pytest.param(zscore_program, (rng.normal(size=4),), id="zscore"),
        pytest.param(multinomial_program, (rng.normal(size=4),), id="multinomial"),
    ]
    return cases


@pytest.mark.parametrize(("program", "args"), _second_order_cases())
def test_hessian_through_the_rules(program: Any, args: tuple) -> None:
    hessian = np.asarray(autodiff.hessian(program)(*args))
    gradient = autodiff.grad(program)
    x = np.asarray(args[0], dtype=np.float64)
    columns = []
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-5
        columns.append((np.asarray(gradient(x + step, *args[1:]))
                        - np.asarray(gradient(x - step, *args[1:]))) / 2e-5)
    numeric = np.stack(columns, axis=-1)
    np.testing.assert_allclose(hessian.reshape(numeric.shape), numeric, rtol=1e-4, atol=1e-6)


# ---- parity with autograd on every scipy function it differentiates -------------------------------


def _u(low: float, high: float, *shape: int) -> Any:
    return np.random.default_rng(11).uniform(low, high, size=shape)


def _spd3() -> Any:
    m = np.random.default_rng(12).normal(size=(3, 3))
    return m @ m.T + 3.0 * np.eye(3)


def _simplex4() -> Any:
    x = _u(0.5, 2.0, 4)
    return x / np.sum(x)


_BANDED = np.vstack([_u(-0.3, 0.3, 5), _u(2.5, 3.5, 5), _u(-0.3, 0.3, 5)])

# (autograd module path, function name, arguments, argnums, keyword parameters)
AUTOGRAD_TABLE = [
    ("special", "beta", (_u(0.5, 3, 4), _u(0.5, 3, 4)), (0, 1), {}),
    ("special", "betainc", (2.0, 3.0, _u(0.1, 0.9, 4)), (2,), {}),
    ("special", "betaln", (_u(0.5, 3, 4), _u(0.5, 3, 4)), (0, 1), {}),
    ("special", "polygamma", (2, _u(0.5, 3, 4)), (1,), {}),
    ("special", "psi", (_u(0.5, 3, 4),), (0,), {}),
    ("special", "digamma", (_u(0.5, 3, 4),), (0,), {}),
    ("special", "gamma", (_u(0.5, 3, 4),), (0,), {}),
    ("special", "gammaln", (_u(0.5, 3, 4),), (0,), {}),
    ("special", "gammainc", (2.0, _u(0.5, 3, 4)), (1,), {}),
    ("special", "gammaincc", (2.0, _u(0.5, 3, 4)), (1,), {}),
    ("special", "rgamma", (_u(0.5, 3, 4),), (0,), {}),
    ("special", "multigammaln", (_u(2.0, 4, 4), 3), (0,), {}),
    ("special", "j0", (_u(-5, 5, 4),), (0,), {}),
    ("special", "y0", (_u(0.5, 5, 4),), (0,), {}),
    ("special", "j1", (_u(-5, 5, 4),), (0,), {}),
    ("special", "y1", (_u(0.5, 5, 4),), (0,), {}),
    ("special", "jn", (2, _u(-5, 5, 4)), (1,), {}),
    ("special", "yn", (2, _u(0.5, 5, 4)), (1,), {}),
    ("special", "i0", (_u(-3, 3, 4),), (0,), {}),
    ("special", "i1", (_u(-3, 3, 4),), (0,), {}),
    ("special", "iv", (1.5, _u(0.5, 3, 4)), (1,), {}),
    ("special", "ive", (1.5, _u(0.5, 3, 4)), (1,), {}),
    ("special", "erf", (_u(-2, 2, 4),), (0,), {}),
    ("special", "erfc", (_u(-2, 2, 4),), (0,), {}),
    ("special", "erfinv", (_u(-0.9, 0.9, 4),), (0,), {}),
    ("special", "erfcinv", (_u(0.1, 1.9, 4),), (0,), {}),
    ("special", "logit", (_u(0.1, 0.9, 4),), (0,), {}),
    ("special", "expit", (_u(-3, 3, 4),), (0,), {}),
    ("special", "logsumexp", (_u(-3, 3, 3, 4),), (0,), {"axis": 1}),
    ("stats.beta", "cdf", (_u(0.1, 0.9, 4), 2.0, 3.0), (0,), {}),
    ("stats.beta", "logpdf", (_u(0.1, 0.9, 4), 2.0, 3.0), (0, 1, 2), {}),
    ("stats.beta", "pdf", (_u(0.1, 0.9, 4), 2.0, 3.0), (0, 1, 2), {}),
    ("stats.chi2", "cdf", (_u(0.5, 4, 4), 3.0), (0,), {}),
    ("stats.chi2", "logpdf", (_u(0.5, 4, 4), 3.0), (0,), {}),
    ("stats.chi2", "pdf", (_u(0.5, 4, 4), 3.0), (0,), {}),
    ("stats.dirichlet", "logpdf", (_simplex4(), _u(0.5, 3, 4)), (0, 1), {}),
    ("stats.dirichlet", "pdf", (_simplex4(), _u(0.5, 3, 4)), (0, 1), {}),
    ("stats.gamma", "cdf", (_u(0.5, 4, 4), 2.5), (0,), {}),
    ("stats.gamma", "logpdf", (_u(0.5, 4, 4), 2.5), (0, 1), {}),
    ("stats.gamma", "pdf", (_u(0.5, 4, 4), 2.5), (0, 1), {}),
    ("stats.multivariate_normal", "logpdf", (_u(-1, 1, 5, 3), _u(-1, 1, 3), _spd3()), (0, 1, 2),
     {}),
    ("stats.multivariate_normal", "pdf", (_u(-1, 1, 5, 3), _u(-1, 1, 3), _spd3()), (0, 1, 2),
     {}),
    ("stats.multivariate_normal", "entropy", (_u(-1, 1, 3), _spd3()), (1,), {}),
    ("stats.norm", "pdf", (_u(-2, 2, 4), 0.3, 1.4), (0, 1, 2), {}),
    ("stats.norm", "cdf", (_u(-2, 2, 4), 0.3, 1.4), (0, 1, 2), {}),
    ("stats.norm", "sf", (_u(-2, 2, 4), 0.3, 1.4), (0, 1, 2), {}),
    ("stats.norm", "logpdf", (_u(-2, 2, 4), 0.3, 1.4), (0, 1, 2), {}),
    ("stats.norm", "logcdf", (_u(-2, 2, 4), 0.3, 1.4), (0, 1, 2), {}),
    ("stats.norm", "logsf", (_u(-2, 2, 4), 0.3, 1.4), (0, 1, 2), {}),
    ("stats.poisson", "cdf", (np.array([0.0, 1.0, 3.0]), 2.5), (1,), {}),
    ("stats.poisson", "logpmf", (np.array([0.0, 1.0, 3.0]), 2.5), (1,), {}),
    ("stats.poisson", "pmf", (np.array([0.0, 1.0, 3.0]), 2.5), (1,), {}),
    ("stats.t", "pdf", (_u(-2, 2, 4), 3.5, 0.3, 1.4), (0, 1, 2, 3), {}),
    ("stats.t", "logpdf", (_u(-2, 2, 4), 3.5, 0.3, 1.4), (0, 1, 2, 3), {}),
    ("stats.t", "cdf", (_u(-2, 2, 4), 3.5, 0.3, 1.4), (0, 2), {}),
    ("stats.t", "logcdf", (_u(-2, 2, 4), 3.5, 0.3, 1.4), (0, 2), {}),
    ("linalg", "sqrtm", (_spd3(),), (0,), {}),
    ("linalg", "solve_triangular", (_spd3(), _u(-1, 1, 3, 2)), (0, 1), {"lower": True}),
    ("linalg", "solve_triangular", (_spd3(), _u(-1, 1, 3)), (0, 1), {"trans": "T"}),
    ("linalg", "solve_banded", ((1, 1), _BANDED, _u(-1, 1, 5)), (1, 2), {}),
    ("linalg", "solve_sylvester", (_spd3(), _spd3()[:2, :2], _u(-1, 1, 3, 2)), (0, 1, 2), {}),
]


@pytest.mark.parametrize(("path", "name", "args", "argnums", "params"), AUTOGRAD_TABLE,
                         ids=[f"{row[0]}.{row[1]}" for row in AUTOGRAD_TABLE])
def test_rules_match_autograd(path: str, name: str, args: tuple, argnums: tuple,
                              params: dict) -> None:
    import importlib

    agrad = pytest.importorskip("autograd", reason="autograd is not installed")
    anp = pytest.importorskip("autograd.numpy")
    theirs = getattr(importlib.import_module(f"autograd.scipy.{path}"), name)
    module, _, distribution = path.partition(".")
    owner = importlib.import_module(f"scipy.{module}")
    ours = getattr(getattr(owner, distribution) if distribution else owner, name)
    from autodiff.runtime import registry

    ans = ours(*args, **params)
    weights = np.random.default_rng(5).normal(size=np.shape(ans))
    for argnum in argnums:
        expected = agrad.grad(lambda *a: anp.sum(weights * theirs(*a, **params)), argnum)(*args)
        got = registry.lookup(ours).rule_for(argnum)(weights, ans, *args, **params)
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-12,
                                   err_msg=f"{path}.{name} argument {argnum}")


# ---- scipy.integrate.odeint -------------------------------------------------------------------------


def damped_oscillator(y, t, stiffness, damping):
    return np.array([y[1], -stiffness * y[0] - damping * y[1]])


def oscillator_fit(log_stiffness, damping, y0, observed):
    times = np.linspace(0.0, 2.0, 5)
    path = scipy.integrate.odeint(damped_oscillator, y0, times,
                                  args=(np.exp(log_stiffness), damping), rtol=1e-11, atol=1e-11)
    return np.sum((path[:, 0] - observed) ** 2)


def test_odeint_parameter_fit(rng: np.random.Generator) -> None:
    observed = rng.normal(size=5)
    check_grad(oscillator_fit, 0.3, 0.2, np.array([1.0, 0.0]), observed, positions=(0, 1, 2))


def exponential_decay(y, t, rate):
    return -rate * y


def decayed_total(rate, y0, t_end):
    times = np.array([0.0, 0.5 * t_end, t_end])
    return np.sum(scipy.integrate.odeint(exponential_decay, y0, times, args=(rate,),
                                         rtol=1e-12, atol=1e-12))


def test_odeint_matches_the_analytic_gradient() -> None:
    # Y(t) = y0 exp(-rate t). (autograd's own odeint wrapper fails with this numpy/scipy.)
    rate, y0, t_end = 0.7, np.array([1.0, 2.0]), 1.5
    times = np.array([0.0, 0.5 * t_end, t_end])
    decay = np.exp(-rate * times)
    d_rate, d_y0, d_end = autodiff.grad(decayed_total, grad_position=(0, 1, 2))(rate, y0, t_end)
    assert d_rate == pytest.approx(-np.sum(y0) * np.sum(times * decay), rel=1e-8)
    np.testing.assert_allclose(d_y0, np.full(2, np.sum(decay)), rtol=1e-8)
    assert d_end == pytest.approx(-rate * np.sum(y0) * (0.5 * decay[1] + decay[2]), rel=1e-8)


def test_second_derivatives_through_odeint_fail_loudly() -> None:
    with pytest.raises(autodiff.AutodiffError, match="odeint"):
        autodiff.hessian(decayed_total)(0.7, np.array([1.0, 2.0]), 1.5)
