"""The built-in gradient rules, parametrized over the registry.

Every registered rule (except those of ``rules_nn``, covered by ``test_rules_nn.py``) must have a
sample case in ``rule_cases.py``; each case is checked against central finite differences in float64 with random
projections, and again in float32 for dtype and shape. Method aliases (``x.sum()``) and
non-differentiable primitives have tables of their own, with the same meta-tests.
"""

from __future__ import annotations

import importlib.util
import inspect
import pathlib
import sys
from typing import Any

import numpy as np
import pytest

import autodiff.runtime as rt
from autodiff.runtime import registry
from autodiff.runtime.registry import MethodKey

EPS = 1e-6
NN_MODULE = "autodiff.runtime.rules_nn"  # covered by test_rules_nn.py
CONTAINERS_MODULE = "autodiff.runtime.containers"  # covered by test_containers.py
ACCUMULATE_MODULE = "autodiff.runtime.accumulate"  # covered by test_accumulate.py
SCIPY_RULES = "autodiff.runtime.rules_scipy_"  # lazily loaded: covered by test_scipy_rules.py
# Every other rule module of the runtime (rules_*.py, including lazily loaded ones) is covered
# here: its rules need cases in rule_cases.py or a tests/runtime/cases_*.py file.
BUILTIN_MODULES = {
    module.__name__ for module in rt._RULE_MODULES
    if module.__name__ not in (NN_MODULE, CONTAINERS_MODULE, ACCUMULATE_MODULE)
    and not module.__name__.endswith("_jvp")
}


