"""Gradient rules of ``scipy.signal.convolve``, ``correlate``, ``fftconvolve``, ``convolve2d``
and ``lfilter``, loaded once user code has
imported scipy.signal.

Both are bilinear. Every mode is a window of the ``'full'`` result (``'valid'`` and ``'same'``
are centred in it), so a cotangent is first placed into a zero ``'full'``-shaped array; then for
``y = convolve(a, v, 'full')``, ``ā = correlate(ȳ, v, 'valid')`` and ``v̄ = correlate(ȳ, a,
'valid')``, and for ``y = correlate(a, v, 'full') = convolve(a, flip(v), 'full')`` the same with
``v`` flipped. The JVPs apply the function to the tangent. ``method`` only changes how scipy
computes the result and is passed on. ``fftconvolve`` and ``convolve2d`` (zero fill) compute the
same convolution and share these rules; ``lfilter``'s are below.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import signal

from .registry import defrule
from .rules_fill import structure_like

__all__ = [
    "convolve2d_jvp_in1", "convolve2d_jvp_in2", "convolve2d_vjp_in1", "convolve2d_vjp_in2",
    "fftconvolve_jvp_in1", "fftconvolve_jvp_in2", "fftconvolve_vjp_in1", "fftconvolve_vjp_in2",
    "lfilter_jvp_a", "lfilter_jvp_b", "lfilter_jvp_x", "lfilter_vjp_a", "lfilter_vjp_b",
    "lfilter_vjp_x", "scipy_convolve_jvp_in1", "scipy_convolve_jvp_in2", "scipy_convolve_vjp_in1",
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


# ---- fftconvolve and convolve2d: the same convolution, computed otherwise ----------------------


def _all_axes(axes: Any, rule: str) -> None:
    if axes is not None:
        raise NotImplementedError(f"{rule}: fftconvolve's axes= is not supported (convolve "
                                  "along every axis, or use scipy.signal.convolve)")


def fftconvolve_vjp_in1(g: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                        axes: Any = None) -> Any:
    """``convolve``'s rule: ``ā = correlate(ȳ, v, 'valid')`` of the full-shaped cotangent."""
    _all_axes(axes, "fftconvolve_vjp_in1")
    return scipy_convolve_vjp_in1(g, ans, in1, in2, mode)


def fftconvolve_vjp_in2(g: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                        axes: Any = None) -> Any:
    """``convolve``'s rule: ``v̄ = correlate(ȳ, a, 'valid')`` of the full-shaped cotangent."""
    _all_axes(axes, "fftconvolve_vjp_in2")
    return scipy_convolve_vjp_in2(g, ans, in1, in2, mode)


def fftconvolve_jvp_in1(t: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                        axes: Any = None) -> Any:
    _all_axes(axes, "fftconvolve_jvp_in1")
    return signal.fftconvolve(t, in2, mode=mode)


def fftconvolve_jvp_in2(t: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                        axes: Any = None) -> Any:
    _all_axes(axes, "fftconvolve_jvp_in2")
    return signal.fftconvolve(in1, t, mode=mode)


def _zero_fill(boundary: str, fillvalue: Any, rule: str) -> None:
    if boundary != "fill" or fillvalue != 0:
        raise NotImplementedError(f"{rule}: only boundary='fill' with fillvalue=0 is supported")


def convolve2d_vjp_in1(g: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                       boundary: str = "fill", fillvalue: Any = 0) -> Any:
    """Zero fill: ``convolve``'s rule."""
    _zero_fill(boundary, fillvalue, "convolve2d_vjp_in1")
    return scipy_convolve_vjp_in1(g, ans, in1, in2, mode)


def convolve2d_vjp_in2(g: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                       boundary: str = "fill", fillvalue: Any = 0) -> Any:
    """Zero fill: ``convolve``'s rule."""
    _zero_fill(boundary, fillvalue, "convolve2d_vjp_in2")
    return scipy_convolve_vjp_in2(g, ans, in1, in2, mode)


def convolve2d_jvp_in1(t: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                       boundary: str = "fill", fillvalue: Any = 0) -> Any:
    _zero_fill(boundary, fillvalue, "convolve2d_jvp_in1")
    return signal.convolve2d(t, in2, mode=mode)


def convolve2d_jvp_in2(t: Any, ans: Any, in1: Any, in2: Any, mode: str = "full",
                       boundary: str = "fill", fillvalue: Any = 0) -> Any:
    _zero_fill(boundary, fillvalue, "convolve2d_jvp_in2")
    return signal.convolve2d(in1, t, mode=mode)


