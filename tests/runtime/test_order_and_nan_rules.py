"""The order-statistic, nan-aware, ufunc-method and interpolation rules where the generic
parametrized checks cannot reach: inputs with NaNs (the generic checks compare inputs with
``np.array_equal``, which NaN fails), the conventions at ties and kinks, and the parameters that
are rejected."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autodiff.runtime as rt
from autodiff.runtime import registry

EPS = 1e-6


def _with_nans(*shape: int) -> np.ndarray:
    """Distinct values (gaps >= 0.3) with about a quarter of the entries NaN, never all of a
    last-axis row."""
    rng = np.random.default_rng(7)
    n = int(np.prod(shape))
    values = np.reshape((rng.permutation(n) - n / 2) * 0.5 + rng.uniform(-0.1, 0.1, n), shape)
    mask = rng.random(size=shape) < 0.25
    mask[..., 0] = False
    return np.where(mask, np.nan, values)


NAN_34, NAN_235 = _with_nans(3, 4), _with_nans(2, 3, 5)
NAN_CASES = [
    (np.nansum, NAN_34, {}), (np.nansum, NAN_235, {"axis": 1, "keepdims": True}),
    (np.nanmean, NAN_34, {}), (np.nanmean, NAN_235, {"axis": (0, 2)}),
    (np.nanmax, NAN_34, {"axis": 1}), (np.nanmin, NAN_235, {"axis": -1}),
    (np.nanprod, NAN_34 / 3, {"axis": 1}), (np.nanvar, NAN_235, {"axis": 2, "ddof": 1}),
    (np.nanstd, NAN_34, {"axis": 1}), (np.nancumsum, NAN_34, {"axis": 1}),
    (np.nancumprod, NAN_34 / 3, {}), (np.nanmedian, NAN_34, {"axis": 1}),
    (np.nanmedian, NAN_235, {}), (np.nanquantile, NAN_235, {"q": 0.35, "axis": -1}),
    (np.nanpercentile, NAN_34, {"q": 72.0}),
]


def _call(primitive: Any, a: np.ndarray, params: dict[str, Any]) -> Any:
    params = dict(params)
    q = params.pop("q", None)
    return primitive(a, **params) if q is None else primitive(a, q, **params)


def _rules(primitive: Any) -> tuple[Any, Any]:
    return registry.lookup(primitive).rules[0], registry.lookup_jvp(primitive).rules[0]


@pytest.mark.parametrize(("primitive", "a", "params"), NAN_CASES,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_nan_aware_rules_match_finite_differences_with_nans(
        primitive: Any, a: np.ndarray, params: dict[str, Any], rng: np.random.Generator) -> None:
    vjp, jvp = _rules(primitive)
    ans = _call(primitive, a, params)
    g, u = rng.normal(size=np.shape(ans)), rng.normal(size=a.shape)
    extra = (params["q"],) if "q" in params else ()
    kw = {k: v for k, v in params.items() if k != "q"}
    partial = vjp(g, ans, a, *extra, **kw)
    tangent = jvp(u, ans, a, *extra, **kw)
    assert np.all(partial[np.isnan(a)] == 0.0)
    assert np.all(np.isfinite(partial)) and np.all(np.isfinite(tangent))
    numeric = (_call(primitive, a + EPS * u, params) - _call(primitive, a - EPS * u, params)) \
        / (2 * EPS)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-6, atol=1e-8)
    assert np.sum(partial * np.nan_to_num(u)) == pytest.approx(np.sum(g * numeric), rel=1e-6)


# ---- ties and kinks ---------------------------------------------------------------------------


def test_sort_ties_go_to_the_entries_in_index_order() -> None:
    x = np.array([2.0, 1.0, 2.0, 0.0])
    # sorted: 0 (x3), 1 (x1), 2 (x0), 2 (x2): a stable sort keeps the tied entries in order
    partial = rt.sort_vjp(np.array([1.0, 10.0, 100.0, 1000.0]), np.sort(x), x)
    np.testing.assert_array_equal(partial, [100.0, 10.0, 1000.0, 1.0])
    np.testing.assert_array_equal(rt.sort_jvp(np.array([1.0, 2.0, 3.0, 4.0]), None, x),
                                  [4.0, 2.0, 1.0, 3.0])


def test_median_of_an_even_count_splits_between_the_middle_entries() -> None:
    x = np.array([4.0, 1.0, 3.0, 2.0])
    np.testing.assert_allclose(rt.median_vjp(1.0, np.median(x), x), [0.0, 0.0, 0.5, 0.5])


def test_running_maximum_sends_the_gradient_to_the_latest_entry_attaining_it() -> None:
    x = np.array([1.0, 3.0, 2.0, 3.0, 0.5])
    partial = rt.extremum_accumulate_vjp(np.ones(5), np.maximum.accumulate(x), x)
    np.testing.assert_array_equal(partial, [1.0, 2.0, 0.0, 2.0, 0.0])


def test_interp_takes_the_slope_of_the_interval_to_the_right_at_a_knot() -> None:
    # (at the last knot, the slope of the last interval; outside the range, 0)
    xp, fp = np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 3.0])
    x = np.array([1.0, 2.0, -1.0, 3.0])
    slopes = rt.interp_vjp(np.ones(4), np.interp(x, xp, fp), x, xp, fp)
    np.testing.assert_array_equal(slopes, [2.0, 2.0, 0.0, 0.0])
    read = rt.interp_vjp_fp(np.ones(4), None, x, xp, fp)
    np.testing.assert_array_equal(read, [1.0, 1.0, 2.0])  # x=2 and x=3 both read fp[-1]


def test_cumprod_is_exact_with_zeros() -> None:
    x = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    g = np.ones(5)
    expected = [1.0, 2.0 * (1 + 3.0), 0.0, 0.0, 0.0]  # d/dx1 = 2 + 2*3 (+ 0 terms)
    np.testing.assert_allclose(rt.cumprod_vjp(g, np.cumprod(x), x), expected)
    t = np.array([0.0, 1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(rt.cumprod_jvp(t, np.cumprod(x), x), [0.0, 2.0, 6.0, 0.0, 0.0])


# ---- rejected parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "args", "params", "message"),
    [
        (rt.quantile_vjp_a, (np.ones(3), 0.5), {"method": "weibull"}, "weibull"),
        (rt.quantile_jvp_q, (np.ones(3), 0.5), {"weights": np.ones(3)}, "weights"),
        (rt.median_vjp, (np.ones(3),), {"overwrite_input": True}, "overwrite_input"),
        (rt.nanpercentile_jvp_a, (np.ones(3), 5.0), {"overwrite_input": True},
         "overwrite_input"),
        (rt.pad_vjp, (np.ones(3), 1, "mean"), {}, "mean"),
        (rt.pad_jvp, (np.ones(3), 1, "reflect"), {"reflect_type": "odd"}, "odd"),
        (rt.interp_vjp, (np.ones(2), np.arange(3.0), np.ones(3)), {"period": 2.0}, "period"),
        (rt.polyval_vjp_x, (np.ones((2, 2)), np.ones(2)), {}, "1-D"),
        (rt.gradient_vjp_varargs, (np.ones(4), np.arange(4.0)), {}, "scalar spacing"),
        (rt.atleast_1d_vjp, (np.ones(2),) * 5, {}, "at most 4 arrays"),
    ],
    ids=["quantile-method", "quantile-weights", "median-overwrite", "nanpercentile-overwrite",
         "pad-mean", "pad-odd", "interp-period",
         "polyval-2d", "gradient-coords", "atleast-several"],
)
def test_unsupported_parameters_fail_loudly(rule: Any, args: Any, params: Any,
                                            message: str) -> None:
    with pytest.raises(NotImplementedError, match=message):
        rule(np.ones(3), None, *args, **params)
