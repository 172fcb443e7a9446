"""The one registry of gradient rules, shared by built-in and user rules.

A *primitive* is something generated code can call whose gradient is given by a rule rather than
by transforming its source: a numpy function (``np.tanh``), an ndarray method (``x.sum(...)``,
looked up by name) or an ndarray attribute (``x.T``). Its ``Entry`` holds both modes: a VJP
rule ``rule(g, ans, *primal_args, **params) -> partial`` per argument, returning the adjoint
contribution for that argument already reduced to its shape, and a JVP rule ``rule(t, ans,
*primal_args, **params)`` per argument, returning the output's tangent. Built-in rules register
both modes at once with ``defrule``/``defrules``; ``defvjp``/``defjvp`` set one mode.

Every registration bumps ``version``; compiled gradients are cached per version, so registering a
rule invalidates gradients compiled before it.
"""

from __future__ import annotations

import linecache
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

Rule = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class MethodKey:
    """Registry key of an ndarray method such as ``x.sum(...)`` (the receiver is argument 0)."""

    name: str


@dataclass(frozen=True, slots=True)
class AttributeKey:
    """Registry key of a differentiable ndarray attribute such as ``x.T``."""

    name: str


VJP = "vjp"
JVP = "jvp"


@dataclass(frozen=True, slots=True)
class Entry:
    """The rules of one primitive in both modes: one VJP and one JVP rule (or None) per
    positional argument.

    ``argnames`` names the positional parameters, so that a differentiable argument passed by
    keyword (``np.matmul(a, b=w)``) can be moved back to its position by the compiler. A JVP
    rule ``rule(t, ans, *primal_args, **params)`` returns the tangent of the output caused by
    the tangent ``t`` of its argument, with exactly the output's shape; the compiler sums the
    contributions of all arguments that have tangents.

    ``lookup``/``lookup_jvp`` return the entry seen in one ``mode``: its ``rules`` and
    ``rule_for`` are then that mode's rules.

    ``container`` says that the primitive returns (or, depending on a keyword such as
    ``retstep=``, may return) a tuple or list of arrays: adjoints and tangents of its result are
    containers, summed with ``add`` (``+`` would concatenate them).
    """

    primitive: Any
    argnames: tuple[str, ...]
    vjps: tuple[Rule | None, ...] = ()
    jvps: tuple[Rule | None, ...] = ()
    mode: str = VJP
    container: bool = False

    @property
    def rules(self) -> tuple[Rule | None, ...]:
        return self.vjps if self.mode == VJP else self.jvps

    def rule_for(self, position: int) -> Rule | None:
        rules = self.rules
        return rules[position] if position < len(rules) else None

    def in_mode(self, mode: str) -> Entry:
        """This entry seen in ``mode`` (``VJP`` or ``JVP``)."""
        return replace(self, mode=mode)


# the names the compiler's annotations use (autodiff_src/compiler.py)
VjpEntry = JvpEntry = Entry


_lock = threading.Lock()
_entries: dict[Any, Entry] = {}
_nondifferentiable: dict[Any, tuple[Any, str]] = {}
_method_aliases: dict[str, Any] = {}
_constant_arguments: dict[Any, frozenset[str]] = {}
_container_results: set[Any] = set()
_lazy_providers: dict[str, Callable[[], None]] = {}
_loaded_providers: set[str] = set()
_lazy_registrations: dict[str, tuple[dict | set, ...]] = {}  # what each lazy load added, per table
version = 0


def _key(primitive: Any) -> Any:
    # numpy functions and ufuncs are hashable; key by identity so that equal-comparing
    # objects never share rules by accident.
    if isinstance(primitive, (MethodKey, AttributeKey)):
        return primitive
    owner = getattr(primitive, "__self__", None)
    if owner is not None and not isinstance(owner, types.ModuleType) and callable(primitive):
        # a bound method (``np.add.reduce``, ``scipy.stats.norm.logpdf``) is a new object at
        # each access: key it by its receiver and name
        return ("bound method", id(owner), getattr(primitive, "__name__", ""))
    return id(primitive)


def _bump() -> None:
    global version
    version += 1


def bump() -> None:
    """Invalidate every compiled gradient (a user rule outside the registry changed)."""
    with _lock:
        _bump()


def _checked(what: str, primitive: Any, rules: tuple[Rule | None, ...]) -> tuple[Rule | None, ...]:
    if not rules:
        raise ValueError(f"{what}({primitive!r}) needs at least one rule (or None)")
    for rule in rules:
        if rule is not None and not callable(rule):
            raise TypeError(f"{what}({primitive!r}): rule {rule!r} is not callable")
    return tuple(rules)


