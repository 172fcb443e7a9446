"""The quick fuzz profile: a few hundred generated programs, split across the families, each
differentiated by autodiff and checked against finite differences, autograd and forward mode
(``oracle.check``). Hypothesis runs derandomized (the same programs every run) and shrinks a
failing program before reporting it. The long profile is ``python -m tests.fuzz``.

Failures that match a known, reported compiler bug (``oracle.KNOWN_BUGS``) do not fail here.
"""

from __future__ import annotations

import ast
import linecache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

from autodiff.runtime import registry

from . import generator, oracle
from .generator import FAMILIES, Input, Program, RandomChooser, generate, programs
from .reduce import reduce, same_failure

QUICK = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.filter_too_much])


def check(program: Program) -> None:
    outcome = oracle.check(program)
    assume(outcome.status != "skip")
    if outcome.status in ("fail", "invalid"):
        pytest.fail(outcome.describe(program), pytrace=False)


@QUICK
@given(programs("straight"))
def test_straight_line_programs(program: Program) -> None:
    check(program)


@QUICK
@given(programs("branches"))
def test_programs_with_branches(program: Program) -> None:
    check(program)


@QUICK
@given(programs("loops"))
def test_programs_with_loops_and_writes(program: Program) -> None:
    check(program)


@QUICK
@given(programs("calls"))
def test_programs_with_helper_calls(program: Program) -> None:
    check(program)


@QUICK
@given(programs("mixed"))
def test_programs_with_everything(program: Program) -> None:
    check(program)


# ---- the machinery itself ------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_generated_programs_are_valid_numpy(family: str) -> None:
    for seed in range(40):
        program = generate(RandomChooser(seed), family)
        namespace: dict[str, Any] = {"np": np}
        exec(compile(program.source, "<generated>", "exec"), namespace)
        with np.errstate(all="ignore"):
            namespace["f"](*program.make_args())
        assert program.wrt and all(program.inputs[p].role == "diff" for p in program.wrt)


def test_generation_is_deterministic() -> None:
    assert generate(RandomChooser(7), "mixed") == generate(RandomChooser(7), "mixed")


def test_probes_measure_the_distance_to_kinks_and_thresholds() -> None:
    source = ("def f(x):\n"
              "    if np.sum(x) > 0.5:\n"
              "        return np.max(x) + np.maximum(x, 0.25) + x.min(axis=0) + abs(x)\n"
              "    return np.clip(x, -1.0, 1.0)\n")
    probed = oracle.probe_source(source)
    assert "_probe_compare" in probed and "_probe_max(" in probed
    assert "_probe_min(x, axis=0)" in probed and "_probe_builtin_abs" in probed
    margins: list[tuple[float, str]] = []
    loaded = oracle.Loaded(probed, oracle.probes(margins))
    try:
        loaded.fn(np.array([0.1, 0.3, 0.45]))
    finally:
        loaded.close()
    distances = sorted(m for m, _ in margins)
    assert distances[0] == pytest.approx(0.05)  # max: the gap between 0.45 and 0.3
    assert 0.35 in [pytest.approx(d) for d in distances]  # sum 0.85 vs threshold 0.5


def test_programs_at_a_kink_are_skipped() -> None:
    program = Program("def f(x0):\n    return np.abs(x0)\n", (Input("x0", (2,)),), (0,), 0)
    source = "def f(x0):\n    return np.maximum(x0, x0[::-1])\n"  # ties in the middle
    at_kink = Program(source, (Input("x0", (3,)),), (0,), 0)
    assert oracle.check(program).status == "ok"
    assert oracle.check(at_kink).status == "skip"


def _with_wrong_sin_rule() -> Any:
    entry = registry.lookup(np.sin)

    def wrong_sin_vjp(g, ans, x):
        return g * np.cos(x) * 1.001

    registry.defvjp(np.sin, wrong_sin_vjp, argnames=entry.argnames)
    return entry


def test_the_oracle_notices_a_wrong_gradient_and_the_reducer_shrinks_it() -> None:
    source = ("def f(x0, x1):\n"
              "    v1 = np.tanh(x0) * x1\n"
              "    v2 = np.sin(v1) + x0\n"
              "    v3 = np.exp(np.tanh(v2))\n"
              "    return np.sum(v3) + np.sum(v1)\n")
    program = Program(source, (Input("x0", (3,)), Input("x1", (3,))), (0, 1), 5)
    assert oracle.check(program).status == "ok"
    entry = _with_wrong_sin_rule()
    try:
        outcome = oracle.check(program)
        assert outcome.status == "fail" and outcome.kind == "gradient", outcome
        small = reduce(program, same_failure(program))
    finally:
        registry.defvjp(np.sin, *entry.rules, argnames=entry.argnames)
    assert oracle.check(program).status == "ok"
    calls = [node for node in ast.walk(ast.parse(small.source)) if isinstance(node, ast.Call)]
    assert len(calls) < 6 and "np.sin" in small.source  # from 8 calls


def test_failures_of_known_bugs_are_recognised(monkeypatch: pytest.MonkeyPatch) -> None:
    bug = oracle.KnownBug("fence-example", "an example recognizer",
                          lambda program, outcome: "while y (a view" in outcome.detail)
    monkeypatch.setattr(oracle, "KNOWN_BUGS", [bug])
    plain = Program("def f(x0):\n    return x0\n", (Input("x0", (3,)),), (0,), 3)
    known = oracle.Outcome("fail", "rejected", "UnsupportedSyntaxError: v is modified in place "
                           "while y (a view or alias of it, line 5) is read afterwards")
    assert oracle.known_bug(plain, known) is bug
    other = oracle.Outcome("fail", "rejected", "UnsupportedSyntaxError: v is modified in place "
                           "while x (a view or alias of it) is read afterwards")
    assert oracle.known_bug(plain, other) is None


