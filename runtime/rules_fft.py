"""Gradient rules of ``np.fft``.

Every transform is linear, so its JVP applies the transform to the tangent. Under the complex
convention of docs/complex.md a VJP is the plain transpose (no conjugation), and the DFT matrix
is symmetric: the transpose of ``fft`` (with the same ``norm``) is ``fft`` again, that of
``ifft`` is ``ifft``. The length ``n`` zero-pads or truncates the input first, whose transpose
truncates or zero-pads the cotangent last. The real transforms add a projection: ``rfft`` keeps
the first ``n // 2 + 1`` outputs (transpose: zero-pad ``g``) of a real input (transpose: the
real part); ``irfft`` reads the half spectrum ``c`` as the Hermitian full one, a real-linear map
whose transpose is ``w * ifft(g)[: n // 2 + 1]`` with ``w = 2`` for the bins that stand for two
(``1`` for bin 0 and, for even ``n``, bin ``n / 2``, whose imaginary parts it ignores).
``hfft(a) = irfft(conj(a))`` and ``ihfft(a) = conj(rfft(a))`` with the ``norm`` scalings swapped.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .registry import defrule

_SWAPPED_NORM = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}


# ---- helpers ------------------------------------------------------------------------------------


def _fit(a: Any, axis: int, size: int) -> Any:
    """``a`` truncated or zero-padded at the end of ``axis`` to ``size`` entries."""
    have = np.shape(a)[axis]
    if have > size:
        return np.take(a, np.arange(size), axis=axis)
    if have < size:
        pad_shape = list(np.shape(a))
        pad_shape[axis] = size - have
        return np.concatenate([a, np.zeros(pad_shape, dtype=np.result_type(a))], axis=axis)
    return a


def _fit_axes(a: Any, axes: tuple[int, ...], shape: tuple[int, ...]) -> Any:
    """``a`` fitted along each of ``axes`` to the size ``shape`` has there."""
    for i in range(len(axes)):
        a = _fit(a, axes[i], shape[axes[i]])
    return a


def _real_for(partial: Any, x: Any) -> Any:
    """The cotangent of a real ``x`` is the real part."""
    if np.iscomplexobj(x):
        return partial
    return np.real(partial)


def _axes(x: Any, s: Any, axes: Any) -> tuple[int, ...]:
    """The transformed axes of an n-dimensional transform, as numpy chooses them."""
    ndim = np.ndim(x)
    if axes is not None:
        return tuple(np.asarray(axes) % ndim)
    if s is None:
        return tuple(range(ndim))
    return tuple(range(ndim - len(s), ndim))


def _hermitian_weights(size: int, axis: int, ndim: int) -> Any:
    """How many bins of the full spectrum of length ``size`` each half-spectrum bin stands for,
    shaped to broadcast along ``axis``."""
    weights = np.full(size // 2 + 1, 2.0)
    weights[0] = 1.0
    if size % 2 == 0:
        weights[-1] = 1.0
    shape = [1] * ndim
    shape[axis] = size // 2 + 1
    return np.reshape(weights, shape)


def _irfft_transpose(g: Any, c: Any, size: int, axes: tuple[int, ...], norm: Any) -> Any:
    """The cotangent of the half spectrum ``c`` given that of the real output of ``irfftn``
    (over ``axes``, the last one halved) with ``size`` output entries along that last axis."""
    last = axes[-1]
    full = np.fft.ifftn(np.real(g), axes=axes, norm=norm)
    half = _fit(full, last, size // 2 + 1) * _hermitian_weights(size, last, np.ndim(g))
    return _fit_axes(half, axes, np.shape(c))


def _rfft_transpose(g: Any, x: Any, size: int, axes: tuple[int, ...], norm: Any) -> Any:
    """The cotangent of the real input ``x`` of ``rfftn`` (over ``axes``, the last one halved)
    given that of its output, with ``size`` input entries along that last axis after ``n``."""
    full = np.fft.fftn(_fit(g, axes[-1], size), axes=axes, norm=norm)
    return np.real(_fit_axes(full, axes, np.shape(x)))


def _last_size(x: Any, s: Any, axes: tuple[int, ...], halved: bool) -> int:
    """The length of the last transformed axis of the real signal (given or numpy's default)."""
    if s is not None:
        return s[-1]
    if halved:
        return 2 * (np.shape(x)[axes[-1]] - 1)
    return np.shape(x)[axes[-1]]


def _axis(x: Any, axis: int) -> tuple[int, ...]:
    return (axis % np.ndim(x),)


def _size(x: Any, n: Any, axis: int, halved: bool) -> int:
    if n is not None:
        return n
    if halved:
        return 2 * (np.shape(x)[axis] - 1)
    return np.shape(x)[axis]


# ---- complex transforms -------------------------------------------------------------------------


def fft_vjp(g: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """The DFT matrix is symmetric: the transpose is ``fft`` of ``g``, then fitted to ``a``."""
    return _real_for(_fit(np.fft.fft(g, axis=axis, norm=norm), axis, np.shape(a)[axis]), a)


def fft_jvp(t: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    return np.fft.fft(t, n, axis, norm)


def ifft_vjp(g: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """The inverse DFT matrix is symmetric too."""
    return _real_for(_fit(np.fft.ifft(g, axis=axis, norm=norm), axis, np.shape(a)[axis]), a)


def ifft_jvp(t: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    return np.fft.ifft(t, n, axis, norm)


def fftn_vjp(g: Any, ans: Any, a: Any, s: Any = None, axes: Any = None, norm: Any = None) -> Any:
    """One symmetric DFT per axis: ``fftn`` of ``g`` over the same axes, fitted to ``a``."""
    over = _axes(a, s, axes)
    return _real_for(_fit_axes(np.fft.fftn(g, axes=over, norm=norm), over, np.shape(a)), a)


def fftn_jvp(t: Any, ans: Any, a: Any, s: Any = None, axes: Any = None, norm: Any = None) -> Any:
    return np.fft.fftn(t, s, axes, norm)


def ifftn_vjp(g: Any, ans: Any, a: Any, s: Any = None, axes: Any = None,
              norm: Any = None) -> Any:
    over = _axes(a, s, axes)
    return _real_for(_fit_axes(np.fft.ifftn(g, axes=over, norm=norm), over, np.shape(a)), a)


def ifftn_jvp(t: Any, ans: Any, a: Any, s: Any = None, axes: Any = None,
              norm: Any = None) -> Any:
    return np.fft.ifftn(t, s, axes, norm)


def fft2_vjp(g: Any, ans: Any, a: Any, s: Any = None, axes: Any = (-2, -1),
             norm: Any = None) -> Any:
    return fftn_vjp(g, ans, a, s, axes, norm)


def fft2_jvp(t: Any, ans: Any, a: Any, s: Any = None, axes: Any = (-2, -1),
             norm: Any = None) -> Any:
    return np.fft.fft2(t, s, axes, norm)


def ifft2_vjp(g: Any, ans: Any, a: Any, s: Any = None, axes: Any = (-2, -1),
              norm: Any = None) -> Any:
    return ifftn_vjp(g, ans, a, s, axes, norm)


def ifft2_jvp(t: Any, ans: Any, a: Any, s: Any = None, axes: Any = (-2, -1),
              norm: Any = None) -> Any:
    return np.fft.ifft2(t, s, axes, norm)


# ---- real transforms ----------------------------------------------------------------------------


def rfft_vjp(g: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """Zero-pad ``g`` to the full spectrum, transpose the DFT, keep the real part."""
    return _rfft_transpose(g, a, _size(a, n, axis, False), _axis(a, axis), norm)


def rfft_jvp(t: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    return np.fft.rfft(t, n, axis, norm)


def irfft_vjp(g: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """``w * ifft(g)`` on the half spectrum (see the module docstring)."""
    return _irfft_transpose(g, a, _size(a, n, axis, True), _axis(a, axis), norm)


def irfft_jvp(t: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    return np.fft.irfft(t, n, axis, norm)


def rfftn_vjp(g: Any, ans: Any, a: Any, s: Any = None, axes: Any = None,
              norm: Any = None) -> Any:
    over = _axes(a, s, axes)
    return _rfft_transpose(g, a, _last_size(a, s, over, False), over, norm)


def rfftn_jvp(t: Any, ans: Any, a: Any, s: Any = None, axes: Any = None,
              norm: Any = None) -> Any:
    return np.fft.rfftn(t, s, axes, norm)


def irfftn_vjp(g: Any, ans: Any, a: Any, s: Any = None, axes: Any = None,
               norm: Any = None) -> Any:
    over = _axes(a, s, axes)
    return _irfft_transpose(g, a, _last_size(a, s, over, True), over, norm)


def irfftn_jvp(t: Any, ans: Any, a: Any, s: Any = None, axes: Any = None,
               norm: Any = None) -> Any:
    return np.fft.irfftn(t, s, axes, norm)


def rfft2_vjp(g: Any, ans: Any, a: Any, s: Any = None, axes: Any = (-2, -1),
              norm: Any = None) -> Any:
    return rfftn_vjp(g, ans, a, s, axes, norm)


def rfft2_jvp(t: Any, ans: Any, a: Any, s: Any = None, axes: Any = (-2, -1),
              norm: Any = None) -> Any:
    return np.fft.rfft2(t, s, axes, norm)


def irfft2_vjp(g: Any, ans: Any, a: Any, s: Any = None, axes: Any = (-2, -1),
               norm: Any = None) -> Any:
    return irfftn_vjp(g, ans, a, s, axes, norm)


def irfft2_jvp(t: Any, ans: Any, a: Any, s: Any = None, axes: Any = (-2, -1),
               norm: Any = None) -> Any:
    return np.fft.irfft2(t, s, axes, norm)


def hfft_vjp(g: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """``hfft(a) = irfft(conj(a))`` with the norm swapped: conjugate irfft's transpose."""
    return np.conjugate(
        _irfft_transpose(g, a, _size(a, n, axis, True), _axis(a, axis), _SWAPPED_NORM[norm]))


def hfft_jvp(t: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    return np.fft.hfft(t, n, axis, norm)


def ihfft_vjp(g: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """``ihfft(a) = conj(rfft(a))`` with the norm swapped: rfft's transpose of ``conj(g)``."""
    return _rfft_transpose(np.conjugate(g), a, _size(a, n, axis, False), _axis(a, axis),
                           _SWAPPED_NORM[norm])


def ihfft_jvp(t: Any, ans: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    return np.fft.ihfft(t, n, axis, norm)


# ---- shifts -------------------------------------------------------------------------------------


def fftshift_vjp(g: Any, ans: Any, x: Any, axes: Any = None) -> Any:
    """A permutation: its transpose is the inverse shift."""
    return np.fft.ifftshift(g, axes)


def fftshift_jvp(t: Any, ans: Any, x: Any, axes: Any = None) -> Any:
    return np.fft.fftshift(t, axes)


def ifftshift_vjp(g: Any, ans: Any, x: Any, axes: Any = None) -> Any:
    return np.fft.fftshift(g, axes)


def ifftshift_jvp(t: Any, ans: Any, x: Any, axes: Any = None) -> Any:
    return np.fft.ifftshift(t, axes)


_ONE_DIMENSIONAL = ("a", "n", "axis", "norm")
_N_DIMENSIONAL = ("a", "s", "axes", "norm")
for _function, _vjp, _jvp, _argnames in (
    (np.fft.fft, fft_vjp, fft_jvp, _ONE_DIMENSIONAL),
    (np.fft.ifft, ifft_vjp, ifft_jvp, _ONE_DIMENSIONAL),
    (np.fft.rfft, rfft_vjp, rfft_jvp, _ONE_DIMENSIONAL),
    (np.fft.irfft, irfft_vjp, irfft_jvp, _ONE_DIMENSIONAL),
    (np.fft.hfft, hfft_vjp, hfft_jvp, _ONE_DIMENSIONAL),
    (np.fft.ihfft, ihfft_vjp, ihfft_jvp, _ONE_DIMENSIONAL),
    (np.fft.fftn, fftn_vjp, fftn_jvp, _N_DIMENSIONAL),
    (np.fft.ifftn, ifftn_vjp, ifftn_jvp, _N_DIMENSIONAL),
    (np.fft.fft2, fft2_vjp, fft2_jvp, _N_DIMENSIONAL),
    (np.fft.ifft2, ifft2_vjp, ifft2_jvp, _N_DIMENSIONAL),
    (np.fft.rfftn, rfftn_vjp, rfftn_jvp, _N_DIMENSIONAL),
    (np.fft.irfftn, irfftn_vjp, irfftn_jvp, _N_DIMENSIONAL),
    (np.fft.rfft2, rfft2_vjp, rfft2_jvp, _N_DIMENSIONAL),
    (np.fft.irfft2, irfft2_vjp, irfft2_jvp, _N_DIMENSIONAL),
):
    defrule(_function, vjp=(_vjp, None, None, None), jvp=(_jvp, None, None, None),
            argnames=_argnames)
defrule(np.fft.fftshift, vjp=(fftshift_vjp, None), jvp=(fftshift_jvp, None),
        argnames=("x", "axes"))
defrule(np.fft.ifftshift, vjp=(ifftshift_vjp, None), jvp=(ifftshift_jvp, None),
        argnames=("x", "axes"))

__all__ = [
    "fft2_jvp",
    "fft2_vjp",
    "fft_jvp",
    "fft_vjp",
    "fftn_jvp",
    "fftn_vjp",
    "fftshift_jvp",
    "fftshift_vjp",
    "hfft_jvp",
    "hfft_vjp",
    "ifft2_jvp",
    "ifft2_vjp",
    "ifft_jvp",
    "ifft_vjp",
    "ifftn_jvp",
    "ifftn_vjp",
    "ifftshift_jvp",
    "ifftshift_vjp",
    "ihfft_jvp",
    "ihfft_vjp",
    "irfft2_jvp",
    "irfft2_vjp",
    "irfft_jvp",
    "irfft_vjp",
    "irfftn_jvp",
    "irfftn_vjp",
    "rfft2_jvp",
    "rfft2_vjp",
    "rfft_jvp",
    "rfft_vjp",
    "rfftn_jvp",
    "rfftn_vjp",
]