def _register(primitive: Any, argnames: tuple[str, ...] | None, container: bool = False,
              **rules: Any) -> None:
    """Set one mode's rules (``vjps=`` or ``jvps=``) of ``primitive``, keeping the other's.

    The entry keeps the longer of its old and the new ``argnames`` (the new ones on a tie): a
    user may register fewer JVP than VJP rules. ``container`` is kept once declared."""
    count = max(len(found) for found in rules.values())
    names = tuple(argnames) if argnames is not None else tuple(f"arg{i}" for i in range(count))
    key = _key(primitive)
    with _lock:
        old = _entries.get(key)
        if container:
            _container_results.add(key)
        if old is None:
            _entries[key] = Entry(primitive, names, **rules, container=key in _container_results)
        else:
            kept = old.argnames if len(old.argnames) > len(names) else names
            _entries[key] = replace(old, primitive=primitive, argnames=kept, **rules,
                                    container=key in _container_results)
        _nondifferentiable.pop(key, None)
        _bump()


def defvjp(primitive: Any, *rules: Rule | None, argnames: tuple[str, ...] | None = None) -> None:
    """Register reverse-mode rules for ``primitive``, one per positional argument.

    ``None`` means that argument gets no gradient. Registering again replaces the old rules.
    """
    _register(primitive, argnames, vjps=_checked("defvjp", primitive, rules))


def defjvp(primitive: Any, *rules: Rule | None, argnames: tuple[str, ...] | None = None) -> None:
    """Register forward-mode rules for ``primitive``, one per positional argument."""
    _register(primitive, argnames, jvps=_checked("defjvp", primitive, rules))


def defrule(
    primitive: Any,
    *,
    vjp: tuple[Rule | None, ...],
    jvp: tuple[Rule | None, ...],
    argnames: tuple[str, ...],
    container: bool = False,
) -> None:
    """Register both modes of ``primitive`` in one place: one VJP and one JVP rule (or None)
    per positional argument, with ``None`` in the same positions. ``container=True`` declares
    that ``primitive`` returns (or may return) a tuple or list of arrays."""
    if len(vjp) != len(jvp) or any((a is None) != (b is None) for a, b in zip(vjp, jvp, strict=False)):
        raise ValueError(f"defrule({primitive!r}): vjp and jvp need None in the same positions")
    _register(primitive, argnames, container, vjps=_checked("defrule", primitive, tuple(vjp)),
              jvps=_checked("defrule", primitive, tuple(jvp)))


def defrules(rows: Any, argnames: tuple[str, ...], container: bool = False) -> None:
    """``defrule`` for a table of primitives sharing ``argnames``: rows ``(primitive, vjp,
    jvp)``, where ``vjp``/``jvp`` are one rule (one-argument primitives) or a tuple of rules."""
    for primitive, vjp, jvp in rows:
        defrule(primitive, vjp=vjp if isinstance(vjp, tuple) else (vjp,),
                jvp=jvp if isinstance(jvp, tuple) else (jvp,), argnames=argnames,
                container=container)


def container_results(*primitives: Any) -> None:
    """Declare that each primitive returns (or, depending on a keyword, may return) a tuple or
    list of arrays, whether or not it has rules (``np.split``, ``np.unique``): adjoints and
    tangents of its result are containers. Rule modules declare this where they register the
    primitive (or with ``defrule(..., container=True)``)."""
    with _lock:
        for primitive in primitives:
            key = _key(primitive)
            _container_results.add(key)
            if key in _entries:
                _entries[key] = replace(_entries[key], container=True)
        _bump()


def returns_container(primitive: Any) -> bool:
    """Was ``primitive`` declared to return a tuple or list of arrays?"""
    _load_lazy(primitive)
    return _key(primitive) in _container_results


def define_from_source(source: str, namespace: dict[str, Any], label: str) -> None:
    """Run ``source`` (generated rule definitions) in a module's ``namespace``, registered in
    ``linecache`` under ``<label>``, so that ``inspect.getsource`` shows each rule and the
    compiler can differentiate them again like rules written out by hand."""
    filename = f"<{label}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)


def public_functions(namespace: dict[str, Any]) -> list[str]:
    """The names of the public functions a rule module defines (its ``__all__``)."""
    module = namespace["__name__"]
    return sorted(name for name, value in namespace.items()
                  if isinstance(value, types.FunctionType) and value.__module__ == module
                  and not name.startswith("_"))


def defvjp_method(name: str, *rules: Rule | None, argnames: tuple[str, ...] | None = None) -> None:
    """Register rules for the ndarray method ``name``; rule argument 0 is the receiver."""
    defvjp(MethodKey(name), *rules, argnames=argnames)


