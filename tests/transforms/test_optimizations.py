"""Before/after tests of the optimizations applied while emitting the gradient."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff
from autodiff.transforms.testing import gradient_source, shape_classes


def backward(source: str, **request) -> str:
    return gradient_source(source, **request).split("# ---- backward ----")[1]


def test_one_expression_rules_are_inlined():
    code = backward("def f(x):\n    return np.sum(np.tanh(x))")
    assert "d_sum2 * 0" not in code
    assert "(1.0 - _tanh1 * _tanh1)" in code
    assert "tanh_vjp" not in code


def test_rules_get_none_for_parameters_they_never_read():
    code = backward("def f(x, w):\n    return np.sum(x @ w)", wrt=("w",))
    assert "_rt.matmul_vjp_rhs(d_matmul1, None, x, w)" in code


def test_unbroadcast_is_dropped_only_where_shapes_provably_match():
    same = backward("def f(x):\n    a = np.sin(x) * x\n    return np.sum(a * 2.0)")
    assert "unbroadcast_to" not in same
    mixed = backward("def f(x, b):\n    return np.sum(x * b)")
    assert mixed.count("unbroadcast_to") == 2  # x and b may broadcast against each other


def test_shape_classes_never_join_different_operands():
    classes = shape_classes("def f(x, y):\n    a = x * y\n    b = np.exp(a)\n    return b")
    assert classes.same("a", "b")
    assert not classes.same("a", "x") and not classes.same("a", "y")


def test_loop_saves_only_the_shape_of_broadcast_targets():
    source = autodiff.source(autodiff.grad(_loop_with_bias, (0, 1)))
    assert "_tape.append(_rt.shape(" in source


def _loop_with_bias(w, b, x):
    h = x
    for _ in range(3):
        h = np.tanh(h @ w + b)
    return np.sum(h)


@pytest.mark.parametrize("shape", [(4,), (2, 4)], ids=["vector", "matrix"])
def test_optimized_broadcasting_gradients_are_still_right(rng, shape):
    w, b, x = rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=shape)
    autodiff.check_grads(_loop_with_bias, (w, b, x), modes=("rev", "fwd"))
