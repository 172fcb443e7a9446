"""Every program of ``everyday.py``, differentiated with respect to all of its float inputs in
reverse and forward mode, against central finite differences (and autograd where it runs the
same source)."""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import numpy as np
import pytest

import autodiff


def _load(name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, pathlib.Path(__file__).parent / "everyday.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


E = _load("autodiff_everyday_programs")


def rng(seed: int) -> np.random.RandomState:
    return np.random.RandomState(seed)


CASES = [
    pytest.param(E.h, lambda: (2.0,), id="factory_lambda"),
    pytest.param(E.h_def, lambda: (2.0,), id="factory_def"),
    pytest.param(E.two_affine_layers, lambda: (rng(1).randn(3, 4), rng(2).randn(4),
                                               rng(3).randn(4, 2), rng(4).randn(2),
                                               rng(5).randn(5, 3)), id="two_affine_layers"),
    pytest.param(E.newton_with_a_step_factory, lambda: (2.0,), id="newton_step_factory"),
    pytest.param(E.fit_error, lambda: (rng(6).randn(3), rng(7).randn(6, 3), rng(8).randn(6)),
                 id="loss_factory"),
    pytest.param(E.rnn_with_a_cell, lambda: ([rng(9).randn(3, 3) * 0.5, rng(10).randn(3, 2),
                                              rng(11).randn(3)], rng(12).randn(4, 2)),
                 id="rnn_nested_cell"),
    pytest.param(E.logistic_regression, lambda: (rng(13).randn(3), rng(14).randn(5, 3),
                                                 (rng(15).rand(5) > 0.5).astype(float)),
                 id="logistic_regression"),
    pytest.param(E.lambda_activations, lambda: (rng(16).randn(2, 3), rng(17).randn(3, 3)),
                 id="lambda_activations"),
    pytest.param(E.closure_reading_a_later_value, lambda: (rng(18).randn(4),),
                 id="closure_later_value"),
    pytest.param(E.helper_called_in_a_comprehension, lambda: (rng(19).randn(3), 1.3),
                 id="helper_in_comprehension"),
    pytest.param(E.alias_of_a_numpy_function, lambda: (rng(20).randn(4),), id="alias"),
    pytest.param(E.reparameterized_sample, lambda: (rng(21).randn(2, 3), rng(22).randn(2, 3)),
                 id="star_shape"),
    pytest.param(E.debug_print_not_taken, lambda: (rng(23).randn(4),), id="debug_print"),
    pytest.param(E.log_likelihood_under_errstate, lambda: (rng(24).randn(4),), id="errstate"),
    pytest.param(E.quiet_warnings, lambda: (rng(25).randn(4), 0.7), id="catch_warnings"),
    pytest.param(E.local_numpy_import, lambda: (rng(26).randn(4),), id="local_import"),
    pytest.param(E.two_layers_with_default_and_passed_activations,
                 lambda: (rng(27).randn(2, 3), rng(28).randn(3, 3), rng(29).randn(3, 2)),
                 id="function_defaults"),
    pytest.param(E.mlp_with_activation_alias, lambda: (rng(30).randn(2, 3), rng(31).randn(3, 2)),
                 id="function_argument_alias"),
    pytest.param(E.squared_force, lambda: (rng(32).randn(3),), id="nested_grad"),
    pytest.param(E.object_layer, lambda: (rng(33).randn(3, 2), rng(34).randn(2),
                                          rng(35).randn(4, 3)), id="object_layer"),
    pytest.param(E.two_object_layers, lambda: (rng(36).randn(3, 4), rng(37).randn(4),
                                               rng(38).randn(4, 2), rng(39).randn(2),
                                               rng(40).randn(5, 3)), id="temporary_objects"),
    pytest.param(E.dataclass_parameters, lambda: (rng(41).randn(3), rng(42).randn(3) * 0.3,
                                                  rng(43).randn(3)), id="dataclass"),
    pytest.param(E.namedtuple_parameters, lambda: (rng(44).randn(3, 2), rng(45).randn(2),
                                                   rng(46).randn(4, 3)), id="namedtuple"),
    pytest.param(E.layers_from_a_factory, lambda: (rng(47).randn(3, 3), rng(48).randn(3, 3),
                                                   rng(49).randn(3, 3), rng(50).randn(2, 3)),
                 id="closure_list"),
    pytest.param(E.sum_of_squares_of_parts, lambda: (rng(51).randn(3), rng(52).randn(3)),
                 id="varargs_helper"),
    pytest.param(E.ode_with_a_lambda, lambda: (rng(53).randn(3, 3) * 0.5, rng(54).randn(3)),
                 id="lambda_to_helper"),
    pytest.param(E.ode_with_a_partial, lambda: (rng(55).randn(3, 3) * 0.5, rng(56).randn(3)),
                 id="partial_to_helper"),
    pytest.param(E.rnn_scanned_with_a_nested_cell,
                 lambda: (rng(57).randn(3, 3) * 0.5, rng(58).randn(2, 3), rng(59).randn(4, 2)),
                 id="nested_def_to_helper"),
    pytest.param(E.kernel_ridge_with_a_lambda, lambda: (0.3, rng(60).randn(4, 2)),
                 id="lambda_in_nested_comprehension"),
    pytest.param(E.record_built_in_the_call, lambda: (rng(61).randn(3), rng(62).randn(3) * 0.3,
                                                      rng(63).randn(3)), id="record_to_helper"),
    pytest.param(E.frozen_normal_log_likelihood, lambda: (0.4, -0.2, rng(64).randn(5)),
                 id="frozen_distribution"),
    pytest.param(E.partial_bound_then_called, lambda: (rng(65).randn(3), rng(66).randn(2, 3)),
                 id="partial_of_numpy"),
]


def _float_positions(args: tuple) -> tuple[int, ...]:
    def is_float(value) -> bool:
        if isinstance(value, list):
            return all(is_float(item) for item in value)
        return isinstance(value, float) or (isinstance(value, np.ndarray)
                                            and value.dtype.kind == "f")
    return tuple(i for i, arg in enumerate(args)
                 if is_float(arg) and not (i == len(args) - 1 and _is_labels(arg)))


def _is_labels(value) -> bool:
    return isinstance(value, np.ndarray) and set(np.unique(value)) <= {0.0, 1.0}


def _leaves(value) -> list:
    return [leaf for item in value for leaf in _leaves(item)] if isinstance(value, list) \
        else [value]


def _replace(value, index: int, new):
    """``value`` with its ``index``-th leaf replaced by ``new``."""
    if not isinstance(value, list):
        return new
    result, offset = [], 0
    for item in value:
        count = len(_leaves(item))
        result.append(_replace(item, index - offset, new) if offset <= index < offset + count
                      else item)
        offset += count
    return result


def _finite_differences(fn, args, position, eps=1e-6):
    leaves = _leaves(args[position])
    grads = []
    for index, leaf in enumerate(leaves):
        flat = np.array(leaf, dtype=float).reshape(-1)
        g = np.zeros_like(flat)
        for k in range(flat.size):
            values = []
            for delta in (eps, -eps):
                moved = flat.copy()
                moved[k] += delta
                new = float(moved[0]) if np.ndim(leaf) == 0 else moved.reshape(np.shape(leaf))
                values.append(fn(*args[:position], _replace(args[position], index, new),
                                 *args[position + 1:]))
            g[k] = (values[0] - values[1]) / (2 * eps)
        grads.append(g.reshape(np.shape(leaf)))
    return grads if isinstance(args[position], list) else grads[0]


def _assert_close(got, want):
    for g, w in zip(_leaves(list(got) if isinstance(got, (list, tuple)) else got),
                    _leaves(want), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(("fn", "make_args"), CASES)
def test_reverse_mode_matches_finite_differences(fn, make_args):
    args = make_args()
    positions = _float_positions(args)
    grads = autodiff.grad(fn, grad_position=positions)(*args)
    grads = grads if len(positions) > 1 else (grads,)
    for position, g in zip(positions, grads, strict=True):
        _assert_close(g, _finite_differences(fn, args, position))


@pytest.mark.parametrize(("fn", "make_args"), CASES)
def test_forward_mode_matches_finite_differences(fn, make_args):
    args = make_args()
    position = _float_positions(args)[0]
    if isinstance(args[position], list):
        pytest.skip("a list input: covered by reverse mode")
    tangents = tuple(_zeros(arg) for arg in args)
    tangent = np.ones_like(args[position]) if np.ndim(args[position]) else 1.0
    tangents = (*tangents[:position], tangent, *tangents[position + 1:])
    _, computed = autodiff.jvp(fn, args, tangents)
    expected = np.sum(_finite_differences(fn, args, position) * tangent)
    np.testing.assert_allclose(computed, expected, rtol=1e-5, atol=1e-7)


def _zeros(value):
    if isinstance(value, list):
        return [_zeros(item) for item in value]
    return np.zeros_like(value) if np.ndim(value) else 0.0


def test_issue_examples_give_the_finite_difference_gradient():
    assert autodiff.grad(E.h)(2.0) == pytest.approx(0.05)
    assert autodiff.grad(E.h_def)(2.0) == pytest.approx(0.05)


def test_rnn_cell_agrees_with_autograd():
    autograd = pytest.importorskip("autograd")
    args = ([rng(9).randn(3, 3) * 0.5, rng(10).randn(3, 2), rng(11).randn(3)],
            rng(12).randn(4, 2))
    expected = autograd.grad(E.rnn_with_a_cell)(*args)  # plain numpy ops autograd also boxes
    got = autodiff.grad(E.rnn_with_a_cell)(*args)
    for g, w in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-10)
