"""Layers: forward values against numpy closed forms, initialization, SequentialCell."""

from __future__ import annotations

import ast
import inspect
import math
import textwrap

import numpy as np
import pytest

from autodiff import Parameter, nn
from autodiff.nn import layers, losses


def _plain(p: np.ndarray) -> np.ndarray:
    return np.asarray(p.view(np.ndarray))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


# ---- Dense --------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [(), (4,), (2, 3)], ids=["vector", "batch", "batch2d"])
def test_dense_computes_x_wt_plus_b(rng: np.random.Generator, batch: tuple[int, ...]) -> None:
    dense = nn.Dense(5, 3, rng=rng)
    x = rng.normal(size=(*batch, 5)).astype(np.float32)
    out = dense(x)
    assert out.shape == (*batch, 3) and out.dtype == np.float32
    assert type(out) is np.ndarray
    expected = x.astype(np.float64) @ _plain(dense.weight).T.astype(np.float64) + _plain(dense.bias)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_dense_parameters_shapes_names_dtype(rng: np.random.Generator) -> None:
    dense = nn.Dense(5, 3, rng=rng)
    assert [p.name for p in dense.trainable_params()] == ["weight", "bias"]
    assert dense.weight.shape == (3, 5) and dense.bias.shape == (3,)
    assert dense.weight.dtype == np.float32 and dense.bias.dtype == np.float32
    assert isinstance(dense.weight, Parameter) and dense.has_bias


def test_dense_without_bias(rng: np.random.Generator) -> None:
    dense = nn.Dense(4, 2, has_bias=False, rng=rng)
    assert isinstance(dense, nn.Dense) and dense.bias is None and not dense.has_bias
    assert [p.name for p in dense.get_parameters()] == ["weight"]
    x = rng.normal(size=(3, 4)).astype(np.float32)
    np.testing.assert_allclose(dense(x), x @ _plain(dense.weight).T, rtol=1e-6)
    assert repr(dense).startswith("Dense<input_channels=4, output_channels=2, has_bias=False")


def test_dense_subclass_without_bias_needs_its_own_construct() -> None:
    class MyDense(nn.Dense):
        pass

    class MyOwnDense(nn.Dense):
        def construct(self, x: np.ndarray) -> np.ndarray:
            return x @ self.weight.T

    with pytest.raises(TypeError, match="define construct"):
        MyDense(2, 2, has_bias=False)
    assert type(MyOwnDense(2, 2, has_bias=False)) is MyOwnDense


@pytest.mark.parametrize(
    ("activation", "closed_form"),
    [
        ("relu", lambda z: np.maximum(z, 0)),
        ("sigmoid", _sigmoid),
        ("tanh", np.tanh),
        ("ReLU", lambda z: np.maximum(z, 0)),
        (nn.Tanh(), np.tanh),
        (np.negative, np.negative),
    ],
    ids=["relu", "sigmoid", "tanh", "relu-uppercase", "cell", "callable"],
)
def test_dense_activation(rng: np.random.Generator, activation: object, closed_form) -> None:
    dense = nn.Dense(3, 4, activation=activation, rng=rng)
    x = rng.normal(size=(6, 3)) * 3
    z = x @ _plain(dense.weight).T + _plain(dense.bias)
    np.testing.assert_allclose(dense(x), closed_form(z), rtol=1e-6, atol=1e-7)
    assert [p.name for p in dense.get_parameters()] == ["weight", "bias"]


def test_dense_activation_errors() -> None:
    with pytest.raises(ValueError, match="unknown activation"):
        nn.Dense(2, 2, activation="gelu")
    with pytest.raises(TypeError, match="activation"):
        nn.Dense(2, 2, activation=3)


def test_dense_default_init_is_uniform_within_bound() -> None:
    dense = nn.Dense(16, 64, rng=np.random.default_rng(0))
    bound = 1 / math.sqrt(16)
    for values in (_plain(dense.weight), _plain(dense.bias)):
        assert np.all(np.abs(values) <= bound)
        assert values.max() > 0.8 * bound and values.min() < -0.8 * bound


def test_dense_init_is_deterministic_and_draws_weight_first() -> None:
    a = nn.Dense(4, 3, rng=np.random.default_rng(5))
    b = nn.Dense(4, 3, rng=5)
    np.testing.assert_array_equal(_plain(a.weight), _plain(b.weight))
    np.testing.assert_array_equal(_plain(a.bias), _plain(b.bias))
    draws = np.random.default_rng(5).uniform(-0.5, 0.5, size=15)
    np.testing.assert_allclose(_plain(a.weight).ravel(), draws[:12], rtol=1e-6)
    np.testing.assert_allclose(_plain(a.bias), draws[12:], rtol=1e-6)


