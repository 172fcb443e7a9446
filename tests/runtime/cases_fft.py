"""Sample inputs of the ``np.fft`` rules (``runtime/rules_fft.py``): every transform with its
default length, zero-padding and truncation (``n``/``s``), another axis and each ``norm``."""

from __future__ import annotations

from typing import Any

import numpy as np
from autodiff_rule_cases import N, case


def Z(*shape: int) -> tuple[Any, ...]:
    """A complex array of this shape (see ``rule_cases._draw``)."""
    return ("complex", shape)


NORMS = (None, "backward", "ortho", "forward")


def _one_dimensional(x: Any, size: int) -> list[Any]:
    """Cases of a 1-d transform whose input ``x(shape)`` builds a signal of ``size`` samples
    along the last axis (for the half-spectrum inputs: ``size // 2 + 1`` bins)."""
    cases = [case("default", x(size)), case("batched", x(3, size)),
             case("pad", x(size), size + 3), case("truncate", x(2, size), size - 2),
             case("axis0", x(size, 3), axis=0), case("odd-n", x(size), n=size + 1, axis=-1)]
    cases += [case(f"norm-{norm}", x(2, size), norm=norm) for norm in NORMS]
    return cases


def _n_dimensional(x: Any, two: bool) -> list[Any]:
    cases = [case("default", x(3, 4)), case("batched", x(2, 3, 4)),
             case("pad-truncate", x(3, 4), (5, 3), (0, 1) if not two else (-2, -1)),
             case("axes", x(3, 2, 4), axes=(0, 2)),
             case("s-axes", x(3, 2, 4), s=(2, 5), axes=(2, 0))]
    if not two:
        cases.append(case("all-3d", x(2, 3, 4)))
    cases += [case(f"norm-{norm}", x(3, 4), norm=norm) for norm in NORMS]
    return cases


CASES: dict[Any, list[Any]] = {
    np.fft.fft: [*_one_dimensional(Z, 6), case("real-input", N(5))],
    np.fft.ifft: [*_one_dimensional(Z, 6), case("real-input", N(2, 5))],
    np.fft.rfft: [*_one_dimensional(N, 6), case("odd", N(7))],
    np.fft.irfft: [*_one_dimensional(Z, 5), case("odd-out", Z(4), 7)],
    np.fft.hfft: [*_one_dimensional(Z, 5), case("odd-out", Z(4), 7)],
    np.fft.ihfft: [*_one_dimensional(N, 6), case("odd", N(7))],
    np.fft.fftn: [*_n_dimensional(Z, False), case("real-input", N(3, 4))],
    np.fft.ifftn: [*_n_dimensional(Z, False), case("real-input", N(3, 4))],
    np.fft.fft2: [*_n_dimensional(Z, True), case("real-input", N(3, 4))],
    np.fft.ifft2: _n_dimensional(Z, True),
    np.fft.rfftn: _n_dimensional(N, False),
    np.fft.irfftn: [*_n_dimensional(Z, False), case("odd-out", Z(3, 4), (3, 7), (0, 1))],
    np.fft.rfft2: _n_dimensional(N, True),
    np.fft.irfft2: [*_n_dimensional(Z, True), case("odd-out", Z(3, 4), (3, 7))],
    np.fft.fftshift: [case("all", Z(5)), case("2d", N(4, 5)), case("axis", Z(3, 4), axes=1),
                      case("axes", N(3, 4, 5), (0, 2))],
    np.fft.ifftshift: [case("all", Z(5)), case("2d", N(4, 5)), case("axis", Z(3, 4), axes=0),
                       case("axes", N(3, 4, 5), (0, 2))],
}
