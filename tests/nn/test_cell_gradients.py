"""Gradients through Cells (compiled ``construct``) against float64 central differences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff
from autodiff import Parameter, nn, ops

EPS = 1e-6
RTOL, ATOL = 1e-6, 1e-8


def numeric_grad(f: Callable[[], Any], p: Parameter) -> np.ndarray:
    """Central differences of the scalar ``f()`` w.r.t. the values of ``p`` (perturbed in place)."""
    values = p.view(np.ndarray)
    grad = np.zeros(p.shape)
    for index in np.ndindex(p.shape):
        old = values[index]
        values[index] = old + EPS
        up = float(f())
        values[index] = old - EPS
        down = float(f())
        values[index] = old
        grad[index] = (up - down) / (2 * EPS)
    return grad


def assert_grads_match(f: Callable[[], Any], params: list[Parameter], grads: tuple) -> None:
    assert len(grads) == len(params)
    for p, g in zip(params, grads, strict=True):
        assert g.shape == p.shape and g.dtype == p.dtype, p.name
        np.testing.assert_allclose(g, numeric_grad(f, p), rtol=RTOL, atol=ATOL, err_msg=p.name)


# ---- the seed's Network ----------------------------------------------------------------------


def test_seed_network_value_and_grad(rng: np.random.Generator) -> None:
    w = Parameter(rng.normal(size=(5, 3)), name="w")
    b = Parameter(rng.normal(size=(3,)), name="b")

    class Network(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.w = w
            self.b = b

        def construct(self, x):
            z = ops.matmul(x, self.w) + self.b
            return z

    model = Network()
    loss_fn = nn.BCEWithLogitsLoss()

    def forward_fn(x, y):
        z = model(x)
        loss = loss_fn(z, y)
        return loss

    x, y = np.ones(5), np.zeros(3)
    grad_fn = autodiff.value_and_grad(forward_fn, None, weights=model.trainable_params())
    loss, (dw, db) = grad_fn(x, y)
    z = x @ w.view(np.ndarray) + b.view(np.ndarray)
    dz = (1 / (1 + np.exp(-z)) - y) / 3
    np.testing.assert_allclose(loss, np.mean(np.logaddexp(0, z) - y * z), rtol=1e-12)
    np.testing.assert_allclose(dw, np.outer(x, dz), rtol=1e-12)
    np.testing.assert_allclose(db, dz, rtol=1e-12)


# ---- library layers and losses ---------------------------------------------------------------


def _mlp(rng: np.random.Generator) -> nn.Cell:
    return nn.SequentialCell(
        nn.Flatten(),
        nn.Dense(6, 5, activation="relu", dtype=np.float64, rng=rng),
        nn.Dense(5, 4, activation=nn.Tanh(), dtype=np.float64, rng=rng),
        nn.Dense(4, 3, has_bias=False, activation="sigmoid", dtype=np.float64, rng=rng),
        nn.Dense(3, 3, dtype=np.float64, rng=rng),
    )


LOSSES = {
    "cross-entropy": (lambda: nn.CrossEntropyLoss(label_smoothing=0.1),
                      lambda rng: rng.integers(0, 3, size=4)),
    "cross-entropy-weighted-sum": (lambda: nn.CrossEntropyLoss(np.array([1.0, 2.0, 0.5]), "sum"),
                                   lambda rng: rng.integers(0, 3, size=4)),
    "mse": (nn.MSELoss, lambda rng: rng.normal(size=(4, 3))),
    "bce": (lambda: nn.BCEWithLogitsLoss("sum", np.array([1.0, 2.0, 3.0]), np.full((4, 3), 1.5)),
            lambda rng: rng.uniform(size=(4, 3))),
}


@pytest.mark.parametrize("loss_name", list(LOSSES), ids=list(LOSSES))
def test_mlp_weight_gradients(rng: np.random.Generator, loss_name: str) -> None:
    make_loss, make_labels = LOSSES[loss_name]
    model, loss_fn = _mlp(rng), make_loss()
    x, labels = rng.normal(size=(4, 2, 3)), make_labels(rng)

    def forward_fn(x, labels):
        return loss_fn(model(x), labels)

    params = model.trainable_params()
    assert [p.name for p in params] == ["1.weight", "1.bias", "2.weight", "2.bias", "3.weight",
                                        "4.weight", "4.bias"]
    loss, grads = autodiff.value_and_grad(forward_fn, None, weights=params)(x, labels)
    np.testing.assert_allclose(loss, forward_fn(x, labels), rtol=1e-12)
    assert_grads_match(lambda: forward_fn(x, labels), params, grads)


class WithLoss(nn.Cell):
    def __init__(self, net: nn.Cell, loss: nn.Cell) -> None:
        super().__init__()
        self.net = net
        self.loss = loss

    def construct(self, x, y):
        return self.loss(self.net(x), y)


def test_cell_passed_directly_as_fn(rng: np.random.Generator) -> None:
    model = WithLoss(nn.Dense(3, 2, activation="tanh", dtype=np.float64, rng=rng), nn.MSELoss())
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    params = model.trainable_params()
    assert [p.name for p in params] == ["net.weight", "net.bias"]
    grads = autodiff.grad(model, None, weights=params)(x, y)
    assert_grads_match(lambda: model(x, y), params, grads)


def test_input_and_weight_gradients_together(rng: np.random.Generator) -> None:
    model = WithLoss(nn.Dense(3, 2, dtype=np.float64, rng=rng), nn.MSELoss("sum"))
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    dx, (dw, db) = autodiff.grad(model, 0, weights=model.trainable_params())(x, y)
    residual = 2 * (model.net(x) - y)
    np.testing.assert_allclose(dx, residual @ model.net.weight.view(np.ndarray), rtol=1e-12)
    np.testing.assert_allclose(dw, residual.T @ x, rtol=1e-12)
    np.testing.assert_allclose(db, residual.sum(axis=0), rtol=1e-12)


def test_float32_model_gives_float32_gradients(rng: np.random.Generator) -> None:
    model = WithLoss(nn.Dense(3, 2, rng=rng), nn.BCEWithLogitsLoss())
    x = rng.normal(size=(4, 3)).astype(np.float32)
    y = rng.uniform(size=(4, 2)).astype(np.float32)
    grads = autodiff.grad(model, None, weights=model.trainable_params())(x, y)
    assert [g.dtype for g in grads] == [np.float32, np.float32]


# ---- weights= structure, sharing, freezing ---------------------------------------------------


def test_single_weight_is_bare_and_list_is_a_tuple(rng: np.random.Generator) -> None:
    model = WithLoss(nn.Dense(3, 2, dtype=np.float64, rng=rng), nn.MSELoss())
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    weight = model.net.weight
    bare = autodiff.grad(model, None, weights=weight)(x, y)
    listed = autodiff.grad(model, None, weights=[weight])(x, y)
    assert isinstance(bare, np.ndarray) and bare.shape == weight.shape
    assert isinstance(listed, tuple) and len(listed) == 1
    np.testing.assert_allclose(bare, listed[0], rtol=1e-12)
    assert_grads_match(lambda: model(x, y), [weight], (bare,))


def test_shared_parameter_gets_the_summed_gradient(rng: np.random.Generator) -> None:
    dense = nn.Dense(3, 3, activation="tanh", dtype=np.float64, rng=rng)
    model = WithLoss(nn.SequentialCell(dense, dense), nn.MSELoss())
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    params = model.trainable_params()
    assert [p.name for p in params] == ["net.0.weight", "net.0.bias"]
    grads = autodiff.grad(model, None, weights=params)(x, y)
    assert_grads_match(lambda: model(x, y), params, grads)


def test_shared_attribute_parameter(rng: np.random.Generator) -> None:
    p = Parameter(rng.normal(size=3))

    class Twice(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.a = p
            self.b = p

        def construct(self, x):
            return np.sum(x * self.a * self.b)

    model = Twice()
    x = rng.normal(size=3)
    (g,) = autodiff.grad(model, None, weights=model.trainable_params())(x)
    np.testing.assert_allclose(g, 2 * x * p.view(np.ndarray), rtol=1e-12)


def test_frozen_parameter_gets_zeros(rng: np.random.Generator) -> None:
    model = WithLoss(nn.Dense(3, 2, dtype=np.float64, rng=rng), nn.MSELoss())
    model.net.bias.requires_grad = False
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    assert [p.name for p in model.trainable_params()] == ["net.weight"]
    dw, db = autodiff.grad(model, None, weights=model.get_parameters())(x, y)
    np.testing.assert_array_equal(db, np.zeros(2))
    assert_grads_match(lambda: model(x, y), [model.net.weight], (dw,))


# ---- a training step ---------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_training_reduces_the_loss(rng: np.random.Generator, optimizer: str) -> None:
    net = nn.SequentialCell(nn.Dense(2, 8, activation="tanh", rng=rng), nn.Dense(8, 1, rng=rng))
    model = WithLoss(net, nn.BCEWithLogitsLoss())
    x = rng.normal(size=(64, 2)).astype(np.float32)
    y = (x[:, :1] * x[:, 1:] > 0).astype(np.float32)
    params = model.trainable_params()
    step = {"sgd": lambda: nn.SGD(params, 0.5), "momentum": lambda: nn.Momentum(params, 0.2, 0.9),
            "adam": lambda: nn.Adam(params, 0.05)}[optimizer]()
    grad_fn = autodiff.value_and_grad(model, None, weights=params)
    first, _ = grad_fn(x, y)
    for _ in range(200):
        loss, grads = grad_fn(x, y)
        step(grads)
    assert loss < 0.7 * first
    assert all(p.dtype == np.float32 for p in model.trainable_params())
