"""Forward-mode (JVP) rules of the elementwise primitives of ``rules_elementwise``.

Every rule is ``rule(t, ans, *primal_args)`` and returns the tangent of the output caused by the
tangent ``t`` of one argument, with exactly the output's shape: a broadcast argument's tangent is
spread with ``broadcast_like``. The conventions at kinks match the reverse-mode rules, so each JVP
rule is the transpose of its VJP rule: ``abs`` has slope 0 at 0, ties of ``maximum``/``minimum``
split the tangent 0.5/0.5, ``clip`` passes the tangent where ``a_min <= a <= a_max``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .broadcast import broadcast_like
from .registry import defjvp

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_UNARY = ("x",)
_BINARY = ("x1", "x2")


# ---- arithmetic -------------------------------------------------------------------------------


def add_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t, ans)


def add_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t, ans)


def subtract_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t, ans)


def subtract_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(-t, ans)


def multiply_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x2, ans)


def multiply_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(x1 * t, ans)


def divide_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t / x2, ans)


def divide_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 / x2) = -(x1 / x2) / x2 dx2."""
    return broadcast_like(-t * ans / x2, ans)


def power_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x2 * x1 ** (x2 - 1), ans)


def power_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 ** x2) = x1 ** x2 log(x1) dx2, taken as 0 where x1 <= 0 (like the VJP)."""
    log_x1 = np.log(np.where(x1 > 0, x1, 1.0)).astype(np.result_type(ans), copy=False)
    return broadcast_like(t * ans * log_x1, ans)


def negative_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t


def positive_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t


def square_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 2.0 * x


def reciprocal_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t * ans * ans


def sqrt_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 0.5 / ans


def cbrt_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (3.0 * ans * ans)


def absolute_jvp(t: Any, ans: Any, x: Any) -> Any:
    """d|x| = sign(x) dx (0 at x = 0)."""
    return t * np.sign(x)


# ---- exponentials and logarithms ----------------------------------------------------------------


def exp_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * ans


def exp2_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * ans * _LN2


def expm1_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (ans + 1.0)


def log_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / x


def log2_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (x * _LN2)


def log10_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (x * _LN10)


def log1p_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (1.0 + x)


def logaddexp_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * np.exp(x1 - ans), ans)


def logaddexp_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * np.exp(x2 - ans), ans)


def logaddexp2_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * np.exp2(x1 - ans), ans)


def logaddexp2_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * np.exp2(x2 - ans), ans)


# ---- trigonometric and hyperbolic ---------------------------------------------------------------


def sin_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.cos(x)


def cos_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t * np.sin(x)


def tan_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (1.0 + ans * ans)


def arcsin_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / np.sqrt(1.0 - x * x)


def arccos_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t / np.sqrt(1.0 - x * x)


def arctan_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (1.0 + x * x)


def arctan2_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x2 / (x1 * x1 + x2 * x2), ans)


def arctan2_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(-t * x1 / (x1 * x1 + x2 * x2), ans)


def hypot_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x1 / ans, ans)


def hypot_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x2 / ans, ans)


def sinh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.cosh(x)


def cosh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.sinh(x)


def tanh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * (1.0 - ans * ans)


def arcsinh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / np.sqrt(x * x + 1.0)


def arccosh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / np.sqrt(x * x - 1.0)


def arctanh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (1.0 - x * x)


# ---- selection ----------------------------------------------------------------------------------


def maximum_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The larger argument passes its tangent; ties pass half of each."""
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * (x1 > x2)), ans)


def maximum_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * (x2 > x1)), ans)


def minimum_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The smaller argument passes its tangent; ties pass half of each."""
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * (x1 < x2)), ans)


def minimum_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * (x2 < x1)), ans)


def fmax_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``maximum``, but a NaN loses: the other argument passes its whole tangent."""
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * ((x1 > x2) | np.isnan(x2))), ans)


def fmax_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * ((x2 > x1) | np.isnan(x1))), ans)


