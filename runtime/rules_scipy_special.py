"""Gradient rules of ``scipy.special``, loaded once user code has imported scipy.special.

Each function's VJP and JVP are written side by side. The derivatives are the textbook ones
(DLMF chapters 5, 7, 8, 10); derivatives of a Bessel function with respect to its order, of an
incomplete gamma/beta function with respect to its parameters, are not implemented: those rules
raise ``NotImplementedError`` rather than give a silently zero gradient. Integer arguments
(``polygamma``'s ``n``, ``multigammaln``'s ``d``, ``yn``'s order) have no derivative: their rules
raise too, should a differentiated value reach them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from .broadcast import broadcast_like, unbroadcast_to, unreduce
from .registry import defrule, nondifferentiable

__all__ = [
    "beta_jvp_a", "beta_jvp_b", "beta_vjp_a", "beta_vjp_b", "betainc_jvp_a", "betainc_jvp_b",
    "betainc_jvp_x", "betainc_vjp_a", "betainc_vjp_b", "betainc_vjp_x", "betaln_jvp_a",
    "betaln_jvp_b", "betaln_vjp_a", "betaln_vjp_b", "entr_jvp", "entr_vjp", "erf_jvp", "erf_vjp",
    "erfc_jvp", "erfc_vjp", "erfcinv_jvp", "erfcinv_vjp", "erfcx_jvp", "erfcx_vjp", "erfinv_jvp",
    "erfinv_vjp", "expit_jvp", "expit_vjp", "gamma_jvp", "gamma_vjp", "gammainc_jvp_a",
    "gammainc_jvp_x", "gammainc_vjp_a", "gammainc_vjp_x", "gammaincc_jvp_a", "gammaincc_jvp_x",
    "gammaincc_vjp_a", "gammaincc_vjp_x", "gammaln_jvp", "gammaln_vjp", "huber_jvp_delta",
    "huber_jvp_r", "huber_vjp_delta", "huber_vjp_r", "i0e_jvp", "i0e_vjp",
    "i1e_jvp", "i1e_vjp", "iv_jvp_v", "iv_jvp_x", "iv_vjp_v", "iv_vjp_x", "ive_jvp_v", "ive_jvp_x",
    "ive_vjp_v", "ive_vjp_x", "j0_jvp", "j0_vjp", "j1_jvp", "j1_vjp", "jv_jvp_v", "jv_jvp_x",
    "jv_vjp_v", "jv_vjp_x", "kl_div_jvp_x", "kl_div_jvp_y", "kl_div_vjp_x", "kl_div_vjp_y",
    "kv_jvp_v", "kv_jvp_x", "kv_vjp_v", "kv_vjp_x", "log_expit_jvp", "log_expit_vjp",
    "log_ndtr_jvp", "log_ndtr_vjp", "loggamma_jvp", "loggamma_vjp", "logit_jvp", "logit_vjp",
    "logsumexp_jvp_a", "logsumexp_jvp_b", "logsumexp_vjp_a", "logsumexp_vjp_b", "multigammaln_jvp",
    "multigammaln_jvp_d", "multigammaln_vjp", "multigammaln_vjp_d", "ndtr_jvp", "ndtr_vjp",
    "ndtri_jvp", "ndtri_vjp", "polygamma_jvp_n", "polygamma_jvp_x", "polygamma_vjp_n",
    "polygamma_vjp_x", "pseudo_huber_jvp_delta", "pseudo_huber_jvp_r", "pseudo_huber_vjp_delta",
    "pseudo_huber_vjp_r", "psi_jvp", "psi_vjp", "rel_entr_jvp_x", "rel_entr_jvp_y", "rel_entr_vjp_x",
    "rel_entr_vjp_y", "rgamma_jvp", "rgamma_vjp", "scipy_i0_jvp", "scipy_i0_vjp", "scipy_i1_jvp",
    "scipy_i1_vjp", "scipy_log_softmax_jvp", "scipy_log_softmax_vjp", "scipy_softmax_jvp",
    "scipy_softmax_vjp", "scipy_softplus_jvp", "scipy_softplus_vjp", "xlog1py_jvp_x",
    "xlog1py_jvp_y", "xlog1py_vjp_x", "xlog1py_vjp_y", "xlogy_jvp_x", "xlogy_jvp_y", "xlogy_vjp_x",
    "xlogy_vjp_y", "y0_jvp", "y0_vjp", "y1_jvp", "y1_vjp", "yn_jvp_n", "yn_jvp_x", "yn_vjp_n",
    "yn_vjp_x", "yv_jvp_v", "yv_jvp_x", "yv_vjp_v", "yv_vjp_x", "zeta_jvp_q", "zeta_jvp_x",
    "zeta_vjp_q", "zeta_vjp_x",
]  # fmt: skip  # fmt: skip


def _no_parameter_gradient(function: str, argument: str) -> None:
    raise NotImplementedError(
        f"the derivative of scipy.special.{function} with respect to {argument} is not "
        f"implemented; pass {argument} as a constant (for example through stop_gradient)"
    )


def _integer_argument(function: str, argument: str) -> None:
    raise NotImplementedError(
        f"scipy.special.{function} takes an integer {argument}, which has no derivative; "
        f"pass {argument} as a constant"
    )


# ---- error function and normal distribution ---------------------------------------------------


def erf_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``2/√π · exp(-x²)``."""
    return g * 1.1283791670955126 * np.exp(-(x * x))


