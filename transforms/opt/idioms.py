"""Idioms: a chain of operations that spells a known function is differentiated as that
function.

Input: an ANF + SSA function. Output: the same function, with ``Anno.DIFFERENTIATE_AS`` on the
last statement of each recognized chain: ``(primitive, operand)``. The forward sweep still
runs the user's operations (so values are bit for bit the user's); ``Resolve`` classifies the
marked statement as ``primitive(operand)``, so its adjoint is that primitive's rule and the
chain's intermediate values are neither differentiated nor saved for the backward sweep.

Recognized (the intermediates read by nothing else, all in one block):

- the max a stable softmax or log-softmax subtracts (shifts.py): it gets ``Anno.STOP_GRADIENT``
  instead, as its adjoint is exactly zero;
- the logistic function ``1 / (1 + np.exp(-x))`` (either order of the sum): the adjoint is
  ``g * s * (1 - s)``, from the result alone, as in hand-written LSTM code; the chain rule
  would keep ``exp(-x)`` and ``1 + exp(-x)`` alive and spend five operations;
- the stable softplus ``np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))``, the two terms added
  with the same sign into one sum (other terms may sit between them, as in BCE-with-logits
  ``max(z, 0) - z * y + log1p(exp(-|z|))``): both receive the sum's adjoint, so the maximum
  gets ``Anno.STOP_GRADIENT`` and the ``log1p`` term is differentiated as ``softplus(z)``,
  ``g * sigmoid(z)``, instead of a tie-splitting maximum rule plus five operations;

Each chain is found through definitions and uses, not adjacency: other statements may sit
between its steps, as long as its operand keeps its value. General algebraic simplifications of
the adjoint (polynomials, products with ones, factoring) are the ``Simplify`` pass
(simplify.py).
"""

from __future__ import annotations

import gast
import numpy as np

from ...runtime.rules_nn import sigmoid, softplus
from ..analysis.activity import stored_names
from ..analysis.names import LocalNames
from ..frontend.resolve import Resolve
from ..ir import nodes
from ..ir.annotations import Anno, getanno, setanno
from ..passmanager import PassContext, Transformation
from .polynomials import writes_nothing_in_place
from .shifts import DefUse, DefUses, mark_stability_shifts, target_name


class Idioms(Transformation):
    """Mark chains that spell a known function (see the module docstring).

    >>> from autodiff.transforms.testing import gradient_source
    >>> source = "def f(x):\\n    return np.sum(1.0 / (1.0 + np.exp(-x)))"
    >>> print(gradient_source(source).splitlines()[-2])
        dx = d_div4 * _div4 * (1 - _div4)
    """

    name = "idioms"
    requires = (Resolve, DefUses)

    def run(self, ctx: PassContext) -> bool:
        uses = ctx.analysis(DefUses)
        marked = mark_stability_shifts(uses) + _mark_softplus(ctx.function, uses)
        blocks = {id(statement): block for block in nodes.statement_blocks(ctx.function)
                  for statement in block}
        names = ctx.analysis(LocalNames).bound
        for statement in uses.statements:
            operand = _logistic(statement, uses, blocks, names)
            if operand is not None:
                setanno(statement, Anno.DIFFERENTIATE_AS, (sigmoid, operand))
                marked += 1
        return bool(marked)


def _logistic(divide: gast.stmt, uses: DefUse, blocks: dict[int, list],
              names: set[str]) -> str | None:
    """``x`` when ``divide`` is ``s = 1 / a`` with ``a = 1 + e``, ``e = np.exp(n)``,
    ``n = -x``, each read only by the next, all in one block and ``x`` unchanged between."""
    quotient = getattr(divide, "value", None)
    if not (isinstance(quotient, gast.BinOp) and isinstance(quotient.op, gast.Div)
            and _one(quotient.left)):
        return None
    add = _only_definition(_name(quotient.right), divide, uses)
    added = getattr(add, "value", None)
    if not (isinstance(added, gast.BinOp) and isinstance(added.op, gast.Add)
            and {_one(added.left), _one(added.right)} == {True, False}):
        return None
    exp = _only_definition(_name(added.right if _one(added.left) else added.left), add, uses)
    if exp is None or not isinstance(exp.value, gast.Call) or len(exp.value.args) != 1:
        return None
    n = _name(exp.value.args[0])
    negate = _only_definition(n, exp, uses)
    if negate is None or not uses.is_call(exp, np.exp, n):
        return None
    chain = [negate, exp, add, divide]
    block = blocks.get(id(divide))
    if block is None or any(blocks.get(id(statement)) is not block for statement in chain):
        return None
    operand = negate.value
    if not (isinstance(operand, gast.UnaryOp) and isinstance(operand.op, gast.USub)
            and isinstance(operand.operand, gast.Name)):
        return None
    x = operand.operand.id
    low, high = sorted(block.index(statement) for statement in (negate, divide))
    if any(x in stored_names(statement) or not writes_nothing_in_place(statement, names)
           for statement in block[low:high + 1]):
        return None
    return x


