"""The registry's one entry type for both modes, and its snapshot/restore."""

from __future__ import annotations

import numpy as np
import pytest

from autodiff.runtime import registry


def primitive(x, y):
    return x * y


def vjp_x(g, ans, x, y):
    return g * y


def jvp_x(t, ans, x, y):
    return t * y


@pytest.fixture
def clean():
    state = registry.snapshot()
    yield
    registry.restore(state)


def test_both_modes_live_in_one_entry(clean) -> None:
    registry.defvjp(primitive, vjp_x, None, argnames=("x", "y"))
    assert registry.lookup_jvp(primitive) is None
    registry.defjvp(primitive, jvp_x, argnames=("x",))
    entry = registry.lookup_entry(primitive)
    assert entry.vjps == (vjp_x, None) and entry.jvps == (jvp_x,)
    assert entry.argnames == ("x", "y")  # the longer argnames are kept
    reverse, forward = registry.lookup(primitive), registry.lookup_jvp(primitive)
    assert reverse.rules == (vjp_x, None) and reverse.rule_for(0) is vjp_x
    assert forward.rules == (jvp_x,) and forward.rule_for(1) is None
    assert reverse.primitive is primitive and forward.argnames == ("x", "y")
    assert any(e.primitive is primitive for e in registry.registered())
    assert any(e.primitive is primitive for e in registry.registered_jvps())


def test_defrule_needs_none_in_the_same_positions(clean) -> None:
    with pytest.raises(ValueError, match="same positions"):
        registry.defrule(primitive, vjp=(vjp_x, None), jvp=(jvp_x, jvp_x), argnames=("x", "y"))
    registry.defrule(primitive, vjp=(vjp_x, None), jvp=(jvp_x, None), argnames=("x", "y"))
    assert registry.lookup(primitive).rules == (vjp_x, None)


def test_a_declaration_removes_both_modes_and_a_rule_removes_the_declaration(clean) -> None:
    registry.defrule(primitive, vjp=(vjp_x, None), jvp=(jvp_x, None), argnames=("x", "y"))
    registry.nondifferentiable(primitive)
    assert registry.lookup(primitive) is None and registry.lookup_jvp(primitive) is None
    registry.defjvp(primitive, jvp_x, None)
    assert not registry.is_nondifferentiable(primitive)


def test_restore_undoes_registrations_and_invalidates_compiled_gradients() -> None:
    state = registry.snapshot()
    before = registry.lookup_entry(np.sin)
    registry.defvjp(np.sin, vjp_x)
    registry.defvjp(primitive, vjp_x, None)
    version = registry.version
    registry.restore(state)
    assert registry.lookup_entry(np.sin) is before
    assert registry.lookup_entry(primitive) is None
    assert registry.version > version


def test_a_container_declaration_sets_the_entry_flag_in_either_order(clean) -> None:
    registry.defrule(primitive, vjp=(vjp_x, None), jvp=(jvp_x, None), argnames=("x", "y"))
    assert not registry.lookup_entry(primitive).container
    assert not registry.returns_container(primitive)
    registry.container_results(primitive)
    assert registry.lookup_entry(primitive).container and registry.returns_container(primitive)
    registry.defvjp(primitive, vjp_x, None)  # registering again keeps the declaration
    assert registry.lookup(primitive).container


def test_defrule_can_declare_a_container_result(clean) -> None:
    registry.defrule(primitive, vjp=(vjp_x, None), jvp=(jvp_x, None), argnames=("x", "y"),
                     container=True)
    assert registry.lookup_jvp(primitive).container and registry.returns_container(primitive)


@pytest.mark.parametrize("function", [
    np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit, np.atleast_1d, np.atleast_2d,
    np.atleast_3d, np.gradient, np.linspace, np.average, np.polyfit, np.unravel_index, np.meshgrid,
    np.linalg.svd, np.linalg.eig, np.linalg.eigh, np.linalg.slogdet, np.linalg.qr,
    np.linalg.lstsq,
], ids=lambda f: f.__name__)
def test_numpy_functions_returning_tuples_are_declared_where_they_are_registered(
        function: object) -> None:
    from autodiff.transforms.rules import RULES

    assert registry.returns_container(function)
    assert not RULES.returns_array(function)


@pytest.mark.parametrize("function", [np.broadcast_arrays, np.histogram,
                                      np.histogram2d, np.unique, np.ix_],
                         ids=lambda f: f.__name__)
def test_numpy_functions_without_rules_may_return_containers(function: object) -> None:
    from autodiff.transforms.rules import RULES

    assert registry.lookup_entry(function) is None and not RULES.returns_array(function)


@pytest.mark.parametrize("function", [np.tanh, np.sum, np.floor, np.zeros, np.concatenate],
                         ids=lambda f: f.__name__)
def test_array_returning_numpy_functions_are_not_containers(function: object) -> None:
    from autodiff.transforms.rules import RULES

    assert not registry.returns_container(function) and RULES.returns_array(function)
