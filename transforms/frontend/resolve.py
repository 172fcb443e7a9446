"""Name resolution: what each statement of the ANF function computes, as an ``Operation``.

Input: ANF + SSA function. Output (an analysis): ``Resolution`` mapping each assignment to an
``Operation`` — a primitive with gradient rules (numpy function, operator, ndarray method or
attribute, subscript), a non-differentiable operation, a call to a user function (transformed
recursively), a copy, a tuple/list build, a tuple unpack, or something unknown (an error only if
it turns out to be active). Callees are looked up in the function's closure, globals and
builtins at compile time; every lookup the result depends on is recorded as a cache guard (``guards.py``).
"""

from __future__ import annotations

import builtins
import functools
import inspect
import operator
import types
import weakref
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import gast
import numpy as np

from ..analysis.guards import GuardSet
from ..analysis.names import LocalNames
from ..ir import nodes
from ..ir.annotations import Anno, getanno
from ..ir.codegen import expression_text
from ..passmanager import Analysis, PassContext
from .anf import ARRAY_ATTRIBUTES, is_static, root_name
from .local_functions import VARARGS


class Kind(Enum):
    COPY = "copy"
    PRIMITIVE = "primitive"
    NONDIFFERENTIABLE = "non-differentiable"
    USER = "user function"
    UNKNOWN = "unknown"
    BUILD = "tuple or list"
    UNPACK = "unpack"
    OPAQUE = "opaque"  # and/or, star-unpacking: fine unless a differentiated value flows in


@dataclass(slots=True)
class Operation:
    """What one ANF assignment computes. ``args`` are the primal arguments in rule order."""

    kind: Kind
    args: list[gast.expr] = field(default_factory=list)
    keywords: list[gast.keyword] = field(default_factory=list)
    entry: Any = None  # registry.VjpEntry for primitives
    callee: Any = None  # the Python object called (user function, unknown callable)
    display: str = ""  # how the user wrote the callee, for messages
    params: list[str | None] = field(default_factory=list)  # USER: callee parameter per argument
    receiver: gast.expr | None = None  # USER: the bound instance's expression, passed first
    runtime_callee: bool = False  # UNKNOWN: the callee is a value computed when f runs
    library: bool = False  # UNKNOWN: installed library code, not differentiated from source
    constants: dict[str, Any] = field(default_factory=dict)  # USER: parameters known statically


@dataclass(slots=True)
class Resolution:
    operations: dict[int, Operation]  # id(Assign) -> Operation
    weight_names: dict[str, int]  # non-local name -> id of the requested Parameter it holds

    def of(self, statement: gast.stmt) -> Operation:
        return self.operations[id(statement)]


MISSING = object()


class Resolve(Analysis):
    """Classify every assignment of the function.

    >>> from autodiff.transforms.testing import resolve_source
    >>> for text, kind in resolve_source("def f(x):\\n    y = np.tanh(x)\\n    return y.shape"):
    ...     print(text, kind)
    y = np.tanh(x) primitive
    _ret1 = y.shape non-differentiable
    """

    name = "resolve"

    def run(self, ctx: PassContext) -> Resolution:
        resolver = _Resolver(ctx)
        for identifier in ctx.source.assumed:  # helpers, classes, factories rewritten in
            lookup_static(ctx, identifier, ctx.guards)
        operations = {}
        for statement in nodes.walk(ctx.function):
            if isinstance(statement, gast.Assign):
                operations[id(statement)] = resolver.operation(statement)
        return Resolution(operations, resolver.weight_names())


def lookup_static(ctx: PassContext, identifier: str, guards: GuardSet | None = None) -> Any:
    """What a non-local name refers to at compile time: constants, closure, globals, builtins."""
    if identifier in ctx.request.constants:
        return ctx.request.constants[identifier]
    if identifier in ctx.bindings:  # an object the inlined code of a Cell reads (cells.py)
        return ctx.bindings[identifier]
    if identifier == "_rt":
        return ctx.rules.runtime
    if identifier in ctx.source.nested:
        return ctx.source.nested[identifier]
    if identifier in ctx.source.imports:
        return ctx.source.imports[identifier]
    if identifier in ctx.source.closure:
        cell = ctx.source.closure[identifier]
        try:
            value = cell.cell_contents
        except ValueError:
            return MISSING
        if guards is not None:
            guards.cell(cell, value)
        return value
    namespace = ctx.source.globals
    if identifier in namespace:
        if guards is not None:
            guards.name(namespace, identifier, namespace[identifier])
        return namespace[identifier]
    return getattr(builtins, identifier, MISSING)


