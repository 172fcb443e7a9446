"""Gradient rules of ``scipy.stats`` distributions, loaded once user code has imported
scipy.stats.

The methods of the distribution objects (``scipy.stats.norm.logpdf``, ...) are primitives: the
registry keys a bound method by its receiver and name. For the location-scale families each
method ``m(x, *shape, loc=0, scale=1)`` is the standardized one at ``z = (x - loc) / scale``, so
every rule follows from ``score(z)``, the derivative of the standardized log density, and the
derivatives of the log density with respect to the shape parameters:

- ``logpdf``: ``d/dx = score/scale``, ``d/dloc = -score/scale``,
  ``d/dscale = -(score·z + 1)/scale``; ``pdf`` is ``exp(logpdf)`` (the same times ``pdf``);
- ``cdf``: ``d/dx = pdf``, ``d/dloc = -pdf``, ``d/dscale = -pdf·z``; ``sf = 1 - cdf``;
  ``logcdf`` and ``logsf`` divide by ``cdf`` and ``sf`` (as ``exp(logpdf - ans)``).

Location-scale families: norm, t, gamma, beta, chi2, expon, laplace, uniform, cauchy, logistic
(all six methods), plus ``norm.ppf``/``norm.isf``. Discrete: poisson (all six, w.r.t. ``mu``),
bernoulli, binom, geom (``logpmf``/``pmf`` w.r.t. ``p``). Also dirichlet and multivariate_normal
(``logpdf``/``pdf``; ``multivariate_normal.entropy``).

Derivatives of a ``cdf``-like method with respect to a shape parameter (an incomplete gamma or
beta function of its parameter) are not implemented: those rules raise ``NotImplementedError``.
Covariance gradients (``multivariate_normal``) are symmetric, the convention of autograd: the
derivative along any symmetric perturbation of ``cov`` is exact. Results keep scipy's dtype
(float64); the API casts each gradient to its input's dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special, stats

from .broadcast import broadcast_like, unbroadcast_to
from .registry import constant_arguments, defrule

__all__ = [
    "bernoulli_logpmf_jvp_p", "bernoulli_logpmf_vjp_p", "bernoulli_pmf_jvp_p",
    "bernoulli_pmf_vjp_p", "beta_cdf_jvp_a", "beta_cdf_jvp_b", "beta_cdf_jvp_loc",
    "beta_cdf_jvp_scale", "beta_cdf_jvp_x", "beta_cdf_vjp_a", "beta_cdf_vjp_b", "beta_cdf_vjp_loc",
    "beta_cdf_vjp_scale", "beta_cdf_vjp_x", "beta_logcdf_jvp_a", "beta_logcdf_jvp_b",
    "beta_logcdf_jvp_loc", "beta_logcdf_jvp_scale", "beta_logcdf_jvp_x", "beta_logcdf_vjp_a",
    "beta_logcdf_vjp_b", "beta_logcdf_vjp_loc", "beta_logcdf_vjp_scale", "beta_logcdf_vjp_x",
    "beta_logpdf_jvp_a", "beta_logpdf_jvp_b", "beta_logpdf_jvp_loc", "beta_logpdf_jvp_scale",
    "beta_logpdf_jvp_x", "beta_logpdf_vjp_a", "beta_logpdf_vjp_b", "beta_logpdf_vjp_loc",
    "beta_logpdf_vjp_scale", "beta_logpdf_vjp_x", "beta_logsf_jvp_a", "beta_logsf_jvp_b",
    "beta_logsf_jvp_loc", "beta_logsf_jvp_scale", "beta_logsf_jvp_x", "beta_logsf_vjp_a",
    "beta_logsf_vjp_b", "beta_logsf_vjp_loc", "beta_logsf_vjp_scale", "beta_logsf_vjp_x",
    "beta_pdf_jvp_a", "beta_pdf_jvp_b", "beta_pdf_jvp_loc", "beta_pdf_jvp_scale", "beta_pdf_jvp_x",
    "beta_pdf_vjp_a", "beta_pdf_vjp_b", "beta_pdf_vjp_loc", "beta_pdf_vjp_scale", "beta_pdf_vjp_x",
    "beta_sf_jvp_a", "beta_sf_jvp_b", "beta_sf_jvp_loc", "beta_sf_jvp_scale", "beta_sf_jvp_x",
    "beta_sf_vjp_a", "beta_sf_vjp_b", "beta_sf_vjp_loc", "beta_sf_vjp_scale", "beta_sf_vjp_x",
    "binom_logpmf_jvp_p", "binom_logpmf_vjp_p", "binom_pmf_jvp_p", "binom_pmf_vjp_p",
    "cauchy_cdf_jvp_loc", "cauchy_cdf_jvp_scale", "cauchy_cdf_jvp_x", "cauchy_cdf_vjp_loc",
    "cauchy_cdf_vjp_scale", "cauchy_cdf_vjp_x", "cauchy_logcdf_jvp_loc", "cauchy_logcdf_jvp_scale",
    "cauchy_logcdf_jvp_x", "cauchy_logcdf_vjp_loc", "cauchy_logcdf_vjp_scale",
    "cauchy_logcdf_vjp_x", "cauchy_logpdf_jvp_loc", "cauchy_logpdf_jvp_scale",
    "cauchy_logpdf_jvp_x", "cauchy_logpdf_vjp_loc", "cauchy_logpdf_vjp_scale",
    "cauchy_logpdf_vjp_x", "cauchy_logsf_jvp_loc", "cauchy_logsf_jvp_scale", "cauchy_logsf_jvp_x",
    "cauchy_logsf_vjp_loc", "cauchy_logsf_vjp_scale", "cauchy_logsf_vjp_x", "cauchy_pdf_jvp_loc",
    "cauchy_pdf_jvp_scale", "cauchy_pdf_jvp_x", "cauchy_pdf_vjp_loc", "cauchy_pdf_vjp_scale",
    "cauchy_pdf_vjp_x", "cauchy_sf_jvp_loc", "cauchy_sf_jvp_scale", "cauchy_sf_jvp_x",
    "cauchy_sf_vjp_loc", "cauchy_sf_vjp_scale", "cauchy_sf_vjp_x", "chi2_cdf_jvp_df",
    "chi2_cdf_jvp_loc", "chi2_cdf_jvp_scale", "chi2_cdf_jvp_x", "chi2_cdf_vjp_df",
    "chi2_cdf_vjp_loc", "chi2_cdf_vjp_scale", "chi2_cdf_vjp_x", "chi2_logcdf_jvp_df",
    "chi2_logcdf_jvp_loc", "chi2_logcdf_jvp_scale", "chi2_logcdf_jvp_x", "chi2_logcdf_vjp_df",
    "chi2_logcdf_vjp_loc", "chi2_logcdf_vjp_scale", "chi2_logcdf_vjp_x", "chi2_logpdf_jvp_df",
    "chi2_logpdf_jvp_loc", "chi2_logpdf_jvp_scale", "chi2_logpdf_jvp_x", "chi2_logpdf_vjp_df",
    "chi2_logpdf_vjp_loc", "chi2_logpdf_vjp_scale", "chi2_logpdf_vjp_x", "chi2_logsf_jvp_df",
    "chi2_logsf_jvp_loc", "chi2_logsf_jvp_scale", "chi2_logsf_jvp_x", "chi2_logsf_vjp_df",
    "chi2_logsf_vjp_loc", "chi2_logsf_vjp_scale", "chi2_logsf_vjp_x", "chi2_pdf_jvp_df",
    "chi2_pdf_jvp_loc", "chi2_pdf_jvp_scale", "chi2_pdf_jvp_x", "chi2_pdf_vjp_df",
    "chi2_pdf_vjp_loc", "chi2_pdf_vjp_scale", "chi2_pdf_vjp_x", "chi2_sf_jvp_df",
    "chi2_sf_jvp_loc", "chi2_sf_jvp_scale", "chi2_sf_jvp_x", "chi2_sf_vjp_df", "chi2_sf_vjp_loc",
    "chi2_sf_vjp_scale", "chi2_sf_vjp_x", "dirichlet_logpdf_jvp_alpha", "dirichlet_logpdf_jvp_x",
    "dirichlet_logpdf_vjp_alpha", "dirichlet_logpdf_vjp_x", "dirichlet_pdf_jvp_alpha",
    "dirichlet_pdf_jvp_x", "dirichlet_pdf_vjp_alpha", "dirichlet_pdf_vjp_x",
    "discrete_integer_argument_jvp", "discrete_integer_argument_vjp", "expon_cdf_jvp_loc",
    "expon_cdf_jvp_scale", "expon_cdf_jvp_x", "expon_cdf_vjp_loc", "expon_cdf_vjp_scale",
    "expon_cdf_vjp_x", "expon_logcdf_jvp_loc", "expon_logcdf_jvp_scale", "expon_logcdf_jvp_x",
    "expon_logcdf_vjp_loc", "expon_logcdf_vjp_scale", "expon_logcdf_vjp_x", "expon_logpdf_jvp_loc",
    "expon_logpdf_jvp_scale", "expon_logpdf_jvp_x", "expon_logpdf_vjp_loc",
    "expon_logpdf_vjp_scale", "expon_logpdf_vjp_x", "expon_logsf_jvp_loc", "expon_logsf_jvp_scale",
    "expon_logsf_jvp_x", "expon_logsf_vjp_loc", "expon_logsf_vjp_scale", "expon_logsf_vjp_x",
    "expon_pdf_jvp_loc", "expon_pdf_jvp_scale", "expon_pdf_jvp_x", "expon_pdf_vjp_loc",
    "expon_pdf_vjp_scale", "expon_pdf_vjp_x", "expon_sf_jvp_loc", "expon_sf_jvp_scale",
    "expon_sf_jvp_x", "expon_sf_vjp_loc", "expon_sf_vjp_scale", "expon_sf_vjp_x",
    "gamma_cdf_jvp_a", "gamma_cdf_jvp_loc", "gamma_cdf_jvp_scale", "gamma_cdf_jvp_x",
    "gamma_cdf_vjp_a", "gamma_cdf_vjp_loc", "gamma_cdf_vjp_scale", "gamma_cdf_vjp_x",
    "gamma_logcdf_jvp_a", "gamma_logcdf_jvp_loc", "gamma_logcdf_jvp_scale", "gamma_logcdf_jvp_x",
    "gamma_logcdf_vjp_a", "gamma_logcdf_vjp_loc", "gamma_logcdf_vjp_scale", "gamma_logcdf_vjp_x",
    "gamma_logpdf_jvp_a", "gamma_logpdf_jvp_loc", "gamma_logpdf_jvp_scale", "gamma_logpdf_jvp_x",
    "gamma_logpdf_vjp_a", "gamma_logpdf_vjp_loc", "gamma_logpdf_vjp_scale", "gamma_logpdf_vjp_x",
    "gamma_logsf_jvp_a", "gamma_logsf_jvp_loc", "gamma_logsf_jvp_scale", "gamma_logsf_jvp_x",
    "gamma_logsf_vjp_a", "gamma_logsf_vjp_loc", "gamma_logsf_vjp_scale", "gamma_logsf_vjp_x",
    "gamma_pdf_jvp_a", "gamma_pdf_jvp_loc", "gamma_pdf_jvp_scale", "gamma_pdf_jvp_x",
    "gamma_pdf_vjp_a", "gamma_pdf_vjp_loc", "gamma_pdf_vjp_scale", "gamma_pdf_vjp_x",
    "gamma_sf_jvp_a", "gamma_sf_jvp_loc", "gamma_sf_jvp_scale", "gamma_sf_jvp_x", "gamma_sf_vjp_a",
    "gamma_sf_vjp_loc", "gamma_sf_vjp_scale", "gamma_sf_vjp_x", "geom_logpmf_jvp_p",
    "geom_logpmf_vjp_p", "geom_pmf_jvp_p", "geom_pmf_vjp_p", "laplace_cdf_jvp_loc",
    "laplace_cdf_jvp_scale", "laplace_cdf_jvp_x", "laplace_cdf_vjp_loc", "laplace_cdf_vjp_scale",
    "laplace_cdf_vjp_x", "laplace_logcdf_jvp_loc", "laplace_logcdf_jvp_scale",
    "laplace_logcdf_jvp_x", "laplace_logcdf_vjp_loc", "laplace_logcdf_vjp_scale",
    "laplace_logcdf_vjp_x", "laplace_logpdf_jvp_loc", "laplace_logpdf_jvp_scale",
    "laplace_logpdf_jvp_x", "laplace_logpdf_vjp_loc", "laplace_logpdf_vjp_scale",
    "laplace_logpdf_vjp_x", "laplace_logsf_jvp_loc", "laplace_logsf_jvp_scale",
    "laplace_logsf_jvp_x", "laplace_logsf_vjp_loc", "laplace_logsf_vjp_scale",
    "laplace_logsf_vjp_x", "laplace_pdf_jvp_loc", "laplace_pdf_jvp_scale", "laplace_pdf_jvp_x",
    "laplace_pdf_vjp_loc", "laplace_pdf_vjp_scale", "laplace_pdf_vjp_x", "laplace_sf_jvp_loc",
    "laplace_sf_jvp_scale", "laplace_sf_jvp_x", "laplace_sf_vjp_loc", "laplace_sf_vjp_scale",
    "laplace_sf_vjp_x", "logistic_cdf_jvp_loc", "logistic_cdf_jvp_scale", "logistic_cdf_jvp_x",
    "logistic_cdf_vjp_loc", "logistic_cdf_vjp_scale", "logistic_cdf_vjp_x",
    "logistic_logcdf_jvp_loc", "logistic_logcdf_jvp_scale", "logistic_logcdf_jvp_x",
    "logistic_logcdf_vjp_loc", "logistic_logcdf_vjp_scale", "logistic_logcdf_vjp_x",
    "logistic_logpdf_jvp_loc", "logistic_logpdf_jvp_scale", "logistic_logpdf_jvp_x",
    "logistic_logpdf_vjp_loc", "logistic_logpdf_vjp_scale", "logistic_logpdf_vjp_x",
    "logistic_logsf_jvp_loc", "logistic_logsf_jvp_scale", "logistic_logsf_jvp_x",
    "logistic_logsf_vjp_loc", "logistic_logsf_vjp_scale", "logistic_logsf_vjp_x",
    "logistic_pdf_jvp_loc", "logistic_pdf_jvp_scale", "logistic_pdf_jvp_x", "logistic_pdf_vjp_loc",
    "logistic_pdf_vjp_scale", "logistic_pdf_vjp_x", "logistic_sf_jvp_loc", "logistic_sf_jvp_scale",
    "logistic_sf_jvp_x", "logistic_sf_vjp_loc", "logistic_sf_vjp_scale", "logistic_sf_vjp_x",
    "multivariate_normal_entropy_jvp_cov", "multivariate_normal_entropy_vjp_cov",
    "multivariate_normal_logpdf_jvp_cov", "multivariate_normal_logpdf_jvp_mean",
    "multivariate_normal_logpdf_jvp_x", "multivariate_normal_logpdf_vjp_cov",
    "multivariate_normal_logpdf_vjp_mean", "multivariate_normal_logpdf_vjp_x",
    "multivariate_normal_pdf_jvp_cov", "multivariate_normal_pdf_jvp_mean",
    "multivariate_normal_pdf_jvp_x", "multivariate_normal_pdf_vjp_cov",
    "multivariate_normal_pdf_vjp_mean", "multivariate_normal_pdf_vjp_x", "norm_cdf_jvp_loc",
    "norm_cdf_jvp_scale", "norm_cdf_jvp_x", "norm_cdf_vjp_loc", "norm_cdf_vjp_scale",
    "norm_cdf_vjp_x", "norm_isf_jvp_loc", "norm_isf_jvp_q", "norm_isf_jvp_scale",
    "norm_isf_vjp_loc", "norm_isf_vjp_q", "norm_isf_vjp_scale", "norm_logcdf_jvp_loc",
    "norm_logcdf_jvp_scale", "norm_logcdf_jvp_x", "norm_logcdf_vjp_loc", "norm_logcdf_vjp_scale",
    "norm_logcdf_vjp_x", "norm_logpdf_jvp_loc", "norm_logpdf_jvp_scale", "norm_logpdf_jvp_x",
    "norm_logpdf_vjp_loc", "norm_logpdf_vjp_scale", "norm_logpdf_vjp_x", "norm_logsf_jvp_loc",
    "norm_logsf_jvp_scale", "norm_logsf_jvp_x", "norm_logsf_vjp_loc", "norm_logsf_vjp_scale",
    "norm_logsf_vjp_x", "norm_pdf_jvp_loc", "norm_pdf_jvp_scale", "norm_pdf_jvp_x",
    "norm_pdf_vjp_loc", "norm_pdf_vjp_scale", "norm_pdf_vjp_x", "norm_ppf_jvp_loc",
    "norm_ppf_jvp_q", "norm_ppf_jvp_scale", "norm_ppf_vjp_loc", "norm_ppf_vjp_q",
    "norm_ppf_vjp_scale", "norm_sf_jvp_loc", "norm_sf_jvp_scale", "norm_sf_jvp_x",
    "norm_sf_vjp_loc", "norm_sf_vjp_scale", "norm_sf_vjp_x", "poisson_cdf_jvp_mu",
    "poisson_cdf_vjp_mu", "poisson_logcdf_jvp_mu", "poisson_logcdf_vjp_mu",
    "poisson_logpmf_jvp_mu", "poisson_logpmf_vjp_mu", "poisson_logsf_jvp_mu",
    "poisson_logsf_vjp_mu", "poisson_pmf_jvp_mu", "poisson_pmf_vjp_mu", "poisson_sf_jvp_mu",
    "poisson_sf_vjp_mu", "t_cdf_jvp_df", "t_cdf_jvp_loc", "t_cdf_jvp_scale", "t_cdf_jvp_x",
    "t_cdf_vjp_df", "t_cdf_vjp_loc", "t_cdf_vjp_scale", "t_cdf_vjp_x", "t_logcdf_jvp_df",
    "t_logcdf_jvp_loc", "t_logcdf_jvp_scale", "t_logcdf_jvp_x", "t_logcdf_vjp_df",
    "t_logcdf_vjp_loc", "t_logcdf_vjp_scale", "t_logcdf_vjp_x", "t_logpdf_jvp_df",
    "t_logpdf_jvp_loc", "t_logpdf_jvp_scale", "t_logpdf_jvp_x", "t_logpdf_vjp_df",
    "t_logpdf_vjp_loc", "t_logpdf_vjp_scale", "t_logpdf_vjp_x", "t_logsf_jvp_df",
    "t_logsf_jvp_loc", "t_logsf_jvp_scale", "t_logsf_jvp_x", "t_logsf_vjp_df", "t_logsf_vjp_loc",
    "t_logsf_vjp_scale", "t_logsf_vjp_x", "t_pdf_jvp_df", "t_pdf_jvp_loc", "t_pdf_jvp_scale",
    "t_pdf_jvp_x", "t_pdf_vjp_df", "t_pdf_vjp_loc", "t_pdf_vjp_scale", "t_pdf_vjp_x",
    "t_sf_jvp_df", "t_sf_jvp_loc", "t_sf_jvp_scale", "t_sf_jvp_x", "t_sf_vjp_df", "t_sf_vjp_loc",
    "t_sf_vjp_scale", "t_sf_vjp_x", "uniform_cdf_jvp_loc", "uniform_cdf_jvp_scale",
    "uniform_cdf_jvp_x", "uniform_cdf_vjp_loc", "uniform_cdf_vjp_scale", "uniform_cdf_vjp_x",
    "uniform_logcdf_jvp_loc", "uniform_logcdf_jvp_scale", "uniform_logcdf_jvp_x",
    "uniform_logcdf_vjp_loc", "uniform_logcdf_vjp_scale", "uniform_logcdf_vjp_x",
    "uniform_logpdf_jvp_loc", "uniform_logpdf_jvp_scale", "uniform_logpdf_jvp_x",
    "uniform_logpdf_vjp_loc", "uniform_logpdf_vjp_scale", "uniform_logpdf_vjp_x",
    "uniform_logsf_jvp_loc", "uniform_logsf_jvp_scale", "uniform_logsf_jvp_x",
    "uniform_logsf_vjp_loc", "uniform_logsf_vjp_scale", "uniform_logsf_vjp_x",
    "uniform_pdf_jvp_loc", "uniform_pdf_jvp_scale", "uniform_pdf_jvp_x", "uniform_pdf_vjp_loc",
    "uniform_pdf_vjp_scale", "uniform_pdf_vjp_x", "uniform_sf_jvp_loc", "uniform_sf_jvp_scale",
    "uniform_sf_jvp_x", "uniform_sf_vjp_loc", "uniform_sf_vjp_scale", "uniform_sf_vjp_x",
]  # fmt: skip


def _no_shape_gradient(method: str, argument: str) -> None:
    raise NotImplementedError(
        f"the derivative of scipy.stats.{method} with respect to its shape parameter "
        f"{argument!r} is not implemented; pass {argument} as a constant"
    )


# ---- scipy.stats.norm --------------------------------------------------------


def _norm_score(z: Any) -> Any:
    """d/dz of the standardized log density of norm."""
    return -z


def norm_logpdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _norm_score((x - loc) / scale) / scale, x)


def norm_logpdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _norm_score((x - loc) / scale) / scale, ans)


def norm_logpdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_norm_score((x - loc) / scale) / scale, loc)


def norm_logpdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_norm_score((x - loc) / scale) / scale, ans)


def norm_logpdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_norm_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def norm_logpdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_norm_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.norm.logpdf, vjp=(norm_logpdf_vjp_x, norm_logpdf_vjp_loc, norm_logpdf_vjp_scale),
        jvp=(norm_logpdf_jvp_x, norm_logpdf_jvp_loc, norm_logpdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def norm_pdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _norm_score((x - loc) / scale) / scale, x)


def norm_pdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _norm_score((x - loc) / scale) / scale, ans)


def norm_pdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _norm_score((x - loc) / scale) / scale, loc)


def norm_pdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _norm_score((x - loc) / scale) / scale, ans)


def norm_pdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_norm_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def norm_pdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_norm_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.norm.pdf, vjp=(norm_pdf_vjp_x, norm_pdf_vjp_loc, norm_pdf_vjp_scale),
        jvp=(norm_pdf_jvp_x, norm_pdf_jvp_loc, norm_pdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def norm_cdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.norm.pdf(x, loc, scale), x)


def norm_cdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.norm.pdf(x, loc, scale), ans)


def norm_cdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.norm.pdf(x, loc, scale), loc)


def norm_cdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.norm.pdf(x, loc, scale), ans)


def norm_cdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.norm.pdf(x, loc, scale) * (x - loc) / scale, scale)


def norm_cdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.norm.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.norm.cdf, vjp=(norm_cdf_vjp_x, norm_cdf_vjp_loc, norm_cdf_vjp_scale),
        jvp=(norm_cdf_jvp_x, norm_cdf_jvp_loc, norm_cdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def norm_logcdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.norm.logpdf(x, loc, scale) - ans), x)


def norm_logcdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.norm.logpdf(x, loc, scale) - ans), ans)


def norm_logcdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.norm.logpdf(x, loc, scale) - ans), loc)


def norm_logcdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.norm.logpdf(x, loc, scale) - ans), ans)


def norm_logcdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.norm.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def norm_logcdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.norm.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.norm.logcdf, vjp=(norm_logcdf_vjp_x, norm_logcdf_vjp_loc, norm_logcdf_vjp_scale),
        jvp=(norm_logcdf_jvp_x, norm_logcdf_jvp_loc, norm_logcdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def norm_sf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.norm.pdf(x, loc, scale), x)


def norm_sf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.norm.pdf(x, loc, scale), ans)


def norm_sf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.norm.pdf(x, loc, scale), loc)


def norm_sf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.norm.pdf(x, loc, scale), ans)


def norm_sf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.norm.pdf(x, loc, scale) * (x - loc) / scale, scale)


def norm_sf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.norm.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.norm.sf, vjp=(norm_sf_vjp_x, norm_sf_vjp_loc, norm_sf_vjp_scale),
        jvp=(norm_sf_jvp_x, norm_sf_jvp_loc, norm_sf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def norm_logsf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.norm.logpdf(x, loc, scale) - ans), x)


def norm_logsf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.norm.logpdf(x, loc, scale) - ans), ans)


def norm_logsf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.norm.logpdf(x, loc, scale) - ans), loc)


def norm_logsf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.norm.logpdf(x, loc, scale) - ans), ans)


def norm_logsf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.norm.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def norm_logsf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.norm.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.norm.logsf, vjp=(norm_logsf_vjp_x, norm_logsf_vjp_loc, norm_logsf_vjp_scale),
        jvp=(norm_logsf_jvp_x, norm_logsf_jvp_loc, norm_logsf_jvp_scale),
        argnames=('x', 'loc', 'scale'))



# ---- scipy.stats.norm quantiles: ans = loc + scale * z(q) ---------------------------------------


def norm_ppf_vjp_q(g: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``1 / pdf(ppf(q))``."""
    return unbroadcast_to(g / stats.norm.pdf(ans, loc, scale), q)


