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
from .registry import defrule
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


def quantile_vjp_a(g: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                   overwrite_input: bool = False, method: str = "linear", keepdims: bool = False,
                   *, weights: Any = None) -> Any:
    """g split between the two order statistics the quantile interpolates."""
    method = _check(method, weights, "quantile_vjp_a", overwrite_input)
    return _quantile_vjp_a(g, a, q, axis, method, False, "quantile_vjp_a")


def quantile_jvp_a(t: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                   overwrite_input: bool = False, method: str = "linear", keepdims: bool = False,
                   *, weights: Any = None) -> Any:
    """The same interpolation of the two order statistics' tangents."""
    method = _check(method, weights, "quantile_jvp_a", overwrite_input)
    return _quantile_jvp_a(t, ans, a, q, axis, method, False, "quantile_jvp_a")


def quantile_vjp_q(g: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                   overwrite_input: bool = False, method: str = "linear", keepdims: bool = False,
                   *, weights: Any = None) -> Any:
    """d quantile/dq: the gap between the two order statistics times (n - 1) (linear)."""
    method = _check(method, weights, "quantile_vjp_q", overwrite_input)
    return _quantile_vjp_q(g, a, q, axis, method, False, 1.0, "quantile_vjp_q")


def quantile_jvp_q(t: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                   overwrite_input: bool = False, method: str = "linear", keepdims: bool = False,
                   *, weights: Any = None) -> Any:
    """The tangent of q times d quantile/dq."""
    method = _check(method, weights, "quantile_jvp_q", overwrite_input)
    return _quantile_jvp_q(t, ans, a, q, axis, method, False, 1.0, "quantile_jvp_q")


def percentile_vjp_a(g: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                     overwrite_input: bool = False, method: str = "linear",
                     keepdims: bool = False, *, weights: Any = None) -> Any:
    """``quantile`` at q / 100."""
    method = _check(method, weights, "percentile_vjp_a", overwrite_input)
    return _quantile_vjp_a(g, a, np.divide(q, 100.0), axis, method, False, "percentile_vjp_a")


def percentile_jvp_a(t: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                     overwrite_input: bool = False, method: str = "linear",
                     keepdims: bool = False, *, weights: Any = None) -> Any:
    """``quantile`` at q / 100."""
    method = _check(method, weights, "percentile_jvp_a", overwrite_input)
    return _quantile_jvp_a(t, ans, a, np.divide(q, 100.0), axis, method, False,
                           "percentile_jvp_a")


def percentile_vjp_q(g: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                     overwrite_input: bool = False, method: str = "linear",
                     keepdims: bool = False, *, weights: Any = None) -> Any:
    """d quantile/dq at q / 100, divided by 100."""
    method = _check(method, weights, "percentile_vjp_q", overwrite_input)
    return _quantile_vjp_q(g, a, q, axis, method, False, 100.0, "percentile_vjp_q")


def percentile_jvp_q(t: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                     overwrite_input: bool = False, method: str = "linear",
                     keepdims: bool = False, *, weights: Any = None) -> Any:
    """The tangent of q times d percentile/dq."""
    method = _check(method, weights, "percentile_jvp_q", overwrite_input)
    return _quantile_jvp_q(t, ans, a, q, axis, method, False, 100.0, "percentile_jvp_q")


def median_vjp(g: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
               overwrite_input: bool = False, keepdims: bool = False) -> Any:
    """``quantile`` at 0.5: g split between the middle entries."""
    method = _check("linear", None, "median_vjp", overwrite_input)
    return _quantile_vjp_a(g, a, 0.5, axis, method, False, "median_vjp")


def median_jvp(t: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
               overwrite_input: bool = False, keepdims: bool = False) -> Any:
    """The mean tangent of the middle entries."""
    method = _check("linear", None, "median_jvp", overwrite_input)
    return _quantile_jvp_a(t, ans, a, 0.5, axis, method, False, "median_jvp")


# ---- nan-aware forms: NaN entries are left out (and get gradient 0) ---------------------------


def nanquantile_vjp_a(g: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                      overwrite_input: bool = False, method: str = "linear",
                      keepdims: bool = False, *, weights: Any = None) -> Any:
    """``quantile_vjp_a`` over the entries that are not NaN."""
    method = _check(method, weights, "nanquantile_vjp_a", overwrite_input)
    return _quantile_vjp_a(g, a, q, axis, method, True, "nanquantile_vjp_a")


def nanquantile_jvp_a(t: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                      overwrite_input: bool = False, method: str = "linear",
                      keepdims: bool = False, *, weights: Any = None) -> Any:
    """``quantile_jvp_a`` over the entries that are not NaN."""
    method = _check(method, weights, "nanquantile_jvp_a", overwrite_input)
    return _quantile_jvp_a(t, ans, a, q, axis, method, True, "nanquantile_jvp_a")


def nanquantile_vjp_q(g: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                      overwrite_input: bool = False, method: str = "linear",
                      keepdims: bool = False, *, weights: Any = None) -> Any:
    """``quantile_vjp_q`` over the entries that are not NaN."""
    method = _check(method, weights, "nanquantile_vjp_q", overwrite_input)
    return _quantile_vjp_q(g, a, q, axis, method, True, 1.0, "nanquantile_vjp_q")


