"""Sample inputs of the elementwise rules added after ``rule_cases.py``'s table: the remainder
family (``mod``/``fmod``/``divmod``), ``heaviside``, the evenly spaced constructors and the
functions added after it (``sinc``, the angle conversions, ``float_power``, ``copysign``, ``ldexp``,
``modf``, ``nan_to_num``, more of the math module), and ``NONDIFF_CASES`` for the
non-differentiable entries declared with them. Loaded by ``rule_cases.py``, which merges these
tables into its own."""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np
from autodiff_rule_cases import PY, A, C, N, P, case
from autodiff_rule_cases import R as OFF

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
    case("random-x1", A(2, 3), N(2, 3)),  # away from the step: x2 gets nothing
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

# ---- functions autograd or jax.numpy differentiate, added here -----------------------------------

for _prim, _domain in {
    np.sinc: N, np.deg2rad: N, np.radians: N, np.rad2deg: N, np.degrees: N, np.fabs: A,
}.items():  # fmt: skip
    add(_prim, case("0d", _domain()), case("1d", _domain(5)), case("3d", _domain(2, 3, 4)))
add(np.sinc, case("near-0", C(np.array([0.0, 1e-5, -3e-3, 0.0099, 0.0101, 2.5]))),
    case("pyfloat", PY()))
add(np.float_power, *binary_shapes(P, N), case("int-exponent", P(3, 4), C(3)))
add(np.copysign, *binary_shapes(A, N))
add(np.nextafter, *binary_shapes(N, N))
add(np.ldexp, case("same", N(3, 4), C(np.array([0, 1, -2, 3]))), case("0d-exponent", N(2, 3), C(2)),
    case("bcast", N(3, 1), C(np.array([1, -1]))))
add(np.modf, case("1d", N(5)), case("3d", N(2, 3, 4)), case("0d", N()))
_SPECIAL = np.array([[1.5, np.nan, np.inf], [-np.inf, -0.25, np.nan]])
add(np.nan_to_num,
    # the default replacements of infinities are the largest floats: no finite differences there
    case("defaults-nan", C(np.array([[1.5, np.nan, -0.5], [np.nan, 2.0, 0.25]]))),
    case("replacements", C(_SPECIAL), C(True), PY(), PY(), PY()),
    case("keywords", C(_SPECIAL), nan=0.5, posinf=9.0, neginf=-9.0),
    case("finite", N(3, 4)))

for _name, _kind in (("asinh", "normal"), ("acosh", "above1"), ("atanh", "unit"),
                     ("degrees", "normal"), ("radians", "normal"), ("erf", "normal"),
                     ("erfc", "normal"), ("modf", "normal")):
    add(getattr(math, _name), case("pyfloat", PY(_kind)))
for _name in ("exp2", "cbrt"):
    if hasattr(math, _name):
        add(getattr(math, _name), case("pyfloat", PY("positive")))
add(math.pow, case("pyfloat", PY("positive"), PY()))
add(builtins.pow, case("pyfloat", PY("positive"), PY()), case("arrays", P(3, 1), N(4)))
add(math.fmod, case("pyfloat", PY(), PY("positive")))
add(math.copysign, case("pyfloat", PY("away0"), PY()))
add(math.ldexp, case("pyfloat", PY(), C(3)))
add(math.fsum, case("pyfloats", ("list", (PY(), PY(), PY()))))

# ---- declared non-differentiable here: integer or boolean outputs, piecewise constant ----------

_INTS = C(np.array([3, 6, 12]))
NONDIFF_CASES = {
    np.spacing: (N(3, 4),),
    math.floor: (PY("offgrid"),),
    math.ceil: (PY("offgrid"),),
    math.trunc: (PY("offgrid"),),
    np.isposinf: (C(_SPECIAL),),
    np.isneginf: (C(_SPECIAL),),
    np.isin: (N(4), N(3)),
    np.argwhere: (N(2, 3),),
    np.digitize: (OFF(5), C(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]))),
    np.gcd: (_INTS, C(4)),
    np.lcm: (_INTS, C(4)),
    np.left_shift: (_INTS, C(2)),
    np.right_shift: (_INTS, C(1)),
    math.isnan: (PY(),),
    math.isinf: (PY(),),
    math.isfinite: (PY(),),
    math.isclose: (PY(), PY()),
}
