"""Shape-specialized forms of gradient rules, next to the rules they stand for.

When the compiler has proven the shapes of a rule call's operands (shape-specialized
compilation), some rules are the plain numpy expression for those shapes: ``x.T @ g`` instead
of ``matmul_vjp_rhs``, ``np.full(shape, g)`` instead of ``sum_vjp``. A form is a template over
``g`` (the output's adjoint), ``ans``, ``x1`` and ``x2`` (the operands), with numpy spelled
``_np`` and runtime helpers ``_rt.<name>``, as generated code spells them; ``FORMS`` maps each
rule to the function choosing its form from what was proven (``Proven``), or None where the
rule itself is the best code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .rules_bilinear import matmul_vjp_lhs, matmul_vjp_rhs
from .rules_index import getitem_vjp
from .rules_reduce import max_vjp, mean_vjp, min_vjp, sum_vjp

_FULL_LIMIT = 1 << 16  # larger sum/mean adjoints stay read-only broadcast views (no memory)


@dataclass(frozen=True, slots=True)
class Proven:
    """What the compiler proved about one rule call."""

    shapes: tuple[tuple[int, ...] | None, ...]  # each primal operand's shape (None: unknown)
    reduced: tuple[tuple[int, ...], bool] | None  # a reduction's constant (axes, keepdims)
    basic_index: bool  # the second operand indexes with ints and slices only
    keywords: bool  # the call passes keyword arguments


def _matmul(lhs: bool, proven: Proven) -> str | None:
    """``d(x1 @ x2)`` for the argument (``lhs``: x1) as numpy code over g, x1, x2, for shapes
    where it needs no reduction beyond the product itself; None for the other cases."""
    if proven.keywords or len(proven.shapes) != 2 or None in proven.shapes:
        return None
    x1, x2 = proven.shapes
    same_batch = len(x1) == len(x2) >= 3 and x1[:-2] == x2[:-2]
    if lhs:
        if len(x1) >= 2 and len(x2) == 2:
            return "g @ x2.T"
        if same_batch:
            return "g @ x2.swapaxes(-1, -2)"
        if len(x1) == 1 and len(x2) == 2:
            return "x2 @ g"
        return None
    if len(x1) == 2 and len(x2) == 2:
        return "x1.T @ g"
    if len(x1) == 1 and len(x2) == 2:
        return "x1[:, None] * g"  # np.outer's product, without its wrapper
    if len(x1) >= 3 and len(x2) == 2:
        return f"x1.reshape(-1, {x1[-1]}).T @ g.reshape(-1, {x2[-1]})"
    if same_batch:
        return "x1.swapaxes(-1, -2) @ g"
    return None


def _spread(mean: bool, proven: Proven) -> str | None:
    """The adjoint of ``np.sum`` / ``np.mean`` of ``x`` over constant axes: g spread back over
    the reduced axes."""
    shape = proven.shapes[0] if proven.shapes else None
    if shape is None or proven.reduced is None:
        return None
    axes, keepdims = proven.reduced
    count = 1
    for axis in axes:
        count *= shape[axis]
    value = f"g / {count}" if mean else "g"
    if axes and not keepdims and len(axes) < len(shape):
        value = f"_np.expand_dims({value}, {axes_literal(axes)})"
    size = count
    for axis, dim in enumerate(shape):
        size *= dim if axis not in axes else 1
    if size > _FULL_LIMIT:
        return f"_np.broadcast_to({value}, {shape})"
    return f"_np.full({shape}, {value})"


def _scatter(proven: Proven) -> str | None:
    """``x[index]``'s adjoint without keeping ``x``: only its shape is needed."""
    if proven.keywords or len(proven.shapes) != 2 or proven.shapes[0] is None \
            or not proven.basic_index:
        return None
    return f"_rt.scatter(g, {proven.shapes[0]}, x2)"


def _extremum(proven: Proven) -> str | None:
    """``max``/``min`` with ``keepdims``: ``ans`` broadcasts against ``x`` as it is."""
    if not proven.shapes or proven.shapes[0] is None or proven.reduced is None \
            or not proven.reduced[1]:
        return None
    return (f"g * (x1 == ans) / _np.maximum((x1 == ans).sum("
            f"axis={axes_literal(proven.reduced[0])}, keepdims=True), 1)")


def axes_literal(axes: tuple[int, ...]) -> str:
    """``1`` for one axis, ``(0, 2)`` for several."""
    return str(axes[0]) if len(axes) == 1 else str(axes)


FORMS: dict[Any, Callable[[Proven], str | None]] = {
    matmul_vjp_lhs: lambda proven: _matmul(True, proven),
    matmul_vjp_rhs: lambda proven: _matmul(False, proven),
    sum_vjp: lambda proven: _spread(False, proven),
    mean_vjp: lambda proven: _spread(True, proven),
    getitem_vjp: _scatter,
    max_vjp: _extremum,
    min_vjp: _extremum,
}

__all__ = ["FORMS", "Proven", "axes_literal"]
