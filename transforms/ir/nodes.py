"""The only place gast nodes are constructed. New nodes copy the location of the user node they
derive from, so every error and comment can point at the user's line."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import gast

from .annotations import ANNOTATIONS as _ANNOTATIONS
from .annotations import NUMPY, RUNTIME, Anno, EmittedCall, Origin, getanno, setanno

_LOCATION = ("lineno", "col_offset", "end_lineno", "end_col_offset")
_AST = gast.AST


def walk(tree: Any) -> Iterator[Any]:
    """Every node of ``tree`` but expression contexts and operators (``Load``, ``Add``: read
    them from their parent), breadth first, in ``gast.walk``'s order, and several times faster:
    it reads only the fields of each class that can hold such nodes (``_child_fields``)
    instead of going through ``iter_fields`` (the passes walk trees often)."""
    pending = [tree]
    fields_of = _CHILD_FIELDS
    for node in pending:  # the list grows while it is read: a queue without popping
        fields = fields_of.get(node.__class__)
        if fields is None:
            fields = _child_fields(node.__class__)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                pending.extend([item for item in value if isinstance(item, _AST)])
            elif isinstance(value, _AST):
                pending.append(value)
        yield node


def walk_with_parents(tree: Any, parent: Any = None) -> Iterator[tuple[Any, Any]]:
    """``(node, its parent)`` for every node ``walk`` visits (``parent`` for ``tree`` itself),
    in the same order."""
    pending = [tree]
    parents = [parent]
    fields_of = _CHILD_FIELDS
    for index, node in enumerate(pending):  # both lists grow while they are read
        fields = fields_of.get(node.__class__)
        if fields is None:
            fields = _child_fields(node.__class__)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                items = [item for item in value if isinstance(item, _AST)]
                pending.extend(items)
                parents.extend([node] * len(items))
            elif isinstance(value, _AST):
                pending.append(value)
                parents.append(node)
        yield node, parents[index]


def children(node: Any) -> list[Any]:
    """The direct child nodes of ``node`` but contexts and operators, in the order of
    ``gast.iter_child_nodes``."""
    found: list[Any] = []
    _add_children(node, found)
    return found


def _add_children(node: Any, into: list[Any]) -> None:
    fields = _CHILD_FIELDS.get(node.__class__)
    if fields is None:
        fields = _child_fields(node.__class__)
    for field in fields:
        value = getattr(node, field, None)
        if value.__class__ is list:
            into.extend([item for item in value if isinstance(item, _AST)])
        elif isinstance(value, _AST):
            into.append(value)


# Fields of gast classes that hold only strings, numbers or flags, never a node; and the
# fields of contexts and operators, which no pass looks for by walking
_OPERATOR_FIELDS = {"ctx", "op", "ops"}
_SCALAR_FIELDS = {
    gast.Name: {"id", "type_comment"}, gast.Attribute: {"attr"},
    gast.Constant: {"value", "kind"}, gast.keyword: {"arg"},
    gast.FunctionDef: {"name", "type_comment"}, gast.AsyncFunctionDef: {"name", "type_comment"},
    gast.ClassDef: {"name"}, gast.alias: {"name", "asname"},
    gast.ImportFrom: {"module", "level"}, gast.comprehension: {"is_async"},
    gast.FormattedValue: {"conversion"}, gast.AnnAssign: {"simple"},
    gast.Assign: {"type_comment"}, gast.For: {"type_comment"}, gast.With: {"type_comment"},
}
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` that may hold a node (not a context or an operator) or a list of
    them, in ``_fields`` order."""
    scalar = _SCALAR_FIELDS.get(cls, set()) | _OPERATOR_FIELDS
    fields = tuple(field for field in getattr(cls, "_fields", ()) if field not in scalar)
    _CHILD_FIELDS[cls] = fields
    return fields


def copy_location(new: Any, like: Any | None) -> Any:
    """Give ``new`` and its children without a location the location (and origin) of ``like``.

    A child that has a location got it when it was built, and so did its own children: the
    walk does not descend into it (nodes are built bottom-up, so this keeps building linear).
    Nodes without location attributes (contexts, operators) are passed over."""
    if like is None:
        return new
    state = like.__dict__
    location = [(attribute, state[attribute]) for attribute in _LOCATION if attribute in state]
    pending = [new]
    while pending:
        node = pending.pop()
        state = node.__dict__
        if state.get("lineno") is not None:
            continue
        cls = node.__class__
        if cls._attributes:
            for attribute, value in location:
                if state.get(attribute) is None:
                    state[attribute] = value
        if cls._fields:
            _add_children(node, pending)
    origin = getanno(like, Anno.ORIGIN)
    if origin is not None and getanno(new, Anno.ORIGIN) is None:
        setanno(new, Anno.ORIGIN, origin)
    return new


