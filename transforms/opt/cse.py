"""Common subexpressions by value numbering: arithmetic that two statements of the backward
sweep both compute is computed once.

Runs on the generated gradient function, after folding (folding.py) and before in-place
accumulation. The partials of one primitive often share a factor: ``x1 / x2`` gives ``x1`` the
partial ``g / x2`` and ``x2`` the partial ``-(g / x2) * ans``, so a damped Newton step's
adjoint reads ``dy / s`` twice. The shared expression gets a name of its own, assigned right
before the first statement that computes it (or, when it is that statement's whole value and
its target still holds it, the later statements read that statement's target; a later
statement left as a copy ``t2 = t`` goes through copy propagation).

One forward pass per block numbers values: every pure subexpression (operators over names and
numbers, never calls, never a part of a conditional expression, which might not have been
evaluated) gets a key made of its operators, numbers and the *versions* of the names it reads
(a name's version changes at every statement that stores or deletes it). Two subexpressions
with one key compute the same value, bit for bit; a statement with nested blocks ends the
range in which values are compared. Larger expressions are shared first, so a shared
expression's own parts are not shared again. The forward sweep is the user's code and is left
alone. Time is linear in the size of the backward sweep.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import gast

from ..ir import nodes
from ..ir.annotations import Anno, getanno
from .copies import propagate_copies

_SIMPLE = (gast.Assign, gast.AugAssign, gast.Delete, gast.Expr)  # Expr: a comment
# parts of these may not be evaluated, or see names of their own: never searched
_CONDITIONAL = (gast.IfExp, gast.BoolOp, gast.Lambda, gast.ListComp, gast.SetComp,
                gast.DictComp, gast.GeneratorExp)


def share_common_subexpressions(function: gast.FunctionDef,
                                fresh: Callable[[str], str]) -> list[str]:
    """Share the backward sweep's common subexpressions; returns the names it introduced.

    ``fresh(hint)`` gives an unused name.

    >>> import gast
    >>> from autodiff.transforms.ir.annotations import Anno, setanno
    >>> tree = gast.parse("def f(dy, s, r):\\n    seed = 1.0\\n    dr = dy / s * -0.5\\n"
    ...                   "    ds = dy / s * r\\n    return dr, ds")
    >>> setanno(tree.body[0].body[0], Anno.BACKWARD, True)
    >>> share_common_subexpressions(tree.body[0], lambda hint: "_" + hint + "1")
    ['_div1']
    >>> print(gast.unparse(tree).strip())
    def f(dy, s, r):
        seed = 1.0
        _div1 = dy / s
        dr = _div1 * -0.5
        ds = _div1 * r
        return (dr, ds)
    """
    introduced: list[str] = []
    copies: set[str] = set()
    for block, start in _backward_blocks(function):
        shared = _Block(block, start, fresh)
        introduced += shared.share()
        copies |= shared.copies
    if copies:  # `t2 = t` where t2 computed what t holds: read t instead
        propagate_copies(function, copies)
    return introduced


def _backward_blocks(function: gast.FunctionDef) -> list[tuple[list[gast.stmt], int]]:
    """``(block, start)``: the function body from its first backward statement on, and every
    block nested in the backward sweep's statements (from their start)."""
    body = function.body
    start = next((index for index, statement in enumerate(body)
                  if getanno(statement, Anno.BACKWARD)), None)
    if start is None:
        return []
    nested = [(block, 0) for statement in body[start:] if not isinstance(statement, _SIMPLE)
              for block in nodes.statement_blocks(SimpleNamespace(body=[statement]))[1:]]
    return [(body, start), *nested]


@dataclass(slots=True)
class _Occurrence:
    """One pure subexpression: its node, where it hangs (a parent's field, or a list and a
    position), which statement of the block evaluates it (``index``; ``hoisted`` when it moved
    into a new statement placed before that one), its size, and whether it is the statement's
    whole value."""

    node: gast.expr
    parent: gast.AST | list
    field: str | int
    index: int
    size: int
    whole: bool
    hoisted: gast.stmt | None = None

    def where(self) -> tuple[int, int]:
        return self.index, 0 if self.hoisted is None else id(self.hoisted)


