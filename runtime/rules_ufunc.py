"""Gradient rules of the methods of binary ufuncs: ``reduce`` and ``accumulate`` of ``add``,
``multiply``, ``maximum``/``minimum``/``fmax``/``fmin`` and ``logaddexp``/``logaddexp2``,
``np.add.reduceat``, and ``outer`` of ``add``, ``subtract``, ``multiply`` and ``divide``. Each
VJP and JVP side by side, listed in ``SPECIFIC_METHODS`` and registered on the bound method
(``np.add.reduce``) by ``rules_ufunc_generic``, the one builder of ufunc-method rules, which
writes the methods of the other binary ufuncs from their elementwise rules.

``reduce`` has the rules of the matching reduction (``sum``, ``prod``, ``max``, ...) with the
default ``axis=0``. A running maximum (``np.maximum.accumulate``) sends each output's gradient to
the latest entry that attains it (ties: the latest). ``f.outer(a, b)`` is ``f`` applied to ``a``
with ``b.ndim`` trailing axes added, and ``b``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, unreduce
from .linear import linear_jvp
from .registry import define_from_source, public_functions
from .rules_cumulative import cumprod_jvp, cumprod_vjp, cumsum_vjp
from .rules_index import positions, take_vjp
from .rules_reduce import (  # noqa: F401 (prod_* and sum_*: the generated reduce rules use them)
    _extremum_jvp,
    _extremum_vjp,
    prod_jvp,
    prod_vjp,
    sum_jvp,
    sum_vjp,
)

# ---- reduce ------------------------------------------------------------------------------------


# np.add.reduce and np.multiply.reduce are np.sum and np.prod along axis (default 0); the
# latter's rules are exact with zeros
_REDUCTIONS = {"add": ("sum", True), "multiply": ("prod", None)}  # ufunc: (reduction, where)
_REDUCTION_RULE = """
def {ufunc}_reduce_{mode}({seed}, ans, array, axis=0, dtype=None, out=None, keepdims=False,
        initial=None, where={where}):
    return {reduction}_{mode}({seed}, ans, array, axis, dtype, out, keepdims, initial, where)
"""
define_from_source("\n".join(
    _REDUCTION_RULE.format(ufunc=ufunc, reduction=reduction, where=where, mode=mode, seed=seed)
    for ufunc, (reduction, where) in _REDUCTIONS.items()
    for mode, seed in (("vjp", "g"), ("jvp", "t"))), globals(), f"{__name__}: reduce rules")


def extremum_reduce_vjp(g: Any, ans: Any, array: Any, axis: Any = 0, dtype: Any = None,
                        out: Any = None, keepdims: bool = False, initial: Any = None,
                        where: Any = None) -> Any:
    """``maximum``/``minimum``/``fmax``/``fmin`` ``.reduce``: the entries attaining the
    extremum share the gradient equally (NaNs of fmax/fmin never attain it)."""
    return _extremum_vjp(g, ans, array, axis, keepdims, where)


def extremum_reduce_jvp(t: Any, ans: Any, array: Any, axis: Any = 0, dtype: Any = None,
                        out: Any = None, keepdims: bool = False, initial: Any = None,
                        where: Any = None) -> Any:
    """The extremal entries' tangents, averaged over ties."""
    return _extremum_jvp(np.where(np.isnan(array), 0.0, t), ans, array, axis, keepdims, where)


def _logaddexp_weights(ans: Any, array: Any, axis: Any, keepdims: bool, base: float) -> Any:
    # d logaddexp.reduce(a)/da_i = exp(a_i - ans) (base e), 2 ** (a_i - ans) (base 2).
    gap = array - unreduce(ans, array, axis, keepdims)
    return np.exp(gap) if base == np.e else np.exp2(gap)


def logaddexp_reduce_vjp(g: Any, ans: Any, array: Any, axis: Any = 0, dtype: Any = None,
                         out: Any = None, keepdims: bool = False) -> Any:
    """g times the softmax weights exp(a_i - ans)."""
    return unreduce(g, array, axis, keepdims) * _logaddexp_weights(ans, array, axis, keepdims,
                                                                    np.e)


def logaddexp_reduce_jvp(t: Any, ans: Any, array: Any, axis: Any = 0, dtype: Any = None,
                         out: Any = None, keepdims: bool = False) -> Any:
    """The softmax-weighted sum of the tangents."""
    weights = _logaddexp_weights(ans, array, axis, keepdims, np.e)
    return np.sum(t * weights, axis=axis, keepdims=keepdims)


def logaddexp2_reduce_vjp(g: Any, ans: Any, array: Any, axis: Any = 0, dtype: Any = None,
                          out: Any = None, keepdims: bool = False) -> Any:
    """g times the weights 2 ** (a_i - ans)."""
    return unreduce(g, array, axis, keepdims) * _logaddexp_weights(ans, array, axis, keepdims,
                                                                    2.0)


