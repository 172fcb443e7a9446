"""Gradient rules of numpy's finite differences and integrals: ``diff``, ``gradient`` and
``trapezoid``. Each function's VJP and JVP side by side, registered together with ``defrule``.

``diff``, ``gradient`` and ``trapezoid`` are linear in the samples: the JVP is the function of
the tangent, the VJP its transpose (for ``gradient``, the transpose of the matrix
``np.gradient`` applies along each axis, built by applying it to the identity). Spacings get
gradients too: ``diff``'s ``prepend``/``append``, ``trapezoid``'s ``x`` and ``dx``, and
``gradient``'s scalar spacings (coordinate arrays raise NotImplementedError).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, unbroadcast_to, unreduce
from .linear import linear_jvp
from .registry import container_results, defrule

# ---- diff --------------------------------------------------------------------------------------


def _diff_adjoint(g: Any, n: int, axis: int) -> Any:
    # The transpose of n differences along axis: each one maps y to -diff of y padded by 0s.
    for _ in range(n):
        zero = np.zeros((), dtype=np.result_type(g))  # a 0.0 edge would promote float32
        g = -np.diff(g, axis=axis, prepend=zero, append=zero)
    return g


def _given(edge: Any) -> bool:
    # Whether np.diff was given this prepend/append (numpy's own default is np._NoValue).
    return edge is not None and edge is not np._NoValue


def _edge_length(edge: Any, axis: int) -> int:
    # How many entries np.diff's prepend/append adds along axis (a scalar adds one).
    return 0 if not _given(edge) else (1 if np.ndim(edge) == 0 else np.shape(edge)[axis])


def _diff_parts(g: Any, a: Any, n: int, axis: int, prepend: Any, append: Any) -> tuple:
    # The adjoint of the joined array [prepend, a, append], cut into its three parts.
    axis = int(axis) % max(np.ndim(a), 1)
    full = _diff_adjoint(g, n, axis)
    first = _edge_length(prepend, axis)
    last = first + np.shape(a)[axis]
    return np.split(full, [first, last], axis=axis)


def diff_vjp(g: Any, ans: Any, a: Any, n: int = 1, axis: int = -1, prepend: Any = None,
             append: Any = None) -> Any:
    """The transpose of n differences, restricted to a's part of the joined array."""
    return np.asarray(_diff_parts(g, a, n, axis, prepend, append)[1], np.result_type(a))


def diff_vjp_prepend(g: Any, ans: Any, a: Any, n: int = 1, axis: int = -1, prepend: Any = None,
                     append: Any = None) -> Any:
    """The transpose of n differences, restricted to the prepended entries."""
    return unbroadcast_to(_diff_parts(g, a, n, axis, prepend, append)[0], prepend)


def diff_vjp_append(g: Any, ans: Any, a: Any, n: int = 1, axis: int = -1, prepend: Any = None,
                    append: Any = None) -> Any:
    """The transpose of n differences, restricted to the appended entries."""
    return unbroadcast_to(_diff_parts(g, a, n, axis, prepend, append)[2], append)


def _zero_edges(t: Any, prepend: Any, append: Any) -> dict[str, Any]:
    # The edges np.diff was given, as zeros of t's dtype (their tangent, when not the one moved).
    edges = {}
    for name, edge in (("prepend", prepend), ("append", append)):
        if _given(edge):
            edges[name] = np.zeros(np.shape(edge), dtype=np.result_type(t))
    return edges


def diff_jvp(t: Any, ans: Any, a: Any, n: int = 1, axis: int = -1, prepend: Any = None,
             append: Any = None) -> Any:
    """The differences of the tangent (the edges are constants)."""
    return np.asarray(np.diff(t, n, axis, **_zero_edges(t, prepend, append)), np.result_type(ans))


def diff_jvp_prepend(t: Any, ans: Any, a: Any, n: int = 1, axis: int = -1, prepend: Any = None,
                     append: Any = None) -> Any:
    """The differences of [t, 0, 0]."""
    edges = _zero_edges(t, prepend, append)
    edges["prepend"] = t
    zeros = np.zeros(np.shape(a), dtype=np.result_type(t))
    return np.asarray(broadcast_like(np.diff(zeros, n, axis, **edges), ans), np.result_type(ans))


def diff_jvp_append(t: Any, ans: Any, a: Any, n: int = 1, axis: int = -1, prepend: Any = None,
                    append: Any = None) -> Any:
    """The differences of [0, 0, t]."""
    edges = _zero_edges(t, prepend, append)
    edges["append"] = t
    zeros = np.zeros(np.shape(a), dtype=np.result_type(t))
    return np.asarray(broadcast_like(np.diff(zeros, n, axis, **edges), ans), np.result_type(ans))


# ---- gradient ----------------------------------------------------------------------------------


def _gradient_axes(f: Any, varargs: tuple, axis: Any) -> tuple[tuple[int, ...], list[Any]]:
    # The axes np.gradient differentiates along and the spacing of each.
    ndim = np.ndim(f)
    if axis is None:
        axes = tuple(range(ndim))
    else:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = tuple(int(i) % ndim for i in axes)
    if not varargs:
        return axes, [1.0] * len(axes)
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return axes, [varargs[0]] * len(axes)
    return axes, list(varargs)