def nanquantile_jvp_q(t: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                      overwrite_input: bool = False, method: str = "linear",
                      keepdims: bool = False, *, weights: Any = None) -> Any:
    """``quantile_jvp_q`` over the entries that are not NaN."""
    method = _check(method, weights, "nanquantile_jvp_q", overwrite_input)
    return _quantile_jvp_q(t, ans, a, q, axis, method, True, 1.0, "nanquantile_jvp_q")


def nanpercentile_vjp_a(g: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                        overwrite_input: bool = False, method: str = "linear",
                        keepdims: bool = False, *, weights: Any = None) -> Any:
    """``nanquantile`` at q / 100."""
    method = _check(method, weights, "nanpercentile_vjp_a", overwrite_input)
    return _quantile_vjp_a(g, a, np.divide(q, 100.0), axis, method, True, "nanpercentile_vjp_a")


def nanpercentile_jvp_a(t: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                        overwrite_input: bool = False, method: str = "linear",
                        keepdims: bool = False, *, weights: Any = None) -> Any:
    """``nanquantile`` at q / 100."""
    method = _check(method, weights, "nanpercentile_jvp_a", overwrite_input)
    return _quantile_jvp_a(t, ans, a, np.divide(q, 100.0), axis, method, True,
                           "nanpercentile_jvp_a")


def nanpercentile_vjp_q(g: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                        overwrite_input: bool = False, method: str = "linear",
                        keepdims: bool = False, *, weights: Any = None) -> Any:
    """d nanquantile/dq at q / 100, divided by 100."""
    method = _check(method, weights, "nanpercentile_vjp_q", overwrite_input)
    return _quantile_vjp_q(g, a, q, axis, method, True, 100.0, "nanpercentile_vjp_q")


def nanpercentile_jvp_q(t: Any, ans: Any, a: Any, q: Any, axis: Any = None, out: Any = None,
                        overwrite_input: bool = False, method: str = "linear",
                        keepdims: bool = False, *, weights: Any = None) -> Any:
    """The tangent of q times d nanpercentile/dq."""
    method = _check(method, weights, "nanpercentile_jvp_q", overwrite_input)
    return _quantile_jvp_q(t, ans, a, q, axis, method, True, 100.0, "nanpercentile_jvp_q")


def nanmedian_vjp(g: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
                  overwrite_input: bool = False, keepdims: bool = False) -> Any:
    """``median_vjp`` over the entries that are not NaN."""
    method = _check("linear", None, "nanmedian_vjp", overwrite_input)
    return _quantile_vjp_a(g, a, 0.5, axis, method, True, "nanmedian_vjp")


def nanmedian_jvp(t: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
                  overwrite_input: bool = False, keepdims: bool = False) -> Any:
    """``median_jvp`` over the entries that are not NaN."""
    method = _check("linear", None, "nanmedian_jvp", overwrite_input)
    return _quantile_jvp_a(t, ans, a, 0.5, axis, method, True, "nanmedian_jvp")


defrule(np.sort, vjp=(sort_vjp,), jvp=(sort_jvp,), argnames=("a",))
defrule(np.partition, vjp=(partition_vjp,), jvp=(partition_jvp,), argnames=("a",))
if hasattr(np, "msort"):  # removed in numpy 2.0
    defrule(np.msort, vjp=(msort_vjp,), jvp=(msort_jvp,), argnames=("a",))
defrule(np.median, vjp=(median_vjp,), jvp=(median_jvp,), argnames=("a",))
defrule(np.nanmedian, vjp=(nanmedian_vjp,), jvp=(nanmedian_jvp,), argnames=("a",))
for _prim, _vjps, _jvps in (
    (np.quantile, (quantile_vjp_a, quantile_vjp_q), (quantile_jvp_a, quantile_jvp_q)),
    (np.percentile, (percentile_vjp_a, percentile_vjp_q), (percentile_jvp_a, percentile_jvp_q)),
    (np.nanquantile, (nanquantile_vjp_a, nanquantile_vjp_q),
     (nanquantile_jvp_a, nanquantile_jvp_q)),
    (np.nanpercentile, (nanpercentile_vjp_a, nanpercentile_vjp_q),
     (nanpercentile_jvp_a, nanpercentile_jvp_q)),
):
    defrule(_prim, vjp=_vjps, jvp=_jvps, argnames=("a", "q"))

__all__ = [
    "median_jvp", "median_vjp", "msort_jvp", "msort_vjp", "nanmedian_jvp", "nanmedian_vjp",
    "nanpercentile_jvp_a", "nanpercentile_jvp_q", "nanpercentile_vjp_a", "nanpercentile_vjp_q",
    "nanquantile_jvp_a", "nanquantile_jvp_q", "nanquantile_vjp_a", "nanquantile_vjp_q",
    "partition_jvp", "partition_vjp", "percentile_jvp_a", "percentile_jvp_q", "percentile_vjp_a",
    "percentile_vjp_q", "quantile_jvp_a", "quantile_jvp_q", "quantile_vjp_a", "quantile_vjp_q",
    "sort_jvp", "sort_vjp",
]
