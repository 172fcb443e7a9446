"""Check one generated program: autodiff's gradient against central finite differences in
float64, against autograd (where installed and applicable) and against autodiff's own forward
mode; the value ``value_and_grad`` returns against the program's; the inputs left untouched.

Programs may contain kinks (``np.max``, ``np.abs``, ``np.maximum``, ``np.clip``), jumps
(``np.mod``/``%``, ``np.fmod``, ``np.modf``, ``np.copysign``, ``np.heaviside``) and branches
on data. Before differentiating, the oracle runs a *probed* copy of the program (the same source
with every comparison and non-smooth call wrapped, see ``probe_source``) that records how far
each one is from its kink or threshold; inputs closer than ``MARGIN`` are skipped, so a finite
difference never straddles a kink. Inputs whose values overflow or grow huge are skipped too.

The program is registered in ``linecache`` under a pseudo-filename so that autodiff can read
its source; the entry is removed when the check ends.
"""

from __future__ import annotations

import ast
import itertools
import linecache
import operator
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autodiff

from .generator import Program
from .registry_ops import PROBES

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-6  # times max(1, largest finite-difference gradient)
MARGIN = 1e-3  # skip inputs this close to a kink or branch threshold
HUGE = 1e5  # skip programs whose outputs exceed this
AUTOGRAD_RTOL = 1e-7
FORWARD_RTOL = 1e-7

_counter = itertools.count(1)


@dataclass(frozen=True)
class Outcome:
    """``status``: "ok", "skip" (not checkable at these inputs), "fail" (a compiler bug or a
    wrong gradient), "known" (a failure matching one of ``KNOWN_BUGS``; ``kind`` names it), or
    "invalid" (numpy itself rejects the program: a generator bug)."""

    status: str
    kind: str = ""
    detail: str = ""
    autograd: bool = False  # whether autograd was compared

    def describe(self, program: Program) -> str:
        args = program.make_args()
        inputs = ", ".join(f"{item.name}: {describe_input(item)}" for item in program.inputs)
        return (f"{self.status} ({self.kind}): {self.detail}\n"
                f"grad_position={program.wrt}, seed={program.seed}, inputs {inputs}\n"
                f"args = {_short(args)}\n--- program ---\n{program.source}")


def describe_input(item: Any) -> str:
    if item.container:
        return f"{item.container} of {dict(item.fields)}"
    kind = "float" if item.shape is None else item.shape
    return f"complex {kind}" if item.dtype == "complex" else str(kind)


def _short(value: Any) -> str:
    with np.printoptions(precision=17, threshold=64):
        return repr(value)


# ---- probes: how far is each kink and threshold? ----------------------------------------------

_COMPARE = {ast.Gt: "gt", ast.Lt: "lt", ast.GtE: "ge", ast.LtE: "le", ast.Eq: "eq",
            ast.NotEq: "ne"}
_PROBED_NP = {"max", "min", "amax", "amin", "maximum", "minimum", "fmax", "fmin", "abs",
              "absolute", "fabs", "clip", "std", "sign", "mod", "remainder", "fmod", "divmod",
              "modf", "copysign", "heaviside"}
_PROBED_BUILTINS = {"abs", "max", "min", "divmod"}
_PROBED_METHODS = {"max", "min", "clip", "std"}


class _Probe(ast.NodeTransformer):
    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
            return node
        return ast.Call(ast.Name("_probe_compare", ast.Load()),
                        [node.left, node.comparators[0],
                         ast.Constant(_COMPARE[type(node.ops[0])])], [])

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Mod):
            return node
        return ast.Call(ast.Name("_probe_mod", ast.Load()), [node.left, node.right], [])

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        name = None
        args = list(node.args)
        if isinstance(func, ast.Attribute):
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id == "np":
                name = func.attr if func.attr in _PROBED_NP else None
            elif isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name) and \
                    owner.value.id == "np":
                name = "norm" if owner.attr == "linalg" and func.attr == "norm" else None
            elif func.attr in _PROBED_METHODS:  # x.max(...) -> _probe_max(x, ...)
                name = func.attr
                args = [owner, *args]
        elif isinstance(func, ast.Name) and func.id in _PROBED_BUILTINS:
            name = "builtin_" + func.id
        if name is None:
            dotted = _dotted(func)
            if dotted is None or not dotted.startswith("np."):
                return node
            # any other numpy call: ties of order statistics, grids, complex branch cuts
            kind = ast.Constant(PROBES.get(dotted, ""))
            return ast.Call(ast.Name("_probe_call", ast.Load()), [func, kind, *args],
                            node.keywords)
        return ast.Call(ast.Name(f"_probe_{name}", ast.Load()), args, node.keywords)


