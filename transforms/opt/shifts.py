"""Stability shifts: the max a stable softmax or log-softmax subtracts gets no adjoint.

Part of the ``Idioms`` pass (idioms.py). Input: an ANF + SSA function and its resolution.
Output: the same function, with ``Anno.STOP_GRADIENT`` on each
``m = np.max(x, axis=k, keepdims=True)`` whose only use is ``s = x - m`` where every use of
``s`` is a shift-invariant normalization along the same axis:

- softmax: ``e = np.exp(s)``, ``t = np.sum(e, axis=k, keepdims=True)``, ``p = e / t``;
- log-softmax: ``e = np.exp(s)``, ``t = np.sum(e, ...)``, ``l = np.log(t)``, ``r = s - l``.

Both results are unchanged when a constant is added along the axis, so the gradient reaching
``m`` is exactly zero in real arithmetic (the chain rule computes it as a sum that cancels, at
the cost of five full-size passes and a tie-count). ``Resolve`` classifies a marked statement
as non-differentiable, so it keeps its forward value and gets no adjoint code, as in a
hand-written gradient (and as JAX's ``logsumexp`` does with ``stop_gradient``).
"""

from __future__ import annotations

from typing import Any

import gast
import numpy as np

from ...runtime.registry import MethodKey
from ..analysis.activity import assignments
from ..frontend.resolve import Kind, Resolution, Resolve
from ..ir import nodes
from ..ir.annotations import Anno, setanno
from ..passmanager import Analysis, PassContext

_MAX = (np.max, np.amax, MethodKey("max"))
_SUM = (np.sum, MethodKey("sum"))


def mark_stability_shifts(uses: DefUse) -> int:
    """Put ``Anno.STOP_GRADIENT`` on each stability max; returns how many.

    >>> from autodiff.transforms.testing import resolve_source
    >>> source = '''
    ... def f(x):
    ...     e = np.exp(x - np.max(x, axis=1, keepdims=True))
    ...     return e / np.sum(e, axis=1, keepdims=True)'''
    >>> [kind for text, kind in resolve_source(source) if "max(" in text]
    ['non-differentiable']
    """
    marked = [statement for statement in uses.statements if uses.is_stability_max(statement)]
    for statement in marked:
        setanno(statement, Anno.STOP_GRADIENT, True)
    return len(marked)


class DefUses(Analysis):
    """The ``DefUse`` of ``ctx.function`` (for the idioms and the simplifier)."""

    name = "def_use"
    requires = (Resolve,)

    def run(self, ctx: PassContext) -> DefUse:
        return DefUse(ctx.function, ctx.analysis(Resolve))


