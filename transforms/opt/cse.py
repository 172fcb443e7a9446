"""Common subexpressions: arithmetic that two statements of the backward sweep both compute is
computed once.

Runs on the generated gradient function, after folding (folding.py) and before in-place
accumulation. The partials of one primitive often share a factor: ``x1 / x2`` gives ``x1`` the
partial ``g / x2`` and ``x2`` the partial ``-(g / x2) * ans``, so a damped Newton step's
adjoint reads ``dy / s`` twice. The shared expression gets a name of its own, assigned right
before the first statement that computes it (or, when it is that statement's whole value, the
later statements read that statement's target).

Only pure arithmetic is shared: operators over names and numbers, never calls, and never a
part of a conditional expression (it might not have been evaluated). A statement between the
two that rebinds one of the expression's names ends the search, so the shared value is the
value each statement would have computed, bit for bit. The forward sweep is the user's code and
is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import gast

from ..ir import nodes
from ..ir.annotations import Anno, getanno
from ..ir.naming import names_in

_SIMPLE = (gast.Assign, gast.AugAssign, gast.Delete, gast.Expr)  # Expr: a comment
# parts of these may not be evaluated, or see names of their own: never searched
# (``_candidates``) nor replaced (``_replace``), which must agree, or a shared expression would
# be hoisted again and again
_CONDITIONAL = (gast.IfExp, gast.BoolOp, gast.Lambda, gast.ListComp, gast.SetComp,
                gast.DictComp, gast.GeneratorExp)


def share_common_subexpressions(function: gast.FunctionDef,
                                fresh: Callable[[str], str]) -> list[str]:
    """Share the backward sweep's common subexpressions; returns the names it introduced.

    ``fresh(hint)`` gives an unused name.

    >>> import gast
    >>> from autodiff.transforms.ir.annotations import Anno, setanno
    >>> tree = gast.parse("def f(dy, s, r):\\n    seed = 1.0\\n    dr = dy / s * -0.5\\n"
    ...                   "    ds = dy / s * r\\n    return dr, ds")
    >>> setanno(tree.body[0].body[0], Anno.BACKWARD, True)
    >>> share_common_subexpressions(tree.body[0], lambda hint: "_" + hint + "1")
    ['_div1']
    >>> print(gast.unparse(tree).strip())
    def f(dy, s, r):
        seed = 1.0
        _div1 = dy / s
        dr = _div1 * -0.5
        ds = _div1 * r
        return (dr, ds)
    """
    introduced: list[str] = []
    for block, start in _backward_blocks(function):
        index = start
        facts: dict[int, tuple[set, set[str]]] = {}
        while index < len(block):
            name = _share_at(block, index, fresh, facts)
            if name is None:
                index += 1
            else:
                facts.clear()  # statements changed
                if name:
                    introduced.append(name)
    return introduced


def _backward_blocks(function: gast.FunctionDef) -> list[tuple[list[gast.stmt], int]]:
    """``(block, start)``: the function body from its first backward statement on, and every
    block nested in the backward sweep's statements (from their start)."""
    body = function.body
    start = next((index for index, statement in enumerate(body)
                  if getanno(statement, Anno.BACKWARD)), None)
    if start is None:
        return []
    nested = [(block, 0) for statement in body[start:] if not isinstance(statement, _SIMPLE)
              for block in nodes.statement_blocks(SimpleNamespace(body=[statement]))[1:]]
    return [(body, start), *nested]


