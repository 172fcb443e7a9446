"""A comprehension in a branch of ``a if c else b`` or after the first operand of ``and``/``or``
is built only when Python evaluates it (it was built before the statement: a crash, or work on
a branch not taken). Gradients compared with central differences, both modes."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff


def shape_or_items(x, n):
    r = (n,) if np.ndim(n) == 0 else tuple(k for k in n)
    return np.sum(x ** 2) * len(r)


def sum_or_listcomp(x, flag):
    y = x * 2 if flag else np.sum([xi ** 2 for xi in x])
    return np.sum(y)


def and_or_comprehensions(x, xs):
    z = xs and [xi * x for xi in xs]
    w = (not xs) or np.sum([xi * x for xi in xs])
    return np.sum(z) + np.sum(w) if xs else np.sum(np.sin(x))


def nested_conditional(x, k):
    y = [x * j for j in range(k)] if k > 1 else ([np.exp(x)] if k == 1 else [x ** 3])
    return np.sum(np.stack(y))


CASES = [
    (shape_or_items, 3),
    (shape_or_items, (2, 5)),
    (sum_or_listcomp, True),
    (sum_or_listcomp, False),
    (and_or_comprehensions, [1.0, 3.0]),
    (and_or_comprehensions, []),
    (nested_conditional, 0),
    (nested_conditional, 1),
    (nested_conditional, 3),
]


def _central_differences(fn, x, other, eps=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = eps
        grad.flat[i] = (fn(x + step, other) - fn(x - step, other)) / (2 * eps)
    return grad


@pytest.mark.parametrize(("fn", "other"), CASES,
                         ids=[f"{fn.__name__}-{other!r}" for fn, other in CASES])
def test_gradient_matches_central_differences(fn, other):
    x = np.array([0.7, -1.3, 0.4])
    expected = _central_differences(fn, x, other)
    np.testing.assert_allclose(autodiff.grad(fn)(x, other), expected, rtol=1e-6, atol=1e-8)
    tangent = np.array([0.3, 0.5, -0.2])
    _, directional = autodiff.jvp(lambda v: fn(v, other), (x,), (tangent,))
    np.testing.assert_allclose(directional, expected @ tangent, rtol=1e-6, atol=1e-8)
