"""``autodiff.grad``/``autodiff.jvp``/``autodiff.hessian`` of small user functions calling the
elementwise primitives, against central finite differences and, where autograd differentiates
the same function, against autograd.

Each user function below reads numpy only as ``np``, so the same code runs under autograd with
``np`` bound to ``autograd.numpy``.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff

EPS = 1e-6
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in log:RuntimeWarning")

# ---- remainders and evenly spaced values -------------------------------------------------------


def mod_times_x(x, y):
    return np.sum(np.mod(x, y) * x)


def percent_squared(x, y):
    return np.sum((x % y) ** 2 + x % 0.75)


def remainder_sin(x, y):
    return np.sum(np.sin(np.remainder(x, y)))


def fmod_times_x(x, y):
    return np.sum(np.fmod(x, y) * x)


def builtin_divmod(x, y):
    quotient, remainder = divmod(x, y)
    return np.sum(remainder * remainder + quotient * x)


def numpy_divmod(x, y):
    parts = np.divmod(x, y)
    return np.sum(parts[1] * y)


def linspace_squares(a, b):
    return np.sum(np.linspace(a, b, 7) ** 2)


def linspace_arrays(a, b):
    return np.sum(np.sin(np.linspace(a, b, 5, endpoint=False, axis=1)) * b[:, None])


def linspace_step(a, b):
    samples, step = np.linspace(a, b, 4, retstep=True)
    return np.sum(samples) * step


def arange_from(a, b):
    return np.sum(np.arange(a, 6.0, b) ** 2)


def heaviside_at_zero(x, y):
    return np.sum(np.heaviside(x - x, y) * y + np.heaviside(x, 0.5) * x)


# ---- functions autograd and jax.numpy differentiate ---------------------------------------------


def sinc_angles(x, y):
    return np.sum(np.sinc(x) * np.deg2rad(y) + np.radians(x) * np.rad2deg(y) + np.degrees(x))


def fabs_exp2(x, y):
    return np.sum(np.fabs(x) * np.exp2(y) + np.logaddexp2(x, y) + np.logaddexp(y, x))


def hypot_divide(x, y):
    return np.sum(np.hypot(x, y) + np.true_divide(x, y) + np.arctan2(x, y))


def nan_to_num_log(x, y):
    return np.sum(np.nan_to_num(np.log(x)) * y)


def float_parts(x, y):
    fractional, integral = np.modf(x * 3.0)
    return np.sum(np.copysign(x, y) * np.float_power(y * y, 1.5) + np.ldexp(y, 3)
                  + fractional * y + integral)


def clip_bounds(x, y):
    return np.sum(np.clip(x, -y, y) * x + np.clip(x, y, None) + x.clip(None, y * 2.0))


def python_math(x, y):
    return math.erf(x) * math.degrees(y) + math.copysign(x, -1.0) * math.fmod(y, 0.3) \
        + math.pow(y, x)


def _positive(rng: np.random.Generator, *shape: int) -> Any:
    return rng.uniform(0.5, 2.0, size=shape)


def _normal(rng: np.random.Generator, *shape: int) -> Any:
    return rng.normal(size=shape)


def _scalar(low: float, high: float) -> Callable[[np.random.Generator], Any]:
    return lambda rng: np.array(rng.uniform(low, high))


# name -> (function, argument makers, whether autograd differentiates it too)
FUNCTIONS: dict[str, tuple[Any, tuple[Any, ...], bool]] = {
    "mod": (mod_times_x, (lambda r: _normal(r, 3, 4), lambda r: _positive(r, 4)), True),
    "percent": (percent_squared, (lambda r: _normal(r, 5), lambda r: _positive(r, 5)), True),
    "remainder": (remainder_sin, (lambda r: _normal(r, 2, 3), lambda r: _positive(r)), True),
    "fmod": (fmod_times_x, (lambda r: 3 * _normal(r, 6), lambda r: _positive(r, 6)), False),
    "divmod": (builtin_divmod, (lambda r: _normal(r, 4), lambda r: _positive(r, 4)), False),
    "np.divmod": (numpy_divmod, (lambda r: _normal(r, 2, 3), lambda r: _positive(r, 3)), False),
    "linspace": (linspace_squares, (_scalar(-1.0, 0.0), _scalar(1.0, 2.0)), True),
    "linspace-axis": (linspace_arrays, (lambda r: _normal(r, 3), lambda r: _normal(r, 3)), False),
    "linspace-retstep": (linspace_step, (_scalar(-1.0, 0.0), _scalar(1.0, 2.0)), False),
    "arange": (arange_from, (_scalar(0.1, 0.4), _scalar(0.6, 0.9)), False),
    "heaviside": (heaviside_at_zero, (lambda r: _normal(r, 4), lambda r: _normal(r, 4)), False),
    "sinc-angles": (sinc_angles, (lambda r: _normal(r, 2, 3), lambda r: _normal(r, 3)), True),
    "fabs-exp2": (fabs_exp2, (lambda r: _normal(r, 4), lambda r: _normal(r, 4)), True),
    "hypot-divide": (hypot_divide, (lambda r: _normal(r, 3), lambda r: _positive(r, 3)), True),
    # log of a negative entry is NaN: nan_to_num makes it 0 and lets no gradient through there
    "nan-to-num": (nan_to_num_log, (lambda r: _normal(r, 6), lambda r: _normal(r, 6)), True),
    "float-parts": (float_parts, (lambda r: _normal(r, 5), lambda r: _normal(r, 5)), False),
    "clip-bounds": (clip_bounds, (lambda r: 2 * _normal(r, 6), _scalar(0.5, 1.0)), False),
    "math": (python_math, (_scalar(0.2, 0.9), _scalar(1.1, 1.4)), False),
}


def finite_difference_gradient(f: Any, args: tuple[Any, ...], position: int) -> Any:
    grad = np.zeros_like(args[position])
    for index in np.ndindex(np.shape(args[position])):
        values = []
        for step in (EPS, -EPS):
            moved = [np.array(a, dtype=float, copy=True) for a in args]
            moved[position][index] += step
            values.append(f(*moved))
        grad[index] = (values[0] - values[1]) / (2 * EPS)
    return grad


def _arguments(makers: tuple[Any, ...], rng: np.random.Generator) -> tuple[Any, ...]:
    return tuple(make(rng) for make in makers)


def _under_autograd(f: Any) -> Any:
    autograd_numpy = pytest.importorskip("autograd.numpy")
    return types.FunctionType(f.__code__, {"np": autograd_numpy, "__builtins__": __builtins__},
                              f.__name__)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_grad_matches_finite_differences(name: str, rng: np.random.Generator) -> None:
    f, makers, _ = FUNCTIONS[name]
    args = _arguments(makers, rng)
    grads = autodiff.grad(f, grad_position=tuple(range(len(args))))(*args)
    for position, grad in enumerate(grads):
        expected = finite_difference_gradient(f, args, position)
        np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_jvp_matches_finite_differences(name: str, rng: np.random.Generator) -> None:
    f, makers, _ = FUNCTIONS[name]
    args = _arguments(makers, rng)
    tangents = tuple(rng.normal(size=np.shape(a)) for a in args)
    value, tangent = autodiff.jvp(f, args, tangents)
    plus = f(*(a + EPS * t for a, t in zip(args, tangents, strict=True)))
    minus = f(*(a - EPS * t for a, t in zip(args, tangents, strict=True)))
    assert value == pytest.approx(f(*args), rel=1e-12)
    assert tangent == pytest.approx((plus - minus) / (2 * EPS), rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("name", [n for n, (_, _, ok) in FUNCTIONS.items() if ok])
def test_grad_matches_autograd(name: str, rng: np.random.Generator) -> None:
    autograd = pytest.importorskip("autograd")
    f, makers, _ = FUNCTIONS[name]
    args = _arguments(makers, rng)
    positions = tuple(range(len(args)))
    ours = autodiff.grad(f, grad_position=positions)(*args)
    theirs = [autograd.grad(_under_autograd(f), p)(*args) for p in positions]
    for got, expected in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, err_msg=name)


# ---- second order: the rules are differentiated again -----------------------------------------


def mod_cubed(x):
    return np.sum(np.mod(x, 0.7) ** 3)


def linspace_product(x):
    return np.sum(np.linspace(x[0], x[1], 5) ** 3 * x[2])


def fmod_by_x(x):
    return np.sum(np.fmod(2.5, x) * x ** 2)


def sinc_float_power(x):
    return np.sum(np.sinc(x) * np.float_power(x, 2.5) + np.copysign(x, -1.0) ** 2)


@pytest.mark.parametrize("f", [mod_cubed, linspace_product, fmod_by_x, sinc_float_power],
                         ids=lambda f: f.__name__)
def test_hessian_matches_finite_differences_of_the_gradient(f: Any,
                                                            rng: np.random.Generator) -> None:
    x = rng.uniform(0.8, 1.6, size=3)
    gradient = autodiff.grad(f)
    expected = np.stack([finite_difference_gradient(lambda z, i=i: gradient(z)[i], (x,), 0)
                         for i in range(3)])
    np.testing.assert_allclose(autodiff.hessian(f)(x), expected, rtol=1e-5, atol=1e-6)


def remainder_scalar(x):
    return np.sin(x % 0.8) * np.linspace(x, 2.0 * x, 3)[1] + np.sinc(x) * math.fsum([x, x * x])


def test_grad_of_grad_matches_finite_differences_of_the_gradient() -> None:
    second = autodiff.grad(autodiff.grad(remainder_scalar))
    first = autodiff.grad(remainder_scalar)
    for x in (0.3, 1.1, -0.45):
        expected = (first(x + EPS) - first(x - EPS)) / (2 * EPS)
        assert second(x) == pytest.approx(expected, rel=1e-5, abs=1e-6)
