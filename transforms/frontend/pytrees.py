"""Containers of arrays (pytrees) passed as parameters, flattened into one name per leaf.

A call ``f(params, x)`` with ``params = {'W1': W1, 'b1': b1}`` (or a list of ``(W, b)``
layers, nested tuples/lists/dicts) is compiled, when the API knows the container's
structure (``CompileRequest.containers``), as a function of the leaves: ``params['W1']``
becomes the name ``params_W1``, a loop over a container is unrolled with the loop variable
bound to each item, and ``len(params)`` is a constant. Each leaf then is an ordinary
parameter: shape specialization, in-place accumulation and every other fast path apply,
and its adjoint accumulates on its own (no container of zeros per read).

``FlattenContainers`` (front end, first rewrite) does that; ``PackContainers`` (last, reverse
mode) restores the user's signature: the leaves are unpacked from the container at the
entry and the gradient container is built once at the exit::

    def grad_f(params, x):
        params_W1 = params['W1']
        ...
        return value, ({'W1': dparams_W1, 'b1': dparams_b1}, dx)

The caller guards the structure (keys, lengths), as the fast-path entry does. A use the pass
cannot see through (the container stored, mutated, indexed by a value known only at run time)
raises ``ContainersNotFlattened``; the caller then compiles the container as one value.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import gast

from ...errors import AutodiffError
from ..ir import nodes
from ..passmanager import PassContext, Transformation

MAX_LEAVES = 64  # larger containers stay one value (unrolling would bloat the code)

# A container's structure: ``None`` for a leaf, else ``(kind, keys, children)`` with kind
# "tuple", "list" or "dict" (keys: the dict's keys in order, or ``range(len)`` as a tuple).
Tree = Any


class ContainersNotFlattened(AutodiffError):
    """The function uses a container parameter in a way the flattening cannot follow."""


def leaves(param: str, tree: Tree) -> list[tuple[str, tuple]]:
    """``(leaf name, key path)`` of each leaf of ``tree``, in order: ``params_W1``,
    ``layers_0_1``."""
    if tree is None:
        return [(param, ())]
    _, keys, children = tree
    result = []
    for key, child in zip(keys, children, strict=True):
        for name, path in leaves(f"{param}_{_key_text(key)}", child):
            result.append((name, (key, *path)))
    return result


def flattened_wrt(wrt: tuple[str, ...], containers: tuple[tuple[str, Tree], ...]) -> tuple:
    """``wrt`` with each container parameter replaced by its leaves."""
    trees = dict(containers)
    result: list[str] = []
    for param in wrt:
        if param in trees:
            result.extend(name for name, _ in leaves(param, trees[param]))
        else:
            result.append(param)
    return tuple(result)


def _key_text(key: Any) -> str:
    text = "".join(ch if ch.isalnum() else "_" for ch in str(key))
    return text or "_"


# ---- flattening --------------------------------------------------------------------------------
class _Node:
    """A (part of a) container parameter seen at compile time."""

    def __init__(self, kind: str, items: list[tuple[Any, Any]]) -> None:
        self.kind, self.items = kind, items  # items: (key, _Node or leaf name)

    def child(self, key: Any) -> Any:
        if self.kind == "dict":
            for known, value in self.items:
                if type(known) is type(key) and known == key:
                    return value
            raise ContainersNotFlattened(f"key {key!r} is not in the container")
        if not isinstance(key, int) or isinstance(key, bool) \
                or not -len(self.items) <= key < len(self.items):
            raise ContainersNotFlattened(f"index {key!r} out of range")
        return self.items[key][1]

    def sliced(self, lower: int | None, upper: int | None, step: int | None) -> _Node:
        picked = [value for _, value in self.items][slice(lower, upper, step)]
        return _Node(self.kind, list(enumerate(picked)))


def _build(param: str, tree: Tree) -> Any:
    if tree is None:
        return param
    kind, keys, children = tree
    return _Node(kind, [(key, _build(f"{param}_{_key_text(key)}", child))
                        for key, child in zip(keys, children, strict=True)])


class FlattenContainers(Transformation):
    """Container parameters become one parameter per leaf (see the module docstring).

    >>> from autodiff.transforms.testing import run_passes
    >>> layers = ("list", (0, 1), (("tuple", (0, 1), (None, None)),) * 2)
    >>> print(run_passes('''
    ... def f(layers, x):
    ...     for W, b in layers:
    ...         x = np.tanh(x @ W + b)
    ...     return np.sum(x) * len(layers)''', [FlattenContainers],
    ...     wrt=("layers_0_0", "layers_0_1", "layers_1_0", "layers_1_1"),
    ...     containers=(("layers", layers),)))
    def f(layers_0_0, layers_0_1, layers_1_0, layers_1_1, x):
        W = layers_0_0
        b = layers_0_1
        x = np.tanh(x @ W + b)
        W = layers_1_0
        b = layers_1_1
        x = np.tanh(x @ W + b)
        return np.sum(x) * 2
    """

    name = "pytrees"

    def run(self, ctx: PassContext) -> bool:
        weight_leaves = getattr(ctx.request, "weight_leaves", ())
        if weight_leaves:
            from .cells import inline_cells  # cells.py imports this module

            inline_cells(ctx, weight_leaves)
        containers = getattr(ctx.request, "containers", ())
        if not containers:
            return bool(weight_leaves)
        function = ctx.function
        trees = dict(containers)
        taken = {node.id for node in nodes.walk(function) if isinstance(node, gast.Name)}
        names = [name for param, tree in containers for name, _ in leaves(param, tree)]
        if len(names) != len(set(names)) or (set(names) - set(trees)) & taken \
                or len(names) > MAX_LEAVES:
            raise ContainersNotFlattened("leaf names clash with names of the function")
        params = [arg.id for arg in function.args.args]
        if any(param not in params for param in trees) or function.args.vararg is not None:
            raise ContainersNotFlattened("a container is not a positional parameter")
        stores = Counter(node.id for node in nodes.walk(function)
                         if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store))
        rewriter = _Rewriter({param: _build(param, tree) for param, tree in containers},
                             {name for name, count in stores.items() if count == 1})
        function.body = rewriter.block(function.body)
        args = []
        for arg in function.args.args:
            if arg.id in trees:
                args.extend(gast.Name(id=name, ctx=gast.Param(), annotation=None,
                                      type_comment=None)
                            for name, _ in leaves(arg.id, trees[arg.id]))
            else:
                args.append(arg)
        function.args.args = args
        return True


def _constant(node: gast.expr) -> Any:
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) \
            and isinstance(node.operand, gast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    raise ContainersNotFlattened("a container indexed by a value known only at run time")


class _Rewriter:
    def __init__(self, roots: dict[str, _Node], assigned_once: set[str]) -> None:
        self.roots = roots
        self.assigned_once = assigned_once  # names that can alias a container part
        self.depth = 0  # nesting of the block being rewritten (0: the function's body)

    # ---- expressions -------------------------------------------------------------------------
    def resolve(self, expr: gast.expr) -> Any:
        """The container part or leaf name ``expr`` denotes, or None if it is no container."""
        if isinstance(expr, gast.Name):
            if expr.id in self.roots:
                if not isinstance(expr.ctx, gast.Load):
                    raise ContainersNotFlattened(f"the container {expr.id} is reassigned")
                return self.roots[expr.id]
            return None
        if isinstance(expr, gast.Subscript):
            base = self.resolve(expr.value)
            if base is None:
                return None
            if not isinstance(base, _Node) or not isinstance(expr.ctx, gast.Load):
                raise ContainersNotFlattened("an item of a container is stored")
            index = expr.slice
            if isinstance(index, gast.Slice):
                if base.kind == "dict":
                    raise ContainersNotFlattened("a dict sliced")
                bounds = [None if part is None else _constant(part)
                          for part in (index.lower, index.upper, index.step)]
                return base.sliced(*bounds)
            return base.child(_constant(index))
        if isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.Add):
            return self.concatenated(self.resolve(expr.left), self.resolve(expr.right))
        return None

    @staticmethod
    def concatenated(left: Any, right: Any) -> Any:
        """``params[:1] + params[1:]``: parts of container parameters joined into one."""
        if not isinstance(left, _Node) and not isinstance(right, _Node):
            return None  # no container part joined (`params["b"] + x` is arithmetic)
        if not (isinstance(left, _Node) and isinstance(right, _Node)) \
                or left.kind != right.kind or left.kind == "dict":
            raise ContainersNotFlattened("a container joined with a value that is not part of "
                                         "a container parameter")
        joined = [value for _, value in left.items] + [value for _, value in right.items]
        return _Node(left.kind, list(enumerate(joined)))

    def display(self, value: Any, like: gast.AST) -> gast.expr:
        if isinstance(value, str):
            return nodes.name(value, like=like)
        elements = [self.display(item, like) for _, item in value.items]
        if value.kind == "tuple":
            return nodes.tuple_(elements, like=like)
        if value.kind == "list":
            return nodes.list_(elements, like=like)
        raise ContainersNotFlattened("a dict of parameters used as a whole")

    def expression(self, expr: Any) -> Any:
        if not isinstance(expr, gast.AST):
            return expr
        if isinstance(expr, gast.expr):
            value = self.resolve(expr)
            if value is not None:
                return self.display(value, expr)
            if isinstance(expr, gast.Attribute) and isinstance(self.resolve(expr.value), _Node):
                raise ContainersNotFlattened("a method or attribute of a container is used")
            if isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name) \
                    and expr.func.id == "len" and len(expr.args) == 1 and not expr.keywords:
                sized = self.resolve(expr.args[0])
                if isinstance(sized, _Node):
                    return nodes.constant(len(sized.items), like=expr)
        for field, old in gast.iter_fields(expr):
            if isinstance(old, list):
                setattr(expr, field, [self.expression(item) for item in old])
            elif isinstance(old, gast.AST):
                setattr(expr, field, self.expression(old))
        return expr

    # ---- statements --------------------------------------------------------------------------
    def block(self, statements: list[gast.stmt]) -> list[gast.stmt]:
        result: list[gast.stmt] = []
        self.depth += 1
        try:
            for statement in statements:
                result.extend(self.statement(statement))
        finally:
            self.depth -= 1
        return result

    def statement(self, statement: gast.stmt) -> list[gast.stmt]:
        if isinstance(statement, gast.Assign) and len(statement.targets) == 1:
            value = self.resolve(statement.value)
            if value is not None:
                bound = self.bind(statement.targets[0], value, statement)
                self.alias(statement.targets[0], value)
                return bound
        if isinstance(statement, gast.For):
            unrolled = self.unrolled(statement)
            if unrolled is not None:
                return unrolled
        for field, old in gast.iter_fields(statement):
            if isinstance(old, list) and old and isinstance(old[0], gast.stmt):
                setattr(statement, field, self.block(old))
            elif isinstance(old, list):
                setattr(statement, field, [self.expression(item) for item in old])
            elif isinstance(old, gast.AST):
                setattr(statement, field, self.expression(old))
        return [statement]

    def bind(self, target: gast.expr, value: Any, like: gast.stmt) -> list[gast.stmt]:
        """``target = value`` with a destructuring target matched item by item."""
        if isinstance(target, (gast.Tuple, gast.List)) and isinstance(value, _Node):
            if value.kind == "dict" or len(target.elts) != len(value.items) \
                    or any(isinstance(e, gast.Starred) for e in target.elts):
                raise ContainersNotFlattened("a container unpacked into other targets")
            result = []
            for element, (_, item) in zip(target.elts, value.items, strict=True):
                result.extend(self.bind(element, item, like))
            return result
        if self.resolve_store(target):
            raise ContainersNotFlattened("a container item is assigned")
        return [nodes.assign(self.expression(target), self.display(value, like), like=like)]

    def alias(self, target: gast.expr, value: Any) -> None:
        """``layers = params[:1] + params[1:]`` in the function's body, ``layers`` assigned
        only there: later uses of ``layers`` see the container's parts."""
        if isinstance(target, gast.Name) and isinstance(value, _Node) and self.depth == 1 \
                and target.id in self.assigned_once:
            self.roots[target.id] = value

    def resolve_store(self, target: gast.expr) -> bool:
        return any(isinstance(node, gast.Name) and node.id in self.roots
                   for node in nodes.walk(target))

    def unrolled(self, loop: gast.For) -> list[gast.stmt] | None:
        """``for W, b in layers: body`` over a container: the body once per item."""
        iterable, enumerated = loop.iter, False
        if isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) \
                and iterable.func.id == "enumerate" and len(iterable.args) == 1 \
                and not iterable.keywords:
            iterable, enumerated = iterable.args[0], True
        sequence = self.resolve(iterable)
        if sequence is None:
            return self.unrolled_range(loop)
        if not isinstance(sequence, _Node) or sequence.kind == "dict" or loop.orelse \
                or _jumps(loop.body):
            raise ContainersNotFlattened("a loop over a container that cannot be unrolled")
        result = []
        for index, (_, item) in enumerate(sequence.items):
            if enumerated:
                if not isinstance(loop.target, gast.Tuple) or len(loop.target.elts) != 2:
                    raise ContainersNotFlattened("enumerate over a container")
                counter, target = loop.target.elts
                result.append(nodes.assign(nodes.copy_tree(counter),
                                           nodes.constant(index, like=loop), like=loop))
            else:
                target = loop.target
            result.extend(self.bind(nodes.copy_tree(target), item, loop))
            result.extend(self.block(nodes.copy_tree(loop.body)))
        return result

    def unrolled_range(self, loop: gast.For) -> list[gast.stmt] | None:
        """``for i in range(len(layers)): ... layers[i] ...``: unrolled with ``i`` a constant
        when the body indexes a container with it (else the loop stays)."""
        iterable = self.expression(loop.iter)
        loop.iter = iterable
        if not (isinstance(loop.target, gast.Name) and isinstance(iterable, gast.Call)
                and isinstance(iterable.func, gast.Name) and iterable.func.id == "range"
                and all(isinstance(a, gast.Constant) and type(a.value) is int
                        for a in iterable.args) and not iterable.keywords):
            return None
        counter = loop.target.id
        indexed = any(isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Name)
                      and node.slice.id == counter and _mentions(node.value, self.roots)
                      for statement in loop.body for node in nodes.walk(statement))
        if not indexed:
            return None
        bounds = range(*(a.value for a in iterable.args))
        if loop.orelse or _jumps(loop.body) or len(bounds) > MAX_LEAVES or any(
                isinstance(node, gast.Name) and node.id == counter
                and not isinstance(node.ctx, gast.Load)
                for statement in loop.body for node in nodes.walk(statement)):
            raise ContainersNotFlattened("a loop indexing a container cannot be unrolled")
        result: list[gast.stmt] = []
        for index in bounds:
            result.append(nodes.assign(counter, nodes.constant(index, like=loop), like=loop))
            body = [_substituted(statement, counter, index)
                    for statement in nodes.copy_tree(loop.body)]
            result.extend(self.block(body))
        return result


