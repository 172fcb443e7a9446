"""Polynomial chains differentiated as a whole (part of the ``Simplify`` pass, simplify.py).

Input: an ANF + SSA function and its ``DefUse``. Output: the same function, statements in the
user's order, where each maximal chain of arithmetic computing a polynomial ``p(y)`` of one name
``y`` (the intermediates read only by the chain, nothing assigning ``y`` between its first and
last statement) is differentiated in one step: its last statement carries ``Anno.POLYNOMIAL`` =
``(y, factors)``, so that ``y``'s adjoint is ``g * factor1 * factor2 ...`` with the factors'
product equal to ``p'(y)``, and its other statements ``Anno.STOP_GRADIENT``. A chain whose
``p'(y)`` is a number has it folded (``y * 1.0``: no factor; ``2.0 * y + 3.0 * y``: ``5.0``); a
single operation keeps its own rule when that is as short (``2.0 * y``, ``y ** 3`` with nothing
to reuse). Terms that cancel (``y - y``, ``0.0 * y``) are not folded: for an infinite or nan
``y`` the chain rule's nan must propagate as numpy's would.

Each chain is put in a canonical form (a dict from power to coefficient, whatever the spelling:
``y * y * y``, ``y ** 3``, ``3.0 * y * y``, ``-a * a``, terms in any order), and ``p'(y)`` is
looked up among the canonical forms of the block's other chains of ``y`` (value numbering):

- a primal value equal to ``p'(y)`` computed before the chain is read directly (Newton's
  method written ``s = 3.0 * y * y + 1.0`` then ``r = y * y * y + y - a``);
- one computed after the chain (``r`` first, then ``s``: the usual order) is kept by the
  backward sweep under a second name (``Anno.KEEP_VALUE`` on its statement: a name binding,
  no arithmetic) before its value is restored, and that name is read;
- otherwise ``p'(y)`` is written out from the chain's own powers of ``y`` (``3.0 * y * y`` ->
  ``g * y * 6.0``; ``y * y * y`` -> ``g * p * 3.0`` with ``p = y * y`` of the chain).

The chain rule would instead spend an operation per term and per factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import gast

from ..analysis.activity import stored_names
from ..ir import nodes
from ..ir.annotations import Anno, getanno, setanno
from ..ir.naming import Namer, names_in
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


def mark_polynomial_chains(function: gast.FunctionDef, uses: DefUse, namer: Namer,
                           names: frozenset[str]) -> int:
    """Mark each chain whose adjoint is shorter whole (see the module docstring); returns how
    many. ``names``: every name ``function`` binds (``BoundNames.bound``)."""
    marked = 0
    for block in nodes.statement_blocks(function):
        chains = _chains(block, uses)
        consumed = {id(s) for chain in chains.values() for s in chain.statements[:-1]}
        position = {id(statement): index for index, statement in enumerate(block)}
        by_value: dict[tuple, list[_Chain]] = {}
        for chain in chains.values():
            by_value.setdefault(_value_number(chain.variable, chain.polynomial), []).append(chain)
        kept: dict[str, str] = {}
        for chain in chains.values():
            if id(chain.statements[-1]) in consumed \
                    or not _unchanged_between(block, chain.variable,
                                              *_span(position, chain), names):
                continue
            if _degree(chain.polynomial) >= 2:
                factors = _reused_derivative(block, chain, by_value, position, uses,
                                             namer, kept, names)
                if factors is None and len(chain.statements) == 1:
                    continue  # one operation: its own rule is as short
                factors = factors if factors is not None else _derivative_factors(chain)
            else:
                factors = _constant_derivative(chain)
                if factors is None:
                    continue
            for statement in chain.statements[:-1]:
                setanno(statement, Anno.STOP_GRADIENT, True)
            setanno(chain.statements[-1], Anno.POLYNOMIAL, (chain.variable, factors))
            marked += 1
    return marked


def _constant_derivative(chain: _Chain) -> list[gast.expr] | None:
    """The factors of ``p'(y)`` for a chain of degree 1 (``y * 1.0``: none; ``2.0 * y +
    3.0 * y``: ``5.0``), or None when the rules of the chain's one operation are as short
    (``2.0 * y``) or ``p`` is a number."""
    slope = _derivative(chain.polynomial).get(0, 0)
    if slope == 0 or (len(chain.statements) == 1 and slope != 1):
        return None
    return [] if slope == 1 else [nodes.constant(float(slope))]


def _span(position: dict[int, int], chain: _Chain) -> tuple[int, int]:
    return position[id(chain.statements[0])], position[id(chain.statements[-1])]


def _reused_derivative(block: list[gast.stmt], chain: _Chain, by_value: dict[tuple, list],
                       position: dict[int, int], uses: DefUse, namer: Namer,
                       kept: dict[str, str], names: set[str]) -> list[gast.expr] | None:
    """``[name]`` of a value of the block equal to ``p'(y)`` of the same ``y``, if any."""
    first, last = _span(position, chain)
    for slope in by_value.get(_value_number(chain.variable, _derivative(chain.polynomial)), ()):
        if slope.target not in uses.definition:
            continue
        slope_first, slope_last = _span(position, slope)
        if slope_last < first and _unchanged_between(block, chain.variable, slope_first, last, names):
            return [nodes.name(slope.target)]
        if slope_first > last and _unchanged_between(block, chain.variable, first, slope_last,
                                                                names):
            if slope.target not in kept:
                kept[slope.target] = namer.temp(f"kept_{slope.target.lstrip('_')}")
                setanno(slope.statements[-1], Anno.KEEP_VALUE, kept[slope.target])
            reference = nodes.name(kept[slope.target])
            setanno(reference, Anno.KEEP_VALUE, slope.target)  # the value it is a copy of
            return [reference]
    return None


