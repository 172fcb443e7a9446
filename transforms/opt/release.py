"""Free arrays as soon as the gradient no longer needs them: ``del a, b`` after the statement of
their last use.

Runs on the generated function (shape-specialized units, whose arrays are known). Only the
function's top-level block is considered: a name is released after the top-level statement
that reads it last (reads nested in a loop or branch count at that statement), when it was
assigned at top level before that point (so it is surely bound) and is not returned. Forward
values the backward sweep never reads (``x * x`` inside ``np.sum``) are thus freed right after
the forward sweep used them, and the others as soon as their adjoint code has run, which
lowers the peak memory of a call the way a hand-written gradient's scoping does.
"""

from __future__ import annotations

import gast

from ..ir import nodes


def release_dead_values(function: gast.FunctionDef, candidates: set[str]) -> int:
    """Insert ``del`` statements for the ``candidates`` of ``function``; returns how many names
    are released.

    >>> import gast
    >>> tree = gast.parse("def f(x):\\n    a = x * 2\\n    b = a + 1\\n    c = b * b\\n"
    ...                   "    return c")
    >>> release_dead_values(tree.body[0], {"a", "b", "c"})
    2
    >>> print(gast.unparse(tree).strip())
    def f(x):
        a = x * 2
        b = a + 1
        del a
        c = b * b
        del b
        return c
    """
    body = function.body
    last_read: dict[str, int] = {}
    for index, statement in enumerate(body):
        for node in nodes.walk(statement):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                last_read[node.id] = index
            elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
                last_read[node.target.id] = index  # `dx += e` reads dx
    returned = {node.id for node in nodes.walk(body[-1]) if isinstance(node, gast.Name)} \
        if isinstance(body[-1], gast.Return) else set(last_read)
    bound_at: dict[str, int] = {}
    for index, statement in enumerate(body):
        if isinstance(statement, gast.Assign):
            for target in statement.targets:
                for node in nodes.walk(target):
                    if isinstance(node, gast.Name):
                        bound_at.setdefault(node.id, index)
    released: dict[int, list[str]] = {}
    for name, index in last_read.items():
        if name in candidates and name not in returned and bound_at.get(name, index + 1) <= index \
                and index < len(body) - 1:
            released.setdefault(index, []).append(name)
    for index in sorted(released, reverse=True):
        names = sorted(released[index])
        statement = gast.Delete(targets=[nodes.name(name, like=body[index]) for name in names])
        for target in statement.targets:
            target.ctx = gast.Del()
        body.insert(index + 1, nodes.copy_location(statement, body[index]))
    return sum(len(names) for names in released.values())
