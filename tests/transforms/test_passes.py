"""Golden tests of individual passes: run passes on a snippet, compare the unparsed result."""

from __future__ import annotations

import ast
import pathlib
import textwrap

import pytest

import autodiff.transforms as transforms
from autodiff.transforms import (
    backend_pipeline,
    default_pipeline,
    forward_pipeline,
    frontend_pipeline,
    pipeline_for,
)
from autodiff.transforms.frontend.anf import ANF
from autodiff.transforms.frontend.normalize import Normalize
from autodiff.transforms.frontend.pytrees import PackContainers
from autodiff.transforms.frontend.ssa import SSA
from autodiff.transforms.ir import nodes
from autodiff.transforms.ir.annotations import NUMPY, RUNTIME, Anno, called, getanno
from autodiff.transforms.passmanager import Analysis, Step, Transformation, run_pipeline, show
from autodiff.transforms.testing import (
    activity_of,
    context,
    resolve_source,
    run_passes,
    tangent_source,
)


def check(source: str, passes: list[type], expected: str, **request) -> None:
    assert run_passes(textwrap.dedent(source), passes, **request) == textwrap.dedent(expected).strip()


NORMALIZE_CASES = [
    pytest.param("""
        def f(x):
            x += 1.0
            return x
        """, """
        def f(x):
            x = x + 1.0
            return x
        """, id="augassign"),
    pytest.param("""
        def f(x):
            (a, b), c = x
            return a
        """, """
        def f(x):
            _unpack1, c = x
            a, b = _unpack1
            return a
        """, id="nested_unpack"),
    pytest.param("""
        def f(x):
            pass
            y: float = x
        """, """
        def f(x):
            y = x
        """, id="annassign_and_pass"),
]


@pytest.mark.parametrize(("source", "expected"), NORMALIZE_CASES)
def test_normalize(source, expected):
    check(source, [Normalize], expected)


ANF_CASES = [
    pytest.param("""
        def f(x):
            return np.sum(x * x.shape[0], axis=0) + np.pi
        """, """
        def f(x):
            _mul1 = x * x.shape[0]
            _sum2 = np.sum(_mul1, axis=0)
            _add3 = _sum2 + np.pi
            return _add3
        """, id="static_shape_and_module_constant_stay_inline"),
    pytest.param("""
        def f(x):
            return x, x
        """, """
        def f(x):
            _copy1 = x
            return (x, _copy1)
        """, id="repeated_return_names_get_copies"),
    pytest.param("""
        def f(x):
            return (x @ x.T)[1:3, None]
        """, """
        def f(x):
            _T1 = x.T
            _matmul2 = x @ _T1
            _getitem3 = _matmul2[1:3, None]
            return _getitem3
        """, id="multi_dimensional_slice"),
]


@pytest.mark.parametrize(("source", "expected"), ANF_CASES)
def test_anf(source, expected):
    check(source, [Normalize, ANF], expected)


def test_ssa_versions_only_reassigned_names():
    check("""
        def f(x, y):
            z = x * y
            x = z + 1.0
            z = x * z
            return z
        """, [Normalize, ANF, SSA], """
        def f(x, y):
            z = x * y
            x_1 = z + 1.0
            z_1 = x_1 * z
            return z_1
        """)


def test_resolve_classifies_operations():
    kinds = dict(resolve_source("""
        def f(x, n):
            a = np.exp(x)
            b = np.argmax(a)
            c = a.reshape(-1)
            d = (a, c)
            e = stop(a)
            g = len(x)
            return a
        """))
    assert kinds["a = np.exp(x)"] == "primitive"
    assert kinds["b = np.argmax(a)"] == "non-differentiable"
    assert kinds["c = a.reshape(-1)"] == "primitive"
    assert kinds["d = (a, c)"] == "tuple or list"
    assert kinds["e = stop(a)"] == "unknown"  # resolved lazily: an error only if active
    assert kinds["g = len(x)"] == "non-differentiable"


@pytest.mark.parametrize(("wrt", "active"), [
    (("x",), {"x", "a", "c"}),
    (("y",), {"y", "b", "c"}),
    (("x", "y"), {"x", "y", "a", "b", "c"}),
], ids=["x", "y", "both"])
def test_activity_is_varied_and_useful(wrt, active):
    result = activity_of("""
        def f(x, y):
            a = np.sin(x)
            b = y * 2.0
            c = a + b
            unused = np.exp(x)
            s = np.sign(x)
            return c
        """, wrt=wrt)
    assert result.active == active


