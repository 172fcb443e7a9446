"""Gradient rules of numpy's statistics and constructor functions written in Python (``average``,
``ptp``, ``cov``, ``corrcoef``, ``logspace``, ``geomspace``, ``vander``, ``ediff1d``,
``cumulative_sum``/``cumulative_prod``, ``unwrap``, ``i0``, ``fft.fftfreq``/``rfftfreq``), each
VJP beside its JVP.

``cov`` works on the design matrix ``X`` (variables in rows, observations in columns): with
observation weights ``w`` (``fweights * aweights``, constants) and ``Xc = X - average(X, w)``,
``C = Xc diag(w) Xc^T / fact``. Because ``Xc w = 0``, its VJP is ``(G + G^T) Xc diag(w) / fact``.
``corrcoef`` is ``R = C / sqrt(d_i d_j)`` with ``d = diag(C)``, chained through ``cov``'s rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import unbroadcast_to
from .registry import (
    alias_method,
    constant_arguments,
    define_from_source,
    defrule,
    public_functions,
)
from .rules_cumulative import cumprod_jvp, cumprod_vjp
from .rules_ranges import (  # noqa: F401 (the generated logspace and geomspace rules use them)
    linspace_jvp_start,
    linspace_jvp_stop,
    linspace_vjp_start,
    linspace_vjp_stop,
)
from .rules_reduce import max_jvp, max_vjp, min_jvp, min_vjp


def _as_dtype_of(x: Any, like: Any) -> Any:
    """``x`` as an array of ``like``'s dtype."""
    return np.asarray(x, dtype=np.result_type(like))


def _keep(g: Any, a: Any, axis: Any, keepdims: bool) -> Any:
    """The adjoint of a reduction of ``a`` over ``axis`` with the reduced axes kept (size 1)."""
    if keepdims or axis is None:
        return np.reshape(g, np.shape(np.sum(a, axis=axis, keepdims=True)))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return np.expand_dims(g, tuple(int(i) % np.ndim(a) for i in axes))


# ---- average -----------------------------------------------------------------------------------


def _weights_like(a: Any, weights: Any, axis: Any) -> Any:
    """The weights shaped to broadcast against ``a``: 1-D weights lie along ``axis``."""
    if np.shape(weights) == np.shape(a):
        return weights
    shape = [1] * np.ndim(a)
    shape[int(axis) % np.ndim(a)] = np.size(weights)
    return np.reshape(weights, shape)


def _average_scale(a: Any, weights: Any, axis: Any) -> tuple[Any, Any]:
    """(the weights broadcast against ``a`` (1 without weights), their sum over ``axis`` with the
    reduced axes kept)."""
    if weights is None:
        count = np.size(a) // max(np.size(np.sum(a, axis=axis, keepdims=True)), 1)
        return 1.0, float(count)
    w = _weights_like(a, weights, axis)
    return w, np.sum(np.broadcast_to(w, np.shape(a)), axis=axis, keepdims=True)


def average_vjp_a(g: Any, ans: Any, a: Any, axis: Any = None, weights: Any = None,
                  returned: bool = False, *, keepdims: bool = False) -> Any:
    """Each entry moves the average by its weight over the weights' sum."""
    g_avg = g[0] if returned else g
    w, total = _average_scale(a, weights, axis)
    partial = np.broadcast_to(_keep(g_avg, a, axis, keepdims) * w / total, np.shape(a))
    return _as_dtype_of(partial, a)


def average_jvp_a(t: Any, ans: Any, a: Any, axis: Any = None, weights: Any = None,
                  returned: bool = False, *, keepdims: bool = False) -> Any:
    w, total = _average_scale(a, weights, axis)
    tangent = np.reshape(np.sum(t * w / total, axis=axis, keepdims=True),
                         np.shape(ans[0] if returned else ans))
    if returned:
        return _as_dtype_of(tangent, ans[0]), np.zeros_like(ans[1])
    return _as_dtype_of(tangent, ans)


def average_vjp_weights(g: Any, ans: Any, a: Any, axis: Any = None, weights: Any = None,
                        returned: bool = False, *, keepdims: bool = False) -> Any:
    """Weight j moves the average by ``(a_j - average) / sum(weights)`` and, with ``returned``,
    the sum of the weights by 1."""
    w, total = _average_scale(a, weights, axis)
    average = _keep(ans[0] if returned else ans, a, axis, keepdims)
    partial = _keep(g[0] if returned else g, a, axis, keepdims) * (a - average) / total
    if returned:
        partial = partial + _keep(g[1], a, axis, keepdims)
    partial = unbroadcast_to(np.broadcast_to(partial, np.shape(a)), w)
    return _as_dtype_of(np.reshape(partial, np.shape(weights)), weights)


