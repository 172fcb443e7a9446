"""Gradient rules of piecewise functions: ``interp``, ``polyval`` and ``piecewise``. Each
function's VJP and JVP side by side, registered together with ``defrule``.

``interp(x, xp, fp)`` is linear in ``fp`` and piecewise linear in ``x`` and ``xp``: at a knot
``x`` takes the slope of the interval to the right (numpy's ``searchsorted(..., 'right')``; at
the last knot, the last interval's); outside ``[xp[0], xp[-1]]`` the value is ``left``/``right``
(default ``fp[0]``/``fp[-1]``) and the slope in ``x`` is 0. ``period=`` raises
NotImplementedError. ``polyval(p, x)`` takes a 1-D coefficient array. ``piecewise``
differentiates each piece with the registered rule of its function (a numpy function of one
argument, called without extra arguments); constant pieces have slope 0; any other function
raises NotImplementedError.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import registry
from .broadcast import broadcast_like, unbroadcast_to
from .registry import defrule
from .rules_index import take_vjp

# ---- interp ------------------------------------------------------------------------------------


def _interp_parts(x: Any, xp: Any, fp: Any, left: Any, right: Any, period: Any,
                  rule: str) -> tuple[Any, ...]:
    """(low, high, w_low, w_high, inside, weight, slope): the value is w_low fp[low] + w_high
    fp[high] (or left/right outside); inside, ``weight`` is the position in the interval and
    ``slope`` the interval's slope."""
    if period is not None:
        raise NotImplementedError(f"{rule}: np.interp with period= is not supported")
    n = np.shape(xp)[0]
    below, above = np.less(x, xp[0]), np.greater(x, xp[-1])
    inside = ~(below | above)
    low = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, max(n - 2, 0))
    high = np.minimum(low + 1, n - 1)
    span = np.take(xp, high) - np.take(xp, low)
    span = np.where(span == 0, 1.0, span)
    weight = np.where(inside, (x - np.take(xp, low)) / span, 0.0)
    slope = np.where(inside, (np.take(fp, high) - np.take(fp, low)) / span, 0.0)
    w_low = np.where(inside, 1.0 - weight, 0.0)
    if left is None:  # below the range the value is fp[0]
        w_low = np.where(below, 1.0, w_low)
        low = np.where(below, 0, low)
    if right is None:  # above it, fp[-1]
        w_low = np.where(above, 1.0, w_low)
        low = np.where(above, n - 1, low)
    return low, high, w_low, weight, inside, weight, slope


def _as(value: Any, like: Any) -> Any:
    # np.interp computes in float64: partials take the argument's dtype, tangents the output's.
    return value if type(like) in (float, int) else np.asarray(value, np.result_type(like))


def interp_vjp(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None,
               period: Any = None) -> Any:
    """g times the slope of x's interval (0 outside the sample range)."""
    slope = _interp_parts(x, xp, fp, left, right, period, "interp_vjp")[-1]
    return _as(unbroadcast_to(g * slope, x), x)


def interp_jvp(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None,
               period: Any = None) -> Any:
    """t times the slope of x's interval (0 outside the sample range)."""
    slope = _interp_parts(x, xp, fp, left, right, period, "interp_jvp")[-1]
    return _as(broadcast_like(t * slope, ans), ans)


def interp_vjp_xp(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                  right: Any = None, period: Any = None) -> Any:
    """Moving the interval's ends: -slope (1 - w) for its left end, -slope w for its right."""
    low, high, _, _, inside, weight, slope = _interp_parts(x, xp, fp, left, right, period,
                                                           "interp_vjp_xp")
    low = np.where(inside, low, 0)
    moved = -g * slope
    partial = take_vjp(moved * (1.0 - weight), None, xp, low) + take_vjp(moved * weight, None,
                                                                        xp, high)
    return _as(partial, xp)


