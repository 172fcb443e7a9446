"""Passes, their shared context, and the pipeline that runs them.

An ``Analysis`` computes a result from the tree and never mutates it; results are cached in the
``PassContext`` until a ``Transformation`` reports a change. A ``Transformation.run`` returns
``changed: bool`` (anything else is rejected). Passes list what they need in ``requires``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import gast

from ..errors import AutodiffError, AutodiffInternalError
from .analysis.guards import GuardSet
from .frontend.parse import SourceFunction
from .ir.naming import Namer, names_in


@dataclass(frozen=True, slots=True)
class GradientSummary:
    """What the reverse pass tells the caller about the function it generated."""

    seeds: tuple[str | None, ...]  # per returned leaf: the keyword taking its sensitivity
    # (forward mode: per differentiated parameter, the keyword taking its tangent)
    returns_tuple: bool  # the function returns a tuple literal
    weights_returned: tuple[int, ...]  # ids of the weights whose adjoints are returned
    guards: tuple[Any, ...]  # compile-time lookups the code depends on (guards.py)
    output_varied: bool = True  # does the returned value depend on the differentiated inputs?


@dataclass(slots=True)
class PassContext:
    """What passes share: the function being compiled, the request, names and analyses."""

    source: SourceFunction
    request: Any
    rules: Any
    callees: Any
    tree: gast.Module
    namer: Namer = field(default_factory=Namer)
    bindings: dict[str, Any] = field(default_factory=dict)  # names generated code closes over
    summary: GradientSummary | None = None  # set by the reverse pass
    guards: GuardSet = field(default_factory=GuardSet)  # lookups resolved at compile time
    _analyses: dict[type, Any] = field(default_factory=dict)

    @property
    def function(self) -> gast.FunctionDef:
        return self.tree.body[0]

    def analysis(self, analysis: type[Analysis]) -> Any:
        """The result of ``analysis`` on the current tree, computed at most once per change."""
        if analysis not in self._analyses:
            self._analyses[analysis] = analysis().run(self)
        return self._analyses[analysis]

    def invalidate(self) -> None:
        self._analyses.clear()


class Pass:
    """Base of all passes. ``requires`` lists the analyses a pass reads through ``ctx``."""

    requires: ClassVar[tuple[type, ...]] = ()
    name: ClassVar[str] = "pass"


class Analysis(Pass):
    def run(self, ctx: PassContext) -> Any:
        raise NotImplementedError


class Transformation(Pass):
    def run(self, ctx: PassContext) -> bool:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Step:
    """One pipeline step: a pass and why it runs at this point."""

    pass_class: type[Pass]
    why: str


def new_context(source: SourceFunction, request: Any, rules: Any, callees: Any) -> PassContext:
    tree = gast.Module(body=[source.tree], type_ignores=[])
    return PassContext(source, request, rules, callees, tree, Namer(names_in(source.tree)))


def run_pipeline(steps: Sequence[Step], ctx: PassContext,
                 printer: Callable[[str, PassContext], None] | None = None) -> PassContext:
    """Run ``steps`` in order; errors meant for the user pass through, others become internal."""
    wanted = _print_after()
    for step in steps:
        pass_ = step.pass_class()
        for needed in pass_.requires:
            ctx.analysis(needed)
        try:  # an analysis step fills the cache, so the passes requiring it reuse its result
            result = ctx.analysis(step.pass_class) if isinstance(pass_, Analysis) \
                else pass_.run(ctx)
        except AutodiffError:
            raise
        except Exception as error:  # a compiler bug: say which pass, show the tree
            raise AutodiffInternalError(
                f"in pass {pass_.name} compiling {ctx.source.name}: {error!r}\n"
                f"--- tree before the pass ---\n{_safe_unparse(ctx.tree)}"
            ) from error
        if isinstance(pass_, Transformation):
            if not isinstance(result, bool):
                raise AutodiffInternalError(f"pass {pass_.name} returned {result!r}, not a bool")
            if result:
                ctx.invalidate()
        if pass_.name in wanted:
            (printer or _print)(pass_.name, ctx)
    return ctx


def _print_after() -> set[str]:
    return {name.strip() for name in os.environ.get("AUTODIFF_PRINT_AFTER", "").split(",") if name}


def _safe_unparse(tree: gast.AST) -> str:
    try:
        return gast.unparse(tree)
    except Exception as error:  # the tree itself may be broken
        return f"<cannot unparse: {error!r}>"


def _print(name: str, ctx: PassContext) -> None:
    print(f"# ---- after {name}: {ctx.source.name} ----\n{_safe_unparse(ctx.tree)}", file=sys.stderr)
