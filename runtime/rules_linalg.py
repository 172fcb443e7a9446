"""Gradient rules of matrix functions: trace, diagonal, diag, tril/triu, matrix transposes
(``x.mT``), and ``np.linalg``'s inv, det, slogdet, solve, matrix_power, multi_dot, tensorinv and
tensorsolve. Each function's VJP and JVP are written side by side.

Every rule accepts stacked matrices (``(..., n, n)``) wherever numpy does. Diagonals, triangles
and transposes are linear: their JVPs apply the function itself to the tangent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import inverse_permutation, unbroadcast_to
from .registry import alias_method, defjvp_attribute, defrule, defvjp_attribute


def _mT(x: Any) -> Any:  # the transpose of the last two axes, like numpy's .mT
    return np.swapaxes(x, -1, -2)


# ---- diagonals and triangles --------------------------------------------------------------------


def trace_vjp(
    g: Any, ans: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
    out: Any = None,
) -> Any:
    """g lands on the ``offset`` diagonal of the (axis1, axis2) planes."""
    ndim, shape = np.ndim(a), np.shape(a)
    mask = np.eye(shape[axis1], shape[axis2], k=offset, dtype=bool)
    spread = np.expand_dims(g, (-2, -1)) * mask
    partial = np.moveaxis(spread, (-2, -1), (axis1 % ndim, axis2 % ndim))
    return partial if dtype is None else np.asarray(partial, dtype=np.result_type(a))


def trace_jvp(
    t: Any, ans: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
    out: Any = None,
) -> Any:
    return np.trace(t, offset, axis1, axis2, dtype)


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


def diagonal_jvp(t: Any, ans: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    return np.diagonal(t, offset, axis1, axis2)


def linalg_diagonal_vjp(g: Any, ans: Any, x: Any, offset: int = 0) -> Any:
    """``np.linalg.diagonal`` takes the diagonals of the last two axes."""
    return diagonal_vjp(g, ans, x, offset, -2, -1)


def linalg_diagonal_jvp(t: Any, ans: Any, x: Any, offset: int = 0) -> Any:
    return np.diagonal(t, offset, -2, -1)


def linalg_trace_vjp(g: Any, ans: Any, x: Any, offset: int = 0, dtype: Any = None) -> Any:
    """``np.linalg.trace`` sums the diagonals of the last two axes."""
    return trace_vjp(g, ans, x, offset, -2, -1, dtype)


def linalg_trace_jvp(t: Any, ans: Any, x: Any, offset: int = 0, dtype: Any = None) -> Any:
    return np.trace(t, offset, -2, -1, dtype)


def diag_vjp(g: Any, ans: Any, v: Any, k: int = 0) -> Any:
    """``np.diag`` builds a matrix from a 1-D v, or extracts the k-th diagonal of a 2-D v."""
    if np.ndim(v) == 1:
        return np.diag(g, k)
    return diagonal_vjp(g, ans, v, k)


def diag_jvp(t: Any, ans: Any, v: Any, k: int = 0) -> Any:
    return np.diag(t, k)


def tril_vjp(g: Any, ans: Any, m: Any, k: int = 0) -> Any:
    """Only the kept lower triangle gets a gradient."""
    return np.tril(g, k)


def tril_jvp(t: Any, ans: Any, m: Any, k: int = 0) -> Any:
    return np.tril(t, k)


def triu_vjp(g: Any, ans: Any, m: Any, k: int = 0) -> Any:
    """Only the kept upper triangle gets a gradient."""
    return np.triu(g, k)


def triu_jvp(t: Any, ans: Any, m: Any, k: int = 0) -> Any:
    return np.triu(t, k)


def matrix_transpose_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``np.matrix_transpose(x)`` / ``x.mT`` swap the last two axes; so does the adjoint."""
    return np.swapaxes(g, -1, -2)


def matrix_transpose_jvp(t: Any, ans: Any, x: Any) -> Any:
    return np.swapaxes(t, -1, -2)


# ---- inverse, determinants, solve ---------------------------------------------------------------


def inv_vjp(g: Any, ans: Any, a: Any) -> Any:
    """d inv(A) = -inv(A) dA inv(A), so the adjoint is -inv(A).T g inv(A).T."""
    return -np.matmul(np.matmul(_mT(ans), g), _mT(ans))


