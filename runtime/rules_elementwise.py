"""Gradient rules of elementwise numpy functions (ufuncs, ``clip``, ``where``) and Python builtins.

Every rule is ``rule(g, ans, *primal_args)`` and returns the partial for one argument, reduced to
that argument's shape with ``unbroadcast_to``. Rules are written in plain numpy so that they can be
differentiated again. Constants are Python floats, which never upcast a float32 array (NEP 50).
Kinks get the conventional subgradients: ``abs`` has slope 0 at 0, ties of ``maximum``/``minimum``
split the gradient 0.5/0.5, ``clip`` passes the gradient where ``a_min <= a <= a_max``. The
selection rules are ``np.where(x1 == x2, g * 0.5, g * wins)``: bit for bit (signed zeros, NaN
arguments, dtype) what ``g * wins + g * (x1 == x2) * 0.5`` gives, with one operation less, except
for an infinite ``g``, which now reaches the winner instead of turning into NaN everywhere.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .broadcast import unbroadcast_to
from .registry import alias_method, defvjp

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_UNARY = ("x",)
_BINARY = ("x1", "x2")


# ---- arithmetic -------------------------------------------------------------------------------


def add_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 + x2)/dx1 = 1."""
    return unbroadcast_to(g, x1)


def add_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 + x2)/dx2 = 1."""
    return unbroadcast_to(g, x2)


def subtract_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 - x2)/dx1 = 1."""
    return unbroadcast_to(g, x1)


def subtract_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 - x2)/dx2 = -1."""
    return unbroadcast_to(-g, x2)


def multiply_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 * x2)/dx1 = x2."""
    return unbroadcast_to(g * x2, x1)


def multiply_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 * x2)/dx2 = x1."""
    return unbroadcast_to(g * x1, x2)


def divide_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 / x2)/dx1 = 1 / x2."""
    return unbroadcast_to(g / x2, x1)


def divide_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 / x2)/dx2 = -(x1 / x2) / x2, as -(g / x2) * ans: g / x2 is also x1's partial."""
    return unbroadcast_to(-(g / x2) * ans, x2)


def power_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 ** x2)/dx1 = x2 * x1 ** (x2 - 1)."""
    return unbroadcast_to(g * x2 * x1 ** (x2 - 1), x1)


def power_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 ** x2)/dx2 = x1 ** x2 * log(x1), taken as 0 where x1 <= 0."""
    log_x1 = np.log(np.where(x1 > 0, x1, 1.0)).astype(np.result_type(ans), copy=False)
    return unbroadcast_to(g * ans * log_x1, x2)


def negative_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d(-x) = -dx."""
    return -g


def positive_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d(+x) = dx."""
    return g


def square_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d x**2 = 2 x dx."""
    return g * 2.0 * x


def reciprocal_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d(1/x) = -dx / x**2."""
    return -g * ans * ans


def sqrt_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d sqrt(x) = dx / (2 sqrt(x))."""
    return g * 0.5 / ans


def cbrt_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d cbrt(x) = dx / (3 cbrt(x)**2)."""
    return g / (3.0 * ans * ans)


def absolute_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d|x| = sign(x) dx (0 at x = 0)."""
    return g * np.sign(x)


# ---- exponentials and logarithms ----------------------------------------------------------------


def exp_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d exp(x) = exp(x) dx."""
    return g * ans


def exp2_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d 2**x = 2**x log(2) dx."""
    return g * ans * _LN2


def expm1_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d(exp(x) - 1) = exp(x) dx."""
    return g * (ans + 1.0)


def log_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d log(x) = dx / x."""
    return g / x


def log2_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d log2(x) = dx / (x log 2)."""
    return g / (x * _LN2)


def log10_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d log10(x) = dx / (x log 10)."""
    return g / (x * _LN10)


def log1p_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d log(1 + x) = dx / (1 + x)."""
    return g / (1.0 + x)


def logaddexp_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d log(e**x1 + e**x2)/dx1 = e**(x1 - ans)."""
    return unbroadcast_to(g * np.exp(x1 - ans), x1)


def logaddexp_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d log(e**x1 + e**x2)/dx2 = e**(x2 - ans)."""
    return unbroadcast_to(g * np.exp(x2 - ans), x2)


