"""Callables and comprehensions the front end sees through (``frontend/normalize.py``,
``frontend/local_functions.py``): nested comprehensions, ``functools.partial`` of a known
function, frozen scipy distributions. Every gradient is compared with central finite
differences, in both modes."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import stats

import autodiff

X = np.array([0.6, -0.35, 0.8, 1.2])
T = np.cos(np.arange(4.0))


def _numeric_gradient(fn, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (fn(x + step) - fn(x - step)) / (2 * eps)
    return grad


def _check_both_modes(fn, x=X):
    expected = _numeric_gradient(fn, x)
    np.testing.assert_allclose(autodiff.grad(fn)(x), expected, rtol=1e-5, atol=1e-6)
    _, derivative = autodiff.jvp(fn, (x,), (T,))
    assert float(derivative) == pytest.approx(float(expected @ T), rel=1e-5, abs=1e-6)


# ---- nested comprehensions: the inner one is built per item of the outer one ----------------


def _kernel(a, b):
    return np.exp(-(a - b) ** 2)


def _gram(k, xs):
    return np.array([[k(a, b) for b in xs] for a in xs])


def nested_comprehension_reading_outer_variable(x):
    return np.sum(np.array([[a * b for b in x] for a in x]) ** 2)


def nested_comprehension_calling_passed_function(x):
    return np.sum(_gram(_kernel, x))


def comprehension_in_condition_and_iterable(x):
    rows = [[a * b for b in x[:j]] for j in range(1, 4) for a in x[j:]]
    return sum(np.sum(np.array(row) ** 2) for row in rows if len(row) > 1)


@pytest.mark.parametrize("fn", [nested_comprehension_reading_outer_variable,
                                nested_comprehension_calling_passed_function,
                                comprehension_in_condition_and_iterable],
                         ids=lambda fn: fn.__name__)
def test_nested_comprehensions(fn):
    _check_both_modes(fn)
