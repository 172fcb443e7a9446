"""Minimal ANSI syntax highlighting for generated source (standard library only)."""

from __future__ import annotations

import io
import keyword
import tokenize

_RESET = "\033[0m"
_STYLES = {
    "keyword": "\033[1;35m",
    "comment": "\033[2;37m",
    "string": "\033[32m",
    "number": "\033[36m",
    "runtime": "\033[33m",
    "definition": "\033[1;34m",
}


def highlight(source: str) -> str:
    """``source`` with ANSI colours for keywords, comments, strings, numbers and ``_rt.``."""
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []  # (row, start col, end col, style)
    previous = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            style = _style(token, previous)
            if style is not None and token.start[0] == token.end[0]:
                edits.append((token.start[0], token.start[1], token.end[1], style))
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                  tokenize.DEDENT, tokenize.COMMENT):
                previous = token
    except (tokenize.TokenError, IndentationError):
        return source
    for row, start, end, style in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = f"{line[:start]}{_STYLES[style]}{line[start:end]}{_RESET}{line[end:]}"
    return "".join(lines)


def _style(token: tokenize.TokenInfo, previous: tokenize.TokenInfo | None) -> str | None:
    if token.type == tokenize.COMMENT:
        return "comment"
    if token.type == tokenize.STRING:
        return "string"
    if token.type == tokenize.NUMBER:
        return "number"
    if token.type == tokenize.NAME:
        if previous is not None and previous.string == "def":
            return "definition"
        if keyword.iskeyword(token.string):
            return "keyword"
        if token.string in ("_rt", "_np", "_tape"):
            return "runtime"
    return None