def erf_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 1.1283791670955126 * np.exp(-(x * x))


def erfc_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * -1.1283791670955126 * np.exp(-(x * x))


def erfc_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * -1.1283791670955126 * np.exp(-(x * x))


def erfinv_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``√π/2 · exp(erfinv(x)²)``."""
    return g * 0.886226925452758 * np.exp(ans * ans)


def erfinv_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 0.886226925452758 * np.exp(ans * ans)


def erfcinv_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * -0.886226925452758 * np.exp(ans * ans)


def erfcinv_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * -0.886226925452758 * np.exp(ans * ans)


def erfcx_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``erfcx(x) = exp(x²) erfc(x)``: ``2x·erfcx(x) - 2/√π``."""
    return g * (2.0 * x * ans - 1.1283791670955126)


def erfcx_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (2.0 * x * ans - 1.1283791670955126)


def ndtr_vjp(g: Any, ans: Any, x: Any) -> Any:
    """The standard normal density ``exp(-x²/2)/√(2π)``."""
    return g * 0.3989422804014327 * np.exp(-0.5 * x * x)


def ndtr_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 0.3989422804014327 * np.exp(-0.5 * x * x)


def log_ndtr_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``φ(x)/Φ(x)``, computed as ``exp(log φ(x) - log Φ(x))`` (finite far in the tails)."""
    return g * np.exp(-0.5 * x * x - 0.9189385332046727 - ans)


def log_ndtr_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.exp(-0.5 * x * x - 0.9189385332046727 - ans)


def ndtri_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``1/φ(ndtri(x)) = √(2π) exp(ndtri(x)²/2)``."""
    return g * 2.5066282746310002 * np.exp(0.5 * ans * ans)


def ndtri_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 2.5066282746310002 * np.exp(0.5 * ans * ans)


for _f in ("erf", "erfc", "erfinv", "erfcinv", "erfcx", "ndtr", "log_ndtr", "ndtri"):
    defrule(getattr(special, _f), vjp=(globals()[f"{_f}_vjp"],), jvp=(globals()[f"{_f}_jvp"],),
            argnames=("x",))


# ---- logistic ---------------------------------------------------------------------------------


def expit_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * ans * (1.0 - ans)


def expit_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * ans * (1.0 - ans)


def logit_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g / (x * (1.0 - x))


def logit_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (x * (1.0 - x))


def log_expit_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``1 - expit(x) = expit(-x)``."""
    return g * special.expit(-x)


def log_expit_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * special.expit(-x)


def scipy_softplus_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * special.expit(x)


def scipy_softplus_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * special.expit(x)


defrule(special.expit, vjp=(expit_vjp,), jvp=(expit_jvp,), argnames=("x",))
defrule(special.logit, vjp=(logit_vjp,), jvp=(logit_jvp,), argnames=("x",))
defrule(special.log_expit, vjp=(log_expit_vjp,), jvp=(log_expit_jvp,), argnames=("x",))
if hasattr(special, "softplus"):  # scipy >= 1.15
    defrule(special.softplus, vjp=(scipy_softplus_vjp,), jvp=(scipy_softplus_jvp,),
            argnames=("x",))


# ---- gamma family -----------------------------------------------------------------------------


def gammaln_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``ψ(x)``: the derivative of ``log|Γ(x)|``."""
    return g * special.digamma(x)


def gammaln_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * special.digamma(x)


def loggamma_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * special.digamma(x)


