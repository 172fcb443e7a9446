"""Gradient rules of functions that move entries without changing them: reshapes, transposes,
flips and rotations, and indexing. Each function's VJP and JVP side by side, registered together
with ``defrule``.

All of them are linear, so the JVP is the function applied to the tangent (``linear_jvp``); the
VJP moves g back. ``getitem_vjp`` and ``take_vjp`` scatter into a fresh local zeros array (the one
place a rule mutates); since source transformation cannot differentiate that, both are
registered as primitives themselves (their adjoint is a read at the same index), so gradients of
gradients work. Functions that read entries at computed positions (``take_along_axis``) reuse
``take_vjp`` with the flat positions of the entries they read.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .accumulate import zeros_like
from .broadcast import broadcast_like, inverse_permutation, unbroadcast_to
from .linear import linear_jvp
from .namespace import is_foreign, scatter_foreign
from .registry import MethodKey, alias_method, defjvp_attribute, defrule, defvjp_attribute

# ---- reshapes ----------------------------------------------------------------------------------


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


def reshape_jvp(
    t: Any,
    ans: Any,
    a: Any,
    shape: Any = None,
    order: str = "C",
    *,
    newshape: Any = None,
    copy: Any = None,
) -> Any:
    """Reshape t to the output's shape."""
    return np.reshape(t, np.shape(ans), order=order)


def reshape_method_vjp(
    g: Any, ans: Any, x: Any, *shape: Any, order: str = "C", copy: Any = None
) -> Any:
    """``x.reshape(*shape)``: reshape g back to x's shape."""
    return np.reshape(g, np.shape(x), order=order)


def reshape_method_jvp(
    t: Any, ans: Any, x: Any, *shape: Any, order: str = "C", copy: Any = None
) -> Any:
    """``x.reshape(*shape)``: reshape t to the output's shape."""
    return np.reshape(t, np.shape(ans), order=order)


def ravel_vjp(g: Any, ans: Any, a: Any, order: str = "C") -> Any:
    """Reshape the flat g back to a's shape."""
    return np.reshape(g, np.shape(a), order=_ravel_order(a, order))


def ravel_jvp(t: Any, ans: Any, a: Any, order: str = "C") -> Any:
    """Flatten t in the order the forward call read a (Fortran order for 'A'/'K' on F arrays)."""
    return np.reshape(t, np.shape(ans), order=_ravel_order(a, order))


def flatten_method_vjp(g: Any, ans: Any, x: Any, order: str = "C") -> Any:
    """``x.flatten()``: reshape the flat g back to x's shape."""
    return np.reshape(g, np.shape(x), order=_ravel_order(x, order))


def flatten_method_jvp(t: Any, ans: Any, x: Any, order: str = "C") -> Any:
    """``x.flatten()``: flatten t in the order the forward call read x."""
    return np.reshape(t, np.shape(ans), order=_ravel_order(x, order))


def expand_dims_vjp(g: Any, ans: Any, a: Any, axis: Any) -> Any:
    """Drop the inserted axes again."""
    return np.reshape(g, np.shape(a))


def squeeze_vjp(g: Any, ans: Any, a: Any, axis: Any = None) -> Any:
    """Restore the squeezed length-1 axes."""
    return np.reshape(g, np.shape(a))


def _single(arys: tuple[Any, ...], rule: str) -> Any:
    if len(arys) != 1:
        raise NotImplementedError(f"{rule}: several arrays in one call are not supported; "
                                  "call it once per array")
    return arys[0]


def atleast_1d_vjp(g: Any, ans: Any, *arys: Any) -> Any:
    """Drop the axes ``np.atleast_1d`` added (one array per call)."""
    return np.reshape(g, np.shape(_single(arys, "atleast_1d_vjp")))


def atleast_1d_jvp(t: Any, ans: Any, *arys: Any) -> Any:
    """The tangent with the output's shape (one array per call)."""
    _single(arys, "atleast_1d_jvp")
    return np.reshape(t, np.shape(ans))


