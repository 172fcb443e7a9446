"""Concrete shape inference for shape-specialized compilation.

Input: ANF + SSA function with its ``Resolution`` and the request's ``shapes`` (the concrete
shapes of array parameters, known when the gradient is first called). Output:
``{name: value}`` for every local whose abstract value is known on *every* execution with
parameters of those shapes; a name is left out when it is unknown.

Abstract values: ``Array(shape)`` (an array or number of that shape), ``Int(value)`` (a
Python int such as a loop index or ``x.shape[0]``; ``value`` None when unknown), ``Tup``
(a tuple of abstract values) and ``Const`` (``None``, a bool, a slice ...). The analysis is
flow-insensitive: a name's value is the join of what all its assignments produce, computed to
a least fixed point, so loops and branches need no special handling (a name that takes two
shapes is unknown). Only a whitelist of operations has a transfer function (numpy's shape
rules live with the runtime, behind ``ctx.rules.result_shape``); anything else is unknown.

A function that may change a shape in place is not analysed at all: calls to user functions or
unknown callables (they could assign ``a.shape``), calls whose result is discarded, and
attribute stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gast

from ..frontend.anf import local_names
from ..frontend.resolve import Kind, Resolution
from ..ir import nodes
from .activity import assignments, stored_names


@dataclass(frozen=True, slots=True)
class Array:
    """An array or number of this shape (numbers have shape ``()``)."""

    shape: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Int:
    """A Python int (an index or a size); ``value`` is None when it is not known."""

    value: int | None


@dataclass(frozen=True, slots=True)
class Tup:
    """A tuple whose items have these abstract values (None: unknown)."""

    items: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Const:
    """A compile-time constant that is not a number (``None``, a bool, a slice, ``...``)."""

    value: Any


UNKNOWN = None
_MAX_ROUNDS = 50
_BLOCKING_KINDS = (Kind.USER, Kind.UNKNOWN, Kind.OPAQUE)


def infer_shapes(function: gast.FunctionDef, resolution: Resolution, rules: Any,
                 parameter_shapes: dict[str, tuple[int, ...]]) -> dict[str, Any]:
    """The known abstract value of each local of ``function`` (see the module docstring).

    >>> from autodiff.transforms.testing import inferred_shapes
    >>> found = inferred_shapes("def f(x, w):\\n    return np.sum(np.tanh(x @ w), axis=0)",
    ...                         shapes={"x": (8, 3), "w": (3, 4)})
    >>> found["_matmul1"], found["_sum3"]
    (Array(shape=(8, 4)), Array(shape=(4,)))
    """
    if not parameter_shapes or not _analysable(function, resolution):
        return {}
    locals_ = local_names(function)
    statements = assignments(function.body)
    env: dict[str, Any] = {}
    args = function.args
    for arg in args.posonlyargs + args.args + args.kwonlyargs:
        shape = parameter_shapes.get(arg.id)
        env[arg.id] = Array(tuple(shape)) if shape is not None else UNKNOWN
    loop_targets = [node.target.id for node in nodes.walk(function)
                    if isinstance(node, gast.For) and isinstance(node.target, gast.Name)
                    and _is_range(node.iter)]
    other_targets = {node.id for node in nodes.walk(function)
                     if isinstance(node, gast.For) for node in nodes.walk(node.target)
                     if isinstance(node, gast.Name)} - set(loop_targets)
    inference = _Inference(env, locals_, resolution, rules)
    for name in loop_targets:
        inference.join_into(name, Int(None))
    for name in other_targets:
        env[name] = UNKNOWN
    for _ in range(_MAX_ROUNDS):
        inference.changed = False
        for statement in statements:
            inference.assign(statement)
        if not inference.changed:
            return {name: value for name, value in env.items() if value is not UNKNOWN}
    return {}


def _analysable(function: gast.FunctionDef, resolution: Resolution) -> bool:
    for node in nodes.walk(function):
        if isinstance(node, gast.Expr) and not isinstance(node.value, gast.Constant):
            return False
        if isinstance(node, (gast.Attribute, gast.Subscript)) \
                and isinstance(node.ctx, gast.Store):
            return False
        if isinstance(node, (gast.FunctionDef, gast.Lambda)) and node is not function:
            return False
    return all(resolution.of(statement).kind not in _BLOCKING_KINDS
               for statement in assignments(function.body))


def _is_range(node: gast.expr) -> bool:
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
        and node.func.id == "range"


class _Bottom:
    """A local no assignment has produced a value for yet (the analysis' starting point)."""


BOTTOM = _Bottom()


def join(a: Any, b: Any) -> Any:
    """The least abstract value covering both ``a`` and ``b``."""
    if a is BOTTOM:
        return b
    if b is BOTTOM or a == b:
        return a
    if isinstance(a, Int) and isinstance(b, Int):
        return Int(None)
    if isinstance(a, Tup) and isinstance(b, Tup) and len(a.items) == len(b.items):
        return Tup(tuple(join(x, y) for x, y in zip(a.items, b.items, strict=True)))
    return UNKNOWN


class _Inference:
    def __init__(self, env: dict[str, Any], locals_: set[str], resolution: Resolution,
                 rules: Any) -> None:
        self.env = env
        self.locals = locals_
        self.resolution = resolution
        self.rules = rules
        self.changed = False

    def join_into(self, name: str, value: Any) -> None:
        if value is BOTTOM:
            return
        old = self.env.get(name, BOTTOM)
        new = join(old, value)
        if new != old or name not in self.env:
            self.env[name] = new
            self.changed = self.changed or new != old

    def assign(self, statement: gast.Assign) -> None:
        value = self.transfer(statement)
        names = stored_names(statement)
        if isinstance(statement.targets[0], gast.Tuple):
            for index, name in enumerate(names):
                if value is BOTTOM:
                    continue
                item = value.items[index] if isinstance(value, Tup) \
                    and len(value.items) == len(names) else UNKNOWN
                self.join_into(name, item)
        else:
            self.join_into(names[0], value)

    def transfer(self, statement: gast.Assign) -> Any:
        operation = self.resolution.of(statement)
        value = statement.value
        if operation.kind is Kind.UNPACK:
            return self.evaluate(value)
        if operation.kind is Kind.COPY:
            return self.evaluate(operation.args[0])
        if operation.kind is Kind.BUILD:
            if not isinstance(value, gast.Tuple):
                return UNKNOWN
            return self.evaluate(value)
        if operation.kind is Kind.NONDIFFERENTIABLE and operation.callee is None:
            return self.evaluate(value)
        if operation.kind in (Kind.PRIMITIVE, Kind.NONDIFFERENTIABLE):
            args = [self.evaluate(arg) for arg in operation.args]
            keywords = {keyword.arg: self.evaluate(keyword.value)
                        for keyword in operation.keywords}
            if any(arg is BOTTOM for arg in [*args, *keywords.values()]):
                return BOTTOM
            return self.rules.result_shape(operation.callee, args, keywords)
        return UNKNOWN

    def evaluate(self, expr: gast.expr) -> Any:
        """The abstract value of an atom or static expression (BOTTOM if not yet known)."""
        if isinstance(expr, gast.Name):
            if expr.id not in self.locals:
                return UNKNOWN
            return self.env.get(expr.id, BOTTOM)
        if isinstance(expr, gast.Constant):
            return _constant(expr.value)
        if isinstance(expr, gast.Tuple):
            items = tuple(self.evaluate(element) for element in expr.elts)
            return BOTTOM if any(item is BOTTOM for item in items) else Tup(items)
        if isinstance(expr, gast.Attribute) and isinstance(expr.value, gast.Name):
            return self.attribute(self.evaluate(expr.value), expr.attr)
        if isinstance(expr, gast.Subscript):
            return _index(self.evaluate(expr.value), self.evaluate(expr.slice))
        if isinstance(expr, gast.Call):
            return self.call(expr)
        if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.USub):
            operand = self.evaluate(expr.operand)
            if isinstance(operand, Int):
                return Int(None if operand.value is None else -operand.value)
            return operand if isinstance(operand, Array) or operand is BOTTOM else UNKNOWN
        if isinstance(expr, gast.BinOp):
            return _int_arithmetic(self.evaluate(expr.left), expr.op, self.evaluate(expr.right))
        if isinstance(expr, gast.Compare):
            return self.compare(expr)
        return UNKNOWN

    def attribute(self, base: Any, attr: str) -> Any:
        if base is BOTTOM:
            return BOTTOM
        if not isinstance(base, Array):
            return UNKNOWN
        if attr == "shape":
            return Tup(tuple(Int(size) for size in base.shape))
        if attr == "ndim":
            return Int(len(base.shape))
        if attr == "size":
            size = 1
            for dim in base.shape:
                size *= dim
            return Int(size)
        return UNKNOWN

    def call(self, expr: gast.Call) -> Any:
        func = expr.func
        if not isinstance(func, gast.Name) or func.id in self.locals or expr.keywords:
            return UNKNOWN
        args = [self.evaluate(arg) for arg in expr.args]
        if any(arg is BOTTOM for arg in args):
            return BOTTOM
        if func.id == "len" and len(args) == 1:
            if isinstance(args[0], Array) and args[0].shape:
                return Int(args[0].shape[0])
            if isinstance(args[0], Tup):
                return Int(len(args[0].items))
            return UNKNOWN
        if func.id == "slice" and 1 <= len(args) <= 3:
            parts = [_slice_part(arg) for arg in args]
            if any(part is BOTTOM for part in parts):  # a bound that is not a known int
                return UNKNOWN
            return Const(slice(*parts))
        return UNKNOWN

    def compare(self, expr: gast.Compare) -> Any:
        if len(expr.ops) != 1 or not isinstance(expr.ops[0], (gast.Eq, gast.NotEq, gast.Lt,
                                                              gast.LtE, gast.Gt, gast.GtE)):
            return UNKNOWN
        left, right = self.evaluate(expr.left), self.evaluate(expr.comparators[0])
        if left is BOTTOM or right is BOTTOM:
            return BOTTOM
        return self.rules.result_shape("compare", [left, right], {})