def fmin_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``minimum``, but a NaN loses: the other argument passes its whole tangent."""
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * ((x1 < x2) | np.isnan(x2))), ans)


def fmin_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * ((x2 < x1) | np.isnan(x1))), ans)


def clip_jvp(
    t: Any,
    ans: Any,
    a: Any,
    a_min: Any = None,
    a_max: Any = None,
    out: Any = None,
    *,
    min: Any = None,  # numpy >= 2.1 spells the bounds min= and max= too
    max: Any = None,
) -> Any:
    """The tangent passes where ``a`` was not clipped (a_min <= a <= a_max)."""
    return broadcast_like(t * (ans == a), ans)


def where_jvp_x(t: Any, ans: Any, condition: Any, x: Any, y: Any) -> Any:
    return broadcast_like(np.where(condition, t, 0.0), ans)


def where_jvp_y(t: Any, ans: Any, condition: Any, x: Any, y: Any) -> Any:
    return broadcast_like(np.where(condition, 0.0, t), ans)


# ---- Python builtins ----------------------------------------------------------------------------


def float_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``float(x)`` is the identity on values: the tangent is a Python float too."""
    return float(t)


_UNARY_RULES = (
    (np.negative, negative_jvp),
    (np.positive, positive_jvp),
    (np.square, square_jvp),
    (np.reciprocal, reciprocal_jvp),
    (np.sqrt, sqrt_jvp),
    (np.cbrt, cbrt_jvp),
    (np.absolute, absolute_jvp),
    (np.exp, exp_jvp),
    (np.exp2, exp2_jvp),
    (np.expm1, expm1_jvp),
    (np.log, log_jvp),
    (np.log2, log2_jvp),
    (np.log10, log10_jvp),
    (np.log1p, log1p_jvp),
    (np.sin, sin_jvp),
    (np.cos, cos_jvp),
    (np.tan, tan_jvp),
    (np.arcsin, arcsin_jvp),
    (np.arccos, arccos_jvp),
    (np.arctan, arctan_jvp),
    (np.sinh, sinh_jvp),
    (np.cosh, cosh_jvp),
    (np.tanh, tanh_jvp),
    (np.arcsinh, arcsinh_jvp),
    (np.arccosh, arccosh_jvp),
    (np.arctanh, arctanh_jvp),
    (abs, absolute_jvp),
    (float, float_jvp),
)

_BINARY_RULES = (
    (np.add, add_jvp_lhs, add_jvp_rhs),
    (np.subtract, subtract_jvp_lhs, subtract_jvp_rhs),
    (np.multiply, multiply_jvp_lhs, multiply_jvp_rhs),
    (np.divide, divide_jvp_lhs, divide_jvp_rhs),
    (np.power, power_jvp_lhs, power_jvp_rhs),
    (np.logaddexp, logaddexp_jvp_lhs, logaddexp_jvp_rhs),
    (np.logaddexp2, logaddexp2_jvp_lhs, logaddexp2_jvp_rhs),
    (np.arctan2, arctan2_jvp_lhs, arctan2_jvp_rhs),
    (np.hypot, hypot_jvp_lhs, hypot_jvp_rhs),
    (np.maximum, maximum_jvp_lhs, maximum_jvp_rhs),
    (np.minimum, minimum_jvp_lhs, minimum_jvp_rhs),
    (np.fmax, fmax_jvp_lhs, fmax_jvp_rhs),
    (np.fmin, fmin_jvp_lhs, fmin_jvp_rhs),
)

for _primitive, _rule in _UNARY_RULES:
    defjvp(_primitive, _rule, argnames=_UNARY)
for _primitive, _lhs, _rhs in _BINARY_RULES:
    defjvp(_primitive, _lhs, _rhs, argnames=_BINARY)
if np.true_divide is not np.divide:  # numpy 1.x: distinct objects, same rules
    defjvp(np.true_divide, divide_jvp_lhs, divide_jvp_rhs, argnames=_BINARY)
defjvp(np.clip, clip_jvp, None, None, argnames=("a", "a_min", "a_max"))
defjvp(np.where, None, where_jvp_x, where_jvp_y, argnames=("condition", "x", "y"))

__all__ = sorted(
    {rule.__name__ for _, rule in _UNARY_RULES}
    | {rule.__name__ for _, *rules in _BINARY_RULES for rule in rules}
    | {"clip_jvp", "where_jvp_x", "where_jvp_y"}
)
