"""Shape classes: which names provably have the same shape, so that ``_rt.unbroadcast_to(g, x)``
can be dropped where ``g`` already has ``x``'s shape.

Input: ANF + SSA function with its ``Resolution``. Output (an analysis): ``ShapeClasses``, a
union-find over names. Only facts that hold every time are recorded: a name gets a class only if
it is assigned exactly once and outside loops (or is a parameter); an elementwise operation
puts its result in the class of its operands when they share one (numeric constants broadcast
into any class). An adjoint ``dx`` has the shape of ``x``.

A shape-specialized compilation (``request.shapes``) also puts every name whose concrete shape
``infer_shapes`` proves into the class of that shape, and keeps the shapes (``concrete``) for
emitting rules specialized to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gast

from ..frontend.resolve import Kind, Resolution, Resolve
from ..ir import nodes
from ..passmanager import Analysis, PassContext
from .activity import assignments, stored_names
from .shape_inference import Array, infer_shapes


@dataclass(slots=True)
class ShapeClasses:
    parent: dict[str, str] = field(default_factory=dict)
    concrete: dict[str, tuple[int, ...]] = field(default_factory=dict)  # proven shapes
    concrete_roots: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def find(self, name: str) -> str | None:
        if name not in self.parent:
            return None
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def add(self, name: str) -> None:
        self.parent.setdefault(name, name)

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a is not None and root_b is not None and root_a != root_b:
            self.parent[root_b] = root_a

    def class_of_shape(self, shape: tuple[int, ...]) -> str:
        """The root of the class of values of this proven shape (created if no name has it)."""
        key = shape_key(shape)
        if key not in self.parent:
            self.add(key)
            self.concrete_roots[key] = shape
        return self.find(key)

    def shape_of_class(self, root: str) -> tuple[int, ...] | None:
        """The concrete shape of the class with this root, if it is a proven shape's class."""
        return self.concrete_roots.get(root)

    def same(self, a: str, b: str) -> bool:
        root = self.find(a)
        return root is not None and root == self.find(b)


class ShapeAnalysis(Analysis):
    """Group names whose shapes are provably equal.

    >>> from autodiff.transforms.testing import shape_classes
    >>> classes = shape_classes("def f(x, y):\\n    a = np.sin(x) * 2.0\\n    return a + y")
    >>> classes.same("a", "x"), classes.same("a", "y")
    (True, False)
    """

    name = "shapes"
    requires = (Resolve,)

    def run(self, ctx: PassContext) -> ShapeClasses:
        resolution: Resolution = ctx.analysis(Resolve)
        classes = ShapeClasses()
        args = ctx.function.args
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            classes.add(arg.id)
        counts: dict[str, int] = {}
        for statement in assignments(ctx.function.body):
            for name in stored_names(statement):
                counts[name] = counts.get(name, 0) + 1
        in_loops = _assigned_in_loops(ctx.function.body)
        for statement in _outside_loops(ctx.function.body):
            names = stored_names(statement)
            if len(names) != 1 or counts.get(names[0]) != 1 or names[0] in in_loops:
                continue
            classes.add(names[0])
            operands = _elementwise_operands(resolution, statement, ctx)
            if operands is None:
                continue
            related = [op.id for op in operands if isinstance(op, gast.Name)]
            if all(classes.same(related[0], other) for other in related[1:]) and related:
                classes.union(related[0], names[0])
        if ctx.request.shapes:
            _add_concrete(classes, infer_shapes(ctx.function, resolution, ctx.rules,
                                                dict(ctx.request.shapes)))
        return classes


def _add_concrete(classes: ShapeClasses, values: dict[str, object]) -> None:
    """Names with the same proven shape share the class ``shape:<dims>`` (its root)."""
    for name, value in values.items():
        if isinstance(value, Array):
            classes.concrete[name] = value.shape
            key = shape_key(value.shape)
            classes.add(key)
            classes.concrete_roots[key] = value.shape
            classes.add(name)
            classes.union(key, name)


def shape_key(shape: tuple[int, ...]) -> str:
    """The name of the class of all values of one proven shape."""
    return f"shape:{shape}"


def broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """numpy's broadcast of two shapes (None if they do not broadcast)."""
    result = []
    for index in range(1, max(len(a), len(b)) + 1):
        x = a[-index] if index <= len(a) else 1
        y = b[-index] if index <= len(b) else 1
        if x != y and 1 not in (x, y):
            return None
        result.append(y if x == 1 else x)
    return tuple(reversed(result))


def _elementwise_operands(resolution: Resolution, statement: gast.Assign,
                          ctx: PassContext) -> list[gast.expr] | None:
    """The operands of an elementwise operation (None if it is not one). Numeric constants are
    left out: they broadcast into any shape."""
    operation = resolution.of(statement)
    if operation.kind is Kind.COPY:
        return list(operation.args)
    if operation.kind not in (Kind.PRIMITIVE, Kind.NONDIFFERENTIABLE) \
            or not ctx.rules.is_elementwise(operation.callee) or operation.keywords:
        return None  # (a ufunc whose value gets no adjoint still keeps its operands' shape)
    operands = []
    for arg in operation.args:
        if isinstance(arg, gast.Constant) and isinstance(arg.value, (int, float)):
            continue
        if not isinstance(arg, gast.Name):
            return None
        operands.append(arg)
    return operands


def _outside_loops(statements: list[gast.stmt]):
    for statement in statements:
        if isinstance(statement, gast.Assign):
            yield statement
        elif isinstance(statement, gast.If):
            yield from _outside_loops(statement.body)
            yield from _outside_loops(statement.orelse)


def _assigned_in_loops(statements: list[gast.stmt]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        if isinstance(statement, (gast.For, gast.While)):
            found |= {node.id for node in nodes.walk(statement)
                      if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store)}
        elif isinstance(statement, gast.If):
            found |= _assigned_in_loops(statement.body) | _assigned_in_loops(statement.orelse)
    return found
