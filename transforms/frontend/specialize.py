"""Helpers called with a callable the function builds: compiled for that callable.

Part of ``local_functions.py``'s rewrites. ``rk4(lambda y, t: f(net, y, t), y0, ts)``,
``scan(functools.partial(cell, params), h, xs)`` or ``apply(step, x)`` with ``step`` a def of
the function: the callable may read differentiated values, so the helper cannot be compiled
once for every call. When ``rk4`` is a function of the same module that only calls its
callable parameter, the call is rewritten to a *specialized copy* of ``rk4``:

- the copy has the callable as a nested def named like the parameter (a lambda becomes
  ``def dynamics(y, t): return f(net, y, t)``; a partial calls its function with the bound
  values first), every other parameter keyword-only;
- what the callable reads from the calling function (``net``) becomes keyword-only parameters
  of the copy, passed at the call (``_rk4_dynamics(y0=y0, ts=ts, _dynamics_net=net)``): the
  helper runs right there, so these are the values the closure would read;
- the copy is a *tree twin*: a function object compiled from the rewritten tree, carrying the
  tree (``TREE``) so that the compiler parses it instead of the helper's source; its nested
  defs are lifted (``local_functions._nested_functions``) like any closure.

Anything else (the parameter stored, returned or passed on, a helper with ``*args``, a helper
of another module, specializations nested deeper than ``MAX_DEPTH``) is left alone and meets
the usual fence: a call of a callable computed at run time is refused with a clear error.
"""

from __future__ import annotations

import ast
import functools
import inspect
import types

import gast

from ..ir import convert, nodes
from .bound_calls import _has_star, _local_names, static_value
from .parse import SourceUnavailableError

FACTORY_ARGUMENTS = "_autodiff_factory_arguments"  # local_functions: free variable -> name
MARKERS = ("_autodiff_factory", FACTORY_ARGUMENTS, "_autodiff_from_lambda",
           "_autodiff_receiver_fields")  # what local_functions marks its copied defs with
ASSUMED = "_autodiff_assumed"  # on a rewritten tree: global names the rewrites relied on
TREE = "__autodiff_tree__"  # on a tree twin: the gast FunctionDef to compile
DEPTH = "__autodiff_specialized_depth__"  # how many specializations made this twin
MAX_DEPTH = 4


def specialize_helpers(function: types.FunctionType,
                       tree: gast.FunctionDef) -> dict[str, types.FunctionType]:
    """Rewrite calls of module helpers given a callable built here; returns the twins the
    rewritten calls call, by name."""
    depth = getattr(function, DEPTH, 0)
    if depth >= MAX_DEPTH:
        return {}
    from .parse import _annotate_origins, _parse_def

    locals_ = _local_names(tree) | set(function.__code__.co_freevars)
    defs = {node.name: node for node in nodes.walk(tree)
            if isinstance(node, gast.FunctionDef) and node is not tree}
    taken = {node.id for node in nodes.walk(tree) if isinstance(node, gast.Name)} | set(defs)
    twins: dict[str, types.FunctionType] = {}
    for call in list(nodes.walk(tree)):
        if not isinstance(call, gast.Call) or _has_star(call) \
                or not isinstance(call.func, gast.Name) or call.func.id in locals_:
            continue
        helper = static_value(function, call.func, locals_)
        if not _specializable(helper, function):
            continue
        try:
            bound = inspect.signature(helper).bind(*call.args, **{
                keyword.arg: keyword.value for keyword in call.keywords})
        except (TypeError, ValueError):
            continue  # the call does not fit the signature: Python raises when it runs
        callables = {name: value for name, value in bound.arguments.items()
                     if _local_callable(function, value, locals_, defs)}
        records = {name: fields for name, value in bound.arguments.items()
                   if name not in callables
                   for fields in [_record(function, value, locals_)] if fields is not None}
        if not callables and not records:
            continue  # most calls: nothing built here is handed over, the helper not parsed
        try:
            definition = _parse_def(helper)
        except (SourceUnavailableError, SyntaxError):
            continue
        if not all(_only_called(definition, name) for name in callables):
            continue
        records = {name: fields for name, fields in records.items()
                   if _only_fields(definition, name, fields)}
        if not callables and not records:
            continue
        _annotate_origins(definition, helper.__code__.co_filename)
        name = _fresh(f"_{helper.__name__}_{'_'.join([*callables, *records])}", taken)
        defaults = _defaults(definition)
        _read_fields(definition, records)
        arguments = dict(bound.arguments)
        for param, fields in records.items():
            del arguments[param]
            arguments.update({f"_{param}_{field}": value for field, value in fields.items()})
        copy, passed = _specialized(function, definition, arguments, callables, defaults,
                                    locals_, defs, name, taken)
        if _local_names(copy) & _nonlocal_reads(tree, locals_):
            continue  # placed in the caller, the copy's names would hide globals it reads
        twin = _tree_twin(copy, helper, depth + 1)
        copy = nodes.copy_tree(copy)
        if twin is None:
            continue
        twins[name] = twin
        _assume_globals(tree, call, bound.arguments, locals_)
        _insert_before(tree, call, copy)  # run as written where the call is not differentiated
        call.func = gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)
        call.args = []
        call.keywords = [gast.keyword(arg=param, value=value) for param, value in passed]
    return twins


