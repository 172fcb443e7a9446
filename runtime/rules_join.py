"""Gradient rules of joins and splits: ``concatenate``, ``stack``, ``hstack``/``vstack``/
``dstack``/``column_stack`` and ``split``/``array_split``/``hsplit``/``vsplit``/``dsplit``.
Each function's VJP and JVP side by side, registered together with ``defrule``.

All of them are linear. A join's VJP returns a list with one partial per joined array (the
slices of g); its JVP receives one tangent per item and joins them the same way. A split's VJP
receives one adjoint per piece and joins them; its JVP splits the tangent the same way (a list).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .linear import linear_jvp
from .registry import container_results, defrule


def _split(g: Any, sizes: list[int], axis: int) -> list[Any]:
    # Consecutive slices of g along ``axis`` with the given sizes.
    return np.split(g, np.cumsum(sizes[:-1]), axis=axis)


def _pieces_like(g: Any, sizes: list[int], axis: int, arrays: Any) -> list[Any]:
    # The slices of g along ``axis``, each reshaped to its array's shape.
    parts = _split(g, sizes, axis)
    pieces = []
    for i in range(len(arrays)):
        pieces.append(np.reshape(parts[i], np.shape(arrays[i])))
    return pieces


def _sizes(arrays: Any, axis: Any, ndim: int = 1) -> list[int]:
    # Each array's length along ``axis`` once made ``ndim``-dimensional (1 for an array with
    # fewer dimensions), or its size for ``axis=None``.
    sizes = []
    for i in range(len(arrays)):
        if axis is None:
            sizes.append(np.size(arrays[i]))
        else:
            sizes.append(np.shape(arrays[i])[axis] if np.ndim(arrays[i]) >= ndim else 1)
    return sizes


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
        return _pieces_like(np.ravel(g), _sizes(arrays, None), 0, arrays)
    axis = int(axis) % np.ndim(arrays[0])
    return _split(g, _sizes(arrays, axis), axis)


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
    pieces = []
    for i in range(len(arrays)):
        pieces.append(np.take(g, i, axis=axis))
    return pieces


def hstack_vjp(g: Any, ans: Any, tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """Split g like ``concatenate`` along axis 1 (axis 0 for 1-D items)."""
    axis = 0 if np.ndim(tup[0]) <= 1 else 1
    return _pieces_like(g, _sizes(tup, axis), axis, tup)


def vstack_vjp(g: Any, ans: Any, tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """Split g along axis 0 (1-D items were rows)."""
    return _pieces_like(g, _sizes(tup, 0, 2), 0, tup)


def dstack_vjp(g: Any, ans: Any, tup: Any) -> Any:
    """Split g along axis 2 (items of fewer dimensions were made 3-D first)."""
    return _pieces_like(g, _sizes(tup, 2, 3), 2, tup)


def column_stack_vjp(g: Any, ans: Any, tup: Any) -> Any:
    """Split g along axis 1 (1-D items were columns)."""
    return _pieces_like(g, _sizes(tup, 1, 2), 1, tup)


def split_vjp(g: Any, ans: Any, ary: Any, indices_or_sections: Any, axis: int = 0) -> Any:
    """``np.split``/``np.array_split`` cut ary into pieces; the adjoint joins their adjoints."""
    return np.concatenate(g, axis=axis)


def _split_axis(ary: Any, axis: int) -> int:
    # hsplit cuts axis 1 (axis 0 of a 1-D array); vsplit axis 0; dsplit axis 2.
    return 0 if axis == 1 and np.ndim(ary) == 1 else axis


def hsplit_vjp(g: Any, ans: Any, ary: Any, indices_or_sections: Any) -> Any:
    """Join the pieces' adjoints along the axis ``np.hsplit`` cut."""
    return np.concatenate(g, axis=_split_axis(ary, 1))


def vsplit_vjp(g: Any, ans: Any, ary: Any, indices_or_sections: Any) -> Any:
    """Join the pieces' adjoints along axis 0."""
    return np.concatenate(g, axis=0)


def dsplit_vjp(g: Any, ans: Any, ary: Any, indices_or_sections: Any) -> Any:
    """Join the pieces' adjoints along axis 2."""
    return np.concatenate(g, axis=2)