def _dotted(node: ast.expr) -> str | None:
    """``np.linalg.norm`` for the attribute chain ``np.linalg.norm``, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return None if owner is None else f"{owner}.{node.attr}"
    return None


def probe_source(source: str) -> str:
    """``source`` with comparisons and non-smooth calls routed through ``_probe_*`` recorders."""
    tree = _Probe().visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree))


def _is_float(value: Any) -> bool:
    if isinstance(value, (float, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"


def probes(margins: list[tuple[float, str]]) -> dict[str, Callable[..., Any]]:
    """The ``_probe_*`` functions, recording (distance to a kink, what) into ``margins``."""

    def record(distance: Any) -> None:
        distance = np.asarray(distance, dtype=np.float64)
        if distance.size:
            caller = traceback.extract_stack(limit=3)[0]
            margins.append((float(np.min(distance)), f"line {caller.lineno}: {caller.line}"))

    def compare(a: Any, b: Any, op: str) -> Any:
        if _is_float(a) or _is_float(b):
            record(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)))
        return getattr(operator, op)(a, b)

    def gap(x: Any, axis: Any, largest: bool) -> None:
        a = np.asarray(x, dtype=np.float64)
        if axis is None:
            a, axis = a.reshape(-1), 0
        if isinstance(axis, tuple):
            return record(0.0)  # not generated; be conservative
        a = np.moveaxis(a, axis, -1)
        if a.shape[-1] >= 2:
            s = np.sort(a, axis=-1)
            record(s[..., -1] - s[..., -2] if largest else s[..., 1] - s[..., 0])
        return None

    def reduction(function: Callable[..., Any], largest: bool) -> Callable[..., Any]:
        def probed(a: Any, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
            gap(a, axis, largest)
            return function(a, axis, *args, **kwargs)

        return probed

    def pairwise(function: Callable[..., Any]) -> Callable[..., Any]:
        def probed(a: Any, b: Any, *args: Any, **kwargs: Any) -> Any:
            record(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)))
            return function(a, b, *args, **kwargs)

        return probed

    def absolute(function: Callable[..., Any]) -> Callable[..., Any]:
        def probed(x: Any, *args: Any, **kwargs: Any) -> Any:
            record(np.abs(np.asarray(x, np.float64)))
            return function(x, *args, **kwargs)

        return probed

    def clip(x: Any, *args: Any, **kwargs: Any) -> Any:
        for bound in (*args[:2], kwargs.get("min"), kwargs.get("max"), kwargs.get("a_min"),
                      kwargs.get("a_max")):
            if bound is not None:
                record(np.abs(np.asarray(x, np.float64) - np.asarray(bound, np.float64)))
        return np.clip(x, *args, **kwargs)

    def remainder(function: Callable[..., Any]) -> Callable[..., Any]:
        def probed(a: Any, b: Any, *args: Any, **kwargs: Any) -> Any:
            x1, x2 = np.asarray(a, np.float64), np.asarray(b, np.float64)
            record(np.abs(x1 - np.round(x1 / x2) * x2))  # the jumps: multiples of x2
            return function(a, b, *args, **kwargs)

        return probed

    def fractional(x: Any, *args: Any, **kwargs: Any) -> Any:
        record(np.abs(np.asarray(x, np.float64) - np.round(x)))  # jumps at the integers
        return np.modf(x, *args, **kwargs)

    def signs(function: Callable[..., Any]) -> Callable[..., Any]:
        def probed(a: Any, b: Any, *args: Any, **kwargs: Any) -> Any:
            record(np.abs(np.asarray(a, np.float64)))  # |x1| kinks, heaviside jumps at 0
            if function is np.copysign:
                record(np.abs(np.asarray(b, np.float64)))  # the sign of x2 flips at 0
            return function(a, b, *args, **kwargs)

        return probed

    def smallest_value(function: Callable[..., Any]) -> Callable[..., Any]:
        def probed(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            record(result)
            return result

        return probed

    def builtin(function: Callable[..., Any]) -> Callable[..., Any]:
        def probed(*args: Any, **kwargs: Any) -> Any:
            values = args if len(args) > 1 else list(args[0])
            if len(values) >= 2 and function in (max, min):
                flat = np.sort(np.asarray([float(v) for v in values]))
                record(flat[-1] - flat[-2] if function is max else flat[1] - flat[0])
            return function(*args, **kwargs)

        return probed

    def gaps(values: np.ndarray) -> None:
        flat = np.sort(values.reshape(-1))
        if flat.size >= 2:
            record(np.diff(flat))

    def generic(function: Callable[..., Any], kind: str, *args: Any, **kwargs: Any) -> Any:
        numbers = [np.asarray(leaf) for leaf in leaves((args, kwargs))
                   if isinstance(leaf, (np.ndarray, np.generic, float, complex))]
        real = [a.astype(np.float64).reshape(-1) for a in numbers if a.dtype.kind == "f"]
        for z in (a for a in numbers if a.dtype.kind == "c"):
            record(np.abs(z))  # |z| and angle(z) are not smooth at 0
            record(np.where(z.real < 0, np.abs(z.imag), np.inf))  # log, sqrt, angle: the cut
        if real and kind in ("order", "order_abs"):
            gaps(np.concatenate(real))  # a tie of any two operands' elements
        if real and kind == "order_abs":
            gaps(np.abs(np.concatenate(real)))
            record(np.abs(np.concatenate(real)))
        if real and kind == "grid":
            values = np.concatenate(real)
            record(np.abs(values - np.round(2 * values) / 2))
        return function(*args, **kwargs)

    return {
        "_probe_call": generic,
        "_probe_compare": compare,
        "_probe_max": reduction(np.max, True), "_probe_amax": reduction(np.max, True),
        "_probe_min": reduction(np.min, False), "_probe_amin": reduction(np.min, False),
        "_probe_maximum": pairwise(np.maximum), "_probe_minimum": pairwise(np.minimum),
        "_probe_fmax": pairwise(np.fmax), "_probe_fmin": pairwise(np.fmin),
        "_probe_abs": absolute(np.abs), "_probe_absolute": absolute(np.abs),
        "_probe_sign": absolute(np.sign), "_probe_builtin_abs": absolute(abs),
        "_probe_clip": clip, "_probe_std": smallest_value(np.std),
        "_probe_norm": smallest_value(np.linalg.norm),
        "_probe_builtin_max": builtin(max), "_probe_builtin_min": builtin(min),
        "_probe_builtin_divmod": remainder(divmod),
        "_probe_fabs": absolute(np.fabs), "_probe_mod": remainder(np.mod),
        "_probe_remainder": remainder(np.remainder), "_probe_fmod": remainder(np.fmod),
        "_probe_divmod": remainder(np.divmod), "_probe_modf": fractional,
        "_probe_copysign": signs(np.copysign), "_probe_heaviside": signs(np.heaviside),
    }


# ---- loading -----------------------------------------------------------------------------------


class Loaded:
    """A program's module registered in linecache (so autodiff can read it) and executed."""

    def __init__(self, source: str, namespace: dict[str, Any] | None = None) -> None:
        self.filename = f"<fuzz program {next(_counter)}>"
        self.source = source
        linecache.cache[self.filename] = (len(source), None, source.splitlines(True),
                                          self.filename)
        self.namespace: dict[str, Any] = {"np": np, "__name__": "fuzz_program",
                                          **(namespace or {})}
        exec(compile(source, self.filename, "exec"), self.namespace)
        self.fn = self.namespace["f"]

    def close(self) -> None:
        linecache.cache.pop(self.filename, None)


