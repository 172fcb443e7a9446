"""Gradient rules of products and matrix functions: matmul, dot, tensordot, inner, outer, vdot,
trace, diagonal, diag, tril/triu, matrix transposes (``x.mT``), ``np.linalg.norm``/``inv``/``det``/
``solve``.

``matmul`` supports every ndim numpy does (1-D operands, batched N-D with broadcast batch axes);
``dot`` and ``inner`` are expressed through the ``tensordot`` rules. Norm rules give the
subgradient 0 at a zero vector instead of 0/0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import inverse_permutation, unbroadcast_to, unreduce
from .registry import alias_method, defvjp, defvjp_attribute


def _mT(x: Any) -> Any:  # the transpose of the last two axes, like numpy's .mT
    return np.swapaxes(x, -1, -2)


# ---- matmul -------------------------------------------------------------------------------------


def matmul_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 @ x2)/dx1 = g @ x2.T, with 1-D operands promoted and batch axes summed out."""
    if np.ndim(x2) == 1:
        if np.ndim(x1) == 1:
            return g * x2
        return unbroadcast_to(np.expand_dims(g, -1) * x2, x1)
    if np.ndim(x1) == 1:
        return unbroadcast_to(np.matmul(x2, np.expand_dims(g, -1))[..., 0], x1)
    return unbroadcast_to(np.matmul(g, _mT(x2)), x1)


