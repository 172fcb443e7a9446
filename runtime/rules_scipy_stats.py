"""Gradient rules of ``scipy.stats`` distributions, loaded once user code has imported
scipy.stats.

The methods of the distribution objects (``scipy.stats.norm.logpdf``, ...) are primitives: the
registry keys a bound method by its receiver and name.

Location-scale families (``LOCATION_SCALE``): each method ``m(x, *shape, loc=0, scale=1)`` is
the standardized one at ``z = (x - loc) / scale``, so its rules follow from a few functions of
``z`` written per distribution below: ``_<dist>_score(z, *shape)``, the derivative of the
standardized log density, ``_<dist>_<param>_score``, its derivative with respect to a shape
parameter, and (where it has a closed form) ``_<dist>_<param>_cdf``, the derivative of the
standardized cdf with respect to a shape parameter. ``_DERIVATIVES`` spells each method's
partial derivatives in those terms:

- ``logpdf``: ``d/dx = score/scale``, ``d/dloc = -score/scale``,
  ``d/dscale = -(score·z + 1)/scale``; ``pdf`` is ``exp(logpdf)`` (the same times ``pdf``);
- ``cdf``: ``d/dx = pdf``, ``d/dloc = -pdf``, ``d/dscale = -pdf·z``; ``sf = 1 - cdf``;
  ``logcdf`` and ``logsf`` divide by ``cdf`` and ``sf`` (as ``exp(logpdf - ans)``).

``_location_scale_source`` writes one small rule function per (distribution, method, mode,
argument) from that table, e.g. ``t_cdf_vjp_scale``; they are compiled from source registered
in ``linecache`` (``registry.define_from_source``), so ``inspect.getsource`` shows them and gradients of gradients compile them
like any rule. Also ``norm.ppf``/``norm.isf``. Discrete: poisson (all six, w.r.t. ``mu``),
bernoulli, binom, geom (``logpmf``/``pmf`` w.r.t. ``p``). Also dirichlet and
multivariate_normal (``logpdf``/``pdf``; ``multivariate_normal.entropy``).

Derivatives of a ``cdf``-like method with respect to a shape parameter with no closed form (an
incomplete gamma or beta function of its parameter) are not implemented: those rules raise
``NotImplementedError``. Covariance gradients (``multivariate_normal``) are symmetric, the
convention of autograd: the derivative along any symmetric perturbation of ``cov`` is exact.
Results keep scipy's dtype (float64); the API casts each gradient to its input's dtype.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special, stats

from .broadcast import broadcast_like, unbroadcast_to
from .registry import constant_arguments, define_from_source, defrule, public_functions


def _no_shape_gradient(method: str, argument: str) -> None:
    raise NotImplementedError(
        f"the derivative of scipy.stats.{method} with respect to its shape parameter "
        f"{argument!r} is not implemented; pass {argument} as a constant"
    )


# ---- location-scale families: the standardized log density's derivatives ---------------------


def _norm_score(z: Any) -> Any:
    return -z


def _t_score(z: Any, df: Any) -> Any:
    return -(df + 1.0) * z / (df + z * z)


def _t_df_score(z: Any, df: Any) -> Any:
    return 0.5 * (special.digamma(0.5 * (df + 1.0)) - special.digamma(0.5 * df) - 1.0 / df
                  - np.log1p(z * z / df) + (df + 1.0) * z * z / (df * (df + z * z)))


def _gamma_score(z: Any, a: Any) -> Any:
    return (a - 1.0) / z - 1.0


def _gamma_a_score(z: Any, a: Any) -> Any:
    return np.log(z) - special.digamma(a)


def _beta_score(z: Any, a: Any, b: Any) -> Any:
    return (a - 1.0) / z - (b - 1.0) / (1.0 - z)


def _beta_a_score(z: Any, a: Any, b: Any) -> Any:
    return np.log(z) - special.digamma(a) + special.digamma(a + b)


def _beta_b_score(z: Any, a: Any, b: Any) -> Any:
    return np.log1p(-z) - special.digamma(b) + special.digamma(a + b)


def _chi2_score(z: Any, df: Any) -> Any:
    return (0.5 * df - 1.0) / z - 0.5


def _chi2_df_score(z: Any, df: Any) -> Any:
    return 0.5 * (np.log(0.5 * z) - special.digamma(0.5 * df))


def _expon_score(z: Any) -> Any:
    return -np.ones_like(z)


def _laplace_score(z: Any) -> Any:
    return -np.sign(z)


def _uniform_score(z: Any) -> Any:
    return np.zeros_like(z)


def _cauchy_score(z: Any) -> Any:
    return -2.0 * z / (1.0 + z * z)


def _logistic_score(z: Any) -> Any:
    return -np.tanh(0.5 * z)


def _lognorm_score(z: Any, s: Any) -> Any:
    """The density ``exp(-log(z)²/(2s²)) / (s z √(2π))``."""
    return -(1.0 + np.log(z) / (s * s)) / z


def _lognorm_s_score(z: Any, s: Any) -> Any:
    return (np.log(z) ** 2 / (s * s) - 1.0) / s


def _lognorm_s_cdf(z: Any, s: Any) -> Any:
    """The cdf ``Φ(log(z)/s)``: ``-φ(log(z)/s) log(z)/s²``."""
    return -stats.norm.pdf(np.log(z) / s) * np.log(z) / (s * s)


# distribution: its shape parameters, in scipy's order
LOCATION_SCALE = {
    "norm": (), "t": ("df",), "gamma": ("a",), "beta": ("a", "b"), "chi2": ("df",),
    "expon": (), "laplace": (), "uniform": (), "cauchy": (), "logistic": (),
    "lognorm": ("s",),
}  # fmt: skip
METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")

# d method / d argument over {z} = (x - loc) / scale. Densities: {f} is the factor of the
# log density's derivative ('' for logpdf, 'ans * ' for pdf). Distribution functions: {p} is
# d cdf/dx (the pdf; divided by the cdf or sf for their logs: exp(logpdf - ans)), {c} a shape
# parameter's d cdf/dparam, {sign} '-' for sf/logsf.
_DERIVATIVES = {
    "density": {"x": "{f}{score} / scale", "loc": "-{f}{score} / scale",
                "scale": "-{f}({score} * {z} + 1.0) / scale", "shape": "{f}{shape_score}"},
    "distribution": {"x": "{sign}{p}", "loc": "{minus}{p}", "scale": "{minus}{p} * {z}",
                     "shape": "{sign}{c}"},
}
_DENSITY_FACTOR = {"logpdf": "", "pdf": "ans * "}
_DISTRIBUTION_FORMS = {  # method: (sign, d/dx, d/dparam given d cdf/dparam {c})
    "cdf": ("", "stats.{dist}.pdf({call})", "{c}"),
    "sf": ("-", "stats.{dist}.pdf({call})", "{c}"),
    "logcdf": ("", "np.exp(stats.{dist}.logpdf({call}) - ans)", "{c} * np.exp(-ans)"),
    "logsf": ("-", "np.exp(stats.{dist}.logpdf({call}) - ans)", "{c} * np.exp(-ans)"),
}
_MODES = {"vjp": ("g", "unbroadcast_to", None), "jvp": ("t", "broadcast_like", "ans")}


def _derivative(dist: str, method: str, shapes: tuple[str, ...], argument: str) -> str | None:
    """``d dist.method / d argument`` as an expression, or None if it is not implemented."""
    z = "(x - loc) / scale"
    standardized = ", ".join((z, *shapes))
    role = argument if argument in ("x", "loc", "scale") else "shape"
    if method in _DENSITY_FACTOR:
        return _DERIVATIVES["density"][role].format(
            f=_DENSITY_FACTOR[method], z=z, score=f"_{dist}_score({standardized})",
            shape_score=f"_{dist}_{argument}_score({standardized})")
    if role == "shape" and f"_{dist}_{argument}_cdf" not in globals():
        return None
    sign, p, c = _DISTRIBUTION_FORMS[method]
    p = p.format(dist=dist, call=", ".join(("x", *shapes, "loc", "scale")))
    c = c.format(c=f"_{dist}_{argument}_cdf({standardized})")
    return _DERIVATIVES["distribution"][role].format(sign=sign, minus="-" if not sign else "",
                                                     p=p, c=c, z=z)


def _rule_source(dist: str, method: str, shapes: tuple[str, ...], mode: str,
                 argument: str) -> str:
    seed, reduce, target = _MODES[mode]
    params = ", ".join((seed, "ans", "x", *shapes, "loc=0.0", "scale=1.0"))
    derivative = _derivative(dist, method, shapes, argument)
    body = f"_no_shape_gradient({f'{dist}.{method}'!r}, {argument!r})" if derivative is None \
        else f"return {reduce}({seed} * {derivative}, {target or argument})"
    return f"def {dist}_{method}_{mode}_{argument}({params}):\n    {body}\n"


def _location_scale_source() -> str:
    return "\n\n".join(_rule_source(dist, method, shapes, mode, argument)
                       for dist, shapes in LOCATION_SCALE.items() for method in METHODS
                       for mode in _MODES for argument in ("x", *shapes, "loc", "scale"))


def _define_location_scale_rules() -> None:
    define_from_source(_location_scale_source(), globals(), f"{__name__}: location-scale rules")
    for dist, shapes in LOCATION_SCALE.items():
        arguments = ("x", *shapes, "loc", "scale")
        for method in METHODS:
            rules = {mode: tuple(globals()[f"{dist}_{method}_{mode}_{a}"] for a in arguments)
                     for mode in _MODES}
            defrule(getattr(getattr(stats, dist), method), vjp=rules["vjp"], jvp=rules["jvp"],
                    argnames=arguments)


_define_location_scale_rules()


# ---- scipy.stats.norm quantiles: ans = loc + scale * z(q) ---------------------------------------


# d/dq = 1 / pdf(ppf(q)) (isf(q) = ppf(1 - q): minus that); d/dloc = 1; d/dscale = z, the
# standardized quantile (ppf(q) - loc) / scale
_NORM_QUANTILES = {"ppf": "", "isf": "-"}  # method: the sign of d/dq
_NORM_QUANTILE_RULES = """
def norm_{method}_vjp_q(g, ans, q, loc=0.0, scale=1.0):
    return unbroadcast_to({sign}g / stats.norm.pdf(ans, loc, scale), q)


