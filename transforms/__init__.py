"""The compiler passes (pure AST -> AST on gast trees; no numpy here).

``default_pipeline()`` is the one ordered list of passes, each with the reason it runs where it
does. ``AUTODIFF_PRINT_AFTER=normalize,reverse`` prints the tree after the named passes.
"""

from __future__ import annotations

from .ad.forward import Forward
from .ad.reverse import Reverse
from .analysis.activity import Activity
from .analysis.mutation import CheckMutation
from .frontend.anf import ANF
from .frontend.check import CheckSyntax
from .frontend.normalize import Normalize
from .frontend.resolve import Resolve
from .frontend.ssa import SSA
from .frontend.structure import Structure
from .opt.idioms import Idioms
from .opt.simplify import Simplify
from .passmanager import Step


def default_pipeline() -> list[Step]:
    """The reverse-mode pipeline, top to bottom."""
    return [
        Step(CheckSyntax, "reject unsupported constructs at the user's line, before any rewrite"),
        Step(Normalize, "desugar assignments and updates so later passes see fewer forms"),
        Step(Structure, "canonical loops, no jumps, one exit: the backward sweep can mirror it"),
        Step(ANF, "one operation per statement: each gets exactly one adjoint block"),
        Step(SSA, "give reassigned names versions, so straight-line code needs no tape"),
        Step(Idioms, "differentiate sigmoid chains as sigmoid, stability maxes not at all"),
        Step(Simplify, "algebraic identities that shorten the adjoints (reverse mode only)"),
        Step(Resolve, "classify each operation: rule, user function, non-differentiable"),
        Step(Activity, "find the names that can carry a non-zero adjoint"),
        Step(CheckMutation, "reject in-place updates that value semantics would get wrong"),
        Step(Reverse, "emit the forward sweep and the adjoint blocks in reverse order"),
    ]


def forward_pipeline() -> list[Step]:
    """The forward-mode (tangent) pipeline: the same front end, then ``Forward``."""
    steps = [step for step in default_pipeline() if step.pass_class is not Reverse]
    return [*steps, Step(Forward, "emit each active statement followed by its tangent")]


def pipeline_for(mode: str) -> list[Step]:
    """The pipeline of a compile request's mode (``"reverse"`` or ``"forward"``)."""
    return forward_pipeline() if mode == "forward" else default_pipeline()


__all__ = ["Step", "default_pipeline", "forward_pipeline", "pipeline_for"]
