"""Gradient rules of functions that copy entries into a new array: ``repeat``, ``tile``, ``pad``,
``select``, ``full``/``full_like`` (w.r.t. the fill value) and the identity-like conversions
(``asarray``, ``array``, ``copy``, ...). Each function's VJP and JVP side by side, registered
together with ``defrule``.

All are linear in the differentiated argument; an adjoint sums g over the copies of each entry.
``pad`` with a mode that copies entries (constant, edge, reflect, symmetric, wrap) finds where
each output entry came from by padding the entries' flat positions the same way; the modes that
compute new values (statistics, ramps, ``reflect_type='odd'``) raise NotImplementedError.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, unbroadcast_to
from .linear import linear_jvp
from .registry import alias_method, constant_arguments, defrule
from .rules_index import positions, take_vjp

# ---- repeats and tiles -------------------------------------------------------------------------


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


def _tile_layout(shape: tuple[int, ...], reps: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    # (interleaved, summed axes): g reshaped to (reps_0, shape_0, reps_1, shape_1, ...) with
    # both padded with ones to the same length, and the axes of the tile counts.
    reps = tuple(int(r) for r in np.ravel(reps))
    ndim = max(len(reps), len(shape))
    shape_p = (1,) * (ndim - len(shape)) + tuple(shape)
    reps_p = (1,) * (ndim - len(reps)) + reps
    interleaved = []
    for count, size in zip(reps_p, shape_p, strict=True):
        interleaved.extend((count, size))
    return tuple(interleaved), tuple(range(0, 2 * ndim, 2))


def tile_vjp(g: Any, ans: Any, A: Any, reps: Any) -> Any:
    """Sum g over the tiles."""
    interleaved, tile_axes = _tile_layout(np.shape(A), reps)
    return np.reshape(np.sum(np.reshape(g, interleaved), axis=tile_axes), np.shape(A))


repeat_jvp = linear_jvp(np.repeat, "repeat_jvp", __name__)
tile_jvp = linear_jvp(np.tile, "tile_jvp", __name__)


# ---- padding -----------------------------------------------------------------------------------

_COPYING_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _pad_sources(array: Any, pad_width: Any, mode: Any, reflect_type: str, rule: str) -> Any:
    # The flat position in ``array`` of every output entry (-1 for a constant entry).
    if not isinstance(mode, str) or mode not in _COPYING_MODES:
        raise NotImplementedError(f"{rule}: np.pad mode {mode!r} is not supported (supported: "
                                  f"{', '.join(_COPYING_MODES)})")
    if reflect_type != "even":
        raise NotImplementedError(f"{rule}: np.pad reflect_type='odd' is not supported")
    if mode == "constant":
        return np.pad(positions(array), pad_width, "constant", constant_values=-1)
    return np.pad(positions(array), pad_width, mode)


def pad_vjp(g: Any, ans: Any, array: Any, pad_width: Any, mode: Any = "constant", *,
            stat_length: Any = None, constant_values: Any = 0, end_values: Any = 0,
            reflect_type: str = "even") -> Any:
    """g added back onto the entries each output entry copies (constant entries: nowhere)."""
    sources = _pad_sources(array, pad_width, mode, reflect_type, "pad_vjp")
    return take_vjp(np.where(sources >= 0, g, 0.0), None, array, np.maximum(sources, 0))


def pad_jvp(t: Any, ans: Any, array: Any, pad_width: Any, mode: Any = "constant", *,
            stat_length: Any = None, constant_values: Any = 0, end_values: Any = 0,
            reflect_type: str = "even") -> Any:
    """The tangent padded the same way (constant entries have tangent 0)."""
    _pad_sources(array, pad_width, mode, reflect_type, "pad_jvp")
    return np.pad(t, pad_width, mode)


# ---- select ------------------------------------------------------------------------------------


def _first_true(condlist: Any) -> list[Any]:
    # For each condition, where it is the first true one (what np.select picks).
    taken = np.zeros(np.broadcast_shapes(*(np.shape(c) for c in condlist)), dtype=bool)
    chosen = []
    for i in range(len(condlist)):
        cond = np.asarray(condlist[i], dtype=bool)
        chosen.append(cond & ~taken)
        taken = taken | cond
    return chosen


def select_vjp_choicelist(g: Any, ans: Any, condlist: Any, choicelist: Any,
                          default: Any = 0) -> Any:
    """Each choice gets g where its condition is the first true one."""
    chosen = _first_true(condlist)
    partials = []
    for i in range(len(choicelist)):
        partials.append(unbroadcast_to(np.where(chosen[i], g, 0.0), choicelist[i]))
    return partials


def select_jvp_choicelist(t: Any, ans: Any, condlist: Any, choicelist: Any,
                          default: Any = 0) -> Any:
    """The tangent of the chosen choice."""
    return broadcast_like(np.select(condlist, t, 0.0), ans)


def select_vjp_default(g: Any, ans: Any, condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """The default gets g where no condition holds."""
    none = ~np.any(np.broadcast_arrays(*condlist), axis=0)
    return unbroadcast_to(np.where(none, g, 0.0), default)


def select_jvp_default(t: Any, ans: Any, condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """The default's tangent where no condition holds."""
    none = ~np.any(np.broadcast_arrays(*condlist), axis=0)
    return broadcast_like(np.where(none, t, np.zeros_like(t)), ans)