def average_jvp_weights(t: Any, ans: Any, a: Any, axis: Any = None, weights: Any = None,
                        returned: bool = False, *, keepdims: bool = False) -> Any:
    total = _average_scale(a, weights, axis)[1]
    t = np.broadcast_to(_weights_like(a, t, axis), np.shape(a))
    average = _keep(ans[0] if returned else ans, a, axis, keepdims)
    shape = np.shape(ans[0] if returned else ans)
    tangent = np.reshape(np.sum(t * (a - average), axis=axis, keepdims=True) / total, shape)
    if returned:
        total_tangent = np.sum(_weights_like(a, t, axis), axis=axis, keepdims=keepdims)
        return (_as_dtype_of(tangent, ans[0]),
                _as_dtype_of(np.broadcast_to(total_tangent, np.shape(ans[1])), ans[1]))
    return _as_dtype_of(tangent, ans)


# ---- ptp ---------------------------------------------------------------------------------------


def ptp_vjp(g: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
            keepdims: bool = False) -> Any:
    """``max - min``: the maximal entries share g, the minimal ones share -g."""
    top = np.max(a, axis=axis, keepdims=keepdims)
    bottom = np.min(a, axis=axis, keepdims=keepdims)
    return (max_vjp(g, top, a, axis, None, keepdims)
            - min_vjp(g, bottom, a, axis, None, keepdims))


def ptp_jvp(t: Any, ans: Any, a: Any, axis: Any = None, out: Any = None,
            keepdims: bool = False) -> Any:
    top = np.max(a, axis=axis, keepdims=keepdims)
    bottom = np.min(a, axis=axis, keepdims=keepdims)
    return (max_jvp(t, top, a, axis, None, keepdims)
            - min_jvp(t, bottom, a, axis, None, keepdims))


# ---- cov and corrcoef --------------------------------------------------------------------------


def _variables(x: Any, rowvar: bool) -> Any:
    """``x`` as rows of variables, as numpy's cov reads it."""
    rows = np.array(x, ndmin=2)
    if not rowvar and np.shape(rows)[0] != 1:
        return np.transpose(rows)
    return rows


def _design(m: Any, y: Any, rowvar: bool) -> Any:
    """The design matrix: the variables of ``m``, then those of ``y``."""
    if np.iscomplexobj(m) or np.iscomplexobj(y):
        raise NotImplementedError("the gradient of np.cov/np.corrcoef of complex data")
    if y is None:
        return _variables(m, rowvar)
    return np.concatenate((_variables(m, rowvar), _variables(y, rowvar)), axis=0)


def _observation_weights(fweights: Any, aweights: Any) -> Any:
    if fweights is None and aweights is None:
        return None
    if fweights is None:
        return np.asarray(aweights, dtype=np.float64)
    if aweights is None:
        return np.asarray(fweights, dtype=np.float64)
    return np.asarray(fweights, dtype=np.float64) * aweights


def _cov_parts(m: Any, y: Any, rowvar: bool, bias: bool, ddof: Any, fweights: Any,
               aweights: Any) -> tuple[Any, Any, float]:
    """(Xc, Xc diag(w), fact): the centred design matrix, weighted, and numpy's normalization."""
    x = _design(m, y, rowvar)
    w = _observation_weights(fweights, aweights)
    if ddof is None:
        ddof = 0 if bias else 1
    if w is None:
        fact = np.shape(x)[1] - ddof
        centred = x - np.mean(x, axis=1, keepdims=True)
        return centred, centred, float(fact)
    total = np.sum(w)
    if ddof == 0:
        fact = total
    elif aweights is None:
        fact = total - ddof
    else:
        fact = total - ddof * np.sum(w * aweights) / total
    centred = x - np.sum(x * w, axis=1, keepdims=True) / total
    return centred, centred * w, float(fact)