def loggamma_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * special.digamma(x)


def gamma_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``Γ(x) ψ(x)``."""
    return g * ans * special.digamma(x)


def gamma_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * ans * special.digamma(x)


def rgamma_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``d/dx 1/Γ(x) = -ψ(x)/Γ(x)``."""
    return -g * ans * special.digamma(x)


def rgamma_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t * ans * special.digamma(x)


def psi_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``ψ'(x) = polygamma(1, x) = ζ(2, x)`` (the Hurwitz zeta function keeps float32)."""
    return g * special.zeta(2.0, x)


def psi_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * special.zeta(2.0, x)


def zeta_vjp_q(g: Any, ans: Any, x: Any, q: Any = None) -> Any:
    """``d/dq ζ(x, q) = -x ζ(x + 1, q)`` (Hurwitz zeta; with q None, Riemann's in x)."""
    return unbroadcast_to(-g * x * special.zeta(x + 1.0, q), q)


def zeta_jvp_q(t: Any, ans: Any, x: Any, q: Any = None) -> Any:
    return broadcast_like(-t * x * special.zeta(x + 1.0, q), ans)


def zeta_vjp_x(g: Any, ans: Any, x: Any, q: Any = None) -> Any:
    _no_parameter_gradient("zeta", "its first argument x")


def zeta_jvp_x(t: Any, ans: Any, x: Any, q: Any = None) -> Any:
    _no_parameter_gradient("zeta", "its first argument x")


def polygamma_vjp_n(g: Any, ans: Any, n: Any, x: Any) -> Any:
    _integer_argument("polygamma", "n")


def polygamma_jvp_n(t: Any, ans: Any, n: Any, x: Any) -> Any:
    _integer_argument("polygamma", "n")


def polygamma_vjp_x(g: Any, ans: Any, n: Any, x: Any) -> Any:
    return unbroadcast_to(g * special.polygamma(n + 1, x), x)


def polygamma_jvp_x(t: Any, ans: Any, n: Any, x: Any) -> Any:
    return broadcast_like(t * special.polygamma(n + 1, x), ans)


def multigammaln_vjp(g: Any, ans: Any, a: Any, d: Any) -> Any:
    """``Σ_{j<d} ψ(a - j/2)``."""
    return g * _multidigamma(a, d)


def multigammaln_jvp(t: Any, ans: Any, a: Any, d: Any) -> Any:
    return t * _multidigamma(a, d)


def multigammaln_vjp_d(g: Any, ans: Any, a: Any, d: Any) -> Any:
    _integer_argument("multigammaln", "d")


def multigammaln_jvp_d(t: Any, ans: Any, a: Any, d: Any) -> Any:
    _integer_argument("multigammaln", "d")


def _multidigamma(a: Any, d: Any) -> Any:
    return np.sum(special.digamma(np.expand_dims(a, -1) - 0.5 * np.arange(d)), axis=-1)


