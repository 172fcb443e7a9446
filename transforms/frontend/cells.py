"""Cells seen through: their calls inlined, their trained Parameters made parameters.

``grad(loss, None, weights=net.trainable_params())`` where ``loss`` calls ``net(x, y)``, and
``net``'s ``construct`` calls its layers, is compiled (when the API asks for it with
``CompileRequest.weight_leaves``) as if the user had written the same math on positional
arrays:

- a call whose callee is known at compile time to be a Cell (an object whose class defines
  ``construct`` in Python and keeps ``Cell.__call__``) is replaced by the body of its
  ``construct``: parameters bound to the arguments, locals renamed where they would clash,
  ``self`` read through a name bound to the cell, the returned expression in place of the call;
  calls of child cells inside it are inlined the same way, and a loop over a static tuple of
  cells (``for cell in self.cells``) is unrolled;
- each read of a trained Parameter (``self.weight``, ``net.w1``, a global ``w``) becomes one
  parameter of the function (``fc1_weight``), which the API passes, so shape specialization,
  in-place accumulation and every other fast path apply to it.

Every lookup the inlined code depends on is guarded (the cell objects, their attributes, the
class's ``construct`` and ``__call__``). Anything else the cell reads (``self.reduction``, a
method ``self.helper(x)``) stays a read through the bound name and is resolved (and
differentiated, with the weights as weights) as usual. A construct the inliner cannot follow
(a ``return`` before the end, ``*args``, a cell called where no statement can be placed before
it) raises ``ContainersNotFlattened``: the API then compiles the function the ordinary way.
"""

from __future__ import annotations

import builtins
import inspect
import types
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from ..analysis.guards import GuardSet
from ..ir import nodes
from ..passmanager import PassContext
from .check import first_violation
from .parse import SourceUnavailableError, _annotate_origins, _parse_def
from .pytrees import ContainersNotFlattened
from .resolve import MISSING, evaluate_static

MAX_DEPTH = 32  # nested cells; deeper (or recursive) structures are not inlined
MAX_UNROLL = 64  # cells in one unrolled loop
# builtins that would tell a Parameter from the plain array its leaf parameter is
_IDENTITY_PROBES = (isinstance, type, id, hasattr, getattr, issubclass)


def inline_cells(ctx: PassContext, weight_leaves: tuple[tuple[str, int], ...]) -> None:
    """Rewrite ``ctx.function`` (see the module docstring); the leaves become its first
    parameters, in the order of ``weight_leaves``."""
    function = ctx.function
    if function.args.vararg is not None or function.args.kwarg is not None:
        raise ContainersNotFlattened("a function with *args or **kwargs")
    inliner = _Inliner(ctx, dict((identity, leaf) for leaf, identity in weight_leaves))
    clashes = {leaf: identity for leaf, identity in weight_leaves if leaf in inliner.taken}
    for node in nodes.walk(function):
        if isinstance(node, gast.Name) and node.id in clashes \
                and not (isinstance(node.ctx, gast.Load) and node.id not in inliner.locals
                         and id(inliner.static(node)) == clashes[node.id]):
            # only reads of the weight itself may share its parameter's name
            raise ContainersNotFlattened(f"the weight name {node.id} clashes with the "
                                         "function's names")
    inliner.taken.update(leaf for leaf, _ in weight_leaves)
    function.body = inliner.block(function.body, 0)
    leaves = [gast.Name(id=leaf, ctx=gast.Param(), annotation=None, type_comment=None)
              for leaf, _ in weight_leaves]
    function.args.args = [*leaves, *function.args.args]
    ctx.invalidate()


def _is_cell(value: Any) -> bool:
    """An object whose call runs a Python ``construct`` (an ``nn.Cell`` keeping its
    ``__call__``)."""
    from ...nn import Cell  # the compiler imports nn only when cells are inlined

    return isinstance(value, Cell) and type(value).__call__ is Cell.__call__ \
        and isinstance(getattr(type(value), "construct", None), types.FunctionType)