def _gradient_matrix(size: int, spacing: Any, edge_order: int, dtype: Any) -> Any:
    # M with (np.gradient of f along an axis)_i = sum_j M[i, j] f_j: the gradient of the identity.
    return np.asarray(np.gradient(np.eye(size), spacing, axis=0, edge_order=edge_order), dtype)


def gradient_vjp(g: Any, ans: Any, f: Any, *varargs: Any, axis: Any = None,
                 edge_order: int = 1) -> Any:
    """The sum over the differentiated axes of M^T applied to that axis's adjoint."""
    axes, spacings = _gradient_axes(f, varargs, axis)
    if len(axes) == 1:
        parts = [g]
    else:
        parts = [g[k] for k in range(len(axes))]
    dtype = np.result_type(f, parts[0])
    partial = np.zeros(np.shape(f), dtype=dtype)
    for k in range(len(axes)):
        matrix = _gradient_matrix(np.shape(f)[axes[k]], spacings[k], edge_order, dtype)
        moved = np.tensordot(matrix, np.moveaxis(parts[k], axes[k], 0), axes=(0, 0))
        partial = partial + np.moveaxis(moved, 0, axes[k])
    return partial


GRADIENT_SPACINGS = 3  # rules for up to 3 spacing arguments; more raise


def _spacing_axes(ans: Any, varargs: tuple, position: int, rule: str) -> list[int]:
    """The outputs (axes) that spacing argument ``position`` scales: all of them for a single
    scalar spacing, else the one axis it belongs to. Coordinate arrays raise."""
    if len(varargs) > GRADIENT_SPACINGS or np.ndim(varargs[position]) != 0:
        raise NotImplementedError(f"{rule}: gradients with respect to np.gradient's spacings "
                                  f"are supported for up to {GRADIENT_SPACINGS} scalar spacings "
                                  "(not coordinate arrays)")
    count = len(ans) if isinstance(ans, (tuple, list)) else 1
    return list(range(count)) if len(varargs) == 1 else [position]


def _spacing_vjp(g: Any, ans: Any, varargs: tuple, position: int, rule: str) -> Any:
    # Each output it scales is proportional to 1 / h: d/dh = -sum <g_k, ans_k> / h.
    parts, values = (g, ans) if isinstance(ans, (tuple, list)) else ([g], [ans])
    total = 0.0
    for k in _spacing_axes(ans, varargs, position, rule):
        total = total + np.sum(parts[k] * values[k])
    return -total / varargs[position]


def _spacing_jvp(t: Any, ans: Any, varargs: tuple, position: int, rule: str) -> Any:
    # d ans_k = -ans_k t / h for the outputs it scales, 0 for the others.
    scaled = _spacing_axes(ans, varargs, position, rule)
    if not isinstance(ans, (tuple, list)):
        return -ans * (t / varargs[position])
    tangents = []
    for k in range(len(ans)):
        tangents.append(-ans[k] * (t / varargs[position]) if k in scaled
                        else np.zeros_like(ans[k]))
    return type(ans)(tangents)


def _spacing_rules() -> tuple[list[Any], list[Any]]:
    """The rules of spacing arguments 1..GRADIENT_SPACINGS of np.gradient, defined in this
    module as ``gradient_vjp_varargs``, ``gradient_vjp_varargs1``, ... (and ``_jvp``)."""
    vjps, jvps = [], []
    for position in range(GRADIENT_SPACINGS):
        suffix = "" if position == 0 else str(position)
        names = (f"gradient_vjp_varargs{suffix}", f"gradient_jvp_varargs{suffix}")

        def vjp(g: Any, ans: Any, f: Any, *varargs: Any, axis: Any = None,
                edge_order: int = 1, _at: int = position, _name: str = names[0]) -> Any:
            return _spacing_vjp(g, ans, varargs, _at, _name)

        def jvp(t: Any, ans: Any, f: Any, *varargs: Any, axis: Any = None,
                edge_order: int = 1, _at: int = position, _name: str = names[1]) -> Any:
            return _spacing_jvp(t, ans, varargs, _at, _name)

        for rule, name in ((vjp, names[0]), (jvp, names[1])):
            rule.__name__ = rule.__qualname__ = name
            rule.__module__ = __name__
            rule.__doc__ = "np.gradient is proportional to 1 / spacing along each axis."
            globals()[name] = rule
        vjps.append(vjp)
        jvps.append(jvp)
    return vjps, jvps


gradient_jvp = linear_jvp(np.gradient, "gradient_jvp", __name__)
_SPACING_VJPS, _SPACING_JVPS = _spacing_rules()


# ---- trapezoid ---------------------------------------------------------------------------------


def _along(v: Any, axis: int, ndim: int) -> Any:
    # A 1-D array laid along ``axis`` of an ndim-dimensional array.
    return np.reshape(v, (1,) * axis + (-1,) + (1,) * (ndim - axis - 1)) if ndim else v


