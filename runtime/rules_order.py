"""Gradient rules of order statistics: ``sort``, ``partition``, ``median``, ``percentile``,
``quantile`` and their nan-aware forms. Each function's VJP and JVP side by side, registered
together with ``defrule``.

Every output entry is an entry of the input, or (quantiles) an interpolation between two
adjacent entries of the sorted slice; the rules find those sources (flat positions in the input)
and move g or t through them with ``take_vjp``/``np.take``. Ties: equal entries are ranked in
index order (a stable sort), so the gradient of a tied value goes to one of the entries that
attain it; the function is not differentiable there and this is the conventional choice
(autograd's, JAX's). The quantile methods supported are ``linear`` (the default), ``lower``,
``higher``, ``nearest`` and ``midpoint``; the others, ``weights=`` and ``overwrite_input=True``
raise NotImplementedError. NaN entries of the nan-aware forms get gradient 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import normalize_axes
from .registry import define_from_source, defrule, public_functions
from .rules_index import positions, take_vjp

_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")

# ---- sort and partition: permutations ----------------------------------------------------------


def _sort_sources(a: Any, axis: Any) -> Any:
    # The flat position in a of every entry of np.sort(a, axis).
    if axis is None:
        return np.argsort(np.ravel(a), kind="stable")
    order = np.argsort(a, axis=axis, kind="stable")
    return np.take_along_axis(positions(a), order, axis=axis)


def sort_vjp(g: Any, ans: Any, a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *,
             stable: Any = None) -> Any:
    """g sent back to the entry each sorted entry came from."""
    return take_vjp(g, None, a, _sort_sources(a, axis))


def sort_jvp(t: Any, ans: Any, a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *,
             stable: Any = None) -> Any:
    """The tangents sorted the way the values were."""
    return np.take(t, _sort_sources(a, axis))


def msort_vjp(g: Any, ans: Any, a: Any) -> Any:
    """``np.msort`` (numpy < 2.0) is ``np.sort`` along axis 0."""
    return take_vjp(g, None, a, _sort_sources(a, 0))


def msort_jvp(t: Any, ans: Any, a: Any) -> Any:
    """The tangents sorted along axis 0 the way the values were."""
    return np.take(t, _sort_sources(a, 0))


def _partition_sources(ans: Any, a: Any, axis: Any) -> Any:
    # np.partition permutes each slice; the output entry of rank r is the input entry of rank r.
    if axis is None:
        return _partition_sources(ans, np.ravel(a), 0)
    sources = np.empty(np.shape(ans), dtype=np.intp)
    ranked_out = np.argsort(ans, axis=axis, kind="stable")
    np.put_along_axis(sources, ranked_out, _sort_sources(a, axis), axis=axis)
    return sources


def partition_vjp(g: Any, ans: Any, a: Any, kth: Any, axis: Any = -1, kind: str = "introselect",
                  order: Any = None) -> Any:
    """g sent back to the entry each output entry came from."""
    return take_vjp(g, None, a, _partition_sources(ans, a, axis))


def partition_jvp(t: Any, ans: Any, a: Any, kth: Any, axis: Any = -1, kind: str = "introselect",
                  order: Any = None) -> Any:
    """The tangents permuted the way the values were."""
    return np.take(t, _partition_sources(ans, a, axis))


# ---- quantiles: interpolations between two order statistics -----------------------------------


def _quantile_parts(a: Any, q: Any, axis: Any, method: str, skip_nan: bool,
                    rule: str) -> tuple[Any, Any, Any, Any]:
    """(low, high, weight, slope) with the shape ``q.shape + kept axes``: the quantile is
    ``(1 - weight) * a.flat[low] + weight * a.flat[high]``, and ``slope`` is its derivative
    with respect to q."""
    if method not in _METHODS:
        raise NotImplementedError(f"{rule}: method={method!r} is not supported "
                                  f"(supported: {', '.join(_METHODS)})")
    ndim = np.ndim(a)
    reduced = normalize_axes(ndim, axis)
    kept = tuple(i for i in range(ndim) if i not in reduced)
    lead = tuple(np.shape(a)[i] for i in kept)
    values = np.reshape(np.transpose(a, kept + reduced), (*lead, -1))
    where = np.reshape(np.transpose(positions(a), kept + reduced), (*lead, -1))
    order = np.argsort(values, axis=-1, kind="stable")  # NaNs last
    values = np.take_along_axis(values, order, axis=-1)
    where = np.take_along_axis(where, order, axis=-1)
    n = np.shape(values)[-1]
    count = np.sum(~np.isnan(values), axis=-1) if skip_nan else np.full(lead, n)
    last = np.maximum(count - 1, 0)
    qs = np.reshape(np.asarray(q, dtype=np.float64), np.shape(q) + (1,) * len(lead))
    index = qs * last
    low = np.floor(index)
    high = np.minimum(low + 1, last)
    weight = index - low
    scale = last * np.ones_like(index)
    if method == "lower":
        high, weight = low, 0.0 * index
    elif method == "higher":
        low = high = np.ceil(index)
    elif method == "nearest":
        low = high = np.around(index)
    elif method == "midpoint":
        high = np.ceil(index)
        weight = np.where(high > low, 0.5, 0.0)
    if method != "linear":
        scale = 0.0 * index
    shape = np.shape(index)
    where = np.broadcast_to(where, np.shape(q) + np.shape(where))
    values = np.broadcast_to(values, np.shape(q) + np.shape(values))
    low = np.clip(low, 0, max(n - 1, 0)).astype(np.intp)[..., None]
    high = np.clip(high, 0, max(n - 1, 0)).astype(np.intp)[..., None]
    low_at = np.reshape(np.take_along_axis(where, low, axis=-1), shape)
    high_at = np.reshape(np.take_along_axis(where, high, axis=-1), shape)
    gap = np.take_along_axis(values, high, axis=-1) - np.take_along_axis(values, low, axis=-1)
    weight = np.where(count > 0, weight, 0.0)
    return low_at, high_at, weight, np.reshape(gap, shape) * scale


def _check(method: str, weights: Any, rule: str, overwrite_input: bool = False) -> str:
    if weights is not None:
        raise NotImplementedError(f"{rule}: weights= is not supported")
    if overwrite_input:
        raise NotImplementedError(f"{rule}: overwrite_input=True reorders the input in place, "
                                  "so its gradient cannot be placed; leave it False")
    return method


def _quantile_vjp_a(g: Any, a: Any, q: Any, axis: Any, method: str, skip_nan: bool,
                    rule: str) -> Any:
    low, high, weight, _ = _quantile_parts(a, q, axis, method, skip_nan, rule)
    g = np.reshape(g, np.shape(low))
    partial = take_vjp((1.0 - weight) * g, None, a, low) + take_vjp(weight * g, None, a, high)
    return partial.astype(np.result_type(a), copy=False)


def _quantile_jvp_a(t: Any, ans: Any, a: Any, q: Any, axis: Any, method: str, skip_nan: bool,
                    rule: str) -> Any:
    low, high, weight, _ = _quantile_parts(a, q, axis, method, skip_nan, rule)
    tangent = (1.0 - weight) * np.take(t, low) + weight * np.take(t, high)
    return np.reshape(tangent, np.shape(ans)).astype(np.result_type(ans), copy=False)


def _quantile_vjp_q(g: Any, a: Any, q: Any, axis: Any, method: str, skip_nan: bool,
                    per: float, rule: str) -> Any:
    low, _, _, slope = _quantile_parts(a, np.divide(q, per), axis, method, skip_nan, rule)
    summed = np.sum(np.reshape(g, np.shape(low)) * slope,
                    axis=tuple(range(np.ndim(q), np.ndim(low))))
    return np.reshape(summed / per, np.shape(q)).astype(np.result_type(q, 0.0), copy=False)


def _quantile_jvp_q(t: Any, ans: Any, a: Any, q: Any, axis: Any, method: str, skip_nan: bool,
                    per: float, rule: str) -> Any:
    low, _, _, slope = _quantile_parts(a, np.divide(q, per), axis, method, skip_nan, rule)
    tangent = np.reshape(t, np.shape(q) + (1,) * (np.ndim(low) - np.ndim(q))) * slope / per
    return np.reshape(tangent, np.shape(ans)).astype(np.result_type(ans), copy=False)


# ---- the quantile family: quantile(a, q), percentile (q in percent), median (q = 1/2) and
# ---- their nan-aware forms (NaN entries are left out and get gradient 0) ------------------------
# The VJP w.r.t. a splits g between the two order statistics the quantile interpolates; the JVP
# interpolates their tangents the same way. d quantile/dq is the gap between those two order
# statistics times (n - 1) (linear); a percentile's is divided by 100.

QUANTILES = {  # function: (leaves NaN out, the unit of q)
    "quantile": (False, 1.0), "percentile": (False, 100.0),
    "nanquantile": (True, 1.0), "nanpercentile": (True, 100.0),
}
MEDIANS = {"median": False, "nanmedian": True}  # function: leaves NaN out
_MODES = {"vjp": "g, a", "jvp": "t, ans, a"}  # what each mode's helpers take first
_QUANTILE_RULE = """
def {name}({seed}, ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
        keepdims=False, *, weights=None):
    method = _check(method, weights, {name!r}, overwrite_input)
    return _quantile_{mode}_{argument}({first}, {q}, axis, method, {nan}, {extra}{name!r})
