"""Gradient rules of the evenly spaced constructors ``np.linspace`` and ``np.arange``, whose values
move with their float endpoints and step, each VJP beside its JVP.

``np.linspace(start, stop, num)`` samples ``start + (stop - start) * w`` with the fraction
``w = i / div`` (``div = num - 1`` with ``endpoint``, else ``num``), stacked along ``axis`` of the
broadcast shape of ``start`` and ``stop``; ``retstep=True`` also returns ``(stop - start) / div``.
``np.arange(start, stop, step)`` is ``start + i * step``: its length, and so its values, do not
move with ``stop`` (or with ``arange(stop)``'s only argument) away from the jumps. numpy
computes ``arange`` in float64 from float32 arguments: the partials are cast back to their
arguments' dtypes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import unbroadcast_to
from .registry import constant_arguments, container_results, defrule, public_functions

# ---- linspace ------------------------------------------------------------------------------------


def _fractions(samples: Any, num: int, endpoint: bool, axis: int) -> Any:
    """``i / div`` for each sample, shaped to broadcast against ``samples`` along ``axis``."""
    div = num - 1 if endpoint else num
    shape = [1] * np.ndim(samples)
    shape[axis] = num
    return np.reshape(np.arange(num) / max(div, 1), shape).astype(samples.dtype)


def _batch_shape(samples: Any, axis: int) -> tuple[int, ...]:
    """The broadcast shape of ``start`` and ``stop``: the samples' shape without ``axis``."""
    shape = np.shape(samples)
    position = axis % len(shape)
    return shape[:position] + shape[position + 1:]


def _step_slope(num: int, endpoint: bool) -> float:
    """d step / d stop = 1 / div (numpy's step is NaN when div is 0)."""
    div = num - 1 if endpoint else num
    if div > 0:
        return 1.0 / div
    return np.nan


def _linspace_vjp(g: Any, slope: Any, step_slope: float, retstep: bool, axis: int) -> Any:
    if retstep:
        return np.sum(g[0] * slope, axis=axis) + g[1] * step_slope
    return np.sum(g * slope, axis=axis)


def _linspace_jvp(t: Any, samples: Any, slope: Any, step_slope: float, retstep: bool,
                  axis: int) -> Any:
    batch = np.broadcast_to(t, _batch_shape(samples, axis))
    tangent = np.expand_dims(batch, axis % np.ndim(samples)) * slope
    if retstep:
        return tangent, batch * step_slope
    return tangent


def linspace_vjp_start(g: Any, ans: Any, start: Any, stop: Any, num: int = 50,
                       endpoint: bool = True, retstep: bool = False, dtype: Any = None,
                       axis: int = 0) -> Any:
    """Sample i moves with start by ``1 - w_i``; the step by ``-1 / div``."""
    samples = ans[0] if retstep else ans
    slope = 1.0 - _fractions(samples, num, endpoint, axis)
    return unbroadcast_to(
        _linspace_vjp(g, slope, -_step_slope(num, endpoint), retstep, axis), start)


def linspace_jvp_start(t: Any, ans: Any, start: Any, stop: Any, num: int = 50,
                       endpoint: bool = True, retstep: bool = False, dtype: Any = None,
                       axis: int = 0) -> Any:
    samples = ans[0] if retstep else ans
    slope = 1.0 - _fractions(samples, num, endpoint, axis)
    return _linspace_jvp(t, samples, slope, -_step_slope(num, endpoint), retstep, axis)


def linspace_vjp_stop(g: Any, ans: Any, start: Any, stop: Any, num: int = 50,
                      endpoint: bool = True, retstep: bool = False, dtype: Any = None,
                      axis: int = 0) -> Any:
    """Sample i moves with stop by ``w_i``; the step by ``1 / div``."""
    samples = ans[0] if retstep else ans
    slope = _fractions(samples, num, endpoint, axis)
    return unbroadcast_to(
        _linspace_vjp(g, slope, _step_slope(num, endpoint), retstep, axis), stop)


def linspace_jvp_stop(t: Any, ans: Any, start: Any, stop: Any, num: int = 50,
                      endpoint: bool = True, retstep: bool = False, dtype: Any = None,
                      axis: int = 0) -> Any:
    samples = ans[0] if retstep else ans
    slope = _fractions(samples, num, endpoint, axis)
    return _linspace_jvp(t, samples, slope, _step_slope(num, endpoint), retstep, axis)


# ---- arange ------------------------------------------------------------------------------------


def arange_vjp_start(g: Any, ans: Any, *args: Any, **params: Any) -> Any:
    """``arange(start, stop[, step])``: every value moves with start. ``arange(stop)``: its only
    argument sets the length, so its slope is 0."""
    if len(args) == 1:
        return np.zeros_like(args[0], dtype=np.result_type(g))
    return np.asarray(unbroadcast_to(np.sum(g), args[0]), dtype=np.result_type(args[0]))


def arange_jvp_start(t: Any, ans: Any, *args: Any, **params: Any) -> Any:
    if len(args) == 1:
        return np.zeros_like(ans, dtype=np.result_type(t))
    return np.full(np.shape(ans), t, dtype=np.result_type(ans, t))


def arange_vjp_step(g: Any, ans: Any, *args: Any, **params: Any) -> Any:
    """Value i is ``start + i * step``: it moves with step by i."""
    partial = np.sum(g * np.arange(np.size(ans), dtype=np.result_type(g)))
    return np.asarray(unbroadcast_to(partial, args[2]), dtype=np.result_type(args[2]))


def arange_jvp_step(t: Any, ans: Any, *args: Any, **params: Any) -> Any:
    return t * np.arange(np.size(ans), dtype=np.result_type(ans))


defrule(np.linspace,
        vjp=(linspace_vjp_start, linspace_vjp_stop, None, None, None, None, None),
        jvp=(linspace_jvp_start, linspace_jvp_stop, None, None, None, None, None),
        argnames=("start", "stop", "num", "endpoint", "retstep", "dtype", "axis"))
container_results(np.linspace)  # (samples, step) with retstep=True
defrule(np.arange, vjp=(arange_vjp_start, None, arange_vjp_step, None),
        jvp=(arange_jvp_start, None, arange_jvp_step, None),
        argnames=("start", "stop", "step", "dtype"))
constant_arguments(np.arange, "stop")  # stop sets how many values, not their values

__all__ = public_functions(globals())
