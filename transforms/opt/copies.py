"""Copy propagation over the generated gradient: ``d_sub12 = dy`` followed by reads of
``d_sub12`` becomes reads of ``dy``, and the copy disappears.

Runs on the generated function after the reverse pass. Only adjoint copies are touched, and
only when it is safe without any flow analysis: every read that can see the copied value lies
in the same block, after the copy and no later than the first statement that rebinds either
name (statements with nested blocks end the range), either because the copied name is
assigned nowhere else or because that range ends by assigning it again. Besides fewer statements, this leaves adjoints unaliased, so that more
accumulations can be done in place (``inplace.py``).
"""

from __future__ import annotations

import copy

import gast

from ..ir import nodes
from ..ir.annotations import Anno, getanno, setanno


def propagate_copies(function: gast.FunctionDef, adjoints: set[str]) -> int:
    """Remove the adjoint copies of ``function`` that can be removed; returns how many.

    >>> import gast
    >>> tree = gast.parse("def f(dy):\\n    da = dy\\n    db = da * 2.0\\n    return db")
    >>> propagate_copies(tree.body[0], {"da", "db"})
    1
    >>> print(gast.unparse(tree).strip())
    def f(dy):
        db = dy * 2.0
        return db
    """
    removed = 0
    stores, loads = _occurrences(function)
    blocks = nodes.statement_blocks(function)
    changed = True
    while changed:
        changed = False
        for block in blocks:
            index = 0
            while index < len(block):
                copy = _copy(block[index])
                if copy is None or copy[0] not in adjoints or len(block) == 1:
                    index += 1
                    continue
                reads = loads.get(copy[0], 0) if stores.get(copy[0]) == 1 else None
                result = _propagate(block, index, *copy, reads)
                if result is None:
                    index += 1
                    continue
                target, source = copy  # keep the counts exact for later decisions
                renamed, dropped = result
                stores[target] -= 1
                stores[source] = stores.get(source, 0) - dropped
                loads[target] = loads.get(target, 0) - renamed
                loads[source] = loads.get(source, 0) - 1 + renamed - dropped
                removed += 1
                changed = True
    return removed


def _copy(statement: gast.stmt) -> tuple[str, str] | None:
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], gast.Name) \
            and isinstance(statement.value, gast.Name) \
            and statement.targets[0].id != statement.value.id:
        return statement.targets[0].id, statement.value.id
    return None


def _propagate(block: list[gast.stmt], index: int, target: str, source: str,
               reads: int | None) -> tuple[int, int] | None:
    """Rename the reads of ``target`` after ``block[index]`` to ``source``, then drop the copy
    (and the ``source = source`` the renaming may leave); returns how many reads were renamed
    and how many such statements were dropped.
    None (and nothing changed) unless every read that can see the copied value is in the
    straight-line range renamed: all ``reads`` reads of a target assigned only here, or the
    range ends where the target is assigned again (``dx = dx + e``: its right side is
    renamed, later reads see the new value)."""
    span = []
    found = 0
    rebound = False
    for statement in block[index + 1:]:
        if isinstance(statement, (gast.For, gast.While, gast.If, gast.FunctionDef)):
            break
        found += _reads(statement, target)
        span.append(statement)
        if _copy(statement) == (source, target):
            continue  # `dy = d_sub12` after `d_sub12 = dy`: becomes `dy = dy`, removed below
        stored = _stores(statement)
        if target in stored:
            rebound = isinstance(statement, gast.Assign)
            break
        if source in stored:
            break
    if not rebound and found != reads:
        return None
    back = [statement for statement in span if _copy(statement) == (source, target)]
    for statement in span:
        _Rename(target, source).visit(statement)
    del block[index]
    dropped = 0
    for statement in back:  # now `dy = dy`
        if len(block) > 1:
            block.remove(statement)
            dropped += 1
    return found, dropped


