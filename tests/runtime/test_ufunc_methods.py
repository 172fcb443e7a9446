"""Gradients of gradients through the ufunc-method rules of ``rules_ufunc_generic`` (written from
its template: real functions with source, compiled again like any rule)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
import pytest

import autodiff
import autodiff.runtime as rt


def hypot_outer(x):
    return np.sum(np.hypot.outer(x, x[:2] + 1.0) ** 2)


def power_outer(x):
    return np.sum(np.power.outer(x * x + 0.5, x[1:3]))


def arctan2_outer(x):
    return np.sum(np.arctan2.outer(x, x + 2.0) * x[0])


def subtract_accumulate(x):
    return np.sum(np.subtract.accumulate(x) ** 2)


def _second_differences(function: Callable, x: np.ndarray) -> np.ndarray:
    gradient = autodiff.grad(function)
    return np.stack([(gradient(x + 1e-5 * e) - gradient(x - 1e-5 * e)) / 2e-5
                     for e in np.eye(np.size(x))], axis=1)


@pytest.mark.parametrize("function", [hypot_outer, power_outer, arctan2_outer],
                         ids=lambda f: f.__name__)
def test_hessian_through_generated_outer_rules(function: Callable) -> None:
    x = np.array([0.6, 0.35, 0.8, 1.2])
    np.testing.assert_allclose(autodiff.hessian(function)(x), _second_differences(function, x),
                               rtol=1e-5, atol=1e-6)


def test_hessian_through_a_fold_is_an_error_not_a_wrong_value() -> None:
    with pytest.raises(Exception, match="rules_ufunc_generic"):
        autodiff.hessian(subtract_accumulate)(np.array([0.6, 0.35, 0.8, 1.2]))


def test_generated_method_rules_have_their_own_source() -> None:
    assert "hypot_vjp_rhs(" in inspect.getsource(rt.hypot_outer_vjp_b)
    assert "np.subtract," in inspect.getsource(rt.subtract_reduce_vjp)
    assert rt.hypot_outer_vjp_a.__code__ is not rt.power_outer_vjp_a.__code__