def assume(tree: gast.FunctionDef, name: str) -> None:
    """Record that a rewrite relied on the global ``name``: the compiled unit is guarded on
    it (``Resolve``), so rebinding the helper, class or factory recompiles."""
    assumed = getattr(tree, ASSUMED, None)
    if assumed is None:
        assumed = []
        setattr(tree, ASSUMED, assumed)
    if name not in assumed:
        assumed.append(name)


def _defaults(definition: gast.FunctionDef) -> dict[str, gast.expr]:
    """Parameter name -> its default expression."""
    arguments = definition.args
    found = dict(zip([arg.id for arg in arguments.args[::-1]], arguments.defaults[::-1],
                     strict=False))
    found.update({arg.id: value for arg, value in zip(arguments.kwonlyargs,
                                                      arguments.kw_defaults, strict=True)
                  if value is not None})
    return found


def _record(function: types.FunctionType, value: gast.expr,
            locals_: set[str]) -> dict[str, gast.expr] | None:
    """``{field: argument}`` for ``Cls(a, b)``, ``Cls`` a class of the module that only stores
    its constructor's arguments (plain class, dataclass, NamedTuple); None otherwise."""
    if not isinstance(value, gast.Call):
        return None
    cls = static_value(function, value.func, locals_)
    if not isinstance(cls, type) or cls.__module__ != function.__globals__.get("__name__"):
        return None
    from .local_functions import _record_fields

    return _record_fields(cls, value)


def _only_fields(definition: gast.FunctionDef, name: str, fields: dict) -> bool:
    """``name`` is read only as ``name.f`` (``f`` a field) in the helper, never assigned."""
    parents = {id(child): node for node in nodes.walk(definition)
               for child in nodes.children(node)}
    for node in nodes.walk(definition):
        if isinstance(node, (gast.FunctionDef, gast.Lambda)) and node is not definition:
            return False
        if not isinstance(node, gast.Name) or node.id != name \
                or any(node is arg for arg in definition.args.args + definition.args.kwonlyargs):
            continue
        parent = parents.get(id(node))
        if not isinstance(node.ctx, gast.Load) or not isinstance(parent, gast.Attribute) \
                or parent.attr not in fields or not isinstance(parent.ctx, gast.Load):
            return False
    return True


def _read_fields(definition: gast.FunctionDef, records: dict[str, dict]) -> None:
    """``pair.w`` -> ``_pair_w``, and the record parameter -> one parameter per field."""
    for node in nodes.walk(definition):
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) \
                    and value.value.id in records:
                setattr(node, field, gast.copy_location(
                    _name(f"_{value.value.id}_{value.attr}"), value))
            elif isinstance(value, list):
                value[:] = [gast.copy_location(_name(f"_{item.value.id}_{item.attr}"), item)
                            if isinstance(item, gast.Attribute)
                            and isinstance(item.value, gast.Name)
                            and item.value.id in records else item for item in value]
    for kind in ("args", "kwonlyargs"):
        params = []
        for arg in getattr(definition.args, kind):
            if arg.id in records:
                params.extend(_param(f"_{arg.id}_{field}", arg) for field in records[arg.id])
            else:
                params.append(arg)
        setattr(definition.args, kind, params)


def _specializable(helper: object, function: types.FunctionType) -> bool:
    if not isinstance(helper, types.FunctionType) or helper.__closure__ \
            or helper.__globals__ is not function.__globals__ \
            or helper.__name__ == "<lambda>":
        return False
    code = helper.__code__
    return not code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS
                                | inspect.CO_GENERATOR) and not code.co_posonlyargcount


