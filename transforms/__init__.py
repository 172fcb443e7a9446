"""The compiler passes (pure AST -> AST on gast trees; no numpy here).

Subpackages by role: ``ir`` (nodes, names, annotations, codegen), ``frontend`` (parse to ANF +
SSA and resolution), ``analysis`` (activity, aliasing, shapes, guards, the mutation fence),
``ad`` (reverse and forward mode), ``opt`` (idioms and the back-end clean-ups).

``default_pipeline()`` is the one ordered list of passes, each with the reason it runs where it
does; ``forward_pipeline()`` shares its front end and its back end (``backend_pipeline()``).
``AUTODIFF_PRINT_AFTER=normalize,reverse`` prints the tree after the named passes and
``AUTODIFF_TIME_PASSES=1`` prints the time of each pass (both to stderr).
"""

from __future__ import annotations

from .ad.forward import Forward
from .ad.reverse import Adjoints, Reverse
from .analysis.activity import Activity
from .analysis.mutation import CheckMutation
from .frontend.anf import ANF
from .frontend.check import CheckSyntax
from .frontend.normalize import Normalize
from .frontend.pytrees import FlattenContainers, PackContainers
from .frontend.resolve import Resolve
from .frontend.ssa import SSA
from .frontend.structure import Structure
from .opt.backend import Rematerialize, backend_pipeline
from .opt.idioms import Idioms
from .opt.simplify import Simplify
from .passmanager import Step


def frontend_pipeline() -> list[Step]:
    """Source to an analysed ANF + SSA function, shared by both modes."""
    return [
        Step(CheckSyntax, "reject unsupported constructs at the user's line, before any rewrite"),
        Step(FlattenContainers, "container parameters of known structure become one name per "
             "leaf, before any rewrite sees a read of an item"),
        Step(Normalize, "desugar assignments and updates so later passes see fewer forms"),
        Step(Structure, "canonical loops, no jumps, one exit: the backward sweep can mirror it"),
        Step(ANF, "one operation per statement: each gets exactly one adjoint block"),
        Step(SSA, "give reassigned names versions, so straight-line code needs no tape"),
        Step(Idioms, "differentiate sigmoid chains as sigmoid, stability maxes not at all"),
        Step(Simplify, "algebraic identities that shorten the adjoints (reverse mode only)"),
        Step(Resolve, "classify each operation: rule, user function, non-differentiable"),
        Step(Activity, "find the names that can carry a non-zero adjoint"),
        Step(CheckMutation, "reject in-place updates that value semantics would get wrong"),
    ]


def default_pipeline() -> list[Step]:
    """The reverse-mode pipeline, top to bottom."""
    return [
        *frontend_pipeline(),
        Step(Adjoints, "the adjoint blocks in reverse order, control flow mirrored"),
        Step(Rematerialize, "before the tape is placed: recompute what is cheaper than saving"),
        Step(Reverse, "place the tape, build the gradient function(s)"),
        *backend_pipeline(),
        Step(PackContainers, "last: the gradient takes and returns the user's containers"),
    ]


def forward_pipeline() -> list[Step]:
    """The forward-mode (tangent) pipeline: the same front end and back end around ``Forward``."""
    return [
        *frontend_pipeline(),
        Step(Forward, "emit each active statement followed by its tangent"),
        *backend_pipeline(),
    ]


def pipeline_for(mode: str) -> list[Step]:
    """The pipeline of a compile request's mode (``"reverse"`` or ``"forward"``)."""
    return forward_pipeline() if mode == "forward" else default_pipeline()


def reusable_prefix(steps: list[Step]) -> int:
    """How many leading ``steps`` rewrite the tree independently of the request's shapes and
    ``value``: those before the last ``resolve``. Their result can be kept and a copy of it
    reused by another compile of the same function; the analyses after them refer to
    statements by identity, so they run again on the copy."""
    return max(index for index, step in enumerate(steps) if step.pass_class is Resolve)


__all__ = ["Step", "backend_pipeline", "default_pipeline", "forward_pipeline",
           "frontend_pipeline", "pipeline_for", "reusable_prefix"]
