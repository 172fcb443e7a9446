"""Calls of every registered gradient rule, read from the rule tests' case metadata.

``tests/runtime/rule_cases.py`` and ``tests/runtime/cases_*.py`` give each registered primitive
sample calls (``Case``: argument specs such as ``("normal", (3, 4))`` or ``("complex", (5,))``,
and constants: axes, ``keepdims``, subscripts, index arrays). Each case becomes a ``CaseOp``: a
call template whose float operands the generator fills with expressions of the case's shapes,
mapped into the case's domain (``("positive", shape)`` -> ``(1.0 + np.square(e))``, a
well-conditioned ``("matrix", shape)`` -> ``3.0 * I + 0.5 * np.tanh(e)``). A rule registered
with cases is therefore fuzzed with no edit here; ``test_fuzz`` checks that most are.

Cases whose inputs must avoid ties or grids (``distinct``, ``offgrid``, ...) are kinks: the
oracle probes every call of such a function (``PROBES``) and skips inputs near a tie or a jump.
Constants the program cannot spell (callables, objects) drop the case.
"""

from __future__ import annotations

import importlib.util
import math
import pathlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# spec kind -> (the text of an operand in that domain, the oracle's probe kind or "")
SPEC_DOMAINS: dict[str, tuple[str, str]] = {
    "normal": ("{a}", ""), "fortran": ("{a}", ""), "pyfloat": ("{a}", ""),
    "npscalar": ("{a}", ""),
    "positive": ("(1.0 + np.square({a}))", ""), "above1": ("(1.5 + np.square({a}))", ""),
    "unit": ("(0.5 * np.sin({a}))", ""), "away0": ("(1.5 + np.sin({a}))", ""),
    "distinct": ("{a}", "order"), "distinct_abs": ("{a}", "order_abs"),
    "big": ("(10.0 + np.tanh({a}))", "order"), "small": ("(np.tanh({a}) - 10.0)", "order"),
    "offgrid": ("{a}", "grid"), "complex": ("{a}", ""), "matrix": ("{a}", ""),
}
FLOAT_KINDS = set(SPEC_DOMAINS)
# modules whose functions a program may call, and how it spells them
NAMESPACES = (("np", "numpy"), ("np.linalg", "numpy.linalg"), ("np.fft", "numpy.fft"),
              ("math", "math"), ("", "builtins"))
# primitives the case tables hold that a user never calls (the runtime's own helpers), and
# Python builtins the generator already writes in its own forms
SKIPPED_MODULES = ("autodiff.",)


class Unspellable(Exception):
    """A constant or primitive a generated program cannot write."""


@dataclass(frozen=True)
class Operand:
    """A float argument of a case: its spec kind, shape and the path of its slot."""

    kind: str
    shape: tuple[int, ...]


@dataclass(frozen=True)
class CaseOp:
    """One sample call of a registered primitive: ``template`` with ``{o0}``, ``{o1}``, ...
    for the float operands (in order), the rest spelled out as literals."""

    name: str  # how the program spells the callee (``np.linalg.solve``, ``.sum``, ``.T``)
    label: str
    template: str
    operands: tuple[Operand, ...]
    probe: str  # the oracle's probe kind for this callee ("" if smooth)
    const_arrays: tuple[tuple[int, np.ndarray], ...] = ()  # operand -> fixed float array

    @property
    def complex(self) -> bool:
        return any(o.kind == "complex" for o in self.operands)


def load_cases() -> dict[Any, list[Any]]:
    """The rule tests' ``CASES`` (loaded as they load it; empty if the tests are absent)."""
    name = "autodiff_rule_cases"
    if name not in sys.modules:
        path = pathlib.Path(__file__).parents[1] / "runtime" / "rule_cases.py"
        if not path.exists():
            return {}
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except ImportError:  # pytest missing: fuzz without the registry's cases
            del sys.modules[name]
            return {}
    return sys.modules[name].CASES


def spelling(primitive: Any) -> str:
    """How a program calls ``primitive``: ``np.x``, ``np.linalg.x``, ``np.add.reduce``,
    ``.sum`` (a method), ``.T`` (an attribute)."""
    from autodiff.runtime.registry import AttributeKey, MethodKey

    if isinstance(primitive, MethodKey):
        return "." + primitive.name + "()"
    if isinstance(primitive, AttributeKey):
        return "." + primitive.name
    module = getattr(primitive, "__module__", None) or ""
    if module.startswith(SKIPPED_MODULES):
        raise Unspellable(primitive)
    owner = getattr(primitive, "__self__", None)
    if isinstance(owner, np.ufunc):
        return f"{spelling(owner)}.{primitive.__name__}"
    name = getattr(primitive, "__name__", None)
    for text, module_name in NAMESPACES:
        namespace = sys.modules.get(module_name)
        if name and namespace is not None and getattr(namespace, name, None) is primitive:
            return f"{text}.{name}" if text else name
    raise Unspellable(primitive)


