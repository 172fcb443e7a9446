"""Common subexpressions of the backward sweep: shared only where every statement would have
computed the same value (no rebinding in between, no conditional part, same block)."""

from __future__ import annotations

import inspect
import itertools

import gast
import numpy as np
import pytest

import autodiff
from autodiff.transforms.ir.annotations import Anno, setanno
from autodiff.transforms.opt.cse import share_common_subexpressions
from autodiff.transforms.testing import gradient_source, numerical_gradient


def _parse(body: str) -> gast.Module:
    """``def f(a, b, c):`` with the statements of ``body`` (separated by "; ")."""
    return gast.parse("def f(a, b, c):\n" + "".join(f"    {line}\n" for line in body.split("; ")))


def _text(tree: gast.Module) -> str:
    source = gast.unparse(tree).split("\n", 1)[1]
    return "; ".join(line.strip() for line in source.strip().splitlines())


def _shared(body: str) -> tuple[list[str], str]:
    """Run the pass on ``_parse(body)``, the backward sweep starting at its first statement:
    (names introduced, resulting source of the body)."""
    tree = _parse(body)
    function = tree.body[0]
    setanno(function.body[0], Anno.BACKWARD, True)
    counter = itertools.count(1)
    names = share_common_subexpressions(function, lambda hint: f"_{hint}{next(counter)}")
    return names, _text(tree)


@pytest.mark.parametrize(("body", "expected"), [
    ("x = a / b * 2.0; y = a / b * c",
     "_div1 = a / b; x = _div1 * 2.0; y = _div1 * c"),
    ("x = a / b; y = a / b * c", "x = a / b; y = x * c"),
    ("x = -a * b; y = c + -a * b", "x = -a * b; y = c + x"),
    ("x = a / b * 2.0; y = a / b", "_div1 = a / b; x = _div1 * 2.0; y = _div1"),
    ("x = a * b + c; y = np.sum(a * b)", "_mul1 = a * b; x = _mul1 + c; y = np.sum(_mul1)"),
], ids=["hoisted", "first-value-reused", "with-a-negation", "a-whole-later-value",
        "inside-a-call-argument"])
def test_shared_expressions(body, expected):
    names, source = _shared(body)
    assert source == expected
    assert len(names) == expected.count(" = ") - body.count(" = ")


@pytest.mark.parametrize("body", [
    "x = a / b * 2.0; a = c; y = a / b * c",            # an operand is rebound in between
    "x = a / b * 2.0; del b; b = c; y = a / b * c",
    "x = a / b * 2.0; a += c; y = a / b * c",
    "a = a / b; y = a / b * c",                         # the statement rebinds its operand
    "x = a / b; x = c; y = a / b * c",                  # the reused name is rebound
    "x = a / b * 2.0; y = (a / b if c else 0.0)",       # a conditional part
    "x = (a / b if c else 0.0); y = a / b * 2.0",
    "x = [a / b for b in c]; y = a / b * 2.0",          # a comprehension's own name
    "x = a / b * 2.0; y = [a / b * i for i in c]",
    "x = a / b * 2.0; y = f(a) / b",                    # not the same expression
    "x = a * 0.0 + c; y = a * -0.0 + c",                # signed zeros differ
    "x = a * 2 + c; y = a * 2.0 + c",                   # an int is not a float
    "x = np.exp(a) * 2.0; y = np.exp(a) * c",           # calls are not shared
    "x = a / b * 2.0\n    for i in c:\n        y = a / b * i",  # another block
])
def test_nothing_shared(body):
    names, source = _shared(body)
    assert names == [] and source == _text(_parse(body))


def test_forward_sweep_is_left_alone():
    tree = gast.parse("def f(a, b):\n    x = a / b * 2.0\n    y = a / b * 3.0\n"
                      "    dz = 1.0\n    dx = dz / b * a\n    dy = dz / b * 2.0\n")
    function = tree.body[0]
    setanno(function.body[2], Anno.BACKWARD, True)
    assert share_common_subexpressions(function, lambda hint: "_t") == ["_t"]
    source = gast.unparse(tree)
    assert "x = a / b * 2.0" in source and "y = a / b * 3.0" in source
    assert "_t = dz / b" in source


# ---- gradients --------------------------------------------------------------------------------

def quotient(x, y):
    return np.sum(np.sin(x) / (1.0 + y * y))


def damped_in_a_loop(x, y):
    for _ in range(3):
        x = x - 0.5 * np.tanh(x) / (1.0 + y * y)
    return np.sum(x * y)


def repeated_operand(x, y):
    q = x / y
    return np.sum(q * x / y + np.cos(q))


@pytest.mark.parametrize("f", [quotient, damped_in_a_loop, repeated_operand],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(3,), (2, 3)])
@pytest.mark.parametrize("calls", [1, 3])  # generic, then shape-specialized code
def test_gradients_match_finite_differences(rng, f, shape, calls):
    x, y = rng.uniform(0.5, 1.5, shape), rng.uniform(0.5, 1.5, shape)
    gradient = autodiff.grad(f, (0, 1))
    for _ in range(calls):
        dx, dy = gradient(x, y)
    np.testing.assert_allclose(dx, numerical_gradient(f, [x, y], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dy, numerical_gradient(f, [x, y], 1), rtol=1e-6, atol=1e-8)


def test_a_division_divides_its_adjoint_once():
    backward = gradient_source(inspect.getsource(quotient)).split("---- backward ----")[1]
    assert backward.count(" / _add") == 1, backward
