"""Reverse mode: the forward sweep, then one adjoint block per active statement, in reverse.

Two passes: ``adjoints`` builds the backward sweep (``GradientBuilder.differentiate``), then,
after the ``rematerialize`` pass has decided what the tape need not save, ``reverse`` places
the tape and builds the functions (``GradientBuilder.finish``); the builder waits in
``ctx.pending`` in between. The back end (``opt/backend.py``) cleans up what they generate.

Input: structured, ANF, SSA function with ``Resolution`` and ``ActivityResult``. Output: the
module body becomes either one joint gradient function ``grad_<f>(params, *, d<out>=None)``
returning ``(value, (gradients...))``, or (``request.split``) a pair ``fwd_<f>(params) ->
(value, saved)`` and ``bwd_<f>(saved, d<out>) -> gradients`` for callers.

Adjoints: the first contribution to an adjoint assigns it and later ones add (``_rt.add``);
nothing is updated in place and inactive statements get no adjoint code. Control flow is
mirrored: a branch is replayed on the condition the forward sweep computed, a loop is replayed
backwards (``reversed(range(...))``, or a trip count for ``while``). Inside loops, a statement
that overwrites a value the backward sweep reads first pushes the old value on ``_tape``; the
backward sweep pops it right after that statement's adjoint, so every adjoint sees the values
its statement saw. Only values the backward sweep reads are pushed.
"""

from __future__ import annotations

import copy
from typing import Any

import gast

from ...errors import Loc, NoGradientRuleError, UnsupportedSyntaxError
from ..analysis.activity import (
    Activity,
    ActivityResult,
    assignments,
    differentiable_inputs,
    is_constant_argument,
    stored_names,
)
from ..analysis.names import LocalNames
from ..analysis.shapes import ShapeAnalysis
from ..frontend.parse import SourceUnavailableError
from ..frontend.resolve import (
    Kind,
    Operation,
    Resolution,
    Resolve,
    library_message,
    operand_key,
    registration_name,
    runtime_callee_message,
)
from ..ir import nodes
from ..ir.annotations import RUNTIME, Anno, getanno, setanno
from ..passmanager import CodeFacts, GradientSummary, PassContext, Transformation
from .control_flow import ControlFlow, Restore
from .emission import Emission

BACKWARD_MARKER = "---- backward ----"


class Adjoints(Transformation):
    """Build the backward sweep: one adjoint block per active statement, in reverse order,
    with control flow mirrored and, inside loops, ``_restore(...)`` markers where overwritten
    values come back off the tape (placed by ``Reverse``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x):\\n    for i in range(3):\\n        x = np.sin(x)\\n"
    ...                    "    return x", "adjoints"))
    # forward sweep (tape pushes not placed yet)
    for i in range(3):
        _sin1 = np.sin(x)
        x = _sin1
    # ---- backward ----
    dx = _rt.seed(x, dx)
    for i in reversed(range(3)):
        d_sin1 = dx
        _restore(x)
        dx = d_sin1 * _np.cos(x)
        _restore(_sin1)
    """

    name = "adjoints"
    requires = (Resolve, Activity, ShapeAnalysis)

    def run(self, ctx: PassContext) -> bool:
        builder = GradientBuilder(ctx, ctx.analysis(Resolve), ctx.analysis(Activity))
        builder.shapes = ctx.analysis(ShapeAnalysis)
        builder.array_keys |= set(builder.shapes.concrete)  # a proven shape: an array
        builder.differentiate()
        ctx.pending = builder
        return True


class Reverse(Transformation):
    """Place the tape pushes and pops, then build the gradient function(s).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x):\\n    for i in range(3):\\n        x = np.sin(x)\\n"
    ...                    "    return x", "reverse"))
    def grad_f(x, *, dx=None):
        _tape = []
        for i in range(3):
            _sin1 = np.sin(x)
            _tape.append(x)
            x = _sin1
        _value = x
        # ---- backward ----
        dx = _rt.seed(x, dx)
        for i in reversed(range(3)):
            d_sin1 = dx
            x = _tape.pop()
            dx = d_sin1 * _np.cos(x)
        return (_value, (dx,))
    """

    name = "reverse"

    def run(self, ctx: PassContext) -> bool:
        builder = ctx.pending
        ctx.tree.body = builder.finish()
        ctx.code = builder.code_facts()
        ctx.pending = None
        return True