class DefUse:
    """Single-assignment definitions and uses of the function's names."""

    def __init__(self, function: gast.FunctionDef, resolution: Resolution) -> None:
        self.resolution = resolution
        self.statements = assignments(function.body)
        stores: dict[str, int] = {}  # parameters count as stores
        for node in nodes.walk(function.args):
            if isinstance(node, gast.Name):
                stores[node.id] = stores.get(node.id, 0) + 1
        self.uses: dict[str, list[gast.stmt]] = {}
        for statement in (item for block in nodes.statement_blocks(function) for item in block):
            for node in _own_nodes(statement):  # one walk: every node is some statement's own
                if node.__class__ is gast.Name:
                    if node.ctx.__class__ is gast.Load:
                        self.uses.setdefault(node.id, []).append(statement)
                    else:
                        stores[node.id] = stores.get(node.id, 0) + 1
        self.definition: dict[str, gast.Assign] = {}
        for statement in self.statements:
            target = statement.targets[0]
            if isinstance(target, gast.Name) and stores.get(target.id) == 1:
                self.definition[target.id] = statement

    # ---- the pattern ---------------------------------------------------------------------
    def is_stability_max(self, statement: gast.Assign) -> bool:
        reduced = self.reduction(statement, _MAX)
        name = target_name(statement)
        if reduced is None or name not in self.definition:
            return False
        operand, axis = reduced
        shift = self.single_use(name)
        if shift is None or not _is_binop(shift, gast.Sub, operand, name):
            return False
        shifted = target_name(shift)
        if shifted is None or shifted not in self.definition:
            return False
        return self.is_softmax(shifted, axis) or self.is_log_softmax(shifted, axis)

    def is_softmax(self, shifted: str, axis: str) -> bool:
        """``e = exp(s); t = sum(e, axis); p = e / t`` and nothing else reads s, e or t."""
        exp = self.single_use(shifted)
        if exp is None or not self.is_call(exp, np.exp, shifted):
            return False
        e = target_name(exp)
        users = self.uses.get(e, []) if e in self.definition else []
        sums = [user for user in users if self.reduction(user, _SUM) == (e, axis)]
        if len(users) != 2 or len(sums) != 1:
            return False
        total = target_name(sums[0])
        divide = next(user for user in users if user is not sums[0])
        return total is not None and self.single_use(total) is divide \
            and _is_binop(divide, gast.Div, e, total)

    def is_log_softmax(self, shifted: str, axis: str) -> bool:
        """``e = exp(s); t = sum(e, axis); l = log(t); r = s - l`` and s has no other use."""
        users = self.uses.get(shifted, [])
        if len(users) != 2:
            return False
        exp = next((user for user in users if self.is_call(user, np.exp, shifted)), None)
        e = target_name(exp) if exp is not None else None
        total_statement = self.single_use(e) if e in self.definition else None
        if total_statement is None or self.reduction(total_statement, _SUM) != (e, axis):
            return False
        total = target_name(total_statement)
        log = self.single_use(total) if total in self.definition else None
        if log is None or not self.is_call(log, np.log, total):
            return False
        result = self.single_use(target_name(log))
        other = next(user for user in users if user is not exp)
        return result is other and _is_binop(other, gast.Sub, shifted, target_name(log))

    # ---- helpers -------------------------------------------------------------------------
    def single_use(self, name: str | None) -> gast.stmt | None:
        users = self.uses.get(name, []) if name is not None else []
        return users[0] if len(users) == 1 and isinstance(users[0], gast.Assign) else None

    def primitive(self, statement: gast.stmt) -> Any:
        operation = self.resolution.operations.get(id(statement))
        if operation is None or operation.kind is not Kind.PRIMITIVE:
            return None
        return operation.callee

    def is_call(self, statement: gast.stmt, function: Any, operand: str) -> bool:
        value = statement.value
        return self.primitive(statement) is function and isinstance(value, gast.Call) \
            and len(value.args) == 1 and not value.keywords and _is_name(value.args[0], operand)

    def reduction(self, statement: gast.stmt, functions: tuple) -> tuple[str, str] | None:
        """``(operand, axis)`` for ``np.max(x, axis=k, keepdims=True)``, ``x.max(k,
        keepdims=True)`` or a full reduction ``np.max(x)`` (axis ``'None'``)."""
        callee = self.primitive(statement)
        value = statement.value
        if not any(callee is function or (isinstance(callee, MethodKey) and callee == function)
                   for function in functions) \
                or not isinstance(value, gast.Call):
            return None
        args = list(value.args)
        if isinstance(callee, MethodKey):
            args = [value.func.value, *args]
        if not args or not isinstance(args[0], gast.Name) or len(args) > 2:
            return None
        keywords = {keyword.arg: keyword.value for keyword in value.keywords}
        if len(args) == 2:
            keywords.setdefault("axis", args[1])
        if set(keywords) - {"axis", "keepdims"}:
            return None
        axis = keywords.get("axis")
        keepdims = keywords.get("keepdims")
        if axis is None or _constant(axis, None):
            return args[0].id, "None"
        index = nodes.int_literal(axis)
        if not _constant(keepdims, True) or index is None:
            return None
        return args[0].id, str(index)


def _constant(node: gast.expr | None, value: Any) -> bool:
    return isinstance(node, gast.Constant) and node.value is value


def _is_name(node: gast.expr, name: str | None) -> bool:
    return isinstance(node, gast.Name) and node.id == name


def _is_binop(statement: gast.stmt, op: type, left: str | None, right: str | None) -> bool:
    value = getattr(statement, "value", None)
    return isinstance(value, gast.BinOp) and isinstance(value.op, op) \
        and _is_name(value.left, left) and _is_name(value.right, right)


def target_name(statement: gast.stmt | None) -> str | None:
    """The name ``statement`` assigns, if it is ``name = value``."""
    if isinstance(statement, gast.Assign) and isinstance(statement.targets[0], gast.Name):
        return statement.targets[0].id
    return None


def _own_nodes(statement: gast.stmt) -> list[gast.AST]:
    """The nodes of ``statement`` outside its nested blocks (a loop's test, not its body)."""
    if isinstance(statement, (gast.If, gast.While)):
        return list(nodes.walk(statement.test))
    if isinstance(statement, gast.For):
        return list(nodes.walk(statement.target)) + list(nodes.walk(statement.iter))
    if isinstance(statement, gast.With):  # its body is a block of its own
        return [node for item in statement.items for node in nodes.walk(item)]
    return list(nodes.walk(statement))  # a nested def's reads are uses of the def statement
