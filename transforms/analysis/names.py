"""The names a function binds, computed once per version of the tree.

Input: the function being compiled. Output: ``BoundNames``: ``local`` is the parameters and
every name the function stores (``frontend.anf.local_names``), ``bound`` every name it binds in
any way (stores, deletions, ``*args``/``**kwargs``). Several analyses and the differentiating
passes ask for these sets; as an analysis they are one walk of the tree until it changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import gast

from ..ir import nodes
from ..passmanager import Analysis, PassContext


@dataclass(frozen=True, slots=True)
class BoundNames:
    local: frozenset[str]  # parameters and stored names
    bound: frozenset[str]  # ... and deleted names, *args and **kwargs


class LocalNames(Analysis):
    """``BoundNames`` of ``ctx.function``.

    >>> import gast
    >>> names = bound_names(gast.parse("def f(x, *rest):\\n    y = x\\n    del y\\n    return x").body[0])
    >>> sorted(names.local), sorted(names.bound)
    (['x', 'y'], ['rest', 'x', 'y'])
    """

    name = "local_names"

    def run(self, ctx: PassContext) -> BoundNames:
        return bound_names(ctx.function)


def bound_names(function: gast.FunctionDef) -> BoundNames:
    args = function.args
    local = {arg.id for arg in args.args + args.kwonlyargs + args.posonlyargs}
    bound = set(local)
    for node in nodes.walk(function):
        if node.__class__ is gast.Name:
            context = node.ctx.__class__
            if context is gast.Store:
                local.add(node.id)
                bound.add(node.id)
            elif context is not gast.Load:
                bound.add(node.id)
    return BoundNames(frozenset(local), frozenset(bound))