def _split_design(grad: Any, m: Any, y: Any, rowvar: bool, which: int) -> Any:
    """The part of a design-matrix adjoint belonging to ``m`` (which=0) or ``y`` (which=1)."""
    rows = np.shape(_variables(m, rowvar))[0]
    part = grad[:rows] if which == 0 else grad[rows:]
    x = m if which == 0 else y
    if not rowvar and np.shape(np.array(x, ndmin=2))[0] != 1:
        part = np.transpose(part)
    return _as_dtype_of(np.reshape(part, np.shape(x)), x)


def _cov_design_vjp(g: Any, m: Any, y: Any, rowvar: bool, bias: bool, ddof: Any,
                    fweights: Any, aweights: Any) -> Any:
    centred, weighted, fact = _cov_parts(m, y, rowvar, bias, ddof, fweights, aweights)
    n = np.shape(centred)[0]
    g = np.reshape(g, (n, n))
    return (g + np.transpose(g)) @ weighted / fact


def _cov_tangent(t_m: Any, t_y: Any, m: Any, y: Any, rowvar: bool, bias: bool, ddof: Any,
                 fweights: Any, aweights: Any) -> Any:
    """The tangent of the (unsqueezed) covariance matrix for tangents of m and y."""
    _, weighted, fact = _cov_parts(m, y, rowvar, bias, ddof, fweights, aweights)
    t_centred = _cov_parts(t_m, t_y, rowvar, True, 0, fweights, aweights)[0]
    half = t_centred @ np.transpose(weighted) / fact
    return half + np.transpose(half)


def cov_vjp_m(g: Any, ans: Any, m: Any, y: Any = None, rowvar: bool = True, bias: bool = False,
              ddof: Any = None, fweights: Any = None, aweights: Any = None, *,
              dtype: Any = None) -> Any:
    """``(G + G^T) Xc diag(w) / fact``, the rows of m's variables."""
    grad = _cov_design_vjp(g, m, y, rowvar, bias, ddof, fweights, aweights)
    return _split_design(grad, m, y, rowvar, 0)


def cov_jvp_m(t: Any, ans: Any, m: Any, y: Any = None, rowvar: bool = True, bias: bool = False,
              ddof: Any = None, fweights: Any = None, aweights: Any = None, *,
              dtype: Any = None) -> Any:
    t_y = None if y is None else np.zeros(np.shape(y))
    tangent = _cov_tangent(t, t_y, m, y, rowvar, bias, ddof, fweights, aweights)
    return _as_dtype_of(np.reshape(tangent, np.shape(ans)), ans)


def cov_vjp_y(g: Any, ans: Any, m: Any, y: Any = None, rowvar: bool = True, bias: bool = False,
              ddof: Any = None, fweights: Any = None, aweights: Any = None, *,
              dtype: Any = None) -> Any:
    """``(G + G^T) Xc diag(w) / fact``, the rows of y's variables."""
    grad = _cov_design_vjp(g, m, y, rowvar, bias, ddof, fweights, aweights)
    return _split_design(grad, m, y, rowvar, 1)


def cov_jvp_y(t: Any, ans: Any, m: Any, y: Any = None, rowvar: bool = True, bias: bool = False,
              ddof: Any = None, fweights: Any = None, aweights: Any = None, *,
              dtype: Any = None) -> Any:
    tangent = _cov_tangent(np.zeros(np.shape(m)), t, m, y, rowvar, bias, ddof, fweights, aweights)
    return _as_dtype_of(np.reshape(tangent, np.shape(ans)), ans)


def _corrcoef_parts(x: Any, y: Any, rowvar: bool) -> tuple[Any, Any]:
    """(the covariance matrix, 2-D; the outer product of the standard deviations)."""
    c = np.array(np.cov(x, y, rowvar), ndmin=2)
    deviations = np.sqrt(np.diagonal(c))
    return c, np.outer(deviations, deviations)


def _corrcoef_cov_adjoint(g: Any, x: Any, y: Any, rowvar: bool) -> Any:
    """The adjoint of the covariance matrix: ``G / (s_i s_j)`` less, on the diagonal,
    ``(rowsum + colsum)(G R) / (2 d)``."""
    c, scale = _corrcoef_parts(x, y, rowvar)
    g = np.reshape(g, np.shape(c))
    weighted = g * (c / scale)
    return g / scale - np.diag((np.sum(weighted, axis=0) + np.sum(weighted, axis=1))
                               / (2.0 * np.diagonal(c)))