def interp_jvp_xp(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                  right: Any = None, period: Any = None) -> Any:
    """-slope ((1 - w) t[low] + w t[high]) inside the sample range."""
    low, high, _, _, inside, weight, slope = _interp_parts(x, xp, fp, left, right, period,
                                                           "interp_jvp_xp")
    low = np.where(inside, low, 0)
    moved = (1.0 - weight) * np.take(t, low) + weight * np.take(t, high)
    return _as(broadcast_like(-slope * moved, ans), ans)


def interp_vjp_fp(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                  right: Any = None, period: Any = None) -> Any:
    """g split between the two samples x interpolates (or the end sample it is clamped to)."""
    low, high, w_low, w_high, _, _, _ = _interp_parts(x, xp, fp, left, right, period,
                                                      "interp_vjp_fp")
    partial = take_vjp(g * w_low, None, fp, low) + take_vjp(g * w_high, None, fp, high)
    return _as(partial, fp)


def interp_jvp_fp(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                  right: Any = None, period: Any = None) -> Any:
    """The same interpolation of the samples' tangents."""
    low, high, w_low, w_high, _, _, _ = _interp_parts(x, xp, fp, left, right, period,
                                                      "interp_jvp_fp")
    tangent = w_low * np.take(t, low) + w_high * np.take(t, high)
    return _as(broadcast_like(tangent, ans), ans)


def interp_vjp_left(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                    right: Any = None, period: Any = None) -> Any:
    """``left`` is the value below the sample range."""
    return _as(unbroadcast_to(np.sum(np.where(np.less(x, xp[0]), g, 0.0)), left), left)


def interp_jvp_left(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                    right: Any = None, period: Any = None) -> Any:
    """t below the sample range."""
    return _as(broadcast_like(np.where(np.less(x, xp[0]), t, 0.0 * t), ans), ans)


def interp_vjp_right(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                     right: Any = None, period: Any = None) -> Any:
    """``right`` is the value above the sample range."""
    return _as(unbroadcast_to(np.sum(np.where(np.greater(x, xp[-1]), g, 0.0)), right), right)


def interp_jvp_right(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                     right: Any = None, period: Any = None) -> Any:
    """t above the sample range."""
    return _as(broadcast_like(np.where(np.greater(x, xp[-1]), t, 0.0 * t), ans), ans)


# ---- polyval -----------------------------------------------------------------------------------


def _coefficients(p: Any, rule: str) -> Any:
    # p itself, once checked to be a 1-D coefficient array.
    if np.ndim(p) != 1 or isinstance(p, np.poly1d):
        raise NotImplementedError(f"{rule}: only a 1-D coefficient array is supported")
    return p


def _derivative(p: Any) -> Any:
    # The coefficients of p' (highest power first); [0] for a constant.
    n = np.shape(p)[0]
    if n == 1:
        return np.zeros(1, dtype=np.result_type(p))
    return p[:-1] * np.arange(n - 1, 0, -1, dtype=np.result_type(p))


def polyval_vjp_p(g: Any, ans: Any, p: Any, x: Any) -> Any:
    """d/dp_k = x ** (n - 1 - k), summed against g."""
    p = _coefficients(p, "polyval_vjp_p")
    n = np.shape(p)[0]
    powers = np.power(np.expand_dims(x, -1), np.arange(n - 1, -1, -1))
    partial = np.tensordot(g, powers, axes=np.ndim(x))
    return np.reshape(partial, (n,)).astype(np.result_type(p, g), copy=False)


def polyval_jvp_p(t: Any, ans: Any, p: Any, x: Any) -> Any:
    """polyval is linear in p: the polynomial with the tangent's coefficients."""
    p = _coefficients(p, "polyval_jvp_p")
    return broadcast_like(np.polyval(t, x), ans)


def polyval_vjp_x(g: Any, ans: Any, p: Any, x: Any) -> Any:
    """g times p'(x)."""
    p = _coefficients(p, "polyval_vjp_x")
    return unbroadcast_to(g * np.polyval(_derivative(p), x), x)


def polyval_jvp_x(t: Any, ans: Any, p: Any, x: Any) -> Any:
    """t times p'(x)."""
    p = _coefficients(p, "polyval_jvp_x")
    return broadcast_like(t * np.polyval(_derivative(p), x), ans)


