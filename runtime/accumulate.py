"""Adjoint values in generated code: accumulation, zeros and output seeds. Never in place."""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import _COMPLEX_DTYPES, is_complex, unbroadcast_to
from .namespace import array_namespace, is_foreign
from .registry import constant_arguments, defjvp, defvjp


def add(a: Any, b: Any) -> Any:
    """Sum two adjoint contributions; tuples and lists are summed leaf by leaf."""
    if isinstance(a, (tuple, list)):
        return type(a)(add(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return {key: add(value, b[key]) for key, value in a.items()}
    return a + b


def zeros_like(x: Any) -> Any:
    """A zero adjoint with the structure, shape and dtype of ``x`` (0.0 for a Python number)."""
    if isinstance(x, (tuple, list)):
        items = [zeros_like(item) for item in x]
        return tuple(items) if hasattr(x, "_fields") else type(x)(items)  # namedtuple: a tuple
    if isinstance(x, dict):
        return {key: zeros_like(value) for key, value in x.items()}
    if isinstance(x, (float, int)):
        return 0.0
    if is_foreign(x):
        return array_namespace(x).zeros_like(x)
    return np.zeros_like(x)


def ones_like(x: Any) -> Any:
    """An all-ones sensitivity with the structure, shape and dtype of ``x``."""
    if isinstance(x, (tuple, list)):
        return type(x)(ones_like(item) for item in x)
    if isinstance(x, dict):
        return {key: ones_like(value) for key, value in x.items()}
    if isinstance(x, (float, int)):
        return 1.0
    if isinstance(x, np.generic):
        return x.dtype.type(1)
    if is_foreign(x):
        return array_namespace(x).ones_like(x)
    return np.ones_like(x)


def seed(value: Any, given: Any) -> Any:
    """The output sensitivity: ``given`` if the caller passed one, else ones like ``value``.

    Without a sensitivity the output must be real: the gradient of a complex output is not
    defined (only its vector-Jacobian product with a given cotangent is)."""
    if given is None:
        if isinstance(value, float):  # Python floats and np.float64: the common case
            return 1.0
        if type(value) is np.ndarray:
            if value.dtype in _COMPLEX_DTYPES:
                _complex_output(value)
            return np.ones_like(value)
        if isinstance(value, np.generic):
            if value.dtype in _COMPLEX_DTYPES:
                _complex_output(value)
            return value.dtype.type(1)
        return _real_ones_like(value)
    _check_seed(value, given)
    return given


def _real_ones_like(value: Any) -> Any:
    """``ones_like(value)``, refusing complex leaves."""
    if isinstance(value, (tuple, list)):
        return type(value)(_real_ones_like(item) for item in value)
    if isinstance(value, dict):
        return {key: _real_ones_like(item) for key, item in value.items()}
    if isinstance(value, (float, int)):
        return 1.0
    if is_complex(value):
        _complex_output(value)
    return ones_like(value)


def _complex_output(value: Any) -> None:
    raise TypeError(
        f"grad needs a real-valued output, but the function returned a complex value "
        f"({np.result_type(value)}); a complex output has no gradient, only vector-Jacobian "
        "products: differentiate a real function of it (np.real(out), np.abs(out) ** 2, ...), "
        "or call autodiff.vjp(f, x) and pass the complex cotangent to the returned function")


def _check_seed(value: Any, given: Any) -> None:
    if isinstance(value, (tuple, list)):
        if not isinstance(given, (tuple, list)) or len(given) != len(value):
            raise ValueError(
                f"the sensitivity must be a tuple of {len(value)} items like the output, "
                f"got {type(given).__name__}"
            )
        for item, item_given in zip(value, given, strict=True):
            _check_seed(item, item_given)
        return
    if np.shape(given) != np.shape(value):
        raise ValueError(
            f"the sensitivity has shape {np.shape(given)} but the output it seeds has shape "
            f"{np.shape(value)}; pass an array of the output's shape"
        )


def seed_aux(value: Any, given: Any) -> Any:
    """Seed only output 0 of a ``has_aux`` function's tuple output; the aux outputs get zeros."""
    if not isinstance(value, tuple) or len(value) < 2:
        raise ValueError("has_aux=True needs the function to return a tuple of at least two "
                         "outputs (the value to differentiate, then the auxiliary data)")
    return (seed(value[0], given), *(zeros_like(item) for item in value[1:]))


# ---- rules, so that generated code can itself be differentiated (higher order) ---------------


def _reduce_to(g: Any, target: Any) -> Any:
    if isinstance(target, (tuple, list, dict)):
        return g
    return unbroadcast_to(g, target)


def add_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    return _reduce_to(g, a)


def add_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    return _reduce_to(g, b)


def _like_output(t: Any, ans: Any) -> Any:
    if isinstance(ans, (tuple, list, dict)) or np.shape(t) == np.shape(ans):
        return t
    return np.broadcast_to(t, np.shape(ans))


def add_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return _like_output(t, ans)


def add_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return _like_output(t, ans)


def seed_vjp_given(g: Any, ans: Any, value: Any, given: Any) -> Any:
    return g


def seed_jvp_given(t: Any, ans: Any, value: Any, given: Any) -> Any:
    return t


def seed_aux_vjp_given(g: Any, ans: Any, value: Any, given: Any) -> Any:
    return g[0]


def seed_aux_jvp_given(t: Any, ans: Any, value: Any, given: Any) -> Any:
    return (t, *(zeros_like(item) for item in value[1:]))


defvjp(add, add_vjp_a, add_vjp_b, argnames=("a", "b"))
defjvp(add, add_jvp_a, add_jvp_b, argnames=("a", "b"))
# the seed is ``given`` or ones shaped like ``value``: it does not depend on value's values
constant_arguments(seed, "value")
constant_arguments(seed_aux, "value")
defvjp(seed, None, seed_vjp_given, argnames=("value", "given"))
defjvp(seed, None, seed_jvp_given, argnames=("value", "given"))
defvjp(seed_aux, None, seed_aux_vjp_given, argnames=("value", "given"))
defjvp(seed_aux, None, seed_aux_jvp_given, argnames=("value", "given"))

__all__ = [
    "add",
    "add_jvp_a",
    "add_jvp_b",
    "add_vjp_a",
    "add_vjp_b",
    "ones_like",
    "seed",
    "seed_aux",
    "seed_aux_jvp_given",
    "seed_aux_vjp_given",
    "seed_jvp_given",
    "seed_vjp_given",
    "zeros_like",
]
