"""``Cell``: the MindSpore-style base class of layers, losses and user networks.

A Cell records the Parameters and child Cells assigned to its attributes, in assignment order,
and names automatically named Parameters after their attribute paths.

Registration
    ``self.attr = value`` registers ``value`` under ``attr`` when it is a ``Parameter`` or a
    ``Cell``. Re-assigning an attribute keeps its original position; assigning anything else
    (``None``, an array, a list) or ``del self.attr`` removes it from the registries. Parameters
    and Cells inside lists, tuples or dicts are not registered: assign them to attributes.

Order
    ``get_parameters()`` walks the cell tree depth-first: a cell's own Parameters in assignment
    order, then each child cell's (recursively) in assignment order. A Parameter or Cell reached
    by several paths is listed once, at its first path. ``trainable_params()`` and
    ``untrainable_params()`` filter that list by ``requires_grad``.

Naming (when names are given)
    An explicit name (``Parameter(..., name='w')`` or ``p.name = 'w'``) is never changed.
    A Parameter still called ``'Parameter#N'`` is renamed when it is first assigned to a cell
    attribute: ``cell.weight = p`` names it ``'weight'``. When a cell is assigned into a parent
    (``parent.dense = cell``), each of its Parameters whose name is still its path inside
    ``cell`` gets the parent's prefix: ``'weight'`` becomes ``'dense.weight'``, then
    ``'block.dense.weight'`` when the parent is assigned into ``block``. So with cells built
    bottom-up (children created in ``__init__`` before they are assigned) a Parameter's name is
    its attribute path from the outermost cell. A Parameter already reachable in the cell it is
    assigned into keeps its name (the first assignment wins), and so does one already named by
    another cell tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..tensor import Parameter

__all__ = ["Cell"]

_AUTOMATIC_NAME = re.compile(r"Parameter(#\d+)?")
_INTERNAL = frozenset({"_params", "_cells"})


class Cell:
    """Base class of networks: subclass it, call ``super().__init__()``, define ``construct``.

    Calling the cell runs ``construct``. For autodiff to differentiate it, ``construct`` must be
    straight-line numpy code that reads Parameters as ``self.<attr>`` (see the package docs).
    """

    _params: dict[str, Parameter]
    _cells: dict[str, Cell]

    def __init__(self) -> None:
        object.__setattr__(self, "_params", {})
        object.__setattr__(self, "_cells", {})
        object.__setattr__(self, "training", False)

    # ---- running -----------------------------------------------------------------------------

    def construct(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of the cell; subclasses must define it."""
        raise NotImplementedError(
            f"{type(self).__name__} must define construct(self, ...) to be called"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run ``construct(*args, **kwargs)``."""
        self._check_initialized("called")
        return self.construct(*args, **kwargs)

    def set_train(self, mode: bool = True) -> Cell:
        """Set the ``training`` flag of this cell and all its children; return self."""
        for _, cell in self.cells_and_names():
            object.__setattr__(cell, "training", bool(mode))
        return self

    # ---- registration ------------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _INTERNAL:
            raise AttributeError(f"{name!r} is reserved by Cell")
        if isinstance(value, (Parameter, Cell)):
            self._check_initialized(f"given the attribute {name!r}")
            if value is self:
                raise ValueError(f"cannot assign a cell to its own attribute {name!r}")
            self._register(name, value)
        elif "_params" in self.__dict__:
            self._params.pop(name, None)
            self._cells.pop(name, None)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name in _INTERNAL:
            raise AttributeError(f"{name!r} is reserved by Cell")
        object.__delattr__(self, name)
        if "_params" in self.__dict__:
            self._params.pop(name, None)
            self._cells.pop(name, None)

    def _register(self, name: str, value: Parameter | Cell) -> None:
        known = {id(p) for p in self.get_parameters()}
        if isinstance(value, Parameter):
            self._cells.pop(name, None)
            if id(value) not in known and _is_unclaimed(value):
                value._set_default_name(name)
            self._params[name] = value
            return
        self._params.pop(name, None)
        for path, param in value.parameters_and_names():
            if id(param) not in known and (_is_unclaimed(param) or param.name == path):
                param._set_default_name(f"{name}.{path}")
        self._cells[name] = value

    def _check_initialized(self, action: str) -> None:
        if "_params" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__} was {action} before Cell.__init__ ran: call "
                "super().__init__() first in __init__"
            )

    # ---- traversal ---------------------------------------------------------------------------

    def name_cells(self) -> dict[str, Cell]:
        """The direct child cells by attribute name, in assignment order."""
        self._check_initialized("inspected")
        return dict(self._cells)

    def cells_and_names(self, name_prefix: str = "") -> Iterator[tuple[str, Cell]]:
        """``(path, cell)`` for this cell (path ``name_prefix``) and all descendants, depth-first.

        A cell reached by several paths is yielded once, at its first path.
        """
        self._check_initialized("inspected")
        seen: set[int] = set()
        stack: list[tuple[str, Cell]] = [(name_prefix, self)]
        while stack:
            path, cell = stack.pop()
            if id(cell) in seen:
                continue
            seen.add(id(cell))
            yield path, cell
            children = [(_join(path, name), child) for name, child in cell._cells.items()]
            stack.extend(reversed(children))

    def parameters_and_names(
        self, name_prefix: str = "", expand: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(attribute path, Parameter)`` in ``get_parameters`` order, each Parameter once.

        The path is structural (``'dense.weight'``), whatever the Parameter's ``name`` is.
        ``expand=False`` lists only this cell's own Parameters.
        """
        self._check_initialized("inspected")
        cells = self.cells_and_names(name_prefix) if expand else iter([(name_prefix, self)])
        seen: set[int] = set()
        for cell_path, cell in cells:
            for name, param in cell._params.items():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield _join(cell_path, name), param

    def get_parameters(self, expand: bool = True) -> list[Parameter]:
        """All Parameters (own first, then children's, recursively), each listed once."""
        return [param for _, param in self.parameters_and_names(expand=expand)]

    def trainable_params(self, recurse: bool = True) -> list[Parameter]:
        """The Parameters with ``requires_grad=True``, in ``get_parameters`` order."""
        return [p for p in self.get_parameters(expand=recurse) if p.requires_grad]

    def untrainable_params(self, recurse: bool = True) -> list[Parameter]:
        """The Parameters with ``requires_grad=False``, in ``get_parameters`` order."""
        return [p for p in self.get_parameters(expand=recurse) if not p.requires_grad]

    # ---- printing ----------------------------------------------------------------------------

    def extend_repr(self) -> str:
        """Extra text shown inside the brackets of ``repr(cell)``; override to describe it."""
        return ""

    def __repr__(self) -> str:
        name = type(self).__dict__.get("_repr_name", type(self).__name__)
        head = f"{name}<{self.extend_repr()}"
        children = self.__dict__.get("_cells") or {}
        if not children:
            return head + ">"
        lines = [f"  ({name}): {child!r}".replace("\n", "\n  ") for name, child in
                 children.items()]
        return "\n".join([head, *lines, "  >"])

def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _is_unclaimed(param: Parameter) -> bool:
    """Whether ``param`` still has its standalone automatic name ('Parameter#N')."""
    return param.name_is_default and _AUTOMATIC_NAME.fullmatch(param.name) is not None
