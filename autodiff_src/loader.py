"""Generated source -> live functions, without temporary files (the one place autodiff turns
source it generated into functions: compiled units with ``load``, wrappers with ``define``).

The generated functions are wrapped in a factory ``_make(_rt, _np, <bindings>, <user free
variables>)`` compiled under a pseudo-filename registered in ``linecache`` (so tracebacks and
``inspect.getsource`` show generated lines), then rebuilt with the user's *live* globals and
closure cells. ``AUTODIFF_DUMP_DIR`` writes each module to a real file for debuggers instead.
"""

from __future__ import annotations

import builtins
import itertools
import linecache
import os
import textwrap
import types
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy

from . import runtime

_counter = itertools.count(1)


@dataclass(frozen=True, slots=True)
class LoadSpec:
    """What the loader needs besides the source: names, bindings and the user's namespaces."""

    source: str
    function_names: tuple[str, ...]
    bindings: dict[str, Any]
    user_globals: dict[str, Any]
    user_closure: dict[str, types.CellType]
    defaults: tuple[Any, ...] | None  # user positional defaults, for functions taking params
    kwdefaults: dict[str, Any] | None
    takes_user_params: tuple[bool, ...]  # per function: does it take the user's parameters?
    label: str  # e.g. "grad_f model.py:12"


def load(spec: LoadSpec) -> tuple[Callable[..., Any], ...]:
    """Compile and return the generated functions named in ``spec.function_names``."""
    filename, factory_source = _factory(spec)
    code = compile(factory_source, filename, "exec")
    namespace: dict[str, Any] = {"__builtins__": builtins}
    exec(code, namespace)
    placeholders = [None] * len(_user_free_names(spec))
    made = namespace["_make"](runtime, numpy, *spec.bindings.values(), *placeholders)
    functions = tuple(_rebuild(function, spec, takes)
                      for function, takes in zip(made, spec.takes_user_params, strict=True))
    if filename.startswith("<"):
        weakref.finalize(functions[0], linecache.cache.pop, filename, None)
    return functions


def define(name: str, source: str, namespace: dict[str, Any],
           kind: str) -> types.FunctionType:
    """Define ``name`` from ``source`` with ``namespace`` as its globals (the small wrappers
    and entries the API generates); the source is registered in ``linecache``, so the compiler
    can read it and tracebacks show it."""
    filename = _register(f"<autodiff {name} ({kind}) #{next(_counter)}>", source)
    scope: dict[str, Any] = {"__builtins__": builtins, **namespace}
    exec(compile(source, filename, "exec"), scope)
    function = scope[name]
    weakref.finalize(function, linecache.cache.pop, filename, None)
    return function


def _register(filename: str, text: str) -> str:
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    return filename


def _factory(spec: LoadSpec) -> tuple[str, str]:
    params = ", ".join(["_rt", "_np", *spec.bindings, *_user_free_names(spec)])
    returned = ", ".join(spec.function_names)
    text = (f"def _make({params}):\n{textwrap.indent(spec.source, '    ')}"
            f"    return ({returned},)\n")
    dump_dir = os.environ.get("AUTODIFF_DUMP_DIR")
    number = next(_counter)
    if dump_dir:
        os.makedirs(dump_dir, exist_ok=True)
        path = os.path.join(dump_dir, f"{spec.function_names[0]}_{number}.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path, text
    return _register(f"<autodiff {spec.label} #{number}>", text), text


def _user_free_names(spec: LoadSpec) -> list[str]:
    """The user's closure names, minus ours (generated code we differentiate again has its
    own ``_rt``/``_np`` cells, which hold the same modules)."""
    ours = {"_rt", "_np", *spec.bindings}
    return [name for name in spec.user_closure if name not in ours]


def _rebuild(function: types.FunctionType, spec: LoadSpec, takes_user_params: bool) -> Any:
    """The same code, but bound to the user's live globals and closure cells."""
    code = function.__code__
    closure = tuple(
        spec.user_closure.get(name, cell)
        for name, cell in zip(code.co_freevars, function.__closure__ or (), strict=True)
    )
    defaults = spec.defaults if takes_user_params else None
    rebuilt = types.FunctionType(code, spec.user_globals, function.__name__, defaults,
                                 closure or None)
    kwdefaults = dict(function.__kwdefaults__ or {})
    if takes_user_params and spec.kwdefaults:
        kwdefaults.update(spec.kwdefaults)
    rebuilt.__kwdefaults__ = kwdefaults or None
    rebuilt.__qualname__ = function.__name__
    return rebuilt