def logaddexp2_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d log2(2**x1 + 2**x2)/dx1 = 2**(x1 - ans)."""
    return unbroadcast_to(g * np.exp2(x1 - ans), x1)


def logaddexp2_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d log2(2**x1 + 2**x2)/dx2 = 2**(x2 - ans)."""
    return unbroadcast_to(g * np.exp2(x2 - ans), x2)


# ---- trigonometric and hyperbolic ---------------------------------------------------------------


def sin_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d sin(x) = cos(x) dx."""
    return g * np.cos(x)


def cos_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d cos(x) = -sin(x) dx."""
    return -g * np.sin(x)


def tan_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d tan(x) = (1 + tan(x)**2) dx."""
    return g * (1.0 + ans * ans)


def arcsin_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arcsin(x) = dx / sqrt(1 - x**2)."""
    return g / np.sqrt(1.0 - x * x)


def arccos_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arccos(x) = -dx / sqrt(1 - x**2)."""
    return -g / np.sqrt(1.0 - x * x)


def arctan_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arctan(x) = dx / (1 + x**2)."""
    return g / (1.0 + x * x)


def arctan2_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d arctan2(x1, x2)/dx1 = x2 / (x1**2 + x2**2)."""
    return unbroadcast_to(g * x2 / (x1 * x1 + x2 * x2), x1)


def arctan2_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d arctan2(x1, x2)/dx2 = -x1 / (x1**2 + x2**2)."""
    return unbroadcast_to(-g * x1 / (x1 * x1 + x2 * x2), x2)


def hypot_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d hypot(x1, x2)/dx1 = x1 / hypot(x1, x2)."""
    return unbroadcast_to(g * x1 / ans, x1)


def hypot_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d hypot(x1, x2)/dx2 = x2 / hypot(x1, x2)."""
    return unbroadcast_to(g * x2 / ans, x2)


def sinh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d sinh(x) = cosh(x) dx."""
    return g * np.cosh(x)


def cosh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d cosh(x) = sinh(x) dx."""
    return g * np.sinh(x)


def tanh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d tanh(x) = (1 - tanh(x)**2) dx."""
    return g * (1.0 - ans * ans)


def arcsinh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arcsinh(x) = dx / sqrt(x**2 + 1)."""
    return g / np.sqrt(x * x + 1.0)


def arccosh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arccosh(x) = dx / sqrt(x**2 - 1)."""
    return g / np.sqrt(x * x - 1.0)


def arctanh_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d arctanh(x) = dx / (1 - x**2)."""
    return g / (1.0 - x * x)


# ---- selection ----------------------------------------------------------------------------------


def maximum_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The gradient goes to the larger argument; ties split it 0.5/0.5."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * (x1 > x2)), x1)


def maximum_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The gradient goes to the larger argument; ties split it 0.5/0.5."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * (x2 > x1)), x2)


def minimum_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The gradient goes to the smaller argument; ties split it 0.5/0.5."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * (x1 < x2)), x1)


def minimum_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The gradient goes to the smaller argument; ties split it 0.5/0.5."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * (x2 < x1)), x2)


def fmax_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``maximum``, but a NaN loses: the other argument gets the whole gradient."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * ((x1 > x2) | np.isnan(x2))), x1)


def fmax_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``maximum``, but a NaN loses: the other argument gets the whole gradient."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * ((x2 > x1) | np.isnan(x1))), x2)


def fmin_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``minimum``, but a NaN loses: the other argument gets the whole gradient."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * ((x1 < x2) | np.isnan(x2))), x1)


def fmin_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``minimum``, but a NaN loses: the other argument gets the whole gradient."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * ((x2 < x1) | np.isnan(x1))), x2)


def clip_vjp(
    g: Any,
    ans: Any,
    a: Any,
    a_min: Any = None,
    a_max: Any = None,
    out: Any = None,
    *,
    min: Any = None,  # numpy >= 2.1 spells the bounds min= and max= too
    max: Any = None,
) -> Any:
    """The gradient passes where ``a`` was not clipped (a_min <= a <= a_max); bounds get none."""
    return unbroadcast_to(g * (ans == a), a)