def name(identifier: str, store: bool = False, like: Any | None = None) -> gast.Name:
    node = _NAME.__new__(_NAME)
    state = node.__dict__
    state["id"] = identifier
    state["ctx"] = _STORE() if store else _LOAD()
    state["annotation"] = None
    state["type_comment"] = None
    if like is not None:  # copy_location for a node without children to visit
        _locate_leaf(state, like)
    return node


def _locate_leaf(state: dict[str, Any], like: Any) -> None:
    """``copy_location`` for a new node (instance dictionary ``state``) whose children need
    no location."""
    source = like.__dict__
    for attribute in _LOCATION:
        if attribute in source:
            state[attribute] = source[attribute]
    origin = getanno(like, Anno.ORIGIN)
    if origin is not None:
        state[_ANNOTATIONS] = {Anno.ORIGIN: origin}


_NAME, _CONSTANT, _LOAD, _STORE = gast.Name, gast.Constant, gast.Load, gast.Store


def constant(value: Any, like: Any | None = None) -> gast.Constant:
    node = _CONSTANT.__new__(_CONSTANT)
    state = node.__dict__
    state["value"] = value
    state["kind"] = None
    if like is not None:
        _locate_leaf(state, like)
    return node


def attribute(value: Any, attr: str, like: Any | None = None) -> gast.Attribute:
    return copy_location(gast.Attribute(value=value, attr=attr, ctx=gast.Load()), like)


def dotted(path: str, like: Any | None = None) -> Any:
    """``"_rt.add"`` as an expression."""
    head, *rest = path.split(".")
    node = name(head, like=like)
    for attr in rest:
        node = attribute(node, attr, like)
    return node


def call(func: Any, args: list[Any], keywords: list[Any] | None = None, like: Any = None) -> Any:
    return copy_location(gast.Call(func=func, args=list(args), keywords=list(keywords or [])), like)


SPELLING = {RUNTIME: "_rt", NUMPY: "_np"}  # how generated code names each library


def library_call(library: str, function: str, args: list[Any],
                 keywords: list[Any] | None = None, like: Any = None, primitive: Any = None,
                 argument: int | None = None) -> gast.Call:
    """``_rt.<function>(args)`` (or ``_np.``), annotated with what it calls (``EmittedCall``)."""
    node = call(dotted(f"{SPELLING[library]}.{function}", like), args, keywords, like)
    setanno(node, Anno.CALL, EmittedCall(library, function, primitive, argument))
    return node


def mark_library_calls(expression: Any) -> Any:
    """Annotate the ``_rt.<name>(...)`` and ``_np.<name>(...)`` calls of an expression the
    compiler built from a template or from a rule's source (``library_call``'s annotation);
    returns ``expression``."""
    libraries = {spelled: library for library, spelled in SPELLING.items()}
    for node in walk(expression):
        if isinstance(node, gast.Call) and getanno(node, Anno.CALL) is None:
            path = _attribute_path(node.func)
            if path is not None and path[0] in libraries and len(path) > 1:
                setanno(node, Anno.CALL, EmittedCall(libraries[path[0]], ".".join(path[1:])))
    return expression


def _attribute_path(expr: Any) -> list[str] | None:
    """``["_np", "linalg", "inv"]`` for ``_np.linalg.inv``; None if not a dotted name."""
    parts: list[str] = []
    while isinstance(expr, gast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, gast.Name):
        return None
    return [expr.id, *reversed(parts)]


def keyword(arg: str | None, value: Any, like: Any | None = None) -> gast.keyword:
    return copy_location(gast.keyword(arg=arg, value=value), like)


def tuple_(elements: list[Any], store: bool = False, like: Any | None = None) -> gast.Tuple:
    ctx = gast.Store() if store else gast.Load()
    return copy_location(gast.Tuple(elts=list(elements), ctx=ctx), like)


def list_(elements: list[Any], like: Any | None = None) -> gast.List:
    return copy_location(gast.List(elts=list(elements), ctx=gast.Load()), like)


