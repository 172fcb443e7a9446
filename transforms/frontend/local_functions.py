"""Local functions and objects, compiled with the function that makes them.

Input: a parsed function and its tree (``parse.py``). Output: the tree rewritten so that calls
of what the function builds locally go to defs the compiler can see, and the *twins* (function
objects built from code objects) those calls resolve to:

- a nested def or ``f = lambda ...`` that is only called is *lifted*: the enclosing variables it
  reads become keyword-only parameters passed at every call (``cell(h)`` -> ``cell(h, W=W)``),
  which reads them when the call happens, as the closure would;
- ``f = make(a)`` / ``make(a)(x)``, ``make`` a function of this module that only defines and
  returns a closure over its parameters: the closure's def is copied in, its free variables
  bound where ``make`` was called; a list of such closures iterated or indexed and called gets
  lists of the arguments;
- an object of a class that only stores its constructor's arguments (plain class, dataclass,
  NamedTuple), read as ``obj.f`` or having methods called: its fields become locals and each
  method used is copied in with ``self.f`` read from keyword-only parameters;
- ``def f(a, *xs)`` called with n extra arguments: a twin with n named parameters.
"""

from __future__ import annotations

import dataclasses
import inspect
import types

import gast

from ..ir import nodes
from .bound_calls import builds_bound_object, rewrite_bound_calls
from .parse import SourceUnavailableError, _annotate_origins, _parse_def
from .specialize import (
    ASSUMED,
    DEPTH,
    TREE,
    assume,
    inline_closure_tuples,
    specialize_helpers,
)

__all__ = ["ASSUMED", "LIFTED", "RECEIVER", "TREE", "VARARGS", "local_functions",
           "prepare_twin"]


def prepare_twin(function: types.FunctionType, tree: gast.FunctionDef) -> tuple | None:
    """Rewrite the tree of a twin made here into the function it stands for; returns the
    lifted parameters (None for an ordinary function, whose closure cells are its own)."""
    extra = getattr(function, VARARGS, None)
    if extra is not None:  # `def f(*xs)` called with `extra` arguments: named parameters
        _fix_arity(tree, extra)
    if getattr(function, RECEIVER, False):  # a method of an object built in its caller
        _strip_receiver(tree)
    lifted = getattr(function, LIFTED, None)
    if lifted is not None:  # a closure compiled with its free variables as parameters
        tree.args.kwonlyargs += [_parameter(name, tree) for name in lifted]
        tree.args.kw_defaults += [None] * len(lifted)
    return lifted


def local_functions(function: types.FunctionType,
                    tree: gast.FunctionDef) -> dict[str, types.FunctionType]:
    """Rewrite what ``function`` builds locally (see the module docstring); returns the twins
    of its local defs by name."""
    if not _builds_locally(function, tree):
        return {}
    rewrite_bound_calls(function, tree)
    _lambdas_to_defs(tree)
    _inline_factories(function, tree)
    _inline_objects(function, tree)
    specialized = {**inline_closure_tuples(function, tree), **specialize_helpers(function, tree)}
    return {**_nested_functions(function, tree), **specialized}


def _builds_locally(function: types.FunctionType, tree: gast.FunctionDef) -> bool:
    """Does the function define a function or lambda, or call a class or a closure factory of
    its module (one scan, so that most functions skip the rewrites)?"""
    for node in nodes.walk(tree):
        if node is not tree and isinstance(node, (gast.FunctionDef, gast.Lambda)):
            return True
        if isinstance(node, gast.Call) and builds_bound_object(function, node):
            return True
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
            callee = function.__globals__.get(node.func.id)
            if isinstance(callee, type) or (isinstance(callee, types.FunctionType) and any(
                    isinstance(c, types.CodeType) and c.co_freevars
                    for c in callee.__code__.co_consts)):
                return True
    return False


VARARGS = "__autodiff_varargs__"  # on a twin of `def f(*xs)`: how many items xs holds


def _fix_arity(tree: gast.FunctionDef, extra: int) -> None:
    """``def f(a, *xs)`` with 2 items -> ``def f(a, _xs0, _xs1): xs = (_xs0, _xs1); ...``."""
    vararg = tree.args.vararg.id
    names = [f"_{vararg}{i}" for i in range(extra)]
    tree.args.args += [_parameter(name, tree) for name in names]
    tree.args.vararg = None
    items = gast.Tuple(elts=[_load(name) for name in names], ctx=gast.Load())
    packed = gast.Assign(targets=[gast.Name(id=vararg, ctx=gast.Store(), annotation=None,
                                            type_comment=None)], value=items, type_comment=None)
    if not any(isinstance(node, gast.Name) and node.id == vararg
               and not isinstance(node.ctx, gast.Load) for node in nodes.walk(tree)):
        _join_tuples(tree, vararg, names)
    tree.body.insert(0, gast.copy_location(packed, tree.body[0]))


