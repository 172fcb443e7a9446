"""Gradient rules of the nan-aware reductions (``nansum``, ``nanmean``, ``nanmax``, ``nanmin``,
``nanprod``, ``nanvar``, ``nanstd``, ``nancumsum``, ``nancumprod``): each is its plain reduction
over the entries that are not NaN, so its rules are the plain rules with NaN entries left out
(they get gradient 0, and their tangents do not count). Each function's VJP and JVP side by side,
registered together with ``defrule``. ``nanmedian``/``nanquantile``/``nanpercentile`` are in
``rules_order``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import unreduce
from .registry import defrule
from .rules_cumulative import cumprod_jvp, cumprod_vjp, cumsum_vjp
from .rules_reduce import (
    _cast_like,
    _extremum_jvp,
    _extremum_vjp,
    _prod_slopes,
    _reject,
)


def _kept(a: Any, where: Any = True) -> Any:
    # The entries a nan-aware reduction reads: not NaN (and selected by ``where``).
    kept = ~np.isnan(a)
    return kept if where is True else kept & np.broadcast_to(where, np.shape(a))


def nansum_vjp(g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
               keepdims: bool = False, initial: Any = None, where: Any = True) -> Any:
    """Every summed entry that is not NaN gets the gradient of its sum."""
    return _cast_like(np.where(_kept(a, where), unreduce(g, a, axis, keepdims), 0.0), a, dtype)


def nansum_jvp(t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
               keepdims: bool = False, initial: Any = None, where: Any = True) -> Any:
    """The sum of the tangents of the entries that are not NaN."""
    return np.sum(np.where(_kept(a, where), t, 0.0), axis=axis, dtype=dtype, keepdims=keepdims)


def _nan_count(a: Any, axis: Any, where: Any, dtype: Any) -> Any:
    # How many entries each nan-aware mean reads, kept dims, in a float dtype.
    count = np.sum(_kept(a, where), axis=axis, keepdims=True)
    return count.astype(np.result_type(a, np.float32) if dtype is None else dtype)


def nanmean_vjp(g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
                keepdims: bool = False, *, where: Any = True) -> Any:
    """Every averaged entry gets 1/count of the gradient of its mean (count: not NaN)."""
    share = unreduce(g, a, axis, keepdims) / _nan_count(a, axis, where, dtype)
    return _cast_like(np.where(_kept(a, where), share, 0.0), a, dtype)


def nanmean_jvp(t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
                keepdims: bool = False, *, where: Any = True) -> Any:
    """The mean of the tangents of the entries that are not NaN."""
    total = np.sum(np.where(_kept(a, where), t, 0.0), axis=axis, keepdims=True, dtype=dtype)
    mean = total / _nan_count(a, axis, where, dtype)
    return np.reshape(mean, np.shape(ans)).astype(np.result_type(ans), copy=False)


def nanmax_vjp(g: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
               keepdims: bool = False, initial: Any = None, where: Any = None) -> Any:
    """The maximal entries share the gradient equally (a NaN never attains the maximum)."""
    return _extremum_vjp(g, ans, a, axis, keepdims, where)


def nanmax_jvp(t: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
               keepdims: bool = False, initial: Any = None, where: Any = None) -> Any:
    """The maximal entries' tangents, averaged over ties."""
    return _extremum_jvp(np.where(np.isnan(a), 0.0, t), ans, a, axis, keepdims, where)


def nanmin_vjp(g: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
               keepdims: bool = False, initial: Any = None, where: Any = None) -> Any:
    """The minimal entries share the gradient equally (a NaN never attains the minimum)."""
    return _extremum_vjp(g, ans, a, axis, keepdims, where)


def nanmin_jvp(t: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
               keepdims: bool = False, initial: Any = None, where: Any = None) -> Any:
    """The minimal entries' tangents, averaged over ties."""
    return _extremum_jvp(np.where(np.isnan(a), 0.0, t), ans, a, axis, keepdims, where)


def _ones_for_nan(a: Any) -> Any:
    return np.where(np.isnan(a), 1.0, a)


def nanprod_vjp(g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
                keepdims: bool = False, initial: Any = None, where: Any = None) -> Any:
    """``prod_vjp`` with NaN entries counted as 1 (and given gradient 0); exact with zeros."""
    _reject("nanprod_vjp", where=where)
    slopes = _prod_slopes(_ones_for_nan(a), axis, initial)
    partial = np.where(np.isnan(a), 0.0, unreduce(g, a, axis, keepdims) * slopes)
    return _cast_like(partial, a, dtype)


def nanprod_jvp(t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
                keepdims: bool = False, initial: Any = None, where: Any = None) -> Any:
    """``prod_jvp`` with NaN entries counted as 1 (their tangents do not count)."""
    _reject("nanprod_jvp", where=where)
    slopes = _prod_slopes(_ones_for_nan(a), axis, initial)
    tangent = np.sum(np.where(np.isnan(a), 0.0, t * slopes), axis=axis, keepdims=keepdims)
    return _cast_like(tangent, ans, dtype)