def norm_{method}_jvp_q(t, ans, q, loc=0.0, scale=1.0):
    return broadcast_like({sign}t / stats.norm.pdf(ans, loc, scale), ans)


def norm_{method}_vjp_loc(g, ans, q, loc=0.0, scale=1.0):
    return unbroadcast_to(g * np.ones_like(ans), loc)


def norm_{method}_jvp_loc(t, ans, q, loc=0.0, scale=1.0):
    return broadcast_like(t * np.ones_like(ans), ans)


def norm_{method}_vjp_scale(g, ans, q, loc=0.0, scale=1.0):
    return unbroadcast_to(g * (ans - loc) / scale, scale)


def norm_{method}_jvp_scale(t, ans, q, loc=0.0, scale=1.0):
    return broadcast_like(t * (ans - loc) / scale, ans)
"""
define_from_source("\n".join(_NORM_QUANTILE_RULES.format(method=method, sign=sign)
                             for method, sign in _NORM_QUANTILES.items()),
                   globals(), f"{__name__}: norm quantile rules")
for _method in _NORM_QUANTILES:
    defrule(getattr(stats.norm, _method),
            vjp=tuple(globals()[f"norm_{_method}_vjp_{a}"] for a in ("q", "loc", "scale")),
            jvp=tuple(globals()[f"norm_{_method}_jvp_{a}"] for a in ("q", "loc", "scale")),
            argnames=("q", "loc", "scale"))

# ---- discrete distributions: the count k, binom's n and the shift loc are integers -------------


def discrete_integer_argument_vjp(g: Any, ans: Any, *args: Any, **params: Any) -> Any:
    """A pmf is not differentiable in its integer arguments (k, n, loc): raise rather than
    give them a silently zero gradient (the cdf-like methods are piecewise constant in them
    and register no rule: zero is their derivative)."""
    raise NotImplementedError(
        "the probability mass function of a discrete scipy.stats distribution has no "
        "derivative with respect to its integer arguments (k, n, loc); pass them as constants"
    )


def discrete_integer_argument_jvp(t: Any, ans: Any, *args: Any, **params: Any) -> Any:
    discrete_integer_argument_vjp(t, ans, *args, **params)


# ---- scipy.stats.poisson (w.r.t. the mean) -----------------------------------------------------


def poisson_logpmf_vjp_mu(g: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """``(k - loc)/mu - 1`` where the pmf is positive (elsewhere logpmf is constant -inf)."""
    return unbroadcast_to(g * np.where(np.isfinite(ans), (k - loc) / mu - 1.0, 0.0), mu)


def poisson_logpmf_jvp_mu(t: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * np.where(np.isfinite(ans), (k - loc) / mu - 1.0, 0.0), ans)


def poisson_pmf_vjp_mu(g: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return unbroadcast_to(g * ans * ((k - loc) / mu - 1.0), mu)


def poisson_pmf_jvp_mu(t: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * ans * ((k - loc) / mu - 1.0), ans)


def poisson_cdf_vjp_mu(g: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """``d/dmu P(K <= n) = -pmf(n, mu)`` with ``n = floor(k - loc)``."""
    return unbroadcast_to(-g * stats.poisson.pmf(np.floor(k - loc), mu), mu)


def poisson_cdf_jvp_mu(t: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(-t * stats.poisson.pmf(np.floor(k - loc), mu), ans)


def poisson_sf_vjp_mu(g: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return unbroadcast_to(g * stats.poisson.pmf(np.floor(k - loc), mu), mu)


def poisson_sf_jvp_mu(t: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * stats.poisson.pmf(np.floor(k - loc), mu), ans)


def poisson_logcdf_vjp_mu(g: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return unbroadcast_to(-g * np.exp(stats.poisson.logpmf(np.floor(k - loc), mu) - ans), mu)


def poisson_logcdf_jvp_mu(t: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(-t * np.exp(stats.poisson.logpmf(np.floor(k - loc), mu) - ans), ans)


def poisson_logsf_vjp_mu(g: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.poisson.logpmf(np.floor(k - loc), mu) - ans), mu)


def poisson_logsf_jvp_mu(t: Any, ans: Any, k: Any, mu: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * np.exp(stats.poisson.logpmf(np.floor(k - loc), mu) - ans), ans)


_INTEGER_VJP, _INTEGER_JVP = discrete_integer_argument_vjp, discrete_integer_argument_jvp
for _method in ("logpmf", "pmf", "cdf", "sf", "logcdf", "logsf"):
    _vjp, _jvp = (_INTEGER_VJP, _INTEGER_JVP) if "pmf" in _method else (None, None)
    defrule(getattr(stats.poisson, _method),
            vjp=(_vjp, globals()[f"poisson_{_method}_vjp_mu"], _vjp),
            jvp=(_jvp, globals()[f"poisson_{_method}_jvp_mu"], _jvp),
            argnames=("k", "mu", "loc"))


# ---- scipy.stats.bernoulli, binom, geom (w.r.t. the probability p; counts are integers) ----------


def _bernoulli_score(k: Any, p: Any, inside: Any) -> Any:
    """``k/p - (1 - k)/(1 - p)``."""
    return np.where(inside, k / p - (1.0 - k) / (1.0 - p), 0.0)


def _binom_score(k: Any, n: Any, p: Any, inside: Any) -> Any:
    """``k/p - (n - k)/(1 - p)``."""
    return np.where(inside, k / p - (n - k) / (1.0 - p), 0.0)


def _geom_score(k: Any, p: Any, inside: Any) -> Any:
    """``pmf = (1 - p)^(k-1) p``: ``1/p - (k - 1)/(1 - p)``."""
    return np.where(inside, 1.0 / p - (k - 1.0) / (1.0 - p), 0.0)


# distribution: its integer parameters between k and p. d logpmf/dp is _<dist>_score of the count
# k - loc where the pmf is positive (0 elsewhere); pmf's is that times the pmf.
PROBABILITY_PARAMETER = {"bernoulli": (), "binom": ("n",), "geom": ()}
_PMF_FORMS = {"logpmf": ("", "np.isfinite(ans)"), "pmf": ("ans * ", "ans > 0.0")}
_PMF_RULE = """
def {dist}_{method}_{mode}_p({seed}, ans, k, {integers}p, loc=0.0):
    return {reduce}({seed} * {factor}_{dist}_score(k - loc, {integers}p, {inside}), {target})
