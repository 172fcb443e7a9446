"""Which local names may share memory, at each point of the function (a may-alias analysis).

Used by the mutation fence (``mutation.py``). Every name points to a set of *sites*: the
statements that allocated the arrays it may refer to (a parameter is its own site). A fresh
computation (``np.tanh(y)``) points to its own statement; a view or alias (``v = y``,
``v = y[1:]``, ``y.T``, ``y.reshape(...)``, ``np.ravel(y)``) points to the sites of what it
views. A site is a path, so that parts stay apart: ``y[0]`` and ``y[1]``, the elements of a
tuple, or the pieces of ``np.split(y, 2)`` are ``(y's site, 0)`` and ``(y's site, 1)``; two
sites overlap when one is a prefix of the other. A tuple or list display keeps the sites of
each element.
Assigning a name replaces what it points to (the analysis is flow-sensitive), branches merge
by union, and loop bodies are iterated to a fixed point, so a value from one iteration is
seen by the next.

``may_read_later`` answers the other half of the fence's question: can ``name`` be read after
a statement before it is reassigned, following the structured control flow (the other branch
of an ``if`` cannot run after this one; a loop body can run again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import gast
import numpy as np

from ..ir import nodes
from ..ir.annotations import RUNTIME, called
from .activity import stored_names

Sites = frozenset  # of sites; a site is a path: (allocation,) or (allocation, part, ...)
# what may run after a statement, block by block: (statements, index of the first one that
# may run) pairs, so that walking a block of n statements does not copy n tails of it
Later = tuple[tuple[list[gast.stmt], int], ...]


@dataclass(frozen=True, slots=True)
class Ref:
    """What a name may refer to: allocation sites, per-element sites of a tuple/list display,
    and the statement that made it a view or alias (for messages)."""

    sites: Sites
    elements: tuple[Sites, ...] | None = None
    origin: gast.stmt | None = None

    def merge(self, other: Ref) -> Ref:
        elements = None
        if self.elements is not None and other.elements is not None \
                and len(self.elements) == len(other.elements):
            elements = tuple(a | b for a, b in zip(self.elements, other.elements, strict=True))
        return Ref(self.sites | other.sites, elements, self.origin or other.origin)


State = dict[str, Ref]

_VIEW_METHODS = frozenset({"reshape", "transpose", "ravel", "squeeze", "swapaxes", "view"})
_VIEW_ATTRIBUTES = frozenset({"T", "mT", "real", "imag"})
_VIEW_FUNCTIONS = frozenset({np.reshape, np.ravel, np.transpose, np.swapaxes, np.squeeze,
                             np.expand_dims, np.asarray, np.asanyarray, np.atleast_1d,
                             np.atleast_2d, np.atleast_3d, np.broadcast_to, np.moveaxis,
                             np.diagonal, np.real, np.imag})
_SPLIT_FUNCTIONS = frozenset({np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit})


@dataclass(frozen=True, slots=True)
class Write:
    """An in-place update found by the walk: the statement, the array it writes and the
    state just before it."""

    statement: gast.stmt
    array: str
    state: State
    later: Later  # what may run afterwards, block by block


class AliasFlow:
    """Walks a function body and reports every in-place write with the aliases it affects.

    ``writes(statement)`` names the array a statement updates in place (or None);
    ``callee(expr)`` evaluates a call's function statically (or returns None).
    """

    def __init__(self, writes: Callable[[gast.stmt], str | None],
                 callee: Callable[[gast.expr], object], scalars: set[str],
                 compiler_copy: Callable[[gast.stmt], bool]) -> None:
        self.written = writes
        self.callee = callee
        self.scalars = scalars
        self.compiler_copy = compiler_copy
        self.found: list[Write] = []
        # (loop, entry state) -> state after it, for walks that record nothing: a loop nested
        # in others is met again in every round of their fixed points, mostly in a state it
        # was met in before (without this the work grows exponentially with the nesting)
        self.loop_results: dict[tuple[int, frozenset], State] = {}

    def run(self, function: gast.FunctionDef) -> list[Write]:
        state: State = {}
        for arg in function.args.args + function.args.kwonlyargs:
            state[arg.id] = Ref(Sites({(("param", arg.id),)}))
        self.block(function.body, state, (), record=True)
        return self.found

    # ---- the walk ----------------------------------------------------------------------------
    def block(self, statements: list[gast.stmt], state: State,
              later: Later, record: bool) -> State:
        """The state after ``statements``; ``state`` is the block's own (it is updated)."""
        for position, statement in enumerate(statements):
            after = ((statements, position + 1), *later)
            state = self.statement(statement, state, after, record)
        return state

    def statement(self, statement: gast.stmt, state: State, later: Later,
                  record: bool) -> State:
        if isinstance(statement, gast.If):
            body = self.block(statement.body, dict(state), later, record)
            orelse = self.block(statement.orelse, dict(state), later, record)
            return _merge(body, orelse)
        if isinstance(statement, (gast.For, gast.While)):
            return self.loop(statement, state, later, record)
        if isinstance(statement, gast.Assign):
            array = self.written(statement)
            if array is not None and record:
                self.found.append(Write(statement, array, dict(state), later))
            return self.assign(statement, state)
        return state

    def loop(self, loop: gast.For | gast.While, state: State,
             later: Later, record: bool) -> State:
        if record:
            return self._loop(loop, state, later, record)
        key = (id(loop), frozenset(state.items()))  # without recording, only these matter
        found = self.loop_results.get(key)
        if found is None:
            found = self.loop_results[key] = self._loop(loop, state, later, record)
        return dict(found)

    def _loop(self, loop: gast.For | gast.While, state: State,
              later: Later, record: bool) -> State:
        again = (([loop], 0), *later)  # after the body, the loop may run again
        entry = dict(state)
        if isinstance(loop, gast.For) and isinstance(loop.target, gast.Name):
            entry[loop.target.id] = Ref(Sites({(id(loop),)}))
        while True:  # the states only grow, over a finite set of sites
            end = self.block(loop.body, dict(entry), again, record=False)
            merged = _merge(entry, end)
            if merged == entry:
                break
            entry = merged
        self.block(loop.body, dict(entry), again, record)
        return _merge(entry, self.block(loop.orelse, dict(entry), later, record))

    # ---- what an assignment makes a name point to ----------------------------------------------
    def assign(self, statement: gast.Assign, state: State) -> State:
        """``state`` updated in place (a block's walk owns the state it is given: branches,
        loop rounds and recorded writes each get a copy), so a straight run of n statements
        costs n updates, not n copies of a growing state."""
        target, value = statement.targets[0], statement.value
        if isinstance(target, gast.Tuple):
            source = self.ref(value, state, statement)
            for position, element in enumerate(target.elts):
                state[element.id] = Ref(_element(source, position).sites, origin=statement)
            return state
        name = target.id
        if name in self.scalars:
            state.pop(name, None)
            return state
        ref = self.ref(value, state, statement)
        if ref.sites == Sites({(id(statement),)}):
            state[name] = ref  # a fresh array
        elif self.compiler_copy(statement) and isinstance(value, gast.Name) and value.id in state:
            state[name] = Ref(ref.sites, ref.elements, state[value.id].origin)
        else:
            state[name] = Ref(ref.sites, ref.elements, statement)  # made a view or alias here
        return state

    def ref(self, value: gast.expr, state: State, statement: gast.stmt) -> Ref:
        fresh = Ref(Sites({(id(statement),)}))
        if isinstance(value, gast.Name):
            return state.get(value.id, fresh)
        if isinstance(value, (gast.Tuple, gast.List)):
            elements = tuple(self.ref(item, state, statement).sites if isinstance(item, gast.Name)
                             and item.id in state else Sites() for item in value.elts)
            return Ref(Sites().union(*elements), elements)
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
            base = state.get(value.value.id)
            if base is None or isinstance(value.slice, gast.List):
                return fresh  # x[[0, 2]]: fancy indexing copies
            index = value.slice.value if isinstance(value.slice, gast.Constant) else None
            if not isinstance(index, int) or isinstance(index, bool):
                return Ref(base.sites)
            if base.elements is not None and -len(base.elements) <= index < len(base.elements):
                return Ref(base.elements[index])
            return Ref(_part(base.sites, index)) if index >= 0 else Ref(base.sites)
        if isinstance(value, gast.Attribute) and value.attr in _VIEW_ATTRIBUTES:
            return self._of(value.value, state, fresh)
        if isinstance(value, gast.BinOp) and self._in_place(statement):
            return self._of(value.left, state, fresh)
        if isinstance(value, gast.Call):
            return self.call(value, state, fresh)
        return fresh

    def call(self, call: gast.Call, state: State, fresh: Ref) -> Ref:
        func = call.func
        if called(call, RUNTIME, "setitem") and call.args:
            return self._of(call.args[0], state, fresh)  # the same array, updated
        if called(call, RUNTIME, "append") and len(call.args) == 2:
            items = [self._of(arg, state, Ref(Sites())) for arg in call.args]
            return Ref(items[0].sites | items[1].sites)
        if isinstance(func, gast.Attribute) and func.attr in _VIEW_METHODS \
                and isinstance(func.value, gast.Name) and func.value.id in state:
            return Ref(state[func.value.id].sites)
        callee = self.callee(func)
        if call.args and _is_view_function(callee, _VIEW_FUNCTIONS):
            return self._of(call.args[0], state, fresh)
        if call.args and _is_view_function(callee, _SPLIT_FUNCTIONS):  # a list of views
            return Ref(_part(self._of(call.args[0], state, fresh).sites, id(call)))
        return fresh

    def _of(self, expr: gast.expr, state: State, default: Ref) -> Ref:
        if isinstance(expr, gast.Name) and expr.id in state:
            return Ref(state[expr.id].sites)
        return default

    def _in_place(self, statement: gast.stmt) -> bool:
        value = statement.value
        return self.written(statement) is not None and isinstance(value, gast.BinOp)