def _mentions(expr: gast.expr, roots: dict[str, Any]) -> bool:
    return any(isinstance(node, gast.Name) and node.id in roots for node in nodes.walk(expr))


def _jumps(body: list[gast.stmt]) -> bool:
    return any(isinstance(node, (gast.Break, gast.Continue, gast.Return))
               for statement in body for node in nodes.walk(statement))


def _substituted(statement: gast.stmt, name: str, value: int) -> gast.stmt:
    for node in nodes.walk(statement):
        for field, old in gast.iter_fields(node):
            if isinstance(old, gast.Name) and old.id == name and isinstance(old.ctx, gast.Load):
                setattr(node, field, nodes.constant(value, like=old))
            elif isinstance(old, list):
                setattr(node, field, [
                    nodes.constant(value, like=item) if isinstance(item, gast.Name)
                    and item.id == name and isinstance(item.ctx, gast.Load) else item
                    for item in old])
    return statement


# ---- packing -----------------------------------------------------------------------------------
class PackContainers(Transformation):
    """The joint gradient function takes the user's containers again: their leaves are
    unpacked at the entry, and the gradients of a container are returned as one container of
    the same structure, built once.

    >>> from autodiff.transforms import default_pipeline
    >>> from autodiff.transforms.testing import run_passes
    >>> steps = [step.pass_class for step in default_pipeline()]
    >>> print(run_passes('''
    ... def f(p, x):
    ...     return np.sum(x * p['w'])''', steps, wrt=("p_w", "p_b"),
    ...     containers=(("p", ("dict", ("w", "b"), (None, None))),)))
    def grad_f_wrt_p(p, x, *, d_sum2=None):
        p_w = p['w']
        p_b = p['b']
        _mul1 = x * p_w
        _sum2 = np.sum(_mul1)
        '__autodiff_comment__ ---- backward ----'
        d_sum2 = _rt.seed(_sum2, d_sum2)
        d_mul1 = _rt.sum_vjp(d_sum2, None, _mul1)
        dp_w = _rt.unbroadcast_to(d_mul1 * x, p_w)
        return (_sum2, ({'w': dp_w, 'b': _rt.zeros_like(p_b)},))
    """

    name = "pack_containers"

    def run(self, ctx: PassContext) -> bool:
        containers = getattr(ctx.request, "containers", ())
        if not containers or ctx.request.split or ctx.request.mode != "reverse":
            return False
        function = ctx.tree.body[0]
        trees = dict(containers)
        first_leaf = {leaves(param, tree)[0][0]: param for param, tree in containers}
        all_leaves = {name for param, tree in containers for name, _ in leaves(param, tree)}
        args, unpack = [], []
        for arg in function.args.args:
            if arg.id in first_leaf:
                param = first_leaf[arg.id]
                args.append(gast.Name(id=param, ctx=gast.Param(), annotation=None,
                                      type_comment=None))
                unpack.extend(_unpacking(param, trees[param], function))
            elif arg.id not in all_leaves:
                args.append(arg)
        function.args.args = args
        grads = function.body[-1].value.elts[1]
        wrt = _owners(ctx.request.wrt, trees)
        grads.elts = _regrouped(list(grads.elts), ctx.request.wrt, wrt, trees, grads)
        function.body = [*unpack, *function.body]
        function.name = _function_name(ctx, wrt, [arg.id for arg in args])
        _adopt_user_names(function, all_leaves)
        return True