# ---- lfilter: y = H x, H the causal filter b / a (zero initial state) ---------------------------
# Its adjoint is the same filter run backwards: x̄ = flip(H flip(ȳ)). With w = flip(H_a flip(ȳ)),
# H_a the filter 1 / a: b̄_k = sum_n w_n x_{n-k} and ā_k = -sum_n w_n y_{n-k} (a ∗ dy = -da ∗ y).


def _no_initial_state(zi: Any, rule: str) -> None:
    if zi is not None:
        raise NotImplementedError(f"{rule}: lfilter's zi= (initial state) is not supported")


def _backwards(b: Any, a: Any, g: Any, axis: int) -> Any:
    return np.flip(signal.lfilter(b, a, np.flip(g, axis), axis=axis), axis)


def _lagged_sums(w: Any, v: Any, count: int, axis: int) -> Any:
    # entry k: sum over n (and every other axis) of w_n v_{n-k}
    w_last, v_last = np.moveaxis(w, axis, -1), np.moveaxis(v, axis, -1)
    n = np.shape(w_last)[-1]
    sums = [np.sum(w_last[..., k:] * v_last[..., :n - k]) for k in range(min(count, n))]
    return np.array(sums + [0.0] * (count - len(sums)))


def _coefficients_like(partial: Any, coefficients: Any) -> Any:
    if isinstance(coefficients, (list, tuple)):
        return structure_like(partial, coefficients)
    return np.asarray(partial, dtype=np.result_type(coefficients, np.float16))


def lfilter_vjp_b(g: Any, ans: Any, b: Any, a: Any, x: Any, axis: int = -1,
                  zi: Any = None) -> Any:
    """``b̄_k = sum_n w_n x_{n-k}``, w the cotangent filtered backwards by 1 / a."""
    _no_initial_state(zi, "lfilter_vjp_b")
    w = _backwards([1.0], a, g, axis)
    return _coefficients_like(_lagged_sums(w, x, np.size(b), axis), b)


def lfilter_vjp_a(g: Any, ans: Any, b: Any, a: Any, x: Any, axis: int = -1,
                  zi: Any = None) -> Any:
    """``ā_k = -sum_n w_n y_{n-k}``, w the cotangent filtered backwards by 1 / a."""
    _no_initial_state(zi, "lfilter_vjp_a")
    w = _backwards([1.0], a, g, axis)
    return _coefficients_like(-_lagged_sums(w, ans, np.size(a), axis), a)


def lfilter_vjp_x(g: Any, ans: Any, b: Any, a: Any, x: Any, axis: int = -1,
                  zi: Any = None) -> Any:
    """The filter run backwards over the cotangent."""
    _no_initial_state(zi, "lfilter_vjp_x")
    return np.asarray(_backwards(b, a, g, axis), dtype=np.result_type(x, g))


def lfilter_jvp_b(t: Any, ans: Any, b: Any, a: Any, x: Any, axis: int = -1,
                  zi: Any = None) -> Any:
    """lfilter is linear in b: the tangent's filter over x."""
    _no_initial_state(zi, "lfilter_jvp_b")
    return signal.lfilter(t, a, x, axis=axis)


def lfilter_jvp_a(t: Any, ans: Any, b: Any, a: Any, x: Any, axis: int = -1,
                  zi: Any = None) -> Any:
    """``a ∗ dy = -da ∗ y``: y filtered by -da / a."""
    _no_initial_state(zi, "lfilter_jvp_a")
    return -signal.lfilter(t, a, ans, axis=axis)


def lfilter_jvp_x(t: Any, ans: Any, b: Any, a: Any, x: Any, axis: int = -1,
                  zi: Any = None) -> Any:
    """lfilter is linear in x: the filter over the tangent."""
    _no_initial_state(zi, "lfilter_jvp_x")
    return signal.lfilter(b, a, t, axis=axis)


defrule(signal.fftconvolve, vjp=(fftconvolve_vjp_in1, fftconvolve_vjp_in2),
        jvp=(fftconvolve_jvp_in1, fftconvolve_jvp_in2), argnames=("in1", "in2"))
defrule(signal.convolve2d, vjp=(convolve2d_vjp_in1, convolve2d_vjp_in2),
        jvp=(convolve2d_jvp_in1, convolve2d_jvp_in2), argnames=("in1", "in2"))
defrule(signal.lfilter, vjp=(lfilter_vjp_b, lfilter_vjp_a, lfilter_vjp_x),
        jvp=(lfilter_jvp_b, lfilter_jvp_a, lfilter_jvp_x), argnames=("b", "a", "x"))