class GradientBuilder(ControlFlow, Emission):
    """Builds the gradient of one function; control flow lives in ``ControlFlow``."""

    def __init__(self, ctx: PassContext, resolution: Resolution,
                 activity: ActivityResult) -> None:
        super().__init__()
        self.ctx = ctx
        self.request = ctx.request
        self.resolution = resolution
        self.activity = activity
        self.locals = ctx.analysis(LocalNames).local - set(ctx.request.constants)
        self.calls: dict[int, tuple[str, Any, str]] = {}  # id(stmt) -> (saved, unit, bwd name)
        self.weight_adjoints: dict[int, str] = {}
        self.weights_returned: tuple[int, ...] = ()
        self.array_keys = self._array_valued()
        # a callee's functions may share our name (another instance's method): never shadow
        ctx.namer.reserve(self.generated_name(prefix) for prefix in ("grad", "fwd", "bwd"))
        # generated code may itself be differentiated: our own names must not clash with it
        self.tape = ctx.namer.fresh("_tape")
        self.saved_name = ctx.namer.fresh("_saved")
        self.dout_name = ctx.namer.fresh("_dout")

    def differentiate(self) -> None:
        """The backward sweep, with restore markers and without the replays it does not need."""
        function = self.ctx.function
        self.body, self.ret = function.body[:-1], function.body[-1]
        for statement in assignments(self.body):
            self.rewrite_call(statement)
        self.name_trip_counters(self.body)
        self.drop_value = self.value_unneeded()
        self.seeds = self.seed_statements(self.ret)
        backward = self.backward_block(self.body)
        self.returned = self.gradients()
        self.backward = self.prune_replays(backward, [*self.seeds, *self.returned])

    def finish(self) -> list[gast.FunctionDef]:
        """The gradient function (or the fwd/bwd pair), with the tape in place."""
        ret, seeds, gradients = self.ret, self.seeds, self.returned
        backward, forward = self.place_tape(self.body, self.backward)
        forward = _without_unused_helpers(forward, [*forward, *backward, ret])
        output_varied = any(_names_in(ret.value) & self.activity.varied)
        self.ctx.summary = GradientSummary(self.seed_names(ret, seeds),
                                           isinstance(ret.value, gast.Tuple),
                                           self.weights_returned, tuple(self.ctx.guards),
                                           output_varied)
        if self.request.split:
            return self.split(forward, seeds, backward, ret, gradients)
        return [self.joint(forward, seeds, backward, ret, gradients)]

    def code_facts(self) -> CodeFacts:
        weights = set(self.weight_adjoints.values())
        arrays = {adjoint for adjoint, primal in self.primal_of.items()
                  if primal in self.array_keys}
        releasable: set[str] = set()
        if self.request.shapes:
            proven = {name for name, shape in self.shapes.concrete.items() if shape}
            releasable = proven | {adjoint for adjoint, primal in self.primal_of.items()
                                   if primal in proven}
        return CodeFacts(set(self.primal_of) | weights, arrays | weights, self.fits_in_place,
                         self.is_pure, self.fold_broadcasts, self.drop_value,
                         distinct_returns=True, releasable=releasable)

    def sections(self) -> list[tuple[str, list[gast.stmt]]]:
        """The sweep under construction, for ``AUTODIFF_PRINT_AFTER``: the forward sweep, and
        the backward sweep with ``_restore(names)`` where values come back off the tape."""
        return [("forward sweep (tape pushes not placed yet)", list(self.body)),
                (BACKWARD_MARKER, [*self.seeds, *_shown_markers(self.backward)])]

    def joint(self, forward, seeds, backward, ret, gradients) -> gast.FunctionDef:
        function = self.ctx.function
        args = _without_defaults(function.args)
        for seed in seeds:
            if not isinstance(seed.value, gast.Constant):  # a sensitivity may be passed
                args.kwonlyargs.append(nodes.name(seed.targets[0].id))
                args.kw_defaults.append(nodes.constant(None))
        marker = nodes.comment(BACKWARD_MARKER)
        setanno(marker, Anno.BACKWARD, True)
        value, keep = ret.value, []
        if self.drop_value:
            value = nodes.constant(None)
        elif _names_in(ret.value) & self.pushed:
            # the backward sweep restores overwritten values: keep the result first
            value = nodes.name(self.ctx.namer.fresh("_value"))
            keep = [nodes.assign(value.id, ret.value, like=ret)]
        result = nodes.tuple_([value, nodes.tuple_(gradients)], like=ret)
        body = [*forward, *keep, marker, *seeds, *backward, nodes.return_(result, like=ret)]
        return nodes.function_def(self.generated_name("grad"), args, body, like=function)

    def split(self, forward, seeds, backward, ret, gradients) -> list[gast.FunctionDef]:
        function = self.ctx.function
        result = gradients[0] if len(gradients) == 1 else nodes.tuple_(gradients)
        residuals = _residuals(function.args, forward, [*backward, nodes.expr(result)])
        top_level = _assigned_at_top(function.args, forward)
        predefined = [nodes.assign(name, nodes.constant(None), like=function)
                      for name in residuals if name not in top_level]
        saved = nodes.tuple_([nodes.name(name) for name in residuals])
        fwd_body = [*predefined, *forward, nodes.return_(nodes.tuple_([ret.value, saved]),
                                                         like=ret)]
        fwd = nodes.function_def(self.generated_name("fwd"), _without_defaults(function.args),
                                 fwd_body, like=function)
        seed_param, seed_unpack = self.split_seed(ret, seeds)
        bwd_body = []
        if residuals:
            targets = nodes.tuple_([nodes.name(name, store=True) for name in residuals],
                                   store=True)
            bwd_body.append(nodes.assign(targets, nodes.name(self.saved_name), like=function))
        if self.tape in residuals:  # the backward pops: keep the saved tape reusable
            copied = nodes.subscript(nodes.name(self.tape),
                                     gast.Slice(lower=None, upper=None, step=None))
            bwd_body.append(nodes.assign(self.tape, copied, like=function))
        bwd_body += [*seed_unpack, *backward, nodes.return_(result, like=ret)]
        setanno(bwd_body[0], Anno.BACKWARD, True)
        bwd = nodes.function_def(self.generated_name("bwd"),
                                 nodes.arguments([self.saved_name, seed_param]), bwd_body,
                                 like=function)
        return [fwd, bwd]

    def split_seed(self, ret: gast.Return, seeds: list) -> tuple[str, list]:
        """The backward's sensitivity parameter, and the statement unpacking it if a tuple."""
        if not isinstance(ret.value, gast.Tuple):
            if seeds:
                return seeds[0].targets[0].id, []
            return self.dout_name, []
        seeded = {seed.targets[0].id for seed in seeds}
        targets = []
        for leaf in ret.value.elts:
            adjoint = self.adjoint_name(leaf.id) if isinstance(leaf, gast.Name) else None
            targets.append(nodes.name(adjoint if adjoint in seeded else "_", store=True))
        unpack = nodes.assign(nodes.tuple_(targets, store=True), nodes.name(self.dout_name),
                              like=ret)
        return self.dout_name, [unpack]

    def seed_names(self, ret: gast.Return, seeds: list) -> tuple[str | None, ...]:
        seeded = {seed.targets[0].id for seed in seeds}
        leaves = ret.value.elts if isinstance(ret.value, gast.Tuple) else [ret.value]
        names = []
        for leaf in leaves:
            adjoint = self.adjoint_name(leaf.id) if isinstance(leaf, gast.Name) else None
            names.append(adjoint if adjoint in seeded else None)
        return tuple(names)

    def generated_name(self, prefix: str) -> str:
        base = f"{prefix}_{self.ctx.source.name}"
        if self._wrt_everything():
            return base
        wrt = [*self.request.wrt, *self.request.weight_names]
        suffix = "_".join(name for name in wrt if name.isidentifier())
        return f"{base}_wrt_{suffix}" if suffix else base

    def _wrt_everything(self) -> bool:
        args = self.ctx.function.args
        every = [arg.id for arg in args.posonlyargs + args.args]
        if self.request.split:
            return set(self.request.wrt) == set(every) and not self.request.weight_ids
        return list(self.request.wrt) == every and not self.request.weight_ids

    # ---- calls to user functions -------------------------------------------------------------
    def rewrite_call(self, statement: gast.Assign) -> None:
        """``h = dense(x, w)`` -> ``h, _dense_saved1 = fwd_dense(x, w)`` when it is active."""
        if not self.activity.is_active(statement):
            return
        operation = self.resolution.of(statement)
        if operation.kind is not Kind.USER:
            return
        unit = self.callee_unit(statement, operation)
        if unit is None:
            return
        fwd = self.bind(unit.forward, unit.forward.__name__)
        bwd = self.bind(unit.backward, unit.backward.__name__)
        saved = self.ctx.namer.temp(f"{unit.name}_saved")
        self.calls[id(statement)] = (saved, unit, bwd)
        call = statement.value
        args = list(call.args) if operation.receiver is None else [operation.receiver, *call.args]
        statement.value = nodes.call(nodes.name(fwd, like=call), args, call.keywords, like=call)
        statement.targets = [nodes.tuple_([statement.targets[0],
                                           nodes.name(saved, store=True)], store=True)]

    def callee_unit(self, statement: gast.Assign, operation: Operation) -> Any:
        varied = self.activity.varied
        wrt = []
        for arg, param in zip(differentiable_inputs(operation), operation.params, strict=True):
            key = operand_key(arg, self.locals)
            if key is not None and key in varied and param not in wrt:
                wrt.append(param)
        try:
            unit = self.ctx.callees.unit(operation.callee, tuple(wrt), self.request,
                                            operation.constants)
        except SourceUnavailableError:
            raise NoGradientRuleError(_no_rule_message(operation), self.loc(statement)) from None
        if not unit.wrt and not unit.weight_ids:
            return None
        return unit

    def bind(self, obj: Any, preferred: str) -> str:
        for name, bound in self.ctx.bindings.items():
            if bound is obj:
                return name
        name = self.ctx.namer.fresh(preferred)
        self.ctx.bindings[name] = obj
        return name

    # ---- seeds and gradients -----------------------------------------------------------------
    def seed_statements(self, ret: gast.Return) -> list[gast.Assign]:
        seeds = []
        first_only = self.request.has_aux and not isinstance(ret.value, gast.Tuple)
        helper = "seed_aux" if first_only else "seed"
        for leaf in self.activity.seeds:
            if leaf not in self.activity.useful:
                continue
            adjoint = self.adjoint_name(leaf)
            value = nodes.library_call(RUNTIME, helper, [nodes.name(leaf), nodes.name(adjoint)])
            if helper == "seed" and self.shapes.concrete.get(leaf) == ():
                # a proven scalar output (specialized code): the default sensitivity is 1.0,
                # and the joint function's only caller, the fast path, never passes another
                if self.request.split:
                    given = nodes.name(adjoint) if self.drop_value else value
                    value = gast.IfExp(test=gast.Compare(left=nodes.name(adjoint),
                                                         ops=[gast.Is()],
                                                         comparators=[nodes.constant(None)]),
                                       body=nodes.constant(1.0), orelse=given)
                else:
                    value = nodes.constant(1.0)
            statement = nodes.assign(adjoint, value, like=ret)
            setanno(statement, Anno.SEED, True)
            self.assigned(adjoint)
            seeds.append(statement)
        return seeds

    def value_unneeded(self) -> bool:
        """The caller discards the value (``request.value`` False) and every seeded output is a
        proven scalar, whose default sensitivity 1.0 needs no value to shape it."""
        if self.request.value or self.request.split or self.request.has_aux:
            return False
        return all(self.shapes.concrete.get(leaf) == () for leaf in self.activity.seeds
                   if leaf in self.activity.useful)

    def is_pure(self, statement: gast.Assign) -> bool:
        """Does computing ``statement`` do nothing but produce its value?"""
        operation = self.resolution.operations.get(id(statement))
        if operation is None:  # a statement the reverse pass made: `_add8 = None`
            return isinstance(statement.value, (gast.Constant, gast.Name))
        if operation.kind in (Kind.COPY, Kind.BUILD, Kind.UNPACK):
            return True
        if operation.kind is Kind.NONDIFFERENTIABLE and operation.callee is None:
            return True  # a constant, a comparison or a shape expression
        return operation.kind in (Kind.PRIMITIVE, Kind.NONDIFFERENTIABLE) \
            and self.ctx.rules.is_pure(operation.callee)

    def gradients(self) -> list[gast.expr]:
        values = []
        for param in self.request.wrt:
            adjoint = self.adjoint_name(param)
            if adjoint in self.defined:
                values.append(nodes.name(adjoint))
            else:
                values.append(nodes.library_call(RUNTIME, "zeros_like", [nodes.name(param)]))
        self.weights_returned = tuple(w for w in self.request.weight_ids
                                      if self.weight_adjoints.get(w) in self.defined)
        values.extend(nodes.name(self.weight_adjoints[w]) for w in self.weights_returned)
        return values

    # ---- adjoint names and contributions -----------------------------------------------------
    def adjoint_name(self, key: str) -> str:
        """``dx`` for ``x``; weights (names or chains like ``self.w``) share one accumulator."""
        weight = self.resolution.weight_names.get(key)
        if weight is None:
            adjoint = self.ctx.namer.adjoint(key)
            self.primal_of.setdefault(adjoint, key)
            return adjoint
        if weight not in self.weight_adjoints:
            readable = key.rsplit(".", 1)[-1] if key.isidentifier() is False else key
            base = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in readable)
            self.weight_adjoints[weight] = self.ctx.namer.fresh(f"d{base}")
            self.primal_of.setdefault(self.weight_adjoints[weight], key)
        return self.weight_adjoints[weight]

    def weight_adjoint_name(self, weight: int) -> str:
        if weight not in self.weight_adjoints:
            names = dict(zip(self.request.weight_ids, self.request.weight_names, strict=True))
            base = "".join(ch if ch.isalnum() else "_" for ch in names.get(weight, "weight"))
            self.weight_adjoints[weight] = self.ctx.namer.fresh(f"d{base}")
        return self.weight_adjoints[weight]

    def contribute(self, adjoint: str, value: gast.expr, like: gast.stmt) -> gast.Assign:
        if self.is_defined(adjoint):
            primal = self.primal_of.get(adjoint)
            small = getanno(value, Anno.BROADCAST)
            if small is not None and primal in self.array_keys \
                    and self.fits_in_place(adjoint, small):
                value = small  # `dx + np.full(shape, g)` is `dx + g`
            if primal in self.array_keys or adjoint in self.weight_adjoints.values():
                if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
                    value = nodes.binop(nodes.name(adjoint), gast.Sub(), value.operand)
                else:
                    value = nodes.binop(nodes.name(adjoint), gast.Add(), value)
            else:
                value = nodes.library_call(RUNTIME, "add", [nodes.name(adjoint), value])
        else:
            self.assigned(adjoint)
        return nodes.assign(adjoint, value, like=like)

    def contribute_to(self, target: gast.expr, value: gast.expr, like: gast.stmt) -> list:
        key = operand_key(target, self.locals)
        if key is None or key not in self.activity.varied:
            return []
        return [self.contribute(self.adjoint_name(key), value, like)]

    def loc(self, statement: gast.stmt) -> Loc:
        origin = getanno(statement, Anno.ORIGIN)
        if origin is None:
            return self.ctx.source.location
        return Loc(origin.filename, origin.lineno, origin.col)

    # ---- one statement -----------------------------------------------------------------------
    def assignment_adjoint(self, statement: gast.Assign) -> list[gast.stmt]:
        """The adjoint block of one assignment (statements are annotated with its origin)."""
        keep = getanno(statement, Anno.KEEP_VALUE)
        if keep is not None:  # an earlier adjoint reads this value (polynomials.py)
            kept = nodes.assign(nodes.name(keep, store=True), nodes.name(stored_names(statement)[0]),
                                like=statement)
            return [kept, *self._assignment_adjoint(statement)]
        return self._assignment_adjoint(statement)

    def _assignment_adjoint(self, statement: gast.Assign) -> list[gast.stmt]:
        if not self.activity.is_active(statement):
            return []
        operation = self.resolution.of(statement)
        if operation.kind is Kind.UNPACK:
            code = self.unpack_adjoint(statement, operation)
        else:
            output = self.adjoint_name(stored_names(statement)[0])
            if not self.read(output):
                return []  # no contribution reached this value: its adjoint is zero
            handler = {
                Kind.COPY: self.copy_adjoint,
                Kind.BUILD: self.build_adjoint,
                Kind.PRIMITIVE: self.primitive_adjoint,
                Kind.USER: self.user_adjoint,
                Kind.UNKNOWN: self.unknown_adjoint,
                Kind.OPAQUE: self.boolop_adjoint,
            }.get(operation.kind)
            code = [] if handler is None else handler(statement, operation, output)
        for name in stored_names(statement):
            self.consumed(self.adjoint_name(name))
        return code

    def copy_adjoint(self, statement, operation, output) -> list:
        return self.contribute_to(operation.args[0], nodes.name(output), statement)

    def build_adjoint(self, statement, operation, output) -> list:
        adjoints = []
        for index, element in enumerate(operation.args):
            item = nodes.subscript(nodes.name(output), nodes.constant(index), like=statement)
            adjoints.extend(self.contribute_to(element, item, statement))
        return adjoints

    def unpack_adjoint(self, statement, operation) -> list:
        items, any_defined = [], False
        for name in stored_names(statement):
            adjoint = self.adjoint_name(name)
            if self.read(adjoint):
                items.append(nodes.name(adjoint))
                any_defined = True
            else:
                items.append(nodes.library_call(RUNTIME, "zeros_like", [nodes.name(name)]))
        if not any_defined:
            return []
        return self.contribute_to(operation.args[0], nodes.tuple_(items), statement)

    def primitive_adjoint(self, statement, operation, output) -> list:
        self.check_keywords(statement, operation)
        polynomial = getanno(statement, Anno.POLYNOMIAL)
        if polynomial is not None:  # a polynomial p(y): g * p'(y) (polynomials.py)
            variable, factors = polynomial
            partial = nodes.name(output)
            for factor in factors:
                partial = nodes.binop(partial, gast.Mult(), self.polynomial_factor(factor))
            # p(y) has y's shape (its other operands are numbers), so g * p'(y) has it too
            setanno(partial, Anno.SHAPE_CLASS, self.expression_class(nodes.name(variable), {}))
            return self.contribute_to(nodes.name(variable), partial, statement)
        primal = nodes.name(stored_names(statement)[0])
        partials: list[tuple[gast.expr, gast.expr]] = []
        for position, arg in enumerate(operation.args):
            rule = operation.entry.rule_for(position)
            key = operand_key(arg, self.locals)
            if key is None or key not in self.activity.varied:
                continue
            if rule is None:
                check_constant_argument(operation, position, key, self.loc(statement))
                continue
            values = [nodes.name(output), primal, *operation.args]
            call = self.specialized(rule, values, operation) \
                or self.inlined(rule, values, operation) or self.rule_call(
                rule, self.rule_arguments(rule, values), nodes.copy_tree(operation.keywords),
                operation.callee, position)
            partials.append((arg, call))
        partials = _merge_equal_partials(partials, self.locals)
        ones = getanno(statement, Anno.ONES_FACTOR)
        if ones is not None:  # `w * x` with w all ones (simplify.py): x's partial is g itself
            partials = [(arg, nodes.drop_factor(call, ones)) for arg, call in partials]
        product = getanno(statement, Anno.PRODUCT_RULE)
        if product is not None:  # `s * x` with s = f(x) (simplify.py): x's total derivative
            partials = [(arg, self.product_partial(call, *product)) for arg, call in partials]
        adjoints = []
        for arg, call in partials:
            adjoints.extend(self.contribute_to(arg, call, statement))
        return adjoints

    def polynomial_factor(self, factor: gast.expr) -> gast.expr:
        """A copy of ``factor``; a name kept from a later statement has that value's shape."""
        copy = nodes.copy_tree(factor)
        source = getanno(factor, Anno.KEEP_VALUE)
        if source is not None:
            setanno(copy, Anno.SHAPE_CLASS, self.expression_class(nodes.name(source), {}))
        return copy

    def product_partial(self, call: gast.expr, s: str, x: str, inner: Operation) -> gast.expr:
        """``g * s`` -> ``g * (s + x * f'(x))`` for ``m = s * x`` with ``s = f(x)``: f's rule
        applied to ``x`` as its adjoint (rules of unary ufuncs are linear in it)."""
        rule = inner.entry.rule_for(0)
        values = [nodes.name(x), nodes.name(s), nodes.name(x)]
        derivative = self.inlined(rule, values, inner) or self.rule_call(
            rule, self.rule_arguments(rule, values), [], inner.callee, 0)
        return nodes.substitute(call, {s: nodes.binop(nodes.name(s), gast.Add(), derivative)})

    def check_keywords(self, statement, operation) -> None:
        for keyword in operation.keywords:
            key = operand_key(keyword.value, self.locals)
            if key is not None and key in self.activity.varied:
                raise UnsupportedSyntaxError(
                    f"{operation.display} receives the differentiated value {key!r} "
                    f"through the keyword {keyword.arg!r}, which has no gradient rule; "
                    "pass it positionally", self.loc(statement))

    def user_adjoint(self, statement, operation, output) -> list:
        if id(statement) not in self.calls:
            return []
        saved, unit, bwd = self.calls[id(statement)]
        call = nodes.call(nodes.name(bwd), [nodes.name(saved), nodes.name(output)])
        arguments = {}
        for param, arg in zip(operation.params, differentiable_inputs(operation), strict=True):
            arguments.setdefault(param, arg)
        keys = [operand_key(arguments[param], self.locals) for param in unit.wrt]
        adjoint_names = [self.adjoint_name(key) for key in keys]
        adjoint_names += [self.weight_adjoint_name(w) for w in unit.weight_ids]
        fresh = len(set(adjoint_names)) == len(adjoint_names) \
            and not any(self.is_defined(name) for name in adjoint_names)
        if fresh:
            for name in adjoint_names:
                self.assigned(name)
            return [nodes.assign(_store_targets(adjoint_names), call, like=statement)]
        temps = [self.ctx.namer.temp(name) for name in adjoint_names]
        adjoints = [nodes.assign(_store_targets(temps), call, like=statement)]
        for adjoint, temp in zip(adjoint_names, temps, strict=True):
            adjoints.append(self.contribute(adjoint, nodes.name(temp), statement))
        return adjoints

    def unknown_adjoint(self, statement, operation, output) -> list:
        method = getattr(operation.callee, "name", None)
        runtime_receiver = isinstance(method, str) and operation.callee is not None \
            and not self.ctx.rules.is_array_method(method)
        raise NoGradientRuleError(_no_rule_message(operation, runtime_receiver),
                                  self.loc(statement))

    def boolop_adjoint(self, statement, operation, output) -> list:
        raise UnsupportedSyntaxError(_opaque_message(operation), self.loc(statement))

    def restore_marker(self, statement: gast.Assign) -> Restore:
        return Restore(stored_names(statement), statement)

    def is_active_statement(self, statement: gast.stmt) -> bool:
        return self.activity.is_active(statement)