def _join_tuples(tree: gast.FunctionDef, vararg: str, names: list[str]) -> None:
    """``xs + (h,)`` -> ``(_xs0, _xs1, h)`` where ``xs`` is the never reassigned ``*xs``
    tuple: concatenation of tuples whose items are known, so each item keeps its gradient."""
    def items(expr: gast.expr) -> list[gast.expr] | None:
        if isinstance(expr, gast.Name) and expr.id == vararg:
            return [_load(name) for name in names]
        if isinstance(expr, gast.Tuple) and isinstance(expr.ctx, gast.Load) \
                and not any(isinstance(item, gast.Starred) for item in expr.elts):
            return list(expr.elts)
        if isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.Add):
            left, right = items(expr.left), items(expr.right)
            if left is not None and right is not None \
                    and _mentions(expr, vararg):
                return [*left, *right]
        return None

    for node in list(nodes.walk(tree)):
        for field in node._fields:
            value = getattr(node, field, None)
            joined = items(value) if isinstance(value, gast.BinOp) else None
            if joined is not None:
                setattr(node, field, gast.copy_location(
                    gast.Tuple(elts=joined, ctx=gast.Load()), value))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    joined = items(item) if isinstance(item, gast.BinOp) else None
                    if joined is not None:
                        value[index] = gast.copy_location(gast.Tuple(elts=joined,
                                                                     ctx=gast.Load()), item)


def _mentions(expr: gast.expr, name: str) -> bool:
    return any(isinstance(node, gast.Name) and node.id == name for node in nodes.walk(expr))


_FROM_LAMBDA = "_autodiff_from_lambda"  # on a def made from `f = lambda ...` (this module)
LIFTED = "__autodiff_lifted__"  # on a twin of a closure: its free variables, now parameters


def _nested_functions(function: types.FunctionType,
                      tree: gast.FunctionDef) -> dict[str, types.FunctionType]:
    """Functions defined inside ``function``, by name: the compiler differentiates calls to
    them through a twin built from their code object. A closure that is only ever called (not
    stored, passed or returned) is *lifted*: the variables it reads from ``function`` become
    keyword-only parameters of its def and are passed at every call (``cell(h)`` ->
    ``cell(h, W=W)``), which reads them when the call happens, as the closure would."""
    codes: dict[tuple[str, int], list[types.CodeType]] = {}
    for const in function.__code__.co_consts:
        if isinstance(const, types.CodeType):
            codes.setdefault((const.co_name, const.co_firstlineno), []).append(const)
    defs = [node for node in nodes.walk(tree)
            if isinstance(node, gast.FunctionDef) and node is not tree]
    names = {statement.name for statement in defs}
    nested = {}
    made = getattr(function, TREE, None) is not None
    for statement in defs:
        code = getattr(statement, _FACTORY, None) or _code_of(statement, codes)
        if code is None or statement.args.defaults or statement.decorator_list:
            continue
        source = nodes.copy_tree(statement) if made else None  # its tree, before lifting
        name = "<lambda>" if getattr(statement, _FROM_LAMBDA, False) else statement.name
        fields = getattr(statement, _RECEIVER_FIELDS, None)
        if fields is not None:
            twin = types.FunctionType(code, function.__globals__, code.co_name)
            setattr(twin, RECEIVER, True)
            nested[statement.name] = _lifted_twin(twin, fields, drop_first=True)
            _lift(statement, fields, tree, getattr(statement, _FACTORY_ARGUMENTS, {}))
        elif not code.co_freevars:
            nested[statement.name] = types.FunctionType(code, function.__globals__, name)
        elif _liftable(statement, code, tree, names):
            cells = tuple(types.CellType() for _ in code.co_freevars)
            twin = types.FunctionType(code, function.__globals__, name, None, cells)
            twin = _lifted_twin(twin, code.co_freevars, drop_first=False)
            _lift(statement, code.co_freevars, tree,
                  getattr(statement, _FACTORY_ARGUMENTS, {}))
            nested[statement.name] = twin
        if source is not None and statement.name in nested:
            setattr(nested[statement.name], TREE, source)
            setattr(nested[statement.name], DEPTH, getattr(function, DEPTH, 0))
    return nested


