"""The one builder of the rules of binary ufuncs' methods (``reduce``, ``accumulate``,
``outer``, ``reduceat``): a table, per (ufunc, method), of the rules written out in
``rules_ufunc`` (``np.add.reduce``, ``np.maximum.accumulate``, ``np.multiply.outer``, ...), and for
every other binary ufunc with elementwise rules (``np.subtract.reduce``, ``np.power.accumulate``,
``np.hypot.outer``, ...) rules written from ``_METHOD_RULES``, a template over the ufunc's name
and its elementwise rules (``registry.define_from_source``: real functions with their own
source, which gradients of gradients compile like any rule).

``f.outer(a, b)`` is ``f`` applied to ``a`` with ``b.ndim`` trailing axes added, and ``b``: its
rules call f's elementwise rules. ``f.accumulate(a, axis)`` is the fold ``y_0 = a_0``,
``y_k = f(y_{k-1}, a_k)``: the VJP runs it backwards (the adjoint of ``y_k`` reaches ``a_k``
through f's rule for its second argument and ``y_{k-1}`` through the first), the JVP forwards;
``f.reduce`` is the fold's last value (only for the ufuncs whose numpy reduce is that left fold:
``_FOLD_REDUCES``). Folds take one axis (an int, or None for the flattened array);
``initial=``/``where=`` raise NotImplementedError. The folds look f's rules up when they run, so
gradients of gradients through them raise a clear error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import registry
from .broadcast import unbroadcast_to  # noqa: F401 (the generated outer rules use it)
from .registry import define_from_source, defrule
from .rules_ufunc import SPECIFIC_METHODS, _lifted, _like_arg, _like_output  # noqa: F401

# ---- reduce and accumulate: a fold along one axis ---------------------------------------------


def _no_fold_options(rule: str, initial: Any, where: Any, out: Any) -> None:
    given = [name for name, value in (("initial", initial), ("where", where), ("out", out))
             if value is not None]
    if given:
        raise NotImplementedError(f"{rule}: the parameter(s) {', '.join(given)} are not supported")


def _fold_axis(array: Any, axis: Any, rule: str) -> tuple[Any, int]:
    # (array, axis) of the fold: None folds the flattened array.
    if axis is None:
        return np.ravel(array), 0
    if np.ndim(axis) != 0:
        raise NotImplementedError(f"{rule}: a fold along several axes is not supported")
    return array, int(axis) % np.ndim(array)


def _at(axis: int, k: int) -> tuple[Any, ...]:
    return (slice(None),) * axis + (k,)


def _running(ufunc: Any, x: Any, axis: int, ans: Any, every: bool, rule: str) -> Any:
    # The fold's running values; a reduce whose value is not the fold's last raises.
    running = ufunc.accumulate(x, axis=axis)
    last = np.take(running, -1, axis=axis)
    if not every and not np.allclose(last, np.reshape(ans, np.shape(last)), equal_nan=True):
        raise NotImplementedError(f"{rule}: numpy's reduce did not fold the operands in order "
                                  "here; use accumulate and take its last entry")
    return running


def _fold_vjp(g: Any, ans: Any, array: Any, axis: Any, ufunc: Any, every: bool,
              keepdims: bool, rule: str) -> Any:
    """The partial of ``array``: ``every`` if g holds an adjoint for each running value
    (accumulate), else for the last one only (reduce)."""
    lhs, rhs = registry.lookup(ufunc).rules[:2]
    x, axis = _fold_axis(array, axis, rule)
    g = np.reshape(g, np.shape(x)) if every else g
    if keepdims and not every:
        g = np.squeeze(g, axis=axis if np.ndim(array) == np.ndim(x) else None)
    running = _running(ufunc, x, axis, ans, every, rule)
    partial = np.zeros(np.shape(x), dtype=np.result_type(x, g))
    adjoint = 0.0 * np.take(running, 0, axis=axis) if every else g
    for k in range(np.shape(x)[axis] - 1, 0, -1):
        if every:
            adjoint = adjoint + g[_at(axis, k)]
        prev, item, out = running[_at(axis, k - 1)], x[_at(axis, k)], running[_at(axis, k)]
        partial[_at(axis, k)] = rhs(adjoint, out, prev, item)
        adjoint = lhs(adjoint, out, prev, item)
    partial[_at(axis, 0)] = adjoint + g[_at(axis, 0)] if every else adjoint
    return np.reshape(partial, np.shape(array))


def _fold_jvp(t: Any, ans: Any, array: Any, axis: Any, ufunc: Any, every: bool,
              rule: str) -> Any:
    """The tangent of every running value (accumulate) or of the last one (reduce)."""
    lhs, rhs = registry.lookup_jvp(ufunc).rules[:2]
    x, axis = _fold_axis(array, axis, rule)
    t = np.reshape(t, np.shape(x))
    running = _running(ufunc, x, axis, ans, every, rule)
    tangent = np.zeros(np.shape(running), dtype=np.result_type(ans))
    current = t[_at(axis, 0)]
    tangent[_at(axis, 0)] = current
    for k in range(1, np.shape(x)[axis]):
        prev, item, out = running[_at(axis, k - 1)], x[_at(axis, k)], running[_at(axis, k)]
        current = lhs(current, out, prev, item) + rhs(t[_at(axis, k)], out, prev, item)
        tangent[_at(axis, k)] = current
    last = tangent if every else tangent[_at(axis, np.shape(x)[axis] - 1)]
    return np.reshape(last, np.shape(ans))


# {name}: the ufunc (np.{name}); {vjp_a} ... {jvp_b}: its elementwise rules
_METHOD_RULES = {
    "reduce": """
