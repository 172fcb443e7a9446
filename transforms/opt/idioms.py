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
  would keep ``exp(-x)`` and ``1 + exp(-x)`` alive and spend five operations;
- the stable softplus ``np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))``, the two terms added
  with the same sign into one sum (other terms may sit between them, as in BCE-with-logits
  ``max(z, 0) - z * y + log1p(exp(-|z|))``): both receive the sum's adjoint, so the maximum
  gets ``Anno.STOP_GRADIENT`` and the ``log1p`` term is differentiated as ``softplus(z)``,
  ``g * sigmoid(z)``, instead of a tie-splitting maximum rule plus five operations;
- powers built by multiplication, ``y * y * y``, ``3.0 * y * y``, ``-a * a`` (in ANF
  ``p = y * y; m = p * y``): ``p`` gets ``Anno.STOP_GRADIENT`` and ``m`` gets
  ``Anno.PARTIAL_SCALE``, so ``y``'s adjoint is ``g * p * 3.0`` (``g * y * 6.0`` for
  ``3.0 * y * y``) in one contribution instead of the product rule applied twice (reverse
  mode only);
- products with an array of ones, ``w = np.ones_like(z)`` then ``w * x`` (a default weight, as
  in the seed's BCE-with-logits): ``x``'s adjoint is ``g``, not ``g * w`` (``g`` already has the
  product's shape, and multiplying by one changes no bit), so ``w`` need not be kept; marked
  ``Anno.ONES_FACTOR`` when every use of ``w`` is an operand of arithmetic, so nothing can
  write into it (reverse mode only);
- a product of a value and a unary ufunc of it, ``s = np.sin(x); m = s * x`` (``x * np.log(x)``,
  ``np.exp(x) * x``, ...): ``s`` gets ``Anno.STOP_GRADIENT`` and ``m`` gets
  ``Anno.PRODUCT_RULE``, so ``x``'s adjoint is ``g * (s + x * np.cos(x))`` in one contribution
  (f's own rule applied to ``x``) instead of ``g * s`` plus ``(g * x) * np.cos(x)`` (reverse mode
  only);
- a polynomial of one name whose derivative the function also computes, as Newton's method
  does (``polynomials.py``): ``Anno.POLYNOMIAL`` makes its adjoint ``g`` times that derivative
  (reverse mode only).
"""

from __future__ import annotations

import gast
import numpy as np

from ...runtime.rules_nn import sigmoid, softplus
from ..frontend.resolve import Kind, Resolve
from ..ir import nodes
from ..ir.annotations import Anno, getanno, setanno
from ..passmanager import PassContext, Transformation
from .polynomials import mark_polynomial_derivatives
from .shifts import DefUse, mark_stability_shifts, target_name


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
        marked = mark_stability_shifts(uses) + _mark_softplus(ctx.function, uses)
        if ctx.request.mode == "reverse":  # the tangent pass does not scale its rules
            marked += mark_polynomial_derivatives(ctx.function, uses)
            marked += _mark_powers(ctx.function, uses) + _mark_ones_factors(uses)
            marked += _mark_function_products(ctx.function, uses)
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
    names = [target_name(statement) for statement in chain]
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


def _mark_powers(function: gast.FunctionDef, uses: DefUse) -> int:
    """``p = b * b; m = p * b`` is ``b**3``: ``p`` gets no adjoint, and ``m``'s partial for
    ``b`` (``g * p``) is scaled by 3; likewise ``p = c * b`` or ``p = -b``, then ``m = p * b``
    (``c * b**2``): scaled by 2."""
    return _mark_pairs(function, uses, _power, Anno.PARTIAL_SCALE)


def _mark_pairs(function: gast.FunctionDef, uses: DefUse, find, key: Anno) -> int:
    """For each two adjacent statements ``find(first, second, uses)`` accepts: the first gets
    ``Anno.STOP_GRADIENT`` and the second ``key``, with what ``find`` returned."""
    marked = 0
    for block in nodes.statement_blocks(function):
        for index in range(1, len(block)):
            found = find(block[index - 1], block[index], uses)
            if found is not None:
                setanno(block[index - 1], Anno.STOP_GRADIENT, True)
                setanno(block[index], key, found)
                marked += 1
    return marked


def _power(definition: gast.stmt, product: gast.stmt,
           uses: DefUse) -> tuple[float, str, str | None] | None:
    """``(scale, p, b)`` for ``product = p * b`` right after ``definition: p = f(b)``: the
    partial for ``b`` is the product rule's ``g * p`` times ``scale``, with ``p`` replaced by
    ``b`` when ``p`` is ``c * b`` or ``-b`` (``g * b * 2c``: nothing of ``p`` is kept), or kept
    (``b`` None) when ``p`` is ``b * b``."""
    p = target_name(definition)
    value = getattr(product, "value", None)
    if p is None or p not in uses.definition or uses.single_use(p) is not product \
            or not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)) \
            or any(getanno(statement, key) is not None for statement in (definition, product)
                   for key in (Anno.STOP_GRADIENT, Anno.POLYNOMIAL)):
        return None
    names = [_name(value.left), _name(value.right)]
    if p not in names or None in names or names[0] == names[1]:
        return None
    base = names[1 - names.index(p)]
    made = definition.value
    if isinstance(made, gast.UnaryOp) and isinstance(made.op, gast.USub) \
            and _name(made.operand) == base:
        return -2.0, p, base
    if not (isinstance(made, gast.BinOp) and isinstance(made.op, gast.Mult)):
        return None
    operands = [made.left, made.right]
    if all(_name(operand) == base for operand in operands):
        return 3.0, p, None
    numbers = [operand.value for operand in operands if isinstance(operand, gast.Constant)
               and type(operand.value) in (int, float)]
    if len(numbers) == 1 and base in (_name(made.left), _name(made.right)):
        return 2.0 * numbers[0], p, base
    return None


def _mark_function_products(function: gast.FunctionDef, uses: DefUse) -> int:
    """``s = f(x); m = s * x`` (or ``x * s``), adjacent, f a unary ufunc with a rule and ``s``
    read by nothing else: ``s`` gets no adjoint and ``m`` differentiates as ``x * f(x)``."""
    return _mark_pairs(function, uses, _function_product, Anno.PRODUCT_RULE)


_MARKS = (Anno.STOP_GRADIENT, Anno.PARTIAL_SCALE, Anno.DIFFERENTIATE_AS, Anno.ONES_FACTOR,
          Anno.PRODUCT_RULE, Anno.POLYNOMIAL)


def _function_product(definition: gast.stmt, product: gast.stmt, uses: DefUse) -> tuple | None:
    """``(s, x, operation of s)`` for ``product: m = s * x`` right after ``s = f(x)``."""
    s = target_name(definition)
    value = getattr(product, "value", None)
    if s is None or s not in uses.definition or uses.single_use(s) is not product \
            or not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)) \
            or any(getanno(statement, key) is not None
                   for statement in (definition, product) for key in _MARKS):
        return None
    names = [_name(value.left), _name(value.right)]
    if s not in names or None in names or names[0] == names[1]:
        return None
    x = names[1 - names.index(s)]
    callee = uses.primitive(definition)
    operation = uses.resolution.operations.get(id(definition))
    if not (isinstance(callee, np.ufunc) and callee.nin == 1 and callee.nout == 1) \
            or not uses.is_call(definition, callee, x) or operation is None \
            or operation.entry is None or operation.entry.rule_for(0) is None:
        return None
    return s, x, operation


_ONES = (np.ones, np.ones_like)


def _mark_ones_factors(uses: DefUse) -> int:
    """Put ``Anno.ONES_FACTOR`` (the name ``w``) on each ``m = w * x`` (or ``x * w``) whose
    ``w`` is all ones: assigned once from ``np.ones``/``np.ones_like`` and only ever read as an
    operand of arithmetic."""
    marked = 0
    for statement in uses.statements:
        value = statement.value
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)) \
                or any(getanno(statement, key) is not None for key in _MARKS):
            continue
        names = [_name(value.left), _name(value.right)]
        if names[0] == names[1]:
            continue
        ones = next((name for name in names if _all_ones(name, uses)), None)
        if ones is not None:
            setanno(statement, Anno.ONES_FACTOR, ones)
            marked += 1
    return marked


def _all_ones(name: str | None, uses: DefUse) -> bool:
    definition = uses.definition.get(name) if name is not None else None
    operation = uses.resolution.operations.get(id(definition))
    if operation is None or operation.kind is not Kind.NONDIFFERENTIABLE \
            or not any(operation.callee is function for function in _ONES):
        return False
    return all(isinstance(user, gast.Assign) and isinstance(user.value, gast.BinOp)
               and name in (_name(user.value.left), _name(user.value.right))
               for user in uses.uses.get(name, []))


def _one(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and type(node.value) in (int, float) \
        and node.value == 1


def _name(node: gast.expr) -> str | None:
    return node.id if isinstance(node, gast.Name) else None