def _lifted_twin(twin: types.FunctionType, extra: tuple[str, ...],
                 drop_first: bool) -> types.FunctionType:
    """Mark a twin as compiled with ``extra`` keyword-only parameters (and without its
    receiver), with the signature calls bind against."""
    setattr(twin, LIFTED, extra)
    signature = inspect.signature(twin)
    parameters = list(signature.parameters.values())[1 if drop_first else 0:]
    twin.__signature__ = signature.replace(parameters=[
        *parameters, *(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY)
                       for name in extra)])
    return twin


def _code_of(statement: gast.FunctionDef,
             codes: dict[tuple[str, int], list[types.CodeType]]) -> types.CodeType | None:
    """The code object of a nested def (or of a lambda turned into one), if unambiguous."""
    if getattr(statement, _FROM_LAMBDA, False):
        params = [arg.id for arg in statement.args.args + statement.args.kwonlyargs]
        found = [code for code in codes.get(("<lambda>", statement.lineno), [])
                 if list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]) == params]
        return found[0] if len(found) == 1 else None
    first_line = statement.lineno + len(statement.decorator_list)
    found = codes.get((statement.name, statement.lineno)) or codes.get((statement.name,
                                                                        first_line)) or []
    return found[0] if len(found) == 1 else None


def _liftable(statement: gast.FunctionDef, code: types.CodeType, tree: gast.FunctionDef,
              nested_names: set[str]) -> bool:
    """Defined once, only ever called directly, reading no other nested function or itself."""
    if set(code.co_freevars) & nested_names or code.co_cellvars:
        return False
    inside = {id(node) for node in nodes.walk(statement)}
    callees = {id(node.func) for node in nodes.walk(tree) if isinstance(node, gast.Call)}
    for node in nodes.walk(tree):
        if isinstance(node, gast.Name) and node.id == statement.name and id(node) not in inside \
                and (not isinstance(node.ctx, gast.Load) or id(node) not in callees):
            return False
        if isinstance(node, gast.FunctionDef) and node is not statement \
                and node.name == statement.name:
            return False
    return True


def _lift(statement: gast.FunctionDef, free: tuple[str, ...], tree: gast.FunctionDef,
          sources: dict[str, str]) -> None:
    """Free variables -> keyword-only parameters, passed at every call (from the variable of
    the same name, or for a factory's closure from ``sources[name]``)."""
    statement.args.kwonlyargs += [_parameter(name, statement) for name in free]
    statement.args.kw_defaults += [None] * len(free)
    for node in nodes.walk(tree):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id == statement.name:
            given = {keyword.arg for keyword in node.keywords}
            node.keywords += [gast.copy_location(gast.keyword(
                arg=name, value=_load(sources.get(name, name))), node) for name in free
                if name not in given]


def _load(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


# ---- closures returned by a factory ------------------------------------------------------------

_FACTORY = "_autodiff_factory"  # on a def copied from a factory: the closure's code object
_FACTORY_ARGUMENTS = "_autodiff_factory_arguments"  # its free variable -> the caller's name


def _inline_factories(function: types.FunctionType, tree: gast.FunctionDef) -> None:
    """``f = make(a)`` then ``f(x)`` (or ``make(a)(x)``), where ``make`` is a module-level
    function of this module whose body only defines a closure over its parameters and returns
    it: the closure's def is copied into this function, its free variables passed from
    temporaries bound to ``make``'s arguments where ``make`` was called, and every call of
    ``f`` calls the copy, so the closure is compiled with the caller."""
    for node in list(nodes.walk(tree)):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) and isinstance(node.value, gast.Call) \
                and _block_of(tree, node) is not None:
            block = _block_of(tree, node)
            name = node.targets[0].id
            factory = _factory(function, node.value, name, tree)
            if factory is not None and _only_called(name, tree, node, passed=True):
                definition, bindings = factory
                assume(tree, node.value.func.id)
                for call in nodes.walk(tree):
                    if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) \
                            and call.func.id == name:
                        call.func = _load(definition.name)
                    if isinstance(call, gast.Call) and isinstance(call.func, gast.Name):
                        call.args = [_load(definition.name) if isinstance(arg, gast.Name)
                                     and arg.id == name else arg for arg in call.args]
                index = block.index(node)
                block[index:index + 1] = [*bindings, definition]
    _inline_closure_lists(function, tree)
    for serial, node in enumerate(list(nodes.walk(tree))):  # make(a)(x)
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Call):
            place = _evaluated_once_before(tree, node, _names_only(node.func))
            factory = None if place is None else _factory(function, node.func, f"_{serial}", tree)
            if factory is not None:
                definition, bindings = factory
                assume(tree, node.func.func.id)
                node.func = _load(definition.name)
                block, index = place
                block[index:index] = [*bindings, definition]


