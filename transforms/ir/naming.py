"""Deterministic, readable names for everything the compiler introduces.

User names are kept. ANF temporaries are ``_<hint><n>`` with one counter per function, SSA
versions are ``x_1``, ``x_2``, the adjoint of ``v`` is ``dv``. No random names, ever.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

import gast

from . import nodes


def names_in(tree: gast.AST) -> set[str]:
    """Every identifier a tree mentions (names, parameters, function names)."""
    found: set[str] = set()
    for node in nodes.walk(tree):
        if isinstance(node, gast.Name):
            found.add(node.id)
        elif isinstance(node, gast.FunctionDef):
            found.add(node.name)
    return found


class Namer:
    """Hands out fresh names that clash with nothing already taken."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)
        self._counter = 0
        self._versions: dict[str, int] = {}
        self._adjoints: dict[str, str] = {}

    def reserve(self, names: Iterable[str]) -> None:
        self._taken.update(names)

    def _claim(self, candidate: str) -> str:
        self._taken.add(candidate)
        return candidate

    def temp(self, hint: str) -> str:
        """An ANF temporary such as ``_matmul1``."""
        hint = re.sub(r"\W", "", hint) or "t"
        while True:
            self._counter += 1
            candidate = f"_{hint}{self._counter}"
            if candidate not in self._taken:
                return self._claim(candidate)

    def version(self, base: str) -> str:
        """The next SSA version of ``base``: ``x_1``, ``x_2``, ..."""
        while True:
            self._versions[base] = self._versions.get(base, 0) + 1
            candidate = f"{base}_{self._versions[base]}"
            if candidate not in self._taken:
                return self._claim(candidate)

    def adjoint(self, primal: str) -> str:
        """The adjoint of ``primal``: ``dx`` for ``x`` (stable for repeated calls)."""
        if primal not in self._adjoints:
            candidate = f"d{primal}"
            if candidate in self._taken:
                candidate = self.fresh(f"d{primal}_adj")
            self._adjoints[primal] = self._claim(candidate)
        return self._adjoints[primal]

    def tangent(self, primal: str) -> str:
        """The tangent of ``primal`` in forward mode: ``x_dot`` for ``x`` (stable)."""
        key = ("tangent", primal)
        if key not in self._adjoints:
            candidate = f"{primal}_dot"
            if candidate in self._taken:
                candidate = self.fresh(f"{primal}_dot_t")
            self._adjoints[key] = self._claim(candidate)
        return self._adjoints[key]

    def fresh(self, base: str) -> str:
        """``base`` itself if free, else ``base_2``, ``base_3``, ... (a base that is not an
        identifier, such as a lambda's ``<lambda>``, becomes ``_lambda``)."""
        if not base.isidentifier() or keyword.iskeyword(base):
            base = "_" + ("".join(c for c in base if c.isalnum() or c == "_") or "value")
        candidate, n = base, 1
        while candidate in self._taken:
            n += 1
            candidate = f"{base}_{n}"
        return self._claim(candidate)
