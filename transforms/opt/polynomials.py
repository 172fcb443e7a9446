"""Polynomial chains whose derivative the function computes anyway (part of ``Idioms``).

Input: an ANF + SSA function and its ``DefUse``. Output: the same function where, for each
chain of arithmetic computing a polynomial ``p(y)`` of one name ``y`` (degree 2 or more, the
intermediates read only by the chain) whose derivative ``p'(y)`` the same block also computes
from the same ``y``: the chain's last statement carries ``Anno.POLYNOMIAL`` = ``(y, d)``, ``d``
the name holding ``p'(y)``, and the chain's other statements ``Anno.STOP_GRADIENT``. The adjoint
of the chain is then ``dy += g * d``: one product, where the chain rule spends an operation per
term and recomputes the powers of ``y``.

This is Newton's method: ``r = y*y*y + y - a; y = y - r / (3.0*y*y + 1.0)`` computes the
residual and its slope. When the derivative is computed after the chain (as there), its
statements move to just before the chain, so the backward sweep meets the chain's adjoint while
``d`` still holds this step's value. They read only ``y`` and numbers, and everything between
the two positions is arithmetic on names and numbers (no call, so nothing writes into an array
in place) that neither assigns ``y`` nor touches what they assign: every value is unchanged.
``Activity`` lets the marked statement's adjoint reach ``y`` alone, so the chain needs no
operand that reads ``y`` itself (``y ** 4 - 2.0 * y * y``).
"""

from __future__ import annotations

from dataclasses import dataclass

import gast

from ..analysis.activity import stored_names
from ..ir import nodes
from ..ir.annotations import Anno, getanno, setanno
from ..ir.naming import names_in
from .shifts import DefUse, target_name

Polynomial = dict[int, float]  # power -> coefficient, no zero coefficients
_MAX_POWER = 8  # `y ** k` with a literal k up to this is expanded


@dataclass(frozen=True, slots=True)
class _Chain:
    """``statements`` compute ``polynomial`` of ``variable``; the last assigns ``target``."""

    target: str
    variable: str
    polynomial: Polynomial
    statements: tuple[gast.Assign, ...]


def mark_polynomial_derivatives(function: gast.FunctionDef, uses: DefUse) -> int:
    """Mark (and order) each chain whose derivative the function computes; see the module
    docstring. Returns how many chains were marked."""
    marked = 0
    for block in nodes.statement_blocks(function):
        while _mark_one(block, uses):
            marked += 1
    return marked


def _mark_one(block: list[gast.stmt], uses: DefUse) -> bool:
    chains = _chains(block, uses)
    consumed = {id(statement) for chain in chains.values() for statement in chain.statements[:-1]}
    for chain in chains.values():
        last = chain.statements[-1]
        if id(last) in consumed or _degree(chain.polynomial) < 2:
            continue
        wanted = _derivative(chain.polynomial)
        for slope in chains.values():
            if slope.variable == chain.variable and slope.polynomial == wanted \
                    and slope.target in uses.definition \
                    and not {id(s) for s in slope.statements} & {id(s) for s in chain.statements} \
                    and _order(block, chain, slope):
                for statement in chain.statements[:-1]:
                    setanno(statement, Anno.STOP_GRADIENT, True)
                setanno(last, Anno.POLYNOMIAL, (chain.variable, slope.target))
                return True
    return False


def _chains(block: list[gast.stmt], uses: DefUse) -> dict[str, _Chain]:
    """The polynomial chains of ``block``, by the name each assigns, in block order."""
    chains: dict[str, _Chain] = {}
    position = {id(statement): index for index, statement in enumerate(block)}
    for statement in block:
        target = target_name(statement)
        if target is None or not isinstance(statement.value, (gast.BinOp, gast.UnaryOp)) \
                or any(getanno(statement, key) is not None for key in _MARKED):
            continue
        operands = names_in(statement.value)
        parts = {name: chains[name] for name in operands
                 if name in chains and uses.single_use(name) is statement}
        variables = {chain.variable for chain in parts.values()} | (operands - set(parts))
        if len(variables) != 1 or target in variables:
            continue
        variable = variables.pop()
        polynomial = _polynomial(statement.value, variable, parts)
        if polynomial is None:
            continue
        members = sorted((s for chain in parts.values() for s in chain.statements),
                         key=lambda member: position[id(member)])
        chains[target] = _Chain(target, variable, polynomial, (*members, statement))
    return chains