_PER_ITEM = (gast.ListComp, gast.GeneratorExp, gast.DictComp, gast.SetComp, gast.Lambda)
_CONDITIONAL = (gast.IfExp, gast.BoolOp)


def _names_only(call: gast.Call) -> bool:
    """The call's arguments are names and constants: evaluating them early cannot raise."""
    return all(isinstance(arg, (gast.Name, gast.Constant))
               for arg in [*call.args, *(keyword.value for keyword in call.keywords)])


def _evaluated_once_before(tree: gast.FunctionDef, node: gast.AST,
                           may_hoist_from_branches: bool) -> tuple[list, int] | None:
    """The block and index of the innermost statement whose execution evaluates ``node``,
    where statements computing ``node``'s operands can be inserted; None when ``node`` sits in
    a comprehension or lambda (evaluated per item, with their own names), a ``while`` test, or
    (unless ``may_hoist_from_branches``) a conditional expression or short-circuit operand."""
    block: list = tree.body
    while True:
        found = next(((index, statement) for index, statement in enumerate(block)
                      if any(inner is node for inner in nodes.walk(statement))), None)
        if found is None:
            return None
        index, statement = found
        inner_block = next((sub for field in ("body", "orelse", "finalbody")
                            for sub in [getattr(statement, field, None)]
                            if isinstance(sub, list) and any(
                                inner is node for item in sub for inner in nodes.walk(item))),
                           None)
        if inner_block is None:
            break
        block = inner_block
    deferring = _PER_ITEM if may_hoist_from_branches else (*_PER_ITEM, *_CONDITIONAL)
    if isinstance(statement, gast.While) or _has_ancestor(statement, node, deferring):
        return None
    return block, index


def _has_ancestor(root: gast.AST, node: gast.AST, kinds: tuple[type, ...]) -> bool:
    def visit(current: gast.AST, deferred: bool) -> bool | None:
        if current is node:
            return deferred
        for child in nodes.children(current):
            found = visit(child, deferred or isinstance(current, kinds))
            if found is not None:
                return found
        return None

    return bool(visit(root, False))


def _inline_closure_lists(function: types.FunctionType, tree: gast.FunctionDef) -> None:
    """``layers = [make(W1), make(W2)]`` used only as ``for layer in layers: ... layer(x)``
    or ``layers[k](x)``: each free variable of the closure becomes a list of the arguments
    (``_layers_W = [W1, W2]``), and every call calls the closure's copy with the items of the
    element it runs (``_layers_make(x, W=_layers_W[_i])``)."""
    for node in list(nodes.walk(tree)):
        if not isinstance(node, gast.Assign) or len(node.targets) != 1 \
                or not isinstance(node.targets[0], gast.Name) \
                or not isinstance(node.value, (gast.List, gast.Tuple)) or not node.value.elts:
            continue
        block = _block_of(tree, node)
        if block is None:
            continue
        name = node.targets[0].id
        made = [_factory(function, element, name, tree) if isinstance(element, gast.Call)
                else None for element in node.value.elts]
        makers = {element.func.id for element in node.value.elts
                  if isinstance(element, gast.Call) and isinstance(element.func, gast.Name)}
        loops = _closure_list_uses(name, tree, node)
        if any(item is None for item in made) or len(makers) != 1 or loops is None:
            continue
        definition, first = made[0]
        assume(tree, next(iter(makers)))
        free = [binding.targets[0].id for binding in first]
        sources = dict(zip(getattr(definition, _FACTORY).co_freevars, free, strict=True))
        lists = [gast.copy_location(gast.Assign(
            targets=[gast.Name(id=source, ctx=gast.Store(), annotation=None, type_comment=None)],
            value=gast.List(elts=[bindings[position].value for _, bindings in made],
                            ctx=gast.Load()), type_comment=None), node)
            for position, source in enumerate(free)]
        index_name = f"_{name}_index"
        for loop, calls in loops:
            if loop is not None:
                loop.target = gast.Name(id=index_name, ctx=gast.Store(), annotation=None,
                                        type_comment=None)
                loop.iter = gast.Call(func=_load("range"), args=[gast.Call(
                    func=_load("len"), args=[_load(free[0])], keywords=[])], keywords=[])
            for call, index in calls:
                call.func = _load(definition.name)
                call.keywords += [gast.keyword(arg=variable, value=gast.Subscript(
                    value=_load(source), slice=index if index is not None
                    else _load(index_name), ctx=gast.Load())) for variable, source
                    in sources.items()]
        block[block.index(node):block.index(node) + 1] = [*lists, definition]