def norm_ppf_jvp_q(t: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t / stats.norm.pdf(ans, loc, scale), ans)


def norm_ppf_vjp_loc(g: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.ones_like(ans), loc)


def norm_ppf_jvp_loc(t: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.ones_like(ans), ans)


def norm_ppf_vjp_scale(g: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``z = (ppf(q) - loc) / scale``."""
    return unbroadcast_to(g * (ans - loc) / scale, scale)


def norm_ppf_jvp_scale(t: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * (ans - loc) / scale, ans)


def norm_isf_vjp_q(g: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``isf(q) = ppf(1 - q)``: ``-1 / pdf(isf(q))``."""
    return unbroadcast_to(-g / stats.norm.pdf(ans, loc, scale), q)


def norm_isf_jvp_q(t: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(-t / stats.norm.pdf(ans, loc, scale), ans)


def norm_isf_vjp_loc(g: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.ones_like(ans), loc)


def norm_isf_jvp_loc(t: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.ones_like(ans), ans)


def norm_isf_vjp_scale(g: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * (ans - loc) / scale, scale)


def norm_isf_jvp_scale(t: Any, ans: Any, q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * (ans - loc) / scale, ans)


for _method in ("ppf", "isf"):
    defrule(getattr(stats.norm, _method),
            vjp=tuple(globals()[f"norm_{_method}_vjp_{a}"] for a in ("q", "loc", "scale")),
            jvp=tuple(globals()[f"norm_{_method}_jvp_{a}"] for a in ("q", "loc", "scale")),
            argnames=("q", "loc", "scale"))

# ---- scipy.stats.t -----------------------------------------------------------


def _t_score(z: Any, df: Any) -> Any:
    """d/dz of the standardized log density of t."""
    return -(df + 1.0) * z / (df + z * z)


def _t_df_score(z: Any, df: Any) -> Any:
    return 0.5 * (special.digamma(0.5 * (df + 1.0)) - special.digamma(0.5 * df) - 1.0 / df - np.log1p(z * z / df) + (df + 1.0) * z * z / (df * (df + z * z)))


def t_logpdf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _t_score((x - loc) / scale, df) / scale, x)


def t_logpdf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _t_score((x - loc) / scale, df) / scale, ans)


