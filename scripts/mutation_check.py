"""Mutation check of the rule table: does some test notice when a gradient rule is wrong?

For every built-in rule (every VJP and JVP rule of the registry's entries from
``autodiff.runtime``), the rule is replaced by a copy whose output is scaled by 1.01, everywhere
the rule can be reached: its registry entries (``registry.defvjp``/``defjvp`` with the same
argnames, keeping the other mode's rules), the runtime modules
that export it (``_rt.<name>``), and the ``rule`` argument of parametrized test cases. Then the
rule's own tests run in-process: the parametrized cases of ``tests/runtime/test_rules.py``,
``test_rules_nn.py``, ``test_jvp_rules.py`` and ``test_containers.py`` that involve the rule
(the rule itself, or its primitive), every test whose source names the rule, and every
non-parametrized test of those modules. A rule is *noticed* when one of them fails with the
scaled rule but passes with an unscaled wrapper (so failures caused by the wrapping itself do
not count). Rules nobody noticed are listed, and the exit status is 1 if there are any.

Run from the repository root: ``python scripts/mutation_check.py [-v] [--rule NAME]``.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import inspect
import itertools
import pathlib
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEST_MODULES = ("test_rules.py", "test_rules_nn.py", "test_jvp_rules.py", "test_containers.py")
SEEDS = {"test_rules_nn": 20240611}  # the rng fixture of each module (default: conftest's)
DEFAULT_SEED = 1234
FACTOR = 1.01


@dataclass
class Check:
    """One test invocation: ``function(**arguments)``."""

    module: str
    name: str
    label: str
    function: Callable[..., Any]
    arguments: dict[str, Any]
    source: str
    parametrized: bool

    def run(self, replacements: dict[int, Any]) -> bool:
        """True if the test passes; ``rule`` arguments found in ``replacements`` are swapped."""
        arguments = dict(self.arguments)
        if "rule" in arguments and id(arguments["rule"]) in replacements:
            arguments["rule"] = replacements[id(arguments["rule"])]
        if "rng" in inspect.signature(self.function).parameters:
            arguments["rng"] = np.random.default_rng(SEEDS.get(self.module, DEFAULT_SEED))
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                self.function(**arguments)
        except Exception:  # an assertion or any error: the test failed
            return False
        return True


@dataclass
class Rule:
    function: Callable[..., Any]
    registrations: list[tuple[str, Any, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.function.__module__}.{self.function.__name__}"


def load_module(path: pathlib.Path) -> Any:
    name = f"mutation_check_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _parameter_sets(function: Callable[..., Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, arguments) for every combination of the function's parametrize marks."""
    marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
    if not marks:
        yield "", {}
        return
    axes = []
    for mark in marks:
        names, values = mark.args[0], mark.args[1]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        ids = mark.kwargs.get("ids")
        options = []
        for index, value in enumerate(values):
            marks_of = getattr(value, "marks", ())
            if any(m.name in ("skip", "xfail") for m in marks_of):
                continue
            value_id = getattr(value, "id", None)
            values_of = value.values if hasattr(value, "values") else (
                value if len(names) > 1 else (value,))
            if value_id is None and isinstance(ids, list):
                value_id = ids[index]
            label = value_id if isinstance(value_id, str) else str(index)
            options.append((label, dict(zip(names, values_of, strict=True))))
        axes.append(options)
    for combination in itertools.product(*axes):
        arguments: dict[str, Any] = {}
        for _, values in combination:
            arguments.update(values)
        yield "-".join(label for label, _ in combination), arguments


def collect_checks(directory: pathlib.Path) -> list[Check]:
    checks = []
    for filename in TEST_MODULES:
        module = load_module(directory / filename)
        stem = filename.removesuffix(".py")
        for name, function in vars(module).items():
            if not name.startswith("test_") or not inspect.isfunction(function):
                continue
            source = inspect.getsource(function)
            marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
            for label, arguments in _parameter_sets(function):
                checks.append(Check(stem, name, label, function, arguments, source, bool(marks)))
    return checks


def builtin_rules(registry: Any) -> list[Rule]:
    rules: dict[int, Rule] = {}
    for entry in registry.entries():
        for kind, mode_rules in (("vjp", entry.vjps), ("jvp", entry.jvps)):
            for position, rule in enumerate(mode_rules):
                if rule is None or \
                        not getattr(rule, "__module__", "").startswith("autodiff.runtime"):
                    continue
                rules.setdefault(id(rule), Rule(rule)).registrations.append(
                    (kind, entry, position))
    return list(rules.values())


def _scale(value: Any, factor: float) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_scale(item, factor) for item in value)
    if isinstance(value, dict):
        return {key: _scale(item, factor) for key, item in value.items()}
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "fc":
        return value * value.dtype.type(factor)
    if isinstance(value, float):
        return value * factor
    return value


