"""A generator of random, valid numpy programs for differential testing of the compiler.

A program is the source of a module: helper functions ``h0``, ``h1``, ... and the function ``f``
to differentiate. Every choice is drawn from a ``Chooser``: ``RandomChooser`` (seeded, for the
long profile) or hypothesis (``programs(family)``, which shrinks failures). The generator keeps
a *dummy world*: every statement it writes is also executed on stand-in arrays of the right
shapes, so each expression is valid by construction (shapes, broadcasting, index bounds) and the
generator knows the shape, type and aliasing of every name.

What the programs contain (by family, ``mixed`` has everything): elementwise functions on their
smooth domains (``np.log(1.0 + np.square(v))``, ``np.exp(np.tanh(v))``, divisions by
``1.0 + v**2``), broadcasting (``(3, 1) + (4,)``), reductions with axes, ``@``/``np.dot``,
transposes, reshapes, subscripts (``v[1]``, ``v[1:3]``, ``v[:, None]``, repeated fancy
indices, boolean masks), reassignment of the same name and augmented assignment, ``if``/``elif``
/``else`` and ``a if c else b`` on data, ``for`` over ``range``/rows/``enumerate``/``zip`` with
loop-carried state, ``while`` with a counter, ``break``/``continue``/early ``return``, writes into
fresh arrays (``out[i] = ...``, ``out[1:3] += ...``), list accumulation then ``np.stack``,
helper calls with tuple returns, and tuple returns from ``f``. Non-smooth operations
(``np.max``, ``np.maximum``, ``np.abs``, ``np.clip``, comparisons) are allowed: the oracle
skips inputs that lie within a margin of a kink or a branch threshold.

Calls of every registered gradient rule are drawn from the rule tests' case metadata
(``registry_ops``: reductions with axis/keepdims, linear algebra, einsum, indexing, cumulative
ops, the mod family, order statistics, FFTs, ufunc methods, ...), operands reshaped to the
case's shapes and mapped into its domain; a new rule with cases is fuzzed with no edit here.
Complex inputs (``z0``) and complex intermediates (``z5 = ...``) feed the rules whose cases are
complex, and are read back as real values (``np.real``, ``np.abs``, ``.imag``, ``np.angle``);
the oracle compares the gradient of the real output w.r.t. a complex input with ``d/d re -
i d/d im`` (docs/complex.md).

The ``calls`` and ``mixed`` families also write the constructs of issue 17: closures from
module-level factories (``make3(a)(b)``, ``g = make3(a)``), lambdas bound to names, local
defs reading the enclosing function's names, objects of a module-level class built inside
``f`` and called (``__call__`` or a method), ``*args`` helpers, and parameters passed as a
tuple, list or dict of arrays (unpacked as users do).

Writes never go into an array that another live name may share memory with (the inputs
included), so numpy's reference semantics and autodiff's value semantics agree.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np

from .registry_ops import CASE_OPS, SPEC_DOMAINS, CaseOp, literal

T = TypeVar("T")
PROBED_METHODS = ("max", "min", "clip", "std")  # methods the oracle probes (oracle.py)

FAMILIES = ("straight", "branches", "loops", "calls", "mixed")


# ---- choosers ----------------------------------------------------------------------------------


class Chooser(Protocol):
    """The source of every random choice; ``integer`` is inclusive and shrinks towards ``lo``."""

    def integer(self, lo: int, hi: int) -> int: ...


class RandomChooser:
    """Choices from a seeded ``random.Random`` (the long profile)."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self._random.randint(lo, hi)


