"""Sample inputs of the rules added for issue 14's numpy/scipy surface gaps (numpy side):
``structure_like`` (what ``np.array``'s rules call), ...; loaded by ``rule_cases.py``."""

from __future__ import annotations

from autodiff.runtime.rules_fill import structure_like
from autodiff_rule_cases import L, N, T, case

CASES = {
    structure_like: [case("list-of-scalars", N(3), L(N(), N(), N())),
                     case("nested", N(2, 2), L(T(N(), N()), L(N(), N()))),
                     case("list-of-arrays", N(2, 3), L(N(3), N(3))),
                     case("array", N(6), N(2, 3))],
}
