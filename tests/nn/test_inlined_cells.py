"""``grad(fn, ..., weights=net.trainable_params())`` with the Cells ``fn`` calls inlined and
the trained Parameters as parameters of the generated code (``transforms/frontend/cells.py``).

Every gradient is compared with central finite differences of the Parameters (perturbed in
place); the generated source is checked for what inlining promises (no callee units), and
the cases the inliner cannot follow for still being right through the ordinary path.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import autodiff
from autodiff import Parameter, nn

EPS = 1e-6


def _numeric(loss: Callable[[], float], weight: Parameter) -> np.ndarray:
    result = np.zeros(weight.shape)
    for index in np.ndindex(weight.shape):
        old = weight[index]
        weight[index] = old + EPS
        up = float(loss())
        weight[index] = old - EPS
        down = float(loss())
        weight[index] = old
        result[index] = (up - down) / (2 * EPS)
    return result


def _check(grads, loss: Callable[[], float], weights) -> None:
    for gradient, weight in zip(grads, weights, strict=True):
        np.testing.assert_allclose(gradient, _numeric(loss, weight), rtol=1e-5, atol=1e-7)


def _dense(i: int, o: int, activation=None, seed: int = 0) -> nn.Dense:
    return nn.Dense(i, o, activation=activation, dtype=np.float64,
                    rng=np.random.default_rng(seed))


class Mlp(nn.Cell):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = _dense(4, 5, "tanh", 1)
        self.fc2 = _dense(5, 3, None, 2)

    def construct(self, x):
        h = self.fc1(x)
        return self.fc2(h)


class WithLoss(nn.Cell):
    def __init__(self, backbone: nn.Cell, loss: nn.Cell) -> None:
        super().__init__()
        self.backbone, self.loss = backbone, loss

    def construct(self, x, y):
        return self.loss(self.backbone(x), y)


class Scaled(nn.Cell):
    """Reads its weight in a helper method (not inlined) and a frozen Parameter."""

    def __init__(self) -> None:
        super().__init__()
        self.w = Parameter(np.array([0.5, -1.5, 2.0]), name="w")
        self.frozen = Parameter(np.array([1.0, 2.0, 3.0]), name="frozen", requires_grad=False)
        self.fc = _dense(3, 2, "sigmoid", 3)

    def scale(self, x):
        return x * self.w

    def construct(self, x):
        z = self.scale(x) + self.w * self.frozen
        return np.sum(self.fc(z) ** 2)


class EarlyReturn(nn.Cell):
    def __init__(self) -> None:
        super().__init__()
        self.fc = _dense(3, 2, None, 4)

    def construct(self, x):
        if x.shape[0] > 100:
            return np.sum(x)
        return np.sum(np.sin(self.fc(x)))


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    return rng.normal(size=(6, 4)), rng.normal(size=(6, 3))


def test_a_function_calling_a_cell_runs_the_same_math_inlined(data) -> None:
    x, y = data
    net = Mlp()
    weights = net.trainable_params()

    def loss(x, y):
        return np.mean((net(x) - y) ** 2)

    gradient = autodiff.grad(loss, None, weights=weights)
    for _ in range(2):
        _check(gradient(x, y), lambda: loss(x, y), weights)
    code = [line for line in autodiff.source(gradient, x, y).splitlines()
            if not line.lstrip().startswith("#")]
    assert not any("fwd_" in line or "self" in line or "_rt." in line for line in code)


@pytest.mark.parametrize("sequential", [False, True])
def test_a_cell_with_a_loss_cell_differentiated_directly(data, sequential) -> None:
    x, _ = data
    labels = (x[:, :3] > 0).astype(np.float64)
    backbone = nn.SequentialCell(_dense(4, 5, "relu", 5), _dense(5, 3, None, 6)) \
        if sequential else Mlp()
    net = WithLoss(backbone, nn.BCEWithLogitsLoss())
    weights = net.trainable_params()
    value_and_grad = autodiff.value_and_grad(net, None, weights=weights)
    for _ in range(2):
        value, grads = value_and_grad(x, labels)
        assert value == pytest.approx(float(net(x, labels)))
        _check(grads, lambda: net(x, labels), weights)
    assert "fwd_" not in autodiff.source(value_and_grad, x, labels)


def test_positions_and_weights_together(data) -> None:
    x, y = data
    net = Mlp()
    weights = net.trainable_params()

    def loss(x, y):
        return np.sum(np.tanh(net(x)) * y)

    (dx, grads) = autodiff.grad(loss, 0, weights=weights)(x, y)
    _check(grads, lambda: loss(x, y), weights)
    column = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = EPS
        column[index] = (loss(x + step, y) - loss(x - step, y)) / (2 * EPS)
    np.testing.assert_allclose(dx, column, rtol=1e-5, atol=1e-7)


def test_a_weight_read_by_a_method_that_is_not_inlined_still_counts() -> None:
    net = Scaled()
    x = np.array([[0.2, -0.4, 0.9], [1.1, 0.3, -0.7]])
    weights = [*net.trainable_params(), net.frozen]
    grads = autodiff.grad(net, None, weights=weights)(x)
    _check(grads[:-1], lambda: net(x), weights[:-1])
    assert np.all(grads[-1] == 0)  # requires_grad=False: zeros, as MindSpore


def test_a_replaced_parameter_recompiles(data) -> None:
    x, y = data
    net = Mlp()
    old = net.trainable_params()

    def loss(x, y):
        return np.sum(net(x) * y)

    gradient = autodiff.grad(loss, None, weights=old)
    gradient(x, y)
    net.fc2.weight = Parameter(np.ones((3, 5)), name="fc2.weight")
    grads = gradient(x, y)  # the old fc2.weight is no longer read: zeros
    assert np.all(grads[2] == 0)
    _check([grads[0], grads[1], grads[3]], lambda: loss(x, y), [old[0], old[1], old[3]])


@pytest.mark.parametrize("called", [False, True])
def test_a_construct_the_inliner_cannot_follow_takes_the_ordinary_path(called) -> None:
    net = EarlyReturn()
    x = np.array([[0.2, -0.4, 0.9], [1.1, 0.3, -0.7]])
    weights = net.trainable_params()

    def loss(x):
        return net(x) * 2.0

    fn = loss if called else net
    gradient = autodiff.grad(fn, None, weights=weights)
    for _ in range(2):
        _check(gradient(x), lambda: fn(x), weights)
    if called:  # an early return cannot be inlined: the cell is a callee
        assert "fwd_EarlyReturn_construct" in autodiff.source(gradient, x)


def test_a_weight_listed_twice_gets_its_gradient_twice(data) -> None:
    x, y = data
    net = Mlp()
    weights = net.trainable_params()

    def loss(x, y):
        return np.sum(net(x) * y)

    grads = autodiff.grad(loss, None, weights=[*weights, weights[0]])(x, y)
    _check(grads, lambda: loss(x, y), [*weights, weights[0]])
    assert not np.shares_memory(grads[0], grads[-1])


GLOBAL_W = Parameter(np.array([[0.3, -0.2], [0.5, 0.1], [-0.4, 0.7]]), name="GLOBAL_W")


def global_weight_loss(x):
    return np.sum(np.tanh(x @ GLOBAL_W) ** 2)


@pytest.mark.parametrize("single", [False, True])
def test_a_global_parameter_read_by_name(data, single) -> None:
    x = data[0][:, :3]
    gradient = autodiff.grad(global_weight_loss, None,
                             weights=GLOBAL_W if single else [GLOBAL_W])
    for _ in range(3):  # compiled, kept, through the generated entry
        result = gradient(x)
        assert isinstance(result, np.ndarray) if single else len(result) == 1
        np.testing.assert_allclose(result if single else result[0],
                                   _numeric(lambda: global_weight_loss(x), GLOBAL_W),
                                   rtol=1e-5, atol=1e-7)
    code = [line for line in autodiff.source(gradient, x).splitlines()
            if not line.lstrip().startswith("#")]
    assert "(GLOBAL_W, x)" in code[0] and not any("_rt." in line for line in code)


class Inspecting(nn.Cell):
    """Asks whether its weight is a Parameter: inlined, the answer would change."""

    def __init__(self) -> None:
        super().__init__()
        self.w = Parameter(np.array([0.5, -1.5, 2.0]), name="w")

    def construct(self, x):
        if isinstance(self.w, Parameter):
            return np.sum(np.sin(x * self.w))
        return np.sum(x)


class Training(nn.Cell):
    """Branches on a flag read through the cell at run time."""

    def __init__(self) -> None:
        super().__init__()
        self.w = Parameter(np.array([0.5, -1.5, 2.0]), name="w")
        self.scale = 2.0

    def construct(self, x):
        if self.training:
            return np.sum(np.tanh(x * self.w) * self.scale)
        return np.sum(np.sin(x * self.w))


@pytest.mark.parametrize("cell_class", [Inspecting, Training])
def test_what_a_construct_reads_at_run_time_is_read_at_run_time(cell_class) -> None:
    net = cell_class()
    x = np.array([0.2, -0.4, 0.9])
    weights = net.trainable_params()

    def loss(x):
        return net(x) + 0.0

    gradient = autodiff.grad(loss, None, weights=weights)
    for training in (False, True, False):
        net.set_train(training)
        _check(gradient(x), lambda: loss(x), weights)


def test_a_weight_frozen_after_grad_gets_zeros(data) -> None:
    x, y = data
    net = Mlp()
    weights = net.trainable_params()

    def loss(x, y):
        return np.sum(net(x) * y)

    gradient = autodiff.grad(loss, None, weights=weights)
    for _ in range(3):
        gradient(x, y)
    weights[0].requires_grad = False
    grads = gradient(x, y)
    assert np.all(grads[0] == 0)
    _check(grads[1:], lambda: loss(x, y), weights[1:])
    weights[0].requires_grad = True
    _check(gradient(x, y), lambda: loss(x, y), weights)