# ---- numerics ----------------------------------------------------------------------------------


def leaves(value: Any) -> list[Any]:
    """The arrays and numbers of a value (tuples, lists and dicts walked in order)."""
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in leaves(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    return [value]


def tree_map(function: Callable[..., Any], value: Any, *others: Any) -> Any:
    """``function`` applied to the leaves of ``value`` (and the matching leaves of ``others``),
    in ``value``'s structure."""
    if isinstance(value, dict):
        return {k: tree_map(function, v, *(o[k] for o in others)) for k, v in value.items()}
    if isinstance(value, (tuple, list)) and not hasattr(value, "_fields"):
        return type(value)(tree_map(function, v, *(o[k] for o in others))
                           for k, v in enumerate(value))
    return function(value, *others)


def total(value: Any) -> float:
    """What the gradient differentiates: the sum of every element of every output."""
    return float(sum(np.sum(np.asarray(leaf, dtype=np.float64)) for leaf in leaves(value)))


def copy_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(tree_map(lambda a: a.copy() if isinstance(a, np.ndarray) else a, arg)
                 for arg in args)


def _leaf_differences(at: Callable[[Any], float], x: Any, eps: float) -> Any:
    """Central differences of ``at`` w.r.t. every element of one array or number ``x``; for a
    complex ``x``, ``d/d re - i d/d im`` (the convention of docs/complex.md)."""
    if not isinstance(x, np.ndarray):
        slope = (at(x + eps) - at(x - eps)) / (2 * eps)
        if np.iscomplexobj(x):
            slope = slope - 1j * (at(x + 1j * eps) - at(x - 1j * eps)) / (2 * eps)
        return slope
    grad = np.zeros_like(x)
    steps = (eps, 1j * eps) if np.iscomplexobj(x) else (eps,)
    for k in range(x.size):
        for step in steps:
            plus, minus = x.copy(), x.copy()
            plus.flat[k] += step
            minus.flat[k] -= step
            slope = (at(plus) - at(minus)) / (2 * eps)
            grad.flat[k] += slope if step == eps else -1j * slope
    return grad


def _tree_differences(at: Callable[[Any], float], x: Any, eps: float) -> Any:
    if isinstance(x, dict):
        return {k: _tree_differences(lambda v, k=k: at({**x, k: v}), item, eps)
                for k, item in x.items()}
    if isinstance(x, (tuple, list)):
        def replaced(k: int, v: Any) -> Any:
            items = list(x)
            items[k] = v
            return type(x)(items)

        return type(x)(_tree_differences(lambda v, k=k: at(replaced(k, v)), item, eps)
                       for k, item in enumerate(x))
    return _leaf_differences(at, x, eps)


def finite_differences(fn: Callable[..., Any], args: tuple[Any, ...], position: int,
                       eps: float = EPS) -> Any:
    """Central differences of ``total(fn(*args))`` w.r.t. every element of ``args[position]``
    (an array, a number, or a tuple/list/dict of them)."""

    def at(arg: Any) -> float:
        moved = list(copy_args(args))
        moved[position] = arg
        return total(fn(*moved))

    return _tree_differences(at, args[position], eps)


def accurate_differences(fn: Callable[..., Any], args: tuple[Any, ...], position: int,
                         h: float = 1e-3) -> Any:
    """Fourth-order central differences (error ~h**4): the referee when autodiff and autograd
    disagree by more than their rounding but both pass the plain finite-difference check."""
    steps = {k: finite_differences(fn, args, position, eps=k * h) for k in (1, 2)}
    return tree_map(lambda one, two: (4 * np.asarray(one) - np.asarray(two)) / 3, steps[1],
                    steps[2])


def _as_numbers(value: Any) -> np.ndarray:
    array = np.asarray(value)
    return array.astype(np.complex128 if np.iscomplexobj(array) else np.float64)


def _close(got: Any, expected: Any, scale: float, rtol: float = RTOL,
           atol: float = ATOL) -> bool:
    got_leaves, expected_leaves = leaves(got), leaves(expected)
    if len(got_leaves) != len(expected_leaves):
        return False
    for got_leaf, expected_leaf in zip(got_leaves, expected_leaves, strict=True):
        got_array = _as_numbers(got_leaf)
        if got_array.shape != np.shape(expected_leaf):
            return False
        if np.iscomplexobj(got_array) and not np.iscomplexobj(expected_leaf):
            return False  # a real input's gradient is real (docs/complex.md)
        if not np.allclose(got_array, expected_leaf, rtol=rtol, atol=atol * scale):
            return False
    return True


def largest(value: Any) -> float:
    """The largest magnitude of any element of ``value``'s leaves (0 if none)."""
    return max([0.0] + [float(np.max(np.abs(leaf))) for leaf in leaves(value)
                        if np.size(leaf)])


def _values_equal(got: Any, expected: Any) -> bool:
    got_leaves, expected_leaves = leaves(got), leaves(expected)
    if len(got_leaves) != len(expected_leaves):
        return False
    return all(np.shape(g) == np.shape(e) and np.allclose(g, e, rtol=1e-10, atol=1e-12)
               for g, e in zip(got_leaves, expected_leaves, strict=True))


def _inputs_equal(args: tuple[Any, ...], before: tuple[Any, ...]) -> bool:
    return all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
               for a, b in zip(leaves(args), leaves(before), strict=True))