def _trapezoid_weights(y: Any, x: Any, dx: Any, axis: int) -> Any:
    # d trapezoid/dy_i = (d_{i-1} + d_i) / 2, d the spacings (0 beyond the ends).
    n = np.shape(y)[axis]
    if x is None:
        steps = _along(np.full(n - 1, dx), axis, np.ndim(y))
    elif np.ndim(x) == 1:
        steps = _along(np.diff(x), axis, np.ndim(y))
    else:
        steps = np.diff(x, axis=axis)
    return 0.5 * (_pad(steps, axis, True) + _pad(steps, axis, False))


def _pad(v: Any, axis: int, before: bool) -> Any:
    # v with one slice of zeros before (or after) it along axis.
    shape = list(np.shape(v))
    shape[axis] = 1
    zeros = np.zeros(shape, dtype=np.result_type(v))
    return np.concatenate([zeros, v] if before else [v, zeros], axis=axis)


def trapezoid_vjp(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """Each sample gets g times its trapezoid weight (half the two adjacent spacings)."""
    axis = int(axis) % np.ndim(y)
    weights = _trapezoid_weights(y, x, dx, axis)
    return np.asarray(unreduce(g, y, axis) * weights, dtype=np.result_type(y, g))


# np.trapezoid (numpy >= 2.0) and np.trapz (numpy < 2.4): the same function
TRAPEZOIDS = tuple(f for f in (getattr(np, "trapezoid", None), getattr(np, "trapz", None)) if f)
_trapezoid = TRAPEZOIDS[0]
trapezoid_jvp = linear_jvp(_trapezoid, "trapezoid_jvp", __name__)


def _trapezoid_x_slopes(y: Any, axis: int) -> Any:
    # d trapezoid/dx_j = s_{j-1} - s_j, s_i = (y_i + y_{i+1}) / 2 (0 beyond the ends).
    means = 0.5 * (np.take(y, np.arange(1, np.shape(y)[axis]), axis=axis)
                   + np.take(y, np.arange(np.shape(y)[axis] - 1), axis=axis))
    zero = np.zeros((), dtype=np.result_type(means))  # a 0.0 edge would promote float32
    return -np.diff(means, axis=axis, prepend=zero, append=zero)


def trapezoid_vjp_x(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                    axis: int = -1) -> Any:
    """Moving sample point j changes the two adjacent trapezoids."""
    axis = int(axis) % np.ndim(y)
    full = unreduce(g, y, axis) * _trapezoid_x_slopes(y, axis)
    if np.ndim(x) == 1 and np.ndim(y) > 1:
        return np.sum(np.moveaxis(full, axis, -1), axis=tuple(range(np.ndim(y) - 1)))
    return unbroadcast_to(full, x)


def trapezoid_jvp_x(t: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                    axis: int = -1) -> Any:
    """The slopes of the sample points times their tangents, summed along axis."""
    axis = int(axis) % np.ndim(y)
    moved = _along(t, axis, np.ndim(y)) if np.ndim(x) == 1 else t
    return broadcast_like(np.sum(_trapezoid_x_slopes(y, axis) * moved, axis=axis), ans)


def trapezoid_vjp_dx(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                     axis: int = -1) -> Any:
    """With uniform spacing the integral is dx times that with spacing 1 (dx unused with x)."""
    slope = 0.0 if x is not None else _trapezoid(y, axis=axis)
    return unbroadcast_to(g * slope, dx)


def trapezoid_jvp_dx(t: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                     axis: int = -1) -> Any:
    """t times the integral with spacing 1 (0 when x is given)."""
    slope = 0.0 if x is not None else _trapezoid(y, axis=axis)
    return broadcast_like(t * slope, ans)


defrule(np.diff, vjp=(diff_vjp, None, None, diff_vjp_prepend, diff_vjp_append),
        jvp=(diff_jvp, None, None, diff_jvp_prepend, diff_jvp_append),
        argnames=("a", "n", "axis", "prepend", "append"))
defrule(np.gradient, vjp=(gradient_vjp, *_SPACING_VJPS), jvp=(gradient_jvp, *_SPACING_JVPS),
        argnames=("f", *(f"varargs{i}" for i in range(GRADIENT_SPACINGS))))
container_results(np.gradient)  # a tuple for several axes
for _function in TRAPEZOIDS:
    defrule(_function, vjp=(trapezoid_vjp, trapezoid_vjp_x, trapezoid_vjp_dx),
            jvp=(trapezoid_jvp, trapezoid_jvp_x, trapezoid_jvp_dx), argnames=("y", "x", "dx"))

__all__ = [
    "diff_jvp", "diff_jvp_append", "diff_jvp_prepend", "diff_vjp", "diff_vjp_append",
    "diff_vjp_prepend", "gradient_jvp", "gradient_vjp", "trapezoid_jvp", "trapezoid_jvp_dx",
    "trapezoid_jvp_x", "trapezoid_vjp", "trapezoid_vjp_dx", "trapezoid_vjp_x",
    *(rule.__name__ for rule in _SPACING_VJPS + _SPACING_JVPS),
]
