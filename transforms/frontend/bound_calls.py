"""Calls through objects that only bind arguments, rewritten into the call they stand for.

Part of ``local_functions.py``'s rewrites (run on the parsed tree, before ``check``):

- ``functools.partial(g, a, k=v)(b)`` -> ``g(a, b, k=v)``; ``p = functools.partial(g, a)``
  whose name is only called -> the bound arguments kept in temporaries where the partial was
  made (``_p_0 = a``: they are evaluated there) and each ``p(b)`` -> ``g(_p_0, b)``;
- a frozen scipy distribution: ``stats.norm(loc, scale).logpdf(x)`` ->
  ``stats.norm.logpdf(x, loc, scale)`` (and ``d = stats.norm(loc, scale)`` only used by method
  calls), so the call reaches the distribution's registered rule with its bound parameters.

``g`` must be known when compiling (a non-local name or chain, or a def of the function); any
other use of the bound object is left alone and meets the usual fence (a call of a callable
computed when the function runs is refused with a clear error).
"""

from __future__ import annotations

import builtins
import functools
import types
from typing import Any

import gast

from ..ir import nodes
from .anf import root_name

_MISSING = object()

# methods of a frozen distribution and where the distribution's method takes the value: the
# methods of rv_continuous/rv_discrete that read a point take it first, then the parameters
_POINT_METHODS = frozenset({"pdf", "logpdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf",
                            "pmf", "logpmf"})
_PARAMETER_METHODS = frozenset({"mean", "var", "std", "median", "entropy"})


def rewrite_bound_calls(function: types.FunctionType, tree: gast.FunctionDef) -> None:
    """Rewrite partials and frozen distributions in ``tree`` (see the module docstring)."""
    bound = _Binder(function, tree)
    bound.inline_named()
    bound.inline_direct()


def builds_bound_object(function: types.FunctionType, call: gast.Call) -> bool:
    """Is this call ``functools.partial(...)`` or a scipy distribution being frozen?"""
    maker = static_value(function, call.func, set())
    return maker is functools.partial or _is_distribution(maker)


def static_value(function: types.FunctionType, expr: gast.expr, locals_: set[str]) -> Any:
    """The object a non-local name or attribute chain refers to now, or ``_MISSING``."""
    if isinstance(expr, gast.Attribute):
        base = static_value(function, expr.value, locals_)
        return _MISSING if base is _MISSING else getattr(base, expr.attr, _MISSING)
    if not isinstance(expr, gast.Name) or expr.id in locals_:
        return _MISSING
    if expr.id in function.__code__.co_freevars:
        return _MISSING  # a closure cell may change: not a compile-time constant here
    if expr.id in function.__globals__:
        return function.__globals__[expr.id]
    return getattr(builtins, expr.id, _MISSING)


def _is_distribution(value: Any) -> bool:
    """A scipy.stats distribution object (``stats.norm``, ``stats.multivariate_normal``),
    checked without importing scipy when the program does not use it."""
    module = getattr(type(value), "__module__", "") or ""
    if not module.startswith("scipy.stats"):
        return False
    from scipy import stats

    generic = (stats.rv_continuous, stats.rv_discrete)
    multivariate = getattr(stats._multivariate, "multi_rv_generic", None)
    return isinstance(value, generic) or (multivariate is not None
                                          and isinstance(value, multivariate))


