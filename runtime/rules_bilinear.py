"""Gradient rules of the bilinear products: matmul, dot, tensordot, inner, outer, vdot, vecdot,
kron, cross, convolve and correlate.

A product ``f(a, b)`` is linear in each factor, so its JVPs need no derivative: the tangent of the
output is ``f(t, b)`` for a tangent ``t`` of ``a`` and ``f(a, t)`` for one of ``b``, and numpy's
own shape handling gives exactly the output's shape. Its VJPs are the transposes of those linear
maps, reduced to each factor's shape. ``_defbilinear`` registers such a pair side by side and
records the primitive in ``BILINEAR`` (the tests check the JVPs are the product itself).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import inverse_permutation, unbroadcast_to
from .registry import Rule, alias_method, defrule

BILINEAR: dict[Any, tuple[Rule, Rule]] = {}  # primitive -> (jvp_lhs, jvp_rhs)
_VJPS: dict[Any, tuple[Rule, Rule]] = {}  # primitive -> (vjp_lhs, vjp_rhs)


def _defbilinear(
    primitive: Any, vjp: tuple[Rule, Rule], jvp: tuple[Rule, Rule], argnames: tuple[str, ...]
) -> None:
    BILINEAR[primitive] = jvp
    _VJPS[primitive] = vjp
    defrule(primitive, vjp=vjp, jvp=jvp, argnames=argnames)


def _mT(x: Any) -> Any:  # the transpose of the last two axes, like numpy's .mT
    return np.swapaxes(x, -1, -2)


# ---- matmul -------------------------------------------------------------------------------------


def matmul_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 @ x2)/dx1 = g @ x2.T, with 1-D operands promoted and batch axes summed out."""
    if np.ndim(x2) == 1:
        if np.ndim(x1) == 1:
            return g * x2
        return unbroadcast_to(np.expand_dims(g, -1) * x2, x1)
    if np.ndim(x1) == 1:
        return unbroadcast_to(np.matmul(x2, np.expand_dims(g, -1))[..., 0], x1)
    return unbroadcast_to(np.matmul(g, _mT(x2)), x1)


def matmul_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """d(x1 @ x2)/dx2 = x1.T @ g, with 1-D operands promoted and batch axes summed out."""
    if np.ndim(x1) == 1:
        if np.ndim(x2) == 1:
            return g * x1
        if np.ndim(x2) == 2:
            return np.outer(x1, g)
        return unbroadcast_to(np.expand_dims(x1, -1) * np.expand_dims(g, -2), x2)
    if np.ndim(x2) == 1:
        if np.ndim(x1) == 2:  # matrix @ vector: g @ x1, one product (no batch axes to sum)
            return np.dot(g, x1)
        return unbroadcast_to(np.matmul(np.expand_dims(g, -2), x1)[..., 0, :], x2)
    return unbroadcast_to(np.matmul(_mT(x1), g), x2)


def matmul_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return np.matmul(t, x2)


def matmul_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return np.matmul(x1, t)


# ---- tensordot and the products built on it ----------------------------------------------------


def _tensordot_plan(nda: int, ndb: int, axes: Any) -> tuple[list[int], list[int], Any, Any]:
    # Free axes of a and b, and the permutations that put each partial's axes back in order
    # (np.tensordot lists the remaining axes of each operand in ascending order).
    if np.ndim(axes) == 0:
        a_axes, b_axes = list(range(nda - int(axes), nda)), list(range(int(axes)))
    else:
        a_axes, b_axes = (list(np.atleast_1d(ax)) for ax in axes)
    a_axes, b_axes = [int(i) % nda for i in a_axes], [int(i) % ndb for i in b_axes]
    free_a = [i for i in range(nda) if i not in a_axes]
    free_b = [i for i in range(ndb) if i not in b_axes]
    lhs_order = free_a + [a_axes[b_axes.index(i)] for i in sorted(b_axes)]
    rhs_order = [b_axes[a_axes.index(i)] for i in sorted(a_axes)] + free_b
    return free_a, free_b, inverse_permutation(lhs_order), inverse_permutation(rhs_order)


