"""Static single assignment for straight-line code: a reassigned name gets a new version.

Input: ANF function. Output invariant: every name is assigned at most once (parameters count
as assigned); ``x = x + 1`` becomes ``x_1 = x + 1`` and later reads of ``x`` read ``x_1``.
Straight-line code therefore needs no tape: every value the backward sweep reads is still there.
"""

from __future__ import annotations

import gast

from .passmanager import PassContext, Transformation


class SSA(Transformation):
    """Version reassigned names.

    >>> from autodiff.transforms.testing import run_passes
    >>> from autodiff.transforms.normalize import Normalize
    >>> print(run_passes("def f(x):\\n    x = x * 2\\n    x = x + 1\\n    return x",
    ...                  [Normalize, SSA]))
    def f(x):
        x_1 = x * 2
        x_2 = x_1 + 1
        return x_2
    """

    name = "ssa"

    def run(self, ctx: PassContext) -> bool:
        args = ctx.function.args
        defined = {arg.id for arg in args.args + args.kwonlyargs + args.posonlyargs}
        current: dict[str, str] = {}
        changed = False
        for statement in ctx.function.body:
            for node in _loads(statement):
                if node.id in current and current[node.id] != node.id:
                    node.id = current[node.id]
                    changed = True
            for node in _stores(statement):
                if node.id in defined:
                    current[node.id] = ctx.namer.version(node.id)
                    node.id = current[node.id]
                    changed = True
                else:
                    defined.add(node.id)
                    current[node.id] = node.id
        return changed


def _loads(statement: gast.stmt) -> list[gast.Name]:
    return [node for node in gast.walk(statement)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)]


def _stores(statement: gast.stmt) -> list[gast.Name]:
    return [node for node in gast.walk(statement)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store)]
