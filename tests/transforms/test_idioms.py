"""Idioms: ``1 / (1 + np.exp(-x))`` is differentiated as sigmoid (the adjoint reads only the
result), and only when the chain's intermediate values are read by nothing else."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import autodiff
from autodiff.transforms.testing import gradient_source, numerical_gradient

WEIGHTS = np.linspace(-1.0, 2.0, 12).reshape(3, 4)


def logistic(x):
    return np.sum(WEIGHTS * (1.0 / (1.0 + np.exp(-x))))


def logistic_int_constants(x):
    s = 1 / (np.exp(-x) + 1)
    return np.sum(WEIGHTS * s * s)


def logistic_in_loop(x):
    h = x
    for _ in range(3):
        h = 1.0 / (1.0 + np.exp(-(h * WEIGHTS)))
    return np.sum(h)


MARKED = [logistic, logistic_int_constants, logistic_in_loop]


def exp_reused(x):
    e = np.exp(-x)
    return np.sum(WEIGHTS * (1.0 / (1.0 + e))) + np.sum(e)


def not_one(x):
    return np.sum(WEIGHTS * (2.0 / (1.0 + np.exp(-x))))


def no_negation(x):
    return np.sum(WEIGHTS * (1.0 / (1.0 + np.exp(x))))


def shifted_denominator(x):
    return np.sum(WEIGHTS * (1.0 / (2.0 + np.exp(-x))))


KEPT = [exp_reused, not_one, no_negation, shifted_denominator]


@pytest.mark.parametrize("f", MARKED, ids=lambda f: f.__name__)
def test_logistic_chain_is_differentiated_from_its_result(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    assert "_exp" not in backward and "_add" not in backward.split("return")[0]
    assert "* (1 - " in backward


@pytest.mark.parametrize("f", KEPT, ids=lambda f: f.__name__)
def test_other_chains_keep_the_chain_rule(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    assert "* (1 - " not in backward


@pytest.mark.parametrize("f", [*MARKED, *KEPT], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
@pytest.mark.parametrize("calls", [1, 3])  # generic, then shape-specialized code
def test_gradient_matches_finite_differences(rng, f, shape, calls):
    x = 2.0 * rng.standard_normal(shape)
    gradient = autodiff.grad(f)
    for _ in range(calls):
        result = gradient(x)
    np.testing.assert_allclose(result, numerical_gradient(f, [x], 0), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("f", MARKED, ids=lambda f: f.__name__)
def test_forward_mode_agrees(rng, f):
    x, tangent = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    _, directional = autodiff.jvp(f, x, tangent)
    np.testing.assert_allclose(directional, np.sum(autodiff.grad(f)(x) * tangent), rtol=1e-10)


def test_value_is_the_users_expression(rng):
    x = 40.0 * rng.standard_normal((3, 4))  # large |x|: exp(-x) overflows to inf, s to 0
    with np.errstate(over="ignore"):
        value, gradient = autodiff.value_and_grad(logistic)(x)
        expected = logistic(x)
    assert value == expected
    assert np.all(np.isfinite(gradient))
