"""Rules for Python's own numeric functions: builtin ``sum``/``max``/``min``, the ``math``
module's elementwise functions (the same mathematics as numpy's), and ``ndarray.item()``."""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

# numpy's rules must be registered first: the math module reuses them
from . import rules_elementwise, rules_remainders, rules_transcendental  # noqa: F401
from .broadcast import broadcast_like, unbroadcast_to, unreduce
from .registry import (
    constant_argument_names,
    constant_arguments,
    defrule,
    defrule_method,
    lookup_entry,
)

__all__ = [  # plus builtin_extremum_{vjp,jvp}[_argN], made below
    "builtin_sum_jvp",
    "builtin_sum_vjp",
    "item_method_jvp",
    "item_method_vjp",
    "math_erf_jvp",
    "math_erf_vjp",
    "math_erfc_jvp",
    "math_erfc_vjp",
]


def builtin_sum_vjp(g: Any, ans: Any, iterable: Any, start: Any = 0) -> Any:
    """``sum(xs)``: every item receives g (reduced to its shape); an array's items are its
    rows, so its gradient is g reduced to a row's shape, repeated along the first axis."""
    if not isinstance(iterable, (list, tuple)) and np.ndim(iterable) > 0:
        if np.shape(iterable)[0] == 0:
            return np.zeros(np.shape(iterable))
        return unreduce(unbroadcast_to(g, iterable[0]), iterable, 0)
    return [unbroadcast_to(g, item) for item in iterable]


def builtin_sum_jvp(t: Any, ans: Any, iterable: Any, start: Any = 0) -> Any:
    return broadcast_like(builtins.sum(t, 0.0), ans)


def _winners(ans: Any, items: list[Any]) -> list[Any]:
    """Which items equal the extremum (ties share the gradient equally)."""
    dtype = np.asarray(ans).dtype if np.asarray(ans).dtype.kind == "f" else np.float64
    hits = [np.asarray(np.equal(item, ans), dtype=dtype) for item in items]
    count = builtins.sum(hits)
    return [hit / count for hit in hits]


def _items(args: tuple) -> list[Any]:
    return list(args[0]) if len(args) == 1 else list(args)


def _extremum_rules(position: int) -> tuple[Any, Any]:
    """The VJP and JVP rules of argument ``position`` of ``max``/``min`` (ties share)."""

    def vjp(g: Any, ans: Any, *args: Any) -> Any:
        items = _items(args)
        if len(args) == 1:  # max(xs): one gradient per item
            return [unbroadcast_to(g * share, item)
                    for share, item in zip(_winners(ans, items), items, strict=True)]
        return unbroadcast_to(g * _winners(ans, items)[position], items[position])

    def jvp(t: Any, ans: Any, *args: Any) -> Any:
        items = _items(args)
        shares = _winners(ans, items)
        if len(args) == 1:
            return builtins.sum(tangent * share for tangent, share in zip(t, shares,
                                                                          strict=True))
        return t * shares[position]

    suffix = "" if position == 0 else f"_arg{position}"
    for rule, kind in ((vjp, "vjp"), (jvp, "jvp")):
        rule.__name__ = rule.__qualname__ = f"builtin_extremum_{kind}{suffix}"
        rule.__module__ = __name__
        globals()[rule.__name__] = rule
        __all__.append(rule.__name__)
    return vjp, jvp


def item_method_vjp(g: Any, ans: Any, x: Any, *index: Any) -> Any:
    """``x.item()`` of a one-element array: g in x's shape."""
    if index:
        result = np.zeros(np.shape(x), dtype=np.result_type(x, g))
        flat = index[0] if len(index) == 1 else np.ravel_multi_index(index, np.shape(x))
        result.flat[flat] = g
        return result
    return np.full(np.shape(x), g, dtype=np.result_type(x, g))


def item_method_jvp(t: Any, ans: Any, x: Any, *index: Any) -> Any:
    return np.asarray(t).item(*index)


def math_erf_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d erf(x) = 2 / sqrt(pi) exp(-x**2) dx."""
    return g * np.exp(-x * x) * (2.0 / np.sqrt(np.pi))


def math_erf_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.exp(-x * x) * (2.0 / np.sqrt(np.pi))


def math_erfc_vjp(g: Any, ans: Any, x: Any) -> Any:
    """d erfc(x) = -2 / sqrt(pi) exp(-x**2) dx."""
    return g * np.exp(-x * x) * (-2.0 / np.sqrt(np.pi))


def math_erfc_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * np.exp(-x * x) * (-2.0 / np.sqrt(np.pi))


defrule(builtins.sum, vjp=(builtin_sum_vjp, None), jvp=(builtin_sum_jvp, None),
        argnames=("iterable", "start"))
defrule(math.fsum, vjp=(builtin_sum_vjp,), jvp=(builtin_sum_jvp,), argnames=("iterable",))
MAX_ARGUMENTS = 8  # max(a, b, ..., h); more arguments: pass a list
_EXTREMUM = [_extremum_rules(position) for position in range(MAX_ARGUMENTS)]
for _extremum in (builtins.max, builtins.min):
    defrule(_extremum, vjp=tuple(vjp for vjp, _ in _EXTREMUM),
            jvp=tuple(jvp for _, jvp in _EXTREMUM),
            argnames=tuple(f"arg{i}" for i in range(MAX_ARGUMENTS)))
defrule_method("item", vjp=(item_method_vjp,), jvp=(item_method_jvp,), argnames=("self",))
defrule(math.erf, vjp=(math_erf_vjp,), jvp=(math_erf_jvp,), argnames=("x",))
defrule(math.erfc, vjp=(math_erfc_vjp,), jvp=(math_erfc_jvp,), argnames=("x",))

# math.f(x) is numpy's f on a scalar: reuse numpy's rules
_MATH_AS_NUMPY = {
    "sqrt": np.sqrt, "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p,
    "log2": np.log2, "log10": np.log10, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh,
    "tanh": np.tanh, "fabs": np.abs, "atan2": np.arctan2, "hypot": np.hypot,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "degrees": np.degrees,
    "radians": np.radians, "pow": np.power, "fmod": np.fmod, "modf": np.modf,
    "copysign": np.copysign, "ldexp": np.ldexp,
    **({"exp2": np.exp2, "cbrt": np.cbrt} if hasattr(math, "cbrt") else {}),  # Python >= 3.11
}
_power = lookup_entry(np.power)  # pow(base, exp) is base ** exp (pow(base, exp, mod): integers)
defrule(builtins.pow, vjp=(*_power.vjps, None), jvp=(*_power.jvps, None),
        argnames=("base", "exp", "mod"))
for _name, _numpy_function in _MATH_AS_NUMPY.items():
    _entry = lookup_entry(_numpy_function)
    defrule(getattr(math, _name), vjp=_entry.vjps, jvp=_entry.jvps, argnames=_entry.argnames)
    _constants = constant_argument_names(_numpy_function)
    if _constants:  # math.copysign(x, y) is piecewise constant in y, as np.copysign
        constant_arguments(getattr(math, _name), *_constants)