def atleast_2d_vjp(g: Any, ans: Any, *arys: Any) -> Any:
    """Drop the axes ``np.atleast_2d`` added (one array per call)."""
    return np.reshape(g, np.shape(_single(arys, "atleast_2d_vjp")))


def atleast_2d_jvp(t: Any, ans: Any, *arys: Any) -> Any:
    """The tangent with the output's shape (one array per call)."""
    _single(arys, "atleast_2d_jvp")
    return np.reshape(t, np.shape(ans))


def atleast_3d_vjp(g: Any, ans: Any, *arys: Any) -> Any:
    """Drop the axes ``np.atleast_3d`` added (one array per call)."""
    return np.reshape(g, np.shape(_single(arys, "atleast_3d_vjp")))


def atleast_3d_jvp(t: Any, ans: Any, *arys: Any) -> Any:
    """The tangent with the output's shape (one array per call)."""
    _single(arys, "atleast_3d_jvp")
    return np.reshape(t, np.shape(ans))


# ---- transposes, flips and rotations ------------------------------------------------------------


def _transpose_back(g: Any, ndim: int, axes: Any) -> Any:
    if axes is None or len(axes) == 0:
        return np.transpose(g)
    return np.transpose(g, inverse_permutation([int(i) % ndim for i in axes]))


def transpose_vjp(g: Any, ans: Any, a: Any, axes: Any = None) -> Any:
    """Apply the inverse permutation to g."""
    return _transpose_back(g, np.ndim(a), axes)


def _method_axes(axes: tuple[Any, ...]) -> Any:
    # ``x.transpose()``, ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``
    if len(axes) == 1 and (axes[0] is None or np.ndim(axes[0]) == 1):
        return axes[0]
    return axes if axes else None


def transpose_method_vjp(g: Any, ans: Any, x: Any, *axes: Any) -> Any:
    """``x.transpose(...)``: the inverse permutation."""
    return _transpose_back(g, np.ndim(x), _method_axes(axes))


def transpose_method_jvp(t: Any, ans: Any, x: Any, *axes: Any) -> Any:
    """``x.transpose(...)``: the same permutation of t."""
    return np.transpose(t, _method_axes(axes))


def transpose_attribute_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``x.T`` reverses the axes; so does its adjoint."""
    return np.transpose(g)


def transpose_attribute_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``x.T`` of the tangent."""
    return np.transpose(t)


def swapaxes_vjp(g: Any, ans: Any, a: Any, axis1: int, axis2: int) -> Any:
    """Swap the same two axes back."""
    return np.swapaxes(g, axis1, axis2)


def moveaxis_vjp(g: Any, ans: Any, a: Any, source: Any, destination: Any) -> Any:
    """Move the axes back from ``destination`` to ``source``."""
    return np.moveaxis(g, destination, source)


def _rollaxis_order(ndim: int, axis: int, start: int) -> list[int]:
    # The permutation np.rollaxis applies (numpy's own normalisation of ``start``).
    axis = int(axis) % ndim
    start = int(start) + ndim if start < 0 else int(start)
    if axis < start:
        start -= 1
    order = [i for i in range(ndim) if i != axis]
    order.insert(start, axis)
    return order


def rollaxis_vjp(g: Any, ans: Any, a: Any, axis: int, start: int = 0) -> Any:
    """Apply the inverse of the permutation ``np.rollaxis`` applied."""
    return np.transpose(g, inverse_permutation(_rollaxis_order(np.ndim(a), axis, start)))


def broadcast_to_vjp(g: Any, ans: Any, array: Any, shape: Any, subok: bool = False) -> Any:
    """Sum g over the broadcast axes."""
    return unbroadcast_to(g, array)


def broadcast_to_jvp(t: Any, ans: Any, array: Any, shape: Any, subok: bool = False) -> Any:
    """Broadcast t the same way."""
    return broadcast_like(t, ans)


def flip_vjp(g: Any, ans: Any, m: Any, axis: Any = None) -> Any:
    """Flip g back along the same axes."""
    return np.flip(g, axis)


def fliplr_vjp(g: Any, ans: Any, m: Any) -> Any:
    """Flip g back left to right."""
    return np.fliplr(g)


