"""``check_grads``: compare autodiff's gradients with central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .api import grad


def check_grads(fn: Callable[..., Any], args: Sequence[Any], order: int = 1,
                modes: Sequence[str] = ("rev",), rtol: float = 1e-5, atol: float = 1e-6,
                eps: float = 1e-6, seed: int = 0) -> None:
    """Raise ``AssertionError`` unless reverse-mode gradients of ``fn`` at ``args`` match
    central finite differences along a random direction, for a random output projection.

    Floating-point arguments are differentiated (in float64); others are held fixed.
    """
    if order != 1:
        raise ValueError(f"check_grads supports order=1 so far, got order={order}")
    unknown = set(modes) - {"rev"}
    if unknown:
        raise ValueError(f"check_grads supports modes=('rev',) so far, got {sorted(unknown)}")
    rng = np.random.default_rng(seed)
    args = [_as_float64(arg) for arg in args]
    positions = tuple(i for i, arg in enumerate(args) if _is_float(arg))
    if not positions:
        raise ValueError("check_grads needs at least one floating-point argument")
    output = fn(*args)
    projection = _random_like(output, rng)
    gradients = grad(fn, positions, sens_param=True)(*args, projection)
    if len(positions) == 1:
        gradients = (gradients,)
    directions = {p: _random_like(args[p], rng) for p in positions}
    predicted = sum(_vdot(gradients[i], directions[p]) for i, p in enumerate(positions))
    shifted_up = _shifted(args, directions, eps)
    shifted_down = _shifted(args, directions, -eps)
    measured = (_vdot(projection, fn(*shifted_up)) - _vdot(projection, fn(*shifted_down))) \
        / (2 * eps)
    if not np.isclose(predicted, measured, rtol=rtol, atol=atol):
        raise AssertionError(f"gradient check failed for {getattr(fn, '__name__', fn)}: "
                             f"autodiff gives {predicted!r}, finite differences {measured!r}")


def _is_float(value: Any) -> bool:
    if isinstance(value, (tuple, list)):
        return bool(value) and all(_is_float(item) for item in value)
    return isinstance(value, float) or (isinstance(value, np.ndarray) and value.dtype.kind == "f")


def _as_float64(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_as_float64(item) for item in value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float64)
    return value


def _random_like(value: Any, rng: np.random.Generator) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_random_like(item, rng) for item in value)
    if isinstance(value, float) or np.ndim(value) == 0:
        return float(rng.standard_normal())
    return rng.standard_normal(np.shape(value))


def _vdot(a: Any, b: Any) -> float:
    if isinstance(a, (tuple, list)):
        return sum(_vdot(x, y) for x, y in zip(a, b, strict=True))
    return float(np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)))


def _shifted(args: list[Any], directions: dict[int, Any], step: float) -> list[Any]:
    return [_add(arg, directions[i], step) if i in directions else arg
            for i, arg in enumerate(args)]


def _add(value: Any, direction: Any, step: float) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_add(v, d, step) for v, d in zip(value, direction, strict=True))
    return value + step * direction