def _closure_list_uses(name: str, tree: gast.FunctionDef, assignment: gast.Assign) -> list | None:
    """``[(for loop or None, [(call, index or None), ...]), ...]`` when ``name`` is only
    iterated by ``for v in name`` (``v`` only called in the body) or called as ``name[k](x)``."""
    parents = {id(child): node for node in nodes.walk(tree) for child in _children(node)}
    found = []
    for node in nodes.walk(tree):
        if not isinstance(node, gast.Name) or node.id != name or node is assignment.targets[0]:
            continue
        parent = parents.get(id(node))
        if isinstance(parent, gast.For) and parent.iter is node \
                and isinstance(parent.target, gast.Name):
            calls = _calls_of(parent.target.id, parent, tree, parents)
            if calls is None:
                return None
            found.append((parent, [(call, None) for call in calls]))
        elif isinstance(parent, gast.Subscript) and isinstance(parents.get(id(parent)), gast.Call) \
                and parents[id(parent)].func is parent:
            found.append((None, [(parents[id(parent)], parent.slice)]))
        else:
            return None
    return found


def _calls_of(variable: str, loop: gast.For, tree: gast.FunctionDef,
              parents: dict) -> list | None:
    """The calls of a loop variable that is used for nothing else, anywhere."""
    inside = {id(node) for statement in loop.body for node in nodes.walk(statement)}
    calls = []
    for node in nodes.walk(tree):
        if not isinstance(node, gast.Name) or node.id != variable or node is loop.target:
            continue
        parent = parents.get(id(node))
        if id(node) not in inside or not isinstance(node.ctx, gast.Load) \
                or not isinstance(parent, gast.Call) or parent.func is not node:
            return None
        calls.append(parent)
    return calls


def _block_of(tree: gast.AST, statement: gast.AST) -> list | None:
    for node in nodes.walk(tree):
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            if isinstance(block, list) and any(item is statement for item in block):
                return block
    return None


def _only_called(name: str, tree: gast.FunctionDef, assignment: gast.Assign,
                 passed: bool = False) -> bool:
    """``name`` is assigned once and only called (or, with ``passed``, also given as an
    argument to a call of a name: a helper, specialized for it by ``specialize.py``)."""
    callees = {id(node.func) for node in nodes.walk(tree) if isinstance(node, gast.Call)}
    if passed:
        callees |= {id(arg) for node in nodes.walk(tree) if isinstance(node, gast.Call)
                    and isinstance(node.func, gast.Name) for arg in node.args}
    stores = [node for node in nodes.walk(tree) if isinstance(node, gast.Name)
              and node.id == name and not isinstance(node.ctx, gast.Load)]
    loads = [node for node in nodes.walk(tree) if isinstance(node, gast.Name)
             and node.id == name and isinstance(node.ctx, gast.Load)]
    return len(stores) == 1 and stores[0] is assignment.targets[0] \
        and all(id(node) in callees for node in loads)


