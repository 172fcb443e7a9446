"""Gradient rules of elementwise arithmetic (ufuncs, ``clip``, ``where``) and ``float()``.

Each function's VJP and JVP are written side by side. A VJP rule ``rule(g, ans, *primal_args)``
returns the partial for one argument, reduced to that argument's shape with ``unbroadcast_to``;
a JVP rule ``rule(t, ans, *primal_args)`` returns the output's tangent caused by the tangent
``t`` of one argument, spread to the output's shape with ``broadcast_like``. For a one-argument
elementwise function both are the product with the derivative. Rules are written in plain numpy
so that they can be differentiated again. Constants are Python floats, which never upcast a
float32 array (NEP 50).

Kinks get the conventional subgradients, the same in both modes (each JVP is the transpose of its
VJP): ``abs`` has slope 0 at 0, ties of ``maximum``/``minimum`` split the gradient 0.5/0.5,
``clip`` passes the gradient where ``a_min <= a <= a_max``. The selection rules are
``np.where(x1 == x2, g * 0.5, g * wins)``: bit for bit (signed zeros, NaN arguments, dtype) what
``g * wins + g * (x1 == x2) * 0.5`` gives, with one operation less, except for an infinite ``g``,
which now reaches the winner instead of turning into NaN everywhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, is_complex, unbroadcast_to
from .registry import alias_method, constant_arguments, defrule, defrules, public_functions

_UNARY = ("x",)
_BINARY = ("x1", "x2")


# ---- arithmetic -------------------------------------------------------------------------------


def add_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 + x2)/dx1 = 1."""
    return unbroadcast_to(g, x1)


def add_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t, ans)


def add_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 + x2)/dx2 = 1."""
    return unbroadcast_to(g, x2)


def add_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t, ans)


def subtract_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 - x2)/dx1 = 1."""
    return unbroadcast_to(g, x1)


def subtract_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t, ans)


def subtract_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 - x2)/dx2 = -1."""
    return unbroadcast_to(-g, x2)


def subtract_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(-t, ans)


def multiply_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 * x2)/dx1 = x2."""
    return unbroadcast_to(g * x2, x1)


def multiply_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x2, ans)


def multiply_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 * x2)/dx2 = x1."""
    return unbroadcast_to(g * x1, x2)


def multiply_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(x1 * t, ans)


def divide_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 / x2)/dx1 = 1 / x2."""
    return unbroadcast_to(g / x2, x1)


def divide_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t / x2, ans)


def divide_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 / x2)/dx2 = -(x1 / x2) / x2, as -(g / x2) * ans: g / x2 is also x1's partial."""
    return unbroadcast_to(-(g / x2) * ans, x2)


def divide_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 / x2) = -(x1 / x2) / x2 dx2."""
    return broadcast_like(-t * ans / x2, ans)


def power_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 ** x2)/dx1 = x2 * x1 ** (x2 - 1)."""
    return unbroadcast_to(g * x2 * x1 ** (x2 - 1), x1)


def power_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x2 * x1 ** (x2 - 1), ans)


def _log_base(x1: Any, ans: Any) -> Any:
    """log(x1) for the exponent's derivative: 0 where a real power's x1 <= 0; a complex
    power's base is complex (its log exists away from 0)."""
    if is_complex(ans):
        return np.log(np.where(x1 == 0, 1.0, x1) + 0j)
    return np.log(np.where(x1 > 0, x1, 1.0)).astype(np.result_type(ans), copy=False)


def power_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 ** x2)/dx2 = x1 ** x2 * log(x1), taken as 0 where x1 <= 0 (real x1 ** x2)."""
    return unbroadcast_to(g * ans * _log_base(x1, ans), x2)


def power_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 ** x2) = x1 ** x2 log(x1) dx2, taken as 0 where x1 <= 0 (like the VJP)."""
    return broadcast_like(t * ans * _log_base(x1, ans), ans)


def float_power_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``power``, computed in float64 as ``float_power`` is, in x1's dtype."""
    partial = unbroadcast_to(g * x2 * np.float_power(x1, x2 - 1), x1)
    return np.asarray(partial, dtype=np.result_type(x1))


def float_power_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * x2 * np.float_power(x1, x2 - 1), ans)


def float_power_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``power``: x1 ** x2 * log(x1), taken as 0 where x1 <= 0, in x2's dtype."""
    partial = unbroadcast_to(g * ans * np.log(np.where(x1 > 0, x1, 1.0)), x2)
    return np.asarray(partial, dtype=np.result_type(x2))


def float_power_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * ans * np.log(np.where(x1 > 0, x1, 1.0)), ans)


def negative_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d(-x) = -dx."""
    return -g


def negative_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t


def positive_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d(+x) = dx."""
    return g


def positive_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t