def _local_callable(function: types.FunctionType, value: gast.expr, locals_: set[str],
                    defs: dict[str, gast.FunctionDef]) -> bool:
    """A lambda, a def of the function, or ``functools.partial`` of a non-local function."""
    if isinstance(value, gast.Lambda):
        return not value.args.defaults and value.args.vararg is None \
            and value.args.kwarg is None
    if isinstance(value, gast.Name) and value.id in defs:
        definition = defs[value.id]
        return not definition.args.defaults and definition.args.vararg is None \
            and definition.args.kwarg is None and not definition.decorator_list
    if isinstance(value, gast.Call) and not _has_star(value) and value.args \
            and static_value(function, value.func, locals_) is functools.partial:
        return _is_nonlocal_chain(value.args[0], locals_)
    return False


def _nonlocal_reads(tree: gast.FunctionDef, locals_: set[str]) -> set[str]:
    """Names the function reads from its module or builtins (weights, helpers, numpy)."""
    return {node.id for node in nodes.walk(tree) if isinstance(node, gast.Name)
            and isinstance(node.ctx, gast.Load)} - locals_


def _assume_globals(tree: gast.FunctionDef, call: gast.Call, arguments: dict[str, gast.expr],
                    locals_: set[str]) -> None:
    """Guard the helper and what the handed-over values were made with (``functools`` and
    ``g`` of a partial, a record's class)."""
    assume(tree, call.func.id)
    for value in arguments.values():
        parts = [value.func, *value.args[:1]] if isinstance(value, gast.Call) else []
        for part in parts:
            root = _root(part)
            if root is not None and root not in locals_:
                assume(tree, root)


def _root(expr: gast.expr) -> str | None:
    while isinstance(expr, gast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, gast.Name) else None


def _is_nonlocal_chain(expr: gast.expr, locals_: set[str]) -> bool:
    while isinstance(expr, gast.Attribute):
        expr = expr.value
    return isinstance(expr, gast.Name) and expr.id not in locals_


def _only_called(definition: gast.FunctionDef, name: str) -> bool:
    """``name`` is read only as ``name(...)`` in the helper or passed on as an argument of a
    call of a name (another helper, specialized in turn), and never assigned."""
    callees = {id(node.func) for node in nodes.walk(definition) if isinstance(node, gast.Call)}
    passed = {id(arg) for node in nodes.walk(definition) if isinstance(node, gast.Call)
              and isinstance(node.func, gast.Name) for arg in node.args}
    for node in nodes.walk(definition):
        if isinstance(node, gast.Name) and node.id == name:
            if node in definition.args.args or node in definition.args.kwonlyargs:
                continue
            if not isinstance(node.ctx, gast.Load) or id(node) not in callees | passed:
                return False
        if isinstance(node, (gast.FunctionDef, gast.Lambda)) and node is not definition:
            return False  # a nested scope could shadow or capture it
    return True


def _specialized(function: types.FunctionType, definition: gast.FunctionDef,
                 arguments: dict[str, gast.expr], callables: dict[str, gast.expr],
                 defaults: dict[str, gast.expr], locals_: set[str], defs: dict[str, gast.FunctionDef], name: str,
                 outer: set[str]) -> tuple[gast.FunctionDef, list[tuple[str, gast.expr]]]:
    """The helper's copy for these callables, and the keyword arguments its call passes
    (``outer``: the calling function's names, which the copy's nested defs avoid, since the
    copy is also placed in the calling function)."""
    from .parse import _annotate_origins

    signature = [*definition.args.args, *definition.args.kwonlyargs]
    kept = [arg for arg in signature if arg.id not in callables]
    passed = [(arg.id, arguments[arg.id]) for arg in kept if arg.id in arguments]
    taken = {node.id for node in nodes.walk(definition) if isinstance(node, gast.Name)}
    extra: list[str] = []
    nested: list[gast.stmt] = []
    for param, value in callables.items():
        if isinstance(value, gast.Call):  # functools.partial(g, a, k=v)
            target, bound, keywords = value.args[0], value.args[1:], value.keywords
            names = []
            for position, item in enumerate([*bound, *(k.value for k in keywords)]):
                fresh = _fresh(f"_{param}_{position}", taken)
                names.append(fresh)
                extra.append(fresh)
                passed.append((fresh, item))
            _call_through_partial(definition, param, target, names, keywords)
            continue
        nested_name = _fresh(param, (taken - {param}) | outer)  # the parameter's own name
        taken.add(nested_name)
        outer.add(nested_name)
        copy, sources = _as_def(nested_name, value, defs)
        _rename_calls(definition, param, copy.name)
        _annotate_origins(copy, function.__code__.co_filename)
        renames = {}
        for variable in sorted(_free_names(copy)):
            source = sources.get(variable, variable)  # a factory's closure: its argument
            if source not in locals_:
                continue  # a global: the copy reads it from the same module
            renames[variable] = _fresh(f"_{param}_{variable}", taken)
            extra.append(renames[variable])
            passed.append((renames[variable], _name(source)))
        for node in nodes.walk(copy):
            if isinstance(node, gast.Name) and node.id in renames:
                node.id = renames[node.id]
        nested.append(copy)
    definition.name = name
    definition.args.args = []
    definition.args.defaults = []
    definition.args.kwonlyargs = [*kept, *(_param(item, definition) for item in extra)]
    definition.args.kw_defaults = [*(defaults.get(arg.id) for arg in kept),
                                   *(None for _ in extra)]
    definition.decorator_list = []
    definition.body[0:0] = nested
    return definition, passed


