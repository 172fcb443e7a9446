"""Gradient rules of ``np.linalg.norm`` (and numpy 2's ``vector_norm``/``matrix_norm``) for
every ``ord``, ``axis`` and ``keepdims``, and of ``np.linalg.cond``.

A norm's partials are its slopes ``d norm / dx``, shaped like x: the VJP is the adjoint spread
back over the normed axes times the slopes, the JVP the sum of tangent times slopes. Vector
norms: p-norms (any p != 0), inf/-inf (ties share the slope equally); ord=0 counts nonzeros
(slope 0). Matrix norms: 'fro', 'nuc' (U V^T), 2/-2 (the outer product of the largest/smallest
singular vectors), 1/-1 and inf/-inf (the signs in the column/row of largest/smallest absolute
sum, shared equally between ties). A zero vector or matrix gets the subgradient 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import unreduce
from .registry import defrule


def _is_matrix_norm(x: Any, ord: Any, axis: Any) -> bool:
    if axis is None:
        return ord is not None and np.ndim(x) == 2
    return np.ndim(axis) == 1 and len(axis) == 2


def _matrix_axes(x: Any, axis: Any) -> tuple[int, int]:
    rows, cols = (0, 1) if axis is None else axis
    return rows % np.ndim(x), cols % np.ndim(x)


def _any_vector_slopes(ans: Any, x: Any, ord: Any, axis: Any, keepdims: bool) -> Any:
    if np.iscomplexobj(x):
        return _complex_vector_slopes(ans, x, ord, axis, keepdims)
    return _vector_slopes(ans, x, ord, axis, keepdims)


def _vector_slopes(ans: Any, x: Any, ord: Any, axis: Any, keepdims: bool) -> Any:
    norm = unreduce(ans, x, axis, keepdims)
    if ord == 0:
        return np.zeros_like(x)
    if ord in (np.inf, -np.inf):
        hit = np.abs(x) == norm
        count = np.sum(hit, axis=axis, keepdims=True)
        return np.sign(x) * hit / np.maximum(count, 1).astype(np.result_type(x), copy=False)
    safe = np.where(norm == 0, 1.0, norm)
    if ord is None or ord == 2:
        return x / safe
    return np.sign(x) * (np.abs(x) / safe) ** (ord - 1)


def _extreme_sum_slopes(m: Any, ord: Any) -> Any:
    # ord 1/-1: the absolute column sums; inf/-inf: the absolute row sums. The slope is the sign
    # of m in the picked column (row), shared equally between tied columns (rows).
    over, across = (-2, -1) if ord in (1, -1) else (-1, -2)
    sums = np.sum(np.abs(m), axis=over, keepdims=True)
    if ord in (1, np.inf):
        pick = np.max(sums, axis=across, keepdims=True)
    else:
        pick = np.min(sums, axis=across, keepdims=True)
    hit = sums == pick
    count = np.sum(hit, axis=(-2, -1), keepdims=True)
    return np.sign(m) * hit / count.astype(np.result_type(m), copy=False)


def _matrix_slopes(ans: Any, x: Any, ord: Any, axis: Any, keepdims: bool) -> Any:
    rows, cols = _matrix_axes(x, axis)
    if ord is None or ord == "fro":
        norm = unreduce(ans, x, (rows, cols), keepdims)
        return x / np.where(norm == 0, 1.0, norm)
    m = np.moveaxis(x, (rows, cols), (-2, -1))
    if ord in ("nuc", 2, -2):
        u, _, vh = np.linalg.svd(m, full_matrices=False)
        if ord == 2:
            u, vh = u[..., :, :1], vh[..., :1, :]
        elif ord == -2:
            u, vh = u[..., :, -1:], vh[..., -1:, :]
        slopes = np.matmul(u, vh)
    elif ord in (1, -1, np.inf, -np.inf):
        slopes = _extreme_sum_slopes(m, ord)
    else:
        raise ValueError(f"invalid norm order {ord!r} for matrices")
    return np.moveaxis(slopes, (-2, -1), (rows, cols))


def _slopes(ans: Any, x: Any, ord: Any, axis: Any, keepdims: bool) -> Any:
    if _is_matrix_norm(x, ord, axis):
        if np.iscomplexobj(x):
            raise TypeError("np.linalg.norm of a complex matrix has no gradient rule here; "
                            "take the norm of np.abs(x) or of the stacked real and imaginary "
                            "parts")
        return _matrix_slopes(ans, x, ord, axis, keepdims)
    return _any_vector_slopes(ans, x, ord, axis, keepdims)


def _complex_vector_slopes(ans: Any, x: Any, ord: Any, axis: Any, keepdims: bool) -> Any:
    # a vector norm depends on |x| only: the real slopes at |x| times conj(x) / |x| (the
    # gradient of |z| in JAX's and autograd's convention), zero where x is zero
    magnitude = np.abs(x)
    phase = np.conj(x) / np.where(magnitude == 0, 1.0, magnitude)
    return _vector_slopes(ans, magnitude, ord, axis, keepdims) * phase


def _normed_axes(x: Any, ord: Any, axis: Any) -> Any:
    if _is_matrix_norm(x, ord, axis):
        return _matrix_axes(x, axis)
    return axis


def norm_vjp(
    g: Any, ans: Any, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False
) -> Any:
    """The adjoint spread over the normed axes, times the slopes d norm / dx."""
    axes = _normed_axes(x, ord, axis)
    return unreduce(g, x, axes, keepdims) * _slopes(ans, x, ord, axis, keepdims)


def norm_jvp(
    t: Any, ans: Any, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False
) -> Any:
    """The sum of tangent times slopes over the normed axes."""
    axes = _normed_axes(x, ord, axis)
    return np.real(np.sum(t * _slopes(ans, x, ord, axis, keepdims), axis=axes,
                          keepdims=keepdims))


def vector_norm_vjp(
    g: Any, ans: Any, x: Any, axis: Any = None, keepdims: bool = False, ord: Any = 2
) -> Any:
    """``vector_norm`` treats the axes (all by default) as one vector."""
    return unreduce(g, x, axis, keepdims) * _any_vector_slopes(ans, x, ord, axis, keepdims)


def vector_norm_jvp(
    t: Any, ans: Any, x: Any, axis: Any = None, keepdims: bool = False, ord: Any = 2
) -> Any:
    """``vector_norm`` treats the axes (all by default) as one vector."""
    slopes = _any_vector_slopes(ans, x, ord, axis, keepdims)
    return np.real(np.sum(t * slopes, axis=axis, keepdims=keepdims))


def matrix_norm_vjp(g: Any, ans: Any, x: Any, keepdims: bool = False, ord: Any = "fro") -> Any:
    """``matrix_norm`` norms the last two axes."""
    return norm_vjp(g, ans, x, ord, (-2, -1), keepdims)


def matrix_norm_jvp(t: Any, ans: Any, x: Any, keepdims: bool = False, ord: Any = "fro") -> Any:
    """``matrix_norm`` norms the last two axes."""
    return norm_jvp(t, ans, x, ord, (-2, -1), keepdims)


def _extreme_singular(x: Any, p: Any) -> tuple[Any, Any, Any, Any, Any, Any]:
    # (s_top, u_top, v_top, s_bottom, ...) with cond = s_top / s_bottom: p None/2 divides the
    # largest singular value by the smallest, p = -2 the smallest by the largest.
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    first, last = (0, -1) if p in (None, 2) else (-1, 0)
    return (s[..., first], u[..., :, first], vh[..., first, :],
            s[..., last], u[..., :, last], vh[..., last, :])


def _outer(u: Any, v: Any) -> Any:
    return np.expand_dims(u, -1) * np.expand_dims(v, -2)


def cond_vjp(g: Any, ans: Any, x: Any, p: Any = None) -> Any:
    """cond = |x| |inv(x)| in the norm p; for p None/2/-2 the ratio of the extreme singular
    values (each with slope u v^T)."""
    if p in (None, 2, -2):
        top, u_top, v_top, bottom, u_bottom, v_bottom = _extreme_singular(x, p)
        slopes = (_outer(u_top, v_top) / np.expand_dims(bottom, (-2, -1))
                  - _outer(u_bottom, v_bottom) * np.expand_dims(top / bottom**2, (-2, -1)))
        return np.expand_dims(g, (-2, -1)) * slopes
    inverse = np.linalg.inv(x)
    norm_x = np.linalg.norm(x, p, (-2, -1))
    norm_inverse = np.linalg.norm(inverse, p, (-2, -1))
    direct = norm_vjp(g * norm_inverse, norm_x, x, p, (-2, -1))
    through = norm_vjp(g * norm_x, norm_inverse, inverse, p, (-2, -1))
    return direct - np.matmul(np.matmul(np.swapaxes(inverse, -1, -2), through),
                              np.swapaxes(inverse, -1, -2))


def cond_jvp(t: Any, ans: Any, x: Any, p: Any = None) -> Any:
    """cond = |x| |inv(x)| in the norm p; for p None/2/-2 the ratio of the extreme singular
    values (d s = u^T dx v)."""
    if p in (None, 2, -2):
        top, u_top, v_top, bottom, u_bottom, v_bottom = _extreme_singular(x, p)
        d_top = np.sum(t * _outer(u_top, v_top), axis=(-2, -1))
        d_bottom = np.sum(t * _outer(u_bottom, v_bottom), axis=(-2, -1))
        return d_top / bottom - top * d_bottom / bottom**2
    inverse = np.linalg.inv(x)
    norm_x = np.linalg.norm(x, p, (-2, -1))
    norm_inverse = np.linalg.norm(inverse, p, (-2, -1))
    d_inverse = -np.matmul(np.matmul(inverse, t), inverse)
    return (norm_jvp(t, norm_x, x, p, (-2, -1)) * norm_inverse
            + norm_x * norm_jvp(d_inverse, norm_inverse, inverse, p, (-2, -1)))


defrule(np.linalg.cond, vjp=(cond_vjp,), jvp=(cond_jvp,), argnames=("x",))
defrule(np.linalg.norm, vjp=(norm_vjp,), jvp=(norm_jvp,), argnames=("x",))
if hasattr(np.linalg, "vector_norm"):  # numpy >= 2.0
    defrule(np.linalg.vector_norm, vjp=(vector_norm_vjp,), jvp=(vector_norm_jvp,),
            argnames=("x",))
    defrule(np.linalg.matrix_norm, vjp=(matrix_norm_vjp,), jvp=(matrix_norm_jvp,),
            argnames=("x",))

__all__ = [
    "cond_jvp",
    "cond_vjp",
    "matrix_norm_jvp",
    "matrix_norm_vjp",
    "norm_jvp",
    "norm_vjp",
    "vector_norm_jvp",
    "vector_norm_vjp",
]
