"""Gradient rules of the transcendental ufuncs: exponentials, logarithms, trigonometric and
hyperbolic functions, ``sinc`` and the angle conversions, each function's VJP and JVP side by
side.

The conventions are those of ``rules_elementwise``: a VJP rule returns the partial for one
argument reduced to its shape (``unbroadcast_to``), a JVP rule the output's tangent in the
output's shape (``broadcast_like``); for a one-argument function both multiply by the derivative.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .broadcast import broadcast_like, unbroadcast_to
from .registry import define_from_source, defrules, public_functions

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


# ---- exponentials and logarithms ----------------------------------------------------------------


def exp_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d exp(x) = exp(x) dx."""
    return g * ans


def exp_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * ans


def exp2_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d 2**x = 2**x log(2) dx."""
    return g * ans * _LN2


def exp2_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * ans * _LN2


def expm1_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d(exp(x) - 1) = exp(x) dx."""
    return g * (ans + 1.0)


def expm1_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (ans + 1.0)


def log_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d log(x) = dx / x."""
    return g / x


def log_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / x


def log2_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d log2(x) = dx / (x log 2)."""
    return g / (x * _LN2)


def log2_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (x * _LN2)


def log10_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d log10(x) = dx / (x log 10)."""
    return g / (x * _LN10)


def log10_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (x * _LN10)


def log1p_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d log(1 + x) = dx / (1 + x)."""
    return g / (1.0 + x)


def log1p_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (1.0 + x)


# ---- trigonometric and hyperbolic ---------------------------------------------------------------


def sin_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d sin(x) = cos(x) dx."""
    return g * np.cos(x)


def sin_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.cos(x)


def cos_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d cos(x) = -sin(x) dx."""
    return -g * np.sin(x)


def cos_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t * np.sin(x)


def tan_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d tan(x) = (1 + tan(x)**2) dx."""
    return g * (1.0 + ans * ans)


def tan_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (1.0 + ans * ans)


def arcsin_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arcsin(x) = dx / sqrt(1 - x**2)."""
    return g / np.sqrt(1.0 - x * x)


def arcsin_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / np.sqrt(1.0 - x * x)


def arccos_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arccos(x) = -dx / sqrt(1 - x**2)."""
    return -g / np.sqrt(1.0 - x * x)


def arccos_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t / np.sqrt(1.0 - x * x)


def arctan_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arctan(x) = dx / (1 + x**2)."""
    return g / (1.0 + x * x)


def arctan_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (1.0 + x * x)


def arctan2_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d arctan2(x1, x2)/dx1 = x2 / (x1**2 + x2**2)."""
    return unbroadcast_to(g * x2 / (x1 * x1 + x2 * x2), x1)


def arctan2_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x2 / (x1 * x1 + x2 * x2), ans)


def arctan2_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d arctan2(x1, x2)/dx2 = -x1 / (x1**2 + x2**2)."""
    return unbroadcast_to(-g * x1 / (x1 * x1 + x2 * x2), x2)


def arctan2_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(-t * x1 / (x1 * x1 + x2 * x2), ans)


def sinh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d sinh(x) = cosh(x) dx."""
    return g * np.cosh(x)


def sinh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.cosh(x)


def cosh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d cosh(x) = sinh(x) dx."""
    return g * np.sinh(x)


def cosh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.sinh(x)


def tanh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d tanh(x) = (1 - tanh(x)**2) dx."""
    return g * (1.0 - ans * ans)


def tanh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (1.0 - ans * ans)


def arcsinh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arcsinh(x) = dx / sqrt(x**2 + 1)."""
    return g / np.sqrt(x * x + 1.0)


def arcsinh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / np.sqrt(x * x + 1.0)


def arccosh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arccosh(x) = dx / sqrt(x**2 - 1)."""
    return g / np.sqrt(x * x - 1.0)


def arccosh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / np.sqrt(x * x - 1.0)


def arctanh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arctanh(x) = dx / (1 - x**2)."""
    return g / (1.0 - x * x)


def arctanh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (1.0 - x * x)


