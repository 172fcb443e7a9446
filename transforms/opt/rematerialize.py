"""Rematerialization: in a reversed loop, recompute a cheap value instead of saving it on the
tape each iteration.

Runs inside the reverse pass, when the backward sweep is built but before tape pushes and
pops are placed (``ControlFlow.assemble``). Input: a forward loop body and its backward loop
body (adjoint code interleaved with ``Restore`` markers, last forward statement first), and the
names the backward sweep reads. Output: the names that no longer need the tape; for each, the
backward loop body gets a copy of its forward statement before the first adjoint that reads it.

A value qualifies when it is one arithmetic operation (``y * y``, ``3.0 * y``, ``3 * hidden``,
not ``@``) on names and numbers, assigned once in the whole function, read by no statement
outside the loop, and its operands still hold the values they had in the forward sweep where
the backward sweep recomputes it. An operand assigned in this loop, or in any loop (an
enclosing one), must be on the tape: values that are not hold their last iteration's value
during the whole sweep. The sweep restores a
taped name assigned at forward position ``p`` right after the adjoint of ``p``; so,
recomputing where the restores of positions ``>= r`` have been done, such an operand is right
if it is assigned before the value and not yet restored (``< r``), or after the value and
already restored (``>= r``). The first reading adjoint can be the re-zeroing at the end of
the reversed iteration, after every restore. Operands not assigned in the loop are always
right.

This trades one cheap operation per iteration of the backward sweep for one saved array per
iteration (the hand-written Newton gradient saves three arrays per step; the chain rule needs
five, two of which are ``y * y`` and ``3.0 * y``).
"""

from __future__ import annotations

from typing import Any

import gast

from ..ir import nodes


def rematerialize(forward: list[gast.stmt], backward: list[Any], needed: set[str],
                  single: set[str], read_outside: set[str], in_loops: set[str],
                  marker: type) -> set[str]:
    """Rematerialize what qualifies (see the module docstring); returns the names.

    ``single``: names assigned once in the function; ``read_outside``: names read by forward
    statements outside this loop; ``in_loops``: names assigned inside any loop of the
    function; ``marker``: the class of the backward sweep's restore markers (``names``,
    ``statement``)."""
    position = {id(statement): index for index, statement in enumerate(forward)}
    assigned_at = _top_level_assignments(forward)
    nested = _nested_assignments(forward)
    candidates = {index: name for index, statement in enumerate(forward)
                  if (name := _candidate(statement, needed, single, read_outside)) is not None}
    taped = needed - set(candidates.values())  # operands the sweep restores
    done: set[str] = set()
    for index, name in candidates.items():
        statement = forward[index]
        operands = _operands(statement.value)
        if operands & nested or any(operand not in taped and (operand in assigned_at
                                                              or operand in in_loops)
                                    for operand in operands):
            continue
        first = _first_read(backward, name)
        if first is None:
            continue
        restored = _last_restored(backward[:first], marker, position)
        if all(_still_valid(operand, index, restored, assigned_at) for operand in operands):
            backward.insert(first, nodes.copy_location(
                gast.Assign(targets=[nodes.name(name, store=True)],
                            value=nodes.copy_tree(statement.value), type_comment=None),
                statement))
            done.add(name)
    return done


def _candidate(statement: gast.stmt, needed: set[str], single: set[str],
               read_outside: set[str]) -> str | None:
    if not isinstance(statement, gast.Assign) or len(statement.targets) != 1 \
            or not isinstance(statement.targets[0], gast.Name):
        return None
    name = statement.targets[0].id
    if name not in needed or name not in single or name in read_outside:
        return None
    value = statement.value
    if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
        atoms = [value.left, value.right]
    elif isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
        atoms = [value.operand]
    else:
        return None
    if not all(isinstance(atom, (gast.Name, gast.Constant)) for atom in atoms):
        return None
    return name


def _operands(value: gast.expr) -> set[str]:
    return {node.id for node in nodes.walk(value) if isinstance(node, gast.Name)}


def _top_level_assignments(forward: list[gast.stmt]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, statement in enumerate(forward):
        if isinstance(statement, gast.Assign):
            for node in nodes.walk(statement.targets[0]):
                if isinstance(node, gast.Name):
                    found.setdefault(node.id, index)
    return found


def _nested_assignments(forward: list[gast.stmt]) -> set[str]:
    """Names assigned inside the loop's nested blocks (or more than once at the top)."""
    counts: dict[str, int] = {}
    for statement in forward:
        for node in nodes.walk(statement):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                counts[node.id] = counts.get(node.id, 0) + 1
    top = _top_level_assignments(forward)
    return {name for name, count in counts.items() if count > 1 or name not in top}


def _first_read(backward: list[Any], name: str) -> int | None:
    for index, statement in enumerate(backward):
        if not isinstance(statement, gast.AST):
            continue
        if any(isinstance(node, gast.Name) and node.id == name for node in nodes.walk(statement)):
            return index
    return None


def _last_restored(before: list[Any], marker: type, position: dict[int, int]) -> int | None:
    """The smallest forward position whose restore marker precedes the recomputation (every
    position at or after it has been restored); None if no restore precedes it."""
    positions = [position[id(item.statement)] for item in before
                 if isinstance(item, marker) and id(item.statement) in position]
    return min(positions) if positions else None


def _still_valid(operand: str, index: int, restored: int | None,
                 assigned_at: dict[str, int]) -> bool:
    """Does ``operand`` hold its forward value where the sweep recomputes the value at
    ``index``? ``restored``: every position from it on has been restored there."""
    where = assigned_at.get(operand)
    if where is None:
        return True  # not assigned in the loop
    if where < index:  # this iteration's value, until the sweep restores it
        return restored is None or restored > where
    return restored is not None and where >= restored  # restored to what the value saw