def inv_jvp(t: Any, ans: Any, a: Any) -> Any:
    """d inv(A) = -inv(A) dA inv(A)."""
    return -np.matmul(np.matmul(ans, t), ans)


def det_vjp(g: Any, ans: Any, a: Any) -> Any:
    """d det(A) = det(A) tr(inv(A) dA), so the adjoint is g det(A) inv(A).T."""
    return np.expand_dims(g * ans, (-2, -1)) * _mT(np.linalg.inv(a))


def det_jvp(t: Any, ans: Any, a: Any) -> Any:
    """d det(A) = det(A) tr(solve(A, dA))."""
    return ans * np.trace(np.linalg.solve(a, t), axis1=-2, axis2=-1)


def slogdet_vjp(g: Any, ans: Any, a: Any) -> Any:
    """(sign, log|det A|): the sign is piecewise constant; d log|det A| = tr(inv(A) dA)."""
    return np.expand_dims(g[1], (-2, -1)) * _mT(np.linalg.inv(a))


def slogdet_jvp(t: Any, ans: Any, a: Any) -> Any:
    """A tangent per output: zero for the sign, tr(solve(A, dA)) for log|det A|."""
    return (np.zeros_like(ans[0]), np.trace(np.linalg.solve(a, t), axis1=-2, axis2=-1))


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


def solve_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """x = solve(A, b): dx = -solve(A, dA x) (numpy >= 2: a 1-D b is one vector)."""
    if np.ndim(b) == 1:
        product = np.matmul(t, np.expand_dims(ans, -1))
        return -np.linalg.solve(a, product)[..., 0]
    return -np.linalg.solve(a, np.matmul(t, ans))


def solve_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """x = solve(A, b): dx = solve(A, db)."""
    return np.linalg.solve(a, t)


# ---- matrix_power and multi_dot -----------------------------------------------------------------


def _powers(a: Any, n: int) -> list[Any]:
    # [I, B, B^2, ..., B^(|n|-1)] with B = A (n > 0) or inv(A) (n < 0), stacked like a.
    base = a if n > 0 else np.linalg.inv(a)
    powers = [np.broadcast_to(np.eye(np.shape(a)[-1], dtype=np.result_type(a)), np.shape(a))]
    for _ in range(abs(n) - 1):
        powers.append(np.matmul(powers[-1], base))
    return powers


def matrix_power_vjp(g: Any, ans: Any, a: Any, n: int) -> Any:
    """d B^m = sum_k B^k dB B^(m-1-k), with dB = -B dA B when B = inv(A) (n < 0)."""
    if n == 0:
        return np.zeros_like(a)
    powers = _powers(a, n)
    m = abs(n)
    partial = np.zeros_like(g)
    for k in range(m):
        partial = partial + np.matmul(np.matmul(_mT(powers[k]), g), _mT(powers[m - 1 - k]))
    if n < 0:
        inverse = _mT(powers[1]) if m > 1 else np.linalg.inv(_mT(a))
        partial = -np.matmul(np.matmul(inverse, partial), inverse)
    return partial


def matrix_power_jvp(t: Any, ans: Any, a: Any, n: int) -> Any:
    """d B^m = sum_k B^k dB B^(m-1-k), with dB = -B dA B when B = inv(A) (n < 0)."""
    if n == 0:
        return np.zeros_like(ans)
    powers = _powers(a, n)
    m = abs(n)
    if n < 0:
        inverse = powers[1] if m > 1 else np.linalg.inv(a)
        t = -np.matmul(np.matmul(inverse, t), inverse)
    tangent = np.zeros_like(ans)
    for k in range(m):
        tangent = tangent + np.matmul(np.matmul(powers[k], t), powers[m - 1 - k])
    return tangent


def _as_matrices(arrays: Any) -> list[Any]:
    # multi_dot's operands as 2-D: a 1-D first array is a row, a 1-D last array a column.
    count = len(arrays)
    matrices = []
    for i in range(count):
        x = arrays[i]
        if np.ndim(x) == 1:
            x = np.reshape(x, (1, -1)) if i == 0 else np.reshape(x, (-1, 1))
        matrices.append(x)
    return matrices