def sinc_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d sinc(x) = (cos(pi x) - sinc(x)) / x dx (0 at x = 0)."""
    return g * _sinc_slope(ans, x)


def sinc_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * _sinc_slope(ans, x)


def _sinc_slope(ans: Any, x: Any) -> Any:
    """(cos(pi x) - sinc(x)) / x, by its series -pi^2 x / 3 + pi^4 x^3 / 30 - pi^6 x^5 / 840
    where |x| < 0.01 (the difference cancels there)."""
    small = np.abs(x) < 0.01
    safe = np.where(small, 1.0, x)
    z = (np.pi * x) ** 2
    series = np.pi * np.pi * x * (-1.0 / 3.0 + z * (1.0 / 30.0 - z / 840.0))
    return np.where(small, series, (np.cos(np.pi * safe) - ans) / safe)


# ---- angle conversions: linear ---------------------------------------------------------------


def deg2rad_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d (x pi / 180) = pi / 180 dx."""
    return g * (np.pi / 180.0)


def deg2rad_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (np.pi / 180.0)


def rad2deg_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d (x 180 / pi) = 180 / pi dx."""
    return g * (180.0 / np.pi)


def rad2deg_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (180.0 / np.pi)

# ---- symmetric binary functions: either argument's derivative is one expression of it ----------

SYMMETRIC = {  # function: d f(x1, x2)/dx_i over {x} = x_i
    "logaddexp": "np.exp({x} - ans)",  # d log(e**x1 + e**x2)/dx1 = e**(x1 - ans)
    "logaddexp2": "np.exp2({x} - ans)",  # d log2(2**x1 + 2**x2)/dx1 = 2**(x1 - ans)
    "hypot": "{x} / ans",  # d hypot(x1, x2)/dx1 = x1 / hypot(x1, x2)
}
_SYMMETRIC_RULES = """
def {name}_vjp_{side}(g, ans, x1, x2):
    return unbroadcast_to(g * {slope}, {x})


def {name}_jvp_{side}(t, ans, x1, x2):
    return broadcast_like(t * {slope}, ans)
"""
define_from_source("\n".join(
    _SYMMETRIC_RULES.format(name=name, side=side, x=x, slope=slope.format(x=x))
    for name, slope in SYMMETRIC.items() for side, x in (("lhs", "x1"), ("rhs", "x2"))),
    globals(), f"{__name__}: symmetric binary rules")


defrules(
    (
        (np.exp, exp_vjp, exp_jvp),
        (np.exp2, exp2_vjp, exp2_jvp),
        (np.expm1, expm1_vjp, expm1_jvp),
        (np.log, log_vjp, log_jvp),
        (np.log2, log2_vjp, log2_jvp),
        (np.log10, log10_vjp, log10_jvp),
        (np.log1p, log1p_vjp, log1p_jvp),
        (np.sin, sin_vjp, sin_jvp),
        (np.cos, cos_vjp, cos_jvp),
        (np.tan, tan_vjp, tan_jvp),
        (np.arcsin, arcsin_vjp, arcsin_jvp),
        (np.arccos, arccos_vjp, arccos_jvp),
        (np.arctan, arctan_vjp, arctan_jvp),
        (np.sinh, sinh_vjp, sinh_jvp),
        (np.cosh, cosh_vjp, cosh_jvp),
        (np.tanh, tanh_vjp, tanh_jvp),
        (np.arcsinh, arcsinh_vjp, arcsinh_jvp),
        (np.arccosh, arccosh_vjp, arccosh_jvp),
        (np.arctanh, arctanh_vjp, arctanh_jvp),
        (np.sinc, sinc_vjp, sinc_jvp),
        (np.deg2rad, deg2rad_vjp, deg2rad_jvp),
        (np.radians, deg2rad_vjp, deg2rad_jvp),
        (np.rad2deg, rad2deg_vjp, rad2deg_jvp),
        (np.degrees, rad2deg_vjp, rad2deg_jvp),
    ),
    argnames=("x",),
)
defrules(
    (
        *((getattr(np, name), tuple(globals()[f"{name}_vjp_{side}"] for side in ("lhs", "rhs")),
           tuple(globals()[f"{name}_jvp_{side}"] for side in ("lhs", "rhs")))
          for name in SYMMETRIC),
        (np.arctan2, (arctan2_vjp_lhs, arctan2_vjp_rhs), (arctan2_jvp_lhs, arctan2_jvp_rhs)),
    ),
    argnames=("x1", "x2"),
)

__all__ = public_functions(globals())
