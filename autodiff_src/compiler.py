"""Orchestration: one user function + one request -> a ``CompiledUnit`` (pipeline, codegen,
loader), with user callees compiled recursively through the same cache."""

from __future__ import annotations

import builtins
import dataclasses
import inspect
import os
import sys
import textwrap
import threading
import types
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from . import cache, runtime, shape_rules
from .errors import Loc, UnsupportedSyntaxError
from .loader import LoadSpec, load
from .runtime import registry
from .runtime.custom import CustomUnit, custom_vjp
from .runtime.operators import BINARY_OPERATORS, UNARY_OPERATORS
from .transforms import pipeline_for
from .transforms.analysis.guards import ABSENT, NameGuard
from .transforms.frontend.check import CheckSyntax
from .transforms.frontend.parse import SourceUnavailableError, parse_function
from .transforms.ir import nodes
from .transforms.ir.codegen import emit
from .transforms.passmanager import Step, new_context, run_pipeline
from .transforms.request import CompileRequest

# numpy callables that return (or may return) a tuple or list of arrays: their adjoints are
# containers, summed with ``_rt.add`` (``+`` would concatenate them).
_CONTAINER_RESULTS = tuple(getattr(owner, name) for owner, names in (
    (np, ("split", "array_split", "hsplit", "vsplit", "dsplit", "meshgrid", "broadcast_arrays",
          "atleast_1d", "atleast_2d", "atleast_3d", "gradient", "histogram", "unique")),
    (np.linalg, ("svd", "eig", "eigh", "slogdet", "qr", "lstsq")),
) for name in names if hasattr(owner, name))


class RuntimeRules:
    """The rule table the passes consult: the runtime registry plus operator mappings."""

    runtime = runtime
    array_types = (np.ndarray, np.generic)

    def lookup(self, primitive: Any) -> registry.VjpEntry | None:
        return registry.lookup(primitive) if primitive is not None else None

    def is_nondifferentiable(self, primitive: Any) -> bool:
        return primitive is not None and registry.is_nondifferentiable(primitive)

    def binary_operator(self, name: str) -> Any:
        return BINARY_OPERATORS.get(name)

    def unary_operator(self, name: str) -> Any:
        return UNARY_OPERATORS.get(name)

    def method_key(self, name: str) -> registry.MethodKey:
        return registry.MethodKey(name)

    def attribute_key(self, name: str) -> registry.AttributeKey:
        return registry.AttributeKey(name)

    def returns_array(self, primitive: Any) -> bool:
        """Does ``primitive`` always return an array or number (never a container)? Adjoints of
        such values are accumulated with ``+`` instead of ``_rt.add``."""
        if isinstance(primitive, (registry.MethodKey, registry.AttributeKey)):
            return primitive.name not in ("tolist",)
        if isinstance(primitive, np.ufunc):
            return primitive.nout == 1
        if any(primitive is function for function in _CONTAINER_RESULTS):
            return False
        module = getattr(primitive, "__module__", None) or ""
        return module.startswith("numpy") or module == "autodiff.runtime.rules_nn"

    def is_elementwise(self, primitive: Any) -> bool:
        """A numpy ufunc applied elementwise (its output has the broadcast shape of its
        inputs): not ``matmul`` and friends, which have a core signature."""
        return isinstance(primitive, np.ufunc) and primitive.signature is None \
            and primitive.nout == 1

    def is_array_method(self, name: str) -> bool:
        return hasattr(np.ndarray, name)

    def is_custom(self, obj: Any) -> bool:
        return isinstance(obj, custom_vjp)

    def lookup_jvp(self, primitive: Any) -> registry.JvpEntry | None:
        return registry.lookup_jvp(primitive) if primitive is not None else None

    def inline(self, rule: Any) -> InlineRule | None:
        """The rule's body as an expression to substitute into generated code, for rules that
        are a single ``return`` over their parameters, numpy and runtime helpers."""
        if rule not in _INLINE_CACHE:
            _INLINE_CACHE[rule] = _inline_rule(rule) if self.reference(rule) else None
        return _INLINE_CACHE[rule]

    def unused_arguments(self, rule: Any) -> frozenset[int]:
        """Positions of the parameters a built-in rule never reads: generated code passes
        ``None`` there, so values only kept for such a parameter need not be saved."""
        if rule not in _UNUSED_CACHE:
            _UNUSED_CACHE[rule] = _unused_positions(rule) if self.reference(rule) \
                else frozenset()
        return _UNUSED_CACHE[rule]

    def reference(self, rule: Any) -> str | None:
        """``_rt.<name>`` if generated code can reach ``rule`` through the runtime package."""
        name = getattr(rule, "__name__", None)
        if name and getattr(runtime, name, None) is rule:
            return f"_rt.{name}"
        return None


    def is_pure(self, primitive: Any) -> bool:
        """Does calling ``primitive`` do nothing but return a value (numpy functions and
        operators, array methods, runtime helpers; not ``print`` or ``np.random``)?"""
        if isinstance(primitive, (registry.MethodKey, registry.AttributeKey, np.ufunc)):
            return True
        module = getattr(primitive, "__module__", None) or ""
        if module.startswith("numpy.random") or primitive is builtins.print:
            return False
        return module.startswith(("numpy", "autodiff.runtime", "builtins", "_operator"))

    def numpy_function(self, name: str) -> Any:
        """``np.<name>`` (None if numpy has no such attribute)."""
        return getattr(np, name, None)

    def result_shape(self, callee: Any, args: list[Any], keywords: dict[str, Any]) -> Any:
        """The abstract value (``transforms.shape_inference``) a whitelisted numpy operation
        produces from its operands' abstract values; None when it is not modelled."""
        return shape_rules.result_shape(callee, args, keywords)

    def callable_target(self, obj: Any) -> Any:
        """What a call to ``obj`` runs, for callables autodiff made (a gradient function is
        differentiated through its generated code)."""
        for adapter in CALLABLE_ADAPTERS:
            target = adapter(obj)
            if target is not None:
                return target
        return obj