class _Binder:
    def __init__(self, function: types.FunctionType, tree: gast.FunctionDef) -> None:
        self.function = function
        self.tree = tree
        self.locals = _local_names(tree)
        self.taken = {node.id for node in nodes.walk(tree) if isinstance(node, gast.Name)}
        self.defs = _defined_once(tree)

    # ---- what a bound object is ------------------------------------------------------------
    def bound(self, call: gast.Call) -> tuple[str, gast.expr, list, list] | None:
        """``("partial" | "frozen", target, args, keywords)`` for a call making a partial of
        a known function or freezing a distribution; None otherwise."""
        if not isinstance(call, gast.Call) or _has_star(call):
            return None
        maker = static_value(self.function, call.func, self.locals)
        if maker is functools.partial and call.args and self.known_callee(call.args[0]):
            found = "partial", call.args[0], list(call.args[1:]), list(call.keywords)
        elif _is_distribution(maker):
            found = "frozen", call.func, list(call.args), list(call.keywords)
        else:
            return None
        from .specialize import assume

        for expr in (call.func, found[1]):
            root = root_name(expr)
            if root is not None and root not in self.locals:
                assume(self.tree, root)
        return found

    def known_callee(self, expr: gast.expr) -> bool:
        root = root_name(expr)
        if root is None:
            return False
        return root not in self.locals or (isinstance(expr, gast.Name) and root in self.defs)

    # ---- the call it stands for ----------------------------------------------------------
    @staticmethod
    def expanded(kind: str, target: gast.expr, args: list, keywords: list, call: gast.Call,
                 method: str | None) -> gast.Call | None:
        """The call ``call`` makes through the bound object (``method`` for ``obj.m(...)``)."""
        given = {keyword.arg for keyword in call.keywords}
        kept = [keyword for keyword in keywords if keyword.arg not in given]
        if kind == "partial":
            if method is not None:
                return None
            return gast.Call(func=nodes.copy_tree(target), args=[*args, *call.args],
                             keywords=[*kept, *call.keywords])
        if any(keyword.arg == "seed" for keyword in keywords):
            return None  # a random state of the frozen object: not a parameter of the method
        if method in _POINT_METHODS and len(call.args) == 1 and not call.keywords:
            positional = [call.args[0], *args]
        elif method in _PARAMETER_METHODS and not call.args and not call.keywords:
            positional = list(args)
        else:
            return None
        func = gast.Attribute(value=nodes.copy_tree(target), attr=method, ctx=gast.Load())
        return gast.Call(func=func, args=positional, keywords=kept)

    def inline_direct(self) -> None:
        """``partial(g, a)(b)`` and ``stats.norm(m, s).logpdf(x)`` in any expression."""
        for node in list(nodes.walk(self.tree)):
            if not isinstance(node, gast.Call) or _has_star(node):
                continue
            inner, method = node.func, None
            if isinstance(inner, gast.Attribute) and isinstance(inner.value, gast.Call):
                inner, method = inner.value, inner.attr
            found = self.bound(inner) if isinstance(inner, gast.Call) else None
            if found is None:
                continue
            call = self.expanded(*found, node, method)
            if call is not None:
                node.func, node.args, node.keywords = call.func, call.args, call.keywords

    def inline_named(self) -> None:
        """``p = partial(g, a)`` / ``d = stats.norm(m, s)`` whose name is only called (or has
        methods called): arguments bound once where the object was made."""
        for node in list(nodes.walk(self.tree)):
            if not (isinstance(node, gast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], gast.Name)
                    and isinstance(node.value, gast.Call)):
                continue
            found = self.bound(node.value)
            block = _block_of(self.tree, node)
            if found is None or block is None:
                continue
            name = node.targets[0].id
            uses = self.uses(name, node, method_calls=found[0] == "frozen")
            if uses is None:
                continue
            kind, target, args, keywords = found
            bindings, args, keywords = self.bind(name, node, args, keywords)
            calls = [(call, method, self.expanded(kind, target, args, keywords, call, method))
                     for call, method in uses]
            if any(expanded is None for _, _, expanded in calls):
                continue
            for call, _, expanded in calls:
                call.func, call.args, call.keywords = (expanded.func, expanded.args,
                                                       expanded.keywords)
            index = block.index(node)
            block[index:index + 1] = bindings

    def uses(self, name: str, assignment: gast.Assign,
             method_calls: bool) -> list[tuple[gast.Call, str | None]] | None:
        """Every read of ``name`` as ``name(...)`` (or ``name.m(...)``), when it has no other
        use and is assigned only here."""
        parents = {id(child): node for node in nodes.walk(self.tree)
                   for child in nodes.children(node)}
        found = []
        for node in nodes.walk(self.tree):
            if not isinstance(node, gast.Name) or node.id != name:
                continue
            if node is assignment.targets[0]:
                continue
            parent = parents.get(id(node))
            if not isinstance(node.ctx, gast.Load):
                return None
            if not method_calls and isinstance(parent, gast.Call) and parent.func is node \
                    and not _has_star(parent):
                found.append((parent, None))
                continue
            outer = parents.get(id(parent))
            if method_calls and isinstance(parent, gast.Attribute) \
                    and isinstance(outer, gast.Call) and outer.func is parent \
                    and not _has_star(outer):
                found.append((outer, parent.attr))
                continue
            return None
        return found

    def bind(self, name: str, like: gast.stmt, args: list,
             keywords: list) -> tuple[list[gast.stmt], list, list]:
        """Temporaries holding the bound arguments (evaluated where the object was made)."""
        bindings: list[gast.stmt] = []

        def temporary(hint: str, value: gast.expr) -> gast.expr:
            if isinstance(value, gast.Constant):
                return value
            fresh = f"_{name}_{hint}"
            while fresh in self.taken:
                fresh += "_"
            self.taken.add(fresh)
            bindings.append(gast.copy_location(gast.Assign(
                targets=[gast.Name(id=fresh, ctx=gast.Store(), annotation=None,
                                   type_comment=None)], value=value, type_comment=None), like))
            return gast.Name(id=fresh, ctx=gast.Load(), annotation=None, type_comment=None)

        args = [temporary(str(position), arg) for position, arg in enumerate(args)]
        keywords = [gast.keyword(arg=keyword.arg, value=temporary(keyword.arg, keyword.value))
                    for keyword in keywords]
        return bindings, args, keywords


def _has_star(call: gast.Call) -> bool:
    return any(isinstance(arg, gast.Starred) for arg in call.args) \
        or any(keyword.arg is None for keyword in call.keywords)


def _local_names(tree: gast.FunctionDef) -> set[str]:
    arguments = tree.args
    found = {arg.id for arg in [*arguments.posonlyargs, *arguments.args,
                                *arguments.kwonlyargs]}
    found |= {arg.id for arg in (arguments.vararg, arguments.kwarg) if arg is not None}
    for node in nodes.walk(tree):
        if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
            found.add(node.id)
        elif isinstance(node, (gast.FunctionDef, gast.ClassDef)) and node is not tree:
            found.add(node.name)
    return found


def _defined_once(tree: gast.FunctionDef) -> set[str]:
    """Names of nested defs, each defined once and never assigned otherwise."""
    defs = [node.name for node in nodes.walk(tree)
            if isinstance(node, gast.FunctionDef) and node is not tree]
    stored = {node.id for node in nodes.walk(tree)
              if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}
    return {name for name in defs if defs.count(name) == 1 and name not in stored}


def _block_of(tree: gast.AST, statement: gast.AST) -> list | None:
    for node in nodes.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and any(item is statement for item in block):
                return block
    return None