class _Inliner:
    def __init__(self, ctx: PassContext, leaves: dict[int, str]) -> None:
        self.ctx = ctx
        self.leaves = leaves
        self.taken = {node.id for node in nodes.walk(ctx.function)
                      if isinstance(node, gast.Name)} | set(ctx.bindings)
        self.locals = {node.id for node in nodes.walk(ctx.function)
                       if isinstance(node, gast.Name)
                       and isinstance(node.ctx, (gast.Store, gast.Param))} \
            - set(ctx.request.constants)  # ``self`` of a method: known at compile time
        self.bound: dict[int, str] = {}  # id(object) -> the name bound to it
        self.current: gast.stmt | None = None  # the statement whose calls are being inlined

    # ---- names -------------------------------------------------------------------------------
    def fresh(self, hint: str) -> str:
        hint = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in hint) or "v"
        candidate, counter = hint, 1
        while candidate in self.taken or not candidate.isidentifier() \
                or hasattr(builtins, candidate):
            counter += 1
            candidate = f"{hint}_{counter}"
        self.taken.add(candidate)
        return candidate

    def bind(self, value: Any, hint: str) -> str:
        """A name the generated code reads ``value`` through (kept for the whole function)."""
        name = self.bound.get(id(value))
        if name is None:
            name = self.bound[id(value)] = self.fresh(f"_{hint.lstrip('_')}")
            self.ctx.bindings[name] = value
        return name

    def static(self, expr: gast.expr, guards: GuardSet | None = None) -> Any:
        """The object ``expr`` denotes at compile time, or MISSING; with ``guards``, each
        lookup it depends on is guarded (done once the inliner relies on the object)."""
        if isinstance(expr, gast.Name) and expr.id in self.ctx.bindings \
                and expr.id not in self.locals:
            return self.ctx.bindings[expr.id]
        if isinstance(expr, gast.Attribute):
            base = self.static(expr.value, guards)
            if base is MISSING:
                return MISSING
            value = getattr(base, expr.attr, MISSING)
            if value is not MISSING and guards is not None:
                guards.attribute(base, expr.attr, value)
            return value
        if isinstance(expr, (gast.Name, gast.Subscript)):
            return evaluate_static(self.ctx, expr, self.locals, guards)
        return MISSING

    def relied_on(self, expr: gast.expr) -> Any:
        """``static(expr)``, guarding every lookup it depends on."""
        return self.static(expr, self.ctx.guards)

    # ---- statements --------------------------------------------------------------------------
    def block(self, statements: list[gast.stmt], depth: int) -> list[gast.stmt]:
        result: list[gast.stmt] = []
        for statement in statements:
            result.extend(self.statement(statement, depth))
        return result

    def statement(self, statement: gast.stmt, depth: int) -> list[gast.stmt]:
        if isinstance(statement, gast.For):
            unrolled = self.unrolled(statement, depth)
            if unrolled is not None:
                return unrolled
        if isinstance(statement, (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr,
                                  gast.Return)):
            self.check_stores(statement)
            before: list[gast.stmt] = []
            self.within(statement, lambda: self.expressions(statement, before, depth))
            return [*before, statement]
        for field, old in gast.iter_fields(statement):
            if isinstance(old, list) and old and isinstance(old[0], gast.stmt):
                setattr(statement, field, self.block(old, depth))
            elif isinstance(old, (gast.expr, list)):
                nowhere: list[gast.stmt] = []
                self.expressions_of(statement, field, nowhere, depth)
                if nowhere:
                    raise ContainersNotFlattened("a cell called in a condition or loop header")
        return [statement]

    def check_stores(self, statement: gast.stmt) -> None:
        """A statement writing into a trained Parameter (``self.w[0] = v``) keeps the ordinary
        path, where the write reaches the Parameter."""
        targets = statement.targets if isinstance(statement, gast.Assign) else \
            [statement.target] if isinstance(statement, (gast.AugAssign, gast.AnnAssign)) else []
        for target in targets:
            for node in nodes.walk(target):
                if isinstance(node, (gast.Subscript, gast.Attribute)) \
                        and isinstance(node.value, (gast.Name, gast.Attribute)) \
                        and self.leaf(node.value) is not None:
                    raise ContainersNotFlattened("a trained Parameter is written")
                if isinstance(node, (gast.Name, gast.Attribute)) \
                        and not isinstance(node.ctx, gast.Load) and self.leaf(node) is not None:
                    raise ContainersNotFlattened("a trained Parameter is rebound")

    def unrolled(self, loop: gast.For, depth: int) -> list[gast.stmt] | None:
        """``for cell in self.cells: x = cell(x)`` over a static sequence of cells: the body
        once per cell, the loop variable read through a name bound to that cell."""
        sequence = self.static(loop.iter) if isinstance(loop.iter, gast.Attribute) else MISSING
        if not isinstance(sequence, (tuple, list)) or not sequence \
                or not all(_is_cell(item) for item in sequence):
            return None
        self.relied_on(loop.iter)
        if not isinstance(loop.target, gast.Name) or loop.orelse or len(sequence) > MAX_UNROLL \
                or any(isinstance(node, (gast.Break, gast.Continue, gast.Return))
                       for node in _walk(loop.body)) \
                or any(isinstance(node, gast.Name) and node.id == loop.target.id
                       and not isinstance(node.ctx, gast.Load) for node in _walk(loop.body)):
            raise ContainersNotFlattened("a loop over cells that cannot be unrolled")
        if isinstance(sequence, list):
            self.ctx.guards.length(sequence)
        result: list[gast.stmt] = []
        for index, cell in enumerate(sequence):
            if isinstance(sequence, list):
                self.ctx.guards.item(sequence, index, cell)
            name = self.bind(cell, f"{loop.target.id}{index}")
            body = nodes.copy_tree(loop.body)
            body = [_renamed(statement, {loop.target.id: name}) for statement in body]
            result.extend(self.block(body, depth))
        return result

    def within(self, statement: gast.stmt, action: Callable[[], Any]) -> Any:
        """Run ``action`` with ``statement`` as the one whose line the statements inlined
        for its calls are attributed to."""
        outer, self.current = self.current, statement
        try:
            return action()
        finally:
            self.current = outer

    # ---- expressions -------------------------------------------------------------------------
    def expressions(self, node: gast.AST, before: list[gast.stmt], depth: int) -> None:
        for field, _ in gast.iter_fields(node):
            self.expressions_of(node, field, before, depth)

    def expressions_of(self, node: gast.AST, field: str, before: list[gast.stmt],
                       depth: int) -> None:
        old = getattr(node, field)
        if isinstance(old, list):
            setattr(node, field, [self.expression(item, before, depth)
                                  if isinstance(item, gast.AST) else item for item in old])
        elif isinstance(old, gast.AST):
            setattr(node, field, self.expression(old, before, depth))

    def expression(self, expr: gast.AST, before: list[gast.stmt], depth: int) -> gast.AST:
        if not isinstance(expr, gast.expr):
            self.expressions(expr, before, depth)
            return expr
        if isinstance(expr, (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp,
                             gast.GeneratorExp, gast.IfExp, gast.BoolOp)):
            nowhere: list[gast.stmt] = []  # evaluated conditionally or repeatedly
            self.expressions(expr, nowhere, depth)
            if nowhere:
                raise ContainersNotFlattened("a cell called inside a lambda, comprehension, "
                                             "conditional expression or boolean operation")
            return expr
        if isinstance(expr, (gast.Name, gast.Attribute)) and isinstance(expr.ctx, gast.Load):
            leaf = self.leaf(expr)
            if leaf is not None:
                return nodes.name(leaf, like=expr)
        if isinstance(expr, gast.Attribute) and not hasattr(np.ndarray, expr.attr) \
                and self.leaf(expr.value) is not None:
            raise ContainersNotFlattened(f"a Parameter's .{expr.attr} is read")
        if isinstance(expr, gast.Call):
            callee = self.static(expr.func) if isinstance(expr.func, (gast.Name,
                                                                      gast.Attribute)) \
                else MISSING
            if any(callee is probe for probe in _IDENTITY_PROBES) \
                    and any(self.leaf(arg) is not None for arg in expr.args
                            if isinstance(arg, (gast.Name, gast.Attribute))):
                raise ContainersNotFlattened("a Parameter's type or identity is inspected")
            self.expressions(expr, before, depth)
            if callee is not MISSING and _is_cell(callee):
                self.relied_on(expr.func)
                return self.inlined(callee, expr, before, depth + 1)
            return expr
        self.expressions(expr, before, depth)
        return expr

    def leaf(self, expr: gast.expr) -> str | None:
        if isinstance(expr, gast.Name) and expr.id in self.locals:
            return None
        value = self.static(expr)
        leaf = self.leaves.get(id(value)) if value is not MISSING else None
        if leaf is not None:
            self.relied_on(expr)
        return leaf

    # ---- inlining one call -------------------------------------------------------------------
    def inlined(self, cell: Any, call: gast.Call, before: list[gast.stmt],
                depth: int) -> gast.expr:
        """The statements of ``cell.construct`` appended to ``before``; returns the value."""
        if depth > MAX_DEPTH:
            raise ContainersNotFlattened("cells nested too deeply (or recursively) to inline")
        construct = type(cell).construct
        self.ctx.guards.attribute(cell, "construct", construct)
        self.ctx.guards.attribute(cell, "__call__", type(cell).__call__)
        try:
            tree = _parse_def(construct)
        except (SourceUnavailableError, SyntaxError) as error:
            raise ContainersNotFlattened(f"no source for {type(cell).__name__}.construct") \
                from error
        if first_violation(tree) is not None:  # compiled as a callee, it reports the error
            raise ContainersNotFlattened(f"{type(cell).__name__}.construct is not supported")
        _annotate_origins(tree, construct.__code__.co_filename)
        body = _construct_body(tree)
        if any(isinstance(a, gast.Starred) for a in call.args) \
                or any(k.arg is None for k in call.keywords):
            raise ContainersNotFlattened("a cell called with *args or **kwargs")
        try:
            bound = inspect.signature(construct).bind(cell, *call.args,
                                                      **{k.arg: k.value for k in call.keywords})
        except TypeError as error:
            raise ContainersNotFlattened(f"cannot bind the call of {type(cell).__name__}") \
                from error
        params = [arg.id for arg in tree.args.args]
        assigned = {node.id for node in _walk(body)
                    if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}
        hint = self.bind(cell, type(cell).__name__.lower())
        renames: dict[str, Any] = {params[0]: nodes.name(hint, like=call)}
        bindings: list[gast.stmt] = []
        for param in params[1:]:
            if param in bound.arguments:
                value = bound.arguments[param]
            else:
                default = inspect.signature(construct).parameters[param].default
                value = nodes.name(self.bind(default, param), like=call)
            if param not in assigned and isinstance(value, (gast.Name, gast.Constant)):
                renames[param] = value
                continue
            local = self.fresh(param)
            renames[param] = nodes.name(local, like=call)
            bindings.append(nodes.assign(nodes.name(local, store=True, like=call), value,
                                         like=self.current))
            self.locals.add(local)
        for name in sorted(assigned - set(params)):
            local = self.fresh(name)
            renames[name] = nodes.name(local, like=call)
            self.locals.add(local)
        for node in _walk(body):
            if isinstance(node, gast.Name) and node.id not in renames:
                renames[node.id] = nodes.name(self.global_name(construct, node.id), like=node)
        body = [_renamed(statement, renames) for statement in body]
        *statements, last = body
        before.extend(bindings)
        before.extend(self.block(statements, depth))
        return self.within(last, lambda: self.expression(last.value, before, depth))

    def global_name(self, construct: types.FunctionType, name: str) -> str:
        """The name the caller reads the construct's non-local ``name`` through: the same
        name when it means the same object there, else a name bound to the object."""
        closure = dict(zip(construct.__code__.co_freevars, construct.__closure__ or (),
                           strict=True))
        if name in closure:
            value = closure[name].cell_contents
            self.ctx.guards.cell(closure[name], value)
        elif name in construct.__globals__:
            value = construct.__globals__[name]
            self.ctx.guards.name(construct.__globals__, name, value)
        elif hasattr(builtins, name):
            value = getattr(builtins, name)
        else:
            raise ContainersNotFlattened(f"{name} is not defined where the cell's construct is")
        if name not in self.locals:
            here = evaluate_static(self.ctx, nodes.name(name), self.locals, None)
            if here is value:
                return name
        return self.bind(value, name)