@dataclass(frozen=True, slots=True)
class InlineRule:
    """A rule that is one expression: its positional parameters and that expression (with
    numpy spelled ``_np`` and runtime helpers ``_rt.<name>``)."""

    params: tuple[str, ...]
    expression: Any


_INLINE_CACHE: dict[Any, InlineRule | None] = {}
_UNUSED_CACHE: dict[Any, frozenset[int]] = {}


def _unused_positions(rule: Any) -> frozenset[int]:
    try:
        tree = gast.parse(textwrap.dedent(inspect.getsource(rule))).body[0]
    except (OSError, TypeError, SyntaxError):
        return frozenset()
    if not isinstance(tree, gast.FunctionDef) or tree.args.vararg is not None:
        return frozenset()
    read = {node.id for statement in tree.body for node in nodes.walk(statement)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)}
    return frozenset(position for position, arg in enumerate(tree.args.args)
                     if arg.id not in read)


def _inline_rule(rule: Any) -> InlineRule | None:
    try:
        tree = gast.parse(textwrap.dedent(inspect.getsource(rule))).body[0]
    except (OSError, TypeError, SyntaxError):
        return None
    body = [s for s in tree.body if not (isinstance(s, gast.Expr)
                                         and isinstance(s.value, gast.Constant))]
    args = tree.args
    if len(body) != 1 or not isinstance(body[0], gast.Return) or body[0].value is None \
            or args.vararg or args.kwarg or args.kwonlyargs or args.defaults:
        return None
    if any(isinstance(node, (gast.Lambda, gast.ListComp, gast.GeneratorExp, gast.IfExp,
                             gast.NamedExpr, gast.Starred)) for node in nodes.walk(body[0])):
        return None
    params = tuple(arg.id for arg in args.args)
    qualifier = _Qualify(params, sys.modules[rule.__module__])
    expression = qualifier.visit(body[0].value)
    return None if qualifier.failed else InlineRule(params, expression)


