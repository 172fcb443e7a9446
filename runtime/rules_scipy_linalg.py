"""Gradient rules of ``scipy.linalg``, loaded once user code has imported scipy.linalg.

Real matrices. Functions that read one triangle of a symmetric matrix (``cholesky``,
``cho_factor``, ``solve``/``inv`` with ``assume_a='pos'``/``'sym'``) get the symmetric gradient
(the convention of autograd): exact along every symmetric perturbation; their JVPs use the
symmetric part of the tangent, so the two modes stay each other's transpose. Matrix functions
(``expm``, ``logm``) use the block identity ``f([[A, E], [0, A]]) = [[f(A), L_f(A, E)],
[0, f(A)]]`` for the Fréchet derivative ``L_f``, whose adjoint is ``L_f(Aᵀ, ·)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import linalg

from .registry import defrule
from .rules_decompositions import (
    eigh_jvp,
    eigh_vjp,
    eigvalsh_jvp,
    eigvalsh_vjp,
    svdvals_jvp,
    svdvals_vjp,
)
from .rules_norm import norm_jvp, norm_vjp

__all__ = [
    "cho_factor_jvp",
    "cho_factor_vjp",
    "cho_solve_jvp_b",
    "cho_solve_jvp_c_and_lower",
    "cho_solve_vjp_b",
    "cho_solve_vjp_c_and_lower",
    "expm_jvp",
    "expm_vjp",
    "logm_jvp",
    "logm_vjp",
    "lu_factor_jvp",
    "lu_factor_vjp",
    "lu_solve_jvp_b",
    "lu_solve_jvp_lu_and_piv",
    "lu_solve_vjp_b",
    "lu_solve_vjp_lu_and_piv",
    "scipy_cholesky_jvp",
    "scipy_cholesky_vjp",
    "scipy_det_jvp",
    "scipy_det_vjp",
    "scipy_eigh_jvp",
    "scipy_eigh_vjp",
    "scipy_inv_jvp",
    "scipy_inv_vjp",
    "scipy_norm_jvp",
    "scipy_norm_vjp",
    "scipy_solve_jvp_a",
    "scipy_solve_jvp_b",
    "scipy_solve_vjp_a",
    "scipy_solve_vjp_b",
    "scipy_svdvals_jvp",
    "scipy_svdvals_vjp",
    "solve_banded_jvp_ab",
    "solve_banded_jvp_b",
    "solve_banded_vjp_ab",
    "solve_banded_vjp_b",
    "solve_sylvester_jvp_a",
    "solve_sylvester_jvp_b",
    "solve_sylvester_jvp_q",
    "solve_sylvester_vjp_a",
    "solve_sylvester_vjp_b",
    "solve_sylvester_vjp_q",
    "solve_triangular_jvp_a",
    "solve_triangular_jvp_b",
    "solve_triangular_vjp_a",
    "solve_triangular_vjp_b",
    "sqrtm_jvp",
    "sqrtm_vjp",
    "toeplitz_jvp_c",
    "toeplitz_jvp_r",
    "toeplitz_vjp_c",
    "toeplitz_vjp_r",
]  # fmt: skip

_SYMMETRIC = ("sym", "symmetric", "her", "hermitian", "pos", "positive definite")
_GENERAL = (None, "gen", "general")


def _t(a: Any) -> Any:
    return np.swapaxes(a, -1, -2)


def _sym(a: Any) -> Any:
    return 0.5 * (a + _t(a))


def _outer(left: Any, right: Any) -> Any:
    """``left rightᵀ`` for right-hand sides that are vectors (n,) or matrices (n, k)."""
    if np.ndim(right) == 1:
        return np.outer(left, right)
    return left @ _t(right)


# ---- solve_triangular -------------------------------------------------------------------------


def _transposed(trans: Any) -> bool:
    if trans in (0, "N"):
        return False
    if trans in (1, 2, "T", "C"):
        return True
    raise ValueError(f"solve_triangular: unknown trans={trans!r}")


def _triangle(a: Any, lower: bool, unit_diagonal: bool) -> Any:
    """The entries of ``a`` that solve_triangular reads."""
    if lower:
        return np.tril(a, -1 if unit_diagonal else 0)
    return np.triu(a, 1 if unit_diagonal else 0)


def solve_triangular_vjp_a(
    g: Any, ans: Any, a: Any, b: Any, trans: Any = 0, lower: bool = False,
    unit_diagonal: bool = False, overwrite_b: bool = False, check_finite: bool = True,
) -> Any:
    """``op(A)̄ = -b̄ xᵀ`` with ``b̄ = op(A)⁻ᵀ g``, kept on the triangle A is read from."""
    b_bar = linalg.solve_triangular(a, g, trans=1 - int(_transposed(trans)), lower=lower,
                                    unit_diagonal=unit_diagonal)
    op_bar = -_outer(b_bar, ans)
    return _triangle(_t(op_bar) if _transposed(trans) else op_bar, lower, unit_diagonal)


def solve_triangular_jvp_a(
    t: Any, ans: Any, a: Any, b: Any, trans: Any = 0, lower: bool = False,
    unit_diagonal: bool = False, overwrite_b: bool = False, check_finite: bool = True,
) -> Any:
    dot = _triangle(t, lower, unit_diagonal)
    op_dot = _t(dot) if _transposed(trans) else dot
    return -linalg.solve_triangular(a, op_dot @ ans, trans=int(_transposed(trans)), lower=lower,
                                    unit_diagonal=unit_diagonal)


def solve_triangular_vjp_b(
    g: Any, ans: Any, a: Any, b: Any, trans: Any = 0, lower: bool = False,
    unit_diagonal: bool = False, overwrite_b: bool = False, check_finite: bool = True,
) -> Any:
    return linalg.solve_triangular(a, g, trans=1 - int(_transposed(trans)), lower=lower,
                                   unit_diagonal=unit_diagonal)


def solve_triangular_jvp_b(
    t: Any, ans: Any, a: Any, b: Any, trans: Any = 0, lower: bool = False,
    unit_diagonal: bool = False, overwrite_b: bool = False, check_finite: bool = True,
) -> Any:
    return linalg.solve_triangular(a, t, trans=int(_transposed(trans)), lower=lower,
                                   unit_diagonal=unit_diagonal)


defrule(linalg.solve_triangular, vjp=(solve_triangular_vjp_a, solve_triangular_vjp_b),
        jvp=(solve_triangular_jvp_a, solve_triangular_jvp_b), argnames=("a", "b"))


# ---- Cholesky: cholesky, cho_factor, cho_solve -------------------------------------------------


def _phi(x: Any) -> Any:
    """The lower triangle of ``x`` with its diagonal halved."""
    return np.tril(x) - 0.5 * np.diag(np.diag(x))


def _cholesky_adjoint(lower_factor: Any, lower_bar: Any) -> Any:
    """``sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)``: the symmetric adjoint of ``A`` for ``A = L Lᵀ``."""
    inner = _phi(_t(lower_factor) @ lower_bar)
    left = linalg.solve_triangular(lower_factor, inner, trans=1, lower=True)
    return _sym(_t(linalg.solve_triangular(lower_factor, _t(left), trans=1, lower=True)))


def _cholesky_tangent(lower_factor: Any, a_dot: Any) -> Any:
    """``L Φ(L⁻¹ sym(Ȧ) L⁻ᵀ)``."""
    left = linalg.solve_triangular(lower_factor, _sym(a_dot), lower=True)
    inner = linalg.solve_triangular(lower_factor, _t(left), lower=True)
    return lower_factor @ _phi(inner)


def scipy_cholesky_vjp(
    g: Any, ans: Any, a: Any, lower: bool = False, overwrite_a: bool = False,
    check_finite: bool = True,
) -> Any:
    if lower:
        return _cholesky_adjoint(ans, g)
    return _cholesky_adjoint(_t(ans), _t(g))


def scipy_cholesky_jvp(
    t: Any, ans: Any, a: Any, lower: bool = False, overwrite_a: bool = False,
    check_finite: bool = True,
) -> Any:
    if lower:
        return _cholesky_tangent(ans, t)
    return _t(_cholesky_tangent(_t(ans), t))


def _keeps_other_triangle() -> float:
    # scipy < 1.18 leaves a's entries on the triangle cho_factor does not use; 1.18 zeroes it
    probe = linalg.cho_factor(np.array([[2.0, 1.0], [1.0, 3.0]]), lower=True)[0]
    return 1.0 if probe[0, 1] == 1.0 else 0.0


_KEEPS_A = _keeps_other_triangle()


def cho_factor_vjp(
    g: Any, ans: Any, a: Any, lower: bool = False, overwrite_a: bool = False,
    check_finite: bool = True,
) -> Any:
    """``cho_factor`` returns ``(c, lower)``: the factor on one triangle of ``c``, the entries of
    ``a`` unchanged on the other; each part sends its adjoint back accordingly."""
    c, g_c = ans[0], g[0]
    if lower:
        return _cholesky_adjoint(np.tril(c), np.tril(g_c)) + np.triu(g_c, 1) * _KEEPS_A
    return _cholesky_adjoint(_t(np.triu(c)), _t(np.triu(g_c))) + np.tril(g_c, -1) * _KEEPS_A


def cho_factor_jvp(
    t: Any, ans: Any, a: Any, lower: bool = False, overwrite_a: bool = False,
    check_finite: bool = True,
) -> Any:
    c = ans[0]
    if lower:
        return _cholesky_tangent(np.tril(c), t) + np.triu(t, 1) * _KEEPS_A, 0.0
    return _t(_cholesky_tangent(_t(np.triu(c)), t)) + np.tril(t, -1) * _KEEPS_A, 0.0


def _factor(c_and_lower: Any) -> Any:
    """The lower Cholesky factor ``L`` held by ``(c, lower)``."""
    c, lower = c_and_lower[0], c_and_lower[1]
    return np.tril(c) if lower else _t(np.triu(c))


def cho_solve_vjp_c_and_lower(
    g: Any, ans: Any, c_and_lower: Any, b: Any, overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    """``A̅ = -sym(b̄ xᵀ)`` for ``A = L Lᵀ``, sent to the factor as ``L̄ = 2 A̅ L`` (lower)."""
    b_bar = linalg.cho_solve(c_and_lower, g)
    a_bar = -_sym(_outer(b_bar, ans))
    factor_bar = 2.0 * a_bar @ _factor(c_and_lower)
    if c_and_lower[1]:
        return np.tril(factor_bar), 0.0
    return np.triu(_t(factor_bar)), 0.0


def cho_solve_jvp_c_and_lower(
    t: Any, ans: Any, c_and_lower: Any, b: Any, overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    factor = _factor(c_and_lower)
    factor_dot = _factor((t[0], c_and_lower[1]))
    a_dot = factor_dot @ _t(factor) + factor @ _t(factor_dot)
    return -linalg.cho_solve(c_and_lower, a_dot @ ans)


def cho_solve_vjp_b(
    g: Any, ans: Any, c_and_lower: Any, b: Any, overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    return linalg.cho_solve(c_and_lower, g)


def cho_solve_jvp_b(
    t: Any, ans: Any, c_and_lower: Any, b: Any, overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    return linalg.cho_solve(c_and_lower, t)


defrule(linalg.cholesky, vjp=(scipy_cholesky_vjp,), jvp=(scipy_cholesky_jvp,), argnames=("a",))
defrule(linalg.cho_factor, vjp=(cho_factor_vjp,), jvp=(cho_factor_jvp,), argnames=("a",))
defrule(linalg.cho_solve, vjp=(cho_solve_vjp_c_and_lower, cho_solve_vjp_b),
        jvp=(cho_solve_jvp_c_and_lower, cho_solve_jvp_b), argnames=("c_and_lower", "b"))


# ---- solve, inv, det --------------------------------------------------------------------------


def _check_assume_a(function: str, assume_a: Any) -> bool:
    """Whether ``assume_a`` makes scipy read one triangle of a symmetric matrix."""
    if assume_a in _SYMMETRIC:
        return True
    if assume_a in _GENERAL:
        return False
    raise NotImplementedError(f"the gradient of scipy.linalg.{function} with "
                              f"assume_a={assume_a!r} is not implemented (use 'gen' or 'pos')")


def scipy_solve_vjp_a(
    g: Any, ans: Any, a: Any, b: Any, lower: bool = False, overwrite_a: bool = False,
    overwrite_b: bool = False, check_finite: bool = True, assume_a: Any = None,
    transposed: bool = False,
) -> Any:
    """``op(A)̄ = -b̄ xᵀ`` with ``b̄ = op(A)⁻ᵀ g``."""
    b_bar = scipy_solve_vjp_b(g, ans, a, b, lower, False, False, True, assume_a, transposed)
    op_bar = -_outer(b_bar, ans)
    if _check_assume_a("solve", assume_a):
        return _sym(op_bar)
    return _t(op_bar) if transposed else op_bar


def scipy_solve_jvp_a(
    t: Any, ans: Any, a: Any, b: Any, lower: bool = False, overwrite_a: bool = False,
    overwrite_b: bool = False, check_finite: bool = True, assume_a: Any = None,
    transposed: bool = False,
) -> Any:
    if _check_assume_a("solve", assume_a):
        op_dot = _sym(t)
    else:
        op_dot = _t(t) if transposed else t
    return scipy_solve_jvp_b(-(op_dot @ ans), ans, a, b, lower, False, False, True, assume_a,
                             transposed)


def scipy_solve_vjp_b(
    g: Any, ans: Any, a: Any, b: Any, lower: bool = False, overwrite_a: bool = False,
    overwrite_b: bool = False, check_finite: bool = True, assume_a: Any = None,
    transposed: bool = False,
) -> Any:
    if _check_assume_a("solve", assume_a):
        return linalg.solve(a, g, lower=lower, assume_a=assume_a)
    return linalg.solve(a, g, transposed=not transposed)


def scipy_solve_jvp_b(
    t: Any, ans: Any, a: Any, b: Any, lower: bool = False, overwrite_a: bool = False,
    overwrite_b: bool = False, check_finite: bool = True, assume_a: Any = None,
    transposed: bool = False,
) -> Any:
    if _check_assume_a("solve", assume_a):
        return linalg.solve(a, t, lower=lower, assume_a=assume_a)
    return linalg.solve(a, t, transposed=transposed)


def scipy_inv_vjp(
    g: Any, ans: Any, a: Any, overwrite_a: bool = False, check_finite: bool = True,
    assume_a: Any = None, lower: bool = False,
) -> Any:
    """``-A⁻ᵀ g A⁻ᵀ``."""
    a_bar = -(_t(ans) @ g @ _t(ans))
    return _sym(a_bar) if _check_assume_a("inv", assume_a) else a_bar


def scipy_inv_jvp(
    t: Any, ans: Any, a: Any, overwrite_a: bool = False, check_finite: bool = True,
    assume_a: Any = None, lower: bool = False,
) -> Any:
    a_dot = _sym(t) if _check_assume_a("inv", assume_a) else t
    return -(ans @ a_dot @ ans)


def scipy_det_vjp(
    g: Any, ans: Any, a: Any, overwrite_a: bool = False, check_finite: bool = True
) -> Any:
    """``g det(A) A⁻ᵀ``."""
    return np.expand_dims(g * ans, (-1, -2)) * _t(np.linalg.inv(a))


def scipy_det_jvp(
    t: Any, ans: Any, a: Any, overwrite_a: bool = False, check_finite: bool = True
) -> Any:
    return ans * np.trace(np.linalg.solve(a, t), axis1=-2, axis2=-1)


defrule(linalg.solve, vjp=(scipy_solve_vjp_a, scipy_solve_vjp_b),
        jvp=(scipy_solve_jvp_a, scipy_solve_jvp_b), argnames=("a", "b"))
defrule(linalg.inv, vjp=(scipy_inv_vjp,), jvp=(scipy_inv_jvp,), argnames=("a",))
defrule(linalg.det, vjp=(scipy_det_vjp,), jvp=(scipy_det_jvp,), argnames=("a",))


# ---- Sylvester equation and matrix functions --------------------------------------------------


def solve_sylvester_vjp_a(g: Any, ans: Any, a: Any, b: Any, q: Any) -> Any:
    """For ``A X + X B = Q``: ``Λ = sylvester(Aᵀ, Bᵀ, g)``, ``Ā = -Λ Xᵀ``."""
    return -(linalg.solve_sylvester(_t(a), _t(b), g) @ _t(ans))


def solve_sylvester_vjp_b(g: Any, ans: Any, a: Any, b: Any, q: Any) -> Any:
    """``B̄ = -Xᵀ Λ``."""
    return -(_t(ans) @ linalg.solve_sylvester(_t(a), _t(b), g))


def solve_sylvester_vjp_q(g: Any, ans: Any, a: Any, b: Any, q: Any) -> Any:
    return linalg.solve_sylvester(_t(a), _t(b), g)


def solve_sylvester_jvp_a(t: Any, ans: Any, a: Any, b: Any, q: Any) -> Any:
    return linalg.solve_sylvester(a, b, -(t @ ans))


def solve_sylvester_jvp_b(t: Any, ans: Any, a: Any, b: Any, q: Any) -> Any:
    return linalg.solve_sylvester(a, b, -(ans @ t))


def solve_sylvester_jvp_q(t: Any, ans: Any, a: Any, b: Any, q: Any) -> Any:
    return linalg.solve_sylvester(a, b, t)


def sqrtm_vjp(g: Any, ans: Any, A: Any, disp: Any = None, blocksize: Any = None) -> Any:
    """``X² = A``: ``Ā = sylvester(Xᵀ, Xᵀ, g)``."""
    return linalg.solve_sylvester(_t(ans), _t(ans), g)


def sqrtm_jvp(t: Any, ans: Any, A: Any, disp: Any = None, blocksize: Any = None) -> Any:
    return linalg.solve_sylvester(ans, ans, t)


def _block(a: Any, e: Any) -> Any:
    """``[[A, E], [0, A]]`` (batched over leading axes)."""
    top = np.concatenate([a, e], axis=-1)
    bottom = np.concatenate([np.zeros_like(a), a], axis=-1)
    return np.concatenate([top, bottom], axis=-2)


def _upper_right(m: Any, n: int) -> Any:
    return m[..., :n, n:]


def expm_vjp(g: Any, ans: Any, A: Any) -> Any:
    """The Fréchet derivative of expm at ``Aᵀ`` applied to ``g``."""
    return _upper_right(linalg.expm(_block(_t(A), g)), np.shape(A)[-1])


def expm_jvp(t: Any, ans: Any, A: Any) -> Any:
    return _upper_right(linalg.expm(_block(A, t)), np.shape(A)[-1])


def logm_vjp(g: Any, ans: Any, A: Any, disp: Any = None) -> Any:
    """The Fréchet derivative of logm at ``Aᵀ`` applied to ``g``."""
    return _upper_right(linalg.logm(_block(_t(A), g)), np.shape(A)[-1])


def logm_jvp(t: Any, ans: Any, A: Any, disp: Any = None) -> Any:
    return _upper_right(linalg.logm(_block(A, t)), np.shape(A)[-1])


defrule(linalg.solve_sylvester,
        vjp=(solve_sylvester_vjp_a, solve_sylvester_vjp_b, solve_sylvester_vjp_q),
        jvp=(solve_sylvester_jvp_a, solve_sylvester_jvp_b, solve_sylvester_jvp_q),
        argnames=("a", "b", "q"))
defrule(linalg.sqrtm, vjp=(sqrtm_vjp,), jvp=(sqrtm_jvp,), argnames=("A",))
defrule(linalg.expm, vjp=(expm_vjp,), jvp=(expm_jvp,), argnames=("A",))
defrule(linalg.logm, vjp=(logm_vjp,), jvp=(logm_jvp,), argnames=("A",))


# ---- solve_banded: A[i, j] = ab[u + i - j, j] -------------------------------------------------


def _shift_columns(row: Any, shift: int) -> Any:
    """``out[..., j] = row[..., j + shift]``, zero where ``j + shift`` falls outside."""
    n = np.shape(row)[-1]
    if shift == 0:
        return row
    pad = np.zeros((*np.shape(row)[:-1], min(abs(shift), n)), dtype=np.result_type(row))
    if shift > 0:
        return np.concatenate([row[..., shift:], pad], axis=-1)
    return np.concatenate([pad, row[..., :max(n + shift, 0)]], axis=-1)


def _banded_transpose(l_and_u: Any, ab: Any) -> Any:
    """The banded storage of ``Aᵀ`` (its band widths are ``(u, l)``)."""
    lower, upper = l_and_u
    rows = []
    for k in range(lower + upper + 1):
        rows.append(_shift_columns(ab[upper + lower - k], k - lower))
    return np.stack(rows)


def _rows_first(b: Any) -> Any:
    """``b`` as (n, k): a right-hand side vector becomes one column."""
    return np.reshape(b, (np.shape(b)[0], -1))


def solve_banded_vjp_b(
    g: Any, ans: Any, l_and_u: Any, ab: Any, b: Any, overwrite_ab: bool = False,
    overwrite_b: bool = False, check_finite: bool = True,
) -> Any:
    """``b̄ = A⁻ᵀ g``, solved with the banded storage of ``Aᵀ``."""
    return linalg.solve_banded((l_and_u[1], l_and_u[0]), _banded_transpose(l_and_u, ab), g)


def solve_banded_vjp_ab(
    g: Any, ans: Any, l_and_u: Any, ab: Any, b: Any, overwrite_ab: bool = False,
    overwrite_b: bool = False, check_finite: bool = True,
) -> Any:
    """``Ā = -b̄ xᵀ`` read back into band storage: ``ab̄[k, j] = Ā[j + k - u, j]``."""
    b_bar = _rows_first(solve_banded_vjp_b(g, ans, l_and_u, ab, b))
    x = _rows_first(ans)
    upper = l_and_u[1]
    rows = []
    for k in range(np.shape(ab)[0]):
        rows.append(-np.sum(_shift_columns(_t(b_bar), k - upper) * _t(x), axis=0))
    return np.stack(rows)


def solve_banded_jvp_ab(
    t: Any, ans: Any, l_and_u: Any, ab: Any, b: Any, overwrite_ab: bool = False,
    overwrite_b: bool = False, check_finite: bool = True,
) -> Any:
    """``ẋ = -A⁻¹ (Ȧ x)`` with ``(Ȧ x)[i] = Σ_k ȧb[k, i - k + u] x[i - k + u]``."""
    x = _rows_first(ans)
    upper = l_and_u[1]
    product = np.zeros_like(_t(x) * t[0])
    for k in range(np.shape(ab)[0]):
        product = product + _shift_columns(t[k] * _t(x), upper - k)
    return -linalg.solve_banded(l_and_u, ab, np.reshape(_t(product), np.shape(ans)))


def solve_banded_jvp_b(
    t: Any, ans: Any, l_and_u: Any, ab: Any, b: Any, overwrite_ab: bool = False,
    overwrite_b: bool = False, check_finite: bool = True,
) -> Any:
    return linalg.solve_banded(l_and_u, ab, t)


defrule(linalg.solve_banded, vjp=(None, solve_banded_vjp_ab, solve_banded_vjp_b),
        jvp=(None, solve_banded_jvp_ab, solve_banded_jvp_b), argnames=("l_and_u", "ab", "b"))


# ---- LU: lu_factor and lu_solve (one matrix, not stacked) -------------------------------------
# lu_factor(A) = (lu, piv) with A[perm] = L U, L unit lower (below lu's diagonal), U upper. With
# X = L⁻¹ dA[perm] U⁻¹: dL = L tril(X, -1), dU = triu(X) U, and lu packs them. lu_solve's rules
# w.r.t. (lu, piv) differentiate through the same packing, so the pair is exact; piv is integer.


def _row_order(piv: Any) -> Any:
    """``perm`` with ``A[perm] = L U``: LAPACK's row interchanges applied in order."""
    perm = np.arange(len(piv))
    for i, j in enumerate(piv):
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def _unpermuted(m: Any, perm: Any) -> Any:
    """``B`` with ``B[perm] = m``."""
    return np.take(m, np.argsort(perm), axis=0)


