"""In-place accumulation: ``dx = dx + e`` -> ``dx += e`` (and ``dx = dx - e`` -> ``dx -= e``)
where the generated code owns ``dx``.

Runs on the generated gradient function (after the reverse pass has built it). An update is
in place when no other name can see the array being updated, known either

- for the whole function: every value the adjoint is ever bound to is a fresh result
  (arithmetic, ``np.full``, ``np.outer``, ``_rt.zeros_like``, ``_rt.getitem_vjp`` or a number)
  or its own accumulation, and it is only read as an operand of arithmetic or returned; or
- along one block: since the adjoint was last bound to a fresh result in that block (an
  accumulation ``dx = dx + e`` is one), nothing read it other than as an operand of
  arithmetic (the backward sweep reads an adjoint, passing it to rules, only after its last
  contribution).

Each update must also provably keep the adjoint's shape (``fits``). On arrays this saves one
full-size allocation per accumulation; on numbers ``+=`` simply rebinds, as before.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..ir import nodes
from ..ir.annotations import NUMPY, RUNTIME, Anno, called, getanno

_FRESH_CALLS = frozenset({(RUNTIME, "zeros_like"), (RUNTIME, "getitem_vjp"),
                          (RUNTIME, "scatter"), (NUMPY, "full"), (NUMPY, "outer"),
                          (NUMPY, "zeros")})


def accumulate_in_place(function: gast.FunctionDef, adjoints: set[str],
                        fits: Callable[[str, gast.expr], bool]) -> int:
    """Rewrite the qualifying accumulations of ``function`` in place; returns how many.

    ``adjoints``: the names that may be rewritten; ``fits(name, e)``: ``name + e`` provably has
    ``name``'s shape.

    >>> import gast
    >>> tree = gast.parse("def f(a, b):\\n    dx = a * b\\n    dx = dx + a\\n    return dx")
    >>> accumulate_in_place(tree.body[0], {"dx"}, lambda name, value: True)
    1
    >>> print(gast.unparse(tree).strip().splitlines()[2])
        dx += a
    """
    returned = _returned_ids(function)
    aliased, stored_badly = _scan(function, returned)
    args = function.args
    owned = set(adjoints) - aliased.pop(None) - stored_badly \
        - {arg.id for arg in args.posonlyargs + args.args + args.kwonlyargs}
    count = 0
    for block in nodes.statement_blocks(function):
        fresh: set[str] = set()  # bound in this block to a new array no other name sees
        for index, statement in enumerate(block):
            if fresh:
                seen = aliased.get(id(statement))
                fresh -= _mentioned(statement) if seen is None else seen
            name = _accumulated(statement)
            if name in adjoints and (name in owned or name in fresh) \
                    and fits(name, statement.value.right):
                block[index] = _in_place(statement, name)
                count += 1
            elif name is not None:
                fresh.add(name)  # `dx = dx + e` made a new array
            elif isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], gast.Name):
                target = statement.targets[0].id
                if _fresh(statement.value):
                    fresh.add(target)
                else:
                    fresh.discard(target)
            else:
                fresh -= _stored(statement)
    return count


_COMPOUND = (gast.For, gast.While, gast.If, gast.With, gast.Try, gast.FunctionDef)


def _scan(function: gast.FunctionDef,
          returned: set[int]) -> tuple[dict[int | None, set[str]], set[str]]:
    """One walk of ``function``: the names each simple statement may let another name see (by
    ``id``; under None, those of the whole function, the headers of loops and branches
    included), and the names ever bound to something other than a fresh array or their own
    accumulation. A name is judged from its parent: read other than as an operand of
    arithmetic, an argument copied into a new array or a returned item, it may be aliased."""
    aliased: dict[int | None, set[str]] = {None: set()}
    stored_badly: set[str] = set()
    for block in nodes.statement_blocks(function):
        for statement in block:
            found: set[str] = set()
            if isinstance(statement, gast.FunctionDef):  # its body is not a block of ours
                parts = []
                found = _mentioned(statement)
            elif isinstance(statement, _COMPOUND):  # its blocks are scanned as blocks
                parts = [part for name in ("test", "iter", "target", "items", "args",
                                          "decorator_list")
                         for part in _as_list(getattr(statement, name, None))]
            else:
                parts = [statement]
            for part in parts:
                parent_of_part = statement if part is not statement else None
                for node, parent in nodes.walk_with_parents(part, parent_of_part):
                    if node.__class__ is not gast.Name:
                        continue
                    if node.ctx.__class__ is gast.Load:
                        if not isinstance(parent, (gast.BinOp, gast.UnaryOp)) \
                                and not _copied_by(parent, node) and id(node) not in returned:
                            found.add(node.id)
                    elif not (isinstance(parent, gast.Assign) and parent.targets[0] is node
                              and (_fresh(parent.value) or _accumulated(parent) == node.id)):
                        stored_badly.add(node.id)
            aliased[None] |= found
            if not isinstance(statement, _COMPOUND):
                aliased[id(statement)] = found
    return aliased, stored_badly


def _as_list(value: object) -> list[gast.AST]:
    if isinstance(value, list):
        return [item for item in value if isinstance(item, gast.AST)]
    return [value] if isinstance(value, gast.AST) else []


def _mentioned(statement: gast.stmt) -> set[str]:
    """Every name a statement with nested blocks mentions (all may be aliased in it)."""
    return {node.id for node in nodes.walk(statement) if isinstance(node, gast.Name)}


def _in_place(statement: gast.Assign, name: str) -> gast.AugAssign:
    value = statement.value.right
    target: gast.expr = nodes.name(name, store=True)
    if _is_scatter(value) and isinstance(statement.value.op, gast.Add):
        # dx + scatter(g, shape, index): add g into the slice of dx, no zeros
        target = gast.Subscript(value=nodes.name(name), slice=_as_subscript(value.args[2]),
                                ctx=gast.Store())
        value = value.args[0]
    update = gast.AugAssign(target=target, op=type(statement.value.op)(), value=value)
    return nodes.copy_location(update, statement)


def _stored(statement: gast.stmt) -> set[str]:
    return {node.id for node in nodes.walk(statement)
            if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}


def _returned_ids(function: gast.FunctionDef) -> set[int]:
    return {id(node) for block in nodes.statement_blocks(function) for statement in block
            if isinstance(statement, gast.Return) for node in _returned_items(statement.value)}


def _accumulated(statement: gast.stmt) -> str | None:
    """``v`` for a statement ``v = v + e`` or ``v = v - e``."""
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], gast.Name) \
            and isinstance(statement.value, gast.BinOp) \
            and isinstance(statement.value.op, (gast.Add, gast.Sub)) \
            and isinstance(statement.value.left, gast.Name) \
            and statement.value.left.id == statement.targets[0].id:
        return statement.targets[0].id
    return None


_COPYING_CALLS = frozenset({(NUMPY, "sum"), (NUMPY, "full"), (NUMPY, "outer"),
                            (RUNTIME, "scatter")})


def _copied_by(parent: gast.AST | None, node: gast.Name) -> bool:
    """Is ``node`` an argument of a call that only reads it into a new array (or the array
    whose ``.sum`` is taken)?"""
    if isinstance(parent, gast.Attribute):
        return parent.value is node and parent.attr == "sum"
    return isinstance(parent, gast.Call) and any(arg is node for arg in parent.args) \
        and _emitted(parent) in _COPYING_CALLS


def _as_subscript(index: gast.expr) -> gast.expr:
    """``(slice(None, n, None), 1)`` as subscript syntax ``:n, 1``."""
    if isinstance(index, gast.Tuple):
        return gast.Tuple(elts=[_as_subscript(item) for item in index.elts], ctx=gast.Load())
    if isinstance(index, gast.Call) and isinstance(index.func, gast.Name) \
            and index.func.id == "slice" and len(index.args) == 3:
        lower, upper, step = (None if isinstance(arg, gast.Constant) and arg.value is None
                              else arg for arg in index.args)
        return gast.Slice(lower=lower, upper=upper, step=step)
    return index


def _is_scatter(value: gast.expr) -> bool:
    return isinstance(value, gast.Call) and len(value.args) == 3 and not value.keywords \
        and called(value, RUNTIME, "scatter")


def _fresh(value: gast.expr) -> bool:
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(value, gast.Constant):
        return isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
    return _emitted(value) in _FRESH_CALLS


def _emitted(call: gast.AST) -> tuple[str | None, str] | None:
    """``(library, name)`` of the function a generated call calls (None if not one)."""
    found = getanno(call, Anno.CALL)
    return None if found is None else (found.library, found.name)


def _returned_items(value: gast.expr | None) -> list[gast.expr]:
    """The items of the returned (nested) tuple."""
    if isinstance(value, gast.Tuple):
        return [item for element in value.elts for item in _returned_items(element)]
    return [] if value is None else [value]