def square_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d x**2 = 2 x dx."""
    return g * 2.0 * x


def square_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 2.0 * x


def reciprocal_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d(1/x) = -dx / x**2."""
    return -g * ans * ans


def reciprocal_jvp(t: Any, ans: Any, x: Any) -> Any:
    return -t * ans * ans


def sqrt_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d sqrt(x) = dx / (2 sqrt(x))."""
    return g * 0.5 / ans


def sqrt_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * 0.5 / ans


def cbrt_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d cbrt(x) = dx / (3 cbrt(x)**2)."""
    return g / (3.0 * ans * ans)


def cbrt_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t / (3.0 * ans * ans)


def _conjugate_sign(z: Any) -> Any:
    """conj(z) / |z| (0 at z = 0), written without np.sign (piecewise constant only for real
    numbers), so that it is differentiated again."""
    modulus = np.abs(z)
    return np.conjugate(z) / np.where(modulus == 0.0, 1.0, modulus)


def absolute_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d|x| = sign(x) dx (0 at x = 0). Complex: d|z| = Re(conj(z) dz) / |z|, so z gets
    Re(g) conj(z) / |z| (docs/complex.md; only the real part of g pairs with the real |z|)."""
    if is_complex(x):
        return np.real(g) * _conjugate_sign(x)
    return g * np.sign(x)


def absolute_jvp(t: Any, ans: Any, x: Any) -> Any:
    """d|x| = sign(x) dx (0 at x = 0); complex: Re(conj(z) dz) / |z|."""
    if is_complex(x):
        return np.real(_conjugate_sign(x) * t)
    return t * np.sign(x)


# ---- selection ----------------------------------------------------------------------------------


def maximum_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The gradient goes to the larger argument; ties split it 0.5/0.5."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * (x1 > x2)), x1)


def maximum_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The larger argument passes its tangent; ties pass half of each."""
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * (x1 > x2)), ans)


def maximum_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The gradient goes to the larger argument; ties split it 0.5/0.5."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * (x2 > x1)), x2)


def maximum_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * (x2 > x1)), ans)


def minimum_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The gradient goes to the smaller argument; ties split it 0.5/0.5."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * (x1 < x2)), x1)


def minimum_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The smaller argument passes its tangent; ties pass half of each."""
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * (x1 < x2)), ans)


def minimum_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The gradient goes to the smaller argument; ties split it 0.5/0.5."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * (x2 < x1)), x2)


def minimum_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * (x2 < x1)), ans)


def fmax_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``maximum``, but a NaN loses: the other argument gets the whole gradient."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * ((x1 > x2) | np.isnan(x2))), x1)


def fmax_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``maximum``, but a NaN loses: the other argument passes its whole tangent."""
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * ((x1 > x2) | np.isnan(x2))), ans)


def fmax_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``maximum``, but a NaN loses: the other argument gets the whole gradient."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * ((x2 > x1) | np.isnan(x1))), x2)


def fmax_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * ((x2 > x1) | np.isnan(x1))), ans)


def fmin_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``minimum``, but a NaN loses: the other argument gets the whole gradient."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * ((x1 < x2) | np.isnan(x2))), x1)


def fmin_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``minimum``, but a NaN loses: the other argument passes its whole tangent."""
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * ((x1 < x2) | np.isnan(x2))), ans)


def fmin_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """Like ``minimum``, but a NaN loses: the other argument gets the whole gradient."""
    return unbroadcast_to(np.where(x1 == x2, g * 0.5, g * ((x2 < x1) | np.isnan(x1))), x2)


def fmin_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == x2, t * 0.5, t * ((x2 < x1) | np.isnan(x1))), ans)


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
    """The gradient passes where ``a`` was not clipped (a_min <= a <= a_max)."""
    return unbroadcast_to(g * (ans == a), a)


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


def clip_vjp_a_min(g: Any, ans: Any, a: Any, a_min: Any = None, a_max: Any = None,
                   out: Any = None, *, min: Any = None, max: Any = None) -> Any:
    """The lower bound gets the gradient where it clipped ``a``."""
    return unbroadcast_to(g * ((ans != a) & (ans == a_min)), a_min)


def clip_jvp_a_min(t: Any, ans: Any, a: Any, a_min: Any = None, a_max: Any = None,
                   out: Any = None, *, min: Any = None, max: Any = None) -> Any:
    return broadcast_like(t * ((ans != a) & (ans == a_min)), ans)


def clip_vjp_a_max(g: Any, ans: Any, a: Any, a_min: Any = None, a_max: Any = None,
                   out: Any = None, *, min: Any = None, max: Any = None) -> Any:
    """The upper bound gets the gradient where it clipped ``a`` (the lower bound wins a tie)."""
    return unbroadcast_to(g * ((ans != a) & (ans == a_max) & (ans != a_min)), a_max)


def clip_jvp_a_max(t: Any, ans: Any, a: Any, a_min: Any = None, a_max: Any = None,
                   out: Any = None, *, min: Any = None, max: Any = None) -> Any:
    return broadcast_like(t * ((ans != a) & (ans == a_max) & (ans != a_min)), ans)


def where_vjp_x(g: Any, ans: Any, condition: Any, x: Any, y: Any) -> Any:
    """``x`` gets the gradient where ``condition`` holds."""
    return unbroadcast_to(np.where(condition, g, 0.0), x)


def where_jvp_x(t: Any, ans: Any, condition: Any, x: Any, y: Any) -> Any:
    return broadcast_like(np.where(condition, t, 0.0), ans)


def where_vjp_y(g: Any, ans: Any, condition: Any, x: Any, y: Any) -> Any:
    """``y`` gets the gradient where ``condition`` does not hold."""
    return unbroadcast_to(np.where(condition, 0.0, g), y)


def where_jvp_y(t: Any, ans: Any, condition: Any, x: Any, y: Any) -> Any:
    return broadcast_like(np.where(condition, 0.0, t), ans)


def heaviside_vjp_x2(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """``heaviside(x1, x2)`` is x2 where x1 == 0 (and piecewise constant in x1)."""
    return unbroadcast_to(np.where(x1 == 0, g, 0.0), x2)


def heaviside_jvp_x2(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.where(x1 == 0, t, 0.0), ans)


# ---- Python builtins ----------------------------------------------------------------------------


def float_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``float(x)`` is the identity on values: g with the shape and dtype of ``x``."""
    if isinstance(x, (float, int)):
        return g
    return np.reshape(np.asarray(g, dtype=np.result_type(x)), np.shape(x))


