"""Adjoint scaffolding for ``if``, ``for`` and ``while``: mirrored branches, reversed loops,
trip counts, and the tape of overwritten values.

The reverse pass's builder inherits ``ControlFlow``; this module owns everything that depends
on block structure: which adjoints hold a value at each point (``defined``), which ones a loop
iteration receives from the previous reversed iteration (found by a dry run of the body), the
zero adjoints a branch or iteration must materialise, and the push/pop pairs of the tape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gast

from ..analysis.activity import differentiable_inputs, stored_names
from ..frontend.resolve import Kind, operand_key
from ..ir import nodes
from ..ir.annotations import RUNTIME, Anno, called, getanno
from ..opt.rematerialize import rematerialize

TAPE = "_tape"  # the preferred name; a fresh one if the function already uses it


@dataclass(slots=True)
class Restore:
    """Placeholder in the backward sweep: pop the values ``names`` had before ``statement``."""

    names: list[str]
    statement: gast.stmt


@dataclass(slots=True)
class _Replay:
    """A forward loop and its backward replay."""

    loop: gast.stmt
    nodes: list[gast.stmt]
    active: bool
    assigned: set[str]
    trips: str | None
    pruned: bool = False


@dataclass(frozen=True, slots=True)
class _LoopSummary:
    """The names a loop assigns, the operand keys it reads in differentiable positions, the
    weights its callees return adjoints for, and whether it has an active statement."""

    assigned: frozenset[str]
    reads: frozenset[str]
    weights: tuple[int, ...]
    active: bool


@dataclass(slots=True)
class _State:
    defined: set[str]
    fresh: list[set[str]]
    entries: list[set[str]]


@dataclass(slots=True)
class _Snapshot:
    state: _State
    dry: bool
    namer: Any
    bindings: dict[str, Any]
    weight_adjoints: dict[int, str]
    replays: dict[int, _Replay] = field(default_factory=dict)


class ControlFlow:
    """Block-structured backward sweep; subclasses provide ``assignment_adjoint``."""

    def __init__(self) -> None:
        self.defined: set[str] = set()
        self.fresh: list[set[str]] = []  # per enclosing loop: adjoints assigned this iteration
        self.entries: list[set[str]] = []  # per enclosing loop: adjoints read from the entry
        self.dry = False
        self.replays: dict[int, _Replay] = {}
        self.primal_of: dict[str, str] = {}
        self.needed: set[str] = set()
        self.tape = TAPE
        self.trip_names: dict[int, str] = {}
        self.pushed: set[str] = set()
        # dry runs: per loop, (adjoints consulted, those defined at the start, entry found)
        self.dry_results: dict[int, list[tuple[frozenset, frozenset, frozenset]]] = {}
        self.loop_summaries: dict[int, _LoopSummary] = {}
        self.consulting: list[set[str]] = []  # per dry run in progress: adjoints it consulted
        # loops met in dry runs: (adjoints consulted, their state at the start, effect)
        self.dry_effects: dict[int, list[tuple[frozenset, tuple, tuple]]] = {}

    # ---- adjoint bookkeeping -----------------------------------------------------------------
    def _consult(self, adjoint: str) -> None:
        for consulted in self.consulting:
            consulted.add(adjoint)

    def assigned(self, adjoint: str) -> None:
        self._consult(adjoint)
        self.defined.add(adjoint)
        if self.fresh:
            self.fresh[-1].add(adjoint)

    def consumed(self, adjoint: str) -> None:
        """After a statement's adjoint: its output's adjoint restarts from zero."""
        self._consult(adjoint)
        self.defined.discard(adjoint)
        for level in self.fresh:
            level.discard(adjoint)

    def _note_read(self, adjoint: str) -> None:
        for level in range(len(self.fresh) - 1, -1, -1):
            if adjoint in self.fresh[level]:
                return
            self.entries[level].add(adjoint)

    def read(self, adjoint: str) -> bool:
        """Is there a value to propagate from ``adjoint``? (A dry run assumes there is.)"""
        self._consult(adjoint)
        if self.dry or adjoint in self.defined:
            self._note_read(adjoint)
            return True
        return False

    def is_defined(self, adjoint: str) -> bool:
        self._consult(adjoint)
        if adjoint in self.defined:
            self._note_read(adjoint)
            return True
        return False

    def adjoint_name(self, key: str) -> str:
        raise NotImplementedError

    def zeros(self, adjoint: str, like: gast.AST) -> gast.stmt:
        """A zero adjoint: ``0.0`` for a weight accumulator, else zeros like the primal."""
        if adjoint in self.weight_adjoints.values():
            return nodes.assign(adjoint, nodes.constant(0.0, like), like=like)
        primal = gast.parse(self.primal_of[adjoint]).body[0].value
        value = nodes.library_call(RUNTIME, "zeros_like", [primal])
        return nodes.assign(adjoint, value, like=like)

    def loop_summary(self, loop: gast.stmt) -> _LoopSummary:
        """What the bookkeeping of ``loop`` needs to know about its statements (one walk of
        the loop, kept: a loop is met again in every dry run of the loops around it)."""
        summary = self.loop_summaries.get(id(loop))
        if summary is not None:
            return summary
        assigned: set[str] = set()
        reads: set[str] = set()
        weights: list[int] = []
        active = False
        for statement in nodes.walk(loop):
            if not isinstance(statement, gast.Assign):
                continue
            assigned.update(stored_names(statement))
            call = self.calls.get(id(statement))
            if call is not None:
                weights += call[1].weight_ids
            if self.activity.is_active(statement):
                active = True
                for expr in differentiable_inputs(self.resolution.of(statement)):
                    key = operand_key(expr, self.locals)
                    if key is not None:
                        reads.add(key)
        summary = _LoopSummary(frozenset(assigned), frozenset(reads), tuple(weights), active)
        self.loop_summaries[id(loop)] = summary
        return summary

    # ---- backward sweep ----------------------------------------------------------------------
    def backward_block(self, statements: list[gast.stmt]) -> list[Any]:
        result: list[Any] = []
        for statement in reversed(statements):
            result.extend(self.backward_statement(statement))
        return result

    def backward_statement(self, statement: gast.stmt) -> list[Any]:
        if isinstance(statement, gast.Assign) and self.dry:
            self.dry_adjoint(statement)
            return []
        if isinstance(statement, gast.Assign):
            code = self.assignment_adjoint(statement)
            if self.fresh:
                code.append(self.restore_marker(statement))
            return code
        if isinstance(statement, gast.If):
            return self.backward_if(statement)
        if isinstance(statement, (gast.For, gast.While)):
            return self.backward_loop(statement)
        return []

    def dry_adjoint(self, statement: gast.Assign) -> None:
        """The bookkeeping of ``assignment_adjoint`` without building its code (dry runs):
        the output's adjoint is read, every adjoint it contributes to is assigned or added to,
        and the outputs' adjoints restart from zero."""
        if not self.activity.is_active(statement):
            return
        operation = self.resolution.of(statement)
        outputs = [self.adjoint_name(name) for name in stored_names(statement)]
        for output in outputs if operation.kind is Kind.UNPACK else outputs[:1]:
            self.read(output)
        for adjoint in self.contributed(statement, operation):
            if not self.is_defined(adjoint):
                self.assigned(adjoint)
        for output in outputs:
            self.consumed(output)

    def contributed(self, statement: gast.Assign, operation: Any) -> list[str]:
        """The adjoints the adjoint code of ``statement`` contributes to, in order."""
        if operation.kind is Kind.USER:
            call = self.calls.get(id(statement))
            if call is None:
                return []
            unit = call[1]
            arguments: dict[str, gast.expr] = {}
            for param, arg in zip(operation.params, differentiable_inputs(operation),
                                  strict=True):
                arguments.setdefault(param, arg)
            return [*(self.adjoint_name(operand_key(arguments[param], self.locals))
                      for param in unit.wrt),
                    *(self.weight_adjoint_name(weight) for weight in unit.weight_ids)]
        if operation.kind in (Kind.COPY, Kind.UNPACK):
            targets = operation.args[:1]
        elif operation.kind is Kind.BUILD:
            targets = list(operation.args)
        elif operation.kind is Kind.PRIMITIVE:
            polynomial = getanno(statement, Anno.POLYNOMIAL)
            targets = [nodes.name(polynomial[0])] if polynomial is not None else [
                arg for position, arg in enumerate(operation.args)
                if operation.entry.rule_for(position) is not None]
        else:
            return []  # no gradient: the code itself raises the error
        keys = [operand_key(target, self.locals) for target in targets]
        return [self.adjoint_name(key) for key in keys
                if key is not None and key in self.activity.varied]

    def backward_if(self, statement: gast.If) -> list[Any]:
        before = self._state()
        body = self.backward_block(statement.body)
        after_body = self._state()
        self._restore(before)
        orelse = self.backward_block(statement.orelse)
        after_else = self._state()
        union = {name for name in after_body.defined | after_else.defined
                 if (name in after_body.defined and name in after_else.defined)
                 or self._visible_after(name, statement)}
        for branch, state in ((body, after_body), (orelse, after_else)):
            missing = sorted(union - state.defined)
            if not self.dry:
                branch.extend(self.zeros(name, statement) for name in missing)
            if state.fresh:
                state.fresh[-1].update(missing)
        self.defined = union
        if self.fresh:
            self.fresh[-1] = after_body.fresh[-1] & after_else.fresh[-1]
        if not body and not orelse:
            return []
        test = nodes.copy_tree(statement.test)
        node = gast.If(test=test, body=body or [gast.Pass()], orelse=orelse)
        return [nodes.copy_location(node, statement)]

    def _visible_after(self, adjoint: str, statement: gast.If) -> bool:
        """Is the primal of ``adjoint`` defined outside ``statement`` (so that the branch which
        did not assign it needs a zero)? Names local to one branch are not."""
        key = self.primal_of.get(adjoint)
        if key is None or key not in self.locals or self.fresh:
            return True  # in a loop a name lives on into the next (reversed) iteration
        inside = {id(node) for node in nodes.walk(statement)}
        args = self.ctx.function.args
        if key in {arg.id for arg in args.posonlyargs + args.args + args.kwonlyargs}:
            return True
        return any(isinstance(node, gast.Name) and node.id == key
                   and isinstance(node.ctx, gast.Store) and id(node) not in inside
                   for node in nodes.walk(self.ctx.function))

    def backward_loop(self, loop: gast.For | gast.While) -> list[Any]:
        if self.dry:
            return self._dry_loop(loop)
        return self._build_loop(loop)

    def _dry_loop(self, loop: gast.For | gast.While) -> list[Any]:
        """A loop met in a dry run: only its effect on the bookkeeping matters (which adjoints
        are defined, fresh or read from the entry of each enclosing loop). That effect depends
        only on how the adjoints it consults stood when it started, so it is built once per
        such state and replayed after."""
        for consulted, start, effect in self.dry_effects.get(id(loop), ()):
            if self._bookkeeping(consulted) == start:
                self._apply(consulted, effect)
                return []
        start_defined = set(self.defined)
        start_fresh = [set(level) for level in self.fresh]
        start_entries = [set(level) for level in self.entries]
        self.consulting.append(set())
        self._build_loop(loop)
        consulted = frozenset(self.consulting.pop())
        for name in consulted:
            self._consult(name)
        start = (frozenset(start_defined & consulted),
                 tuple(frozenset(level & consulted) for level in start_fresh))
        effect = (*self._bookkeeping(consulted), tuple(
            frozenset(level - before) for level, before in zip(self.entries, start_entries,
                                                               strict=True)))
        self.dry_effects.setdefault(id(loop), []).append((consulted, start, effect))
        return []

    def _bookkeeping(self, consulted: frozenset) -> tuple[frozenset, tuple[frozenset, ...]]:
        return (frozenset(self.defined & consulted),
                tuple(frozenset(level & consulted) for level in self.fresh))

    def _apply(self, consulted: frozenset, effect: tuple) -> None:
        defined, fresh, entries = effect
        self.defined = (self.defined - consulted) | defined
        self.fresh = [(level - consulted) | after for level, after in zip(self.fresh, fresh,
                                                                           strict=True)]
        for level, added in zip(self.entries, entries, strict=True):
            level |= added
        for name in consulted:
            self._consult(name)

    def _build_loop(self, loop: gast.For | gast.While) -> list[Any]:
        invariants = self.loop_invariant_adjoints(loop)
        entry = self.dry_run(loop, invariants) | invariants
        pre = [self.zeros(name, loop) for name in sorted(entry - self.defined)]
        for name in pre:
            self.assigned(name.targets[0].id)
        self.defined |= entry
        self.fresh.append(set())
        self.entries.append(set())
        body = self.backward_block(loop.body)
        post = [self.zeros(name, loop) for name in sorted(entry - self.defined)]
        self.fresh.pop()
        self.entries.pop()
        self.defined |= entry
        trips = self.trip_counter(loop)
        header = self.reversed_header(loop, trips)
        node = nodes.copy_location(gast.For(target=header[0], iter=header[1],
                                            body=[*body, *post] or [gast.Pass()], orelse=[],
                                            type_comment=None), loop)
        replay_nodes = [*pre]
        if trips is not None and self.fresh:  # nested: the trip count comes off the tape
            replay_nodes.append(nodes.assign(trips, _pop(self.tape), like=loop))
        replay_nodes.append(node)
        summary = self.loop_summary(loop)
        self.replays[id(loop)] = _Replay(loop, replay_nodes, summary.active,
                                         set(summary.assigned), trips)
        return replay_nodes

    def dry_run(self, loop: gast.stmt, invariants: set[str]) -> set[str]:
        """Which adjoints does one reversed iteration read before assigning them?

        The answer depends only on which of the adjoints the run consults are defined when
        it starts, so it is kept per loop under that key: a loop nested in others is run dry
        once per distinct key, not once per dry run of each enclosing loop (which would
        double the work per nesting level)."""
        start = self.defined | invariants
        for consulted, defined, entry in self.dry_results.get(id(loop), ()):
            if start & consulted == defined:
                for name in consulted:  # an enclosing dry run depends on them as well
                    self._consult(name)
                return set(entry)
        snapshot = self._snapshot()
        self.dry = True
        self.defined = set(start)
        self.fresh.append(set())
        self.entries.append(set())
        self.consulting.append(set())
        self.backward_block(loop.body)
        assigned = {self.adjoint_name(name) for name in self.loop_summary(loop).assigned}
        # read before being assigned, or carried to the previous iteration
        entry = self.entries[-1] | (self.defined & assigned)
        consulted = frozenset(self.consulting.pop() | assigned)
        self._rollback(snapshot)
        for name in consulted:
            self._consult(name)
        self.dry_results.setdefault(id(loop), []).append(
            (consulted, frozenset(start & consulted), frozenset(entry)))
        return entry

    def loop_invariant_adjoints(self, loop: gast.stmt) -> set[str]:
        """Adjoints of values read in the loop but defined outside it: they accumulate (so do
        the accumulators of weights that callees inside ``loop`` return adjoints for)."""
        summary = self.loop_summary(loop)
        result = {self.weight_adjoint_name(weight) for weight in summary.weights}
        for key in summary.reads:
            if key not in summary.assigned and key in self.activity.active:
                result.add(self.adjoint_name(key))
        return result

    def name_trip_counters(self, statements: list[gast.stmt]) -> None:
        """Name every loop's trip counter up front: dry runs roll the namer back, so names
        made inside them could be handed out twice."""
        for node in _statements(statements):
            if isinstance(node, gast.While) or (isinstance(node, gast.For)
                                                and _has_exit_test(node)):
                self.trip_names[id(node)] = self.ctx.namer.temp("trips")

    def trip_counter(self, loop: gast.stmt) -> str | None:
        return self.trip_names.get(id(loop))

    def reversed_header(self, loop: gast.stmt, trips: str | None) -> tuple[gast.expr, gast.expr]:
        if isinstance(loop, gast.While):
            count = nodes.call(nodes.name("range", like=loop), [nodes.name(trips, like=loop)],
                               like=loop)
            return nodes.name("_", store=True, like=loop), count
        iterable = nodes.copy_tree(loop.iter)
        if trips is not None:
            iterable = nodes.subscript(iterable, gast.Slice(
                lower=None, upper=nodes.name(trips, like=loop), step=None), like=loop)
        target = nodes.copy_tree(loop.target)
        return target, nodes.call(nodes.name("reversed", like=loop), [iterable], like=loop)

    # ---- state snapshots for dry runs and branches -------------------------------------------
    def _state(self) -> _State:
        return _State(set(self.defined), [set(level) for level in self.fresh],
                      [set(level) for level in self.entries])

    def _restore(self, state: _State) -> None:
        self.defined = set(state.defined)
        self.fresh = [set(level) for level in state.fresh]
        for level, saved in zip(self.entries, state.entries, strict=True):
            level |= saved

    def _snapshot(self) -> _Snapshot:
        return _Snapshot(self._state(), self.dry, self.ctx.namer.copy(),
                         dict(self.ctx.bindings), dict(self.weight_adjoints), dict(self.replays))

    def _rollback(self, snapshot: _Snapshot) -> None:
        self.defined = snapshot.state.defined
        self.fresh = snapshot.state.fresh
        self.entries = snapshot.state.entries
        self.dry = snapshot.dry
        self.ctx.namer = snapshot.namer
        self.ctx.bindings.clear()
        self.ctx.bindings.update(snapshot.bindings)
        self.weight_adjoints = snapshot.weight_adjoints
        self.replays = snapshot.replays

    # ---- assembly: needed values, pushes, pops -----------------------------------------------
    def prune_replays(self, backward: list[Any], extra: list[gast.AST]) -> list[Any]:
        """Prune replays the gradient does not need; sets ``needed`` (what the backward sweep
        and ``extra`` read) and ``shape_only`` (read only as a shape)."""
        read_extra = _reads(extra)[0]
        while True:
            read, shape_only = _reads(_without_markers(backward))
            needed = read | read_extra
            prunable = [replay for replay in self.replays.values() if not replay.pruned
                        and not replay.active and not replay.assigned & needed]
            for replay in prunable:
                replay.pruned = True
            if prunable:
                backward = _prune(backward, self.replays)
            backward, emptied = _drop_idle_branches(backward, needed)
            if not prunable and not emptied:
                break  # backward is the one just read
        self.shape_only = shape_only
        self.needed = needed
        return backward

    def rematerialize_taped(self) -> set[str]:
        """Recompute cheap loop values instead of taping them; returns their names."""
        done = self.rematerialize_loops(self.needed - self.shape_only)
        self.needed -= done
        return done

    def place_tape(self, body: list[gast.stmt],
                   backward: list[Any]) -> tuple[list[gast.stmt], list[gast.stmt]]:
        """Add the tape pushes to the forward sweep and the pops to the backward sweep."""
        self.uses_tape = False
        self.assigned_so_far = self._params()
        self.shape_names: dict[str, str] = {}
        forward = self.forward_block(body, depth=0, replayed=False)
        backward = self.finish_backward(backward)
        if self.shape_names:  # shapes come off the tape into names of their own
            _rename_loads(backward, self.shape_names)
            backward = [nodes.assign(shape, nodes.call(nodes.dotted("_rt.shape"),
                                                       [nodes.name(name)]))
                        for name, shape in self.shape_names.items()] + backward
            # the backward sweep starts from their final values: defined even when the loop
            # that assigns them sits in a branch the forward sweep did not take
            top = self._params() | {name for statement in forward
                                    for name in stored_names(statement)}
            forward = [nodes.assign(name, nodes.constant(None, body[0]), like=body[0])
                       for name in self.shape_names if name not in top] + forward
        if self.uses_tape:
            forward = [nodes.assign(self.tape, nodes.list_([])), *forward]
        return backward, forward

    def rematerialize_loops(self, needed: set[str]) -> set[str]:
        """Recompute cheap loop values in the backward loops instead of taping them."""
        replays = [replay for replay in self.replays.values() if not replay.pruned]
        if not replays:
            return set()
        function = self.ctx.function
        stores: dict[str, int] = {}
        loads: dict[str, int] = {}
        in_loops: set[str] = set()
        for node in nodes.walk(function):
            if isinstance(node, gast.Name):
                if isinstance(node.ctx, gast.Load):
                    loads[node.id] = loads.get(node.id, 0) + 1
                else:
                    stores[node.id] = stores.get(node.id, 0) + 1
            elif isinstance(node, (gast.For, gast.While)):
                in_loops.update(_stored_anywhere(node))
        single = {name for name, count in stores.items() if count == 1}
        done: set[str] = set()
        for replay in replays:
            inside: dict[str, int] = {}
            for node in nodes.walk(replay.loop):
                if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                    inside[node.id] = inside.get(node.id, 0) + 1
            outside = {name for name, count in loads.items() if count > inside.get(name, 0)}
            backward_loop = replay.nodes[-1]
            done |= rematerialize(replay.loop.body, backward_loop.body, needed - done, single,
                                  outside, in_loops, Restore)
        return done

    def _is_replayed(self, loop: gast.stmt) -> bool:
        replay = self.replays.get(id(loop))
        return replay is not None and not replay.pruned

    def forward_block(self, statements: list[gast.stmt], depth: int,
                      replayed: bool) -> list[gast.stmt]:
        result: list[gast.stmt] = []
        for statement in statements:
            if isinstance(statement, gast.Assign):
                if replayed:
                    result.extend(self._push(name, statement) for name in
                                  stored_names(statement) if name in self.needed)
                result.append(statement)
            elif isinstance(statement, gast.If):
                statement.body = self.forward_block(statement.body, depth, replayed)
                statement.orelse = self.forward_block(statement.orelse, depth, replayed)
                result.append(statement)
            elif isinstance(statement, (gast.For, gast.While)):
                result.extend(self.forward_loop(statement, depth))
            else:
                result.append(statement)
            self.assigned_so_far.update(_stored_anywhere(
                statement.targets if isinstance(statement, gast.Assign) else statement))
        return result

    def forward_loop(self, loop: gast.stmt, depth: int) -> list:
        if not self._is_replayed(loop):
            return [loop]
        replay = self.replays[id(loop)]
        before: list[gast.stmt] = []
        if depth == 0:
            first = sorted((replay.assigned & self.needed) - self.assigned_so_far)
            before += [nodes.assign(name, nodes.constant(None, loop), like=loop) for name in first]
        loop.body = self.forward_block(loop.body, depth + 1, replayed=True)
        after: list[gast.stmt] = []
        if replay.trips is not None:
            before.append(nodes.assign(replay.trips, nodes.constant(0, loop), like=loop))
            count = nodes.binop(nodes.name(replay.trips, like=loop), gast.Add(),
                                nodes.constant(1, loop), like=loop)
            loop.body = [nodes.assign(replay.trips, count, like=loop), *loop.body]
            if depth > 0:
                after.append(self._push(replay.trips, loop))
        return [*before, loop, *after]

    def _params(self) -> set[str]:
        args = self.ctx.function.args
        return {arg.id for arg in args.posonlyargs + args.args + args.kwonlyargs}

    def _push(self, name: str, like: gast.stmt) -> gast.stmt:
        self.uses_tape = True
        value = nodes.name(name, like=like)
        if name in self.shape_only:  # the backward sweep reads only its shape
            value = nodes.library_call(RUNTIME, "shape", [value], like=like)
            if name not in self.shape_names:
                self.shape_names[name] = self.ctx.namer.fresh(f"_{name.lstrip('_')}_shape")
        else:
            self.pushed.add(name)  # the backward sweep overwrites it
        append = nodes.call(nodes.attribute(nodes.name(self.tape, like=like), "append", like),
                            [value], like=like)
        return nodes.expr(append, like=like)

    def finish_backward(self, statements: list[Any]) -> list[gast.stmt]:
        result: list[gast.stmt] = []
        for statement in statements:
            if isinstance(statement, Restore):
                names = [name for name in statement.names if name in self.needed]
                result.extend(nodes.assign(self.shape_names.get(name, name), _pop(self.tape),
                                           like=statement.statement)
                              for name in reversed(names))
                continue
            if isinstance(statement, (gast.If, gast.For)):
                statement.body = self.finish_backward(statement.body) or [gast.Pass()]
                statement.orelse = self.finish_backward(statement.orelse)
            result.append(statement)
        return result


