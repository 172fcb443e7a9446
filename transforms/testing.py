"""Helpers for pass tests and doctests: run passes on a snippet and unparse the result."""

from __future__ import annotations

import linecache
import textwrap
from typing import Any

import gast
import numpy as np

from . import default_pipeline, forward_pipeline, pipeline_for
from .analysis.activity import Activity, ActivityResult
from .analysis.mutation import CheckMutation
from .analysis.shape_inference import infer_shapes
from .analysis.shapes import ShapeAnalysis
from .frontend.parse import parse_function
from .frontend.resolve import Resolve
from .ir import nodes
from .ir.annotations import Anno, getanno
from .ir.codegen import emit
from .passmanager import PassContext, Step, new_context, run_pipeline, show
from .request import CompileRequest
from .rules import RULES

_FILENAME = "<doctest>"


class _NoCallees:
    def unit(self, callee: Any, wrt: tuple[str, ...], parent: CompileRequest) -> Any:
        raise AssertionError("snippets under test call no user functions")


def context(source: str, wrt: tuple[str, ...] | None = None, **request: Any) -> PassContext:
    """A pass context for the first function defined in ``source`` (a dedented snippet)."""
    text = textwrap.dedent(source)
    if not text.endswith("\n"):
        text += "\n"
    linecache.cache[_FILENAME] = (len(text), None, text.splitlines(True), _FILENAME)
    namespace: dict[str, Any] = {"np": __import__("numpy")}
    exec(compile(text, _FILENAME, "exec"), namespace)
    function = next(value for value in namespace.values()
                    if getattr(getattr(value, "__code__", None), "co_filename", "") == _FILENAME)
    parsed = parse_function(function)
    if wrt is None:
        wrt = tuple(arg.id for arg in parsed.tree.args.args)
    return new_context(parsed, CompileRequest(wrt, **request), RULES, _NoCallees())


def run_passes(source: str, passes: list[type], **request: Any) -> str:
    """Run ``passes`` on the snippet and return the unparsed function."""
    ctx = context(source, **request)
    run_pipeline([Step(pass_class, "test") for pass_class in passes], ctx)
    return gast.unparse(ctx.tree).strip()


def _normalized(source: str, **request: Any) -> PassContext:
    ctx = context(source, **request)
    steps = [step for step in default_pipeline() if step.pass_class.name in
             ("check", "normalize", "structure", "anf", "ssa", "idioms", "simplify")]
    return run_pipeline(steps, ctx)


def resolve_source(source: str, **request: Any) -> list[tuple[str, str]]:
    """``(statement, kind)`` for each assignment after normalization."""
    ctx = _normalized(source, **request)
    resolution = ctx.analysis(Resolve)
    return [(gast.unparse(statement).strip(), resolution.of(statement).kind.value)
            for statement in ctx.function.body if isinstance(statement, gast.Assign)]


def polynomial_marks(source: str, **request: Any) -> list[tuple[str, str, str]]:
    """``(statement, variable, derivative)`` for each chain ``polynomials.py`` marked, the
    statements unparsed after the simplify pass; ``derivative`` is the statement that computes
    it when the adjoint reuses a primal value, else the factors written out (``y * 6.0``)."""
    ctx = _normalized(source, **request)
    statements = [s for block in nodes.statement_blocks(ctx.function) for s in block]
    definitions = {s.targets[0].id: s for s in statements
                   if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)}
    found = []
    for statement in statements:
        mark = getanno(statement, Anno.POLYNOMIAL)
        if mark is not None:
            variable, factors = mark
            names = [getanno(factor, Anno.KEEP_VALUE) or getattr(factor, "id", None)
                     for factor in factors]
            derivative = gast.unparse(definitions[names[0]]).strip() \
                if len(factors) == 1 and names[0] in definitions \
                else " * ".join(gast.unparse(factor).strip() for factor in factors)
            found.append((gast.unparse(statement).strip(), variable, derivative))
    return found


def activity_of(source: str, **request: Any) -> ActivityResult:
    return _normalized(source, **request).analysis(Activity)


def gradient_source(source: str, **request: Any) -> str:
    """The generated source of the snippet's gradient, as codegen emits it."""
    ctx = run_pipeline(default_pipeline(), context(source, **request))
    return emit(ctx.tree).source.rstrip("\n")


def tangent_source(source: str, **request: Any) -> str:
    """The generated source of the snippet's forward-mode (tangent) function."""
    ctx = run_pipeline(forward_pipeline(), context(source, mode="forward", **request))
    return emit(ctx.tree).source.rstrip("\n")


def source_after(source: str, pass_name: str, origins: bool = False, **request: Any) -> str:
    """What ``AUTODIFF_PRINT_AFTER=<pass_name>`` shows for the snippet (after the first such
    step), without the comments naming the user's lines unless ``origins``."""
    ctx = context(source, **request)
    steps = pipeline_for(ctx.request.mode)
    last = next(index for index, step in enumerate(steps) if step.pass_class.name == pass_name)
    lines = show(run_pipeline(steps[:last + 1], ctx)).splitlines()
    return "\n".join(line for line in lines
                     if origins or not line.lstrip().startswith(f"# {_FILENAME}:"))


def mutation_error(source: str, **request: Any) -> str:
    """The message ``CheckMutation`` raises for the snippet (or ``"ok"``)."""
    ctx = _normalized(source, **request)
    try:
        ctx.analysis(Activity)
        CheckMutation().run(ctx)
    except SyntaxError as error:
        return f"{error.filename}:{error.lineno}: {error.msg}"
    return "ok"


def inferred_shapes(source: str, shapes: dict[str, tuple[int, ...]],
                    **request: Any) -> dict[str, Any]:
    """The concrete abstract values ``infer_shapes`` finds for the snippet's locals."""
    ctx = _normalized(source, shapes=tuple(shapes.items()), **request)
    return infer_shapes(ctx.function, ctx.analysis(Resolve), ctx.rules, dict(shapes))


def shape_classes(source: str, **request: Any) -> Any:
    """The ``ShapeClasses`` of the snippet after normalization."""
    return _normalized(source, **request).analysis(ShapeAnalysis)


def numerical_gradient(fn: Any, args: Any, position: int, eps: float = 1e-6) -> Any:
    """Central differences of the scalar ``fn(*args)`` w.r.t. ``args[position]`` (float64)."""
    args = [np.array(a, dtype=float) for a in args]
    grad = np.zeros_like(args[position])
    for index in np.ndindex(grad.shape):
        saved = args[position][index]
        args[position][index] = saved + eps
        up = fn(*args)
        args[position][index] = saved - eps
        down = fn(*args)
        args[position][index] = saved
        grad[index] = (up - down) / (2 * eps)
    return grad