"""
_MEDIAN_RULE = """
def {name}({seed}, ans, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    method = _check("linear", None, {name!r}, overwrite_input)
    return _quantile_{mode}_a({first}, 0.5, axis, method, {nan}, {name!r})
"""


def _quantile_rule(function: str, mode: str, argument: str) -> str:
    nan, per = QUANTILES[function]
    q = "q" if argument == "q" or per == 1.0 else f"np.divide(q, {per})"
    return _QUANTILE_RULE.format(name=f"{function}_{mode}_{argument}", seed=_MODES[mode][0],
                                 mode=mode, argument=argument, first=_MODES[mode], q=q, nan=nan,
                                 extra=f"{per}, " if argument == "q" else "")


def _median_rule(function: str, mode: str) -> str:
    return _MEDIAN_RULE.format(name=f"{function}_{mode}", seed=_MODES[mode][0], mode=mode,
                               first=_MODES[mode], nan=MEDIANS[function])


define_from_source("".join([_quantile_rule(f, mode, argument) for f in QUANTILES
                            for mode in _MODES for argument in ("a", "q")]
                           + [_median_rule(f, mode) for f in MEDIANS for mode in _MODES]),
                   globals(), f"{__name__}: quantile rules")


defrule(np.sort, vjp=(sort_vjp,), jvp=(sort_jvp,), argnames=("a",))
defrule(np.partition, vjp=(partition_vjp,), jvp=(partition_jvp,), argnames=("a",))
if hasattr(np, "msort"):  # removed in numpy 2.0
    defrule(np.msort, vjp=(msort_vjp,), jvp=(msort_jvp,), argnames=("a",))
for _name in MEDIANS:
    defrule(getattr(np, _name), vjp=(globals()[f"{_name}_vjp"],),
            jvp=(globals()[f"{_name}_jvp"],), argnames=("a",))
for _name in QUANTILES:
    defrule(getattr(np, _name), vjp=(globals()[f"{_name}_vjp_a"], globals()[f"{_name}_vjp_q"]),
            jvp=(globals()[f"{_name}_jvp_a"], globals()[f"{_name}_jvp_q"]), argnames=("a", "q"))

__all__ = public_functions(globals())