_MARKED = (Anno.STOP_GRADIENT, Anno.POLYNOMIAL, Anno.DIFFERENTIATE_AS)


def _order(block: list[gast.stmt], chain: _Chain, slope: _Chain) -> bool:
    """Can ``slope`` be computed before ``chain``'s adjoint reads it? Moves it if need be.

    Both chains must see one value of the variable, so everything from the first statement of
    either to the last of the other must be plain arithmetic assigned to names (nothing that
    could write into an array in place), none of it assigning the variable."""
    position = {id(statement): index for index, statement in enumerate(block)}
    chain_first, chain_last = (position[id(s)] for s in (chain.statements[0],
                                                        chain.statements[-1]))
    slope_first, slope_last = (position[id(s)] for s in (slope.statements[0],
                                                        slope.statements[-1]))
    start, end = min(chain_first, slope_first), max(chain_last, slope_last)
    moved = {id(statement) for statement in slope.statements}
    if any(not _arithmetic(block[index]) or chain.variable in stored_names(block[index])
           for index in range(start, end + 1)):
        return False
    if slope_last < chain_first:
        return True  # already computed before the chain
    if slope_first < chain_last:
        return False  # interleaved with the chain
    assigned = {statement.targets[0].id for statement in slope.statements}
    between = [block[index] for index in range(chain_first, slope_last + 1)
               if id(block[index]) not in moved]
    if any(assigned & names_in(statement) for statement in between):  # all arithmetic
        return False
    block[:] = [statement for statement in block if id(statement) not in moved]
    at = block.index(chain.statements[0])
    block[at:at] = list(slope.statements)
    return True


def _polynomial(expr: gast.expr, variable: str, parts: dict[str, _Chain]) -> Polynomial | None:
    if isinstance(expr, gast.Name):
        return dict(parts[expr.id].polynomial) if expr.id in parts else {1: 1}
    if isinstance(expr, gast.Constant):
        number = expr.value
        if type(number) not in (int, float):
            return None
        return {0: number} if number != 0 else {}
    if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, (gast.USub, gast.UAdd)):
        inner = _polynomial(expr.operand, variable, parts)
        if inner is None or isinstance(expr.op, gast.UAdd):
            return inner
        return {power: -coefficient for power, coefficient in inner.items()}
    if not isinstance(expr, gast.BinOp):
        return None
    left = _polynomial(expr.left, variable, parts)
    if isinstance(expr.op, gast.Pow):
        exponent = expr.right
        if left is None or not (isinstance(exponent, gast.Constant)
                                and type(exponent.value) is int
                                and 0 <= exponent.value <= _MAX_POWER):
            return None
        result: Polynomial = {0: 1}
        for _ in range(exponent.value):
            result = _times(result, left)
        return result
    right = _polynomial(expr.right, variable, parts)
    if left is None or right is None:
        return None
    if isinstance(expr.op, gast.Mult):
        return _times(left, right)
    if isinstance(expr.op, (gast.Add, gast.Sub)):
        sign = 1 if isinstance(expr.op, gast.Add) else -1
        result = dict(left)
        for power, coefficient in right.items():
            result[power] = result.get(power, 0) + sign * coefficient
        return {power: c for power, c in result.items() if c != 0}
    return None


def _times(left: Polynomial, right: Polynomial) -> Polynomial:
    result: Polynomial = {}
    for p, a in left.items():
        for q, b in right.items():
            result[p + q] = result.get(p + q, 0) + a * b
    return {power: c for power, c in result.items() if c != 0}


def _derivative(polynomial: Polynomial) -> Polynomial:
    return {power - 1: power * c for power, c in polynomial.items() if power > 0}


def _degree(polynomial: Polynomial) -> int:
    return max(polynomial, default=0)


def _arithmetic(statement: gast.stmt) -> bool:
    """``name = operation`` on names and numbers, with no call (so nothing written in place)."""
    return isinstance(statement, gast.Assign) \
        and all(isinstance(target, gast.Name) for target in statement.targets) \
        and all(isinstance(node, (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop,
                                  gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp,
                                  gast.Compare))
                for node in nodes.walk(statement.value))