def evaluate_static(ctx: PassContext, expr: gast.expr, locals_: set[str],
                    guards: GuardSet | None = None) -> Any:
    """The object a non-local name, attribute chain or constant subscript refers to, or MISSING.

    With ``guards``, every lookup the result depends on is recorded as a cache guard.
    """
    if isinstance(expr, gast.Name):
        return MISSING if expr.id in locals_ else lookup_static(ctx, expr.id, guards)
    if isinstance(expr, gast.Attribute):
        base = evaluate_static(ctx, expr.value, locals_, guards)
        if base is MISSING:
            return MISSING
        value = getattr(base, expr.attr, MISSING)
        if guards is not None and value is not MISSING and not _is_library_primitive(ctx, base,
                                                                                     value):
            guards.attribute(base, expr.attr, value)
        return value
    if isinstance(expr, gast.Subscript) and isinstance(expr.slice, gast.Constant):
        base = evaluate_static(ctx, expr.value, locals_, guards)
        try:
            value = MISSING if base is MISSING else base[expr.slice.value]
        except (TypeError, KeyError, IndexError):
            return MISSING
        if guards is not None and value is not MISSING:
            guards.item(base, expr.slice.value, value)
        return value
    return MISSING


def _is_library_primitive(ctx: PassContext, base: Any, value: Any) -> bool:
    """``np.tanh`` and the like: module attributes with registered rules are not guarded
    (rebinding numpy's own functions after compiling is not supported)."""
    if not isinstance(base, types.ModuleType):
        return False
    try:
        return ctx.rules.lookup(value) is not None or ctx.rules.is_nondifferentiable(value)
    except TypeError:  # unhashable
        return False


def operand_key(expr: gast.expr, locals_: set[str]) -> str | None:
    """The key activity tracks an operand by: a name, or the text of a non-local chain."""
    if isinstance(expr, gast.Name):
        return expr.id
    if isinstance(expr, gast.Attribute) and expr.attr in ARRAY_ATTRIBUTES:
        return None  # `self.w.T` computes a new array: an operation, not an operand
    if isinstance(expr, (gast.Attribute, gast.Subscript)):
        root = root_name(expr)
        if root is not None and root not in locals_:
            return expression_text(expr)
    return None