def _adopt_user_names(function: gast.FunctionDef, leaf_names: set[str]) -> None:
    """A leaf the user's code only copies into a name (``for W, b in layers`` unrolled into
    ``W = layers_0_0``) takes that name, and its gradient the name's (``dW``): the copy goes,
    the entry unpacks into ``W``. Only for a copy at the top level whose target is assigned
    nowhere else and mentioned nowhere before it, the leaf read nowhere else, and the new
    gradient name free."""
    loads: dict[str, int] = {}
    stores: dict[str, int] = {}
    mentioned: set[str] = set()
    for node in nodes.walk(function):
        if isinstance(node, gast.Name):
            mentioned.add(node.id)
            if not isinstance(node.ctx, gast.Del):
                counts = loads if isinstance(node.ctx, gast.Load) else stores
                counts[node.id] = counts.get(node.id, 0) + 1
    renames: dict[str, str] = {}
    adopted: set[int] = set()  # ids of the copies that go
    seen: set[str] = set()
    for statement in function.body:
        copied = _copied_leaf(statement, leaf_names)
        if copied is not None:
            target, leaf = copied
            if loads.get(leaf) == 1 and stores.get(target) == 1 and target not in seen \
                    and f"d{leaf}" in mentioned and f"d{target}" not in mentioned \
                    and target not in renames.values():
                renames[leaf] = target
                renames[f"d{leaf}"] = f"d{target}"
                mentioned.add(f"d{target}")
                adopted.add(id(statement))
        seen.update(node.id for node in nodes.walk(statement) if isinstance(node, gast.Name))
    if not renames:
        return
    function.body = [s for s in function.body if id(s) not in adopted]
    for node in nodes.walk(function):
        if isinstance(node, gast.Name) and node.id in renames:
            node.id = renames[node.id]


