"""Shrink a failing program (for the long profile; hypothesis shrinks the quick profile's).

Greedy: try every edit of the current program (delete a statement, replace a block by one of its
bodies, replace an expression by one of its operands, drop an unused input) and keep the first
edit after which the program still fails the same way; repeat until no edit does.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import re
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from . import oracle
from .generator import Program
from .oracle import Outcome

Predicate = Callable[[Program], bool]


def _statement_lists(tree: ast.AST) -> list[list[ast.stmt]]:
    found = []
    for node in ast.walk(tree):
        for name in ("body", "orelse"):
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                found.append(value)
    return found


def _block_replacements(statement: ast.stmt) -> list[list[ast.stmt]]:
    """Statements that could stand in for a compound ``statement``."""
    if isinstance(statement, ast.If):
        return [body for body in (statement.body, statement.orelse) if body]
    if isinstance(statement, ast.While):
        return [statement.body]
    if isinstance(statement, ast.For) and isinstance(statement.target, ast.Name):
        iterator = statement.iter
        if isinstance(iterator, ast.Call) and isinstance(iterator.func, ast.Name) and \
                iterator.func.id == "range":
            start = iterator.args[0] if len(iterator.args) >= 2 else ast.Constant(0)
        else:
            start = ast.Subscript(iterator, ast.Constant(0), ast.Load())
        first = ast.Assign([ast.Name(statement.target.id, ast.Store())], start, lineno=0)
        return [[first, *statement.body]]
    return []


def _expression_children(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.Call):
        return [a for a in node.args if not isinstance(a, ast.Starred)]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, (ast.Subscript, ast.Attribute)) and not isinstance(node.ctx, ast.Store):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    return []


def _edits(source: str) -> Iterator[str]:
    """Every one-step simplification of ``source`` (most drastic first)."""
    tree = ast.parse(source)
    lists = _statement_lists(tree)
    for k, statements in enumerate(lists):
        for j in range(len(statements)):
            if len(statements) > 1 and not (statements is tree.body and
                                            getattr(statements[j], "name", None) == "f"):
                edited = copy.deepcopy(tree)
                del _statement_lists(edited)[k][j]
                yield ast.unparse(ast.fix_missing_locations(edited))
            for n in range(len(_block_replacements(statements[j]))):
                edited = copy.deepcopy(tree)
                target = _statement_lists(edited)[k]
                target[j:j + 1] = _block_replacements(target[j])[n]
                yield ast.unparse(ast.fix_missing_locations(edited))
    expressions = [node for node in ast.walk(tree) if isinstance(node, ast.expr)]
    for k, node in enumerate(expressions):
        for n in range(len(_expression_children(node))):
            edited = copy.deepcopy(tree)
            nodes = [x for x in ast.walk(edited) if isinstance(x, ast.expr)]
            target = nodes[k]
            child = _expression_children(target)[n]
            _replace_node(edited, target, child)
            yield ast.unparse(ast.fix_missing_locations(edited))


def _replace_node(tree: ast.AST, old: ast.expr, new: ast.expr) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is old:
                        value[index] = new
                        return


def _drop_unused_inputs(program: Program) -> Iterator[Program]:
    tree = ast.parse(program.source)
    main = next(node for node in tree.body if isinstance(node, ast.FunctionDef)
                and node.name == "f")
    used = {node.id for node in ast.walk(main) if isinstance(node, ast.Name)}
    for position, item in enumerate(program.inputs):
        if item.name in used or len(program.inputs) == 1:
            continue
        wrt = tuple(p - (p > position) for p in program.wrt if p != position)
        if not wrt:
            continue
        edited = copy.deepcopy(tree)
        function = next(node for node in edited.body if isinstance(node, ast.FunctionDef)
                        and node.name == "f")
        del function.args.args[position]
        inputs = program.inputs[:position] + program.inputs[position + 1:]
        yield replace(program, source=ast.unparse(edited) + "\n", inputs=inputs, wrt=wrt)


def signature(outcome: Outcome) -> str:
    """What makes two failures "the same": the kind, the exception type if any, and for a
    rejection its message with names replaced by placeholders (``v1 ... v1`` stays distinct
    from ``v1 ... x0``) and line numbers dropped."""
    head = outcome.detail.split(":", 1)[0] if outcome.kind in _RAISING else ""
    if outcome.kind == "rejected":
        message = outcome.detail.split("\n", 1)[0]
        message = re.sub(r"\(<fuzz program \d+>, line \d+\)|line \d+", "", message)
        names: dict[str, str] = {}
        message = re.sub(r"\b[a-z_][a-z_]*\d+\b",
                         lambda m: names.setdefault(m.group(0), f"N{len(names)}"), message)
        head = message
    return f"{outcome.status} {outcome.kind} {head}"


_RAISING = {"rejected", "compile", "call", "forward", "numpy"}  # kinds keyed by exception


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``_Timeout`` after ``seconds`` (an edit can delete a while loop's increment).
    Only in the main thread of a process with SIGALRM; elsewhere no limit."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is \
        threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def same_failure(program: Program, **options: bool) -> Predicate:
    """A predicate: the candidate fails like ``program`` does (under ``oracle.check``)."""
    wanted = signature(oracle.check(program, **options))

    def still_fails(candidate: Program) -> bool:
        try:
            with time_limit(5.0):
                return signature(oracle.check(candidate, **options)) == wanted
        except _Timeout:
            return False

    return still_fails


def reduce(program: Program, still_fails: Predicate, budget: int = 2000) -> Program:
    """The smallest program reachable by single edits that still satisfies ``still_fails``."""
    current = program.with_source(ast.unparse(ast.parse(program.source)) + "\n")
    if not still_fails(current):
        current = program
    tried = 0
    progress = True
    while progress and tried < budget:
        progress = False
        for candidate in _drop_unused_inputs(current):
            tried += 1
            if still_fails(candidate):
                current, progress = candidate, True
                break
        if progress:
            continue
        for source in _edits(current.source):
            tried += 1
            if tried > budget:
                break
            candidate = current.with_source(source + "\n")
            if still_fails(candidate):
                current, progress = candidate, True
                break
    return current
