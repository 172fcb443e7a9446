"""End to end: gradients, JVPs and Hessians of user functions written the way autograd and JAX
users write linear algebra (a Gaussian log-likelihood through cholesky and solve, PCA through
eigh, attention through einsum, nuclear norms, least squares...), against central finite
differences in float64 and, where installed and it has the function, against autograd.

Eigenvectors and singular vectors are tested only through gauge-invariant losses (functions of
v v^T, of u s v^T, or of squared entries)."""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import pytest

import autodiff

EPS = 1e-6
_rng = np.random.default_rng(31)


# ---- the user functions (first argument differentiated) ---------------------------------------


def gaussian_nll(raw, x):
    cov = raw @ raw.T + np.eye(raw.shape[0])
    chol = np.linalg.cholesky(cov)
    z = np.linalg.solve(chol, x)
    return 0.5 * np.sum(z**2) + np.sum(np.log(np.diag(chol)))


def pca_residual(data):
    cov = data.T @ data / data.shape[0]
    w, v = np.linalg.eigh(cov)
    top = v[:, -2:]
    return np.sum((data - data @ top @ top.T) ** 2) + np.sum(w[-2:])


def eigh_indexed(a):
    sym = a + a.T
    return np.sum(np.linalg.eigh(sym)[0] ** 3)


def eigvalsh_batched(a):
    sym = a + np.swapaxes(a, -1, -2)
    return np.sum(np.sin(np.linalg.eigvalsh(sym)))


def attention(q, k, v):
    scores = np.einsum("bqd,bkd->bqk", q, k) / np.sqrt(q.shape[-1])
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / np.sum(weights, axis=-1, keepdims=True)
    return np.sum(np.einsum("bqk,bkd->bqd", weights, v) ** 2)


def einsum_quadratic(x, a):
    return np.einsum("i,ij,j", x, a, x) + np.einsum("ii", a) * np.sum(x)


def einsum_ellipsis_three(x, w, y):
    return np.sum(np.einsum("...ij,jk,...k->...i", x, w, y, optimize=True) ** 2)


def einsum_sublists(x, w):
    return np.sum(np.einsum(x, [0, Ellipsis, 1], w, [1, 2], [Ellipsis, 2]) ** 2) + np.einsum(
        "ij,jk,ik", x[0], w, x[1])