def _shown_markers(statements: list[Any]) -> list[gast.stmt]:
    """Copies of ``statements`` with each ``Restore`` shown as a ``_restore(names)`` call."""
    shown: list[gast.stmt] = []
    for statement in statements:
        if isinstance(statement, Restore):
            call = nodes.call(nodes.name("_restore"), [nodes.name(n) for n in statement.names])
            shown.append(nodes.expr(call))
        elif isinstance(statement, (gast.If, gast.For)):
            copied = copy.copy(statement)
            copied.body = _shown_markers(statement.body) or [gast.Pass()]
            copied.orelse = _shown_markers(statement.orelse)
            shown.append(copied)
        else:
            shown.append(statement)
    return shown


def _merge_equal_partials(partials: list[tuple[gast.expr, gast.expr]],
                          locals_: set[str]) -> list[tuple[gast.expr, gast.expr]]:
    """``x * x`` gives ``x`` the same partial twice: contribute it once, doubled."""
    if len(partials) != 2:
        return partials
    (first, a), (second, b) = partials
    if operand_key(first, locals_) != operand_key(second, locals_) \
            or gast.dump(a) != gast.dump(b):
        return partials
    return [(first, nodes.binop(a, gast.Mult(), nodes.constant(2.0)))]


def _without_unused_helpers(forward: list[gast.stmt], code: list[gast.AST]) -> list:
    """Drop nested ``def``s the generated code no longer calls (calls go to their fwd_)."""
    if not any(isinstance(statement, gast.FunctionDef) for statement in forward):
        return forward
    read = {node.id for tree in code for node in nodes.walk(tree)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)}
    return [s for s in forward if not (isinstance(s, gast.FunctionDef) and s.name not in read)]