def _nan_centered(a: Any, axis: Any, ddof: Any, correction: Any) -> tuple[Any, Any]:
    # (a - nanmean(a)) with 0 at NaNs, and 1 / (count - ddof) (kept dims).
    ddof = ddof if correction is None else correction
    kept = _kept(a)
    count = np.sum(kept, axis=axis, keepdims=True).astype(np.result_type(a, np.float32))
    mean = np.sum(np.where(kept, a, 0.0), axis=axis, keepdims=True) / count
    return np.where(kept, a - mean, 0.0), 1.0 / (count - ddof)


def nanvar_vjp(g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
               ddof: Any = 0, keepdims: bool = False, *, where: Any = None, mean: Any = None,
               correction: Any = None) -> Any:
    """d var/dx_i = 2 (x_i - mean) / (count - ddof) over the entries that are not NaN."""
    _reject("nanvar_vjp", where=where, mean=mean)
    centered, scale = _nan_centered(a, axis, ddof, correction)
    return _cast_like(unreduce(g, a, axis, keepdims) * centered * (2.0 * scale), a, dtype)


def nanvar_jvp(t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
               ddof: Any = 0, keepdims: bool = False, *, where: Any = None, mean: Any = None,
               correction: Any = None) -> Any:
    """d var = 2 sum((x_i - mean) t_i) / (count - ddof) over the entries that are not NaN."""
    _reject("nanvar_jvp", where=where, mean=mean)
    centered, scale = _nan_centered(a, axis, ddof, correction)
    tangent = np.sum(np.where(_kept(a), centered * t, 0.0), axis=axis, keepdims=True) * scale
    return _cast_like(np.reshape(2.0 * tangent, np.shape(ans)), ans, dtype)


def nanstd_vjp(g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
               ddof: Any = 0, keepdims: bool = False, *, where: Any = None, mean: Any = None,
               correction: Any = None) -> Any:
    """d std/dx_i = (x_i - mean) / ((count - ddof) std) over the entries that are not NaN."""
    _reject("nanstd_vjp", where=where, mean=mean)
    centered, scale = _nan_centered(a, axis, ddof, correction)
    return _cast_like(unreduce(g / ans, a, axis, keepdims) * centered * scale, a, dtype)


def nanstd_jvp(t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
               ddof: Any = 0, keepdims: bool = False, *, where: Any = None, mean: Any = None,
               correction: Any = None) -> Any:
    """d std = sum((x_i - mean) t_i) / ((count - ddof) std) over the entries that are not NaN."""
    _reject("nanstd_jvp", where=where, mean=mean)
    centered, scale = _nan_centered(a, axis, ddof, correction)
    tangent = np.sum(np.where(_kept(a), centered * t, 0.0), axis=axis, keepdims=True) * scale
    return _cast_like(np.reshape(tangent, np.shape(ans)) / ans, ans, dtype)


def nancumsum_vjp(g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None,
                  out: Any = None) -> Any:
    """``cumsum_vjp``, with gradient 0 at NaN entries (they count as 0)."""
    return np.where(np.isnan(a), 0.0, cumsum_vjp(g, ans, a, axis, dtype))


def nancumsum_jvp(t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None,
                  out: Any = None) -> Any:
    """The cumulative sum of the tangents of the entries that are not NaN."""
    return np.cumsum(np.where(np.isnan(a), 0.0, t), axis=axis, dtype=dtype)


def nancumprod_vjp(g: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None,
                   out: Any = None) -> Any:
    """``cumprod_vjp`` with NaN entries counted as 1 (and given gradient 0)."""
    return np.where(np.isnan(a), 0.0, cumprod_vjp(g, ans, _ones_for_nan(a), axis, dtype))


def nancumprod_jvp(t: Any, ans: Any, a: Any, axis: Any = None, dtype: Any = None,
                   out: Any = None) -> Any:
    """``cumprod_jvp`` with NaN entries counted as 1 (their tangents do not count)."""
    return cumprod_jvp(np.where(np.isnan(a), 0.0, t), ans, _ones_for_nan(a), axis, dtype)


for _prim, _vjp, _jvp in (
    (np.nansum, nansum_vjp, nansum_jvp),
    (np.nanmean, nanmean_vjp, nanmean_jvp),
    (np.nanmax, nanmax_vjp, nanmax_jvp),
    (np.nanmin, nanmin_vjp, nanmin_jvp),
    (np.nanprod, nanprod_vjp, nanprod_jvp),
    (np.nanvar, nanvar_vjp, nanvar_jvp),
    (np.nanstd, nanstd_vjp, nanstd_jvp),
    (np.nancumsum, nancumsum_vjp, nancumsum_jvp),
    (np.nancumprod, nancumprod_vjp, nancumprod_jvp),
):
    defrule(_prim, vjp=(_vjp,), jvp=(_jvp,), argnames=("a",))

__all__ = [
    "nancumprod_jvp", "nancumprod_vjp", "nancumsum_jvp", "nancumsum_vjp", "nanmax_jvp",
    "nanmax_vjp", "nanmean_jvp", "nanmean_vjp", "nanmin_jvp", "nanmin_vjp", "nanprod_jvp",
    "nanprod_vjp", "nanstd_jvp", "nanstd_vjp", "nansum_jvp", "nansum_vjp", "nanvar_jvp",
    "nanvar_vjp",
]
