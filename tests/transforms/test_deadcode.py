"""Dead-code elimination by liveness (transforms/opt/deadcode.py): what the gradient does not
need goes, dead cycles in loops included; effects and control flow stay."""

from __future__ import annotations

import gast
import numpy as np
import pytest

import autodiff
from autodiff.transforms.opt.deadcode import eliminate_dead_code
from autodiff.transforms.testing import numerical_gradient


def _eliminated(source: str) -> str:
    tree = gast.parse(source)
    eliminate_dead_code(tree.body[0], lambda statement: "print" not in gast.unparse(statement))
    return gast.unparse(tree).strip()


@pytest.mark.parametrize(("before", "after"), [
    ("def f(x):\n    a = x * 2\n    b = a + 1\n    return x", "def f(x):\n    return x"),
    ("def f(x):\n    t = 0.0\n    for i in range(3):\n        s = x * i\n        u = t + s\n"
     "        t = u\n        x = x * 2\n    return x",
     "def f(x):\n    for i in range(3):\n        x = x * 2\n    return x"),
    ("def f(x, c):\n    a = x * 2\n    if c:\n        a = a + 1\n    return a", None),
    ("def f(x):\n    a = x * 2\n    b = print(a)\n    return x", None),
    ("def f(x):\n    n = 3\n    for i in range(n):\n        x = x * 2\n    return x", None),
    ("def f(x, c):\n    t = 0.0\n    if c:\n        t = t + x\n    return x",
     "def f(x, c):\n    if c:\n        pass\n    return x"),
    ("def f(x):\n    d = x * 2\n    d += x\n    t = []\n    t.append(d)\n    return x", None),
], ids=["chain", "dead-cycle-in-a-loop", "branch", "effect", "loop-bound", "emptied-branch",
                          "in-place-update"])
def test_eliminated(before, after):
    assert _eliminated(before) == (after or gast.unparse(gast.parse(before)).strip())


def accumulated(x, w):
    total = 0.0
    for _ in range(3):
        x = np.tanh(x * w)
        total = total + np.sum(x)
    return total


def test_gradient_only_drops_the_loss_accumulation(rng):
    x, w = rng.uniform(0.1, 0.5, 4), rng.uniform(-1.0, 1.0, 4)
    gradient = autodiff.grad(accumulated, 1)
    for _ in range(3):  # generic, then shape-specialized code (which drops the value)
        got = gradient(x, w)
        np.testing.assert_allclose(got, numerical_gradient(accumulated, [x, w], 1),
                                   rtol=1e-6, atol=1e-8)
    forward = autodiff.source(gradient, x, w).split("---- backward ----")[0]
    assert "total" not in forward and "np.sum" not in forward, forward
