"""Sample inputs of the elementwise rules added after ``rule_cases.py``'s table: the remainder
family (``mod``/``fmod``/``divmod``), ``heaviside``, the evenly spaced constructors and the
functions of ``rules_transcendental`` and ``rules_elementwise`` listed in ``UNARY``/``BINARY``.
Loaded by ``rule_cases.py`` (``CASES`` merges into its table)."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
from autodiff_rule_cases import PY, C, N, P, case

CASES: dict[Any, list[Any]] = {}


def add(primitive: Any, *cases: Any) -> None:
    CASES.setdefault(primitive, []).extend(cases)


def binary_shapes(lhs: Any, rhs: Any) -> tuple[Any, ...]:
    """Same shapes, broadcasting both ways, scalars and 0-d arrays."""
    return (
        case("same-3x4", lhs(3, 4), rhs(3, 4)),
        case("bcast-3x1-4", lhs(3, 1), rhs(4)),
        case("0d-2x3", lhs(), rhs(2, 3)),
        case("2x3-0d", lhs(2, 3), rhs()),
        case("bcast-2x1x3-4x1", lhs(2, 1, 3), rhs(4, 1)),
    )


# ---- remainders: x1 / x2 stays away from integers (the jumps) at random points ---------------

for _prim in (np.mod, np.fmod, np.divmod):
    add(_prim, *binary_shapes(N, P), case("negative-divisor", N(3, 4), C(-0.7)))
add(np.mod, case("pyfloat-divisor", N(5), PY("positive")))
add(builtins.divmod, case("arrays", N(3, 4), P(4)), case("pyfloats", PY(), PY("positive")))

# ---- heaviside: x2 is the value where x1 == 0 ---------------------------------------------------

_WITH_ZEROS = np.array([[0.0, 1.5, -2.0], [0.0, 0.0, -0.5]])
add(
    np.heaviside,
    case("zeros", C(_WITH_ZEROS), N(2, 3)),
    case("bcast-x2", C(_WITH_ZEROS), N(3)),
    case("0d-x2", C(_WITH_ZEROS), N()),
)

# ---- evenly spaced values ------------------------------------------------------------------------

add(
    np.linspace,
    case("pyfloats", PY(), PY(), 7),
    case("0d", N(), N(), 5),
    case("arrays", N(3), N(3), 4),
    case("bcast-axis-last", N(2, 1), N(3), 4, axis=-1),
    case("axis1", N(2, 3), N(3), 5, axis=1),
    case("no-endpoint", N(), N(2), 6, endpoint=False),
    case("retstep", N(2), N(2), 5, retstep=True),
    case("retstep-no-endpoint", N(), N(), 3, False, True),
    case("one-sample", N(3), N(3), 1),
    case("default-num", N(), N()),
)
add(
    np.arange,
    case("start-stop", PY(), C(6.0)),
    case("start-stop-step", PY(), C(4.0), PY("positive")),
    case("0d-start-step", N(), C(3.0), P()),
    case("stop-only", PY("positive")),
    case("negative-step", PY(), C(-4.0), C(-0.75)),
)