def _opaque_message(operation: Operation) -> str:
    if operation.display.startswith("np.r_"):
        return ("np.r_[...] / np.c_[...] of differentiated values is not supported; use "
                "np.concatenate([a, b]) (np.r_) or np.column_stack([a, b]) (np.c_)")
    if operation.display.startswith("star"):
        return ("star-unpacking (*items) of differentiated values is not supported; pass or "
                "build the items one by one, or use np.concatenate/np.stack")
    return ("`and`/`or` on differentiated values is not supported; use np.where(cond, a, b) "
            "or np.logical_and")


def _no_rule_message(operation: Operation, runtime_receiver: bool = False) -> str:
    what = operation.display or "this operation"
    if operation.runtime_callee:
        return runtime_callee_message(operation)
    if operation.library:
        return library_message(operation)
    if runtime_receiver:
        return (f"{what}(...) calls a method of a value known only when the function runs (an "
                "argument or a local); autodiff resolves calls when it compiles: make the "
                "object a global or closure variable, or pass its arrays as arguments")
    return (f"{what} has no gradient rule and no Python source to differentiate; register "
            f"one with autodiff.defvjp({registration_name(what)}, rule_for_arg0, ...) or wrap "
            "the call in autodiff.stop_gradient(...) if no gradient should flow through it")