def _lu_parts(lu: Any) -> tuple[Any, Any]:
    if np.ndim(lu) != 2:
        raise NotImplementedError("the gradients of scipy.linalg.lu_factor and lu_solve are "
                                  "implemented for one matrix (not a stack of matrices)")
    return np.tril(lu, -1) + np.eye(np.shape(lu)[0], dtype=np.result_type(lu)), np.triu(lu)


def _lu_packed_adjoint(m: Any, lu: Any, perm: Any) -> Any:
    """The adjoint of ``lu`` from ``M``, the adjoint of ``A = P L U`` (through dL and dU)."""
    lower, upper = _lu_parts(lu)
    moved = np.take(m, perm, axis=0)
    return np.tril(moved @ _t(upper), -1) + np.triu(_t(lower) @ moved)


def lu_factor_vjp(g: Any, ans: Any, a: Any, overwrite_a: bool = False,
                  check_finite: bool = True) -> Any:
    """``Ā = P L⁻ᵀ (tril(Lᵀ ḡ, -1) + triu(ḡ Uᵀ)) U⁻ᵀ`` for ``ḡ`` the adjoint of ``lu``."""
    lower, upper = _lu_parts(ans[0])
    perm = _row_order(ans[1])
    inner = np.tril(_t(lower) @ g[0], -1) + np.triu(g[0] @ _t(upper))
    left = linalg.solve_triangular(lower, inner, trans=1, lower=True, unit_diagonal=True)
    right = _t(linalg.solve_triangular(upper, _t(left), lower=False))
    return _unpermuted(right, perm)