def flipud_vjp(g: Any, ans: Any, m: Any) -> Any:
    """Flip g back upside down."""
    return np.flipud(g)


def rot90_vjp(g: Any, ans: Any, m: Any, k: int = 1, axes: Any = (0, 1)) -> Any:
    """Rotate g back by -k quarter turns in the same plane."""
    return np.rot90(g, -k, axes)


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


def astype_method_jvp(
    t: Any,
    ans: Any,
    x: Any,
    dtype: Any,
    order: str = "K",
    casting: str = "unsafe",
    subok: bool = True,
    copy: bool = True,
) -> Any:
    """``x.astype(dtype)`` changes no value: t cast to the output's dtype."""
    return np.asarray(t, dtype=np.result_type(ans))


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
    if (is_foreign(g) or is_foreign(a)) and _never_repeats(b):
        return scatter_foreign(g, a, b)
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


def positions(a: Any) -> Any:
    """The flat position of every entry of ``a``, shaped like ``a``: a function that only
    moves entries, applied to it, tells where each output entry came from."""
    return np.reshape(np.arange(np.size(a)), np.shape(a))


def take_along_axis_vjp(g: Any, ans: Any, arr: Any, indices: Any, axis: Any = -1) -> Any:
    """g added into zeros like arr at the entries read (repeated indices accumulate)."""
    where = np.take_along_axis(positions(arr) if axis is not None else np.arange(np.size(arr)),
                               indices, axis)
    return take_vjp(g, None, arr, where)


defrule(np.reshape, vjp=(reshape_vjp,), jvp=(reshape_jvp,), argnames=("a",))
defrule(MethodKey("reshape"), vjp=(reshape_method_vjp,), jvp=(reshape_method_jvp,),
        argnames=("self",))
defrule(np.ravel, vjp=(ravel_vjp,), jvp=(ravel_jvp,), argnames=("a",))
defrule(MethodKey("flatten"), vjp=(flatten_method_vjp,), jvp=(flatten_method_jvp,),
        argnames=("self",))
defrule(MethodKey("transpose"), vjp=(transpose_method_vjp,), jvp=(transpose_method_jvp,),
        argnames=("self",))
defvjp_attribute("T", transpose_attribute_vjp)
defjvp_attribute("T", transpose_attribute_jvp)
defrule(MethodKey("astype"), vjp=(astype_method_vjp,), jvp=(astype_method_jvp,),
        argnames=("self",))
defrule(np.atleast_1d, vjp=(atleast_1d_vjp,), jvp=(atleast_1d_jvp,), argnames=("arys",))
defrule(np.atleast_2d, vjp=(atleast_2d_vjp,), jvp=(atleast_2d_jvp,), argnames=("arys",))
defrule(np.atleast_3d, vjp=(atleast_3d_vjp,), jvp=(atleast_3d_jvp,), argnames=("arys",))
defrule(np.broadcast_to, vjp=(broadcast_to_vjp,), jvp=(broadcast_to_jvp,), argnames=("array",))

# linear in their first argument: the JVP is the function applied to the tangent
expand_dims_jvp = linear_jvp(np.expand_dims, "expand_dims_jvp", __name__)
squeeze_jvp = linear_jvp(np.squeeze, "squeeze_jvp", __name__)
transpose_jvp = linear_jvp(np.transpose, "transpose_jvp", __name__)
swapaxes_jvp = linear_jvp(np.swapaxes, "swapaxes_jvp", __name__)
moveaxis_jvp = linear_jvp(np.moveaxis, "moveaxis_jvp", __name__)
rollaxis_jvp = linear_jvp(np.rollaxis, "rollaxis_jvp", __name__)
flip_jvp = linear_jvp(np.flip, "flip_jvp", __name__)
fliplr_jvp = linear_jvp(np.fliplr, "fliplr_jvp", __name__)
flipud_jvp = linear_jvp(np.flipud, "flipud_jvp", __name__)
rot90_jvp = linear_jvp(np.rot90, "rot90_jvp", __name__)
roll_jvp = linear_jvp(np.roll, "roll_jvp", __name__)
getitem_jvp = linear_jvp(operator.getitem, "getitem_jvp", __name__)
getitem_vjp_jvp_g = linear_jvp(getitem_vjp, "getitem_vjp_jvp_g", __name__)
scatter_jvp_g = linear_jvp(scatter, "scatter_jvp_g", __name__)
take_jvp = linear_jvp(np.take, "take_jvp", __name__)
take_vjp_jvp_g = linear_jvp(take_vjp, "take_vjp_jvp_g", __name__)
take_along_axis_jvp = linear_jvp(np.take_along_axis, "take_along_axis_jvp", __name__)

