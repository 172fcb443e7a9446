"""How rule calls are emitted in generated code (a mixin of the reverse-mode builder).

- one-expression rules are inlined: ``dh * (1.0 - h * h)`` instead of ``_rt.tanh_vjp(...)``;
- parameters a rule never reads get ``None``, so nothing is kept alive or saved for them;
- ``_rt.unbroadcast_to(g, x)`` is dropped where ``g`` provably has ``x``'s shape (shape classes,
  and facts local to one elementwise statement);
- adjoints of values known to be arrays or numbers accumulate with ``+``, not ``_rt.add``;
- with proven shapes (shape specialization), matmul, sum and mean rules become the plain numpy
  expression for those shapes (``x.T @ d``, ``np.outer(x, d)``, ``np.full(shape, d)``): the
  forms live next to the rules (``runtime/specialized.py``);
- every call it emits is annotated with what it calls (``Anno.CALL``, ``rule_call``), which is
  what later passes read.
"""

from __future__ import annotations

from typing import Any

import gast

from ...runtime.specialized import Proven, axes_literal
from ..analysis.activity import assignments, stored_names
from ..analysis.shape_inference import Array
from ..analysis.shapes import broadcast
from ..frontend.resolve import Kind, Operation
from ..ir import nodes
from ..ir.annotations import NUMPY, RUNTIME, Anno, EmittedCall, called, getanno, setanno

_ANY_SHAPE = "<number>"  # a numeric constant: broadcasts into any shape