def lu_factor_jvp(t: Any, ans: Any, a: Any, overwrite_a: bool = False,
                  check_finite: bool = True) -> Any:
    """``dlu = L tril(X, -1) + triu(X) U``, ``X = L⁻¹ dA[perm] U⁻¹``; piv does not move."""
    lower, upper = _lu_parts(ans[0])
    perm = _row_order(ans[1])
    left = linalg.solve_triangular(lower, np.take(t, perm, axis=0), lower=True,
                                   unit_diagonal=True)
    x = _t(linalg.solve_triangular(upper, _t(left), trans=1, lower=False))
    return lower @ np.tril(x, -1) + np.triu(x) @ upper, 0.0


def _lu_trans(trans: Any, lu: Any) -> int:
    if trans == 0:
        return 0
    if trans == 1 or (trans == 2 and not np.iscomplexobj(lu)):
        return 1
    raise NotImplementedError("the gradient of scipy.linalg.lu_solve with trans=2 (conjugate "
                              "transpose) of a complex matrix is not implemented")


def lu_solve_vjp_lu_and_piv(g: Any, ans: Any, lu_and_piv: Any, b: Any, trans: Any = 0,
                            overwrite_b: bool = False, check_finite: bool = True) -> Any:
    """``Ā = -y xᵀ`` (``y = A⁻ᵀ ḡ``; transposed: ``-x yᵀ``, ``y = A⁻¹ ḡ``), sent to ``lu``."""
    lu = lu_and_piv[0]
    _lu_parts(lu)
    perm = _row_order(lu_and_piv[1])
    if _lu_trans(trans, lu) == 0:
        m = -_outer(linalg.lu_solve(lu_and_piv, g, trans=1), ans)
    else:
        m = -_outer(ans, linalg.lu_solve(lu_and_piv, g, trans=0))
    return _lu_packed_adjoint(m, lu, perm), 0.0


