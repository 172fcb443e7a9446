"""Sample inputs of the complex-number rules (``runtime/rules_complex.py``), and complex
samples of the elementwise rules that must hold for complex arguments too (holomorphic
functions, ``abs``, mixed real and complex operands)."""

from __future__ import annotations

from typing import Any

import numpy as np
from autodiff_rule_cases import A, N, P, case

from autodiff.runtime.broadcast import is_complex
from autodiff.runtime.registry import AttributeKey


def Z(*shape: int) -> tuple[Any, ...]:
    """A complex array of this shape, modulus in [0.5, 2] (see ``rule_cases._draw``)."""
    return ("complex", shape)


def _unary_cases() -> list[Any]:
    return [case("complex-0d", Z()), case("complex-1d", Z(5)), case("complex-2x3", Z(2, 3)),
            case("real-1d", N(4))]


def _complex_binary() -> list[Any]:
    return [case("complex-complex", Z(2, 3), Z(2, 3)), case("complex-bcast", Z(3, 1), Z(4)),
            case("real-complex", N(2, 3), Z(3)), case("complex-real", Z(3), N(2, 3))]


CASES: dict[Any, list[Any]] = {
    np.real: _unary_cases(),
    np.imag: _unary_cases(),
    np.conjugate: _unary_cases(),
    np.angle: [case("complex-1d", Z(5)), case("complex-2x3-deg", Z(2, 3), True),
               case("complex-kw-deg", Z(4), deg=True), case("real-away0", A(4))],
    np.real_if_close: [case("complex-stays", Z(2, 3)), case("real-input", N(4)),
                       case("tol", Z(3), tol=1000)],
    AttributeKey("real"): [case("complex-2x3", Z(2, 3)), case("real-1d", N(4))],
    AttributeKey("imag"): [case("complex-2x3", Z(2, 3)), case("real-1d", N(4))],
    # elementwise rules (rules_elementwise, rules_transcendental) at complex points
    np.absolute: [case("complex-0d", Z()), case("complex-2x3", Z(2, 3))],
    abs: [case("complex-1d", Z(4))],
    np.power: [case("complex-complex", Z(3), Z(3)), case("complex-base", Z(2, 3), N(3)),
               case("positive-base-complex-exponent", P(3), Z(2, 3)),
               case("real-base-complex-exponent", N(3), Z(3)),
               case("complex-int-exponent", Z(4), 3)],
    **{ufunc: _complex_binary() for ufunc in (np.add, np.subtract, np.multiply, np.divide)},
    **{ufunc: [case("complex-1d", Z(5)), case("complex-2x3", Z(2, 3))]
       for ufunc in (np.exp, np.log, np.sqrt, np.square, np.reciprocal, np.negative, np.sin,
                     np.cos, np.tan, np.sinh, np.cosh, np.tanh, np.expm1, np.log1p, np.log2,
                     np.log10, np.exp2)},
}

ALIAS_CASES: dict[str, list[Any]] = {
    "conj": [case("complex-2x3", Z(2, 3)), case("real-1d", N(4))],
    "conjugate": [case("complex-1d", Z(5))],
}

# the predicates rules_complex declares non-differentiable (booleans), for test_nondiff.py
NONDIFF_CASES: dict[Any, tuple[Any, ...]] = {
    np.iscomplexobj: (N(2, 3),),
    np.isrealobj: (N(2, 3),),
    np.iscomplex: (N(4),),
    np.isreal: (Z(4),),
    is_complex: (N(3),),
}