def defjvp_method(name: str, *rules: Rule | None, argnames: tuple[str, ...] | None = None) -> None:
    """Register forward-mode rules for the ndarray method ``name`` (argument 0 is the receiver)."""
    defjvp(MethodKey(name), *rules, argnames=argnames)


def defrule_method(
    name: str, *, vjp: tuple[Rule | None, ...], jvp: tuple[Rule | None, ...],
    argnames: tuple[str, ...],
) -> None:
    """Register both modes of the ndarray method ``name`` (argument 0 is the receiver)."""
    defrule(MethodKey(name), vjp=vjp, jvp=jvp, argnames=argnames)


def defvjp_attribute(name: str, rule: Rule) -> None:
    """Register the rule of a differentiable ndarray attribute (``x.T``): ``rule(g, ans, x)``."""
    defvjp(AttributeKey(name), rule, argnames=("self",))


def defjvp_attribute(name: str, rule: Rule) -> None:
    """Register the forward-mode rule of a differentiable ndarray attribute: ``rule(t, ans, x)``."""
    defjvp(AttributeKey(name), rule, argnames=("self",))


def register_lazy(module: str, load: Callable[[], None]) -> None:
    """Call ``load()`` (which registers rules) at the first lookup after ``module`` has been
    imported: rules of optional packages such as scipy are registered only once user code has
    imported them, and ``import autodiff`` imports none of them."""
    with _lock:
        _lazy_providers[module] = load


def _load_lazy(primitive: Any) -> None:
    if len(_loaded_providers) == len(_lazy_providers):
        return
    for module, load in list(_lazy_providers.items()):
        if module not in _loaded_providers and module in sys.modules:
            _loaded_providers.add(module)
            before = [table.copy() for table in _lazy_tables()]
            load()
            _lazy_registrations[module] = tuple(
                _added(table, earlier) for table, earlier in zip(_lazy_tables(), before,
                                                                 strict=True))


def _lazy_tables() -> tuple[dict | set, ...]:
    return (_entries, _nondifferentiable, _method_aliases, _constant_arguments,
            _container_results)


def _added(table: dict | set, earlier: dict | set) -> dict | set:
    if isinstance(table, set):
        return table - earlier
    return {key: value for key, value in table.items() if key not in earlier}


def load_all_lazy() -> None:
    """Import the optional packages that are installed and register their rules (for listings
    such as docs/coverage.md); packages that are not installed are skipped."""
    import importlib

    for module in list(_lazy_providers):
        try:
            importlib.import_module(module)
        except ImportError:
            continue
    _load_lazy(None)


def snapshot() -> Any:
    """The registry's state, for ``restore``: tests that register rules undo them with it."""
    with _lock:
        return (dict(_entries), dict(_nondifferentiable), dict(_method_aliases),
                set(_loaded_providers), set(_container_results))


def restore(state: Any) -> None:
    """Return the registry to a ``snapshot``; gradients compiled since are invalidated.
    Rules of optional packages loaded since the snapshot stay (their modules register once)."""
    with _lock:
        loaded_since = _loaded_providers - state[3]
        for table, saved in zip((_entries, _nondifferentiable, _method_aliases, _loaded_providers,
                                 _container_results), state, strict=True):
            table.clear()
            table.update(saved)
        for module in loaded_since & _lazy_registrations.keys():
            for table, added in zip(_lazy_tables(), _lazy_registrations[module], strict=True):
                table.update(added)
            _loaded_providers.add(module)
        _bump()


def lazy_modules() -> list[str]:
    """The optional modules whose rules are registered lazily, in registration order."""
    return list(_lazy_providers)


def alias_method(name: str, function: Any) -> None:
    """Declare that ``x.name(*args, **kw)`` means ``function(x, *args, **kw)`` for gradients."""
    with _lock:
        _method_aliases[name] = function
        _bump()


def nondifferentiable(*primitives: Any, reason: str = "its output is piecewise constant") -> None:
    """Declare callables whose output carries no gradient (``np.sign``, ``np.shape``, ...)."""
    with _lock:
        for primitive in primitives:
            _nondifferentiable[_key(primitive)] = (primitive, reason)
            _entries.pop(_key(primitive), None)
        _bump()


def constant_arguments(primitive: Any, *argnames: str) -> None:
    """Declare arguments of ``primitive`` in which its output is piecewise constant (the first
    argument of ``np.heaviside``, the second of ``np.copysign``): a differentiated value passed
    there gets a zero gradient. Any other argument without a rule that receives a differentiated
    value is an error, never a silent zero."""
    with _lock:
        _constant_arguments[_key(primitive)] = frozenset(argnames)
        _bump()


