"""MindSpore-style ``ops``: array constructors, activations and losses.

Three kinds of names live here, and the compiler treats each one differently:

- numpy's own functions, re-exported (``matmul``, ``exp``, ``log``, ``tanh``, ``ones_like``,
  ``zeros_like``), so numpy's rules (or non-differentiability) apply to them unchanged;
- the primitives of ``autodiff.runtime.rules_nn`` (``sigmoid``, ``softplus``, ``relu``, ``softmax``,
  ``log_softmax``, ``mse_loss``, ``cross_entropy``, ``binary_cross_entropy_with_logits``),
  which have registered gradient rules, and ``stop_gradient``;
- ``ones`` and ``zeros``, thin wrappers defaulting to float32 that are registered here as
  non-differentiable constructors.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autodiff.runtime import registry
from autodiff.runtime.rules_nn import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    log_softmax,
    mse_loss,
    relu,
    sigmoid,
    softmax,
    softplus,
)
from autodiff.runtime.rules_nondiff import stop_gradient

from .tensor import float32

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "exp",
    "log",
    "log_softmax",
    "matmul",
    "mse_loss",
    "ones",
    "ones_like",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "stop_gradient",
    "tanh",
    "zeros",
    "zeros_like",
]

matmul = np.matmul
exp = np.exp
log = np.log
tanh = np.tanh
ones_like = np.ones_like
zeros_like = np.zeros_like


def ones(shape: int | tuple[int, ...], dtype: Any = float32) -> np.ndarray:
    """An array of ones of ``shape`` (an int or a tuple), float32 by default."""
    return np.ones(shape, dtype=dtype)


def zeros(shape: int | tuple[int, ...], dtype: Any = float32) -> np.ndarray:
    """An array of zeros of ``shape`` (an int or a tuple), float32 by default."""
    return np.zeros(shape, dtype=dtype)


registry.nondifferentiable(ones, zeros, reason="it builds a constant array")
