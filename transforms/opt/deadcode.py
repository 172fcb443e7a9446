"""Dead-code elimination over the generated gradient, by marking what is live.

When the caller discards the function's value (``grad`` rather than ``value_and_grad``, on the
shape-specialized fast path), the generated function returns ``None`` for it, and the forward
statements that only computed the value (``np.log1p(...)`` whose rule reads its input, the
final ``np.mean``) are dead, as in a hand-written gradient.

Liveness is propagated from the roots, the way an aggressive dead-code elimination marks
useful statements: a name is live if a live statement reads it, and a statement is live if it
has an effect besides its result (it is not ``pure``, or it is not an assignment: a ``return``,
a tape push, an in-place update), or if it assigns a live name. The tests and iterables of
``if``/``for``/``while`` are roots, so the control flow stays as it is. Marking from the roots
(one worklist, each statement visited once: linear time) rather than deleting what nothing
reads also removes dead cycles: in a loop, ``_add6 = total + _sum5; total = _add6`` reads
``total`` and assigns it, but when nothing live reads ``total`` neither statement is live.
A block left with nothing live becomes ``pass``.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..ir import nodes


def eliminate_dead_code(function: gast.FunctionDef,
                        pure: Callable[[gast.Assign], bool]) -> int:
    """Remove the dead pure assignments of ``function``; returns how many.

    >>> import gast
    >>> tree = gast.parse("def f(x):\\n    a = x * 2\\n    b = a + 1\\n    return x")
    >>> eliminate_dead_code(tree.body[0], lambda statement: True)
    2
    >>> print(gast.unparse(tree).strip())
    def f(x):
        return x
    """
    blocks = nodes.statement_blocks(function)
    definitions: dict[str, list[gast.Assign]] = {}  # name -> the pure assignments storing it
    pending: list[gast.AST] = []  # live parts whose reads are not marked yet
    for block in blocks:
        for statement in block:
            if isinstance(statement, gast.Assign) and pure(statement):
                for name in _stored(statement):
                    definitions.setdefault(name, []).append(statement)
            elif isinstance(statement, (gast.If, gast.While)):
                pending.append(statement.test)
            elif isinstance(statement, gast.For):
                pending += [statement.target, statement.iter]
            elif isinstance(statement, gast.AugAssign):  # `dx += e` reads dx as well
                pending += [statement, nodes.name(_stored(statement).pop())] \
                    if isinstance(statement.target, gast.Name) else [statement]
            else:
                pending.append(statement)
    live_names: set[str] = set()
    live: set[int] = set()
    while pending:
        for name in _loads(pending.pop()):
            if name in live_names:
                continue
            live_names.add(name)
            for statement in definitions.get(name, ()):
                if id(statement) not in live:
                    live.add(id(statement))
                    pending.append(statement)
    dead = {id(statement) for statements in definitions.values() for statement in statements
            if id(statement) not in live}
    removed = 0
    for block in blocks:
        kept = [statement for statement in block if id(statement) not in dead]
        removed += len(block) - len(kept)
        block[:] = kept or [nodes.copy_location(gast.Pass(), block[-1])]
    return removed


def _loads(tree: gast.AST) -> set[str]:
    """The names ``tree`` reads (an assignment's targets included: ``x[i] = v`` reads x)."""
    return {node.id for node in nodes.walk(tree)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)}


def _stored(statement: gast.Assign | gast.AugAssign) -> set[str]:
    targets = statement.targets if isinstance(statement, gast.Assign) else [statement.target]
    return {node.id for target in targets for node in nodes.walk(target)
            if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}
