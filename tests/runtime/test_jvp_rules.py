"""The built-in forward-mode (JVP) rules, parametrized over the registry's JVP entries.

The sample inputs are those of the reverse-mode tests (``rule_cases.py``). For every rule and
case: the tangent ``rule(u, ans, *args)`` for a random direction ``u`` matches central finite
differences of the primitive elementwise in float64 and has exactly the output's structure and
shape; float32 inputs give tangents in the output's dtype; and the JVP is the transpose of the
VJP of the same argument: ``<vjp(g), u> == <g, jvp(u)>``. Meta-tests tie the JVP registry to the
VJP registry (same primitives, argnames, ``None`` positions and mirrored rule names).
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
from autodiff.runtime import containers, registry
from autodiff.runtime.broadcast import broadcast_like
from autodiff.runtime.registry import MethodKey


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
EPS = 1e-6
SCIPY_RULES = "autodiff.runtime.rules_scipy_"
JVP_MODULES = tuple(  # every module holding JVP rules (side by side with VJPs, or apart)
    m for m in rt._RULE_MODULES if m.__name__.rpartition(".")[2].startswith("rules_")
)


def _is_builtin(rule: Any) -> bool:
    module = getattr(rule, "__module__", "")
    # scipy's rules (loaded lazily) are covered by test_scipy_rules.py
    return rule is not None and module.startswith("autodiff.runtime.") \
        and not module.startswith(SCIPY_RULES)


def builtin_jvp_entries() -> list[registry.Entry]:
    """JVP entries with rules from the runtime's own modules (tests may register user rules)."""
    return [e for e in registry.registered_jvps() if any(_is_builtin(r) for r in e.rules)]


def builtin_vjp_entries() -> list[registry.Entry]:
    return [e for e in registry.registered() if any(_is_builtin(r) for r in e.rules)]


# ---- the samples: one per (primitive, differentiable float argument, case) --------------------


def _table_samples() -> list[tuple[Any, str, Any, tuple[Any, ...], dict[str, Any], Any, Any]]:
    """(primitive, label, make, specs, params, is_float, is_array) for every table case."""
    samples = []
    tables = {**R.CASES, **R.CONTAINER_CASES, **R.ACCUMULATE_CASES}
    for primitive, cases in tables.items():
        for c in cases:
            samples.append(
                (primitive, c.label, R.make, c.args, c.params, R.is_float_spec, R.has_array_spec)
            )
    for name, cases in R.ALIAS_CASES.items():
        for c in cases:
            samples.append(
                (
                    MethodKey(name),
                    c.label,
                    R.make,
                    c.args,
                    c.params,
                    R.is_float_spec,
                    R.has_array_spec,
                )
            )
    for param in R.NN_CASES:
        primitive, specs, params = param.values
        samples.append((primitive, param.id, R.nn_make, specs, params, _nn_float, _nn_float))
    return samples


def _nn_float(spec: Any) -> bool:
    return spec[0] not in ("const", "index")


def _params(float32_only: bool = False) -> list[Any]:
    params = []
    for primitive, label, make, specs, kw, is_float, is_array in _table_samples():
        entry = registry.lookup_jvp(primitive)
        if entry is None:
            continue  # reported by test_every_vjp_primitive_has_a_matching_jvp_entry
        for position, rule in enumerate(entry.rules):
            if rule is None or position >= len(specs) or not is_float(specs[position]):
                continue
            if float32_only and not is_array(specs[position]):
                continue
            name = f"{R.display_name(primitive)}:{rule.__name__}:{label}"
            params.append(pytest.param(primitive, rule, position, make, specs, kw, id=name))
    return params


JVP_PARAMS = _params()
FLOAT32_PARAMS = _params(float32_only=True)
SIGNATURE = ("primitive", "rule", "position", "make", "specs", "params")


# ---- the generic checks -----------------------------------------------------------------------


def assert_like_output(tangent: Any, ans: Any, rule: str) -> None:
    """The tangent has the output's container structure and, leaf by leaf, its exact shape."""
    if isinstance(ans, (tuple, list)):
        assert isinstance(tangent, (tuple, list)), f"{rule}: expected a sequence like the output"
        assert len(tangent) == len(ans), rule
        for t, a in zip(tangent, ans, strict=True):
            assert_like_output(t, a, rule)
        return
    if isinstance(ans, dict):
        assert isinstance(tangent, dict) and tangent.keys() == ans.keys(), rule
        for key, value in ans.items():
            assert_like_output(tangent[key], value, rule)
        return
    assert np.shape(tangent) == np.shape(ans), f"{rule}: {np.shape(tangent)} != {np.shape(ans)}"