class _Qualify(gast.NodeTransformer):
    """Spell a rule body's globals as generated code does: ``np`` -> ``_np``, runtime helpers
    -> ``_rt.<name>``; anything else makes the rule not inlinable."""

    def __init__(self, params: tuple[str, ...], module: Any) -> None:
        self.params = params
        self.module = module
        self.failed = False

    def visit_Name(self, node: gast.Name) -> Any:
        if node.id in self.params:
            return node
        if node.id == "np":
            return gast.Name(id="_np", ctx=gast.Load(), annotation=None, type_comment=None)
        value = getattr(self.module, node.id, None)
        if value is not None and getattr(runtime, node.id, None) is value:
            return gast.Attribute(value=gast.Name(id="_rt", ctx=gast.Load(), annotation=None,
                                                  type_comment=None),
                                  attr=node.id, ctx=gast.Load())
        self.failed = True
        return node


# Adapters registered by the API layer: ``adapter(obj) -> Python function or None``.
CALLABLE_ADAPTERS: list[Any] = []

RULES = RuntimeRules()




@dataclass(frozen=True, slots=True)
class CompiledUnit:
    """The generated code for one (function, request): a joint gradient or a fwd/bwd pair.

    ``wrt``: parameter names whose adjoints are returned, in order; ``weight_ids``: ids of
    the Parameters whose adjoints follow them; ``seeds``: per returned leaf, the keyword that
    takes its sensitivity (None if not seeded); ``returns_tuple``: the return is a tuple literal.
    """

    name: str
    functions: tuple[Any, ...]
    source: str
    line_table: tuple[Any, ...]
    filename: str
    wrt: tuple[str, ...]
    weight_ids: tuple[int, ...]
    seeds: tuple[str | None, ...]
    returns_tuple: bool
    callees: tuple[CompiledUnit, ...]
    guards: tuple[NameGuard, ...]  # checked inline on every call
    other_guards: tuple[Any, ...]  # closure cells, items, lengths, class attributes
    version: int
    output_varied: bool = True

    @property
    def function(self) -> Any:
        return self.functions[0]

    @property
    def forward(self) -> Any:
        return self.functions[0]

    @property
    def backward(self) -> Any:
        return self.functions[-1]

    def full_source(self) -> str:
        """This unit's source followed by that of every callee it uses (each once)."""
        seen: list[CompiledUnit] = []
        _collect(self, seen)
        return "\n\n".join(unit.source.rstrip("\n") for unit in seen) + "\n"

    def valid(self) -> bool:
        return self.version == registry.version and self.guards_hold()

    def guards_hold(self) -> bool:  # a loop, not all(): this runs on every gradient call
        for guard in self.guards:
            if guard.namespace.get(guard.name, ABSENT) is not guard.value:
                return False
        for guard in self.other_guards:  # noqa: SIM110
            if not guard.holds():
                return False
        return True


def _collect(unit: CompiledUnit, seen: list[CompiledUnit]) -> None:
    if any(unit is other for other in seen):
        return
    seen.append(unit)
    for callee in unit.callees:
        _collect(callee, seen)


def split_method(fn: Any) -> tuple[types.FunctionType, Any, str | None]:
    """``(function, bound instance or None, name of its self parameter)``."""
    if inspect.ismethod(fn):
        func = fn.__func__
        params = func.__code__.co_varnames[: func.__code__.co_argcount]
        return func, fn.__self__, params[0] if params else None
    return fn, None, None


_in_progress = threading.local()


def compile_function(fn: Any, request: CompileRequest) -> CompiledUnit:
    """The cached ``CompiledUnit`` of ``fn`` for ``request`` (compiling it on a miss)."""
    func, instance, _ = split_method(fn)
    owner = instance if instance is not None else func
    key = (func.__code__, id(func.__defaults__), request, registry.version)
    unit = cache.get_or_compile(owner, key, lambda: _compile(fn, request))
    if not unit.valid():
        cache.discard(owner, key)
        unit = cache.get_or_compile(owner, key, lambda: _compile(fn, request))
    return unit