def test_program_files_are_forgotten_after_the_check() -> None:
    before = {name for name in linecache.cache if name.startswith("<fuzz program")}
    oracle.check(generate(RandomChooser(3), "calls"))
    after = {name for name in linecache.cache if name.startswith("<fuzz program")}
    assert after == before


def test_autograd_is_the_referee_when_installed() -> None:
    pytest.importorskip("autograd")
    program = Program("def f(x0):\n    return np.sum(np.sin(x0) * x0)\n",
                      (Input("x0", (4,)),), (0,), 1)
    assert oracle.check(program).autograd
    writes = Program("def f(x0):\n    v = np.zeros(4)\n    v[1] = x0[0]\n    return v\n",
                     (Input("x0", (4,)),), (0,), 1, writes=True)
    assert not oracle.check(writes).autograd


def test_every_registered_elementwise_function_has_a_domain() -> None:
    missing = [u.__name__ for u in generator.registered_elementwise()
               if u.__name__ not in generator.UFUNC_DOMAINS]
    assert not missing, "add these ufuncs to generator.UFUNC_DOMAINS: " + ", ".join(missing)


def test_programs_draw_from_the_registry() -> None:
    texts = {op.text for op in generator.UNARY + generator.BINARY + generator.KINK_UNARY
             + generator.KINK_BINARY}
    for expected in ("np.sinc({a0})", "np.fmod({a0}, (1.5 + np.sin({a1})))",
                     "np.divmod({a0}, (1.5 + np.sin({a1})))[1]", "np.ldexp({a0}, 2)"):
        assert expected in texts, expected


def test_programs_call_every_registered_family_from_its_cases() -> None:
    from .registry_ops import CASE_OPS

    callees = {op.name for op in CASE_OPS}
    assert len(callees) >= 250, len(callees)
    for expected in ("np.einsum", "np.linalg.solve", "np.linalg.eigh", "np.cumprod", "np.remainder",
                     "np.median", "np.take_along_axis", "np.fft.fft", "np.add.reduce", "np.fmod",
                     "np.sum", "np.angle", ".T", ".flatten()"):
        assert expected in callees, expected
    assert any(op.complex for op in CASE_OPS)
    with_axes = [op for op in CASE_OPS if op.name == "np.sum" and "keepdims=True" in op.template]
    assert with_axes


def test_generated_programs_contain_the_new_constructs() -> None:
    sources = [generate(RandomChooser(seed), family).source for seed in range(80)
               for family in ("calls", "mixed")]
    text = "\n".join(sources)
    for construct in ("def make", "lambda q:", "class Layer", "*ps", "    def g", "params",
                      "1j", "z0"):
        assert construct in text, construct


def test_complex_finite_differences_follow_the_convention() -> None:
    z = np.array([3.0 + 4.0j, -1.0 + 0.5j])
    grad = oracle.finite_differences(lambda a: np.sum(np.abs(a) ** 2), (z,), 0)
    np.testing.assert_allclose(grad, 2 * np.conj(z), rtol=1e-7)  # JAX's 6 - 8j at 3 + 4j


def test_complex_and_container_inputs_are_checked() -> None:
    complex_program = Program("def f(z0, x0):\n    return np.sum(np.abs(z0 * x0) ** 2)\n",
                              (Input("z0", (3,), dtype="complex"), Input("x0", (3,))),
                              (0, 1), 4)
    container = Program("def f(params):\n    w, b = params\n    return np.sum(np.tanh(w) * b)\n",
                        (Input("params", None, container="tuple",
                               fields=(("w", (2, 3)), ("b", (2, 3)))),), (0,), 5)
    for program in (complex_program, container):
        assert oracle.check(program).status == "ok", oracle.check(program).detail


def test_a_wrong_complex_rule_is_noticed() -> None:
    entry = registry.lookup(np.conjugate)
    program = Program("def f(z0):\n    return np.sum(np.real(z0 * np.conj(z0 * 1.5j)))\n",
                      (Input("z0", (3,), dtype="complex"),), (0,), 6)
    assert oracle.check(program).status == "ok"

    def wrong_conj_vjp(g, ans, x):
        return g  # the holomorphic transpose: wrong for conj

    registry.defvjp(np.conjugate, wrong_conj_vjp, argnames=entry.argnames)
    try:
        outcome = oracle.check(program, forward=False)
    finally:
        registry.defvjp(np.conjugate, *entry.rules, argnames=entry.argnames)
    assert outcome.status == "fail" and outcome.kind == "gradient", outcome


def test_probes_of_keyword_bounds_ties_and_branch_cuts() -> None:
    source = ("def f(x, z):\n"
              "    a = np.clip(x, min=-0.4, max=0.4)\n"
              "    b = np.sort(x)\n"
              "    return np.sum(a) + np.sum(b) + np.sum(np.log(z).real)\n")
    margins: list[tuple[float, str]] = []
    loaded = oracle.Loaded(oracle.probe_source(source), oracle.probes(margins))
    try:
        loaded.fn(np.array([0.1, 0.35, 0.9]), np.array([-2.0 + 0.01j, 1.0 + 1.0j]))
    finally:
        loaded.close()
    distances = sorted(m for m, _ in margins)
    assert distances[0] == pytest.approx(0.01)  # z[0] is 0.01 from log's branch cut
    assert 0.05 in [pytest.approx(d) for d in distances]  # 0.35 is 0.05 from the clip bound
    assert 0.25 in [pytest.approx(d) for d in distances]  # the smallest gap np.sort sees