def _share_at(block: list[gast.stmt], index: int, fresh: Callable[[str], str],
              facts: dict[int, tuple[set, set[str]]]) -> str | None:
    """Share one expression of ``block[index]`` with the statements after it: the new name
    ('' when the statement's own target is reused), or None if nothing is shared. ``facts``
    caches each statement's expression keys and stored names."""
    statement = block[index]
    if not isinstance(statement, gast.Assign) or len(statement.targets) != 1 \
            or not isinstance(statement.targets[0], gast.Name):
        return None
    target = statement.targets[0].id
    keys = _known(statement, facts)[0]
    later: set = set()
    for other in block[index + 1:]:
        if not isinstance(other, _SIMPLE):
            break
        later |= _known(other, facts)[0]
    if not keys & later:
        return None  # (cheap test first: most statements share nothing)
    for expression in _candidates(statement.value):
        whole = expression is statement.value
        read = names_in(expression)
        if target in read:
            continue  # the statement itself changes the expression's value
        users = _users(block[index + 1:], _key(expression), read | {target} if whole else read,
                       facts)
        if not users:
            continue
        if whole:
            for user in users:
                user.value = _replace(user.value, expression, target)
            return ""
        name = fresh(_hint(expression))
        block.insert(index, nodes.assign(name, expression, like=statement))
        for user in (statement, *users):
            user.value = _replace(user.value, expression, name)
        return name
    return None


def _candidates(value: gast.expr) -> list[gast.expr]:
    """Operator subexpressions over names and numbers that ``value`` surely evaluates, outermost
    first."""
    found: list[gast.expr] = []
    pending = [value]
    while pending:
        node = pending.pop(0)
        if isinstance(node, (gast.BinOp, gast.UnaryOp)) and _pure(node) and names_in(node):
            found.append(node)
        if not isinstance(node, _CONDITIONAL):
            pending.extend(child for child in nodes.children(node)
                           if isinstance(child, gast.expr))
    return found


def _pure(node: gast.expr) -> bool:
    if isinstance(node, gast.BinOp):
        return _pure(node.left) and _pure(node.right)
    if isinstance(node, gast.UnaryOp):
        return _pure(node.operand)
    return isinstance(node, gast.Name) or (
        isinstance(node, gast.Constant) and type(node.value) in (int, float))


def _users(rest: list[gast.stmt], key: tuple, read: set[str],
           facts: dict[int, tuple[set, set[str]]]) -> list[gast.stmt]:
    """The statements of ``rest`` that compute the expression of ``key`` (outside conditional
    expressions), up to the first statement that is not a simple assignment or that rebinds
    one of the ``read`` names."""
    users = []
    for statement in rest:
        if not isinstance(statement, _SIMPLE):
            break
        keys, stored = _known(statement, facts)
        if key in keys:
            users.append(statement)
        if stored & read:
            break
    return users


def _known(statement: gast.stmt, facts: dict[int, tuple[set, set[str]]]) -> tuple[set, set[str]]:
    known = facts.get(id(statement))
    if known is None:
        known = facts[id(statement)] = _facts(statement)
    return known


def _facts(statement: gast.stmt) -> tuple[set, set[str]]:
    """The keys of the expressions an assignment computes, and the names the statement
    stores (or deletes)."""
    keys = {_key(node) for node in _candidates(statement.value)} \
        if isinstance(statement, gast.Assign) else set()
    targets = statement.targets if isinstance(statement, (gast.Assign, gast.Delete)) \
        else [getattr(statement, "target", statement)]
    stored = {node.id for target in targets for node in nodes.walk(target)
              if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}
    return keys, stored


def _key(node: gast.expr) -> tuple:
    """A structural key of a pure expression (equal keys: the same computation)."""
    if isinstance(node, gast.BinOp):
        return type(node.op), _key(node.left), _key(node.right)
    if isinstance(node, gast.UnaryOp):
        return type(node.op), _key(node.operand)
    if isinstance(node, gast.Name):
        return ("name", node.id)
    return ("number", repr(node.value))  # repr: 0.0 and -0.0 differ


def _replace(value: gast.expr, expression: gast.expr, name: str) -> gast.expr:
    key = _key(expression)

    class Replace(gast.NodeTransformer):
        def visit(self, node):  # type: ignore[override]
            if isinstance(node, (gast.BinOp, gast.UnaryOp)) and _pure(node) \
                    and _key(node) == key:
                return nodes.name(name)
            if isinstance(node, _CONDITIONAL):
                return node
            return super().visit(node)

    return Replace().visit(value)


_HINTS = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "div",
          gast.USub: "neg", gast.Pow: "pow"}


def _hint(expression: gast.expr) -> str:
    return _HINTS.get(type(expression.op), "shared")
