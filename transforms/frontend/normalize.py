"""Desugaring: fewer statement forms for the passes that follow.

Input: a checked ``FunctionDef``. Output invariant, in every block: no docstring or ``pass``;
every assignment is ``Assign`` with one target that is a name, a flat tuple of names, or
``name[index]``; ``x += e`` is ``x = x + e`` (also for ``x[i] += e``); ``xs.append(v)`` is
``xs = _rt.append(xs, v)`` and ``x[i] = v`` is ``x = _rt.setitem(x, i, v)``, so that element
updates are values the backward sweep can rely on (the overwritten elements get no gradient).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast

from ..ir import nodes
from ..ir.annotations import RUNTIME, Anno, getanno, setanno
from ..passmanager import PassContext, Transformation
from .anf import local_names


class Normalize(Transformation):
    """Desugar assignments and updates.

    >>> from autodiff.transforms.testing import run_passes
    >>> print(run_passes('''
    ... def f(x, xs):
    ...     "doc"
    ...     y = z = x
    ...     y += 1
    ...     xs.append(y)
    ...     x[0] = z
    ...     return xs''', [Normalize]))
    def f(x, xs):
        y = x
        z = y
        y = y + 1
        xs = _rt.append(xs, y)
        x = _rt.setitem(x, 0, z)
        return xs
    """

    name = "normalize"

    def run(self, ctx: PassContext) -> bool:
        ctx.function.body = self.block(ctx, _without_docstring(ctx.function.body))
        return True

    def block(self, ctx: PassContext, statements: list[gast.stmt]) -> list[gast.stmt]:
        body: list[gast.stmt] = []
        for statement in statements:
            body.extend(self.statement(ctx, statement))
        return body

    def statement(self, ctx: PassContext, statement: gast.stmt) -> list[gast.stmt]:
        hoisted = _Comprehensions(ctx).hoist(statement)
        return [*(s for h in hoisted for s in self.statement(ctx, h)),
                *self._statement(ctx, statement)]

    def _statement(self, ctx: PassContext, statement: gast.stmt) -> list[gast.stmt]:
        if isinstance(statement, gast.Pass):
            return []
        if isinstance(statement, gast.With):
            return self.block(ctx, _with_as_calls(ctx, statement))
        if isinstance(statement, (gast.If, gast.For, gast.While)):
            statement.body = self.block(ctx, statement.body) or [gast.Pass()]
            statement.orelse = self.block(ctx, statement.orelse)
            return [statement]
        if isinstance(statement, gast.AnnAssign):
            return self._assign(ctx, [statement.target], statement.value, statement)
        if isinstance(statement, gast.AugAssign):
            load = _as_load(statement.target, statement)
            value = nodes.binop(load, statement.op, statement.value, like=statement)
            assigned = self._assign(ctx, [statement.target], value, statement)
            if isinstance(statement.target, gast.Name):
                setanno(assigned[0], Anno.IN_PLACE, True)
            return assigned
        if isinstance(statement, gast.Assign) and _is_pop(statement):
            return _pop_statements(statement)
        if isinstance(statement, gast.Assign):
            return self._assign(ctx, statement.targets, statement.value, statement)
        if _is_append(statement, lambda: local_names(ctx.function)):
            call = statement.value
            xs = call.func.value.id
            value = nodes.library_call(RUNTIME, "append",
                               [nodes.name(xs, like=statement), call.args[0]], like=statement)
            return [nodes.assign(xs, value, like=statement)]
        return [statement]

    def _assign(self, ctx: PassContext, targets: list, value: gast.expr,
                like: gast.stmt) -> list[gast.stmt]:
        """``a = b = e`` -> ``a = e; b = a``; nested tuple targets get a temporary each."""
        first, *rest = targets
        statements = self._flat_assign(ctx, first, value, like)
        for target in rest:
            statements.extend(self._flat_assign(ctx, target, _as_load(first, like), like))
        return statements

    def _flat_assign(self, ctx: PassContext, target: gast.expr, value: gast.expr,
                     like: gast.stmt) -> list[gast.stmt]:
        if isinstance(target, gast.Name):
            if isinstance(value, gast.Name) and value.id == target.id:
                return []  # x = x changes nothing
            return [nodes.assign(target, value, like=like)]
        if isinstance(target, gast.Subscript):
            array = target.value.id
            index = nodes.slice_as_value(target.slice)
            update = nodes.library_call(RUNTIME, "setitem",
                                [nodes.name(array, like=like), index, value], like=like)
            return [nodes.assign(array, update, like=like)]
        flat, inner = [], []
        for element in target.elts:
            if isinstance(element, gast.Name):
                flat.append(element)
                continue
            temp = ctx.namer.temp("unpack")
            flat.append(nodes.name(temp, store=True, like=element))
            inner.extend(self._flat_assign(ctx, element, nodes.name(temp, like=element), like))
        return [nodes.assign(nodes.tuple_(flat, store=True, like=target), value, like), *inner]


class _Comprehensions(gast.NodeTransformer):
    """``[f(v) for v in xs if c(v)]`` -> a loop appending to a fresh list, run before the
    statement that used it (generator expressions become lists; dicts are built the same way).
    Comprehension variables get fresh names, since they are local to the comprehension."""

    def __init__(self, ctx: PassContext) -> None:
        self.ctx = ctx
        self.hoisted: list[gast.stmt] = []
        self.like: gast.stmt | None = None

    def hoist(self, statement: gast.stmt) -> list[gast.stmt]:
        self.like = statement
        for field in ("value", "test", "iter"):
            expr = getattr(statement, field, None)
            if isinstance(expr, gast.AST) and not isinstance(statement, gast.While):
                setattr(statement, field, self.visit(expr))
        return self.hoisted

    def visit_List(self, node: gast.List) -> gast.expr:
        return self._starred_display(node, nodes.list_)

    def visit_Tuple(self, node: gast.Tuple) -> gast.expr:
        if not isinstance(node.ctx, gast.Load):
            return node
        return self._starred_display(node, nodes.tuple_)

    def _starred_display(self, node: gast.expr, build: Any) -> gast.expr:
        """``[*xs, h]`` -> ``_rt.concat(xs, [h])``: joined lists keep per-item gradients."""
        self.generic_visit(node)
        if not any(isinstance(element, gast.Starred) for element in node.elts):
            return node
        parts: list[gast.expr] = []
        run: list[gast.expr] = []
        for element in node.elts:
            if isinstance(element, gast.Starred):
                if run:
                    parts.append(build(run, like=node))
                    run = []
                parts.append(element.value)
            else:
                run.append(element)
        if run:
            parts.append(build(run, like=node))
        if not isinstance(parts[0], (gast.List, gast.Tuple)):  # keep the display's own type
            parts.insert(0, build([], like=node))
        joined = parts[0]
        for part in parts[1:]:
            joined = nodes.library_call(RUNTIME, "concat", [joined, part], like=node)
        return joined

    def visit_IfExp(self, node: gast.IfExp) -> gast.expr:
        """A comprehension in a branch is built only when its branch is taken: ``a if c else
        [...]`` -> ``if c: t = a`` / ``else: <build the list>; t = <list>``."""
        if not any(_holds_comprehension(branch) for branch in (node.body, node.orelse)):
            return self.generic_visit(node)
        result = self.ctx.namer.temp("ifexp")
        test = self.visit(node.test)
        branches = [self._hoisted_assign(result, branch) for branch in (node.body, node.orelse)]
        self.hoisted.append(nodes.copy_location(
            gast.If(test=test, body=branches[0], orelse=branches[1]), self.like))
        return nodes.name(result, like=node)

    def visit_BoolOp(self, node: gast.BoolOp) -> gast.expr:
        """A comprehension after the first operand of ``and``/``or`` is built only when Python
        evaluates it: ``a and [...]`` -> ``t = a`` / ``if t: <build the list>; t = <list>``."""
        if not any(_holds_comprehension(value) for value in node.values[1:]):
            return self.generic_visit(node)
        result = self.ctx.namer.temp("boolop")
        self.hoisted.extend(self._hoisted_assign(result, node.values[0]))
        for value in node.values[1:]:
            test: gast.expr = nodes.name(result, like=node)
            if isinstance(node.op, gast.Or):
                test = gast.UnaryOp(op=gast.Not(), operand=test)
            self.hoisted.append(nodes.copy_location(
                gast.If(test=test, body=self._hoisted_assign(result, value), orelse=[]),
                self.like))
        return nodes.name(result, like=node)

    def _hoisted_assign(self, result: str, value: gast.expr) -> list[gast.stmt]:
        """``result = value`` preceded by the loops that build the comprehensions in it."""
        inner = self._nested()
        value = inner.visit(value)
        return [*inner.hoisted, nodes.assign(result, value, like=self.like)]

    def visit_ListComp(self, node: gast.ListComp) -> gast.expr:
        return self._loop(node, [node.elt], "list")

    def visit_GeneratorExp(self, node: gast.GeneratorExp) -> gast.expr:
        return self._loop(node, [node.elt], "list")

    def visit_DictComp(self, node: gast.DictComp) -> gast.expr:
        return self._loop(node, [node.key, node.value], "dict")

    def _nested(self) -> _Comprehensions:
        """A hoister for a part evaluated inside the loop being built: a comprehension in an
        element, a condition or a later ``for`` is built where Python evaluates it, per item."""
        inner = _Comprehensions(self.ctx)
        inner.like = self.like
        return inner

    def _loop(self, node: gast.expr, parts: list[gast.expr], kind: str) -> gast.expr:
        like = self.like
        result = self.ctx.namer.temp(f"{kind}comp")
        empty = nodes.list_([]) if kind == "list" else nodes.copy_location(
            gast.Dict(keys=[], values=[]), like)
        renames: dict[str, str] = {}
        for generator in node.generators:
            for target in nodes.walk(generator.target):
                if isinstance(target, gast.Name):
                    renames[target.id] = self.ctx.namer.temp(target.id.strip("_") or "v")
        inner = self._nested()
        parts = [inner.visit(_renamed(part, renames)) for part in parts]
        if kind == "list":
            update = nodes.assign(result, nodes.library_call(RUNTIME, "append",
                                                     [nodes.name(result), parts[0]], like=like),
                                  like=like)
        else:
            update = nodes.assign(result, nodes.library_call(RUNTIME, "setitem",
                                                     [nodes.name(result), *parts], like=like),
                                  like=like)
        body: list[gast.stmt] = [*inner.hoisted, update]
        for generator in reversed(node.generators):
            for condition in reversed(generator.ifs):
                inner = self._nested()
                test = inner.visit(_renamed(condition, renames))
                body = [*inner.hoisted,
                        nodes.copy_location(gast.If(test=test, body=body, orelse=[]), like)]
            inner = self._nested()
            loop = gast.For(target=_renamed(generator.target, renames),
                            iter=inner.visit(_renamed(generator.iter, renames)), body=body,
                            orelse=[], type_comment=None)
            body = [*inner.hoisted, nodes.copy_location(loop, like)]
        self.hoisted.extend([nodes.assign(result, empty, like=like), *body])
        return nodes.name(result, like=like)


def _holds_comprehension(expr: gast.AST) -> bool:
    return any(isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.DictComp))
               for node in nodes.walk(expr))


def _renamed(expr: gast.AST, renames: dict[str, str]) -> gast.AST:
    expr = nodes.copy_tree(expr)
    for node in nodes.walk(expr):
        if isinstance(node, gast.Name) and node.id in renames:
            node.id = renames[node.id]
    return expr


def _is_pop(statement: gast.Assign) -> bool:
    """``x = xs.pop()`` (as generated code reads its tape)."""
    value = statement.value
    return (len(statement.targets) == 1 and isinstance(statement.targets[0], gast.Name)
            and isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute)
            and value.func.attr == "pop" and isinstance(value.func.value, gast.Name)
            and not value.args and not value.keywords)


def _pop_statements(statement: gast.Assign) -> list[gast.stmt]:
    """``x = xs.pop()`` -> ``x = xs[-1]; xs = xs[:-1]`` (a new list: value semantics)."""
    xs = statement.value.func.value.id
    last = nodes.subscript(nodes.name(xs, like=statement), nodes.constant(-1, statement),
                           like=statement)
    rest = nodes.subscript(nodes.name(xs, like=statement), nodes.copy_location(
        gast.Slice(lower=None, upper=nodes.constant(-1, statement), step=None), statement),
        like=statement)
    return [nodes.assign(statement.targets[0], last, like=statement),
            nodes.assign(xs, rest, like=statement)]


def _with_as_calls(ctx: PassContext, statement: gast.With) -> list[gast.stmt]:
    """``with E as v: body`` -> ``_ctx = E; v = _ctx.__enter__(); body;
    _ctx.__exit__(None, None, None)``: the body is differentiated, entering and leaving run as
    side effects (check.py admits only bodies that cannot jump out)."""
    before: list[gast.stmt] = []
    after: list[gast.stmt] = []
    for item in statement.items:
        manager = ctx.namer.temp("context")
        before.append(nodes.assign(manager, item.context_expr, like=statement))
        enter = nodes.call(nodes.attribute(nodes.name(manager, like=statement), "__enter__"), [],
                           like=statement)
        before.append(gast.copy_location(
            gast.Assign(targets=[item.optional_vars], value=enter, type_comment=None)
            if item.optional_vars is not None else gast.Expr(value=enter), statement))
        exit_call = nodes.call(nodes.attribute(nodes.name(manager, like=statement), "__exit__"),
                               [nodes.constant(None)] * 3, like=statement)
        after.insert(0, gast.copy_location(gast.Expr(value=exit_call), statement))
    for added in before + after:
        setanno(added, Anno.ORIGIN, getanno(statement, Anno.ORIGIN))
    return [*before, *statement.body, *after]


def _is_append(statement: gast.stmt, locals_: Callable[[], set[str]]) -> bool:
    """``xs.append(v)`` on a local list (appending to a global list is a side effect);
    ``locals_`` gives the function's local names (computed only for an append)."""
    if not isinstance(statement, gast.Expr) or not isinstance(statement.value, gast.Call):
        return False
    call = statement.value
    return (isinstance(call.func, gast.Attribute) and call.func.attr == "append"
            and isinstance(call.func.value, gast.Name) and len(call.args) == 1
            and not call.keywords and call.func.value.id in locals_())


def _without_docstring(body: list[gast.stmt]) -> list[gast.stmt]:
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _as_load(target: gast.expr, like: gast.stmt) -> gast.expr:
    if isinstance(target, gast.Name):
        return nodes.name(target.id, like=like)
    if isinstance(target, gast.Subscript):
        return nodes.subscript(_as_load(target.value, like), nodes.copy_tree(target.slice),
                               like=like)
    return nodes.tuple_([_as_load(element, like) for element in target.elts], like=like)