def _value_number(variable: str, polynomial: Polynomial) -> tuple:
    """Equal for two chains exactly when they compute the same polynomial of the same name."""
    return variable, frozenset(polynomial.items())


def _derivative_factors(chain: _Chain) -> list[gast.expr]:
    """Factors whose product is ``p'(y)``, reading the chain's own powers of ``y``."""
    derivative = _derivative(chain.polynomial)
    powers = {next(iter(c.keys())): target for target, c in _members(chain).items()
              if len(c) == 1 and next(iter(c.values())) == 1}
    if len(derivative) == 1:
        (power, coefficient), = derivative.items()
        factors = [_power(chain.variable, power, powers)]
        return factors if coefficient == 1 else [*factors, nodes.constant(float(coefficient))]
    expression = None
    for power in sorted(derivative, reverse=True):
        coefficient = derivative[power]
        term = nodes.constant(float(abs(coefficient))) if power == 0 else \
            _power(chain.variable, power, powers) if abs(coefficient) == 1 else \
            nodes.binop(nodes.constant(float(abs(coefficient))), gast.Mult(),
                        _power(chain.variable, power, powers))
        if expression is None:
            expression = term if coefficient > 0 else gast.UnaryOp(gast.USub(), term)
        else:
            expression = nodes.binop(expression, gast.Add() if coefficient > 0 else gast.Sub(),
                                     term)
    return [expression]


def _members(chain: _Chain) -> dict[str, Polynomial]:
    """The polynomial each statement of the chain assigns (recomputed, by target)."""
    found: dict[str, Polynomial] = {}
    for statement in chain.statements:
        parts = {name: _Chain(name, chain.variable, polynomial, ())
                 for name, polynomial in found.items()}
        polynomial = _polynomial(statement.value, chain.variable, parts)
        if polynomial is not None:
            found[statement.targets[0].id] = polynomial
    return found


def _power(variable: str, power: int, powers: dict[int, str]) -> gast.expr:
    if power == 1:
        return nodes.name(variable)
    if power in powers:
        return nodes.name(powers[power])
    return nodes.binop(nodes.name(variable), gast.Pow(), nodes.constant(power))


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


def _unchanged_between(block: list[gast.stmt], variable: str, start: int, end: int,
                       names: set[str]) -> bool:
    """``variable`` holds one value from ``block[start]`` to ``block[end]``: nothing there
    assigns it or could write into an array in place (``names``: the function's locals)."""
    return all(writes_nothing_in_place(block[index], names)
               and variable not in stored_names(block[index])
               for index in range(start, end + 1))


def _polynomial(expr: gast.expr, variable: str, parts: dict[str, _Chain]) -> Polynomial | None:
    if isinstance(expr, gast.Name):
        return dict(parts[expr.id].polynomial) if expr.id in parts else {1: 1}
    if isinstance(expr, gast.Constant):
        number = expr.value
        if type(number) not in (int, float):
            return None
        return {0: number} if number != 0 else None  # 0 * inf is nan: keep the chain rule
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
        return _without_cancellation(result)
    return None


def _times(left: Polynomial | None, right: Polynomial | None) -> Polynomial | None:
    if left is None or right is None:
        return None
    result: Polynomial = {}
    for p, a in left.items():
        for q, b in right.items():
            result[p + q] = result.get(p + q, 0) + a * b
    return {power: c for power, c in result.items() if c != 0}  # (y + 1) * (y - 1)


def _without_cancellation(polynomial: Polynomial) -> Polynomial | None:
    """None when terms cancelled (``y - y``): the chain rule computes ``inf - inf = nan`` for
    an infinite ``y``, which the folded derivative would not (nan and inf propagate as in
    numpy)."""
    return None if any(c == 0 for c in polynomial.values()) else polynomial


def _derivative(polynomial: Polynomial) -> Polynomial:
    return {power - 1: power * c for power, c in polynomial.items() if power > 0}


def _degree(polynomial: Polynomial) -> int:
    return max(polynomial, default=0)


def writes_nothing_in_place(statement: gast.stmt, local_names: set[str]) -> bool:
    """``name = expression`` that cannot change an existing array: not an ``x op= v`` update,
    no ``out=`` argument and no method call on a local value (``x.sort()``), only functions
    (``np.exp(x)``) and arithmetic."""
    if not isinstance(statement, gast.Assign) or getanno(statement, Anno.IN_PLACE) \
            or not all(isinstance(target, (gast.Name, gast.Tuple)) for target in statement.targets):
        return False
    for node in nodes.walk(statement.value):
        if isinstance(node, gast.keyword) and node.arg == "out":
            return False
        if isinstance(node, gast.Call) and _root_name(node.func) in local_names:
            return False
    return True


def _root_name(expr: gast.expr) -> str | None:
    while isinstance(expr, gast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, gast.Name) else None


