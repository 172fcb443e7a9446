"""Gradient rules of reductions (sum, mean, prod, max/min, var/std, cumsum), of the functions
whose adjoint is a sum (``repeat``, ``tile``, ``full``, ``full_like``) and of the runtime helpers
``unbroadcast_to``/``unreduce``/``broadcast_like``.

Each rule restores the reduced axes with ``unreduce`` (any ``axis``: None, int, negative, tuple;
``keepdims`` either way). Ties of ``max``/``min`` share the gradient equally. ``prod`` is exact
even with zeros in the input (no division by zero: the product of the *other* entries is built
from the product of the non-zero entries and a count of zeros). ``std`` at a constant slice
divides by zero (NaN), as the derivative does not exist there.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, reduced_count, unbroadcast_to, unreduce
from .registry import alias_method, defvjp
from .rules_shape import take_vjp


def _cast_like(partial: Any, a: Any, dtype: Any) -> Any:
    # A reduction computed in another dtype (``np.sum(x32, dtype=np.float64)``) hands back a
    # partial in the argument's dtype.
    if dtype is None:
        return partial
    return np.asarray(partial, dtype=np.result_type(a))


def _reject(rule: str, **params: Any) -> None:
    given = sorted(
        name for name, value in params.items() if value is not None and value is not True
    )
    if given:
        raise NotImplementedError(f"{rule}: the parameter(s) {', '.join(given)} are not supported")


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


def _resolve_ddof(ddof: Any, correction: Any) -> Any:
    return ddof if correction is None else correction


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
    scale = 2.0 / (reduced_count(a, ans) - _resolve_ddof(ddof, correction))
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return _cast_like(unreduce(g, a, axis, keepdims) * centered * scale, a, dtype)


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
    scale = 1.0 / (reduced_count(a, ans) - _resolve_ddof(ddof, correction))
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return _cast_like(unreduce(g / ans, a, axis, keepdims) * centered * scale, a, dtype)


def cumsum_vjp(
    g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None
) -> Any:
    """Each entry feeds every later partial sum: a reversed cumulative sum of g."""
    if axis is None:
        flat = np.flip(np.cumsum(np.flip(g)))
        return _cast_like(np.reshape(flat, np.shape(a)), a, dtype)
    return _cast_like(np.flip(np.cumsum(np.flip(g, axis), axis), axis), a, dtype)


# ---- repeats, tiles and fills: their adjoints are sums ----------------------------------------


def repeat_vjp(g: Any, ans: Any, a: Any, repeats: Any, axis: Any = None) -> Any:
    """Sum g over the copies of each entry."""
    shape, flat = np.shape(a), axis is None
    axis = 0 if flat else int(axis) % len(shape)
    size = np.size(a) if flat else shape[axis]
    if np.size(repeats) != 1:
        # repeat(a, repeats, axis) == take(a, owners, axis), owners[j] = source of output j.
        owners = np.repeat(np.arange(size), repeats)
        return take_vjp(g, ans, a, owners, None if flat else axis)
    copies = int(np.ravel(repeats)[0])
    split = (*np.shape(g)[:axis], size, copies, *np.shape(g)[axis + 1 :])
    return np.reshape(np.sum(np.reshape(g, split), axis=axis + 1), shape)


def tile_vjp(g: Any, ans: Any, A: Any, reps: Any) -> Any:
    """Sum g over the tiles."""
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    shape = np.shape(A)
    ndim = max(len(reps), len(shape))
    shape_p = (1,) * (ndim - len(shape)) + shape
    reps_p = (1,) * (ndim - len(reps)) + reps
    interleaved = tuple(n for pair in zip(reps_p, shape_p, strict=True) for n in pair)
    summed = np.sum(np.reshape(g, interleaved), axis=tuple(range(0, 2 * ndim, 2)))
    return np.reshape(summed, shape)


def full_like_vjp_fill_value(
    g: Any,
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
    """Every entry is the fill value: it gets the sum of g (reduced to its shape)."""
    return unbroadcast_to(g, fill_value)


def full_vjp_fill_value(
    g: Any,
    ans: Any,
    shape: Any,
    fill_value: Any,
    dtype: Any = None,
    order: str = "C",
    *,
    device: Any = None,
    like: Any = None,
) -> Any:
    """Every entry is the fill value: it gets the sum of g (reduced to its shape)."""
    return unbroadcast_to(g, fill_value)


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


_AXIS_REDUCTIONS = ("a",)

defvjp(np.sum, sum_vjp, argnames=_AXIS_REDUCTIONS)
defvjp(np.mean, mean_vjp, argnames=_AXIS_REDUCTIONS)
defvjp(np.prod, prod_vjp, argnames=_AXIS_REDUCTIONS)
defvjp(np.max, max_vjp, argnames=_AXIS_REDUCTIONS)
defvjp(np.min, min_vjp, argnames=_AXIS_REDUCTIONS)
if np.amax is not np.max:  # distinct function objects in numpy 2.x, same semantics
    defvjp(np.amax, max_vjp, argnames=_AXIS_REDUCTIONS)
    defvjp(np.amin, min_vjp, argnames=_AXIS_REDUCTIONS)
defvjp(np.var, var_vjp, argnames=_AXIS_REDUCTIONS)
defvjp(np.std, std_vjp, argnames=_AXIS_REDUCTIONS)
defvjp(np.cumsum, cumsum_vjp, argnames=_AXIS_REDUCTIONS)
defvjp(np.repeat, repeat_vjp, argnames=("a",))
defvjp(np.tile, tile_vjp, argnames=("A",))
defvjp(np.full_like, None, full_like_vjp_fill_value, argnames=("a", "fill_value"))
defvjp(np.full, None, full_vjp_fill_value, argnames=("shape", "fill_value"))
# Rules call these helpers, so a gradient of a gradient differentiates them.
defvjp(unbroadcast_to, unbroadcast_to_vjp_g, None, argnames=("g", "target"))
defvjp(unreduce, unreduce_vjp_g, None, argnames=("g", "x"))
defvjp(broadcast_like, broadcast_like_vjp_t, None, argnames=("t", "ans"))

for _name in ("sum", "mean", "prod", "max", "min", "var", "std", "cumsum", "repeat"):
    alias_method(_name, getattr(np, _name))

__all__ = [
    "broadcast_like_vjp_t",
    "cumsum_vjp",
    "full_like_vjp_fill_value",
    "full_vjp_fill_value",
    "max_vjp",
    "mean_vjp",
    "min_vjp",
    "prod_vjp",
    "repeat_vjp",
    "std_vjp",
    "sum_vjp",
    "tile_vjp",
    "unbroadcast_to_vjp_g",
    "unreduce_vjp_g",
    "var_vjp",
]
