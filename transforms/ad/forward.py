"""Forward mode: each active statement is followed by the statement computing its tangent.

Input: structured, ANF, SSA function with ``Resolution`` and ``ActivityResult``. Output: the
module body becomes one function ``jvp_<f>(params, *, x_dot, ...)`` returning ``(value,
value_dot)``. The tangent of ``v`` is ``v_dot``; a statement's tangent is the sum of the JVP
rule contributions of its arguments that carry tangents. Control flow needs no tape in forward
mode: branches and loops keep their structure and tangents are updated alongside the values.
Tangents of arrays and numbers accumulate with ``+`` (``_rt.add`` for containers); the back end
(``opt/backend.py``) then cleans up the function as it does gradients.
"""

from __future__ import annotations

from typing import Any

import gast

from ...errors import Loc, NoGradientRuleError, UnsupportedSyntaxError
from ..analysis.activity import Activity, ActivityResult, differentiable_inputs, stored_names
from ..analysis.names import LocalNames
from ..analysis.shapes import ShapeAnalysis, ShapeClasses
from ..frontend.parse import SourceUnavailableError
from ..frontend.resolve import (
    Kind,
    Operation,
    Resolution,
    Resolve,
    library_message,
    operand_key,
    runtime_callee_message,
)
from ..ir import nodes
from ..ir.annotations import RUNTIME, Anno, getanno
from ..passmanager import CodeFacts, GradientSummary, PassContext, Transformation
from .emission import Emission
from .reverse import _opaque_message, check_constant_argument


class Forward(Transformation):
    """Build the tangent (JVP) function.

    >>> from autodiff.transforms.testing import tangent_source
    >>> print(tangent_source("def f(x, w):\\n    return np.tanh(x * w)", wrt=("w",)))
    def jvp_f_wrt_w(x, w, *, w_dot):
        # <doctest>:2  return np.tanh(x * w)
        _mul1 = x * w
        _mul1_dot = _rt.multiply_jvp_rhs(w_dot, _mul1, x, w)
        _tanh2 = np.tanh(_mul1)
        _tanh2_dot = _mul1_dot * (1.0 - _tanh2 * _tanh2)
        return (_tanh2, _tanh2_dot)
    """

    name = "forward"
    requires = (Resolve, Activity, ShapeAnalysis)

    def run(self, ctx: PassContext) -> bool:
        builder = _TangentBuilder(ctx, ctx.analysis(Resolve), ctx.analysis(Activity),
                                  ctx.analysis(ShapeAnalysis))
        ctx.tree.body = [builder.build()]
        ctx.code = builder.code_facts()
        return True


