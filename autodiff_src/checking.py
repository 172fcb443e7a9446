"""``check_grads``: compare autodiff's derivatives with central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .api import grad
from .functional import jvp
from .loader import define


def check_grads(fn: Callable[..., Any], args: Sequence[Any], order: int = 1,
                modes: Sequence[str] = ("rev",), rtol: float = 1e-5, atol: float = 1e-6,
                eps: float = 1e-6, seed: int = 0) -> None:
    """Raise ``AssertionError`` unless autodiff's derivatives of ``fn`` at ``args`` match central
    finite differences along random directions (for a random projection of the output).

    ``modes`` are ``"rev"`` (reverse mode, through ``grad`` with a sensitivity) and ``"fwd"``
    (forward mode, through ``jvp``). ``order=2`` also checks the derivatives of the gradient
    (it is differentiated again by the compiler), and so on for higher orders. Floating-point
    arguments are differentiated in float64 and complex ones in complex128 (the directions
    perturb real and imaginary parts, paired with gradients as ``Re(g * dz)``, the convention
    of docs/complex.md); the others are held fixed.
    """
    unknown = set(modes) - {"rev", "fwd"}
    if unknown or not modes:
        raise ValueError(f"modes must be a non-empty subset of ('rev', 'fwd'), got {modes!r}")
    if order < 1:
        raise ValueError(f"order must be at least 1, got {order}")
    args = [_as_float64(arg) for arg in args]
    positions = tuple(i for i, arg in enumerate(args) if _is_float(arg))
    if not positions:
        raise ValueError("check_grads needs at least one floating-point or complex argument")
    rng = np.random.default_rng(seed)
    for mode in modes:
        _check_first_order(fn, args, positions, mode, rng, rtol, atol, eps)
    if order > 1:
        output = fn(*args)
        projection = _random_like(output, rng)
        gradient = grad(_projected(fn, len(args), projection), positions)
        check_grads(gradient, args, order - 1, modes, rtol, atol, eps, seed + 1)


def _projected(fn: Callable[..., Any], arity: int, projection: Any) -> Callable[..., Any]:
    """``<projection, fn(*args)>``, written as source the compiler can differentiate."""
    params = ", ".join(f"a{i}" for i in range(arity))
    if isinstance(projection, (tuple, list)):
        terms = " + ".join(f"_sum(_p[{i}] * _out[{i}])" for i in range(len(projection)))
    else:
        terms = "_sum(_p * _out)"
    source = f"def projected({params}):\n    _out = _fn({params})\n    return _real({terms})\n"
    return define("projected", source, {"_fn": fn, "_p": projection, "_sum": np.sum,
                                        "_real": np.real}, "check_grads")


def _check_first_order(fn, args, positions, mode, rng, rtol, atol, eps) -> None:
    projection = _random_like(fn(*args), rng)
    directions = {p: _random_like(args[p], rng) for p in positions}
    if mode == "rev":
        gradients = grad(fn, positions, sens_param=True)(*args, projection)
        if len(positions) == 1:
            gradients = (gradients,)
        predicted = sum(_vdot(gradients[i], directions[p]) for i, p in enumerate(positions))
    else:
        inputs = tuple(args)
        tangents = tuple(directions.get(i, _zeros_like(arg)) for i, arg in enumerate(args))
        _, tangent = jvp(_bound(fn, args, positions), tuple(args[p] for p in positions),
                         tuple(tangents[p] for p in positions)) if len(positions) < len(inputs) \
            else jvp(fn, inputs, tangents)
        predicted = _vdot(projection, tangent)
    measured = (_vdot(projection, fn(*_shifted(args, directions, eps)))
                - _vdot(projection, fn(*_shifted(args, directions, -eps)))) / (2 * eps)
    if not np.isclose(predicted, measured, rtol=rtol, atol=atol):
        raise AssertionError(f"{mode}-mode derivative check failed for "
                             f"{getattr(fn, '__name__', fn)}: autodiff gives {predicted!r}, "
                             f"finite differences {measured!r}")


def _bound(fn, args, positions):
    """``fn`` with its non-float arguments fixed (jvp differentiates every input)."""
    fixed = {i: arg for i, arg in enumerate(args) if i not in positions}

    def call(*differentiated):
        values = dict(zip(positions, differentiated, strict=True))
        return fn(*(values[i] if i in values else fixed[i] for i in range(len(args))))

    return call


def _is_float(value: Any) -> bool:
    """A float or complex input (differentiated)."""
    if isinstance(value, (tuple, list)):
        return bool(value) and all(_is_float(item) for item in value)
    return isinstance(value, (float, complex)) or (isinstance(value, np.ndarray)
                                                   and value.dtype.kind in "fc")


def _as_float64(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_as_float64(item) for item in value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float64)
    if isinstance(value, np.ndarray) and value.dtype.kind == "c":
        return value.astype(np.complex128)
    return value


def _zeros_like(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_zeros_like(item) for item in value)
    return 0.0 if isinstance(value, float) else np.zeros_like(value)


def _random_like(value: Any, rng: np.random.Generator) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_random_like(item, rng) for item in value)
    if np.iscomplexobj(value):
        return _random_like(np.real(value), rng) + 1j * _random_like(np.real(value), rng)
    if isinstance(value, float) or np.ndim(value) == 0:
        return float(rng.standard_normal())
    return rng.standard_normal(np.shape(value))


def _vdot(a: Any, b: Any) -> float:
    """The real pairing ``Re(sum(a * b))`` (a plain dot product for real values)."""
    if isinstance(a, (tuple, list)):
        return sum(_vdot(x, y) for x, y in zip(a, b, strict=True))
    if np.iscomplexobj(a) or np.iscomplexobj(b):
        product = np.asarray(a, dtype=np.complex128) * np.asarray(b, dtype=np.complex128)
        return float(np.sum(product).real)
    return float(np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)))


def _shifted(args: list[Any], directions: dict[int, Any], step: float) -> list[Any]:
    return [_add(arg, directions[i], step) if i in directions else arg
            for i, arg in enumerate(args)]


def _add(value: Any, direction: Any, step: float) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_add(v, d, step) for v, d in zip(value, direction, strict=True))
    return value + step * direction