def difference_quotient(plus: Any, minus: Any) -> Any:
    """(plus - minus) / (2 EPS), leaf by leaf through tuples, lists and dicts."""
    if isinstance(plus, (tuple, list)):
        return [difference_quotient(p, m) for p, m in zip(plus, minus, strict=True)]
    if isinstance(plus, dict):
        return {key: difference_quotient(value, minus[key]) for key, value in plus.items()}
    dtype = np.result_type(plus, minus, np.float64)  # complex128 for complex outputs
    diff = np.asarray(plus, dtype=dtype) - np.asarray(minus, dtype=dtype)
    return diff / (2 * EPS)


def build(make: Any, specs: tuple[Any, ...], rng: np.random.Generator) -> tuple[Any, ...]:
    return tuple(make(spec, rng) for spec in specs)


@pytest.mark.parametrize(SIGNATURE, JVP_PARAMS)
def test_jvp_matches_finite_differences(
    primitive: Any,
    rule: Any,
    position: int,
    make: Any,
    specs: Any,
    params: Any,
    rng: np.random.Generator,
) -> None:
    args = build(make, specs, rng)
    ans = R.call(primitive, args, params)
    u = R.random_like(args[position], rng)
    kept = [(leaf, leaf.copy()) for leaf in R.leaves(args) if isinstance(leaf, np.ndarray)]
    tangent = rule(u, ans, *args, **params)
    assert_like_output(tangent, ans, rule.__name__)
    for leaf, copy in kept:
        assert np.array_equal(leaf, copy, equal_nan=True), f"{rule.__name__} mutated its input"

    def shifted(step: float) -> Any:
        moved = list(args)
        moved[position] = R.perturb(args[position], u, step)
        return R.call(primitive, tuple(moved), params)

    numeric = difference_quotient(shifted(EPS), shifted(-EPS))
    for got, expected in zip(R.leaves(tangent), R.leaves(numeric), strict=True):
        assert np.allclose(got, expected, rtol=1e-6, atol=1e-8), (rule.__name__, got, expected)


@pytest.mark.parametrize(SIGNATURE, FLOAT32_PARAMS)
def test_jvp_keeps_the_output_dtype_and_shape(
    primitive: Any,
    rule: Any,
    position: int,
    make: Any,
    specs: Any,
    params: Any,
    rng: np.random.Generator,
) -> None:
    args = R.to_float32(build(make, specs, rng))
    ans = R.call(primitive, args, params)
    tangent = rule(R.random_like(args[position], rng), ans, *args, **params)
    assert_like_output(tangent, ans, rule.__name__)
    for t, a in zip(R.leaves(tangent), R.leaves(ans), strict=True):
        if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == "f":
            assert np.result_type(t) == a.dtype, f"{rule.__name__}: {np.result_type(t)}"


@pytest.mark.parametrize(SIGNATURE, JVP_PARAMS)
def test_jvp_is_the_transpose_of_the_vjp(
    primitive: Any,
    rule: Any,
    position: int,
    make: Any,
    specs: Any,
    params: Any,
    rng: np.random.Generator,
) -> None:
    args = build(make, specs, rng)
    ans = R.call(primitive, args, params)
    vjp = registry.lookup(primitive).rule_for(position)
    g, u = R.random_like(ans, rng), R.random_like(args[position], rng)
    forward = R.vdot(g, rule(u, ans, *args, **params))
    reverse = R.vdot(vjp(g, ans, *args, **params), u)
    assert forward == pytest.approx(reverse, rel=1e-9, abs=1e-12), (rule.__name__, vjp.__name__)


# ---- meta-tests: the JVP registry mirrors the VJP registry and the tables cover it ------------


