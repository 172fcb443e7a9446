"""Source retrieval: a Python function -> its gast ``FunctionDef`` with absolute locations.

Output invariant: line numbers and columns are those of the user's file, decorators are
stripped, a lambda has become ``def <lambda>(...): return <body>``, and every statement carries
an ``Origin`` (file, line, column, source text) for comments and error messages.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import textwrap
import types
from dataclasses import dataclass
from typing import Any

import gast

from ...errors import Loc, UnsupportedSyntaxError
from ..ir import convert, nodes
from ..ir.annotations import Anno, Origin, setanno


class SourceUnavailableError(Exception):
    """The function's Python source cannot be found (builtin, C, exec string, REPL)."""


@dataclass(frozen=True, slots=True)
class SourceFunction:
    """A parsed user function and the namespaces its names resolve in."""

    name: str
    tree: gast.FunctionDef
    filename: str
    globals: dict[str, Any]
    closure: dict[str, types.CellType]
    function: types.FunctionType
    nested: dict[str, types.FunctionType]  # nested defs that close over nothing, by name

    @property
    def location(self) -> Loc:
        return Loc(self.filename, self.tree.lineno, self.tree.col_offset)


def parse_function(function: types.FunctionType) -> SourceFunction:
    """Parse ``function`` (a plain Python function or lambda) into a ``SourceFunction``."""
    code = function.__code__
    if function.__name__ == "<lambda>":
        tree = _parse_lambda(function)
    else:
        tree = _parse_def(function)
    tree.decorator_list = []
    _annotate_origins(tree, code.co_filename)
    closure = dict(zip(code.co_freevars, function.__closure__ or (), strict=True))
    name = _readable_name(function)
    return SourceFunction(name, tree, code.co_filename, function.__globals__, closure, function,
                          _nested_functions(function, tree))


def _nested_functions(function: types.FunctionType,
                      tree: gast.FunctionDef) -> dict[str, types.FunctionType]:
    """Functions defined inside ``function`` that use none of its variables: the compiler
    differentiates calls to them through a twin built from their code object."""
    codes = {(const.co_name, const.co_firstlineno): const for const in function.__code__.co_consts
             if isinstance(const, types.CodeType)}
    nested = {}
    for statement in nodes.walk(tree):
        if not isinstance(statement, gast.FunctionDef) or statement is tree:
            continue
        first_line = statement.lineno + len(statement.decorator_list)
        code = codes.get((statement.name, statement.lineno)) or codes.get((statement.name,
                                                                            first_line))
        if code is not None and not code.co_freevars and not statement.args.defaults \
                and not statement.decorator_list:
            nested[statement.name] = types.FunctionType(code, function.__globals__,
                                                        statement.name)
    return nested


def _readable_name(function: types.FunctionType) -> str:
    """``f`` for a function, ``Dense_construct`` for a method, ``lambda`` for a lambda."""
    if function.__name__ == "<lambda>":
        return "lambda"
    parts = function.__qualname__.split(".")
    if len(parts) >= 2 and parts[-2] != "<locals>" and parts[-2].isidentifier():
        return f"{parts[-2]}_{parts[-1]}"
    return function.__name__


def _parse_def(function: types.FunctionType) -> gast.FunctionDef:
    try:
        lines, first_line = inspect.getsourcelines(function)
    except (OSError, TypeError) as error:
        raise SourceUnavailableError(str(error)) from error
    indent = len(lines[0]) - len(lines[0].lstrip())
    module = convert.to_gast(ast.parse(textwrap.dedent("".join(lines))))
    tree = module.body[0]
    if isinstance(tree, gast.AsyncFunctionDef):
        raise UnsupportedSyntaxError(
            "async functions cannot be differentiated; write an ordinary def",
            Loc(function.__code__.co_filename, first_line, indent),
        )
    _shift(tree, first_line - 1, indent)
    return tree


def _parse_lambda(function: types.FunctionType) -> gast.FunctionDef:
    code = function.__code__
    lines = linecache.getlines(code.co_filename)
    if not lines:
        raise SourceUnavailableError(f"no source for the lambda at {code.co_filename}")
    try:
        module = convert.to_gast(ast.parse("".join(lines)))
    except SyntaxError as error:
        raise SourceUnavailableError(f"cannot parse {code.co_filename}: {error}") from error
    params = list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    candidates = [
        node for node in nodes.walk(module)
        if isinstance(node, gast.Lambda) and node.lineno == code.co_firstlineno
        and [arg.id for arg in node.args.args + node.args.kwonlyargs] == params
    ]
    if len(candidates) > 1:
        candidates = _by_column(candidates, code)
    if len(candidates) != 1:
        raise UnsupportedSyntaxError(
            f"cannot tell which of {len(candidates)} lambdas on this line to differentiate; "
            "define the function with def (or put each lambda on its own line)",
            Loc(code.co_filename, code.co_firstlineno, 0),
        )
    lam = candidates[0]
    body = gast.Return(value=lam.body)
    gast.copy_location(body, lam.body)
    tree = gast.FunctionDef(name="<lambda>", args=lam.args, body=[body], decorator_list=[],
                            returns=None, type_comment=None, type_params=[])
    return gast.copy_location(tree, lam)


def _by_column(candidates: list[gast.Lambda], code: types.CodeType) -> list[gast.Lambda]:
    """Lambdas on one line told apart by where their code starts (Python 3.11+)."""
    positions = getattr(code, "co_positions", None)
    if positions is None:
        return candidates
    columns = [col for line, _, col, end in positions() if line == code.co_firstlineno
               and col is not None and end is not None and end > col]
    if not columns:
        return candidates
    start = min(columns)
    return [lam for lam in candidates
            if lam.col_offset <= start <= (lam.end_col_offset or lam.col_offset)]


def _shift(tree: gast.AST, lines: int, columns: int) -> None:
    for node in nodes.walk(tree):
        if hasattr(node, "lineno") and node.lineno is not None:
            node.lineno += lines
            if getattr(node, "end_lineno", None) is not None:
                node.end_lineno += lines
            if getattr(node, "col_offset", None) is not None:
                node.col_offset += columns
            if getattr(node, "end_col_offset", None) is not None:
                node.end_col_offset += columns


def _annotate_origins(tree: gast.FunctionDef, filename: str) -> None:
    for node in nodes.walk(tree):
        if isinstance(node, gast.stmt) and node is not tree:
            setanno(node, Anno.ORIGIN, Origin(filename, node.lineno, node.col_offset,
                                             _statement_text(filename, node)))


def _statement_text(filename: str, node: gast.stmt) -> str:
    first, last = node.lineno, getattr(node, "end_lineno", None) or node.lineno
    if isinstance(node, (gast.If, gast.For, gast.While, gast.FunctionDef)):
        last = first  # a block's header is its own line
    lines = [linecache.getline(filename, number).strip() for number in range(first, last + 1)]
    return " ".join(line for line in lines if line)
