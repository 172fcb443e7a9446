"""Forward-mode (JVP) rules of the primitives of ``rules_linalg``.

Products are bilinear, so the tangent of each factor is the same product with the factor replaced
by its tangent (``matmul(t, x2)``): numpy's own shape handling (1-D operands, broadcast batch
axes, ``axes=``) gives exactly the output's shape. Diagonals, triangles and transposes are linear
and apply themselves to the tangent. ``inv``/``det``/``solve`` use the usual matrix identities.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .registry import defjvp, defjvp_attribute
from .rules_linalg import _norm_slopes

# ---- products -----------------------------------------------------------------------------------


def matmul_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return np.matmul(t, x2)


def matmul_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return np.matmul(x1, t)


def dot_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.dot(t, b)


def dot_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.dot(a, t)


def tensordot_jvp_lhs(t: Any, ans: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    return np.tensordot(t, b, axes)


def tensordot_jvp_rhs(t: Any, ans: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    return np.tensordot(a, t, axes)


def inner_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.inner(t, b)


def inner_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.inner(a, t)


def outer_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.outer(t, b)


def outer_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.outer(a, t)


def vdot_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.vdot(t, b)


def vdot_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.vdot(a, t)


# ---- diagonals and triangles --------------------------------------------------------------------


def trace_jvp(
    t: Any,
    ans: Any,
    a: Any,
    offset: int = 0,
    axis1: int = 0,
    axis2: int = 1,
    dtype: Any = None,
    out: Any = None,
) -> Any:
    return np.trace(t, offset, axis1, axis2, dtype)


def diagonal_jvp(t: Any, ans: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    return np.diagonal(t, offset, axis1, axis2)


def diag_jvp(t: Any, ans: Any, v: Any, k: int = 0) -> Any:
    return np.diag(t, k)


def tril_jvp(t: Any, ans: Any, m: Any, k: int = 0) -> Any:
    return np.tril(t, k)


def triu_jvp(t: Any, ans: Any, m: Any, k: int = 0) -> Any:
    return np.triu(t, k)


def matrix_transpose_jvp(t: Any, ans: Any, x: Any) -> Any:
    return np.swapaxes(t, -1, -2)


# ---- np.linalg ----------------------------------------------------------------------------------


def norm_jvp(
    t: Any, ans: Any, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False
) -> Any:
    """sum(slope * t) over the normed axes (the slopes of ``norm_vjp``; 0 at a zero vector)."""
    slopes = _norm_slopes("norm_jvp", ans, x, ord, axis, keepdims)
    return np.sum(t * slopes, axis=axis, keepdims=keepdims)


def inv_jvp(t: Any, ans: Any, a: Any) -> Any:
    """d inv(A) = -inv(A) dA inv(A)."""
    return -np.matmul(np.matmul(ans, t), ans)


def det_jvp(t: Any, ans: Any, a: Any) -> Any:
    """d det(A) = det(A) tr(solve(A, dA))."""
    return ans * np.trace(np.linalg.solve(a, t), axis1=-2, axis2=-1)


def solve_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """x = solve(A, b): dx = -solve(A, dA x) (numpy >= 2: a 1-D b is one vector)."""
    if np.ndim(b) == 1:
        product = np.matmul(t, np.expand_dims(ans, -1))
        return -np.linalg.solve(a, product)[..., 0]
    return -np.linalg.solve(a, np.matmul(t, ans))


def solve_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """x = solve(A, b): dx = solve(A, db)."""
    return np.linalg.solve(a, t)


_PAIR = ("a", "b")

defjvp(np.matmul, matmul_jvp_lhs, matmul_jvp_rhs, argnames=("x1", "x2"))
defjvp(np.dot, dot_jvp_lhs, dot_jvp_rhs, argnames=_PAIR)
defjvp(np.tensordot, tensordot_jvp_lhs, tensordot_jvp_rhs, argnames=_PAIR)
defjvp(np.inner, inner_jvp_lhs, inner_jvp_rhs, argnames=_PAIR)
defjvp(np.outer, outer_jvp_lhs, outer_jvp_rhs, argnames=_PAIR)
defjvp(np.vdot, vdot_jvp_lhs, vdot_jvp_rhs, argnames=_PAIR)
defjvp(np.trace, trace_jvp, argnames=("a",))
defjvp(np.diagonal, diagonal_jvp, argnames=("a",))
defjvp(np.diag, diag_jvp, argnames=("v",))
defjvp(np.tril, tril_jvp, argnames=("m",))
defjvp(np.triu, triu_jvp, argnames=("m",))
for _transpose in (
    getattr(np, "matrix_transpose", None),
    getattr(np.linalg, "matrix_transpose", None),
):
    if _transpose is not None:  # numpy >= 2.0
        defjvp(_transpose, matrix_transpose_jvp, argnames=("x",))
defjvp_attribute("mT", matrix_transpose_jvp)
defjvp(np.linalg.norm, norm_jvp, argnames=("x",))
defjvp(np.linalg.inv, inv_jvp, argnames=("a",))
defjvp(np.linalg.det, det_jvp, argnames=("a",))
defjvp(np.linalg.solve, solve_jvp_a, solve_jvp_b, argnames=_PAIR)

__all__ = [
    "det_jvp",
    "diag_jvp",
    "diagonal_jvp",
    "dot_jvp_lhs",
    "dot_jvp_rhs",
    "inner_jvp_lhs",
    "inner_jvp_rhs",
    "inv_jvp",
    "matmul_jvp_lhs",
    "matmul_jvp_rhs",
    "matrix_transpose_jvp",
    "norm_jvp",
    "outer_jvp_lhs",
    "outer_jvp_rhs",
    "solve_jvp_a",
    "solve_jvp_b",
    "tensordot_jvp_lhs",
    "tensordot_jvp_rhs",
    "trace_jvp",
    "tril_jvp",
    "triu_jvp",
    "vdot_jvp_lhs",
    "vdot_jvp_rhs",
]