class _Resolver:
    def __init__(self, ctx: PassContext) -> None:
        self.ctx = ctx
        self.rules = ctx.rules
        self.locals = ctx.analysis(LocalNames).local - set(ctx.request.constants)
        self.guards = ctx.guards

    @functools.cached_property
    def static_locals(self) -> dict[str, gast.expr]:
        """Locals assigned once, from a non-local name or chain (``act = np.tanh``): calls
        through them resolve like calls of the chain."""
        assigned: dict[str, list[gast.expr]] = {}
        for node in nodes.walk(self.ctx.function):
            if isinstance(node, gast.Assign):
                for target in node.targets:
                    for name in nodes.walk(target):
                        if isinstance(name, gast.Name):
                            assigned.setdefault(name.id, []).append(
                                node.value if target is name else None)
            elif isinstance(node, gast.For):
                for name in nodes.walk(node.target):
                    if isinstance(name, gast.Name):
                        assigned.setdefault(name.id, []).append(None)
            elif isinstance(node, gast.FunctionDef) and node is not self.ctx.function:
                assigned.setdefault(node.name, []).append(None)
        return {name: values[0] for name, values in assigned.items()
                if len(values) == 1 and (isinstance(values[0], gast.Call) or (isinstance(
                    values[0], (gast.Name, gast.Attribute))
                    and root_name(values[0]) not in self.locals))}

    def callee_value(self, func: gast.expr) -> Any:
        """What a call's callee is when compiling: a non-local chain, a local assigned once from
        one, or from ``autodiff.grad(f)`` with static arguments (nested differentiation)."""
        expr = self.static_locals.get(getattr(func, "id", None), func)
        if isinstance(expr, gast.Call):
            return self.derivative_value(expr)
        return self.evaluate(expr)

    def derivative_value(self, call: gast.Call) -> Any:
        """``autodiff.grad(f, ...)`` (or another transformation of autodiff) built from
        non-local values and constants, built now; MISSING for any other call."""
        maker = self.evaluate(call.func)
        if maker is MISSING or not self.rules.is_derivative_maker(maker) \
                or any(isinstance(arg, gast.Starred) for arg in call.args) \
                or any(keyword.arg is None for keyword in call.keywords):
            return MISSING
        values = [self.static_argument(arg) for arg in call.args]
        keywords = {keyword.arg: self.static_argument(keyword.value)
                    for keyword in call.keywords}
        if any(value is MISSING for value in [*values, *keywords.values()]):
            return MISSING
        try:
            return maker(*values, **keywords)
        except Exception:
            return MISSING

    def static_argument(self, arg: gast.expr) -> Any:
        if isinstance(arg, gast.Constant):
            return arg.value
        if isinstance(arg, gast.Tuple) and all(isinstance(e, gast.Constant) for e in arg.elts):
            return tuple(e.value for e in arg.elts)
        if isinstance(arg, (gast.Name, gast.Attribute)) and root_name(arg) not in self.locals:
            return self.evaluate(arg)
        return MISSING

    def evaluate(self, expr: gast.expr) -> Any:
        return evaluate_static(self.ctx, expr, self.locals, self.guards)

    def weight_names(self) -> dict[str, int]:
        """Operand keys (names or chains like ``self.w``) that hold a requested Parameter."""
        wanted = set(self.ctx.request.weight_ids)
        found: dict[str, int] = {}
        if not wanted:
            return found
        for node in nodes.walk(self.ctx.function):
            if not isinstance(getattr(node, "ctx", None), gast.Load):
                continue
            key = operand_key(node, self.locals)
            if key is None or key in found or (isinstance(node, gast.Name)
                                               and node.id in self.locals):
                continue
            value = self.evaluate(node)
            if value is not MISSING and id(value) in wanted:
                found[key] = id(value)
        return found

    # ---- classification ------------------------------------------------------------------
    def operation(self, statement: gast.Assign) -> Operation:
        idiom = getanno(statement, Anno.DIFFERENTIATE_AS)
        if idiom is not None:  # computed as written, differentiated as primitive(operand)
            primitive, operand = idiom
            return self.primitive(primitive, [nodes.name(operand)], [],
                                  getattr(primitive, "__name__", "idiom"))
        operation = self.classify(statement)
        if getanno(statement, Anno.STOP_GRADIENT):  # computed as usual, without an adjoint
            operation.kind, operation.entry = Kind.NONDIFFERENTIABLE, None
        return operation

    def classify(self, statement: gast.Assign) -> Operation:
        value = statement.value
        if isinstance(statement.targets[0], gast.Tuple):
            return Operation(Kind.UNPACK, [value])
        if isinstance(value, gast.Name):
            return Operation(Kind.COPY, [value])
        if is_static(value) or isinstance(value, (gast.Constant, gast.JoinedStr, gast.Compare)):
            return Operation(Kind.NONDIFFERENTIABLE)
        if isinstance(value, (gast.Attribute, gast.Subscript)) \
                and operand_key(value, self.locals) is not None:
            return Operation(Kind.COPY, [value])  # np.pi, self.w: a non-local chain
        if isinstance(value, gast.BoolOp):
            return _opaque(value, "`and`/`or`")
        if any(isinstance(node, gast.Starred) for node in nodes.walk(value)):
            return _opaque(value, "star-unpacking (*items)")
        if isinstance(value, (gast.Tuple, gast.List)):
            return Operation(Kind.BUILD, list(value.elts))
        if isinstance(value, gast.BinOp):
            return self.primitive(self.rules.binary_operator(type(value.op).__name__),
                                  [value.left, value.right], [], _op_display(value.op))
        if isinstance(value, gast.UnaryOp):
            return self.primitive(self.rules.unary_operator(type(value.op).__name__),
                                  [value.operand], [], _op_display(value.op))
        if isinstance(value, gast.Subscript):
            if any(self.evaluate(value.value) is joiner for joiner in (np.r_, np.c_)):
                return _opaque(value, "np.r_[...]/np.c_[...]")  # its items carry no gradient
            index = nodes.slice_as_value(value.slice)
            return self.primitive(operator.getitem, [value.value, index], [], "indexing")
        if isinstance(value, gast.Attribute):
            return self.primitive(self.rules.attribute_key(value.attr), [value.value], [],
                                  f".{value.attr}")
        if isinstance(value, gast.Call):
            return self.call(value)
        return Operation(Kind.UNKNOWN, display=type(value).__name__)

    def is_array_method(self, func: gast.Attribute) -> bool:
        """``x.sum`` on a local, or on a non-local chain that holds an array (``self.w.sum``)."""
        if isinstance(func.value, gast.Name) and func.value.id in self.locals:
            return True
        base = self.evaluate(func.value)
        return base is not MISSING and isinstance(base, self.rules.array_types)

    def static_parameters(self, target: Any, call: gast.Call,
                          params: list[str | None]) -> dict[str, Any]:
        """Parameters of a user callee bound to functions known when compiling: passed as a
        non-local name (``fit(x, act=np.tanh)``) or left to a default
        (``def f(x, nonlinearity=np.tanh)``); the callee is compiled for them."""
        found: dict[str, Any] = {}
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        for param, arg in zip(params, arguments, strict=True):
            if isinstance(arg, (gast.Name, gast.Attribute)):
                value = self.evaluate(self.static_locals.get(getattr(arg, "id", None), arg))
                if self.is_static_callable(value):
                    found[param] = value
        try:
            signature = inspect.signature(target)
        except (TypeError, ValueError):
            return found
        for name, parameter in signature.parameters.items():
            if name not in params and self.is_static_callable(parameter.default):
                found[name] = parameter.default
        return found

    def is_static_callable(self, value: Any) -> bool:
        """A function, class, module or registered primitive (``np.tanh``)."""
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.ModuleType,
                              type)):
            return True
        try:
            return self.entry(value) is not None
        except TypeError:  # unhashable
            return False

    def entry(self, primitive: Any) -> Any:
        """The registered rules of ``primitive`` for this mode: in forward mode a JVP rule
        wins over the function's source (``autodiff.defjvp`` on a Python function)."""
        if self.ctx.request.mode == "forward":
            try:
                entry = self.rules.lookup_jvp(primitive)
            except TypeError:  # unhashable
                entry = None
            if entry is not None:
                return entry
        return self.rules.lookup(primitive)

    def local_operands(self, expr: gast.expr) -> list[gast.Name]:
        """The locals an expression reads (a callee ``layers[i]``, ``obj.f``, ``make(a)``)."""
        return [node for node in nodes.walk(expr) if isinstance(node, gast.Name)
                and isinstance(node.ctx, gast.Load) and node.id in self.locals]

    def primitive(self, primitive: Any, args: list, keywords: list, display: str) -> Operation:
        entry = self.entry(primitive)
        if entry is not None:
            args, keywords = _keywords_to_positions(entry, args, keywords)
            return Operation(Kind.PRIMITIVE, args, keywords, entry=entry, callee=primitive,
                             display=display)
        if self.rules.is_nondifferentiable(primitive):
            return Operation(Kind.NONDIFFERENTIABLE, args, keywords, callee=primitive,
                             display=display)
        return Operation(Kind.UNKNOWN, args, keywords, callee=primitive, display=display)

    def call(self, call: gast.Call) -> Operation:
        func, display = call.func, expression_text(call.func)
        if isinstance(func, gast.Attribute) and self.is_array_method(func):
            key = self.rules.method_key(func.attr)
            return self.primitive(key, [func.value, *call.args], call.keywords, display)
        callee = self.callee_value(func)
        if callee is not MISSING:
            display = callee_display(display, callee)
        if callee is MISSING:  # a callable computed when the function runs: it may close over
            # differentiated values, so it is an operand like the arguments
            return Operation(Kind.UNKNOWN, [*self.local_operands(func), *call.args],
                             call.keywords, display=display, runtime_callee=True)
        if self.entry(callee) is not None or self.rules.is_nondifferentiable(callee):
            return self.primitive(callee, list(call.args), call.keywords, display)
        callee = self.rules.callable_target(callee)
        if self.rules.is_custom(callee):
            params = _bind_parameters(callee.fn, len(call.args), [k.arg for k in call.keywords])
            if params is not None:
                return Operation(Kind.USER, list(call.args), call.keywords, callee=callee,
                                 display=display, params=params)
        target, receiver = _user_target(callee, func)
        if target is not None and not self.rules.is_library(target):
            target = _with_fixed_arity(target, len(call.args))
        if target is not None and self.rules.is_library(target):
            return Operation(Kind.UNKNOWN, list(call.args), call.keywords, callee=target,
                             display=display, library=True)
        if target is not None:
            params = _bind_parameters(target, len(call.args), [k.arg for k in call.keywords])
            if params is not None:
                return Operation(Kind.USER, list(call.args), call.keywords, callee=target,
                                 display=display, params=params, receiver=receiver,
                                 constants=self.static_parameters(target, call, params))
        return Operation(Kind.UNKNOWN, list(call.args), call.keywords, callee=callee,
                         display=display)