def _mark_softplus(function: gast.FunctionDef, uses: DefUse) -> int:
    """Mark each ``np.maximum(z, 0)`` and ``np.log1p(np.exp(-np.abs(z)))`` added with the same
    sign into one sum: together they are softplus(z), whose derivative is sigmoid(z)."""
    blocks = {id(statement): block for block in nodes.statement_blocks(function)
              for statement in block}
    maxima = {}
    for statement in uses.statements:
        z = _relu_operand(statement, uses)
        if z is not None:
            maxima.setdefault(z, []).append(statement)
    marked = 0
    for statement in uses.statements:
        z = _stable_tail(statement, uses)
        for maximum in maxima.get(z, []) if z is not None else []:
            if not getanno(maximum, Anno.STOP_GRADIENT) \
                    and _same_sign_in_one_sum(maximum, statement, uses, blocks, z):
                setanno(maximum, Anno.STOP_GRADIENT, True)
                setanno(statement, Anno.DIFFERENTIATE_AS, (softplus, z))
                marked += 1
                break
    return marked


def _relu_operand(statement: gast.stmt, uses: DefUse) -> str | None:
    """``z`` for ``m = np.maximum(z, 0)`` (or ``np.maximum(0.0, z)``)."""
    value = statement.value
    if uses.primitive(statement) is not np.maximum or not isinstance(value, gast.Call) \
            or len(value.args) != 2 or value.keywords or target_name(statement) not in uses.definition:
        return None
    names = [_name(arg) for arg in value.args]
    zeros = [isinstance(arg, gast.Constant) and type(arg.value) in (int, float)
             and arg.value == 0 for arg in value.args]
    if zeros == [False, True]:
        return names[0]
    return names[1] if zeros == [True, False] else None


def _stable_tail(statement: gast.stmt, uses: DefUse) -> str | None:
    """``z`` for ``t = np.log1p(e)``, ``e = np.exp(n)``, ``n = -a``, ``a = np.abs(z)``."""
    value = statement.value
    if uses.primitive(statement) is not np.log1p or not isinstance(value, gast.Call) \
            or len(value.args) != 1 or value.keywords:
        return None
    exp = _only_definition(_name(value.args[0]), statement, uses)
    if exp is None or not isinstance(exp.value, gast.Call) or len(exp.value.args) != 1:
        return None
    n = _name(exp.value.args[0])
    if not uses.is_call(exp, np.exp, n):
        return None
    negate = _only_definition(n, exp, uses)
    if negate is None or not (isinstance(negate.value, gast.UnaryOp)
                              and isinstance(negate.value.op, gast.USub)):
        return None
    a = _name(negate.value.operand)
    absolute = _only_definition(a, negate, uses)
    if absolute is None or uses.primitive(absolute) is not np.abs \
            or not isinstance(absolute.value, gast.Call) or len(absolute.value.args) != 1:
        return None
    return _name(absolute.value.args[0])


def _only_definition(name: str | None, reader: gast.stmt, uses: DefUse) -> gast.Assign | None:
    """The definition of ``name`` when ``reader`` is its only use."""
    if name is None or name not in uses.definition or uses.single_use(name) is not reader:
        return None
    return uses.definition[name]


def _sum_path(name: str | None, uses: DefUse) -> dict[int, int]:
    """``id(statement) -> sign`` along the chain of sums reading ``name``, one use each."""
    path: dict[int, int] = {}
    sign = 1
    while name is not None and name in uses.definition:
        user = uses.single_use(name)
        value = getattr(user, "value", None)
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))) \
                or _name(value.left) == _name(value.right):
            break
        if isinstance(value.op, gast.Sub) and _name(value.right) == name:
            sign = -sign
        path[id(user)] = sign
        name = target_name(user)
    return path


def _same_sign_in_one_sum(maximum: gast.stmt, tail: gast.stmt, uses: DefUse,
                          blocks: dict[int, list], z: str) -> bool:
    """Both terms reach one sum with the same sign, and ``z`` is the same value in both."""
    first, second = _sum_path(target_name(maximum), uses), _sum_path(target_name(tail), uses)
    if not any(first.get(key) == sign for key, sign in second.items()):
        return False
    block = blocks.get(id(maximum))
    if block is None or blocks.get(id(tail)) is not block:
        return False
    low, high = sorted((block.index(maximum), block.index(tail)))
    return not any(isinstance(node, gast.Name) and node.id == z
                   and isinstance(node.ctx, gast.Store)
                   for statement in block[low:high + 1] for node in nodes.walk(statement))


def _one(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and type(node.value) in (int, float) \
        and node.value == 1


def _name(node: gast.expr) -> str | None:
    return node.id if isinstance(node, gast.Name) else None