def _corrcoef_tangent(t_cov: Any, x: Any, y: Any, rowvar: bool) -> Any:
    c, scale = _corrcoef_parts(x, y, rowvar)
    half = np.diagonal(t_cov) / (2.0 * np.diagonal(c))
    return t_cov / scale - (c / scale) * (half[:, None] + half[None, :])


def corrcoef_vjp_x(g: Any, ans: Any, x: Any, y: Any = None, rowvar: bool = True, *,
                   dtype: Any = None) -> Any:
    """Through ``cov`` with the adjoint of ``R = C / sqrt(d_i d_j)``."""
    adjoint = _corrcoef_cov_adjoint(g, x, y, rowvar)
    return _split_design(_cov_design_vjp(adjoint, x, y, rowvar, False, None, None, None),
                         x, y, rowvar, 0)


def corrcoef_jvp_x(t: Any, ans: Any, x: Any, y: Any = None, rowvar: bool = True, *,
                   dtype: Any = None) -> Any:
    t_y = None if y is None else np.zeros(np.shape(y))
    t_cov = _cov_tangent(t, t_y, x, y, rowvar, False, None, None, None)
    return _as_dtype_of(np.reshape(_corrcoef_tangent(t_cov, x, y, rowvar), np.shape(ans)), ans)


def corrcoef_vjp_y(g: Any, ans: Any, x: Any, y: Any = None, rowvar: bool = True, *,
                   dtype: Any = None) -> Any:
    """Through ``cov`` with the adjoint of ``R = C / sqrt(d_i d_j)``."""
    adjoint = _corrcoef_cov_adjoint(g, x, y, rowvar)
    return _split_design(_cov_design_vjp(adjoint, x, y, rowvar, False, None, None, None),
                         x, y, rowvar, 1)


def corrcoef_jvp_y(t: Any, ans: Any, x: Any, y: Any = None, rowvar: bool = True, *,
                   dtype: Any = None) -> Any:
    t_cov = _cov_tangent(np.zeros(np.shape(x)), t, x, y, rowvar, False, None, None, None)
    return _as_dtype_of(np.reshape(_corrcoef_tangent(t_cov, x, y, rowvar), np.shape(ans)), ans)


# ---- logspace and geomspace --------------------------------------------------------------------


def _log_base(base: Any, axis: int) -> Any:
    """log(base), shaped as numpy's logspace broadcasts an array base (along ``axis``)."""
    if np.ndim(base) == 0:
        return float(np.log(base))
    return np.expand_dims(np.log(base), axis)


def _real_endpoint(x: Any) -> Any:
    """``x``, checked real (the rules below do not cover complex endpoints)."""
    if np.iscomplexobj(x):
        raise NotImplementedError("the gradient of np.geomspace with complex endpoints")
    return x


# logspace is ``base ** linspace(start, stop)``: linspace's rules with ``g * ans * log(base)``;
# geomspace is ``sign * exp(linspace(log|start|, log|stop|))``: linspace's rules with ``g * ans``
# over the endpoint. One rule per (function, mode, endpoint):
_SPACE_RULES = """
def logspace_vjp_{end}(g, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    return linspace_vjp_{end}(g * ans * _log_base(base, axis), ans, start, stop, num, endpoint,
                              False, None, axis)


def logspace_jvp_{end}(t, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    return ans * _log_base(base, axis) * linspace_jvp_{end}(t, ans, start, stop, num, endpoint,
                                                            False, None, axis)


def geomspace_vjp_{end}(g, ans, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    start, stop = _real_endpoint(start), _real_endpoint(stop)
    partial = linspace_vjp_{end}(g * ans, ans, start, stop, num, endpoint, False, None, axis)
    return _as_dtype_of(partial / {end}, {end})


def geomspace_jvp_{end}(t, ans, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    start, stop = _real_endpoint(start), _real_endpoint(stop)
    return ans * linspace_jvp_{end}(t / {end}, ans, start, stop, num, endpoint, False, None, axis)
"""
define_from_source("\n".join(_SPACE_RULES.format(end=end) for end in ("start", "stop")),
                   globals(), f"{__name__}: logspace and geomspace rules")


def _endpoint_rules(function: str, mode: str) -> tuple[Any, Any]:
    return globals()[f"{function}_{mode}_start"], globals()[f"{function}_{mode}_stop"]


# ---- vander ------------------------------------------------------------------------------------


