"""The errors autodiff raises, each naming the user's file and line and what to do instead.

Compile-time errors subclass ``SyntaxError`` with ``filename``, ``lineno``, ``offset`` and
``text`` filled in, so Python prints the location and a caret without extra work.
"""

from __future__ import annotations

import linecache
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Loc:
    """A place in the user's source: file, 1-based line, 0-based column."""

    filename: str
    lineno: int
    col: int = 0

    def text(self) -> str:
        return linecache.getline(self.filename, self.lineno).rstrip("\n")

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno}"


class AutodiffError(Exception):
    """Base class of every error autodiff raises on purpose."""


class UserCodeError(SyntaxError, AutodiffError):
    """A problem in the user's function, reported at its file:line with a caret."""

    def __init__(self, message: str, loc: Loc | None) -> None:
        if loc is None:
            super().__init__(message)
            return
        text = loc.text()
        # SyntaxError wants a 1-based offset into `text`.
        super().__init__(message, (loc.filename, loc.lineno, loc.col + 1, text or None))


class UnsupportedSyntaxError(UserCodeError):
    """The function uses a Python construct the compiler does not differentiate."""


class NoGradientRuleError(UserCodeError):
    """A differentiated call reaches a function with neither a gradient rule nor Python source."""


MissingRuleError = NoGradientRuleError


class AutodiffInternalError(AutodiffError):
    """A bug in autodiff itself; the message names the pass and carries the intermediate source."""