def _statements(block: list[gast.stmt]) -> list[gast.stmt]:
    """The statements of ``block`` and of every block nested in them, outermost first."""
    found = list(block)
    for statement in found:  # grows while it is read
        for part in ("body", "orelse"):
            nested = getattr(statement, part, None)
            if isinstance(nested, list):
                found.extend(nested)
    return found


def _stored_anywhere(tree: gast.AST | list[gast.AST]) -> set[str]:
    trees = tree if isinstance(tree, list) else [tree]
    return {node.id for part in trees for node in nodes.walk(part)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store)}


def _rename_loads(statements: list[gast.stmt], names: dict[str, str]) -> None:
    for statement in statements:
        for node in nodes.walk(statement):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
                    and node.id in names:
                node.id = names[node.id]


def _pop(tape: str) -> gast.expr:
    return nodes.call(nodes.attribute(nodes.name(tape), "pop"), [])


def _has_exit_test(loop: gast.stmt) -> bool:
    return any(isinstance(statement, gast.If) and len(statement.body) == 1
               and isinstance(statement.body[0], gast.Break) for statement in loop.body)


def _without_markers(statements: list[Any]) -> list[gast.AST]:
    result = []
    for statement in statements:
        if isinstance(statement, Restore):
            continue
        if isinstance(statement, (gast.If, gast.For)):
            result.append(statement.test if isinstance(statement, gast.If) else statement.iter)
            result.extend(_without_markers(statement.body))
            result.extend(_without_markers(statement.orelse))
        else:
            result.append(statement)
    return result