def test_dense_global_seed_makes_init_reproducible() -> None:
    np.random.seed(11)
    first = _plain(nn.Dense(3, 2).weight).copy()
    np.random.seed(11)
    np.testing.assert_array_equal(_plain(nn.Dense(3, 2).weight), first)


@pytest.mark.parametrize(
    ("init", "check"),
    [
        ("zeros", lambda v: np.all(v == 0)),
        ("ones", lambda v: np.all(v == 1)),
        ("normal", lambda v: abs(v.std() - 0.01) < 0.002 and abs(v.mean()) < 0.002),
        ("uniform", lambda v: np.all(np.abs(v) <= 0.07) and v.max() > 0.06),
        (0.5, lambda v: np.all(v == 0.5)),
    ],
    ids=["zeros", "ones", "normal", "uniform", "number"],
)
def test_dense_named_initializers(init: object, check) -> None:
    dense = nn.Dense(40, 50, weight_init=init, bias_init=init, rng=np.random.default_rng(1))
    assert check(_plain(dense.weight)) and check(_plain(dense.bias))


def test_dense_array_init_is_copied(rng: np.random.Generator) -> None:
    weight = rng.normal(size=(2, 3))
    dense = nn.Dense(3, 2, weight_init=weight, bias_init=[1.0, 2.0], dtype=np.float64)
    np.testing.assert_array_equal(_plain(dense.weight), weight)
    np.testing.assert_array_equal(_plain(dense.bias), [1.0, 2.0])
    weight[...] = 0
    assert np.any(_plain(dense.weight) != 0)
    assert dense.weight.dtype == np.float64


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"in_channels": 0, "out_channels": 2}, ValueError, "in_channels"),
        ({"in_channels": 2, "out_channels": 2.0}, ValueError, "out_channels"),
        ({"in_channels": 2, "out_channels": 2, "weight_init": "xavier"}, ValueError, "xavier"),
        ({"in_channels": 2, "out_channels": 2, "weight_init": np.ones((2, 3))}, ValueError,
         "shape"),
        ({"in_channels": 2, "out_channels": 2, "dtype": np.int32}, TypeError, "floating"),
        ({"in_channels": 2, "out_channels": 2, "rng": "seed"}, TypeError, "rng"),
    ],
    ids=["zero-in", "float-out", "unknown-init", "init-shape", "int-dtype", "bad-rng"],
)
def test_dense_argument_errors(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        nn.Dense(**kwargs)


# ---- activations and Flatten -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "closed_form"),
    [
        (nn.ReLU(), lambda x: np.where(x > 0, x, 0.0)),
        (nn.Sigmoid(), _sigmoid),
        (nn.Tanh(), np.tanh),
        (nn.Identity(), lambda x: x),
    ],
    ids=["relu", "sigmoid", "tanh", "identity"],
)
def test_activation_cells(rng: np.random.Generator, cell: nn.Cell, closed_form) -> None:
    x = np.concatenate([rng.normal(size=20) * 4, [-1000.0, 0.0, 1000.0]]).astype(np.float32)
    out = cell(x)
    assert np.all(np.isfinite(out)) and out.dtype == np.float32
    np.testing.assert_allclose(out, closed_form(x.astype(np.float64)), rtol=1e-6, atol=1e-7)
    assert cell.get_parameters() == []


@pytest.mark.parametrize(
    ("shape", "flat"),
    [((4, 3), (4, 3)), ((2, 3, 5), (2, 15)), ((2, 1, 4, 4), (2, 16)), ((3,), (3, 1))],
    ids=["2d", "3d", "4d", "1d"],
)
def test_flatten_shapes(rng: np.random.Generator, shape: tuple, flat: tuple) -> None:
    x = rng.normal(size=shape)
    out = nn.Flatten()(x)
    assert out.shape == flat
    np.testing.assert_array_equal(out.ravel(), x.ravel())


# ---- SequentialCell ---------------------------------------------------------------------------


