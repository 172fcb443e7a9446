"""Forward-mode (JVP) rules of the neural-network primitives of ``rules_nn``.

The losses are elementwise (or per-sample) slopes times the tangent, reduced like the loss itself
(``'mean'``, ``'sum'`` or ``'none'``); the slopes are shared with the reverse-mode rules. A rule
for an argument that was not given (``weight=None``) or carries no tangent by nature (class-index
targets) returns zeros of the output's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import registry
from .rules_nn import (
    _bce_input_slope,
    _bce_pos_weight_slope,
    _bce_target_slope,
    _bce_unweighted_loss,
    _class_axis,
    _class_weight,
    _cross_entropy_input_slope,
    _cross_entropy_target_slope,
    _is_index_target,
    _mean_denominator,
    _reduce,
    _target_distribution,
    binary_cross_entropy_with_logits,
    cross_entropy,
    log_softmax,
    mse_loss,
    relu,
    sigmoid,
    softmax,
    softplus,
)

__all__ = [
    "binary_cross_entropy_with_logits_jvp_input",
    "binary_cross_entropy_with_logits_jvp_pos_weight",
    "binary_cross_entropy_with_logits_jvp_target",
    "binary_cross_entropy_with_logits_jvp_weight",
    "cross_entropy_jvp_input",
    "cross_entropy_jvp_target",
    "cross_entropy_jvp_weight",
    "log_softmax_jvp",
    "mse_loss_jvp_input",
    "mse_loss_jvp_target",
    "relu_jvp",
    "sigmoid_jvp",
    "softmax_jvp",
    "softplus_jvp",
]


# ---- activations ------------------------------------------------------------------------------


def sigmoid_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * ans * (1 - ans)


def softplus_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``t * σ(x)``."""
    return t * np.exp(-np.logaddexp(0.0, -x))


def relu_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``t`` where ``x > 0``, else 0 (slope 0 at ``x == 0``, like the VJP)."""
    return t * (x > 0)


def softmax_jvp(t: Any, ans: Any, x: Any, axis: int = -1) -> Any:
    """``s * (t - sum(s * t))`` with ``s = softmax(x)``."""
    return ans * (t - np.sum(t * ans, axis=axis, keepdims=True))


def log_softmax_jvp(t: Any, ans: Any, x: Any, axis: int = -1) -> Any:
    """``t - sum(softmax(x) * t)``."""
    return t - np.sum(np.exp(ans) * t, axis=axis, keepdims=True)


# ---- mean squared error -----------------------------------------------------------------------


def mse_loss_jvp_input(t: Any, ans: Any, input: Any, target: Any, reduction: str = "mean") -> Any:
    return _reduce(2 * (input - target) * t, reduction)


def mse_loss_jvp_target(t: Any, ans: Any, input: Any, target: Any, reduction: str = "mean") -> Any:
    return _reduce(-2 * (input - target) * t, reduction)


# ---- binary cross-entropy on logits -----------------------------------------------------------


def binary_cross_entropy_with_logits_jvp_input(
    t: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    return _reduce(_bce_input_slope(input, target, weight, pos_weight) * t, reduction)


def binary_cross_entropy_with_logits_jvp_target(
    t: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    return _reduce(_bce_target_slope(input, weight, pos_weight) * t, reduction)


def binary_cross_entropy_with_logits_jvp_weight(
    t: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """The unweighted elementwise loss times t (broadcast), reduced."""
    if weight is None:
        return np.zeros_like(ans)
    return _reduce(_bce_unweighted_loss(input, target, pos_weight) * t, reduction)


def binary_cross_entropy_with_logits_jvp_pos_weight(
    t: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    if pos_weight is None:
        return np.zeros_like(ans)
    return _reduce(_bce_pos_weight_slope(input, target, weight) * t, reduction)


# ---- cross-entropy on logits ------------------------------------------------------------------


def _reduce_samples(per_sample: Any, input: Any, target: Any, weight: Any, reduction: str) -> Any:
    """Reduce per-sample tangents like ``cross_entropy`` reduces its per-sample losses."""
    if reduction == "none":
        return per_sample
    total = np.sum(per_sample)
    if reduction == "sum":
        return total
    return total / _mean_denominator(input, target, weight)


def cross_entropy_jvp_input(
    t: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """Per sample ``sum_c (softmax(x) * sum(weight * q) - weight * q) * t``, reduced."""
    d = _cross_entropy_input_slope(input, target, weight, label_smoothing)
    per_sample = np.sum(d * t, axis=_class_axis(input))
    return _reduce_samples(per_sample, input, target, weight, reduction)


def cross_entropy_jvp_target(
    t: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """Per sample ``-(1 - ε) sum_c weight * log_softmax(x) * t`` (zeros for class indices)."""
    if _is_index_target(target):
        return np.zeros_like(ans)
    d = _cross_entropy_target_slope(input, weight, label_smoothing)
    per_sample = np.sum(d * t, axis=_class_axis(input))
    return _reduce_samples(per_sample, input, target, weight, reduction)


def cross_entropy_jvp_weight(
    t: Any,
    ans: Any,
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """Per sample ``-sum_c t * q * log_softmax(x)``; with 'mean' over class indices the
    denominator ``D = sum_n weight[y_n]`` moves too: ``(dL - ans * sum_n t[y_n]) / D``."""
    if weight is None:
        return np.zeros_like(ans)
    axis = _class_axis(input)
    logp = log_softmax(input, axis)
    q = _target_distribution(input, target, label_smoothing, logp.dtype)
    per_sample = -np.sum(q * logp * _class_weight(t, input), axis=axis)
    if reduction == "mean" and _is_index_target(target):
        total = np.sum(per_sample) - ans * np.sum(np.take(t, target))
        return total / _mean_denominator(input, target, weight)
    return _reduce_samples(per_sample, input, target, weight, reduction)


# ---- registration -----------------------------------------------------------------------------

registry.defjvp(sigmoid, sigmoid_jvp, argnames=("x",))
registry.defjvp(softplus, softplus_jvp, argnames=("x",))
registry.defjvp(relu, relu_jvp, argnames=("x",))
registry.defjvp(softmax, softmax_jvp, None, argnames=("x", "axis"))
registry.defjvp(log_softmax, log_softmax_jvp, None, argnames=("x", "axis"))
registry.defjvp(
    mse_loss,
    mse_loss_jvp_input,
    mse_loss_jvp_target,
    None,
    argnames=("input", "target", "reduction"),
)
registry.defjvp(
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_jvp_input,
    binary_cross_entropy_with_logits_jvp_target,
    binary_cross_entropy_with_logits_jvp_weight,
    binary_cross_entropy_with_logits_jvp_pos_weight,
    None,
    argnames=("input", "target", "weight", "pos_weight", "reduction"),
)
registry.defjvp(
    cross_entropy,
    cross_entropy_jvp_input,
    cross_entropy_jvp_target,
    cross_entropy_jvp_weight,
    None,
    None,
    argnames=("input", "target", "weight", "reduction", "label_smoothing"),
)