def t_logpdf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _t_df_score((x - loc) / scale, df), df)


def t_logpdf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _t_df_score((x - loc) / scale, df), ans)


def t_logpdf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_t_score((x - loc) / scale, df) / scale, loc)


def t_logpdf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_t_score((x - loc) / scale, df) / scale, ans)


def t_logpdf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_t_score((x - loc) / scale, df) * (x - loc) / scale + 1.0) / scale, scale)


def t_logpdf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_t_score((x - loc) / scale, df) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.t.logpdf, vjp=(t_logpdf_vjp_x, t_logpdf_vjp_df, t_logpdf_vjp_loc, t_logpdf_vjp_scale),
        jvp=(t_logpdf_jvp_x, t_logpdf_jvp_df, t_logpdf_jvp_loc, t_logpdf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def t_pdf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _t_score((x - loc) / scale, df) / scale, x)


def t_pdf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _t_score((x - loc) / scale, df) / scale, ans)


def t_pdf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _t_df_score((x - loc) / scale, df), df)


def t_pdf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _t_df_score((x - loc) / scale, df), ans)


def t_pdf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _t_score((x - loc) / scale, df) / scale, loc)


def t_pdf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _t_score((x - loc) / scale, df) / scale, ans)


def t_pdf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_t_score((x - loc) / scale, df) * (x - loc) / scale + 1.0) / scale, scale)


def t_pdf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_t_score((x - loc) / scale, df) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.t.pdf, vjp=(t_pdf_vjp_x, t_pdf_vjp_df, t_pdf_vjp_loc, t_pdf_vjp_scale),
        jvp=(t_pdf_jvp_x, t_pdf_jvp_df, t_pdf_jvp_loc, t_pdf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def t_cdf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.t.pdf(x, df, loc, scale), x)


def t_cdf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.t.pdf(x, df, loc, scale), ans)


def t_cdf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("t.cdf", "df")


def t_cdf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("t.cdf", "df")


def t_cdf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.t.pdf(x, df, loc, scale), loc)


def t_cdf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.t.pdf(x, df, loc, scale), ans)


def t_cdf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.t.pdf(x, df, loc, scale) * (x - loc) / scale, scale)


def t_cdf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.t.pdf(x, df, loc, scale) * (x - loc) / scale, ans)


defrule(stats.t.cdf, vjp=(t_cdf_vjp_x, t_cdf_vjp_df, t_cdf_vjp_loc, t_cdf_vjp_scale),
        jvp=(t_cdf_jvp_x, t_cdf_jvp_df, t_cdf_jvp_loc, t_cdf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def t_logcdf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.t.logpdf(x, df, loc, scale) - ans), x)


