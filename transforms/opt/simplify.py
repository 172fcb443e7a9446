"""Simplify: an algebraic simplifier for the adjoints the reverse pass will emit.

Input: an ANF + SSA function (after ``Idioms``) and its resolution. Output: the same function,
statements unchanged and in the user's order, with annotations that ``Reverse`` reads to emit a
simpler adjoint than the chain rule applied operation by operation. Every rewrite is an
algebraic identity on values the forward sweep computes anyway, found through definitions and
uses (not by adjacency or spelling), so it applies whatever the statement order, the helper
names or the spelling of the same arithmetic:

- polynomial chains (polynomials.py): a chain of ``+ - *`` and integer powers computing ``p(y)``
  contributes ``g * p'(y)`` to ``y`` at once, ``p'(y)`` read from a primal value equal to it
  when the function computes one (value numbering over canonical polynomial forms), otherwise
  written out from the chain's own powers; coefficients are folded to one constant, so
  ``y * 1.0`` contributes ``g`` itself (``a * 1 = a``) and ``2.0 * y + 3.0 * y`` ``g * 5.0``
  (terms that cancel, ``y - y``, are left to the chain rule, whose nan at an infinite ``y``
  must propagate as numpy's would);
- products with a value known to be all ones (``w = np.ones(...)``/``np.ones_like(...)``, only
  ever read as an operand of arithmetic, so never written): ``w * x`` gives ``x`` the adjoint
  ``g`` itself (``a * 1 = a``), and ``w`` need not be kept;
- ``s * x`` with ``s = f(x)`` a unary ufunc: the two contributions to ``x`` are factored into one,
  ``g * (s + x * f'(x))`` (factoring of a common term).

Reverse mode only: the tangent pass applies rules as they are.
"""

from __future__ import annotations

import gast
import numpy as np

from ..analysis.activity import stored_names
from ..analysis.names import LocalNames
from ..frontend.resolve import Kind, Resolve
from ..ir import nodes
from ..ir.annotations import Anno, getanno, setanno
from ..passmanager import PassContext, Transformation
from .polynomials import mark_polynomial_chains, writes_nothing_in_place
from .shifts import DefUse, DefUses, target_name


class Simplify(Transformation):
    """Mark algebraic simplifications of the adjoint (see the module docstring).

    >>> from autodiff.transforms.testing import gradient_source
    >>> source = '''
    ... def f(y, a):
    ...     r = y * y * y + y - a
    ...     return np.sum(r / (3.0 * y * y + 1.0))'''
    >>> print("\\n".join(line for line in gradient_source(source).splitlines()
    ...                  if line.lstrip().startswith("dy")))
        dy = d_add6 * y * 6.0
        dy += d_add3 * _kept_add69
    """

    name = "simplify"
    requires = (Resolve,)  # and DefUses, in reverse mode only

    def run(self, ctx: PassContext) -> bool:
        if ctx.request.mode != "reverse":  # the tangent pass does not scale its rules
            return False
        uses = ctx.analysis(DefUses)
        blocks = {id(statement): (block, index)
                  for block in nodes.statement_blocks(ctx.function)
                  for index, statement in enumerate(block)}
        names = ctx.analysis(LocalNames).bound
        marked = mark_polynomial_chains(ctx.function, uses, ctx.namer, names)
        marked += _mark_function_products(uses, blocks, names)
        marked += _mark_ones_factors(uses)
        return bool(marked)


_MARKS = (Anno.STOP_GRADIENT, Anno.DIFFERENTIATE_AS, Anno.ONES_FACTOR, Anno.PRODUCT_RULE,
          Anno.POLYNOMIAL)


def _unmarked_product(statement: gast.stmt) -> list[str] | None:
    """The two distinct operand names of ``m = a * b`` that no simplification marked yet."""
    value = getattr(statement, "value", None)
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)) \
            or any(getanno(statement, key) is not None for key in _MARKS):
        return None
    names = [_name(value.left), _name(value.right)]
    return names if None not in names and names[0] != names[1] else None


