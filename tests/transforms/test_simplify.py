"""Simplify (simplify.py, polynomials.py) and the idioms work whatever the statement order,
helper names or spelling: each function below is written with its steps split apart by other
statements, its operands in the other order, or another spelling of the same arithmetic. Each
gradient is checked against finite differences and autograd; the backward sweep must be the
short form; the forward sweep keeps the user's statement order."""

from __future__ import annotations

import inspect
import pathlib
import re

import numpy as np
import pytest

import autodiff
from autodiff.transforms.testing import gradient_source, numerical_gradient
from benchmarks.workloads import WORKLOADS

WEIGHTS = np.linspace(-1.0, 2.0, 12).reshape(3, 4)


def logistic_split(x):
    e = np.exp(-x)
    t = np.tanh(x)  # between the exponential and the division
    s = 1.0 / (e + 1.0)
    return np.sum(WEIGHTS * s + t)


def function_product_split(x):
    s = np.sin(x)
    c = np.cos(x)  # between the factor and the product
    m = x * s
    return np.sum(WEIGHTS * m + c)


def cube_split(x):
    square = x * x
    other = np.exp(x)  # between the two factors of the cube
    cube = x * square
    return np.sum(WEIGHTS * cube + other)


def cube_by_power(x):
    cube = x ** 2 * x
    return np.sum(WEIGHTS * cube)


def ones_by_shape(x):
    weight = np.ones(x.shape)
    loss = np.exp(x)
    return np.sum(loss * weight)


def slope_before_residual(a, y):
    for _ in range(3):
        slope = 1.0 + 3.0 * y ** 2
        residual = y * (y * y) + y - a
        y = y - 0.5 * residual / slope
    return np.sum(y * y)


def slope_after_residual(a, y):
    for _ in range(3):
        residual = y * (y * y) + y - a
        slope = 1.0 + 3.0 * y ** 2
        y = y - 0.5 * residual / slope
    return np.sum(y * y)


def times_one(x):
    z = x * 1.0
    return np.sum(WEIGHTS * z)


def cancelling(x):
    z = x * x - x * x + np.sin(x)
    return np.sum(WEIGHTS * z)


def folded_constants(x):
    half = 2.0 * x
    z = half + x * 3.0
    return np.sum(WEIGHTS * z)


SHORT_FORMS = {  # the function -> a line its backward sweep must contain
    logistic_split: re.compile(r"\* s \* \(1 - s\)"),
    function_product_split: re.compile(r"\(s \+ x \* _np\.cos\(x\)\)"),
    cube_split: re.compile(r"dx \+?= dcube \* square \* 3\.0"),
    cube_by_power: re.compile(r"dcube \* _pow1 \* 3\.0"),
    ones_by_shape: re.compile(r"dloss = "),
    # a * 1 = a: dx is dz itself (or, once copies are propagated, dz's own expression)
    times_one: re.compile(r"^return .*\(dz,\)\)$|^dx = dz$|^dx = [^*]*d_mul1 \* WEIGHTS[^*]*$"),
    folded_constants: re.compile(r"^dx = dz \* 5\.0$"),  # 2x + 3x = 5x
}
NEWTON = [slope_before_residual, slope_after_residual]


def _backward(f) -> list[str]:
    source = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    return [line.strip() for line in source.splitlines() if not line.strip().startswith("#")]


@pytest.mark.parametrize("f", SHORT_FORMS, ids=lambda f: f.__name__)
def test_the_short_adjoint_whatever_the_order(f):
    backward = _backward(f)
    assert any(SHORT_FORMS[f].search(line) for line in backward), "\n".join(backward)


def test_cancelling_terms_keep_the_chain_rule():
    """``x * x - x * x`` is not folded to 0: at an infinite ``x`` the chain rule's
    ``inf - inf`` is nan, and nan and inf propagate as numpy's arithmetic would."""
    x = np.full((3, 4), np.inf)
    with np.errstate(all="ignore"):
        result = autodiff.grad(cancelling)(x)
    assert np.isnan(result[WEIGHTS != 0]).all()


def test_ones_are_not_kept_for_the_backward_sweep():
    assert not any("weight" in line for line in _backward(ones_by_shape))


