"""Gradient rules that move entries without changing them: reshapes, transposes, joins and
splits, indexing and identity-like conversions.

``getitem_vjp`` and ``take_vjp`` scatter into a fresh local zeros array (the one place a rule
mutates); since source transformation cannot differentiate that, both are registered as
primitives themselves (their adjoint is a read at the same index), so gradients of gradients work.
Rules for sequence arguments (``concatenate``, ``stack``, ...) return a tuple with one partial per
item.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .accumulate import zeros_like
from .broadcast import inverse_permutation, unbroadcast_to
from .registry import alias_method, defvjp, defvjp_attribute, defvjp_method

# ---- reshapes and transposes --------------------------------------------------------------------


def _ravel_order(x: Any, order: str) -> str:
    # 'A' and 'K' read Fortran-ordered arrays in Fortran order.
    if order in ("A", "K"):
        return "F" if isinstance(x, np.ndarray) and np.isfortran(x) else "C"
    return order


def reshape_vjp(
    g: Any,
    ans: Any,
    a: Any,
    shape: Any = None,
    order: str = "C",
    *,
    newshape: Any = None,
    copy: Any = None,
) -> Any:
    """Reshape g back to a's shape (in the same index order)."""
    return np.reshape(g, np.shape(a), order=order)


def reshape_method_vjp(
    g: Any, ans: Any, x: Any, *shape: Any, order: str = "C", copy: Any = None
) -> Any:
    """``x.reshape(*shape)``: reshape g back to x's shape."""
    return np.reshape(g, np.shape(x), order=order)


def ravel_vjp(g: Any, ans: Any, a: Any, order: str = "C") -> Any:
    """Reshape the flat g back to a's shape."""
    return np.reshape(g, np.shape(a), order=_ravel_order(a, order))


def flatten_method_vjp(g: Any, ans: Any, x: Any, order: str = "C") -> Any:
    """``x.flatten()``: reshape the flat g back to x's shape."""
    return np.reshape(g, np.shape(x), order=_ravel_order(x, order))


def expand_dims_vjp(g: Any, ans: Any, a: Any, axis: Any) -> Any:
    """Drop the inserted axes again."""
    return np.reshape(g, np.shape(a))


def squeeze_vjp(g: Any, ans: Any, a: Any, axis: Any = None) -> Any:
    """Restore the squeezed length-1 axes."""
    return np.reshape(g, np.shape(a))


def _transpose_back(g: Any, ndim: int, axes: Any) -> Any:
    if axes is None or len(axes) == 0:
        return np.transpose(g)
    return np.transpose(g, inverse_permutation([int(i) % ndim for i in axes]))


def transpose_vjp(g: Any, ans: Any, a: Any, axes: Any = None) -> Any:
    """Apply the inverse permutation to g."""
    return _transpose_back(g, np.ndim(a), axes)


def transpose_method_vjp(g: Any, ans: Any, x: Any, *axes: Any) -> Any:
    """``x.transpose()``, ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``: inverse permutation."""
    if len(axes) == 1 and (axes[0] is None or np.ndim(axes[0]) == 1):
        axes = axes[0]
    return _transpose_back(g, np.ndim(x), axes)


def transpose_attribute_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``x.T`` reverses the axes; so does its adjoint."""
    return np.transpose(g)


def swapaxes_vjp(g: Any, ans: Any, a: Any, axis1: int, axis2: int) -> Any:
    """Swap the same two axes back."""
    return np.swapaxes(g, axis1, axis2)


def moveaxis_vjp(g: Any, ans: Any, a: Any, source: Any, destination: Any) -> Any:
    """Move the axes back from ``destination`` to ``source``."""
    return np.moveaxis(g, destination, source)


def broadcast_to_vjp(g: Any, ans: Any, array: Any, shape: Any, subok: bool = False) -> Any:
    """Sum g over the broadcast axes."""
    return unbroadcast_to(g, array)


def flip_vjp(g: Any, ans: Any, m: Any, axis: Any = None) -> Any:
    """Flip g back along the same axes."""
    return np.flip(g, axis)


def roll_vjp(g: Any, ans: Any, a: Any, shift: Any, axis: Any = None) -> Any:
    """Roll g back by the opposite shift."""
    return np.roll(g, np.negative(shift), axis)


def astype_method_vjp(
    g: Any,
    ans: Any,
    x: Any,
    dtype: Any,
    order: str = "K",
    casting: str = "unsafe",
    subok: bool = True,
    copy: bool = True,
) -> Any:
    """``x.astype(dtype)`` changes no value: cast g back to x's dtype."""
    return np.asarray(g, dtype=np.result_type(x))