def betaln_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``ψ(a) - ψ(a + b)``."""
    return unbroadcast_to(g * (special.digamma(a) - special.digamma(a + b)), a)


def betaln_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    return unbroadcast_to(g * (special.digamma(b) - special.digamma(a + b)), b)


def betaln_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return broadcast_like(t * (special.digamma(a) - special.digamma(a + b)), ans)


def betaln_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return broadcast_like(t * (special.digamma(b) - special.digamma(a + b)), ans)


def _huber_slopes(delta: Any, r: Any) -> tuple[Any, Any]:
    # (d/d delta, d/dr) of huber(delta, r): r^2 / 2 inside |r| <= delta, else
    # delta (|r| - delta / 2)
    inside = np.abs(r) <= delta
    return (np.where(inside, 0.0, np.abs(r) - delta),
            np.where(inside, r, delta * np.sign(r)))


def huber_vjp_delta(g: Any, ans: Any, delta: Any, r: Any) -> Any:
    """``0`` where ``|r| <= delta``, else ``|r| - delta``."""
    return unbroadcast_to(g * _huber_slopes(delta, r)[0], delta)


def huber_vjp_r(g: Any, ans: Any, delta: Any, r: Any) -> Any:
    """``r`` where ``|r| <= delta``, else ``delta sign(r)``."""
    return unbroadcast_to(g * _huber_slopes(delta, r)[1], r)


def huber_jvp_delta(t: Any, ans: Any, delta: Any, r: Any) -> Any:
    return broadcast_like(t * _huber_slopes(delta, r)[0], ans)


def huber_jvp_r(t: Any, ans: Any, delta: Any, r: Any) -> Any:
    return broadcast_like(t * _huber_slopes(delta, r)[1], ans)


def _pseudo_huber_slopes(delta: Any, r: Any) -> tuple[Any, Any]:
    # pseudo_huber = delta^2 (s - 1), s = sqrt(1 + (r / delta)^2)
    s = np.sqrt(1.0 + (r / delta) ** 2)
    return 2.0 * delta * (s - 1.0) - r * r / (delta * s), r / s


def pseudo_huber_vjp_delta(g: Any, ans: Any, delta: Any, r: Any) -> Any:
    """``2 delta (s - 1) - r^2 / (delta s)`` with ``s = sqrt(1 + (r / delta)^2)``."""
    return unbroadcast_to(g * _pseudo_huber_slopes(delta, r)[0], delta)


def pseudo_huber_vjp_r(g: Any, ans: Any, delta: Any, r: Any) -> Any:
    """``r / s`` with ``s = sqrt(1 + (r / delta)^2)``."""
    return unbroadcast_to(g * _pseudo_huber_slopes(delta, r)[1], r)


def pseudo_huber_jvp_delta(t: Any, ans: Any, delta: Any, r: Any) -> Any:
    return broadcast_like(t * _pseudo_huber_slopes(delta, r)[0], ans)


def pseudo_huber_jvp_r(t: Any, ans: Any, delta: Any, r: Any) -> Any:
    return broadcast_like(t * _pseudo_huber_slopes(delta, r)[1], ans)


def beta_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``B(a, b) (ψ(a) - ψ(a + b))``."""
    return unbroadcast_to(g * ans * (special.digamma(a) - special.digamma(a + b)), a)


def beta_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    return unbroadcast_to(g * ans * (special.digamma(b) - special.digamma(a + b)), b)


def beta_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return broadcast_like(t * ans * (special.digamma(a) - special.digamma(a + b)), ans)


def beta_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return broadcast_like(t * ans * (special.digamma(b) - special.digamma(a + b)), ans)


def gammainc_vjp_x(g: Any, ans: Any, a: Any, x: Any) -> Any:
    """``d/dx P(a, x) = x^(a-1) e^(-x) / Γ(a)``, in logs so that large ``a`` stays finite."""
    return unbroadcast_to(g * np.exp((a - 1.0) * np.log(x) - x - special.gammaln(a)), x)


def gammainc_jvp_x(t: Any, ans: Any, a: Any, x: Any) -> Any:
    return broadcast_like(t * np.exp((a - 1.0) * np.log(x) - x - special.gammaln(a)), ans)


def gammaincc_vjp_x(g: Any, ans: Any, a: Any, x: Any) -> Any:
    return unbroadcast_to(-g * np.exp((a - 1.0) * np.log(x) - x - special.gammaln(a)), x)


def gammaincc_jvp_x(t: Any, ans: Any, a: Any, x: Any) -> Any:
    return broadcast_like(-t * np.exp((a - 1.0) * np.log(x) - x - special.gammaln(a)), ans)


def gammainc_vjp_a(g: Any, ans: Any, a: Any, x: Any) -> Any:
    _no_parameter_gradient("gammainc", "a")


def gammainc_jvp_a(t: Any, ans: Any, a: Any, x: Any) -> Any:
    _no_parameter_gradient("gammainc", "a")


def gammaincc_vjp_a(g: Any, ans: Any, a: Any, x: Any) -> Any:
    _no_parameter_gradient("gammaincc", "a")


def gammaincc_jvp_a(t: Any, ans: Any, a: Any, x: Any) -> Any:
    _no_parameter_gradient("gammaincc", "a")


def betainc_vjp_x(g: Any, ans: Any, a: Any, b: Any, x: Any) -> Any:
    """``d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b)``."""
    log_density = (a - 1.0) * np.log(x) + (b - 1.0) * np.log1p(-x) - special.betaln(a, b)
    return unbroadcast_to(g * np.exp(log_density), x)


def betainc_jvp_x(t: Any, ans: Any, a: Any, b: Any, x: Any) -> Any:
    log_density = (a - 1.0) * np.log(x) + (b - 1.0) * np.log1p(-x) - special.betaln(a, b)
    return broadcast_like(t * np.exp(log_density), ans)


