"""Static single assignment outside loops: a reassigned name gets a new version.

Input: ANF function. Output invariant: outside loops every name is assigned at most once
(parameters count as assigned): ``x = x + 1`` becomes ``x_1 = x + 1`` and later reads of ``x``
read ``x_1``; after an ``if``, a name the branches left in different versions is merged into one
new version assigned at the end of each branch. Inside a loop body names are not versioned (the
body runs many times): they keep the version current when the loop starts, and the reverse pass
saves overwritten values the backward sweep needs on a tape. So straight-line code needs no tape.
"""

from __future__ import annotations

import gast

from ..ir import nodes
from ..ir.annotations import Anno, setanno
from ..passmanager import PassContext, Transformation
from .anf import operation_hint

# Compiler flags that never carry a gradient and are read by control flow only.
_UNVERSIONED_PREFIXES = ("_cond", "_broke", "_continued", "_returned")


class SSA(Transformation):
    """Version reassigned names.

    >>> from autodiff.transforms.testing import run_passes
    >>> from autodiff.transforms.frontend.normalize import Normalize
    >>> print(run_passes('''
    ... def f(x, c):
    ...     x = x * 2
    ...     if c:
    ...         x = x + 1
    ...     return x''', [Normalize, SSA]))
    def f(x, c):
        x_1 = x * 2
        if c:
            x_2 = x_1 + 1
            x_3 = x_2
        else:
            x_3 = x_1
        return x_3
    """

    name = "ssa"

    def run(self, ctx: PassContext) -> bool:
        args = ctx.function.args
        params = [arg.id for arg in args.args + args.kwonlyargs + args.posonlyargs]
        renamer = _Renamer(ctx, set(params))
        renamer.block(ctx.function.body, {name: name for name in params}, in_loop=False)
        return True


class _Renamer:
    def __init__(self, ctx: PassContext, defined: set[str]) -> None:
        self.ctx = ctx
        self.defined = defined

    def block(self, statements: list[gast.stmt], env: dict[str, str], in_loop: bool) -> None:
        result = []
        for statement in statements:
            if in_loop:
                result.extend(self.split_self_update(statement))
            else:
                result.append(statement)
        statements[:] = result
        for statement in statements:
            self.statement(statement, env, in_loop)

    def split_self_update(self, statement: gast.stmt) -> list[gast.stmt]:
        """In a loop, ``x = f(x)`` -> ``_f1 = f(x); x = _f1``: a statement never overwrites
        its own input, so its adjoint sees the input and the output at once."""
        if not isinstance(statement, gast.Assign) or isinstance(statement.value, gast.Name):
            return [statement]
        stored = {node.id for node in _stores(statement)}
        loaded = {node.id for node in nodes.walk(statement.value) if isinstance(node, gast.Name)}
        if not stored & loaded or any(name.startswith(_UNVERSIONED_PREFIXES) for name in stored):
            return [statement]
        temp = self.ctx.namer.temp(operation_hint(statement.value))
        target = statement.targets[0]
        statement.targets = [nodes.name(temp, store=True, like=statement)]
        update = nodes.assign(target, nodes.name(temp, like=statement), like=statement)
        setanno(update, Anno.COMPILER_COPY, True)
        return [statement, update]

    def statement(self, statement: gast.stmt, env: dict[str, str], in_loop: bool) -> None:
        if isinstance(statement, gast.FunctionDef):
            return  # a nested helper keeps its own names
        if isinstance(statement, gast.If):
            _rename_loads(statement.test, env)
            self.conditional(statement, env, in_loop)
        elif isinstance(statement, (gast.For, gast.While)):
            self.loop(statement, env)
        else:
            for node in nodes.walk(statement):
                if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                    node.id = env.get(node.id, node.id)
            for node in _stores(statement):
                self.store(node, env, in_loop)

    def store(self, node: gast.Name, env: dict[str, str], in_loop: bool) -> None:
        base = node.id
        if base.startswith(_UNVERSIONED_PREFIXES):
            env[base] = base
        elif in_loop:
            env.setdefault(base, base)
            node.id = env[base]
        elif base in self.defined:
            env[base] = self.ctx.namer.version(base)
            node.id = env[base]
        else:
            env[base] = base
        self.defined.add(node.id)
        self.defined.add(base)

    def conditional(self, statement: gast.If, env: dict[str, str], in_loop: bool) -> None:
        body_env, else_env = dict(env), dict(env)
        self.block(statement.body, body_env, in_loop)
        self.block(statement.orelse, else_env, in_loop)
        if in_loop:
            env.update(body_env)
            env.update(else_env)
            return
        used_later = _loads_outside(self.ctx.function, statement)
        for base in sorted(set(body_env) | set(else_env)):
            in_body, in_else = body_env.get(base), else_env.get(base)
            one_sided = in_body is None or in_else is None
            if in_body == in_else or (one_sided and not ({base, in_body, in_else} & used_later)):
                env[base] = in_body or in_else  # the same, or a temporary of one branch
                continue
            merged = self.ctx.namer.version(base)
            self.defined.add(merged)
            for branch, version in ((statement.body, in_body), (statement.orelse, in_else)):
                # a name the other branch never defines (it returned early) merges as None
                value = nodes.name(version, like=statement) if version is not None \
                    else nodes.constant(None, statement)
                copied = nodes.assign(merged, value, like=_last(branch, statement))
                setanno(copied, Anno.COMPILER_COPY, True)
                branch.append(copied)
            env[base] = merged

    def loop(self, statement: gast.For | gast.While, env: dict[str, str]) -> None:
        if isinstance(statement, gast.For):
            _rename_loads(statement.iter, env)
            self.store(statement.target, env, in_loop=True)
        else:
            _rename_loads(statement.test, env)
        self.block(statement.body, env, in_loop=True)


def _loads_outside(function: gast.FunctionDef, inner: gast.stmt) -> set[str]:
    """Names read anywhere in ``function`` except inside ``inner``."""
    excluded = {id(node) for node in nodes.walk(inner)}
    return {node.id for node in nodes.walk(function) if isinstance(node, gast.Name)
            and isinstance(node.ctx, gast.Load) and id(node) not in excluded}


def _last(branch: list[gast.stmt], statement: gast.If) -> gast.stmt:
    return branch[-1] if branch else statement


def _rename_loads(expr: gast.expr, env: dict[str, str]) -> None:
    for node in nodes.walk(expr):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            node.id = env.get(node.id, node.id)


def _stores(statement: gast.stmt) -> list[gast.Name]:
    return [node for node in nodes.walk(statement)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store)]