def subscript(value: Any, index: Any, like: Any | None = None) -> gast.Subscript:
    return copy_location(gast.Subscript(value=value, slice=index, ctx=gast.Load()), like)


def binop(left: Any, op: Any, right: Any, like: Any | None = None) -> gast.BinOp:
    return copy_location(gast.BinOp(left=left, op=op, right=right), like)


def assign(target: Any, value: Any, like: Any | None = None) -> gast.Assign:
    if isinstance(target, str):
        target = name(target, store=True, like=like)
    return copy_location(gast.Assign(targets=[target], value=value, type_comment=None), like)


def expr(value: Any, like: Any | None = None) -> gast.Expr:
    return copy_location(gast.Expr(value=value), like)


def return_(value: Any, like: Any | None = None) -> gast.Return:
    return copy_location(gast.Return(value=value), like)


def arguments(
    positional: list[str],
    kwonly: list[str] | None = None,
    kw_defaults: list[Any] | None = None,
    defaults: list[Any] | None = None,
) -> gast.arguments:
    kwonly = kwonly or []
    return gast.arguments(
        args=[name(arg, store=False) for arg in positional],
        posonlyargs=[],
        vararg=None,
        kwonlyargs=[name(arg) for arg in kwonly],
        kw_defaults=list(kw_defaults) if kw_defaults is not None else [None] * len(kwonly),
        kwarg=None,
        defaults=list(defaults or []),
    )


def function_def(
    identifier: str, args: gast.arguments, body: list[Any], like: Any | None = None
) -> gast.FunctionDef:
    node = gast.FunctionDef(
        name=identifier,
        args=args,
        body=list(body),
        decorator_list=[],
        returns=None,
        type_comment=None,
        type_params=[],
    )
    return copy_location(node, like)


def module(body: list[Any]) -> gast.Module:
    return gast.Module(body=list(body), type_ignores=[])


def comment(text: str) -> gast.Expr:
    """A statement that codegen prints as ``# text``."""
    node = gast.Expr(value=gast.Constant(value=COMMENT_PREFIX + text, kind=None))
    return node


COMMENT_PREFIX = "__autodiff_comment__ "


def slice_as_value(index: Any) -> Any:
    """Turn subscript syntax into a runtime value: ``1:3`` -> ``slice(1, 3, None)``."""
    if isinstance(index, gast.Slice):
        parts = [part if part is not None else constant(None, index) for part in
                 (index.lower, index.upper, index.step)]
        return call(name("slice", like=index), parts, like=index)
    if isinstance(index, gast.Tuple):
        return tuple_([slice_as_value(element) for element in index.elts], like=index)
    return index


def substitute(expression: Any, values: dict[str, Any]) -> Any:
    """A copy of ``expression`` with the names in ``values`` replaced by copies of their
    expressions (used to inline one-expression rules), with constants folded (``_fold``)."""
    return _copy(expression, {}, values, fold=True)


def drop_factor(expression: Any, factor: str) -> Any:
    """A copy of ``expression`` with every product ``e * factor`` (or ``factor * e``) replaced
    by ``e``: for a ``factor`` known to hold ones of a shape ``e`` already has."""
    class Drop(gast.NodeTransformer):
        def visit_BinOp(self, node: gast.BinOp) -> Any:
            self.generic_visit(node)
            if isinstance(node.op, gast.Mult):
                for kept, other in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(other, gast.Name) and other.id == factor:
                        return kept
            return node

    return Drop().visit(copy_tree(expression))


_FOLDABLE = {gast.Add: lambda a, b: a + b, gast.Sub: lambda a, b: a - b,
             gast.Mult: lambda a, b: a * b}


def _fold(node: Any) -> Any:
    """Fold arithmetic on numeric constants (``2 - 1`` -> ``1``) and ``x ** 1`` -> ``x``,
    children first, changing ``node`` in place; returns the node that replaces it."""
    for field in node._fields:
        value = getattr(node, field, None)
        if value.__class__ is list:
            value[:] = [_fold(item) if isinstance(item, _AST) else item for item in value]
        elif isinstance(value, _AST):
            setattr(node, field, _fold(value))
    if not isinstance(node, gast.BinOp):
        return node
    return _fold_binop(node)


def _fold_binop(node: Any) -> Any:
    """``node`` folded, its operands already folded."""
    left, right = node.left, node.right
    if _is_number(left) and _is_number(right) and type(node.op) in _FOLDABLE:
        return copy_location(gast.Constant(value=_FOLDABLE[type(node.op)](left.value,
                                                                          right.value),
                                           kind=None), node)
    if isinstance(node.op, gast.Pow) and isinstance(right, gast.Constant) \
            and right.value == 1 and not isinstance(right.value, bool):
        return left
    return node


