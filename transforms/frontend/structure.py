"""Structuring: canonical loops, no jumps, one exit.

Input: normalized function. Output invariant:
- every ``for`` loop is ``for name in range(...)`` (iteration over a sequence, ``enumerate``,
  ``zip`` and ``reversed`` become index loops that read ``seq[i]``), except that a loop over a
  small tuple or list known at compile time (``for layer in self.layers``) is unrolled;
- every ``while`` loop is ``while _condN:`` with the condition recomputed at the end of the body;
- there is no ``break``, ``continue`` or ``return`` inside a block, except the loop tail
  ``if _brokeN: break``: jumps set flags and the rest of the block is guarded by them;
- the body ends with exactly one ``return``.
The backward sweep can then mirror the forward structure statement by statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gast

from ..ir import nodes
from ..ir.annotations import Anno, getanno, setanno
from ..passmanager import PassContext, Transformation
from .anf import local_names, root_name
from .resolve import MISSING, evaluate_static

MAX_UNROLL = 64


@dataclass(slots=True)
class _Jumps:
    kinds: set[str] = field(default_factory=set)  # "break", "continue", "return"
    always: bool = False  # the block always ends in a jump

    def merge(self, other: _Jumps) -> None:
        self.kinds |= other.kinds


@dataclass(slots=True)
class _Loop:
    broke: str | None = None
    continued: str | None = None


class Structure(Transformation):
    """Canonicalize loops and eliminate jumps.

    >>> from autodiff.transforms.testing import run_passes
    >>> from autodiff.transforms.frontend.normalize import Normalize
    >>> print(run_passes('''
    ... def f(x, xs):
    ...     for v in xs:
    ...         if v > 0:
    ...             break
    ...         x = x * v
    ...     return x''', [Normalize, Structure]))
    def f(x, xs):
        _broke2 = False
        for _i1 in range(len(xs)):
            v = xs[_i1]
            if v > 0:
                _broke2 = True
            else:
                x = x * v
            if _broke2:
                break
        return x
    """

    name = "structure"

    def run(self, ctx: PassContext) -> bool:
        structurer = _Structurer(ctx)
        ctx.function.body = structurer.function_body(ctx.function.body)
        return True


class _Structurer:
    def __init__(self, ctx: PassContext) -> None:
        self.ctx = ctx
        self.locals = local_names(ctx.function) - set(ctx.request.constants)
        self.rewrite_returns = _has_inner_return(ctx.function.body)
        self.branch_jumps: dict[int, tuple[_Jumps, _Jumps]] = {}
        if self.rewrite_returns:
            self.retval = ctx.namer.fresh("_retval")
            self.returned = ctx.namer.fresh("_returned")

    # ---- the function --------------------------------------------------------------------
    def function_body(self, body: list[gast.stmt]) -> list[gast.stmt]:
        body = self.loops(body)
        if not self.rewrite_returns:
            converted, _ = self.block(body, None)
            if not converted or not isinstance(converted[-1], gast.Return):
                converted.append(nodes.return_(nodes.constant(None)))
            return converted
        like = body[0] if body else None
        start = [nodes.assign(self.retval, nodes.constant(None, like), like=like),
                 nodes.assign(self.returned, nodes.constant(False, like), like=like)]
        converted, _ = self.block(body, None)
        last = converted[-1] if converted else None
        return [*start, *converted, nodes.return_(nodes.name(self.retval, like=last), like=last)]

    # ---- loops ---------------------------------------------------------------------------
    def loops(self, statements: list[gast.stmt]) -> list[gast.stmt]:
        result: list[gast.stmt] = []
        for statement in statements:
            if isinstance(statement, gast.If):
                statement.body = self.loops(statement.body)
                statement.orelse = self.loops(statement.orelse)
                result.append(statement)
            elif isinstance(statement, gast.While):
                statement.body = self.loops(statement.body)
                result.extend(self.canonical_while(statement))
            elif isinstance(statement, gast.For):
                statement.body = self.loops(statement.body)
                result.extend(self.canonical_for(statement))
            else:
                result.append(statement)
        return result

    def canonical_while(self, loop: gast.While) -> list[gast.stmt]:
        cond = self.ctx.namer.temp("cond")
        before = nodes.assign(cond, loop.test, like=loop)
        again = nodes.assign(cond, nodes.copy_tree(loop.test), like=loop)
        loop.test = nodes.name(cond, like=loop)
        setanno(loop, Anno.LOOP_CONDITION, again)
        return [before, loop]

    def canonical_for(self, loop: gast.For) -> list[gast.stmt]:
        iterable = loop.iter
        if _is_call_to(iterable, "range") and isinstance(loop.target, gast.Name):
            return [loop]
        if _is_call_to(iterable, "enumerate") and len(iterable.args) == 1 \
                and isinstance(loop.target, gast.Tuple) and len(loop.target.elts) == 2:
            inner, (index, item) = iterable.args[0], loop.target.elts
            if _is_call_to(inner, "zip") and isinstance(item, gast.Tuple) \
                    and len(item.elts) == len(inner.args):
                return self.zip_loop(loop, inner.args, item.elts, index=index)
            return self.index_loop(loop, inner, [item], index=index)
        if _is_call_to(iterable, "zip") and iterable.args:
            targets = loop.target.elts if isinstance(loop.target, gast.Tuple) \
                and len(loop.target.elts) == len(iterable.args) else None
            if targets is not None:
                return self.zip_loop(loop, iterable.args, targets)
        if _is_call_to(iterable, "reversed") and len(iterable.args) == 1:
            inner = iterable.args[0]
            if _is_call_to(inner, "range") and isinstance(loop.target, gast.Name):
                backwards = gast.Slice(lower=None, upper=None, step=nodes.constant(-1, loop))
                loop.iter = nodes.subscript(inner, backwards, like=loop)
                return [loop]
            return self.index_loop(loop, inner, [loop.target], backwards=True)
        unrolled = self.unrolled(loop)
        if unrolled is not None:
            return unrolled
        return self.index_loop(loop, iterable, [loop.target])

    def unrolled(self, loop: gast.For) -> list[gast.stmt] | None:
        """Unroll a loop over a small tuple/list known at compile time (``self.layers``)."""
        root = root_name(loop.iter)
        if root is None or root in self.locals or not isinstance(loop.target, gast.Name):
            return None
        value = evaluate_static(self.ctx, loop.iter, self.locals, self.ctx.guards)
        if not isinstance(value, (tuple, list)) or len(value) > MAX_UNROLL:
            return None
        self.ctx.guards.length(value)
        target = loop.target.id
        if any(isinstance(node, gast.Name) and node.id == target
               and isinstance(node.ctx, gast.Store) for node in nodes.walk(loop)
               if node is not loop.target):
            return None
        result: list[gast.stmt] = []
        for position in range(len(value)):
            item = nodes.subscript(nodes.copy_tree(loop.iter), nodes.constant(position, loop),
                                   like=loop)
            for statement in nodes.copy_tree(loop.body):
                result.append(_substitute(statement, target, item))
        return result

    def index_loop(self, loop: gast.For, sequence: gast.expr, targets: list[gast.expr],
                   index: gast.expr | None = None, backwards: bool = False) -> list[gast.stmt]:
        before, sequence = self._named(sequence, loop, _stored_in(loop.body))
        index_name = index.id if isinstance(index, gast.Name) else self.ctx.namer.temp("i")
        length = nodes.call(nodes.name("len", like=loop), [nodes.name(sequence, like=loop)],
                            like=loop)
        if backwards:
            start = nodes.binop(length, gast.Sub(), nodes.constant(1, loop), like=loop)
            bounds = [start, nodes.constant(-1, loop), nodes.constant(-1, loop)]
        else:
            bounds = [length]
        loop.iter = nodes.call(nodes.name("range", like=loop), bounds, like=loop)
        loop.target = nodes.name(index_name, store=True, like=loop)
        item = nodes.subscript(nodes.name(sequence, like=loop), nodes.name(index_name, like=loop),
                               like=loop)
        reads = [nodes.assign(_store(targets[0]), item, like=loop)]
        loop.body = [*reads, *loop.body]
        return [*before, loop]

    def zip_loop(self, loop: gast.For, sequences: list[gast.expr], targets: list[gast.expr],
                 index: gast.expr | None = None) -> list[gast.stmt]:
        before, names = [], []
        for sequence in sequences:
            statements, name = self._named(sequence, loop, _stored_in(loop.body))
            before += statements
            names.append(name)
        index_name = index.id if isinstance(index, gast.Name) else self.ctx.namer.temp("i")
        lengths = [nodes.call(nodes.name("len", like=loop), [nodes.name(n, like=loop)], like=loop)
                   for n in names]
        count = lengths[0] if len(lengths) == 1 else nodes.call(
            nodes.name("min", like=loop), lengths, like=loop)
        loop.iter = nodes.call(nodes.name("range", like=loop), [count], like=loop)
        loop.target = nodes.name(index_name, store=True, like=loop)
        reads = [nodes.assign(_store(target), nodes.subscript(
            nodes.name(name, like=loop), nodes.name(index_name, like=loop), like=loop), like=loop)
            for target, name in zip(targets, names, strict=True)]
        loop.body = [*reads, *loop.body]
        return [*before, loop]

    def _named(self, expr: gast.expr, like: gast.stmt,
               rebound: set[str] = frozenset()) -> tuple[list[gast.stmt], str]:
        """A name for the sequence a loop iterates over, fixed when the loop starts (the body
        may rebind the name it came from)."""
        if isinstance(expr, gast.Name) and expr.id not in rebound:
            return [], expr.id
        name = self.ctx.namer.temp("seq")
        return [nodes.assign(name, expr, like=like)], name

    # ---- jumps ---------------------------------------------------------------------------
    def block(self, statements: list[gast.stmt], loop: _Loop | None) -> tuple[list, _Jumps]:
        result: list[gast.stmt] = []
        jumps = _Jumps()
        for position, statement in enumerate(statements):
            converted, inner = self.statement(statement, loop)
            rest = statements[position + 1:]
            jumps.merge(inner)
            result.extend(converted)
            if inner.always:
                jumps.always = True
                return result, jumps
            if inner.kinds and rest:
                tail, tail_jumps = self.block(rest, loop)
                jumps.merge(tail_jumps)
                branch = self._fallthrough(statement, converted)
                if branch is not None and not branch[1].kinds:
                    branch[0].extend(tail)  # the other branch always jumps: no flag needed
                else:
                    guarded = (branch[0] if branch is not None else result)
                    kinds = branch[1].kinds if branch is not None else inner.kinds
                    guard = self._guard(kinds, loop, statement)
                    guarded.append(gast.copy_location(
                        gast.If(test=guard, body=tail, orelse=[]), statement))
                return result, jumps
        return result, jumps

    def _fallthrough(self, original: gast.stmt, converted: list) -> tuple[list, _Jumps] | None:
        """For an ``if`` one of whose branches always jumps: the other branch (where the rest
        of the block continues) and the jumps it may still make."""
        branches = self.branch_jumps.get(id(original))
        if branches is None or len(converted) != 1:
            return None
        body_jumps, else_jumps = branches
        if body_jumps.always and not else_jumps.always:
            return converted[0].orelse, else_jumps
        if else_jumps.always and not body_jumps.always:
            return converted[0].body, body_jumps
        return None

    def statement(self, statement: gast.stmt, loop: _Loop | None) -> tuple[list, _Jumps]:
        if isinstance(statement, gast.Break):
            loop.broke = loop.broke or self.ctx.namer.temp("broke")
            return [nodes.assign(loop.broke, nodes.constant(True, statement), like=statement)], \
                _Jumps({"break"}, True)
        if isinstance(statement, gast.Continue):
            loop.continued = loop.continued or self.ctx.namer.temp("continued")
            flag = nodes.assign(loop.continued, nodes.constant(True, statement), like=statement)
            return [flag], _Jumps({"continue"}, True)
        if isinstance(statement, gast.Return) and self.rewrite_returns:
            value = statement.value if statement.value is not None else nodes.constant(None)
            result = nodes.assign(self.retval, value, like=statement)
            setanno(result, Anno.RETURN_VALUE, True)
            return [result,
                    nodes.assign(self.returned, nodes.constant(True, statement), like=statement)], \
                _Jumps({"return"}, True)
        if isinstance(statement, gast.Raise):
            return [statement], _Jumps(set(), True)  # nothing after it runs
        if isinstance(statement, gast.If):
            statement.body, body_jumps = self.block(statement.body, loop)
            statement.orelse, else_jumps = self.block(statement.orelse, loop)
            self.branch_jumps[id(statement)] = (body_jumps, else_jumps)
            jumps = _Jumps(body_jumps.kinds | else_jumps.kinds,
                           body_jumps.always and else_jumps.always)
            return [statement], jumps
        if isinstance(statement, (gast.For, gast.While)):
            return self.loop(statement)
        return [statement], _Jumps()

    def loop(self, statement: gast.For | gast.While) -> tuple[list, _Jumps]:
        flags = _Loop()
        body, jumps = self.block(statement.body, flags)
        before = []
        if flags.continued:
            reset = nodes.assign(flags.continued, nodes.constant(False, statement), like=statement)
            body = [reset, *body]
        exits = [name for name in (flags.broke,
                                   self.returned if "return" in jumps.kinds else None)
                 if name]
        if flags.broke:
            before.append(nodes.assign(flags.broke, nodes.constant(False, statement),
                                       like=statement))
        if exits:
            test = _any_of(exits, statement)
            tail = gast.copy_location(gast.If(test=test, body=[gast.Break()], orelse=[]),
                                      statement)
            nodes.copy_location(tail.body[0], statement)
            body = [*body, tail]
        condition = getanno(statement, Anno.LOOP_CONDITION)
        statement.body = body if condition is None else [*body, condition]
        outward = _Jumps({"return"} if "return" in jumps.kinds else set(), False)
        return [*before, statement], outward

    def _guard(self, kinds: set[str], loop: _Loop | None, like: gast.stmt) -> gast.expr:
        flags = []
        if "break" in kinds and loop is not None and loop.broke:
            flags.append(loop.broke)
        if "continue" in kinds and loop is not None and loop.continued:
            flags.append(loop.continued)
        if "return" in kinds:
            flags.append(self.returned)
        return gast.UnaryOp(op=gast.Not(), operand=_any_of(flags, like))


def _any_of(names: list[str], like: gast.AST) -> gast.expr:
    if len(names) == 1:
        return nodes.name(names[0], like=like)
    return nodes.copy_location(gast.BoolOp(op=gast.Or(), values=[nodes.name(n, like=like)
                                                                 for n in names]), like)


def _has_inner_return(body: list[gast.stmt]) -> bool:
    for position, statement in enumerate(body):
        if isinstance(statement, gast.FunctionDef):
            continue
        for node in nodes.walk(statement):
            if isinstance(node, gast.Return) and not (node is statement
                                                      and position == len(body) - 1):
                return True
    return False


def _stored_in(statements: list[gast.stmt]) -> set[str]:
    return {node.id for statement in statements for node in nodes.walk(statement)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store)}


def _is_call_to(expr: gast.expr, name: str) -> bool:
    """``name(...)`` with no keywords (``zip`` may say ``strict=``)."""
    if not (isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name)
            and expr.func.id == name):
        return False
    allowed = {"strict"} if name == "zip" else set()
    return all(keyword.arg in allowed for keyword in expr.keywords)


def _store(target: gast.expr) -> gast.expr:
    target = nodes.copy_tree(target)
    for node in nodes.walk(target):
        if isinstance(node, (gast.Name, gast.Tuple)):
            node.ctx = gast.Store()
    return target


def _substitute(statement: gast.stmt, name: str, value: gast.expr) -> gast.stmt:
    class Substitute(gast.NodeTransformer):
        def visit_Name(self, node: gast.Name) -> Any:
            if node.id == name and isinstance(node.ctx, gast.Load):
                return nodes.copy_location(nodes.copy_tree(value), node)
            return node

    return Substitute().visit(statement)


__all__ = ["MISSING", "Structure"]