concatenate_jvp = linear_jvp(np.concatenate, "concatenate_jvp", __name__)
stack_jvp = linear_jvp(np.stack, "stack_jvp", __name__)
hstack_jvp = linear_jvp(np.hstack, "hstack_jvp", __name__)
vstack_jvp = linear_jvp(np.vstack, "vstack_jvp", __name__)
dstack_jvp = linear_jvp(np.dstack, "dstack_jvp", __name__)
column_stack_jvp = linear_jvp(np.column_stack, "column_stack_jvp", __name__)
split_jvp = linear_jvp(np.array_split, "split_jvp", __name__)  # agrees with np.split
hsplit_jvp = linear_jvp(np.hsplit, "hsplit_jvp", __name__)
vsplit_jvp = linear_jvp(np.vsplit, "vsplit_jvp", __name__)
dsplit_jvp = linear_jvp(np.dsplit, "dsplit_jvp", __name__)

# ---- append: concatenate of arr and values (both flattened when axis is None) ------------------


def _append_slices(arr: Any, axis: Any) -> tuple[Any, int]:
    # (the axis the pieces are joined along, how many entries arr gives along it)
    if axis is None:
        return 0, np.size(arr)
    axis = int(axis) % np.ndim(arr)
    return axis, np.shape(arr)[axis]


def append_vjp_arr(g: Any, ans: Any, arr: Any, values: Any, axis: Any = None) -> Any:
    """The first entries of g (along ``axis``), in arr's shape."""
    along, count = _append_slices(arr, axis)
    piece = np.take(np.ravel(g) if axis is None else g, np.arange(count), axis=along)
    return np.reshape(piece, np.shape(arr)).astype(np.result_type(arr), copy=False)


def append_vjp_values(g: Any, ans: Any, arr: Any, values: Any, axis: Any = None) -> Any:
    """The entries of g after arr's (along ``axis``), in values' shape."""
    along, count = _append_slices(arr, axis)
    flat = np.ravel(g) if axis is None else g
    piece = np.take(flat, np.arange(count, np.shape(flat)[along]), axis=along)
    return np.reshape(piece, np.shape(values)).astype(np.result_type(values), copy=False)


def append_jvp_arr(t: Any, ans: Any, arr: Any, values: Any, axis: Any = None) -> Any:
    """Linear in arr: append with values' entries at zero."""
    return np.append(t, np.zeros_like(values, dtype=np.result_type(ans)), axis=axis)


def append_jvp_values(t: Any, ans: Any, arr: Any, values: Any, axis: Any = None) -> Any:
    """Linear in values: append to arr's entries at zero."""
    return np.append(np.zeros_like(arr, dtype=np.result_type(ans)), t, axis=axis)


defrule(np.append, vjp=(append_vjp_arr, append_vjp_values),
        jvp=(append_jvp_arr, append_jvp_values), argnames=("arr", "values"))

for _prim, _vjp, _jvp, _name in (
    (np.concatenate, concatenate_vjp, concatenate_jvp, "arrays"),
    (np.stack, stack_vjp, stack_jvp, "arrays"),
    (np.hstack, hstack_vjp, hstack_jvp, "tup"),
    (np.vstack, vstack_vjp, vstack_jvp, "tup"),
    (np.dstack, dstack_vjp, dstack_jvp, "tup"),
    (np.column_stack, column_stack_vjp, column_stack_jvp, "tup"),
    (np.split, split_vjp, split_jvp, "ary"),
    (np.array_split, split_vjp, split_jvp, "ary"),
    (np.hsplit, hsplit_vjp, hsplit_jvp, "ary"),
    (np.vsplit, vsplit_vjp, vsplit_jvp, "ary"),
    (np.dsplit, dsplit_vjp, dsplit_jvp, "ary"),
):
    defrule(_prim, vjp=(_vjp,), jvp=(_jvp,), argnames=(_name,))
container_results(np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)

__all__ = [
    "append_jvp_arr", "append_jvp_values", "append_vjp_arr", "append_vjp_values",
    "column_stack_jvp", "column_stack_vjp", "concatenate_jvp", "concatenate_vjp", "dsplit_jvp",
    "dsplit_vjp", "dstack_jvp", "dstack_vjp", "hsplit_jvp", "hsplit_vjp", "hstack_jvp",
    "hstack_vjp", "split_jvp", "split_vjp", "stack_jvp", "stack_vjp", "vsplit_jvp", "vsplit_vjp",
    "vstack_jvp", "vstack_vjp",
]