# ---- known compiler bugs -----------------------------------------------------------------------
# Each is reported (see tests/programs/regressions.py for its minimal program). A failure that
# matches one is classified "known" rather than "fail", so that the quick profile stays green
# and the long profile separates new bugs from old ones. Remove an entry when its bug is fixed
# (its strict xfail regression test will say so).


@dataclass(frozen=True)
class KnownBug:
    name: str
    summary: str
    matches: Callable[[Program, Outcome], bool]


# Fixed since (their recognizers are gone, their programs stay in tests/programs/regressions.py):
# dead reads of an input in a loop (UnboundLocalError 'd<input>'), `for r in x` rebinding x,
# `x = x` in a loop, element writes under nested ifs rejected, `s += 1.0` on an aliased number
# rejected, forward mode reading '<param>_dot' of a helper parameter before assigning it,
# writes into fancy-indexed copies rejected, and the in-place fence's false rejections (a name
# rebound inside a loop, elements of one tuple, a write after `return v` in a loop).
KNOWN_BUGS: list[KnownBug] = [
    KnownBug("factory-closure-without-captures",
             "a factory returning a lambda or nested def that reads none of the factory's "
             "parameters (`def make(p): return lambda q: q * 2.0`) is rejected "
             "(regressions.factory_lambda_reading_only_its_parameter and the two after it)",
             lambda program, outcome: outcome.kind in ("rejected", "forward")
             and ("a lambda that is not assigned to a name" in outcome.detail
                  or "calls a function or object created when the function runs"
                  in outcome.detail)
             and _returns_lambda_without_captures(program.source)),
]


