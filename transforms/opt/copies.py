"""Copy propagation over the generated gradient: ``d_sub12 = dy`` followed by reads of
``d_sub12`` becomes reads of ``dy``, and the copy disappears.

Runs on the generated function after the reverse pass. Only adjoint copies are touched, and
only when it is safe without any flow analysis: every read that can see the copied value lies
in the same block, after the copy and no later than the first statement that rebinds either
name (statements with nested blocks end the range), either because the copied name is
assigned nowhere else or because that range ends by assigning it again. Besides fewer
statements, this leaves adjoints unaliased, so that more accumulations can be done in place
(``inplace.py``). The copies SSA leaves where branches merge (``y = E; y_2 = y``) are
coalesced first: ``y_2 = E``.

One forward pass over each block keeps the copies still *available* (neither name rebound
since) and the reads each one would rename; a copy is decided when its range ends. A copy of
a copy still available waits for the next pass, which runs only if something changed: the
time is linear in the size of the function per pass.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import gast

from ..ir import nodes
from ..ir.annotations import NUMPY, RUNTIME, Anno, called, getanno, setanno

_NESTING = (gast.For, gast.While, gast.If, gast.FunctionDef, gast.With, gast.Try)


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
    counts = _Counts(*_occurrences(function))
    blocks = nodes.statement_blocks(function)
    removed = sum(_coalesce(block, counts) for block in blocks)
    while True:
        found = sum(_Pass(block, adjoints, counts).run() for block in blocks if len(block) > 1)
        if not found:
            return removed
        removed += found


def _coalesce(block: list[gast.stmt], counts: _Counts) -> int:
    """``y = E; y_2 = y`` -> ``y_2 = E`` when ``y`` is assigned and read only there (the copies
    SSA leaves where branches merge): the value is computed into the merged name directly."""
    removed = 0
    index = 1
    while index < len(block):
        pair = _copy(block[index])
        definition = _definition(block, index, *pair) if pair is not None \
            and counts.stores.get(pair[1]) == 1 and counts.loads.get(pair[1]) == 1 else None
        if definition is None:
            index += 1
            continue
        target, source = pair
        block[definition].targets[0].id = target
        del block[index]
        counts.stores[source] -= 1
        counts.loads[source] -= 1
        removed += 1
    return removed


def _definition(block: list[gast.stmt], index: int, target: str, source: str) -> int | None:
    """The position of ``source = E`` before the copy ``target = source`` at ``index``, if
    ``source`` is assigned and read nowhere else and nothing in between sees either name."""
    for position in range(index - 1, -1, -1):
        statement = block[position]
        if isinstance(statement, _NESTING):
            return None
        if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], gast.Name) \
                and statement.targets[0].id == source:
            return position
        if any(isinstance(node, gast.Name) and node.id in (target, source)
               for node in nodes.walk(statement)):
            return None
    return None


@dataclass(slots=True)
class _Counts:
    """How often each name is stored (parameters included) and read in the whole function."""

    stores: dict[str, int]
    loads: dict[str, int]


@dataclass(slots=True)
class _Available:
    """A copy ``target = source`` at ``index`` whose names are not rebound since: the reads of
    ``target`` it would rename, and the statements ``source = target`` (copies back)."""

    target: str
    source: str
    index: int
    reads: list[gast.Name] = field(default_factory=list)
    back: list[int] = field(default_factory=list)


class _Pass:
    def __init__(self, block: list[gast.stmt], adjoints: set[str], counts: _Counts) -> None:
        self.block, self.adjoints, self.counts = block, adjoints, counts
        self.available: dict[str, _Available] = {}  # by target
        self.involving: dict[str, set[str]] = {}  # name -> targets of copies naming it
        self.dropped: set[int] = set()
        self.removed = 0

    def run(self) -> int:
        for index, statement in enumerate(self.block):
            if isinstance(statement, _NESTING):
                for target in list(self.available):
                    self.decide(target, rebound=False)
                continue
            if self.available:
                self.note_reads(index, statement)
            stored = _stores(statement)
            for name in stored:
                for target in list(self.involving.get(name, ())):
                    available = self.available[target]
                    if name == available.source and index in available.back:
                        continue  # `dy = d_sub12` after `d_sub12 = dy`: dropped with the copy
                    self.decide(target, rebound=name == target
                                and isinstance(statement, gast.Assign))
            pair = _copy(statement)
            if pair is not None and pair[0] in self.adjoints and pair[1] not in self.available:
                self.open(index, *pair)
        for target in list(self.available):
            self.decide(target, rebound=False)
        if self.dropped:
            self.block[:] = [statement for index, statement in enumerate(self.block)
                             if index not in self.dropped]
        return self.removed

    def open(self, index: int, target: str, source: str) -> None:
        self.available[target] = _Available(target, source, index)
        self.involving.setdefault(target, set()).add(target)
        self.involving.setdefault(source, set()).add(target)

    def note_reads(self, index: int, statement: gast.stmt) -> None:
        back = _copy(statement)
        for node in nodes.walk(statement):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                available = self.available.get(node.id)
                if available is not None:
                    available.reads.append(node)
                    if back == (available.source, available.target):
                        available.back.append(index)

    def decide(self, target: str, rebound: bool) -> None:
        """The range of the copy to ``target`` ends: rename its reads and drop it if every read
        that can see it was in the range."""
        available = self.available.pop(target)
        source = available.source
        self.involving[target].discard(target)
        self.involving[source].discard(target)
        stores, loads = self.counts.stores, self.counts.loads
        if not rebound and (stores.get(target) != 1 or loads.get(target, 0) != len(
                available.reads)):
            return
        for node in available.reads:
            node.id = source
        self.dropped.add(available.index)
        dropped_back = 0
        for index in available.back:  # now `dy = dy`
            if len(self.block) - len(self.dropped) > 1:
                self.dropped.add(index)
                dropped_back += 1
        renamed = len(available.reads)  # keep the counts exact for later decisions
        stores[target] -= 1
        stores[source] = stores.get(source, 0) - dropped_back
        loads[target] = loads.get(target, 0) - renamed
        loads[source] = loads.get(source, 0) - 1 + renamed - dropped_back
        self.removed += 1


def _copy(statement: gast.stmt) -> tuple[str, str] | None:
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], gast.Name) \
            and isinstance(statement.value, gast.Name) \
            and statement.targets[0].id != statement.value.id:
        return statement.targets[0].id, statement.value.id
    return None


def _stores(statement: gast.stmt) -> set[str]:
    """The names a statement without nested blocks stores or deletes."""
    if isinstance(statement, (gast.Assign, gast.Delete)):
        targets = statement.targets
    elif isinstance(statement, (gast.AugAssign, gast.AnnAssign)):
        targets = [statement.target]
    else:
        return set()
    return {node.id for target in targets for node in nodes.walk(target)
            if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}


def _occurrences(function: gast.FunctionDef) -> tuple[dict[str, int], dict[str, int]]:
    stores: dict[str, int] = {}
    loads: dict[str, int] = {}
    for node in nodes.walk(function):
        if isinstance(node, gast.Name):
            counts = loads if isinstance(node.ctx, gast.Load) else stores
            counts[node.id] = counts.get(node.id, 0) + 1  # parameters count as stores
    return stores, loads


def copy_repeated_returns(function: gast.FunctionDef) -> int:
    """``return (None, (d_add1, d_add1))`` becomes ``return (None, (d_add1, _np.copy(d_add1)))``:
    after copy propagation two gradients can be one array, and the caller must be able to
    write one without changing the other. Returns how many copies were added.

    >>> import gast
    >>> tree = gast.parse("def f(g):\\n    return (None, (g, g))")
    >>> copy_repeated_returns(tree.body[0])
    1
    >>> print(gast.unparse(tree).strip().splitlines()[-1])
        return (None, (g, _np.copy(g)))
    """
    roots = _copy_roots(function)
    added = 0
    for block in nodes.statement_blocks(function):
        for node in block:
            if isinstance(node, gast.Return) and node.value is not None:
                seen: set[str] = set()
                added += _copy_repeats(_returned_derivatives(function, node.value), seen, roots)
    return added


def _returned_derivatives(function: gast.FunctionDef, value: gast.expr) -> gast.expr:
    """The derivatives a return statement returns: the second item of a joint gradient's
    ``(value, derivatives)`` (the value is the user's, and may hold Python numbers)."""
    if function.name.startswith("grad_") and isinstance(value, gast.Tuple) \
            and len(value.elts) == 2:
        return value.elts[1]
    return value


def _copy_roots(function: gast.FunctionDef) -> dict[str, str]:
    """Names bound to another name anywhere (``de = df_``) share a root: they may hold one
    array. Flow-insensitive, so it may see sharing that a path does not have (an extra copy),
    never miss one."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.get(name, name) != name:
            name = parent[name]
        return name

    for node in nodes.statements_anywhere(function):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name):
            source = _aliased(node.value)
            if source is None:
                continue
            a, b = root(node.targets[0].id), root(source)
            if a != b:
                parent[a] = b
    return {name: root(name) for name in parent}


def _aliased(value: gast.expr) -> str | None:
    """The name whose array ``value`` may be: a name, or the derivative
    ``_rt.unbroadcast_to(g, x)`` returns unchanged when the shapes already match."""
    if isinstance(value, gast.Name):
        return value.id
    if isinstance(value, gast.Call) and called(value, RUNTIME, "unbroadcast_to") \
            and value.args and isinstance(value.args[0], gast.Name):
        return value.args[0].id
    return None


def _copy_repeats(value: gast.expr, seen: set[str], roots: dict[str, str]) -> int:
    added = 0
    items = value.values if isinstance(value, gast.Dict) else \
        value.elts if isinstance(value, (gast.Tuple, gast.List)) else []
    for index, element in enumerate(items):
        if isinstance(element, gast.Name):
            key = roots.get(element.id, element.id)
            if key in seen:
                # np.copy, not .copy(): a derivative may be a Python number
                items[index] = nodes.library_call(NUMPY, "copy", [element])
                added += 1
            else:
                seen.add(key)
        else:
            added += _copy_repeats(element, seen, roots)
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