def _compile(fn: Any, request: CompileRequest) -> CompiledUnit:
    func, instance, self_name = split_method(fn)
    stack = _in_progress.__dict__.setdefault("stack", [])
    if func.__code__ in stack:
        source = parse_function(func)
        raise UnsupportedSyntaxError(
            f"{source.name} calls itself; recursive functions cannot be differentiated yet, "
            "write the recursion as a loop", source.location)
    stack.append(func.__code__)
    try:
        return _compile_unit(func, instance, self_name, request)
    finally:
        stack.pop()


def _compile_unit(func: types.FunctionType, instance: Any, self_name: str | None,
                  request: CompileRequest) -> CompiledUnit:
    source = parse_function(func)
    if instance is not None and self_name is not None:
        request = dataclasses.replace(request, constants={self_name: instance})
    callees = _CalleeCompiler()
    ctx = new_context(source, request, RULES, callees)
    run_pipeline(pipeline_for(request.mode), ctx)
    summary = ctx.summary
    emitted = emit(ctx.tree)
    names = tuple(function.name for function in ctx.tree.body)
    label = f"{names[0]} {os.path.basename(source.filename)}:{source.tree.lineno}"
    spec = LoadSpec(emitted.source, names, dict(ctx.bindings), source.globals, source.closure,
                    func.__defaults__, func.__kwdefaults__,
                    tuple(not name.startswith("bwd_") for name in names), label)
    functions = load(spec)
    guards = list(summary.guards)
    for callee in callees.units:
        guards.extend(callee.guards)
        guards.extend(callee.other_guards)
    return CompiledUnit(
        name=source.name, functions=functions, source=emitted.source,
        line_table=emitted.line_table, filename=functions[0].__code__.co_filename,
        wrt=request.wrt, weight_ids=summary.weights_returned, seeds=summary.seeds,
        returns_tuple=summary.returns_tuple, callees=tuple(callees.units),
        guards=tuple(g for g in guards if isinstance(g, NameGuard)),
        other_guards=tuple(g for g in guards if not isinstance(g, NameGuard)),
        version=registry.version,
        output_varied=summary.output_varied)


class _CalleeCompiler:
    """Compiles user functions called from the function being compiled (split mode)."""

    def __init__(self) -> None:
        self.units: list[CompiledUnit] = []

    def unit(self, callee: Any, wrt: tuple[str, ...], parent: CompileRequest) -> Any:
        if isinstance(callee, custom_vjp):
            return CustomUnit(callee, wrt)
        request = CompileRequest(wrt, parent.weight_ids, parent.weight_names,
                                 split=parent.mode == "reverse", mode=parent.mode,
                                 in_place=parent.in_place)
        func, _, _ = split_method(callee)
        if not isinstance(func, types.FunctionType):
            raise SourceUnavailableError(f"{callee!r} is not a Python function")
        unit = compile_function(callee, request)
        if not any(unit is known for known in self.units):
            self.units.append(unit)
        return unit


def check_function(fn: Any) -> None:
    """Parse ``fn`` and run the language fence only (errors at ``grad(...)`` time)."""
    func, _, _ = split_method(fn)
    ctx = new_context(parse_function(func), CompileRequest(()), RULES, _CalleeCompiler())
    run_pipeline([Step(CheckSyntax, "report unsupported syntax early")], ctx)


def unsupported_source(fn: Any) -> UnsupportedSyntaxError:
    """The error for a function whose source cannot be read."""
    func, _, _ = split_method(fn)
    code = getattr(func, "__code__", None)
    loc = Loc(code.co_filename, code.co_firstlineno) if code is not None else None
    name = getattr(fn, "__qualname__", repr(fn))
    return UnsupportedSyntaxError(
        f"the source of {name} is not available (defined in an interactive prompt, an exec "
        "string, or in C); define it with def in a .py file", loc)
