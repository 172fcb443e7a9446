"""The explicit non-differentiable list of ``rules_nondiff`` and ``stop_gradient``.

Every declared primitive has an entry below; where it takes float inputs, its output must not move
under a small perturbation of them (it is locally constant there, so a zero gradient is right).
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff.runtime as rt
from autodiff.runtime import accumulate, broadcast, registry, rules_nondiff
from autodiff.runtime.registry import AttributeKey, MethodKey

EPS = 1e-6
Args = Callable[[np.random.Generator], tuple[Any, ...]] | None


def normal(*shape: int) -> Callable[[np.random.Generator], Any]:
    return lambda rng: rng.normal(size=shape)


def offgrid(*shape: int) -> Callable[[np.random.Generator], Any]:
    # At least 0.2 away from every integer and half-integer, where rounding jumps.
    return lambda rng: rng.integers(-3, 3, size=shape) + rng.uniform(0.2, 0.4, size=shape)


def args(*makers: Any) -> Args:
    return lambda rng: tuple(m(rng) if callable(m) else m for m in makers)


def _sorted(rng: np.random.Generator) -> Any:
    return np.sort(rng.normal(size=5))


# primitive -> argument maker (checked to be locally constant), or None (declared only: no float
# input, a side effect, or not locally constant by design like ``np.mod``).
NONDIFF: dict[Any, Args] = {
    np.sign: args(normal(3, 4)),
    np.floor: args(offgrid(3, 4)),
    np.ceil: args(offgrid(3, 4)),
    np.round: args(offgrid(3, 4)),
    np.around: args(offgrid(3, 4)),
    np.rint: args(offgrid(3, 4)),
    np.trunc: args(offgrid(3, 4)),
    np.fix: args(offgrid(3, 4)),
    np.floor_divide: args(offgrid(3, 4), 1.0),
    np.mod: None,  # slope 1 in x; gradient-less by decision (the % operator)
    np.heaviside: args(normal(5), 0.5),
    np.argmax: args(normal(3, 4)),
    np.argmin: args(normal(3, 4), 1),
    np.argsort: args(normal(6)),
    np.nonzero: args(normal(2, 3)),
    np.flatnonzero: args(normal(2, 3)),
    np.count_nonzero: args(normal(2, 3)),
    np.searchsorted: args(_sorted, normal(3)),
    np.equal: args(normal(3), normal(3)),
    np.not_equal: args(normal(3), normal(3)),
    np.less: args(normal(3), normal(3)),
    np.less_equal: args(normal(3), normal(3)),
    np.greater: args(normal(3), normal(3)),
    np.greater_equal: args(normal(3), normal(3)),
    np.logical_and: args(normal(3), normal(3)),
    np.logical_or: args(normal(3), normal(3)),
    np.logical_not: args(normal(3)),
    np.logical_xor: args(normal(3), normal(3)),
    np.isnan: args(normal(3)),
    np.isinf: args(normal(3)),
    np.isfinite: args(normal(3)),
    np.signbit: args(normal(3)),
    np.isclose: args(normal(3), normal(3)),
    np.allclose: args(normal(3), normal(3)),
    np.array_equal: args(normal(3), normal(3)),
    np.any: args(normal(2, 3)),
    np.all: args(normal(2, 3)),
    np.invert: None,
    np.bitwise_and: None,
    np.bitwise_or: None,
    np.bitwise_xor: None,
    np.shape: args(normal(2, 3)),
    np.ndim: args(normal(2, 3)),
    np.size: args(normal(2, 3)),
    np.result_type: args(normal(2)),
    np.zeros_like: args(normal(2, 3)),
    np.ones_like: args(normal(2, 3)),
    np.empty_like: None,  # uninitialized output
    np.zeros: None,
    np.ones: None,
    np.empty: None,
    np.arange: None,
    np.linspace: None,  # differentiable in start/stop, declared constant by decision
    np.eye: None,
    np.identity: None,
    np.tri: None,
    np.tril_indices: None,
    np.triu_indices: None,
    np.diag_indices: None,
    np.indices: None,
    np.unravel_index: None,
    accumulate.zeros_like: args(normal(2, 3)),
    broadcast.shape: args(normal(2, 3)),
    accumulate.ones_like: args(normal(2, 3)),
    builtins.len: args(normal(4)),
    builtins.range: None,
    builtins.int: args(offgrid()),
    builtins.bool: args(normal()),
    builtins.round: args(lambda rng: float(offgrid()(rng))),
    builtins.isinstance: None,
    builtins.print: None,
    operator.not_: args(normal()),
    operator.is_: None,
    operator.is_not: None,
    operator.contains: None,
    rt.stop_gradient: None,  # the identity on values: constant only by design
    MethodKey("argmax"): args(normal(3, 4)),
    MethodKey("argmin"): args(normal(3, 4)),
    MethodKey("argsort"): args(normal(5)),
    MethodKey("nonzero"): args(normal(2, 3)),
    MethodKey("any"): args(normal(2, 3)),
    MethodKey("all"): args(normal(2, 3)),
    **{AttributeKey(n): args(normal(2, 3)) for n in ("shape", "ndim", "size", "dtype")},
    **{AttributeKey(n): args(normal(2, 3)) for n in ("itemsize", "nbytes")},
}


def _name(primitive: Any) -> str:
    if isinstance(primitive, (MethodKey, AttributeKey)):
        return f"x.{primitive.name}"
    return getattr(primitive, "__name__", repr(primitive))


def call(primitive: Any, arguments: tuple[Any, ...]) -> Any:
    if isinstance(primitive, MethodKey):
        return getattr(arguments[0], primitive.name)()
    if isinstance(primitive, AttributeKey):
        return getattr(arguments[0], primitive.name)
    return primitive(*arguments)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (np.ndarray, np.generic)):
        return np.shape(a) == np.shape(b) and bool(np.all(a == b))
    return bool(a == b)


def perturbed(arguments: tuple[Any, ...], step: float, rng: Any) -> tuple[Any, ...]:
    moved = []
    for a in arguments:
        if isinstance(a, float):
            a = a + step * rng.normal()
        elif isinstance(a, np.ndarray) and a.dtype.kind == "f":
            a = a + step * rng.normal(size=a.shape)
        moved.append(a)
    return tuple(moved)


CHECKED = [pytest.param(p, m, id=_name(p)) for p, m in NONDIFF.items() if m is not None]


@pytest.mark.parametrize(("primitive", "maker"), CHECKED)
def test_output_is_locally_constant(primitive: Any, maker: Any, rng: np.random.Generator) -> None:
    arguments = maker(rng)
    assert any(isinstance(a, (float, np.ndarray)) for a in arguments)
    out = call(primitive, arguments)
    for step in (EPS, -EPS):
        assert same(call(primitive, perturbed(arguments, step, rng)), out)


def test_table_matches_the_declared_list() -> None:
    declared = (
        rules_nondiff.PIECEWISE_CONSTANT
        + rules_nondiff.INTEGER_OR_BOOLEAN
        + rules_nondiff.SHAPES_AND_CONSTRUCTORS
        + rules_nondiff.PYTHON_BUILTINS
        + (rt.stop_gradient,)
    )
    keys = [
        p
        for p in registry.nondifferentiable_primitives()
        if isinstance(p, (MethodKey, AttributeKey))
    ]
    missing = [_name(p) for p in (*declared, *keys) if p not in NONDIFF]
    assert not missing, "declared non-differentiable but not in NONDIFF: " + ", ".join(missing)
    for primitive in NONDIFF:
        assert registry.is_nondifferentiable(primitive), _name(primitive)
        assert registry.nondifferentiable_reason(primitive)
        assert registry.lookup(primitive) is None, _name(primitive)


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
