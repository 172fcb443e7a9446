"""Source retrieval: a Python function -> its gast ``FunctionDef`` with absolute locations.

Output invariant: line numbers and columns are those of the user's file, decorators are
stripped, a lambda has become ``def <lambda>(...): return <body>``, and every statement carries
an ``Origin`` (file, line, column, source text) for comments and error messages.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import linecache
import textwrap
import types
from dataclasses import dataclass
from typing import Any

import gast

from ...errors import Loc, UnsupportedSyntaxError
from ..ir import convert, nodes
from ..ir.annotations import Anno, Origin, getanno, setanno


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
    nested: dict[str, types.FunctionType]  # local defs, by name (local_functions.py)
    imports: dict[str, Any] = dataclasses.field(default_factory=dict)  # local `import`s
    assumed: tuple[str, ...] = ()  # globals the local_functions rewrites relied on

    @property
    def location(self) -> Loc:
        return Loc(self.filename, self.tree.lineno, self.tree.col_offset)


def parse_function(function: types.FunctionType) -> SourceFunction:
    """Parse ``function`` (a plain Python function or lambda) into a ``SourceFunction``."""
    code = function.__code__
    from . import local_functions  # it reads sources through this module

    made = getattr(function, local_functions.TREE, None)
    if made is not None:  # a twin compiled from a tree the front end made (specialize.py)
        tree = nodes.copy_tree(made)
    elif function.__name__ == "<lambda>":
        tree = _parse_lambda(function)
    else:
        tree = _parse_def(function)
    tree.decorator_list = []
    lifted = local_functions.prepare_twin(function, tree)
    nested = local_functions.local_functions(function, tree)
    _annotate_origins(tree, code.co_filename)
    closure = {} if lifted is not None else dict(zip(code.co_freevars,
                                                     function.__closure__ or (), strict=True))
    name = _readable_name(function)
    return SourceFunction(name, tree, code.co_filename, function.__globals__, closure, function,
                          nested, _local_imports(function, tree),
                          tuple(getattr(tree, local_functions.ASSUMED, ())))


def _local_imports(function: types.FunctionType, tree: gast.FunctionDef) -> dict[str, Any]:
    """What each ``import`` inside the function binds, imported now (the function imports the
    same modules when it runs), so that calls through them resolve when compiling."""
    package = function.__globals__.get("__package__")
    bound: dict[str, Any] = {}
    for node in nodes.walk(tree):
        try:
            if isinstance(node, gast.Import):
                for alias in node.names:
                    module = importlib.import_module(alias.name)
                    head = alias.name.partition(".")[0]
                    bound[alias.asname or head] = module if alias.asname \
                        else importlib.import_module(head)
            elif isinstance(node, gast.ImportFrom):
                source = importlib.import_module("." * node.level + (node.module or ""),
                                                 package)
                for alias in node.names:
                    value = getattr(source, alias.name, None)
                    if value is None:
                        value = importlib.import_module(f"{source.__name__}.{alias.name}")
                    bound[alias.asname or alias.name] = value
        except ImportError as error:
            raise UnsupportedSyntaxError(f"this import fails ({error}); fix it, or import at "
                                         "module level",
                                         Loc(function.__code__.co_filename, node.lineno,
                                             node.col_offset)) from None
    return bound


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
        if isinstance(node, gast.stmt) and node is not tree \
                and getanno(node, Anno.ORIGIN) is None:
            setanno(node, Anno.ORIGIN, Origin(filename, node.lineno, node.col_offset,
                                             _statement_text(filename, node)))


def _statement_text(filename: str, node: gast.stmt) -> str:
    first, last = node.lineno, getattr(node, "end_lineno", None) or node.lineno
    if isinstance(node, (gast.If, gast.For, gast.While, gast.FunctionDef)):
        last = first  # a block's header is its own line
    lines = [linecache.getline(filename, number).strip() for number in range(first, last + 1)]
    return " ".join(line for line in lines if line)