# ---- fills and identity-like conversions -------------------------------------------------------


def _fill_tangent(t: Any, ans: Any) -> Any:
    # The fill value's tangent in every entry, in the output's float dtype.
    dtype = np.result_type(ans)
    if np.issubdtype(dtype, np.inexact):
        t = np.asarray(t, dtype=dtype)
    return broadcast_like(t, ans)


def full_like_vjp_fill_value(g: Any, ans: Any, a: Any, fill_value: Any, dtype: Any = None,
                             order: str = "K", subok: bool = True, shape: Any = None, *,
                             device: Any = None) -> Any:
    """Every entry is the fill value: it gets the sum of g (reduced to its shape)."""
    return unbroadcast_to(g, fill_value)


def full_like_jvp_fill_value(t: Any, ans: Any, a: Any, fill_value: Any, dtype: Any = None,
                             order: str = "K", subok: bool = True, shape: Any = None, *,
                             device: Any = None) -> Any:
    """Every entry is the fill value: the tangent broadcast to the output."""
    return _fill_tangent(t, ans)


def full_vjp_fill_value(g: Any, ans: Any, shape: Any, fill_value: Any, dtype: Any = None,
                        order: str = "C", *, device: Any = None, like: Any = None) -> Any:
    """Every entry is the fill value: it gets the sum of g (reduced to its shape)."""
    return unbroadcast_to(g, fill_value)


def full_jvp_fill_value(t: Any, ans: Any, shape: Any, fill_value: Any, dtype: Any = None,
                        order: str = "C", *, device: Any = None, like: Any = None) -> Any:
    """Every entry is the fill value: the tangent broadcast to the output."""
    return _fill_tangent(t, ans)


def structure_like(g: Any, a: Any) -> Any:
    """g with a's structure (lists/tuples of items become lists/tuples), shape and dtype: the
    partial of a value ``a`` that ``np.array``-like conversions turned into g's array."""
    if isinstance(a, (tuple, list)):
        g = np.reshape(g, np.shape(a))
        return type(a)(structure_like(g[i], item) for i, item in enumerate(a))
    if isinstance(a, (float, int)):
        return g
    if np.shape(g) != np.shape(a):
        g = np.reshape(g, np.shape(a))
    return np.asarray(g, dtype=np.result_type(a))


def structure_like_vjp_g(h: Any, ans: Any, g: Any, a: Any) -> Any:
    """``structure_like`` only rearranges g's entries: h (a's structure) back as g's array."""
    return np.reshape(np.asarray(h, dtype=np.result_type(g)), np.shape(g))


structure_like_jvp_g = linear_jvp(structure_like, "structure_like_jvp_g", __name__)


def _tangent_like(t: Any, ans: Any) -> Any:
    # t (an array, or a nested list/tuple of tangents) as an array of ans's shape and dtype.
    t = np.asarray(t, dtype=np.result_type(ans))
    return t if t.shape == np.shape(ans) else np.reshape(t, np.shape(ans))


def asarray_vjp(g: Any, ans: Any, a: Any, dtype: Any = None, order: Any = None, *,
                device: Any = None, copy: Any = None, like: Any = None) -> Any:
    """``np.asarray`` is the identity on values (a list argument gets a list of partials)."""
    return structure_like(g, a)


