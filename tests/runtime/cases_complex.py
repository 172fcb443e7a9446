"""Sample inputs of the complex-number rules (``runtime/rules_complex.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from autodiff_rule_cases import A, N, case

from autodiff.runtime.registry import AttributeKey


def Z(*shape: int) -> tuple[Any, ...]:
    """A complex array of this shape, modulus in [0.5, 2] (see ``rule_cases._draw``)."""
    return ("complex", shape)


def _unary_cases() -> list[Any]:
    return [case("complex-0d", Z()), case("complex-1d", Z(5)), case("complex-2x3", Z(2, 3)),
            case("real-1d", N(4))]


CASES: dict[Any, list[Any]] = {
    np.real: _unary_cases(),
    np.imag: _unary_cases(),
    np.conjugate: _unary_cases(),
    np.angle: [case("complex-1d", Z(5)), case("complex-2x3-deg", Z(2, 3), True),
               case("complex-kw-deg", Z(4), deg=True), case("real-away0", A(4))],
    np.real_if_close: [
        case("complex-stays", Z(2, 3)),
        case("real-input", N(4)),
        case("tol", Z(3), tol=1000),
    ],
    AttributeKey("real"): [case("complex-2x3", Z(2, 3)), case("real-1d", N(4))],
    AttributeKey("imag"): [case("complex-2x3", Z(2, 3)), case("real-1d", N(4))],
}

ALIAS_CASES: dict[str, list[Any]] = {
    "conj": [case("complex-2x3", Z(2, 3)), case("real-1d", N(4))],
    "conjugate": [case("complex-1d", Z(5))],
}