def multi_dot_vjp(g: Any, ans: Any, arrays: Any) -> list[Any]:
    """One partial per matrix: prefix.T @ g @ suffix.T (prefix/suffix: the products before and
    after it)."""
    matrices = _as_matrices(arrays)
    count = len(matrices)
    g2 = np.reshape(g, (np.shape(matrices[0])[0], np.shape(matrices[-1])[1]))
    suffixes = [g2]  # suffixes[j] = g @ (M_{count-1} ... M_{count-j})^T
    for j in range(count - 1, 0, -1):
        suffixes.append(np.matmul(suffixes[-1], _mT(matrices[j])))
    partials = []
    prefix = None
    for i in range(count):
        right = suffixes[count - 1 - i]
        partial = right if prefix is None else np.matmul(_mT(prefix), right)
        partials.append(np.reshape(partial, np.shape(arrays[i])))
        prefix = matrices[i] if prefix is None else np.matmul(prefix, matrices[i])
    return partials


def multi_dot_jvp(t: Any, ans: Any, arrays: Any) -> Any:
    """The sum over the matrices of the product with that matrix replaced by its tangent."""
    count = len(arrays)
    tangent = np.zeros_like(ans)
    for i in range(count):
        replaced = list(arrays)
        replaced[i] = t[i]
        tangent = tangent + np.linalg.multi_dot(replaced)
    return tangent


# ---- tensorinv and tensorsolve ------------------------------------------------------------------


def _tensor_square(a: Any, ind: int) -> Any:
    rows = int(np.prod(np.shape(a)[:ind]))
    return np.reshape(a, (rows, -1))


def tensorinv_vjp(g: Any, ans: Any, a: Any, ind: int = 2) -> Any:
    """``tensorinv`` is ``inv`` of a reshaped to a square matrix, reshaped back."""
    inverse = _tensor_square(ans, np.ndim(ans) - ind)
    g2 = np.reshape(g, np.shape(inverse))
    return np.reshape(-np.matmul(np.matmul(inverse.T, g2), inverse.T), np.shape(a))


def tensorinv_jvp(t: Any, ans: Any, a: Any, ind: int = 2) -> Any:
    """``tensorinv`` is ``inv`` of a reshaped to a square matrix, reshaped back."""
    inverse = _tensor_square(ans, np.ndim(ans) - ind)
    t2 = _tensor_square(t, ind)
    return np.reshape(-np.matmul(np.matmul(inverse, t2), inverse), np.shape(ans))


def _tensorsolve_order(a: Any, axes: Any) -> list[int]:
    # The axes of a as tensorsolve orders them: the listed ``axes`` moved to the end.
    order = list(range(np.ndim(a)))
    if axes is not None:
        for k in axes:
            order.remove(k % np.ndim(a))
            order.append(k % np.ndim(a))
    return order


def tensorsolve_vjp_a(g: Any, ans: Any, a: Any, b: Any, axes: Any = None) -> Any:
    """x = tensorsolve(a, b) solves a (reshaped to a matrix) against b.ravel()."""
    order = _tensorsolve_order(a, axes)
    matrix = np.reshape(np.transpose(a, order), (np.size(b), np.size(ans)))
    gb = np.linalg.solve(matrix.T, np.ravel(g))
    partial = -np.reshape(np.outer(gb, np.ravel(ans)), np.shape(np.transpose(a, order)))
    return np.transpose(partial, inverse_permutation(order))


def tensorsolve_vjp_b(g: Any, ans: Any, a: Any, b: Any, axes: Any = None) -> Any:
    """x = tensorsolve(a, b): the adjoint of b is solve(A.T, g) (A: a as a matrix)."""
    order = _tensorsolve_order(a, axes)
    matrix = np.reshape(np.transpose(a, order), (np.size(b), np.size(ans)))
    return np.reshape(np.linalg.solve(matrix.T, np.ravel(g)), np.shape(b))


def tensorsolve_jvp_a(t: Any, ans: Any, a: Any, b: Any, axes: Any = None) -> Any:
    """dx = -tensorsolve(a, da . x)."""
    order = _tensorsolve_order(a, axes)
    matrix = np.reshape(np.transpose(a, order), (np.size(b), np.size(ans)))
    dmatrix = np.reshape(np.transpose(t, order), (np.size(b), np.size(ans)))
    dx = -np.linalg.solve(matrix, np.matmul(dmatrix, np.ravel(ans)))
    return np.reshape(dx, np.shape(ans))


