"""The language fence: reject, at the user's line, every construct the compiler cannot
differentiate, with a one-line suggestion of what to write instead.

Input: a parsed ``FunctionDef``. Output: nothing (an analysis), or ``UnsupportedSyntaxError``.
"""

from __future__ import annotations

import gast

from ...errors import Loc, UnsupportedSyntaxError
from ..ir import nodes
from ..passmanager import Analysis, PassContext

# node class -> (what it is, what to write instead)
_REJECTED: dict[type, tuple[str, str]] = {
    gast.Try: ("try/except", "move error handling outside the differentiated function"),
    gast.AsyncWith: ("async with", "differentiate an ordinary synchronous function"),
    gast.AsyncFor: ("async for", "differentiate an ordinary synchronous function"),
    gast.AsyncFunctionDef: ("an async function", "write an ordinary def"),
    gast.Await: ("await", "differentiate an ordinary synchronous function"),
    gast.Yield: ("yield", "return a value (generators cannot be differentiated)"),
    gast.YieldFrom: ("yield from", "return a value (generators cannot be differentiated)"),
    gast.Global: ("a global statement", "return the new value instead of writing a global"),
    gast.Nonlocal: ("a nonlocal statement", "return the new value instead of rebinding it"),
    gast.ClassDef: ("a class definition", "define the class at module level"),
    gast.Lambda: ("a lambda that is not assigned to a name and called",
                  "assign it (f = lambda x: ...) and call f, or define the helper with def"),
    gast.Delete: ("del", "let the name go out of scope instead"),
    gast.SetComp: ("a set comprehension", "use a list comprehension or a loop"),
    gast.NamedExpr: ("an assignment expression (:=)", "assign in a separate statement"),
    gast.Dict: ("a dict literal", "pass the arrays as separate arguments"),
    gast.Set: ("a set literal", "use a tuple"),
}
if hasattr(gast, "Match"):
    _REJECTED[gast.Match] = ("a match statement", "use np.where(cond, a, b)")
if hasattr(gast, "TryStar"):
    _REJECTED[gast.TryStar] = ("try/except*", "move error handling outside the function")


class CheckSyntax(Analysis):
    """Raise ``UnsupportedSyntaxError`` at the first construct outside the supported language.

    >>> import gast
    >>> from autodiff.transforms.frontend.check import first_violation
    >>> tree = gast.parse("def f(x):\\n    try:\\n        return x\\n    except ValueError:\\n        return x").body[0]
    >>> first_violation(tree)[1]
    'try/except is not supported in a differentiated function; move error handling outside the differentiated function'
    """

    name = "check"

    def run(self, ctx: PassContext) -> None:
        found = first_violation(ctx.function) or _nested_violation(ctx)
        if found is not None:
            node, message = found
            raise UnsupportedSyntaxError(message, Loc(ctx.source.filename, node.lineno,
                                                      node.col_offset))


def first_violation(tree: gast.FunctionDef) -> tuple[gast.AST, str] | None:
    """The first unsupported node of ``tree`` and the message for it, or None."""
    found = _check_signature(tree)
    if found is not None:
        return found
    for statement in tree.body:
        for node in nodes.walk(statement):
            message = _message(node)
            if message is not None:
                return node, message
    return None


def _nested_violation(ctx: PassContext) -> tuple[gast.AST, str] | None:
    compiled = {id(inner) for node in nodes.walk(ctx.function)
                if isinstance(node, gast.FunctionDef) and node is not ctx.function
                and node.name in ctx.source.nested
                for inner in nodes.walk(node) if inner is not node}  # checked when compiled
    for node in nodes.walk(ctx.function):
        if isinstance(node, gast.FunctionDef) and node is not ctx.function \
                and id(node) not in compiled and node.name not in ctx.source.nested:
            return node, ("a nested function that uses variables of the enclosing function is "
                          "supported when it is only called (not stored, passed or returned) "
                          "and has no defaults or decorators; call it directly, or pass the "
                          "values as arguments to a helper defined at module level")
    return None


def _check_signature(tree: gast.FunctionDef) -> tuple[gast.AST, str] | None:
    if tree.args.vararg is not None:
        return tree, ("*args parameters are not supported in a differentiated function; "
                      "name each parameter")
    if tree.args.kwarg is not None:
        return tree, ("**kwargs parameters are not supported in a differentiated function; "
                      "name each parameter")
    return None


def _message(node: gast.AST) -> str | None:
    rejected = _REJECTED.get(type(node))
    if rejected is not None:
        what, instead = rejected
        return f"{what} is not supported in a differentiated function; {instead}"
    if isinstance(node, gast.Starred) and isinstance(node.ctx, gast.Store):
        return ("star-unpacking in an assignment target is not supported; unpack the items "
                "one by one")
    if isinstance(node, gast.keyword) and node.arg is None:
        return ("**kwargs in a call is not supported in a differentiated function; "
                "pass the keyword arguments by name")
    if isinstance(node, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
        return _assignment_message(node)
    if isinstance(node, gast.While) and any(
            isinstance(part, (gast.ListComp, gast.GeneratorExp, gast.DictComp))
            for part in nodes.walk(node.test)):
        return ("a comprehension in a while condition is not supported; compute it in the "
                "loop body into a name and test the name")
    if isinstance(node, gast.With) and any(
            isinstance(part, (gast.Return, gast.Break, gast.Continue))
            for statement in node.body for part in nodes.walk(statement)):
        return ("a with block is supported only when its body does not return, break or "
                "continue; enter the context outside the differentiated function, or assign "
                "the result and return after the block")
    if isinstance(node, (gast.For, gast.While)) and node.orelse:
        return ("a loop with an else clause is not supported; set a flag before break and "
                "test it after the loop")
    if isinstance(node, gast.For) and not _simple_target(node.target):
        return "a loop target must be a name or a tuple of names; unpack inside the loop"
    return None


def _simple_target(target: gast.expr) -> bool:
    """A name, or a (nested) tuple of names."""
    if isinstance(target, gast.Name):
        return True
    return isinstance(target, gast.Tuple) and all(_simple_target(e) for e in target.elts)


def _assignment_message(node: gast.AST) -> str | None:
    targets = node.targets if isinstance(node, gast.Assign) else [node.target]
    for target in targets:
        if isinstance(target, gast.Subscript):
            if not isinstance(target.value, gast.Name):
                return ("assignment into a nested element (x[i][j] = v) is not supported; "
                        "index once, as x[i, j] = v")
            continue
        for part in nodes.walk(target):
            if isinstance(part, gast.Subscript):
                return ("assignment into an element inside a tuple target is not supported; "
                        "assign the element in its own statement")
            if isinstance(part, gast.Attribute):
                return ("assignment to an attribute is not supported in a differentiated "
                        "function; return the value instead")
    if isinstance(node, gast.AnnAssign) and node.value is None:
        return "an annotation without a value is not supported; assign a value"
    return None
