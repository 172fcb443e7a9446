"""Sample inputs of the shape, join, split, padding and selection rules added with the folded
rule modules (``rules_shape``, ``rules_join``, ``rules_fill``); loaded by ``rule_cases.py``."""

from __future__ import annotations

import numpy as np
from autodiff_rule_cases import PY, B, L, N, T, case

CASES = {
    np.atleast_1d: [case("0d", N()), case("2d", N(2, 3)),
                    case("four", N(), N(3), N(2, 3), PY())],
    np.atleast_2d: [case("0d", N()), case("1d", N(3)), case("3d", N(2, 1, 3)),
                    case("four", N(3), N(), N(2, 1, 3), N(2, 2))],
    np.atleast_3d: [case("1d", N(4)), case("2d", N(2, 3)),
                    case("four", N(2), N(2, 3), N(), N(1, 2, 3, 1))],
    np.rollaxis: [case("to-front", N(2, 3, 4), 2), case("start", N(2, 3, 4), 0, 2),
                  case("neg", N(2, 3, 4), -1, 1)],
    np.fliplr: [case("2d", N(3, 4)), case("3d", N(2, 3, 2))],
    np.flipud: [case("1d", N(5)), case("2d", N(3, 4))],
    np.rot90: [case("k1", N(3, 4)), case("k2", N(3, 4), 2),
               case("k-neg-axes", N(2, 3, 4), -1, (2, 0))],
    np.take_along_axis: [
        case("argsort", N(3, 4), np.array([[0, 3, 1, 1], [2, 2, 0, 1], [3, 2, 1, 0]]), 1),
        case("axis0-bcast", N(3, 4), np.array([[2, 0, 0, 1]]), axis=0),
        case("axis-none", N(2, 3), np.array([5, 0, 0, -1]), None),
    ],
    np.pad: [
        case("constant", N(2, 3), 1),
        case("constant-values", N(3), (2, 1), "constant", constant_values=7.0),
        case("edge", N(2, 3), ((1, 2), (0, 3)), "edge"),
        case("reflect", N(4), 3, mode="reflect"),
        case("symmetric", N(2, 3), ((2, 0), (1, 4)), "symmetric"),
        case("wrap", N(3, 2), ((1, 5), (2, 2)), "wrap"),
    ],
    np.select: [
        case("two", L(B(3, 4), B(3, 4)), L(N(3, 4), N(3, 4)), N(3, 4)),
        case("bcast", L(B(4), B(3, 1)), L(N(3, 1), N(4)), PY()),
        case("default-0", T(B(5),), T(N(5),)),
    ],
    np.dstack: [case("1d", L(N(3), N(3))), case("2d-3d", L(N(2, 3), N(2, 3, 2)))],
    np.column_stack: [case("1d-2d", L(N(3), N(3, 2))), case("1d", T(N(4), N(4)))],
    np.hsplit: [case("2d", N(2, 6), 3), case("1d", N(6), [1, 4])],
    np.vsplit: [case("2d", N(4, 3), 2), case("indices", N(5, 2), [2])],
    np.dsplit: [case("3d", N(2, 1, 4), 2)],
}


# np.append: both arguments flattened (axis=None) or joined along an axis
CASES[np.append] = [case("flat", N(2, 3), N(4)), case("axis0", N(2, 3), N(1, 3), axis=0),
                    case("axis-last", N(2, 3), N(2, 2), axis=-1), case("0d-values", N(3), N())]