def _factory(function: types.FunctionType, call: gast.Call, prefix: str,
             tree: gast.FunctionDef) -> tuple[gast.FunctionDef, list[gast.stmt]] | None:
    """The closure's def (renamed, marked with its code and where its free variables come
    from) and the assignments binding the factory's arguments, or None."""
    if not isinstance(call.func, gast.Name) or any(isinstance(arg, gast.Starred)
                                                   for arg in call.args):
        return None
    make = function.__globals__.get(call.func.id)
    if not isinstance(make, types.FunctionType) or make.__closure__ \
            or make.__globals__ is not function.__globals__ or make.__kwdefaults__:
        return None
    codes = [c for c in make.__code__.co_consts if isinstance(c, types.CodeType)]
    if len(codes) != 1 or not codes[0].co_freevars:  # not a factory: no need to parse it
        return None
    try:
        made = _parse_def(make) if make.__name__ != "<lambda>" else None
        bound = inspect.signature(make).bind(*call.args, **{k.arg: k.value
                                                           for k in call.keywords if k.arg})
    except (SourceUnavailableError, TypeError, SyntaxError):
        return None
    if made is None or len(bound.arguments) != make.__code__.co_argcount:
        return None
    closure = _returned_closure(made)
    if closure is None or not set(codes[0].co_freevars) <= set(bound.arguments):
        return None
    taken = {node.id for node in nodes.walk(tree) if isinstance(node, gast.Name)}
    sources = {free: f"_{prefix}_{free}" for free in codes[0].co_freevars}
    if taken & {*sources.values(), f"_{prefix}_{make.__name__}"}:
        return None
    bindings = [gast.copy_location(gast.Assign(
        targets=[gast.Name(id=sources[free], ctx=gast.Store(), annotation=None,
                           type_comment=None)],
        value=bound.arguments[free], type_comment=None), call)
        for free in codes[0].co_freevars]
    closure.name = f"_{prefix}_{make.__name__}"
    setattr(closure, _FACTORY, codes[0])
    setattr(closure, _FACTORY_ARGUMENTS, sources)
    _annotate_origins(closure, make.__code__.co_filename)
    return closure, bindings


# ---- objects built inside the function ------------------------------------------------------

RECEIVER = "__autodiff_receiver__"  # on a method twin: compiled without self, fields as params
_RECEIVER_FIELDS = "_autodiff_receiver_fields"  # on a method's copy: the object's fields


def _inline_objects(function: types.FunctionType, tree: gast.FunctionDef) -> None:
    """``layer = Affine(W, b)`` where ``Affine`` is a class of this module that only stores its
    arguments (a plain class whose ``__init__`` assigns ``self.f = param``, a dataclass or a
    NamedTuple), and ``layer`` is only read as ``layer.f``, called, or has its methods called:
    the fields become locals bound where the object was built, ``layer.f`` reads them, and
    each method used is copied into this function with ``self.f`` read from keyword-only
    parameters, so that the object's code is compiled with the caller."""
    _name_temporary_objects(function, tree)
    for node in list(nodes.walk(tree)):
        if not isinstance(node, gast.Assign) or len(node.targets) != 1 \
                or not isinstance(node.targets[0], gast.Name) \
                or not isinstance(node.value, gast.Call) \
                or not isinstance(node.value.func, gast.Name) \
                or not isinstance(function.__globals__.get(node.value.func.id), type):
            continue
        block = _block_of(tree, node)
        if block is None:
            continue
        cls = function.__globals__.get(node.value.func.id)
        name = node.targets[0].id
        fields = _record_fields(cls, node.value) if isinstance(cls, type) else None
        uses = _object_uses(name, tree, node) if fields is not None else None
        methods = _methods_used(cls, uses, fields, function) if uses is not None else None
        if methods is None:
            continue
        sources = {field: f"_{name}_{field}" for field in fields}
        taken = {n.id for n in nodes.walk(tree) if isinstance(n, gast.Name)}
        copies = {method: f"_{name}_{method.strip('_')}" for method in methods}
        if taken & {*sources.values(), *copies.values()}:
            continue
        assume(tree, node.value.func.id)
        for use in uses:
            if isinstance(use.parent, gast.Attribute) and use.parent.attr in fields \
                    and not use.is_callee:
                _replace_node(tree, use.parent, _load(sources[use.parent.attr]))
            else:
                use.call.func = _load(copies["__call__" if use.is_call else use.parent.attr])
        definitions = []
        for method, (code, definition) in methods.items():
            definition.name = copies[method]
            setattr(definition, _FACTORY, code)
            setattr(definition, _RECEIVER_FIELDS, tuple(fields))
            setattr(definition, _FACTORY_ARGUMENTS, sources)
            _annotate_origins(definition, code.co_filename)
            definitions.append(definition)
        bindings = [gast.copy_location(gast.Assign(
            targets=[gast.Name(id=sources[field], ctx=gast.Store(), annotation=None,
                               type_comment=None)], value=value, type_comment=None), node)
            for field, value in fields.items()]
        index = block.index(node)
        block[index:index + 1] = [*bindings, *definitions]