def where_vjp_x(g: Any, ans: Any, condition: Any, x: Any, y: Any) -> Any:
    """``x`` gets the gradient where ``condition`` holds."""
    return unbroadcast_to(np.where(condition, g, 0.0), x)


def where_vjp_y(g: Any, ans: Any, condition: Any, x: Any, y: Any) -> Any:
    """``y`` gets the gradient where ``condition`` does not hold."""
    return unbroadcast_to(np.where(condition, 0.0, g), y)


# ---- Python builtins ----------------------------------------------------------------------------


def float_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``float(x)`` is the identity on values: g with the shape and dtype of ``x``."""
    if isinstance(x, (float, int)):
        return g
    return np.reshape(np.asarray(g, dtype=np.result_type(x)), np.shape(x))


_UNARY_RULES = (
    (np.negative, negative_vjp),
    (np.positive, positive_vjp),
    (np.square, square_vjp),
    (np.reciprocal, reciprocal_vjp),
    (np.sqrt, sqrt_vjp),
    (np.cbrt, cbrt_vjp),
    (np.absolute, absolute_vjp),
    (np.exp, exp_vjp),
    (np.exp2, exp2_vjp),
    (np.expm1, expm1_vjp),
    (np.log, log_vjp),
    (np.log2, log2_vjp),
    (np.log10, log10_vjp),
    (np.log1p, log1p_vjp),
    (np.sin, sin_vjp),
    (np.cos, cos_vjp),
    (np.tan, tan_vjp),
    (np.arcsin, arcsin_vjp),
    (np.arccos, arccos_vjp),
    (np.arctan, arctan_vjp),
    (np.sinh, sinh_vjp),
    (np.cosh, cosh_vjp),
    (np.tanh, tanh_vjp),
    (np.arcsinh, arcsinh_vjp),
    (np.arccosh, arccosh_vjp),
    (np.arctanh, arctanh_vjp),
    (abs, absolute_vjp),
    (float, float_vjp),
)

_BINARY_RULES = (
    (np.add, add_vjp_lhs, add_vjp_rhs),
    (np.subtract, subtract_vjp_lhs, subtract_vjp_rhs),
    (np.multiply, multiply_vjp_lhs, multiply_vjp_rhs),
    (np.divide, divide_vjp_lhs, divide_vjp_rhs),
    (np.power, power_vjp_lhs, power_vjp_rhs),
    (np.logaddexp, logaddexp_vjp_lhs, logaddexp_vjp_rhs),
    (np.logaddexp2, logaddexp2_vjp_lhs, logaddexp2_vjp_rhs),
    (np.arctan2, arctan2_vjp_lhs, arctan2_vjp_rhs),
    (np.hypot, hypot_vjp_lhs, hypot_vjp_rhs),
    (np.maximum, maximum_vjp_lhs, maximum_vjp_rhs),
    (np.minimum, minimum_vjp_lhs, minimum_vjp_rhs),
    (np.fmax, fmax_vjp_lhs, fmax_vjp_rhs),
    (np.fmin, fmin_vjp_lhs, fmin_vjp_rhs),
)

for _primitive, _rule in _UNARY_RULES:
    defvjp(_primitive, _rule, argnames=_UNARY)
for _primitive, _lhs, _rhs in _BINARY_RULES:
    defvjp(_primitive, _lhs, _rhs, argnames=_BINARY)
if np.true_divide is not np.divide:  # numpy 1.x: distinct objects, same rules
    defvjp(np.true_divide, divide_vjp_lhs, divide_vjp_rhs, argnames=_BINARY)
defvjp(np.clip, clip_vjp, None, None, argnames=("a", "a_min", "a_max"))
defvjp(np.where, None, where_vjp_x, where_vjp_y, argnames=("condition", "x", "y"))
alias_method("clip", np.clip)

__all__ = sorted(
    {rule.__name__ for _, rule in _UNARY_RULES}
    | {rule.__name__ for _, *rules in _BINARY_RULES for rule in rules}
    | {"clip_vjp", "where_vjp_x", "where_vjp_y"}
)
