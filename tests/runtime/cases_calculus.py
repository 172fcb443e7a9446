"""Sample inputs of the finite-difference, integral, interpolation and polynomial rules
(``rules_calculus``, ``rules_interp``); loaded by ``rule_cases.py``."""

from __future__ import annotations

import numpy as np
from autodiff_rule_cases import PY, C, N, case

from autodiff.runtime.rules_calculus import TRAPEZOIDS

_XP = np.array([-1.5, -0.4, 0.3, 1.1, 2.0])
_X_IN = np.array([[-1.2, 0.0, 0.7], [1.5, -0.9, 1.9]])  # inside, away from the knots
_X_OUT = np.array([-2.5, -0.1, 0.9, 2.7, 3.4])  # two below/above the range
_COORDS = np.array([0.0, 0.4, 1.1, 1.5, 2.6])


def _bool(*rows: list) -> np.ndarray:
    return np.array(rows if len(rows) > 1 else rows[0], dtype=bool)


CASES = {
    np.diff: [
        case("1d", N(6)),
        case("n2-axis0", N(5, 3), 2, 0),
        case("prepend-scalar", N(2, 4), 1, -1, PY()),
        case("prepend-append", N(3, 4), 1, 0, N(1, 4), N(2, 4)),
        case("n3-append", N(2, 6), 3, -1, np._NoValue, N(2, 1)),
    ],
    np.gradient: [
        case("1d", N(6)),
        case("2d-both", N(3, 4)),
        case("spacing", N(5), PY("positive")),
        case("int-coords-edge2", N(5), C(np.array([0, 2, 3, 5, 8])), edge_order=2),
        case("axis1-spacing", N(3, 4), 0.7, axis=1),
        case("2d-two-spacings", N(3, 4), PY("positive"), PY("positive")),
        case("3d-three-spacings", N(3, 2, 4), PY("positive"), PY("positive"), PY("positive")),
        case("3d-axes-two-spacings", N(3, 2, 4), PY("positive"), PY("positive"), axis=(0, 2)),
    ],
    np.interp: [
        case("inside", C(_X_IN), C(_XP), N(5)),
        case("outside", C(_X_OUT), C(_XP), N(5)),
        case("left-right", C(_X_OUT), C(_XP), N(5), PY(), PY()),
        case("scalar-x", PY("unit"), C(_XP), N(5)),
    ],
    np.polyval: [
        case("1d-x", N(4), N(5)),
        case("2d-x", N(3), N(2, 3)),
        case("constant", N(1), N(3)),
        case("0d-x", N(5), N()),
    ],
    np.piecewise: [
        case("two-funcs", N(6), [_bool([1, 0, 1, 0, 0, 1]), _bool([0, 0, 1, 1, 0, 0])],
             [np.sin, np.exp]),
        case("otherwise-constant", N(2, 3), [_bool([1, 0, 0], [0, 1, 1])], [np.tanh, 0.5]),
        case("single-cond", N(5), _bool([1, 1, 0, 0, 1]), [np.square, np.negative]),
    ],
}
for _trapezoid in TRAPEZOIDS:  # np.trapezoid and, in numpy < 2.4, np.trapz
    CASES[_trapezoid] = [
        case("dx", N(5), None, PY("positive")),
        case("x-1d", N(2, 5), C(_COORDS)),
        case("x-nd", N(3, 4), N(3, 4), axis=1),
        case("axis0", N(4, 3), axis=0),
    ]
