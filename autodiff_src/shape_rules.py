"""numpy's shape rules for the compiler's shape inference (``transforms/shape_inference.py``).

``result_shape(callee, args, keywords)`` gives the abstract value a whitelisted numpy operation
produces from the abstract values of its operands, or None (unknown) for anything it does not
model exactly. Shapes of views (indexing, transposes) are read off a zero-strided dummy array of
the operand's shape, so they follow numpy's own rules and cost no memory.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .runtime.registry import AttributeKey, MethodKey
from .runtime.rules_nn import sigmoid, softplus
from .transforms.analysis.shape_inference import Array, Const, Int, Tup

_INT_UFUNCS = {np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul,
               np.negative: operator.neg, np.floor_divide: operator.floordiv}

# reductions modelled with at most (array, axis) positionally and these keywords
_REDUCTIONS = (np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.any, np.all)
_REDUCTION_METHODS = frozenset({"sum", "mean", "prod", "max", "min", "any", "all"})
_REDUCTION_KEYWORDS = frozenset({"axis", "keepdims", "dtype"})

# functions of autodiff's own that act elementwise on one array (idioms.py differentiates
# `1 / (1 + np.exp(-x))` as sigmoid, the stable softplus spelling as softplus)
_ELEMENTWISE_FUNCTIONS = (sigmoid, softplus)

_LIKE = (np.ones_like, np.zeros_like, np.empty_like, np.full_like)
_CREATION = (np.zeros, np.ones, np.empty, np.full)
_MISSING = object()


def result_shape(callee: Any, args: list[Any], keywords: dict[str, Any]) -> Any:
    """The abstract value of ``callee(*args, **keywords)`` (None if not modelled)."""
    try:
        return _result(callee, args, keywords)
    except (ValueError, TypeError, IndexError, ZeroDivisionError):  # numpy raises too
        return None


def _result(callee: Any, args: list[Any], keywords: dict[str, Any]) -> Any:
    if callee == "compare" or (isinstance(callee, np.ufunc) and callee.signature is None
                               and callee.nout == 1 and callee.nin == len(args)):
        return _elementwise(callee, args, keywords)
    if any(callee is function for function in _ELEMENTWISE_FUNCTIONS):
        return _elementwise(callee, args, keywords)
    if callee is np.matmul:
        return _matmul(args, keywords)
    if (isinstance(callee, MethodKey) and callee.name in _REDUCTION_METHODS) \
            or any(callee is reduction for reduction in _REDUCTIONS):
        return _reduction(args, keywords)
    if any(callee is like for like in _LIKE) and isinstance(args[0], Array) and not set(keywords) - {"dtype"}:
        return args[0]
    if any(callee is create for create in _CREATION) and args and not set(keywords) - {"dtype"}:
        return _creation(args[0])
    return _view(callee, args, keywords)


def _elementwise(callee: Any, args: list[Any], keywords: dict[str, Any]) -> Any:
    if keywords or not all(isinstance(arg, (Array, Int)) for arg in args):
        return None
    if all(isinstance(arg, Int) for arg in args):
        combine = _INT_UFUNCS.get(callee)
        if combine is None:
            return Array(())
        values = [arg.value for arg in args]
        return Int(None if None in values else combine(*values))
    return Array(np.broadcast_shapes(*(_shape(arg) for arg in args)))


def _matmul(args: list[Any], keywords: dict[str, Any]) -> Any:
    if keywords or len(args) != 2 or not all(isinstance(arg, Array) for arg in args):
        return None
    a, b = args[0].shape, args[1].shape
    if not a or not b:
        return None
    a2 = a if len(a) > 1 else (1, *a)
    b2 = b if len(b) > 1 else (*b, 1)
    if a2[-1] != b2[-2]:
        return None
    shape = (*np.broadcast_shapes(a2[:-2], b2[:-2]), a2[-2], b2[-1])
    if len(b) == 1:
        shape = shape[:-1]
    if len(a) == 1:
        shape = (*shape[:-2], shape[-1]) if len(b) > 1 else shape[:-1]
    return Array(tuple(shape))


def _reduction(args: list[Any], keywords: dict[str, Any]) -> Any:
    if not isinstance(args[0], Array) or set(keywords) - _REDUCTION_KEYWORDS \
            or len(args) > 2:
        return None
    axis = args[1] if len(args) > 1 else keywords.get("axis", Const(None))
    keepdims = keywords.get("keepdims", Const(False))
    if not isinstance(keepdims, Const) or not isinstance(keepdims.value, bool):
        return None
    shape = args[0].shape
    if isinstance(axis, Const) and axis.value is None:
        axes = set(range(len(shape)))
    else:
        items = axis.items if isinstance(axis, Tup) else (axis,)
        if not all(isinstance(item, Int) and item.value is not None for item in items):
            return None
        axes = {_normalize(item.value, len(shape)) for item in items}
    if keepdims.value:
        return Array(tuple(1 if index in axes else size for index, size in enumerate(shape)))
    return Array(tuple(size for index, size in enumerate(shape) if index not in axes))


def _normalize(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for {ndim} dimensions")
    return axis % ndim


def _creation(shape: Any) -> Any:
    if isinstance(shape, Int) and shape.value is not None:
        return Array((shape.value,))
    if isinstance(shape, Tup) and all(isinstance(item, Int) and item.value is not None
                                      for item in shape.items):
        return Array(tuple(item.value for item in shape.items))
    return None


def _view(callee: Any, args: list[Any], keywords: dict[str, Any]) -> Any:
    """Indexing, transposes and axis moves, applied to a dummy array of the operand's shape."""
    if not args or not isinstance(args[0], Array) or keywords:
        return None
    dummy = np.lib.stride_tricks.as_strided(np.zeros(1), args[0].shape,
                                            (0,) * len(args[0].shape))
    if callee is operator.getitem and len(args) == 2:
        index = _python_value(args[1], unknown_int=0)  # any int drops the axis alike
        if index is _MISSING or not _basic_index(index):
            return None
        return Array(dummy[index].shape)
    rest = [_python_value(arg) for arg in args[1:]]
    if any(value is _MISSING for value in rest):
        return None
    if callee == AttributeKey("T") and not rest:
        return Array(dummy.T.shape)
    if callee in (np.transpose, MethodKey("transpose")) and len(rest) <= 1:
        return Array(np.transpose(dummy, *rest).shape)
    if callee in (np.swapaxes, MethodKey("swapaxes")) and len(rest) == 2:
        return Array(np.swapaxes(dummy, *rest).shape)
    if callee is np.expand_dims and len(rest) == 1:
        return Array(np.expand_dims(dummy, rest[0]).shape)
    return None


def _python_value(value: Any, unknown_int: Any = _MISSING) -> Any:
    """A known int, constant or tuple of them as a Python object (``_MISSING`` otherwise);
    an int of unknown value becomes ``unknown_int``."""
    if isinstance(value, Int):
        return unknown_int if value.value is None else value.value
    if isinstance(value, Const):
        return value.value
    if isinstance(value, Tup):
        items = tuple(_python_value(item, unknown_int) for item in value.items)
        return _MISSING if any(item is _MISSING for item in items) else items
    return _MISSING


def _basic_index(index: Any) -> bool:
    """Ints, slices, None and ``...`` only: the result's shape depends on shapes alone."""
    items = index if isinstance(index, tuple) else (index,)
    return all(item is None or item is Ellipsis or isinstance(item, slice)
               or (isinstance(item, int) and not isinstance(item, bool)) for item in items)


def _shape(value: Any) -> tuple[int, ...]:
    return value.shape if isinstance(value, Array) else ()
