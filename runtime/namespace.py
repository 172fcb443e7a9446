"""Array namespaces: which library an array belongs to, for rules that run on Dask, CuPy or any
array-API array as well as on numpy.

Nothing here imports dask, cupy or array_api_compat at ``import autodiff`` time: a foreign
array's namespace is looked up (through ``array_api_compat`` when it is installed) only when a
foreign array actually reaches a helper. Numpy arrays and Python or numpy scalars take the
``is_foreign(x) is False`` branch, one ``type`` test for the common ``np.ndarray``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .registry import nondifferentiable

_NUMPY_TYPES = (np.ndarray, np.generic, float, int, complex, bool)


def is_foreign(x: Any) -> bool:
    """Whether ``x`` is an array of another library (Dask, CuPy, array-API): not a numpy array
    or scalar, not a Python number or container, but something with a shape and a dtype."""
    if type(x) is np.ndarray or isinstance(x, (*_NUMPY_TYPES, tuple, list, dict)):
        return False
    return hasattr(x, "shape") and hasattr(x, "dtype")


def array_namespace(*xs: Any) -> Any:
    """The array-API namespace of the foreign arrays among ``xs``, else ``numpy``.

    With ``array_api_compat`` installed, Dask and CuPy arrays get its wrapped namespaces; without
    it, an array exposing ``__array_namespace__`` gets its own, and any other foreign array
    (Dask without the compat layer) gets ``numpy``, whose functions dispatch to it through
    ``__array_function__``."""
    foreign = [x for x in xs if is_foreign(x)]
    if not foreign:
        return np
    try:
        from array_api_compat import array_namespace as compat_namespace
    except ImportError:
        own = getattr(foreign[0], "__array_namespace__", None)
        return own() if own is not None else np
    return compat_namespace(*foreign)


def static_shape(x: Any) -> tuple[int, ...]:
    """``x``'s shape as Python ints; a shape unknown until computed (a Dask array with unknown
    chunk sizes: ``nan`` entries) is refused rather than turned into a wrong count."""
    return known_shape(x.shape if type(x) is np.ndarray else np.shape(x), type(x))


def known_shape(shape: tuple, kind: type = tuple) -> tuple[int, ...]:
    """``shape`` itself if every size is known; a clear error for a ``nan`` (or None) size."""
    for size in shape:
        if size is None or (isinstance(size, float) and math.isnan(size)):
            raise ValueError(
                f"autodiff needs the shape of every array the gradient reduces or broadcasts, "
                f"but a {kind.__module__}.{kind.__name__} has the unknown shape {shape} (nan: "
                "chunk sizes unknown until computed, e.g. after boolean indexing); call "
                "x.compute_chunk_sizes() on the Dask array (or build it with known chunks) "
                "before taking the gradient")
    return tuple(shape)


def size_of(x: Any) -> int:
    """The number of entries of ``x`` (a Python int), without ``np.size`` (which computes a
    Dask array)."""
    if type(x) is np.ndarray:
        return x.size
    return math.prod(static_shape(x))


def ndim_of(x: Any) -> int:
    """The number of axes of ``x``, without converting a foreign array."""
    if type(x) is np.ndarray or is_foreign(x):
        return len(x.shape)
    return np.ndim(x)


@dataclass(frozen=True, slots=True)
class ForeignShape:
    """The key of a foreign array argument in a shape-specialized unit: its type and its
    (known) shape. Code specialized to the shape is run while calls pass an array of the same
    type, shape and dtype."""

    kind: type
    shape: tuple[int, ...]


def foreign_key(x: Any) -> ForeignShape | None:
    """``x``'s ``ForeignShape`` if ``x`` is a foreign array whose shape is known (every size an
    int), else None (not keyed: the generic unit handles it, refusing unknown sizes)."""
    if not is_foreign(x):
        return None
    shape = tuple(x.shape)
    if not all(isinstance(size, (int, np.integer)) for size in shape):
        return None
    return ForeignShape(type(x), tuple(int(size) for size in shape))


def like_foreign(gradient: Any, primal: Any) -> Any:
    """``gradient`` with ``primal``'s shape and dtype, where one of them is a foreign array: the
    result stays in that array's namespace (a lazy Dask array stays lazy)."""
    xp = array_namespace(gradient, primal)
    if not is_foreign(gradient):
        gradient = xp.asarray(gradient)
    dtype = getattr(primal, "dtype", None)
    if "complex" in str(gradient.dtype) and "complex" not in str(dtype):
        gradient = xp.real(gradient)
    if dtype is not None and gradient.dtype != dtype:
        gradient = xp.astype(gradient, dtype)
    shape = static_shape(primal)
    if tuple(gradient.shape) != shape:
        gradient = xp.broadcast_to(gradient, shape)
    return gradient


def scatter_foreign(g: Any, a: Any, index: Any) -> Any:
    """Zeros of ``a``'s shape with ``g`` at ``index`` (an index selecting each entry at most
    once), built in the namespace of the foreign array ``g`` or ``a``."""
    dtype = g.dtype if is_foreign(g) else a.dtype
    return scatter_into_zeros(g, static_shape(a), index, array_namespace(g, a), dtype)


def scatter_into_zeros(g: Any, shape: tuple[int, ...], index: Any, xp: Any = None,
                       dtype: Any = None) -> Any:
    """Zeros of ``shape`` with the foreign array ``g`` at the basic ``index``, in ``g``'s
    namespace (``xp``, found from ``g`` when not given) and dtype (unless ``dtype``)."""
    xp = array_namespace(g) if xp is None else xp
    result = xp.zeros(shape, dtype=g.dtype if dtype is None else dtype)
    result[index] = g
    return result


nondifferentiable(is_foreign, foreign_key, array_namespace, static_shape, known_shape, size_of,
                  ndim_of, reason="it describes the array")

__all__ = ["ForeignShape", "array_namespace", "foreign_key", "is_foreign", "known_shape", "like_foreign", "ndim_of", "scatter_foreign", "scatter_into_zeros", "size_of", "static_shape"]
