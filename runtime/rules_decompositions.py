"""Gradient rules of the matrix decompositions: ``np.linalg.cholesky``, ``eigh``/``eigvalsh``,
``eig``/``eigvals``, ``svd``/``svdvals``, ``qr``, ``pinv`` and ``lstsq``; VJP and JVP side by side.

Every rule accepts stacked matrices (``(..., m, n)``). The formulas hold where the decomposition
is smooth: distinct eigenvalues (eigh, eig) and singular values (svd), full rank (qr, pinv,
lstsq, the singular vectors of a non-square svd). They are the derivatives of what numpy computes:
``cholesky`` and ``eigh`` read one triangle of their input (the lower one unless told otherwise),
so only that triangle gets a gradient (a symmetric input built from its parameters still gets the
right total gradient through the chain rule). A tuple output (``w, v = eigh(a)``) has a tuple of
cotangents (zeros for unused outputs) and a tuple of tangents.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .registry import defrule


def _mT(x: Any) -> Any:
    return np.swapaxes(x, -1, -2)


def _diag(v: Any) -> Any:  # the stacked diagonal matrices with v on the diagonal
    return np.expand_dims(v, -1) * np.eye(np.shape(v)[-1], dtype=np.result_type(v))


def _symmetric_from(t: Any, lower: bool) -> Any:
    # The symmetric matrix that a function reading only one triangle of t sees.
    if lower:
        return np.tril(t) + _mT(np.tril(t, -1))
    return np.triu(t) + _mT(np.triu(t, 1))


def _onto_triangle(m: Any, lower: bool) -> Any:
    # The adjoint of _symmetric_from: <m, _symmetric_from(t)> = <_onto_triangle(m), t>.
    if lower:
        return np.tril(m) + np.tril(_mT(m), -1)
    return np.triu(m) + np.triu(_mT(m), 1)


def _hermitian_from(t: Any, lower: bool) -> Any:
    # The Hermitian matrix that LAPACK sees when it reads one triangle of a complex t (the
    # imaginary part of the diagonal is ignored).
    strict = np.tril(t, -1) if lower else np.triu(t, 1)
    return strict + np.conj(_mT(strict)) + _diag(np.real(np.diagonal(t, 0, -2, -1)))


def _onto_hermitian_triangle(m: Any, lower: bool) -> Any:
    # The adjoint of _hermitian_from under the pairing Re(sum(c * t)).
    strict = np.tril(m, -1) + np.tril(np.conj(_mT(m)), -1) if lower \
        else np.triu(m, 1) + np.triu(np.conj(_mT(m)), 1)
    return strict + _diag(np.real(np.diagonal(m, 0, -2, -1)))


def _gap_inverse(w: Any) -> Any:
    # F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it.
    gaps = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    eye = np.eye(np.shape(w)[-1], dtype=bool)
    return np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, gaps))


# ---- cholesky -----------------------------------------------------------------------------------


def _phi(x: Any) -> Any:  # the lower triangle with the diagonal halved
    return np.tril(x) - 0.5 * x * np.eye(np.shape(x)[-1], dtype=np.result_type(x))



def real_matrix(a: Any, function: str) -> Any:
    """``a`` itself, for the rules below, which are derived for real matrices: a complex one
    raises (a wrong gradient would be silent). The identity for gradients of gradients."""
    if np.iscomplexobj(a):
        raise TypeError(f"{function} of a complex matrix has no gradient rule yet; "
                        "differentiate the real and imaginary parts as a real block matrix")
    return a


def real_matrix_vjp(g: Any, ans: Any, a: Any, function: str) -> Any:
    return g


def real_matrix_jvp(t: Any, ans: Any, a: Any, function: str) -> Any:
    return t


def cholesky_vjp(g: Any, ans: Any, a: Any, upper: bool = False) -> Any:
    """A = L L^T: the adjoint of the read triangle from M = L^-T phi(L^T g) L^-1 (for a
    Hermitian A = L L^H: M = L^-T phi(L^T g) conj(L)^-1, onto the Hermitian triangle)."""
    if np.iscomplexobj(a):
        return _cholesky_vjp_complex(g, ans, upper)
    lower_factor = _mT(ans) if upper else ans
    g_lower = _mT(g) if upper else g
    p = _phi(np.matmul(_mT(lower_factor), g_lower))
    m = np.linalg.solve(_mT(lower_factor), _mT(np.linalg.solve(_mT(lower_factor), _mT(p))))
    return _onto_triangle(m, not upper)


def _cholesky_vjp_complex(g: Any, ans: Any, upper: bool) -> Any:
    lower_factor = np.conj(_mT(ans)) if upper else ans  # U = L^H
    g_lower = np.conj(_mT(g)) if upper else g
    q = _phi(np.matmul(_mT(lower_factor), g_lower))
    z = np.linalg.solve(_mT(lower_factor), q)
    m = _mT(np.linalg.solve(np.conj(_mT(lower_factor)), _mT(z)))
    return _onto_hermitian_triangle(m, not upper)


def cholesky_jvp(t: Any, ans: Any, a: Any, upper: bool = False) -> Any:
    """dL = L phi(L^-1 dA L^-T), dA the symmetric (Hermitian) matrix of the read triangle."""
    if np.iscomplexobj(a):
        lower_factor = np.conj(_mT(ans)) if upper else ans
        s = _hermitian_from(t, not upper)
        x = np.linalg.solve(lower_factor, np.conj(_mT(np.linalg.solve(lower_factor, s))))
        dl = np.matmul(lower_factor, _phi(x))
        return np.conj(_mT(dl)) if upper else dl
    lower_factor = _mT(ans) if upper else ans
    s = _symmetric_from(t, not upper)
    x = np.linalg.solve(lower_factor, _mT(np.linalg.solve(lower_factor, s)))
    dl = np.matmul(lower_factor, _phi(x))
    return _mT(dl) if upper else dl


# ---- eigh and eigvalsh --------------------------------------------------------------------------


def _eigh_adjoint(gw: Any, gv: Any, w: Any, v: Any, lower: bool) -> Any:
    # M = V (diag(gw) + F * (V^T gv)) V^T, onto the read triangle.
    inner = _diag(gw)
    if gv is not None:
        inner = inner + _gap_inverse(w) * np.matmul(_mT(v), gv)
    return _onto_triangle(np.matmul(np.matmul(v, inner), _mT(v)), lower)


def _gauge_values(row: Any, function: str) -> Any:
    """The real parts of the row that fixes the phase of complex singular vectors or
    eigenvectors: LAPACK returns it real. Another library's convention raises (the rules'
    phase terms would be wrong, silently)."""
    if np.any(np.imag(row) != 0):
        raise NotImplementedError(
            f"{function}: this LAPACK returns complex vectors with a phase convention autodiff "
            "does not know; differentiate a function of |vectors| or of the values only")
    return np.real(row)


def _gauge_row(lower: bool) -> int:
    # LAPACK's Hermitian eigensolver returns eigenvectors whose first (UPLO='L') or last
    # (UPLO='U') component is real: the row that fixes each eigenvector's phase.
    return 0 if lower else -1


def _eigh_adjoint_complex(gw: Any, gv: Any, w: Any, v: Any, lower: bool) -> Any:
    # M = conj(V) (diag(Re gw) + F * (V^T gv')) V^T onto the Hermitian triangle, where gv'
    # adds the adjoint of the phase correction that keeps the gauge row real.
    inner = _diag(np.real(gw))
    if gv is not None:
        row = _gauge_row(lower)
        turn = np.imag(np.sum(gv * v, axis=-2)) / _gauge_values(v[..., row, :], "eigh_vjp")
        gv = gv - 1j * np.expand_dims(turn, -2) * _row_mask(np.shape(v), row)
        inner = inner + _gap_inverse(w) * np.matmul(_mT(v), gv)
    return _onto_hermitian_triangle(np.matmul(np.matmul(np.conj(v), inner), _mT(v)), lower)


def _row_mask(shape: tuple[int, ...], row: int) -> Any:
    # ones in row ``row`` of an (n, n) matrix, zeros elsewhere
    return np.expand_dims(np.eye(shape[-2])[row], -1) * np.ones(shape[-1])


def _eigh_tangents_complex(t: Any, w: Any, v: Any, lower: bool) -> tuple[Any, Any]:
    p = np.matmul(np.matmul(np.conj(_mT(v)), _hermitian_from(t, lower)), v)
    dv = np.matmul(v, _gap_inverse(w) * p)
    row = _gauge_row(lower)
    turn = np.imag(dv[..., row, :]) / _gauge_values(v[..., row, :], "eigh_jvp")
    dv = dv - 1j * v * np.expand_dims(turn, -2)
    return np.real(np.diagonal(p, 0, -2, -1)), dv


def eigh_vjp(g: Any, ans: Any, a: Any, UPLO: str = "L") -> Any:
    """With P = V^H dA V: dw = diag(P), dV = V (F * P), F[i, j] = 1 / (w[j] - w[i]) (complex
    A: plus the phase turn that keeps V's gauge row real, as LAPACK returns it)."""
    lower = UPLO.upper() == "L"
    if np.iscomplexobj(a):
        return _eigh_adjoint_complex(g[0], g[1], ans[0], ans[1], lower)
    return _eigh_adjoint(g[0], g[1], ans[0], ans[1], lower)


def eigh_jvp(t: Any, ans: Any, a: Any, UPLO: str = "L") -> Any:
    """With P = V^H dA V: dw = diag(P), dV = V (F * P), F[i, j] = 1 / (w[j] - w[i]) (complex
    A: plus the phase turn that keeps V's gauge row real, as LAPACK returns it)."""
    w, v = ans
    if np.iscomplexobj(a):
        return _eigh_tangents_complex(t, w, v, UPLO.upper() == "L")
    p = np.matmul(np.matmul(_mT(v), _symmetric_from(t, UPLO.upper() == "L")), v)
    return (np.diagonal(p, 0, -2, -1), np.matmul(v, _gap_inverse(w) * p))


def eigvalsh_vjp(g: Any, ans: Any, a: Any, UPLO: str = "L") -> Any:
    """dw = diag(V^H dA V)."""
    lower = UPLO.upper() == "L"
    v = np.linalg.eigh(a, UPLO)[1]
    if np.iscomplexobj(a):
        return _eigh_adjoint_complex(g, None, ans, v, lower)
    return _eigh_adjoint(g, None, ans, v, lower)


def eigvalsh_jvp(t: Any, ans: Any, a: Any, UPLO: str = "L") -> Any:
    """dw = diag(V^H dA V)."""
    lower = UPLO.upper() == "L"
    v = np.linalg.eigh(a, UPLO)[1]
    if np.iscomplexobj(a):
        return _eigh_tangents_complex(t, ans, v, lower)[0]
    p = np.matmul(np.matmul(_mT(v), _symmetric_from(t, lower)), v)
    return np.diagonal(p, 0, -2, -1)


def _real(x: Any) -> Any:  # the real part; a real array as it is
    return np.real(x) if np.iscomplexobj(x) else x


def _conj(x: Any) -> Any:  # the complex conjugate; a real array as it is
    return np.conj(x) if np.iscomplexobj(x) else x


# ---- eig and eigvals (distinct eigenvalues; eigenvectors of unit norm) --------------------------


def _eig_adjoint(gw: Any, gv: Any, w: Any, v: Any, a: Any) -> Any:
    # dw = diag(P), dV = V (F * P) - V diag(Re(V^H V (F * P))) with P = V^-1 dA V; the
    # adjoint is V^-T (diag(gw) + F * (V^T gv')) V^T, gv' = gv - conj(V) diag(Re(sum(gv V))).
    inner = _diag(gw)
    if gv is not None:
        gv = gv - _conj(v) * _real(np.sum(gv * v, axis=-2, keepdims=True))
        inner = inner + _gap_inverse(w) * np.matmul(_mT(v), gv)
    partial = np.linalg.solve(_mT(v), np.matmul(inner, _mT(v)))
    return partial if np.iscomplexobj(a) else _real(partial)


def eig_vjp(g: Any, ans: Any, a: Any) -> Any:
    """Distinct eigenvalues: dw = diag(P), dV = V (F * P) kept at unit norm, P = V^-1 dA V."""
    return _eig_adjoint(g[0], g[1], ans[0], ans[1], a)


def eig_jvp(t: Any, ans: Any, a: Any) -> Any:
    """Distinct eigenvalues: dw = diag(P), dV = V (F * P) kept at unit norm, P = V^-1 dA V."""
    w, v = ans
    p = np.linalg.solve(v, np.matmul(t, v))
    dv = np.matmul(v, _gap_inverse(w) * p)
    dv = dv - v * _real(np.sum(_conj(v) * dv, axis=-2, keepdims=True))
    return (np.diagonal(p, 0, -2, -1), dv)


def eigvals_vjp(g: Any, ans: Any, a: Any) -> Any:
    """Distinct eigenvalues: dw = diag(V^-1 dA V)."""
    w, v = np.linalg.eig(a)
    return _eig_adjoint(g, None, w, v, a)


def eigvals_jvp(t: Any, ans: Any, a: Any) -> Any:
    """Distinct eigenvalues: dw = diag(V^-1 dA V)."""
    v = np.linalg.eig(a)[1]
    return np.diagonal(np.linalg.solve(v, np.matmul(t, v)), 0, -2, -1)


# ---- svd and svdvals ----------------------------------------------------------------------------


def _check_svd(shape: tuple[int, ...], full_matrices: bool, rule: str) -> None:
    rows, cols = shape[-2:]
    if full_matrices and rows != cols:
        raise NotImplementedError(
            f"{rule}: the extra singular vectors of svd(full_matrices=True) of a non-square "
            "matrix are not unique; use np.linalg.svd(a, full_matrices=False)")


def _svd_adjoint(gu: Any, gs: Any, gvh: Any, u: Any, s: Any, vh: Any) -> Any:
    # A = U S V^T (reduced): the adjoint of A from those of U, s and V^T.
    v = _mT(vh)
    middle = _diag(gs)
    if gu is None:
        return np.matmul(np.matmul(u, middle), vh)
    gv = _mT(gvh)
    f = _gap_inverse(s * s)  # 1 / (s_j^2 - s_i^2)
    s_row = np.expand_dims(s, -2)
    s_col = np.expand_dims(s, -1)
    ju = np.matmul(_mT(u), gu)
    jv = np.matmul(_mT(v), gv)
    middle = middle + f * (ju - _mT(ju)) * s_row + s_col * (f * (jv - _mT(jv)))
    partial = np.matmul(np.matmul(u, middle), vh)
    if np.shape(u)[-2] > np.shape(u)[-1]:  # more rows than singular values: U is not square
        rest = gu - np.matmul(u, ju)
        partial = partial + np.matmul(rest / s_row, vh)
    if np.shape(v)[-2] > np.shape(v)[-1]:
        rest = gv - np.matmul(v, jv)
        partial = partial + np.matmul(u / s_row, _mT(rest))
    return partial


_COMPLEX_SVD = "np.linalg.svd with hermitian=True"


# ---- complex svd: LAPACK fixes the phase of each pair (u_k, v_k) by making the first entry of
# v_k real when A has as many rows as columns or more (its bidiagonal reduction); for fewer rows
# it follows no fixed rule, and the rules raise.


def _check_complex_svd(shape: tuple[int, ...], full_matrices: bool, rule: str) -> None:
    _check_svd(shape, full_matrices, rule)
    if shape[-2] < shape[-1]:
        raise NotImplementedError(
            f"{rule}: the singular vectors of a complex matrix with fewer rows than columns have "
            "no phase convention to differentiate; take the svd of a.conj().T (its U and V are "
            "this V and U), or differentiate the singular values only")


def _svd_tangents_complex(t: Any, u: Any, s: Any, vh: Any) -> tuple[Any, Any, Any]:
    v = np.conj(_mT(vh))
    p = np.matmul(np.matmul(np.conj(_mT(u)), t), v)
    ph = np.conj(_mT(p))
    f = _gap_inverse(s * s)
    s_row, s_col = np.expand_dims(s, -2), np.expand_dims(s, -1)
    du = np.matmul(u, f * (p * s_row + s_col * ph))
    dv = np.matmul(v, f * (s_col * p + ph * s_row))
    if np.shape(u)[-2] > np.shape(u)[-1]:
        du = du + (np.matmul(t, v) - np.matmul(u, p)) / s_row
    if np.shape(v)[-2] > np.shape(v)[-1]:
        dv = dv + (np.matmul(np.conj(_mT(t)), u) - np.matmul(v, ph)) / s_row
    delta = np.imag(np.diagonal(p, 0, -2, -1)) / s  # theta_u - theta_v
    theta_v = -np.imag(dv[..., 0, :]) / _gauge_values(v[..., 0, :], "svd_jvp")
    theta_u = theta_v + delta
    du = du + 1j * u * np.expand_dims(theta_u, -2)
    dv = dv + 1j * v * np.expand_dims(theta_v, -2)
    return du, np.real(np.diagonal(p, 0, -2, -1)), np.conj(_mT(dv))


def _svd_adjoint_complex(gu: Any, gs: Any, gvh: Any, u: Any, s: Any, vh: Any) -> Any:
    # the transpose of _svd_tangents_complex: the phase terms become corrections of the
    # cotangents of the gauge row and of diag(P); then, with G = conj(cotangent),
    # conj(A̅) = U G_P V^H + (I - U U^H) G_U S^-1 V^H + U S^-1 ((I - V V^H) G_V)^H
    v = np.conj(_mT(vh))
    gv = np.conj(_mT(gvh))  # the cotangent of V
    sig_u, sig_v = np.sum(gu * u, axis=-2), np.sum(gv * v, axis=-2)
    turn = np.imag(sig_u) + np.imag(sig_v)
    fix = turn / _gauge_values(v[..., 0, :], "svd_vjp")
    gv = gv - 1j * np.expand_dims(fix, -2) * _row_mask(np.shape(v), 0)
    phase = -1j * np.imag(sig_u) / s
    big_u, big_v = np.conj(gu), np.conj(gv)
    f = _gap_inverse(s * s)
    s_row, s_col = np.expand_dims(s, -2), np.expand_dims(s, -1)
    x = f * np.matmul(np.conj(_mT(u)), big_u)
    y = f * np.matmul(vh, big_v)
    inner = (x + np.conj(_mT(x))) * s_row + s_col * (y + np.conj(_mT(y)))
    inner = inner + _diag(np.real(gs) + phase)
    partial = np.matmul(np.matmul(u, inner), vh)
    if np.shape(u)[-2] > np.shape(u)[-1]:
        rest = big_u - np.matmul(u, np.matmul(np.conj(_mT(u)), big_u))
        partial = partial + np.matmul(rest / s_row, vh)
    if np.shape(v)[-2] > np.shape(v)[-1]:
        rest = big_v - np.matmul(v, np.matmul(vh, big_v))
        partial = partial + np.matmul(u / s_row, np.conj(_mT(rest)))
    return np.conj(partial)


def _singular_values_vjp_complex(g: Any, a: Any) -> Any:
    # ds = Re diag(U^H dA V): the adjoint is conj(U diag(Re g) V^H)
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    return np.conj(np.matmul(u * np.expand_dims(np.real(g), -2), vh))


def _singular_values_jvp_complex(t: Any, a: Any) -> Any:
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    p = np.matmul(np.matmul(np.conj(_mT(u)), t), np.conj(_mT(vh)))
    return np.real(np.diagonal(p, 0, -2, -1))


def svd_vjp(
    g: Any, ans: Any, a: Any, full_matrices: bool = True, compute_uv: bool = True,
    hermitian: bool = False,
) -> Any:
    """Distinct nonzero singular values: A = U diag(s) V^T, with F[i, j] = 1 / (s_j^2 - s_i^2)."""
    if np.iscomplexobj(a) and not hermitian:
        if not compute_uv:
            return _singular_values_vjp_complex(g, a)
        shape = np.shape(a)
        _check_complex_svd(shape, full_matrices, "svd_vjp")
        return _svd_adjoint_complex(g[0], g[1], g[2], ans[0], ans[1], ans[2])
    a = real_matrix(a, _COMPLEX_SVD)
    if not compute_uv:
        u, _, vh = np.linalg.svd(a, full_matrices=False, hermitian=hermitian)
        partial = _svd_adjoint(None, g, None, u, ans, vh)
    else:
        shape = np.shape(a)
        _check_svd(shape, full_matrices, "svd_vjp")
        partial = _svd_adjoint(g[0], g[1], g[2], ans[0], ans[1], ans[2])
    return _onto_triangle(partial, True) if hermitian else partial  # eigh reads one triangle


def _svd_tangents(t: Any, u: Any, s: Any, vh: Any) -> tuple[Any, Any, Any]:
    v = _mT(vh)
    p = np.matmul(np.matmul(_mT(u), t), v)
    ds = np.diagonal(p, 0, -2, -1)
    f = _gap_inverse(s * s)
    s_row = np.expand_dims(s, -2)
    s_col = np.expand_dims(s, -1)
    du = np.matmul(u, f * (p * s_row + s_col * _mT(p)))
    dv = np.matmul(v, f * (s_col * p + _mT(p) * s_row))
    if np.shape(u)[-2] > np.shape(u)[-1]:
        tv = np.matmul(t, v)
        du = du + (tv - np.matmul(u, p)) / s_row
    if np.shape(v)[-2] > np.shape(v)[-1]:
        tu = np.matmul(_mT(t), u)
        dv = dv + (tu - np.matmul(v, _mT(p))) / s_row
    return du, ds, _mT(dv)


def svd_jvp(
    t: Any, ans: Any, a: Any, full_matrices: bool = True, compute_uv: bool = True,
    hermitian: bool = False,
) -> Any:
    """Distinct nonzero singular values: with P = U^T dA V, ds = diag(P),
    dU = U (F * (P S + S P^T)) + (I - U U^T) dA V / s, and dV alike with A^T."""
    if np.iscomplexobj(a) and not hermitian:
        if not compute_uv:
            return _singular_values_jvp_complex(t, a)
        shape = np.shape(a)
        _check_complex_svd(shape, full_matrices, "svd_jvp")
        return _svd_tangents_complex(t, ans[0], ans[1], ans[2])
    a = real_matrix(a, _COMPLEX_SVD)
    if hermitian:  # computed by eigh, which reads the lower triangle
        t = _symmetric_from(t, True)
    if not compute_uv:
        u, _, vh = np.linalg.svd(a, full_matrices=False, hermitian=hermitian)
        return np.diagonal(np.matmul(np.matmul(_mT(u), t), _mT(vh)), 0, -2, -1)
    shape = np.shape(a)
    _check_svd(shape, full_matrices, "svd_jvp")
    return _svd_tangents(t, ans[0], ans[1], ans[2])


def svdvals_vjp(g: Any, ans: Any, x: Any) -> Any:
    """ds = diag(U^H dA V)."""
    if np.iscomplexobj(x):
        return _singular_values_vjp_complex(g, x)
    u, _, vh = np.linalg.svd(x, full_matrices=False)
    return _svd_adjoint(None, g, None, u, ans, vh)


def svdvals_jvp(t: Any, ans: Any, x: Any) -> Any:
    """ds = diag(U^H dA V)."""
    if np.iscomplexobj(x):
        return _singular_values_jvp_complex(t, x)
    u, _, vh = np.linalg.svd(x, full_matrices=False)
    return np.diagonal(np.matmul(np.matmul(_mT(u), t), _mT(vh)), 0, -2, -1)


# ---- qr (reduced, full column rank) -------------------------------------------------------------


def _check_qr(shape: tuple[int, ...], mode: str, rule: str) -> None:
    rows, cols = shape[-2:]
    square_complete = mode == "complete" and rows == cols
    if rows < cols or (mode not in ("reduced", "r") and not square_complete):
        raise NotImplementedError(
            f"{rule}: only qr of a matrix with at least as many rows as columns, mode "
            f"'reduced' or 'r', is differentiable here (got shape {shape}, mode {mode!r})")


def _qr_adjoint(gq: Any, gr: Any, q: Any, r: Any) -> Any:
    # dR = (X - W) R, dQ = dA R^-1 - Q (X - W) with X = Q^T dA R^-1, W = tril(X,-1) - tril(X,-1)^T:
    # the adjoint is (gQ + Q Y) R^-T, Y = triu(B) + tril(B^T, -1), B = gR R^T - Q^T gQ.
    b = np.matmul(gr, _mT(r)) - np.matmul(_mT(q), gq)
    y = np.triu(b) + np.tril(_mT(b), -1)
    return _mT(np.linalg.solve(r, _mT(gq + np.matmul(q, y))))


def _qr_adjoint_complex(gq: Any, gr: Any, q: Any, r: Any) -> Any:
    # LAPACK's R has a real diagonal. With G = conj(g): B = G_R R^H - Q^H G_Q,
    # Y = triu(B, 1) + tril(B^H, -1) + Re diag(B); the adjoint is conj((G_Q + Q Y) R^-H).
    gq, gr = np.conj(gq), np.conj(gr)
    b = np.matmul(gr, np.conj(_mT(r))) - np.matmul(np.conj(_mT(q)), gq)
    y = np.triu(b, 1) + np.tril(np.conj(_mT(b)), -1) + _diag(np.real(np.diagonal(b, 0, -2, -1)))
    return _mT(np.linalg.solve(r, np.conj(_mT(gq + np.matmul(q, y)))))


def qr_vjp(g: Any, ans: Any, a: Any, mode: str = "reduced") -> Any:
    """Full column rank, reduced: A = Q R with Q^H Q = I and R upper triangular (with a real
    diagonal for a complex A, as LAPACK returns it)."""
    shape = np.shape(a)
    _check_qr(shape, mode, "qr_vjp")
    if mode == "r":
        q = np.linalg.qr(a)[0]
        gq, gr, r = np.zeros_like(q), g, ans
    else:
        gq, gr, q, r = g[0], g[1], ans[0], ans[1]
    if np.iscomplexobj(a):
        return _qr_adjoint_complex(gq, gr, q, r)
    return _qr_adjoint(gq, gr, q, r)


def _qr_tangents(t: Any, q: Any, r: Any) -> tuple[Any, Any]:
    x = _mT(np.linalg.solve(_mT(r), _mT(np.matmul(_mT(q), t))))  # Q^T dA R^-1
    lower = np.tril(x, -1)
    upper_part = x - (lower - _mT(lower))
    dq = _mT(np.linalg.solve(_mT(r), _mT(t))) - np.matmul(q, upper_part)
    return dq, np.matmul(upper_part, r)


def _qr_tangents_complex(t: Any, q: Any, r: Any) -> tuple[Any, Any]:
    # X = Q^H dA R^-1 = Omega + dR R^-1, Omega skew-Hermitian, dR R^-1 upper with a real diagonal
    x = _mT(np.linalg.solve(_mT(r), _mT(np.matmul(np.conj(_mT(q)), t))))
    lower = np.tril(x, -1)
    omega = lower - np.conj(_mT(lower)) + 1j * _diag(np.imag(np.diagonal(x, 0, -2, -1)))
    upper_part = x - omega
    dq = _mT(np.linalg.solve(_mT(r), _mT(t))) - np.matmul(q, upper_part)
    return dq, np.matmul(upper_part, r)


def qr_jvp(t: Any, ans: Any, a: Any, mode: str = "reduced") -> Any:
    """Full column rank, reduced: A = Q R with Q^H Q = I and R upper triangular (with a real
    diagonal for a complex A, as LAPACK returns it)."""
    shape = np.shape(a)
    _check_qr(shape, mode, "qr_jvp")
    if mode == "r":
        q, r = np.linalg.qr(a)[0], ans
    else:
        q, r = ans[0], ans[1]
    if np.iscomplexobj(a):
        found = _qr_tangents_complex(t, q, r)
    else:
        found = _qr_tangents(t, q, r)
    return found[1] if mode == "r" else found


# ---- pinv and lstsq (full rank) -----------------------------------------------------------------


def _pinv_adjoint(g: Any, a: Any, p: Any) -> Any:
    # d A+ = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+ (constant rank).
    gt = _mT(g)
    first = -np.matmul(np.matmul(_mT(p), g), _mT(p))
    left = gt - np.matmul(np.matmul(a, p), gt)  # (I - A A+) g^T
    second = np.matmul(np.matmul(left, p), _mT(p))
    right = gt - np.matmul(gt, np.matmul(p, a))  # g^T (I - A+ A)
    third = np.matmul(np.matmul(_mT(p), p), right)
    return first + second + third


def pinv_vjp(
    g: Any, ans: Any, a: Any, rcond: Any = None, hermitian: bool = False, rtol: Any = None
) -> Any:
    """Full rank: d A+ = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+."""
    a = real_matrix(a, "np.linalg.pinv")
    return _pinv_adjoint(g, a, ans)


def _pinv_tangent(t: Any, a: Any, p: Any) -> Any:
    tt = _mT(t)
    first = -np.matmul(np.matmul(p, t), p)
    second = np.matmul(np.matmul(p, _mT(p)), tt - np.matmul(tt, np.matmul(a, p)))
    third = np.matmul(tt - np.matmul(np.matmul(p, a), tt), np.matmul(_mT(p), p))
    return first + second + third


def pinv_jvp(
    t: Any, ans: Any, a: Any, rcond: Any = None, hermitian: bool = False, rtol: Any = None
) -> Any:
    """Full rank: d A+ = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+."""
    a = real_matrix(a, "np.linalg.pinv")
    return _pinv_tangent(t, a, ans)


def _as_columns(b: Any) -> Any:
    return np.expand_dims(b, -1) if np.ndim(b) == 1 else b


def _lstsq_residual(a: Any, b: Any, x: Any) -> Any:
    return _as_columns(b) - np.matmul(a, _as_columns(x))  # b - A x, as columns


def lstsq_vjp_a(g: Any, ans: Any, a: Any, b: Any, rcond: Any = None) -> Any:
    """Full rank: x = A+ b; residuals = |b - A x|^2 per column (their slope in A is -2 r x^T at
    the optimum); s = the singular values of A."""
    a = real_matrix(a, "np.linalg.lstsq")
    b = real_matrix(b, "np.linalg.lstsq")
    x, _, _, s = ans
    gx, gres, _, gs = g
    p = np.linalg.pinv(a)
    partial = _pinv_adjoint(np.matmul(_as_columns(gx), _mT(_as_columns(b))), a, p)
    if np.size(ans[1]) > 0:
        r = _lstsq_residual(a, b, x)
        partial = partial - 2.0 * np.matmul(r * gres, _mT(_as_columns(x)))
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    return partial + _svd_adjoint(None, gs, None, u, s, vh)


def lstsq_vjp_b(g: Any, ans: Any, a: Any, b: Any, rcond: Any = None) -> Any:
    """Full rank: x = A+ b, residuals = |b - A x|^2 (slope 2 r in b at the optimum)."""
    a = real_matrix(a, "np.linalg.lstsq")
    b = real_matrix(b, "np.linalg.lstsq")
    gx, gres = g[0], g[1]
    partial = np.matmul(_mT(np.linalg.pinv(a)), _as_columns(gx))
    if np.size(ans[1]) > 0:
        partial = partial + 2.0 * _lstsq_residual(a, b, ans[0]) * gres
    return np.reshape(partial, np.shape(b))


def lstsq_jvp_a(t: Any, ans: Any, a: Any, b: Any, rcond: Any = None) -> Any:
    """Tangents of (x, residuals, rank, s); the rank is constant."""
    a = real_matrix(a, "np.linalg.lstsq")
    b = real_matrix(b, "np.linalg.lstsq")
    x, res, rank = ans[0], ans[1], ans[2]
    p = np.linalg.pinv(a)
    dx = np.reshape(np.matmul(_pinv_tangent(t, a, p), _as_columns(b)), np.shape(x))
    dres = np.zeros_like(res)
    if np.size(res) > 0:
        r = _lstsq_residual(a, b, x)
        dres = -2.0 * np.sum(r * np.matmul(t, _as_columns(x)), axis=-2)
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    ds = np.diagonal(np.matmul(np.matmul(_mT(u), t), _mT(vh)), 0, -2, -1)
    return (dx, dres, np.zeros_like(rank), ds)


def lstsq_jvp_b(t: Any, ans: Any, a: Any, b: Any, rcond: Any = None) -> Any:
    """Tangents of (x, residuals, rank, s); only x and the residuals move with b."""
    a = real_matrix(a, "np.linalg.lstsq")
    b = real_matrix(b, "np.linalg.lstsq")
    x, res, rank, s = ans
    dx = np.reshape(np.matmul(np.linalg.pinv(a), _as_columns(t)), np.shape(x))
    dres = np.zeros_like(res)
    if np.size(res) > 0:
        dres = 2.0 * np.sum(_lstsq_residual(a, b, x) * _as_columns(t), axis=-2)
    return (dx, dres, np.zeros_like(rank), np.zeros_like(s))


defrule(real_matrix, vjp=(real_matrix_vjp, None), jvp=(real_matrix_jvp, None),
        argnames=("a", "function"))
defrule(np.linalg.cholesky, vjp=(cholesky_vjp,), jvp=(cholesky_jvp,), argnames=("a",))
defrule(np.linalg.eigh, vjp=(eigh_vjp,), jvp=(eigh_jvp,), argnames=("a",))
defrule(np.linalg.eigvalsh, vjp=(eigvalsh_vjp,), jvp=(eigvalsh_jvp,), argnames=("a",))
defrule(np.linalg.eig, vjp=(eig_vjp,), jvp=(eig_jvp,), argnames=("a",))
defrule(np.linalg.eigvals, vjp=(eigvals_vjp,), jvp=(eigvals_jvp,), argnames=("a",))
defrule(np.linalg.svd, vjp=(svd_vjp,), jvp=(svd_jvp,), argnames=("a",))
if hasattr(np.linalg, "svdvals"):  # numpy >= 2.0
    defrule(np.linalg.svdvals, vjp=(svdvals_vjp,), jvp=(svdvals_jvp,), argnames=("x",))
defrule(np.linalg.qr, vjp=(qr_vjp,), jvp=(qr_jvp,), argnames=("a",))
defrule(np.linalg.pinv, vjp=(pinv_vjp,), jvp=(pinv_jvp,), argnames=("a",))
defrule(np.linalg.lstsq, vjp=(lstsq_vjp_a, lstsq_vjp_b), jvp=(lstsq_jvp_a, lstsq_jvp_b),
        argnames=("a", "b"))

__all__ = [
    "cholesky_jvp",
    "cholesky_vjp",
    "eig_jvp",
    "eig_vjp",
    "eigh_jvp",
    "eigh_vjp",
    "eigvals_jvp",
    "eigvals_vjp",
    "eigvalsh_jvp",
    "eigvalsh_vjp",
    "lstsq_jvp_a",
    "lstsq_jvp_b",
    "lstsq_vjp_a",
    "lstsq_vjp_b",
    "pinv_jvp",
    "pinv_vjp",
    "qr_jvp",
    "qr_vjp",
    "real_matrix",
    "real_matrix_jvp",
    "real_matrix_vjp",
    "svd_jvp",
    "svd_vjp",
    "svdvals_jvp",
    "svdvals_vjp",
]