def betainc_vjp_a(g: Any, ans: Any, a: Any, b: Any, x: Any) -> Any:
    _no_parameter_gradient("betainc", "a")


def betainc_jvp_a(t: Any, ans: Any, a: Any, b: Any, x: Any) -> Any:
    _no_parameter_gradient("betainc", "a")


def betainc_vjp_b(g: Any, ans: Any, a: Any, b: Any, x: Any) -> Any:
    _no_parameter_gradient("betainc", "b")


def betainc_jvp_b(t: Any, ans: Any, a: Any, b: Any, x: Any) -> Any:
    _no_parameter_gradient("betainc", "b")


for _f in ("gammaln", "loggamma", "gamma", "rgamma"):
    defrule(getattr(special, _f), vjp=(globals()[f"{_f}_vjp"],), jvp=(globals()[f"{_f}_jvp"],),
            argnames=("x",))
defrule(special.psi, vjp=(psi_vjp,), jvp=(psi_jvp,), argnames=("x",))  # also special.digamma
defrule(special.zeta, vjp=(zeta_vjp_x, zeta_vjp_q), jvp=(zeta_jvp_x, zeta_jvp_q),
        argnames=("x", "q"))
defrule(special.polygamma, vjp=(polygamma_vjp_n, polygamma_vjp_x),
        jvp=(polygamma_jvp_n, polygamma_jvp_x),
        argnames=("n", "x"))
defrule(special.multigammaln, vjp=(multigammaln_vjp, multigammaln_vjp_d),
        jvp=(multigammaln_jvp, multigammaln_jvp_d),
        argnames=("a", "d"))
defrule(special.betaln, vjp=(betaln_vjp_a, betaln_vjp_b), jvp=(betaln_jvp_a, betaln_jvp_b),
        argnames=("a", "b"))
defrule(special.huber, vjp=(huber_vjp_delta, huber_vjp_r), jvp=(huber_jvp_delta, huber_jvp_r),
        argnames=("delta", "r"))
defrule(special.pseudo_huber, vjp=(pseudo_huber_vjp_delta, pseudo_huber_vjp_r),
        jvp=(pseudo_huber_jvp_delta, pseudo_huber_jvp_r), argnames=("delta", "r"))
defrule(special.beta, vjp=(beta_vjp_a, beta_vjp_b), jvp=(beta_jvp_a, beta_jvp_b),
        argnames=("a", "b"))
defrule(special.gammainc, vjp=(gammainc_vjp_a, gammainc_vjp_x),
        jvp=(gammainc_jvp_a, gammainc_jvp_x), argnames=("a", "x"))
defrule(special.gammaincc, vjp=(gammaincc_vjp_a, gammaincc_vjp_x),
        jvp=(gammaincc_jvp_a, gammaincc_jvp_x), argnames=("a", "x"))
defrule(special.betainc, vjp=(betainc_vjp_a, betainc_vjp_b, betainc_vjp_x),
        jvp=(betainc_jvp_a, betainc_jvp_b, betainc_jvp_x), argnames=("a", "b", "x"))
nondifferentiable(special.gammasgn, reason="the sign of Γ(x) is piecewise constant")


# ---- information theory -----------------------------------------------------------------------


