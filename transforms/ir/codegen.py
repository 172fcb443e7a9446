"""Emit Python source from the gradient tree, with the user's lines as comments.

Input: a gast module of generated functions whose statements carry ``Origin`` annotations.
Output: ``Emitted(source, line_table)``. A comment ``# file.py:12  <user line>`` precedes each
run of statements derived from one user statement; ``line_table[i]`` is the ``Origin`` of
generated line ``i + 1`` (or None). Unparsing uses the standard library's ``ast.unparse``:
astunparse 1.6.3 parenthesizes every expression and emits invalid Python for ``x[1:3, None]``.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import gast
import numpy

from . import convert, nodes
from .annotations import Anno, Origin, getanno
from .naming import dotted_name

_COMMENT_LINE = re.compile(r"^(\s*)((['\"]).*\3)$")
# Python 3.10's ast.unparse parenthesizes tuple targets, 3.11+ does not: emit one form
_TUPLE_TARGET = re.compile(r"^(\s*)\(([\w, ]+)\) = ")


@dataclass(frozen=True, slots=True)
class Emitted:
    source: str
    line_table: tuple[Origin | None, ...]


def numpy_alias(module: gast.Module, user_globals: Mapping[str, Any],
                user_closure: Mapping[str, Any]) -> str | None:
    """The name the user's code reads numpy by (``np``), if it is a global bound to numpy
    itself that the generated code neither assigns nor gets from a closure: generated code
    can then spell numpy as the user does, in the rules it inlines too."""
    names = _Names()
    convert.to_ast(module, names.visitors())
    return names.numpy_alias(user_globals, user_closure)


class _Names:
    """What ``numpy_alias`` reads from a tree, gathered while it is converted to ``ast``: the
    roots of attribute chains, the names stored (parameters included), and the reads of
    numpy as the loader binds it (``_np``)."""

    def __init__(self) -> None:
        self.roots: set[str] = set()
        self.stored: set[str] = set()
        self.numpy_reads: list[ast.Name] = []

    def visitors(self) -> dict[type, Any]:
        """What ``convert.to_ast`` calls, by the class of the node it made."""
        return {ast.Name: self.name, ast.Attribute: self.attribute,
                ast.arguments: self.arguments}

    def name(self, node: ast.Name) -> None:
        if node.id == _NUMPY:
            self.numpy_reads.append(node)
        if node.ctx.__class__ is not ast.Load:
            self.stored.add(node.id)

    def attribute(self, node: ast.Attribute) -> None:
        if node.value.__class__ is ast.Name:
            self.roots.add(node.value.id)

    def arguments(self, node: ast.arguments) -> None:
        self.stored.update(arg.arg for arg in (*node.posonlyargs, *node.args, node.vararg,
                                               *node.kwonlyargs, node.kwarg) if arg is not None)

    def numpy_alias(self, user_globals: Mapping[str, Any],
                    user_closure: Mapping[str, Any]) -> str | None:
        candidates = sorted(name for name in self.roots - self.stored - set(user_closure)
                            if name != _NUMPY and user_globals.get(name) is numpy)
        return "np" if "np" in candidates else next(iter(candidates), None)


def emit(module: gast.Module, numpy_name: str | None = None,
         user_globals: Mapping[str, Any] | None = None,
         user_closure: Mapping[str, Any] | None = None) -> Emitted:
    """Unparse ``module`` with provenance comments; deterministic for a given tree. With
    ``numpy_name``, numpy is spelled that way everywhere, not ``_np``; with the user's
    namespaces instead, as the user's code spells it (``numpy_alias``, found while the tree
    is converted for unparsing)."""
    origins: list[Origin] = []
    for function in module.body:
        function.body = _with_comments(function.body, origins)
    names = _Names()
    tree = convert.to_ast(module, names.visitors())
    if numpy_name is None and user_globals is not None:
        numpy_name = names.numpy_alias(user_globals, user_closure or {})
    if numpy_name is not None:
        for node in names.numpy_reads:
            node.id = numpy_name
    lines = [_TUPLE_TARGET.sub(r"\1\2 = ", line) if line.lstrip().startswith("(") else line
             for line in ast.unparse(tree).splitlines()]
    source_lines: list[str] = []
    table: list[Origin | None] = []
    current: Origin | None = None
    remaining = iter(origins)
    for line in lines:
        comment = _comment_text(line)
        if comment is None:
            source_lines.append(line)
            table.append(current)
            continue
        indent, text = comment
        if text.startswith(_ORIGIN_TAG):
            current = next(remaining)
            text = text[len(_ORIGIN_TAG):]
        else:
            current = None
        source_lines.append(f"{indent}# {text}")
        table.append(current)
    return Emitted("\n".join(source_lines) + "\n", tuple(table))


def expression_text(expr: gast.expr) -> str:
    """The source text of an expression (a user's spelling, for keys and messages); a dotted
    name (``np.linalg.norm``, the common case) is spelled without unparsing."""
    dotted = dotted_name(expr)
    if dotted is not None:
        return dotted
    return ast.unparse(convert.to_ast(expr))


_ORIGIN_TAG = "@origin "
_NUMPY = "_np"  # numpy as the loader binds it for generated code


def _with_comments(body: list[gast.stmt], origins: list[Origin],
                   previous: Origin | None = None) -> list[gast.stmt]:
    result: list[gast.stmt] = []
    for statement in body:
        origin = getanno(statement, Anno.ORIGIN)
        if _is_comment(statement):
            previous = None
        elif isinstance(statement, gast.Return):
            pass  # the final return needs no provenance of its own
        elif origin is not None and origin is not previous and origin != previous:
            name = os.path.basename(origin.filename)
            result.append(nodes.comment(f"{_ORIGIN_TAG}{name}:{origin.lineno}  {origin.text}"))
            origins.append(origin)
            previous = origin
        if isinstance(statement, (gast.If, gast.For, gast.While)):
            statement.body = _with_comments(statement.body, origins, origin)
            statement.orelse = _with_comments(statement.orelse, origins, origin)
        result.append(statement)
    return result


def _is_comment(statement: gast.stmt) -> bool:
    return isinstance(statement, gast.Expr) and isinstance(statement.value, gast.Constant) \
        and isinstance(statement.value.value, str) \
        and statement.value.value.startswith(nodes.COMMENT_PREFIX)


def _comment_text(line: str) -> tuple[str, str] | None:
    if line.lstrip()[:1] not in ("'", '"'):  # the common case, without the pattern
        return None
    match = _COMMENT_LINE.match(line)
    if match is None:
        return None
    try:
        value = ast.literal_eval(match.group(2))
    except (ValueError, SyntaxError):
        return None
    if not isinstance(value, str) or not value.startswith(nodes.COMMENT_PREFIX):
        return None
    return match.group(1), value[len(nodes.COMMENT_PREFIX):]
