"""The explicit list of callables whose outputs carry no gradient, and ``stop_gradient``.

Anything listed here is treated as a constant by the compiler: its output gets no adjoint and
its inputs get nothing from it. Being listed is a statement about the function, not a fallback:
piecewise constant functions (``np.sign``, ``np.floor``), integer or boolean results (``np.argmax``,
comparisons), shape queries, constructors that do not read values (``np.zeros_like``), and Python
builtins used for control flow. ``tests/runtime/test_nondiff.py`` checks every entry at
random points: its output does not move under a small perturbation of its float inputs.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any

import numpy as np

from . import accumulate, broadcast
from .registry import (
    container_results,
    nondifferentiable,
    nondifferentiable_attribute,
    nondifferentiable_method,
)


def stop_gradient(x: Any) -> Any:
    """Forward identity with zero gradient; also works on tuples and lists."""
    if type(x) in (tuple, list):
        return type(x)(x)
    return x


PIECEWISE_CONSTANT = (
    np.sign,
    np.floor,
    np.ceil,
    np.round,
    np.around,
    np.rint,
    np.trunc,
    np.fix,
    np.floor_divide,
    np.spacing,
    math.floor,
    math.ceil,
    math.trunc,
)

INTEGER_OR_BOOLEAN = (
    np.argmax,
    np.argmin,
    np.argsort,
    np.nonzero,
    np.flatnonzero,
    np.count_nonzero,
    np.searchsorted,
    np.equal,
    np.not_equal,
    np.less,
    np.less_equal,
    np.greater,
    np.greater_equal,
    np.logical_and,
    np.logical_or,
    np.logical_not,
    np.logical_xor,
    np.isnan,
    np.isinf,
    np.isfinite,
    np.signbit,
    np.isclose,
    np.allclose,
    np.array_equal,
    np.any,
    np.all,
    np.invert,
    np.isposinf,
    np.isneginf,
    np.isin,
    np.argwhere,
    np.digitize,
    np.gcd,
    np.lcm,
    np.left_shift,
    np.right_shift,
    math.isnan,
    math.isinf,
    math.isfinite,
    math.isclose,
    np.bitwise_and,
    np.bitwise_or,
    np.bitwise_xor,
)

SHAPES_AND_CONSTRUCTORS = (
    np.shape,
    np.ndim,
    np.size,
    np.result_type,
    np.zeros_like,
    np.ones_like,
    np.empty_like,
    np.zeros,
    np.ones,
    np.empty,
    np.eye,
    np.identity,
    np.tri,
    np.tril_indices,
    np.triu_indices,
    np.diag_indices,
    np.indices,
    np.unravel_index,
    accumulate.zeros_like,
    accumulate.ones_like,
    broadcast.shape,
)

PYTHON_BUILTINS = (
    builtins.len,
    builtins.range,
    builtins.int,
    builtins.bool,
    builtins.round,
    builtins.isinstance,
    builtins.print,
    operator.not_,
    operator.is_,
    operator.is_not,
    operator.contains,
)

nondifferentiable(*PIECEWISE_CONSTANT, reason="its output is piecewise constant")
nondifferentiable(*INTEGER_OR_BOOLEAN, reason="it returns indices, integers or booleans")
nondifferentiable(*SHAPES_AND_CONSTRUCTORS, reason="its output does not depend on array values")
nondifferentiable(*PYTHON_BUILTINS, reason="it is a Python builtin used for control flow")
nondifferentiable(stop_gradient, reason="stop_gradient blocks the gradient by design")
container_results(np.unravel_index)
nondifferentiable_method("argmax", "argmin", "argsort", "nonzero", "any", "all")
nondifferentiable_attribute("shape", "ndim", "size", "dtype", "itemsize", "nbytes")

__all__ = ["stop_gradient"]
