"""Adjoint scaffolding for ``if``, ``for`` and ``while``: mirrored branches, reversed loops,
trip counts, and the tape of overwritten values.

The reverse pass's builder inherits ``ControlFlow``; this module owns everything that depends
on block structure: which adjoints hold a value at each point (``defined``), which ones a loop
iteration receives from the previous reversed iteration (found by a dry run of the body), the
zero adjoints a branch or iteration must materialise, and the push/pop pairs of the tape.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import gast

from ..analysis.activity import differentiable_inputs, stored_names
from ..frontend.resolve import operand_key
from ..ir import nodes
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

    # ---- adjoint bookkeeping -----------------------------------------------------------------
    def assigned(self, adjoint: str) -> None:
        self.defined.add(adjoint)
        if self.fresh:
            self.fresh[-1].add(adjoint)

    def consumed(self, adjoint: str) -> None:
        """After a statement's adjoint: its output's adjoint restarts from zero."""
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
        if self.dry or adjoint in self.defined:
            self._note_read(adjoint)
            return True
        return False

    def is_defined(self, adjoint: str) -> bool:
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
        value = nodes.call(nodes.dotted("_rt.zeros_like"), [primal])
        return nodes.assign(adjoint, value, like=like)

    def loop_reads(self, loop: gast.stmt) -> set[str]:
        """Operand keys read in differentiable positions anywhere in ``loop``."""
        keys = set()
        for statement in nodes.walk(loop):
            if isinstance(statement, gast.Assign) and self.activity.is_active(statement):
                for expr in differentiable_inputs(self.resolution.of(statement)):
                    key = operand_key(expr, self.locals)
                    if key is not None:
                        keys.add(key)
        return keys

    def loop_weight_accumulators(self, loop: gast.stmt) -> set[str]:
        """Accumulators of weights that callees inside ``loop`` return adjoints for."""
        names = set()
        for statement in nodes.walk(loop):
            call = self.calls.get(id(statement)) if isinstance(statement, gast.Assign) else None
            if call is not None:
                names.update(self.weight_adjoint_name(w) for w in call[1].weight_ids)
        return names

    # ---- backward sweep ----------------------------------------------------------------------
    def backward_block(self, statements: list[gast.stmt]) -> list[Any]:
        result: list[Any] = []
        for statement in reversed(statements):
            result.extend(self.backward_statement(statement))
        return result

    def backward_statement(self, statement: gast.stmt) -> list[Any]:
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
        assigned = {name for statement in nodes.walk(loop) if isinstance(statement, gast.Assign)
                    for name in stored_names(statement)}
        active = any(self.activity.is_active(s) for s in nodes.walk(loop)
                     if isinstance(s, gast.Assign))
        self.replays[id(loop)] = _Replay(loop, replay_nodes, active, assigned, trips)
        return replay_nodes

    def dry_run(self, loop: gast.stmt, invariants: set[str]) -> set[str]:
        """Which adjoints does one reversed iteration read before assigning them?"""
        snapshot = self._snapshot()
        self.dry = True
        self.defined |= invariants
        self.fresh.append(set())
        self.entries.append(set())
        self.backward_block(loop.body)
        assigned = {self.adjoint_name(name) for statement in nodes.walk(loop)
                    if isinstance(statement, gast.Assign) for name in stored_names(statement)}
        # read before being assigned, or carried to the previous iteration
        entry = self.entries[-1] | (self.defined & assigned)
        self._rollback(snapshot)
        return entry

    def loop_invariant_adjoints(self, loop: gast.stmt) -> set[str]:
        """Adjoints of values read in the loop but defined outside it: they accumulate."""
        assigned = {name for statement in nodes.walk(loop) if isinstance(statement, gast.Assign)
                    for name in stored_names(statement)}
        result = self.loop_weight_accumulators(loop)
        for key in self.loop_reads(loop):
            if key not in assigned and key in self.activity.active:
                result.add(self.adjoint_name(key))
        return result

    def name_trip_counters(self, statements: list[gast.stmt]) -> None:
        """Name every loop's trip counter up front: dry runs roll the namer back, so names
        made inside them could be handed out twice."""
        for statement in statements:
            for node in nodes.walk(statement):
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
        return _Snapshot(self._state(), self.dry, copy.deepcopy(self.ctx.namer),
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
    def assemble(self, body: list[gast.stmt], backward: list[Any],
                 extra: list[gast.AST]) -> tuple[list[gast.stmt], list[gast.stmt]]:
        """Prune replays the gradient does not need, then add tape pushes and pops."""
        while True:
            needed = _loads(_without_markers(backward)) | _loads(extra)
            prunable = [replay for replay in self.replays.values() if not replay.pruned
                        and not replay.active and not replay.assigned & needed]
            for replay in prunable:
                replay.pruned = True
            backward = _prune(backward, self.replays)
            backward, emptied = _drop_idle_branches(backward, needed)
            if not prunable and not emptied:
                break
        self.shape_only = _shape_only(_without_markers(backward))
        self.needed = needed - self.rematerialize_loops(needed - self.shape_only)
        self.uses_tape = False
        self.assigned_so_far = self._params()
        forward = self.forward_block(body, depth=0, replayed=False)
        backward = self.finish_backward(backward)
        if self.uses_tape:
            forward = [nodes.assign(self.tape, nodes.list_([])), *forward]
        return backward, forward

    def rematerialize_loops(self, needed: set[str]) -> set[str]:
        """Recompute cheap loop values in the backward loops instead of taping them."""
        function = self.ctx.function
        stores: dict[str, int] = {}
        for node in nodes.walk(function):
            if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
                stores[node.id] = stores.get(node.id, 0) + 1
        single = {name for name, count in stores.items() if count == 1}
        in_loops = {node.id for loop in nodes.walk(function) if isinstance(loop, (gast.For,
                                                                                 gast.While))
                    for node in nodes.walk(loop) if isinstance(node, gast.Name)
                    and isinstance(node.ctx, gast.Store)}
        done: set[str] = set()
        for replay in self.replays.values():
            if replay.pruned:
                continue
            inside = {id(node) for node in nodes.walk(replay.loop)}
            outside = {node.id for node in nodes.walk(function) if isinstance(node, gast.Name)
                       and isinstance(node.ctx, gast.Load) and id(node) not in inside}
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
            self.assigned_so_far.update(node.id for node in nodes.walk(statement)
                                        if isinstance(node, gast.Name)
                                        and isinstance(node.ctx, gast.Store))
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
        self.pushed.add(name)
        value = nodes.name(name, like=like)
        if name in self.shape_only:  # the backward sweep reads only its shape
            value = nodes.call(nodes.dotted("_rt.shape", like=like), [value], like=like)
        append = nodes.call(nodes.attribute(nodes.name(self.tape, like=like), "append", like),
                            [value], like=like)
        return nodes.expr(append, like=like)

    def finish_backward(self, statements: list[Any]) -> list[gast.stmt]:
        result: list[gast.stmt] = []
        for statement in statements:
            if isinstance(statement, Restore):
                names = [name for name in statement.names if name in self.needed]
                result.extend(nodes.assign(name, _pop(self.tape), like=statement.statement)
                              for name in reversed(names))
                continue
            if isinstance(statement, (gast.If, gast.For)):
                statement.body = self.finish_backward(statement.body) or [gast.Pass()]
                statement.orelse = self.finish_backward(statement.orelse)
            result.append(statement)
        return result


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


def _loads(trees: list[gast.AST]) -> set[str]:
    return {node.id for tree in trees for node in nodes.walk(tree)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)}


def _shape_only(trees: list[gast.AST]) -> set[str]:
    """Names the backward sweep reads only as the shape target of ``_rt.unbroadcast_to``."""
    as_target: set[str] = set()
    elsewhere: set[str] = set()
    for tree in trees:
        targets = set()
        for node in nodes.walk(tree):
            if isinstance(node, gast.Call) and len(node.args) == 2 \
                    and gast.unparse(node.func).strip() == "_rt.unbroadcast_to" \
                    and isinstance(node.args[1], gast.Name):
                targets.add(id(node.args[1]))
                as_target.add(node.args[1].id)
        for node in nodes.walk(tree):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
                    and id(node) not in targets:
                elsewhere.add(node.id)
    return as_target - elsewhere


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
