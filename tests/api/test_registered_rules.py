"""Registered rules win over a function's source in both modes, and registered primitives can
be differentiated directly (``grad(np.sin)``), to any order (also through ``custom_vjp``)."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff


def central(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        g[index] = (f(x + step) - f(x - step)) / (2 * eps)
    return g


# ---- defjvp on a function with source --------------------------------------------------------


def cube(x):
    return x * x * x


def cube_vjp(g, ans, x):
    return g * 3.0 * x * x


def wrong_cube_jvp(t, ans, x):
    return t * 100.0  # deliberately wrong: the true tangent is 3 x**2 t


autodiff.defvjp(cube, cube_vjp)
autodiff.defjvp(cube, wrong_cube_jvp)


def squared_cubes(x):
    c = cube(x)
    return np.sum(c * c)


X = np.array([0.5, -1.2, 2.0])


def test_jvp_uses_the_registered_rule_of_a_callee():
    _, tangent = autodiff.jvp(squared_cubes, (X,), (np.ones(3),))
    np.testing.assert_allclose(tangent, np.sum(2.0 * X ** 3 * 100.0))


def test_jvp_uses_the_registered_rule_of_the_function_itself():
    _, tangent = autodiff.jvp(cube, (X,), (np.ones(3),))
    np.testing.assert_allclose(tangent, np.full(3, 100.0))


def test_jacfwd_uses_the_registered_rule():
    np.testing.assert_allclose(autodiff.jacfwd(squared_cubes)(X), 2.0 * X ** 3 * 100.0)
    np.testing.assert_allclose(autodiff.jacfwd(cube)(X), np.diag(np.full(3, 100.0)))


def test_hessian_uses_the_registered_jvp_rule():
    # forward mode over the gradient 2 c * 3 x**2: dc comes from the (wrong) JVP rule
    expected = np.diag(2.0 * 100.0 * 3.0 * X ** 2 + 2.0 * X ** 3 * 6.0 * X)
    np.testing.assert_allclose(autodiff.hessian(squared_cubes)(X), expected)


def test_reverse_mode_uses_the_registered_vjp_rule():
    np.testing.assert_allclose(autodiff.grad(squared_cubes)(X), 6.0 * X ** 5)


# ---- grad of a registered primitive ----------------------------------------------------------


@pytest.mark.parametrize(("primitive", "derivative"), [
    (np.sin, np.cos),
    (np.exp, np.exp),
    (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    (np.log1p, lambda x: 1.0 / (1.0 + x)),
])
def test_grad_of_a_ufunc(primitive, derivative):
    assert autodiff.grad(primitive)(0.7) == pytest.approx(derivative(0.7))
    x = np.array([0.1, 0.4, 0.9])
    _, tangent = autodiff.jvp(primitive, (x,), (np.ones(3),))
    np.testing.assert_allclose(tangent, derivative(x))


def test_grad_of_a_binary_ufunc_in_each_argument():
    a, b = np.array([1.5, 2.0]), np.array([0.5, -3.0])
    da, db = autodiff.grad(lambda a, b: np.sum(np.multiply(a, b)), grad_position=(0, 1))(a, b)
    np.testing.assert_allclose(da, b)
    np.testing.assert_allclose(db, a)
    np.testing.assert_allclose(autodiff.grad(np.arctan2, grad_position=1)(0.3, 0.8),
                               central(lambda t: np.arctan2(0.3, t), 0.8))


def test_grad_of_a_numpy_reduction_uses_its_rule():
    np.testing.assert_allclose(autodiff.grad(np.sum)(np.ones((2, 3))), np.ones((2, 3)))


def test_higher_order_derivatives_of_a_ufunc():
    second = autodiff.grad(autodiff.grad(np.sin))
    assert second(0.5) == pytest.approx(-np.sin(0.5))
    third = autodiff.grad(second)
    assert third(0.5) == pytest.approx(-np.cos(0.5))


# ---- grad of grad through custom_vjp ---------------------------------------------------------


@autodiff.custom_vjp
def log1pexp(x):
    return np.log1p(np.exp(x))


def log1pexp_fwd(x):
    return log1pexp(x), (x,)


def log1pexp_bwd(saved, g):
    (x,) = saved
    return (g * (1.0 - 1.0 / (1.0 + np.exp(x))),)


log1pexp.defvjp(log1pexp_fwd, log1pexp_bwd)


def doubled_softplus(x):
    return np.sum(log1pexp(x) * 2.0)


def test_grad_of_grad_through_custom_vjp():
    second = autodiff.grad(autodiff.grad(doubled_softplus))
    for x in (0.3, -1.0, 2.5):
        assert second(x) == pytest.approx(2.0 * np.exp(x) / (1.0 + np.exp(x)) ** 2, rel=1e-9)
