"""Idioms: ``1 / (1 + np.exp(-x))`` is differentiated as sigmoid (the adjoint reads only the
result), and only when the chain's intermediate values are read by nothing else."""

from __future__ import annotations

import inspect
import re

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


def bce_with_logits(x):
    y = (WEIGHTS > 0.5) * 1.0
    return np.mean(np.maximum(x, 0.0) - x * y + np.log1p(np.exp(-np.abs(x))))


def softplus_reversed(x):
    return np.sum(WEIGHTS * (np.log1p(np.exp(-np.abs(x))) + np.maximum(0, x)))


def softplus_both_subtracted(x):
    return np.sum(WEIGHTS - np.maximum(x, 0.0) - np.log1p(np.exp(-np.abs(x))))


MARKED = [logistic, logistic_int_constants, logistic_in_loop]
SOFTPLUS = [bce_with_logits, softplus_reversed, softplus_both_subtracted]


def exp_reused(x):
    e = np.exp(-x)
    return np.sum(WEIGHTS * (1.0 / (1.0 + e))) + np.sum(e)


def not_one(x):
    return np.sum(WEIGHTS * (2.0 / (1.0 + np.exp(-x))))


def no_negation(x):
    return np.sum(WEIGHTS * (1.0 / (1.0 + np.exp(x))))


def shifted_denominator(x):
    return np.sum(WEIGHTS * (1.0 / (2.0 + np.exp(-x))))


def softplus_opposite_signs(x):
    return np.sum(WEIGHTS * (np.maximum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))))


def softplus_other_operand(x):
    return np.sum(np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(WEIGHTS * x))))


def softplus_maximum_reused(x):
    m = np.maximum(x, 0.0)
    return np.sum(m + np.log1p(np.exp(-np.abs(x)))) + np.sum(WEIGHTS * m)


def softplus_products(x):
    return np.sum(WEIGHTS * np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))))


def log1p_of_square(x):  # the fuzzer's find: a log1p of something that is not a call
    return np.sum(np.maximum(x, 0.0) + np.log1p(x ** 2))


KEPT = [exp_reused, not_one, no_negation, shifted_denominator]
SOFTPLUS_KEPT = [log1p_of_square, softplus_opposite_signs, softplus_other_operand, softplus_maximum_reused,
                 softplus_products]


