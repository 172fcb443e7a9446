"""End to end: ``autodiff.grad``/``jvp``/``hessian`` of small user functions written the way
autograd and JAX users write them, calling the reduction, order-statistic, nan-aware, ufunc-method,
shape, padding, selection, finite-difference and interpolation primitives. Checked against
central finite differences (float64) and, where autograd has the function, against autograd.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff

EPS = 1e-6
XP = np.array([0.0, 0.5, 1.0, 2.0])
SAMPLE_X = np.array([0.1, 0.7, 1.6])
TRAPEZOID = getattr(np, "trapezoid", None) or np.trapz  # np.trapz before numpy 2.0


def numeric_grad(f: Callable[[Any], Any], x: np.ndarray) -> np.ndarray:
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = EPS
        grad[index] = (f(x + step) - f(x - step)) / (2 * EPS)
    return grad


def programs(xp: Any) -> dict[str, Callable[[Any], Any]]:
    """User functions over a (2, 4) array, written against the numpy module ``xp``."""
    ramp = np.arange(4.0)
    return {
        "sort": lambda x: xp.sum(xp.sort(x, axis=1) * ramp),
        "partition": lambda x: xp.sum(xp.partition(x, 2, axis=1)[:, :2] ** 2),
        "sort-flat": lambda x: xp.sum(xp.sort(xp.ravel(x)) ** 2 * xp.arange(8.0)),
        "partition-flat": lambda x: xp.sum(xp.partition(xp.ravel(x), 3)[:3] ** 2),
        "cumsum-diff": lambda x: xp.sum(xp.diff(xp.cumsum(x, axis=1), axis=0) ** 2),
        "diff-n2": lambda x: xp.sum(xp.diff(xp.sin(x), n=2) ** 2),
        "gradient": lambda x: xp.sum(xp.gradient(x ** 2, axis=1) * x),
        "pad-edge-reflect": lambda x: xp.sum(xp.pad(x, 1, mode="edge") ** 2)
        + xp.sum(xp.pad(x, ((0, 1), (2, 1)), mode="reflect") ** 3),
        "pad-constant": lambda x: xp.sum(xp.tanh(xp.pad(x, ((1, 0), (0, 2)), "constant")) * 2.0),
        "rot90-flips": lambda x: xp.sum(xp.rot90(x) * xp.fliplr(x).T) + xp.sum(xp.flipud(x) ** 3),
        "rollaxis-moveaxis": lambda x: xp.sum(xp.rollaxis(x[None], 2)
                                              * xp.moveaxis(x[None], -1, 0)),
        "atleast": lambda x: xp.sum(xp.atleast_3d(x[0]) ** 2)
        + xp.sum(xp.atleast_2d(x[1, 2]) * 3.0),
        "splits": lambda x: xp.sum(xp.hsplit(x, 2)[0] * xp.hsplit(x, 2)[1])
        + xp.sum(xp.vsplit(x, [1])[1] ** 2) + xp.sum(xp.array_split(x, 3, axis=1)[2] ** 3),
        "repeat-tile": lambda x: xp.sum(xp.repeat(x, 2, axis=0) ** 2 * xp.tile(x, (2, 1))),
        "trace-diag": lambda x: xp.trace(xp.dot(x.T, x)) + xp.sum(xp.diag(x[:, :2]) ** 2),
    }


# autograd 1.x sorts and partitions 1-D arrays only and pads in constant mode only
AUTOGRAD_PROGRAMS = sorted(set(programs(np)) - {"sort", "partition", "pad-edge-reflect"})


def autodiff_only(xp: Any) -> dict[str, Callable[[Any], Any]]:
    """Functions autograd 1.x has no gradient for (or no function at all)."""
    idx = np.array([[0, 3, 1, 1], [2, 2, 0, 1]])
    return {
        "median-quantile": lambda x: xp.median(x)
        + xp.sum(xp.quantile(x, [0.25, 0.8], axis=0) ** 2),
        "percentile-keepdims": lambda x: xp.sum(xp.percentile(x ** 2, 40.0, axis=1, keepdims=True)
                                                * x),
        "nan-reductions": lambda x: xp.nansum(nan_above_1(x) ** 2) + xp.nanmax(nan_above_1(x))
        + xp.nanstd(nan_above_1(x)) + xp.nanmean(xp.nancumsum(nan_above_1(x), axis=1)),
        "cumprod": lambda x: xp.sum(xp.cumprod(x, axis=1)) + xp.sum(x.cumprod()),
        "ufunc-methods": lambda x: xp.sum(xp.logaddexp.reduce(x, axis=1))
        + xp.sum(xp.multiply.outer(x[0], x[1]) ** 2)
        + xp.sum(xp.maximum.accumulate(x, axis=1) ** 2),
        "add-reduce-reduceat": lambda x: xp.add.reduce(x ** 2, axis=0).sum()
        + xp.add.reduceat(x.ravel(), [0, 3, 5]).prod(),
        "generic-ufunc-methods": lambda x: xp.sum(xp.subtract.reduce(x, axis=1) ** 2)
        + xp.sum(xp.hypot.outer(x[0], x[1])) + xp.sum(xp.divide.accumulate(x + 3.0, axis=1))
        + xp.sum(xp.power.accumulate(xp.exp(x * 0.3), axis=0)),
        "subtract-outer-distances": lambda x: xp.sum(xp.square(xp.subtract.outer(x[0], x[1]))),
        "trapezoid": lambda x: xp.sum(TRAPEZOID(x ** 2, dx=0.5)) + TRAPEZOID(x[0], x[1] * 0.1
                                                                            + ramp_x()),
        "take-along-axis": lambda x: xp.sum(xp.take_along_axis(x, idx, axis=1) ** 2),
        "select": lambda x: xp.sum(xp.select([x > 0.5, x < -0.5], [x ** 2, xp.sin(x)], default=x)),
        "interp": lambda x: xp.sum(xp.interp(SAMPLE_X, XP, x[0] ** 2)),
        "interp-x": lambda x: xp.sum(xp.interp(x[0] * 0.2 + 1.0, XP, XP ** 2)),
        "polyval": lambda x: xp.sum(xp.polyval(x[0], x[1])),
        "piecewise": lambda x: xp.sum(xp.piecewise(x, [x < 0, x >= 0], [xp.sin, xp.exp])),
    }


def ramp_x() -> np.ndarray:
    return np.array([0.0, 0.3, 0.9, 1.2])


def nan_above_1(x: Any) -> Any:
    return np.where(x > 1.0, np.nan, x)


OWN_PROGRAMS = sorted(autodiff_only(np))


@pytest.fixture
def x(rng: np.random.Generator) -> np.ndarray:
    # distinct values: sort/partition/max are smooth here, and no value sits on a knot
    values = (rng.permutation(8) - 4.0) * 0.35 + rng.uniform(-0.05, 0.05, size=8)
    return values.reshape(2, 4)


def _all_programs() -> dict[str, Callable[[Any], Any]]:
    return {**programs(np), **autodiff_only(np)}


@pytest.mark.parametrize("name", AUTOGRAD_PROGRAMS + OWN_PROGRAMS)
def test_grad_matches_finite_differences(name: str, x: np.ndarray) -> None:
    f = _all_programs()[name]
    np.testing.assert_allclose(autodiff.grad(f)(x), numeric_grad(f, x), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", AUTOGRAD_PROGRAMS + OWN_PROGRAMS)
def test_jvp_matches_finite_differences(name: str, x: np.ndarray,
                                        rng: np.random.Generator) -> None:
    f = _all_programs()[name]
    v = rng.normal(size=x.shape)
    value, tangent = autodiff.jvp(f, (x,), (v,))
    assert value == pytest.approx(f(x))
    assert tangent == pytest.approx(np.sum(numeric_grad(f, x) * v), rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("name", AUTOGRAD_PROGRAMS)
def test_grad_matches_autograd(name: str, x: np.ndarray) -> None:
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    expected = autograd.grad(programs(anp)[name])(x)
    np.testing.assert_allclose(autodiff.grad(programs(np)[name])(x), expected, rtol=1e-9,
                               atol=1e-12)


HIGHER_ORDER = ["sort", "partition", "cumsum-diff", "pad-edge-reflect", "rot90-flips", "splits",
                "median-quantile", "cumprod", "nan-reductions", "trapezoid", "interp",
                "select", "subtract-outer-distances", "take-along-axis", "polyval"]


@pytest.mark.parametrize("name", HIGHER_ORDER)
def test_hessian_matches_finite_differences_of_the_gradient(name: str, x: np.ndarray) -> None:
    f = _all_programs()[name]
    gradient = autodiff.grad(f)
    rows = [numeric_grad(lambda z, i=i: gradient(z).ravel()[i], x) for i in range(x.size)]
    expected = np.reshape(rows, x.shape + x.shape)
    np.testing.assert_allclose(autodiff.hessian(f)(x), expected, rtol=1e-4, atol=1e-6)


def test_grad_of_grad_through_order_statistics(x: np.ndarray) -> None:
    def f(z: Any) -> Any:
        return np.sum(np.sort(z ** 3, axis=0) * np.arange(8.0).reshape(2, 4)) + np.median(z ** 2)

    gradient = autodiff.grad(f)

    def g(z: Any) -> Any:
        return np.sum(gradient(z) ** 2)

    np.testing.assert_allclose(autodiff.grad(g)(x), numeric_grad(g, x), rtol=1e-4, atol=1e-6)


# ---- what is rejected, clearly ---------------------------------------------------------------


def test_in_place_sort_method_is_rejected(x: np.ndarray) -> None:
    def f(z: Any) -> Any:
        y = z * 2.0
        y.sort()
        return np.sum(y * np.arange(4.0))

    with pytest.raises(autodiff.AutodiffError, match="sort"):
        autodiff.grad(f)(x)


@pytest.mark.parametrize("mode", ["mean", "linear_ramp", "maximum"])
def test_pad_modes_that_compute_values_are_rejected(mode: str, x: np.ndarray) -> None:
    with pytest.raises(NotImplementedError, match=mode):
        autodiff.grad(lambda z: np.sum(np.pad(z, 1, mode=mode)))(x)


def _square(v: Any) -> Any:
    return v ** 2


def test_piecewise_with_a_python_function_is_rejected(x: np.ndarray) -> None:
    def f(z: Any) -> Any:
        return np.sum(np.piecewise(z, [z < 0], [_square, np.exp]))

    with pytest.raises(NotImplementedError, match="no gradient rule"):
        autodiff.grad(f)(x)


def test_quantile_method_without_a_rule_is_rejected(x: np.ndarray) -> None:
    with pytest.raises(NotImplementedError, match="weibull"):
        autodiff.grad(lambda z: np.quantile(z, 0.3, method="weibull"))(x)


def test_power_reduce_has_no_rule(x: np.ndarray) -> None:
    # numpy's np.power.reduce is not a left fold, so no rule derives it from np.power's
    with pytest.raises(autodiff.NoGradientRuleError):
        autodiff.grad(lambda z: np.sum(np.power.reduce(np.exp(z), axis=1)))(x)


def _r_join(z: Any) -> Any:
    return np.sum(np.r_[z[0], z[1] ** 2] ** 2)


def _c_join(z: Any) -> Any:
    return np.sum(np.c_[z[0], z[1]] ** 3)


@pytest.mark.parametrize("f", [_r_join, _c_join], ids=["r_", "c_"])
def test_index_trick_joins_of_differentiated_values_are_rejected_in_both_modes(
        f: Any, x: np.ndarray) -> None:
    with pytest.raises(autodiff.UnsupportedSyntaxError, match=r"np\.concatenate"):
        autodiff.grad(f)(x)
    with pytest.raises(autodiff.UnsupportedSyntaxError, match=r"np\.column_stack"):
        autodiff.jvp(f, (x,), (x,))


def _r_constant(z: Any) -> Any:
    return np.sum(z[np.r_[0, 1], np.r_[1:3]] * np.r_[2.0, 3.0])


def test_index_trick_constants_are_fine(x: np.ndarray) -> None:
    np.testing.assert_allclose(autodiff.grad(_r_constant)(x), numeric_grad(_r_constant, x),
                               atol=1e-8)