def _vander_slope(ans: Any, x: Any, increasing: bool) -> Any:
    """d x_i^p_j / d x_i = p_j x_i^(p_j - 1) (0 for p_j = 0)."""
    columns = np.shape(ans)[1]
    powers = np.arange(columns) if increasing else np.arange(columns - 1, -1, -1)
    lowered = np.maximum(powers - 1, 0)
    return powers * np.power(np.expand_dims(x, 1), lowered)


def vander_vjp(g: Any, ans: Any, x: Any, N: Any = None, increasing: bool = False) -> Any:
    """Row i holds powers of x_i: sum_j g_ij p_j x_i^(p_j - 1)."""
    return _as_dtype_of(np.sum(g * _vander_slope(ans, x, increasing), axis=1), x)


def vander_jvp(t: Any, ans: Any, x: Any, N: Any = None, increasing: bool = False) -> Any:
    return _as_dtype_of(np.expand_dims(t, 1) * _vander_slope(ans, x, increasing), ans)


# ---- ediff1d -----------------------------------------------------------------------------------


def _ediff1d_layout(ary: Any, to_end: Any, to_begin: Any) -> tuple[int, int]:
    """(how many values to_begin puts first, how many differences follow)."""
    begin = 0 if to_begin is None else np.size(to_begin)
    return begin, max(np.size(ary) - 1, 0)


