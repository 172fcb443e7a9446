"""Gradient rules of the methods of every other binary ufunc with elementwise rules
(``np.subtract.reduce``, ``np.power.accumulate``, ``np.hypot.outer``, ...), derived from the
ufunc's own elementwise VJP and JVP rules (found in the registry when the rule runs).
``rules_ufunc`` writes out the common ones.

``f.outer(a, b)`` is ``f`` applied to ``a`` with ``b.ndim`` trailing axes added, and ``b``.
``f.accumulate(a, axis)`` is the fold ``y_0 = a_0``, ``y_k = f(y_{k-1}, a_k)``: the VJP runs it
backwards (the adjoint of ``y_k`` reaches ``a_k`` through f's rule for its second argument and
``y_{k-1}`` through the first), the JVP forwards; ``f.reduce`` is the fold's last value (only
for the ufuncs whose numpy reduce is that left fold: ``_FOLD_REDUCES``). Folds
take one axis (an int, or None for the flattened array); ``initial=``/``where=`` raise
NotImplementedError. These rules are built per ufunc, so gradients of gradients through them are
not supported (they raise a clear error).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import registry
from .broadcast import unbroadcast_to
from .registry import defrule
from .rules_ufunc import _lifted, _like_arg, _like_output

# ---- outer -------------------------------------------------------------------------------------


def _outer_vjp_a(g: Any, ans: Any, a: Any, b: Any, ufunc: Any) -> Any:
    rule = registry.lookup(ufunc).rules[0]
    return _like_arg(np.reshape(rule(g, ans, _lifted(a, b), b), np.shape(a)), a)


def _outer_vjp_b(g: Any, ans: Any, a: Any, b: Any, ufunc: Any) -> Any:
    rule = registry.lookup(ufunc).rules[1]
    return _like_arg(unbroadcast_to(rule(g, ans, _lifted(a, b), b), b), b)


def _outer_jvp_a(t: Any, ans: Any, a: Any, b: Any, ufunc: Any) -> Any:
    rule = registry.lookup_jvp(ufunc).rules[0]
    return _like_output(rule(_lifted(t, b), ans, _lifted(a, b), b), ans)


def _outer_jvp_b(t: Any, ans: Any, a: Any, b: Any, ufunc: Any) -> Any:
    rule = registry.lookup_jvp(ufunc).rules[1]
    return _like_output(rule(t, ans, _lifted(a, b), b), ans)


# ---- reduce and accumulate: a fold along one axis ---------------------------------------------


def _fold_axis(array: Any, axis: Any, params: dict, rule: str) -> tuple[Any, int]:
    # (array, axis) of the fold: None folds the flattened array.
    given = sorted(name for name in ("initial", "where", "out") if params.get(name) is not None)
    if given:
        raise NotImplementedError(f"{rule}: the parameter(s) {', '.join(given)} are not supported")
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
              keepdims: bool, params: dict, rule: str) -> Any:
    """The partial of ``array``: ``every`` if g holds an adjoint for each running value
    (accumulate), else for the last one only (reduce)."""
    lhs, rhs = registry.lookup(ufunc).rules[:2]
    x, axis = _fold_axis(array, axis, params, rule)
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
              params: dict, rule: str) -> Any:
    """The tangent of every running value (accumulate) or of the last one (reduce)."""
    lhs, rhs = registry.lookup_jvp(ufunc).rules[:2]
    x, axis = _fold_axis(array, axis, params, rule)
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


def _method_rules(ufunc: Any) -> dict[str, tuple[Any, Any]]:
    """Named rules of ``ufunc.reduce``/``accumulate``/``outer`` (those not yet registered)."""
    name = ufunc.__name__

    def reduce_vjp(g: Any, ans: Any, array: Any, axis: Any = 0, dtype: Any = None,
                   out: Any = None, keepdims: bool = False, initial: Any = None,
                   where: Any = None) -> Any:
        params = {"initial": initial, "where": where, "out": out}
        return _fold_vjp(g, ans, array, axis, ufunc, False, keepdims, params,
                         f"{name}_reduce_vjp")

    def reduce_jvp(t: Any, ans: Any, array: Any, axis: Any = 0, dtype: Any = None,
                   out: Any = None, keepdims: bool = False, initial: Any = None,
                   where: Any = None) -> Any:
        params = {"initial": initial, "where": where, "out": out}
        return _fold_jvp(t, ans, array, axis, ufunc, False, params, f"{name}_reduce_jvp")

    def accumulate_vjp(g: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                       out: Any = None) -> Any:
        params = {"out": out}
        return _fold_vjp(g, ans, array, axis, ufunc, True, False, params,
                         f"{name}_accumulate_vjp")

    def accumulate_jvp(t: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                       out: Any = None) -> Any:
        params = {"out": out}
        return _fold_jvp(t, ans, array, axis, ufunc, True, params, f"{name}_accumulate_jvp")

    def outer_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
        return _outer_vjp_a(g, ans, a, b, ufunc)

    def outer_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
        return _outer_vjp_b(g, ans, a, b, ufunc)

    def outer_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
        return _outer_jvp_a(t, ans, a, b, ufunc)

    def outer_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
        return _outer_jvp_b(t, ans, a, b, ufunc)

    rules = {"reduce": ((reduce_vjp,), (reduce_jvp,)),
             "accumulate": ((accumulate_vjp,), (accumulate_jvp,)),
             "outer": ((outer_vjp_a, outer_vjp_b), (outer_jvp_a, outer_jvp_b))}
    for method, (vjps, jvps) in rules.items():
        for rule in vjps + jvps:
            rule.__name__ = rule.__qualname__ = f"{name}_{rule.__name__}"
            rule.__module__ = __name__
            rule.__doc__ = f"``np.{name}.{method}``, from ``np.{name}``'s elementwise rules."
    return rules


# numpy's reduce is a left fold for these (for np.power and np.arctan2 it groups the operands
# otherwise, so their reduce gets no rule); accumulate always is one
_FOLD_REDUCES = (np.subtract, np.divide, np.hypot, np.logaddexp2)


def _register(ufunc: Any) -> list[str]:
    """Register the methods of ``ufunc`` that have no rules yet; the names defined."""
    names = []
    for method, (vjps, jvps) in _method_rules(ufunc).items():
        bound = getattr(ufunc, method)
        if registry.lookup(bound) is not None or (
                method == "reduce" and not any(ufunc is f for f in _FOLD_REDUCES)):
            continue
        argnames = ("a", "b") if method == "outer" else ("array",)
        defrule(bound, vjp=vjps, jvp=jvps, argnames=argnames)
        for rule in vjps + jvps:
            globals()[rule.__name__] = rule
            names.append(rule.__name__)
    return names


# every binary ufunc with elementwise rules (registered by the modules imported before this one)
__all__ = [
    name
    for entry in registry.registered()
    if isinstance(entry.primitive, np.ufunc) and entry.primitive.nin == 2
    and entry.primitive.nout == 1 and entry.primitive.signature is None
    and registry.lookup_jvp(entry.primitive) is not None
    and all(rule is not None for rule in entry.rules)  # a rule-less argument: no methods
    and entry.primitive is not np.float_power  # computes in float64 whatever its inputs
    for name in _register(entry.primitive)
]