def t_logcdf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.t.logpdf(x, df, loc, scale) - ans), ans)


def t_logcdf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("t.logcdf", "df")


def t_logcdf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("t.logcdf", "df")


def t_logcdf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.t.logpdf(x, df, loc, scale) - ans), loc)


def t_logcdf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.t.logpdf(x, df, loc, scale) - ans), ans)


def t_logcdf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.t.logpdf(x, df, loc, scale) - ans) * (x - loc) / scale, scale)


def t_logcdf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.t.logpdf(x, df, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.t.logcdf, vjp=(t_logcdf_vjp_x, t_logcdf_vjp_df, t_logcdf_vjp_loc, t_logcdf_vjp_scale),
        jvp=(t_logcdf_jvp_x, t_logcdf_jvp_df, t_logcdf_jvp_loc, t_logcdf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def t_sf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.t.pdf(x, df, loc, scale), x)


def t_sf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.t.pdf(x, df, loc, scale), ans)


def t_sf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("t.sf", "df")


def t_sf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("t.sf", "df")


def t_sf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.t.pdf(x, df, loc, scale), loc)


def t_sf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.t.pdf(x, df, loc, scale), ans)


def t_sf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.t.pdf(x, df, loc, scale) * (x - loc) / scale, scale)


def t_sf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.t.pdf(x, df, loc, scale) * (x - loc) / scale, ans)


defrule(stats.t.sf, vjp=(t_sf_vjp_x, t_sf_vjp_df, t_sf_vjp_loc, t_sf_vjp_scale),
        jvp=(t_sf_jvp_x, t_sf_jvp_df, t_sf_jvp_loc, t_sf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def t_logsf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.t.logpdf(x, df, loc, scale) - ans), x)


def t_logsf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.t.logpdf(x, df, loc, scale) - ans), ans)


def t_logsf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("t.logsf", "df")


def t_logsf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("t.logsf", "df")


def t_logsf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.t.logpdf(x, df, loc, scale) - ans), loc)


def t_logsf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.t.logpdf(x, df, loc, scale) - ans), ans)


def t_logsf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.t.logpdf(x, df, loc, scale) - ans) * (x - loc) / scale, scale)


def t_logsf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.t.logpdf(x, df, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.t.logsf, vjp=(t_logsf_vjp_x, t_logsf_vjp_df, t_logsf_vjp_loc, t_logsf_vjp_scale),
        jvp=(t_logsf_jvp_x, t_logsf_jvp_df, t_logsf_jvp_loc, t_logsf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


# ---- scipy.stats.gamma -------------------------------------------------------


def _gamma_score(z: Any, a: Any) -> Any:
    """d/dz of the standardized log density of gamma."""
    return (a - 1.0) / z - 1.0


def _gamma_a_score(z: Any, a: Any) -> Any:
    return np.log(z) - special.digamma(a)


def gamma_logpdf_vjp_x(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _gamma_score((x - loc) / scale, a) / scale, x)


def gamma_logpdf_jvp_x(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _gamma_score((x - loc) / scale, a) / scale, ans)


def gamma_logpdf_vjp_a(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _gamma_a_score((x - loc) / scale, a), a)


def gamma_logpdf_jvp_a(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _gamma_a_score((x - loc) / scale, a), ans)


def gamma_logpdf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_gamma_score((x - loc) / scale, a) / scale, loc)


def gamma_logpdf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_gamma_score((x - loc) / scale, a) / scale, ans)


def gamma_logpdf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_gamma_score((x - loc) / scale, a) * (x - loc) / scale + 1.0) / scale, scale)


def gamma_logpdf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_gamma_score((x - loc) / scale, a) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.gamma.logpdf, vjp=(gamma_logpdf_vjp_x, gamma_logpdf_vjp_a, gamma_logpdf_vjp_loc, gamma_logpdf_vjp_scale),
        jvp=(gamma_logpdf_jvp_x, gamma_logpdf_jvp_a, gamma_logpdf_jvp_loc, gamma_logpdf_jvp_scale),
        argnames=('x', 'a', 'loc', 'scale'))


def gamma_pdf_vjp_x(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _gamma_score((x - loc) / scale, a) / scale, x)


def gamma_pdf_jvp_x(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _gamma_score((x - loc) / scale, a) / scale, ans)


def gamma_pdf_vjp_a(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _gamma_a_score((x - loc) / scale, a), a)


def gamma_pdf_jvp_a(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _gamma_a_score((x - loc) / scale, a), ans)


def gamma_pdf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _gamma_score((x - loc) / scale, a) / scale, loc)


def gamma_pdf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _gamma_score((x - loc) / scale, a) / scale, ans)


def gamma_pdf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_gamma_score((x - loc) / scale, a) * (x - loc) / scale + 1.0) / scale, scale)


def gamma_pdf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_gamma_score((x - loc) / scale, a) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.gamma.pdf, vjp=(gamma_pdf_vjp_x, gamma_pdf_vjp_a, gamma_pdf_vjp_loc, gamma_pdf_vjp_scale),
        jvp=(gamma_pdf_jvp_x, gamma_pdf_jvp_a, gamma_pdf_jvp_loc, gamma_pdf_jvp_scale),
        argnames=('x', 'a', 'loc', 'scale'))


def gamma_cdf_vjp_x(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.gamma.pdf(x, a, loc, scale), x)


def gamma_cdf_jvp_x(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.gamma.pdf(x, a, loc, scale), ans)


def gamma_cdf_vjp_a(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("gamma.cdf", "a")


def gamma_cdf_jvp_a(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("gamma.cdf", "a")


def gamma_cdf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.gamma.pdf(x, a, loc, scale), loc)


def gamma_cdf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.gamma.pdf(x, a, loc, scale), ans)


def gamma_cdf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.gamma.pdf(x, a, loc, scale) * (x - loc) / scale, scale)


def gamma_cdf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.gamma.pdf(x, a, loc, scale) * (x - loc) / scale, ans)


defrule(stats.gamma.cdf, vjp=(gamma_cdf_vjp_x, gamma_cdf_vjp_a, gamma_cdf_vjp_loc, gamma_cdf_vjp_scale),
        jvp=(gamma_cdf_jvp_x, gamma_cdf_jvp_a, gamma_cdf_jvp_loc, gamma_cdf_jvp_scale),
        argnames=('x', 'a', 'loc', 'scale'))


def gamma_logcdf_vjp_x(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans), x)


def gamma_logcdf_jvp_x(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans), ans)


def gamma_logcdf_vjp_a(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("gamma.logcdf", "a")


def gamma_logcdf_jvp_a(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("gamma.logcdf", "a")


def gamma_logcdf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans), loc)


def gamma_logcdf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans), ans)


def gamma_logcdf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans) * (x - loc) / scale, scale)


def gamma_logcdf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.gamma.logcdf, vjp=(gamma_logcdf_vjp_x, gamma_logcdf_vjp_a, gamma_logcdf_vjp_loc, gamma_logcdf_vjp_scale),
        jvp=(gamma_logcdf_jvp_x, gamma_logcdf_jvp_a, gamma_logcdf_jvp_loc, gamma_logcdf_jvp_scale),
        argnames=('x', 'a', 'loc', 'scale'))


def gamma_sf_vjp_x(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.gamma.pdf(x, a, loc, scale), x)


def gamma_sf_jvp_x(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.gamma.pdf(x, a, loc, scale), ans)


def gamma_sf_vjp_a(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("gamma.sf", "a")


def gamma_sf_jvp_a(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("gamma.sf", "a")


def gamma_sf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.gamma.pdf(x, a, loc, scale), loc)


def gamma_sf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.gamma.pdf(x, a, loc, scale), ans)


def gamma_sf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.gamma.pdf(x, a, loc, scale) * (x - loc) / scale, scale)


def gamma_sf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.gamma.pdf(x, a, loc, scale) * (x - loc) / scale, ans)


defrule(stats.gamma.sf, vjp=(gamma_sf_vjp_x, gamma_sf_vjp_a, gamma_sf_vjp_loc, gamma_sf_vjp_scale),
        jvp=(gamma_sf_jvp_x, gamma_sf_jvp_a, gamma_sf_jvp_loc, gamma_sf_jvp_scale),
        argnames=('x', 'a', 'loc', 'scale'))


def gamma_logsf_vjp_x(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans), x)


def gamma_logsf_jvp_x(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans), ans)


def gamma_logsf_vjp_a(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("gamma.logsf", "a")


def gamma_logsf_jvp_a(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("gamma.logsf", "a")


def gamma_logsf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans), loc)


def gamma_logsf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans), ans)


def gamma_logsf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans) * (x - loc) / scale, scale)


def gamma_logsf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.gamma.logsf, vjp=(gamma_logsf_vjp_x, gamma_logsf_vjp_a, gamma_logsf_vjp_loc, gamma_logsf_vjp_scale),
        jvp=(gamma_logsf_jvp_x, gamma_logsf_jvp_a, gamma_logsf_jvp_loc, gamma_logsf_jvp_scale),
        argnames=('x', 'a', 'loc', 'scale'))


# ---- scipy.stats.beta --------------------------------------------------------


def _beta_score(z: Any, a: Any, b: Any) -> Any:
    """d/dz of the standardized log density of beta."""
    return (a - 1.0) / z - (b - 1.0) / (1.0 - z)


def _beta_a_score(z: Any, a: Any, b: Any) -> Any:
    return np.log(z) - special.digamma(a) + special.digamma(a + b)


def _beta_b_score(z: Any, a: Any, b: Any) -> Any:
    return np.log1p(-z) - special.digamma(b) + special.digamma(a + b)


def beta_logpdf_vjp_x(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _beta_score((x - loc) / scale, a, b) / scale, x)


def beta_logpdf_jvp_x(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _beta_score((x - loc) / scale, a, b) / scale, ans)


def beta_logpdf_vjp_a(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _beta_a_score((x - loc) / scale, a, b), a)


def beta_logpdf_jvp_a(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _beta_a_score((x - loc) / scale, a, b), ans)


