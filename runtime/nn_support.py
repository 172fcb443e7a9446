"""What the loss primitives of ``rules_nn`` share: argument checks, target encodings
(class indices or class probabilities) and the ``'mean'``/``'sum'``/``'none'`` reductions."""

from __future__ import annotations

from typing import Any

import numpy as np

REDUCTIONS = ("mean", "sum", "none")

__all__ = [
    "check_bce_shapes",
    "check_cross_entropy",
    "check_reduction",
    "class_axis",
    "class_weight",
    "elementwise_adjoint",
    "is_index_target",
    "mean_denominator",
    "one_hot",
    "reduce_loss",
    "reduce_samples",
    "sample_adjoint",
    "target_distribution",
    "weighted_target",
]


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")


def reduce_loss(loss: Any, reduction: str) -> Any:
    if reduction == "mean":
        return np.mean(loss)
    if reduction == "sum":
        return np.sum(loss)
    return loss


def elementwise_adjoint(g: Any, loss_like: Any, reduction: str) -> Any:
    """The adjoint of the elementwise loss (shaped like ``loss_like``) given that of the result."""
    if reduction == "mean":
        return g / np.size(loss_like)
    return g


def check_bce_shapes(input: Any, target: Any, weight: Any, pos_weight: Any) -> None:
    shape = np.shape(input)
    if np.shape(target) != shape:
        raise ValueError(
            f"binary_cross_entropy_with_logits: target shape {np.shape(target)} must equal "
            f"the input shape {shape}"
        )
    for name, value in (("weight", weight), ("pos_weight", pos_weight)):
        if value is None:
            continue
        try:
            broadcast = np.broadcast_shapes(np.shape(value), shape)
        except ValueError:
            broadcast = None
        if broadcast != shape:
            raise ValueError(
                f"binary_cross_entropy_with_logits: {name} shape {np.shape(value)} does not "
                f"broadcast to the input shape {shape}"
            )


def class_axis(input: Any) -> int:
    return 0 if np.ndim(input) == 1 else 1


def is_index_target(target: Any) -> bool:
    return bool(np.issubdtype(np.result_type(target), np.integer))


def one_hot(target: Any, input: Any, dtype: Any) -> Any:
    """Class indices -> one-hot of ``input``'s shape (classes on the class axis)."""
    axis = class_axis(input)
    trailing = (1,) * (np.ndim(input) - axis - 1)
    classes = np.reshape(np.arange(np.shape(input)[axis]), (-1, *trailing))
    return (np.expand_dims(target, axis) == classes).astype(dtype)


def class_weight(weight: Any, input: Any) -> Any:
    """The ``(C,)`` class weights reshaped to broadcast along ``input``'s class axis."""
    return np.reshape(weight, (-1,) + (1,) * max(np.ndim(input) - 2, 0))


def target_distribution(input: Any, target: Any, label_smoothing: float, dtype: Any) -> Any:
    """The (smoothed) target class distribution, shaped like ``input``."""
    q = one_hot(target, input, dtype) if is_index_target(target) else target
    if label_smoothing:
        n_classes = np.shape(input)[class_axis(input)]
        q = (1 - label_smoothing) * q + label_smoothing / n_classes
    return q


def weighted_target(
    input: Any, target: Any, weight: Any, label_smoothing: float, dtype: Any
) -> Any:
    q = target_distribution(input, target, label_smoothing, dtype)
    return q if weight is None else q * class_weight(weight, input)


def mean_denominator(input: Any, target: Any, weight: Any) -> Any:
    """What 'mean' divides by: the summed target-class weights, or the number of samples."""
    if not is_index_target(target):
        return np.size(input) // np.shape(input)[class_axis(input)]
    if weight is None:
        return np.size(target)
    return np.sum(np.take(weight, target))


def sample_adjoint(g: Any, input: Any, target: Any, weight: Any, reduction: str) -> Any:
    """The adjoint of the per-sample losses, broadcastable against ``input``."""
    if reduction == "none":
        return np.expand_dims(g, class_axis(input))
    if reduction == "sum":
        return g
    return g / mean_denominator(input, target, weight)


def check_cross_entropy(
    input: Any, target: Any, weight: Any, reduction: str, label_smoothing: float
) -> None:
    check_reduction(reduction)
    if np.ndim(input) == 0:
        raise ValueError("cross_entropy: input must have a class axis, got a scalar")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    axis = class_axis(input)
    shape = np.shape(input)
    n_classes = shape[axis]
    if is_index_target(target):
        expected = shape[:axis] + shape[axis + 1 :]
        if np.shape(target) != expected:
            raise ValueError(
                f"cross_entropy: class-index target shape {np.shape(target)} must be {expected} "
                f"for input shape {shape}"
            )
        if np.size(target) and (np.min(target) < 0 or np.max(target) >= n_classes):
            raise ValueError(f"cross_entropy: class indices must lie in [0, {n_classes})")
    elif np.issubdtype(np.result_type(target), np.floating):
        if np.shape(target) != shape:
            raise ValueError(
                f"cross_entropy: class-probability target shape {np.shape(target)} must equal "
                f"the input shape {shape}"
            )
    else:
        raise TypeError(
            "cross_entropy: target must hold integer class indices or float class "
            f"probabilities, got dtype {np.result_type(target)}"
        )
    if weight is not None and np.shape(weight) != (n_classes,):
        raise ValueError(f"cross_entropy: weight shape {np.shape(weight)} must be ({n_classes},)")


def reduce_samples(per_sample: Any, input: Any, target: Any, weight: Any, reduction: str) -> Any:
    """Reduce per-sample tangents like ``cross_entropy`` reduces its per-sample losses."""
    if reduction == "none":
        return per_sample
    total = np.sum(per_sample)
    if reduction == "sum":
        return total
    return total / mean_denominator(input, target, weight)
