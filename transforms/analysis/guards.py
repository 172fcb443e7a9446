"""Cache guards: the compile-time lookups a generated gradient depends on.

The compiler resolves callees, unrolled sequences and Parameters when it compiles, so the
generated code is valid only while those lookups still give the same objects. Each lookup is
recorded as a guard; a cached gradient whose guards no longer hold is recompiled.

Data (plain arrays and numbers) is read live by the generated code, so it is not guarded:
rebinding a global batch ``X`` every step must not recompile anything.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any

import numpy as np

ABSENT = object()
_DATA_TYPES = (int, float, complex, bool, str, bytes, type(None), np.generic)


@dataclass(frozen=True, slots=True)
class NameGuard:
    """``namespace[name] is value`` for a dict namespace: module globals or a ``__dict__``."""

    namespace: dict[str, Any]
    name: str
    value: Any

    def holds(self) -> bool:
        return self.namespace.get(self.name, ABSENT) is self.value


@dataclass(frozen=True, slots=True)
class CellGuard:
    """A closure variable still holds ``value`` (``nonlocal`` may rebind it)."""

    cell: types.CellType
    value: Any

    def holds(self) -> bool:
        try:
            return self.cell.cell_contents is self.value
        except ValueError:  # the cell was emptied (``del``)
            return False


@dataclass(frozen=True, slots=True)
class ItemGuard:
    """``container[key] is value`` for a list, tuple or dict indexed with a constant."""

    container: Any
    key: Any
    value: Any

    def holds(self) -> bool:
        try:
            return self.container[self.key] is self.value
        except (LookupError, TypeError):
            return False


@dataclass(frozen=True, slots=True)
class LengthGuard:
    """A sequence unrolled at compile time still has ``length`` items."""

    sequence: Any
    length: int

    def holds(self) -> bool:
        return len(self.sequence) == self.length


@dataclass(frozen=True, slots=True)
class TypeGuard:
    """An attribute read through an object's class (a method) still finds ``value`` there."""

    owner: Any
    name: str
    value: Any

    def holds(self) -> bool:
        return _class_lookup(self.owner, self.name) is self.value


@dataclass(frozen=True, slots=True)
class AttributeGuard:
    """``getattr(owner, name) is value`` for an attribute kept outside ``__dict__`` (a slot,
    a property): the general, slower check."""

    owner: Any
    name: str
    value: Any

    def holds(self) -> bool:
        return getattr(self.owner, self.name, ABSENT) is self.value


Guard = NameGuard | CellGuard | ItemGuard | LengthGuard | TypeGuard | AttributeGuard


def is_data(value: Any) -> bool:
    """Values the generated code reads at run time, whose identity it does not depend on."""
    if isinstance(value, _DATA_TYPES):
        return True
    return type(value) is np.ndarray  # a Parameter (subclass) is matched by identity


class GuardSet:
    """The guards recorded while compiling one function, one per looked-up location."""

    def __init__(self) -> None:
        self._guards: dict[tuple, Any] = {}

    def __iter__(self):
        return iter(self._guards.values())

    def __len__(self) -> int:
        return len(self._guards)

    def name(self, namespace: dict[str, Any], name: str, value: Any) -> None:
        if not is_data(value):
            self._add((id(namespace), name), NameGuard(namespace, name, value))

    def cell(self, cell: types.CellType, value: Any) -> None:
        if not is_data(value):
            self._add((id(cell),), CellGuard(cell, value))

    def attribute(self, base: Any, name: str, value: Any) -> None:
        """``base.name`` evaluated to ``value``: guard where the attribute lives."""
        if is_data(value) or isinstance(base, _DATA_TYPES):
            return
        namespace = getattr(base, "__dict__", None)
        if isinstance(namespace, dict) and name in namespace:
            self.name(namespace, name, value)  # a module attribute or an instance attribute
        elif not isinstance(base, type) and not isinstance(base, types.ModuleType):
            found = _class_lookup(base, name)
            if isinstance(found, types.FunctionType):  # a method: guard the class's entry
                self._add((id(base), name, "class"), TypeGuard(base, name, found))
            else:  # a slot, a property or something else computed on access
                self._add((id(base), name, "attr"), AttributeGuard(base, name, value))

    def item(self, container: Any, key: Any, value: Any) -> None:
        # a tuple's items cannot be rebound, so only lists and dicts are guarded
        if not is_data(value) and isinstance(container, (list, dict)):
            self._add((id(container), repr(key)), ItemGuard(container, key, value))

    def length(self, sequence: Any) -> None:
        if isinstance(sequence, list):  # a tuple cannot change length
            self._add((id(sequence), "len"), LengthGuard(sequence, len(sequence)))

    def _add(self, key: tuple, guard: Any) -> None:
        self._guards.setdefault(key, guard)


def _class_lookup(owner: Any, name: str) -> Any:
    for klass in type(owner).__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return ABSENT