def _copied_leaf(statement: gast.stmt, leaf_names: set[str]) -> tuple[str, str] | None:
    """``(target, leaf)`` for a statement ``target = leaf``."""
    if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], gast.Name) \
            and isinstance(statement.value, gast.Name) and statement.value.id in leaf_names:
        return statement.targets[0].id, statement.value.id
    return None


def _function_name(ctx: PassContext, wrt: list[str], params: list[str]) -> str:
    """The name the function would have without flattening: ``grad_f`` or ``grad_f_wrt_p``."""
    base = f"grad_{ctx.source.name}"
    if set(wrt) == set(params) and not ctx.request.weight_ids:
        return base
    suffix = "_".join(name for name in [*wrt, *ctx.request.weight_names] if name.isidentifier())
    return f"{base}_wrt_{suffix}" if suffix else base


def _owners(wrt: tuple[str, ...], trees: dict[str, Tree]) -> list[str]:
    """The differentiated parameters: each container once, in place of its leaves."""
    owner = {leaf: param for param, tree in trees.items() for leaf, _ in leaves(param, tree)}
    result: list[str] = []
    for name in wrt:
        item = owner.get(name, name)
        if item not in result:
            result.append(item)
    return result


def _unpacking(param: str, tree: Tree, like: gast.AST) -> list[gast.stmt]:
    """``(a, b), (c, d) = layers`` for sequences of sequences; one read per leaf else."""
    if _sequences_only(tree):
        return [nodes.assign(_target(param, tree, like), nodes.name(param, like=like),
                             like=like)]
    result = []
    for name, path in leaves(param, tree):
        read: gast.expr = nodes.name(param, like=like)
        for key in path:
            read = nodes.subscript(read, nodes.constant(key, like=like), like=like)
        result.append(nodes.assign(name, read, like=like))
    return result