def xlogy_vjp_x(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return unbroadcast_to(g * np.log(y), x)


def xlogy_vjp_y(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return unbroadcast_to(g * x / y, y)


def xlogy_jvp_x(t: Any, ans: Any, x: Any, y: Any) -> Any:
    return broadcast_like(t * np.log(y), ans)


def xlogy_jvp_y(t: Any, ans: Any, x: Any, y: Any) -> Any:
    return broadcast_like(t * x / y, ans)


def xlog1py_vjp_x(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return unbroadcast_to(g * np.log1p(y), x)


def xlog1py_vjp_y(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return unbroadcast_to(g * x / (1.0 + y), y)


def xlog1py_jvp_x(t: Any, ans: Any, x: Any, y: Any) -> Any:
    return broadcast_like(t * np.log1p(y), ans)


def xlog1py_jvp_y(t: Any, ans: Any, x: Any, y: Any) -> Any:
    return broadcast_like(t * x / (1.0 + y), ans)


def entr_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``entr(x) = -x log x``: ``-(log x + 1)``."""
    return -g * (np.log(x) + 1.0)


def entr_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t * (np.log(x) + 1.0)


def rel_entr_vjp_x(g: Any, ans: Any, x: Any, y: Any) -> Any:
    """``rel_entr(x, y) = x log(x/y)``."""
    return unbroadcast_to(g * (np.log(x / y) + 1.0), x)


def rel_entr_vjp_y(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return unbroadcast_to(-g * x / y, y)


def rel_entr_jvp_x(t: Any, ans: Any, x: Any, y: Any) -> Any:
    return broadcast_like(t * (np.log(x / y) + 1.0), ans)


def rel_entr_jvp_y(t: Any, ans: Any, x: Any, y: Any) -> Any:
    return broadcast_like(-t * x / y, ans)


def kl_div_vjp_x(g: Any, ans: Any, x: Any, y: Any) -> Any:
    """``kl_div(x, y) = x log(x/y) - x + y``."""
    return unbroadcast_to(g * np.log(x / y), x)


def kl_div_vjp_y(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return unbroadcast_to(g * (1.0 - x / y), y)


def kl_div_jvp_x(t: Any, ans: Any, x: Any, y: Any) -> Any:
    return broadcast_like(t * np.log(x / y), ans)


def kl_div_jvp_y(t: Any, ans: Any, x: Any, y: Any) -> Any:
    return broadcast_like(t * (1.0 - x / y), ans)


defrule(special.xlogy, vjp=(xlogy_vjp_x, xlogy_vjp_y), jvp=(xlogy_jvp_x, xlogy_jvp_y),
        argnames=("x", "y"))
defrule(special.xlog1py, vjp=(xlog1py_vjp_x, xlog1py_vjp_y),
        jvp=(xlog1py_jvp_x, xlog1py_jvp_y), argnames=("x", "y"))
defrule(special.entr, vjp=(entr_vjp,), jvp=(entr_jvp,), argnames=("x",))
defrule(special.rel_entr, vjp=(rel_entr_vjp_x, rel_entr_vjp_y),
        jvp=(rel_entr_jvp_x, rel_entr_jvp_y), argnames=("x", "y"))
defrule(special.kl_div, vjp=(kl_div_vjp_x, kl_div_vjp_y), jvp=(kl_div_jvp_x, kl_div_jvp_y),
        argnames=("x", "y"))


# ---- reductions: logsumexp, softmax, log_softmax ----------------------------------------------


def logsumexp_vjp_a(
    g: Any, ans: Any, a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
    return_sign: bool = False,
) -> Any:
    """``s · b · exp(a - r)`` for ``r, s = logsumexp(a, b=b, return_sign=True)`` (the sign of
    the result is piecewise constant and gets no gradient)."""
    value, sign = _value_and_sign(ans, return_sign)
    weights = _logsumexp_weights(a, axis, b, keepdims, value, sign)
    if b is not None:
        weights = weights * b
    return unbroadcast_to(unreduce(_value_part(g, return_sign), weights, axis, keepdims) * weights,
                          a)


def logsumexp_vjp_b(
    g: Any, ans: Any, a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
    return_sign: bool = False,
) -> Any:
    """``s · exp(a - r)``."""
    value, sign = _value_and_sign(ans, return_sign)
    weights = _logsumexp_weights(a, axis, b, keepdims, value, sign)
    return unbroadcast_to(unreduce(_value_part(g, return_sign), weights, axis, keepdims) * weights,
                          b)


def logsumexp_jvp_a(
    t: Any, ans: Any, a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
    return_sign: bool = False,
) -> Any:
    value, sign = _value_and_sign(ans, return_sign)
    weights = _logsumexp_weights(a, axis, b, keepdims, value, sign)
    if b is not None:
        weights = weights * b
    return _with_sign(np.sum(weights * t, axis=axis, keepdims=keepdims), ans, return_sign)


def logsumexp_jvp_b(
    t: Any, ans: Any, a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
    return_sign: bool = False,
) -> Any:
    value, sign = _value_and_sign(ans, return_sign)
    weights = _logsumexp_weights(a, axis, b, keepdims, value, sign)
    return _with_sign(np.sum(weights * t, axis=axis, keepdims=keepdims), ans, return_sign)


def _value_and_sign(ans: Any, return_sign: bool) -> tuple[Any, Any]:
    if return_sign:
        return ans[0], ans[1]
    return ans, None


def _value_part(g: Any, return_sign: bool) -> Any:
    return g[0] if return_sign else g


def _with_sign(tangent: Any, ans: Any, return_sign: bool) -> Any:
    if return_sign:
        return tangent, np.zeros_like(ans[1])
    return tangent


def _logsumexp_weights(a: Any, axis: Any, b: Any, keepdims: bool, value: Any, sign: Any) -> Any:
    """``s · exp(a - r)`` broadcast to the shape of ``a`` (and ``b``); ``sign`` is None when
    the result was not asked for with its sign (it is then positive)."""
    shape = np.shape(a) if b is None else np.broadcast_shapes(np.shape(a), np.shape(b))
    full = np.broadcast_to(a, shape)
    weights = np.exp(full - unreduce(value, full, axis, keepdims))
    return weights if sign is None else unreduce(sign, full, axis, keepdims) * weights


def scipy_softmax_vjp(g: Any, ans: Any, x: Any, axis: Any = None) -> Any:
    """``s ⊙ (g - Σ g s)`` over ``axis`` (all axes if None)."""
    return ans * (g - np.sum(g * ans, axis=axis, keepdims=True))


def scipy_softmax_jvp(t: Any, ans: Any, x: Any, axis: Any = None) -> Any:
    return ans * (t - np.sum(t * ans, axis=axis, keepdims=True))


def scipy_log_softmax_vjp(g: Any, ans: Any, x: Any, axis: Any = None) -> Any:
    """``g - exp(ans) Σ g`` over ``axis``."""
    return g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)


def scipy_log_softmax_jvp(t: Any, ans: Any, x: Any, axis: Any = None) -> Any:
    return t - np.sum(np.exp(ans) * t, axis=axis, keepdims=True)


defrule(special.logsumexp, vjp=(logsumexp_vjp_a, None, logsumexp_vjp_b),
        jvp=(logsumexp_jvp_a, None, logsumexp_jvp_b), argnames=("a", "axis", "b"))
defrule(special.softmax, vjp=(scipy_softmax_vjp,), jvp=(scipy_softmax_jvp,), argnames=("x",))
defrule(special.log_softmax, vjp=(scipy_log_softmax_vjp,), jvp=(scipy_log_softmax_jvp,),
        argnames=("x",))


# ---- Bessel functions (derivatives with respect to x; DLMF 10.6, 10.29) ----------------------


def j0_vjp(g: Any, ans: Any, x: Any) -> Any:
    return -g * special.j1(x)


def j0_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t * special.j1(x)


def j1_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``(J0(x) - J2(x)) / 2``."""
    return g * 0.5 * (special.j0(x) - special.jv(2.0, x))


def j1_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 0.5 * (special.j0(x) - special.jv(2.0, x))


def y0_vjp(g: Any, ans: Any, x: Any) -> Any:
    return -g * special.y1(x)


def y0_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t * special.y1(x)


def y1_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * 0.5 * (special.y0(x) - special.yv(2.0, x))


def y1_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 0.5 * (special.y0(x) - special.yv(2.0, x))


def scipy_i0_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * special.i1(x)


def scipy_i0_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * special.i1(x)


def scipy_i1_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``(I0(x) + I2(x)) / 2``."""
    return g * 0.5 * (special.i0(x) + special.iv(2.0, x))


def scipy_i1_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 0.5 * (special.i0(x) + special.iv(2.0, x))


def i0e_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``i0e(x) = exp(-|x|) I0(x)``: ``i1e(x) - sign(x) i0e(x)``."""
    return g * (special.i1e(x) - np.sign(x) * ans)


def i0e_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (special.i1e(x) - np.sign(x) * ans)


def i1e_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g * (0.5 * (special.i0e(x) + special.ive(2.0, x)) - np.sign(x) * ans)


def i1e_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (0.5 * (special.i0e(x) + special.ive(2.0, x)) - np.sign(x) * ans)


def jv_vjp_x(g: Any, ans: Any, v: Any, x: Any) -> Any:
    """``(J_{v-1}(x) - J_{v+1}(x)) / 2``."""
    return unbroadcast_to(g * 0.5 * (special.jv(v - 1.0, x) - special.jv(v + 1.0, x)), x)


def jv_jvp_x(t: Any, ans: Any, v: Any, x: Any) -> Any:
    return broadcast_like(t * 0.5 * (special.jv(v - 1.0, x) - special.jv(v + 1.0, x)), ans)


def yv_vjp_x(g: Any, ans: Any, v: Any, x: Any) -> Any:
    return unbroadcast_to(g * 0.5 * (special.yv(v - 1.0, x) - special.yv(v + 1.0, x)), x)


def yv_jvp_x(t: Any, ans: Any, v: Any, x: Any) -> Any:
    return broadcast_like(t * 0.5 * (special.yv(v - 1.0, x) - special.yv(v + 1.0, x)), ans)


def yn_vjp_n(g: Any, ans: Any, n: Any, x: Any) -> Any:
    _integer_argument("yn", "n")


def yn_jvp_n(t: Any, ans: Any, n: Any, x: Any) -> Any:
    _integer_argument("yn", "n")


def yn_vjp_x(g: Any, ans: Any, n: Any, x: Any) -> Any:
    return unbroadcast_to(g * 0.5 * (special.yn(n - 1, x) - special.yn(n + 1, x)), x)


def yn_jvp_x(t: Any, ans: Any, n: Any, x: Any) -> Any:
    return broadcast_like(t * 0.5 * (special.yn(n - 1, x) - special.yn(n + 1, x)), ans)


def iv_vjp_x(g: Any, ans: Any, v: Any, x: Any) -> Any:
    """``(I_{v-1}(x) + I_{v+1}(x)) / 2``."""
    return unbroadcast_to(g * 0.5 * (special.iv(v - 1.0, x) + special.iv(v + 1.0, x)), x)


def iv_jvp_x(t: Any, ans: Any, v: Any, x: Any) -> Any:
    return broadcast_like(t * 0.5 * (special.iv(v - 1.0, x) + special.iv(v + 1.0, x)), ans)


def ive_vjp_x(g: Any, ans: Any, v: Any, x: Any) -> Any:
    """``ive(v, x) = exp(-|x|) I_v(x)``: ``(ive(v-1, x) + ive(v+1, x))/2 - sign(x) ive(v, x)``."""
    slope = 0.5 * (special.ive(v - 1.0, x) + special.ive(v + 1.0, x)) - np.sign(x) * ans
    return unbroadcast_to(g * slope, x)


def ive_jvp_x(t: Any, ans: Any, v: Any, x: Any) -> Any:
    slope = 0.5 * (special.ive(v - 1.0, x) + special.ive(v + 1.0, x)) - np.sign(x) * ans
    return broadcast_like(t * slope, ans)


def kv_vjp_x(g: Any, ans: Any, v: Any, x: Any) -> Any:
    """``-(K_{v-1}(x) + K_{v+1}(x)) / 2``."""
    return unbroadcast_to(g * -0.5 * (special.kv(v - 1.0, x) + special.kv(v + 1.0, x)), x)


def kv_jvp_x(t: Any, ans: Any, v: Any, x: Any) -> Any:
    return broadcast_like(t * -0.5 * (special.kv(v - 1.0, x) + special.kv(v + 1.0, x)), ans)


def jv_vjp_v(g: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("jv", "the order v")


def jv_jvp_v(t: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("jv", "the order v")


def yv_vjp_v(g: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("yv", "the order v")


def yv_jvp_v(t: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("yv", "the order v")


def iv_vjp_v(g: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("iv", "the order v")


def iv_jvp_v(t: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("iv", "the order v")


def ive_vjp_v(g: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("ive", "the order v")


def ive_jvp_v(t: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("ive", "the order v")


def kv_vjp_v(g: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("kv", "the order v")


def kv_jvp_v(t: Any, ans: Any, v: Any, x: Any) -> Any:
    _no_parameter_gradient("kv", "the order v")


for _f in ("j0", "j1", "y0", "y1", "i0e", "i1e"):
    defrule(getattr(special, _f), vjp=(globals()[f"{_f}_vjp"],), jvp=(globals()[f"{_f}_jvp"],),
            argnames=("x",))
defrule(special.i0, vjp=(scipy_i0_vjp,), jvp=(scipy_i0_jvp,), argnames=("x",))
defrule(special.i1, vjp=(scipy_i1_vjp,), jvp=(scipy_i1_jvp,), argnames=("x",))
for _f in ("jv", "yv", "iv", "ive", "kv"):  # special.jn is special.jv
    defrule(getattr(special, _f), vjp=(globals()[f"{_f}_vjp_v"], globals()[f"{_f}_vjp_x"]),
            jvp=(globals()[f"{_f}_jvp_v"], globals()[f"{_f}_jvp_x"]), argnames=("v", "x"))
defrule(special.yn, vjp=(yn_vjp_n, yn_vjp_x), jvp=(yn_jvp_n, yn_jvp_x), argnames=("n", "x"))