def _walk(statements: list[gast.stmt]) -> list[gast.AST]:
    return [node for statement in statements for node in nodes.walk(statement)]


def _construct_body(tree: gast.FunctionDef) -> list[gast.stmt]:
    """The statements of a construct that ends with its only ``return`` (docstring dropped)."""
    if tree.args.vararg is not None or tree.args.kwarg is not None or tree.args.kwonlyargs \
            or tree.args.posonlyargs or not tree.args.args:
        raise ContainersNotFlattened("a construct with *args, **kwargs or keyword-only "
                                     "parameters")
    body = [s for s in tree.body if not (isinstance(s, gast.Expr)
                                         and isinstance(s.value, gast.Constant))]
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
        raise ContainersNotFlattened("a construct that does not end with return <value>")
    for node in _walk(body):
        if isinstance(node, (gast.Return, gast.Yield, gast.YieldFrom, gast.Global,
                             gast.Nonlocal, gast.FunctionDef, gast.ClassDef, gast.Lambda,
                             gast.Try, gast.With, gast.Delete, gast.Await)) \
                and node is not body[-1]:
            raise ContainersNotFlattened(f"a construct using {type(node).__name__}")
    return body


def _renamed(statement: gast.stmt, renames: dict[str, Any]) -> gast.stmt:
    """``statement`` with each name in ``renames`` replaced: loads by a copy of the given
    expression, stores by its name."""
    for node in nodes.walk(statement):
        for field, old in gast.iter_fields(node):
            if isinstance(old, gast.Name) and old.id in renames:
                setattr(node, field, _replacement(old, renames[old.id]))
            elif isinstance(old, list):
                setattr(node, field, [_replacement(item, renames[item.id])
                                      if isinstance(item, gast.Name) and item.id in renames
                                      else item for item in old])
    return statement


def _replacement(old: gast.Name, new: Any) -> gast.expr:
    if isinstance(new, str):
        new = nodes.name(new)
    if isinstance(old.ctx, gast.Load):
        return nodes.copy_location(nodes.copy_tree(new), old)
    if not isinstance(new, gast.Name):
        raise ContainersNotFlattened("a parameter of a construct reassigned")
    return gast.copy_location(gast.Name(id=new.id, ctx=old.ctx, annotation=None,
                                        type_comment=None), old)


__all__ = ["inline_cells"]