def asarray_jvp(t: Any, ans: Any, a: Any, dtype: Any = None, order: Any = None, *,
                device: Any = None, copy: Any = None, like: Any = None) -> Any:
    """``np.asarray`` is the identity on values (a list argument has a list of tangents)."""
    return _tangent_like(t, ans)


def array_vjp(g: Any, ans: Any, a: Any, dtype: Any = None, *, copy: Any = True,
              order: str = "K", subok: bool = False, ndmin: int = 0, ndmax: int = 0,
              like: Any = None) -> Any:
    """``np.array`` is the identity on values (a list argument gets a list of partials)."""
    return structure_like(g, a)


def array_jvp(t: Any, ans: Any, a: Any, dtype: Any = None, *, copy: Any = True,
              order: str = "K", subok: bool = False, ndmin: int = 0, ndmax: int = 0,
              like: Any = None) -> Any:
    """``np.array`` is the identity on values (a list argument has a list of tangents)."""
    return _tangent_like(t, ans)


def ascontiguousarray_vjp(g: Any, ans: Any, a: Any, dtype: Any = None, *, like: Any = None) -> Any:
    """``np.ascontiguousarray`` is the identity on values."""
    return structure_like(g, a)


def ascontiguousarray_jvp(t: Any, ans: Any, a: Any, dtype: Any = None, *, like: Any = None) -> Any:
    """``np.ascontiguousarray`` is the identity on values."""
    return _tangent_like(t, ans)


def copy_vjp(g: Any, ans: Any, a: Any, order: str = "K", subok: bool = False) -> Any:
    """``np.copy`` / ``x.copy()`` is the identity on values."""
    return g


def copy_jvp(t: Any, ans: Any, a: Any, order: str = "K", subok: bool = False) -> Any:
    """``np.copy`` / ``x.copy()`` is the identity on values."""
    return _tangent_like(t, ans)


defrule(np.repeat, vjp=(repeat_vjp,), jvp=(repeat_jvp,), argnames=("a",))
defrule(np.tile, vjp=(tile_vjp,), jvp=(tile_jvp,), argnames=("A",))
defrule(np.pad, vjp=(pad_vjp, None), jvp=(pad_jvp, None), argnames=("array", "pad_width"))
defrule(np.select, vjp=(None, select_vjp_choicelist, select_vjp_default),
        jvp=(None, select_jvp_choicelist, select_jvp_default),
        argnames=("condlist", "choicelist", "default"))
defrule(np.full_like, vjp=(None, full_like_vjp_fill_value), jvp=(None, full_like_jvp_fill_value),
        argnames=("a", "fill_value"))
constant_arguments(np.full_like, "a")  # a lends its shape and dtype only
defrule(np.full, vjp=(None, full_vjp_fill_value), jvp=(None, full_jvp_fill_value),
        argnames=("shape", "fill_value"))
defrule(np.asarray, vjp=(asarray_vjp,), jvp=(asarray_jvp,), argnames=("a",))
defrule(np.array, vjp=(array_vjp,), jvp=(array_jvp,), argnames=("object",))
defrule(np.ascontiguousarray, vjp=(ascontiguousarray_vjp,), jvp=(ascontiguousarray_jvp,),
        argnames=("a",))
defrule(np.copy, vjp=(copy_vjp,), jvp=(copy_jvp,), argnames=("a",))
# The conversions' rules call this helper, so a gradient of a gradient differentiates it; its
# second argument lends only its structure, shape and dtype.
defrule(structure_like, vjp=(structure_like_vjp_g, None), jvp=(structure_like_jvp_g, None),
        argnames=("g", "a"))
constant_arguments(structure_like, "a")
for _name in ("repeat", "copy"):
    alias_method(_name, getattr(np, _name))

__all__ = [
    "array_jvp", "array_vjp", "asarray_jvp", "asarray_vjp", "ascontiguousarray_jvp",
    "ascontiguousarray_vjp", "copy_jvp", "copy_vjp", "full_jvp_fill_value",
    "full_like_jvp_fill_value", "full_like_vjp_fill_value", "full_vjp_fill_value", "pad_jvp",
    "pad_vjp", "repeat_jvp", "repeat_vjp", "select_jvp_choicelist", "select_jvp_default",
    "select_vjp_choicelist", "select_vjp_default", "structure_like", "structure_like_jvp_g",
    "structure_like_vjp_g", "tile_jvp", "tile_vjp",
]