def _load_rule_cases() -> Any:
    name = "autodiff_rule_cases"
    if name not in sys.modules:
        path = pathlib.Path(__file__).with_name("rule_cases.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# The sample tables and the generic helpers live in rule_cases.py, shared with test_jvp_rules.py.
R = _load_rule_cases()
Case, CASES, ALIAS_CASES = R.Case, R.CASES, R.ALIAS_CASES
make, call, random_like, perturb, vdot = R.make, R.call, R.random_like, R.perturb, R.vdot
assert_same_structure, leaves, to_float32 = R.assert_same_structure, R.leaves, R.to_float32
is_float_spec, has_array_spec, _name = R.is_float_spec, R.has_array_spec, R.display_name


# ---- the generic checks -----------------------------------------------------------------------


def check_rule(
    primitive: Any, rule: Any, position: int, case_: Case, rng: np.random.Generator
) -> None:
    args = tuple(make(spec, rng) for spec in case_.args)
    ans = call(primitive, args, case_.params)
    g = random_like(ans, rng)
    u = random_like(args[position], rng)
    before = [(leaf, leaf.copy()) for leaf in leaves(args) if isinstance(leaf, np.ndarray)]
    partial = rule(g, ans, *args, **case_.params)
    assert_same_structure(partial, args[position], rule.__name__)
    for leaf, kept in before:
        assert np.array_equal(leaf, kept, equal_nan=True), f"{rule.__name__} mutated its input"

    def shifted(step: float) -> Any:
        moved = list(args)
        moved[position] = perturb(args[position], u, step)
        return call(primitive, tuple(moved), case_.params)

    numeric = (vdot(g, shifted(EPS)) - vdot(g, shifted(-EPS))) / (2 * EPS)
    assert vdot(partial, u) == pytest.approx(numeric, rel=1e-6, abs=1e-8), rule.__name__


def check_float32(primitive: Any, rule: Any, position: int, case_: Case, rng: Any) -> None:
    args = to_float32(tuple(make(spec, rng) for spec in case_.args))
    ans = call(primitive, args, case_.params)
    partial = rule(random_like(ans, rng), ans, *args, **case_.params)
    assert_same_structure(partial, args[position], rule.__name__)
    pairs = [
        (p, a)
        for p, a in zip(leaves(partial), leaves(args[position]), strict=True)
        if isinstance(a, (np.ndarray, np.generic)) and a.dtype == np.float32
    ]
    assert pairs, "the float32 case has no float32 argument"
    for p, _ in pairs:
        assert np.result_type(p) == np.float32, f"{rule.__name__}: {np.result_type(p)}"


def builtin_entries() -> list[registry.Entry]:
    """Registered entries whose rules come from the built-in rule modules (not rules_nn)."""
    return [
        entry
        for entry in registry.registered()
        if any(r is not None and r.__module__ in BUILTIN_MODULES for r in entry.rules)
    ]


def _rule_params() -> list[Any]:
    params = []
    for entry in builtin_entries():
        for case_ in CASES.get(entry.primitive, []):
            for position, rule in enumerate(entry.rules):
                if rule is None or position >= len(case_.args):
                    continue
                if is_float_spec(case_.args[position]):
                    label = f"{_name(entry.primitive)}:{rule.__name__}:{case_.label}"
                    params.append(pytest.param(entry.primitive, rule, position, case_, id=label))
    return params


def _alias_params() -> list[Any]:
    params = []
    for name, cases in ALIAS_CASES.items():
        entry = registry.lookup(MethodKey(name))
        assert entry is not None, name
        for case_ in cases:
            for position, rule in enumerate(entry.rules):
                if rule is None or position >= len(case_.args):
                    continue
                if is_float_spec(case_.args[position]):
                    label = f"x.{name}():{rule.__name__}:{case_.label}"
                    params.append(pytest.param(MethodKey(name), rule, position, case_, id=label))
    return params


RULE_PARAMS = _rule_params() + _alias_params()
FLOAT32_PARAMS = [p for p in RULE_PARAMS if has_array_spec(p.values[3].args[p.values[2]])]


@pytest.mark.parametrize(("primitive", "rule", "position", "case_"), RULE_PARAMS)
def test_rule_matches_finite_differences(
    primitive: Any, rule: Any, position: int, case_: Case, rng: np.random.Generator
) -> None:
    check_rule(primitive, rule, position, case_, rng)


@pytest.mark.parametrize(("primitive", "rule", "position", "case_"), FLOAT32_PARAMS)
def test_rule_keeps_float32_and_shape(
    primitive: Any, rule: Any, position: int, case_: Case, rng: np.random.Generator
) -> None:
    check_float32(primitive, rule, position, case_, rng)


# ---- meta-tests: the tables cover the registry ------------------------------------------------


def test_every_builtin_rule_has_a_finite_difference_case() -> None:
    checked = {(id(p.values[0]), p.values[2]) for p in RULE_PARAMS}
    missing = [
        f"{_name(entry.primitive)} argument {position} ({rule.__name__})"
        for entry in builtin_entries()
        for position, rule in enumerate(entry.rules)
        if rule is not None and (id(entry.primitive), position) not in checked
    ]
    assert not missing, "rules without a sample case in CASES: " + ", ".join(missing)


def test_sample_table_has_no_stale_entries() -> None:
    registered = {id(entry.primitive) for entry in builtin_entries()}
    stale = [_name(p) for p in CASES if id(p) not in registered and registry.lookup(p) is None]
    assert not stale


def test_every_registry_entry_is_builtin_nn_or_foreign() -> None:
    # A rule from another runtime module would escape both this file and test_rules_nn.py.
    for entry in registry.registered():
        for rule in entry.rules:
            module = getattr(rule, "__module__", "")
            if rule is not None and module.startswith("autodiff.runtime") \
                    and not module.startswith(SCIPY_RULES):
                assert module in BUILTIN_MODULES | {NN_MODULE, CONTAINERS_MODULE,
                                                    ACCUMULATE_MODULE}, (
                    rule.__name__, module)


def test_every_method_alias_has_a_case() -> None:
    aliases = set(registry._method_aliases)  # read only: the registry offers no listing
    assert aliases == set(ALIAS_CASES)
    for name in aliases:
        assert registry.lookup(MethodKey(name)) is not None, name


def test_rules_are_exported_under_their_names() -> None:
    for entry in builtin_entries() + [registry.lookup(MethodKey(n)) for n in ALIAS_CASES]:
        for rule in entry.rules:
            if rule is None:
                continue
            assert getattr(rt, rule.__name__) is rule, rule.__name__
            assert rule.__name__.endswith("_vjp") or "_vjp_" in rule.__name__, rule.__name__


@pytest.mark.parametrize(
    "module", [m for m in rt._RULE_MODULES if m.__name__ in BUILTIN_MODULES],
    ids=lambda m: m.__name__.rpartition(".")[2],
)
def test_module_all_lists_exactly_its_public_functions(module: Any) -> None:
    public = {
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }
    assert public == set(module.__all__)


def test_argnames_cover_every_rule_position() -> None:
    for entry in builtin_entries():
        assert len(entry.argnames) == len(entry.rules), _name(entry.primitive)


def test_importing_autodiff_does_not_load_top_level_runtime() -> None:
    assert "runtime" not in sys.modules
    assert "transforms" not in sys.modules


# ---- conventions at kinks, ties and zeros -----------------------------------------------------


@pytest.mark.parametrize("primitive", [np.max, np.amax, MethodKey("max")], ids=_name)
def test_max_ties_share_the_gradient_equally(primitive: Any) -> None:
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    rule = registry.lookup(primitive).rules[0]
    ans = call(primitive, (x,), {"axis": 1})
    partial = rule(np.array([1.0, 4.0]), ans, x, axis=1)
    np.testing.assert_array_equal(partial, [[0.0, 0.5, 0.5], [2.0, 2.0, 0.0]])
    flat = np.array([1.0, 3.0, 3.0, 3.0])
    np.testing.assert_allclose(rt.max_vjp(1.0, np.max(flat), flat), [0, 1 / 3, 1 / 3, 1 / 3])


def test_min_ties_share_the_gradient_equally() -> None:
    x = np.array([[0.0, 1.0, 0.0]])
    partial = rt.min_vjp(np.array([[6.0]]), np.min(x, axis=1, keepdims=True), x, 1, None, True)
    np.testing.assert_array_equal(partial, [[3.0, 0.0, 3.0]])


def test_maximum_and_minimum_split_ties_half_half() -> None:
    x1, x2, g = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0]), np.ones(3)
    np.testing.assert_array_equal(rt.maximum_vjp_lhs(g, None, x1, x2), [0.5, 1.0, 0.5])
    np.testing.assert_array_equal(rt.maximum_vjp_rhs(g, None, x1, x2), [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(rt.minimum_vjp_lhs(g, None, x1, x2), [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(rt.minimum_vjp_rhs(g, None, x1, x2), [0.5, 1.0, 0.5])


def test_fmax_and_fmin_give_the_whole_gradient_to_the_non_nan_side() -> None:
    x1, x2, g = np.array([np.nan, 1.0]), np.array([2.0, np.nan]), np.ones(2)
    np.testing.assert_array_equal(rt.fmax_vjp_lhs(g, None, x1, x2), [0.0, 1.0])
    np.testing.assert_array_equal(rt.fmax_vjp_rhs(g, None, x1, x2), [1.0, 0.0])
    np.testing.assert_array_equal(rt.fmin_vjp_lhs(g, None, x1, x2), [0.0, 1.0])
    np.testing.assert_array_equal(rt.fmin_vjp_rhs(g, None, x1, x2), [1.0, 0.0])


def test_abs_has_slope_zero_at_zero() -> None:
    x = np.array([0.0, -2.0, 3.0])
    np.testing.assert_array_equal(rt.absolute_vjp(np.ones(3), np.abs(x), x), [0.0, -1.0, 1.0])


def test_clip_passes_the_gradient_on_the_closed_interval() -> None:
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    partial = rt.clip_vjp(np.ones(5), np.clip(x, 0.0, 1.0), x, 0.0, 1.0)
    np.testing.assert_array_equal(partial, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_prod_is_exact_with_zeros() -> None:
    for x, expected in [([2.0, 0.0, 3.0], [0.0, 6.0, 0.0]), ([0.0, 0.0, 3.0], [0.0, 0.0, 0.0])]:
        x = np.array(x)
        np.testing.assert_array_equal(rt.prod_vjp(1.0, np.prod(x), x), expected)


def test_power_rhs_is_finite_at_a_zero_or_negative_base() -> None:
    x1 = np.array([0.0, -2.0, 3.0])
    with np.errstate(all="raise"):
        partial = rt.power_vjp_rhs(np.ones(3), x1**2.0, x1, 2.0)
    assert partial == pytest.approx(9.0 * np.log(3.0))


def test_norm_of_a_zero_vector_has_subgradient_zero() -> None:
    x = np.zeros(3)
    np.testing.assert_array_equal(rt.norm_vjp(1.0, np.linalg.norm(x), x), np.zeros(3))


def test_getitem_repeated_fancy_indices_accumulate() -> None:
    x = np.zeros(4)
    partial = rt.getitem_vjp(np.array([1.0, 2.0, 3.0]), None, x, [0, 0, 2])
    np.testing.assert_array_equal(partial, [3.0, 0.0, 3.0, 0.0])
    y = np.zeros((2, 3))
    index = (np.array([1, 1, 0]), np.array([2, 2, 0]))
    partial = rt.getitem_vjp(np.array([1.0, 10.0, 5.0]), None, y, index)
    np.testing.assert_array_equal(partial, [[5.0, 0.0, 0.0], [0.0, 0.0, 11.0]])


def test_getitem_basic_index_and_mask_scatter() -> None:
    x = np.zeros((2, 3), dtype=np.float32)
    partial = rt.getitem_vjp(np.ones((2, 1), np.float32), None, x, (Ellipsis, slice(0, 1)))
    np.testing.assert_array_equal(partial, [[1, 0, 0], [1, 0, 0]])
    assert partial.dtype == np.float32
    mask = np.array([[True, False, True], [False, True, False]])
    partial = rt.getitem_vjp(np.array([1.0, 2.0, 3.0]), None, x, mask)
    np.testing.assert_array_equal(partial, [[1, 0, 2], [0, 3, 0]])


def test_getitem_of_a_sequence_keeps_its_type() -> None:
    items = [np.ones(2), 2.5, np.ones(3)]
    partial = rt.getitem_vjp(np.full(3, 7.0), None, items, -1)
    assert isinstance(partial, list)
    np.testing.assert_array_equal(partial[0], np.zeros(2))
    assert partial[1] == 0.0
    np.testing.assert_array_equal(partial[2], np.full(3, 7.0))
    sliced = rt.getitem_vjp((1.0, 2.0), None, (np.ones(2), 3.0, np.ones(1)), slice(1, None))
    assert isinstance(sliced, tuple) and sliced[1:] == (1.0, 2.0)


def test_sequence_rules_return_one_partial_per_item() -> None:
    parts = [np.ones((2, 3)), np.ones((1, 3))]
    partial = rt.concatenate_vjp(np.arange(9.0).reshape(3, 3), None, parts)
    assert isinstance(partial, (tuple, list)) and len(partial) == 2
    np.testing.assert_array_equal(partial[1], [[6.0, 7.0, 8.0]])


@pytest.mark.parametrize(
    ("rule", "args", "params"),
    [
        (rt.var_vjp, (np.ones(3),), {"where": np.ones(3, bool) < 0}),
        (rt.prod_vjp, (np.ones(3),), {"where": np.ones(3, bool) < 0}),
    ],
    ids=["var-where", "prod-where"],
)
def test_unsupported_parameters_fail_loudly(rule: Any, args: Any, params: Any) -> None:
    with pytest.raises(NotImplementedError, match=rule.__name__):
        rule(1.0, 1.0, *args, **params)