def matmul_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 @ x2)/dx2 = x1.T @ g, with 1-D operands promoted and batch axes summed out."""
    if np.ndim(x1) == 1:
        if np.ndim(x2) == 1:
            return g * x1
        if np.ndim(x2) == 2:
            return np.outer(x1, g)
        return unbroadcast_to(np.expand_dims(x1, -1) * np.expand_dims(g, -2), x2)
    if np.ndim(x2) == 1:
        return unbroadcast_to(np.matmul(np.expand_dims(g, -2), x1)[..., 0, :], x2)
    return unbroadcast_to(np.matmul(_mT(x1), g), x2)


# ---- tensordot and the products built on it ----------------------------------------------------


def _tensordot_plan(nda: int, ndb: int, axes: Any) -> tuple[list[int], list[int], Any, Any]:
    # Free axes of a and b, and the permutations that put each partial's axes back in order
    # (np.tensordot lists the remaining axes of each operand in ascending order).
    if np.ndim(axes) == 0:
        a_axes, b_axes = list(range(nda - int(axes), nda)), list(range(int(axes)))
    else:
        a_axes, b_axes = (list(np.atleast_1d(ax)) for ax in axes)
    a_axes, b_axes = [int(i) % nda for i in a_axes], [int(i) % ndb for i in b_axes]
    free_a = [i for i in range(nda) if i not in a_axes]
    free_b = [i for i in range(ndb) if i not in b_axes]
    lhs_order = free_a + [a_axes[b_axes.index(i)] for i in sorted(b_axes)]
    rhs_order = [b_axes[a_axes.index(i)] for i in sorted(a_axes)] + free_b
    return free_a, free_b, inverse_permutation(lhs_order), inverse_permutation(rhs_order)


def tensordot_vjp_lhs(g: Any, ans: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    """Contract g with b over b's free axes, then put a's axes back in order."""
    free_a, free_b, undo, _ = _tensordot_plan(np.ndim(a), np.ndim(b), axes)
    g_axes = list(range(len(free_a), len(free_a) + len(free_b)))
    return np.transpose(np.tensordot(g, b, axes=(g_axes, free_b)), undo)


def tensordot_vjp_rhs(g: Any, ans: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    """Contract a with g over a's free axes, then put b's axes back in order."""
    free_a, _, _, undo = _tensordot_plan(np.ndim(a), np.ndim(b), axes)
    g_axes = list(range(len(free_a)))
    return np.transpose(np.tensordot(a, g, axes=(free_a, g_axes)), undo)


def _dot_axes(a: Any, b: Any) -> tuple[list[int], list[int]]:
    return [np.ndim(a) - 1], [max(np.ndim(b) - 2, 0)]


def dot_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``np.dot`` contracts a's last axis with b's second-to-last (a product if one is 0-d)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast_to(g * b, a)
    return tensordot_vjp_lhs(g, ans, a, b, _dot_axes(a, b))


def dot_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``np.dot`` contracts a's last axis with b's second-to-last (a product if one is 0-d)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast_to(g * a, b)
    return tensordot_vjp_rhs(g, ans, a, b, _dot_axes(a, b))


def inner_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``np.inner`` contracts the last axes of a and b (a product if one is 0-d)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast_to(g * b, a)
    return tensordot_vjp_lhs(g, ans, a, b, ([-1], [-1]))


def inner_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``np.inner`` contracts the last axes of a and b (a product if one is 0-d)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast_to(g * a, b)
    return tensordot_vjp_rhs(g, ans, a, b, ([-1], [-1]))


def outer_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """outer(a, b)[i, j] = a.flat[i] * b.flat[j]."""
    return np.reshape(np.matmul(g, np.ravel(b)), np.shape(a))


def outer_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """outer(a, b)[i, j] = a.flat[i] * b.flat[j]."""
    return np.reshape(np.matmul(np.ravel(a), g), np.shape(b))


def vdot_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """vdot(a, b) = sum(a.flat * b.flat) (real arrays)."""
    return np.reshape(g * np.ravel(b), np.shape(a))


def vdot_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """vdot(a, b) = sum(a.flat * b.flat) (real arrays)."""
    return np.reshape(g * np.ravel(a), np.shape(b))


# ---- diagonals and triangles --------------------------------------------------------------------


def trace_vjp(
    g: Any,
    ans: Any,
    a: Any,
    offset: int = 0,
    axis1: int = 0,
    axis2: int = 1,
    dtype: Any = None,
    out: Any = None,
) -> Any:
    """g lands on the ``offset`` diagonal of the (axis1, axis2) planes."""
    ndim, shape = np.ndim(a), np.shape(a)
    mask = np.eye(shape[axis1], shape[axis2], k=offset, dtype=bool)
    spread = np.expand_dims(g, (-2, -1)) * mask
    partial = np.moveaxis(spread, (-2, -1), (axis1 % ndim, axis2 % ndim))
    return partial if dtype is None else np.asarray(partial, dtype=np.result_type(a))


def diagonal_vjp(g: Any, ans: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """g lands on the ``offset`` diagonal of the (axis1, axis2) planes; zeros elsewhere."""
    ndim, shape = np.ndim(a), np.shape(a)
    rows, cols = shape[axis1], shape[axis2]
    mask = np.eye(rows, cols, k=offset, dtype=bool)
    # Entry i of the diagonal sits in row i (offset >= 0) or column i (offset < 0); pad g to
    # that many entries (the padding falls outside the mask) and spread it along the other axis.
    length = rows if offset >= 0 else cols
    g = np.asarray(g)
    padding = np.zeros((*g.shape[:-1], length - g.shape[-1]), dtype=g.dtype)
    padded = np.concatenate([g, padding], axis=-1)
    spread = (np.expand_dims(padded, -1) if offset >= 0 else np.expand_dims(padded, -2)) * mask
    return np.moveaxis(spread, (-2, -1), (axis1 % ndim, axis2 % ndim))


def diag_vjp(g: Any, ans: Any, v: Any, k: int = 0) -> Any:
    """``np.diag`` builds a matrix from a 1-D v, or extracts the k-th diagonal of a 2-D v."""
    if np.ndim(v) == 1:
        return np.diag(g, k)
    return diagonal_vjp(g, ans, v, k)


def tril_vjp(g: Any, ans: Any, m: Any, k: int = 0) -> Any:
    """Only the kept lower triangle gets a gradient."""
    return np.tril(g, k)


def triu_vjp(g: Any, ans: Any, m: Any, k: int = 0) -> Any:
    """Only the kept upper triangle gets a gradient."""
    return np.triu(g, k)


def matrix_transpose_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``np.matrix_transpose(x)`` / ``x.mT`` swap the last two axes; so does the adjoint."""
    return np.swapaxes(g, -1, -2)


# ---- np.linalg ----------------------------------------------------------------------------------


def norm_vjp(
    g: Any, ans: Any, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False
) -> Any:
    """2-norm/Frobenius: x / norm; vector p-norms (p >= 1 finite, inf, -inf); 0 at a zero vector."""
    return unreduce(g, x, axis, keepdims) * _norm_slopes("norm_vjp", ans, x, ord, axis, keepdims)


def _norm_slopes(rule: str, ans: Any, x: Any, ord: Any, axis: Any, keepdims: bool) -> Any:
    # d norm / dx, shaped like x (ties of the inf-norms share the slope equally).
    matrix = np.ndim(axis) == 1 and len(axis) == 2
    matrix = matrix or (axis is None and ord is not None and np.ndim(x) == 2)
    if matrix and ord not in (None, "fro"):
        raise NotImplementedError(f"{rule}: the matrix norm ord={ord!r} is not supported")
    if ord == 0:
        return np.zeros_like(x)
    norm = unreduce(ans, x, axis, keepdims)
    if ord in (np.inf, -np.inf):
        hit = np.abs(x) == norm
        count = np.sum(hit, axis=axis, keepdims=True)
        return np.sign(x) * hit / np.maximum(count, 1).astype(np.result_type(x), copy=False)
    safe = np.where(norm == 0, 1.0, norm)
    if ord is None or ord == 2 or ord == "fro":
        return x / safe
    return np.sign(x) * (np.abs(x) / safe) ** (ord - 1)


