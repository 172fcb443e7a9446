"""Sample inputs of the ufunc-method rules (``rules_ufunc``: ``reduce``, ``accumulate``,
``reduceat``, ``outer``); loaded by ``rule_cases.py``."""

from __future__ import annotations

import numpy as np
from autodiff_rule_cases import PY, A, C, D, N, P, case

from autodiff.runtime import registry

_ZEROS = np.array([[1.5, 0.0, -2.0], [0.5, 3.0, 1.2], [0.0, 2.0, 0.7]])

CASES = {
    np.add.reduce: [case("default-axis0", N(3, 4)), case("axis1-keepdims", N(2, 3, 4), 1,
                                                          keepdims=True),
                    case("axis-none", N(2, 3), None), case("where", N(3, 4), axis=1,
                                                           where=np.array([1, 0, 1, 1]) > 0)],
    np.multiply.reduce: [case("default", A(3, 4)), case("zeros", C(_ZEROS), 1),
                         case("axes", A(2, 3, 2), (0, 2))],
    np.logaddexp.reduce: [case("default", N(4, 3)), case("axis-neg", N(2, 3, 4), -1),
                          case("keepdims", N(3, 4), 1, keepdims=True)],
    np.logaddexp2.reduce: [case("default", N(4, 3)), case("axis1", N(3, 5), axis=1)],
    np.add.accumulate: [case("default", N(3, 4)), case("axis1", N(2, 3, 4), 1)],
    np.multiply.accumulate: [case("default", A(4, 2)), case("zeros", C(_ZEROS), 1)],
    np.logaddexp.accumulate: [case("default", N(4, 3)), case("axis1", N(2, 5), axis=1)],
    np.add.reduceat: [case("increasing", N(7), [0, 2, 5]),
                      case("repeat-and-drop", N(3, 6), [1, 1, 4, 2], 1),
                      case("axis0", N(5, 2), [0, 3])],
}
for _ufunc in (np.maximum, np.minimum, np.fmax, np.fmin):
    CASES[_ufunc.reduce] = [case("default", D(4, 3)), case("axis1-keepdims", D(3, 4), 1,
                                                            keepdims=True),
                            case("axis-none", D(2, 3), None)]
    CASES[_ufunc.accumulate] = [case("default", D(5, 2)), case("axis1", D(2, 6), 1)]

# the other methods of every binary ufunc with elementwise rules (rules_ufunc_generic), with
# operands in the ufunc's smooth domain
_DOMAINS = {np.subtract: (N, N), np.logaddexp: (N, N), np.logaddexp2: (N, N), np.power: (P, N),
            np.float_power: (P, N), np.divide: (N, A), np.maximum: (D, D), np.minimum: (D, D),
            np.fmax: (D, D),
            np.fmin: (D, D)}
_FOLD_DOMAINS = {np.power: P, np.float_power: P, np.subtract: N, np.logaddexp2: N}
for _entry in registry.registered():
    _ufunc = _entry.primitive
    if not (isinstance(_ufunc, np.ufunc) and _ufunc.nin == 2 and _ufunc.signature is None):
        continue
    _a, _b = _DOMAINS.get(_ufunc, (A, A))
    if _ufunc.outer not in CASES and registry.lookup(_ufunc.outer) is not None:
        CASES[_ufunc.outer] = [case("1d-1d", _a(3), _b(4)), case("2d-1d", _a(2, 3), _b(2)),
                               case("0d-2d", _a(), _b(2, 2))]
    _fold = _FOLD_DOMAINS.get(_ufunc, A)
    if _ufunc.reduce not in CASES and registry.lookup(_ufunc.reduce) is not None:
        CASES[_ufunc.reduce] = [case("default", _fold(4, 3)),
                                case("axis1-keepdims", _fold(3, 4), 1, keepdims=True),
                                case("1d-axis-none", _fold(5), None)]
    if _ufunc.accumulate not in CASES and registry.lookup(_ufunc.accumulate) is not None:
        CASES[_ufunc.accumulate] = [case("default", _fold(4, 2)), case("axis1", _fold(2, 3, 4), 1)]
CASES[np.multiply.outer].append(case("pyfloat", PY(), N(3)))