def callee_display(written: str, callee: Any) -> str:
    """How messages name a callee: as written, or ``np.fft.fftshift (called as `_target`)``
    when the written name is an alias."""
    name = getattr(callee, "__name__", None)
    if not isinstance(name, str) or written.rpartition(".")[2] == name:
        return written
    module = getattr(callee, "__module__", None)
    owner = getattr(callee, "__qualname__", name)
    real = f"{module}.{owner}" if isinstance(module, str) else owner
    if real.startswith("numpy."):
        real = "np." + real[len("numpy."):]
    return f"{real} (called as `{written}`)"


def registration_name(display: str) -> str:
    """The name to pass to ``autodiff.defvjp`` in a message: numpy's public name of an alias
    (``np.fft.fftshift``), otherwise the name as written."""
    real, _, alias = display.partition(" (called as `")
    return real if not alias or real.startswith("np.") else alias.rstrip("`)")


def library_message(operation: Operation) -> str:
    """Why a call of an installed library's function without a rule has no gradient."""
    return (f"{operation.display} has no gradient rule (autodiff differentiates your code "
            "from its source, not installed libraries); register one with "
            "autodiff.defvjp/defjvp, or wrap the call in autodiff.stop_gradient(...) if no "
            "gradient should flow through it")


def runtime_callee_message(operation: Operation) -> str:
    """Why a call of a callable computed at run time cannot be differentiated."""
    return (f"{operation.display}(...) calls a function or object created when the function "
            "runs (a closure, lambda or object built from differentiated values, or a callable "
            "argument); autodiff decides what a call runs when it compiles and cannot see "
            "which code runs here: call a function defined with def directly, or pass the "
            "arrays it reads as arguments")