@pytest.mark.parametrize("f", NEWTON, ids=lambda f: f.__name__)
def test_the_slope_is_reused_in_either_order(f):
    backward = _backward(f)
    assert not any("y * y" in line or "_mul1" in line for line in backward), "\n".join(backward)
    assert sum("* slope" in line or "* _kept_slope" in line for line in backward) == 1


@pytest.mark.parametrize("f", [*SHORT_FORMS, cancelling], ids=lambda f: f.__name__)
@pytest.mark.parametrize("calls", [1, 3])  # generic, then shape-specialized code
def test_gradients_match_finite_differences(rng, f, calls):
    x = rng.uniform(-1.5, 1.5, (3, 4))
    gradient = autodiff.value_and_grad(f)
    for _ in range(calls):
        value, result = gradient(x)
    assert value == f(x)
    np.testing.assert_allclose(result, numerical_gradient(f, [x], 0), rtol=1e-6, atol=1e-7)
    _reference(f, [x], 0, result)


@pytest.mark.parametrize("f", NEWTON, ids=lambda f: f.__name__)
@pytest.mark.parametrize("calls", [1, 3])
def test_newton_gradients_match_finite_differences(rng, f, calls):
    a, y = rng.uniform(0.5, 1.5, 4), rng.uniform(-1.0, 1.0, 4)
    gradient = autodiff.value_and_grad(f, (0, 1))
    for _ in range(calls):
        value, (da, dy) = gradient(a, y)
    assert value == f(a, y)
    np.testing.assert_allclose(da, numerical_gradient(f, [a, y], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dy, numerical_gradient(f, [a, y], 1), rtol=1e-6, atol=1e-8)
    _reference(f, [a, y], 1, dy)


@pytest.mark.parametrize("f", NEWTON, ids=lambda f: f.__name__)
def test_second_derivatives(rng, f):
    """Forward mode over the gradient code (which reads the kept slope) agrees with finite
    differences of the gradient."""
    a, y = rng.uniform(0.5, 1.5, 3), rng.uniform(-1.0, 1.0, 3)
    hessian = autodiff.hessian(f, 1)(a, y)
    gradient = autodiff.grad(f, 1)
    columns = [numerical_gradient(lambda v, k=k: gradient(a, v)[k], [y], 0) for k in range(3)]
    np.testing.assert_allclose(hessian, np.stack(columns), rtol=1e-5, atol=1e-7)


def _reference(f, args, position, result):
    """Compare with autograd where it is installed."""
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    namespace = dict(f.__globals__, np=anp)
    local: dict = {}
    exec(inspect.getsource(f), namespace, local)  # the same source over autograd's numpy
    expected = autograd.grad(local[f.__name__], position)(*args)
    np.testing.assert_allclose(result, expected, rtol=1e-9, atol=1e-12)


# ---- the forward sweep keeps the user's statement order ----------------------------------------

GOLDEN = sorted((pathlib.Path(__file__).parents[1] / "golden" / "expected").glob("*.txt"))
_ORIGIN = re.compile(r"^\s*# \S+:(\d+)\s+(.*)$")


def _out_of_order(source: str) -> list[str]:
    """Origin comments of the forward sweep that go back to an earlier line, other than a loop
    header (its condition is evaluated again at the end of each iteration)."""
    forward = source.split("---- backward ----")[0]
    found, last = [], 0
    for line in forward.splitlines():
        match = _ORIGIN.match(line)
        if match is None:
            continue
        number, text = int(match.group(1)), match.group(2)
        if line.lstrip().startswith("# ---- "):
            continue
        if number < last and not text.startswith(("while ", "for ")):
            found.append(line.strip())
        last = number
    return found


@pytest.mark.parametrize("path", GOLDEN, ids=lambda path: path.name)
def test_golden_forward_sweeps_keep_the_users_order(path):
    assert _out_of_order(path.read_text()) == []


@pytest.mark.parametrize("f", [*NEWTON, *SHORT_FORMS], ids=lambda f: f.__name__)
def test_forward_sweeps_keep_the_users_order(f):
    assert _out_of_order(gradient_source(inspect.getsource(f))) == []


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_benchmark_forward_sweeps_keep_the_users_order(workload):
    gradient = autodiff.grad(workload.loss, workload.positions)
    assert _out_of_order(autodiff.source(gradient, *workload.tiny_args())) == []
