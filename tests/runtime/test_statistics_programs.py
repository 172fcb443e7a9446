"""End to end: ``autodiff.grad``/``jvp``/``hessian`` of small user functions calling numpy's
statistics and constructor functions written in Python (``average``, ``ptp``, ``cov``,
``corrcoef``, ``logspace``, ``geomspace``, ``vander``, ``ediff1d``, ``cumulative_sum``/``prod``,
``unwrap``, ``i0``, ``fft.fftfreq``). Checked against central finite differences (float64) and,
since autograd has none of these functions, against autograd's gradient of the same statistic
written out from its definition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff

EPS = 1e-6
AW = np.array([0.5, 1.5, 1.0, 2.0, 0.7])
FW = np.array([1, 2, 1, 3, 1])
RAMP = np.arange(5.0)


def numeric_grad(f: Callable[[Any], Any], x: np.ndarray) -> np.ndarray:
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = EPS
        grad[index] = (f(x + step) - f(x - step)) / (2 * EPS)
    return grad


def programs() -> dict[str, Callable[[Any], Any]]:
    """User functions of a (3, 5) array."""
    found = {
        "average-weighted": lambda x: np.sum(np.average(x, axis=1, weights=np.exp(x[0])) ** 2),
        "average-returned": lambda x: np.sum(np.prod(np.average(x, 0, np.exp(x), True), axis=0)),
        "average-keepdims": lambda x: np.sum(np.average(x ** 2, axis=0, keepdims=True) * x),
        "ptp": lambda x: np.sum(np.ptp(x, axis=1) ** 2) + np.ptp(x),
        "cov": lambda x: np.sum(np.cov(x) ** 2) + np.sum(np.cov(x[0], np.sin(x[1]), bias=True)),
        "cov-weights": lambda x: np.sum(np.cov(x.T, rowvar=False, aweights=AW, fweights=FW)
                                        * np.arange(9.0).reshape(3, 3)),
        "corrcoef": lambda x: np.sum(np.corrcoef(x) * np.arange(9.0).reshape(3, 3))
        + np.sum(np.corrcoef(x[0], x[2] ** 2) ** 3),
        "logspace": lambda x: np.sum(np.logspace(x[0, 0], x[0, 1], 5) * RAMP)
        + np.sum(np.logspace(x[1, :2], x[2, :2], 3, base=2.0, axis=1) ** 2),
        "geomspace": lambda x: np.sum(np.geomspace(np.exp(x[0, 0]), np.exp(x[0, 1]), 5) * RAMP)
        + np.sum(np.geomspace(-np.exp(x[1]), -np.exp(x[2]), 3, endpoint=False)),
        "vander": lambda x: np.sum(np.vander(x[0], 4) @ x[1, :4])
        + np.sum(np.vander(x[2], increasing=True) ** 2),
        "ediff1d": lambda x: np.sum(np.ediff1d(x, to_end=x[1, 0], to_begin=x[0, :2]) ** 2 * 0.5),
        "unwrap": lambda x: np.sum(np.unwrap(3.0 * x, axis=1) * RAMP),
        "i0": lambda x: np.sum(np.i0(x) * x),
        "polyfit": lambda x: np.sum(np.polyfit(RAMP, x.T ** 2, 2) ** 2)
        + np.polyval(np.polyfit(RAMP, np.sin(x[0]), 1, w=AW), 0.5),
    }
    if hasattr(np, "cumulative_sum"):  # numpy >= 2.1
        found["cumulative"] = lambda x: (
            np.sum(np.cumulative_sum(x, axis=1, include_initial=True) ** 2)
            + np.sum(np.cumulative_prod(x, axis=0)))
    return found


def reference_programs(anp: Any) -> dict[str, Callable[[Any], Any]]:
    """The same statistics written from their definitions, for autograd."""

    def cov(v: Any) -> Any:
        centred = v - anp.mean(v, axis=1, keepdims=True)
        return anp.dot(centred, centred.T) / (v.shape[1] - 1)

    def corrcoef(v: Any) -> Any:
        c = cov(v)
        deviations = anp.sqrt(anp.diag(c))
        return c / (deviations[:, None] * deviations[None, :])

    def average(v: Any, w: Any) -> Any:
        return anp.sum(v * w, axis=1) / anp.sum(w)

    def polyfit(y: Any, deg: int, w: Any) -> Any:  # the weighted normal equations
        design = RAMP[:, None] ** np.arange(deg, -1, -1) * w[:, None]
        return anp.dot(np.linalg.solve(design.T @ design, design.T) * w, y)

    return {
        "average-weighted": lambda x: anp.sum(average(x, anp.exp(x[0])) ** 2),
        "polyfit": lambda x: anp.sum(polyfit(anp.transpose(x ** 2), 2, np.ones(5)) ** 2)
        + anp.dot(polyfit(anp.sin(x[0]), 1, AW), anp.array([0.5, 1.0])),
        "ptp": lambda x: anp.sum((anp.max(x, axis=1) - anp.min(x, axis=1)) ** 2)
        + anp.max(x) - anp.min(x),
        "cov": lambda x: anp.sum(cov(x) ** 2) + anp.sum(
            cov(anp.stack([x[0], anp.sin(x[1])])) * 4.0 / 5.0),
        "corrcoef": lambda x: anp.sum(corrcoef(x) * anp.arange(9.0).reshape(3, 3))
        + anp.sum(corrcoef(anp.stack([x[0], x[2] ** 2])) ** 3),
        "logspace": lambda x: anp.sum(10.0 ** (x[0, 0] + (x[0, 1] - x[0, 0]) * RAMP / 4.0) * RAMP)
        + anp.sum(4.0 ** (x[1, :2, None] + (x[2, :2, None] - x[1, :2, None])
                          * anp.array([0.0, 0.5, 1.0]))),
        "vander": lambda x: anp.sum(anp.dot(x[0][:, None] ** anp.array([3.0, 2.0, 1.0, 0.0]),
                                            x[1, :4]))
        + anp.sum((x[2][:, None] ** RAMP) ** 2),
        "ediff1d": lambda x: 0.5 * (anp.sum(x[0, :2] ** 2) + x[1, 0] ** 2
                                    + anp.sum((anp.ravel(x)[1:] - anp.ravel(x)[:-1]) ** 2)),
    }


PROGRAMS = sorted(programs())
AUTOGRAD_PROGRAMS = sorted(reference_programs(np))


@pytest.fixture
def x(rng: np.random.Generator) -> np.ndarray:
    # distinct values (ptp is smooth here), away from unwrap's jumps of 3 x
    values = (rng.permutation(15) - 7.0) * 0.13 + rng.uniform(-0.02, 0.02, size=15)
    return values.reshape(3, 5)


@pytest.mark.parametrize("name", PROGRAMS)
def test_grad_matches_finite_differences(name: str, x: np.ndarray) -> None:
    f = programs()[name]
    np.testing.assert_allclose(autodiff.grad(f)(x), numeric_grad(f, x), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", PROGRAMS)
def test_jvp_matches_finite_differences(name: str, x: np.ndarray,
                                        rng: np.random.Generator) -> None:
    f = programs()[name]
    v = rng.normal(size=x.shape)
    value, tangent = autodiff.jvp(f, (x,), (v,))
    assert value == pytest.approx(f(x))
    assert tangent == pytest.approx(np.sum(numeric_grad(f, x) * v), rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("name", AUTOGRAD_PROGRAMS)
def test_reference_definitions_agree_with_numpy(name: str, x: np.ndarray) -> None:
    assert reference_programs(np)[name](x) == pytest.approx(programs()[name](x), rel=1e-12)


@pytest.mark.parametrize("name", AUTOGRAD_PROGRAMS)
def test_grad_matches_autograd_of_the_definition(name: str, x: np.ndarray) -> None:
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    expected = autograd.grad(reference_programs(anp)[name])(x)
    np.testing.assert_allclose(autodiff.grad(programs()[name])(x), expected, rtol=1e-9,
                               atol=1e-12)


HIGHER_ORDER = ["average-weighted", "cov", "corrcoef", "logspace", "geomspace", "vander",
                "ediff1d", "i0", "polyfit"]


@pytest.mark.parametrize("name", HIGHER_ORDER)
def test_hessian_matches_finite_differences_of_the_gradient(name: str, x: np.ndarray) -> None:
    f = programs()[name]
    gradient = autodiff.grad(f)
    rows = [numeric_grad(lambda z, i=i: gradient(z).ravel()[i], x) for i in range(x.size)]
    expected = np.reshape(rows, x.shape + x.shape)
    np.testing.assert_allclose(autodiff.hessian(f)(x), expected, rtol=1e-4, atol=1e-6)


def test_fftfreq_moves_with_the_sample_spacing() -> None:
    def f(d: Any) -> Any:
        return np.sum(np.fft.fftfreq(8, d) ** 2) + np.sum(np.fft.rfftfreq(7, d) * RAMP[:4])

    d = 0.3
    expected = (f(d + EPS) - f(d - EPS)) / (2 * EPS)
    assert autodiff.grad(f)(d) == pytest.approx(expected, rel=1e-6)


def test_cumulative_prod_is_exact_with_a_zero() -> None:
    if not hasattr(np, "cumulative_prod"):
        pytest.skip("np.cumulative_prod needs numpy >= 2.1")
    x = np.array([1.5, 0.0, -0.7, 2.0])

    def f(z: Any) -> Any:
        return np.sum(np.cumulative_prod(z, include_initial=True) * np.arange(5.0))

    np.testing.assert_allclose(autodiff.grad(f)(x), numeric_grad(f, x), rtol=1e-6, atol=1e-9)


def test_i0_slope_is_accurate_far_from_zero() -> None:
    special = pytest.importorskip("scipy.special")
    x = np.array([-30.0, -0.5, 0.0, 5.0, 80.0, 600.0])
    found = autodiff.grad(lambda z: np.sum(np.i0(z)))(x)
    np.testing.assert_allclose(found, special.i1(x), rtol=1e-12, atol=1e-15)


def test_differentiated_cov_weights_are_rejected(x: np.ndarray) -> None:
    with pytest.raises(autodiff.AutodiffError, match="aweights"):
        autodiff.grad(lambda z: np.sum(np.cov(z, aweights=np.exp(z[0]))))(x)


@pytest.mark.parametrize("option", ["full", "cov"])
def test_polyfit_residuals_and_covariance_are_rejected(option: str, x: np.ndarray) -> None:
    def with_full(z: Any) -> Any:
        return np.sum(np.polyfit(RAMP, z[0], 1, full=True)[0])

    def with_cov(z: Any) -> Any:
        return np.sum(np.polyfit(RAMP, z[0], 1, cov=True)[0])

    with pytest.raises(NotImplementedError, match="full=True or cov=True"):
        autodiff.grad(with_full if option == "full" else with_cov)(x)


def test_differentiated_polyfit_abscissae_are_rejected(x: np.ndarray) -> None:
    with pytest.raises(autodiff.AutodiffError, match="polyfit"):
        autodiff.grad(lambda z: np.sum(np.polyfit(z[0], RAMP, 1)))(x)