def _opaque(value: gast.expr, what: str) -> Operation:
    """Every name the value reads is an operand, except inside a star-unpacked shape or other
    static tuple (``rs.standard_normal(*x.shape)`` carries no gradient)."""
    static = {id(node) for starred in nodes.walk(value)
              if isinstance(starred, gast.Starred) and is_static(starred.value)
              for node in nodes.walk(starred.value)}
    names = [node for node in nodes.walk(value) if isinstance(node, gast.Name)
             and isinstance(node.ctx, gast.Load) and id(node) not in static]
    return Operation(Kind.OPAQUE, names, display=what)


def _user_target(callee: Any, func: gast.expr) -> tuple[Any, gast.expr | None]:
    """The Python function a call runs, and the expression of its bound instance (if any).

    A bound method ``obj.m`` runs ``m`` with ``obj`` first; a callable object (an ``nn.Cell``
    or any instance whose class defines ``__call__`` in Python) runs its ``construct`` or
    ``__call__`` with the object itself first.
    """
    if inspect.isfunction(callee):
        return callee, None
    if inspect.ismethod(callee) and inspect.isfunction(callee.__func__):
        receiver = func.value if isinstance(func, gast.Attribute) else None
        return (callee, receiver) if receiver is not None else (None, None)
    for method_name in ("construct", "__call__"):
        method = getattr(type(callee), method_name, None)
        if inspect.isfunction(method):
            return method.__get__(callee), func
    return None, None


def _with_fixed_arity(target: Any, positional: int) -> Any:
    """A function with ``*args`` called with ``positional`` arguments: its twin taking them as
    named parameters (``def total(*xs)`` called with 2 -> ``total(_xs0, _xs1)``, ``xs`` the
    tuple of them); other callables unchanged."""
    func = getattr(target, "__func__", target)
    code = getattr(func, "__code__", None)
    if not isinstance(func, types.FunctionType) or code is None \
            or not code.co_flags & inspect.CO_VARARGS or code.co_flags & inspect.CO_VARKEYWORDS:
        return target
    extra = positional - code.co_argcount + (1 if func is not target else 0)
    if extra < 0 or func.__defaults__ or any(p.kind is p.KEYWORD_ONLY and p.default is p.empty
                        for p in inspect.signature(func).parameters.values()):
        return target
    twins = _ARITY_TWINS.setdefault(func, {})
    if extra not in twins:
        twins[extra] = _arity_twin(func, extra)
    twin = twins[extra]
    return twin if func is target else types.MethodType(twin, target.__self__)