class DrawChooser:
    """Choices drawn through hypothesis (``draw`` of a composite strategy), so they shrink."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self._draw = draw
        self._integers = st.integers

    def integer(self, lo: int, hi: int) -> int:
        return self._draw(self._integers(lo, hi))


def pick(chooser: Chooser, options: Sequence[T]) -> T:
    """One of ``options`` (shrinks towards the first)."""
    return options[chooser.integer(0, len(options) - 1)]


def chance(chooser: Chooser, percent: int) -> bool:
    """True with probability ``percent``/100 (shrinks towards False)."""
    return chooser.integer(0, 99) >= 100 - percent


def weighted(chooser: Chooser, options: Sequence[tuple[T, int]]) -> T:
    """One of the options, with integer weights (shrinks towards the first)."""
    total = sum(weight for _, weight in options)
    roll = chooser.integer(0, total - 1)
    for option, weight in options:
        if roll < weight:
            return option
        roll -= weight
    raise AssertionError("unreachable")


# ---- programs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """A parameter of ``f``: an array of ``shape``, or a Python float (``shape`` None).

    ``role`` is ``"diff"`` for inputs that may be differentiated, ``"const"`` for a threshold
    or scale the program only reads (never differentiated, so never perturbed).
    """

    name: str
    shape: tuple[int, ...] | None
    role: str = "diff"
    dtype: str = "float"  # or "complex" (a complex array of ``shape``)
    container: str = ""  # "tuple", "list" or "dict" of arrays of ``fields`` (shape None)
    fields: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def make(self, rng: np.random.Generator) -> Any:
        """A value of this input drawn from ``rng``."""
        if self.container:
            items = {key: rng.normal(size=shape) * 0.9 for key, shape in self.fields}
            if self.container == "dict":
                return items
            values = list(items.values())
            return tuple(values) if self.container == "tuple" else values
        if self.shape is None:
            return float(rng.uniform(-1.5, 1.5))
        if self.dtype == "complex":
            return (rng.normal(size=self.shape) + 1j * rng.normal(size=self.shape)) * 0.9
        return rng.normal(size=self.shape) * 0.9


@dataclass(frozen=True)
class Program:
    """A generated program: module ``source`` defining ``f``, its inputs and how to check it."""

    source: str
    inputs: tuple[Input, ...]
    wrt: tuple[int, ...]
    seed: int
    family: str = "mixed"
    writes: bool = False  # has element/slice writes (autograd cannot differentiate those)

    def make_args(self) -> tuple[Any, ...]:
        """The inputs, drawn from ``seed``: values of order one, well inside every domain."""
        rng = np.random.default_rng(self.seed)
        return tuple(item.make(rng) for item in self.inputs)

    def with_source(self, source: str) -> Program:
        return Program(source, self.inputs, self.wrt, self.seed, self.family, self.writes)


# ---- operation tables --------------------------------------------------------------------------
# ``{a0}`` is operand 0 as written; ``{p0}`` is operand 0 parenthesized unless it is an atom.


@dataclass(frozen=True)
class Op:
    text: str
    arity: int = 1
    fresh: bool = True  # the result is a new array (never a view of an operand)
    atoms: bool = False  # operands must be atoms (the template uses them twice)
    need: Callable[[list[Any]], bool] | None = None
    extra: Callable[[Chooser, list[Any]], dict[str, str]] | None = None


def _ndim(value: Any) -> int:
    return np.ndim(value)


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray)


def _min_ndim(n: int) -> Callable[[list[Any]], bool]:
    return lambda ops: _is_array(ops[0]) and _ndim(ops[0]) >= n


def _first_at_least(n: int) -> Callable[[list[Any]], bool]:
    return lambda ops: _is_array(ops[0]) and _ndim(ops[0]) >= 1 and ops[0].shape[0] >= n


def _axis(chooser: Chooser, ops: list[Any]) -> dict[str, str]:
    ndim = _ndim(ops[0])
    return {"ax": str(chooser.integer(-ndim, ndim - 1))}


def _index(chooser: Chooser, ops: list[Any]) -> dict[str, str]:
    n = ops[0].shape[0]
    return {"k": str(chooser.integer(-n, n - 1)), "k1": str(chooser.integer(0, max(n - 2, 0))),
            "kl": str(chooser.integer(0, ops[0].shape[-1] - 1))}


def _fancy(chooser: Chooser, ops: list[Any]) -> dict[str, str]:
    n = ops[0].shape[0]
    count = chooser.integer(1, 4)
    picks = [str(chooser.integer(0, n - 1)) for _ in range(count)]
    return {"idx": "[" + ", ".join(picks) + "]"}


def _reshape(chooser: Chooser, ops: list[Any]) -> dict[str, str]:
    size = int(np.size(ops[0]))
    factors = [d for d in range(1, size + 1) if size % d == 0]
    first = pick(chooser, factors)
    options = [f"({first}, {size // first})", f"({first}, -1)", "(-1,)", f"(1, {size})",
               f"({size},)"]
    return {"shape": pick(chooser, options)}


# ---- elementwise functions drawn from the rule registry ----------------------------------------
# Every elementwise numpy function with gradient rules is drawn, its operands mapped into its
# smooth domain (and away from overflow). A registered one missing from UFUNC_DOMAINS fails
# test_fuzz.test_every_registered_elementwise_function_has_a_domain.

DOMAINS = {
    "real": "{a}", "bounded": "np.tanh({a})", "positive": "(1.0 + np.square({a}))",
    "above1": "(1.5 + np.square({a}))", "unit": "(0.5 * np.sin({a}))",
    "away0": "(1.5 + np.sin({a}))", "two": "2",
}
_SMOOTH, _KINK = "smooth", "kink"  # kinks and jumps: the oracle probes their distance
# ufunc name -> (the domain of each operand, smooth or kink[, the output taken from a tuple])
UFUNC_DOMAINS: dict[str, tuple[Any, ...]] = {
    "negative": (("real",), _SMOOTH), "positive": (("real",), _SMOOTH),
    "square": (("real",), _SMOOTH), "reciprocal": (("away0",), _SMOOTH),
    "sqrt": (("positive",), _SMOOTH), "cbrt": (("away0",), _SMOOTH),
    "exp": (("bounded",), _SMOOTH), "exp2": (("bounded",), _SMOOTH),
    "expm1": (("bounded",), _SMOOTH), "log": (("positive",), _SMOOTH),
    "log2": (("positive",), _SMOOTH), "log10": (("positive",), _SMOOTH),
    "log1p": (("positive",), _SMOOTH), "sin": (("real",), _SMOOTH), "cos": (("real",), _SMOOTH),
    "tan": (("unit",), _SMOOTH), "arcsin": (("unit",), _SMOOTH),
    "arccos": (("unit",), _SMOOTH), "arctan": (("real",), _SMOOTH),
    "sinh": (("bounded",), _SMOOTH), "cosh": (("bounded",), _SMOOTH),
    "tanh": (("real",), _SMOOTH), "arcsinh": (("real",), _SMOOTH),
    "arccosh": (("above1",), _SMOOTH), "arctanh": (("unit",), _SMOOTH),
    "sinc": (("real",), _SMOOTH), "nan_to_num": (("real",), _SMOOTH),
    "conjugate": (("real",), _SMOOTH),  # the identity on real inputs
    "deg2rad": (("real",), _SMOOTH),
    "radians": (("real",), _SMOOTH), "rad2deg": (("real",), _SMOOTH),
    "degrees": (("real",), _SMOOTH), "absolute": (("real",), _KINK),
    "fabs": (("real",), _KINK), "modf": (("real",), _KINK, 0),
    "add": (("real", "real"), _SMOOTH), "subtract": (("real", "real"), _SMOOTH),
    "multiply": (("real", "real"), _SMOOTH), "divide": (("real", "away0"), _SMOOTH),
    "power": (("positive", "bounded"), _SMOOTH),
    "float_power": (("positive", "bounded"), _SMOOTH),
    "logaddexp": (("real", "real"), _SMOOTH), "logaddexp2": (("real", "real"), _SMOOTH),
    "arctan2": (("real", "away0"), _SMOOTH), "hypot": (("real", "away0"), _SMOOTH),
    "nextafter": (("real", "real"), _SMOOTH), "ldexp": (("real", "two"), _SMOOTH),
    "maximum": (("real", "real"), _KINK), "minimum": (("real", "real"), _KINK),
    "fmax": (("real", "real"), _KINK), "fmin": (("real", "real"), _KINK),
    "mod": (("real", "away0"), _KINK), "remainder": (("real", "away0"), _KINK),
    "fmod": (("real", "away0"), _KINK), "divmod": (("real", "away0"), _KINK, 1),
    "copysign": (("away0", "real"), _KINK), "heaviside": (("real", "real"), _KINK),
}


ELEMENTWISE_FUNCTIONS = ("sinc", "nan_to_num")  # elementwise numpy functions that are not ufuncs


def registered_elementwise() -> list[Any]:
    """The elementwise numpy functions (ufuncs and ``ELEMENTWISE_FUNCTIONS``) with gradient
    rules, in registration order."""
    from autodiff.runtime import registry

    found = []
    for entry in registry.entries():
        function = entry.primitive
        name = getattr(function, "__name__", "")
        if getattr(np, name, None) is not function:
            continue
        if name in ELEMENTWISE_FUNCTIONS or (isinstance(function, np.ufunc)
                                             and function.signature is None):
            found.append(function)
    return found


def registry_ops(kind: str) -> list[Op]:
    """An ``Op`` for every registered ufunc of ``kind`` (smooth or kink) with a known domain."""
    ops = []
    for ufunc in registered_elementwise():
        found = UFUNC_DOMAINS.get(ufunc.__name__)
        if found is None or found[1] != kind:
            continue
        operands = [DOMAINS[domain].format(a=f"{{a{k}}}") for k, domain in enumerate(found[0])]
        text = f"np.{ufunc.__name__}({', '.join(operands)})"
        if len(found) > 2:
            text += f"[{found[2]}]"
        arity = sum(1 for domain in found[0] if "{a}" in DOMAINS[domain])
        ops.append(Op(text, arity))
    return ops


def _without(ops: list[Op], fixed: list[Op]) -> list[Op]:
    texts = {op.text for op in fixed}
    return [op for op in ops if op.text not in texts]


UNARY = [
    Op("np.sin({a0})"), Op("np.cos({a0})"), Op("np.tanh({a0})"), Op("np.exp(np.tanh({a0}))"),
    Op("np.exp(-np.square({a0}))"), Op("np.arctan({a0})"), Op("-{p0}"), Op("np.square({a0})"),
    Op("{p0} ** 2"), Op("{p0} ** 3"), Op("np.log(1.0 + np.square({a0}))"),
    Op("np.log1p({p0} ** 2)"), Op("np.sqrt(1.0 + {p0} ** 2)"), Op("np.sinh(np.tanh({a0}))"),
    Op("np.cosh(np.sin({a0}))"), Op("np.arcsinh({a0})"), Op("np.expm1(np.sin({a0}))"),
    Op("1.0 / (1.0 + np.exp(-np.tanh({a0})))"), Op("np.reciprocal(2.0 + np.sin({a0}))"),
    Op("0.5 * {p0}"), Op("{p0} * 1.5"), Op("{p0} / 3.0"), Op("np.power({p0}, 2)"),
    Op("np.logaddexp({a0}, 0.0)"), Op("np.hypot({a0}, 1.0)"), Op("np.arcsin(0.5 * np.sin({a0}))"),
    Op("np.log(2.0 + np.cos({a0}))"), Op("np.sqrt(np.exp(np.sin({a0})))"),
    Op("np.cbrt(2.0 + np.sin({a0}))"), Op("np.exp2(np.cos({a0}))"),
    Op("np.float64(2.0) * {p0}"),
]
UNARY += _without([op for op in registry_ops(_SMOOTH) if op.arity == 1], UNARY)
KINK_UNARY = [
    Op("np.abs({a0})"), Op("np.clip({a0}, -0.5, 0.5)"), Op("np.maximum({a0}, 0.0)"),
    Op("np.minimum({a0}, 0.3)"), Op("abs({a0})"), Op("{p0} % 0.75"),
]
BINARY = [
    Op("{p0} + {p1}", 2), Op("{p0} - {p1}", 2), Op("{p0} * {p1}", 2),
    Op("{p0} / (1.0 + np.square({a1}))", 2), Op("{p0} / (2.0 + np.cos({a1}))", 2),
    Op("np.add({a0}, {a1})", 2), Op("np.subtract({a0}, {a1})", 2), Op("np.multiply({a0}, {a1})", 2),
    Op("np.logaddexp({a0}, {a1})", 2), Op("np.arctan2({a0}, 2.0 + np.cos({a1}))", 2),
    Op("np.power(1.0 + np.square({a0}), np.tanh({a1}))", 2), Op("{p0} ** 2 * {p1}", 2),
    Op("np.divide({a0}, 1.5 + np.sin({a1}))", 2), Op("np.hypot({a0}, 1.0 + np.square({a1}))", 2),
    Op("np.sin({p0} * {p1})", 2),
]
BINARY += _without([op for op in registry_ops(_SMOOTH) if op.arity == 2], BINARY)
KINK_BINARY = [
    Op("np.maximum({a0}, {a1})", 2), Op("np.minimum({a0}, {a1})", 2),
    Op("np.where({p0} > {p1}, {a0}, 0.5 * {p1})", 2, atoms=True),
    Op("np.fmax({a0}, {a1})", 2), Op("{p0} % (1.5 + np.sin({a1}))", 2),
]
KINK_UNARY += _without([op for op in registry_ops(_KINK) if op.arity == 1], KINK_UNARY)
KINK_BINARY += _without([op for op in registry_ops(_KINK) if op.arity == 2], KINK_BINARY)
REDUCE = [
    Op("np.sum({a0})"), Op("np.mean({a0})"), Op("{p0}.sum()", need=_min_ndim(0)),
    Op("{p0}.mean()", need=_min_ndim(0)),
    Op("np.sum({a0}, axis={ax})", need=_min_ndim(1), extra=_axis),
    Op("np.mean({a0}, axis={ax})", need=_min_ndim(1), extra=_axis),
    Op("np.sum({a0}, axis={ax}, keepdims=True)", need=_min_ndim(1), extra=_axis),
    Op("{p0}.sum(axis={ax})", need=_min_ndim(1), extra=_axis),
    Op("{p0}.mean({ax})", need=_min_ndim(1), extra=_axis),
    Op("np.prod(np.cos({a0}), axis={ax})", need=_min_ndim(1), extra=_axis),
    Op("np.var({a0})", need=lambda ops: np.size(ops[0]) >= 2),
    Op("np.cumsum({a0}, axis={ax})", need=_min_ndim(1), extra=_axis),
    Op("np.cumsum({a0})", need=_min_ndim(1)),
    Op("np.linalg.norm(1.0 + np.square({a0}))"),
    Op("np.sum({p0} * {p1})", 2),
    Op("np.dot(np.ravel({a0}), np.ravel({a0}))", atoms=True),
    Op("np.trace({a0})", need=_min_ndim(2)),
]
KINK_REDUCE = [
    Op("np.max({a0})"), Op("np.min({a0})"), Op("{p0}.max()", need=_min_ndim(0)),
    Op("np.max({a0}, axis={ax})", need=_min_ndim(1), extra=_axis),
    Op("np.min({a0}, axis={ax}, keepdims=True)", need=_min_ndim(1), extra=_axis),
    Op("{p0}.min(axis={ax})", need=_min_ndim(1), extra=_axis),
    Op("np.amax({a0}, axis={ax})", need=_min_ndim(1), extra=_axis),
    Op("np.std({a0}, axis={ax})", need=lambda ops: _is_array(ops[0]) and ops[0].ndim >= 1
       and min(ops[0].shape) >= 2, extra=_axis),
    Op("np.linalg.norm({a0})", need=lambda ops: np.size(ops[0]) >= 2),
    Op("np.sum({p0}[{p0} > 0.2])", atoms=True, need=_min_ndim(1)),
]
SHAPE = [
    Op("{p0}.T", fresh=False, need=_min_ndim(2)),
    Op("np.transpose({a0})", fresh=False, need=_min_ndim(2)),
    Op("np.swapaxes({a0}, 0, -1)", fresh=False, need=_min_ndim(2)),
    Op("{p0}.reshape(-1)", fresh=False, need=_min_ndim(1)),
    Op("np.reshape({a0}, {shape})", fresh=False, need=_min_ndim(1), extra=_reshape),
    Op("{p0}.reshape({shape})", fresh=False, need=_min_ndim(1), extra=_reshape),
    Op("np.ravel({a0})", fresh=False, need=_min_ndim(1)),
    Op("{p0}[:, None]", fresh=False, need=lambda ops: _is_array(ops[0]) and ops[0].ndim == 1),
    Op("{p0}[None, :]", fresh=False, need=lambda ops: _is_array(ops[0]) and ops[0].ndim == 1),
    Op("np.expand_dims({a0}, 0)", fresh=False, need=_min_ndim(1)),
    Op("{p0}[::-1]", fresh=False, need=_min_ndim(1)),
    Op("np.flip({a0}, axis=0)", fresh=False, need=_min_ndim(1)),
    Op("{p0}[1:]", fresh=False, need=_first_at_least(2)),
    Op("{p0}[:-1]", fresh=False, need=_first_at_least(2)),
    Op("{p0}[{k}]", fresh=False, need=_first_at_least(1), extra=_index),
    Op("{p0}[{k1}:{k1} + 2]", fresh=False, need=_first_at_least(2), extra=_index),
    Op("{p0}[..., {kl}]", fresh=False, need=_min_ndim(2), extra=_index),
    Op("{p0}[:, {kl}]", fresh=False, need=_min_ndim(2), extra=_index),
    Op("{p0}[{idx}]", need=_first_at_least(1), extra=_fancy),
    Op("np.take({a0}, {idx}, axis=0)", need=_first_at_least(1), extra=_fancy),
    Op("np.tile({a0}, 2)", need=_min_ndim(1)),
    Op("np.repeat({a0}, 2, axis=0)", need=_min_ndim(1)),
    Op("np.squeeze({a0})", fresh=False, need=lambda ops: _is_array(ops[0]) and 1 in ops[0].shape),
    Op("np.broadcast_to({a0}, (2,) + np.shape({a0}))", fresh=False, atoms=True,
       need=_min_ndim(0)),
    Op("np.concatenate([{a0}, {a1}])", 2,
       need=lambda ops: all(_is_array(o) and o.ndim >= 1 for o in ops)
       and ops[0].shape[1:] == ops[1].shape[1:]),
    Op("np.stack([{a0}, {a1}])", 2,
       need=lambda ops: all(_is_array(o) for o in ops) and ops[0].shape == ops[1].shape),
    Op("np.stack([{a0}, {a1}], axis=-1)", 2,
       need=lambda ops: all(_is_array(o) for o in ops) and ops[0].shape == ops[1].shape),
    Op("np.hstack([{a0}, {a1}])", 2,
       need=lambda ops: all(_is_array(o) and o.ndim == 1 for o in ops)),
    Op("np.diag({a0})", need=lambda ops: _is_array(ops[0]) and ops[0].ndim == 1),
    Op("np.outer({a0}, {a1})", 2, need=lambda ops: all(_is_array(o) and o.ndim == 1 for o in ops)),
    Op("np.copy({a0})", need=_min_ndim(0)),
    Op("{p0}.copy()", need=_min_ndim(0)),
]
MATMUL = [
    Op("{p0} @ {p1}", 2), Op("np.dot({a0}, {a1})", 2), Op("np.matmul({a0}, {a1})", 2),
]
REASSIGN = [  # v = template(v, e): the result keeps v's shape when e broadcasts to it
    "np.tanh({v} + {e})", "{v} + 0.5 * np.sin({e})", "{v} * np.cos({e})", "0.5 * {v} + {pe}",
    "{v} - 0.1 * {pe}", "np.sin({v}) * {pe}", "{v} / (1.0 + np.square({e}))", "{pe} + {v}",
    "np.tanh({v}) + {pe}",
    # damped Newton steps whose slope is the residual's derivative (transforms/polynomials.py)
    "{v} - 0.1 * ({v} * {v} * {v} + {v} - {pe}) / (3.0 * {v} * {v} + 1.0)",
    "{v} - 0.1 * ({v} ** 3 + 2.0 * {v} - {pe}) / (2.0 + 3.0 * {v} ** 2)",
]
AUGMENTED = ["+=", "-=", "*=", "/="]
THRESHOLDS = ["0.0", "0.5", "-0.5", "0.25", "1.0", "-1.0"]
SHAPES = [(3,), (4,), (2, 3), (3, 4), (3, 1), (4, 3), (2,), (), (2, 3, 2), (1, 4)]


# ---- the generator -----------------------------------------------------------------------------


@dataclass
class Expr:
    text: str
    value: Any
    atom: bool
    names: frozenset[str]
    fresh: bool

    @property
    def wrapped(self) -> str:
        return self.text if self.atom else f"({self.text})"


@dataclass
class Scope:
    """What is visible where the next statement is written."""

    ns: dict[str, Any]
    floats: list[str]
    ints: dict[str, int] = field(default_factory=dict)  # loop index -> bound (exclusive)
    fresh: set[str] = field(default_factory=set)
    aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    lists: list[str] = field(default_factory=list)
    complexes: list[str] = field(default_factory=list)  # complex arrays (never in floats)
    depth: int = 0
    in_helper: bool = False
    innermost: str | None = None  # "for" or "while": the loop a `break`/`continue` leaves
    # In loops, autodiff's in-place fence is flow-insensitive: a name that was not writable
    # when the loop started stays unwritable in it (``frozen``), so does a name bound to a
    # possible view anywhere in the loop (``tainted``), and a name written anywhere in the loop
    # (``written``) never gets an alias in it. The sets are shared by the loop's nested blocks.
    frozen: frozenset[str] = frozenset()
    written: set[str] | None = None
    tainted: set[str] | None = None

    def child(self, loop: str | None = None) -> Scope:
        frozen, written, tainted = self.frozen, self.written, self.tainted
        if loop is not None:
            frozen = frozen | {n for n in self.floats if not self.writable(n)}
            written = set() if written is None else written
            tainted = set() if tainted is None else tainted
        return Scope(self.ns, list(self.floats), dict(self.ints), set(self.fresh),
                     dict(self.aliases), list(self.lists), list(self.complexes), self.depth + 1,
                     self.in_helper, loop or self.innermost, frozen, written, tainted)

    def writable(self, name: str) -> bool:
        """Whether the program may write into ``name``: a fresh array no other name shares."""
        value = self.ns.get(name)
        if name not in self.fresh or name in self.frozen or name in (self.tainted or ()) \
                or not isinstance(value, np.ndarray) or value.ndim == 0:
            return False
        return not any(name in others for other, others in self.aliases.items() if other != name)

    def unshared(self, e: Expr) -> Expr:
        """``e``, copied if it may alias a name written in the current loop."""
        if e.fresh or self.written is None or not e.names & self.written:
            return e
        return Expr(f"np.copy({e.text})", e.value, False, frozenset(), True)


@dataclass(frozen=True)
class Features:
    branches: bool = False
    loops: bool = False
    writes: bool = False
    calls: bool = False
    kinks: bool = True
    registry: bool = True  # calls of every registered rule, from its test cases
    complex: bool = False  # complex inputs and intermediates
    constructs: bool = False  # closures, lambdas, local defs, objects, *args, containers
    statements: int = 6


FAMILY_FEATURES = {
    "straight": Features(complex=True, statements=8),
    "branches": Features(branches=True),
    "loops": Features(loops=True, writes=True),
    "calls": Features(calls=True, writes=True, constructs=True),
    "mixed": Features(branches=True, loops=True, writes=True, calls=True, complex=True,
                      constructs=True, statements=7),
}


class _Generator:
    def __init__(self, chooser: Chooser, family: str) -> None:
        self.c = chooser
        self.family = family
        self.features = FAMILY_FEATURES[family]
        self.helpers: list[str] = []
        self.helper_ns: dict[str, Any] = {"np": np, "math": math}
        self.helper_info: dict[str, tuple[list[str], list[Any], int]] = {}
        self.counter = 0
        self.writes = False
        self.outputs = 1

    # ---- names ----
    def fresh_name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # ---- dummy world ----
    def run(self, scope: Scope, statement: str) -> None:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            exec(statement, {"np": np, **self.helper_ns}, scope.ns)

    def value_of(self, scope: Scope, text: str, values: dict[str, Any]) -> Any:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return eval(text, {"np": np, **self.helper_ns}, {**scope.ns, **values})

    # ---- expressions ----
    def constant(self) -> Expr:
        text = pick(self.c, ["0.5", "1.5", "2.0", "-0.5", "0.3", "-1.2", "0.75"])
        return Expr(text, float(text), not text.startswith("-"), frozenset(), True)

    def leaf(self, scope: Scope, prefer: Callable[[Any], bool] | None = None) -> Expr:
        if scope.complexes and chance(self.c, 8):
            return self.complex_leaf(scope)
        names = scope.floats
        if prefer is not None:
            names = [n for n in names if prefer(scope.ns[n])] or names
        if not names or chance(self.c, 12):
            if scope.ints and chance(self.c, 40):
                index = pick(self.c, sorted(scope.ints))
                text = f"0.1 * {index}"
                return Expr(text, 0.1 * scope.ns[index], False, frozenset(), True)
            return self.constant()
        # recent names are more likely: the program then composes rather than fans out
        position = len(names) - 1 - min(self.c.integer(0, 2 * len(names)) // 2, len(names) - 1)
        name = names[position]
        return Expr(name, scope.ns[name], True, frozenset({name}), False)

    def indexed_by_loop(self, scope: Scope) -> Expr | None:
        options = [(n, i) for n in scope.floats for i, bound in scope.ints.items()
                   if isinstance(scope.ns[n], np.ndarray) and scope.ns[n].ndim >= 1
                   and scope.ns[n].shape[0] >= bound]
        if not options:
            return None
        name, index = pick(self.c, options)
        form = pick(self.c, ["{n}[{i}]", "{n}[{i} - 1]", "np.sum({n}[:{i} + 1])",
                             "{n}[{i}] * {n}[0]"])
        text = form.format(n=name, i=index)
        value = self.value_of(scope, text, {})
        return Expr(text, value, form == "{n}[{i}]", frozenset({name}),
                    form not in ("{n}[{i}]", "{n}[{i} - 1]"))

    def expr(self, scope: Scope, depth: int, atom: bool = False,
             prefer: Callable[[Any], bool] | None = None) -> Expr:
        if atom or depth <= 0 or chance(self.c, 25):
            if scope.ints and chance(self.c, 25):
                found = self.indexed_by_loop(scope)
                if found is not None and (found.atom or not atom):
                    return found
            return self.leaf(scope, prefer)
        for _ in range(6):
            found = self.compound(scope, depth, prefer)
            if found is not None:
                return found
        return self.leaf(scope, prefer)

    def compound(self, scope: Scope, depth: int,
                 prefer: Callable[[Any], bool] | None) -> Expr | None:
        kinks = self.features.kinks
        table = weighted(self.c, [
            (UNARY, 6), (BINARY, 6), (REDUCE, 2), (SHAPE, 3), (MATMUL, 2),
            (KINK_UNARY if kinks else UNARY, 1), (KINK_BINARY if kinks else BINARY, 1),
            (KINK_REDUCE if kinks else REDUCE, 1), ("ifexp", 1 if self.features.branches else 0),
            ("registry", 4 if self.features.registry else 0),
        ])
        if table == "ifexp":
            return self.ifexp(scope, depth)
        if table == "registry":
            return self.registry_call(scope, depth - 1)
        op = pick(self.c, table)
        if table is MATMUL:
            return self.matmul(scope, op)
        first = self.expr(scope, depth - 1, atom=op.atoms, prefer=prefer)
        operands = [first]
        if op.arity == 2:
            shape = np.shape(first.value)

            def compatible(value: Any, shape: tuple[int, ...] = shape) -> bool:
                try:
                    return int(np.prod(np.broadcast_shapes(np.shape(value), shape))) <= 48
                except ValueError:
                    return False

            second = self.expr(scope, depth - 1, atom=op.atoms, prefer=compatible)
            operands.append(second)
        if table in (KINK_UNARY, KINK_BINARY, KINK_REDUCE) and (
                not first.names or len({e.text for e in operands}) < len(operands)):
            return None  # a kink of constants, or max(v, v): always "at the kink"
        return self.apply(scope, op, operands)

    def apply(self, scope: Scope, op: Op, operands: list[Expr]) -> Expr | None:
        values = [e.value for e in operands]
        if op.need is not None and not op.need(values):
            return None
        if op.atoms and not all(e.atom for e in operands):
            return None
        extra = op.extra(self.c, values) if op.extra is not None else {}
        text = op.text.format(**{f"a{k}": e.text for k, e in enumerate(operands)},
                              **{f"p{k}": e.wrapped for k, e in enumerate(operands)}, **extra)
        stand_in = op.text.format(**{f"a{k}": f"_o{k}" for k in range(len(operands))},
                                  **{f"p{k}": f"_o{k}" for k in range(len(operands))}, **extra)
        if op.atoms:  # the same operand appears twice: evaluate the real text
            stand_in = text
        try:
            value = self.value_of(scope, stand_in,
                                  {f"_o{k}": e.value for k, e in enumerate(operands)})
        except (ValueError, IndexError, TypeError, AttributeError):
            return None
        if not isinstance(value, (np.ndarray, np.generic, float)) or np.size(value) > 48 \
                or np.ndim(value) > 3 or np.size(value) == 0:
            return None
        if np.asarray(value).dtype.kind != "f":
            return None
        names = frozenset().union(*(e.names for e in operands))
        return Expr(text, value, False, names, op.fresh)

    def matmul(self, scope: Scope, op: Op) -> Expr | None:
        first = self.expr(scope, 1, prefer=lambda v: np.ndim(v) in (1, 2))
        a = first.value
        if np.ndim(a) not in (1, 2):
            return None
        k = a.shape[-1]
        candidates = []
        for name in scope.floats:
            b = scope.ns[name]
            if isinstance(b, np.ndarray) and b.ndim in (1, 2):
                if b.shape[0] == k:
                    candidates.append(Expr(name, b, True, frozenset({name}), False))
                if b.ndim == 2 and b.shape[1] == k:
                    candidates.append(Expr(f"{name}.T", b.T, True, frozenset({name}), False))
        if not candidates:
            return None
        second = pick(self.c, candidates)
        if chance(self.c, 30):
            second = Expr(f"np.tanh({second.text})", np.tanh(second.value), False,
                          second.names, True)
        return self.apply(scope, op, [first, second])

    def ifexp(self, scope: Scope, depth: int) -> Expr | None:
        first = self.expr(scope, depth - 1)
        shape = np.shape(first.value)
        second = self.expr(scope, depth - 1, prefer=lambda v: np.shape(v) == shape)
        if np.shape(second.value) != shape:
            return None
        condition = self.condition(scope)
        text = f"{first.wrapped} if {condition} else {second.wrapped}"
        value = first.value
        fresh = first.fresh and second.fresh
        return Expr(text, value, False, first.names | second.names, fresh)

    def scalar(self, scope: Scope) -> str:
        e = self.expr(scope, 1)
        form = pick(self.c, ["np.sum({a})", "np.mean({a})", "np.max({a})", "float(np.sum({a}))",
                             "np.sum({a} * {a})" if e.atom else "np.sum(np.square({a}))"])
        return form.format(a=e.text)

    def condition(self, scope: Scope) -> str:
        if "t" in scope.floats and chance(self.c, 20):
            return f"np.sum(t) > {pick(self.c, THRESHOLDS)}"
        if chance(self.c, 20):
            return f"{self.scalar(scope)} > {self.scalar(scope)}"
        op = pick(self.c, [">", "<", ">=", "<="])
        return f"{self.scalar(scope)} {op} {pick(self.c, THRESHOLDS)}"

    # ---- calls of registered rules (registry_ops.CASE_OPS) ----
    def case_ops(self, complex_result: bool) -> list[CaseOp]:
        kinks = self.features.kinks
        return [op for op in CASE_OPS if (kinks or not op.probe)
                and (not op.complex or self.features.complex)
                and (not op.name.startswith(".") or not op.probe
                     or op.name.strip(".()") in PROBED_METHODS)
                and (not complex_result or op.complex)]

    def adapt(self, e: Expr, shape: tuple[int, ...]) -> str:
        """``e``'s text as an array of ``shape`` (reshaped, cut or tiled)."""
        if np.shape(e.value) == shape:
            return e.text
        size, have = int(np.prod(shape)), int(np.size(e.value))
        if have == size:
            return f"np.reshape({e.text}, {shape})"
        flat = f"np.ravel({e.text})[:{size}]"
        if have < size:  # repeated, then shifted apart (order statistics need no ties)
            flat = f"np.tile(np.ravel({e.text}), {-(-size // have)})[:{size}] + " \
                f"0.37 * np.arange({size})"
        return f"np.reshape({flat}, {shape})"

    def complex_expr(self, scope: Scope, depth: int, shape: tuple[int, ...]) -> Expr:
        """A complex expression of ``shape``: a complex name, or built from real ones."""
        form = weighted(self.c, [("name", 4 if scope.complexes else 0), ("rotate", 2),
                                 ("pair", 1), ("phase", 1), ("call", 1 if depth > 0 else 0)])
        if form == "call":
            found = self.registry_call(scope, depth - 1, keep_complex=True)
            if found is not None and np.iscomplexobj(found.value):
                return self.adapted(scope, found, shape)
            form = "rotate"
        if form == "name":
            name = pick(self.c, scope.complexes)
            return self.adapted(scope, Expr(name, scope.ns[name], True, frozenset({name}),
                                            False), shape)
        first = self.adapted(scope, self.expr(scope, depth - 1), shape)
        if form == "rotate":
            text = f"({first.wrapped} * (0.6 - 0.8j) + 0.3j)"
        elif form == "phase":
            text = f"np.exp(1j * {first.wrapped})"
        else:
            second = self.adapted(scope, self.expr(scope, depth - 1), shape)
            text = f"({first.text} + 1j * {second.wrapped})"
        value = self.value_of(scope, text, {})
        return Expr(text, value, False, first.names, True)

    def adapted(self, scope: Scope, e: Expr, shape: tuple[int, ...]) -> Expr:
        text = self.adapt(e, shape)
        if text == e.text:
            return e
        return Expr(text, self.value_of(scope, text, {}), False, e.names, False)

    def case_operand(self, scope: Scope, depth: int, op: CaseOp, k: int) -> Expr | None:
        operand = op.operands[k]
        shape = operand.shape
        if operand.kind == "complex":
            return self.complex_expr(scope, depth, shape)

        def same(v: Any) -> bool:
            return np.shape(v) == shape

        e = self.adapted(scope, self.expr(scope, depth, prefer=same), shape)
        if operand.kind == "const":  # a fixed matrix of the case, perturbed around it
            fixed = dict(op.const_arrays)[k]
            wiggle = f"np.tanh({e.text})"
            if fixed.ndim >= 2 and fixed.shape[-1] == fixed.shape[-2] and \
                    np.allclose(fixed, np.swapaxes(fixed, -1, -2)):
                wiggle = f"({wiggle} + np.swapaxes({wiggle}, -1, -2))"
            text = f"({literal(fixed)} + 0.02 * {wiggle})"
        elif operand.kind == "matrix":
            text = f"(3.0 * np.eye({shape[-1]}) + 0.5 * np.tanh({e.text}))"
        else:
            text = SPEC_DOMAINS[operand.kind][0].format(a=e.wrapped)
        value = self.value_of(scope, text, {})
        return Expr(text, value, text == e.text and e.atom, e.names, False)

    def registry_call(self, scope: Scope, depth: int, keep_complex: bool = False) -> Expr | None:
        """A call of a registered rule drawn from its test cases, operands from ``scope``."""
        ops = self.case_ops(keep_complex)
        if not ops:
            return None
        callees = sorted({o.name for o in ops})  # each callee as likely, then one of its cases
        callee = pick(self.c, callees)
        op = pick(self.c, [o for o in ops if o.name == callee])
        operands = []
        for k in range(len(op.operands)):
            found = self.case_operand(scope, depth, op, k)
            if found is None:
                return None
            operands.append(found)
        text = op.template.format(**{f"o{k}": e.text for k, e in enumerate(operands)})
        stand_in = op.template.format(**{f"o{k}": f"_o{k}" for k in range(len(operands))})
        try:
            value = self.value_of(scope, stand_in,
                                  {f"_o{k}": e.value for k, e in enumerate(operands)})
        except Exception:
            return None
        if isinstance(value, (tuple, list)):  # (named) tuples, lists: one float array
            usable = [k for k, item in enumerate(value)
                      if np.asarray(item).dtype.kind in "fc"]
            if not usable:
                return None
            k = pick(self.c, usable)
            text, value = f"{text}[{k}]", value[k]
        if np.iscomplexobj(value) and not keep_complex:
            part = pick(self.c, ["np.real", "np.imag"])
            text, value = f"{part}({text})", getattr(np, part[3:])(value)
        if not isinstance(value, (np.ndarray, np.generic, float)) or np.size(value) > 48 \
                or np.ndim(value) > 3 or np.size(value) == 0:
            return None
        if np.asarray(value).dtype.kind not in ("fc" if keep_complex else "f"):
            return None
        if not np.all(np.isfinite(value)):
            return None
        names = frozenset().union(*(e.names for e in operands))
        return Expr(text, value, False, names, False)

    def complex_leaf(self, scope: Scope) -> Expr:
        """A real value read from a complex name."""
        name = pick(self.c, scope.complexes)
        form = pick(self.c, ["np.real({z})", "np.abs({z})", "{z}.imag", "np.abs({z}) ** 2",
                             "np.angle({z})", "({z} * np.conj({z})).real", "{z}.real"])
        text = form.format(z=name)
        return Expr(text, self.value_of(scope, text, {}), False, frozenset({name}), False)

    def complex_assign(self, out: list[str], scope: Scope, indent: int) -> bool:
        shapes = [np.shape(scope.ns[z]) for z in scope.complexes] + [pick(self.c, SHAPES)]
        e = self.complex_expr(scope, self.c.integer(1, 2), pick(self.c, shapes))
        if not np.iscomplexobj(e.value):
            return False
        name = self.fresh_name("z")
        line = f"{name} = {e.text}"
        self.run(scope, line)
        self.emit(out, scope, line, indent)
        if name not in scope.complexes:
            scope.complexes.append(name)
        return True

    # ---- issue-17 constructs: closures, lambdas, local defs, objects, *args ----
    def body_expr(self, params: dict[str, Any], outer: Scope | None = None,
                  depth: int = 2) -> Expr:
        """An expression over ``params`` (and, for code nested in ``f``, the names of
        ``outer``), for the body of a closure, lambda, method or local def."""
        ns = dict(outer.ns) if outer is not None else {}
        ns.update(params)
        floats = [n for n in (outer.floats if outer is not None else []) if n not in params]
        body = Scope(ns, floats + list(params), in_helper=True, depth=2)
        for _ in range(4):
            e = self.expr(body, depth)
            if e.names & set(params):
                return e
        return e

    def construct(self, out: list[str], scope: Scope, indent: int) -> bool:
        kind = weighted(self.c, [("factory", 3), ("lambda", 2), ("local_def", 2),
                                 ("object", 3), ("star_args", 2)])
        first = scope.unshared(self.expr(scope, self.c.integer(0, 1)))
        second = scope.unshared(self.expr(scope, self.c.integer(0, 1)))
        n = self.fresh_name("")
        if kind == "factory":
            body = self.body_expr({"p": first.value, "q": second.value})
            if chance(self.c, 40):
                source = f"def make{n}(p):\n    return lambda q: {body.text}\n"
            else:
                source = (f"def make{n}(p):\n    def step(q):\n        return {body.text}\n\n"
                          "    return step\n")
            self.define(source)
            if chance(self.c, 50):
                lines = [f"g{n} = make{n}({first.text})", f"v{n} = g{n}({second.text})"]
            else:
                lines = [f"v{n} = make{n}({first.text})({second.text})"]
        elif kind == "lambda":
            body = self.body_expr({"q": second.value}, scope)
            lines = [f"g{n} = lambda q: {body.text}", f"v{n} = g{n}({second.text})"]
        elif kind == "local_def":
            inner = self.body_expr({"q": second.value}, scope, depth=1)
            outer = self.body_expr({"q": second.value, "w": inner.value}, scope)
            lines = [f"def g{n}(q):", f"    w = {inner.text}", f"    return {outer.text}",
                     f"v{n} = g{n}({second.text})"]
        elif kind == "object":
            body = self.body_expr({"w": first.value, "q": second.value})
            method = pick(self.c, ["__call__", "apply"])
            source = (f"class Layer{n}:\n    def __init__(self, w):\n        self.w = w\n\n"
                      f"    def {method}(self, q):\n        w = self.w\n"
                      f"        return {body.text}\n")
            self.define(source)
            call = f"m{n}({second.text})" if method == "__call__" else \
                f"m{n}.apply({second.text})"
            lines = [f"m{n} = Layer{n}({first.text})", f"v{n} = {call}"]
        else:
            items = [first] + ([second] if np.shape(second.value) == np.shape(first.value)
                               and chance(self.c, 70) else [])
            body = self.body_expr({"p": first.value}, depth=1)
            source = (f"def total{n}(scale, *ps):\n    acc = 0.0\n    for p in ps:\n"
                      f"        acc = acc + scale * np.sum({body.text})\n    return acc\n")
            self.define(source)
            args = ", ".join(e.text for e in items)
            lines = [f"v{n} = total{n}({self.constant().text}, {args})"]
        world = {"np": np, **self.helper_ns, **scope.ns}  # nested code reads f's names
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            exec("\n".join(lines), world)
        value = world[f"v{n}"]
        if not isinstance(value, (np.ndarray, float, np.floating)) or \
                np.asarray(value).dtype.kind != "f" or np.size(value) > 48:
            return False
        for line in lines:
            self.emit(out, scope, line, indent)
        scope.ns[f"v{n}"] = value
        names = first.names | second.names
        self.bind(scope, f"v{n}", Expr(f"v{n}", value, True, names, False))
        return True

    def define(self, source: str) -> None:
        """A module-level definition (a factory, a class, a helper) placed before ``f``."""
        self.helpers.append(source)
        exec(source, self.helper_ns)

    # ---- statements ----
    def emit(self, out: list[str], scope: Scope, line: str, indent: int) -> None:
        out.append("    " * indent + line)

    def bind(self, scope: Scope, name: str, e: Expr) -> None:
        if name not in scope.floats:
            scope.floats.append(name)
        if e.fresh:
            scope.fresh.add(name)
            scope.aliases.pop(name, None)
        else:
            scope.fresh.discard(name)
            scope.aliases[name] = e.names
            if scope.tainted is not None:
                scope.tainted.add(name)

    def assign(self, out: list[str], scope: Scope, indent: int) -> None:
        e = scope.unshared(self.expr(scope, self.c.integer(1, 3)))
        name = self.fresh_name("v")
        self.emit(out, scope, f"{name} = {e.text}", indent)
        self.run(scope, f"{name} = {e.text}")
        self.bind(scope, name, e)

    def reassign(self, out: list[str], scope: Scope, indent: int) -> bool:
        targets = [n for n in scope.floats if n not in ("t",)]
        if not targets:
            return False
        name = pick(self.c, targets)
        target = scope.ns[name]
        shape = np.shape(target)

        def fits(v: Any) -> bool:
            try:
                return np.broadcast_shapes(np.shape(v), shape) == shape
            except ValueError:
                return False

        e = self.expr(scope, self.c.integer(0, 2), prefer=fits)
        if not fits(e.value):
            return False
        kind = weighted(self.c, [("template", 5), ("augmented", 2), ("plain", 1)])
        if kind == "augmented" and self.augmentable(scope, name):
            op = pick(self.c, AUGMENTED)
            rhs = e.text if op in ("+=", "-=") else (
                f"np.cos({e.text})" if op == "*=" else f"2.0 + np.sin({e.text})")
            line = f"{name} {op} {rhs}"
            fresh = name in scope.fresh
            if isinstance(target, np.ndarray) and scope.written is not None:
                scope.written.add(name)
        elif kind == "plain" and np.shape(e.value) == shape and e.fresh and e.text != name:
            line = f"{name} = {e.text}"
            fresh = True
        else:
            template = pick(self.c, REASSIGN)
            line = f"{name} = " + template.format(v=name, e=e.text, pe=e.wrapped)
            fresh = True
        before = scope.ns[name]
        self.run(scope, line)
        if np.shape(scope.ns[name]) != shape:
            scope.ns[name] = before  # keep the dummy world consistent; skip the statement
            return False
        self.emit(out, scope, line, indent)
        if fresh:
            scope.fresh.add(name)
            scope.aliases.pop(name, None)
        return True

    @staticmethod
    def augmentable(scope: Scope, name: str) -> bool:
        """``name op= e`` keeps numpy and autodiff in agreement: a writable array (updated in
        place), or a fresh number no other name shares (autodiff's in-place fence cannot tell
        a number from an array when it was passed in or copied from a name, and rejects
        ``v = c; v += 1.0``)."""
        if scope.writable(name):
            return True
        return not isinstance(scope.ns[name], np.ndarray) and name in scope.fresh and \
            not any(name in others for others in scope.aliases.values())

    def swap(self, out: list[str], scope: Scope, indent: int) -> bool:
        pairs = [(a, b) for a in scope.floats for b in scope.floats if a < b and a != "t"
                 and b != "t" and np.shape(scope.ns[a]) == np.shape(scope.ns[b])
                 and type(scope.ns[a]) is type(scope.ns[b])]
        if not pairs:
            return False
        a, b = pick(self.c, pairs)
        line = f"{a}, {b} = np.tanh({b}), {a} * 0.5"
        self.run(scope, line)
        self.emit(out, scope, line, indent)
        scope.fresh.update({a, b})
        scope.aliases.pop(a, None)
        scope.aliases.pop(b, None)
        return True

    def buffer(self, out: list[str], scope: Scope, indent: int) -> None:
        source = self.leaf(scope, prefer=lambda v: isinstance(v, np.ndarray) and v.ndim >= 1)
        shape = np.shape(source.value)
        form = pick(self.c, ["np.zeros({s})", "np.zeros_like({a})", "np.copy({a})", "{a}.copy()",
                             "np.ones({s})", "np.full({s}, 0.5)", "{a} * 1.0"])
        if not shape:
            shape = pick(self.c, [(3,), (2, 3), (4,)])
            form = "np.zeros({s})"
        text = form.format(s=str(shape), a=source.text)
        name = self.fresh_name("out")
        self.emit(out, scope, f"{name} = {text}", indent)
        self.run(scope, f"{name} = {text}")
        self.bind(scope, name, Expr(text, scope.ns[name], False, frozenset(), True))

    def write(self, out: list[str], scope: Scope, indent: int) -> bool:
        buffers = [n for n in scope.floats if scope.writable(n)]
        if not buffers:
            return False
        name = pick(self.c, buffers)
        shape = scope.ns[name].shape
        n = shape[0]
        indices = [str(self.c.integer(-n, n - 1)), f"{self.c.integer(0, n - 1)}:",
                   f":{self.c.integer(1, n)}", "...", "::2"]
        indices += [i for i, bound in scope.ints.items() if bound <= n]
        indices += [f"{i} - 1" for i, bound in scope.ints.items() if bound <= n]
        if len(shape) >= 2:
            indices += [f":, {self.c.integer(0, shape[1] - 1)}",
                        f"{self.c.integer(0, n - 1)}, 1:"]
        if n >= 2:
            first, second = self.c.integer(0, n - 1), self.c.integer(0, n - 1)
            indices.append(f"[{first}, {second}]")
        index = pick(self.c, indices)
        target_shape = np.shape(scope.ns[name][eval(f"np.s_[{index}]", {"np": np}, scope.ns)])

        def fits(v: Any) -> bool:
            try:
                return np.broadcast_shapes(np.shape(v), target_shape) == target_shape
            except ValueError:
                return False

        if chance(self.c, 15):
            mask_source = [m for m in scope.floats if np.shape(scope.ns[m]) == shape]
            mask = pick(self.c, mask_source)
            line = f"{name}[{mask} > {pick(self.c, THRESHOLDS)}] = {self.constant().text}"
        else:
            e = self.expr(scope, self.c.integer(0, 2), prefer=fits)
            if not fits(e.value):
                return False
            op = pick(self.c, ["=", "=", "+=", "*="])
            line = f"{name}[{index}] {op} {e.text}"
        self.run(scope, line)
        self.emit(out, scope, line, indent)
        self.writes = True
        if scope.written is not None:
            scope.written.add(name)
        return True

    def append(self, out: list[str], scope: Scope, indent: int) -> bool:
        if not scope.lists:
            return False
        name = pick(self.c, scope.lists)
        shape = np.shape(scope.ns[name][0]) if scope.ns[name] else None
        e = self.expr(scope, 1, prefer=lambda v: shape is None or np.shape(v) == shape)
        if shape is not None and np.shape(e.value) != shape:
            return False
        text = e.text if e.fresh else f"np.copy({e.text})"
        line = f"{name}.append({text})"
        self.run(scope, line)
        self.emit(out, scope, line, indent)
        return True

    def statement(self, out: list[str], scope: Scope, indent: int, budget: list[int]) -> None:
        f = self.features
        nested = scope.depth < 2 and budget[0] > 1
        kinds = [("assign", 6), ("reassign", 5), ("swap", 1)]
        if f.writes:
            kinds += [("buffer", 2 if scope.depth == 0 else 0), ("write", 4)]
        if f.branches and nested:
            kinds += [("if", 3)]
        if f.loops and nested:
            kinds += [("for", 3), ("while", 2), ("list", 1 if scope.depth == 0 else 0)]
        if f.calls and not scope.in_helper:
            kinds += [("call", 4)]
        if f.constructs and not scope.in_helper:
            kinds += [("construct", 3)]
        if f.complex and not scope.in_helper:
            kinds += [("complex", 2 if scope.complexes else 1)]
        if scope.innermost in ("for", "while"):
            kinds += [("jump", 2)]
        if f.branches and not scope.in_helper and scope.depth > 0:
            kinds += [("return", 1)]
        kind = weighted(self.c, [k for k in kinds if k[1] > 0])
        budget[0] -= 1
        done = True
        if kind == "assign":
            self.assign(out, scope, indent)
        elif kind == "reassign":
            done = self.reassign(out, scope, indent)
        elif kind == "swap":
            done = self.swap(out, scope, indent)
        elif kind == "buffer":
            self.buffer(out, scope, indent)
        elif kind == "write":
            done = self.write(out, scope, indent)
        elif kind == "if":
            self.if_block(out, scope, indent, budget)
        elif kind == "for":
            self.for_block(out, scope, indent, budget)
        elif kind == "while":
            self.while_block(out, scope, indent, budget)
        elif kind == "list":
            done = self.list_loop(out, scope, indent, budget)
        elif kind == "call":
            done = self.call(out, scope, indent)
        elif kind == "construct":
            done = self.construct(out, scope, indent)
        elif kind == "complex":
            done = self.complex_assign(out, scope, indent)
        elif kind == "jump":
            # `continue` in a while loop would skip the counter's increment
            keyword = "break" if scope.innermost == "while" else pick(self.c, ["break",
                                                                              "continue"])
            self.emit(out, scope, f"if {self.condition(scope)}:", indent)
            self.emit(out, scope, f"    {keyword}", indent)
        elif kind == "return":
            self.emit(out, scope, f"if {self.condition(scope)}:", indent)
            self.emit(out, scope, f"    {self.return_line(scope)}", indent)
        if not done:
            self.assign(out, scope, indent)

    def block(self, out: list[str], scope: Scope, indent: int, budget: list[int],
              count: int) -> None:
        start = len(out)
        for _ in range(count):
            self.statement(out, scope, indent, budget)
        if len(out) == start:
            self.assign(out, scope, indent)

    def reassign_only(self, out: list[str], scope: Scope, indent: int, budget: list[int],
                      count: int) -> None:
        """A block body: statements that leave only names visible before the block."""
        child = scope.child()
        self.block(out, child, indent, budget, count)
        self.merge(scope, child)

    def merge(self, scope: Scope, child: Scope) -> None:
        """After a block: names bound inside it die with it; an outer name stays fresh only if
        it is fresh on every path, and keeps every alias any path gave it."""
        scope.fresh &= child.fresh
        for name, others in child.aliases.items():
            if name in scope.floats:
                scope.aliases[name] = scope.aliases.get(name, frozenset()) | others

    def if_block(self, out: list[str], scope: Scope, indent: int, budget: list[int]) -> None:
        self.emit(out, scope, f"if {self.condition(scope)}:", indent)
        self.reassign_only(out, scope, indent + 1, budget, self.c.integer(1, 3))
        while chance(self.c, 25):
            self.emit(out, scope, f"elif {self.condition(scope)}:", indent)
            self.reassign_only(out, scope, indent + 1, budget, self.c.integer(1, 2))
        if chance(self.c, 60):
            self.emit(out, scope, "else:", indent)
            self.reassign_only(out, scope, indent + 1, budget, self.c.integer(1, 2))

    def loop_body(self, out: list[str], scope: Scope, indent: int, budget: list[int],
                  bindings: dict[str, Any], ints: dict[str, int],
                  source: frozenset[str] = frozenset()) -> None:
        child = scope.child("for")
        child.ns.update(bindings)
        for name in bindings:
            if name not in ints and name not in child.floats:
                child.floats.append(name)
                child.aliases[name] = source  # a row is a view of the array iterated over
                if child.tainted is not None:
                    child.tainted.add(name)
        child.ints.update(ints)
        self.block(out, child, indent + 1, budget, self.c.integer(1, 3))
        self.merge(scope, child)
        for name in ints:
            scope.ns.pop(name, None)

    def for_block(self, out: list[str], scope: Scope, indent: int, budget: list[int]) -> None:
        arrays = [n for n in scope.floats if isinstance(scope.ns[n], np.ndarray)
                  and scope.ns[n].ndim >= 1 and not scope.writable(n)
                  and n not in (scope.written or ())]
        form = weighted(self.c, [("range", 6), ("rows", 2 if arrays else 0),
                                 ("enumerate", 1 if arrays else 0), ("zip", 1 if arrays else 0),
                                 ("reversed", 1)])
        index = self.fresh_name("i")
        if form in ("range", "reversed"):
            stop = self.c.integer(1, 4)
            start = pick(self.c, [0, 0, 1]) if stop > 1 else 0
            bound = stop
            header = f"range({stop})" if start == 0 else f"range({start}, {stop})"
            if form == "reversed":
                header = f"reversed({header})"
            self.emit(out, scope, f"for {index} in {header}:", indent)
            self.loop_body(out, scope, indent, budget, {index: 0}, {index: bound})
            return
        source = pick(self.c, arrays)
        row = self.fresh_name("r")
        first = scope.ns[source][0]
        if form == "rows":
            self.emit(out, scope, f"for {row} in {source}:", indent)
            self.loop_body(out, scope, indent, budget, {row: first}, {}, frozenset({source}))
        elif form == "enumerate":
            n = scope.ns[source].shape[0]
            self.emit(out, scope, f"for {index}, {row} in enumerate({source}):", indent)
            self.loop_body(out, scope, indent, budget, {index: 0, row: first}, {index: n},
                           frozenset({source}))
        else:
            same = [n for n in arrays if scope.ns[n].shape[0] == scope.ns[source].shape[0]]
            other = pick(self.c, same)
            row2 = self.fresh_name("r")
            self.emit(out, scope, f"for {row}, {row2} in zip({source}, {other}):", indent)
            self.loop_body(out, scope, indent, budget,
                           {row: first, row2: scope.ns[other][0]}, {},
                           frozenset({source, other}))

    def while_block(self, out: list[str], scope: Scope, indent: int, budget: list[int]) -> None:
        counter = self.fresh_name("k")
        stop = self.c.integer(1, 4)
        self.emit(out, scope, f"{counter} = 0", indent)
        if self.features.branches and chance(self.c, 30):
            self.emit(out, scope, f"while {counter} < {stop} and {self.condition(scope)}:",
                      indent)
        else:
            self.emit(out, scope, f"while {counter} < {stop}:", indent)
        child = scope.child("while")
        child.ns[counter] = 0
        child.ints[counter] = stop
        self.block(out, child, indent + 1, budget, self.c.integer(1, 3))
        self.merge(scope, child)
        step = pick(self.c, [f"{counter} = {counter} + 1", f"{counter} += 1"])
        self.emit(out, scope, "    " + step, indent)
        scope.ns.pop(counter, None)

    def list_loop(self, out: list[str], scope: Scope, indent: int, budget: list[int]) -> bool:
        name = self.fresh_name("hs")
        self.emit(out, scope, f"{name} = []", indent)
        scope.ns[name] = []
        scope.lists.append(name)
        index = self.fresh_name("i")
        stop = self.c.integer(1, 4)
        self.emit(out, scope, f"for {index} in range({stop}):", indent)
        child = scope.child("list")  # no break/continue: the list gets exactly `stop` items
        child.ns[index] = 0
        child.ints[index] = stop
        self.append(out, child, indent + 1)  # the only append: `stop` items in the end
        child.lists = []
        self.block(out, child, indent + 1, budget, self.c.integer(0, 2))
        self.merge(scope, child)
        scope.lists.remove(name)
        scope.ns.pop(index, None)
        item = scope.ns[name][0]
        scope.ns[name] = [item] * stop
        join = pick(self.c, ["np.stack({l})", "np.sum(np.stack({l}), axis=0)", "sum({l})"]
                    + (["np.concatenate({l})"] if np.ndim(item) >= 1 else []))
        result = self.fresh_name("v")
        line = f"{result} = " + join.format(l=name)
        self.run(scope, line)
        self.emit(out, scope, line, indent)
        self.bind(scope, result, Expr("", scope.ns[result], False, frozenset(), True))
        return True

    def call(self, out: list[str], scope: Scope, indent: int) -> bool:
        if self.helper_info and chance(self.c, 30):
            # call an existing helper again: the same compiled unit with other values
            name = pick(self.c, list(self.helper_info))
            params, dummies, _ = self.helper_info[name]
            def like(v: Any, d: Any) -> bool:
                return type(v) is type(d) and np.shape(v) == np.shape(d)

            args = [self.expr(scope, 0, prefer=lambda v, d=d: like(v, d)) for d in dummies]
            if not all(like(a.value, d) for a, d in zip(args, dummies, strict=True)):
                return False
        else:
            args = [self.expr(scope, self.c.integer(0, 1)) for _ in range(self.c.integer(1, 3))]
            name, params = self.helper([a.value for a in args])
        args = [scope.unshared(a) for a in args]
        texts = [a.text for a in args]
        if len(texts) >= 2 and chance(self.c, 25):
            texts[-1] = f"{params[len(texts) - 1]}={texts[-1]}"
        call = f"{name}({', '.join(texts)})"
        outputs = self.helper_info[name][2]
        targets = [self.fresh_name("v") for _ in range(outputs)]
        if outputs > 1 and chance(self.c, 20):
            pair = self.fresh_name("t")
            lines = [f"{pair} = {call}"] + [f"{t} = {pair}[{k}]" for k, t in enumerate(targets)]
        else:
            lines = [f"{', '.join(targets)} = {call}"]
        for line in lines:
            self.run(scope, line)
            self.emit(out, scope, line, indent)
        names = frozenset().union(*(a.names for a in args))
        for target in targets:  # a helper may return (a view of) its argument
            self.bind(scope, target, Expr(target, scope.ns[target], True, names, False))
        return True

    def helper(self, values: list[Any]) -> tuple[str, list[str]]:
        """Write a new helper taking arguments like ``values``; returns its name and params."""
        name = f"h{len(self.helper_info)}"
        params = [f"p{k}" for k in range(len(values))]
        ns = dict(zip(params, values, strict=True))
        scope = Scope(ns, list(params), in_helper=True, depth=1)
        out: list[str] = []
        budget = [self.c.integer(1, 4)]
        while budget[0] > 0:
            self.statement(out, scope, 1, budget)
        outputs = weighted(self.c, [(1, 2), (2, 2), (3, 1)])
        results = [self.expr(scope, 1) for _ in range(outputs)]
        out.append("    return " + ", ".join(r.text for r in results))
        source = f"def {name}({', '.join(params)}):\n" + "\n".join(out) + "\n"
        self.helpers.append(source)
        exec(source, self.helper_ns)
        self.helper_info[name] = (params, values, outputs)
        return name, params

    def unpack(self, body: list[str], scope: Scope, item: Input) -> None:
        """Read the arrays of a container parameter into names, as users write it."""
        keys = [key for key, _ in item.fields]
        names = [f"{item.name}_{key}" for key in keys]
        if item.container == "dict":
            lines = [f"{name} = {item.name}[{key!r}]" for name, key in zip(names, keys,
                                                                           strict=True)]
        elif chance(self.c, 50):
            lines = [f"{', '.join(names)} = {item.name}"]
        else:
            lines = [f"{name} = {item.name}[{k}]" for k, name in enumerate(names)]
        for line in lines:
            self.emit(body, scope, line, 1)
        for name, (_, shape) in zip(names, item.fields, strict=True):
            scope.ns[name] = np.full(shape, 0.5)
            scope.floats.append(name)
            scope.aliases[name] = frozenset({item.name})  # the caller's array: never written

    def return_line(self, scope: Scope) -> str:
        """``return`` of ``self.outputs`` leaves that use the most recent names."""
        recent = [n for n in scope.floats if n != "t"][-4:][::-1]
        leaves = []
        for _ in range(self.outputs):
            kind = weighted(self.c, [("sum", 4), ("name", 2), ("expr", 2)])
            if kind == "sum" and recent:
                count = self.c.integer(1, min(3, len(recent)))
                terms = []
                for name in recent[:count]:
                    form = pick(self.c, ["np.sum({n})", "np.mean({n} ** 2)", "np.sum(np.sin({n}))"])
                    terms.append(form.format(n=name))
                leaves.append(" + ".join(terms))
            elif kind == "name" and recent:
                leaves.append(recent[self.c.integer(0, len(recent) - 1)])
            else:
                e = self.expr(scope, 1)
                leaves.append(pick(self.c, ["{a}", "np.sum({a})", "{p} * 2.0"]).format(
                    a=e.text, p=e.wrapped))
        return "return " + ", ".join(leaves)

    # ---- the program ----
    def program(self) -> Program:
        c = self.c
        inputs: list[Input] = []
        for k in range(c.integer(1, 3)):
            inputs.append(Input(f"x{k}", pick(c, SHAPES)))
        if chance(c, 30):
            inputs.append(Input("c", None))
        if chance(c, 20):
            inputs.append(Input("t", pick(c, [None, (3,)]), role="const"))
        if self.features.complex and chance(c, 25):
            inputs.append(Input("z0", pick(c, SHAPES), dtype="complex"))
        if self.features.constructs and chance(c, 25):
            kind = pick(c, ["tuple", "list", "dict"])
            keys = ("w", "b", "s")[:c.integer(2, 3)]
            inputs.append(Input("params", None, container=kind,
                                fields=tuple((key, pick(c, SHAPES)) for key in keys)))
        candidates = [k for k, item in enumerate(inputs) if item.role == "diff"]
        wrt = [k for k in candidates if not chance(c, 25)] or [candidates[0]]
        if len(wrt) > 1 and chance(c, 20):
            wrt.reverse()
        seed = c.integer(0, 2**31 - 1)
        self.outputs = weighted(c, [(1, 6), (2, 3), (3, 1)])
        ns: dict[str, Any] = {}
        scope = Scope(ns, [])
        body: list[str] = []
        for item in inputs:
            if item.container:
                self.unpack(body, scope, item)
            elif item.dtype == "complex":
                ns[item.name] = np.full(item.shape, 0.5 + 0.5j)
                scope.complexes.append(item.name)
            else:
                ns[item.name] = 0.5 if item.shape is None else np.full(item.shape, 0.5)
                scope.floats.append(item.name)
        budget = [c.integer(1, self.features.statements)]
        while budget[0] > 0:
            self.statement(body, scope, 1, budget)
        body.append("    " + self.return_line(scope))
        params = ", ".join(item.name for item in inputs)
        source = "".join(h + "\n\n" for h in self.helpers)
        source += f"def f({params}):\n" + "\n".join(body) + "\n"
        if "math." in source:
            source = "import math\n\n\n" + source
        return Program(source, tuple(inputs), tuple(wrt), seed, self.family, self.writes)


def generate(chooser: Chooser, family: str = "mixed") -> Program:
    """A random valid program of ``family`` (one of ``FAMILIES``)."""
    return _Generator(chooser, family).program()


def programs(family: str = "mixed") -> Any:
    """The hypothesis strategy of programs of ``family``."""
    from hypothesis import strategies as st

    @st.composite
    def strategy(draw: Callable[[Any], Any]) -> Program:
        return generate(DrawChooser(draw), family)

    return strategy()
