"""The audit of the non-differentiable table (``rules_nondiff`` and every other declaration) and
``stop_gradient``.

Every declared primitive has sample arguments below (or in a ``NONDIFF_CASES`` table of a
``tests/runtime/cases_*.py`` file), and the claim is checked at random points: the output does
not move at all when its float inputs move by ``±EPS`` (so its central differences are exactly
zero), away from the jumps; integer, boolean and shape results pass by being equal. Something
whose output moved belongs in the rule table, not here. A declaration without sample arguments
fails ``test_every_declared_primitive_has_a_case``.
"""

from __future__ import annotations

import builtins
import importlib.util
import operator
import pathlib
import sys
from typing import Any

import numpy as np
import pytest

import autodiff.runtime as rt
from autodiff import ops
from autodiff.runtime import accumulate, broadcast, registry
from autodiff.runtime.registry import AttributeKey, MethodKey


def _load_rule_cases() -> Any:
    name = "autodiff_rule_cases"
    if name not in sys.modules:
        path = pathlib.Path(__file__).with_name("rule_cases.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


R = _load_rule_cases()
N, C, D, B = R.N, R.C, R.D, R.B
OFF = R.R  # offgrid: at least 0.2 away from every integer and half-integer (rounding jumps)
EPS = 1e-6
UNINITIALIZED = (np.empty, np.empty_like)  # only their shape and dtype are defined
_INTS = C(np.array([3, 5, 12]))
_SORTED = C(np.array([-2.0, -0.5, 0.25, 1.0, 2.5]))

# primitive -> argument specs (``rule_cases`` specs: N normal, OFF offgrid, C constant, ...)
NONDIFF: dict[Any, tuple[Any, ...]] = {
    np.sign: (N(3, 4),),
    np.floor: (OFF(3, 4),),
    np.ceil: (OFF(3, 4),),
    np.round: (OFF(3, 4),),
    np.around: (OFF(3, 4),),
    np.rint: (OFF(3, 4),),
    np.trunc: (OFF(3, 4),),
    np.fix: (OFF(3, 4),),
    np.floor_divide: (OFF(3, 4), C(1.0)),
    np.argmax: (D(3, 4),),
    np.argmin: (D(3, 4), 1),
    np.argsort: (D(6),),
    np.nonzero: (N(2, 3),),
    np.flatnonzero: (N(2, 3),),
    np.count_nonzero: (N(2, 3),),
    np.searchsorted: (_SORTED, OFF(3)),
    np.equal: (N(3), N(3)),
    np.not_equal: (N(3), N(3)),
    np.less: (N(3), N(3)),
    np.less_equal: (N(3), N(3)),
    np.greater: (N(3), N(3)),
    np.greater_equal: (N(3), N(3)),
    np.logical_and: (N(3), N(3)),
    np.logical_or: (N(3), N(3)),
    np.logical_not: (N(3),),
    np.logical_xor: (N(3), N(3)),
    np.isnan: (N(3),),
    np.isinf: (N(3),),
    np.isfinite: (N(3),),
    np.signbit: (N(3),),
    np.isclose: (N(3), N(3)),
    np.allclose: (N(3), N(3)),
    np.array_equal: (N(3), N(3)),
    np.any: (N(2, 3),),
    np.all: (N(2, 3),),
    np.invert: (_INTS,),
    np.bitwise_and: (_INTS, C(6)),
    np.bitwise_or: (_INTS, C(6)),
    np.bitwise_xor: (_INTS, C(6)),
    np.shape: (N(2, 3),),
    np.ndim: (N(2, 3),),
    np.size: (N(2, 3),),
    np.result_type: (N(2),),
    np.zeros_like: (N(2, 3),),
    np.ones_like: (N(2, 3),),
    np.empty_like: (N(2, 3),),
    np.zeros: (C((2, 3)),),
    np.ones: (C((2, 3)),),
    np.empty: (C((2, 3)),),
    np.eye: (C(3), C(4), C(1)),
    np.identity: (C(3),),
    np.tri: (C(3), C(4)),
    np.tril_indices: (C(3),),
    np.triu_indices: (C(3), C(1)),
    np.diag_indices: (C(3),),
    np.indices: (C((2, 3)),),
    np.unravel_index: (_INTS, C((4, 4))),
    accumulate.zeros_like: (N(2, 3),),
    accumulate.ones_like: (N(2, 3),),
    broadcast.shape: (N(2, 3),),
    ops.ones: (C((2, 3)),),
    ops.zeros: (C((2, 3)),),
    builtins.len: (N(4),),
    builtins.range: (C(3),),
    builtins.int: (R.PY("offgrid"),),
    builtins.bool: (R.PY(),),
    builtins.round: (R.PY("offgrid"),),
    builtins.isinstance: (N(2), C(np.ndarray)),
    builtins.print: (C("printed by test_nondiff:"), N(2)),
    operator.not_: (R.PY(),),
    operator.is_: (N(), C(None)),
    operator.is_not: (N(), C(None)),
    operator.contains: (N(4), C(0.3)),
    MethodKey("argmax"): (D(3, 4),),
    MethodKey("argmin"): (D(3, 4),),
    MethodKey("argsort"): (D(5),),
    MethodKey("nonzero"): (N(2, 3),),
    MethodKey("any"): (N(2, 3),),
    MethodKey("all"): (N(2, 3),),
    **{AttributeKey(n): (N(2, 3),) for n in ("shape", "ndim", "size", "dtype")},
    **{AttributeKey(n): (N(2, 3),) for n in ("itemsize", "nbytes")},
    **R.NONDIFF_CASES,
}
BY_DESIGN = (rt.stop_gradient,)  # the identity on values: constant by design (tested below)


def _name(primitive: Any) -> str:
    if isinstance(primitive, (MethodKey, AttributeKey)):
        return f"x.{primitive.name}"
    module = getattr(primitive, "__module__", None) or ""
    return f"{module.rpartition('.')[2]}.{getattr(primitive, '__name__', repr(primitive))}"


def call(primitive: Any, arguments: tuple[Any, ...]) -> Any:
    if isinstance(primitive, MethodKey):
        return getattr(arguments[0], primitive.name)()
    if isinstance(primitive, AttributeKey):
        return getattr(arguments[0], primitive.name)
    return primitive(*arguments)


def same(a: Any, b: Any, values: bool = True) -> bool:
    """Equal structure, shapes and dtypes, and (with ``values``) equal values, NaN included."""
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y, values) for x, y in zip(a, b, strict=True))
    if isinstance(a, (np.ndarray, np.generic)):
        return (np.shape(a) == np.shape(b) and a.dtype == b.dtype
                and (not values or np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    return type(a) is type(b) and (not values or a == b)


def perturbed(arguments: tuple[Any, ...], step: float, rng: Any) -> tuple[Any, ...]:
    """Every float input (Python float or float array) moved by ``step`` in a random direction."""
    moved = []
    for a in arguments:
        if isinstance(a, float):
            a = a + step * rng.normal()
        elif isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == "f":
            a = a + step * rng.normal(size=np.shape(a))
        moved.append(a)
    return tuple(moved)


def _is_builtin(primitive: Any) -> bool:
    """Declared by numpy, Python or autodiff itself (tests may declare their own functions)."""
    if isinstance(primitive, (MethodKey, AttributeKey)):
        return True
    module = getattr(primitive, "__module__", None) or ""
    return module.split(".")[0] in ("numpy", "builtins", "_operator", "math", "autodiff", "scipy")


def declared() -> list[Any]:
    registry.load_all_lazy()
    return [p for p in registry.nondifferentiable_primitives() if _is_builtin(p)]


CHECKED = [pytest.param(p, specs, id=_name(p)) for p, specs in NONDIFF.items()]


@pytest.mark.parametrize(("primitive", "specs"), CHECKED)
def test_output_does_not_move_with_float_inputs(
    primitive: Any, specs: tuple[Any, ...], rng: np.random.Generator
) -> None:
    arguments = tuple(R.make(spec, rng) for spec in specs)
    out = call(primitive, arguments)
    for step in (EPS, -EPS):
        moved = call(primitive, perturbed(arguments, step, rng))
        assert same(moved, out, values=primitive not in UNINITIALIZED), _name(primitive)


def test_every_declared_primitive_has_a_case() -> None:
    missing = [_name(p) for p in declared() if p not in NONDIFF and p not in BY_DESIGN]
    assert not missing, "declared non-differentiable without a case in NONDIFF (test_nondiff.py) " \
        "or NONDIFF_CASES (tests/runtime/cases_*.py): " + ", ".join(missing)


def test_every_case_is_declared_and_has_no_rule() -> None:
    for primitive in (*NONDIFF, *BY_DESIGN):
        assert registry.is_nondifferentiable(primitive), _name(primitive)
        assert registry.nondifferentiable_reason(primitive)
        assert registry.lookup(primitive) is None, _name(primitive)


def test_an_undeclared_case_or_a_declaration_without_case_fails() -> None:
    def fresh(x: Any) -> Any:
        return np.floor(x)

    fresh.__module__ = "autodiff.runtime.example"  # looks built-in to the audit
    state = registry.snapshot()
    registry.nondifferentiable(fresh, reason="piecewise constant (a meta-test)")
    try:
        assert fresh in declared()
        assert fresh not in NONDIFF  # test_every_declared_primitive_has_a_case would fail
    finally:
        registry.restore(state)
    assert fresh not in declared()


@pytest.mark.parametrize("primitive", [np.mod, np.remainder, np.fmod, np.divmod, builtins.divmod,
                                       np.linspace, np.arange, np.heaviside],
                         ids=lambda p: p.__name__)
def test_smooth_functions_left_the_table(primitive: Any) -> None:
    assert not registry.is_nondifferentiable(primitive)
    assert registry.lookup(primitive) is not None and registry.lookup_jvp(primitive) is not None


def test_operators_have_rules_or_are_declared() -> None:
    tables = (rt.BINARY_OPERATORS, rt.UNARY_OPERATORS, rt.COMPARE_OPERATORS)
    for table in tables:
        for name, primitive in table.items():
            known = registry.lookup(primitive) is not None or registry.is_nondifferentiable(
                primitive
            )
            assert known, name


def test_stop_gradient_is_the_identity_on_values() -> None:
    x = np.arange(3.0)
    assert rt.stop_gradient(x) is x
    assert rt.stop_gradient(2.5) == 2.5
    items = [x, 1.0]
    out = rt.stop_gradient(items)
    assert isinstance(out, list) and out == items and out is not items
    pair = rt.stop_gradient((x, 1.0))
    assert isinstance(pair, tuple) and pair[0] is x


def test_stop_gradient_states_why() -> None:
    reason = registry.nondifferentiable_reason(rt.stop_gradient)
    assert reason == "stop_gradient blocks the gradient by design"