# ---- piecewise ---------------------------------------------------------------------------------


def _pieces(x: Any, condlist: Any, funclist: Any, args: tuple, kw: dict, rule: str) -> list:
    # (mask, function) per piece, masks as np.piecewise applies them (a later piece wins).
    if args or kw:
        raise NotImplementedError(f"{rule}: np.piecewise with extra arguments is not supported")
    if np.isscalar(condlist) or (not isinstance(condlist[0], (list, np.ndarray))
                                 and np.ndim(x) != 0):
        condlist = [condlist]  # one condition (numpy's own test)
    masks = []
    for i in range(len(condlist)):
        masks.append(np.broadcast_to(np.asarray(condlist[i], dtype=bool), np.shape(x)))
    if len(funclist) == len(masks) + 1:
        masks.append(~np.any(np.asarray(masks), axis=0))
    taken = np.zeros(np.shape(x), dtype=bool)
    pieces = []
    for i in range(len(masks) - 1, -1, -1):
        pieces.append((masks[i] & ~taken, funclist[i]))
        taken = taken | masks[i]
    return pieces


def _piece_rule(function: Any, jvp: bool, rule: str) -> Any:
    # The registered rule of a piece's function (None for a constant piece).
    if not callable(function):
        return None
    entry = registry.lookup_jvp(function) if jvp else registry.lookup(function)
    if entry is None or entry.rule_for(0) is None:
        raise NotImplementedError(
            f"{rule}: the piece {getattr(function, '__name__', function)!r} has no gradient "
            "rule; np.piecewise is differentiated for numpy functions of one argument and "
            "constants; use np.where(cond, f(x), g(x)) for other functions")
    return entry.rule_for(0)


def piecewise_vjp(g: Any, ans: Any, x: Any, condlist: Any, funclist: Any, *args: Any,
                  **kw: Any) -> Any:
    """Each piece's rule, applied where that piece was evaluated."""
    partial = np.zeros(np.shape(x), dtype=np.result_type(x, g))
    for mask, function in _pieces(x, condlist, funclist, args, kw, "piecewise_vjp"):
        piece = _piece_rule(function, False, "piecewise_vjp")
        if piece is not None and np.any(mask):
            part = x[mask]
            partial[mask] = piece(np.asarray(g)[mask], function(part), part)
    return partial


def piecewise_jvp(t: Any, ans: Any, x: Any, condlist: Any, funclist: Any, *args: Any,
                  **kw: Any) -> Any:
    """Each piece's tangent, where that piece was evaluated."""
    tangent = np.zeros(np.shape(ans), dtype=np.result_type(ans))
    for mask, function in _pieces(x, condlist, funclist, args, kw, "piecewise_jvp"):
        piece = _piece_rule(function, True, "piecewise_jvp")
        if piece is not None and np.any(mask):
            part = x[mask]
            tangent[mask] = piece(np.asarray(t)[mask], function(part), part)
    return tangent


defrule(np.interp, vjp=(interp_vjp, interp_vjp_xp, interp_vjp_fp, interp_vjp_left,
                        interp_vjp_right),
        jvp=(interp_jvp, interp_jvp_xp, interp_jvp_fp, interp_jvp_left, interp_jvp_right),
        argnames=("x", "xp", "fp", "left", "right"))
defrule(np.polyval, vjp=(polyval_vjp_p, polyval_vjp_x), jvp=(polyval_jvp_p, polyval_jvp_x),
        argnames=("p", "x"))
defrule(np.piecewise, vjp=(piecewise_vjp, None, None), jvp=(piecewise_jvp, None, None),
        argnames=("x", "condlist", "funclist"))

__all__ = [
    "interp_jvp", "interp_jvp_fp", "interp_jvp_left", "interp_jvp_right", "interp_jvp_xp",
    "interp_vjp", "interp_vjp_fp", "interp_vjp_left", "interp_vjp_right", "interp_vjp_xp",
    "piecewise_jvp", "piecewise_vjp", "polyval_jvp_p", "polyval_jvp_x", "polyval_vjp_p",
    "polyval_vjp_x",
]
