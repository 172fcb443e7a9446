"""The compile_scaling programs differentiate correctly, and their targets read the rows as the
issue states them (no timing is asserted: the machine may be slow or busy)."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff
from autodiff.transforms.testing import numerical_gradient
from benchmarks import compile_scaling
from benchmarks.compile_scaling import CompileRow
from benchmarks.report import compile_table, compile_targets


@pytest.mark.parametrize("statements", [1, 3])
def test_chain_gradient_matches_finite_differences(statements):
    fn = compile_scaling.make_function("chain", compile_scaling.chain_source(statements))
    args = compile_scaling.chain_args()
    got = autodiff.grad(fn, 1)(*args)
    np.testing.assert_allclose(got, numerical_gradient(fn, list(args), 1), rtol=1e-6,
                               atol=1e-8)


@pytest.mark.parametrize("depth", [1, 3])
def test_nested_loops_gradient_matches_finite_differences(depth):
    fn = compile_scaling.make_function("nested", compile_scaling.nested_source(depth))
    x, w = compile_scaling.nested_args()

    def of_w(w_array):
        return fn(x, float(w_array))

    got = autodiff.grad(fn, 1)(x, w)
    expected = numerical_gradient(of_w, [np.array(w)], 0)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


def test_measure_reports_one_row_per_program():
    rows = compile_scaling.measure(1, chain_sizes=(2,), depths=(1, 2))
    assert [(row.series, row.size, row.status) for row in rows] == [
        ("straight-line", 2, "ok"), ("nested loops", 1, "ok"), ("nested loops", 2, "ok")]
    assert all(row.first_call_s > 0 for row in rows)
    assert "compile_scaling straight-line" in compile_table(rows)


def _rows(chain: dict[int, float], loops: dict[int, float]) -> list[CompileRow]:
    return [*(CompileRow("straight-line", n, s, s / n) for n, s in chain.items()),
            *(CompileRow("nested loops", d, s, s / d) for d, s in loops.items())]


LINEAR_LOOPS = {depth: 0.008 + 0.004 * depth for depth in range(1, 7)}


@pytest.mark.parametrize(("chain", "verdict"), [
    ({10: 0.02, 100: 0.2, 400: 0.8}, "PASS"),
    ({10: 0.02, 100: 0.2, 400: 1.2}, "FAIL"),      # over the limit at n=400
    ({10: 0.005, 100: 0.2, 400: 0.8}, "FAIL"),     # per statement 4x from n=10 to n=400
])
def test_chain_target(chain, verdict):
    assert compile_targets(_rows(chain, LINEAR_LOOPS))[0].verdict == verdict


@pytest.mark.parametrize(("loops", "verdict"), [
    (LINEAR_LOOPS, "PASS"),
    ({depth: 0.005 * 2 ** depth for depth in range(1, 7)}, "FAIL"),  # doubling per level
])
def test_nesting_target(loops, verdict):
    assert compile_targets(_rows({10: 0.02}, loops))[1].verdict == verdict