def lu_solve_jvp_lu_and_piv(t: Any, ans: Any, lu_and_piv: Any, b: Any, trans: Any = 0,
                            overwrite_b: bool = False, check_finite: bool = True) -> Any:
    """``dx = -A⁻¹ dA x`` (transposed: ``-A⁻ᵀ dAᵀ x``), ``dA = P (dL U + L dU)``."""
    lu = lu_and_piv[0]
    lower, upper = _lu_parts(lu)
    perm = _row_order(lu_and_piv[1])
    d_factor = np.tril(t[0], -1) @ upper + lower @ np.triu(t[0])  # P^T dA
    if _lu_trans(trans, lu) == 0:
        return -linalg.lu_solve(lu_and_piv, _unpermuted(d_factor @ ans, perm), trans=0)
    return -linalg.lu_solve(lu_and_piv, _t(d_factor) @ np.take(ans, perm, axis=0), trans=1)


def lu_solve_vjp_b(g: Any, ans: Any, lu_and_piv: Any, b: Any, trans: Any = 0,
                   overwrite_b: bool = False, check_finite: bool = True) -> Any:
    """``b̄ = A⁻ᵀ ḡ`` (transposed: ``A⁻¹ ḡ``)."""
    return linalg.lu_solve(lu_and_piv, g, trans=1 - _lu_trans(trans, lu_and_piv[0]))