def _constant(value: Any) -> Any:
    if isinstance(value, bool) or value is None or value is Ellipsis:
        return Const(value)
    if isinstance(value, int):
        return Int(value)
    if isinstance(value, float):
        return Array(())
    return UNKNOWN


def _slice_part(value: Any) -> Any:
    """A slice bound as a Python value (BOTTOM when it is not a known int or None)."""
    if isinstance(value, Const) and value.value is None:
        return None
    if isinstance(value, Int) and value.value is not None:
        return value.value
    return BOTTOM


def _index(base: Any, index: Any) -> Any:
    """``x.shape[k]`` and items of known tuples."""
    if base is BOTTOM or index is BOTTOM:
        return BOTTOM
    if isinstance(base, Tup) and isinstance(index, Int) and index.value is not None \
            and -len(base.items) <= index.value < len(base.items):
        item = base.items[index.value]
        return BOTTOM if item is BOTTOM else item
    return UNKNOWN


_INT_OPERATIONS = {
    gast.Add: lambda a, b: a + b,
    gast.Sub: lambda a, b: a - b,
    gast.Mult: lambda a, b: a * b,
    gast.FloorDiv: lambda a, b: a // b if b else None,
}


def _int_arithmetic(left: Any, op: gast.operator, right: Any) -> Any:
    if left is BOTTOM or right is BOTTOM:
        return BOTTOM
    if not isinstance(left, Int) or not isinstance(right, Int) \
            or type(op) not in _INT_OPERATIONS:
        return UNKNOWN
    if left.value is None or right.value is None:
        return Int(None)
    return Int(_INT_OPERATIONS[type(op)](left.value, right.value))
