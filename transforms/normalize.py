"""Desugaring: fewer statement forms for the passes that follow.

Input: a checked ``FunctionDef``. Output invariant: no docstring or ``pass``; every assignment
is ``Assign`` with one target that is a name or a flat tuple of names; ``x += e`` on a name is
``x = x + e``; the body ends with exactly one ``return`` (``return None`` if the user had none)
and nothing follows it.
"""

from __future__ import annotations

import gast

from . import nodes
from .passmanager import PassContext, Transformation


class Normalize(Transformation):
    """Desugar assignments and returns.

    >>> from autodiff.transforms.testing import run_passes
    >>> print(run_passes("def f(x):\\n    'doc'\\n    y = z = x\\n    y += 1\\n", [Normalize]))
    def f(x):
        y = x
        z = y
        y = y + 1
        return None
    """

    name = "normalize"

    def run(self, ctx: PassContext) -> bool:
        function = ctx.function
        body: list[gast.stmt] = []
        for statement in _without_docstring(function.body):
            body.extend(self._statement(ctx, statement))
            if isinstance(statement, gast.Return):
                break
        if not body or not isinstance(body[-1], gast.Return):
            body.append(nodes.return_(nodes.constant(None, function), like=function))
        function.body = body
        return True

    def _statement(self, ctx: PassContext, statement: gast.stmt) -> list[gast.stmt]:
        if isinstance(statement, gast.Pass):
            return []
        if isinstance(statement, gast.AnnAssign):
            return self._assign(ctx, [statement.target], statement.value, statement)
        if isinstance(statement, gast.AugAssign):
            target = nodes.name(statement.target.id, like=statement)
            value = nodes.binop(target, statement.op, statement.value, like=statement)
            return [nodes.assign(statement.target.id, value, like=statement)]
        if isinstance(statement, gast.Assign):
            return self._assign(ctx, statement.targets, statement.value, statement)
        return [statement]

    def _assign(self, ctx: PassContext, targets: list, value: gast.expr,
                like: gast.stmt) -> list[gast.stmt]:
        """``a = b = e`` -> ``a = e; b = a``; nested tuple targets get a temporary each."""
        first, *rest = targets
        statements = self._flat_assign(ctx, first, value, like)
        for target in rest:
            statements.extend(self._flat_assign(ctx, target, _as_load(first, like), like))
        return statements

    def _flat_assign(self, ctx: PassContext, target: gast.expr, value: gast.expr,
                     like: gast.stmt) -> list[gast.stmt]:
        if isinstance(target, gast.Name):
            return [nodes.assign(target, value, like=like)]
        flat, inner = [], []
        for element in target.elts:
            if isinstance(element, gast.Name):
                flat.append(element)
                continue
            temp = ctx.namer.temp("unpack")
            flat.append(nodes.name(temp, store=True, like=element))
            inner.extend(self._flat_assign(ctx, element, nodes.name(temp, like=element), like))
        return [nodes.assign(nodes.tuple_(flat, store=True, like=target), value, like), *inner]


def _without_docstring(body: list[gast.stmt]) -> list[gast.stmt]:
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _as_load(target: gast.expr, like: gast.stmt) -> gast.expr:
    if isinstance(target, gast.Name):
        return nodes.name(target.id, like=like)
    return nodes.tuple_([_as_load(element, like) for element in target.elts], like=like)