class _TangentBuilder(Emission):
    def __init__(self, ctx: PassContext, resolution: Resolution,
                 activity: ActivityResult, shapes: ShapeClasses) -> None:
        self.ctx = ctx
        self.resolution = resolution
        self.activity = activity
        self.shapes = shapes
        self.locals = ctx.analysis(LocalNames).local - set(ctx.request.constants)
        self.active = activity.varied & activity.useful
        self.primal_of: dict[str, str] = {}  # tangent name -> its primal
        self.array_keys = self._array_valued() | set(shapes.concrete)
        ctx.namer.reserve([self.generated_name()])

    def code_facts(self) -> CodeFacts:
        """Tangents are never dropped values, nor released (the function returns them)."""
        arrays = {tangent for tangent, primal in self.primal_of.items()
                  if primal in self.array_keys}
        return CodeFacts(set(self.primal_of), arrays, self.fits_in_place, lambda _: False,
                         self.fold_broadcasts)

    def build(self) -> gast.FunctionDef:
        function = self.ctx.function
        body, ret = function.body[:-1], function.body[-1]
        new_body = self.block(body)
        args = function.args
        for param in (arg.id for arg in args.posonlyargs + args.args + args.kwonlyargs):
            if param in self.activity.varied and param not in self.ctx.request.wrt:
                zeros = nodes.library_call(RUNTIME, "zeros_like", [nodes.name(param)])
                new_body.insert(0, nodes.assign(self.tangent(param), zeros, like=function))
        value_dot = self.output_tangent(ret.value)
        result = nodes.tuple_([ret.value, value_dot], like=ret)
        args = _bare_arguments(function.args)
        for param in self.ctx.request.wrt:
            args.kwonlyargs.append(nodes.name(self.tangent(param)))
            args.kw_defaults.append(None)
        tangent_params = tuple(self.tangent(param) for param in self.ctx.request.wrt)
        output_varied = any(isinstance(node, gast.Name) and node.id in self.activity.varied
                            for node in nodes.walk(ret.value))
        self.ctx.summary = GradientSummary(tangent_params, isinstance(ret.value, gast.Tuple), (),
                                           tuple(self.ctx.guards), output_varied)
        return nodes.function_def(self.generated_name(), args,
                                  [*new_body, nodes.return_(result, like=ret)], like=function)

    def generated_name(self) -> str:
        base = f"jvp_{self.ctx.source.name}"
        args = self.ctx.function.args
        every = [arg.id for arg in args.posonlyargs + args.args]
        wrt = list(self.ctx.request.wrt)
        if wrt == every or (self.ctx.request.split and set(wrt) == set(every)):
            return base
        suffix = "_".join(wrt)
        return f"{base}_wrt_{suffix}" if suffix else base

    def tangent(self, key: str) -> str:
        name = self.ctx.namer.tangent(key)
        self.primal_of.setdefault(name, key)
        return name

    # ---- statements --------------------------------------------------------------------------
    def block(self, statements: list[gast.stmt]) -> list[gast.stmt]:
        result: list[gast.stmt] = []
        for statement in statements:
            result.extend(self.statement(statement))
        return result

    def statement(self, statement: gast.stmt) -> list[gast.stmt]:
        if isinstance(statement, gast.If):
            statement.body = self.block(statement.body) or [gast.Pass()]
            statement.orelse = self.block(statement.orelse)
            return [statement]
        if isinstance(statement, (gast.For, gast.While)):
            statement.body = self.block(statement.body) or [gast.Pass()]
            return [statement]
        if not isinstance(statement, gast.Assign):
            return [statement]
        if not any(name in self.active for name in stored_names(statement)):
            return [statement]
        operation = self.resolution.of(statement)
        if operation.kind is Kind.USER:
            return self.user_call(statement, operation)
        return [statement, *self.tangent_statements(statement, operation)]

    def tangent_statements(self, statement: gast.Assign, operation: Operation) -> list:
        names = stored_names(statement)
        if operation.kind is Kind.UNPACK:
            source = self.tangent_of(operation.args[0])
            targets = nodes.tuple_([nodes.name(self.tangent(n), store=True) for n in names],
                                   store=True)
            value = source if source is not None else nodes.library_call(
                RUNTIME, "zeros_like", [nodes.copy_tree(operation.args[0])])
            return [nodes.assign(targets, value, like=statement)]
        contributions = self.contributions(statement, operation)
        target = self.tangent(names[0])
        primal = nodes.name(names[0])
        if not contributions:
            zeros = nodes.library_call(RUNTIME, "zeros_like", [primal])
            return [nodes.assign(target, zeros, like=statement)]
        result = [nodes.assign(target, contributions[0], like=statement)]
        for contribution in contributions[1:]:
            if names[0] in self.array_keys:  # arrays and numbers add with `+`
                total = nodes.binop(nodes.name(target), gast.Add(), contribution)
            else:
                total = nodes.library_call(RUNTIME, "add", [nodes.name(target), contribution])
            result.append(nodes.assign(target, total, like=statement))
        return result

    def contributions(self, statement: gast.Assign, operation: Operation) -> list[gast.expr]:
        kind = operation.kind
        if kind is Kind.COPY:
            found = self.tangent_of(operation.args[0])
            return [] if found is None else [found]
        if kind is Kind.BUILD:
            if not any(self.tangent_of(arg) is not None for arg in operation.args):
                return []
            items = [self.tangent_of(arg) or nodes.library_call(
                RUNTIME, "zeros_like", [nodes.copy_tree(arg)])
                     for arg in operation.args]
            build = nodes.list_ if isinstance(statement.value, gast.List) else nodes.tuple_
            return [build(items)]
        if kind is Kind.PRIMITIVE:
            return self.primitive_contributions(statement, operation)
        if kind in (Kind.UNKNOWN, Kind.OPAQUE) and any(
                self.tangent_of(arg) is not None for arg in differentiable_inputs(operation)):
            self.raise_unsupported(statement, operation)
        return []

    def primitive_contributions(self, statement, operation) -> list[gast.expr]:
        entry = self.ctx.rules.lookup_jvp(operation.callee)
        result = []
        primal = nodes.name(stored_names(statement)[0])
        for position, arg in enumerate(operation.args):
            tangent = self.tangent_of(arg)
            if tangent is None:
                continue
            if operation.entry.rule_for(position) is None:
                check_constant_argument(operation, position, operand_key(arg, self.locals),
                                        self.loc(statement))
                continue
            rule = entry.rule_for(position) if entry is not None else None
            if rule is None:
                raise NoGradientRuleError(
                    f"{operation.display} has a reverse-mode rule but no forward-mode rule "
                    f"for argument {position}; register one with autodiff.defjvp",
                    self.loc(statement))
            values = [tangent, primal, *operation.args]
            inline = self.ctx.rules.inline(rule)
            if inline is not None and not operation.keywords \
                    and len(inline.params) == len(values):
                result.append(nodes.substitute(inline.expression,
                                               dict(zip(inline.params, values, strict=True))))
            else:
                result.append(self.rule_call(rule, [nodes.copy_tree(v) for v in values],
                                             nodes.copy_tree(operation.keywords),
                                             operation.callee, position))
        for keyword in operation.keywords:
            if self.tangent_of(keyword.value) is not None:
                raise UnsupportedSyntaxError(
                    f"{operation.display} receives a differentiated value through the keyword "
                    f"{keyword.arg!r}, which has no rule; pass it positionally",
                    self.loc(statement))
        return result

    def tangent_of(self, expr: gast.expr) -> gast.expr | None:
        key = operand_key(expr, self.locals)
        if key is None or key not in self.activity.varied or (key not in self.locals \
                and key not in self.ctx.request.wrt):
            return None
        return nodes.name(self.tangent(key))

    def output_tangent(self, value: gast.expr) -> gast.expr:
        if isinstance(value, gast.Tuple):
            return nodes.tuple_([self.output_tangent(item) for item in value.elts])
        found = self.tangent_of(value)
        if found is not None:
            return found
        return nodes.library_call(RUNTIME, "zeros_like", [nodes.copy_tree(value)])

    # ---- calls to user functions -------------------------------------------------------------
    def user_call(self, statement: gast.Assign, operation: Operation) -> list[gast.stmt]:
        wrt, tangents = [], []
        for arg, param in zip(differentiable_inputs(operation), operation.params, strict=True):
            tangent = self.tangent_of(arg)
            if tangent is not None and param not in wrt:
                wrt.append(param)
                tangents.append(tangent)
        if not wrt:
            return [statement, *self.tangent_statements(statement, operation)]
        try:
            unit = self.ctx.callees.unit(operation.callee, tuple(wrt), self.ctx.request,
                                            operation.constants)
        except SourceUnavailableError:
            raise NoGradientRuleError(
                f"{operation.display} has no gradient rule and no Python source to "
                "differentiate; register one with autodiff.defjvp", self.loc(statement)) from None
        jvp = self.bind(unit.function, unit.function.__name__)
        call = statement.value
        args = list(call.args) if operation.receiver is None else [operation.receiver, *call.args]
        keywords = [*call.keywords, *(nodes.keyword(name, tangent) for name, tangent
                                      in zip(unit.seeds, tangents, strict=True))]
        target = stored_names(statement)[0]
        targets = nodes.tuple_([nodes.name(target, store=True),
                                nodes.name(self.tangent(target), store=True)], store=True)
        new_call = nodes.call(nodes.name(jvp, like=call), args, keywords, like=call)
        return [nodes.assign(targets, new_call, like=statement)]

    def bind(self, obj: Any, preferred: str) -> str:
        for name, bound in self.ctx.bindings.items():
            if bound is obj:
                return name
        name = self.ctx.namer.fresh(preferred)
        self.ctx.bindings[name] = obj
        return name

    def loc(self, statement: gast.stmt) -> Loc:
        origin = getanno(statement, Anno.ORIGIN)
        if origin is None:
            return self.ctx.source.location
        return Loc(origin.filename, origin.lineno, origin.col)

    def raise_unsupported(self, statement: gast.stmt, operation: Operation) -> None:
        if operation.kind is Kind.OPAQUE:
            raise UnsupportedSyntaxError(_opaque_message(operation), self.loc(statement))
        what = operation.display or "this operation"
        if operation.runtime_callee or operation.library:
            message = runtime_callee_message if operation.runtime_callee else library_message
            raise NoGradientRuleError(message(operation), self.loc(statement))
        raise NoGradientRuleError(
            f"{what} has no gradient rule and no Python source to differentiate; register one "
            f"with autodiff.defjvp({what}, ...) or wrap it in autodiff.stop_gradient(...)",
            self.loc(statement))


def _bare_arguments(args: gast.arguments) -> gast.arguments:
    def bare(params: list[gast.Name]) -> list[gast.Name]:
        return [nodes.name(param.id, like=param) for param in params]

    return gast.arguments(
        args=bare(args.args), posonlyargs=bare(args.posonlyargs), vararg=None,
        kwonlyargs=bare(args.kwonlyargs), kw_defaults=[None] * len(args.kwonlyargs),
        kwarg=None, defaults=[])