def svd_reconstruction(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(s) + np.sum(((u * s) @ vh) * a) + np.sum((u[:, :2] @ u[:, :2].T) ** 2)


def svd_values_indexed(a):
    result = np.linalg.svd(a, full_matrices=False)
    return np.sum(result[1] ** 2) + np.sum(np.linalg.svd(a, compute_uv=False))


def named_results(a):
    svd = np.linalg.svd(a, full_matrices=False)
    eigh = np.linalg.eigh(a.T @ a)
    qr = np.linalg.qr(a)
    return (np.sum(svd.S**2) + np.sum((svd.U * svd.S) @ svd.Vh * a) + np.sum(eigh.eigenvalues)
            + np.sum(eigh.eigenvectors[:, -1] ** 2 * np.arange(3.0))
            + np.linalg.slogdet(a.T @ a).logabsdet + np.sum(np.abs(np.diag(qr.R))))


def two_items_of_one_result(a):
    # the adjoint of `result` collects two contributions: they are summed item by item
    result = np.linalg.svd(a, full_matrices=False)
    halves = np.split(a, 2)
    return (np.sum(result[1] ** 2) + np.sum(result[0][:, 0] ** 2 * np.arange(4.0))
            + np.sum(result.S) + np.sum(halves[0] ** 2) + np.sum(halves[1] * 3.0))


def logdet_ratio(a):
    sign, logdet = np.linalg.slogdet(a)
    return logdet * sign + np.log(np.abs(np.linalg.det(a)))


def qr_loss(a):
    q, r = np.linalg.qr(a)
    return np.sum(np.abs(np.diag(r))) + np.sum((q @ (q.T @ a)) * a) + np.sum(q[:, 0] ** 2 * a[:, 1])


def pinv_loss(a):
    return np.sum(np.linalg.pinv(a) ** 2)


def lstsq_loss(a, b):
    x, residuals, _rank, s = np.linalg.lstsq(a, b, rcond=None)
    return np.sum(x**2) + np.sum(residuals) + np.sum(s)


def power_loss(a):
    return np.sum(np.linalg.matrix_power(a, 3)) + np.sum(np.linalg.matrix_power(a, -2))


def norms(a):
    return (np.linalg.norm(a, "nuc") + np.linalg.norm(a, 2) + np.linalg.norm(a, "fro")
            + np.linalg.norm(a, np.inf) + np.linalg.norm(a, 1) + np.linalg.norm(a[0], 3))


def eig_loss(a):
    w, v = np.linalg.eig(a)  # real eigenvalues; numpy >= 2.5 returns them as complex
    return np.sum(np.real(w) ** 2) + np.sum(np.real(v) ** 2 * np.arange(1.0, 4.0))


def products(a, b):
    return (np.sum(np.kron(a, b) ** 2) + np.sum(np.cross(a, b) * a)
            + np.sum(np.convolve(a[0], b[1], "same") ** 2)
            + np.sum(np.correlate(a[1], b[0], "full") * np.arange(5.0)))


def chain(a, b, c):
    return np.sum(np.linalg.multi_dot([a, b, c]) ** 2)


def batched_solve(a, b):
    x = np.linalg.solve(a, b)
    chol = np.linalg.cholesky(a @ np.swapaxes(a, -1, -2))
    return np.sum(x**2) + np.sum(np.linalg.det(a)) + np.sum(np.log(np.diagonal(chol, 0, -2, -1)))


def tensor_solve(a, b):
    return np.sum(np.linalg.tensorsolve(a, b) ** 2) + np.sum(np.linalg.tensorinv(a, 2))


# ---- inputs -------------------------------------------------------------------------------------


def _well(*shape: int) -> np.ndarray:
    return 3.0 * np.eye(shape[-1]) + 0.4 * _rng.normal(size=shape)


def _distinct_real_eigen(n: int) -> np.ndarray:
    p = np.eye(n) + 0.3 * _rng.normal(size=(n, n))
    return p @ np.diag(np.arange(1.0, n + 1.0) * 1.3) @ np.linalg.inv(p)


N = _rng.normal
PROGRAMS = [
    pytest.param(gaussian_nll, (N(size=(3, 3)), N(size=3)), True, id="gaussian_nll"),
    pytest.param(pca_residual, (N(size=(7, 4)),), True, id="pca_residual"),
    pytest.param(eigh_indexed, (N(size=(4, 4)),), True, id="eigh_indexed"),
    pytest.param(eigvalsh_batched, (N(size=(2, 3, 3)),), False, id="eigvalsh_batched"),
    pytest.param(attention, (N(size=(2, 3, 4)), N(size=(2, 5, 4)), N(size=(2, 5, 4))), True,
                 id="attention"),
    pytest.param(einsum_quadratic, (N(size=3), N(size=(3, 3))), False, id="einsum_quadratic"),
    pytest.param(einsum_ellipsis_three, (N(size=(2, 3, 4)), N(size=(4, 5)), N(size=(2, 1, 5))),
                 False, id="einsum_ellipsis_three"),
    pytest.param(einsum_sublists, (N(size=(2, 3, 4)), N(size=(4, 4))), False,
                 id="einsum_sublists"),
    pytest.param(svd_reconstruction, (N(size=(5, 3)),), True, id="svd_reconstruction"),
    pytest.param(svd_values_indexed, (N(size=(3, 4)),), True, id="svd_values_indexed"),
    pytest.param(logdet_ratio, (_well(3, 3),), True, id="logdet_ratio"),
    pytest.param(named_results, (N(size=(5, 3)),), False, id="named_results"),
    pytest.param(two_items_of_one_result, (N(size=(4, 3)),), False, id="two_items_of_one_result"),
    pytest.param(qr_loss, (N(size=(5, 3)),), False, id="qr_loss"),
    pytest.param(pinv_loss, (N(size=(4, 3)),), True, id="pinv_loss"),
    pytest.param(lstsq_loss, (N(size=(6, 3)), N(size=6)), False, id="lstsq_loss"),
    pytest.param(power_loss, (_well(3, 3) / 3.0,), False, id="power_loss"),
    pytest.param(norms, (N(size=(3, 4)),), False, id="norms"),
    pytest.param(eig_loss, (_distinct_real_eigen(3),), False, id="eig_loss"),
    pytest.param(products, (N(size=(2, 3)), N(size=(2, 3))), False, id="products"),
    pytest.param(chain, (N(size=(2, 3)), N(size=(3, 4)), N(size=(4, 2))), True, id="chain"),
    pytest.param(batched_solve, (_well(2, 3, 3), N(size=(2, 3, 2))), False, id="batched_solve"),
    pytest.param(tensor_solve, (np.reshape(_well(6, 6), (2, 3, 2, 3)), N(size=(2, 3))), False,
                 id="tensor_solve"),
]
# eig's rules use np.conj/np.real (no-ops on real arrays), whose own rules come with complex
# support: it is left out of the second-order checks.
HESSIAN_PROGRAMS = ["gaussian_nll", "pca_residual", "eigh_indexed", "svd_reconstruction",
                    "logdet_ratio", "qr_loss", "pinv_loss", "power_loss", "norms", "products",
                    "chain", "batched_solve", "lstsq_loss", "svd_values_indexed", "named_results",
                    "two_items_of_one_result", "attention", "einsum_quadratic",
                    "einsum_ellipsis_three", "einsum_sublists"]


def _grads(f: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """autodiff's gradient with respect to every argument, as a tuple."""
    if len(args) == 1:
        return (autodiff.grad(f)(*args),)
    return autodiff.grad(f, grad_position=tuple(range(len(args))))(*args)


def _numeric_gradient(f: Any, args: tuple[Any, ...], position: int) -> np.ndarray:
    x = args[position]
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = EPS
        plus = list(args)
        plus[position] = x + step
        minus = list(args)
        minus[position] = x - step
        gradient[index] = (f(*plus) - f(*minus)) / (2 * EPS)
    return gradient


@pytest.mark.parametrize(("f", "args", "in_autograd"), PROGRAMS)
def test_grad_matches_finite_differences(f: Any, args: tuple[Any, ...], in_autograd: bool) -> None:
    for position, grad in enumerate(_grads(f, args)):
        expected = _numeric_gradient(f, args, position)
        np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("f", "args", "in_autograd"), PROGRAMS)
def test_jvp_matches_finite_differences(f: Any, args: tuple[Any, ...], in_autograd: bool) -> None:
    rng = np.random.default_rng(5)
    tangents = tuple(rng.normal(size=np.shape(x)) for x in args)
    value, tangent = autodiff.jvp(f, args, tangents)
    plus = f(*(x + EPS * t for x, t in zip(args, tangents, strict=True)))
    minus = f(*(x - EPS * t for x, t in zip(args, tangents, strict=True)))
    assert value == pytest.approx(f(*args))
    assert tangent == pytest.approx((plus - minus) / (2 * EPS), rel=1e-5, abs=1e-6)


@pytest.mark.parametrize(("f", "args", "in_autograd"),
                         [p for p in PROGRAMS if p.id in HESSIAN_PROGRAMS])
def test_hessian_matches_finite_differences_of_the_gradient(
    f: Any, args: tuple[Any, ...], in_autograd: bool
) -> None:
    x, rest = args[0], args[1:]
    hessian = autodiff.hessian(f)(*args)
    gradient = autodiff.grad(f)
    columns = []
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-5
        columns.append((gradient(x + step, *rest) - gradient(x - step, *rest)) / 2e-5)
    expected = np.moveaxis(np.reshape(columns, (*x.shape, *x.shape)), range(x.ndim),
                           range(x.ndim, 2 * x.ndim))
    np.testing.assert_allclose(hessian, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("f", "args", "in_autograd"), [p for p in PROGRAMS if p.values[2]])
def test_grad_matches_autograd(f: Any, args: tuple[Any, ...], in_autograd: bool) -> None:
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    with_autograd = types.FunctionType(f.__code__, {**f.__globals__, "np": anp})
    for position, grad in enumerate(_grads(f, args)):
        theirs = autograd.grad(with_autograd, position)(*args)
        np.testing.assert_allclose(grad, theirs, rtol=1e-7, atol=1e-9)


# ---- tuple results, conventions and refusals ----------------------------------------------------


def eigh_upper_unsymmetric(a):
    w, v = np.linalg.eigh(a, UPLO="U")
    return np.sum(w * np.arange(3.0)) + np.sum(v**2 * a)


def test_eigh_of_a_nonsymmetric_input_differentiates_the_triangle_numpy_reads() -> None:
    a = _rng.normal(size=(3, 3))
    gradient = autodiff.grad(eigh_upper_unsymmetric)(a)
    np.testing.assert_allclose(gradient, _numeric_gradient(eigh_upper_unsymmetric, (a,), 0),
                               rtol=1e-5, atol=1e-6)


def cholesky_upper(a):
    return np.sum(np.linalg.cholesky(a, upper=True) * np.arange(9.0).reshape(3, 3))


def test_cholesky_upper_gets_the_upper_triangle_gradient() -> None:
    x = _rng.normal(size=(3, 3))
    a = x @ x.T + np.eye(3)
    gradient = autodiff.grad(cholesky_upper)(a)
    assert np.all(np.tril(gradient, -1) == 0.0)
    np.testing.assert_allclose(gradient, _numeric_gradient(cholesky_upper, (a,), 0),
                               rtol=1e-5, atol=1e-6)


def full_svd(a):
    _u, s, _vh = np.linalg.svd(a)
    return np.sum(s)


def wide_qr(a):
    _q, r = np.linalg.qr(a)
    return np.sum(r)


@pytest.mark.parametrize(("f", "shape", "match"), [
    (full_svd, (4, 3), "full_matrices=False"),
    (wide_qr, (2, 4), "at least as many rows"),
], ids=["svd-full-matrices", "qr-wide"])
def test_non_unique_decompositions_fail_loudly(f: Any, shape: tuple[int, ...], match: str) -> None:
    with pytest.raises(NotImplementedError, match=match):
        autodiff.grad(f)(_rng.normal(size=shape))


def test_einsum_with_too_many_arguments_fails_loudly() -> None:
    import autodiff.runtime as rt

    operands = [np.ones(2)] * 9
    subscripts = ",".join("i" * 9) + "->i"
    ans = np.einsum(subscripts, *operands)
    for rule in (rt.einsum_vjp_arg1, rt.einsum_jvp_arg1):
        with pytest.raises(NotImplementedError, match="more than 9 positional arguments"):
            rule(np.ones(2), ans, subscripts, *operands)


class _Holder:
    def __init__(self, values: np.ndarray) -> None:
        self.S = values


def test_a_field_name_on_another_object_is_refused() -> None:
    import autodiff.runtime as rt

    with pytest.raises(TypeError, match=r"named results of np\.linalg"):
        rt.field_S_vjp(np.ones(2), None, _Holder(np.ones(2)))
    with pytest.raises(TypeError, match=r"named results of np\.linalg"):
        rt.field_S_jvp((np.ones(2),), None, (np.ones(2),))


def _sorted_eig(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # eigenvalues in a fixed order (LAPACK's order may change under a perturbation)
    w, v = np.linalg.eig(a)
    order = np.argsort(w.imag * 10.0 + w.real)
    return w[order], v[:, order], order


def test_eig_of_a_real_matrix_with_complex_eigenvalues() -> None:
    """The JAX convention: a real loss L of complex outputs w has the cotangent
    dL/dRe(w) - i dL/dIm(w); the gradient of a real matrix is real. Eigenvectors enter through a
    phase-invariant loss (|v|^2)."""
    import autodiff.runtime as rt

    a = np.random.default_rng(3).normal(size=(4, 4))
    weights = np.arange(16.0).reshape(4, 4)

    def loss(m: np.ndarray) -> float:
        w, v, _ = _sorted_eig(m)
        return np.sum(np.abs(v) ** 2 * weights) + np.sum(w.real**2 + 3.0 * w.imag * np.arange(4))

    w, v = np.linalg.eig(a)
    assert np.iscomplexobj(w) and np.any(w.imag != 0)
    _, _, order = _sorted_eig(a)
    rank = np.empty(4, dtype=int)
    rank[order] = np.arange(4)
    gw = 2.0 * w.real - 3j * rank
    gv = (2.0 * v.real - 2j * v.imag) * weights[:, rank]
    gradient = rt.eig_vjp((gw, gv), (w, v), a)
    assert gradient.dtype == np.float64
    np.testing.assert_allclose(gradient, _numeric_gradient(loss, (a,), 0), rtol=1e-5, atol=1e-6)
    values_only = rt.eigvals_vjp(gw, w, a)
    expected = _numeric_gradient(lambda m: np.sum(_sorted_eig(m)[0].real ** 2 + 3.0
                                                  * _sorted_eig(m)[0].imag * np.arange(4)), (a,), 0)
    np.testing.assert_allclose(values_only, expected, rtol=1e-5, atol=1e-6)
