"""Idioms: a chain of operations that spells a known function is differentiated as that
function.

Input: an ANF + SSA function. Output: the same function, with ``Anno.DIFFERENTIATE_AS`` on the
last statement of each recognized chain: ``(primitive, operand)``. The forward sweep still
runs the user's operations (so values are bit for bit the user's); ``Resolve`` classifies the
marked statement as ``primitive(operand)``, so its adjoint is that primitive's rule and the
chain's intermediate values are neither differentiated nor saved for the backward sweep.

Recognized (the intermediates read by nothing else, the statements consecutive in a block):

- the max a stable softmax or log-softmax subtracts (shifts.py): it gets ``Anno.STOP_GRADIENT``
  instead, as its adjoint is exactly zero;
- the logistic function ``1 / (1 + np.exp(-x))`` (either order of the sum): the adjoint is
  ``g * s * (1 - s)``, from the result alone, as in hand-written LSTM code; the chain rule
  would keep ``exp(-x)`` and ``1 + exp(-x)`` alive and spend five operations.
"""

from __future__ import annotations

import gast
import numpy as np

from ..runtime.rules_nn import sigmoid
from . import nodes
from .annotations import Anno, setanno
from .passmanager import PassContext, Transformation
from .resolve import Resolve
from .shifts import DefUse, mark_stability_shifts


class Idioms(Transformation):
    """Mark chains that spell a known function (see the module docstring).

    >>> from autodiff.transforms.testing import gradient_source
    >>> source = "def f(x):\\n    return np.sum(1.0 / (1.0 + np.exp(-x)))"
    >>> print(gradient_source(source).splitlines()[-2])
        dx = d_div4 * _div4 * (1 - _div4)
    """

    name = "idioms"
    requires = (Resolve,)

    def run(self, ctx: PassContext) -> bool:
        uses = DefUse(ctx.function, ctx.analysis(Resolve))
        marked = mark_stability_shifts(uses)
        for block in nodes.statement_blocks(ctx.function):
            for index in range(3, len(block)):
                operand = _logistic(block[index - 3:index + 1], uses)
                if operand is not None:
                    setanno(block[index], Anno.DIFFERENTIATE_AS, (sigmoid, operand))
                    marked += 1
        return bool(marked)


def _logistic(chain: list[gast.stmt], uses: DefUse) -> str | None:
    """``x`` when ``chain`` is ``n = -x; e = np.exp(n); a = 1 + e; s = 1 / a``."""
    if not all(isinstance(statement, gast.Assign) for statement in chain):
        return None
    negate, exp, add, divide = chain
    names = [_target(statement) for statement in chain]
    if None in names or any(name not in uses.definition for name in names[:3]) \
            or any(uses.single_use(name) is not user
                            for name, user in zip(names[:3], chain[1:], strict=True)):
        return None
    n, e, a, _ = names
    operand = negate.value
    if not (isinstance(operand, gast.UnaryOp) and isinstance(operand.op, gast.USub)
            and isinstance(operand.operand, gast.Name)):
        return None
    if not uses.is_call(exp, np.exp, n):
        return None
    added = add.value
    if not (isinstance(added, gast.BinOp) and isinstance(added.op, gast.Add)
            and {_one(added.left), _one(added.right)} == {True, False}
            and e in (_name(added.left), _name(added.right))):
        return None
    quotient = divide.value
    if not (isinstance(quotient, gast.BinOp) and isinstance(quotient.op, gast.Div)
            and _one(quotient.left) and _name(quotient.right) == a):
        return None
    return operand.operand.id


def _one(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and type(node.value) in (int, float) \
        and node.value == 1


def _name(node: gast.expr) -> str | None:
    return node.id if isinstance(node, gast.Name) else None


def _target(statement: gast.stmt) -> str | None:
    target = statement.targets[0] if isinstance(statement, gast.Assign) else None
    return target.id if isinstance(target, gast.Name) else None
