"""Orchestration: one user function + one request -> a ``CompiledUnit`` (pipeline, codegen,
loader), with user callees compiled recursively through the same cache."""

from __future__ import annotations

import dataclasses
import gc
import inspect
import os
import threading
import types
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import gast

from . import cache
from .errors import Loc, UnsupportedSyntaxError
from .loader import LoadSpec, load
from .runtime import registry
from .runtime.custom import CustomUnit, custom_vjp
from .transforms import pipeline_for, reusable_prefix
from .transforms.analysis.guards import ABSENT, NameGuard
from .transforms.frontend.check import CheckSyntax
from .transforms.frontend.parse import SourceUnavailableError, parse_function
from .transforms.ir import nodes
from .transforms.ir.codegen import emit
from .transforms.passmanager import PassContext, Step, new_context, run_pipeline
from .transforms.request import CompileRequest
from .transforms.rules import RULES


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
        return still_valid(self.version, self.guards, self.other_guards)


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
    return _cached(func, instance, request, lambda: _compile(fn, request))


def _cached(func: types.FunctionType, instance: Any, request: Hashable,
            make: Callable[[], Any]) -> Any:
    """The one place cached compile results are looked up and checked: the key holds the
    code object, the defaults, the request and the registry version; a result whose guards
    (or registry version) no longer hold is made again."""
    owner = instance if instance is not None else func
    # the objects known when compiling (functions passed to a callee, a method's receiver) are
    # compared by identity: two call sites passing different functions never share a unit
    inner = request[1] if isinstance(request, tuple) else request
    constants = tuple(sorted((name, id(value)) for name, value in inner.constants.items()))
    key = (func.__code__, id(func.__defaults__), request, constants, registry.version)
    found = cache.get_or_compile(owner, key, make)
    if not found.valid():
        cache.discard(owner, key)
        found = cache.get_or_compile(owner, key, make)
    return found


def still_valid(version: int, name_guards: Iterable[NameGuard], other_guards: Iterable[Any]) -> bool:
    """Does something compiled at registry ``version`` under these guards still hold?"""
    if version != registry.version:
        return False
    for guard in name_guards:  # a loop, not all(): this runs on every gradient call
        if guard.namespace.get(guard.name, ABSENT) is not guard.value:
            return False
    for guard in other_guards:  # noqa: SIM110
        if not guard.holds():
            return False
    return True


@dataclass(frozen=True, slots=True)
class FrontEnd:
    """The tree the front-end rewrites made of one function for one request (shapes and
    ``value`` aside), kept untouched: every compile continues on a copy (``context``), so a
    shape-specialized compile reruns only the analyses and the back end."""

    tree: Any
    namer: Any
    bindings: dict[str, Any]
    guards: Any
    version: int

    def valid(self) -> bool:
        return still_valid(self.version, (g for g in self.guards if isinstance(g, NameGuard)),
                           (g for g in self.guards if not isinstance(g, NameGuard)))

    def context(self, source: Any, request: CompileRequest, callees: Any) -> PassContext:
        ctx = new_context(source, request, RULES, callees)
        ctx.tree = nodes.copy_tree(self.tree)
        ctx.namer = self.namer.copy()
        ctx.bindings.update(self.bindings)
        ctx.guards = self.guards.copy()
        return ctx


def _front_end_context(func: types.FunctionType, instance: Any, source: Any,
                       request: CompileRequest, steps: list[Step],
                       callees: _CalleeCompiler) -> PassContext:
    """A context holding the front end of ``func`` for ``request``, to run the rest of the
    pipeline on. The front end (the tree without shapes and ``value``) is cached: a compile
    that finds it continues on a copy; the compile that makes it continues on the tree it
    made, whose analyses (resolution) are still valid, and caches a copy."""
    general = dataclasses.replace(request, shapes=(), value=True)
    made: list[PassContext] = []

    def make() -> FrontEnd:
        ctx = new_context(source, general, RULES, callees)
        run_pipeline(steps, ctx, report=False)
        made.append(ctx)
        return FrontEnd(nodes.copy_tree(ctx.tree), ctx.namer.copy(),
                        dict(ctx.bindings), ctx.guards.copy(), registry.version)

    front = _cached(func, instance, ("front end", general), make)
    if not made:
        return front.context(source, request, callees)
    # the last one made (a front end whose guards fail at once is made twice, on one tree);
    # the analyses of the front end do not depend on shapes or value
    ctx = made[-1]
    ctx.request = request
    return ctx


def _compile(fn: Any, request: CompileRequest) -> CompiledUnit:
    func, instance, self_name = split_method(fn)
    stack = _in_progress.__dict__.setdefault("stack", [])
    if func.__code__ in stack:
        source = parse_function(func)
        raise UnsupportedSyntaxError(
            f"{source.name} calls itself; recursive functions cannot be differentiated yet, "
            "write the recursion as a loop", source.location)
    stack.append(func.__code__)
    collecting = gc.isenabled()
    gc.disable()  # a compile builds many small trees: the cycle collector would rescan them
    try:
        return _compile_unit(func, instance, self_name, request)
    finally:
        stack.pop()
        if collecting and not stack:
            gc.enable()


def _compile_unit(func: types.FunctionType, instance: Any, self_name: str | None,
                  request: CompileRequest) -> CompiledUnit:
    source = parse_function(func)
    rebound = {node.id for node in nodes.walk(source.tree)
               if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store)}
    constants = {name: value for name, value in request.constants.items()
                 if name not in rebound}  # a parameter the body reassigns is not constant
    if instance is not None and self_name is not None:
        constants[self_name] = instance
    request = dataclasses.replace(request, constants=constants)
    callees = _CalleeCompiler()
    steps = pipeline_for(request.mode)
    reused = reusable_prefix(steps)
    ctx = _front_end_context(func, instance, source, request, steps[:reused], callees)
    run_pipeline(steps[reused:], ctx)
    summary = ctx.summary
    emitted = emit(ctx.tree, user_globals=source.globals, user_closure=source.closure)
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

    def unit(self, callee: Any, wrt: tuple[str, ...], parent: CompileRequest,
             constants: dict[str, Any] | None = None) -> Any:
        """The compiled callee; ``constants``: its parameters whose values are known at the
        call site (functions passed or left to their defaults), resolved when compiling."""
        if isinstance(callee, custom_vjp):
            return CustomUnit(callee, wrt)
        request = CompileRequest(wrt, parent.weight_ids, parent.weight_names,
                                 split=parent.mode == "reverse", mode=parent.mode,
                                 constants=dict(constants or {}),
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
