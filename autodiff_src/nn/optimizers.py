"""Optimizers ``SGD``, ``Momentum`` and ``Adam`` (MindSpore API and update formulas).

Build one with a list of Parameters (usually ``model.trainable_params()``) and call it with the
gradients in the same order, e.g. the weight gradients of ``value_and_grad(..., weights=...)``::

    optimizer = nn.SGD(model.trainable_params(), learning_rate=0.1)
    loss, grads = grad_fn(x, y)
    optimizer(grads)

Each call updates the Parameters in place (same objects, names and dtypes; float32 stays
float32) after checking that there is one gradient per Parameter with the Parameter's shape.
Gradients are cast to the Parameter's dtype and state (moments) is kept per Parameter in that
dtype. A Parameter whose ``requires_grad`` is False at call time is left unchanged and its state
does not advance. In the formulas ``g`` is the gradient plus ``weight_decay * p`` (L2 weight
decay, as MindSpore and PyTorch apply it) and ``lr`` the learning rate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..tensor import Parameter

__all__ = ["SGD", "Adam", "Momentum", "Optimizer"]


class Optimizer:
    """Base class: the parameters, ``learning_rate``, ``weight_decay`` and per-parameter state.

    Subclasses define ``_step(value, g, state)`` returning the amount to subtract from a
    Parameter's values. ``learning_rate`` may be changed between calls.
    """

    def __init__(
        self, params: Iterable[Parameter], learning_rate: float, weight_decay: float = 0.0
    ) -> None:
        self.parameters: tuple[Parameter, ...] = _check_params(params, type(self).__name__)
        self.learning_rate = _non_negative(learning_rate, "learning_rate")
        self.weight_decay = _non_negative(weight_decay, "weight_decay")
        self.state: list[dict[str, Any]] = [{} for _ in self.parameters]

    def get_lr(self) -> float:
        """The current learning rate."""
        return self.learning_rate

    def __call__(self, grads: Sequence[Any]) -> None:
        """Update every trainable Parameter in place from its gradient in ``grads``."""
        grads = self._check_grads(grads)
        for param, grad, state in zip(self.parameters, grads, self.state, strict=True):
            if not param.requires_grad:
                continue
            value = param.view(np.ndarray)  # writes through to the Parameter
            g = np.asarray(grad, dtype=value.dtype)
            if self.weight_decay:
                g = g + self.weight_decay * value
            value -= self._step(value, g, state)

    def _step(self, value: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> np.ndarray:
        raise NotImplementedError

    def _check_grads(self, grads: Any) -> tuple[Any, ...]:
        name = type(self).__name__
        if not isinstance(grads, (tuple, list)):
            raise TypeError(
                f"{name} expects a tuple of gradients, one per parameter, got a "
                f"{type(grads).__name__}; with weights=p (one Parameter) pass (grad,)"
            )
        if len(grads) != len(self.parameters):
            raise ValueError(
                f"{name} got {len(grads)} gradient(s) for {len(self.parameters)} parameter(s); "
                "pass the gradients of exactly the parameters the optimizer was built with, "
                "in the same order"
            )
        for index, (param, grad) in enumerate(zip(self.parameters, grads, strict=True)):
            if grad is None:
                raise ValueError(f"{name}: gradient {index} (parameter {param.name!r}) is None")
            if np.shape(grad) != param.shape:
                raise ValueError(
                    f"{name}: gradient {index} has shape {np.shape(grad)} but parameter "
                    f"{param.name!r} has shape {param.shape}; are the gradients in the order "
                    "of the parameters?"
                )
        return tuple(grads)


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum (MindSpore/PyTorch ``SGD``).

    Without momentum ``p -= lr * g``. With momentum ``u``: ``v = g`` on the first step, then
    ``v = u * v + (1 - dampening) * g``; ``p -= lr * v``, or ``p -= lr * (g + u * v)`` with
    ``nesterov=True`` (which needs ``momentum > 0`` and ``dampening == 0``).
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        learning_rate: float = 0.1,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, learning_rate, weight_decay)
        self.momentum = _non_negative(momentum, "momentum")
        self.dampening = float(dampening)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("SGD: nesterov=True needs momentum > 0 and dampening == 0")

    def _step(self, value: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> np.ndarray:
        if not self.momentum:
            return self.learning_rate * g
        buffer = state.get("momentum_buffer")
        if buffer is None:
            buffer = g.copy()
        else:
            buffer = self.momentum * buffer + (1.0 - self.dampening) * g
        state["momentum_buffer"] = buffer
        direction = g + self.momentum * buffer if self.nesterov else buffer
        return self.learning_rate * direction


class Momentum(Optimizer):
    """Momentum SGD (MindSpore ``Momentum``): ``v = momentum * v + g`` with ``v`` starting at 0,
    then ``p -= lr * v``, or ``p -= lr * (g + momentum * v)`` with ``use_nesterov=True``."""

    def __init__(
        self,
        params: Iterable[Parameter],
        learning_rate: float,
        momentum: float,
        weight_decay: float = 0.0,
        use_nesterov: bool = False,
    ) -> None:
        super().__init__(params, learning_rate, weight_decay)
        self.momentum = _non_negative(momentum, "momentum")
        self.use_nesterov = bool(use_nesterov)

    def _step(self, value: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> np.ndarray:
        moment = state.get("moment")
        moment = g.copy() if moment is None else self.momentum * moment + g
        state["moment"] = moment
        direction = g + self.momentum * moment if self.use_nesterov else moment
        return self.learning_rate * direction


class Adam(Optimizer):
    """Adam with bias correction, in MindSpore's form. At step ``t = 1, 2, ...``:

    ``m = beta1 * m + (1 - beta1) * g``, ``v = beta2 * v + (1 - beta2) * g**2`` (both from 0),
    ``p -= lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)``.

    (PyTorch adds ``eps`` to the bias-corrected ``sqrt(v / (1 - beta2**t))`` instead; the two
    differ only in how ``eps`` is scaled.)
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        learning_rate: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, learning_rate, weight_decay)
        for what, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Adam: {what} must be in [0, 1), got {beta}")
        if not eps > 0.0:
            raise ValueError(f"Adam: eps must be positive, got {eps}")
        self.beta1 = float(beta1)
        self.beta2 = float(beta2)
        self.eps = float(eps)

    def _step(self, value: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> np.ndarray:
        t = state.get("step", 0) + 1
        m = state.get("m", np.zeros_like(value))
        v = state.get("v", np.zeros_like(value))
        m = self.beta1 * m + (1.0 - self.beta1) * g
        v = self.beta2 * v + (1.0 - self.beta2) * (g * g)
        state.update(step=t, m=m, v=v)
        scale = self.learning_rate * math.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)
        return scale * m / (np.sqrt(v) + self.eps)


def _check_params(params: Any, owner: str) -> tuple[Parameter, ...]:
    if isinstance(params, np.ndarray) or not isinstance(params, Iterable):
        raise TypeError(
            f"{owner} expects a list of Parameters (e.g. model.trainable_params()), got a "
            f"{type(params).__name__}"
        )
    params = tuple(params)
    if not params:
        raise ValueError(f"{owner} got an empty parameter list")
    seen: set[int] = set()
    for param in params:
        if not isinstance(param, Parameter):
            raise TypeError(
                f"{owner} expects Parameters, got a {type(param).__name__}; wrap trainable "
                "arrays in autodiff.Parameter"
            )
        if param.dtype.kind != "f":
            raise TypeError(f"{owner}: parameter {param.name!r} has non-float dtype {param.dtype}")
        if id(param) in seen:
            raise ValueError(f"{owner}: parameter {param.name!r} appears more than once")
        seen.add(id(param))
    return params


def _non_negative(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} must be a number, got {type(value).__name__}")
    if not value >= 0:
        raise ValueError(f"{what} must be non-negative, got {value}")
    return float(value)
