"""Forward-mode (JVP) rules of the primitives of ``rules_shape``.

Every one of these primitives is linear, so its tangent is the primitive applied to the tangent:
``reshape``/``transpose``/``flip``/... of ``t``, ``t[index]`` for indexing (a tuple, list or dict
tangent has the container's structure, so ``t[index]`` works for containers too). Sequence
arguments (``concatenate``, ``stack``, ...) receive a list or tuple with one tangent per item and
join them the same way. Identity-like conversions (``asarray``, ``array``, ``astype``, ...) give
the tangent the output's shape and dtype.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .broadcast import broadcast_like
from .registry import defjvp, defjvp_attribute, defjvp_method
from .rules_shape import _ravel_order, getitem_vjp, scatter, take_vjp

# ---- reshapes and transposes --------------------------------------------------------------------


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
    return np.reshape(t, np.shape(ans), order=order)


def reshape_method_jvp(
    t: Any, ans: Any, x: Any, *shape: Any, order: str = "C", copy: Any = None
) -> Any:
    return np.reshape(t, np.shape(ans), order=order)


def ravel_jvp(t: Any, ans: Any, a: Any, order: str = "C") -> Any:
    """Flatten t in the order the forward call read a (Fortran order for 'A'/'K' on F arrays)."""
    return np.reshape(t, np.shape(ans), order=_ravel_order(a, order))


def flatten_method_jvp(t: Any, ans: Any, x: Any, order: str = "C") -> Any:
    return np.reshape(t, np.shape(ans), order=_ravel_order(x, order))


def expand_dims_jvp(t: Any, ans: Any, a: Any, axis: Any) -> Any:
    return np.reshape(t, np.shape(ans))


def squeeze_jvp(t: Any, ans: Any, a: Any, axis: Any = None) -> Any:
    return np.reshape(t, np.shape(ans))


def transpose_jvp(t: Any, ans: Any, a: Any, axes: Any = None) -> Any:
    return np.transpose(t, axes)


def transpose_method_jvp(t: Any, ans: Any, x: Any, *axes: Any) -> Any:
    """``x.transpose()``, ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``."""
    if len(axes) == 1 and (axes[0] is None or np.ndim(axes[0]) == 1):
        axes = axes[0]
    if axes is None or len(axes) == 0:
        return np.transpose(t)
    return np.transpose(t, axes)


def transpose_attribute_jvp(t: Any, ans: Any, x: Any) -> Any:
    return np.transpose(t)


def swapaxes_jvp(t: Any, ans: Any, a: Any, axis1: int, axis2: int) -> Any:
    return np.swapaxes(t, axis1, axis2)


def moveaxis_jvp(t: Any, ans: Any, a: Any, source: Any, destination: Any) -> Any:
    return np.moveaxis(t, source, destination)


def broadcast_to_jvp(t: Any, ans: Any, array: Any, shape: Any, subok: bool = False) -> Any:
    return broadcast_like(t, ans)


def flip_jvp(t: Any, ans: Any, m: Any, axis: Any = None) -> Any:
    return np.flip(t, axis)


def roll_jvp(t: Any, ans: Any, a: Any, shift: Any, axis: Any = None) -> Any:
    return np.roll(t, shift, axis)


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


# ---- joins and splits ----------------------------------------------------------------------------


def concatenate_jvp(
    t: Any,
    ans: Any,
    arrays: Any,
    axis: Any = 0,
    out: Any = None,
    *,
    dtype: Any = None,
    casting: str = "same_kind",
) -> Any:
    """t holds one tangent per joined array: join them the same way."""
    return np.concatenate(t, axis=axis, dtype=dtype, casting=casting)


def stack_jvp(
    t: Any,
    ans: Any,
    arrays: Any,
    axis: int = 0,
    out: Any = None,
    *,
    dtype: Any = None,
    casting: str = "same_kind",
) -> Any:
    return np.stack(t, axis=axis, dtype=dtype, casting=casting)


def hstack_jvp(t: Any, ans: Any, tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    return np.hstack(t, dtype=dtype, casting=casting)


def vstack_jvp(t: Any, ans: Any, tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    return np.vstack(t, dtype=dtype, casting=casting)


def split_jvp(t: Any, ans: Any, ary: Any, indices_or_sections: Any, axis: int = 0) -> Any:
    """A list with one tangent per piece. ``np.array_split`` serves ``np.split`` too: the two
    agree wherever ``np.split`` succeeds."""
    return np.array_split(t, indices_or_sections, axis)


# ---- indexing -----------------------------------------------------------------------------------


def getitem_jvp(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """``a[b]``: the tangent at the same index (or key, for a tuple, list or dict)."""
    return t[b]


def getitem_vjp_jvp_g(t: Any, ans: Any, g: Any, ans0: Any, a: Any, b: Any) -> Any:
    """``getitem_vjp`` is linear in g: scatter t the same way."""
    return getitem_vjp(t, ans0, a, b)


def scatter_jvp_g(t: Any, ans: Any, g: Any, shape: Any, index: Any) -> Any:
    """``scatter`` is linear in g: scatter t the same way."""
    return scatter(t, shape, index)


def take_jvp(
    t: Any, ans: Any, a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise"
) -> Any:
    return np.take(t, indices, axis=axis, mode=mode)


def take_vjp_jvp_g(
    t: Any,
    ans: Any,
    g: Any,
    ans0: Any,
    a: Any,
    indices: Any,
    axis: Any = None,
    out: Any = None,
    mode: str = "raise",
) -> Any:
    """``take_vjp`` is linear in g: scatter t the same way."""
    return take_vjp(t, ans0, a, indices, axis, out, mode)


# ---- identity-like conversions ---------------------------------------------------------------


def _tangent_like(t: Any, ans: Any) -> Any:
    # t (an array, or a nested list/tuple of tangents) as an array of ans's shape and dtype.
    t = np.asarray(t, dtype=np.result_type(ans))
    return t if t.shape == np.shape(ans) else np.reshape(t, np.shape(ans))


def asarray_jvp(
    t: Any,
    ans: Any,
    a: Any,
    dtype: Any = None,
    order: Any = None,
    *,
    device: Any = None,
    copy: Any = None,
    like: Any = None,
) -> Any:
    """``np.asarray`` is the identity on values (a list argument has a list of tangents)."""
    return _tangent_like(t, ans)


def array_jvp(
    t: Any,
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
    """``np.array`` is the identity on values (a list argument has a list of tangents)."""
    return _tangent_like(t, ans)


def ascontiguousarray_jvp(t: Any, ans: Any, a: Any, dtype: Any = None, *, like: Any = None) -> Any:
    return _tangent_like(t, ans)


def copy_jvp(t: Any, ans: Any, a: Any, order: str = "K", subok: bool = False) -> Any:
    return _tangent_like(t, ans)


defjvp(np.reshape, reshape_jvp, argnames=("a",))
defjvp_method("reshape", reshape_method_jvp, argnames=("self",))
defjvp(np.ravel, ravel_jvp, argnames=("a",))
defjvp_method("flatten", flatten_method_jvp, argnames=("self",))
defjvp(np.expand_dims, expand_dims_jvp, argnames=("a",))
defjvp(np.squeeze, squeeze_jvp, argnames=("a",))
defjvp(np.transpose, transpose_jvp, argnames=("a",))
defjvp_method("transpose", transpose_method_jvp, argnames=("self",))
defjvp_attribute("T", transpose_attribute_jvp)
defjvp(np.swapaxes, swapaxes_jvp, argnames=("a",))
defjvp(np.moveaxis, moveaxis_jvp, argnames=("a",))
defjvp(np.broadcast_to, broadcast_to_jvp, argnames=("array",))
defjvp(np.flip, flip_jvp, argnames=("m",))
defjvp(np.roll, roll_jvp, argnames=("a",))
defjvp_method("astype", astype_method_jvp, argnames=("self",))
defjvp(np.concatenate, concatenate_jvp, argnames=("arrays",))
defjvp(np.stack, stack_jvp, argnames=("arrays",))
defjvp(np.hstack, hstack_jvp, argnames=("tup",))
defjvp(np.vstack, vstack_jvp, argnames=("tup",))
defjvp(np.split, split_jvp, argnames=("ary",))
defjvp(np.array_split, split_jvp, argnames=("ary",))
defjvp(operator.getitem, getitem_jvp, None, argnames=("a", "b"))
defjvp(getitem_vjp, getitem_vjp_jvp_g, None, None, None, argnames=("g", "ans", "a", "b"))
defjvp(scatter, scatter_jvp_g, None, None, argnames=("g", "shape", "index"))
defjvp(np.take, take_jvp, None, argnames=("a", "indices"))
defjvp(take_vjp, take_vjp_jvp_g, None, None, None, argnames=("g", "ans", "a", "indices"))
defjvp(np.asarray, asarray_jvp, argnames=("a",))
defjvp(np.array, array_jvp, argnames=("object",))
defjvp(np.ascontiguousarray, ascontiguousarray_jvp, argnames=("a",))
defjvp(np.copy, copy_jvp, argnames=("a",))

__all__ = [
    "array_jvp",
    "asarray_jvp",
    "ascontiguousarray_jvp",
    "astype_method_jvp",
    "broadcast_to_jvp",
    "concatenate_jvp",
    "copy_jvp",
    "expand_dims_jvp",
    "flatten_method_jvp",
    "flip_jvp",
    "getitem_jvp",
    "getitem_vjp_jvp_g",
    "hstack_jvp",
    "moveaxis_jvp",
    "ravel_jvp",
    "reshape_jvp",
    "reshape_method_jvp",
    "roll_jvp",
    "scatter_jvp_g",
    "split_jvp",
    "squeeze_jvp",
    "stack_jvp",
    "swapaxes_jvp",
    "take_jvp",
    "take_vjp_jvp_g",
    "transpose_attribute_jvp",
    "transpose_jvp",
    "transpose_method_jvp",
    "vstack_jvp",
]