# ---- joins and splits ----------------------------------------------------------------------------


def _split(g: Any, sizes: list[int], axis: int) -> list[Any]:
    # Consecutive slices of g along ``axis`` with the given sizes (np.split has a rule too).
    return np.split(g, np.cumsum(sizes[:-1]), axis=axis)


def concatenate_vjp(
    g: Any,
    ans: Any,
    arrays: Any,
    axis: Any = 0,
    out: Any = None,
    *,
    dtype: Any = None,
    casting: str = "same_kind",
) -> Any:
    """One slice of g per joined array (``axis=None`` joins the flattened arrays)."""
    if axis is None:
        parts = _split(g, [np.size(x) for x in arrays], 0)
        return tuple(np.reshape(p, np.shape(x)) for p, x in zip(parts, arrays, strict=True))
    axis = int(axis) % np.ndim(arrays[0])
    return tuple(_split(g, [np.shape(x)[axis] for x in arrays], axis))


def stack_vjp(
    g: Any,
    ans: Any,
    arrays: Any,
    axis: int = 0,
    out: Any = None,
    *,
    dtype: Any = None,
    casting: str = "same_kind",
) -> Any:
    """Entry i of g along the new axis is the partial of array i."""
    axis = int(axis) % (np.ndim(arrays[0]) + 1)
    return tuple(np.take(g, i, axis=axis) for i in range(len(arrays)))