for _prim, _vjp, _jvp, _names in (
    (np.expand_dims, expand_dims_vjp, expand_dims_jvp, ("a",)),
    (np.squeeze, squeeze_vjp, squeeze_jvp, ("a",)),
    (np.transpose, transpose_vjp, transpose_jvp, ("a",)),
    (np.swapaxes, swapaxes_vjp, swapaxes_jvp, ("a",)),
    (np.moveaxis, moveaxis_vjp, moveaxis_jvp, ("a",)),
    (np.rollaxis, rollaxis_vjp, rollaxis_jvp, ("a",)),
    (np.flip, flip_vjp, flip_jvp, ("m",)),
    (np.fliplr, fliplr_vjp, fliplr_jvp, ("m",)),
    (np.flipud, flipud_vjp, flipud_jvp, ("m",)),
    (np.rot90, rot90_vjp, rot90_jvp, ("m",)),
    (np.roll, roll_vjp, roll_jvp, ("a",)),
    (operator.getitem, getitem_vjp, getitem_jvp, ("a", "b")),
    (getitem_vjp, getitem_vjp_vjp_g, getitem_vjp_jvp_g, ("g", "ans", "a", "b")),
    (scatter, scatter_vjp_g, scatter_jvp_g, ("g", "shape", "index")),
    (np.take, take_vjp, take_jvp, ("a", "indices")),
    (take_vjp, take_vjp_vjp_g, take_vjp_jvp_g, ("g", "ans", "a", "indices")),
    (np.take_along_axis, take_along_axis_vjp, take_along_axis_jvp, ("arr", "indices")),
):
    _rest = (None,) * (len(_names) - 1)
    defrule(_prim, vjp=(_vjp, *_rest), jvp=(_jvp, *_rest), argnames=_names)

for _name in ("squeeze", "swapaxes", "ravel", "take"):
    alias_method(_name, getattr(np, _name))

__all__ = [
    "astype_method_jvp", "astype_method_vjp", "atleast_1d_jvp", "atleast_1d_vjp",
    "atleast_2d_jvp", "atleast_2d_vjp", "atleast_3d_jvp", "atleast_3d_vjp", "broadcast_to_jvp",
    "broadcast_to_vjp", "expand_dims_jvp", "expand_dims_vjp", "flatten_method_jvp",
    "flatten_method_vjp", "flip_jvp", "flip_vjp", "fliplr_jvp", "fliplr_vjp", "flipud_jvp",
    "flipud_vjp", "getitem_jvp", "getitem_vjp", "getitem_vjp_jvp_g", "getitem_vjp_vjp_g",
    "moveaxis_jvp", "moveaxis_vjp", "positions", "ravel_jvp", "ravel_vjp", "reshape_jvp",
    "reshape_method_jvp", "reshape_method_vjp", "reshape_vjp", "roll_jvp", "roll_vjp",
    "rollaxis_jvp", "rollaxis_vjp", "rot90_jvp", "rot90_vjp", "scatter", "scatter_jvp_g",
    "scatter_vjp_g", "squeeze_jvp", "squeeze_vjp", "swapaxes_jvp", "swapaxes_vjp",
    "take_along_axis_jvp", "take_along_axis_vjp", "take_jvp", "take_vjp", "take_vjp_jvp_g",
    "take_vjp_vjp_g", "transpose_attribute_jvp", "transpose_attribute_vjp",
    "transpose_jvp", "transpose_method_jvp", "transpose_method_vjp", "transpose_vjp",
]