def test_every_vjp_primitive_has_a_matching_jvp_entry() -> None:
    for vjp in builtin_vjp_entries():
        name = R.display_name(vjp.primitive)
        jvp = registry.lookup_jvp(vjp.primitive)
        assert jvp is not None, f"{name} has a VJP entry but no JVP entry"
        assert jvp.argnames == vjp.argnames, name
        assert [r is None for r in jvp.rules] == [r is None for r in vjp.rules], name


def test_every_jvp_primitive_has_a_vjp_entry() -> None:
    for jvp in builtin_jvp_entries():
        assert registry.lookup(jvp.primitive) is not None, R.display_name(jvp.primitive)


def test_every_method_alias_has_jvp_rules() -> None:
    for name in registry._method_aliases:  # read only: the registry offers no listing
        assert registry.lookup_jvp(MethodKey(name)) is not None, name


def test_jvp_rule_names_mirror_the_vjp_rule_names() -> None:
    # multiply_vjp_lhs -> multiply_jvp_lhs, getitem_vjp_vjp_g -> getitem_vjp_jvp_g, ...
    for vjp in builtin_vjp_entries():
        jvp = registry.lookup_jvp(vjp.primitive)
        for vjp_rule, jvp_rule in zip(vjp.rules, jvp.rules, strict=True):
            if vjp_rule is None:
                continue
            head, _, tail = vjp_rule.__name__.rpartition("_vjp")
            assert jvp_rule.__name__ == f"{head}_jvp{tail}", (vjp_rule.__name__, jvp_rule.__name__)


def test_every_jvp_rule_has_a_finite_difference_case() -> None:
    checked = {(registry._key(p.values[0]), p.values[2]) for p in JVP_PARAMS}
    missing = [
        f"{R.display_name(entry.primitive)} argument {position} ({rule.__name__})"
        for entry in builtin_jvp_entries()
        for position, rule in enumerate(entry.rules)
        if rule is not None and (registry._key(entry.primitive), position) not in checked
    ]
    assert not missing, "JVP rules without a sample case: " + ", ".join(missing)


def test_jvp_rules_are_exported_under_their_names() -> None:
    for entry in builtin_jvp_entries():
        for rule in entry.rules:
            if rule is not None:
                assert getattr(rt, rule.__name__) is rule, rule.__name__


@pytest.mark.parametrize("module", JVP_MODULES, ids=lambda m: m.__name__.rpartition(".")[2])
def test_jvp_module_all_lists_exactly_its_public_functions(module: Any) -> None:
    public = {
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }
    assert public == set(module.__all__)


# ---- conventions at kinks and ties: the same as the VJP's (transposes at the kink too) ---------

_TIES = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
KINKS = [
    pytest.param(
        np.maximum, 0, (np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])), {}, id="maximum-ties"
    ),
    pytest.param(
        np.minimum, 1, (np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])), {}, id="minimum-ties"
    ),
    pytest.param(
        np.fmax, 0, (np.array([np.nan, 1.0, 2.0]), np.array([2.0, np.nan, 2.0])), {}, id="fmax-nan"
    ),
    pytest.param(np.absolute, 0, (np.array([0.0, -2.0, 3.0]),), {}, id="abs-at-0"),
    pytest.param(
        np.clip, 0, (np.array([-1.0, 0.0, 0.5, 1.0, 2.0]), 0.0, 1.0), {}, id="clip-bounds"
    ),
    pytest.param(np.max, 0, (_TIES,), {"axis": 1}, id="max-ties"),
    pytest.param(np.min, 0, (_TIES,), {"axis": 0, "keepdims": True}, id="min-ties"),
    pytest.param(
        np.prod, 0, (np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0]]),), {"axis": 1}, id="prod-zeros"
    ),
    pytest.param(np.linalg.norm, 0, (np.zeros(3),), {}, id="norm-at-0"),
    pytest.param(
        np.linalg.norm, 0, (np.array([3.0, -3.0, 1.0]),), {"ord": np.inf}, id="norm-inf-ties"
    ),
    pytest.param(rt.relu, 0, (np.array([0.0, -1.0, 2.0]),), {}, id="relu-at-0"),
]


