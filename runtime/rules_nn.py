"""Neural-network primitives (activations and losses) and their gradient rules.

Each primitive is a plain, numerically stable numpy function; its gradient is given by named
rules ``rule(g, ans, *args, **params)``, one per differentiable argument, that accept the same
signature as the primitive. Rules are written in differentiable numpy (they call only numpy,
``unbroadcast_to`` and the primitives of this module), so a gradient of a gradient can transform
them, and they keep float32 inputs in float32.

Shapes and conventions follow MindSpore / PyTorch:

- ``cross_entropy``: logits ``(N, C)`` or ``(N, C, d1, ...)`` (classes on axis 1) or ``(C,)``;
  targets are class indices (an integer array without the class axis) or class probabilities
  (a float array shaped like the logits). ``'mean'`` divides by the summed weights of the target
  classes for indices, and by the number of samples for probabilities.
- ``binary_cross_entropy_with_logits``: ``target`` has the shape of ``input``; ``weight`` and
  ``pos_weight`` broadcast to it. ``'mean'`` averages over all elements.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import registry
from .broadcast import unbroadcast_to

REDUCTIONS = ("mean", "sum", "none")

__all__ = [
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_vjp_input",
    "binary_cross_entropy_with_logits_vjp_pos_weight",
    "binary_cross_entropy_with_logits_vjp_target",
    "binary_cross_entropy_with_logits_vjp_weight",
    "cross_entropy",
    "cross_entropy_vjp_input",
    "cross_entropy_vjp_target",
    "cross_entropy_vjp_weight",
    "log_softmax",
    "log_softmax_vjp",
    "mse_loss",
    "mse_loss_vjp_input",
    "mse_loss_vjp_target",
    "relu",
    "relu_vjp",
    "sigmoid",
    "sigmoid_vjp",
    "softmax",
    "softmax_vjp",
    "softplus",
    "softplus_vjp",
]


# ---- activations ------------------------------------------------------------------------------


def sigmoid(x: Any) -> Any:
    """The logistic function ``1 / (1 + exp(-x))``; never overflows (``exp`` sees only ``-|x|``)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def sigmoid_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``g * σ(x) * (1 - σ(x))``."""
    return g * ans * (1 - ans)


def softplus(x: Any) -> Any:
    """``log(1 + exp(x))``, without overflow."""
    return np.logaddexp(0.0, x)


def softplus_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``g * σ(x)``, from ``x`` alone: the Idioms pass differentiates the stable spelling
    ``np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))`` with this rule, at a statement whose
    value is not softplus(z)."""
    return g * np.exp(-np.logaddexp(0.0, -x))


def relu(x: Any) -> Any:
    """``max(x, 0)`` elementwise."""
    return np.maximum(x, 0)


def relu_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``g`` where ``x > 0``, else 0 (the subgradient 0 is taken at ``x == 0``)."""
    return g * (x > 0)


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis``, computed after subtracting the maximum."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_vjp(g: Any, ans: Any, x: Any, axis: int = -1) -> Any:
    """``s * (g - sum(g * s))`` with ``s = softmax(x)``."""
    return ans * (g - np.sum(g * ans, axis=axis, keepdims=True))


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - logsumexp(x)`` along ``axis``, computed after subtracting the maximum."""
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def log_softmax_vjp(g: Any, ans: Any, x: Any, axis: int = -1) -> Any:
    """``g - softmax(x) * sum(g)``."""
    return g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)


# ---- shared loss helpers ----------------------------------------------------------------------


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")


def _reduce(loss: Any, reduction: str) -> Any:
    if reduction == "mean":
        return np.mean(loss)
    if reduction == "sum":
        return np.sum(loss)
    return loss


def _elementwise_adjoint(g: Any, loss_like: Any, reduction: str) -> Any:
    """The adjoint of the elementwise loss (shaped like ``loss_like``) given that of the result."""
    if reduction == "mean":
        return g / np.size(loss_like)
    return g


# ---- mean squared error -----------------------------------------------------------------------


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    """``(input - target) ** 2`` (``input`` and ``target`` broadcast), reduced."""
    _check_reduction(reduction)
    diff = input - target
    return _reduce(diff * diff, reduction)


def mse_loss_vjp_input(g: Any, ans: Any, input: Any, target: Any, reduction: str = "mean") -> Any:
    """``2 * (input - target)`` times the elementwise adjoint, reduced to ``input``'s shape."""
    diff = input - target
    return unbroadcast_to(2 * _elementwise_adjoint(g, diff, reduction) * diff, input)


def mse_loss_vjp_target(g: Any, ans: Any, input: Any, target: Any, reduction: str = "mean") -> Any:
    """``-2 * (input - target)`` times the elementwise adjoint, reduced to ``target``'s shape."""
    diff = input - target
    return unbroadcast_to(-2 * _elementwise_adjoint(g, diff, reduction) * diff, target)


# ---- binary cross-entropy on logits -----------------------------------------------------------


def _check_bce_shapes(input: Any, target: Any, weight: Any, pos_weight: Any) -> None:
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