def _returns_lambda_without_captures(source: str) -> bool:
    """Whether a module-level factory returns a lambda or a nested def that reads none of the
    factory's parameters."""
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        params = {a.arg for a in node.args.args}
        nested = {n.name: n for n in node.body if isinstance(n, ast.FunctionDef)}
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Return):
                continue
            if isinstance(inner.value, ast.Lambda):
                body: ast.AST = inner.value.body
            elif isinstance(inner.value, ast.Name) and inner.value.id in nested:
                body = nested[inner.value.id]
            else:
                continue
            read = {n.id for n in ast.walk(body) if isinstance(n, ast.Name)}
            if not read & params:
                return True
    return False


def known_bug(program: Program, outcome: Outcome) -> KnownBug | None:
    """The known bug ``outcome`` (a failure of ``program``) is an instance of, if any."""
    try:
        return next((bug for bug in KNOWN_BUGS if bug.matches(program, outcome)), None)
    except SyntaxError:
        return None


# ---- the check ---------------------------------------------------------------------------------


def check(program: Program, *, use_autograd: bool = True, forward: bool = True) -> Outcome:
    """Run every comparison on ``program``; never raises for problems in the program."""
    try:
        loaded = Loaded(program.source)
    except Exception as error:  # a generator bug: the program is not valid Python
        return Outcome("invalid", "source", f"{type(error).__name__}: {error}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome = _check(program, loaded, use_autograd, forward)
    finally:
        loaded.close()
    if outcome.status == "fail":
        bug = known_bug(program, outcome)
        if bug is not None:
            return Outcome("known", bug.name, outcome.detail, outcome.autograd)
    return outcome


def _reference(program: Program, args: tuple[Any, ...]) -> tuple[Outcome | None, Any]:
    margins: list[tuple[float, str]] = []
    probed = Loaded(probe_source(program.source), probes(margins))
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            value = probed.fn(*copy_args(args))
    except FloatingPointError as error:
        return Outcome("skip", "overflow", str(error)), None
    except Exception as error:
        return Outcome("invalid", "numpy", f"{type(error).__name__}: {error}"), None
    finally:
        probed.close()
    if margins and min(margins)[0] < MARGIN:
        distance, where = min(margins)
        return Outcome("skip", "kink", f"within {distance:.2g} of a kink ({where})"), None
    for leaf in leaves(value):
        array = np.asarray(leaf, dtype=np.float64)
        if not np.all(np.isfinite(array)) or np.any(np.abs(array) > HUGE):
            return Outcome("skip", "magnitude", "an output is not finite or huge"), None
    return None, value


def _exception(kind: str, error: BaseException) -> Outcome:
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    notes = "\n".join(getattr(error, "__notes__", []))
    return Outcome("fail", kind, f"{type(error).__name__}: {error}\n{notes}\n"
                   + "".join(lines[-6:]))


def _check(program: Program, loaded: Loaded, use_autograd: bool, forward: bool) -> Outcome:
    args = program.make_args()
    skipped, value = _reference(program, args)
    if skipped is not None:
        return skipped
    fn = loaded.fn
    wrt = program.wrt
    try:
        gradient_fn = autodiff.value_and_grad(fn, wrt if len(wrt) > 1 else wrt[0])
    except (autodiff.UnsupportedSyntaxError, autodiff.NoGradientRuleError) as error:
        return _exception("rejected", error)
    except Exception as error:
        return _exception("compile", error)
    call_args = copy_args(args)
    try:
        got_value, grads = gradient_fn(*call_args)
    except Exception as error:
        return _exception("call", error)
    if not _inputs_equal(call_args, args):
        return Outcome("fail", "mutation", "the gradient function modified an input")
    if not _values_equal(got_value, value):
        return Outcome("fail", "value", f"value_and_grad value {_short(got_value)}, "
                       f"the program returns {_short(value)}")
    grads = (grads,) if len(wrt) == 1 else tuple(grads)
    expected = {p: finite_differences(fn, args, p) for p in wrt}
    scale = max([1.0] + [largest(e) for e in expected.values()])
    autograd_outcome: Outcome | None = None
    for position, grad in zip(wrt, grads, strict=True):
        if _close(grad, expected[position], scale):
            continue
        steps = [finite_differences(fn, args, position, eps=k * EPS) for k in (10.0, 0.1)]
        if any(_close(grad, step, scale) for step in steps):
            continue
        if use_autograd:  # two independent AD tools agreeing beat inaccurate differences
            autograd_outcome = _check_autograd(fn, program, args, wrt, grads, scale)
            if autograd_outcome is not None and autograd_outcome.status == "ok":
                break
        if not all(_close(step, expected[position], scale) for step in steps):
            return Outcome("skip", "ill-conditioned", "finite differences with steps 1e-5, "
                           "1e-6 and 1e-7 disagree with each other")
        return Outcome("fail", "gradient",
                       f"d/d {program.inputs[position].name}: autodiff {_short(grad)}, "
                       f"finite differences {_short(expected[position])}")
    checked_autograd = False
    if use_autograd:
        if autograd_outcome is None:
            autograd_outcome = _check_autograd(fn, program, args, wrt, grads, scale)
        if autograd_outcome is not None and autograd_outcome.status == "fail":
            return autograd_outcome
        checked_autograd = autograd_outcome is not None
    outcome = _check_repeated_calls(fn, program, args, gradient_fn, grads, value)
    if outcome is not None:
        return outcome
    if forward:
        outcome = _check_forward(fn, program, args, grads, value)
        if outcome is not None:
            return outcome
    return Outcome("ok", autograd=checked_autograd)


def _check_repeated_calls(fn: Callable[..., Any], program: Program, args: tuple[Any, ...],
                          gradient_fn: Any, grads: tuple[Any, ...], value: Any) -> Outcome | None:
    """Later calls (which may run code specialized for the shapes seen) and ``grad`` without
    the value must give the gradient the first call gave, which was checked above."""
    wrt = program.wrt
    grad_fn = autodiff.grad(fn, wrt if len(wrt) > 1 else wrt[0])
    calls = [("second value_and_grad call", lambda a: gradient_fn(*a)),
             ("third value_and_grad call", lambda a: gradient_fn(*a)),
             ("first grad call", lambda a: (value, grad_fn(*a))),
             ("second grad call", lambda a: (value, grad_fn(*a)))]
    for label, call in calls:
        call_args = copy_args(args)
        try:
            got_value, again = call(call_args)
        except Exception as error:
            return _exception("call", error)
        if not _inputs_equal(call_args, args):
            return Outcome("fail", "mutation", f"the {label} modified an input")
        if not _values_equal(got_value, value):
            return Outcome("fail", "value", f"{label}: value {_short(got_value)}, the program "
                           f"returns {_short(value)}")
        again = (again,) if len(wrt) == 1 else tuple(again)
        for position, first, later in zip(wrt, grads, again, strict=True):
            if not _same_gradient(later, first):
                return Outcome("fail", "repeat",
                               f"d/d {program.inputs[position].name}: {label} gave "
                               f"{_short(later)}, the first call {_short(first)}")
    return None


def _check_autograd(fn: Callable[..., Any], program: Program, args: tuple[Any, ...], wrt: tuple[int, ...],
                    grads: tuple[Any, ...], scale: float) -> Outcome | None:
    """None if autograd is missing or cannot run this program; else ok or fail."""
    if program.writes or "float(" in program.source:
        return None  # autograd has no element writes; float() drops its gradient
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        return None
    loaded = Loaded(program.source, {"np": anp})
    try:
        def objective(*inputs: Any) -> Any:
            return sum(anp.sum(leaf) for leaf in leaves(loaded.fn(*inputs)))

        try:
            theirs = [autograd.grad(objective, p)(*copy_args(args)) for p in wrt]
        except Exception:
            return None
    finally:
        loaded.close()
    if any([np.shape(leaf) for leaf in leaves(g)] != [np.shape(leaf) for leaf in leaves(args[p])]
           for p, g in zip(wrt, theirs, strict=True)):
        return None  # autograd does not unbroadcast every rule (np.where with a float)
    if any(np.asarray(leaf).dtype.kind not in "biufc" for g in theirs for leaf in leaves(g)):
        return None  # autograd gave no number for some leaf (an object array): no referee
    for position, ours, reference in zip(wrt, grads, theirs, strict=True):
        if _close(ours, reference, scale, rtol=AUTOGRAD_RTOL, atol=1e-9):
            continue
        referee = accurate_differences(fn, args, position)
        ours_error = largest(tree_map(lambda a, b: _as_numbers(a) - b, ours, referee))
        their_error = largest(tree_map(lambda a, b: _as_numbers(a) - b, reference, referee))
        if ours_error > their_error:
            return Outcome("fail", "autograd",
                           f"d/d {program.inputs[position].name}: autodiff {_short(ours)}, "
                           f"autograd {_short(reference)}, fourth-order differences "
                           f"{_short(referee)}", autograd=True)
    return Outcome("ok", autograd=True)


def _same_gradient(later: Any, first: Any) -> bool:
    """Equal up to rounding (specialized code may associate sums differently)."""
    pairs = list(zip(leaves(later), leaves(first), strict=False))
    if len(leaves(later)) != len(leaves(first)):
        return False
    for got, expected in pairs:
        expected = _as_numbers(expected)
        scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
        if not _close(got, expected, scale, rtol=1e-9, atol=1e-12):
            return False
    return True


def _check_forward(fn: Callable[..., Any], program: Program, args: tuple[Any, ...],
                   grads: tuple[Any, ...], value: Any) -> Outcome | None:
    """Forward mode: sum(J u) must equal <gradient, u> for a random tangent u."""
    rng = np.random.default_rng(program.seed + 1)

    def direction(leaf: Any) -> Any:
        if isinstance(leaf, float):
            return float(rng.normal())
        if np.iscomplexobj(leaf):
            return rng.normal(size=np.shape(leaf)) + 1j * rng.normal(size=np.shape(leaf))
        return rng.normal(size=np.shape(leaf))

    def zero(leaf: Any) -> Any:
        return 0.0 if isinstance(leaf, float) else np.zeros_like(leaf)

    tangents = [tree_map(direction if position in program.wrt else zero, arg)
                for position, arg in enumerate(args)]
    try:
        out, tangent = autodiff.jvp(fn, copy_args(args), tuple(tangents))
    except Exception as error:
        return _exception("forward", error)
    if not _values_equal(out, value):
        return Outcome("fail", "forward value", f"jvp value {_short(out)}, the program "
                       f"returns {_short(value)}")
    forward = total(tangent)
    pairs = [(_as_numbers(g), t) for p, grad in zip(program.wrt, grads, strict=True)
             for g, t in zip(leaves(grad), leaves(tangents[p]), strict=True)]
    reverse = sum(float(np.sum(np.real(g * t))) for g, t in pairs)  # Re(g dz): docs/complex.md
    magnitude = sum(float(np.sum(np.abs(g * t))) for g, t in pairs)
    if abs(forward - reverse) > FORWARD_RTOL * (1.0 + magnitude):
        return Outcome("fail", "forward", f"jvp gives {forward!r}, the reverse-mode gradient "
                       f"gives {reverse!r}")
    return None
