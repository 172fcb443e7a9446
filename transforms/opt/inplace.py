"""In-place accumulation: ``dx = dx + e`` -> ``dx += e`` (and ``dx = dx - e`` -> ``dx -= e``)
where the generated code owns ``dx``.

Runs on the generated gradient function (after the reverse pass has built it). An adjoint
qualifies when every value it is ever bound to is a fresh result (arithmetic, ``np.full``,
``np.outer``, ``_rt.zeros_like``, ``_rt.getitem_vjp`` or a number) or its own accumulation, and it is only read as
an operand of arithmetic or returned: then no other name can see the array being updated. Each
update must also provably keep the adjoint's shape (``fits``). On arrays this saves one
full-size allocation per accumulation; on numbers ``+=`` simply rebinds, as before.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..ir import nodes

_FRESH_CALLS = frozenset({"_rt.zeros_like", "_rt.getitem_vjp", "_rt.scatter", "_np.full",
                          "_np.outer", "_np.zeros"})


def accumulate_in_place(function: gast.FunctionDef, adjoints: set[str],
                        fits: Callable[[str, gast.expr], bool]) -> int:
    """Rewrite the qualifying accumulations of ``function`` in place; returns how many.

    ``adjoints``: the names that may be rewritten; ``fits(name, e)``: ``name + e`` provably has
    ``name``'s shape.

    >>> import gast
    >>> tree = gast.parse("def f(a, b):\\n    dx = a * b\\n    dx = dx + a\\n    return dx")
    >>> accumulate_in_place(tree.body[0], {"dx"}, lambda name, value: True)
    1
    >>> print(gast.unparse(tree).strip().splitlines()[2])
        dx += a
    """
    owned = _owned(function, adjoints)
    count = 0
    for block in nodes.statement_blocks(function):
        for index, statement in enumerate(block):
            name = _accumulated(statement)
            if name in owned and fits(name, statement.value.right):
                value = statement.value.right
                target: gast.expr = nodes.name(name, store=True)
                if _is_scatter(value) and isinstance(statement.value.op, gast.Add):
                    # dx + scatter(g, shape, index): add g into the slice of dx, no zeros
                    target = gast.Subscript(value=nodes.name(name),
                                            slice=_as_subscript(value.args[2]), ctx=gast.Store())
                    value = value.args[0]
                update = gast.AugAssign(target=target, op=type(statement.value.op)(),
                                        value=value)
                block[index] = nodes.copy_location(update, statement)
                count += 1
    return count


def _accumulated(statement: gast.stmt) -> str | None:
    """``v`` for a statement ``v = v + e`` or ``v = v - e``."""
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], gast.Name) \
            and isinstance(statement.value, gast.BinOp) \
            and isinstance(statement.value.op, (gast.Add, gast.Sub)) \
            and isinstance(statement.value.left, gast.Name) \
            and statement.value.left.id == statement.targets[0].id:
        return statement.targets[0].id
    return None


_COPYING_CALLS = frozenset({"_np.sum", "_np.full", "_np.outer", "_rt.scatter"})


def _copied_by(parent: gast.AST | None, node: gast.Name) -> bool:
    """Is ``node`` an argument of a call that only reads it into a new array (or the array
    whose ``.sum`` is taken)?"""
    if isinstance(parent, gast.Attribute):
        return parent.value is node and parent.attr == "sum"
    return isinstance(parent, gast.Call) and any(arg is node for arg in parent.args) \
        and gast.unparse(parent.func).strip() in _COPYING_CALLS


def _as_subscript(index: gast.expr) -> gast.expr:
    """``(slice(None, n, None), 1)`` as subscript syntax ``:n, 1``."""
    if isinstance(index, gast.Tuple):
        return gast.Tuple(elts=[_as_subscript(item) for item in index.elts], ctx=gast.Load())
    if isinstance(index, gast.Call) and isinstance(index.func, gast.Name) \
            and index.func.id == "slice" and len(index.args) == 3:
        lower, upper, step = (None if isinstance(arg, gast.Constant) and arg.value is None
                              else arg for arg in index.args)
        return gast.Slice(lower=lower, upper=upper, step=step)
    return index


def _is_scatter(value: gast.expr) -> bool:
    return isinstance(value, gast.Call) and len(value.args) == 3 and not value.keywords \
        and gast.unparse(value.func).strip() == "_rt.scatter"


def _fresh(value: gast.expr) -> bool:
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(value, gast.Constant):
        return isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
    return isinstance(value, gast.Call) and gast.unparse(value.func).strip() in _FRESH_CALLS


def _owned(function: gast.FunctionDef, candidates: set[str]) -> set[str]:
    args = function.args
    owned = set(candidates) - {arg.id for arg in args.posonlyargs + args.args + args.kwonlyargs}
    returned = {id(node) for block in nodes.statement_blocks(function) for statement in block
                if isinstance(statement, gast.Return) for node in _returned_items(statement.value)}
    for parent in nodes.walk(function):  # one pass: each name is judged from its parent
        for node in nodes.children(parent):
            if not isinstance(node, gast.Name) or node.id not in owned:
                continue
            if isinstance(node.ctx, gast.Store):
                if not (isinstance(parent, gast.Assign) and parent.targets[0] is node
                        and (_fresh(parent.value) or _accumulated(parent) == node.id)):
                    owned.discard(node.id)
            elif not isinstance(parent, (gast.BinOp, gast.UnaryOp)) \
                    and not _copied_by(parent, node) and id(node) not in returned:
                owned.discard(node.id)
    return owned


def _returned_items(value: gast.expr | None) -> list[gast.expr]:
    """The items of the returned (nested) tuple."""
    if isinstance(value, gast.Tuple):
        return [item for element in value.elts for item in _returned_items(element)]
    return [] if value is None else [value]