def beta_logpdf_vjp_b(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _beta_b_score((x - loc) / scale, a, b), b)


def beta_logpdf_jvp_b(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _beta_b_score((x - loc) / scale, a, b), ans)


def beta_logpdf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_beta_score((x - loc) / scale, a, b) / scale, loc)


def beta_logpdf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_beta_score((x - loc) / scale, a, b) / scale, ans)


def beta_logpdf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_beta_score((x - loc) / scale, a, b) * (x - loc) / scale + 1.0) / scale, scale)


def beta_logpdf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_beta_score((x - loc) / scale, a, b) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.beta.logpdf, vjp=(beta_logpdf_vjp_x, beta_logpdf_vjp_a, beta_logpdf_vjp_b, beta_logpdf_vjp_loc, beta_logpdf_vjp_scale),
        jvp=(beta_logpdf_jvp_x, beta_logpdf_jvp_a, beta_logpdf_jvp_b, beta_logpdf_jvp_loc, beta_logpdf_jvp_scale),
        argnames=('x', 'a', 'b', 'loc', 'scale'))


def beta_pdf_vjp_x(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _beta_score((x - loc) / scale, a, b) / scale, x)


def beta_pdf_jvp_x(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _beta_score((x - loc) / scale, a, b) / scale, ans)


def beta_pdf_vjp_a(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _beta_a_score((x - loc) / scale, a, b), a)


def beta_pdf_jvp_a(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _beta_a_score((x - loc) / scale, a, b), ans)


def beta_pdf_vjp_b(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _beta_b_score((x - loc) / scale, a, b), b)


def beta_pdf_jvp_b(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _beta_b_score((x - loc) / scale, a, b), ans)


def beta_pdf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _beta_score((x - loc) / scale, a, b) / scale, loc)


def beta_pdf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _beta_score((x - loc) / scale, a, b) / scale, ans)


def beta_pdf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_beta_score((x - loc) / scale, a, b) * (x - loc) / scale + 1.0) / scale, scale)


def beta_pdf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_beta_score((x - loc) / scale, a, b) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.beta.pdf, vjp=(beta_pdf_vjp_x, beta_pdf_vjp_a, beta_pdf_vjp_b, beta_pdf_vjp_loc, beta_pdf_vjp_scale),
        jvp=(beta_pdf_jvp_x, beta_pdf_jvp_a, beta_pdf_jvp_b, beta_pdf_jvp_loc, beta_pdf_jvp_scale),
        argnames=('x', 'a', 'b', 'loc', 'scale'))


def beta_cdf_vjp_x(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.beta.pdf(x, a, b, loc, scale), x)


def beta_cdf_jvp_x(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.beta.pdf(x, a, b, loc, scale), ans)


def beta_cdf_vjp_a(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.cdf", "a")


def beta_cdf_jvp_a(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.cdf", "a")


def beta_cdf_vjp_b(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.cdf", "b")


def beta_cdf_jvp_b(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.cdf", "b")


def beta_cdf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.beta.pdf(x, a, b, loc, scale), loc)


def beta_cdf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.beta.pdf(x, a, b, loc, scale), ans)


def beta_cdf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.beta.pdf(x, a, b, loc, scale) * (x - loc) / scale, scale)


def beta_cdf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.beta.pdf(x, a, b, loc, scale) * (x - loc) / scale, ans)


defrule(stats.beta.cdf, vjp=(beta_cdf_vjp_x, beta_cdf_vjp_a, beta_cdf_vjp_b, beta_cdf_vjp_loc, beta_cdf_vjp_scale),
        jvp=(beta_cdf_jvp_x, beta_cdf_jvp_a, beta_cdf_jvp_b, beta_cdf_jvp_loc, beta_cdf_jvp_scale),
        argnames=('x', 'a', 'b', 'loc', 'scale'))


def beta_logcdf_vjp_x(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans), x)


def beta_logcdf_jvp_x(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans), ans)


def beta_logcdf_vjp_a(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.logcdf", "a")


def beta_logcdf_jvp_a(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.logcdf", "a")


def beta_logcdf_vjp_b(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.logcdf", "b")


def beta_logcdf_jvp_b(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.logcdf", "b")


def beta_logcdf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans), loc)


def beta_logcdf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans), ans)


def beta_logcdf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans) * (x - loc) / scale, scale)


def beta_logcdf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.beta.logcdf, vjp=(beta_logcdf_vjp_x, beta_logcdf_vjp_a, beta_logcdf_vjp_b, beta_logcdf_vjp_loc, beta_logcdf_vjp_scale),
        jvp=(beta_logcdf_jvp_x, beta_logcdf_jvp_a, beta_logcdf_jvp_b, beta_logcdf_jvp_loc, beta_logcdf_jvp_scale),
        argnames=('x', 'a', 'b', 'loc', 'scale'))


def beta_sf_vjp_x(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.beta.pdf(x, a, b, loc, scale), x)


def beta_sf_jvp_x(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.beta.pdf(x, a, b, loc, scale), ans)


def beta_sf_vjp_a(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.sf", "a")


def beta_sf_jvp_a(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.sf", "a")


def beta_sf_vjp_b(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.sf", "b")


def beta_sf_jvp_b(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.sf", "b")


def beta_sf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.beta.pdf(x, a, b, loc, scale), loc)


def beta_sf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.beta.pdf(x, a, b, loc, scale), ans)


def beta_sf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.beta.pdf(x, a, b, loc, scale) * (x - loc) / scale, scale)


def beta_sf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.beta.pdf(x, a, b, loc, scale) * (x - loc) / scale, ans)


defrule(stats.beta.sf, vjp=(beta_sf_vjp_x, beta_sf_vjp_a, beta_sf_vjp_b, beta_sf_vjp_loc, beta_sf_vjp_scale),
        jvp=(beta_sf_jvp_x, beta_sf_jvp_a, beta_sf_jvp_b, beta_sf_jvp_loc, beta_sf_jvp_scale),
        argnames=('x', 'a', 'b', 'loc', 'scale'))


def beta_logsf_vjp_x(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans), x)


def beta_logsf_jvp_x(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans), ans)


def beta_logsf_vjp_a(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.logsf", "a")


def beta_logsf_jvp_a(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.logsf", "a")


def beta_logsf_vjp_b(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.logsf", "b")


def beta_logsf_jvp_b(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("beta.logsf", "b")


def beta_logsf_vjp_loc(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans), loc)


def beta_logsf_jvp_loc(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans), ans)


def beta_logsf_vjp_scale(g: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans) * (x - loc) / scale, scale)


def beta_logsf_jvp_scale(t: Any, ans: Any, x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.beta.logsf, vjp=(beta_logsf_vjp_x, beta_logsf_vjp_a, beta_logsf_vjp_b, beta_logsf_vjp_loc, beta_logsf_vjp_scale),
        jvp=(beta_logsf_jvp_x, beta_logsf_jvp_a, beta_logsf_jvp_b, beta_logsf_jvp_loc, beta_logsf_jvp_scale),
        argnames=('x', 'a', 'b', 'loc', 'scale'))


# ---- scipy.stats.chi2 --------------------------------------------------------


def _chi2_score(z: Any, df: Any) -> Any:
    """d/dz of the standardized log density of chi2."""
    return (0.5 * df - 1.0) / z - 0.5


def _chi2_df_score(z: Any, df: Any) -> Any:
    return 0.5 * (np.log(0.5 * z) - special.digamma(0.5 * df))


def chi2_logpdf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _chi2_score((x - loc) / scale, df) / scale, x)


def chi2_logpdf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _chi2_score((x - loc) / scale, df) / scale, ans)


def chi2_logpdf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _chi2_df_score((x - loc) / scale, df), df)


def chi2_logpdf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _chi2_df_score((x - loc) / scale, df), ans)


def chi2_logpdf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_chi2_score((x - loc) / scale, df) / scale, loc)


def chi2_logpdf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_chi2_score((x - loc) / scale, df) / scale, ans)


def chi2_logpdf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_chi2_score((x - loc) / scale, df) * (x - loc) / scale + 1.0) / scale, scale)


def chi2_logpdf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_chi2_score((x - loc) / scale, df) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.chi2.logpdf, vjp=(chi2_logpdf_vjp_x, chi2_logpdf_vjp_df, chi2_logpdf_vjp_loc, chi2_logpdf_vjp_scale),
        jvp=(chi2_logpdf_jvp_x, chi2_logpdf_jvp_df, chi2_logpdf_jvp_loc, chi2_logpdf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def chi2_pdf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _chi2_score((x - loc) / scale, df) / scale, x)


def chi2_pdf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _chi2_score((x - loc) / scale, df) / scale, ans)


def chi2_pdf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _chi2_df_score((x - loc) / scale, df), df)


def chi2_pdf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _chi2_df_score((x - loc) / scale, df), ans)


def chi2_pdf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _chi2_score((x - loc) / scale, df) / scale, loc)


def chi2_pdf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _chi2_score((x - loc) / scale, df) / scale, ans)


def chi2_pdf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_chi2_score((x - loc) / scale, df) * (x - loc) / scale + 1.0) / scale, scale)


def chi2_pdf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_chi2_score((x - loc) / scale, df) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.chi2.pdf, vjp=(chi2_pdf_vjp_x, chi2_pdf_vjp_df, chi2_pdf_vjp_loc, chi2_pdf_vjp_scale),
        jvp=(chi2_pdf_jvp_x, chi2_pdf_jvp_df, chi2_pdf_jvp_loc, chi2_pdf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def chi2_cdf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.chi2.pdf(x, df, loc, scale), x)


def chi2_cdf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.chi2.pdf(x, df, loc, scale), ans)


def chi2_cdf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("chi2.cdf", "df")


def chi2_cdf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("chi2.cdf", "df")


def chi2_cdf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.chi2.pdf(x, df, loc, scale), loc)


def chi2_cdf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.chi2.pdf(x, df, loc, scale), ans)


def chi2_cdf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.chi2.pdf(x, df, loc, scale) * (x - loc) / scale, scale)