def logaddexp2_reduce_jvp(t: Any, ans: Any, array: Any, axis: Any = 0, dtype: Any = None,
                          out: Any = None, keepdims: bool = False) -> Any:
    """The sum of the tangents weighted by 2 ** (a_i - ans)."""
    weights = _logaddexp_weights(ans, array, axis, keepdims, 2.0)
    return np.sum(t * weights, axis=axis, keepdims=keepdims)


# ---- accumulate --------------------------------------------------------------------------------


def add_accumulate_vjp(g: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                       out: Any = None) -> Any:
    """``np.cumsum`` along ``axis`` (default 0)."""
    return cumsum_vjp(g, ans, array, axis, dtype)


def multiply_accumulate_vjp(g: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                            out: Any = None) -> Any:
    """``np.cumprod`` along ``axis`` (default 0); exact with zeros."""
    return cumprod_vjp(g, ans, array, axis, dtype)


def multiply_accumulate_jvp(t: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                            out: Any = None) -> Any:
    """``np.cumprod``'s tangent along ``axis``; exact with zeros."""
    return cumprod_jvp(t, ans, array, axis, dtype)


def _running_sources(ans: Any, array: Any, axis: int) -> Any:
    # The flat position of the latest entry attaining each running extremum.
    axis = int(axis) % np.ndim(array)
    steps = np.arange(np.shape(array)[axis]).reshape((-1,) + (1,) * (np.ndim(array) - axis - 1))
    latest = np.maximum.accumulate(np.where(np.equal(array, ans), steps, 0), axis=axis)
    return np.take_along_axis(positions(array), latest, axis=axis)


def extremum_accumulate_vjp(g: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                            out: Any = None) -> Any:
    """A running maximum or minimum: each output's gradient goes to the (latest) entry that
    attains it."""
    return take_vjp(g, None, array, _running_sources(ans, array, axis))


def extremum_accumulate_jvp(t: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                            out: Any = None) -> Any:
    """The tangent of the (latest) entry attaining each running extremum."""
    return np.take(t, _running_sources(ans, array, axis))


def logaddexp_accumulate_vjp(g: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                             out: Any = None) -> Any:
    """dy_k/da_i = exp(a_i - y_k) for i <= k: sum_k>=i g_k exp(a_i - y_k), shifted by the
    last (largest) y for range."""
    top = np.take(ans, [-1], axis=axis)
    later = np.flip(np.cumsum(np.flip(g * np.exp(top - ans), axis), axis=axis), axis)
    return later * np.exp(array - top)


def logaddexp_accumulate_jvp(t: Any, ans: Any, array: Any, axis: int = 0, dtype: Any = None,
                             out: Any = None) -> Any:
    """dy_k = sum_i<=k t_i exp(a_i - y_k), shifted by the last (largest) y for range."""
    top = np.take(ans, [-1], axis=axis)
    return np.cumsum(t * np.exp(array - top), axis=axis) * np.exp(top - ans)


add_accumulate_jvp = linear_jvp(np.add.accumulate, "add_accumulate_jvp", __name__)


# ---- reduceat ----------------------------------------------------------------------------------


def _reduceat_matrix(indices: Any, size: int, dtype: Any) -> Any:
    # M[i, j] = 1 if entry j is summed into output i of np.add.reduceat.
    starts = np.asarray(indices)
    stops = np.append(starts[1:], size)
    stops = np.where(stops > starts, stops, starts + 1)
    columns = np.arange(size)
    return ((columns >= starts[:, None]) & (columns < stops[:, None])).astype(dtype)


def add_reduceat_vjp(g: Any, ans: Any, array: Any, indices: Any, axis: int = 0,
                     dtype: Any = None, out: Any = None) -> Any:
    """Each entry gets the gradient of the segment sum it belongs to."""
    axis = int(axis) % np.ndim(array)
    matrix = _reduceat_matrix(indices, np.shape(array)[axis], np.result_type(array, g))
    return np.moveaxis(np.tensordot(matrix, np.moveaxis(g, axis, 0), axes=(0, 0)), 0, axis)


add_reduceat_jvp = linear_jvp(np.add.reduceat, "add_reduceat_jvp", __name__)


# ---- outer -------------------------------------------------------------------------------------


def _lifted(a: Any, b: Any) -> Any:
    # a with b.ndim trailing axes: f.outer(a, b) == f(_lifted(a, b), b).
    if isinstance(a, (float, int)):
        return a  # a Python number keeps its weak type (NEP 50)
    return np.reshape(a, np.shape(a) + (1,) * np.ndim(b))


def _like_output(t: Any, ans: Any) -> Any:
    # ufunc.outer makes a Python number a float64 array (no weak typing): follow ans's dtype.
    return np.asarray(broadcast_like(t, ans), dtype=np.result_type(ans))


def _like_arg(partial: Any, x: Any) -> Any:
    # A partial in the argument's dtype (ans is float64 when the other operand is a number).
    return partial if isinstance(x, (float, int)) else np.asarray(partial, np.result_type(x))


def _lead_axes(a: Any) -> tuple[int, ...]:
    return tuple(range(np.ndim(a)))


def _trail_axes(a: Any, g: Any) -> tuple[int, ...]:
    return tuple(range(np.ndim(a), np.ndim(g)))