class Emission:
    """Rule-call emission; expects ``ctx``, ``resolution``, ``locals``, ``primal_of``,
    ``shapes`` and ``bind`` from the builder it is mixed into."""

    def _array_valued(self) -> set[str]:
        """Names that hold arrays or numbers, never containers: results of numpy primitives,
        copies of such names, and parameters used only in numpy arithmetic or copied into
        such names (to a fixed point)."""
        statements = assignments(self.ctx.function.body)
        args = self.ctx.function.args
        params = {arg.id for arg in args.posonlyargs + args.args + args.kwonlyargs}
        definitions: dict[str, list[Operation]] = {}
        uses: dict[str, list[tuple[Operation, list[str]]]] = {}
        for statement in statements:
            operation = self.resolution.of(statement)
            targets = stored_names(statement)
            for name in targets:
                definitions.setdefault(name, []).append(operation)
            for node in nodes.walk(statement.value):
                if isinstance(node, gast.Name):
                    uses.setdefault(node.id, []).append((operation, targets))
        found = set(definitions) | params  # the greatest fixed point: loops copy into each other
        changed = True
        while changed:
            changed = False
            for name in sorted(found):
                if not self._numeric(name, definitions, uses, params, found):
                    found.discard(name)
                    changed = True
        return found

    def _numeric(self, name, definitions, uses, params, found) -> bool:
        numeric_operation = self._numeric_operation
        if name in params:
            return bool(uses.get(name)) and all(
                numeric_operation(op) or (op.kind is Kind.COPY and set(targets) <= found)
                for op, targets in uses[name])
        return all(numeric_operation(op) or (op.kind is Kind.COPY and all(
            isinstance(arg, gast.Name) and arg.id in found for arg in op.args))
            for op in definitions[name])

    def _numeric_operation(self, operation: Operation) -> bool:
        # a primitive marked STOP_GRADIENT (NONDIFFERENTIABLE) still computes its array
        return operation.kind in (Kind.PRIMITIVE, Kind.NONDIFFERENTIABLE) \
            and operation.callee is not None and self.ctx.rules.returns_array(operation.callee)

    # ---- the whole function ------------------------------------------------------------------

    def inlined(self, rule: Any, values: list[gast.expr], operation: Operation) -> Any:
        """The rule's one-line body with the values substituted (``g * (1.0 - ans * ans)``),
        when the rule is that simple and the call passes exactly its parameters."""
        inline = self.ctx.rules.inline(rule)
        if inline is None or operation.keywords or len(inline.params) != len(values):
            return None
        expression = nodes.substitute(inline.expression,
                                      dict(zip(inline.params, values, strict=True)))
        if not called(expression, RUNTIME, "unbroadcast_to"):
            return expression  # nothing the local shape facts could remove
        return self.without_noop_unbroadcast(expression, _local_shapes(values, self.ctx.rules,
                                                                       operation))

    def specialized(self, rule: Any, values: list[gast.expr], operation: Operation) -> Any:
        """The rule's shape-specialized form (``runtime/specialized.py``) for the operands'
        proven shapes, as a numpy expression, or None."""
        if not self.ctx.rules.has_specialized_form(rule):
            return None
        operands = values[2:]
        shapes = tuple(self.concrete_shape(value) for value in operands)
        proven = Proven(shapes, _reduction(values[3:], operation.keywords, shapes[0]
                                           if shapes else None),
                        len(operands) == 2 and _basic_index(operands[1]),
                        bool(operation.keywords))
        template = self.ctx.rules.specialized_form(rule, proven)
        if template is None:
            return None
        g, ans, *rest = values
        names = dict(zip(("g", "x1", "x2"), [g, *rest], strict=False))
        names["ans"] = ans
        form = nodes.mark_library_calls(gast.parse(template).body[0].value)
        expression = nodes.substitute(form, names)
        if called(expression, NUMPY, "full"):
            setanno(expression, Anno.BROADCAST, expression.args[1])
        elif called(expression, NUMPY, "broadcast_to"):  # the form of a large broadcast
            setanno(expression, Anno.BROADCAST, expression.args[0])
        if called(expression, RUNTIME, "scatter"):
            setanno(expression, Anno.SHAPE_CLASS,
                    f"class:{self.shapes.class_of_shape(self.concrete_shape(values[2]))}")
        return expression

    def fold_broadcasts(self, function: gast.FunctionDef) -> int:
        """``v = np.full(shape, g)`` whose every reader ``t = E(v)`` (or ``t += E(v)``) provably
        has the same shape with ``g`` in place of ``v``: the broadcast happens inside the
        arithmetic, as in hand-written code. One reader computes ``E(g)`` and ``v`` goes; with
        several, ``v = g`` is computed once (unless ``g`` is a name or a number, which the
        readers take directly). Returns how many were folded."""
        reads: dict[str, int] = {}
        for node in nodes.walk(function):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                reads[node.id] = reads.get(node.id, 0) + 1
        folded = 0
        for block in nodes.statement_blocks(function):
            index = 0
            while index < len(block):
                if self._fold_at(block, index, reads):
                    folded += 1
                else:
                    index += 1
        return folded

    def _fold_at(self, block: list[gast.stmt], index: int, reads: dict[str, int]) -> bool:
        statement = block[index]
        small = getanno(statement.value, Anno.BROADCAST) \
            if isinstance(statement, gast.Assign) else None
        if small is None or not isinstance(statement.targets[0], gast.Name):
            return False
        name = statement.targets[0].id
        readers = self._broadcast_readers(block[index + 1:], name, small, reads.get(name, 0))
        if readers is None:
            return False
        if len(readers) == 1 or isinstance(small, (gast.Name, gast.Constant)):
            for reader in readers:
                reader.value = nodes.substitute(reader.value, {name: small})
            del block[index]
        else:
            statement.value = small
        return True

    def _broadcast_readers(self, rest: list[gast.stmt], name: str, small: gast.expr,
                           count: int) -> list[gast.stmt] | None:
        """The ``count`` statements of ``rest`` reading ``name``, when each is an elementwise
        assignment whose shape does not depend on ``name``'s and nothing before the last one
        rebinds ``name`` or an input of ``small``; else None."""
        inputs = {node.id for node in nodes.walk(small) if isinstance(node, gast.Name)}
        readers: list[gast.stmt] = []
        for reader in rest:
            if len(readers) == count or not isinstance(reader, (gast.Assign, gast.AugAssign)):
                break
            targets = reader.targets if isinstance(reader, gast.Assign) else [reader.target]
            if any(isinstance(node, gast.Name) and node.id == name for node in nodes.walk(reader.value)):
                if len(targets) != 1 or not isinstance(targets[0], gast.Name) \
                        or targets[0].id == name or not _elementwise_expression(reader.value):
                    return None
                wanted = self.expression_class(nodes.name(targets[0].id), {}) \
                    if isinstance(reader, gast.Assign) else self.expression_class(reader.value, {})
                value = nodes.substitute(reader.value, {name: small})
                if wanted is None or self.expression_class(value, {}) != wanted:
                    return None
                readers.append(reader)
            if len(readers) < count and any(
                    isinstance(node, gast.Name) and node.id in inputs | {name}
                    and not isinstance(node.ctx, gast.Load) for node in nodes.walk(reader)):
                return None
        return readers if count and len(readers) == count else None

    def concrete_shape(self, expr: gast.expr) -> tuple[int, ...] | None:
        if isinstance(expr, gast.Name):
            return self.shapes.concrete.get(expr.id)
        return None

    def without_noop_unbroadcast(self, expression: gast.expr,
                                 local: dict[str, str]) -> gast.expr:
        """``_rt.unbroadcast_to(g, x)`` -> ``g`` when ``g`` provably has ``x``'s shape."""
        if called(expression, RUNTIME, "unbroadcast_to") and len(expression.args) == 2:
            value, target = expression.args
            shape = self.expression_class(value, local)
            target_class = self.expression_class(target, local)
            if isinstance(target, gast.Name) and shape is not None \
                    and shape in (_ANY_SHAPE, target_class):
                return value
            summed = self.reduction_to(value, self.class_shape(shape),
                                       self.class_shape(target_class))
            if summed is not None:
                return summed
        return expression

    def class_shape(self, found: str | None) -> tuple[int, ...] | None:
        """The proven shape of a class from ``expression_class`` (None if not proven)."""
        if found is None or not found.startswith("class:"):
            return None
        return self.shapes.shape_of_class(found[len("class:"):])

    def reduction_to(self, value: gast.expr, shape: tuple[int, ...] | None,
                     target: tuple[int, ...] | None) -> gast.expr | None:
        """``value`` (of proven ``shape``) summed over the axes along which ``target`` was
        broadcast: the unbroadcast as a plain ``np.sum``, or None if not provable."""
        if shape is None or target is None or len(shape) < len(target):
            return None
        extra = len(shape) - len(target)
        if any(t not in (1, s) for s, t in zip(shape[extra:], target, strict=True)):
            return None
        kept = tuple(extra + axis for axis, (s, t) in enumerate(zip(shape[extra:], target,
                                                                  strict=True))
                     if t == 1 and s != 1)
        text = "v"  # an array (its proven shape has axes): the method skips np.sum's wrapper
        if kept:
            text = f"({text}).sum(axis={axes_literal(kept)}, keepdims=True)"
        if extra:
            text = f"({text}).sum(axis={axes_literal(tuple(range(extra)))})"
        if text == "v":
            return None
        positive = _without_negation(value)
        if positive is not None:
            text, value = f"-{text}", positive  # negate the (smaller) sum instead
        reduced = nodes.substitute(gast.parse(text).body[0].value, {"v": value})
        setanno(reduced, Anno.SHAPE_CLASS, f"class:{self.shapes.class_of_shape(target)}")
        return reduced

    def expression_class(self, expr: gast.expr, local: dict[str, str]) -> str | None:
        """A representative of the shape ``expr`` has (``_ANY_SHAPE`` for a number), or None.
        ``local`` holds facts true at this statement only (``t = y * y``: t, y alike)."""
        if getanno(expr, Anno.SHAPE_CLASS) is not None:
            return getanno(expr, Anno.SHAPE_CLASS)
        if (isinstance(expr, gast.Constant) and isinstance(expr.value, (int, float))) \
                or _is_size(expr):
            return _ANY_SHAPE
        if isinstance(expr, gast.Name):
            primal = self.primal_of.get(expr.id) if expr.id not in self.locals else expr.id
            name = primal if primal is not None else expr.id
            if name in local:
                return local[name]
            found = self.shapes.find(name)
            return None if found is None else f"class:{found}"
        if isinstance(expr, gast.UnaryOp):
            return self.expression_class(expr.operand, local)
        if called(expr, RUNTIME, "unbroadcast_to") and len(expr.args) == 2:
            return self.expression_class(expr.args[1], local)  # the target's shape
        if called(expr, RUNTIME, "getitem_vjp") and len(expr.args) == 4:
            return self.expression_class(expr.args[2], local)  # zeros like the indexed array
        call = getanno(expr, Anno.CALL)
        if _is_where(expr) or (  # _np.where(c, a, b), _np.logaddexp(a, b): they broadcast
                call is not None and call.library == NUMPY and expr.args and not expr.keywords
                and self.ctx.rules.is_elementwise(self.ctx.rules.numpy_function(call.name))):
            found = [self.expression_class(arg, local) for arg in expr.args]
            classes = [item for item in found if item != _ANY_SHAPE]
            if None in classes:
                return None
            if not classes:
                return _ANY_SHAPE
            result = classes[0]
            for other in classes[1:]:
                result = result if other == result else self.broadcast_class(result, other)
            return result
        if isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.MatMult):
            return self.proven_class(self.ctx.rules.binary_operator("MatMult"),
                                     [expr.left, expr.right], local)
        if isinstance(expr, gast.Attribute) and expr.attr == "T":
            return self.proven_class(self.ctx.rules.attribute_key("T"), [expr.value], local)
        if isinstance(expr, gast.Compare) and len(expr.comparators) == 1:
            left = self.expression_class(expr.left, local)
            right = self.expression_class(expr.comparators[0], local)
            if left == _ANY_SHAPE:
                return right
            if right == _ANY_SHAPE or left == right:
                return left
            return self.broadcast_class(left, right)
        if isinstance(expr, gast.BinOp) and not isinstance(expr.op, gast.MatMult):
            left = self.expression_class(expr.left, local)
            right = self.expression_class(expr.right, local)
            if left == _ANY_SHAPE:
                return right
            if right == _ANY_SHAPE or left == right:
                return left
            return self.broadcast_class(left, right)
        return None

    def fits_in_place(self, adjoint: str, value: gast.expr) -> bool:
        """Does ``adjoint + value`` provably have ``adjoint``'s shape (so ``+=`` can update
        it)?"""
        target = self.expression_class(nodes.name(adjoint), {})
        found = self.expression_class(value, {})
        if target is None or found is None:
            return False
        return found in (_ANY_SHAPE, target) or self.broadcast_class(target, found) == target

    def proven_class(self, primitive: Any, operands: list[gast.expr],
                     local: dict[str, str]) -> str | None:
        """The class of ``primitive(*operands)`` from the operands' proven shapes."""
        shapes = []
        for operand in operands:
            found = self.expression_class(operand, local)
            shape = self.shapes.shape_of_class(found[len("class:"):]) \
                if found is not None and found.startswith("class:") else None
            if shape is None:
                return None
            shapes.append(Array(shape))
        result = self.ctx.rules.result_shape(primitive, shapes, {})
        if not isinstance(result, Array):
            return None
        return f"class:{self.shapes.class_of_shape(result.shape)}"

    def broadcast_class(self, left: str | None, right: str | None) -> str | None:
        """The class of ``a op b`` for operands of two different proven shapes."""
        shapes = [self.shapes.shape_of_class(side[len("class:"):])
                  if side is not None and side.startswith("class:") else None
                  for side in (left, right)]
        if shapes[0] is None or shapes[1] is None:
            return None
        result = broadcast(shapes[0], shapes[1])
        return None if result is None else f"class:{self.shapes.class_of_shape(result)}"

    def rule_arguments(self, rule: Any, values: list[gast.expr]) -> list[gast.expr]:
        """The rule's arguments, with ``None`` for parameters it never reads (so the values
        are not kept alive, or saved on the tape, for nothing)."""
        unused = self.ctx.rules.unused_arguments(rule)
        return [nodes.constant(None) if position in unused else nodes.copy_tree(value)
                for position, value in enumerate(values)]

    def rule_call(self, rule: Any, args: list[gast.expr], keywords: list[gast.keyword],
                  primitive: Any, argument: int) -> gast.Call:
        """A call of ``rule``, the rule of ``primitive`` for argument ``argument``, annotated
        with both (``EmittedCall``)."""
        if self.ctx.rules.in_runtime(rule):
            return nodes.library_call(RUNTIME, rule.__name__, args, keywords,
                                      primitive=primitive, argument=argument)
        bound = self.bind(rule, getattr(rule, "__name__", "rule"))
        call = nodes.call(nodes.name(bound), args, keywords)
        setanno(call, Anno.CALL, EmittedCall(None, bound, primitive, argument))
        return call