def lu_solve_jvp_b(t: Any, ans: Any, lu_and_piv: Any, b: Any, trans: Any = 0,
                   overwrite_b: bool = False, check_finite: bool = True) -> Any:
    return linalg.lu_solve(lu_and_piv, t, trans=_lu_trans(trans, lu_and_piv[0]))


defrule(linalg.lu_factor, vjp=(lu_factor_vjp,), jvp=(lu_factor_jvp,), argnames=("a",))
defrule(linalg.lu_solve, vjp=(lu_solve_vjp_lu_and_piv, lu_solve_vjp_b),
        jvp=(lu_solve_jvp_lu_and_piv, lu_solve_jvp_b), argnames=("lu_and_piv", "b"))


# ---- eigh, svdvals, norm: numpy's rules (rules_decompositions, rules_norm) --------------------


def _standard_eigh(b: Any, subset_by_index: Any, subset_by_value: Any) -> None:
    if b is not None or subset_by_index is not None or subset_by_value is not None:
        raise NotImplementedError("the gradient of scipy.linalg.eigh is implemented for the "
                                  "standard problem (b=None) with every eigenvalue (no subset)")


def scipy_eigh_vjp(g: Any, ans: Any, a: Any, b: Any = None, *, lower: bool = True,
                   eigvals_only: bool = False, overwrite_a: bool = False,
                   overwrite_b: bool = False, type: int = 1, check_finite: bool = True,
                   subset_by_index: Any = None, subset_by_value: Any = None,
                   driver: Any = None) -> Any:
    """np.linalg.eigh's rules, reading the triangle ``lower`` names. (scipy's default driver,
    'evr', picks eigenvector signs that can flip under tiny changes of ``a``: only functions
    that do not depend on those signs are differentiable, as with any eigensolver.)"""
    _standard_eigh(b, subset_by_index, subset_by_value)
    if eigvals_only:
        return eigvalsh_vjp(g, ans, a, "L" if lower else "U")
    return eigh_vjp(g, ans, a, "L" if lower else "U")


