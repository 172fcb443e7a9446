"""Shape helpers for gradient rules: reduce a broadcast adjoint back to an argument's shape."""

from __future__ import annotations

from typing import Any

import numpy as np

from .namespace import array_namespace, is_foreign, known_shape, size_of, static_shape

_COMPLEX_DTYPES = frozenset(np.dtype(t) for t in (np.complex64, np.complex128, np.clongdouble))


class Shape(tuple):
    """The shape of a real value the backward sweep needs only the shape of: generated code
    saves ``_rt.shape(x)`` on the tape instead of the whole array ``x``."""


class ComplexShape(Shape):
    """The shape of a complex value (its adjoint keeps its imaginary part)."""


def shape(x: Any) -> Shape:
    """``Shape(np.shape(x))`` (``ComplexShape`` for a complex ``x``): what a loop saves for a
    value whose shape (and realness) is all it needs."""
    if type(x) is np.ndarray:
        return ComplexShape(x.shape) if x.dtype in _COMPLEX_DTYPES else Shape(x.shape)
    return ComplexShape(np.shape(x)) if is_complex(x) else Shape(np.shape(x))


def is_complex(x: Any) -> bool:
    """Whether ``x`` is a complex value (array, scalar, or the ``ComplexShape`` of one)."""
    if type(x) is np.ndarray:
        return x.dtype in _COMPLEX_DTYPES
    if isinstance(x, Shape):
        return type(x) is ComplexShape
    if is_foreign(x):
        return "complex" in str(x.dtype)
    return np.iscomplexobj(x)


def unbroadcast_to(g: Any, target: Any) -> Any:
    """Sum ``g`` over the axes along which ``target`` was broadcast, giving ``target``'s shape.

    A complex ``g`` flowing into a real ``target`` (a real operand of an operation with a
    complex result) keeps its real part: the gradient w.r.t. a real input is real. The common
    case (real, shapes already equal) costs one shape comparison, one dtype lookup and no copy.
    A Python or numpy scalar target gets a scalar back.
    """
    if type(g) is np.ndarray:
        g_shape = g.shape
        if g.dtype in _COMPLEX_DTYPES and not is_complex(target):
            g = g.real
    else:
        g_shape = _shape_of_operand(g)
        if isinstance(g, (complex, np.complexfloating)) and not is_complex(target):
            g = g.real
        elif is_foreign(g) and is_complex(g) and not is_complex(target):
            g = array_namespace(g).real(g)
    if type(target) is np.ndarray:
        target_shape = target.shape
    elif isinstance(target, Shape):
        target_shape = tuple(target)
    else:
        target_shape = _shape_of_operand(target)
    if g_shape == target_shape:
        return g
    if isinstance(target, (list, tuple)) and not isinstance(target, Shape):
        raise TypeError(_SEQUENCE_ARITHMETIC)
    return _reduce_to_shape(g, target_shape)


_SEQUENCE_ARITHMETIC = (
    "an arithmetic operator was applied to a list or tuple (for example list concatenation "
    "with +), which autodiff differentiates as numpy arithmetic; build lists with .append or "
    "np.concatenate instead")


def _shape_of_operand(value: Any) -> tuple[int, ...]:
    """``np.shape(value)``; a list or tuple of arrays of different shapes can only be an
    operand of sequence arithmetic (numpy arithmetic rejects it): say so."""
    try:
        return np.shape(value)
    except ValueError:
        if isinstance(value, (list, tuple)):
            raise TypeError(_SEQUENCE_ARITHMETIC) from None
        raise


def _reduce_to_shape(g: Any, shape: tuple[int, ...]) -> Any:
    if is_foreign(g):
        return _reduce_foreign(g, known_shape(shape), array_namespace(g))
    g = np.asarray(g)
    extra = g.ndim - len(shape)
    if extra < 0:
        return np.broadcast_to(g, shape)
    summed = tuple(range(extra)) + tuple(
        extra + axis for axis, size in enumerate(shape) if size == 1 and g.shape[extra + axis] != 1
    )
    if summed:
        g = np.sum(g, axis=summed, keepdims=True)
    return np.reshape(g, shape)


def _reduce_foreign(g: Any, shape: tuple[int, ...], xp: Any) -> Any:
    """``_reduce_to_shape`` in the namespace ``xp`` of a foreign (Dask, CuPy, ...) ``g``."""
    g_shape = static_shape(g)
    extra = len(g_shape) - len(shape)
    if extra < 0:
        return xp.broadcast_to(g, shape)
    summed = tuple(range(extra)) + tuple(
        extra + axis for axis, size in enumerate(shape) if size == 1 and g_shape[extra + axis] != 1
    )
    if summed:
        g = xp.sum(g, axis=summed, keepdims=True)
    return xp.reshape(g, shape)


def broadcast_like(t: Any, ans: Any) -> Any:
    """The tangent ``t`` broadcast to the shape of the output ``ans`` (the JVP of broadcasting).

    The common case (shapes already equal) costs one shape comparison and returns ``t`` itself.
    Otherwise the result is ``np.broadcast_to``'s read-only view, not a copy: tangents are never
    written in place (``_rt.add`` and ``_rt.setitem`` build new values), so a view is enough. A
    Python number ``t`` takes ``ans``'s float dtype, so a float32 output gets a float32 tangent.
    """
    shape = np.shape(ans)
    if np.shape(t) == shape:
        return t
    if isinstance(t, (float, int)):
        t = np.asarray(t, dtype=np.result_type(t, ans))
    return np.broadcast_to(t, shape)


def unreduce(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Broadcast the adjoint of a reduction over ``axis`` back to the shape of ``x``."""
    shape = np.shape(x)
    if is_foreign(x) or is_foreign(g):
        return _unreduce_foreign(g, static_shape(x), axis, keepdims, array_namespace(g, x))
    if not keepdims and axis is not None and shape:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        g = np.expand_dims(g, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(g, shape)


def _unreduce_foreign(g: Any, shape: tuple[int, ...], axis: Any, keepdims: bool,
                      xp: Any) -> Any:
    """``unreduce`` in the namespace ``xp`` of a foreign array (one axis at a time: the array
    API's ``expand_dims`` takes a single axis)."""
    if not is_foreign(g):
        g = xp.asarray(g)
    if not keepdims and axis is not None and shape:
        for a in normalize_axes(len(shape), axis):
            g = xp.expand_dims(g, axis=a)
    return xp.broadcast_to(g, shape)


def normalize_axes(ndim: int, axis: Any) -> tuple[int, ...]:
    """``axis`` (None, an int or a sequence, possibly negative) as sorted non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def inverse_permutation(order: Any) -> tuple[int, ...]:
    """The permutation that undoes ``np.transpose(x, order)``."""
    order = [int(i) for i in order]
    return tuple(sorted(range(len(order)), key=order.__getitem__))


def reduced_count(x: Any, ans: Any) -> int:
    """How many entries of ``x`` were reduced into each entry of ``ans`` (a Python int)."""
    return size_of(x) // max(size_of(ans), 1)