def test_sequential_composes_in_order(rng: np.random.Generator) -> None:
    first, second = nn.Dense(6, 4, rng=rng), nn.Dense(4, 2, rng=rng)
    model = nn.SequentialCell(nn.Flatten(), first, nn.ReLU(), second, nn.Sigmoid())
    x = rng.normal(size=(5, 2, 3))
    h = np.maximum(x.reshape(5, 6) @ _plain(first.weight).T + _plain(first.bias), 0)
    expected = _sigmoid(h @ _plain(second.weight).T + _plain(second.bias))
    np.testing.assert_allclose(model(x), expected, rtol=1e-6)


def test_sequential_registers_cells_by_index(rng: np.random.Generator) -> None:
    model = nn.SequentialCell([nn.Dense(3, 4, rng=rng), nn.ReLU(), nn.Dense(4, 1, rng=rng)])
    assert [p.name for p in model.trainable_params()] == [
        "0.weight", "0.bias", "2.weight", "2.bias",
    ]
    assert list(model.name_cells()) == ["0", "1", "2"]
    assert isinstance(model.cells, tuple) and len(model.cells) == 3
    assert getattr(model, "0") is model.cells[0] is model[0]


def test_sequential_accepts_a_dict(rng: np.random.Generator) -> None:
    model = nn.SequentialCell({"hidden": nn.Dense(3, 4, rng=rng), "act": nn.Tanh()})
    assert [p.name for p in model.trainable_params()] == ["hidden.weight", "hidden.bias"]
    assert model.hidden is model[0]


def test_sequential_container_protocol(rng: np.random.Generator) -> None:
    cells = [nn.Dense(2, 2, rng=rng), nn.ReLU(), nn.Dense(2, 2, rng=rng)]
    model = nn.SequentialCell(*cells)
    assert len(model) == 3 and list(model) == cells and model[-1] is cells[2]
    tail = model[1:]
    assert isinstance(tail, nn.SequentialCell) and list(tail) == cells[1:]
    assert [p.name for p in tail.get_parameters()] == ["2.weight", "2.bias"]  # names kept
    assert model.append(nn.Sigmoid()) is model and len(model) == 4
    x = rng.normal(size=(3, 2))
    np.testing.assert_allclose(model(x), _sigmoid(nn.SequentialCell(*cells)(x)), rtol=1e-6)


def test_sequential_shared_cell_is_applied_twice_but_listed_once(rng: np.random.Generator) -> None:
    dense = nn.Dense(2, 2, rng=rng)
    model = nn.SequentialCell(dense, dense)
    x = rng.normal(size=(4, 2))
    np.testing.assert_allclose(model(x), dense(dense(x)), rtol=1e-6)
    assert [p.name for p in model.get_parameters()] == ["0.weight", "0.bias"]


def test_empty_sequential_is_identity() -> None:
    x = np.arange(3.0)
    np.testing.assert_array_equal(nn.SequentialCell()(x), x)


@pytest.mark.parametrize(
    ("args", "error"),
    [((nn.ReLU(), np.tanh), TypeError), (({"construct": nn.ReLU()},), ValueError),
     (({"cells": nn.ReLU()},), ValueError), (({"_hidden": nn.ReLU()},), ValueError)],
    ids=["not-a-cell", "method-name", "cells-name", "private-name"],
)
def test_sequential_rejects_bad_items(args: tuple, error: type) -> None:
    with pytest.raises(error):
        nn.SequentialCell(*args)


# ---- construct bodies stay compilable -----------------------------------------------------------

_LIBRARY_CELLS = [
    layers.Identity, layers.ReLU, layers.Sigmoid, layers.Tanh, layers.Flatten, layers.Dense,
    layers._DenseNoBias, layers.SequentialCell, losses.BCEWithLogitsLoss, losses.MSELoss,
    losses.CrossEntropyLoss,
]
_FORBIDDEN = (ast.If, ast.IfExp, ast.While, ast.Try, ast.AugAssign, ast.With, ast.Lambda,
              ast.ListComp, ast.GeneratorExp, ast.Global, ast.Nonlocal)


@pytest.mark.parametrize("cls", _LIBRARY_CELLS, ids=lambda c: c.__name__)
def test_construct_is_straight_line_numpy(cls: type) -> None:
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls.__dict__["construct"])))
    body = tree.body[0]
    for node in ast.walk(body):
        assert not isinstance(node, _FORBIDDEN), f"{cls.__name__}.construct uses {node}"
        if isinstance(node, ast.Assign):
            assert all(isinstance(t, ast.Name) for t in node.targets), "only plain names assigned"
        if isinstance(node, ast.For):  # only SequentialCell's loop over its constant tuple
            assert cls is layers.SequentialCell
            assert ast.unparse(node.iter) == "self.cells"