class _Block:
    """Value numbering of one block, then the sharing of values computed twice."""

    def __init__(self, block: list[gast.stmt], start: int, fresh: Callable[[str], str]) -> None:
        self.block, self.start, self.fresh = block, start, fresh
        self.groups: dict[tuple, list[_Occurrence]] = {}  # value key -> occurrences, in order
        self.occurrences: dict[int, _Occurrence] = {}  # id(node) -> its occurrence
        self.stored_at: dict[str, list[int]] = {}  # name -> indices of statements storing it
        self.versions: dict[str, int] = {}
        self.epoch = 0
        self.inserted: dict[int, list[gast.stmt]] = {}  # index -> new statements before it
        self.dead: set[int] = set()  # ids of nodes replaced by a name
        self.copies: set[str] = set()  # targets of statements left as `t2 = t`

    def share(self) -> list[str]:
        for index in range(self.start, len(self.block)):
            self.number(index, self.block[index])
        shared = [group for group in self.groups.values()
                  if len({occurrence.index for occurrence in group}) > 1]
        shared.sort(key=lambda group: (-group[0].size, group[0].index))
        introduced = [name for group in shared if (name := self.share_group(group))]
        for index in sorted(self.inserted, reverse=True):
            self.block[index:index] = self.inserted[index]
        return introduced

    # ---- numbering ---------------------------------------------------------------------------
    def number(self, index: int, statement: gast.stmt) -> None:
        if not isinstance(statement, _SIMPLE):
            self.epoch += 1  # nested blocks: values before and after are not compared
            for name in _stored(statement, deep=True):
                self.store(name, index)
            return
        if isinstance(statement, gast.Assign):
            self.collect(statement, "value", statement.value, index, whole=True)
        for name in _stored(statement):
            self.store(name, index)

    def store(self, name: str, index: int) -> None:
        self.versions[name] = self.versions.get(name, 0) + 1
        self.stored_at.setdefault(name, []).append(index)

    def collect(self, parent: gast.AST | list, field: str | int, node: gast.AST, index: int,
                whole: bool = False) -> tuple[tuple, int, bool] | None:
        """``(key, size, reads a name)`` of a pure ``node`` (None if it is not pure); records
        every pure operator subexpression that reads a name, and searches the others."""
        if isinstance(node, gast.Name):
            return ("name", node.id, self.versions.get(node.id, 0)), 0, True
        if isinstance(node, gast.Constant):
            if type(node.value) in (int, float):
                return ("number", repr(node.value)), 0, False  # repr: 0.0 and -0.0 differ
            return None
        if isinstance(node, _CONDITIONAL):
            return None
        if isinstance(node, gast.BinOp):
            parts = [self.collect(node, "left", node.left, index),
                     self.collect(node, "right", node.right, index)]
        elif isinstance(node, gast.UnaryOp):
            parts = [self.collect(node, "operand", node.operand, index)]
        else:
            self.search(node, index)
            return None
        if any(part is None for part in parts):
            return None
        key = (type(node.op), *(part[0] for part in parts))
        size = 1 + sum(part[1] for part in parts)
        named = any(part[2] for part in parts)
        if named:
            occurrence = _Occurrence(node, parent, field, index, size, whole)
            self.groups.setdefault((self.epoch, key), []).append(occurrence)
            self.occurrences[id(node)] = occurrence
        return key, size, named

    def search(self, node: gast.AST, index: int) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for position, item in enumerate(value):
                    if isinstance(item, gast.expr):
                        self.collect(value, position, item, index)
            elif isinstance(value, gast.expr):
                self.collect(node, name, value, index)

    # ---- sharing -----------------------------------------------------------------------------
    def share_group(self, group: list[_Occurrence]) -> str:
        """Share one value among its occurrences still in place: the new name ('' if the first
        statement's target is reused, or nothing is shared)."""
        live = [occurrence for occurrence in group if id(occurrence.node) not in self.dead]
        if len({occurrence.where() for occurrence in live}) < 2:
            return ""
        first = live[0]
        holder, until = self.holder(first)
        if holder is not None:  # `t = E`: later statements read t while it holds E
            held = [o for o in live[1:] if first.index < o.index <= until]
            if held:
                for occurrence in held:
                    self.replace(occurrence, holder)
                rest = [o for o in live[1:] if o.index > until]
                return self.share_group(rest) if rest else ""
            return self.share_group(live[1:])
        name = self.fresh(_hint(first.node))
        statement = nodes.assign(name, first.node, like=self.block[first.index])
        self.inserted.setdefault(first.index, []).insert(0, statement)
        for part in nodes.walk(first.node):  # its parts are now evaluated by the new statement
            inner = self.occurrences.get(id(part))
            if inner is not None and inner is not first:
                inner.hoisted = statement
        _place(first, nodes.name(name))
        for occurrence in live[1:]:
            self.replace(occurrence, name)
        return name

    def holder(self, first: _Occurrence) -> tuple[str | None, int]:
        """``(t, last)`` if ``first`` is the whole value of ``t = E``: ``t`` holds E for the
        statements up to index ``last`` (the next one that stores ``t``)."""
        if not first.whole or first.hoisted is not None:
            return None, 0
        statement = self.block[first.index]
        if len(statement.targets) != 1 or not isinstance(statement.targets[0], gast.Name):
            return None, 0
        target = statement.targets[0].id
        stores = self.stored_at.get(target, [])
        position = bisect_right(stores, first.index)
        return target, stores[position] if position < len(stores) else len(self.block)

    def replace(self, occurrence: _Occurrence, name: str) -> None:
        if occurrence.whole and occurrence.hoisted is None:
            statement = self.block[occurrence.index]
            if len(statement.targets) == 1 and isinstance(statement.targets[0], gast.Name):
                self.copies.add(statement.targets[0].id)
        self.dead.update(id(part) for part in nodes.walk(occurrence.node))
        _place(occurrence, nodes.name(name))


def _place(occurrence: _Occurrence, value: gast.expr) -> None:
    if isinstance(occurrence.parent, list):
        occurrence.parent[occurrence.field] = value
    else:
        setattr(occurrence.parent, occurrence.field, value)


def _stored(statement: gast.stmt, deep: bool = False) -> set[str]:
    """The names ``statement`` stores or deletes (``deep``: anywhere in its nested blocks)."""
    if deep:
        return {node.id for node in nodes.walk(statement)
                if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}
    if isinstance(statement, (gast.Assign, gast.Delete)):
        targets = statement.targets
    elif isinstance(statement, gast.AugAssign):
        targets = [statement.target]
    else:
        return set()
    return {node.id for target in targets for node in nodes.walk(target)
            if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}


_HINTS = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "div",
          gast.USub: "neg", gast.Pow: "pow"}


def _hint(expression: gast.expr) -> str:
    return _HINTS.get(type(expression.op), "shared")
