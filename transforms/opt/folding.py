"""Folding of negations and scalar constant factors in the generated gradient.

Runs on the generated function after copy propagation (``copies.py``) and the folding of
``np.full`` broadcasts (which leaves plain arithmetic), before in-place accumulation
(``inplace.py``, which then turns ``dz = dz - e`` into ``dz -= e``). Adjoint code often negates a value only to multiply or add it
(``d_mul3 = -d_add9`` then ``dz = dz + d_mul3 * y``) or scales a value that was itself scaled
(``d_mul5 = -dy / a`` then ``dr = d_mul5 * 0.5``); each such step is one more full-size numpy
operation. This pass rewrites, to a fixed point:

- *products*: the Python number literals and negations of one product ``f0 * f1 / f2 ...``
  (its left spine) become one constant, placed where the first literal was
  (``-a * b * 2.0`` -> ``a * b * -2.0``); a negation left over with no literal to absorb it
  stays on a factor the source negated (so a boolean mask is never negated). Array factors keep
  their order and grouping: only scalar literals are reassociated;
- *sums*: a negated product added or subtracted flips the operator (``x + -a * b`` ->
  ``x - a * b``, ``-a + x`` -> ``x - a``);
- *negation forwarding*: an adjoint ``t = -u`` whose reads all follow it in the same block
  before ``u`` or ``t`` is assigned again is substituted into its readers and dropped, when
  that does not cost more operations (``d_div9 = -dy`` read by ``-d_div9 * s`` and
  ``d_div9 / a``);
- *scaled copies*: an adjoint ``t = E`` (a product) read only by ``r = t * c`` (``c`` literals
  and negations) becomes ``r = E * c`` at ``t``'s place, folded (``d_mul5 = -dy / a`` then
  ``dr = d_mul5 * 0.5`` -> ``dr = dy / a * -0.5``), when ``r`` is assigned nowhere else and
  nothing in between sees it; likewise ``r = t * d * c`` with ``t`` its first factor, when
  ``d`` is not rebound in between (``t = 1.0 / q`` -> ``r = 2.0 / q * d``). Every adjoint
  name keeps holding exactly its adjoint.

Every rewrite is accepted only if it lowers the number of operations (``_cost``), or keeps it
and removes a statement. Only statements assigning adjoints are rewritten, so the forward
sweep computes exactly the same values. A statement is never dropped if it is the last one of
its user statement in its block (the ``# file:line`` comment would go with it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import gast

from ..ir import nodes
from ..ir.annotations import Anno, getanno
from ..ir.naming import names_in

_NUMBER = (int, float)


def fold_scalar_factors(function: gast.FunctionDef, adjoints: set[str]) -> int:
    """Fold the negations and constant factors of the adjoint statements of ``function``;
    returns how many rewrites were made.

    >>> import gast
    >>> tree = gast.parse("def f(g, y, dz):\\n    dm = -g\\n    dz = dz + dm * y\\n"
    ...                   "    dr = dz * 2.0\\n    ds = -dr * 0.5\\n    return ds")
    >>> fold_scalar_factors(tree.body[0], {"dm", "dz", "dr", "ds"})
    3
    >>> print(gast.unparse(tree).strip())
    def f(g, y, dz):
        dz = dz - g * y
        ds = dz * -1.0
        return ds
    """
    if not any(_assigned(statement) in adjoints and _scaled(statement.value)
               for block in nodes.statement_blocks(function) for statement in block):
        return 0  # no negation or literal factor to fold
    total = 0
    stores, loads = _counts(function)  # kept exact by every rewrite
    settled: dict[int, gast.expr] = {}  # values simplifying did not improve (kept alive)
    while True:
        changed = _simplify_statements(function, adjoints, settled)
        changed += _forward_negations(function, adjoints, stores, loads)
        changed += _hoist_factors(function, adjoints, stores, loads)
        if not changed:
            return total
        total += changed


# ---- products and sums ------------------------------------------------------------------------


@dataclass
class _Product:
    """A product ``f0 op f1 op f2 ...`` taken apart: its non-literal factors in order (with
    whether each divides), the literals (value, divides, position among the factors), the sign
    of its negations, and which factors the source negated."""

    factors: list[tuple[bool, gast.expr]] = field(default_factory=list)
    literals: list[tuple[int | float, bool, int]] = field(default_factory=list)
    negative: bool = False
    negated: list[int] = field(default_factory=list)

    def constant(self) -> tuple[int | float, bool] | None:
        """The literals merged (value, divides), sign not included; None if there are none
        or they cannot be merged safely (a zero divisor, an overflow)."""
        if not self.literals:
            return None
        numerator: int | float = 1
        denominator: int | float = 1
        for value, divides, _ in self.literals:
            if divides:
                denominator *= value
            else:
                numerator *= value
        if denominator == 0:
            return None
        if denominator == 1:
            result, divides = numerator, False
        elif numerator == 1:
            result, divides = denominator, True
        else:
            result, divides = numerator / denominator, False
        if isinstance(result, float) and not math.isfinite(result):
            return None
        return result, divides


def _is_number(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and isinstance(node.value, _NUMBER) \
        and not isinstance(node.value, bool)


def _annotated(node: gast.expr) -> bool:
    return getanno(node, Anno.SHAPE_CLASS) is not None or getanno(node, Anno.BROADCAST) \
        is not None


def _is_product(node: gast.expr) -> bool:
    if _annotated(node):
        return False
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return not _is_number(node.operand)
    return isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div))


def _product(node: gast.expr) -> _Product:
    """Take a product apart along its left spine (right operands are single factors)."""
    found = _Product()
    _collect(node, False, True, found)
    return found


def _collect(node: gast.expr, divides: bool, spine: bool, found: _Product) -> None:
    negations = 0
    while isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) \
            and not _annotated(node):
        negations += 1
        node = node.operand
    if negations % 2:
        found.negative = not found.negative
    if _is_number(node):
        found.literals.append((node.value, divides, len(found.factors)))
        return
    if spine and not divides and not _annotated(node) and isinstance(node, gast.BinOp) \
            and isinstance(node.op, (gast.Mult, gast.Div)):
        _collect(node.left, False, True, found)
        _collect(node.right, isinstance(node.op, gast.Div), False, found)
        return
    if negations % 2:
        found.negated.append(len(found.factors))
    found.factors.append((divides, node))


def _build(found: _Product, keep_sign: bool) -> gast.expr | None:
    """The product rebuilt with one literal; with ``keep_sign`` its sign is included, else the
    positive product is built (the caller accounts for the sign). None if it cannot be."""
    merged = found.constant()
    if (found.literals and merged is None) or not found.factors:
        return None
    value, constant_divides = merged if merged is not None else (None, False)
    negate = keep_sign and found.negative
    if negate and value is not None:
        value, negate = -value, False
    factors = list(found.factors)  # parts of a tree _simplify copied: used as they are
    if negate:
        if not found.negated:
            return None
        position = found.negated[0]
        divides, factor = factors[position]
        factors[position] = (divides, gast.UnaryOp(op=gast.USub(), operand=factor))
    if value is not None:
        position = found.literals[0][2]
        literal = nodes.constant(value)
        if isinstance(value, _NUMBER) and value < 0:
            literal = gast.UnaryOp(op=gast.USub(), operand=nodes.constant(-value))
        factors.insert(position, (constant_divides, literal))
    if factors[0][0]:
        return None  # a leading divisor needs the numerator literal it had
    result = factors[0][1]
    for divides, factor in factors[1:]:
        result = gast.BinOp(left=result, op=gast.Div() if divides else gast.Mult(),
                            right=factor)
    return result


def _simplify(node: gast.expr, private: bool = False) -> gast.expr:
    """``node`` with its products and sums folded: a new tree, unless ``private`` (``node`` is
    a copy no one else holds, rewritten in place)."""
    return _Simplifier().visit(node if private else _copy(node))


_SHARED = (gast.Name, gast.Constant, gast.expr_context, gast.operator, gast.unaryop, gast.cmpop,
           gast.boolop)


def _copy(node: gast.AST) -> gast.AST:
    """A copy of ``node`` for ``_Simplifier`` to rewrite: inner nodes are copied, leaves and
    annotated parts (which it never changes) are shared. Cheaper than ``copy.deepcopy``."""
    if isinstance(node, _SHARED) or (isinstance(node, gast.expr) and _annotated(node)):
        return node
    new = node.__class__.__new__(node.__class__)
    new.__dict__.update(node.__dict__)
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            setattr(new, name, [_copy(item) if isinstance(item, gast.AST) else item
                                for item in value])
        elif isinstance(value, gast.AST):
            setattr(new, name, _copy(value))
    return new


class _Simplifier(gast.NodeTransformer):
    def visit(self, node: gast.AST) -> gast.AST:
        if isinstance(node, gast.expr) and _annotated(node):
            return node  # its annotation may point into it: leave it whole
        return super().visit(node)

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        self.generic_visit(node)
        if _annotated(node):
            return node
        if isinstance(node.op, (gast.Add, gast.Sub)):
            return _fold_sum(node)
        if _is_product(node):
            return _fold_product(node)
        return node

    def visit_UnaryOp(self, node: gast.UnaryOp) -> gast.expr:
        self.generic_visit(node)
        if _is_product(node):
            return _fold_product(node)
        return node


def _fold_product(node: gast.expr) -> gast.expr:
    found = _product(node)
    if len(found.factors) == 1 and not found.literals and not found.negative:
        return found.factors[0][1]  # --u
    rebuilt = _build(found, keep_sign=True)
    if rebuilt is None or _cost(rebuilt) >= _cost(node):
        return node
    return rebuilt


def _positive(node: gast.expr) -> gast.expr | None:
    """``node`` without its sign if it is a negated product, else None."""
    if not _is_product(node):
        return None
    found = _product(node)
    if not found.negative:
        return None
    if len(found.factors) == 1 and not found.literals:
        return found.factors[0][1]
    return _build(found, keep_sign=False)


def _fold_sum(node: gast.BinOp) -> gast.expr:
    right = _positive(node.right)
    if right is not None:
        flipped = gast.Sub() if isinstance(node.op, gast.Add) else gast.Add()
        return gast.BinOp(left=node.left, op=flipped, right=right)
    left = _positive(node.left)
    if left is not None and isinstance(node.op, gast.Add):
        return gast.BinOp(left=node.right, op=gast.Sub(), right=left)
    return node


def _cost(node: gast.expr) -> int:
    """How many operations evaluating ``node`` performs (a negative literal is free)."""
    return sum(1 for part in nodes.walk(node) if _operation(part))


def _operation(node: gast.AST) -> bool:
    if isinstance(node, gast.UnaryOp):
        return not _is_number(node.operand)
    if isinstance(node, gast.BinOp):
        return not (_is_number(node.left) and _is_number(node.right))
    return isinstance(node, (gast.Compare, gast.Call, gast.BoolOp))


# ---- statements -------------------------------------------------------------------------------


def _assigned(statement: gast.stmt) -> str | None:
    """``t`` for ``t = e``."""
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], gast.Name):
        return statement.targets[0].id
    return None


def _simplify_statements(function: gast.FunctionDef, adjoints: set[str],
                         settled: dict[int, gast.expr]) -> int:
    changed = 0
    for block in nodes.statement_blocks(function):
        for statement in block:
            if _assigned(statement) not in adjoints or id(statement.value) in settled:
                continue
            value = _simplify(statement.value) if _foldable(statement.value) else None
            if value is not None and _cost(value) < _cost(statement.value):
                statement.value = value
                changed += 1
            else:
                settled[id(statement.value)] = statement.value
    return changed


def _foldable(node: gast.expr) -> bool:
    """Cheap test: a negation of a non-literal, or two literal factors, somewhere in ``node``
    (nothing to fold otherwise)."""
    literals = 0
    for part in nodes.walk(node):
        if isinstance(part, gast.UnaryOp) and isinstance(part.op, gast.USub) \
                and not _is_number(part.operand):
            return True
        if isinstance(part, gast.BinOp) and isinstance(part.op, (gast.Mult, gast.Div)):
            literals += _is_number(part.right) or _is_number(part.left) \
                or _is_negative_number(part.right) or _is_negative_number(part.left)
            if literals > 1:
                return True
    return False


def _scaled(node: gast.expr) -> bool:
    """Is there a negation or a literal factor in ``node``?"""
    return any((isinstance(part, gast.UnaryOp) and isinstance(part.op, gast.USub))
               or (isinstance(part, gast.BinOp) and isinstance(part.op, (gast.Mult, gast.Div))
                   and (_is_number(part.left) or _is_number(part.right)))
               for part in nodes.walk(node))


def _is_negative_number(node: gast.expr) -> bool:
    return isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) \
        and _is_number(node.operand)


def _counts(function: gast.FunctionDef) -> tuple[dict[str, int], dict[str, int]]:
    """How often each name is stored (parameters and ``del`` included) and read."""
    stores: dict[str, int] = {}
    loads: dict[str, int] = {}
    for node in nodes.walk(function):
        if isinstance(node, gast.Name):
            counts = loads if isinstance(node.ctx, gast.Load) else stores
            counts[node.id] = counts.get(node.id, 0) + 1
    return stores, loads


def _reads(node: gast.AST, name: str) -> int:
    return sum(1 for part in nodes.walk(node) if isinstance(part, gast.Name)
               and part.id == name and isinstance(part.ctx, gast.Load))


def _stores(node: gast.AST) -> set[str]:
    return {part.id for part in nodes.walk(node) if isinstance(part, gast.Name)
            and not isinstance(part.ctx, gast.Load)}


def _droppable(block: list[gast.stmt], statement: gast.stmt) -> bool:
    """May ``statement`` leave ``block``? Not the seeds or the start of the backward sweep, nor
    the last statement of its user statement there (its comment would disappear)."""
    if getanno(statement, Anno.SEED) or getanno(statement, Anno.BACKWARD):
        return False
    origin = getanno(statement, Anno.ORIGIN)
    return origin is None or any(other is not statement and getanno(other, Anno.ORIGIN) == origin
                                 for other in block)


def _forward_negations(function: gast.FunctionDef, adjoints: set[str],
                       stores: dict[str, int], loads: dict[str, int]) -> int:
    changed = 0
    for block in nodes.statement_blocks(function):
        index = 0
        while index < len(block):
            statement = block[index]
            name = _assigned(statement)
            value = statement.value if name is not None else None
            if name in adjoints and stores.get(name) == 1 and isinstance(value, gast.UnaryOp) \
                    and isinstance(value.op, gast.USub) and isinstance(value.operand, gast.Name) \
                    and _droppable(block, statement) \
                    and _forward_at(block, index, name, value, loads.get(name, 0)):
                source = value.operand.id  # keep the counts exact for later decisions
                loads[source] = loads.get(source, 0) + loads.get(name, 0) - 1
                stores[name] = loads[name] = 0
                changed += 1
                continue
            index += 1
    return changed


def _forward_at(block: list[gast.stmt], index: int, name: str, value: gast.UnaryOp,
                reads: int) -> bool:
    """Substitute ``name = value`` (a negation of a name) into its readers after
    ``block[index]`` and drop it, if every read is there and it costs no operation."""
    source = value.operand.id
    readers: list[gast.Assign] = []
    found = 0
    for statement in block[index + 1:]:
        if found == reads:
            break
        if isinstance(statement, gast.Expr):
            continue
        uses = _reads(statement, name)
        if uses:
            if not isinstance(statement, gast.Assign) or _reads(statement.value, name) != uses \
                    or any(_annotated(part) and _reads(part, name)
                           for part in nodes.walk(statement.value)):
                return False
            readers.append(statement)
            found += uses
        if not isinstance(statement, gast.Assign) or source in _stores(statement):
            break
    if found != reads or not readers:
        return False
    rewritten = [_simplify(_substituted(reader.value, name, value), private=True)
                 for reader in readers]
    before = 1 + sum(_cost(reader.value) for reader in readers)
    after = sum(_cost(new) for new in rewritten)
    if after > before or (after == before and any(_passed_negated(new, source)
                                                 for new in rewritten)):
        return False
    for reader, new in zip(readers, rewritten, strict=True):
        reader.value = new
    del block[index]
    return True


def _substituted(expr: gast.expr, name: str, value: gast.expr) -> gast.expr:
    """A copy of ``expr`` (as ``_copy`` makes) with a copy of ``value`` for each read of
    ``name``."""
    class Substitute(gast.NodeTransformer):
        def visit_Name(self, node: gast.Name) -> gast.expr:
            if node.id == name and isinstance(node.ctx, gast.Load):
                return nodes.copy_tree(value)
            return node

    return Substitute().visit(_copy(expr))


def _passed_negated(expr: gast.expr, name: str) -> bool:
    """Is ``-name`` an argument of a call in ``expr`` (a rule call: nothing gained there)?"""
    return any(isinstance(node, gast.Call) and any(
        isinstance(arg, gast.UnaryOp) and isinstance(arg.op, gast.USub)
        and isinstance(arg.operand, gast.Name) and arg.operand.id == name
        for arg in [*node.args, *(keyword.value for keyword in node.keywords)])
        for node in nodes.walk(expr))


def _hoist_factors(function: gast.FunctionDef, adjoints: set[str],
                   stores: dict[str, int], loads: dict[str, int]) -> int:
    changed = 0
    for block in nodes.statement_blocks(function):
        index = 0
        while index < len(block):
            if _merge_scaled_copy(block, index, adjoints, stores, loads):
                changed += 1
            else:
                index += 1
    return changed


def _substitute_first(product: gast.expr, name: str, value: gast.expr) -> gast.expr | None:
    """``product`` with the leftmost leaf of its spine, the name ``name``, replaced by
    ``value``, itself a product, so that the two spines join: ``t * d * 2.0`` with
    ``t = 1.0 / q`` gives ``1.0 / q * d * 2.0``. None if that leaf is not ``name``."""
    if isinstance(product, gast.Name):
        return nodes.copy_tree(value) if product.id == name else None
    if isinstance(product, gast.UnaryOp) and isinstance(product.op, gast.USub):
        inner = _substitute_first(product.operand, name, value)
        return None if inner is None else gast.UnaryOp(op=product.op, operand=inner)
    if isinstance(product, gast.BinOp) and isinstance(product.op, (gast.Mult, gast.Div)):
        left = _substitute_first(product.left, name, value)
        return None if left is None else gast.BinOp(left=left, op=product.op,
                                                    right=product.right)
    return None


def _merge_scaled_copy(block: list[gast.stmt], index: int, adjoints: set[str],
                       stores: dict[str, int], loads: dict[str, int]) -> bool:
    """``t = E`` (a product) then ``r = t * c`` (literals and signs, or more factors after
    ``t``: ``r = t * d * c``), ``t`` read nowhere else and ``r`` assigned nowhere else and not
    seen in between: ``r = E * c`` at ``t``'s place, when that saves operations (``d`` must not
    be rebound in between). True if done (the second statement is removed)."""
    definition = block[index]
    source = _assigned(definition)
    if source not in adjoints or stores.get(source) != 1 or loads.get(source) != 1 \
            or not _is_product(definition.value):
        return False
    for position in range(index + 1, len(block)):
        reader = block[position]
        if _reads(reader, source):
            break
        if isinstance(reader, (gast.For, gast.While, gast.If)):
            return False
    else:
        return False
    target = _assigned(reader)
    if target not in adjoints or stores.get(target) != 1 or not _is_product(reader.value) \
            or not _droppable(block, reader) \
            or any(_reads(statement, target) or target in _stores(statement)
                   for statement in block[index + 1:position]):
        return False
    found = _product(reader.value)
    if not found.factors or found.factors[0][0] or not isinstance(found.factors[0][1], gast.Name) \
            or found.factors[0][1].id != source:
        return False
    if len(found.factors) == 1:
        merged = found.constant() if found.literals else (1, False)
        if merged is None:
            return False
        value, divides = merged
        scale: gast.expr = nodes.constant(value)
        if found.negative:
            scale = gast.UnaryOp(op=gast.USub(), operand=scale)
        scaled = _simplify(gast.BinOp(left=definition.value,
                                      op=gast.Div() if divides else gast.Mult(), right=scale))
    else:  # `r = t * d * 2.0`: computed at t's place, so d must not change in between
        moved = names_in(reader.value) - {source}
        if any(moved & _stores(statement) for statement in block[index + 1:position]):
            return False
        joined = _substitute_first(reader.value, source, definition.value)
        if joined is None:
            return False
        scaled = _simplify(joined)
    if _cost(scaled) >= _cost(definition.value) + _cost(reader.value):
        return False
    definition.value = scaled
    definition.targets[0].id = target
    del block[position]
    stores[source] = loads[source] = 0
    return True
