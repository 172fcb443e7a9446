"""User gradient rules: custom_vjp functions and defvjp/defjvp for functions without source."""

from __future__ import annotations

import os

import numpy as np
import pytest

import autodiff


@autodiff.custom_vjp
def log1pexp(x):
    return np.logaddexp(0.0, x)


def log1pexp_fwd(x):
    return log1pexp(x), (x,)


def log1pexp_bwd(saved, g):
    (x,) = saved
    return (g / (1.0 + np.exp(-x)),)  # sigmoid(x): finite for |x| = 1000


def log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log1pexp(x), t / (1.0 + np.exp(-x))


log1pexp.defvjp(log1pexp_fwd, log1pexp_bwd)
log1pexp.defjvp(log1pexp_jvp)


def softplus_loss(x):
    return np.sum(log1pexp(x * 2.0))


@autodiff.custom_vjp
def clipped_identity(x, limit):
    return np.clip(x, -limit, limit)


def clipped_fwd(x, limit):
    return clipped_identity(x, limit), ()


def clipped_bwd_wrong_count(saved, g):
    return (g,)  # two arguments, one gradient


def clipped_bwd_wrong_shape(saved, g):
    return (np.sum(g), 0.0)


def uses_clipped(x):
    return np.sum(clipped_identity(x, 1.0) ** 2)


def uses_radians(x):
    return np.sum(np.sin(np.deg2rad(x)))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_custom_vjp_gives_the_stable_gradient_at_extreme_inputs():
    x = np.array([-1000.0, -3.0, 0.0, 3.0, 1000.0])
    np.testing.assert_allclose(autodiff.grad(softplus_loss)(x), 2.0 * sigmoid(2.0 * x))
    assert np.all(np.isfinite(autodiff.grad(softplus_loss)(x)))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_custom_vjp_function_can_be_differentiated_directly_and_in_forward_mode():
    x = np.array([0.5, 800.0])
    np.testing.assert_allclose(autodiff.grad(lambda v: np.sum(log1pexp(v)))(x), sigmoid(x))
    _, tangent = autodiff.jvp(softplus_loss, x, np.ones(2))
    np.testing.assert_allclose(tangent, np.sum(2.0 * sigmoid(2.0 * x)))


def test_rule_for_a_function_without_source(rng):
    def deg2rad_vjp(g, ans, x):
        return g * (np.pi / 180.0)

    def deg2rad_jvp(t, ans, x):
        return t * (np.pi / 180.0)

    autodiff.defvjp(np.deg2rad, deg2rad_vjp)
    autodiff.defjvp(np.deg2rad, deg2rad_jvp)
    x = rng.normal(size=3) * 90
    expected = np.cos(np.deg2rad(x)) * np.pi / 180.0
    np.testing.assert_allclose(autodiff.grad(uses_radians)(x), expected)
    autodiff.check_grads(uses_radians, (x,), modes=("rev", "fwd"))


def test_registering_a_rule_recompiles_dependent_gradients():
    def radians_vjp(g, ans, x):
        return g * (np.pi / 180.0)

    def doubled_vjp(g, ans, x):
        return 2.0 * g * (np.pi / 180.0)

    autodiff.defvjp(np.radians, radians_vjp)

    def uses(x):
        return np.sum(np.radians(x))

    grad_fn = autodiff.grad(uses)
    np.testing.assert_allclose(grad_fn(np.ones(2)), np.pi / 180.0)
    autodiff.defvjp(np.radians, doubled_vjp)
    np.testing.assert_allclose(grad_fn(np.ones(2)), 2.0 * np.pi / 180.0)


@pytest.mark.parametrize(("bwd", "message"), [
    (clipped_bwd_wrong_count, "must return a tuple of 2 gradients"),
    (clipped_bwd_wrong_shape, "has shape ()"),
], ids=["count", "shape"])
def test_custom_vjp_rule_is_validated_and_the_error_names_the_rule(bwd, message):
    clipped_identity.defvjp(clipped_fwd, bwd)
    with pytest.raises(autodiff.GradientRuleError) as raised:
        autodiff.grad(uses_clipped)(np.array([0.5, 2.0]))
    text = str(raised.value)
    assert message in text
    assert f"{os.path.basename(__file__)}:{bwd.__code__.co_firstlineno}" in text
    notes = getattr(raised.value, "__notes__", [])
    assert any("return np.sum(clipped_identity(x, 1.0) ** 2)" in note for note in notes)


def test_defvjp_rule_returning_a_wrong_shape_is_reported(rng):
    def spacing_rule(g, ans, x):
        return np.sum(g)  # a scalar for an array argument

    autodiff.defvjp(np.spacing, spacing_rule)

    def uses(x):
        return np.sum(np.spacing(x) * x)

    with pytest.raises(autodiff.GradientRuleError, match=r"spacing_rule|test_custom_rules\.py"):
        autodiff.grad(uses)(rng.normal(size=3))


def test_lambda_rules_compile(rng):
    """A rule's name becomes a name in generated code; a lambda's ``<lambda>`` is not one."""
    def uses_degrees(x):
        return np.sum(np.degrees(x))

    autodiff.defvjp(np.degrees, lambda g, ans, x: g * (180.0 / np.pi))
    x = rng.normal(size=3)
    np.testing.assert_allclose(autodiff.grad(uses_degrees)(x), np.full(3, 180.0 / np.pi))