def scipy_eigh_jvp(t: Any, ans: Any, a: Any, b: Any = None, *, lower: bool = True,
                   eigvals_only: bool = False, overwrite_a: bool = False,
                   overwrite_b: bool = False, type: int = 1, check_finite: bool = True,
                   subset_by_index: Any = None, subset_by_value: Any = None,
                   driver: Any = None) -> Any:
    """np.linalg.eigh's rules, reading the triangle ``lower`` names."""
    _standard_eigh(b, subset_by_index, subset_by_value)
    if eigvals_only:
        return eigvalsh_jvp(t, ans, a, "L" if lower else "U")
    return eigh_jvp(t, ans, a, "L" if lower else "U")


def scipy_svdvals_vjp(g: Any, ans: Any, a: Any, overwrite_a: bool = False,
                      check_finite: bool = True) -> Any:
    """ds = Re diag(U^H dA V)."""
    return svdvals_vjp(g, ans, a)


def scipy_svdvals_jvp(t: Any, ans: Any, a: Any, overwrite_a: bool = False,
                      check_finite: bool = True) -> Any:
    """ds = Re diag(U^H dA V)."""
    return svdvals_jvp(t, ans, a)


def scipy_norm_vjp(g: Any, ans: Any, a: Any, ord: Any = None, axis: Any = None,
                   keepdims: bool = False, check_finite: bool = True) -> Any:
    """np.linalg.norm's rule (scipy computes the same norms)."""
    return norm_vjp(g, ans, a, ord, axis, keepdims)