def add_outer_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """Each a_i is added to every b_j: the sum of g over b's axes."""
    return _like_arg(np.sum(g, axis=_trail_axes(a, g)), a)


def add_outer_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """a's tangent, the same for every b_j."""
    return _like_output(_lifted(t, b), ans)


def add_outer_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """Each b_j is added to every a_i: the sum of g over a's axes."""
    return _like_arg(np.sum(g, axis=_lead_axes(a)), b)


def add_outer_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """b's tangent, the same for every a_i."""
    return _like_output(t, ans)


def subtract_outer_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """The sum of g over b's axes."""
    return _like_arg(np.sum(g, axis=_trail_axes(a, g)), a)


def subtract_outer_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """a's tangent, the same for every b_j."""
    return _like_output(_lifted(t, b), ans)


def subtract_outer_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """Minus the sum of g over a's axes."""
    return _like_arg(-np.sum(g, axis=_lead_axes(a)), b)


def subtract_outer_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """Minus b's tangent, the same for every a_i."""
    return _like_output(-t, ans)


def multiply_outer_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """sum_j g_ij b_j."""
    return _like_arg(np.tensordot(g, b, axes=np.ndim(b)), a)


def multiply_outer_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """Linear in a: the outer product of a's tangent and b."""
    return _like_output(np.multiply.outer(t, b), ans)


def multiply_outer_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """sum_i a_i g_ij."""
    return _like_arg(np.tensordot(a, g, axes=np.ndim(a)), b)


def multiply_outer_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """Linear in b: the outer product of a and b's tangent."""
    return _like_output(np.multiply.outer(a, t), ans)


def divide_outer_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """sum_j g_ij / b_j."""
    return _like_arg(np.tensordot(g, np.reciprocal(b), axes=np.ndim(b)), a)


def divide_outer_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """Linear in a: a's tangent divided by each b_j."""
    return _like_output(np.divide.outer(t, b), ans)


def divide_outer_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """-sum_i a_i g_ij / b_j ** 2."""
    return _like_arg(-np.tensordot(a, g, axes=np.ndim(a)) / np.square(b), b)


def divide_outer_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    """-a_i t_j / b_j ** 2."""
    return _like_output(-np.multiply.outer(a, t / np.square(b)), ans)


# (ufunc, method): (VJP rules, JVP rules), one per argument; registered by the one builder of
# ufunc-method rules (rules_ufunc_generic), which writes the other binary ufuncs' methods
SPECIFIC_METHODS = {
    **{(getattr(np, ufunc), "reduce"): ((globals()[f"{ufunc}_reduce_vjp"],),
                                        (globals()[f"{ufunc}_reduce_jvp"],))
       for ufunc in _REDUCTIONS},
    **{(ufunc, "reduce"): ((vjp,), (jvp,)) for ufunc, vjp, jvp in (
        (np.maximum, extremum_reduce_vjp, extremum_reduce_jvp),
        (np.minimum, extremum_reduce_vjp, extremum_reduce_jvp),
        (np.fmax, extremum_reduce_vjp, extremum_reduce_jvp),
        (np.fmin, extremum_reduce_vjp, extremum_reduce_jvp),
        (np.logaddexp, logaddexp_reduce_vjp, logaddexp_reduce_jvp),
        (np.logaddexp2, logaddexp2_reduce_vjp, logaddexp2_reduce_jvp),
    )},
    **{(ufunc, "accumulate"): ((vjp,), (jvp,)) for ufunc, vjp, jvp in (
        (np.add, add_accumulate_vjp, add_accumulate_jvp),
        (np.multiply, multiply_accumulate_vjp, multiply_accumulate_jvp),
        (np.maximum, extremum_accumulate_vjp, extremum_accumulate_jvp),
        (np.minimum, extremum_accumulate_vjp, extremum_accumulate_jvp),
        (np.fmax, extremum_accumulate_vjp, extremum_accumulate_jvp),
        (np.fmin, extremum_accumulate_vjp, extremum_accumulate_jvp),
        (np.logaddexp, logaddexp_accumulate_vjp, logaddexp_accumulate_jvp),
    )},
    **{(ufunc, "outer"): ((vjp_a, vjp_b), (jvp_a, jvp_b))
       for ufunc, vjp_a, vjp_b, jvp_a, jvp_b in (
        (np.add, add_outer_vjp_a, add_outer_vjp_b, add_outer_jvp_a, add_outer_jvp_b),
        (np.subtract, subtract_outer_vjp_a, subtract_outer_vjp_b, subtract_outer_jvp_a,
         subtract_outer_jvp_b),
        (np.multiply, multiply_outer_vjp_a, multiply_outer_vjp_b, multiply_outer_jvp_a,
         multiply_outer_jvp_b),
        (np.divide, divide_outer_vjp_a, divide_outer_vjp_b, divide_outer_jvp_a,
         divide_outer_jvp_b),
    )},
    (np.add, "reduceat"): ((add_reduceat_vjp, None), (add_reduceat_jvp, None)),
}

__all__ = public_functions(globals())
