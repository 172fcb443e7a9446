"""Loss cells: ``BCEWithLogitsLoss``, ``MSELoss`` and ``CrossEntropyLoss``.

Each is called as ``loss(logits, labels)`` and forwards to the matching ``ops`` primitive with
every option passed positionally; the options are fixed in ``__init__``. The primitives are
numerically stable: any finite logit (even ±1000) gives a finite loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..tensor import Parameter
from .cell import Cell

__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "MSELoss"]

_REDUCTIONS = ("mean", "sum", "none")


class BCEWithLogitsLoss(Cell):
    """Binary cross-entropy on logits ``x`` against targets ``y``:

    ``L = -weight * (pos_weight * y * log σ(x) + (1 - y) * log(1 - σ(x)))``, then the mean over
    all elements (``reduction='mean'``), the sum (``'sum'``) or no reduction (``'none'``).
    ``weight`` and ``pos_weight`` (None means 1) must broadcast to the logits' shape.
    """

    def __init__(
        self, reduction: str = "mean", weight: Any = None, pos_weight: Any = None
    ) -> None:
        super().__init__()
        self.reduction = _check_reduction(reduction)
        self.weight = _optional_array(weight)
        self.pos_weight = _optional_array(pos_weight)

    def construct(self, logits: Any, labels: Any) -> Any:
        """``ops.binary_cross_entropy_with_logits`` with this cell's options."""
        return ops.binary_cross_entropy_with_logits(
            logits, labels, self.weight, self.pos_weight, self.reduction
        )

    def extend_repr(self) -> str:
        """The reduction."""
        return f"reduction={self.reduction}"


class MSELoss(Cell):
    """Mean squared error: ``(x - y) ** 2`` elementwise, reduced by ``reduction``."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _check_reduction(reduction)

    def construct(self, logits: Any, labels: Any) -> Any:
        """``ops.mse_loss`` with this cell's reduction."""
        return ops.mse_loss(logits, labels, self.reduction)

    def extend_repr(self) -> str:
        """The reduction."""
        return f"reduction={self.reduction}"


class CrossEntropyLoss(Cell):
    """Cross-entropy between ``log_softmax(logits)`` (classes on axis 1, or axis 0 for 1-D
    logits) and labels given as class indices or class probabilities.

    Per sample ``l = -sum_c weight[c] * q[c] * log_softmax(x)[c]`` with ``q`` the one-hot or
    probability target smoothed as ``(1 - label_smoothing) * q + label_smoothing / C``.
    ``'mean'`` divides the sum by the summed weights of the target classes (index labels) or by
    the number of samples (probability labels); ``'sum'`` and ``'none'`` as usual.
    """

    def __init__(
        self, weight: Any = None, reduction: str = "mean", label_smoothing: float = 0.0
    ) -> None:
        super().__init__()
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
        self.weight = _optional_array(weight)
        self.reduction = _check_reduction(reduction)
        self.label_smoothing = float(label_smoothing)

    def construct(self, logits: Any, labels: Any) -> Any:
        """``ops.cross_entropy`` with this cell's options."""
        return ops.cross_entropy(
            logits, labels, self.weight, self.reduction, self.label_smoothing
        )

    def extend_repr(self) -> str:
        """The reduction and label smoothing."""
        return f"reduction={self.reduction}, label_smoothing={self.label_smoothing}"


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    return reduction


def _optional_array(value: Any) -> Any:
    """None and Parameters unchanged (a Parameter is registered); anything else as an array."""
    if value is None or isinstance(value, Parameter):
        return value
    return np.asarray(value)