# Parameters that numpy's contract makes integers, booleans, shapes, dtypes or strings (a
# float there is an error or is truncated): piecewise constant by type, whatever the function.
DISCRETE_ARGUMENTS = frozenset({
    "axis", "axes", "axisa", "axisb", "axisc", "source", "destination", "shape", "newshape",
    "dtype", "keepdims", "ddof", "correction", "n", "s", "num", "norm", "mode", "kind",
    "order", "indices", "index", "condition", "condlist", "endpoint", "retstep", "deg",
    "copy", "side", "reduction", "pad_width", "reps", "repeats", "k", "UPLO", "upper",
    "compute_uv", "full_matrices", "hermitian", "subscripts", "method", "edge_order",
})


def is_constant_argument(primitive: Any, position: int, argnames: tuple[str, ...]) -> bool:
    """Is argument ``position`` (named ``argnames[position]``) of ``primitive`` one in which
    its output is piecewise constant: declared with ``constant_arguments``, or a parameter
    that numpy's contract makes discrete (``DISCRETE_ARGUMENTS``)?"""
    if position >= len(argnames):
        return False
    name = argnames[position]
    return name in DISCRETE_ARGUMENTS or name in _constant_arguments.get(_key(primitive), ())


def constant_argument_names(primitive: Any) -> frozenset[str]:
    """The arguments ``constant_arguments`` declared for ``primitive`` (empty if none)."""
    return _constant_arguments.get(_key(primitive), frozenset())


def declared_constant_arguments() -> list[tuple[Any, frozenset[str]]]:
    """Every ``constant_arguments`` declaration: (primitive key, argument names)."""
    return list(_constant_arguments.items())


def nondifferentiable_method(*names: str) -> None:
    """Declare ndarray methods whose result carries no gradient (``x.argmax()``)."""
    nondifferentiable(*(MethodKey(name) for name in names), reason="it returns indices or flags")


def nondifferentiable_attribute(*names: str) -> None:
    """Declare ndarray attributes that carry no gradient (``x.shape``, ``x.dtype``)."""
    nondifferentiable(*(AttributeKey(name) for name in names), reason="it describes the array")


def lookup_entry(primitive: Any) -> Entry | None:
    """Both modes' rules of ``primitive`` (following method aliases), or None."""
    _load_lazy(primitive)
    if isinstance(primitive, MethodKey) and primitive.name in _method_aliases:
        entry = _entries.get(_key(_method_aliases[primitive.name]))
        return None if entry is None else replace(entry, primitive=primitive)
    return _entries.get(_key(primitive))


def _lookup(primitive: Any, mode: str) -> Entry | None:
    entry = lookup_entry(primitive)
    if entry is None or not (entry.vjps if mode == VJP else entry.jvps):
        return None
    return entry.in_mode(mode)


def lookup(primitive: Any) -> Entry | None:
    """The reverse-mode rules of ``primitive`` (following method aliases), or None."""
    return _lookup(primitive, VJP)


def lookup_jvp(primitive: Any) -> Entry | None:
    """The forward-mode rules of ``primitive`` (following method aliases), or None."""
    return _lookup(primitive, JVP)


def is_nondifferentiable(primitive: Any) -> bool:
    """True if ``primitive`` was declared non-differentiable."""
    _load_lazy(primitive)
    if isinstance(primitive, MethodKey) and primitive.name in _method_aliases:
        return _key(_method_aliases[primitive.name]) in _nondifferentiable
    return _key(primitive) in _nondifferentiable


def method_alias(name: str) -> Any | None:
    """The numpy function the method ``name`` stands for, if it was aliased."""
    return _method_aliases.get(name)


def method_aliases() -> dict[str, Any]:
    """Every aliased method name and the numpy function it stands for."""
    return dict(_method_aliases)


def entries() -> list[Entry]:
    """Every primitive with rules in either mode, in registration order."""
    return list(_entries.values())


def registered() -> list[Entry]:
    """The entries with reverse-mode rules, in registration order (the rule tests are
    parametrized over this)."""
    return [entry.in_mode(VJP) for entry in _entries.values() if entry.vjps]


def registered_jvps() -> list[Entry]:
    """The entries with forward-mode rules, in registration order."""
    return [entry.in_mode(JVP) for entry in _entries.values() if entry.jvps]


def nondifferentiable_primitives() -> list[Any]:
    """Everything declared non-differentiable (callables, MethodKeys and AttributeKeys)."""
    return [primitive for primitive, _ in _nondifferentiable.values()]


def nondifferentiable_reason(primitive: Any) -> str | None:
    """Why ``primitive`` carries no gradient, or None if it was not declared so."""
    found = _nondifferentiable.get(_key(primitive))
    return None if found is None else found[1]
