"""Activity analysis: which names can carry a non-zero adjoint.

Input: ANF + SSA function, its ``Resolution`` and the request (differentiated parameters,
weights, which outputs are seeded). Output: ``ActivityResult``. A name is *varied* if it
depends differentiably on a differentiated input or weight, *useful* if a seeded output depends
differentiably on it, and *active* if both. Only active statements get adjoint code; every other
adjoint is statically zero and costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gast

from ...runtime import registry
from ..frontend.resolve import Kind, Operation, Resolution, Resolve, operand_key
from ..ir import nodes
from ..ir.annotations import Anno, getanno
from ..passmanager import Analysis, PassContext
from .names import LocalNames


@dataclass(frozen=True, slots=True)
class ActivityResult:
    varied: frozenset[str]
    useful: frozenset[str]
    seeds: tuple[str, ...]  # seeded output names, in return order

    @property
    def active(self) -> frozenset[str]:
        return self.varied & self.useful

    def is_active(self, statement: gast.stmt) -> bool:
        return any(target in self.varied and target in self.useful
                   for target in stored_names(statement))


def stored_names(statement: gast.stmt) -> list[str]:
    if not isinstance(statement, gast.Assign):
        return []
    target = statement.targets[0]
    elements = target.elts if isinstance(target, gast.Tuple) else [target]
    return [element.id for element in elements]


def differentiable_inputs(operation: Operation) -> list[gast.expr]:
    """The operands through which an adjoint can flow back."""
    if operation.kind in (Kind.COPY, Kind.UNPACK, Kind.BUILD, Kind.OPAQUE):
        return list(operation.args)
    if operation.kind is Kind.PRIMITIVE:
        # a differentiated value passed where no rule receives it (a keyword, an argument
        # without a rule) makes the statement active, so that the passes reject it instead of
        # dropping its gradient; only arguments declared piecewise constant are left out
        return [arg for position, arg in enumerate(operation.args)
                if not is_constant_argument(operation.entry, position)] \
            + [keyword.value for keyword in operation.keywords]
    if operation.kind in (Kind.USER, Kind.UNKNOWN):
        return list(operation.args) + [keyword.value for keyword in operation.keywords]
    return []


def is_constant_argument(entry: Any, position: int) -> bool:
    """Is argument ``position`` of ``entry``'s primitive one in which its output is piecewise
    constant (declared in the registry), so that no gradient flows through it?"""
    return entry.rule_for(position) is None and registry.is_constant_argument(
        entry.primitive, position, entry.argnames)


def _adjoint_inputs(statement: gast.Assign, operation: Operation) -> list[gast.expr]:
    """The operands ``statement``'s adjoint reaches: for the last statement of a polynomial
    chain (polynomials.py), the chain's variable, whatever the statement itself reads."""
    polynomial = getanno(statement, Anno.POLYNOMIAL)
    if polynomial is not None:
        return [nodes.name(polynomial[0], like=statement)]
    return differentiable_inputs(operation)


def assignments(statements: list[gast.stmt]) -> list[gast.Assign]:
    """Every assignment in program order, at any depth."""
    found: list[gast.Assign] = []
    for statement in statements:
        if statement.__class__ is gast.Assign:
            found.append(statement)
        elif isinstance(statement, gast.FunctionDef):
            continue  # a nested helper is compiled on its own
        else:
            for block in ("body", "orelse"):
                nested = getattr(statement, block, None)
                if nested:
                    found.extend(assignments(nested))
    return found


def seeded_outputs(function: gast.FunctionDef, has_aux: bool) -> list[gast.expr]:
    """The returned atoms that receive an output sensitivity."""
    value = function.body[-1].value
    if isinstance(value, gast.Tuple):
        return value.elts[:1] if has_aux else list(value.elts)
    return [value]


class Activity(Analysis):
    """Compute varied, useful and active names (to a fixed point, through loops).

    >>> from autodiff.transforms.testing import activity_of
    >>> sorted(activity_of("def f(x, y):\\n    a = x * 2\\n    b = y * 3\\n    return a + b",
    ...                    wrt=("x",)).active)
    ['_add1', 'a', 'x']
    """

    name = "activity"
    requires = (Resolve,)

    def run(self, ctx: PassContext) -> ActivityResult:
        resolution: Resolution = ctx.analysis(Resolve)
        locals_ = ctx.analysis(LocalNames).local - set(ctx.request.constants)
        statements = assignments(ctx.function.body)
        inputs = {id(s): _keys(_adjoint_inputs(s, resolution.of(s)), locals_)
                  for s in statements}
        varied = set(ctx.request.wrt) | set(resolution.weight_names)
        weighted = bool(ctx.request.weight_ids)
        changed = True
        while changed:
            changed = False
            for statement in statements:
                operation = resolution.of(statement)
                reads_weights = weighted and operation.kind is Kind.USER
                targets = set(stored_names(statement))
                flows = inputs[id(statement)] & varied or reads_weights
                if flows and operation.kind is Kind.USER and not reads_weights:
                    flows = _callee_output_varied(ctx, operation, varied, locals_)
                if flows and not targets <= varied:
                    varied |= targets
                    changed = True
        seeds = [leaf.id for leaf in seeded_outputs(ctx.function, ctx.request.has_aux)
                 if isinstance(leaf, gast.Name)]
        useful = set(seeds)
        changed = True
        while changed:
            changed = False
            for statement in reversed(statements):
                if useful.intersection(stored_names(statement)) \
                        and not inputs[id(statement)] <= useful:
                    useful |= inputs[id(statement)]
                    changed = True
        return ActivityResult(frozenset(varied), frozenset(useful),
                              tuple(seed for seed in seeds if seed in varied))


def _callee_output_varied(ctx: PassContext, operation: Operation, varied: set[str],
                          locals_: set[str]) -> bool:
    """Does a user function's result depend differentiably on the varied arguments? (A helper
    computing an axis or a shape from an array does not.)"""
    wrt = []
    for arg, param in zip(differentiable_inputs(operation), operation.params, strict=True):
        key = operand_key(arg, locals_)
        if key is not None and key in varied and param not in wrt:
            wrt.append(param)
    try:
        unit = ctx.callees.unit(operation.callee, tuple(wrt), ctx.request,
                                            operation.constants)
    except Exception:  # reported, with its location, when the call is differentiated
        return True
    return getattr(unit, "output_varied", True)


def _keys(exprs: list[gast.expr], locals_: set[str]) -> set[str]:
    keys = {operand_key(expr, locals_) for expr in exprs}
    keys.discard(None)
    return keys
