"""Installed libraries are not differentiated from their source: a call without a rule raises
NoGradientRuleError naming the function (by its real name when it is called through an alias),
while user code and autodiff's own nn/ops are compiled from source."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

import autodiff

polyder_alias = np.polyder


def through_a_local_alias(x):
    _target = np.polyder
    return np.sum(_target(x) * x[:3])


def through_a_global_alias(x):
    return np.sum(polyder_alias(x) * x[:3])


def stdlib_python_function(x):
    return statistics.fmean([x[0], x[1]]) * 2.0


def activation_alias(x):
    act = np.tanh
    return np.sum(act(x))


def library_call_on_constants(x):
    scale = statistics.fmean([1.0, 3.0])
    return np.sum(x * scale)


@pytest.mark.parametrize(("fn", "alias"), [(through_a_local_alias, "_target"),
                                           (through_a_global_alias, "polyder_alias")])
def test_error_names_the_real_callee_and_the_alias(fn, alias):
    with pytest.raises(autodiff.NoGradientRuleError) as raised:
        autodiff.grad(fn)(np.ones(4))
    message = str(raised.value)
    assert f"np.polyder (called as `{alias}`) has no gradient rule" in message
    assert "autodiff.defvjp(np.polyder," in message
    assert raised.value.filename == __file__


def test_a_library_function_is_not_compiled_from_its_source():
    with pytest.raises(autodiff.NoGradientRuleError) as raised:
        autodiff.grad(stdlib_python_function)(np.array([1.0, 2.0]))
    assert "statistics.fmean has no gradient rule" in str(raised.value)
    assert "not installed libraries" in str(raised.value)
    assert raised.value.filename == __file__


def test_a_library_call_on_constants_is_fine():
    np.testing.assert_allclose(autodiff.grad(library_call_on_constants)(np.ones(3)),
                               np.full(3, 2.0))


def test_a_local_alias_of_a_primitive_uses_its_rule():
    x = np.array([0.2, -0.7])
    np.testing.assert_allclose(autodiff.grad(activation_alias)(x), 1.0 - np.tanh(x) ** 2)


def test_scipy_without_a_rule_names_the_function():
    stats = pytest.importorskip("scipy.stats")

    def logpdf(m):
        return stats.multivariate_normal.logpdf(np.zeros(2), m, np.eye(2))

    try:
        autodiff.grad(logpdf)(np.ones(2))
    except autodiff.NoGradientRuleError as error:
        assert "multivariate_normal.logpdf has no gradient rule" in str(error)