def chi2_cdf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.chi2.pdf(x, df, loc, scale) * (x - loc) / scale, ans)


defrule(stats.chi2.cdf, vjp=(chi2_cdf_vjp_x, chi2_cdf_vjp_df, chi2_cdf_vjp_loc, chi2_cdf_vjp_scale),
        jvp=(chi2_cdf_jvp_x, chi2_cdf_jvp_df, chi2_cdf_jvp_loc, chi2_cdf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def chi2_logcdf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans), x)


def chi2_logcdf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans), ans)


def chi2_logcdf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("chi2.logcdf", "df")


def chi2_logcdf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("chi2.logcdf", "df")


def chi2_logcdf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans), loc)


def chi2_logcdf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans), ans)


def chi2_logcdf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans) * (x - loc) / scale, scale)


def chi2_logcdf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.chi2.logcdf, vjp=(chi2_logcdf_vjp_x, chi2_logcdf_vjp_df, chi2_logcdf_vjp_loc, chi2_logcdf_vjp_scale),
        jvp=(chi2_logcdf_jvp_x, chi2_logcdf_jvp_df, chi2_logcdf_jvp_loc, chi2_logcdf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def chi2_sf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.chi2.pdf(x, df, loc, scale), x)


def chi2_sf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.chi2.pdf(x, df, loc, scale), ans)


def chi2_sf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("chi2.sf", "df")


def chi2_sf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("chi2.sf", "df")


def chi2_sf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.chi2.pdf(x, df, loc, scale), loc)


def chi2_sf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.chi2.pdf(x, df, loc, scale), ans)


def chi2_sf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.chi2.pdf(x, df, loc, scale) * (x - loc) / scale, scale)


def chi2_sf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.chi2.pdf(x, df, loc, scale) * (x - loc) / scale, ans)


defrule(stats.chi2.sf, vjp=(chi2_sf_vjp_x, chi2_sf_vjp_df, chi2_sf_vjp_loc, chi2_sf_vjp_scale),
        jvp=(chi2_sf_jvp_x, chi2_sf_jvp_df, chi2_sf_jvp_loc, chi2_sf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


def chi2_logsf_vjp_x(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans), x)


def chi2_logsf_jvp_x(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans), ans)


def chi2_logsf_vjp_df(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("chi2.logsf", "df")


def chi2_logsf_jvp_df(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    _no_shape_gradient("chi2.logsf", "df")


def chi2_logsf_vjp_loc(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans), loc)


def chi2_logsf_jvp_loc(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans), ans)


def chi2_logsf_vjp_scale(g: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans) * (x - loc) / scale, scale)


def chi2_logsf_jvp_scale(t: Any, ans: Any, x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.chi2.logsf, vjp=(chi2_logsf_vjp_x, chi2_logsf_vjp_df, chi2_logsf_vjp_loc, chi2_logsf_vjp_scale),
        jvp=(chi2_logsf_jvp_x, chi2_logsf_jvp_df, chi2_logsf_jvp_loc, chi2_logsf_jvp_scale),
        argnames=('x', 'df', 'loc', 'scale'))


# ---- scipy.stats.expon -------------------------------------------------------


def _expon_score(z: Any) -> Any:
    """d/dz of the standardized log density of expon."""
    return -np.ones_like(z)


def expon_logpdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _expon_score((x - loc) / scale) / scale, x)


def expon_logpdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _expon_score((x - loc) / scale) / scale, ans)


def expon_logpdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_expon_score((x - loc) / scale) / scale, loc)


def expon_logpdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_expon_score((x - loc) / scale) / scale, ans)


def expon_logpdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_expon_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def expon_logpdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_expon_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.expon.logpdf, vjp=(expon_logpdf_vjp_x, expon_logpdf_vjp_loc, expon_logpdf_vjp_scale),
        jvp=(expon_logpdf_jvp_x, expon_logpdf_jvp_loc, expon_logpdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def expon_pdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _expon_score((x - loc) / scale) / scale, x)


def expon_pdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _expon_score((x - loc) / scale) / scale, ans)


def expon_pdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _expon_score((x - loc) / scale) / scale, loc)


def expon_pdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _expon_score((x - loc) / scale) / scale, ans)


def expon_pdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_expon_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def expon_pdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_expon_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.expon.pdf, vjp=(expon_pdf_vjp_x, expon_pdf_vjp_loc, expon_pdf_vjp_scale),
        jvp=(expon_pdf_jvp_x, expon_pdf_jvp_loc, expon_pdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def expon_cdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.expon.pdf(x, loc, scale), x)


def expon_cdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.expon.pdf(x, loc, scale), ans)


def expon_cdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.expon.pdf(x, loc, scale), loc)


def expon_cdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.expon.pdf(x, loc, scale), ans)


def expon_cdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.expon.pdf(x, loc, scale) * (x - loc) / scale, scale)


def expon_cdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.expon.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.expon.cdf, vjp=(expon_cdf_vjp_x, expon_cdf_vjp_loc, expon_cdf_vjp_scale),
        jvp=(expon_cdf_jvp_x, expon_cdf_jvp_loc, expon_cdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def expon_logcdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.expon.logpdf(x, loc, scale) - ans), x)


def expon_logcdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.expon.logpdf(x, loc, scale) - ans), ans)


def expon_logcdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.expon.logpdf(x, loc, scale) - ans), loc)


def expon_logcdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.expon.logpdf(x, loc, scale) - ans), ans)


def expon_logcdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.expon.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def expon_logcdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.expon.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.expon.logcdf, vjp=(expon_logcdf_vjp_x, expon_logcdf_vjp_loc, expon_logcdf_vjp_scale),
        jvp=(expon_logcdf_jvp_x, expon_logcdf_jvp_loc, expon_logcdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def expon_sf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.expon.pdf(x, loc, scale), x)


def expon_sf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.expon.pdf(x, loc, scale), ans)


def expon_sf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.expon.pdf(x, loc, scale), loc)


def expon_sf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.expon.pdf(x, loc, scale), ans)


def expon_sf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.expon.pdf(x, loc, scale) * (x - loc) / scale, scale)


def expon_sf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.expon.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.expon.sf, vjp=(expon_sf_vjp_x, expon_sf_vjp_loc, expon_sf_vjp_scale),
        jvp=(expon_sf_jvp_x, expon_sf_jvp_loc, expon_sf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def expon_logsf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.expon.logpdf(x, loc, scale) - ans), x)


def expon_logsf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.expon.logpdf(x, loc, scale) - ans), ans)


def expon_logsf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.expon.logpdf(x, loc, scale) - ans), loc)


def expon_logsf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.expon.logpdf(x, loc, scale) - ans), ans)


def expon_logsf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.expon.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def expon_logsf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.expon.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.expon.logsf, vjp=(expon_logsf_vjp_x, expon_logsf_vjp_loc, expon_logsf_vjp_scale),
        jvp=(expon_logsf_jvp_x, expon_logsf_jvp_loc, expon_logsf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


# ---- scipy.stats.laplace -----------------------------------------------------


def _laplace_score(z: Any) -> Any:
    """d/dz of the standardized log density of laplace."""
    return -np.sign(z)


def laplace_logpdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _laplace_score((x - loc) / scale) / scale, x)


def laplace_logpdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _laplace_score((x - loc) / scale) / scale, ans)


def laplace_logpdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_laplace_score((x - loc) / scale) / scale, loc)


def laplace_logpdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_laplace_score((x - loc) / scale) / scale, ans)


def laplace_logpdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_laplace_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def laplace_logpdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_laplace_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.laplace.logpdf, vjp=(laplace_logpdf_vjp_x, laplace_logpdf_vjp_loc, laplace_logpdf_vjp_scale),
        jvp=(laplace_logpdf_jvp_x, laplace_logpdf_jvp_loc, laplace_logpdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def laplace_pdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _laplace_score((x - loc) / scale) / scale, x)


def laplace_pdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _laplace_score((x - loc) / scale) / scale, ans)


def laplace_pdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _laplace_score((x - loc) / scale) / scale, loc)


def laplace_pdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _laplace_score((x - loc) / scale) / scale, ans)


def laplace_pdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_laplace_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def laplace_pdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_laplace_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.laplace.pdf, vjp=(laplace_pdf_vjp_x, laplace_pdf_vjp_loc, laplace_pdf_vjp_scale),
        jvp=(laplace_pdf_jvp_x, laplace_pdf_jvp_loc, laplace_pdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def laplace_cdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.laplace.pdf(x, loc, scale), x)


def laplace_cdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.laplace.pdf(x, loc, scale), ans)


def laplace_cdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.laplace.pdf(x, loc, scale), loc)


def laplace_cdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.laplace.pdf(x, loc, scale), ans)


def laplace_cdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.laplace.pdf(x, loc, scale) * (x - loc) / scale, scale)


def laplace_cdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.laplace.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.laplace.cdf, vjp=(laplace_cdf_vjp_x, laplace_cdf_vjp_loc, laplace_cdf_vjp_scale),
        jvp=(laplace_cdf_jvp_x, laplace_cdf_jvp_loc, laplace_cdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def laplace_logcdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.laplace.logpdf(x, loc, scale) - ans), x)


def laplace_logcdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.laplace.logpdf(x, loc, scale) - ans), ans)


def laplace_logcdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.laplace.logpdf(x, loc, scale) - ans), loc)


def laplace_logcdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.laplace.logpdf(x, loc, scale) - ans), ans)


def laplace_logcdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.laplace.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def laplace_logcdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.laplace.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.laplace.logcdf, vjp=(laplace_logcdf_vjp_x, laplace_logcdf_vjp_loc, laplace_logcdf_vjp_scale),
        jvp=(laplace_logcdf_jvp_x, laplace_logcdf_jvp_loc, laplace_logcdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def laplace_sf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.laplace.pdf(x, loc, scale), x)


def laplace_sf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.laplace.pdf(x, loc, scale), ans)


def laplace_sf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.laplace.pdf(x, loc, scale), loc)


def laplace_sf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.laplace.pdf(x, loc, scale), ans)