"""
define_from_source("\n".join(
    _PMF_RULE.format(dist=dist, method=method, mode=mode, seed=seed, reduce=reduce,
                     target=target or "p", factor=_PMF_FORMS[method][0],
                     inside=_PMF_FORMS[method][1], integers="".join(f"{n}, " for n in integers))
    for dist, integers in PROBABILITY_PARAMETER.items() for method in _PMF_FORMS
    for mode, (seed, reduce, target) in _MODES.items()),
    globals(), f"{__name__}: probability-parameter rules")
for _dist, _integers in PROBABILITY_PARAMETER.items():
    for _method in _PMF_FORMS:
        _counts = (_INTEGER_VJP,) * (1 + len(_integers)), (_INTEGER_JVP,) * (1 + len(_integers))
        defrule(getattr(getattr(stats, _dist), _method),
                vjp=(*_counts[0], globals()[f"{_dist}_{_method}_vjp_p"], _INTEGER_VJP),
                jvp=(*_counts[1], globals()[f"{_dist}_{_method}_jvp_p"], _INTEGER_JVP),
                argnames=("k", *_integers, "p", "loc"))


# ---- scipy.stats.dirichlet (components along axis 0 of x, as scipy has them) -------------------


def dirichlet_logpdf_vjp_x(g: Any, ans: Any, x: Any, alpha: Any) -> Any:
    return g * _dirichlet_x_score(x, alpha)


def dirichlet_logpdf_jvp_x(t: Any, ans: Any, x: Any, alpha: Any) -> Any:
    return broadcast_like(np.sum(t * _dirichlet_x_score(x, alpha), axis=0), ans)


def dirichlet_logpdf_vjp_alpha(g: Any, ans: Any, x: Any, alpha: Any) -> Any:
    return _sum_samples(g * _dirichlet_alpha_score(x, alpha), alpha)


def dirichlet_logpdf_jvp_alpha(t: Any, ans: Any, x: Any, alpha: Any) -> Any:
    score = _dirichlet_alpha_score(x, alpha)
    return broadcast_like(np.sum(_along_components(t, score) * score, axis=0), ans)


def dirichlet_pdf_vjp_x(g: Any, ans: Any, x: Any, alpha: Any) -> Any:
    return g * ans * _dirichlet_x_score(x, alpha)


def dirichlet_pdf_jvp_x(t: Any, ans: Any, x: Any, alpha: Any) -> Any:
    return broadcast_like(ans * np.sum(t * _dirichlet_x_score(x, alpha), axis=0), ans)


def dirichlet_pdf_vjp_alpha(g: Any, ans: Any, x: Any, alpha: Any) -> Any:
    return _sum_samples(g * ans * _dirichlet_alpha_score(x, alpha), alpha)


def dirichlet_pdf_jvp_alpha(t: Any, ans: Any, x: Any, alpha: Any) -> Any:
    score = _dirichlet_alpha_score(x, alpha)
    return broadcast_like(ans * np.sum(_along_components(t, score) * score, axis=0), ans)


def _along_components(alpha: Any, x: Any) -> Any:
    """``alpha`` (one value per component) shaped to broadcast along axis 0 of ``x``."""
    return np.reshape(alpha, np.shape(alpha) + (1,) * (np.ndim(x) - 1))


def _dirichlet_x_score(x: Any, alpha: Any) -> Any:
    """``(alpha - 1)/x``; with the last component left out (``x`` has K-1 entries, the last is
    ``1 - sum(x)``), the derivative along the free components."""
    a = _along_components(alpha, x)
    if np.shape(x)[0] == np.shape(alpha)[0]:
        return (a - 1.0) / x
    last = 1.0 - np.sum(x, axis=0)
    return (a[:-1] - 1.0) / x - (a[-1:] - 1.0) / last


def _dirichlet_alpha_score(x: Any, alpha: Any) -> Any:
    """``log x - ψ(alpha) + ψ(Σ alpha)``, with the last component of ``x`` filled in."""
    if np.shape(x)[0] != np.shape(alpha)[0]:
        x = np.concatenate([x, 1.0 - np.sum(x, axis=0, keepdims=True)], axis=0)
    a = _along_components(alpha, x)
    return np.log(x) - special.digamma(a) + special.digamma(np.sum(alpha))


def _sum_samples(values: Any, alpha: Any) -> Any:
    """Sum over every axis but the first (the samples of x), giving alpha's shape."""
    return np.sum(np.reshape(values, (np.shape(alpha)[0], -1)), axis=1)