@pytest.mark.parametrize(("primitive", "position", "args", "params"), KINKS)
def test_kink_conventions_match_the_vjp(
    primitive: Any, position: int, args: Any, params: Any, rng: np.random.Generator
) -> None:
    ans = primitive(*args, **params)
    jvp = registry.lookup_jvp(primitive).rule_for(position)
    vjp = registry.lookup(primitive).rule_for(position)
    g, u = rng.normal(size=np.shape(ans)), rng.normal(size=np.shape(args[position]))
    tangent = jvp(u, ans, *args, **params)
    assert np.all(np.isfinite(tangent))
    assert np.vdot(g, tangent) == pytest.approx(np.vdot(vjp(g, ans, *args, **params), u))


def test_kink_values() -> None:
    x1, x2, t = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0]), np.ones(3)
    np.testing.assert_array_equal(rt.maximum_jvp_lhs(t, np.maximum(x1, x2), x1, x2), [0.5, 1, 0.5])
    x = np.array([0.0, -2.0, 3.0])
    np.testing.assert_array_equal(rt.absolute_jvp(t, np.abs(x), x), [0.0, -1.0, 1.0])
    np.testing.assert_array_equal(
        rt.max_jvp(
            np.array([[0.0, 1.0, 3.0], [2.0, 4.0, 9.0]]), np.max(_TIES, axis=1), _TIES, axis=1
        ),
        [2.0, 3.0],
    )
    zeros = np.array([2.0, 0.0, 3.0])
    assert rt.prod_jvp(np.array([0.0, 1.0, 0.0]), np.prod(zeros), zeros) == 6.0


# ---- containers, sequences and helpers ---------------------------------------------------------


def test_container_tangents_keep_the_output_structure() -> None:
    xs, item = [np.ones(2), np.ones(3)], np.ones(4)
    ans = containers.append(xs, item)
    with_xs = rt.append_jvp_xs([np.full(2, 2.0), np.full(3, 3.0)], ans, xs, item)
    assert isinstance(with_xs, list) and len(with_xs) == 3
    np.testing.assert_array_equal(with_xs[2], np.zeros(4))
    with_item = rt.append_jvp_item(np.full(4, 5.0), ans, xs, item)
    np.testing.assert_array_equal(with_item[0], np.zeros(2))
    np.testing.assert_array_equal(with_item[2], np.full(4, 5.0))
    d = {"a": np.ones(2)}
    ans = containers.setitem(d, "b", np.ones(3))
    assert rt.setitem_jvp_x({"a": np.full(2, 7.0)}, ans, d, "b", np.ones(3)).keys() == ans.keys()
    assert rt.getitem_jvp({"a": 1.0, "b": 2.0}, None, {"a": 0.0, "b": 0.0}, "b") == 2.0


def test_sequence_rules_join_one_tangent_per_item() -> None:
    parts = [np.ones((2, 3)), np.ones((1, 3))]
    tangents = (np.zeros((2, 3)), np.full((1, 3), 4.0))
    joined = rt.concatenate_jvp(tangents, np.concatenate(parts), parts)
    np.testing.assert_array_equal(joined[2], [4.0, 4.0, 4.0])
    pieces = rt.split_jvp(np.arange(6.0), np.split(np.zeros(6), 3), np.zeros(6), 3)
    assert isinstance(pieces, list) and [p.tolist() for p in pieces] == [[0, 1], [2, 3], [4, 5]]


def test_broadcast_like() -> None:
    t = np.ones((2, 3))
    assert broadcast_like(t, np.zeros((2, 3))) is t
    spread = broadcast_like(np.ones((3, 1), np.float32), np.zeros((2, 3, 4), np.float32))
    assert spread.shape == (2, 3, 4) and spread.dtype == np.float32
    scalar = broadcast_like(1.5, np.zeros((2, 2), np.float32))
    assert scalar.shape == (2, 2) and scalar.dtype == np.float32 and np.all(scalar == 1.5)
    assert broadcast_like(2.0, np.float64(1.0)) == 2.0


@pytest.mark.parametrize(
    ("rule", "args", "params"),
    [
        (rt.var_jvp, (np.ones(3),), {"where": np.ones(3, bool) < 0}),
        (rt.prod_jvp, (np.ones(3),), {"where": np.ones(3, bool) < 0}),
    ],
    ids=["var-where", "prod-where"],
)
def test_unsupported_parameters_fail_loudly(rule: Any, args: Any, params: Any) -> None:
    with pytest.raises(NotImplementedError, match=rule.__name__):
        rule(np.ones(3), 1.0, *args, **params)
