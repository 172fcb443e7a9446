"""Gradient rules of the cumulative reductions ``cumsum`` and ``cumprod`` (``x.cumsum()``,
``x.cumprod()``): each function's VJP and JVP side by side, registered together with
``defrule``. ``cumprod`` is exact even with zeros in the input (no division by zero).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .linear import linear_jvp
from .registry import alias_method, defrule
from .rules_reduce import _cast_like


def cumsum_vjp(
    g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None
) -> Any:
    """Each entry feeds every later partial sum: a reversed cumulative sum of g."""
    if axis is None:
        flat = np.flip(np.cumsum(np.flip(g)))
        return _cast_like(np.reshape(flat, np.shape(a)), a, dtype)
    return _cast_like(np.flip(np.cumsum(np.flip(g, axis), axis), axis), a, dtype)


cumsum_jvp = linear_jvp(np.cumsum, "cumsum_jvp", __name__)


def _cumprod_parts(a: Any, axis: int) -> tuple[Any, Any, Any, Any]:
    """For y = cumprod(a) along ``axis``: (before, first_zero, safe, after), where ``before``
    marks the entries ahead of the slice's first zero, ``first_zero`` marks that zero, ``safe``
    is a with every entry not ``before`` set to 1, and ``after`` is the running product of the
    entries after the first zero (1 up to and including it)."""
    zeros_so_far = np.cumsum(np.equal(a, 0), axis=axis)
    before = zeros_so_far == 0
    first_zero = np.equal(a, 0) & (zeros_so_far == 1)
    safe = np.where(before, a, 1.0)
    after = np.cumprod(np.where(before | first_zero, 1.0, a), axis=axis)
    return before, first_zero, safe, after


def _reverse_cumsum(x: Any, axis: int) -> Any:
    return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)


def cumprod_vjp(
    g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None
) -> Any:
    """dy_k/da_i = product of a_j, j <= k, j != i (i <= k). Exact with zeros: ahead of the first
    zero of a slice, sum_k>=i g_k y_k / a_i; at that zero, the product of the entries ahead of
    it times sum_k>=z g_k (product of a_j, z < j <= k); past it, 0."""
    x = np.ravel(a) if axis is None else a
    g = np.reshape(g, np.shape(x))
    ax = 0 if axis is None else int(axis) % np.ndim(a)
    before, first_zero, safe, after = _cumprod_parts(x, ax)
    head = np.prod(safe, axis=ax, keepdims=True)
    running = np.where(before, np.cumprod(safe, axis=ax), 0.0)  # y, without its zeros
    ahead = np.where(before, _reverse_cumsum(g * running, ax) / safe, 0.0)
    at_zero = np.where(first_zero, head * _reverse_cumsum(g * after, ax), 0.0)
    return _cast_like(np.reshape(ahead + at_zero, np.shape(a)), a, dtype)


def cumprod_jvp(
    t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None
) -> Any:
    """dy_k = sum_i<=k t_i (product of the other a_j, j <= k); exact with zeros: ahead of the
    first zero y_k sum_i<=k t_i / a_i, from it on t_z (product ahead of it) (product after it)."""
    x = np.ravel(a) if axis is None else a
    t = np.reshape(t, np.shape(x))
    ax = 0 if axis is None else int(axis) % np.ndim(a)
    before, first_zero, safe, after = _cumprod_parts(x, ax)
    running = np.cumprod(safe, axis=ax)
    ahead = running * np.cumsum(np.where(before, t / safe, 0.0), axis=ax)
    at_zero = np.sum(np.where(first_zero, t, 0.0), axis=ax, keepdims=True)
    head = np.prod(safe, axis=ax, keepdims=True)
    tangent = np.where(before, ahead, at_zero * head * after)
    return _cast_like(np.reshape(tangent, np.shape(ans)), ans, dtype)


defrule(np.cumsum, vjp=(cumsum_vjp,), jvp=(cumsum_jvp,), argnames=("a",))
defrule(np.cumprod, vjp=(cumprod_vjp,), jvp=(cumprod_jvp,), argnames=("a",))
for _name in ("cumsum", "cumprod"):
    alias_method(_name, getattr(np, _name))

__all__ = ["cumprod_jvp", "cumprod_vjp", "cumsum_jvp", "cumsum_vjp"]