def _as_def(param: str, value: gast.expr,
            defs: dict[str, gast.FunctionDef]) -> tuple[gast.FunctionDef, dict[str, str]]:
    """A def named ``param`` computing what the lambda or local def computes, and for a
    closure copied from a factory (``local_functions``) the caller's name each of its free
    variables stands for."""
    if isinstance(value, gast.Lambda):
        body = gast.copy_location(gast.Return(value=nodes.copy_tree(value.body)), value.body)
        definition = gast.FunctionDef(name=param, args=nodes.copy_tree(value.args),
                                      body=[body], decorator_list=[], returns=None,
                                      type_comment=None, type_params=[])
        return gast.copy_location(definition, value), {}
    original = defs[value.id]
    copy = nodes.copy_tree(original)
    copy.name = param
    sources = dict(getattr(original, FACTORY_ARGUMENTS, None) or {})
    for marker in MARKERS:  # the copy is an ordinary def of the specialized helper
        copy.__dict__.pop(marker, None)
    return copy, sources


def _call_through_partial(definition: gast.FunctionDef, param: str, target: gast.expr,
                          names: list[str], keywords: list[gast.keyword]) -> None:
    """``param(b)`` -> ``g(_param_0, b, k=_param_1)`` in the helper's body."""
    positional = names[:len(names) - len(keywords)]
    bound_keywords = dict(zip([k.arg for k in keywords], names[len(positional):], strict=True))
    for node in nodes.walk(definition):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id == param:
            given = {keyword.arg for keyword in node.keywords}
            node.func = nodes.copy_tree(target)
            node.args = [*(_name(item) for item in positional), *node.args]
            node.keywords = [*(gast.keyword(arg=key, value=_name(item))
                               for key, item in bound_keywords.items() if key not in given),
                             *node.keywords]


def _rename_calls(definition: gast.FunctionDef, old: str, new: str) -> None:
    """The helper's reads of its callable parameter read the nested def instead."""
    for node in nodes.walk(definition):
        if isinstance(node, gast.Name) and node.id == old and isinstance(node.ctx, gast.Load):
            node.id = new


def _free_names(definition: gast.FunctionDef) -> set[str]:
    """Names the def reads and does not bind itself."""
    bound = _local_names(definition)
    return {node.id for node in nodes.walk(definition)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)} - bound


def _tree_twin(definition: gast.FunctionDef, helper: types.FunctionType,
               depth: int) -> types.FunctionType | None:
    """A function object compiled from ``definition`` (for its code objects and signature),
    carrying the tree the compiler differentiates."""
    module = ast.Module(body=[convert.to_ast(nodes.copy_tree(definition))], type_ignores=[])
    ast.fix_missing_locations(module)
    try:
        code = compile(module, helper.__code__.co_filename, "exec")
    except (SyntaxError, ValueError, TypeError):
        return None
    found = [c for c in code.co_consts if isinstance(c, types.CodeType)]
    if len(found) != 1:
        return None
    twin = types.FunctionType(found[0], helper.__globals__, definition.name)
    signature = inspect.signature(helper)
    twin.__kwdefaults__ = {name: parameter.default
                           for name, parameter in signature.parameters.items()
                           if parameter.default is not inspect.Parameter.empty
                           and name in {arg.id for arg in definition.args.kwonlyargs}} or None
    twin.__qualname__ = definition.name
    setattr(twin, TREE, definition)
    setattr(twin, DEPTH, depth)
    return twin