def aliases_of(write: Write) -> Iterator[tuple[str, Ref]]:
    """Other names that may share memory with the written array just before the write."""
    written = write.state.get(write.array)
    if written is None:
        return
    skip = {write.array, *stored_names(write.statement)}
    for name, ref in sorted(write.state.items()):
        if name not in skip and overlap(ref.sites, written.sites):
            yield name, ref


def may_read_later(name: str, later: Later) -> bool:
    """Can ``name`` be read in ``later`` (blocks that may run next) before it is reassigned?"""
    for block, start in later:
        outcome = _scan(name, block[start:])
        if outcome != "neither":
            return outcome == "read"
    return False


def _scan(name: str, statements: list[gast.stmt]) -> str:
    """'read' if ``name`` may be read before being assigned, 'killed' if it is assigned first
    on every path, else 'neither'."""
    for statement in statements:
        if isinstance(statement, gast.If):
            if _reads(name, statement.test):
                return "read"
            outcomes = {_scan(name, statement.body), _scan(name, statement.orelse)}
            if "read" in outcomes:
                return "read"
            if outcomes == {"killed"}:
                return "killed"
            continue
        if isinstance(statement, (gast.For, gast.While)):
            header = statement.iter if isinstance(statement, gast.For) else statement.test
            if _reads(name, header) or _scan(name, statement.body) == "read" \
                    or _scan(name, statement.orelse) == "read":
                return "read"
            continue
        if isinstance(statement, gast.FunctionDef):
            continue
        if _reads(name, statement):
            return "read"
        if isinstance(statement, gast.Return):
            return "killed"
        if name in stored_names(statement):
            return "killed"
    return "neither"


def _reads(name: str, node: gast.AST) -> bool:
    return any(isinstance(sub, gast.Name) and sub.id == name and isinstance(sub.ctx, gast.Load)
               for sub in nodes.walk(node))


def _merge(first: State, second: State) -> State:
    merged = dict(first)
    for name, ref in second.items():
        merged[name] = merged[name].merge(ref) if name in merged else ref
    return merged


def _element(source: Ref, position: int) -> Ref:
    if source.elements is not None and position < len(source.elements):
        return Ref(source.elements[position])
    return Ref(_part(source.sites, position))


def _part(sites: Sites, part: object) -> Sites:
    return Sites((*site, part) for site in sites)


def overlap(first: Sites, second: Sites) -> bool:
    """Do two site sets share memory (one site a prefix of the other)?"""
    return any(a[:len(b)] == b or b[:len(a)] == a for a in first for b in second)


def _is_view_function(callee: object, functions: frozenset) -> bool:
    try:
        return callee in functions
    except TypeError:  # unhashable
        return False
