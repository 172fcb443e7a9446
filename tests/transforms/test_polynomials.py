"""Polynomial chains are differentiated as a whole (polynomials.py): when the function computes
the derivative (Newton's method), the chain's adjoint reads that value, in whichever order the
user computed the two; otherwise the derivative is written out from the chain's own powers.
The forward sweep keeps the user's statement order."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import autodiff
from autodiff.transforms.testing import gradient_source, numerical_gradient, polynomial_marks
from benchmarks.workloads import while_newton  # 20 damped Newton steps in a while loop


def newton_for(a, y):
    for _ in range(3):
        residual = y * y * y + y - a
        slope = 3.0 * y * y + 1.0
        y = y - residual / slope
    return np.sum(y)


def straight_line(a, y):
    residual = y * y * y + y - a
    slope = 3.0 * y * y + 1.0
    return np.sum(residual * slope)


def slope_first(a, y):
    slope = 1.0 + y * y * 3.0
    residual = a + y + y * y * y
    return np.sum(residual * residual / slope)


def quartic_powers(a, y):
    residual = y ** 4 - 2.0 * y * y - a
    return np.sum(residual * (4.0 * y ** 3 - 4.0 * y))


def cube_only(a, y):
    cube = y * y * y
    return np.sum(a * cube + 3.0 * y * y)


def call_between(a, y):
    """A function call between the chain and its slope: it cannot write into ``y``."""
    residual = y * y * y + y - a
    damped = np.tanh(residual)
    slope = 3.0 * y * y + 1.0
    return np.sum(damped / slope)


def cube_read_elsewhere(a, y):
    """The cube is read twice (not a part of a longer chain), and 3y^2 is in the slope."""
    cube = y * y * y
    residual = cube + y - a
    slope = 3.0 * y * y + 1.0
    return np.sum(residual * slope + cube)


MARKED = {  # the function -> (the chain's last statement, the slope's statement)
    while_newton: ("_add4 = _mul3 + y", "_add8 = _mul7 + 1.0"),
    newton_for: ("_add3 = _mul2 + y", "slope = _mul5 + 1.0"),
    straight_line: ("_add3 = _mul2 + y", "slope = _mul5 + 1.0"),
    slope_first: ("_mul5 = _mul4 * y", "_mul2 = _mul1 * 3.0"),
    quartic_powers: ("_sub4 = _pow1 - _mul3", "_sub8 = _mul6 - _mul7"),
    cube_only: ("cube = _mul1 * y", "_mul4 = _mul3 * y"),
    cube_read_elsewhere: ("cube = _mul1 * y", "_mul4 = _mul3 * y"),
    call_between: ("_add3 = _mul2 + y", "slope = _mul5 + 1.0"),
}


def approximate_slope(a, y):
    for _ in range(3):
        residual = y * y * y + y - a
        y = y - 0.5 * residual / (2.0 * y * y + 1.0)
    return np.sum(y)


def updated_between(a, y):
    for _ in range(3):
        residual = y * y * y + y - a
        y = y - 0.1 * residual
        y = y - 0.1 * residual / (3.0 * y * y + 1.0)
    return np.sum(y)


def linear(a, y):
    residual = 2.0 * y + 1.0 - a
    return np.sum(residual * 2.0)


UNMARKED = [approximate_slope, updated_between, linear]


def _arguments(rng, shape):
    return rng.uniform(0.5, 1.5, shape), rng.uniform(1.0, 1.5, shape)


@pytest.mark.parametrize("f", [*MARKED, *UNMARKED], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(3,), (2, 3)])
@pytest.mark.parametrize("calls", [1, 3])  # generic, then shape-specialized code
def test_gradient_matches_finite_differences(rng, f, shape, calls):
    a, y = _arguments(rng, shape)
    gradient = autodiff.value_and_grad(f, (0, 1))
    for _ in range(calls):
        value, (da, dy) = gradient(a, y)
    assert value == f(a, y)  # the forward sweep computes exactly the user's values
    np.testing.assert_allclose(da, numerical_gradient(f, [a, y], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dy, numerical_gradient(f, [a, y], 1), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", MARKED, ids=lambda f: f.__name__)
def test_the_chain_is_marked_with_its_slope(f):
    statement, slope = MARKED[f]
    assert (statement, "y", slope) in polynomial_marks(inspect.getsource(f))


@pytest.mark.parametrize("f", UNMARKED, ids=lambda f: f.__name__)
def test_no_slope_is_reused(f):
    """The slope is not p'(y) or y changes in between: the derivative is written
    out from the chain's powers (``3.0 * _mul1 + 1.0``), never read from another value."""
    marks = polynomial_marks(inspect.getsource(f))
    assert not any(" = " in derivative for _, _, derivative in marks)


def test_chains_differentiated_whole_whatever_the_spelling():
    def spelled(a, y):
        residual = y ** 3 + y - a
        return np.sum(residual / (3.0 * y ** 2 + 1.0))

    assert polynomial_marks(inspect.getsource(spelled)) == [
        ("_add2 = _pow1 + y", "y", "_add5 = _mul4 + 1.0"), ("_add5 = _mul4 + 1.0", "y", "y * 6.0")]
    # a linear chain: its derivative is one folded constant
    assert polynomial_marks(inspect.getsource(linear)) == [("_add2 = _mul1 + 1.0", "y", "2.0")]


def test_newton_backward_reads_the_slope_and_recomputes_no_power():
    backward = gradient_source(inspect.getsource(newton_for)).split("---- backward ----")[1]
    code = [line for line in backward.splitlines() if not line.strip().startswith("#")]
    kept = [line.strip().split(" = ")[0] for line in code
            if re.fullmatch(r"_kept_slope\d* = slope", line.strip())]
    assert len(kept) == 1  # bound before slope's own value is restored
    assert any(f"d_add3 * {kept[0]}" in line for line in code)
    assert not any("y * y" in line or "_mul1" in line for line in code)


@pytest.mark.parametrize("f", [while_newton, newton_for, straight_line],
                         ids=lambda f: f.__name__)
def test_the_forward_sweep_keeps_the_users_order(f):
    forward = gradient_source(inspect.getsource(f)).split("---- backward ----")[0]
    lines = [line.strip() for line in forward.splitlines()]
    comments = [line for line in lines if line.startswith("# ")]
    assert [line for line in comments if "residual =" in line or "slope =" in line
            or "y = y -" in line] == sorted(
        (line for line in comments if "residual =" in line or "slope =" in line
         or "y = y -" in line), key=lambda line: int(line.split(":")[1].split()[0]))
    assert lines.index("_mul1 = y * y") < lines.index("slope = _mul5 + 1.0") \
        if "slope = _mul5 + 1.0" in lines else True


@pytest.mark.parametrize("f", [newton_for, straight_line, quartic_powers],
                         ids=lambda f: f.__name__)
def test_second_derivatives_through_the_slope(rng, f):
    """The gradient code reads the slope; forward mode over it (the Hessian) must agree with
    finite differences of the gradient."""
    a, y = _arguments(rng, (3,))
    hessian = autodiff.hessian(f, 1)(a, y)
    gradient = autodiff.grad(f, 1)
    columns = [numerical_gradient(lambda y, k=k: gradient(a, y)[k], [y], 0) for k in range(3)]
    np.testing.assert_allclose(hessian, np.stack(columns), rtol=1e-5, atol=1e-7)