class _Rename(gast.NodeTransformer):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def visit_Name(self, node: gast.Name) -> gast.Name:
        if node.id == self.old and isinstance(node.ctx, gast.Load):
            node.id = self.new
        return node


def _reads(statement: gast.stmt, name: str) -> int:
    return sum(1 for node in nodes.walk(statement) if isinstance(node, gast.Name)
               and node.id == name and isinstance(node.ctx, gast.Load))


def _stores(statement: gast.stmt) -> set[str]:
    return {node.id for node in nodes.walk(statement) if isinstance(node, gast.Name)
            and isinstance(node.ctx, (gast.Store, gast.Del))}


def _occurrences(function: gast.FunctionDef) -> tuple[dict[str, int], dict[str, int]]:
    stores: dict[str, int] = {}
    loads: dict[str, int] = {}
    for node in nodes.walk(function):
        if isinstance(node, gast.Name):
            counts = loads if isinstance(node.ctx, gast.Load) else stores
            counts[node.id] = counts.get(node.id, 0) + 1  # parameters count as stores
    return stores, loads


def copy_repeated_returns(function: gast.FunctionDef) -> int:
    """``return (None, (d_add1, d_add1))`` becomes ``return (None, (d_add1, d_add1.copy()))``:
    after copy propagation two gradients can be one array, and the caller must be able to
    write one without changing the other. Returns how many copies were added.

    >>> import gast
    >>> tree = gast.parse("def f(g):\\n    return (None, (g, g))")
    >>> copy_repeated_returns(tree.body[0])
    1
    >>> print(gast.unparse(tree).strip().splitlines()[-1])
        return (None, (g, g.copy()))
    """
    added = 0
    for node in nodes.walk(function):
        if isinstance(node, gast.Return) and node.value is not None:
            seen: set[str] = set()
            added += _copy_repeats(node.value, seen)
    return added


def _copy_repeats(value: gast.expr, seen: set[str]) -> int:
    added = 0
    if isinstance(value, gast.Tuple):
        for index, element in enumerate(value.elts):
            if isinstance(element, gast.Name) and element.id in seen:
                value.elts[index] = nodes.call(nodes.attribute(element, "copy"), [])
                added += 1
            elif isinstance(element, gast.Name):
                seen.add(element.id)
            else:
                added += _copy_repeats(element, seen)
    return added


def substitute_constant_seeds(function: gast.FunctionDef) -> int:
    """Replace the reads of an output seed that is a number (``d_sum7 = 1.0``: specialized code,
    which no caller passes a sensitivity) by that number, and drop the seed; returns how many.
    Folding can then merge it with the literals of the products that read it
    (``1.0 / q * d * 2.0`` -> ``2.0 / q * d``). Seeds are top-level statements."""
    seeds = [statement for statement in function.body if getanno(statement, Anno.SEED)
             and isinstance(statement, gast.Assign) and isinstance(statement.value, gast.Constant)
             and isinstance(statement.targets[0], gast.Name)]
    if not seeds:
        return 0
    stores, _ = _occurrences(function)
    substituted = 0
    for statement in seeds:
        name = statement.targets[0].id
        if stores.get(name) == 1:
            function.body.remove(statement)
            _Substitute(name, statement.value).visit(function)
            substituted += 1
    return substituted


class _Substitute(gast.NodeTransformer):
    def __init__(self, name: str, value: gast.Constant) -> None:
        self.name, self.value = name, value

    def generic_visit(self, node: gast.AST) -> gast.AST:
        node = super().generic_visit(node)
        small = getanno(node, Anno.BROADCAST)  # `np.full(shape, g)` keeps g for its folding
        if small is not None:
            setanno(node, Anno.BROADCAST, self.visit(copy.copy(small)))
        return node

    def visit_Name(self, node: gast.Name) -> gast.expr:
        if node.id == self.name and isinstance(node.ctx, gast.Load):
            return gast.copy_location(nodes.constant(self.value.value), node)
        return node
