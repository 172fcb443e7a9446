"""Forward-mode (JVP) rules of the primitives of ``rules_reduce``: reductions, repeats, tiles and
fills, and the runtime helpers ``unbroadcast_to``/``unreduce``/``broadcast_like``.

A reduction's tangent is the same reduction of ``t`` weighted by the slopes of the entries: a
plain ``sum``/``mean``/``cumsum`` of ``t``; for ``prod`` the product of the other entries (exact
with zeros); for ``max``/``min`` the mean of ``t`` over the entries that attain the extremum
(ties share it, as in the VJP). The dtype follows the output (``dtype=`` included).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, reduced_count, unbroadcast_to, unreduce
from .registry import defjvp
from .rules_reduce import _cast_like, _extremum_hits, _prod_slopes, _reject, _resolve_ddof


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


def mean_jvp(
    t: Any,
    ans: Any,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    *,
    where: Any = True,
) -> Any:
    """The mean of the tangents."""
    return np.mean(t, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


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


def _extremum_jvp(t: Any, ans: Any, a: Any, axis: Any, keepdims: bool, where: Any) -> Any:
    # The mean tangent of the entries that attain the extremum (0 if an ``initial`` wins).
    hit = _extremum_hits(ans, a, axis, keepdims, where)
    count = np.maximum(np.sum(hit, axis=axis, keepdims=keepdims), 1)
    return np.sum(t * hit, axis=axis, keepdims=keepdims) / count.astype(np.result_type(ans))


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
    scale = 2.0 / (reduced_count(a, ans) - _resolve_ddof(ddof, correction))
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return _cast_like(np.sum(centered * t, axis=axis, keepdims=keepdims) * scale, ans, dtype)


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
    scale = 1.0 / (reduced_count(a, ans) - _resolve_ddof(ddof, correction))
    centered = a - np.mean(a, axis=axis, keepdims=True)
    tangent = np.sum(centered * t, axis=axis, keepdims=keepdims) * scale / ans
    return _cast_like(tangent, ans, dtype)


def cumsum_jvp(
    t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None
) -> Any:
    """The cumulative sum of the tangents."""
    return np.cumsum(t, axis=axis, dtype=dtype)


# ---- repeats, tiles and fills -------------------------------------------------------------------


def repeat_jvp(t: Any, ans: Any, a: Any, repeats: Any, axis: Any = None) -> Any:
    return np.repeat(t, repeats, axis)


def tile_jvp(t: Any, ans: Any, A: Any, reps: Any) -> Any:
    return np.tile(t, reps)


def _fill_tangent(t: Any, ans: Any) -> Any:
    # The fill value's tangent in every entry, in the output's float dtype.
    dtype = np.result_type(ans)
    if np.issubdtype(dtype, np.inexact):
        t = np.asarray(t, dtype=dtype)
    return broadcast_like(t, ans)


def full_like_jvp_fill_value(
    t: Any,
    ans: Any,
    a: Any,
    fill_value: Any,
    dtype: Any = None,
    order: str = "K",
    subok: bool = True,
    shape: Any = None,
    *,
    device: Any = None,
) -> Any:
    """Every entry is the fill value: the tangent broadcast to the output."""
    return _fill_tangent(t, ans)


def full_jvp_fill_value(
    t: Any,
    ans: Any,
    shape: Any,
    fill_value: Any,
    dtype: Any = None,
    order: str = "C",
    *,
    device: Any = None,
    like: Any = None,
) -> Any:
    """Every entry is the fill value: the tangent broadcast to the output."""
    return _fill_tangent(t, ans)


# ---- the runtime's own helpers: all linear in their first argument -----------------------------


def unbroadcast_to_jvp_g(t: Any, ans: Any, g: Any, target: Any) -> Any:
    return unbroadcast_to(t, target)


def unreduce_jvp_g(
    t: Any, ans: Any, g: Any, x: Any, axis: Any = None, keepdims: bool = False
) -> Any:
    return unreduce(t, x, axis, keepdims)


def broadcast_like_jvp_t(s: Any, ans: Any, t: Any, ans0: Any) -> Any:
    return broadcast_like(s, ans0)


_AXIS_REDUCTIONS = ("a",)

defjvp(np.sum, sum_jvp, argnames=_AXIS_REDUCTIONS)
defjvp(np.mean, mean_jvp, argnames=_AXIS_REDUCTIONS)
defjvp(np.prod, prod_jvp, argnames=_AXIS_REDUCTIONS)
defjvp(np.max, max_jvp, argnames=_AXIS_REDUCTIONS)
defjvp(np.min, min_jvp, argnames=_AXIS_REDUCTIONS)
if np.amax is not np.max:  # distinct function objects in numpy 2.x, same semantics
    defjvp(np.amax, max_jvp, argnames=_AXIS_REDUCTIONS)
    defjvp(np.amin, min_jvp, argnames=_AXIS_REDUCTIONS)
defjvp(np.var, var_jvp, argnames=_AXIS_REDUCTIONS)
defjvp(np.std, std_jvp, argnames=_AXIS_REDUCTIONS)
defjvp(np.cumsum, cumsum_jvp, argnames=_AXIS_REDUCTIONS)
defjvp(np.repeat, repeat_jvp, argnames=("a",))
defjvp(np.tile, tile_jvp, argnames=("A",))
defjvp(np.full_like, None, full_like_jvp_fill_value, argnames=("a", "fill_value"))
defjvp(np.full, None, full_jvp_fill_value, argnames=("shape", "fill_value"))
defjvp(unbroadcast_to, unbroadcast_to_jvp_g, None, argnames=("g", "target"))
defjvp(unreduce, unreduce_jvp_g, None, argnames=("g", "x"))
defjvp(broadcast_like, broadcast_like_jvp_t, None, argnames=("t", "ans"))

__all__ = [
    "broadcast_like_jvp_t",
    "cumsum_jvp",
    "full_jvp_fill_value",
    "full_like_jvp_fill_value",
    "max_jvp",
    "mean_jvp",
    "min_jvp",
    "prod_jvp",
    "repeat_jvp",
    "std_jvp",
    "sum_jvp",
    "tile_jvp",
    "unbroadcast_to_jvp_g",
    "unreduce_jvp_g",
    "var_jvp",
]
