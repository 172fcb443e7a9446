"""Gradient rules of indexing: ``a[b]`` (``operator.getitem``), ``np.take``,
``np.take_along_axis``, and the scatters their adjoints are. Each function's VJP and JVP side by
side, registered together with ``defrule``.

All are linear, so the JVP is the function applied to the tangent (``linear_jvp``). ``getitem_vjp``
and ``take_vjp`` scatter into a fresh local zeros array (the one place a rule mutates); since
source transformation cannot differentiate that, both are registered as primitives themselves
(their adjoint is a read at the same index), so gradients of gradients work. Functions that read
entries at computed positions (``take_along_axis``, ``sort``, ``pad``, ...) reuse ``take_vjp``
with the flat positions of the entries they read (``positions``).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .accumulate import zeros_like
from .linear import linear_jvp
from .namespace import is_foreign, scatter_foreign, scatter_into_zeros
from .registry import alias_method, constant_arguments, defrule

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
    if is_foreign(g):  # Dask, CuPy, ...: zeros in g's own namespace
        return scatter_into_zeros(g, shape, index)
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



getitem_jvp = linear_jvp(operator.getitem, "getitem_jvp", __name__)
getitem_vjp_jvp_g = linear_jvp(getitem_vjp, "getitem_vjp_jvp_g", __name__)
scatter_jvp_g = linear_jvp(scatter, "scatter_jvp_g", __name__)
take_jvp = linear_jvp(np.take, "take_jvp", __name__)
take_vjp_jvp_g = linear_jvp(take_vjp, "take_vjp_jvp_g", __name__)
take_along_axis_jvp = linear_jvp(np.take_along_axis, "take_along_axis_jvp", __name__)

for _prim, _vjp, _jvp, _names in (
    (operator.getitem, getitem_vjp, getitem_jvp, ("a", "b")),
    (getitem_vjp, getitem_vjp_vjp_g, getitem_vjp_jvp_g, ("g", "ans", "a", "b")),
    (scatter, scatter_vjp_g, scatter_jvp_g, ("g", "shape", "index")),
    (np.take, take_vjp, take_jvp, ("a", "indices")),
    (take_vjp, take_vjp_vjp_g, take_vjp_jvp_g, ("g", "ans", "a", "indices")),
    (np.take_along_axis, take_along_axis_vjp, take_along_axis_jvp, ("arr", "indices")),
):
    _rest = (None,) * (len(_names) - 1)
    defrule(_prim, vjp=(_vjp, *_rest), jvp=(_jvp, *_rest), argnames=_names)
alias_method("take", np.take)
# the primal array and result only lend their shapes to the scatter; indices are integers or
# booleans by numpy's contract (a float index is an IndexError), so they carry no gradient
constant_arguments(operator.getitem, "b")
constant_arguments(getitem_vjp, "ans", "a", "b")
constant_arguments(scatter, "shape", "index")
constant_arguments(np.take, "indices")
constant_arguments(take_vjp, "ans", "a", "indices")
constant_arguments(np.take_along_axis, "indices")

__all__ = [
    "getitem_jvp", "getitem_vjp", "getitem_vjp_jvp_g", "getitem_vjp_vjp_g", "positions",
    "scatter", "scatter_jvp_g", "scatter_vjp_g", "take_along_axis_jvp", "take_along_axis_vjp",
    "take_jvp", "take_vjp", "take_vjp_jvp_g", "take_vjp_vjp_g",
]
