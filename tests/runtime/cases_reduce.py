"""Sample inputs of the reduction rules added with the folded ``rules_reduce`` (``cumprod``);
loaded by ``rule_cases.py``."""

from __future__ import annotations

import numpy as np
from autodiff_rule_cases import A, C, N, case

_ZEROS = np.array([[1.5, 0.0, -2.0, 0.7, 0.0, 1.1], [0.5, 3.0, 1.2, -0.4, 2.0, 0.0]])

CASES = {
    np.cumprod: [
        case("flat", A(2, 3)),
        case("axis1", A(3, 4), axis=1),
        case("axis0", A(3, 2), 0),
        case("axis-neg", N(2, 3, 4), -1),
        case("zeros", C(_ZEROS), 1),
        case("zeros-flat", C(_ZEROS)),
        case("dtype", A(2, 3), 1, np.float64),
    ],
}
ALIAS_CASES = {"cumprod": [case("axis", A(3, 4), 1), case("flat", A(2, 3))]}