def _store_targets(names: list[str]) -> gast.expr:
    if len(names) == 1:
        return nodes.name(names[0], store=True)
    return nodes.tuple_([nodes.name(name, store=True) for name in names], store=True)


def _without_defaults(args: gast.arguments) -> gast.arguments:
    """The user's parameters without defaults or annotations: the loader attaches the user's
    default values, and annotations would be evaluated out of their module."""
    def bare(params: list[gast.Name]) -> list[gast.Name]:
        return [nodes.name(param.id, like=param) for param in params]

    return gast.arguments(
        args=bare(args.args), posonlyargs=bare(args.posonlyargs), vararg=None,
        kwonlyargs=bare(args.kwonlyargs), kw_defaults=[None] * len(args.kwonlyargs),
        kwarg=None, defaults=[])


def _names_in(expr: gast.expr) -> set[str]:
    return {node.id for node in nodes.walk(expr) if isinstance(node, gast.Name)}


def _params(args: gast.arguments) -> list[str]:
    return [arg.id for arg in args.posonlyargs + args.args + args.kwonlyargs]


def _assigned_at_top(args: gast.arguments, forward: list) -> set[str]:
    names = set(_params(args))
    for statement in forward:
        if isinstance(statement, gast.Assign):
            names.update(node.id for node in nodes.walk(statement.targets[0])
                         if isinstance(node, gast.Name))
    return names


def _residuals(args: gast.arguments, forward: list, backward: list) -> list[str]:
    """Names the backward sweep reads that the forward sweep (or the caller) provides."""
    provided: list[str] = _params(args)
    for statement in forward:
        for node in nodes.walk(statement):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                provided.append(node.id)
    read = {node.id for statement in backward for node in nodes.walk(statement)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)}
    ordered = []
    for name in provided:
        if name in read and name not in ordered:
            ordered.append(name)
    return ordered


def check_constant_argument(operation: Operation, position: int, key: str, loc: Any) -> None:
    """A differentiated value reached an argument without a rule: that is only right where the
    output is piecewise constant in it (declared in the registry); anything else would be a
    silently wrong gradient, so it is an error at the user's line."""
    if is_constant_argument(operation.entry, position):
        return
    names = operation.entry.argnames
    argument = repr(names[position]) if position < len(names) else f"number {position}"
    raise NoGradientRuleError(
        f"{operation.display} has no gradient rule for its argument {argument}, which receives "
        f"the differentiated value {key!r}; register one with autodiff.defvjp, or wrap the "
        "value in autodiff.stop_gradient(...) if no gradient should flow there", loc)