def tensordot_vjp_lhs(g: Any, ans: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    """Contract g with b over b's free axes, then put a's axes back in order."""
    free_a, free_b, undo, _ = _tensordot_plan(np.ndim(a), np.ndim(b), axes)
    g_axes = list(range(len(free_a), len(free_a) + len(free_b)))
    return np.transpose(np.tensordot(g, b, axes=(g_axes, free_b)), undo)


def tensordot_vjp_rhs(g: Any, ans: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    """Contract a with g over a's free axes, then put b's axes back in order."""
    free_a, _, _, undo = _tensordot_plan(np.ndim(a), np.ndim(b), axes)
    g_axes = list(range(len(free_a)))
    return np.transpose(np.tensordot(a, g, axes=(free_a, g_axes)), undo)


def tensordot_jvp_lhs(t: Any, ans: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    return np.tensordot(t, b, axes)


def tensordot_jvp_rhs(t: Any, ans: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    return np.tensordot(a, t, axes)


def _dot_axes(a: Any, b: Any) -> tuple[list[int], list[int]]:
    return [np.ndim(a) - 1], [max(np.ndim(b) - 2, 0)]


def dot_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``np.dot`` contracts a's last axis with b's second-to-last (a product if one is 0-d)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast_to(g * b, a)
    return tensordot_vjp_lhs(g, ans, a, b, _dot_axes(a, b))


def dot_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``np.dot`` contracts a's last axis with b's second-to-last (a product if one is 0-d)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast_to(g * a, b)
    return tensordot_vjp_rhs(g, ans, a, b, _dot_axes(a, b))


def dot_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.dot(t, b)


def dot_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.dot(a, t)


def inner_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``np.inner`` contracts the last axes of a and b (a product if one is 0-d)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast_to(g * b, a)
    return tensordot_vjp_lhs(g, ans, a, b, ([-1], [-1]))


def inner_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """``np.inner`` contracts the last axes of a and b (a product if one is 0-d)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast_to(g * a, b)
    return tensordot_vjp_rhs(g, ans, a, b, ([-1], [-1]))


def inner_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.inner(t, b)


def inner_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.inner(a, t)


def outer_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """outer(a, b)[i, j] = a.flat[i] * b.flat[j]."""
    return np.reshape(np.matmul(g, np.ravel(b)), np.shape(a))


def outer_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """outer(a, b)[i, j] = a.flat[i] * b.flat[j]."""
    return np.reshape(np.matmul(np.ravel(a), g), np.shape(b))


def outer_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.outer(t, b)


def outer_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.outer(a, t)


def vdot_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """vdot(a, b) = sum(conj(a.flat) * b.flat): anti-linear in a, so its partial is conjugated
    (a real ``a`` keeps the real part)."""
    return unbroadcast_to(np.reshape(np.conj(g * np.ravel(b)), np.shape(a)), a)


def vdot_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """vdot(a, b) = sum(conj(a.flat) * b.flat): linear in b with coefficient conj(a)."""
    return unbroadcast_to(np.reshape(g * np.conj(np.ravel(a)), np.shape(b)), b)


def vdot_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.vdot(t, b)


def vdot_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.vdot(a, t)


def vecdot_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any, axis: int = -1) -> Any:
    """vecdot(x1, x2) = sum(x1 * x2, axis) over broadcast operands (real arrays)."""
    return unbroadcast_to(np.expand_dims(g, axis) * x2, x1)


def vecdot_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any, axis: int = -1) -> Any:
    """vecdot(x1, x2) = sum(x1 * x2, axis) over broadcast operands (real arrays)."""
    return unbroadcast_to(np.expand_dims(g, axis) * x1, x2)


def vecdot_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any, axis: int = -1) -> Any:
    return np.vecdot(t, x2, axis=axis)


def vecdot_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any, axis: int = -1) -> Any:
    return np.vecdot(x1, t, axis=axis)


# ---- kron ---------------------------------------------------------------------------------------


def _kron_factors(g: Any, a: Any, b: Any) -> tuple[Any, Any, Any]:
    # g reshaped to (a0, b0, a1, b1, ...), and a, b spread over those axes (size 1 elsewhere).
    ndim = max(np.ndim(a), np.ndim(b))
    shape_a = (1,) * (ndim - np.ndim(a)) + np.shape(a)
    shape_b = (1,) * (ndim - np.ndim(b)) + np.shape(b)
    paired, spread_a, spread_b = [], [], []
    for i in range(ndim):
        paired += [shape_a[i], shape_b[i]]
        spread_a += [shape_a[i], 1]
        spread_b += [1, shape_b[i]]
    return np.reshape(g, paired), np.reshape(a, spread_a), np.reshape(b, spread_b)


def kron_vjp_lhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """kron(a, b)[i*nb + j] = a[i] b[j] along every axis: sum g * b over b's axes."""
    paired, _, spread_b = _kron_factors(g, a, b)
    axes = tuple(range(1, np.ndim(paired), 2))
    return np.reshape(np.sum(paired * spread_b, axis=axes), np.shape(a))


def kron_vjp_rhs(g: Any, ans: Any, a: Any, b: Any) -> Any:
    """kron(a, b)[i*nb + j] = a[i] b[j] along every axis: sum g * a over a's axes."""
    paired, spread_a, _ = _kron_factors(g, a, b)
    axes = tuple(range(0, np.ndim(paired), 2))
    return np.reshape(np.sum(paired * spread_a, axis=axes), np.shape(b))


def kron_jvp_lhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.kron(t, b)


def kron_jvp_rhs(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return np.kron(a, t)


# ---- cross --------------------------------------------------------------------------------------


def _as_3_vectors(x: Any, axis: int) -> Any:
    # The vectors of x along the last axis, a 2-vector padded with a zero z component.
    x = np.moveaxis(x, axis, -1)
    if np.shape(x)[-1] == 3:
        return x
    return np.concatenate([x, np.zeros_like(x[..., :1])], axis=-1)


def _cross_adjoint(g: Any, other: Any, x: Any, axes: tuple[int, int, int], sign: float) -> Any:
    # <g, a x b> = <a, b x g> = <b, g x a>: the partial of x is other x g (sign 1, x is a) or
    # g x other (sign -1, x is b), cut back to x's vectors and shape; ``axes`` = (axis of x,
    # axis of other, axis of the output).
    axis_x, axis_other, axis_c = axes
    other3 = _as_3_vectors(other, axis_other)
    x_last = np.moveaxis(x, axis_x, -1)
    if np.shape(x_last)[-1] == 2 and np.shape(other)[axis_other] == 2:
        g3 = np.stack([np.zeros_like(g), np.zeros_like(g), g], axis=-1)  # g is the z component
    else:
        g3 = np.moveaxis(g, axis_c, -1)
    partial = np.cross(other3, g3) if sign > 0 else np.cross(g3, other3)
    partial = unbroadcast_to(partial[..., :np.shape(x_last)[-1]], x_last)
    return np.moveaxis(partial, -1, axis_x)


def _cross_axes(axisa: int, axisb: int, axisc: int, axis: Any) -> tuple[int, int, int]:
    return (axisa, axisb, axisc) if axis is None else (axis, axis, axis)


def cross_vjp_lhs(
    g: Any, ans: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
    axis: Any = None,
) -> Any:
    """The partial of a in a x b is b x g (2-vectors are 3-vectors with z = 0)."""
    ax_a, ax_b, ax_c = _cross_axes(axisa, axisb, axisc, axis)
    return _cross_adjoint(g, b, a, (ax_a, ax_b, ax_c), 1.0)


def cross_vjp_rhs(
    g: Any, ans: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
    axis: Any = None,
) -> Any:
    """The partial of b in a x b is g x a (2-vectors are 3-vectors with z = 0)."""
    ax_a, ax_b, ax_c = _cross_axes(axisa, axisb, axisc, axis)
    return _cross_adjoint(g, a, b, (ax_b, ax_a, ax_c), -1.0)


def cross_jvp_lhs(
    t: Any, ans: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
    axis: Any = None,
) -> Any:
    return np.cross(t, b, axisa, axisb, axisc, axis)


def cross_jvp_rhs(
    t: Any, ans: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
    axis: Any = None,
) -> Any:
    return np.cross(a, t, axisa, axisb, axisc, axis)


# ---- convolve and correlate (1-D) ---------------------------------------------------------------


def _full_adjoint(g: Any, na: int, nv: int, mode: str, correlate: bool) -> Any:
    # g padded with zeros to the length of the 'full' output, at the offset numpy crops at.
    shortest, length = min(na, nv), na + nv - 1
    if mode == "full":
        return g
    if mode == "valid":
        start = shortest - 1
    elif correlate and na < nv:
        start = shortest // 2
    else:
        start = (shortest - 1) // 2
    before = np.zeros(start, dtype=np.result_type(g))
    after = np.zeros(length - start - np.shape(g)[0], dtype=np.result_type(g))
    return np.concatenate([before, g, after])


def convolve_vjp_lhs(g: Any, ans: Any, a: Any, v: Any, mode: str = "full") -> Any:
    """full[k] = sum_i a[i] v[k - i], so the partial of a is g_full correlated with v."""
    full = _full_adjoint(g, np.size(a), np.size(v), mode, False)
    return np.convolve(full, v[::-1], "valid")


def convolve_vjp_rhs(g: Any, ans: Any, a: Any, v: Any, mode: str = "full") -> Any:
    """full[k] = sum_i a[k - i] v[i], so the partial of v is g_full correlated with a."""
    full = _full_adjoint(g, np.size(a), np.size(v), mode, False)
    return np.convolve(full, a[::-1], "valid")


def convolve_jvp_lhs(t: Any, ans: Any, a: Any, v: Any, mode: str = "full") -> Any:
    return np.convolve(t, v, mode)


def convolve_jvp_rhs(t: Any, ans: Any, a: Any, v: Any, mode: str = "full") -> Any:
    return np.convolve(a, t, mode)


def correlate_vjp_lhs(g: Any, ans: Any, a: Any, v: Any, mode: str = "valid") -> Any:
    """full = convolve(a, v[::-1]) (real arrays): the partial of a is g_full correlated with
    v[::-1]."""
    full = _full_adjoint(g, np.size(a), np.size(v), mode, True)
    return np.convolve(full, v, "valid")


def correlate_vjp_rhs(g: Any, ans: Any, a: Any, v: Any, mode: str = "valid") -> Any:
    """full = convolve(a, v[::-1]) (real arrays): the partial of v is reversed g_full
    correlated with a."""
    full = _full_adjoint(g, np.size(a), np.size(v), mode, True)
    return np.convolve(full, a[::-1], "valid")[::-1]


def correlate_jvp_lhs(t: Any, ans: Any, a: Any, v: Any, mode: str = "valid") -> Any:
    return np.correlate(t, v, mode)


def correlate_jvp_rhs(t: Any, ans: Any, a: Any, v: Any, mode: str = "valid") -> Any:
    return np.correlate(a, t, mode)


_PAIR = ("a", "b")

_defbilinear(np.matmul, (matmul_vjp_lhs, matmul_vjp_rhs), (matmul_jvp_lhs, matmul_jvp_rhs),
             ("x1", "x2"))
_defbilinear(np.dot, (dot_vjp_lhs, dot_vjp_rhs), (dot_jvp_lhs, dot_jvp_rhs), _PAIR)
_defbilinear(np.tensordot, (tensordot_vjp_lhs, tensordot_vjp_rhs),
             (tensordot_jvp_lhs, tensordot_jvp_rhs), _PAIR)
_defbilinear(np.inner, (inner_vjp_lhs, inner_vjp_rhs), (inner_jvp_lhs, inner_jvp_rhs), _PAIR)
_defbilinear(np.outer, (outer_vjp_lhs, outer_vjp_rhs), (outer_jvp_lhs, outer_jvp_rhs), _PAIR)
_defbilinear(np.vdot, (vdot_vjp_lhs, vdot_vjp_rhs), (vdot_jvp_lhs, vdot_jvp_rhs), _PAIR)
_defbilinear(np.kron, (kron_vjp_lhs, kron_vjp_rhs), (kron_jvp_lhs, kron_jvp_rhs), _PAIR)
_defbilinear(np.cross, (cross_vjp_lhs, cross_vjp_rhs), (cross_jvp_lhs, cross_jvp_rhs), _PAIR)
_defbilinear(np.convolve, (convolve_vjp_lhs, convolve_vjp_rhs),
             (convolve_jvp_lhs, convolve_jvp_rhs), ("a", "v"))
_defbilinear(np.correlate, (correlate_vjp_lhs, correlate_vjp_rhs),
             (correlate_jvp_lhs, correlate_jvp_rhs), ("a", "v"))
if hasattr(np, "vecdot"):  # numpy >= 2.0
    _defbilinear(np.vecdot, (vecdot_vjp_lhs, vecdot_vjp_rhs), (vecdot_jvp_lhs, vecdot_jvp_rhs),
                 ("x1", "x2"))
for _name in ("matmul", "outer", "tensordot", "cross", "vecdot"):  # numpy >= 2: np.linalg.<name>
    _linalg_version = getattr(np.linalg, _name, None)
    if _linalg_version is not None and _linalg_version is not getattr(np, _name):
        # the same function (array-API spelling, keyword-only options): the same rules
        _defbilinear(_linalg_version, _VJPS[getattr(np, _name)], BILINEAR[getattr(np, _name)],
                     ("x1", "x2"))
alias_method("dot", np.dot)

__all__ = [
    "convolve_jvp_lhs",
    "convolve_jvp_rhs",
    "convolve_vjp_lhs",
    "convolve_vjp_rhs",
    "correlate_jvp_lhs",
    "correlate_jvp_rhs",
    "correlate_vjp_lhs",
    "correlate_vjp_rhs",
    "cross_jvp_lhs",
    "cross_jvp_rhs",
    "cross_vjp_lhs",
    "cross_vjp_rhs",
    "dot_jvp_lhs",
    "dot_jvp_rhs",
    "dot_vjp_lhs",
    "dot_vjp_rhs",
    "inner_jvp_lhs",
    "inner_jvp_rhs",
    "inner_vjp_lhs",
    "inner_vjp_rhs",
    "kron_jvp_lhs",
    "kron_jvp_rhs",
    "kron_vjp_lhs",
    "kron_vjp_rhs",
    "matmul_jvp_lhs",
    "matmul_jvp_rhs",
    "matmul_vjp_lhs",
    "matmul_vjp_rhs",
    "outer_jvp_lhs",
    "outer_jvp_rhs",
    "outer_vjp_lhs",
    "outer_vjp_rhs",
    "tensordot_jvp_lhs",
    "tensordot_jvp_rhs",
    "tensordot_vjp_lhs",
    "tensordot_vjp_rhs",
    "vdot_jvp_lhs",
    "vdot_jvp_rhs",
    "vdot_vjp_lhs",
    "vdot_vjp_rhs",
    "vecdot_jvp_lhs",
    "vecdot_jvp_rhs",
    "vecdot_vjp_lhs",
    "vecdot_vjp_rhs",
]