def _name_temporary_objects(function: types.FunctionType, tree: gast.FunctionDef) -> None:
    """``Linear(W).apply(x)`` / ``Affine(W, b)(x)`` in a simple statement -> the object built
    into a local first (``_object1 = Linear(W)``), so it can be inlined like a named one."""
    counter = 0
    taken = {node.id for node in nodes.walk(tree) if isinstance(node, gast.Name)}
    for block_owner in list(nodes.walk(tree)):
        for field in ("body", "orelse"):
            block = getattr(block_owner, field, None)
            if not isinstance(block, list) or (block_owner is not tree
                                               and isinstance(block_owner, gast.FunctionDef)):
                continue
            for statement in list(block):
                if not isinstance(statement, (gast.Assign, gast.Expr, gast.Return)):
                    continue
                for node in list(nodes.walk(statement)):
                    if not isinstance(node, gast.Call):
                        continue
                    inner = node.func.value if isinstance(node.func, gast.Attribute) \
                        else node.func
                    if not (isinstance(inner, gast.Call) and isinstance(inner.func, gast.Name)
                            and isinstance(function.__globals__.get(inner.func.id), type)):
                        continue
                    counter += 1
                    name = f"_object{counter}"
                    while name in taken:
                        counter += 1
                        name = f"_object{counter}"
                    assignment = gast.copy_location(gast.Assign(
                        targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                           type_comment=None)],
                        value=inner, type_comment=None), statement)
                    _replace_node(statement, inner, _load(name))
                    block.insert(block.index(statement), assignment)


def _record_fields(cls: type, call: gast.Call) -> dict[str, gast.expr] | None:
    """Field name -> the argument expression stored in it, for a class that only stores its
    constructor's arguments; None otherwise (methods are checked to share the caller's
    module when they are copied)."""
    if any(isinstance(arg, gast.Starred) for arg in call.args) \
            or any(keyword.arg is None for keyword in call.keywords):
        return None
    try:
        bound = inspect.signature(cls).bind(*call.args, **{k.arg: k.value
                                                          for k in call.keywords})
    except (TypeError, ValueError):
        return None
    arguments = dict(bound.arguments)
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        names = dict(zip(cls._fields, cls._fields, strict=True))
    elif dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__"):
        names = {f.name: f.name for f in dataclasses.fields(cls) if f.init}
    else:
        names = _stored_parameters(cls)
    if names is None or set(names.values()) != set(arguments):
        return None
    return {field: arguments[param] for field, param in names.items()}


def _stored_parameters(cls: type) -> dict[str, str] | None:
    """``{field: parameter}`` when ``__init__`` is only ``self.field = parameter`` lines."""
    init = cls.__dict__.get("__init__")
    if not isinstance(init, types.FunctionType) or init.__closure__:
        return None
    try:
        tree = _parse_def(init)
    except (SourceUnavailableError, SyntaxError):
        return None
    params = [arg.id for arg in tree.args.args]
    body = [s for s in tree.body if not (isinstance(s, gast.Expr)
                                         and isinstance(s.value, gast.Constant))]
    stored = {}
    for statement in body:
        if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], gast.Attribute)
                and isinstance(statement.targets[0].value, gast.Name)
                and statement.targets[0].value.id == params[0]
                and isinstance(statement.value, gast.Name)
                and statement.value.id in params[1:]):
            return None
        stored[statement.targets[0].attr] = statement.value.id
    return stored


@dataclasses.dataclass
class _Use:
    call: gast.Call | None  # the call this use is the callee of (layer(x), layer.m(x))
    parent: gast.AST | None  # the attribute read, for layer.f / layer.m
    is_call: bool  # layer(x)
    is_callee: bool  # layer.m(x)


def _object_uses(name: str, tree: gast.FunctionDef, assignment: gast.Assign) -> list | None:
    parents = {id(child): node for node in nodes.walk(tree) for child in _children(node)}
    uses = []
    for node in nodes.walk(tree):
        if not isinstance(node, gast.Name) or node.id != name:
            continue
        if node is assignment.targets[0]:
            continue
        parent = parents.get(id(node))
        if not isinstance(node.ctx, gast.Load):
            return None
        if isinstance(parent, gast.Call) and parent.func is node:
            uses.append(_Use(parent, None, True, True))
        elif isinstance(parent, gast.Attribute) and isinstance(parent.ctx, gast.Load):
            outer = parents.get(id(parent))
            is_callee = isinstance(outer, gast.Call) and outer.func is parent
            uses.append(_Use(outer if is_callee else None, parent, False, is_callee))
        else:
            return None
    return uses