def _sequences_only(tree: Tree) -> bool:
    return tree is None or (tree[0] != "dict" and all(_sequences_only(c) for c in tree[2]))


def _target(param: str, tree: Tree, like: gast.AST) -> gast.expr:
    if tree is None:
        return nodes.name(param, store=True, like=like)
    return nodes.tuple_([_target(f"{param}_{_key_text(key)}", child, like)
                         for key, child in zip(tree[1], tree[2], strict=True)],
                        store=True, like=like)


def _regrouped(grads: list[gast.expr], wrt: tuple[str, ...], params: list[str],
               trees: dict[str, Tree], like: gast.AST) -> list[gast.expr]:
    by_name = dict(zip(wrt, grads, strict=True))
    return [_display(param, trees[param], by_name, like) if param in trees
            else by_name[param] for param in params]


def _display(param: str, tree: Tree, grads: dict[str, gast.expr], like: gast.AST) -> gast.expr:
    if tree is None:
        return grads[param]
    kind, keys, children = tree
    items = [_display(f"{param}_{_key_text(key)}", child, grads, like)
             for key, child in zip(keys, children, strict=True)]
    if kind == "dict":
        return nodes.copy_location(gast.Dict(keys=[nodes.constant(k, like=like) for k in keys],
                                             values=items), like)
    if kind == "list":
        return nodes.list_(items, like=like)
    return nodes.tuple_(items, like=like)


__all__ = ["ContainersNotFlattened", "FlattenContainers", "PackContainers", "flattened_wrt",
           "leaves"]