def _reads(trees: list[gast.AST]) -> tuple[set[str], set[str]]:
    """The names ``trees`` read, and those read only as the shape target of
    ``_rt.unbroadcast_to`` (one walk)."""
    as_target: set[str] = set()
    elsewhere: set[str] = set()
    for tree in trees:
        targets = set()
        for node in nodes.walk(tree):
            if isinstance(node, gast.Call):
                if called(node, RUNTIME, "unbroadcast_to") and len(node.args) == 2 \
                        and isinstance(node.args[1], gast.Name):
                    targets.add(id(node.args[1]))
                    as_target.add(node.args[1].id)
            elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
                    and id(node) not in targets:
                elsewhere.add(node.id)
    return as_target | elsewhere, as_target - elsewhere


def _drop_idle_branches(statements: list[Any], needed: set[str]) -> tuple[list[Any], bool]:
    """Remove backward ``if``s that would only restore values nobody reads (their condition
    then needs no saving either)."""
    result, dropped = [], False
    for statement in statements:
        if isinstance(statement, (gast.If, gast.For)):
            statement.body, inner_body = _drop_idle_branches(statement.body, needed)
            statement.orelse, inner_else = _drop_idle_branches(statement.orelse, needed)
            dropped = dropped or inner_body or inner_else
            if isinstance(statement, gast.If) and _idle(statement.body, needed) \
                    and _idle(statement.orelse, needed):
                dropped = True
                continue
        result.append(statement)
    return result, dropped


def _idle(statements: list[Any], needed: set[str]) -> bool:
    return all(isinstance(s, gast.Pass) or (isinstance(s, Restore)
               and not set(s.names) & needed) for s in statements)


def _prune(statements: list[Any], replays: dict[int, _Replay]) -> list[Any]:
    pruned = {id(node) for replay in replays.values() if replay.pruned for node in replay.nodes}
    result = []
    for statement in statements:
        if id(statement) in pruned:
            continue
        if isinstance(statement, (gast.If, gast.For)):
            statement.body = _prune(statement.body, replays)
            statement.orelse = _prune(statement.orelse, replays)
        result.append(statement)
    return result
