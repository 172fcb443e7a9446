"""Gradient rules of reductions (sum, mean, prod, max/min, var/std; cumulative ones are in
``rules_cumulative``) and of the runtime helpers ``unbroadcast_to``/``unreduce``/
``broadcast_like``: each function's VJP and JVP side by side, registered together with
``defrule``.

Each VJP restores the reduced axes with ``unreduce`` (any ``axis``: None, int, negative, tuple;
``keepdims`` either way); each JVP is the same reduction of the tangent weighted by the slopes of
the entries. Ties of ``max``/``min`` share the gradient equally (the JVP averages the tangents of
the tied entries, its transpose). ``prod`` is exact even with zeros in the input (no division
by zero). ``std`` at a constant slice divides by zero (NaN): the derivative does not exist
there.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, reduced_count, unbroadcast_to, unreduce
from .linear import linear_jvp
from .registry import alias_method, constant_arguments, defrule


def _cast_like(partial: Any, a: Any, dtype: Any) -> Any:
    # A reduction computed in another dtype (``np.sum(x32, dtype=np.float64)``) hands back a
    # partial (or tangent) in the dtype of ``a``.
    if dtype is None:
        return partial
    return np.asarray(partial, dtype=np.result_type(a))


def _reject(rule: str, **params: Any) -> None:
    given = sorted(
        name for name, value in params.items() if value is not None and value is not True
    )
    if given:
        raise NotImplementedError(f"{rule}: the parameter(s) {', '.join(given)} are not supported")


# ---- sum and mean: linear ------------------------------------------------------------------------


def sum_vjp(
    g: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = True,
) -> Any:
    """Every summed entry gets the gradient of its sum (entries masked by ``where`` get 0)."""
    partial = unreduce(g, a, axis, keepdims)
    if where is not True:
        partial = partial * np.broadcast_to(where, np.shape(a))
    return _cast_like(partial, a, dtype)


def sum_jvp(
    t: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = True,
) -> Any:
    """The sum of the tangents (``initial`` is a constant; masked entries do not count)."""
    return np.sum(t, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


def mean_vjp(
    g: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    *,
    where: Any = True,
) -> Any:
    """Every averaged entry gets 1/count of the gradient of its mean."""
    if where is True and axis is None and type(a) is np.ndarray:  # the common, cheap case
        partial = np.full(a.shape, g / a.size, dtype=np.result_type(a, g))
    elif where is True:
        partial = unreduce(g, a, axis, keepdims) / reduced_count(a, ans)
    else:
        mask = np.broadcast_to(where, np.shape(a))
        count = np.sum(mask, axis=axis, keepdims=keepdims)
        partial = unreduce(g / count.astype(np.result_type(g), copy=False), a, axis, keepdims)
        partial = partial * mask
    return _cast_like(partial, a, dtype)


mean_jvp = linear_jvp(np.mean, "mean_jvp", __name__)


# ---- products ----------------------------------------------------------------------------------


def _prod_slopes(a: Any, axis: Any, initial: Any) -> Any:
    """d prod(a, axis)/da_i, shaped like a: the product of the other entries of i's slice."""
    is_zero = np.equal(a, 0)
    zeros = np.sum(is_zero, axis=axis, keepdims=True)
    nonzero = np.where(is_zero, 1.0, a)
    others = np.prod(nonzero, axis=axis, keepdims=True)
    if initial is not None:
        others = others * initial
    # No zero: prod / x_i. One zero: that entry gets the product of the rest, others get 0.
    # Two or more zeros: every partial is 0.
    return np.where(zeros == 0, others / nonzero, np.where(is_zero & (zeros == 1), others, 0.0))


