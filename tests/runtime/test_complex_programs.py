"""End-to-end gradients of small programs with complex inputs or complex intermediates.

Each program is a real-valued function; its gradient is compared with central finite
differences that perturb the real and the imaginary part of every complex input entry
separately (``grad = df/dx - i df/dy``, the convention of docs/complex.md) and, where autograd
is installed, with autograd (same convention). Every program is called three times, so the
shape-specialized code (from the second call on) is checked as well as the generic code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff

try:
    import autograd
    import autograd.numpy as anp
except ImportError:  # pragma: no cover - autograd is a test extra
    autograd = anp = None

EPS = 1e-6
_A = np.random.default_rng(7).normal(size=(4, 4)) + 1j * np.random.default_rng(8).normal(size=(4, 4))


def finite_difference_gradient(f: Callable[[Any], float], x: np.ndarray) -> np.ndarray:
    """``df/dx`` for a real ``x``; ``df/dRe - i df/dIm`` for a complex ``x`` (entrywise)."""
    gradient = np.zeros_like(x)
    directions = (1.0, 1j) if np.iscomplexobj(x) else (1.0,)
    for index in np.ndindex(x.shape):
        for direction in directions:
            step = np.zeros_like(x)
            step[index] = EPS * direction
            slope = (f(x + step) - f(x - step)) / (2 * EPS)
            gradient[index] += slope if direction == 1.0 else -1j * slope
    return gradient


def _complex(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.normal(size=shape) + 1j * rng.normal(size=shape)


# (name, program in numpy, the same in autograd.numpy (or None), input kind and shape)
def _programs(xp: Any) -> dict[str, tuple[Callable[[Any], Any], str, tuple[int, ...]]]:
    fft = xp.fft
    return {
        "issue-abs-of-complex-product": (lambda x: xp.sum(xp.abs(x * (1 + 1j))), "real", (5,)),
        "modulus-squared": (lambda z: xp.sum(xp.abs(z) ** 2), "complex", (4,)),
        "real-and-imag": (lambda z: xp.sum(xp.real(z) ** 2 * xp.imag(z)), "complex", (2, 3)),
        "exp-log": (lambda z: xp.sum(xp.real(xp.exp(z) * xp.log(z))), "complex", (4,)),
        "conjugate-product": (lambda z: xp.sum(xp.real(xp.conj(z) * z * 1j + z * z)),
                              "complex", (4,)),
        "angle": (lambda z: xp.sum(xp.angle(z) * xp.abs(z)), "complex", (5,)),
        "matmul": (lambda z: xp.sum(xp.abs(xp.dot(_A, z)) ** 2), "complex", (4,)),
        "real-through-complex": (lambda x: xp.sum(xp.real(xp.exp(1j * x) * (2.0 - 1j)) ** 2),
                                 "real", (4,)),
        "phase-rotation": (lambda x: xp.sum(xp.abs(xp.sin(x) * (1 + 2j) + x)), "real", (4,)),
        "power-complex-exponent": (lambda x: xp.sum(xp.real(2.0 ** (1j * x + 0.5))), "real",
                                   (3,)),
        "fft-energy": (lambda x: xp.sum(xp.abs(fft.fft(x)) ** 2), "real", (6,)),
        "fft-complex": (lambda z: xp.sum(xp.abs(fft.ifft(z)) ** 1.5), "complex", (5,)),
        "rfft-magnitude": (lambda x: xp.sum(xp.abs(fft.rfft(x)) * xp.arange(4.0)), "real", (6,)),
        "irfft-of-spectrum": (lambda z: xp.sum(fft.irfft(z) ** 2 * xp.arange(6.0)), "complex",
                              (4,)),
        "fft-convolution": (lambda x: xp.sum(fft.irfft(fft.rfft(x) * fft.rfft(x * x), 8) ** 2),
                            "real", (8,)),
        "fft2-magnitude": (lambda x: xp.sum(xp.abs(fft.fft2(x)) ** 2 * x[0, 0]), "real", (3, 4)),
        "fftn-ortho": (lambda z: xp.sum(xp.abs(fft.fftn(z, norm="ortho") * z)), "complex",
                       (2, 3)),
        "fftshift": (lambda x: xp.sum(xp.abs(fft.fftshift(fft.fft(x))) * xp.arange(5.0)),
                     "real", (5,)),
    }


PROGRAMS = _programs(np)
AUTOGRAD_PROGRAMS = _programs(anp) if anp is not None else {}


def _input(kind: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    return _complex(rng, *shape) if kind == "complex" else rng.normal(size=shape)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_gradient_matches_finite_differences(name: str, rng: np.random.Generator) -> None:
    f, kind, shape = PROGRAMS[name]
    x = _input(kind, shape, rng)
    expected = finite_difference_gradient(f, x)
    gradient = autodiff.grad(f)
    for _ in range(3):  # generic, then shape-specialized code
        got = gradient(x)
        assert got.dtype == x.dtype and got.shape == x.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(autograd is None, reason="autograd is not installed")
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_gradient_matches_autograd(name: str, rng: np.random.Generator) -> None:
    f, kind, shape = PROGRAMS[name]
    x = _input(kind, shape, rng)
    expected = autograd.grad(AUTOGRAD_PROGRAMS[name][0])(x)
    np.testing.assert_allclose(autodiff.grad(f)(x), expected, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", ["fft-energy", "rfft-magnitude", "fft-convolution",
                                  "issue-abs-of-complex-product", "real-through-complex"])
def test_hessian_of_real_program_with_complex_intermediates(
        name: str, rng: np.random.Generator) -> None:
    f, _, shape = PROGRAMS[name]
    x = rng.normal(size=shape)
    gradient = autodiff.grad(f)
    columns = [finite_difference_gradient(lambda y, i=i: gradient(y)[i], x)
               for i in range(x.size)]
    np.testing.assert_allclose(autodiff.hessian(f)(x), np.array(columns), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("name", ["modulus-squared", "fft-complex", "angle", "matmul"])
def test_grad_of_grad_with_complex_input(name: str, rng: np.random.Generator) -> None:
    """The gradient's real part is a real function of z: differentiate it again."""
    f, _, shape = PROGRAMS[name]
    z = _complex(rng, *shape)
    weights = rng.normal(size=shape)
    first = autodiff.grad(f)

    def projected(w: Any) -> Any:
        return np.sum(np.real(first(w)) * weights)

    expected = finite_difference_gradient(lambda w: float(projected(w)), z)
    np.testing.assert_allclose(autodiff.grad(projected)(z), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_jvp_with_complex_tangents(name: str, rng: np.random.Generator) -> None:
    f, kind, shape = PROGRAMS[name]
    x = _input(kind, shape, rng)
    tangent = _input(kind, shape, rng)
    value, derivative = autodiff.jvp(f, (x,), (tangent,))
    numeric = (f(x + EPS * tangent) - f(x - EPS * tangent)) / (2 * EPS)
    assert value == pytest.approx(f(x))
    assert derivative == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_real_if_close_of_a_numerically_real_input() -> None:
    def f(z: Any) -> Any:
        return np.sum(np.real_if_close(z) ** 2)

    z = np.array([1.0 + 1e-16j, -2.0 + 0j, 0.5 - 1e-17j])
    assert not np.iscomplexobj(np.real_if_close(z))
    got = autodiff.grad(f)(z)
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got, 2.0 * z.real, atol=1e-12)