def test_activity_stops_at_non_differentiable_calls():
    result = activity_of("""
        def f(x):
            k = np.floor(x)
            return k * 3.0
        """)
    assert result.active == frozenset()


def test_an_analysis_step_is_computed_once_for_the_passes_after_it():
    runs = []

    class Counted(Analysis):
        name = "counted"

        def run(self, ctx):
            runs.append(1)
            return len(runs)

    class Reader(Transformation):
        name = "reader"
        requires = (Counted,)

        def run(self, ctx):
            return False  # reads the analysis, changes nothing

    ctx = context("def f(x):\n    return x\n")
    run_pipeline([Step(Counted, "test"), Step(Reader, "test"), Step(Reader, "test")], ctx)
    assert runs == [1]
    assert ctx.analysis(Counted) == 1


# ---- every phase is a pass: printable, timed, both modes ------------------------------------

PROGRAM = """
def f(x, w):
    h = np.tanh(x @ w + x)
    for i in range(2):
        h = h * np.sin(h)
    return np.sum(h * x)
"""
MODES = {
    "reverse": (default_pipeline, {}),
    "forward": (forward_pipeline, {"mode": "forward"}),
    "reverse_specialized": (default_pipeline, {"shapes": (("x", (3, 3)), ("w", (3, 3))),
                                               "value": False}),
    "forward_specialized": (forward_pipeline, {"mode": "forward",
                                               "shapes": (("x", (3, 3)), ("w", (3, 3)))}),
}


def pass_names(pipeline) -> list[str]:
    return [step.pass_class.name for step in pipeline()]


@pytest.mark.parametrize("mode", MODES)
def test_every_pass_prints_after_itself(mode, monkeypatch):
    pipeline, request = MODES[mode]
    names = pass_names(pipeline)
    monkeypatch.setenv("AUTODIFF_PRINT_AFTER", ",".join(names))
    printed = []
    ctx = context(PROGRAM, **request)
    run_pipeline(pipeline(), ctx, printer=lambda name, ctx: printed.append((name, show(ctx))))
    assert [name for name, _ in printed] == names
    assert all(text.strip() for _, text in printed)


@pytest.mark.parametrize("mode", MODES)
def test_time_report_names_every_pass(mode, monkeypatch, capsys):
    pipeline, request = MODES[mode]
    monkeypatch.setenv("AUTODIFF_TIME_PASSES", "1")
    run_pipeline(pipeline(), context(PROGRAM, **request))
    report = capsys.readouterr().err.splitlines()
    assert report[0].startswith("# ---- pass times: f")
    timed = [line.split()[1] for line in report[1:]]
    assert timed == [*pass_names(pipeline), "total"]


def test_no_time_report_by_default(monkeypatch, capsys):
    monkeypatch.delenv("AUTODIFF_TIME_PASSES", raising=False)
    run_pipeline(default_pipeline(), context(PROGRAM))
    assert "pass times" not in capsys.readouterr().err


def test_both_modes_share_the_front_and_back_end():
    back = [step.pass_class for step in backend_pipeline()]
    front = [step.pass_class for step in frontend_pipeline()]
    for pipeline in (default_pipeline, forward_pipeline):
        classes = [step.pass_class for step in pipeline()]
        assert classes[:len(front)] == front
        if classes[-1] is PackContainers:  # reverse mode: the user's containers, after all
            classes.pop()
        assert classes[-len(back):] == back