def _reduction(positional: list[gast.expr], keywords: list[gast.keyword],
               shape: tuple[int, ...] | None) -> tuple[tuple[int, ...], bool] | None:
    """The reduced axes and ``keepdims`` of ``np.sum(x, axis, keepdims=...)`` when they are
    constants (and ``x``'s shape is proven), else None."""
    given = dict(zip(("axis",), positional, strict=False))
    if len(positional) > 1 or shape is None:
        return None
    for keyword in keywords:
        if keyword.arg not in ("axis", "keepdims") or keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    axis = given.get("axis")
    keepdims = given.get("keepdims")
    if keepdims is not None and not (isinstance(keepdims, gast.Constant)
                                     and isinstance(keepdims.value, bool)):
        return None
    if axis is None or (isinstance(axis, gast.Constant) and axis.value is None):
        axes = tuple(range(len(shape)))
    else:
        items = [nodes.int_literal(item)
                 for item in (axis.elts if isinstance(axis, gast.Tuple) else [axis])]
        if not all(item is not None and -len(shape) <= item < len(shape) for item in items):
            return None
        axes = tuple(sorted({item % len(shape) for item in items}))
    return axes, bool(keepdims is not None and keepdims.value)


def _elementwise_expression(expr: gast.expr) -> bool:
    """Arithmetic, comparisons and ``_np.<name>(...)`` calls over names and numbers, with no
    shape facts attached to a part (those would not survive replacing an operand)."""
    for node in nodes.walk(expr):
        if getanno(node, Anno.SHAPE_CLASS) is not None or getanno(node, Anno.BROADCAST) \
                is not None:
            return False
        call = getanno(node, Anno.CALL)
        if isinstance(node, gast.Call) and not (
                call is not None and call.library == NUMPY and node.args and not node.keywords):
            return False
        if isinstance(node, (gast.Subscript, gast.Lambda, gast.IfExp)):
            return False
    return True


