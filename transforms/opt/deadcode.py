"""Dead-code elimination over the generated gradient.

When the caller discards the function's value (``grad`` rather than ``value_and_grad``, on the
shape-specialized fast path), the generated function returns ``None`` for it, and the forward
statements that only computed the value (``np.log1p(...)`` whose rule reads its input, the
final ``np.mean``) are dead, as in a hand-written gradient. A statement is removed when none of
the names it assigns is read anywhere in the function (flow-insensitive, so loops need no
care) and computing it has no effect besides its result (``pure``), to a fixed point. Blocks
are never emptied.
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
    reads = _loads(function)
    blocks = nodes.statement_blocks(function)
    removed = 0
    while True:  # blocks are swept backwards, so a chain of dead statements goes in one sweep
        count = 0
        for block in blocks:
            for index in range(len(block) - 1, -1, -1):
                statement = block[index]
                if len(block) > 1 and isinstance(statement, gast.Assign) \
                        and not any(reads.get(name) for name in _stored(statement)) \
                        and pure(statement):
                    for name, uses in _loads(statement.value).items():
                        reads[name] -= uses
                    del block[index]
                    count += 1
        if not count:
            return removed
        removed += count


def _loads(tree: gast.AST) -> dict[str, int]:
    found: dict[str, int] = {}
    for node in nodes.walk(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            found[node.id] = found.get(node.id, 0) + 1
    return found


def _stored(statement: gast.Assign) -> set[str]:
    return {node.id for target in statement.targets for node in nodes.walk(target)
            if isinstance(node, gast.Name)}