def {name}_reduce_vjp(g, ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
        where=None):
    _no_fold_options("{name}_reduce_vjp", initial, where, out)
    return _fold_vjp(g, ans, array, axis, np.{name}, False, keepdims, "{name}_reduce_vjp")


def {name}_reduce_jvp(t, ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
        where=None):
    _no_fold_options("{name}_reduce_jvp", initial, where, out)
    return _fold_jvp(t, ans, array, axis, np.{name}, False, "{name}_reduce_jvp")
""",
    "accumulate": """
def {name}_accumulate_vjp(g, ans, array, axis=0, dtype=None, out=None):
    _no_fold_options("{name}_accumulate_vjp", None, None, out)
    return _fold_vjp(g, ans, array, axis, np.{name}, True, False, "{name}_accumulate_vjp")


def {name}_accumulate_jvp(t, ans, array, axis=0, dtype=None, out=None):
    _no_fold_options("{name}_accumulate_jvp", None, None, out)
    return _fold_jvp(t, ans, array, axis, np.{name}, True, "{name}_accumulate_jvp")
""",
    "outer": """
def {name}_outer_vjp_a(g, ans, a, b):
    return _like_arg(np.reshape({vjp_a}(g, ans, _lifted(a, b), b), np.shape(a)), a)


def {name}_outer_vjp_b(g, ans, a, b):
    return _like_arg(unbroadcast_to({vjp_b}(g, ans, _lifted(a, b), b), b), b)


def {name}_outer_jvp_a(t, ans, a, b):
    return _like_output({jvp_a}(_lifted(t, b), ans, _lifted(a, b), b), ans)


def {name}_outer_jvp_b(t, ans, a, b):
    return _like_output({jvp_b}(t, ans, _lifted(a, b), b), ans)
""",
}
_ARGUMENTS = {"reduce": ("array",), "accumulate": ("array",), "outer": ("a", "b"),
              "reduceat": ("array", "indices")}

# numpy's reduce is a left fold for these (for np.power and np.arctan2 it groups the operands
# otherwise, so their reduce gets no rule); accumulate always is one
_FOLD_REDUCES = (np.subtract, np.divide, np.hypot, np.logaddexp2)


def _has_methods(entry: registry.Entry) -> bool:
    """A binary elementwise ufunc of numpy with rules for both arguments in both modes."""
    ufunc = entry.primitive
    return isinstance(ufunc, np.ufunc) and ufunc.nin == 2 and ufunc.nout == 1 \
        and ufunc.signature is None and getattr(np, ufunc.__name__, None) is ufunc \
        and registry.lookup_jvp(ufunc) is not None \
        and all(rule is not None for rule in entry.rules) \
        and ufunc is not np.float_power  # computes in float64 whatever its inputs


def _generated(ufunc: Any, method: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Define ``ufunc.method``'s rules from ``_METHOD_RULES``; (VJP rules, JVP rules)."""
    name = ufunc.__name__
    vjps, jvps = registry.lookup(ufunc).rules[:2], registry.lookup_jvp(ufunc).rules[:2]
    for rule in vjps + jvps:  # the outer rules call the elementwise rules by name
        globals().setdefault(rule.__name__, rule)
    define_from_source(_METHOD_RULES[method].format(
        name=name, vjp_a=vjps[0].__name__, vjp_b=vjps[1].__name__, jvp_a=jvps[0].__name__,
        jvp_b=jvps[1].__name__), globals(), f"{__name__}: np.{name}.{method} rules")
    sides = ("_a", "_b") if method == "outer" else ("",)
    return (tuple(globals()[f"{name}_{method}_vjp{side}"] for side in sides),
            tuple(globals()[f"{name}_{method}_jvp{side}"] for side in sides))


def _register_methods() -> list[str]:
    """Register every method rule: the written-out ones, then those generated for the other
    binary ufuncs with elementwise rules (registered by the modules imported before this one);
    the names of the generated rules."""
    for (ufunc, method), (vjps, jvps) in SPECIFIC_METHODS.items():
        defrule(getattr(ufunc, method), vjp=vjps, jvp=jvps, argnames=_ARGUMENTS[method])
    names = []
    for entry in registry.registered():
        if not _has_methods(entry):
            continue
        for method in _METHOD_RULES:
            bound = getattr(entry.primitive, method)
            if registry.lookup(bound) is not None or (
                    method == "reduce" and not any(entry.primitive is f for f in _FOLD_REDUCES)):
                continue
            vjps, jvps = _generated(entry.primitive, method)
            defrule(bound, vjp=vjps, jvp=jvps, argnames=_ARGUMENTS[method])
            names += [rule.__name__ for rule in vjps + jvps]
    return names


__all__ = _register_methods()