def _insert_before(tree: gast.FunctionDef, call: gast.Call, definition: gast.stmt) -> None:
    """Put ``definition`` right before the statement of ``tree`` that holds ``call``."""
    for node in nodes.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for index, statement in enumerate(block):
                if not isinstance(statement, (gast.If, gast.For, gast.While, gast.With,
                                              gast.Try, gast.FunctionDef)) \
                        and any(item is call for item in nodes.walk(statement)):
                    block.insert(index, definition)
                    return
                if isinstance(statement, (gast.If, gast.For, gast.While)) and any(
                        item is call for item in nodes.walk(getattr(statement, "test", None)
                                                            or statement.iter)):
                    block.insert(index, definition)
                    return


def _fresh(hint: str, taken: set[str]) -> str:
    name = hint
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _name(identifier: str) -> gast.Name:
    return gast.Name(id=identifier, ctx=gast.Load(), annotation=None, type_comment=None)


def _param(identifier: str, like: gast.AST) -> gast.Name:
    return gast.copy_location(gast.Name(id=identifier, ctx=gast.Param(), annotation=None,
                                        type_comment=None), like)


# ---- factories returning several closures ---------------------------------------------------


def inline_closure_tuples(function: types.FunctionType,
                          tree: gast.FunctionDef) -> dict[str, types.FunctionType]:
    """``objective, unpack = make(logprob, D)`` then ``objective(params)``, ``make`` a function
    of the module whose body only defines closures and returns them (with values computed
    from its parameters): each closure that is called becomes a tree twin with the factory's
    parameters as keyword-only parameters and the other closures nested in it, the factory's
    arguments bound where it was called (``_make_D = D``) and passed at every call."""
    depth = getattr(function, DEPTH, 0)
    if depth >= MAX_DEPTH:
        return {}
    from .parse import _annotate_origins, _parse_def

    locals_ = _local_names(tree) | set(function.__code__.co_freevars)
    taken = {node.id for node in nodes.walk(tree) if isinstance(node, gast.Name)}
    twins: dict[str, types.FunctionType] = {}
    for statement in list(nodes.walk(tree)):
        if not (isinstance(statement, gast.Assign) and len(statement.targets) == 1
                and isinstance(statement.value, gast.Call)
                and isinstance(statement.value.func, gast.Name)
                and statement.value.func.id not in locals_ and not _has_star(statement.value)):
            continue
        make = static_value(function, statement.value.func, locals_)
        if not _specializable(make, function):
            continue
        try:
            bound = inspect.signature(make).bind(*statement.value.args, **{
                keyword.arg: keyword.value for keyword in statement.value.keywords})
            factory = _parse_def(make)
        except (SourceUnavailableError, SyntaxError, TypeError, ValueError):
            continue
        made = _closures_returned(factory, statement.targets[0])
        params = [arg.id for arg in factory.args.args + factory.args.kwonlyargs]
        if made is None or set(bound.arguments) != set(params):
            continue
        closures, values, siblings = made
        block = _block_of_statement(tree, statement)
        calls = {target: _calls_of_name(tree, target, statement) for target in closures}
        if block is None or any(found is None for found in calls.values()):
            continue
        _annotate_origins(factory, make.__code__.co_filename)
        sources = {param: _fresh(f"_{make.__name__}_{param}", taken) for param in params}
        definitions = {}
        for target, closure in closures.items():
            if not calls[target]:
                continue  # never called (``_, loss = make(...)``): nothing to compile
            name = _fresh(f"_{target}_{closure.name}", taken)
            copy = nodes.copy_tree(closure)
            copy.name = name
            copy.body[0:0] = [nodes.copy_tree(other) for other in _called(closure, siblings)]
            copy.args.kwonlyargs += [_param(param, copy) for param in params]
            copy.args.kw_defaults += [None] * len(params)
            if _local_names(copy) & _nonlocal_reads(tree, locals_):
                break
            twin = _tree_twin(copy, make, depth + 1)
            if twin is None:
                break
            definitions[target] = (name, twin, nodes.copy_tree(copy))  # the twin keeps its own
        else:
            assume(tree, statement.value.func.id)
            bindings = [gast.copy_location(gast.Assign(
                targets=[gast.Name(id=sources[param], ctx=gast.Store(), annotation=None,
                                   type_comment=None)],
                value=bound.arguments[param], type_comment=None), statement)
                for param in params]
            others = [gast.copy_location(gast.Assign(
                targets=[gast.Name(id=target, ctx=gast.Store(), annotation=None,
                                   type_comment=None)],
                value=_substituted(value, sources), type_comment=None), statement)
                for target, value in values.items()]
            for target, (name, twin, _) in definitions.items():
                twins[name] = twin
                for call in calls[target]:
                    call.func = _name(name)
                    call.keywords += [gast.keyword(arg=param, value=_name(sources[param]))
                                      for param in params]
            index = block.index(statement)
            block[index:index + 1] = [*bindings, *others,
                                      *(copy for _, _, copy in definitions.values())]
    return twins