def float_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``float(x)`` is the identity on values: the tangent is a Python float too."""
    return float(t)


defrules(
    (
        (np.negative, negative_vjp, negative_jvp),
        (np.positive, positive_vjp, positive_jvp),
        (np.square, square_vjp, square_jvp),
        (np.reciprocal, reciprocal_vjp, reciprocal_jvp),
        (np.sqrt, sqrt_vjp, sqrt_jvp),
        (np.cbrt, cbrt_vjp, cbrt_jvp),
        (np.absolute, absolute_vjp, absolute_jvp),
        (np.fabs, absolute_vjp, absolute_jvp),
        (abs, absolute_vjp, absolute_jvp),
        (float, float_vjp, float_jvp),
    ),
    argnames=_UNARY,
)
defrules(
    (
        (np.add, (add_vjp_lhs, add_vjp_rhs), (add_jvp_lhs, add_jvp_rhs)),
        (np.subtract, (subtract_vjp_lhs, subtract_vjp_rhs), (subtract_jvp_lhs, subtract_jvp_rhs)),
        (np.multiply, (multiply_vjp_lhs, multiply_vjp_rhs), (multiply_jvp_lhs, multiply_jvp_rhs)),
        (np.divide, (divide_vjp_lhs, divide_vjp_rhs), (divide_jvp_lhs, divide_jvp_rhs)),
        # numpy 1.x: a distinct object with the same rules
        (np.true_divide, (divide_vjp_lhs, divide_vjp_rhs), (divide_jvp_lhs, divide_jvp_rhs)),
        (np.power, (power_vjp_lhs, power_vjp_rhs), (power_jvp_lhs, power_jvp_rhs)),
        (np.float_power, (float_power_vjp_lhs, float_power_vjp_rhs),
         (float_power_jvp_lhs, float_power_jvp_rhs)),
        (np.maximum, (maximum_vjp_lhs, maximum_vjp_rhs), (maximum_jvp_lhs, maximum_jvp_rhs)),
        (np.minimum, (minimum_vjp_lhs, minimum_vjp_rhs), (minimum_jvp_lhs, minimum_jvp_rhs)),
        (np.fmax, (fmax_vjp_lhs, fmax_vjp_rhs), (fmax_jvp_lhs, fmax_jvp_rhs)),
        (np.fmin, (fmin_vjp_lhs, fmin_vjp_rhs), (fmin_jvp_lhs, fmin_jvp_rhs)),
    ),
    argnames=_BINARY,
)
defrule(np.clip, vjp=(clip_vjp, clip_vjp_a_min, clip_vjp_a_max),
        jvp=(clip_jvp, clip_jvp_a_min, clip_jvp_a_max), argnames=("a", "a_min", "a_max"))
defrule(np.where, vjp=(None, where_vjp_x, where_vjp_y), jvp=(None, where_jvp_x, where_jvp_y),
        argnames=("condition", "x", "y"))
defrule(np.heaviside, vjp=(None, heaviside_vjp_x2), jvp=(None, heaviside_jvp_x2),
        argnames=("x1", "x2"))
constant_arguments(np.heaviside, "x1")  # a step in x1: zero derivative away from x1 == 0
alias_method("clip", np.clip)

__all__ = public_functions(globals())