def test_every_back_end_pass_returns_a_bool_and_can_change_code():
    """Each back-end pass follows the protocol; the sample makes each one change something."""
    samples = {
        "dead_code": ("def f(x):\n    return np.sum(np.sin(x))",
                      {"shapes": (("x", (3,)),), "value": False}),
        "copies": ("def f(x):\n    y = np.sin(x)\n    z = y\n    return z * 2.0", {}),
        "constant_seeds": ("def f(x):\n    return np.sum(x * 3.0)", {"shapes": (("x", (2,)),)}),
        "repeated_returns": ("def f(x, y):\n    return np.sum(x + y)",
                             {"shapes": (("x", (2,)), ("y", (2,)))}),
        "fold_broadcasts": ("def f(x, y):\n    return np.sum(x * y)",
                            {"shapes": (("x", (2,)), ("y", (2,))), "wrt": ("x",)}),
        "folding": ("def f(x, y):\n    u = -np.sin(x)\n    return u * y * 2.0", {}),
        "cse": ("def f(x, y):\n    return x / y", {}),
        "inplace": ("def f(x):\n    y = x * 2.0\n    y = np.sin(y) + y\n"
                    "    return np.sum(y * x)", {}),
        "release": ("def f(x):\n    a = np.tanh(x)\n    b = np.exp(a)\n    c = np.sin(b)\n"
                    "    return np.sum(c * x)", {"shapes": (("x", (2,)),)}),
        "rematerialize": ("def f(a, y):\n    for _ in range(3):\n        square = y * y\n"
                          "        y = np.sin(square) + a\n    return y", {"wrt": ("y",)}),
    }
    for name, (source, request) in samples.items():
        steps = default_pipeline()
        index = pass_names(default_pipeline).index(name)
        ctx = run_pipeline(steps[:index], context(source, **request))
        before = show(ctx)
        changed = steps[index].pass_class().run(ctx)
        assert changed is True, name
        assert show(ctx) != before, name


def test_forward_mode_accumulates_array_tangents_with_plus():
    code = tangent_source("def f(x, w):\n    return np.tanh(x * w + x)")
    assert "_rt.add(" not in code
    assert "_add2_dot = _add2_dot + " in code


# ---- no pass reads generated text ------------------------------------------------------------

TRANSFORMS = pathlib.Path(transforms.__file__).parent
PRINTING = {"ir/codegen.py", "passmanager.py", "testing.py"}  # codegen, debug printing


def unparse_calls(path: pathlib.Path) -> list[int]:
    """Lines calling ``*.unparse(...)`` (docstring examples are text, not calls)."""
    tree = ast.parse(path.read_text())
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Attribute, ast.Name))
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "unparse"]


def test_only_codegen_and_debug_printing_unparse():
    offenders = {}
    for path in sorted(TRANSFORMS.rglob("*.py")):
        relative = path.relative_to(TRANSFORMS).as_posix()
        lines = unparse_calls(path)
        if lines and relative not in PRINTING:
            offenders[relative] = lines
    assert offenders == {}


# ---- generated calls carry what they call ----------------------------------------------------

def emitted_calls(ctx) -> list:
    return [found for node in nodes.walk(ctx.tree)
            if (found := getanno(node, Anno.CALL)) is not None]


@pytest.mark.parametrize(("mode", "source", "operator", "rule"), [
    ("reverse", "def f(x, w):\n    return np.sum(x @ w)", "MatMult", "matmul_vjp_rhs"),
    ("forward", "def f(x, w):\n    return np.sum(x * w)", "Mult", "multiply_jvp_rhs"),
])
def test_rule_calls_name_their_primitive_and_argument(mode, source, operator, rule):
    ctx = context(source, wrt=("w",), mode=mode)
    run_pipeline(pipeline_for(mode), ctx)
    primitive = ctx.rules.binary_operator(operator)
    rule_calls = [call for call in emitted_calls(ctx) if call.primitive is primitive]
    assert [(call.library, call.name, call.argument) for call in rule_calls] == [
        (RUNTIME, rule, 1)]


def test_inlined_rule_bodies_and_helpers_are_annotated():
    ctx = context("def f(x, y):\n    return np.sum(np.maximum(x, y) + np.cos(x))")
    run_pipeline(default_pipeline(), ctx)
    found = {(call.library, call.name) for call in emitted_calls(ctx)}
    assert (RUNTIME, "seed") in found
    assert (NUMPY, "sin") in found  # the inlined body of cos's rule
    assert (RUNTIME, "unbroadcast_to") in found


def test_annotations_survive_copies_and_substitution():
    call = nodes.library_call(RUNTIME, "unbroadcast_to", [nodes.name("g"), nodes.name("x")])
    copied = nodes.substitute(call, {"g": nodes.name("h")})
    assert called(copied, RUNTIME, "unbroadcast_to")
    assert called(nodes.copy_tree(call), RUNTIME, "unbroadcast_to")
    assert not called(copied, NUMPY, "unbroadcast_to")