def literal(value: Any) -> str:
    """Python source for a constant argument."""
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unspellable(value)
        return repr(value)
    if isinstance(value, np.generic):
        return literal(value.item())
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = [literal(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, slice):
        return f"slice({literal(value.start)}, {literal(value.stop)}, {literal(value.step)})"
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        items = repr(value.tolist()).replace("nan", "np.nan").replace("inf", "np.inf")
        text = f"np.array({items}"
        return text + (")" if value.dtype.kind in "bf" else f", dtype=np.{value.dtype.name})")
    if isinstance(value, type) and getattr(np, value.__name__, None) is value:
        return f"np.{value.__name__}"
    raise Unspellable(value)


def _argument(spec: Any, operands: list[Operand], consts: list[tuple[int, np.ndarray]],
              as_spec: Callable[[Any], tuple[Any, ...]], differentiable: bool = True) -> str:
    spec = as_spec(spec)
    kind = spec[0]
    if kind in ("list", "tuple"):
        items = [_argument(item, operands, consts, as_spec, differentiable)
                 for item in spec[1]]
        if kind == "list":
            return "[" + ", ".join(items) + "]"
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if kind == "dict":
        items = [f"{k!r}: {_argument(v, operands, consts, as_spec, differentiable)}"
                 for k, v in spec[1].items()]
        return "{" + ", ".join(items) + "}"
    if kind == "const":
        value = spec[1]
        if differentiable and isinstance(value, np.ndarray) and value.dtype.kind == "f" \
                and value.size <= 36:
            consts.append((len(operands), value))  # a fixed matrix: perturbed around it
            operands.append(Operand("const", value.shape))
            return f"{{o{len(operands) - 1}}}"
        return literal(value)
    if kind in ("pyfloat", "npscalar"):  # a number of the inner kind's domain
        kind, shape = spec[1], ()
    else:
        shape = tuple(spec[1]) if kind in FLOAT_KINDS else ()
    if kind in FLOAT_KINDS:
        operands.append(Operand(kind, shape))
        return f"{{o{len(operands) - 1}}}"
    raise Unspellable(spec)


def case_op(primitive: Any, case: Any, as_spec: Callable[[Any], tuple[Any, ...]]) -> CaseOp:
    """The ``CaseOp`` of one case (``Unspellable`` if the program cannot write it)."""
    from autodiff.runtime import registry

    name = spelling(primitive)
    entry = registry.lookup(primitive)
    rules = entry.rules if entry is not None else ()
    names = entry.argnames if entry is not None else ()

    def differentiable(position: int) -> bool:  # a fixed float array there has a rule
        return position < len(rules) and rules[position] is not None

    operands: list[Operand] = []
    consts: list[tuple[int, np.ndarray]] = []
    args = [_argument(spec, operands, consts, as_spec, differentiable(k))
            for k, spec in enumerate(case.args)]
    keywords = []
    for key, value in case.params.items():
        keyword_rule = key in names and differentiable(names.index(key))
        keywords.append(f"{key}={_argument(value, operands, consts, as_spec, keyword_rule)}")
    if not operands or (operands[0].kind == "const" and name.startswith(".")):
        raise Unspellable(case)
    if name.startswith("."):  # the receiver is argument 0
        if not args or not args[0].startswith("{o"):
            raise Unspellable(case)
        receiver = "(" + args[0] + ")"
        if name.endswith("()"):
            template = f"{receiver}{name[:-2]}({', '.join(args[1:] + keywords)})"
        elif len(args) == 1 and not keywords:
            template = receiver + name
        else:
            raise Unspellable(case)
    else:
        template = f"{name}({', '.join(args + keywords)})"
    kinds = {o.kind for o in operands}
    probe = next((SPEC_DOMAINS[k][1] for k in sorted(kinds)
                  if k in SPEC_DOMAINS and SPEC_DOMAINS[k][1]), "")
    return CaseOp(name, case.label, template, tuple(operands), probe, tuple(consts))


def registry_case_ops() -> list[CaseOp]:
    """A ``CaseOp`` for every spellable case of every registered primitive with cases."""
    from autodiff.runtime import registry

    cases = load_cases()
    if not cases:
        return []
    as_spec = sys.modules["autodiff_rule_cases"].as_spec
    ops = []
    for primitive, samples in cases.items():
        if registry.lookup(primitive) is None:
            continue
        for sample in samples:
            try:
                ops.append(case_op(primitive, sample, as_spec))
            except Unspellable:
                continue
    return ops


def probe_table(ops: list[CaseOp]) -> dict[str, str]:
    """Callee spelling -> the probe kind the oracle applies to each of its calls."""
    table: dict[str, str] = {}
    for op in ops:
        if op.probe and not op.name.startswith("."):
            table.setdefault(op.name, op.probe)
    return table


CASE_OPS: list[CaseOp] = registry_case_ops()
PROBES: dict[str, str] = probe_table(CASE_OPS)
