"""Value-semantics helpers for container and element updates in generated code.

``xs.append(v)`` is compiled as ``xs = _rt.append(xs, v)`` and ``x[i] = v`` as
``x = _rt.setitem(x, i, v)``: each returns a new container, so every earlier value the backward
sweep reads is still intact. The overwritten elements get no gradient.

Forward mode: the tangent of a container has the container's structure, so each JVP rule returns
a container shaped like the result, with zeros where its argument contributes nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .accumulate import zeros_like
from .broadcast import unbroadcast_to
from .registry import defjvp, defvjp

__all__ = [
    "append",
    "append_jvp_item",
    "append_jvp_xs",
    "append_vjp_item",
    "append_vjp_xs",
    "concat",
    "concat_jvp_xs",
    "concat_jvp_ys",
    "concat_vjp_xs",
    "concat_vjp_ys",
    "setitem",
    "setitem_jvp_value",
    "setitem_jvp_x",
    "setitem_vjp_value",
    "setitem_vjp_x",
]


def concat(xs: Any, ys: Any) -> Any:
    """``[*xs, *ys]`` (a list, or a tuple if ``xs`` is one) without changing either."""
    joined = [*xs, *ys]
    return tuple(joined) if isinstance(xs, tuple) else joined


def concat_vjp_xs(g: Any, ans: Any, xs: Any, ys: Any) -> Any:
    return g[:len(xs)]


def concat_vjp_ys(g: Any, ans: Any, xs: Any, ys: Any) -> Any:
    return g[len(xs):]


def concat_jvp_xs(t: Any, ans: Any, xs: Any, ys: Any) -> Any:
    return concat(t, zeros_like(ys))


def concat_jvp_ys(t: Any, ans: Any, xs: Any, ys: Any) -> Any:
    return concat(zeros_like(xs), t)


def append(xs: Any, item: Any) -> list[Any]:
    """``xs + [item]`` as a new list (``xs.append(item)`` in user code)."""
    return [*xs, item]


def append_vjp_xs(g: Any, ans: Any, xs: Any, item: Any) -> list[Any]:
    return g[:-1]


def append_vjp_item(g: Any, ans: Any, xs: Any, item: Any) -> Any:
    return g[-1]


def append_jvp_xs(t: Any, ans: Any, xs: Any, item: Any) -> list[Any]:
    """The old items carry their tangents ``t`` (a list); the new item carries none."""
    return append(t, zeros_like(item))


def append_jvp_item(t: Any, ans: Any, xs: Any, item: Any) -> list[Any]:
    """Zeros for the old items, ``t`` for the new one."""
    return append(zeros_like(xs), t)


def setitem(x: Any, index: Any, value: Any) -> Any:
    """A copy of ``x`` with ``x[index] = value`` applied (arrays, lists and dicts)."""
    if isinstance(x, (np.ndarray, list, dict)):
        result = x.copy()
    else:
        raise TypeError(f"cannot assign into an element of a {type(x).__name__}")
    result[index] = value
    return result


def setitem_vjp_x(g: Any, ans: Any, x: Any, index: Any, value: Any) -> Any:
    """The overwritten elements get no gradient."""
    result = g.copy() if isinstance(g, (np.ndarray, list, dict)) else np.array(g)
    if isinstance(result, np.ndarray):
        result[index] = 0
    else:
        result[index] = zeros_like(x[index])
    return result


def setitem_vjp_value(g: Any, ans: Any, x: Any, index: Any, value: Any) -> Any:
    """Only written elements that survive get gradient: with repeated indices numpy keeps
    the last write, so the earlier duplicates get zero."""
    if isinstance(value, (tuple, list)):  # xs[i:j] = items: one adjoint per item
        return g[index]
    selected = g[index]
    if isinstance(g, np.ndarray) and not _never_repeats(index):
        selected = np.where(_last_writes(np.shape(g), index, np.shape(selected)), selected, 0)
    return unbroadcast_to(selected, value)


def _last_writes(shape: tuple[int, ...], index: Any, selected: tuple[int, ...]) -> np.ndarray:
    """For ``x[index] = v`` with repeated indices: which selected elements were written last."""
    order = np.full(shape, -1)
    positions = np.arange(int(np.prod(selected))).reshape(selected)
    order[index] = positions
    return order[index] == positions


def _never_repeats(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(item, (int, np.integer, slice, type(None), type(Ellipsis)))
               or (isinstance(item, np.ndarray) and item.dtype == bool) for item in items)


def setitem_jvp_x(t: Any, ans: Any, x: Any, index: Any, value: Any) -> Any:
    """The tangent of x, with zeros where it was overwritten (or at a new dict key)."""
    if not isinstance(t, (np.ndarray, list, dict)):
        t = np.array(t)  # a numpy scalar tangent of a 0-d array
    return setitem(t, index, zeros_like(value))


def setitem_jvp_value(t: Any, ans: Any, x: Any, index: Any, value: Any) -> Any:
    """Zeros like the result, with the tangent of value (broadcast) at index."""
    return setitem(zeros_like(ans), index, t)


defvjp(append, append_vjp_xs, append_vjp_item, argnames=("xs", "item"))
defvjp(concat, concat_vjp_xs, concat_vjp_ys, argnames=("xs", "ys"))
defjvp(concat, concat_jvp_xs, concat_jvp_ys, argnames=("xs", "ys"))
defvjp(setitem, setitem_vjp_x, None, setitem_vjp_value, argnames=("x", "index", "value"))
defjvp(append, append_jvp_xs, append_jvp_item, argnames=("xs", "item"))
defjvp(setitem, setitem_jvp_x, None, setitem_jvp_value, argnames=("x", "index", "value"))