def laplace_sf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.laplace.pdf(x, loc, scale) * (x - loc) / scale, scale)


def laplace_sf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.laplace.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.laplace.sf, vjp=(laplace_sf_vjp_x, laplace_sf_vjp_loc, laplace_sf_vjp_scale),
        jvp=(laplace_sf_jvp_x, laplace_sf_jvp_loc, laplace_sf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def laplace_logsf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.laplace.logpdf(x, loc, scale) - ans), x)


def laplace_logsf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.laplace.logpdf(x, loc, scale) - ans), ans)


def laplace_logsf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.laplace.logpdf(x, loc, scale) - ans), loc)


def laplace_logsf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.laplace.logpdf(x, loc, scale) - ans), ans)


def laplace_logsf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.laplace.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def laplace_logsf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.laplace.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.laplace.logsf, vjp=(laplace_logsf_vjp_x, laplace_logsf_vjp_loc, laplace_logsf_vjp_scale),
        jvp=(laplace_logsf_jvp_x, laplace_logsf_jvp_loc, laplace_logsf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


# ---- scipy.stats.uniform -----------------------------------------------------


def _uniform_score(z: Any) -> Any:
    """d/dz of the standardized log density of uniform."""
    return np.zeros_like(z)


def uniform_logpdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _uniform_score((x - loc) / scale) / scale, x)


def uniform_logpdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _uniform_score((x - loc) / scale) / scale, ans)


def uniform_logpdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_uniform_score((x - loc) / scale) / scale, loc)


def uniform_logpdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_uniform_score((x - loc) / scale) / scale, ans)


def uniform_logpdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_uniform_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def uniform_logpdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_uniform_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.uniform.logpdf, vjp=(uniform_logpdf_vjp_x, uniform_logpdf_vjp_loc, uniform_logpdf_vjp_scale),
        jvp=(uniform_logpdf_jvp_x, uniform_logpdf_jvp_loc, uniform_logpdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def uniform_pdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _uniform_score((x - loc) / scale) / scale, x)


def uniform_pdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _uniform_score((x - loc) / scale) / scale, ans)


def uniform_pdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _uniform_score((x - loc) / scale) / scale, loc)


def uniform_pdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _uniform_score((x - loc) / scale) / scale, ans)


def uniform_pdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_uniform_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def uniform_pdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_uniform_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.uniform.pdf, vjp=(uniform_pdf_vjp_x, uniform_pdf_vjp_loc, uniform_pdf_vjp_scale),
        jvp=(uniform_pdf_jvp_x, uniform_pdf_jvp_loc, uniform_pdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def uniform_cdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.uniform.pdf(x, loc, scale), x)


def uniform_cdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.uniform.pdf(x, loc, scale), ans)


def uniform_cdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.uniform.pdf(x, loc, scale), loc)


def uniform_cdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.uniform.pdf(x, loc, scale), ans)


def uniform_cdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.uniform.pdf(x, loc, scale) * (x - loc) / scale, scale)


def uniform_cdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.uniform.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.uniform.cdf, vjp=(uniform_cdf_vjp_x, uniform_cdf_vjp_loc, uniform_cdf_vjp_scale),
        jvp=(uniform_cdf_jvp_x, uniform_cdf_jvp_loc, uniform_cdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def uniform_logcdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.uniform.logpdf(x, loc, scale) - ans), x)


def uniform_logcdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.uniform.logpdf(x, loc, scale) - ans), ans)


def uniform_logcdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.uniform.logpdf(x, loc, scale) - ans), loc)


def uniform_logcdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.uniform.logpdf(x, loc, scale) - ans), ans)


def uniform_logcdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.uniform.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def uniform_logcdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.uniform.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.uniform.logcdf, vjp=(uniform_logcdf_vjp_x, uniform_logcdf_vjp_loc, uniform_logcdf_vjp_scale),
        jvp=(uniform_logcdf_jvp_x, uniform_logcdf_jvp_loc, uniform_logcdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def uniform_sf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.uniform.pdf(x, loc, scale), x)


def uniform_sf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.uniform.pdf(x, loc, scale), ans)


def uniform_sf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.uniform.pdf(x, loc, scale), loc)


def uniform_sf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.uniform.pdf(x, loc, scale), ans)


def uniform_sf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.uniform.pdf(x, loc, scale) * (x - loc) / scale, scale)


def uniform_sf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.uniform.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.uniform.sf, vjp=(uniform_sf_vjp_x, uniform_sf_vjp_loc, uniform_sf_vjp_scale),
        jvp=(uniform_sf_jvp_x, uniform_sf_jvp_loc, uniform_sf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def uniform_logsf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.uniform.logpdf(x, loc, scale) - ans), x)


def uniform_logsf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.uniform.logpdf(x, loc, scale) - ans), ans)


def uniform_logsf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.uniform.logpdf(x, loc, scale) - ans), loc)


def uniform_logsf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.uniform.logpdf(x, loc, scale) - ans), ans)


def uniform_logsf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.uniform.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def uniform_logsf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.uniform.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.uniform.logsf, vjp=(uniform_logsf_vjp_x, uniform_logsf_vjp_loc, uniform_logsf_vjp_scale),
        jvp=(uniform_logsf_jvp_x, uniform_logsf_jvp_loc, uniform_logsf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


# ---- scipy.stats.cauchy ------------------------------------------------------


def _cauchy_score(z: Any) -> Any:
    """d/dz of the standardized log density of cauchy."""
    return -2.0 * z / (1.0 + z * z)


def cauchy_logpdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _cauchy_score((x - loc) / scale) / scale, x)


def cauchy_logpdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _cauchy_score((x - loc) / scale) / scale, ans)


def cauchy_logpdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_cauchy_score((x - loc) / scale) / scale, loc)


def cauchy_logpdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_cauchy_score((x - loc) / scale) / scale, ans)


def cauchy_logpdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_cauchy_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def cauchy_logpdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_cauchy_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.cauchy.logpdf, vjp=(cauchy_logpdf_vjp_x, cauchy_logpdf_vjp_loc, cauchy_logpdf_vjp_scale),
        jvp=(cauchy_logpdf_jvp_x, cauchy_logpdf_jvp_loc, cauchy_logpdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def cauchy_pdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _cauchy_score((x - loc) / scale) / scale, x)


def cauchy_pdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _cauchy_score((x - loc) / scale) / scale, ans)


def cauchy_pdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _cauchy_score((x - loc) / scale) / scale, loc)


def cauchy_pdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _cauchy_score((x - loc) / scale) / scale, ans)


def cauchy_pdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_cauchy_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def cauchy_pdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_cauchy_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.cauchy.pdf, vjp=(cauchy_pdf_vjp_x, cauchy_pdf_vjp_loc, cauchy_pdf_vjp_scale),
        jvp=(cauchy_pdf_jvp_x, cauchy_pdf_jvp_loc, cauchy_pdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def cauchy_cdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.cauchy.pdf(x, loc, scale), x)


def cauchy_cdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.cauchy.pdf(x, loc, scale), ans)


def cauchy_cdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.cauchy.pdf(x, loc, scale), loc)


def cauchy_cdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.cauchy.pdf(x, loc, scale), ans)


def cauchy_cdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.cauchy.pdf(x, loc, scale) * (x - loc) / scale, scale)


def cauchy_cdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.cauchy.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.cauchy.cdf, vjp=(cauchy_cdf_vjp_x, cauchy_cdf_vjp_loc, cauchy_cdf_vjp_scale),
        jvp=(cauchy_cdf_jvp_x, cauchy_cdf_jvp_loc, cauchy_cdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def cauchy_logcdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.cauchy.logpdf(x, loc, scale) - ans), x)


def cauchy_logcdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.cauchy.logpdf(x, loc, scale) - ans), ans)


def cauchy_logcdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.cauchy.logpdf(x, loc, scale) - ans), loc)


def cauchy_logcdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.cauchy.logpdf(x, loc, scale) - ans), ans)


def cauchy_logcdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.cauchy.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def cauchy_logcdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.cauchy.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.cauchy.logcdf, vjp=(cauchy_logcdf_vjp_x, cauchy_logcdf_vjp_loc, cauchy_logcdf_vjp_scale),
        jvp=(cauchy_logcdf_jvp_x, cauchy_logcdf_jvp_loc, cauchy_logcdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def cauchy_sf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.cauchy.pdf(x, loc, scale), x)


def cauchy_sf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.cauchy.pdf(x, loc, scale), ans)


def cauchy_sf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.cauchy.pdf(x, loc, scale), loc)


def cauchy_sf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.cauchy.pdf(x, loc, scale), ans)


def cauchy_sf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.cauchy.pdf(x, loc, scale) * (x - loc) / scale, scale)


def cauchy_sf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.cauchy.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.cauchy.sf, vjp=(cauchy_sf_vjp_x, cauchy_sf_vjp_loc, cauchy_sf_vjp_scale),
        jvp=(cauchy_sf_jvp_x, cauchy_sf_jvp_loc, cauchy_sf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def cauchy_logsf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.cauchy.logpdf(x, loc, scale) - ans), x)


def cauchy_logsf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.cauchy.logpdf(x, loc, scale) - ans), ans)


def cauchy_logsf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.cauchy.logpdf(x, loc, scale) - ans), loc)


def cauchy_logsf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.cauchy.logpdf(x, loc, scale) - ans), ans)


def cauchy_logsf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.cauchy.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def cauchy_logsf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.cauchy.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.cauchy.logsf, vjp=(cauchy_logsf_vjp_x, cauchy_logsf_vjp_loc, cauchy_logsf_vjp_scale),
        jvp=(cauchy_logsf_jvp_x, cauchy_logsf_jvp_loc, cauchy_logsf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


# ---- scipy.stats.logistic ----------------------------------------------------


def _logistic_score(z: Any) -> Any:
    """d/dz of the standardized log density of logistic."""
    return -np.tanh(0.5 * z)


def logistic_logpdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * _logistic_score((x - loc) / scale) / scale, x)


def logistic_logpdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * _logistic_score((x - loc) / scale) / scale, ans)


def logistic_logpdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -_logistic_score((x - loc) / scale) / scale, loc)