def wrapped(rule: Callable[..., Any], factor: float) -> Callable[..., Any]:
    """``rule`` with its output scaled by ``factor`` (or passed through unchanged for 1.0)."""

    @functools.wraps(rule)
    def mutant(*args: Any, **kwargs: Any) -> Any:
        result = rule(*args, **kwargs)
        return result if factor == 1.0 else _scale(result, factor)

    return mutant


class Installed:
    """``rule`` replaced by ``replacement`` in the registry and the runtime modules."""

    def __init__(self, registry: Any, rule: Rule, replacement: Callable[..., Any]) -> None:
        self.registry, self.rule, self.replacement = registry, rule, replacement
        self.attributes: list[tuple[Any, str]] = []

    def _register(self, old: Any, new: Any) -> None:
        for kind, entry, _ in self.rule.registrations:
            current = self.registry.lookup_entry(entry.primitive)
            rules = tuple(new if r is old else r
                          for r in (current.vjps if kind == "vjp" else current.jvps))
            define = self.registry.defvjp if kind == "vjp" else self.registry.defjvp
            define(entry.primitive, *rules, argnames=current.argnames)

    def __enter__(self) -> Installed:
        original = self.rule.function
        self._register(original, self.replacement)
        for module in list(sys.modules.values()):
            module_name = getattr(module, "__name__", "") or ""
            if module_name.startswith("autodiff.runtime") and \
                    getattr(module, original.__name__, None) is original:
                setattr(module, original.__name__, self.replacement)
                self.attributes.append((module, original.__name__))
        return self

    def __exit__(self, *exc: object) -> None:
        self._register(self.replacement, self.rule.function)
        for module, name in self.attributes:
            setattr(module, name, self.rule.function)


def relevant(check: Check, rule: Rule) -> bool:
    if not check.parametrized or rule.function.__name__ in check.source:
        return True
    values = list(check.arguments.values())
    if any(value is rule.function for value in values):
        return True
    primitives = {id(entry.primitive) for _, entry, _ in rule.registrations}
    keys = [entry.primitive for _, entry, _ in rule.registrations]
    primitive = check.arguments.get("primitive", check.arguments.get("prim"))
    return primitive is not None and (id(primitive) in primitives or any(
        type(primitive) is type(key) and primitive == key for key in keys))


def mutate(registry: Any, rule: Rule, checks: list[Check]) -> tuple[list[Check], list[Check]]:
    """(checks that noticed the scaled rule, checks that fail even unscaled)."""
    chosen = [c for c in checks if relevant(c, rule)]
    results = {}
    for factor in (1.0, FACTOR):
        replacement = wrapped(rule.function, factor)
        with Installed(registry, rule, replacement):
            results[factor] = [check.run({id(rule.function): replacement}) for check in chosen]
    noticed = [c for c, ok, bad in zip(chosen, results[1.0], results[FACTOR], strict=True)
               if ok and not bad]
    broken = [c for c, ok in zip(chosen, results[1.0], strict=True) if not ok]
    return noticed, broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per rule")
    parser.add_argument("--rule", help="only rules whose name contains this")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from autodiff.runtime import registry

    start = time.perf_counter()
    checks = collect_checks(ROOT / "tests" / "runtime")
    rules = [r for r in builtin_rules(registry) if args.rule is None or args.rule in r.name]
    version = registry.version
    unnoticed, sensitive = [], set()
    for rule in rules:
        noticed, broken = mutate(registry, rule, checks)
        sensitive.update(f"{c.module}::{c.name}[{c.label}]" for c in broken)
        if args.verbose:
            print(f"{rule.name}: noticed by {len(noticed)} test(s)"
                  + (f", e.g. {noticed[0].module}::{noticed[0].name}[{noticed[0].label}]"
                     if noticed else ""))
        if not noticed:
            unnoticed.append(rule)
    elapsed = time.perf_counter() - start
    assert registry.version > version  # every mutation went through the registry
    if sensitive:
        print(f"{len(sensitive)} test(s) fail even with an unscaled wrapper (ignored): "
              + ", ".join(sorted(sensitive)[:10]))
    print(f"{len(rules)} rules mutated (output x {FACTOR}) against {len(checks)} test cases in "
          f"{elapsed:.0f} s: {len(rules) - len(unnoticed)} noticed, {len(unnoticed)} unnoticed")
    for rule in unnoticed:
        where = ", ".join(f"{kind} of {getattr(entry.primitive, '__name__', entry.primitive)} "
                          f"argument {position}" for kind, entry, position in rule.registrations)
        print(f"  UNNOTICED {rule.name} ({where})")
    return 1 if unnoticed else 0


if __name__ == "__main__":
    sys.exit(main())
