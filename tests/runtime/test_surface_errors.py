"""Where the rules added for issue 14's numpy/scipy surface stop: each unsupported case raises a
clear error (never a silent wrong gradient), and the supported neighbours agree with finite
differences end to end."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autodiff
from autodiff.runtime import rules_decompositions as rd

EPS = 1e-6


def _complex(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.normal(size=shape) + 1j * rng.normal(size=shape)


def test_complex_svd_vectors_of_a_wide_matrix_raise() -> None:
    rng = np.random.default_rng(0)
    a = _complex(rng, 2, 4)
    ans = np.linalg.svd(a, full_matrices=False)
    with pytest.raises(NotImplementedError, match="fewer rows than columns"):
        rd.svd_vjp(tuple(np.ones_like(x) for x in ans), ans, a, False)
    with pytest.raises(NotImplementedError, match="fewer rows than columns"):
        rd.svd_jvp(_complex(rng, 2, 4), ans, a, False)


def test_an_unknown_phase_convention_raises() -> None:
    with pytest.raises(NotImplementedError, match="phase convention"):
        rd._gauge_values(np.array([1.0 + 0.1j, 2.0]), "eigh_vjp")
    np.testing.assert_array_equal(rd._gauge_values(np.array([1.0 + 0j, -2.0]), "f"), [1.0, -2.0])


def _numeric_gradient(f: Any, x: np.ndarray) -> np.ndarray:
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = EPS
        grad.flat[i] = (f(x + step) - f(x - step)) / (2 * EPS)
    return grad


def _phase_sensitive_svd(x):
    # depends on the phases of the singular vectors (through Re), which LAPACK fixes
    a = (x[:6] + 1j * x[6:]).reshape(3, 2)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(np.real(u) * np.arange(6.0).reshape(3, 2)) + np.sum(np.imag(vh) ** 2) + s[0]


def _phase_sensitive_eigh(x):
    m = (x[:9] + 1j * x[9:]).reshape(3, 3)
    w, v = np.linalg.eigh(m + np.conj(m.T))
    return np.sum(np.real(v) * np.arange(9.0).reshape(3, 3)) + w[2]


@pytest.mark.parametrize(("f", "size"), [(_phase_sensitive_svd, 12), (_phase_sensitive_eigh, 18)])
def test_phase_sensitive_functions_of_complex_vectors(f: Any, size: int) -> None:
    x = np.random.default_rng(3).normal(size=size)
    np.testing.assert_allclose(autodiff.grad(f)(x), _numeric_gradient(f, x), rtol=1e-5,
                               atol=1e-6)
    tangent = np.cos(np.arange(size))
    _, derivative = autodiff.jvp(f, (x,), (tangent,))
    assert float(derivative) == pytest.approx(float(_numeric_gradient(f, x) @ tangent),
                                              rel=1e-5, abs=1e-6)


def test_meshgrid_with_more_arrays_than_rules_raises() -> None:
    from autodiff.runtime.rules_construct import MESHGRID_ARGUMENTS, meshgrid_vjp

    xs = tuple(np.ones(2) for _ in range(MESHGRID_ARGUMENTS + 1))
    with pytest.raises(NotImplementedError, match="at most"):
        meshgrid_vjp(np.meshgrid(*xs), np.meshgrid(*xs), *xs)


scipy = pytest.importorskip("scipy", reason="scipy is not installed")


def test_scipy_rules_refuse_what_they_do_not_cover() -> None:
    import scipy.linalg as sl
    import scipy.signal as ss

    from autodiff.runtime import registry

    registry.load_all_lazy()
    import autodiff.runtime as rt

    a = np.eye(2) * 2.0
    with pytest.raises(NotImplementedError, match="standard problem"):
        rt.scipy_eigh_vjp(np.ones(2), sl.eigh(a, np.eye(2), eigvals_only=True), a, np.eye(2),
                          eigvals_only=True)
    x = np.arange(5.0)
    with pytest.raises(NotImplementedError, match="zi="):
        rt.lfilter_vjp_x(x, x, np.ones(2), np.ones(1), x, zi=np.zeros(1))
    m = np.ones((3, 3))
    with pytest.raises(NotImplementedError, match="fillvalue=0"):
        rt.convolve2d_vjp_in1(m, ss.convolve2d(m, m, boundary="wrap"), m, m, boundary="wrap")
    with pytest.raises(NotImplementedError, match="axes="):
        rt.fftconvolve_jvp_in1(m, m, m, m, axes=0)
    with pytest.raises(NotImplementedError, match="1-d c and r"):
        rt.toeplitz_vjp_c(np.ones((2, 3, 3)), None, np.ones((2, 3)))
    with pytest.raises(NotImplementedError, match="one matrix"):
        stacked = np.stack([np.eye(2), 2 * np.eye(2)])
        rt.lu_factor_jvp(stacked, sl.lu_factor(stacked), stacked)