def ediff1d_vjp_ary(g: Any, ans: Any, ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    """Difference k is ``a_{k+1} - a_k``: entry i gets ``g_{i-1} - g_i`` of the differences."""
    begin, count = _ediff1d_layout(ary, to_end, to_begin)
    differences = g[begin:begin + count]
    zero = np.zeros(1, dtype=np.result_type(g))
    flat = np.concatenate((zero, differences)) - np.concatenate((differences, zero))
    if np.size(ary) == 0:
        flat = np.zeros(0, dtype=np.result_type(g))
    return _as_dtype_of(np.reshape(flat, np.shape(ary)), ary)


def ediff1d_jvp_ary(t: Any, ans: Any, ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    begin, count = _ediff1d_layout(ary, to_end, to_begin)
    pieces = (np.zeros(begin), np.diff(np.ravel(t)), np.zeros(np.size(ans) - begin - count))
    return _as_dtype_of(np.concatenate(pieces), ans)


def ediff1d_vjp_to_end(g: Any, ans: Any, ary: Any, to_end: Any = None,
                       to_begin: Any = None) -> Any:
    """to_end's values are the last entries."""
    begin, count = _ediff1d_layout(ary, to_end, to_begin)
    return _as_dtype_of(np.reshape(g[begin + count:], np.shape(to_end)), to_end)


def ediff1d_jvp_to_end(t: Any, ans: Any, ary: Any, to_end: Any = None,
                       to_begin: Any = None) -> Any:
    begin, count = _ediff1d_layout(ary, to_end, to_begin)
    return _as_dtype_of(np.concatenate((np.zeros(begin + count), np.ravel(t))), ans)


def ediff1d_vjp_to_begin(g: Any, ans: Any, ary: Any, to_end: Any = None,
                         to_begin: Any = None) -> Any:
    """to_begin's values are the first entries."""
    begin, _ = _ediff1d_layout(ary, to_end, to_begin)
    return _as_dtype_of(np.reshape(g[:begin], np.shape(to_begin)), to_begin)


def ediff1d_jvp_to_begin(t: Any, ans: Any, ary: Any, to_end: Any = None,
                         to_begin: Any = None) -> Any:
    begin, _ = _ediff1d_layout(ary, to_end, to_begin)
    return _as_dtype_of(np.concatenate((np.ravel(t), np.zeros(np.size(ans) - begin))), ans)


# ---- cumulative_sum and cumulative_prod (numpy >= 2.1) -----------------------------------------


def _cumulative_axis(x: Any, axis: Any) -> int:
    return 0 if axis is None else int(axis) % np.ndim(x)


def _drop_initial(g: Any, axis: int, include_initial: bool) -> Any:
    """The adjoint of the running values without the leading initial value."""
    if not include_initial:
        return g
    return np.take(g, np.arange(1, np.shape(g)[axis]), axis=axis)


def _with_initial(t: Any, axis: int, include_initial: bool) -> Any:
    """The tangent with a zero tangent of the (constant) initial value ahead."""
    if not include_initial:
        return t
    shape = list(np.shape(t))
    shape[axis] = 1
    return np.concatenate((np.zeros(shape, dtype=np.result_type(t)), t), axis=axis)


def cumulative_sum_vjp(g: Any, ans: Any, x: Any, *, axis: Any = None, dtype: Any = None,
                       out: Any = None, include_initial: bool = False) -> Any:
    """Each entry feeds every later running sum: a reversed cumulative sum of g."""
    ax = _cumulative_axis(x, axis)
    g = _drop_initial(g, ax, include_initial)
    return _as_dtype_of(np.flip(np.cumsum(np.flip(g, ax), axis=ax), ax), x)


def cumulative_sum_jvp(t: Any, ans: Any, x: Any, *, axis: Any = None, dtype: Any = None,
                       out: Any = None, include_initial: bool = False) -> Any:
    ax = _cumulative_axis(x, axis)
    return _as_dtype_of(_with_initial(np.cumsum(t, axis=ax), ax, include_initial), ans)


def cumulative_prod_vjp(g: Any, ans: Any, x: Any, *, axis: Any = None, dtype: Any = None,
                        out: Any = None, include_initial: bool = False) -> Any:
    """``cumprod``'s rule (exact with zeros) on the running products after the initial 1."""
    ax = _cumulative_axis(x, axis)
    g = _drop_initial(g, ax, include_initial)
    return _as_dtype_of(cumprod_vjp(g, np.cumprod(x, axis=ax), x, ax), x)


def cumulative_prod_jvp(t: Any, ans: Any, x: Any, *, axis: Any = None, dtype: Any = None,
                        out: Any = None, include_initial: bool = False) -> Any:
    ax = _cumulative_axis(x, axis)
    tangent = cumprod_jvp(t, np.cumprod(x, axis=ax), x, ax)
    return _as_dtype_of(_with_initial(tangent, ax, include_initial), ans)


# ---- unwrap, i0, fftfreq -----------------------------------------------------------------------


def unwrap_vjp(g: Any, ans: Any, p: Any, discont: Any = None, axis: int = -1, *,
               period: Any = 2 * np.pi) -> Any:
    """The added multiples of the period are piecewise constant: slope 1."""
    return _as_dtype_of(g, p)


def unwrap_jvp(t: Any, ans: Any, p: Any, discont: Any = None, axis: int = -1, *,
               period: Any = 2 * np.pi) -> Any:
    return _as_dtype_of(np.broadcast_to(t, np.shape(ans)), ans)


def _bessel_i1(x: Any) -> Any:
    """I1(x) = mean over a full period of exp(x cos u) cos u: the trapezoidal rule of a smooth
    periodic integrand, exact to rounding once the node count exceeds about 9 sqrt(|x|)."""
    largest = float(np.max(np.abs(x))) if np.size(x) else 0.0
    nodes = 32 + 10 * int(np.ceil(np.sqrt(largest)))
    cosines = np.cos(np.arange(nodes) * (2.0 * np.pi / nodes)).astype(np.result_type(x, 1.0))
    return np.mean(np.exp(np.expand_dims(x, -1) * cosines) * cosines, axis=-1)


def i0_vjp(g: Any, ans: Any, x: Any) -> Any:
    """I0' = I1."""
    return _as_dtype_of(g * _bessel_i1(x), x)


def i0_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _as_dtype_of(t * _bessel_i1(x), ans)


def fftfreq_vjp_d(g: Any, ans: Any, n: int, d: Any = 1.0, device: Any = None) -> Any:
    """``k / (n d)``: d moves every frequency by ``-f / d``."""
    return _as_dtype_of(-np.sum(g * ans) / d, d)


def fftfreq_jvp_d(t: Any, ans: Any, n: int, d: Any = 1.0, device: Any = None) -> Any:
    return _as_dtype_of(-ans * (t / d), ans)



# ---- polyfit -----------------------------------------------------------------------------------


def _polyfit_linear_only(full: bool, cov: Any) -> None:
    if full or cov:
        raise NotImplementedError("the gradient of np.polyfit with full=True or cov=True (the "
                                  "residuals and covariance are not linear in y): fit with the "
                                  "defaults and compute them from the coefficients")


def polyfit_vjp_y(g: Any, ans: Any, x: Any, y: Any, deg: int, rcond: Any = None,
                  full: bool = False, w: Any = None, cov: Any = False) -> Any:
    """The least-squares coefficients are ``A y`` with ``A`` the fit of the identity (the same
    solver, weights and rcond): the partial is ``A^T g``."""
    _polyfit_linear_only(full, cov)
    fit = np.polyfit(x, np.eye(np.shape(y)[0]), deg, rcond, False, w)
    return _as_dtype_of(np.transpose(fit) @ g, y)


def polyfit_jvp_y(t: Any, ans: Any, x: Any, y: Any, deg: int, rcond: Any = None,
                  full: bool = False, w: Any = None, cov: Any = False) -> Any:
    _polyfit_linear_only(full, cov)
    return _as_dtype_of(np.polyfit(x, t, deg, rcond, False, w), ans)


_AVERAGE = ("a", "axis", "weights", "returned")
defrule(np.average, vjp=(average_vjp_a, None, average_vjp_weights, None),
        jvp=(average_jvp_a, None, average_jvp_weights, None), argnames=_AVERAGE,
        container=True)  # (average, sum of weights) with returned=True
defrule(np.ptp, vjp=(ptp_vjp,), jvp=(ptp_jvp,), argnames=("a",))
def _has_ptp_method() -> bool:
    # x.ptp() was removed in numpy 2.0 (numpy 2.x keeps a stub that raises AttributeError)
    try:
        np.zeros(1).ptp()
    except AttributeError:
        return False
    return True


if _has_ptp_method():
    alias_method("ptp", np.ptp)
_COV = ("m", "y", "rowvar", "bias", "ddof", "fweights", "aweights")
defrule(np.cov, vjp=(cov_vjp_m, cov_vjp_y, None, None, None, None, None),
        jvp=(cov_jvp_m, cov_jvp_y, None, None, None, None, None), argnames=_COV)
defrule(np.corrcoef, vjp=(corrcoef_vjp_x, corrcoef_vjp_y, None),
        jvp=(corrcoef_jvp_x, corrcoef_jvp_y, None), argnames=("x", "y", "rowvar"))
_SPACE = ("start", "stop", "num", "endpoint")
for _name, _rest in (("logspace", ("base", "dtype", "axis")), ("geomspace", ("dtype", "axis"))):
    _none = (None,) * (len(_SPACE) - 2 + len(_rest))
    defrule(getattr(np, _name), vjp=(*_endpoint_rules(_name, "vjp"), *_none),
            jvp=(*_endpoint_rules(_name, "jvp"), *_none), argnames=(*_SPACE, *_rest))
defrule(np.vander, vjp=(vander_vjp, None, None), jvp=(vander_jvp, None, None),
        argnames=("x", "N", "increasing"))
defrule(np.ediff1d, vjp=(ediff1d_vjp_ary, ediff1d_vjp_to_end, ediff1d_vjp_to_begin),
        jvp=(ediff1d_jvp_ary, ediff1d_jvp_to_end, ediff1d_jvp_to_begin),
        argnames=("ary", "to_end", "to_begin"))
if hasattr(np, "cumulative_sum"):  # numpy >= 2.1
    defrule(np.cumulative_sum, vjp=(cumulative_sum_vjp,), jvp=(cumulative_sum_jvp,),
            argnames=("x",))
    defrule(np.cumulative_prod, vjp=(cumulative_prod_vjp,), jvp=(cumulative_prod_jvp,),
            argnames=("x",))
defrule(np.unwrap, vjp=(unwrap_vjp, None, None), jvp=(unwrap_jvp, None, None),
        argnames=("p", "discont", "axis"))
constant_arguments(np.unwrap, "discont")  # it only picks which jumps are corrected
defrule(np.i0, vjp=(i0_vjp,), jvp=(i0_jvp,), argnames=("x",))
defrule(np.polyfit, vjp=(None, polyfit_vjp_y, None, None, None, None, None),
        jvp=(None, polyfit_jvp_y, None, None, None, None, None),
        argnames=("x", "y", "deg", "rcond", "full", "w", "cov"),
        container=True)  # a tuple with full=True or cov=True
for _frequencies in (np.fft.fftfreq, np.fft.rfftfreq):
    defrule(_frequencies, vjp=(None, fftfreq_vjp_d), jvp=(None, fftfreq_jvp_d),
            argnames=("n", "d"))

__all__ = public_functions(globals())