def prod_vjp(
    g: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    """d prod(x)/dx_i = product of the other entries; exact with zeros (no division by 0)."""
    _reject("prod_vjp", where=where)
    return _cast_like(unreduce(g, a, axis, keepdims) * _prod_slopes(a, axis, initial), a, dtype)


def prod_jvp(
    t: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    """sum_i (product of the other entries) * t_i; exact with zeros (no division by 0)."""
    _reject("prod_jvp", where=where)
    tangent = np.sum(t * _prod_slopes(a, axis, initial), axis=axis, keepdims=keepdims)
    return _cast_like(tangent, ans, dtype)


# ---- max and min -------------------------------------------------------------------------------


def _extremum_hits(ans: Any, a: Any, axis: Any, keepdims: bool, where: Any) -> Any:
    """The entries of a that attain the extremum ans of their slice (and are not masked)."""
    hit = np.equal(a, unreduce(ans, a, axis, keepdims))
    if where is not None and where is not True:
        hit = hit & np.broadcast_to(where, np.shape(a))
    return hit


def _extremum_vjp(g: Any, ans: Any, a: Any, axis: Any, keepdims: bool, where: Any) -> Any:
    # The gradient is shared equally by the entries that attain the extremum.
    hit = _extremum_hits(ans, a, axis, keepdims, where)
    share = unreduce(g, a, axis, keepdims) * hit
    count = np.sum(hit, axis=axis, keepdims=True)
    return share / np.maximum(count, 1).astype(np.result_type(share), copy=False)


def _extremum_jvp(t: Any, ans: Any, a: Any, axis: Any, keepdims: bool, where: Any) -> Any:
    # The mean tangent of the entries that attain the extremum (0 if an ``initial`` wins).
    hit = _extremum_hits(ans, a, axis, keepdims, where)
    count = np.maximum(np.sum(hit, axis=axis, keepdims=keepdims), 1)
    return np.sum(t * hit, axis=axis, keepdims=keepdims) / count.astype(np.result_type(ans))


def max_vjp(
    g: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    """The maximal entries share the gradient equally (an ``initial`` that wins gets it all)."""
    return _extremum_vjp(g, ans, a, axis, keepdims, where)


def max_jvp(
    t: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    """The maximal entries' tangents, averaged over ties."""
    return _extremum_jvp(t, ans, a, axis, keepdims, where)


def min_vjp(
    g: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    """The minimal entries share the gradient equally (an ``initial`` that wins gets it all)."""
    return _extremum_vjp(g, ans, a, axis, keepdims, where)


def min_jvp(
    t: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    """The minimal entries' tangents, averaged over ties."""
    return _extremum_jvp(t, ans, a, axis, keepdims, where)


# ---- variance and standard deviation -----------------------------------------------------------


def _centered_scale(a: Any, ans: Any, axis: Any, ddof: Any, correction: Any) -> tuple[Any, Any]:
    # (a - mean(a)) and 1 / (N - ddof), the pieces of d var(a)/da = 2 (a - mean) / (N - ddof).
    ddof = ddof if correction is None else correction
    centered = a - np.mean(a, axis=axis, keepdims=True)
    if np.iscomplexobj(centered):  # var = mean |a - mean|^2 is real: the gradient conjugates
        centered = np.conj(centered)
    return centered, 1.0 / (reduced_count(a, ans) - ddof)


def var_vjp(
    g: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: Any = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    mean: Any = None,
    correction: Any = None,
) -> Any:
    """d var(x)/dx_i = 2 (x_i - mean) / (N - ddof)."""
    _reject("var_vjp", where=where, mean=mean)
    centered, scale = _centered_scale(a, ans, axis, ddof, correction)
    return _cast_like(unreduce(g, a, axis, keepdims) * centered * (2.0 * scale), a, dtype)


def var_jvp(
    t: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: Any = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    mean: Any = None,
    correction: Any = None,
) -> Any:
    """d var(x) = 2 sum((x_i - mean) t_i) / (N - ddof)."""
    _reject("var_jvp", where=where, mean=mean)
    centered, scale = _centered_scale(a, ans, axis, ddof, correction)
    tangent = np.real(np.sum(centered * t, axis=axis, keepdims=keepdims)) * (2.0 * scale)
    return _cast_like(tangent, ans, dtype)


def std_vjp(
    g: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: Any = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    mean: Any = None,
    correction: Any = None,
) -> Any:
    """d std(x)/dx_i = (x_i - mean) / ((N - ddof) std)."""
    _reject("std_vjp", where=where, mean=mean)
    centered, scale = _centered_scale(a, ans, axis, ddof, correction)
    return _cast_like(unreduce(g / ans, a, axis, keepdims) * centered * scale, a, dtype)


def std_jvp(
    t: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: Any = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    mean: Any = None,
    correction: Any = None,
) -> Any:
    """d std(x) = sum((x_i - mean) t_i) / ((N - ddof) std)."""
    _reject("std_jvp", where=where, mean=mean)
    centered, scale = _centered_scale(a, ans, axis, ddof, correction)
    tangent = np.real(np.sum(centered * t, axis=axis, keepdims=keepdims)) * scale / ans
    return _cast_like(tangent, ans, dtype)


# ---- the runtime's own helpers: rules call them, so gradients of gradients meet them -----------


def unbroadcast_to_vjp_g(h: Any, ans: Any, g: Any, target: Any) -> Any:
    """``unbroadcast_to`` sums (or broadcasts) g to target's shape; the adjoint undoes that."""
    if np.shape(g) == np.shape(target):
        return h
    if np.ndim(g) < np.ndim(target):
        return unbroadcast_to(h, g)
    return np.broadcast_to(h, np.shape(g))


def unreduce_vjp_g(
    h: Any, ans: Any, g: Any, x: Any, axis: Any = None, keepdims: bool = False
) -> Any:
    """``unreduce`` expands and broadcasts g; the adjoint sums h back to g's shape."""
    expanded = g
    if not keepdims and axis is not None and np.ndim(x):
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        expanded = np.expand_dims(g, tuple(int(i) % np.ndim(x) for i in axes))
    return np.reshape(unbroadcast_to(h, expanded), np.shape(g))


def broadcast_like_vjp_t(g: Any, ans: Any, t: Any, ans0: Any) -> Any:
    """``broadcast_like`` (what JVP rules call) broadcasts t; the adjoint sums g back to t."""
    return unbroadcast_to(g, t)


unbroadcast_to_jvp_g = linear_jvp(unbroadcast_to, "unbroadcast_to_jvp_g", __name__)
unreduce_jvp_g = linear_jvp(unreduce, "unreduce_jvp_g", __name__)
broadcast_like_jvp_t = linear_jvp(broadcast_like, "broadcast_like_jvp_t", __name__)


_A = ("a",)
defrule(np.sum, vjp=(sum_vjp,), jvp=(sum_jvp,), argnames=_A)
defrule(np.mean, vjp=(mean_vjp,), jvp=(mean_jvp,), argnames=_A)
defrule(np.prod, vjp=(prod_vjp,), jvp=(prod_jvp,), argnames=_A)
defrule(np.max, vjp=(max_vjp,), jvp=(max_jvp,), argnames=_A)
defrule(np.min, vjp=(min_vjp,), jvp=(min_jvp,), argnames=_A)
if np.amax is not np.max:  # distinct function objects in numpy 2.x, same semantics
    defrule(np.amax, vjp=(max_vjp,), jvp=(max_jvp,), argnames=_A)
    defrule(np.amin, vjp=(min_vjp,), jvp=(min_jvp,), argnames=_A)
defrule(np.var, vjp=(var_vjp,), jvp=(var_jvp,), argnames=_A)
defrule(np.std, vjp=(std_vjp,), jvp=(std_jvp,), argnames=_A)
# Rules call these helpers, so a gradient of a gradient differentiates them.
defrule(unbroadcast_to, vjp=(unbroadcast_to_vjp_g, None), jvp=(unbroadcast_to_jvp_g, None),
        argnames=("g", "target"))
defrule(unreduce, vjp=(unreduce_vjp_g, None), jvp=(unreduce_jvp_g, None), argnames=("g", "x"))
defrule(broadcast_like, vjp=(broadcast_like_vjp_t, None), jvp=(broadcast_like_jvp_t, None),
        argnames=("t", "ans"))
# their second argument only lends its shape (and dtype): its values never matter
constant_arguments(unbroadcast_to, "target")
constant_arguments(unreduce, "x")
constant_arguments(broadcast_like, "ans")

for _name in ("sum", "mean", "prod", "max", "min", "var", "std"):
    alias_method(_name, getattr(np, _name))

__all__ = [
    "broadcast_like_jvp_t",
    "broadcast_like_vjp_t",
    "max_jvp",
    "max_vjp",
    "mean_jvp",
    "mean_vjp",
    "min_jvp",
    "min_vjp",
    "prod_jvp",
    "prod_vjp",
    "std_jvp",
    "std_vjp",
    "sum_jvp",
    "sum_vjp",
    "unbroadcast_to_jvp_g",
    "unbroadcast_to_vjp_g",
    "unreduce_jvp_g",
    "unreduce_vjp_g",
    "var_jvp",
    "var_vjp",
]