def scipy_norm_jvp(t: Any, ans: Any, a: Any, ord: Any = None, axis: Any = None,
                   keepdims: bool = False, check_finite: bool = True) -> Any:
    """np.linalg.norm's rule (scipy computes the same norms)."""
    return norm_jvp(t, ans, a, ord, axis, keepdims)


# ---- toeplitz: T[i, j] = c[i - j] below the diagonal (and on it), r[j - i] above --------------


def _toeplitz_offsets(rows: int, cols: int) -> Any:
    return np.arange(rows)[:, None] - np.arange(cols)[None, :]


def _diagonal_sums(m: Any, offsets: Any, count: int) -> Any:
    """Entry k: the sum of ``m`` where ``offsets == k`` (k < count); m is zero elsewhere."""
    index = np.ravel(np.maximum(offsets, 0))
    sums = np.bincount(index, weights=np.ravel(np.real(m)), minlength=count)[:count]
    if np.iscomplexobj(m):
        sums = sums + 1j * np.bincount(index, weights=np.ravel(np.imag(m)),
                                       minlength=count)[:count]
    return sums


def _check_toeplitz(c: Any, r: Any) -> None:
    if np.ndim(c) > 1 or (r is not None and np.ndim(r) > 1):
        raise NotImplementedError("the gradient of scipy.linalg.toeplitz is implemented for "
                                  "1-d c and r (scipy's batching of n-d inputs differs between "
                                  "versions)")


