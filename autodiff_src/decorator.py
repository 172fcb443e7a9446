"""``@differentiable``: the function still runs as written, and carries its gradients."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .api import GradientFunction, grad, value_and_grad


class DifferentiableFunction:
    """A user function plus ``.grad``, ``.value_and_grad`` and ``.grad_source``."""

    def __init__(self, fn: Callable[..., Any], grad_position: Any = 0, weights: Any = None,
                 has_aux: bool = False) -> None:
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._options = {"grad_position": grad_position, "weights": weights, "has_aux": has_aux}
        self._grad: GradientFunction | None = None
        self._value_and_grad: GradientFunction | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    @property
    def grad(self) -> GradientFunction:
        """The gradient function, with the decorator's options."""
        if self._grad is None:
            self._grad = grad(self._fn, **self._options)
        return self._grad

    @property
    def value_and_grad(self) -> GradientFunction:
        """The value-and-gradient function, with the decorator's options."""
        if self._value_and_grad is None:
            self._value_and_grad = value_and_grad(self._fn, **self._options)
        return self._value_and_grad

    @property
    def grad_source(self) -> str:
        """The generated Python source of the gradient."""
        return self.grad.unit.full_source()

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return DifferentiableFunction(self._fn.__get__(instance, owner), **self._options)


def differentiable(fn: Callable[..., Any] | None = None, *, grad_position: Any = 0,
                   weights: Any = None, has_aux: bool = False) -> Any:
    """Decorate a numpy function so that ``f.grad(...)`` computes its gradient.

    Use bare (``@differentiable``) or with options (``@differentiable(grad_position=(0, 1))``).
    """
    def wrap(function: Callable[..., Any]) -> DifferentiableFunction:
        return DifferentiableFunction(function, grad_position, weights, has_aux)

    return wrap if fn is None else wrap(fn)