defrule(stats.dirichlet.logpdf, vjp=(dirichlet_logpdf_vjp_x, dirichlet_logpdf_vjp_alpha),
        jvp=(dirichlet_logpdf_jvp_x, dirichlet_logpdf_jvp_alpha), argnames=("x", "alpha"))
defrule(stats.dirichlet.pdf, vjp=(dirichlet_pdf_vjp_x, dirichlet_pdf_vjp_alpha),
        jvp=(dirichlet_pdf_jvp_x, dirichlet_pdf_jvp_alpha), argnames=("x", "alpha"))


# ---- scipy.stats.multivariate_normal (x is (..., d), mean (d,), cov (d, d)) -------------------


def multivariate_normal_logpdf_vjp_x(
    g: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    """``-Σ⁻¹(x - mean)`` per sample."""
    s = _mvn_whitened(x, mean, cov)
    return unbroadcast_to(-_per_sample(g, x) * s, x)


def multivariate_normal_logpdf_jvp_x(
    t: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    s = _mvn_whitened(x, mean, cov)
    return np.reshape(-np.sum(s * t, axis=-1), np.shape(ans))


def multivariate_normal_logpdf_vjp_mean(
    g: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    s = _mvn_whitened(x, mean, cov)
    return unbroadcast_to(_per_sample(g, x) * s, mean)


def multivariate_normal_logpdf_jvp_mean(
    t: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    s = _mvn_whitened(x, mean, cov)
    return np.reshape(np.sum(s * t, axis=-1), np.shape(ans))


def multivariate_normal_logpdf_vjp_cov(
    g: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    """``½ Σ_n g_n (s_n s_nᵀ - Σ⁻¹)`` with ``s_n = Σ⁻¹(x_n - mean)``."""
    s = np.reshape(_mvn_whitened(x, mean, cov), (-1, np.shape(cov)[-1]))
    weights = np.reshape(_per_sample(g, x), (-1, 1))
    return 0.5 * (np.transpose(weights * s) @ s - np.sum(weights) * np.linalg.inv(cov))


def multivariate_normal_logpdf_jvp_cov(
    t: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    s = _mvn_whitened(x, mean, cov)
    quadratic = np.sum((s @ t) * s, axis=-1)
    return np.reshape(0.5 * (quadratic - np.trace(np.linalg.solve(cov, t))), np.shape(ans))


# pdf = exp(logpdf): its VJP is logpdf's with g·pdf, its JVP pdf times logpdf's
_MVN_PDF_RULES = """
def multivariate_normal_pdf_vjp_{a}(g, ans, x, mean=None, cov=1.0, allow_singular=False):
    return multivariate_normal_logpdf_vjp_{a}(g * ans, ans, x, mean, cov)


def multivariate_normal_pdf_jvp_{a}(t, ans, x, mean=None, cov=1.0, allow_singular=False):
    return ans * multivariate_normal_logpdf_jvp_{a}(t, ans, x, mean, cov)
"""
define_from_source("\n".join(_MVN_PDF_RULES.format(a=a) for a in ("x", "mean", "cov")), globals(),
                   f"{__name__}: multivariate_normal.pdf rules")


def multivariate_normal_entropy_vjp_cov(g: Any, ans: Any, mean: Any = None, cov: Any = 1.0) -> Any:
    """The entropy ``½ log det(2πe Σ)``: ``½ Σ⁻¹``."""
    return 0.5 * g * np.linalg.inv(_mvn_cov(cov))


def multivariate_normal_entropy_jvp_cov(t: Any, ans: Any, mean: Any = None, cov: Any = 1.0) -> Any:
    return 0.5 * np.trace(np.linalg.solve(_mvn_cov(cov), t))


def _mvn_cov(cov: Any) -> Any:
    if np.ndim(cov) != 2:
        raise NotImplementedError(
            "gradients of scipy.stats.multivariate_normal need cov as a 2-d matrix; "
            "write a scalar or diagonal covariance as np.diag(...) or c * np.eye(d)"
        )
    return cov


def _mvn_whitened(x: Any, mean: Any, cov: Any) -> Any:
    """``Σ⁻¹(x - mean)`` for every sample (last axis of ``x``)."""
    residual = x if mean is None else x - mean
    d = np.shape(_mvn_cov(cov))[-1]
    if np.ndim(residual) == 0 or np.shape(residual)[-1] != d:
        raise NotImplementedError(
            "gradients of scipy.stats.multivariate_normal need x with the dimension on its last "
            f"axis (shape (..., {d}))"
        )
    return np.linalg.solve(cov, np.reshape(residual, (-1, d)).T).T.reshape(np.shape(residual))


def _per_sample(g: Any, x: Any) -> Any:
    """The cotangent of each sample's density, shaped to broadcast against ``x`` (..., d)."""
    return np.reshape(g, (*np.shape(x)[:-1], 1))


for _method in ("logpdf", "pdf"):
    defrule(getattr(stats.multivariate_normal, _method),
            vjp=tuple(globals()[f"multivariate_normal_{_method}_vjp_{a}"]
                      for a in ("x", "mean", "cov")),
            jvp=tuple(globals()[f"multivariate_normal_{_method}_jvp_{a}"]
                      for a in ("x", "mean", "cov")),
            argnames=("x", "mean", "cov"))
defrule(stats.multivariate_normal.entropy, vjp=(None, multivariate_normal_entropy_vjp_cov),
        jvp=(None, multivariate_normal_entropy_jvp_cov), argnames=("mean", "cov"))
constant_arguments(stats.multivariate_normal.entropy, "mean")  # entropy ignores the mean


# ---- scipy.stats.multinomial (x: counts along the last axis; n: the trials; p: on the simplex) --


def multinomial_logpmf_vjp_p(g: Any, ans: Any, x: Any, n: Any, p: Any) -> Any:
    """``Σ x log p + const``: ``x/p`` (0 where ``x`` is 0 or the pmf is zero). ``p`` lives on the
    simplex (scipy rejects rows not summing to one): the derivative along it is exact."""
    return unbroadcast_to(np.expand_dims(g, -1) * _multinomial_score(x, p, ans), p)


def multinomial_logpmf_jvp_p(t: Any, ans: Any, x: Any, n: Any, p: Any) -> Any:
    return broadcast_like(np.sum(t * _multinomial_score(x, p, ans), axis=-1), ans)


def _multinomial_score(x: Any, p: Any, ans: Any) -> Any:
    inside = np.expand_dims(np.isfinite(ans), -1)
    return np.where(inside & (x != 0), x / np.where(x != 0, p, 1.0), 0.0)


defrule(stats.multinomial.logpmf, vjp=(_INTEGER_VJP, _INTEGER_VJP, multinomial_logpmf_vjp_p),
        jvp=(_INTEGER_JVP, _INTEGER_JVP, multinomial_logpmf_jvp_p), argnames=("x", "n", "p"))


# ---- scipy.stats.entropy: of p = pk/Σpk along axis, S = -Σ p log p, or relative to q = qk/Σqk,
# ---- D = Σ p log(p/q); in units of log(base) ---------------------------------------------------


# the VJP spreads g along the reduced axis times d entropy/d{arg}; the JVP sums the tangent
# times it along that axis
_ENTROPY_RULES = """
def entropy_vjp_{arg}(g, ans, pk, qk=None, base=None, axis=0, nan_policy="propagate",
        keepdims=False):
    slope = _entropy_{arg}_slope(pk, qk, base, axis, nan_policy)
    return unbroadcast_to(_along_reduced(g, slope, axis) * slope, {arg})


def entropy_jvp_{arg}(t, ans, pk, qk=None, base=None, axis=0, nan_policy="propagate",
        keepdims=False):
    slope = _entropy_{arg}_slope(pk, qk, base, axis, nan_policy)
    return np.reshape(np.sum(t * slope, axis=axis), np.shape(ans))
"""


def _no_omitted_nans(function: str, nan_policy: str) -> None:
    if nan_policy == "omit":
        raise NotImplementedError(f"gradients of scipy.stats.{function} with nan_policy='omit' "
                                  "are not implemented")


def _normalized(pk: Any, axis: Any) -> tuple[Any, Any]:
    """``(pk / Σpk, Σpk)`` along ``axis`` (kept)."""
    total = np.sum(pk, axis=axis, keepdims=True)
    return pk / total, total


def _log_base(base: Any) -> Any:
    """The unit ``log(base)``; a Python number stays one (float32 entropies stay float32)."""
    if base is None:
        return 1.0
    return math.log(base) if isinstance(base, (int, float)) else np.log(base)


def _entropy_pk_slope(pk: Any, qk: Any, base: Any, axis: Any, nan_policy: str) -> Any:
    """``dS/dpk = -(log p + S)/Σpk``; ``dD/dpk = (log(p/q) - D)/Σpk`` (in nats)."""
    _no_omitted_nans("entropy", nan_policy)
    p, total = _normalized(pk, axis)
    log_ratio = np.log(p) if qk is None else np.log(p) - np.log(_normalized(qk, axis)[0])
    sign = -1.0 if qk is None else 1.0
    value = np.sum(p * log_ratio, axis=axis, keepdims=True)
    return sign * (log_ratio - value) / total / _log_base(base)


def _entropy_qk_slope(pk: Any, qk: Any, base: Any, axis: Any, nan_policy: str) -> Any:
    """``dD/dqk = (1 - p/q)/Σqk``."""
    _no_omitted_nans("entropy", nan_policy)
    p, _ = _normalized(pk, axis)
    q, total = _normalized(qk, axis)
    return (1.0 - p / q) / total / _log_base(base)


def _along_reduced(g: Any, like: Any, axis: Any) -> Any:
    """The cotangent of a reduction along ``axis`` shaped as its kept-dimensions result."""
    return np.reshape(g, np.shape(np.sum(like, axis=axis, keepdims=True)))


define_from_source("\n".join(_ENTROPY_RULES.format(arg=arg) for arg in ("pk", "qk")), globals(),
                   f"{__name__}: entropy rules")
defrule(stats.entropy, vjp=(*(globals()[f"entropy_vjp_{a}"] for a in ("pk", "qk")), None, None),
        jvp=(*(globals()[f"entropy_jvp_{a}"] for a in ("pk", "qk")), None, None),
        argnames=("pk", "qk", "base", "axis"))


# ---- scipy.stats.zscore: z = (a - mean)/std along axis ------------------------------------------


def zscore_vjp(g: Any, ans: Any, a: Any, axis: Any = 0, ddof: Any = 0,
               nan_policy: str = "propagate") -> Any:
    return _zscore_derivative(g, ans, a, axis, ddof, nan_policy)


def zscore_jvp(t: Any, ans: Any, a: Any, axis: Any = 0, ddof: Any = 0,
               nan_policy: str = "propagate") -> Any:
    return _zscore_derivative(t, ans, a, axis, ddof, nan_policy)


def _zscore_derivative(v: Any, z: Any, a: Any, axis: Any, ddof: Any, nan_policy: str) -> Any:
    """``(v - mean(v) - z Σ(z v)/(n - ddof)) / std``: the Jacobian is symmetric, so this is both
    the VJP and the JVP."""
    _no_omitted_nans("zscore", nan_policy)
    std = np.std(a, axis=axis, ddof=ddof, keepdims=True)
    count = np.size(a) // np.size(std)
    centered = v - np.mean(v, axis=axis, keepdims=True)
    return (centered - z * np.sum(z * v, axis=axis, keepdims=True) / (count - ddof)) / std


defrule(stats.zscore, vjp=(zscore_vjp, None, None), jvp=(zscore_jvp, None, None),
        argnames=("a", "axis", "ddof"))


__all__ = public_functions(globals())
