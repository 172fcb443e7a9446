"""Value-semantics helpers for container and element updates in generated code.

``xs.append(v)`` is compiled as ``xs = _rt.append(xs, v)`` and ``x[i] = v`` as
``x = _rt.setitem(x, i, v)``: each returns a new container, so every earlier value the backward
sweep reads is still intact. The overwritten elements get no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .accumulate import zeros_like
from .broadcast import unbroadcast_to
from .registry import defvjp

__all__ = [
    "append",
    "append_vjp_item",
    "append_vjp_xs",
    "setitem",
    "setitem_vjp_value",
    "setitem_vjp_x",
]


def append(xs: Any, item: Any) -> list[Any]:
    """``xs + [item]`` as a new list (``xs.append(item)`` in user code)."""
    return [*xs, item]


def append_vjp_xs(g: Any, ans: Any, xs: Any, item: Any) -> list[Any]:
    return list(g[:-1])


def append_vjp_item(g: Any, ans: Any, xs: Any, item: Any) -> Any:
    return g[-1]


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
    return unbroadcast_to(g[index], value)


defvjp(append, append_vjp_xs, append_vjp_item, argnames=("xs", "item"))
defvjp(setitem, setitem_vjp_x, None, setitem_vjp_value, argnames=("x", "index", "value"))