def hstack_vjp(g: Any, ans: Any, tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """Split g like ``concatenate`` along axis 1 (axis 0 for 1-D items)."""
    shapes = [np.shape(x) if np.ndim(x) else (1,) for x in tup]
    axis = 0 if len(shapes[0]) == 1 else 1
    parts = _split(g, [shape[axis] for shape in shapes], axis)
    return tuple(np.reshape(p, np.shape(x)) for p, x in zip(parts, tup, strict=True))


def vstack_vjp(g: Any, ans: Any, tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """Split g along axis 0 (1-D items were rows)."""
    sizes = [np.shape(x)[0] if np.ndim(x) >= 2 else 1 for x in tup]
    parts = _split(g, sizes, 0)
    return tuple(np.reshape(p, np.shape(x)) for p, x in zip(parts, tup, strict=True))


def split_vjp(g: Any, ans: Any, ary: Any, indices_or_sections: Any, axis: int = 0) -> Any:
    """``np.split``/``np.array_split`` cut ary into pieces; the adjoint joins their adjoints."""
    return np.concatenate(g, axis=axis)


# ---- indexing -----------------------------------------------------------------------------------

_BASIC_INDEX = (int, np.integer, np.bool_, slice, type(None), type(Ellipsis))


def _never_repeats(index: Any) -> bool:
    # Basic indices and boolean masks select each entry at most once, so plain assignment
    # scatters correctly; integer arrays may repeat entries and need np.add.at.
    items = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(i, _BASIC_INDEX) or (isinstance(i, np.ndarray) and i.dtype == bool)
        for i in items
    )


def _sequence_getitem_vjp(g: Any, seq: Any, index: Any) -> Any:
    if isinstance(index, slice):
        grads = dict(zip(range(len(seq))[index], g, strict=True))
    else:
        grads = {operator.index(index) % len(seq): g}
    items = [grads[i] if i in grads else zeros_like(x) for i, x in enumerate(seq)]
    return tuple(items) if hasattr(seq, "_fields") else type(seq)(items)  # namedtuple: a tuple


def getitem_vjp(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``a[b]``: g scattered into zeros like a; repeated fancy indices accumulate.

    For a tuple, list or dict ``a``: the same kind of container, with g at the index (key) and
    zeros elsewhere.
    """
    if isinstance(a, (tuple, list)):
        return _sequence_getitem_vjp(g, a, b)
    if isinstance(a, dict):
        return {key: g if key == b else zeros_like(value) for key, value in a.items()}
    result = np.zeros(np.shape(a), dtype=np.result_type(a, g))
    if _never_repeats(b):
        result[b] = g
    else:
        np.add.at(result, b, g)
    return result


def scatter(g: Any, shape: tuple[int, ...], index: Any) -> Any:
    """Zeros of ``shape`` with ``g`` at the basic ``index`` (ints, slices): ``getitem_vjp`` for
    an array whose shape shape-specialized code knows, so the array itself need not be kept."""
    result = np.zeros(shape, dtype=np.result_type(g))
    result[index] = g
    return result


def scatter_vjp_g(h: Any, ans: Any, g: Any, shape: Any, index: Any) -> Any:
    """``scatter`` is linear in g; its adjoint reads h at the same index."""
    return h[index]


def getitem_vjp_vjp_g(h: Any, ans: Any, g: Any, ans0: Any, a: Any, b: Any) -> Any:
    """``getitem_vjp`` is linear in g; its adjoint reads h at the same index."""
    return h[b]


def _take_index(a: Any, indices: Any, axis: Any, mode: str) -> tuple[Any, ...]:
    # The np.add.at index of the entries ``np.take`` read, with negative or wrapped indices
    # made explicit (the forward call already validated them).
    size = np.size(a) if axis is None else np.shape(a)[axis]
    indices = np.clip(indices, 0, size - 1) if mode == "clip" else np.mod(indices, size)
    if axis is None:
        return np.unravel_index(indices, np.shape(a))
    return (slice(None),) * (int(axis) % np.ndim(a)) + (indices,)


def take_vjp(
    g: Any, ans: Any, a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise"
) -> Any:
    """g scattered into zeros like a at the taken entries; repeated indices accumulate."""
    result = np.zeros(np.shape(a), dtype=np.result_type(a, g))
    np.add.at(result, _take_index(a, indices, axis, mode), g)
    return result


def take_vjp_vjp_g(
    h: Any,
    ans: Any,
    g: Any,
    ans0: Any,
    a: Any,
    indices: Any,
    axis: Any = None,
    out: Any = None,
    mode: str = "raise",
) -> Any:
    """``take_vjp`` is linear in g; its adjoint takes h at the same indices."""
    return np.take(h, indices, axis=axis, mode=mode)


# ---- identity-like conversions ---------------------------------------------------------------


def _like(g: Any, a: Any) -> Any:
    # g with a's structure (lists/tuples of items become lists/tuples), shape and dtype.
    if isinstance(a, (tuple, list)):
        g = np.reshape(g, np.shape(a))
        return type(a)(_like(g[i], item) for i, item in enumerate(a))
    if isinstance(a, (float, int)):
        return g
    if np.shape(g) != np.shape(a):
        g = np.reshape(g, np.shape(a))
    return np.asarray(g, dtype=np.result_type(a))


def asarray_vjp(
    g: Any,
    ans: Any,
    a: Any,
    dtype: Any = None,
    order: Any = None,
    *,
    device: Any = None,
    copy: Any = None,
    like: Any = None,
) -> Any:
    """``np.asarray`` is the identity on values (a list argument gets a list of partials)."""
    return _like(g, a)


def array_vjp(
    g: Any,
    ans: Any,
    a: Any,
    dtype: Any = None,
    *,
    copy: Any = True,
    order: str = "K",
    subok: bool = False,
    ndmin: int = 0,
    ndmax: int = 0,
    like: Any = None,
) -> Any:
    """``np.array`` is the identity on values (a list argument gets a list of partials)."""
    return _like(g, a)


def ascontiguousarray_vjp(g: Any, ans: Any, a: Any, dtype: Any = None, *, like: Any = None) -> Any:
    """``np.ascontiguousarray`` is the identity on values."""
    return _like(g, a)


def copy_vjp(g: Any, ans: Any, a: Any, order: str = "K", subok: bool = False) -> Any:
    """``np.copy`` / ``x.copy()`` is the identity on values."""
    return g


defvjp(np.reshape, reshape_vjp, argnames=("a",))
defvjp_method("reshape", reshape_method_vjp, argnames=("self",))
defvjp(np.ravel, ravel_vjp, argnames=("a",))
defvjp_method("flatten", flatten_method_vjp, argnames=("self",))
defvjp(np.expand_dims, expand_dims_vjp, argnames=("a",))
defvjp(np.squeeze, squeeze_vjp, argnames=("a",))
defvjp(np.transpose, transpose_vjp, argnames=("a",))
defvjp_method("transpose", transpose_method_vjp, argnames=("self",))
defvjp_attribute("T", transpose_attribute_vjp)
defvjp(np.swapaxes, swapaxes_vjp, argnames=("a",))
defvjp(np.moveaxis, moveaxis_vjp, argnames=("a",))
defvjp(np.broadcast_to, broadcast_to_vjp, argnames=("array",))
defvjp(np.flip, flip_vjp, argnames=("m",))
defvjp(np.roll, roll_vjp, argnames=("a",))
defvjp_method("astype", astype_method_vjp, argnames=("self",))
defvjp(np.concatenate, concatenate_vjp, argnames=("arrays",))
defvjp(np.stack, stack_vjp, argnames=("arrays",))
defvjp(np.hstack, hstack_vjp, argnames=("tup",))
defvjp(np.vstack, vstack_vjp, argnames=("tup",))
defvjp(np.split, split_vjp, argnames=("ary",))
defvjp(np.array_split, split_vjp, argnames=("ary",))
defvjp(operator.getitem, getitem_vjp, None, argnames=("a", "b"))
defvjp(getitem_vjp, getitem_vjp_vjp_g, None, None, None, argnames=("g", "ans", "a", "b"))
defvjp(scatter, scatter_vjp_g, None, None, argnames=("g", "shape", "index"))
defvjp(np.take, take_vjp, None, argnames=("a", "indices"))
defvjp(take_vjp, take_vjp_vjp_g, None, None, None, argnames=("g", "ans", "a", "indices"))
defvjp(np.asarray, asarray_vjp, argnames=("a",))
defvjp(np.array, array_vjp, argnames=("object",))
defvjp(np.ascontiguousarray, ascontiguousarray_vjp, argnames=("a",))
defvjp(np.copy, copy_vjp, argnames=("a",))
for _name in ("squeeze", "swapaxes", "ravel", "copy", "take"):
    alias_method(_name, getattr(np, _name))

__all__ = [
    "array_vjp",
    "asarray_vjp",
    "ascontiguousarray_vjp",
    "astype_method_vjp",
    "broadcast_to_vjp",
    "concatenate_vjp",
    "copy_vjp",
    "expand_dims_vjp",
    "flatten_method_vjp",
    "flip_vjp",
    "getitem_vjp",
    "getitem_vjp_vjp_g",
    "hstack_vjp",
    "moveaxis_vjp",
    "ravel_vjp",
    "reshape_method_vjp",
    "reshape_vjp",
    "roll_vjp",
    "scatter",
    "scatter_vjp_g",
    "split_vjp",
    "squeeze_vjp",
    "stack_vjp",
    "swapaxes_vjp",
    "take_vjp",
    "take_vjp_vjp_g",
    "transpose_attribute_vjp",
    "transpose_method_vjp",
    "transpose_vjp",
    "vstack_vjp",
]