def tensorsolve_jvp_b(t: Any, ans: Any, a: Any, b: Any, axes: Any = None) -> Any:
    return np.linalg.tensorsolve(a, t, axes)


defrule(np.trace, vjp=(trace_vjp,), jvp=(trace_jvp,), argnames=("a",))
defrule(np.diagonal, vjp=(diagonal_vjp,), jvp=(diagonal_jvp,), argnames=("a",))
if hasattr(np.linalg, "diagonal"):  # numpy >= 2.0
    defrule(np.linalg.diagonal, vjp=(linalg_diagonal_vjp,), jvp=(linalg_diagonal_jvp,),
            argnames=("x",))
    defrule(np.linalg.trace, vjp=(linalg_trace_vjp,), jvp=(linalg_trace_jvp,), argnames=("x",))
defrule(np.diag, vjp=(diag_vjp,), jvp=(diag_jvp,), argnames=("v",))
defrule(np.tril, vjp=(tril_vjp,), jvp=(tril_jvp,), argnames=("m",))
defrule(np.triu, vjp=(triu_vjp,), jvp=(triu_jvp,), argnames=("m",))
for _transpose in (
    getattr(np, "matrix_transpose", None),
    getattr(np.linalg, "matrix_transpose", None),
):
    if _transpose is not None:  # numpy >= 2.0
        defrule(_transpose, vjp=(matrix_transpose_vjp,), jvp=(matrix_transpose_jvp,),
                argnames=("x",))
defvjp_attribute("mT", matrix_transpose_vjp)
defjvp_attribute("mT", matrix_transpose_jvp)
defrule(np.linalg.inv, vjp=(inv_vjp,), jvp=(inv_jvp,), argnames=("a",))
defrule(np.linalg.det, vjp=(det_vjp,), jvp=(det_jvp,), argnames=("a",))
defrule(np.linalg.slogdet, vjp=(slogdet_vjp,), jvp=(slogdet_jvp,), argnames=("a",))
defrule(np.linalg.solve, vjp=(solve_vjp_a, solve_vjp_b), jvp=(solve_jvp_a, solve_jvp_b),
        argnames=("a", "b"))
defrule(np.linalg.matrix_power, vjp=(matrix_power_vjp, None), jvp=(matrix_power_jvp, None),
        argnames=("a", "n"))
defrule(np.linalg.multi_dot, vjp=(multi_dot_vjp,), jvp=(multi_dot_jvp,), argnames=("arrays",))
defrule(np.linalg.tensorinv, vjp=(tensorinv_vjp,), jvp=(tensorinv_jvp,), argnames=("a",))
defrule(np.linalg.tensorsolve, vjp=(tensorsolve_vjp_a, tensorsolve_vjp_b),
        jvp=(tensorsolve_jvp_a, tensorsolve_jvp_b), argnames=("a", "b"))
for _name in ("trace", "diagonal"):
    alias_method(_name, getattr(np, _name))

__all__ = [
    "det_jvp",
    "det_vjp",
    "diag_jvp",
    "diag_vjp",
    "diagonal_jvp",
    "diagonal_vjp",
    "inv_jvp",
    "inv_vjp",
    "linalg_diagonal_jvp",
    "linalg_diagonal_vjp",
    "linalg_trace_jvp",
    "linalg_trace_vjp",
    "matrix_power_jvp",
    "matrix_power_vjp",
    "matrix_transpose_jvp",
    "matrix_transpose_vjp",
    "multi_dot_jvp",
    "multi_dot_vjp",
    "slogdet_jvp",
    "slogdet_vjp",
    "solve_jvp_a",
    "solve_jvp_b",
    "solve_vjp_a",
    "solve_vjp_b",
    "tensorinv_jvp",
    "tensorinv_vjp",
    "tensorsolve_jvp_a",
    "tensorsolve_jvp_b",
    "tensorsolve_vjp_a",
    "tensorsolve_vjp_b",
    "trace_jvp",
    "trace_vjp",
    "tril_jvp",
    "tril_vjp",
    "triu_jvp",
    "triu_vjp",
]
