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


# ---- functools.partial of a known function ---------------------------------------------------


def _affine(w, x, shift=0.0, scale=1.0):
    return np.tanh(w * x + shift) * scale


def partial_called_directly(x):
    return np.sum(functools.partial(_affine, x[0], shift=0.3)(x[1:]))


def partial_named_called_twice(x):
    f = functools.partial(_affine, x[0], scale=2.0)
    return np.sum(f(x[1:])) + np.sum(f(x[:2], scale=0.5))


def partial_bound_value_read_when_made(x):
    w = x[0]
    f = functools.partial(_affine, w)
    w = x[1]  # the partial keeps the first value
    return np.sum(f(x[2:], shift=w))


def partial_of_a_local_def(x):
    def cell(a, h):
        return np.sin(a * h) * x[3]
    step = functools.partial(cell, x[0])
    return step(x[1]) + step(x[2])


def partial_in_a_loop(x):
    total = 0.0
    for i in range(3):
        g = functools.partial(_affine, x[i])
        total = total + np.sum(g(x[i + 1]))
    return total


@pytest.mark.parametrize("fn", [partial_called_directly, partial_named_called_twice,
                                partial_bound_value_read_when_made, partial_of_a_local_def,
                                partial_in_a_loop],
                         ids=lambda fn: fn.__name__)
def test_partial_of_a_known_function(fn):
    _check_both_modes(fn)


def partial_of_a_runtime_callable(x):
    fns = [np.sin, np.cos]
    f = functools.partial(fns[int(x.size > 2)])
    return np.sum(f(x))


def test_partial_of_a_callable_known_only_at_run_time_is_refused():
    with pytest.raises(autodiff.AutodiffError) as error:
        autodiff.grad(partial_of_a_runtime_callable)(X)
    assert error.value.lineno is not None and "test_local_callables.py" in error.value.filename


# ---- frozen scipy distributions --------------------------------------------------------------


def frozen_norm_logpdf(x):
    return np.sum(stats.norm(x[0], np.exp(x[1])).logpdf(x[2:]))


def frozen_norm_named_keywords(x):
    d = stats.norm(loc=x[0], scale=1.5)
    return np.sum(d.logpdf(x[1:])) + np.sum(d.cdf(x[2:]))


def frozen_multivariate_normal_logpdf(x):
    return stats.multivariate_normal(x[:2], np.eye(2) * 1.3).logpdf(x[2:])


@pytest.mark.parametrize("fn", [frozen_norm_logpdf, frozen_norm_named_keywords,
                                frozen_multivariate_normal_logpdf],
                         ids=lambda fn: fn.__name__)
def test_frozen_distribution_methods(fn):
    _check_both_modes(fn)


# ---- helpers called with a callable or a record built here (specialize.py) -------------------


def _integrate(dynamics, y, steps):
    for _ in range(steps):
        y = y + 0.1 * dynamics(y)
    return y


def _twice(f, y):
    return _integrate(f, f(y), 2)


def _store_then_call(f, y):
    g = f
    return g(y)


def lambda_to_helper(x):
    return np.sum(_integrate(lambda y: np.sin(x[0] * y), x[1:], 3))


def local_def_to_helper(x):
    def dynamics(y):
        return np.tanh(y * x[0]) + x[3]
    return np.sum(_integrate(dynamics, x[:3], 2)) + np.sum(dynamics(x))


def partial_to_helper(x):
    return np.sum(_integrate(functools.partial(_affine, x[0], shift=x[1]), x[2:], 3))


def callable_passed_on_by_the_helper(x):
    return np.sum(_twice(lambda y: np.cos(y) * x[0], x[1:]))


def helper_called_inside_a_nested_def(x):
    def inner(y):
        return np.sum(_integrate(lambda z: np.sin(z * y[0]), y[1:], 2))
    return inner(x) * x[0]


def specialized_call_not_differentiated(x):
    offsets = _integrate(lambda z: z * 0.5 + 1.0, np.arange(3.0), 2)  # no gradient flows
    return np.sum(np.sin(x[1:]) * offsets)


SPECIALIZED = [lambda_to_helper, local_def_to_helper, partial_to_helper,
               callable_passed_on_by_the_helper, helper_called_inside_a_nested_def,
               specialized_call_not_differentiated]


@pytest.mark.parametrize("fn", SPECIALIZED, ids=lambda fn: fn.__name__)
def test_helper_specialized_for_a_callable(fn):
    _check_both_modes(fn)


def _numeric_hessian(fn, x, h=1e-4):
    return np.array([(_numeric_gradient(fn, x + h * e) - _numeric_gradient(fn, x - h * e))
                     / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("fn", [lambda_to_helper, partial_to_helper, partial_named_called_twice,
                                frozen_norm_logpdf],
                         ids=lambda fn: fn.__name__)
def test_hessian_through_the_rewrites(fn):
    np.testing.assert_allclose(autodiff.hessian(fn)(X), _numeric_hessian(fn, X), rtol=1e-4,
                               atol=1e-5)


def helper_storing_the_callable(x):
    return np.sum(_store_then_call(lambda y: np.sin(x[0] * y), x[1:]))


def test_a_helper_that_stores_the_callable_is_refused_at_the_users_line():
    with pytest.raises(autodiff.AutodiffError) as error:
        autodiff.grad(helper_storing_the_callable)(X)
    assert "test_local_callables.py" in error.value.filename
    assert "lambda" in str(error.value)


# ---- tuple concatenation of a *args tuple (local_functions._join_tuples) ---------------------


def _stack_with_bias(weights, *args):
    return np.hstack(args + (np.ones(1),)) @ weights  # noqa: RUF005 (the style tested)


def _scaled_parts(*parts):
    return sum(np.sum(p) for p in (2.0 * parts[0],) + parts)  # noqa: RUF005


def varargs_tuple_concatenated(x):
    return np.sum(np.tanh(_stack_with_bias(x, x[:2], x[2:3])))


def varargs_tuple_prepended(x):
    return _scaled_parts(x[:2] ** 2, np.sin(x[2:]))


def array_plus_tuple_stays_elementwise(x):
    return np.sum((x + (1.0, 2.0, 3.0, 4.0)) ** 2)  # noqa: RUF005 (elementwise)


@pytest.mark.parametrize("fn", [varargs_tuple_concatenated, varargs_tuple_prepended,
                                array_plus_tuple_stays_elementwise],
                         ids=lambda fn: fn.__name__)
def test_tuple_concatenation(fn):
    _check_both_modes(fn)


# ---- factories returning several closures (specialize.inline_closure_tuples) -----------------


def _make_pair(a, shift):
    def inner(y):
        return np.sin(a * y) + shift

    def outer(y):
        return np.sum(inner(y) ** 2)

    def bias():
        return shift * a

    return outer, bias, 2 * shift


def several_closures_from_a_factory(x):
    outer, bias, doubled = _make_pair(x[0], x[1])
    return outer(x[2:]) + bias() * doubled


def test_several_closures_from_a_factory():
    _check_both_modes(several_closures_from_a_factory)
    np.testing.assert_allclose(autodiff.hessian(several_closures_from_a_factory)(X),
                               _numeric_hessian(several_closures_from_a_factory, X),
                               rtol=1e-4, atol=1e-5)
