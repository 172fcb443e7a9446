"""StabilityShifts: the max a stable softmax / log-softmax subtracts gets no adjoint code, and
only when every use of the shifted value is shift-invariant along the max's axis."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import autodiff
from autodiff.transforms.testing import gradient_source, numerical_gradient, resolve_source

WEIGHTS = np.linspace(-1.0, 2.0, 12).reshape(3, 4)

def log_softmax(x):
    s = x - np.max(x, axis=1, keepdims=True)
    r = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
    return np.sum(WEIGHTS * r)


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    p = e / np.sum(e, axis=-1, keepdims=True)
    return np.sum(WEIGHTS * p * p)


def softmax_methods(x):
    e = np.exp(x - x.max(axis=0, keepdims=True))
    p = e / e.sum(axis=0, keepdims=True)
    return np.sum(WEIGHTS * np.log(p))


def full_softmax(x):
    e = np.exp(x - np.max(x))
    return np.sum(WEIGHTS * (e / np.sum(e)))


MARKED = [log_softmax, softmax, softmax_methods, full_softmax]

def shifted_returned(x):
    s = x - np.max(x, axis=1, keepdims=True)
    r = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
    return np.sum(WEIGHTS * r) + np.sum(s * s)


def other_axis(x):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return np.sum(WEIGHTS * (e / np.sum(e, axis=0, keepdims=True)))


def sum_reused(x):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    t = np.sum(e, axis=1, keepdims=True)
    return np.sum(WEIGHTS * (e / t)) + np.sum(t)


def max_reused(x):
    m = np.max(x, axis=1, keepdims=True)
    e = np.exp(x - m)
    return np.sum(WEIGHTS * (e / np.sum(e, axis=1, keepdims=True))) + np.sum(m)


def no_keepdims(x):
    e = np.exp(x - np.max(x, axis=1)[:, None])
    return np.sum(WEIGHTS * (e / np.sum(e, axis=1, keepdims=True)))


def not_normalized(x):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return np.sum(WEIGHTS * e)


KEPT = [shifted_returned, other_axis, sum_reused, max_reused, no_keepdims, not_normalized]


def _max_kinds(f) -> list[str]:
    return [kind for text, kind in resolve_source(inspect.getsource(f))
            if "max(" in text]


@pytest.mark.parametrize("f", MARKED, ids=lambda f: f.__name__)
def test_stability_max_gets_no_adjoint(f):
    assert _max_kinds(f) == ["non-differentiable"]
    assert "== _max" not in gradient_source(inspect.getsource(f))


@pytest.mark.parametrize("f", KEPT, ids=lambda f: f.__name__)
def test_other_uses_keep_the_max_adjoint(f):
    assert _max_kinds(f) == ["primitive"]


@pytest.mark.parametrize("f", [*MARKED, *KEPT], ids=lambda f: f.__name__)
@pytest.mark.parametrize("calls", [1, 3])  # generic, then shape-specialized code
def test_gradient_matches_finite_differences(rng, f, calls):
    x = rng.standard_normal((3, 4))
    x[1, 2] = x[1, 0]  # a tie in one row does not matter either
    gradient = autodiff.grad(f)
    for _ in range(calls):
        result = gradient(x)
    np.testing.assert_allclose(result, numerical_gradient(f, [x], 0), rtol=1e-6, atol=1e-8)


def test_forward_mode_agrees(rng):
    f = log_softmax
    x, tangent = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    _, directional = autodiff.jvp(f, x, tangent)
    np.testing.assert_allclose(directional, np.sum(autodiff.grad(f)(x) * tangent), rtol=1e-10)
