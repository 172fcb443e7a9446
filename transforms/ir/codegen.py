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
from dataclasses import dataclass

import gast

from . import convert, nodes
from .annotations import Anno, Origin, getanno

_COMMENT_LINE = re.compile(r"^(\s*)((['\"]).*\3)$")
# Python 3.10's ast.unparse parenthesizes tuple targets, 3.11+ does not: emit one form
_TUPLE_TARGET = re.compile(r"^(\s*)\(([\w, ]+)\) = ")


@dataclass(frozen=True, slots=True)
class Emitted:
    source: str
    line_table: tuple[Origin | None, ...]


def emit(module: gast.Module) -> Emitted:
    """Unparse ``module`` with provenance comments; deterministic for a given tree."""
    origins: list[Origin] = []
    for function in module.body:
        function.body = _with_comments(function.body, origins)
    tree = convert.to_ast(module)
    lines = [_TUPLE_TARGET.sub(r"\1\2 = ", line) for line in ast.unparse(tree).splitlines()]
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


_ORIGIN_TAG = "@origin "


def _with_comments(body: list[gast.stmt], origins: list[Origin],
                   previous: Origin | None = None) -> list[gast.stmt]:
    result: list[gast.stmt] = []
    for statement in body:
        origin = getanno(statement, Anno.ORIGIN)
        if _is_comment(statement):
            previous = None
        elif isinstance(statement, gast.Return):
            pass  # the final return needs no provenance of its own
        elif origin is not None and origin != previous:
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
