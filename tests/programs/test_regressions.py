"""The fuzzer's shrunk failing programs (``regressions.py``), differentiated w.r.t. every float
input and checked against central finite differences (or a closed form where differences are
inaccurate), and ``value_and_grad``'s value against the program's.

Programs that still show a compiler bug are ``xfail(strict=True)`` with the bug in the reason:
a fix turns the test red, and the mark (and the matching entry of ``tests/fuzz/oracle.py``'s
``KNOWN_BUGS``) is removed with it.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff

EPS = 1e-6


def _load() -> Any:
    name = "autodiff_program_regressions"
    if name not in sys.modules:
        path = pathlib.Path(__file__).with_name("regressions.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


R = _load()


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


CASES = [
    # fixed in 4701ea4: dead reads in loops, loops over a rebound sequence, x = x in a loop,
    # the in-place fence on numbers and under nested branches
    pytest.param(R.dead_read_in_for_loop, lambda: (_rng(1).normal(size=3),),
                 id="dead_read_in_for_loop"),
    pytest.param(R.dead_read_in_while_loop, lambda: (_rng(2).normal(size=3),),
                 id="dead_read_in_while_loop"),
    pytest.param(R.dead_read_after_helper_call, lambda: (0.36,), id="dead_read_after_helper_call"),
    pytest.param(R.loop_over_rebound_array, lambda: (np.array([0.0, 1.0, 2.0]),),
                 id="loop_over_rebound_array"),
    pytest.param(R.enumerate_over_rebound_array, lambda: (_rng(3).normal(size=3),),
                 id="enumerate_over_rebound_array"),
    pytest.param(R.self_assignment_in_enumerate_loop,
                 lambda: (_rng(5).normal(size=(4, 3)), _rng(6).normal(size=(4, 3))),
                 id="self_assignment_in_enumerate_loop"),
    pytest.param(R.writes_in_nested_ifs, lambda: (_rng(7).normal(size=4),),
                 id="writes_in_nested_ifs"),
    pytest.param(R.augmented_scalar_with_a_copy, lambda: (_rng(8).normal(size=3),),
                 id="augmented_scalar_with_a_copy"),
    pytest.param(R.augmented_float_literal_with_a_copy, lambda: (_rng(9).normal(size=3),),
                 id="augmented_float_literal_with_a_copy"),
    # fixed in 7320cd6: forward mode through a helper, empty loop bodies, fancy-index copies
    pytest.param(R.constant_argument_updated_in_helper_loop, lambda: (0.3,),
                 id="constant_argument_updated_in_helper_loop"),
    pytest.param(R.zeros_argument_updated_in_helper_loop, lambda: (_rng(10).normal(size=2),),
                 id="zeros_argument_updated_in_helper_loop"),
    pytest.param(R.self_assignment_in_loop, lambda: (_rng(4).normal(size=2),),
                 id="self_assignment_in_loop"),
    pytest.param(R.write_into_fancy_indexed_copy, lambda: (_rng(11).normal(size=3),),
                 id="write_into_fancy_indexed_copy"),
    # fixed by the flow-sensitive alias analysis (transforms/aliasing.py): valid programs the
    # in-place fence used to reject
    pytest.param(R.rebound_in_loop_then_written, lambda: (_rng(13).normal(size=3),),
                 id="rebound_in_loop_then_written"),
    pytest.param(R.write_into_one_tuple_element, lambda: (_rng(14).normal(size=3),),
                 id="write_into_one_tuple_element"),
    pytest.param(R.write_after_early_return_in_loop, lambda: (_rng(12).normal(size=3),),
                 id="write_after_early_return_in_loop"),
    pytest.param(R.augmented_adjoint_after_loop,
                 lambda: (_rng(16).normal(size=2), _rng(17).normal(size=2)),
                 id="augmented_adjoint_after_loop"),
    pytest.param(R.broadcast_adjoint_times_smaller_operand,
                 lambda: (_rng(18).normal(size=(3, 1)), _rng(19).normal(size=2), 0.9),
                 id="broadcast_adjoint_times_smaller_operand"),
    pytest.param(R.array_gradient_for_a_float_input, lambda: (np.float64(0.5666), 1.2665),
                 id="array_gradient_for_a_float_input"),
    pytest.param(R.outer_counter_in_inner_loop,
                 lambda: (np.array([[0.3, -0.2], [0.5, 0.1], [-0.4, 0.7]]),),
                 id="outer_counter_in_inner_loop"),
    pytest.param(R.rematerialized_where_every_value_was_restored, lambda: (0.49, -0.53),
                 id="rematerialized_where_every_value_was_restored"),
    pytest.param(R.write_after_early_return_in_while_loop,
                 lambda: (0.2 * _rng(15).normal(size=(2, 3)),),
                 id="write_after_early_return_in_while_loop"),
    # open: found by the fuzzer's issue-17 constructs
    pytest.param(R.factory_lambda_reading_only_its_parameter,
                 lambda: (_rng(20).normal(size=3), _rng(21).normal(size=3)),
                 marks=xfail("a factory's lambda that captures nothing is rejected as an "
                             "unassigned lambda (UnsupportedSyntaxError)"),
                 id="factory_lambda_reading_only_its_parameter"),
    pytest.param(R.factory_lambda_assigned_then_called, lambda: (_rng(22).normal(size=3),),
                 marks=xfail("a factory's lambda that captures nothing, bound to a name and "
                             "called: NoGradientRuleError"),
                 id="factory_lambda_assigned_then_called"),
    pytest.param(R.factory_def_reading_only_its_parameter, lambda: (_rng(23).normal(size=3),),
                 marks=xfail("a factory's nested def that captures nothing: "
                             "NoGradientRuleError"),
                 id="factory_def_reading_only_its_parameter"),
    pytest.param(R.factory_closure_over_a_constant_local, lambda: (_rng(24).normal(size=3),),
                 id="factory_closure_over_a_constant_local"),
    pytest.param(R.factory_called_in_a_loop, lambda: (_rng(25).normal(size=3),),
                 id="factory_called_in_a_loop"),
    pytest.param(R.math_copysign_sign, lambda: (0.7, -1.3),
                 id="math_copysign_sign"),
]


def _total(value: Any) -> float:
    if isinstance(value, (tuple, list)):
        return sum(_total(item) for item in value)
    return float(np.sum(value))


def _differences(fn: Callable[..., Any], args: tuple[Any, ...], position: int) -> Any:
    def at(arg: Any) -> float:
        moved = list(args)
        moved[position] = arg
        return _total(fn(*moved))

    x = args[position]
    if isinstance(x, float):
        return (at(x + EPS) - at(x - EPS)) / (2 * EPS)
    grad = np.zeros_like(x)
    for k in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.flat[k] += EPS
        minus.flat[k] -= EPS
        grad.flat[k] = (at(plus) - at(minus)) / (2 * EPS)
    return grad


def _values_equal(got: Any, expected: Any) -> bool:
    if isinstance(expected, (tuple, list)):
        return len(got) == len(expected) and all(
            _values_equal(g, e) for g, e in zip(got, expected, strict=True))
    return np.shape(got) == np.shape(expected) and np.allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize(("fn", "make_args"), CASES)
def test_regression_forward_mode_agrees_with_reverse_mode(fn: Callable[..., Any],
                                                          make_args: Callable[[], tuple]) -> None:
    args = make_args()
    rng = np.random.default_rng(0)
    tangents = tuple(float(rng.normal()) if isinstance(a, float) else rng.normal(size=a.shape)
                     for a in args)
    value, tangent = autodiff.jvp(fn, args, tangents)
    assert _values_equal(value, fn(*args))
    positions = tuple(range(len(args)))
    grads = autodiff.grad(fn, positions)(*args)
    grads = (grads,) if len(positions) == 1 else grads
    reverse = sum(float(np.sum(g * t)) for g, t in zip(grads, tangents, strict=True))
    assert _total(tangent) == pytest.approx(reverse, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("fn", "make_args"), CASES)
def test_regression_gradient_matches_finite_differences(fn: Callable[..., Any],
                                                        make_args: Callable[[], tuple]) -> None:
    """All inputs together and each alone, two calls each (the second may run code
    specialized for the shapes), through value_and_grad and grad."""
    args = make_args()
    expected = [_differences(fn, args, position) for position in range(len(args))]
    choices = [tuple(range(len(args)))] + ([(p,) for p in range(len(args))]
                                           if len(args) > 1 else [])
    for positions in choices:
        with_value = autodiff.value_and_grad(fn, positions)
        without_value = autodiff.grad(fn, positions)
        for call in (1, 2):
            value, grads = with_value(*args)
            assert _values_equal(value, fn(*args)), "value_and_grad returns another value"
            for got in (grads, without_value(*args)):
                got = (got,) if len(positions) == 1 else got
                for position, grad in zip(positions, got, strict=True):
                    np.testing.assert_allclose(grad, expected[position], rtol=1e-5, atol=1e-7,
                                               err_msg=f"call {call}: d/d argument {position} "
                                               f"of {positions}")


def test_repeated_squaring_matches_the_closed_form() -> None:
    x = np.array([0.9, -1.05, 1.1])
    grad = autodiff.grad(R.repeated_squaring)(x)
    np.testing.assert_allclose(grad, np.cos(x**16) * 16 * x**15, rtol=1e-12)


def test_reciprocal_sine_of_a_product_matches_the_closed_form() -> None:
    x = np.array([1.2, -0.4, 0.7])
    grad = autodiff.grad(R.reciprocal_sine_of_a_product)(x)
    s = np.dot(x, x)
    expected = -np.cos(s * s) / np.sin(s * s) ** 2 * 2 * s * 2 * x
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


# ---- programs with container parameters (the harness above takes arrays and floats) ------------


def _tree_differences(fn: Callable[..., Any], params: tuple[Any, ...]) -> tuple[Any, ...]:
    def with_item(k: int) -> Callable[[Any], float]:
        def at(item: Any) -> float:
            moved = list(params)
            moved[k] = item
            return _total(fn(tuple(moved)))

        return at

    return tuple(_differences(lambda item, k=k: with_item(k)(item), (item,), 0)
                 for k, item in enumerate(params))


CONTAINER_CASES = [
    pytest.param(R.container_parameter_of_mixed_shapes, (np.array([0.4, -1.3]), 0.7),
                 id="container_parameter_of_mixed_shapes"),
]


@pytest.mark.parametrize(("fn", "params"), CONTAINER_CASES)
def test_container_regression_in_both_modes(fn: Callable[..., Any], params: tuple) -> None:
    expected = _tree_differences(fn, params)
    grads = autodiff.grad(fn)(params)
    for got, want in zip(grads, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    rng = np.random.default_rng(0)
    tangent = tuple(float(rng.normal()) if isinstance(p, float) else rng.normal(size=p.shape)
                    for p in params)
    value, derivative = autodiff.jvp(fn, (params,), (tangent,))
    assert _values_equal(value, fn(params))
    reverse = sum(float(np.sum(g * t)) for g, t in zip(grads, tangent, strict=True))
    assert _total(derivative) == pytest.approx(reverse, rel=1e-9, abs=1e-12)


def test_every_regression_program_is_tested() -> None:
    tested = {param.values[0].__name__ for param in CASES + CONTAINER_CASES}
    tested |= {"repeated_squaring", "reciprocal_sine_of_a_product"}
    programs = {name for name, value in vars(R).items()
                if callable(value) and getattr(value, "__module__", None) == R.__name__
                and not name.startswith("helper")}
    assert programs == tested