def toeplitz_vjp_c(g: Any, ans: Any, c: Any, r: Any = None) -> Any:
    """c[k] gets the sum of g's k-th lower diagonal (and, when r defaults to conj(c), the
    conjugate sum of its k-th upper one)."""
    _check_toeplitz(c, r)
    offsets = _toeplitz_offsets(*np.shape(g))
    partial = _diagonal_sums(np.where(offsets >= 0, g, 0.0), offsets, np.size(c))
    if r is None:
        upper = _diagonal_sums(np.where(offsets < 0, g, 0.0), -offsets, np.size(c))
        partial = partial + np.conj(upper)
    return np.asarray(np.reshape(partial, np.shape(c)), dtype=np.result_type(c, np.float16))


def toeplitz_vjp_r(g: Any, ans: Any, c: Any, r: Any = None) -> Any:
    """r[k] (k >= 1) gets the sum of g's k-th upper diagonal; r[0] is unused."""
    _check_toeplitz(c, r)
    offsets = _toeplitz_offsets(*np.shape(g))
    partial = _diagonal_sums(np.where(offsets < 0, g, 0.0), -offsets, np.size(r))
    return np.asarray(np.reshape(partial, np.shape(r)), dtype=np.result_type(r, np.float16))


def toeplitz_jvp_c(t: Any, ans: Any, c: Any, r: Any = None) -> Any:
    """toeplitz is linear: of the tangent (with zeros for r when r is given)."""
    _check_toeplitz(c, r)
    if r is None:
        return linalg.toeplitz(t)
    return linalg.toeplitz(t, np.zeros(np.shape(r), dtype=np.result_type(t)))


def toeplitz_jvp_r(t: Any, ans: Any, c: Any, r: Any = None) -> Any:
    """toeplitz is linear: of the tangent (with zeros for c)."""
    _check_toeplitz(c, r)
    return linalg.toeplitz(np.zeros(np.shape(c), dtype=np.result_type(t)), t)


defrule(linalg.eigh, vjp=(scipy_eigh_vjp,), jvp=(scipy_eigh_jvp,), argnames=("a",))
defrule(linalg.svdvals, vjp=(scipy_svdvals_vjp,), jvp=(scipy_svdvals_jvp,), argnames=("a",))
defrule(linalg.norm, vjp=(scipy_norm_vjp,), jvp=(scipy_norm_jvp,), argnames=("a",))
defrule(linalg.toeplitz, vjp=(toeplitz_vjp_c, toeplitz_vjp_r),
        jvp=(toeplitz_jvp_c, toeplitz_jvp_r), argnames=("c", "r"))