def _is_where(expr: gast.expr) -> bool:
    """``_np.where(condition, a, b)`` (elementwise: the three operands broadcast)."""
    return called(expr, NUMPY, "where") and len(expr.args) == 3 and not expr.keywords


def _basic_index(index: gast.expr) -> bool:
    """An index of int constants and ``slice(...)`` only: it selects each entry at most once
    and whatever its bounds, the same axes."""
    items = index.elts if isinstance(index, gast.Tuple) else [index]
    return all((isinstance(item, gast.Constant) and type(item.value) is int)
               or (isinstance(item, gast.Call) and isinstance(item.func, gast.Name)
                   and item.func.id == "slice" and not item.keywords)
               for item in items)


def _without_negation(expr: gast.expr) -> gast.expr | None:
    """``a * b / c`` for ``-a * b / c`` (a product or quotient led by a negation), else None."""
    if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.USub):
        return expr.operand
    if isinstance(expr, gast.BinOp) and isinstance(expr.op, (gast.Mult, gast.Div)):
        left = _without_negation(expr.left)
        if left is not None:
            return gast.BinOp(left=left, op=expr.op, right=expr.right)
    return None


def _is_size(expr: gast.expr) -> bool:
    """``x.shape[0]`` or ``len(x)``: a Python int."""
    if isinstance(expr, gast.Subscript):
        return isinstance(expr.value, gast.Attribute) and expr.value.attr == "shape" \
            and isinstance(expr.slice, gast.Constant) and type(expr.slice.value) is int
    return isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name) \
        and expr.func.id == "len" and len(expr.args) == 1 and not expr.keywords


def _local_shapes(values: list[gast.expr], rules: Any, operation: Operation) -> dict[str, str]:
    """Shape facts of one elementwise statement ``t = a op b`` that hold while its adjoint runs:
    with ``a`` and ``b`` the same name, or one of them a number, ``t`` has the other's shape."""
    _, primal, *args = values
    if operation.kind is not Kind.PRIMITIVE or not rules.is_elementwise(operation.callee) \
            or not isinstance(primal, gast.Name):
        return {}
    names = [arg.id for arg in args if isinstance(arg, gast.Name)]
    numbers = [arg for arg in args if isinstance(arg, gast.Constant)
               and isinstance(arg.value, (int, float))]
    if names and len(set(names)) == 1 and len(names) + len(numbers) == len(args):
        token = f"local:{primal.id}"
        return {primal.id: token, names[0]: token}
    return {}
