"""Optimizers against hand-computed steps; in-place updates, dtypes and argument checks.

Every hand-computed case starts from ``p = [1, 2]`` with ``learning_rate = 0.1`` and the
gradients ``[0.5, -1]``, ``[1, 1]``, ``[-2, 0.5]`` on steps 1, 2, 3.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from autodiff import Parameter, nn

GRADS = [np.array([0.5, -1.0]), np.array([1.0, 1.0]), np.array([-2.0, 0.5])]
P = Parameter(np.zeros(2), name="P")  # for constructor checks that never update it


def _run(make: Callable[[list[Parameter]], nn.Optimizer], dtype=np.float64) -> list[np.ndarray]:
    """The parameter values after each of the three steps."""
    p = Parameter(np.array([1.0, 2.0], dtype), name="p")
    optimizer = make([p])
    values = []
    for g in GRADS:
        optimizer((g,))
        values.append(np.array(p.view(np.ndarray)))
    return values


HAND_COMPUTED = {
    "sgd": (lambda ps: nn.SGD(ps, 0.1),
            [[0.95, 2.1], [0.85, 2.0], [1.05, 1.95]]),
    "sgd-momentum": (lambda ps: nn.SGD(ps, 0.1, momentum=0.9),
                     [[0.95, 2.1], [0.805, 2.09], [0.8745, 2.031]]),
    "sgd-dampening": (lambda ps: nn.SGD(ps, 0.1, momentum=0.9, dampening=0.5),
                      [[0.95, 2.1], [0.855, 2.14], [0.8695, 2.151]]),
    "sgd-weight-decay": (lambda ps: nn.SGD(ps, 0.1, weight_decay=0.1),
                         [[0.94, 2.08], [0.8306, 1.9592], [1.022294, 1.889608]]),
    "sgd-nesterov": (lambda ps: nn.SGD(ps, 0.1, momentum=0.9, nesterov=True),
                     [[0.905, 2.19], [0.6745, 2.081], [0.93705, 1.9779]]),
    "momentum": (lambda ps: nn.Momentum(ps, 0.1, 0.9),
                 [[0.95, 2.1], [0.805, 2.09], [0.8745, 2.031]]),
    "momentum-nesterov": (lambda ps: nn.Momentum(ps, 0.1, 0.9, use_nesterov=True),
                          [[0.905, 2.19], [0.6745, 2.081], [0.93705, 1.9779]]),
    "momentum-weight-decay": (lambda ps: nn.Momentum(ps, 0.1, 0.9, weight_decay=0.1),
                              [[0.94, 2.08], [0.7766, 2.0312], [0.821774, 1.916968]]),
}


@pytest.mark.parametrize("case", list(HAND_COMPUTED), ids=list(HAND_COMPUTED))
def test_sgd_and_momentum_hand_computed(case: str) -> None:
    make, expected = HAND_COMPUTED[case]
    np.testing.assert_allclose(_run(make), expected, rtol=0, atol=1e-12)


def _adam_by_hand(weight_decay: float) -> list[list[float]]:
    """Adam (MindSpore form) elementwise with scalar arithmetic, lr 0.1, betas 0.9/0.999."""
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    p, m, v = [1.0, 2.0], [0.0, 0.0], [0.0, 0.0]
    history = []
    for t, g in enumerate(GRADS, start=1):
        for i in range(2):
            gi = float(g[i]) + weight_decay * p[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            p[i] -= lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m[i] / (math.sqrt(v[i]) + eps)
        history.append(list(p))
    return history


@pytest.mark.parametrize("weight_decay", [0.0, 0.1], ids=["plain", "weight-decay"])
def test_adam_hand_computed(weight_decay: float) -> None:
    values = _run(lambda ps: nn.Adam(ps, 0.1, weight_decay=weight_decay))
    np.testing.assert_allclose(values, _adam_by_hand(weight_decay), rtol=1e-12)


def test_adam_first_step_moves_by_learning_rate() -> None:
    first = _run(lambda ps: nn.Adam(ps, learning_rate=0.1))[0]
    np.testing.assert_allclose(first, [0.9, 2.1], atol=1e-6)
    second = _run(lambda ps: nn.Adam(ps, learning_rate=0.1))[1]
    np.testing.assert_allclose(second, [0.803482, 2.094737], atol=1e-6)


OPTIMIZERS = {
    "sgd": lambda ps: nn.SGD(ps, 0.1, momentum=0.9, weight_decay=0.01),
    "momentum": lambda ps: nn.Momentum(ps, 0.1, 0.9, use_nesterov=True),
    "adam": lambda ps: nn.Adam(ps, 0.01, weight_decay=0.01),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS), ids=list(OPTIMIZERS))
def test_float32_is_preserved(name: str) -> None:
    make = OPTIMIZERS[name]
    p = Parameter(np.array([1.0, 2.0], np.float32))
    optimizer = make([p])
    for g in GRADS:
        optimizer((g.astype(np.float64),))  # float64 gradients are cast
        assert p.dtype == np.float32
    for value in optimizer.state[0].values():
        assert not isinstance(value, np.ndarray) or value.dtype == np.float32
    np.testing.assert_allclose(p.view(np.ndarray), _run(make)[-1], rtol=1e-6)


@pytest.mark.parametrize("name", list(OPTIMIZERS), ids=list(OPTIMIZERS))
def test_updates_are_in_place(rng: np.random.Generator, name: str) -> None:
    model = nn.Dense(3, 2, rng=rng)
    params = model.trainable_params()
    views = [p.view(np.ndarray) for p in params]
    before = [v.copy() for v in views]
    optimizer = OPTIMIZERS[name](params)
    optimizer(tuple(np.ones(p.shape, np.float32) for p in params))
    assert model.weight is params[0] and model.bias is params[1]
    assert [p.name for p in model.trainable_params()] == ["weight", "bias"]
    assert isinstance(model.weight, Parameter) and model.weight.dtype == np.float32
    for view, old in zip(views, before, strict=True):
        assert np.all(view < old)  # the old views see the new values


def test_frozen_parameter_is_skipped_and_its_state_kept() -> None:
    frozen = Parameter(np.array([1.0, 2.0]), name="frozen", requires_grad=False)
    optimizer = nn.SGD([frozen], 0.1, momentum=0.9)
    optimizer((GRADS[0],))
    np.testing.assert_array_equal(frozen.view(np.ndarray), [1.0, 2.0])
    assert optimizer.state[0] == {}
    frozen.requires_grad = True
    optimizer((GRADS[0],))
    np.testing.assert_allclose(frozen.view(np.ndarray), [0.95, 2.1])


def test_learning_rate_can_change_between_steps() -> None:
    p = Parameter(np.array([1.0]))
    optimizer = nn.SGD([p], learning_rate=0.1)
    assert optimizer.get_lr() == 0.1
    optimizer.learning_rate = 0.5
    optimizer((np.array([1.0]),))
    np.testing.assert_allclose(p.view(np.ndarray), [0.5])


def test_training_a_dense_layer_reduces_the_loss(rng: np.random.Generator) -> None:
    model = nn.Dense(3, 1, rng=rng)
    loss_fn = nn.MSELoss()
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype(np.float32)
    optimizer = nn.Momentum(model.trainable_params(), learning_rate=0.05, momentum=0.9)
    first = loss_fn(model(x), y)
    for _ in range(100):
        dz = 2 * (model(x) - y) / y.size  # hand-written gradient of the mean squared error
        optimizer((dz.T @ x, dz.sum(axis=0)))
    assert loss_fn(model(x), y) < 1e-3 * first


# ---- argument checks ----------------------------------------------------------------------------


@pytest.fixture
def two_params() -> list[Parameter]:
    return [Parameter(np.zeros((2, 3)), name="w"), Parameter(np.zeros(3), name="b")]


@pytest.mark.parametrize(
    ("grads", "error", "match"),
    [
        (lambda: (np.ones((2, 3)),), ValueError, "1 gradient"),
        (lambda: (np.ones((2, 3)), np.ones(3), np.ones(3)), ValueError, "3 gradient"),
        (lambda: (np.ones(3), np.ones((2, 3))), ValueError, "shape"),
        (lambda: (np.ones((2, 3)), np.ones((1, 3))), ValueError, "'b'"),
        (lambda: (np.ones((2, 3)), None), ValueError, "None"),
        (lambda: np.ones((2, 3)), TypeError, "tuple of gradients"),
    ],
    ids=["too-few", "too-many", "swapped", "broadcastable-shape", "none", "bare-array"],
)
def test_mismatched_gradients_raise_and_change_nothing(
    two_params: list[Parameter], grads, error: type, match: str
) -> None:
    optimizer = nn.SGD(two_params, 0.1)
    with pytest.raises(error, match=match):
        optimizer(grads())
    assert all(np.all(p.view(np.ndarray) == 0) for p in two_params)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: nn.SGD([]), ValueError, "empty"),
        (lambda: nn.SGD([np.zeros(2)]), TypeError, "Parameters"),
        (lambda: nn.SGD(nn.Dense(2, 2)), TypeError, "trainable_params"),
        (lambda: nn.SGD(Parameter(np.zeros(2))), TypeError, "list of Parameters"),
        (lambda: nn.SGD([Parameter(np.zeros(2, np.int32))]), TypeError, "non-float"),
        (lambda: nn.SGD([P, P]), ValueError, "more than once"),
        (lambda: nn.SGD([P], learning_rate=-0.1), ValueError, "learning_rate"),
        (lambda: nn.SGD([P], learning_rate="0.1"), TypeError, "learning_rate"),
        (lambda: nn.SGD([P], nesterov=True), ValueError, "nesterov"),
        (lambda: nn.SGD([P], momentum=0.9, dampening=0.1, nesterov=True), ValueError,
         "nesterov"),
        (lambda: nn.Momentum([P], 0.1, -0.5), ValueError, "momentum"),
        (lambda: nn.Adam([P], beta1=1.0), ValueError, "beta1"),
        (lambda: nn.Adam([P], beta2=-0.1), ValueError, "beta2"),
        (lambda: nn.Adam([P], eps=0.0), ValueError, "eps"),
        (lambda: nn.Adam([P], weight_decay=-1.0), ValueError, "weight_decay"),
    ],
    ids=["empty", "plain-array", "cell", "single-parameter", "int-parameter", "duplicate",
         "negative-lr", "string-lr", "nesterov-no-momentum", "nesterov-dampening",
         "negative-momentum", "beta1", "beta2", "eps", "weight-decay"],
)
def test_constructor_checks(make, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        make()