def _is_number(node: Any) -> bool:
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) \
        and not isinstance(node.value, bool)


_ATOMIC = frozenset({int, float, complex, str, bytes, bool, type(None)})
# annotation values that are never changed in place, so a copied tree may share them
_SHARED = _ATOMIC | {Origin, EmittedCall}
# contexts and operators (``Load``, ``Add``): nodes without fields that no pass changes or
# annotates, so copies share them, as ``ast.parse`` shares them within a tree
_UNCHANGING = _ATOMIC | {cls for base in (gast.expr_context, gast.operator, gast.unaryop,
                                          gast.cmpop, gast.boolop)
                         for cls in base.__subclasses__()
                         if getattr(gast, cls.__name__, None) is cls and not cls._fields}


def copy_tree(tree: Any) -> Any:
    """A deep copy of ``tree`` (a node or a list of nodes), as ``copy.deepcopy`` makes it,
    annotations included, but several times faster: it copies node dictionaries directly."""
    return _copy(tree, {}, None)


def _copy(value: Any, memo: dict[int, Any], replace: dict[str, Any] | None,
          fold: bool = False) -> Any:
    """A copy of ``value``; names in ``replace`` become copies of their expressions; with
    ``fold``, each copied ``BinOp`` is folded as ``_fold`` would (children first)."""
    cls = value.__class__
    if cls in _UNCHANGING:
        return value
    if cls is list:
        return [_copy(item, memo, replace, fold) for item in value]
    if cls is dict:  # a node's annotations: immutable values are shared
        return {key: item if item.__class__ in _SHARED else copy.deepcopy(item, memo)
                for key, item in value.items()}
    if not isinstance(value, _AST):
        return copy.deepcopy(value, memo)  # an annotation's value
    if replace is not None and cls is _NAME and value.id in replace \
            and value.ctx.__class__ is _LOAD:
        found = _copy(replace[value.id], {}, None)  # a fresh copy for every read
        if fold and found.__class__ is not _NAME and found.__class__ is not _CONSTANT:
            return _fold(found)  # a name or a number has nothing to fold
        return found
    found = memo.get(id(value))
    if found is not None:
        return found
    new = cls.__new__(cls)
    memo[id(value)] = new
    copied = new.__dict__
    for key, item in value.__dict__.items():
        copied[key] = item if item.__class__ in _UNCHANGING else _copy(item, memo, replace,
                                                                          fold)
    if fold and cls is gast.BinOp:
        return _fold_binop(new)
    return new


def statement_blocks(function: Any) -> list[list[Any]]:
    """The statement lists of ``function``: its body and every nested ``body``/``orelse``
    (statements only, so cheaper than walking every expression node)."""
    found: list[list[Any]] = []
    pending = [function.body]
    while pending:
        block = pending.pop()
        found.append(block)
        for statement in block:
            if statement.__class__ in _SIMPLE_STATEMENTS:
                continue  # no nested block: skip the attribute lookups
            for field in ("body", "orelse"):
                nested = getattr(statement, field, None)
                if isinstance(nested, list) and nested and not isinstance(statement,
                                                                          gast.FunctionDef):
                    pending.append(nested)
    return found


# statements without nested blocks (the common ones)
_SIMPLE_STATEMENTS = frozenset({gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr,
                                gast.Return, gast.Delete, gast.Pass, gast.Break,
                                gast.Continue, gast.Raise, gast.Assert, gast.Import,
                                gast.ImportFrom, gast.Global, gast.Nonlocal})


def statements_anywhere(function: Any) -> Iterator[Any]:
    """Every statement inside ``function``, nested blocks and nested ``def``s included (what a
    walk looking for statements finds, without visiting expressions)."""
    pending = list(reversed(function.body))
    while pending:
        node = pending.pop()
        if isinstance(node, gast.stmt):
            yield node
        for field in ("handlers", "finalbody", "orelse", "body"):
            nested = getattr(node, field, None)
            if nested.__class__ is list:
                pending.extend(reversed(nested))


def int_literal(node: Any) -> int | None:
    """The value of an int written in the source, such as ``3`` or ``-1`` (else None)."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = int_literal(node.operand)
        return None if inner is None else -inner
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    return None
