"""The numpy functions the benchmark losses use, written with PyTorch, so that the same loss
source runs as PyTorch eager code (``harness.rebind_numpy(loss, torch_numpy.module())``).

Only what ``workloads.py``'s losses call is here; each maps numpy's signature (``axis``,
``keepdims``, Python-number operands) onto the torch function doing the same thing.
"""

from __future__ import annotations

import math
import types
from typing import Any


def module() -> types.ModuleType:
    """A module object standing in for ``numpy`` inside the re-executed losses."""
    import torch

    def as_tensor_like(value: Any, like: Any) -> Any:
        return value if isinstance(value, torch.Tensor) else torch.as_tensor(
            value, dtype=like.dtype)

    def reduction(torch_fn: Any) -> Any:
        def reduce(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
            if axis is None:
                return torch_fn(a)
            return torch_fn(a, dim=axis, keepdim=keepdims)
        return reduce

    def maximum(a: Any, b: Any) -> Any:
        if not isinstance(b, torch.Tensor):
            return torch.clamp(a, min=b)
        return torch.maximum(a, as_tensor_like(b, a) if not isinstance(a, torch.Tensor) else b)

    def unary(torch_fn: Any, math_fn: Any) -> Any:
        def apply(x: Any) -> Any:
            return torch_fn(x) if isinstance(x, torch.Tensor) else math_fn(x)
        return apply

    shim = types.ModuleType("torch_numpy")
    shim.__dict__.update(
        abs=unary(torch.abs, abs), exp=unary(torch.exp, math.exp),
        log=unary(torch.log, math.log), log1p=unary(torch.log1p, math.log1p),
        sin=unary(torch.sin, math.sin), sqrt=unary(torch.sqrt, math.sqrt),
        tanh=unary(torch.tanh, math.tanh),
        sum=reduction(torch.sum), mean=reduction(torch.mean), max=reduction(torch.amax),
        maximum=maximum, ones_like=torch.ones_like, swapaxes=torch.swapaxes,
        zeros=lambda shape: torch.zeros(shape, dtype=torch.float64),
    )
    return shim
