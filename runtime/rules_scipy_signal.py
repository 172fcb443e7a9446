"""Gradient rules of ``scipy.signal.convolve`` and ``correlate``, loaded once user code has
imported scipy.signal.

Both are bilinear. Every mode is a window of the ``'full'`` result (``'valid'`` and ``'same'``
are centred in it), so a cotangent is first placed into a zero ``'full'``-shaped array; then for
``y = convolve(a, v, 'full')``, ``ā = correlate(ȳ, v, 'valid')`` and ``v̄ = correlate(ȳ, a,
'valid')``, and for ``y = correlate(a, v, 'full') = convolve(a, flip(v), 'full')`` the same with
``v`` flipped. The JVPs apply the function to the tangent. ``method`` only changes how scipy
computes the result and is passed on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import signal

from .registry import defrule

__all__ = [
    "scipy_convolve_jvp_in1", "scipy_convolve_jvp_in2", "scipy_convolve_vjp_in1",
    "scipy_convolve_vjp_in2", "scipy_correlate_jvp_in1", "scipy_correlate_jvp_in2",
    "scipy_correlate_vjp_in1", "scipy_correlate_vjp_in2",
]  # fmt: skip


def _full_cotangent(g: Any, in1: Any, in2: Any) -> Any:
    """``g`` placed at its window of the ``'full'`` output (zeros around it)."""
    for axis in range(np.ndim(g)):
        size = np.shape(in1)[axis] + np.shape(in2)[axis] - 1
        start = (size - np.shape(g)[axis]) // 2
        g = _zeros_around(g, axis, start, size - np.shape(g)[axis] - start)
    return g


def _zeros_around(x: Any, axis: int, before: int, after: int) -> Any:
    """``x`` with ``before`` and ``after`` zero slices added along ``axis``."""
    shape = list(np.shape(x))
    shape[axis] = before
    head = np.zeros(shape, dtype=np.result_type(x))
    shape[axis] = after
    tail = np.zeros(shape, dtype=np.result_type(x))
    return np.concatenate([head, x, tail], axis=axis)


def _flip(x: Any) -> Any:
    return np.flip(x) if np.ndim(x) else x


def scipy_convolve_vjp_in1(g: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                           method: str = "auto") -> Any:
    return signal.correlate(_full_cotangent(g, in1, in2), in2, mode="valid", method=method)


def scipy_convolve_vjp_in2(g: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                           method: str = "auto") -> Any:
    return signal.correlate(_full_cotangent(g, in1, in2), in1, mode="valid", method=method)


def scipy_convolve_jvp_in1(t: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                           method: str = "auto") -> Any:
    return signal.convolve(t, in2, mode=mode, method=method)


def scipy_convolve_jvp_in2(t: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                           method: str = "auto") -> Any:
    return signal.convolve(in1, t, mode=mode, method=method)


def scipy_correlate_vjp_in1(g: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                            method: str = "auto") -> Any:
    """``correlate(a, v) = convolve(a, flip(v))``: ``ā = convolve(ȳ, v, 'valid')``."""
    return signal.convolve(_full_cotangent(g, in1, in2), in2, mode="valid", method=method)


def scipy_correlate_vjp_in2(g: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                            method: str = "auto") -> Any:
    """``v̄ = flip(correlate(ȳ, a, 'valid'))``."""
    return _flip(signal.correlate(_full_cotangent(g, in1, in2), in1, mode="valid",
                                  method=method))


def scipy_correlate_jvp_in1(t: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                            method: str = "auto") -> Any:
    return signal.correlate(t, in2, mode=mode, method=method)


def scipy_correlate_jvp_in2(t: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                            method: str = "auto") -> Any:
    return signal.correlate(in1, t, mode=mode, method=method)


defrule(signal.convolve, vjp=(scipy_convolve_vjp_in1, scipy_convolve_vjp_in2),
        jvp=(scipy_convolve_jvp_in1, scipy_convolve_jvp_in2), argnames=("in1", "in2"))
defrule(signal.correlate, vjp=(scipy_correlate_vjp_in1, scipy_correlate_vjp_in2),
        jvp=(scipy_correlate_jvp_in1, scipy_correlate_jvp_in2), argnames=("in1", "in2"))