def logistic_logpdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -_logistic_score((x - loc) / scale) / scale, ans)


def logistic_logpdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -(_logistic_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def logistic_logpdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -(_logistic_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.logistic.logpdf, vjp=(logistic_logpdf_vjp_x, logistic_logpdf_vjp_loc, logistic_logpdf_vjp_scale),
        jvp=(logistic_logpdf_jvp_x, logistic_logpdf_jvp_loc, logistic_logpdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def logistic_pdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * ans * _logistic_score((x - loc) / scale) / scale, x)


def logistic_pdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * ans * _logistic_score((x - loc) / scale) / scale, ans)


def logistic_pdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * _logistic_score((x - loc) / scale) / scale, loc)


def logistic_pdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * _logistic_score((x - loc) / scale) / scale, ans)


def logistic_pdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -ans * (_logistic_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, scale)


def logistic_pdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -ans * (_logistic_score((x - loc) / scale) * (x - loc) / scale + 1.0) / scale, ans)


defrule(stats.logistic.pdf, vjp=(logistic_pdf_vjp_x, logistic_pdf_vjp_loc, logistic_pdf_vjp_scale),
        jvp=(logistic_pdf_jvp_x, logistic_pdf_jvp_loc, logistic_pdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def logistic_cdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.logistic.pdf(x, loc, scale), x)


def logistic_cdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.logistic.pdf(x, loc, scale), ans)


def logistic_cdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.logistic.pdf(x, loc, scale), loc)


def logistic_cdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.logistic.pdf(x, loc, scale), ans)


def logistic_cdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.logistic.pdf(x, loc, scale) * (x - loc) / scale, scale)


def logistic_cdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.logistic.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.logistic.cdf, vjp=(logistic_cdf_vjp_x, logistic_cdf_vjp_loc, logistic_cdf_vjp_scale),
        jvp=(logistic_cdf_jvp_x, logistic_cdf_jvp_loc, logistic_cdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def logistic_logcdf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.logistic.logpdf(x, loc, scale) - ans), x)


def logistic_logcdf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.logistic.logpdf(x, loc, scale) - ans), ans)


def logistic_logcdf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.logistic.logpdf(x, loc, scale) - ans), loc)


def logistic_logcdf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.logistic.logpdf(x, loc, scale) - ans), ans)


def logistic_logcdf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.logistic.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def logistic_logcdf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.logistic.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.logistic.logcdf, vjp=(logistic_logcdf_vjp_x, logistic_logcdf_vjp_loc, logistic_logcdf_vjp_scale),
        jvp=(logistic_logcdf_jvp_x, logistic_logcdf_jvp_loc, logistic_logcdf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def logistic_sf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -stats.logistic.pdf(x, loc, scale), x)


def logistic_sf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -stats.logistic.pdf(x, loc, scale), ans)


def logistic_sf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.logistic.pdf(x, loc, scale), loc)


def logistic_sf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.logistic.pdf(x, loc, scale), ans)


def logistic_sf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * stats.logistic.pdf(x, loc, scale) * (x - loc) / scale, scale)


def logistic_sf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * stats.logistic.pdf(x, loc, scale) * (x - loc) / scale, ans)


defrule(stats.logistic.sf, vjp=(logistic_sf_vjp_x, logistic_sf_vjp_loc, logistic_sf_vjp_scale),
        jvp=(logistic_sf_jvp_x, logistic_sf_jvp_loc, logistic_sf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


def logistic_logsf_vjp_x(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * -np.exp(stats.logistic.logpdf(x, loc, scale) - ans), x)


def logistic_logsf_jvp_x(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * -np.exp(stats.logistic.logpdf(x, loc, scale) - ans), ans)


def logistic_logsf_vjp_loc(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.logistic.logpdf(x, loc, scale) - ans), loc)


def logistic_logsf_jvp_loc(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.logistic.logpdf(x, loc, scale) - ans), ans)


def logistic_logsf_vjp_scale(g: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return unbroadcast_to(g * np.exp(stats.logistic.logpdf(x, loc, scale) - ans) * (x - loc) / scale, scale)


def logistic_logsf_jvp_scale(t: Any, ans: Any, x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    return broadcast_like(t * np.exp(stats.logistic.logpdf(x, loc, scale) - ans) * (x - loc) / scale, ans)


defrule(stats.logistic.logsf, vjp=(logistic_logsf_vjp_x, logistic_logsf_vjp_loc, logistic_logsf_vjp_scale),
        jvp=(logistic_logsf_jvp_x, logistic_logsf_jvp_loc, logistic_logsf_jvp_scale),
        argnames=('x', 'loc', 'scale'))


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


def bernoulli_logpmf_vjp_p(g: Any, ans: Any, k: Any, p: Any, loc: Any = 0.0) -> Any:
    """``k/p - (1 - k)/(1 - p)`` with ``k`` shifted by ``loc``."""
    return unbroadcast_to(g * _bernoulli_score(k - loc, p, np.isfinite(ans)), p)


def bernoulli_logpmf_jvp_p(t: Any, ans: Any, k: Any, p: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * _bernoulli_score(k - loc, p, np.isfinite(ans)), ans)


def bernoulli_pmf_vjp_p(g: Any, ans: Any, k: Any, p: Any, loc: Any = 0.0) -> Any:
    return unbroadcast_to(g * ans * _bernoulli_score(k - loc, p, ans > 0.0), p)


def bernoulli_pmf_jvp_p(t: Any, ans: Any, k: Any, p: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * ans * _bernoulli_score(k - loc, p, ans > 0.0), ans)


def _bernoulli_score(k: Any, p: Any, inside: Any) -> Any:
    return np.where(inside, k / p - (1.0 - k) / (1.0 - p), 0.0)


def binom_logpmf_vjp_p(g: Any, ans: Any, k: Any, n: Any, p: Any, loc: Any = 0.0) -> Any:
    """``k/p - (n - k)/(1 - p)``."""
    return unbroadcast_to(g * _binom_score(k - loc, n, p, np.isfinite(ans)), p)


def binom_logpmf_jvp_p(t: Any, ans: Any, k: Any, n: Any, p: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * _binom_score(k - loc, n, p, np.isfinite(ans)), ans)


def binom_pmf_vjp_p(g: Any, ans: Any, k: Any, n: Any, p: Any, loc: Any = 0.0) -> Any:
    return unbroadcast_to(g * ans * _binom_score(k - loc, n, p, ans > 0.0), p)


def binom_pmf_jvp_p(t: Any, ans: Any, k: Any, n: Any, p: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * ans * _binom_score(k - loc, n, p, ans > 0.0), ans)


def _binom_score(k: Any, n: Any, p: Any, inside: Any) -> Any:
    return np.where(inside, k / p - (n - k) / (1.0 - p), 0.0)


def geom_logpmf_vjp_p(g: Any, ans: Any, k: Any, p: Any, loc: Any = 0.0) -> Any:
    """``pmf = (1 - p)^(k-1) p``: ``1/p - (k - 1)/(1 - p)``."""
    return unbroadcast_to(g * _geom_score(k - loc, p, np.isfinite(ans)), p)


def geom_logpmf_jvp_p(t: Any, ans: Any, k: Any, p: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * _geom_score(k - loc, p, np.isfinite(ans)), ans)


def geom_pmf_vjp_p(g: Any, ans: Any, k: Any, p: Any, loc: Any = 0.0) -> Any:
    return unbroadcast_to(g * ans * _geom_score(k - loc, p, ans > 0.0), p)


def geom_pmf_jvp_p(t: Any, ans: Any, k: Any, p: Any, loc: Any = 0.0) -> Any:
    return broadcast_like(t * ans * _geom_score(k - loc, p, ans > 0.0), ans)


def _geom_score(k: Any, p: Any, inside: Any) -> Any:
    return np.where(inside, 1.0 / p - (k - 1.0) / (1.0 - p), 0.0)


for _method in ("logpmf", "pmf"):
    defrule(getattr(stats.bernoulli, _method),
            vjp=(_INTEGER_VJP, globals()[f"bernoulli_{_method}_vjp_p"], _INTEGER_VJP),
            jvp=(_INTEGER_JVP, globals()[f"bernoulli_{_method}_jvp_p"], _INTEGER_JVP),
            argnames=("k", "p", "loc"))
    defrule(getattr(stats.binom, _method),
            vjp=(_INTEGER_VJP, _INTEGER_VJP, globals()[f"binom_{_method}_vjp_p"], _INTEGER_VJP),
            jvp=(_INTEGER_JVP, _INTEGER_JVP, globals()[f"binom_{_method}_jvp_p"], _INTEGER_JVP),
            argnames=("k", "n", "p", "loc"))
    defrule(getattr(stats.geom, _method),
            vjp=(_INTEGER_VJP, globals()[f"geom_{_method}_vjp_p"], _INTEGER_VJP),
            jvp=(_INTEGER_JVP, globals()[f"geom_{_method}_jvp_p"], _INTEGER_JVP),
            argnames=("k", "p", "loc"))


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


def multivariate_normal_pdf_vjp_x(
    g: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    return multivariate_normal_logpdf_vjp_x(g * ans, ans, x, mean, cov)


def multivariate_normal_pdf_jvp_x(
    t: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    return ans * multivariate_normal_logpdf_jvp_x(t, ans, x, mean, cov)


def multivariate_normal_pdf_vjp_mean(
    g: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    return multivariate_normal_logpdf_vjp_mean(g * ans, ans, x, mean, cov)


def multivariate_normal_pdf_jvp_mean(
    t: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    return ans * multivariate_normal_logpdf_jvp_mean(t, ans, x, mean, cov)


def multivariate_normal_pdf_vjp_cov(
    g: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    return multivariate_normal_logpdf_vjp_cov(g * ans, ans, x, mean, cov)


def multivariate_normal_pdf_jvp_cov(
    t: Any, ans: Any, x: Any, mean: Any = None, cov: Any = 1.0, allow_singular: bool = False
) -> Any:
    return ans * multivariate_normal_logpdf_jvp_cov(t, ans, x, mean, cov)


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