@pytest.mark.parametrize("f", MARKED, ids=lambda f: f.__name__)
def test_logistic_chain_is_differentiated_from_its_result(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    assert "_exp" not in backward and "_add" not in backward.split("return")[0]
    assert "* (1 - " in backward


@pytest.mark.parametrize("f", KEPT, ids=lambda f: f.__name__)
def test_other_chains_keep_the_chain_rule(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    assert "* (1 - " not in backward


@pytest.mark.parametrize("f", SOFTPLUS, ids=lambda f: f.__name__)
def test_stable_softplus_is_differentiated_as_sigmoid(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    assert "logaddexp(0.0, -" in backward  # sigmoid, as softplus_vjp writes it
    assert "== 0.0" not in backward and "sign(" not in backward  # no maximum or abs rule


@pytest.mark.parametrize("f", SOFTPLUS_KEPT, ids=lambda f: f.__name__)
def test_other_softplus_spellings_keep_the_chain_rule(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    assert "logaddexp" not in backward


@pytest.mark.parametrize("f", [*MARKED, *KEPT, *SOFTPLUS, *SOFTPLUS_KEPT],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
@pytest.mark.parametrize("calls", [1, 3])  # generic, then shape-specialized code
def test_gradient_matches_finite_differences(rng, f, shape, calls):
    _check_gradient(f, 2.0 * rng.standard_normal(shape), calls)


def _check_gradient(f, x, calls):
    """``grad(f)`` at ``x`` against central differences, on the ``calls``-th call."""
    gradient = autodiff.grad(f)
    for _ in range(calls):
        result = gradient(x)
    np.testing.assert_allclose(result, numerical_gradient(f, [x], 0), rtol=1e-6, atol=1e-7)
    return result


@pytest.mark.parametrize("f", MARKED, ids=lambda f: f.__name__)
def test_forward_mode_agrees(rng, f):
    x, tangent = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    _, directional = autodiff.jvp(f, x, tangent)
    np.testing.assert_allclose(directional, np.sum(autodiff.grad(f)(x) * tangent), rtol=1e-10)


@pytest.mark.parametrize("f", SOFTPLUS, ids=lambda f: f.__name__)
def test_softplus_forward_mode_and_value(rng, f):
    x, tangent = 30.0 * rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    value, directional = autodiff.jvp(f, x, tangent)
    assert value == f(x)
    np.testing.assert_allclose(directional, np.sum(autodiff.grad(f)(x) * tangent), rtol=1e-10)
    assert autodiff.value_and_grad(f)(x)[0] == f(x)


def test_value_is_the_users_expression(rng):
    x = 40.0 * rng.standard_normal((3, 4))  # large |x|: exp(-x) overflows to inf, s to 0
    with np.errstate(over="ignore"):
        value, gradient = autodiff.value_and_grad(logistic)(x)
        expected = logistic(x)
    assert value == expected
    assert np.all(np.isfinite(gradient))


def cube(x):
    return np.sum(WEIGHTS * (x * x * x))


def scaled_square(x):
    return np.sum(WEIGHTS * (3.0 * x * x) + x * 2 * x)


def gaussian(x):
    return np.sum(WEIGHTS * np.exp(-x * x))


def cube_right(x):
    return np.sum(WEIGHTS * (x * (x * x)))


def newton_step(a, y):
    for _ in range(3):
        residual = y * y * y + y - a
        y = y - 0.5 * residual / (3.0 * y * y + 1.0)
    return np.sum(y * y)


POWERS = [cube, scaled_square, gaussian, cube_right]


def square_reused(x):
    s = x * x
    return np.sum(WEIGHTS * (s * x) + s)


def other_base(x):
    return np.sum(x * x * WEIGHTS)


def shifted_factor(x):
    return np.sum(WEIGHTS * ((x + 1.0) * x))


def constant_factor(x):  # the fuzzer's find: `(0.5 * v) * 2.0` is not a power of anything
    v = np.sin(x)
    return np.sum(WEIGHTS * ((0.5 * v) * 2.0))


POWERS_KEPT = [square_reused, other_base, shifted_factor, constant_factor]


@pytest.mark.parametrize(("f", "contributions"), [(cube, 1), (cube_right, 1), (gaussian, 1),
                                                   (scaled_square, 2)],
                         ids=lambda value: getattr(value, "__name__", str(value)))
def test_powers_contribute_once(f, contributions):
    """One contribution to ``dx`` per power, and no adjoint for the inner factor."""
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    lines = [line.strip() for line in backward.splitlines()]
    assert sum(line.startswith(("dx =", "dx +=")) for line in lines) == contributions
    assert not any(line.startswith(("d_mul1 ", "d_neg1 ")) for line in lines)


@pytest.mark.parametrize("f", [*POWERS, *POWERS_KEPT], ids=lambda f: f.__name__)
@pytest.mark.parametrize("calls", [1, 3])
def test_power_gradients_match_finite_differences(rng, f, calls):
    x = rng.standard_normal((3, 4))
    gradient = autodiff.grad(f)
    for _ in range(calls):
        result = gradient(x)
    np.testing.assert_allclose(result, numerical_gradient(f, [x], 0), rtol=1e-6, atol=1e-7)
    _, directional = autodiff.jvp(f, x, x)  # forward mode keeps the product rule
    np.testing.assert_allclose(directional, np.sum(result * x), rtol=1e-9)


@pytest.mark.parametrize("calls", [1, 3])
def test_powers_in_a_loop(rng, calls):
    a, y = rng.uniform(0.5, 1.5, 4), rng.uniform(-1.0, 1.0, 4)
    gradient = autodiff.grad(newton_step, (0, 1))
    for _ in range(calls):
        da, dy = gradient(a, y)
    np.testing.assert_allclose(da, numerical_gradient(newton_step, [a, y], 0), rtol=1e-6)
    np.testing.assert_allclose(dy, numerical_gradient(newton_step, [a, y], 1), rtol=1e-6)


# ---- products with an array of ones --------------------------------------------------------

def weighted_bce(x):  # the seed's BCE-with-logits with its default weight
    y = (WEIGHTS > 0.5) * 1.0
    weight = np.ones_like(x)
    return np.mean(weight * (np.maximum(x, 0.0) - x * y + np.log1p(np.exp(-np.abs(x)))))


def ones_broadcast_up(x):  # the ones are bigger than x: x's adjoint sums over them
    w = np.ones((2, *x.shape))
    return np.sum(np.sin(x) * w)


def ones_broadcast_in(x):  # the ones are smaller than x
    w = np.ones(x.shape[-1])
    return np.sum(w * np.sin(x) * WEIGHTS[0])


ONES = [weighted_bce, ones_broadcast_up, ones_broadcast_in]


def ones_item_set(x):
    w = np.ones_like(x)
    w[0] = 2.0
    return np.sum(w * np.sin(x))


def ones_updated(x):
    w = np.ones_like(x)
    w += 1.0
    return np.sum(w * np.sin(x))


def ones_filled(x):
    w = np.ones_like(x)
    w.fill(2.0)
    return np.sum(w * np.sin(x))


def ones_copied_into(x):
    w = np.ones_like(x)
    np.copyto(w, 3.0)
    return np.sum(w * np.sin(x))


def ones_written_by_out(x):
    w = np.ones_like(x)
    np.multiply(w, 2.0, out=w)
    return np.sum(w * np.sin(x))


def ones_in_a_loop(x):
    w = np.ones_like(x)
    total = 0.0
    for _ in range(3):
        total = total + np.sum(w * np.sin(x))
        w += 1.0
    return total


def twos(x):
    w = np.ones_like(x) * 2.0
    return np.sum(w * np.sin(x))


ONES_KEPT = [ones_item_set, ones_updated, ones_filled, ones_copied_into, ones_written_by_out,
             ones_in_a_loop, twos]


@pytest.mark.parametrize("f", ONES, ids=lambda f: f.__name__)
def test_products_with_ones_pass_the_adjoint_through(f):
    """The backward sweep never reads the ones (so they are not kept for it)."""
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    code = "\n".join(line for line in backward.splitlines() if not line.strip().startswith("#"))
    assert re.search(r"\bw(eight)?\b", code) is None, code


@pytest.mark.parametrize("f", ONES_KEPT, ids=lambda f: f.__name__)
def test_products_with_changed_ones_keep_the_factor(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    code = "\n".join(line for line in backward.splitlines() if not line.strip().startswith("#"))
    assert re.search(r"\bw(_\d+)?\b", code) is not None, code


@pytest.mark.parametrize("f", [*ONES, *ONES_KEPT], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
@pytest.mark.parametrize("calls", [1, 3])
def test_ones_gradients_match_finite_differences(rng, f, shape, calls):
    x = 2.0 * rng.standard_normal(shape)
    _check_gradient(f, x, calls)
    assert autodiff.value_and_grad(f)(x)[0] == f(x)


# ---- a value times a unary ufunc of it ----------------------------------------------------------

def sine_times(x):
    return np.sum(WEIGHTS * (np.sin(x) * x))


def entropy(x):
    p = np.exp(x) / np.sum(np.exp(x))
    return -np.sum(p * np.log(p))


def swish_like(x):
    return np.sum(WEIGHTS * (x * np.tanh(x)))


FUNCTION_PRODUCTS = [sine_times, entropy, swish_like]


def factor_reused(x):
    s = np.sin(x)
    return np.sum(s * x + WEIGHTS * s)


def binary_function(x):
    return np.sum(WEIGHTS * (np.maximum(x, 0.5) * x))


def other_operand(x):
    return np.sum(np.sin(x) * (WEIGHTS * x))


def rebound_in_a_loop(x):
    total = 0.0
    for _ in range(2):
        s = np.cos(x)
        x = x * WEIGHTS
        total = total + np.sum(s * x)
    return total


FUNCTION_PRODUCTS_KEPT = [factor_reused, binary_function, other_operand, rebound_in_a_loop]


@pytest.mark.parametrize("f", FUNCTION_PRODUCTS, ids=lambda f: f.__name__)
def test_function_products_contribute_once(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    assert re.search(r"\* \(_\w+ \+ \w+ [*/] ", backward), backward  # g * (s + x * f'(x))


@pytest.mark.parametrize("f", FUNCTION_PRODUCTS_KEPT, ids=lambda f: f.__name__)
def test_other_products_keep_the_product_rule(f):
    backward = gradient_source(inspect.getsource(f)).split("---- backward ----")[1]
    assert re.search(r"\* \(_\w+ \+ \w+ [*/] ", backward) is None, backward


@pytest.mark.parametrize("f", [*FUNCTION_PRODUCTS, *FUNCTION_PRODUCTS_KEPT],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
@pytest.mark.parametrize("calls", [1, 3])
def test_function_product_gradients_match_finite_differences(rng, f, shape, calls):
    x = rng.uniform(0.2, 1.5, shape)
    result = _check_gradient(f, x, calls)
    _, directional = autodiff.jvp(f, x, x)  # forward mode keeps the product rule
    np.testing.assert_allclose(directional, np.sum(result * x), rtol=1e-9)