def _arity_twin(func: types.FunctionType, extra: int) -> types.FunctionType:
    twin = types.FunctionType(func.__code__, func.__globals__, func.__name__, func.__defaults__,
                              func.__closure__)
    twin.__kwdefaults__ = func.__kwdefaults__
    twin.__qualname__ = func.__qualname__
    vararg = func.__code__.co_varnames[func.__code__.co_argcount
                                        + func.__code__.co_kwonlyargcount]
    setattr(twin, VARARGS, extra)
    signature = inspect.signature(func)
    positional = [p for p in signature.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword = [p for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY]
    twin.__signature__ = signature.replace(parameters=[
        *positional, *(inspect.Parameter(f"_{vararg}{i}",
                                         inspect.Parameter.POSITIONAL_OR_KEYWORD)
                       for i in range(extra)), *keyword])
    return twin


_ARITY_TWINS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _bind_parameters(callee: Any, positional: int, keywords: list[str]) -> list[str] | None:
    """The callee parameter each call argument binds to, or None if the call cannot bind."""
    try:
        bound = inspect.signature(callee).bind(*range(positional),
                                               **{k: positional + i for i, k in
                                                  enumerate(keywords)})
    except TypeError:
        return None
    params: list[str | None] = [None] * (positional + len(keywords))
    for parameter, slot in bound.arguments.items():
        if isinstance(slot, int):
            params[slot] = parameter
        else:
            return None  # *args or **kwargs collected it
    return params


def _keywords_to_positions(entry: Any, args: list, keywords: list) -> tuple[list, list]:
    """Move keyword arguments that name the next positional parameters into place.

    A keyword naming a later parameter with a gradient rule (``norm.logpdf(x, scale=s)``) is
    moved too when every parameter it skips has a default in the rule's signature: the
    defaults are passed explicitly in between.
    """
    argnames = entry.argnames
    args, remaining = list(args), list(keywords)
    defaults = _rule_defaults(entry)
    moved = True
    while moved:
        moved = False
        for keyword in remaining:
            if len(args) < len(argnames) and keyword.arg == argnames[len(args)]:
                args.append(keyword.value)
                remaining.remove(keyword)
                moved = True
                break
        if not moved and len(args) < len(argnames) and argnames[len(args)] in defaults \
                and any(_fills_gap(entry, defaults, len(args), k.arg) for k in remaining):
            args.append(nodes.constant(defaults[argnames[len(args)]]))
            moved = True
    return args, remaining


def _rule_defaults(entry: Any) -> dict[str, Any]:
    """Default values of the primal parameters in the signature of ``entry``'s first rule
    (only constants that generated code can spell); read once per rule function."""
    rule = next((r for r in entry.rules if r is not None), None)
    try:
        found = _DEFAULTS_OF_RULE.get(rule)
    except TypeError:  # not weakly referable: read every time
        return _signature_defaults(rule)
    if found is None:
        found = _DEFAULTS_OF_RULE[rule] = _signature_defaults(rule)
    return found


_DEFAULTS_OF_RULE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _signature_defaults(rule: Any) -> dict[str, Any]:
    try:
        parameters = list(inspect.signature(rule).parameters.values())[2:]
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in parameters
            if p.default is not inspect.Parameter.empty
            and (p.default is None or isinstance(p.default, (bool, int, float, str)))}


def _fills_gap(entry: Any, defaults: dict[str, Any], start: int, name: str) -> bool:
    """Does the keyword ``name`` name a parameter with a gradient rule after position
    ``start``, with defaults for every parameter in between?"""
    if name not in entry.argnames[start:]:
        return False
    position = entry.argnames.index(name, start)
    return entry.rule_for(position) is not None \
        and all(n in defaults for n in entry.argnames[start:position])


def _op_display(op: gast.AST) -> str:
    return {"Add": "+", "Sub": "-", "Mult": "*", "Div": "/", "Pow": "**", "MatMult": "@",
            "FloorDiv": "//", "Mod": "%", "USub": "unary -", "UAdd": "unary +", "Not": "not",
            "Invert": "~"}.get(type(op).__name__, type(op).__name__)
