"""Activity analysis: which names can carry a non-zero adjoint.

Input: ANF + SSA function, its ``Resolution`` and the request (differentiated parameters,
weights, which outputs are seeded). Output: ``ActivityResult``. A name is *varied* if it
depends differentiably on a differentiated input or weight, *useful* if a seeded output depends
differentiably on it, and *active* if both. Only active statements get adjoint code; every other
adjoint is statically zero and costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import gast

from .passmanager import Analysis, PassContext
from .resolve import Kind, Operation, Resolution, Resolve


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
    if operation.kind in (Kind.COPY, Kind.UNPACK, Kind.BUILD, Kind.BOOLOP):
        return list(operation.args)
    if operation.kind is Kind.PRIMITIVE:
        return [arg for position, arg in enumerate(operation.args)
                if operation.entry.rule_for(position) is not None]
    if operation.kind in (Kind.USER, Kind.UNKNOWN):
        return list(operation.args) + [keyword.value for keyword in operation.keywords]
    return []


def _names(exprs: list[gast.expr]) -> set[str]:
    return {expr.id for expr in exprs if isinstance(expr, gast.Name)}


def seeded_outputs(function: gast.FunctionDef, has_aux: bool) -> list[gast.expr]:
    """The returned atoms that receive an output sensitivity."""
    value = function.body[-1].value
    if isinstance(value, gast.Tuple):
        return value.elts[:1] if has_aux else list(value.elts)
    return [value]


class Activity(Analysis):
    """Compute varied, useful and active names.

    >>> from autodiff.transforms.testing import activity_of
    >>> sorted(activity_of("def f(x, y):\\n    a = x * 2\\n    b = y * 3\\n    return a + b",
    ...                    wrt=("x",)).active)
    ['_add1', 'a', 'x']
    """

    name = "activity"
    requires = (Resolve,)

    def run(self, ctx: PassContext) -> ActivityResult:
        resolution: Resolution = ctx.analysis(Resolve)
        statements = [s for s in ctx.function.body if isinstance(s, gast.Assign)]
        varied = set(ctx.request.wrt) | set(resolution.weight_names)
        for statement in statements:
            operation = resolution.of(statement)
            inputs = _names(differentiable_inputs(operation))
            reads_weights = operation.kind is Kind.USER and bool(ctx.request.weight_ids)
            if inputs & varied or reads_weights:
                varied.update(stored_names(statement))
        seeds = [leaf.id for leaf in seeded_outputs(ctx.function, ctx.request.has_aux)
                 if isinstance(leaf, gast.Name)]
        useful = set(seeds)
        for statement in reversed(statements):
            if useful.intersection(stored_names(statement)):
                useful.update(_names(differentiable_inputs(resolution.of(statement))))
        return ActivityResult(frozenset(varied), frozenset(useful),
                              tuple(seed for seed in seeds if seed in varied))
