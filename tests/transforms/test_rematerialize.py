"""Rematerialization: cheap loop values are recomputed by the backward loop instead of being
saved on the tape, and only where their operands still hold the forward sweep's values."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import autodiff
from autodiff.transforms.testing import gradient_source, numerical_gradient


def newton(a, y):
    for _ in range(4):
        residual = y * y * y + y - a
        y = y - 0.5 * residual / (3.0 * y * y + 1.0)
    return np.sum(y * y)


def approximate_newton(a, y):
    """Its slope is not the residual's derivative, so the backward loop needs ``y * y``
    (with the true slope it reads the slope instead: polynomials.py)."""
    for _ in range(4):
        residual = y * y * y + y - a
        y = y - 0.5 * residual / (2.0 * y * y + 1.0)
    return np.sum(y * y)


def carried_operand(a, y):
    s = a * 0.0
    for _ in range(3):
        square = y * y  # y is reassigned below: the backward sweep must see this y
        s = s + np.sin(square)
        y = np.cos(y) + a
    return np.sum(s)


def read_after_loop(a, y):
    for _ in range(3):
        square = y * y
        y = np.tanh(square) + a
    return np.sum(square * y)


def nested_loops(a, y):
    for _ in range(2):
        for _ in range(3):
            square = y * y
            y = np.sin(square) + a
        y = y * 0.5
    return np.sum(y)


def inside_branch(a, y):
    for i in range(4):
        square = y * y
        if i % 2 == 0:
            y = np.sin(square) * a
        else:
            y = square * 0.25 + a
    return np.sum(y)


def while_with_break(a, y):
    i = 0
    while i < 10:
        square = -y
        y = np.exp(square) * a
        if i > 4:
            break
        i += 1
    return np.sum(y)


PROGRAMS = [newton, approximate_newton, carried_operand, read_after_loop, nested_loops, inside_branch,
            while_with_break]


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(3,), (2, 3)])
@pytest.mark.parametrize("calls", [1, 3])  # generic, then shape-specialized code
def test_gradient_matches_finite_differences(rng, f, shape, calls):
    a, y = rng.uniform(0.5, 1.5, shape), rng.uniform(-1.0, 1.0, shape)
    gradient = autodiff.grad(f, (0, 1))
    for _ in range(calls):
        da, dy = gradient(a, y)
    np.testing.assert_allclose(da, numerical_gradient(f, [a, y], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dy, numerical_gradient(f, [a, y], 1), rtol=1e-6, atol=1e-8)


def _assigned(code: str, expression: str) -> str:
    return next(line.split(" = ")[0].strip() for line in code.splitlines()
                if line.strip().endswith(f"= {expression}"))


def test_newton_tapes_only_what_it_cannot_recompute():
    source = inspect.getsource(approximate_newton)
    forward, backward = gradient_source(source).split("---- backward ----")
    square = _assigned(forward, "y * y")
    assert f"_tape.append({square})" not in forward
    assert f"{square} = y * y" in backward
    scaled = _assigned(forward, "2.0 * y")  # its adjoint is `g * y * 4.0`: not read at all
    assert f"_tape.append({scaled})" not in forward and scaled not in backward
    assert "_tape.append(y)" in forward  # reassigned each iteration: only the tape has it


def test_values_of_untaped_operands_are_not_recomputed():
    """``_add = _mul + 1.0`` reads ``3.0 * y * y``, which is not on the tape (during the
    sweep it holds the last iteration's value): ``_add`` stays on the tape."""
    forward = gradient_source(inspect.getsource(newton)).split("---- backward ----")[0]
    name = next(line.split(" = ")[0].strip() for line in forward.splitlines()
                if line.strip().endswith("+ 1.0"))
    assert f"_tape.append({name})" in forward