def inv_vjp(g: Any, ans: Any, a: Any) -> Any:
    """d inv(A) = -inv(A) dA inv(A), so the adjoint is -inv(A).T g inv(A).T."""
    return -np.matmul(np.matmul(_mT(ans), g), _mT(ans))


def det_vjp(g: Any, ans: Any, a: Any) -> Any:
    """d det(A) = det(A) tr(inv(A) dA), so the adjoint is g det(A) inv(A).T."""
    return np.expand_dims(g * ans, (-2, -1)) * _mT(np.linalg.inv(a))


def _solve_adjoint(g: Any, a: Any, b: Any) -> Any:
    # numpy >= 2 treats a 1-D b as one vector, anything else as a stack of matrices.
    if np.ndim(b) == 1:
        return np.linalg.solve(_mT(a), np.expand_dims(g, -1))[..., 0]
    return np.linalg.solve(_mT(a), g)


def solve_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """x = solve(A, b): the adjoint of A is -solve(A.T, g) x.T."""
    gb = _solve_adjoint(g, a, b)
    if np.ndim(b) == 1:
        return unbroadcast_to(-np.expand_dims(gb, -1) * np.expand_dims(ans, -2), a)
    return unbroadcast_to(-np.matmul(gb, _mT(ans)), a)


def solve_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """x = solve(A, b): the adjoint of b is solve(A.T, g)."""
    return unbroadcast_to(_solve_adjoint(g, a, b), b)


_PAIR = ("a", "b")

defvjp(np.matmul, matmul_vjp_lhs, matmul_vjp_rhs, argnames=("x1", "x2"))
defvjp(np.dot, dot_vjp_lhs, dot_vjp_rhs, argnames=_PAIR)
defvjp(np.tensordot, tensordot_vjp_lhs, tensordot_vjp_rhs, argnames=_PAIR)
defvjp(np.inner, inner_vjp_lhs, inner_vjp_rhs, argnames=_PAIR)
defvjp(np.outer, outer_vjp_lhs, outer_vjp_rhs, argnames=_PAIR)
defvjp(np.vdot, vdot_vjp_lhs, vdot_vjp_rhs, argnames=_PAIR)
defvjp(np.trace, trace_vjp, argnames=("a",))
defvjp(np.diagonal, diagonal_vjp, argnames=("a",))
defvjp(np.diag, diag_vjp, argnames=("v",))
defvjp(np.tril, tril_vjp, argnames=("m",))
defvjp(np.triu, triu_vjp, argnames=("m",))
for _transpose in (
    getattr(np, "matrix_transpose", None),
    getattr(np.linalg, "matrix_transpose", None),
):
    if _transpose is not None:  # numpy >= 2.0
        defvjp(_transpose, matrix_transpose_vjp, argnames=("x",))
defvjp_attribute("mT", matrix_transpose_vjp)
defvjp(np.linalg.norm, norm_vjp, argnames=("x",))
defvjp(np.linalg.inv, inv_vjp, argnames=("a",))
defvjp(np.linalg.det, det_vjp, argnames=("a",))
defvjp(np.linalg.solve, solve_vjp_a, solve_vjp_b, argnames=_PAIR)
for _name in ("dot", "trace", "diagonal"):
    alias_method(_name, getattr(np, _name))

__all__ = [
    "det_vjp",
    "diag_vjp",
    "diagonal_vjp",
    "dot_vjp_lhs",
    "dot_vjp_rhs",
    "inner_vjp_lhs",
    "inner_vjp_rhs",
    "inv_vjp",
    "matmul_vjp_lhs",
    "matmul_vjp_rhs",
    "matrix_transpose_vjp",
    "norm_vjp",
    "outer_vjp_lhs",
    "outer_vjp_rhs",
    "solve_vjp_a",
    "solve_vjp_b",
    "tensordot_vjp_lhs",
    "tensordot_vjp_rhs",
    "trace_vjp",
    "tril_vjp",
    "triu_vjp",
    "vdot_vjp_lhs",
    "vdot_vjp_rhs",
]