def _closures_returned(factory: gast.FunctionDef, target: gast.expr) -> tuple | None:
    """``({target: closure def}, {target: other returned expression}, every def)`` when the
    factory's body is only defs and ``return`` of them (and of other values) matching
    ``target``."""
    body = [s for s in factory.body if not (isinstance(s, gast.Expr)
                                            and isinstance(s.value, gast.Constant))]
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None \
            or not all(isinstance(s, gast.FunctionDef) for s in body[:-1]):
        return None
    defs = {s.name: s for s in body[:-1]}
    if any(s.args.defaults or s.args.vararg or s.args.kwarg or s.decorator_list
           for s in defs.values()) or len(defs) != len(body) - 1:
        return None
    returned = body[-1].value
    if isinstance(target, gast.Name) and isinstance(returned, gast.Name):
        pairs = [(target, returned)]
    elif isinstance(target, gast.Tuple) and isinstance(returned, gast.Tuple) \
            and len(target.elts) == len(returned.elts) \
            and all(isinstance(t, gast.Name) for t in target.elts):
        pairs = list(zip(target.elts, returned.elts, strict=True))
    else:
        return None
    closures, values = {}, {}
    for name, value in pairs:
        if isinstance(value, gast.Name) and value.id in defs:
            closures[name.id] = defs[value.id]
        elif any(isinstance(node, gast.Name) and node.id in defs for node in nodes.walk(value)):
            return None
        else:
            values[name.id] = value
    return (closures, values, list(defs.values())) if closures else None


def _called(closure: gast.FunctionDef,
            siblings: list[gast.FunctionDef]) -> list[gast.FunctionDef]:
    """The other defs of the factory that ``closure`` reads, directly or through them."""
    by_name = {sibling.name: sibling for sibling in siblings if sibling is not closure}
    found: list[gast.FunctionDef] = []
    pending = [closure]
    while pending:
        current = pending.pop()
        for node in nodes.walk(current):
            if isinstance(node, gast.Name) and node.id in by_name \
                    and by_name[node.id] not in found:
                found.append(by_name[node.id])
                pending.append(by_name[node.id])
    return [sibling for sibling in siblings if sibling in found]


def _calls_of_name(tree: gast.FunctionDef, name: str,
                   assignment: gast.Assign) -> list[gast.Call] | None:
    """Every read of ``name`` is a call ``name(...)`` and ``name`` is assigned only here."""
    callees = {id(node.func): node for node in nodes.walk(tree) if isinstance(node, gast.Call)}
    calls = []
    for node in nodes.walk(tree):
        if not isinstance(node, gast.Name) or node.id != name:
            continue
        if any(node is item for item in nodes.walk(assignment.targets[0])):
            continue
        if not isinstance(node.ctx, gast.Load) or id(node) not in callees \
                or _has_star(callees[id(node)]):
            return None
        calls.append(callees[id(node)])
    return calls


def _block_of_statement(tree: gast.AST, statement: gast.stmt) -> list | None:
    for node in nodes.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and any(item is statement for item in block):
                return block
    return None


def _substituted(expr: gast.expr, sources: dict[str, str]) -> gast.expr:
    copy = nodes.copy_tree(expr)
    for node in nodes.walk(copy):
        if isinstance(node, gast.Name) and node.id in sources:
            node.id = sources[node.id]
    return copy