def binary_cross_entropy_with_logits(
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """``-weight * (pos_weight * y * log σ(x) + (1 - y) * log(1 - σ(x)))``, reduced.

    ``x`` is ``input`` (logits) and ``y`` is ``target``; ``weight`` and ``pos_weight`` default
    to 1. The logarithms are ``log σ(x) = -logaddexp(0, -x)`` and ``log(1 - σ(x)) =
    -logaddexp(0, x)``, finite for any finite logit.
    """
    _check_reduction(reduction)
    _check_bce_shapes(input, target, weight, pos_weight)
    log_p = -np.logaddexp(0, -input)
    log_not_p = -np.logaddexp(0, input)
    positive = target * log_p if pos_weight is None else pos_weight * target * log_p
    loss = -(positive + (1 - target) * log_not_p)
    if weight is not None:
        loss = weight * loss
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits_vjp_input(
    g: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """``weight * (σ(x) * (1 - y + pos_weight * y) - pos_weight * y)``; ``σ(x) - y`` plainly."""
    d = _bce_input_slope(input, target, weight, pos_weight)
    return unbroadcast_to(_elementwise_adjoint(g, input, reduction) * d, input)


def _bce_input_slope(input: Any, target: Any, weight: Any, pos_weight: Any) -> Any:
    if pos_weight is None:
        d = sigmoid(input) - target
    else:
        weighted_target = pos_weight * target
        d = sigmoid(input) * (1 - target + weighted_target) - weighted_target
    return d if weight is None else weight * d


def binary_cross_entropy_with_logits_vjp_target(
    g: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """``-weight * (pos_weight * log σ(x) - log(1 - σ(x)))``, which is ``-weight * x`` plainly."""
    d = _bce_target_slope(input, weight, pos_weight)
    return unbroadcast_to(_elementwise_adjoint(g, input, reduction) * d, target)


def _bce_target_slope(input: Any, weight: Any, pos_weight: Any) -> Any:
    if pos_weight is None:
        d = -input
    else:
        d = -np.logaddexp(0, input) + pos_weight * np.logaddexp(0, -input)
    return d if weight is None else weight * d


def binary_cross_entropy_with_logits_vjp_weight(
    g: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """The unweighted elementwise loss, reduced to ``weight``'s shape."""
    if weight is None:
        return None
    d = _bce_unweighted_loss(input, target, pos_weight)
    return unbroadcast_to(_elementwise_adjoint(g, input, reduction) * d, weight)


def _bce_unweighted_loss(input: Any, target: Any, pos_weight: Any) -> Any:
    softplus_neg = np.logaddexp(0, -input)
    positive = target * softplus_neg if pos_weight is None else pos_weight * target * softplus_neg
    return positive + (1 - target) * np.logaddexp(0, input)


def binary_cross_entropy_with_logits_vjp_pos_weight(
    g: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """``-weight * y * log σ(x)``, reduced to ``pos_weight``'s shape."""
    if pos_weight is None:
        return None
    d = _bce_pos_weight_slope(input, target, weight)
    return unbroadcast_to(_elementwise_adjoint(g, input, reduction) * d, pos_weight)


def _bce_pos_weight_slope(input: Any, target: Any, weight: Any) -> Any:
    d = target * np.logaddexp(0, -input)
    return d if weight is None else weight * d


# ---- cross-entropy on logits ------------------------------------------------------------------


def _class_axis(input: Any) -> int:
    return 0 if np.ndim(input) == 1 else 1


def _is_index_target(target: Any) -> bool:
    return bool(np.issubdtype(np.result_type(target), np.integer))


def _one_hot(target: Any, input: Any, dtype: Any) -> Any:
    """Class indices -> one-hot of ``input``'s shape (classes on the class axis)."""
    axis = _class_axis(input)
    trailing = (1,) * (np.ndim(input) - axis - 1)
    classes = np.reshape(np.arange(np.shape(input)[axis]), (-1, *trailing))
    return (np.expand_dims(target, axis) == classes).astype(dtype)


def _class_weight(weight: Any, input: Any) -> Any:
    """The ``(C,)`` class weights reshaped to broadcast along ``input``'s class axis."""
    return np.reshape(weight, (-1,) + (1,) * max(np.ndim(input) - 2, 0))


def _target_distribution(input: Any, target: Any, label_smoothing: float, dtype: Any) -> Any:
    """The (smoothed) target class distribution, shaped like ``input``."""
    q = _one_hot(target, input, dtype) if _is_index_target(target) else target
    if label_smoothing:
        n_classes = np.shape(input)[_class_axis(input)]
        q = (1 - label_smoothing) * q + label_smoothing / n_classes
    return q


def _weighted_target(
    input: Any, target: Any, weight: Any, label_smoothing: float, dtype: Any
) -> Any:
    q = _target_distribution(input, target, label_smoothing, dtype)
    return q if weight is None else q * _class_weight(weight, input)


def _mean_denominator(input: Any, target: Any, weight: Any) -> Any:
    """What 'mean' divides by: the summed target-class weights, or the number of samples."""
    if not _is_index_target(target):
        return np.size(input) // np.shape(input)[_class_axis(input)]
    if weight is None:
        return np.size(target)
    return np.sum(np.take(weight, target))


def _sample_adjoint(g: Any, input: Any, target: Any, weight: Any, reduction: str) -> Any:
    """The adjoint of the per-sample losses, broadcastable against ``input``."""
    if reduction == "none":
        return np.expand_dims(g, _class_axis(input))
    if reduction == "sum":
        return g
    return g / _mean_denominator(input, target, weight)


def _check_cross_entropy(
    input: Any, target: Any, weight: Any, reduction: str, label_smoothing: float
) -> None:
    _check_reduction(reduction)
    if np.ndim(input) == 0:
        raise ValueError("cross_entropy: input must have a class axis, got a scalar")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    axis = _class_axis(input)
    shape = np.shape(input)
    n_classes = shape[axis]
    if _is_index_target(target):
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


def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """Cross-entropy between ``log_softmax(input)`` and the target classes, reduced.

    Per sample ``l = -sum_c weight[c] * q[c] * log_softmax(input)[c]``, where ``q`` is the one-hot
    target (indices) or the target probabilities, smoothed as ``(1 - ε) q + ε / C``.
    """
    _check_cross_entropy(input, target, weight, reduction, label_smoothing)
    axis = _class_axis(input)
    logp = log_softmax(input, axis)
    wq = _weighted_target(input, target, weight, label_smoothing, logp.dtype)
    losses = -np.sum(wq * logp, axis=axis)
    if reduction == "none":
        return losses
    total = np.sum(losses)
    if reduction == "sum":
        return total
    return total / _mean_denominator(input, target, weight)


def cross_entropy_vjp_input(
    g: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """``softmax(x) * sum_c(weight * q) - weight * q`` times the per-sample adjoint."""
    d = _cross_entropy_input_slope(input, target, weight, label_smoothing)
    return _sample_adjoint(g, input, target, weight, reduction) * d


def _cross_entropy_input_slope(
    input: Any, target: Any, weight: Any, label_smoothing: float
) -> Any:
    axis = _class_axis(input)
    logp = log_softmax(input, axis)
    wq = _weighted_target(input, target, weight, label_smoothing, logp.dtype)
    return np.exp(logp) * np.sum(wq, axis=axis, keepdims=True) - wq


def cross_entropy_vjp_target(
    g: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """``-(1 - ε) * weight * log_softmax(x)`` for probability targets; None for class indices."""
    if _is_index_target(target):
        return None
    d = _cross_entropy_target_slope(input, weight, label_smoothing)
    return _sample_adjoint(g, input, target, weight, reduction) * d


def _cross_entropy_target_slope(input: Any, weight: Any, label_smoothing: float) -> Any:
    d = -(1 - label_smoothing) * log_softmax(input, _class_axis(input))
    return d if weight is None else d * _class_weight(weight, input)


def cross_entropy_vjp_weight(
    g: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """``-sum_n q * log_softmax(x)`` per class; with 'mean' over class indices the denominator
    ``D = sum_n weight[y_n]`` depends on the weights too, adding ``-ans * count_c / D``."""
    if weight is None:
        return None
    axis = _class_axis(input)
    logp = log_softmax(input, axis)
    q = _target_distribution(input, target, label_smoothing, logp.dtype)
    adjoint = _sample_adjoint(g, input, target, weight, reduction)
    d = -adjoint * q * logp
    if reduction == "mean" and _is_index_target(target):
        d = d - adjoint * ans * _one_hot(target, input, logp.dtype)
    return np.reshape(unbroadcast_to(d, _class_weight(weight, input)), np.shape(weight))


# ---- registration -----------------------------------------------------------------------------

registry.defvjp(sigmoid, sigmoid_vjp, argnames=("x",))
registry.defvjp(relu, relu_vjp, argnames=("x",))
registry.defvjp(softplus, softplus_vjp, argnames=("x",))
registry.defvjp(softmax, softmax_vjp, None, argnames=("x", "axis"))
registry.defvjp(log_softmax, log_softmax_vjp, None, argnames=("x", "axis"))
registry.defvjp(
    mse_loss,
    mse_loss_vjp_input,
    mse_loss_vjp_target,
    None,
    argnames=("input", "target", "reduction"),
)
registry.defvjp(
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_vjp_input,
    binary_cross_entropy_with_logits_vjp_target,
    binary_cross_entropy_with_logits_vjp_weight,
    binary_cross_entropy_with_logits_vjp_pos_weight,
    None,
    argnames=("input", "target", "weight", "pos_weight", "reduction"),
)
registry.defvjp(
    cross_entropy,
    cross_entropy_vjp_input,
    cross_entropy_vjp_target,
    cross_entropy_vjp_weight,
    None,
    None,
    argnames=("input", "target", "weight", "reduction", "label_smoothing"),
)