# ---- factoring: s * x with s = f(x) -------------------------------------------------------------

# Their adjoint is not ``g * f'(x)`` for a complex x (docs/complex.md): it cannot be factored.
_NOT_A_PRODUCT_WITH_THE_DERIVATIVE = (np.conjugate, np.absolute)


def _mark_function_products(uses: DefUse, blocks: dict[int, tuple[list, int]],
                            names: set[str]) -> int:
    """``s = f(x)`` and ``m = s * x`` (or ``x * s``) anywhere later in the same block, ``s`` read
    by nothing else and ``x`` unchanged in between: ``s`` gets no adjoint and ``m``
    ``Anno.PRODUCT_RULE``, so ``x``'s adjoint is one contribution."""
    marked = 0
    for product in uses.statements:
        names = _unmarked_product(product)
        for s in names or ():
            x = names[1 - names.index(s)]
            definition = uses.definition.get(s)
            if definition is None or uses.single_use(s) is not product \
                    or any(getanno(definition, key) is not None for key in _MARKS) \
                    or not _unchanged_between(definition, product, x, blocks, names):
                continue
            found = _unary_ufunc_of(definition, x, uses)
            if found is not None:
                setanno(definition, Anno.STOP_GRADIENT, True)
                setanno(product, Anno.PRODUCT_RULE, (s, x, found))
                marked += 1
                break
    return marked


def _unary_ufunc_of(definition: gast.Assign, x: str, uses: DefUse):
    """The resolved operation of ``definition`` when it is ``f(x)``, f a real unary ufunc with
    a rule."""
    callee = uses.primitive(definition)
    operation = uses.resolution.operations.get(id(definition))
    if not (isinstance(callee, np.ufunc) and callee.nin == 1 and callee.nout == 1) \
            or callee in _NOT_A_PRODUCT_WITH_THE_DERIVATIVE \
            or not uses.is_call(definition, callee, x) or operation is None \
            or operation.entry is None or operation.entry.rule_for(0) is None:
        return None
    return operation


def _unchanged_between(first: gast.stmt, last: gast.stmt, name: str,
                       blocks: dict[int, tuple[list, int]], names: set[str]) -> bool:
    """``first`` and ``last`` are in one block and ``name`` keeps its value from one to the
    other: nothing between assigns it or updates an array in place."""
    if id(first) not in blocks or id(last) not in blocks:
        return False
    (block, start), (other, end) = blocks[id(first)], blocks[id(last)]
    return block is other and start < end and all(
        name not in stored_names(statement) and writes_nothing_in_place(statement, names)
        for statement in block[start + 1:end])


# ---- a * 1 = a ----------------------------------------------------------------------------------

_ONES = (np.ones, np.ones_like)


def _mark_ones_factors(uses: DefUse) -> int:
    """Put ``Anno.ONES_FACTOR`` (the name ``w``) on each ``m = w * x`` (or ``x * w``) whose
    ``w`` is all ones: assigned once from ``np.ones``/``np.ones_like`` and only ever read as an
    operand of arithmetic."""
    marked = 0
    for statement in uses.statements:
        names = _unmarked_product(statement)
        ones = next((name for name in names or () if _all_ones(name, uses)), None)
        if ones is not None:
            setanno(statement, Anno.ONES_FACTOR, ones)
            marked += 1
    return marked


def _all_ones(name: str, uses: DefUse) -> bool:
    definition = uses.definition.get(name)
    operation = uses.resolution.operations.get(id(definition))
    if operation is None or operation.kind is not Kind.NONDIFFERENTIABLE \
            or not any(operation.callee is function for function in _ONES) \
            or target_name(definition) != name:
        return False
    return all(isinstance(user, gast.Assign) and isinstance(user.value, gast.BinOp)
               and name in (_name(user.value.left), _name(user.value.right))
               for user in uses.uses.get(name, []))


def _name(node: gast.expr) -> str | None:
    return node.id if isinstance(node, gast.Name) else None
