"""``autodiff.ops``: values against closed forms, and which names are numpy's own (API.md §4)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autodiff import ops
from autodiff.runtime import registry, rules_nn, rules_nondiff
from autodiff.tensor import Parameter, Tensor, float32, float64, int32


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(11)


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + np.exp(-x))


def _bce(x: Any, y: Any, w: Any = 1.0, pw: Any = 1.0) -> Any:
    return -w * (pw * y * np.log(_sigmoid(x)) + (1 - y) * np.log(1 - _sigmoid(x)))


# ---- constructors -----------------------------------------------------------------------------


@pytest.mark.parametrize("make, fill", [(ops.ones, 1.0), (ops.zeros, 0.0)], ids=["ones", "zeros"])
def test_constructors_default_to_float32(make: Any, fill: float) -> None:
    a = make(5)
    assert a.shape == (5,) and a.dtype == np.float32 and np.all(a == fill)
    b = make((2, 3))
    assert b.shape == (2, 3) and b.dtype == np.float32 and np.all(b == fill)
    assert make((2, 3), float64).dtype == np.float64
    assert make(4, int32).dtype == np.int32
    assert type(make(3)) is np.ndarray


def test_like_constructors_follow_their_argument() -> None:
    z = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert ops.ones_like(z).dtype == np.float32 and np.all(ops.ones_like(z) == 1)
    assert ops.zeros_like(z).shape == (2, 3) and not np.any(ops.zeros_like(z))
    p = Parameter(z, name="p")
    assert type(ops.ones_like(p)) is np.ndarray


# ---- what the compiler sees -------------------------------------------------------------------


def test_numpy_functions_are_reexported_unchanged() -> None:
    assert ops.matmul is np.matmul and ops.exp is np.exp and ops.log is np.log
    assert ops.tanh is np.tanh
    assert ops.ones_like is np.ones_like and ops.zeros_like is np.zeros_like


@pytest.mark.parametrize(
    "name",
    [
        "sigmoid",
        "relu",
        "softmax",
        "log_softmax",
        "mse_loss",
        "cross_entropy",
        "binary_cross_entropy_with_logits",
    ],
)
def test_nn_functions_are_registered_primitives(name: str) -> None:
    function = getattr(ops, name)
    assert function is getattr(rules_nn, name)
    assert registry.lookup(function) is not None


def test_constant_constructors_and_stop_gradient_are_not_differentiable() -> None:
    assert ops.stop_gradient is rules_nondiff.stop_gradient
    assert registry.is_nondifferentiable(ops.ones) and registry.is_nondifferentiable(ops.zeros)


def test_stop_gradient_passes_the_value_through(rng: np.random.Generator) -> None:
    z = rng.normal(size=3)
    np.testing.assert_array_equal(ops.stop_gradient(z), z)


# ---- values -----------------------------------------------------------------------------------


def test_activations(rng: np.random.Generator) -> None:
    x = rng.normal(size=(3, 4)).astype(np.float32)
    np.testing.assert_allclose(ops.sigmoid(x), _sigmoid(x), rtol=1e-6)
    np.testing.assert_array_equal(ops.relu(x), np.maximum(x, 0))
    np.testing.assert_allclose(np.sum(ops.softmax(x), axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(
        ops.log_softmax(x, axis=0), np.log(ops.softmax(x, axis=0)), rtol=1e-5
    )
    assert ops.sigmoid(x).dtype == np.float32


def test_seed_linear_model_loss(rng: np.random.Generator) -> None:
    x, y = ops.ones(5, float32), ops.zeros(3, float32)
    w = Parameter(Tensor(rng.normal(size=(5, 3)), float32), name="w")
    b = Parameter(Tensor(rng.normal(size=(3,)), float32), name="b")
    z = ops.matmul(x, w) + b
    assert type(z) is np.ndarray and z.dtype == np.float32
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    assert np.result_type(loss) == np.float32
    assert loss == pytest.approx(np.mean(_bce(z.astype(np.float64), 0.0)), rel=1e-5)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_matches_direct_formula(reduction: str, rng: np.random.Generator) -> None:
    x, y = rng.normal(size=(4, 3)) * 2, rng.uniform(size=(4, 3))
    w, pw = rng.uniform(0.5, 2, size=(3,)), rng.uniform(0.5, 3, size=(4, 1))
    reduce = {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction]
    cases = [
        ((x, y), _bce(x, y)),
        ((x, y, w), _bce(x, y, w)),
        ((x, y, None, pw), _bce(x, y, 1.0, pw)),
        ((x, y, w, pw), _bce(x, y, w, pw)),
    ]
    for args, direct in cases:
        got = ops.binary_cross_entropy_with_logits(*args, reduction=reduction)
        np.testing.assert_allclose(got, reduce(direct), rtol=1e-12)


def test_bce_default_reduction_is_mean_over_all_elements(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=(2, 5)), rng.uniform(size=(2, 5))
    assert ops.binary_cross_entropy_with_logits(x, y) == pytest.approx(np.mean(_bce(x, y)))


def test_mse_and_cross_entropy_values(rng: np.random.Generator) -> None:
    x, t = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    assert ops.mse_loss(x, t) == pytest.approx(np.mean((x - t) ** 2))
    assert ops.mse_loss(x, t, reduction="sum") == pytest.approx(np.sum((x - t) ** 2))
    labels = np.array([0, 3, 1])
    e = np.exp(x)
    picked = -np.log(e[np.arange(3), labels] / np.sum(e, axis=1))
    assert ops.cross_entropy(x, labels) == pytest.approx(np.mean(picked))


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: ops.binary_cross_entropy_with_logits(np.ones(2), np.ones(2), reduction="avg"),
            id="bce",
        ),
        pytest.param(lambda: ops.mse_loss(np.ones(2), np.ones(2), reduction="avg"), id="mse"),
        pytest.param(
            lambda: ops.cross_entropy(np.ones((1, 2)), np.array([0]), reduction="avg"),
            id="cross_entropy",
        ),
    ],
)
def test_unknown_reduction_is_a_value_error_naming_the_choices(call: Any) -> None:
    with pytest.raises(ValueError, match="one of 'mean', 'sum', 'none', got 'avg'"):
        call()
