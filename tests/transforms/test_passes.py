"""Golden tests of individual passes: run passes on a snippet, compare the unparsed result."""

from __future__ import annotations

import textwrap

import pytest

from autodiff.transforms.frontend.anf import ANF
from autodiff.transforms.frontend.normalize import Normalize
from autodiff.transforms.frontend.ssa import SSA
from autodiff.transforms.passmanager import Analysis, Step, Transformation, run_pipeline
from autodiff.transforms.testing import activity_of, context, resolve_source, run_passes


def check(source: str, passes: list[type], expected: str, **request) -> None:
    assert run_passes(textwrap.dedent(source), passes, **request) == textwrap.dedent(expected).strip()


NORMALIZE_CASES = [
    pytest.param("""
        def f(x):
            x += 1.0
            return x
        """, """
        def f(x):
            x = x + 1.0
            return x
        """, id="augassign"),
    pytest.param("""
        def f(x):
            (a, b), c = x
            return a
        """, """
        def f(x):
            _unpack1, c = x
            a, b = _unpack1
            return a
        """, id="nested_unpack"),
    pytest.param("""
        def f(x):
            pass
            y: float = x
        """, """
        def f(x):
            y = x
        """, id="annassign_and_pass"),
]


@pytest.mark.parametrize(("source", "expected"), NORMALIZE_CASES)
def test_normalize(source, expected):
    check(source, [Normalize], expected)


ANF_CASES = [
    pytest.param("""
        def f(x):
            return np.sum(x * x.shape[0], axis=0) + np.pi
        """, """
        def f(x):
            _mul1 = x * x.shape[0]
            _sum2 = np.sum(_mul1, axis=0)
            _add3 = _sum2 + np.pi
            return _add3
        """, id="static_shape_and_module_constant_stay_inline"),
    pytest.param("""
        def f(x):
            return x, x
        """, """
        def f(x):
            _copy1 = x
            return (x, _copy1)
        """, id="repeated_return_names_get_copies"),
    pytest.param("""
        def f(x):
            return (x @ x.T)[1:3, None]
        """, """
        def f(x):
            _T1 = x.T
            _matmul2 = x @ _T1
            _getitem3 = _matmul2[1:3, None]
            return _getitem3
        """, id="multi_dimensional_slice"),
]


@pytest.mark.parametrize(("source", "expected"), ANF_CASES)
def test_anf(source, expected):
    check(source, [Normalize, ANF], expected)


def test_ssa_versions_only_reassigned_names():
    check("""
        def f(x, y):
            z = x * y
            x = z + 1.0
            z = x * z
            return z
        """, [Normalize, ANF, SSA], """
        def f(x, y):
            z = x * y
            x_1 = z + 1.0
            z_1 = x_1 * z
            return z_1
        """)


def test_resolve_classifies_operations():
    kinds = dict(resolve_source("""
        def f(x, n):
            a = np.exp(x)
            b = np.argmax(a)
            c = a.reshape(-1)
            d = (a, c)
            e = stop(a)
            g = len(x)
            return a
        """))
    assert kinds["a = np.exp(x)"] == "primitive"
    assert kinds["b = np.argmax(a)"] == "non-differentiable"
    assert kinds["c = a.reshape(-1)"] == "primitive"
    assert kinds["d = (a, c)"] == "tuple or list"
    assert kinds["e = stop(a)"] == "unknown"  # resolved lazily: an error only if active
    assert kinds["g = len(x)"] == "non-differentiable"


@pytest.mark.parametrize(("wrt", "active"), [
    (("x",), {"x", "a", "c"}),
    (("y",), {"y", "b", "c"}),
    (("x", "y"), {"x", "y", "a", "b", "c"}),
], ids=["x", "y", "both"])
def test_activity_is_varied_and_useful(wrt, active):
    result = activity_of("""
        def f(x, y):
            a = np.sin(x)
            b = y * 2.0
            c = a + b
            unused = np.exp(x)
            s = np.sign(x)
            return c
        """, wrt=wrt)
    assert result.active == active


def test_activity_stops_at_non_differentiable_calls():
    result = activity_of("""
        def f(x):
            k = np.floor(x)
            return k * 3.0
        """)
    assert result.active == frozenset()


def test_an_analysis_step_is_computed_once_for_the_passes_after_it():
    runs = []

    class Counted(Analysis):
        name = "counted"

        def run(self, ctx):
            runs.append(1)
            return len(runs)

    class Reader(Transformation):
        name = "reader"
        requires = (Counted,)

        def run(self, ctx):
            return False  # reads the analysis, changes nothing

    ctx = context("def f(x):\n    return x\n")
    run_pipeline([Step(Counted, "test"), Step(Reader, "test"), Step(Reader, "test")], ctx)
    assert runs == [1]
    assert ctx.analysis(Counted) == 1