def _children(node: gast.AST) -> list[gast.AST]:
    found = []
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, gast.AST):
            found.append(value)
        elif isinstance(value, list):
            found.extend(item for item in value if isinstance(item, gast.AST))
    return found


def _methods_used(cls: type, uses: list, fields: dict,
                  function: types.FunctionType) -> dict | None:
    """Method name -> (code, copy of its def without self) for every method the uses call;
    None when a use reads something that is not a field or calls what cannot be copied."""
    methods: dict[str, tuple[types.CodeType, gast.FunctionDef]] = {}
    for use in uses:
        if not use.is_call and not use.is_callee:
            if use.parent.attr not in fields:
                return None
            continue
        method_name = "__call__" if use.is_call else use.parent.attr
        if method_name in methods:
            continue
        method = cls.__dict__.get(method_name)
        if not isinstance(method, types.FunctionType) or method.__code__.co_freevars \
                or method.__globals__ is not function.__globals__ or method.__defaults__:
            return None
        try:
            definition = _parse_def(method)
        except (SourceUnavailableError, SyntaxError):
            return None
        definition.decorator_list = []
        if not _strip_receiver(definition, set(fields)):
            return None
        methods[method_name] = (method.__code__, definition)
    return methods


def _strip_receiver(definition: gast.FunctionDef, fields: set[str] | None = None) -> bool:
    """Drop a method's ``self`` and read ``self.f`` as ``f``; False (nothing changed) when
    ``self`` is used any other way or ``f`` is not one of ``fields``."""
    if not definition.args.args:
        return False
    receiver = definition.args.args[0].id
    parents = {id(child): node for node in nodes.walk(definition) for child in _children(node)}
    reads = []
    for node in nodes.walk(definition):
        if isinstance(node, gast.Name) and node.id == receiver and node is not \
                definition.args.args[0]:
            parent = parents.get(id(node))
            if not (isinstance(parent, gast.Attribute) and isinstance(parent.ctx, gast.Load)
                    and (fields is None or parent.attr in fields)):
                return False
            reads.append(parent)
    for attribute in reads:
        _replace_node(definition, attribute, _load(attribute.attr))
    definition.args.args = definition.args.args[1:]
    return True


def _replace_node(tree: gast.AST, old: gast.AST, new: gast.AST) -> None:
    gast.copy_location(new, old)
    for node in nodes.walk(tree):
        for field in node._fields:
            value = getattr(node, field, None)
            if value is old:
                setattr(node, field, new)
                return
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is old:
                        value[index] = new
                        return


def _returned_closure(made: gast.FunctionDef) -> gast.FunctionDef | None:
    """The def a factory returns, when its body is only that (``def g: ...; return g`` or
    ``return lambda ...``)."""
    body = [s for s in made.body if not (isinstance(s, gast.Expr)
                                         and isinstance(s.value, gast.Constant))]
    if len(body) == 1 and isinstance(body[0], gast.Return) \
            and isinstance(body[0].value, gast.Lambda):
        lam = body[0].value
        definition = _lambda_def("_closure", lam)
        return definition
    if len(body) == 2 and isinstance(body[0], gast.FunctionDef) \
            and isinstance(body[1], gast.Return) and isinstance(body[1].value, gast.Name) \
            and body[1].value.id == body[0].name:
        return body[0]
    return None


def _parameter(name: str, like: gast.AST) -> gast.Name:
    return gast.copy_location(gast.Name(id=name, ctx=gast.Param(), annotation=None,
                                        type_comment=None), like)


def _lambdas_to_defs(tree: gast.FunctionDef) -> None:
    """``f = lambda x: e`` -> ``def f(x): return e`` (so that ``f`` can be lifted)."""
    for node in nodes.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for index, statement in enumerate(block):
                if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
                        and isinstance(statement.targets[0], gast.Name) \
                        and isinstance(statement.value, gast.Lambda):
                    block[index] = _lambda_def(statement.targets[0].id, statement.value)


def _lambda_def(name: str, lam: gast.Lambda) -> gast.FunctionDef:
    body = gast.copy_location(gast.Return(value=lam.body), lam.body)
    definition = gast.FunctionDef(name=name, args=lam.args, body=[body], decorator_list=[],
                                  returns=None, type_comment=None, type_params=[])
    setattr(definition, _FROM_LAMBDA, True)
    return gast.copy_location(definition, lam)
