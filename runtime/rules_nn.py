"""Neural-network primitives (activations and losses) and their gradient rules.

Each primitive is a plain, numerically stable numpy function; its gradient is given by named
rules, one per differentiable argument, that accept the same signature as the primitive: a VJP
rule ``rule(g, ans, *args, **params)`` and, beside it, a JVP rule ``rule(t, ans, *args,
**params)`` (an elementwise or per-sample slope times the tangent, reduced like the loss). Rules
are written in differentiable numpy (numpy, ``unbroadcast_to``, the primitives of this module and
the helpers of ``nn_support``), so a gradient of a gradient can transform them, and they keep
float32 inputs in float32. A JVP rule for an argument that was not given (``weight=None``) or
carries no tangent by nature (class-index targets) returns zeros of the output's shape.

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

from .broadcast import unbroadcast_to
from .nn_support import (
    check_bce_shapes,
    check_cross_entropy,
    check_reduction,
    class_axis,
    class_weight,
    elementwise_adjoint,
    is_index_target,
    mean_denominator,
    one_hot,
    reduce_loss,
    reduce_samples,
    sample_adjoint,
    target_distribution,
    weighted_target,
)
from .registry import defrule, defrules, public_functions

# ---- activations ---------------------------------------------------------------------------------


def sigmoid(x: Any) -> Any:
    """The logistic function ``1 / (1 + exp(-x))``; never overflows (``exp`` sees only ``-|x|``)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def sigmoid_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``g * σ(x) * (1 - σ(x))``."""
    return g * ans * (1 - ans)


def sigmoid_jvp(t: Any, ans: Any, x: Any) -> Any:
    return t * ans * (1 - ans)


def softplus(x: Any) -> Any:
    """``log(1 + exp(x))``, without overflow."""
    return np.logaddexp(0.0, x)


def softplus_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``g * σ(x)``, from ``x`` alone: the Idioms pass differentiates the stable spelling
    ``np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))`` with this rule, at a statement whose
    value is not softplus(z)."""
    return g * np.exp(-np.logaddexp(0.0, -x))


def softplus_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``t * σ(x)``."""
    return t * np.exp(-np.logaddexp(0.0, -x))


def relu(x: Any) -> Any:
    """``max(x, 0)`` elementwise."""
    return np.maximum(x, 0)


def relu_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``g`` where ``x > 0``, else 0 (the subgradient 0 is taken at ``x == 0``)."""
    return g * (x > 0)


def relu_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``t`` where ``x > 0``, else 0 (slope 0 at ``x == 0``, like the VJP)."""
    return t * (x > 0)


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis``, computed after subtracting the maximum."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_vjp(g: Any, ans: Any, x: Any, axis: int = -1) -> Any:
    """``s * (g - sum(g * s))`` with ``s = softmax(x)``."""
    return ans * (g - np.sum(g * ans, axis=axis, keepdims=True))


def softmax_jvp(t: Any, ans: Any, x: Any, axis: int = -1) -> Any:
    """``s * (t - sum(s * t))`` with ``s = softmax(x)``."""
    return ans * (t - np.sum(t * ans, axis=axis, keepdims=True))


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - logsumexp(x)`` along ``axis``, computed after subtracting the maximum."""
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def log_softmax_vjp(g: Any, ans: Any, x: Any, axis: int = -1) -> Any:
    """``g - softmax(x) * sum(g)``."""
    return g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)


def log_softmax_jvp(t: Any, ans: Any, x: Any, axis: int = -1) -> Any:
    """``t - sum(softmax(x) * t)``."""
    return t - np.sum(np.exp(ans) * t, axis=axis, keepdims=True)


# ---- mean squared error --------------------------------------------------------------------------


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    """``(input - target) ** 2`` (``input`` and ``target`` broadcast), reduced."""
    check_reduction(reduction)
    diff = input - target
    return reduce_loss(diff * diff, reduction)


def mse_loss_vjp_input(g: Any, ans: Any, input: Any, target: Any, reduction: str = "mean") -> Any:
    """``2 * (input - target)`` times the elementwise adjoint, reduced to ``input``'s shape."""
    diff = input - target
    return unbroadcast_to(2 * elementwise_adjoint(g, diff, reduction) * diff, input)


def mse_loss_jvp_input(t: Any, ans: Any, input: Any, target: Any, reduction: str = "mean") -> Any:
    return reduce_loss(2 * (input - target) * t, reduction)


def mse_loss_vjp_target(g: Any, ans: Any, input: Any, target: Any, reduction: str = "mean") -> Any:
    """``-2 * (input - target)`` times the elementwise adjoint, reduced to ``target``'s shape."""
    diff = input - target
    return unbroadcast_to(-2 * elementwise_adjoint(g, diff, reduction) * diff, target)


def mse_loss_jvp_target(t: Any, ans: Any, input: Any, target: Any, reduction: str = "mean") -> Any:
    return reduce_loss(-2 * (input - target) * t, reduction)


# ---- binary cross-entropy on logits --------------------------------------------------------------


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,
        pos_weight: Any = None, reduction: str = "mean") -> Any:
    """``-weight * (pos_weight * y * log σ(x) + (1 - y) * log(1 - σ(x)))``, reduced.

    ``x`` is ``input`` (logits) and ``y`` is ``target``; ``weight`` and ``pos_weight`` default
    to 1. The logarithms are ``log σ(x) = -logaddexp(0, -x)`` and ``log(1 - σ(x)) =
    -logaddexp(0, x)``, finite for any finite logit.
    """
    check_reduction(reduction)
    check_bce_shapes(input, target, weight, pos_weight)
    log_p = -np.logaddexp(0, -input)
    log_not_p = -np.logaddexp(0, input)
    positive = target * log_p if pos_weight is None else pos_weight * target * log_p
    loss = -(positive + (1 - target) * log_not_p)
    if weight is not None:
        loss = weight * loss
    return reduce_loss(loss, reduction)


def binary_cross_entropy_with_logits_vjp_input(g: Any, ans: Any, input: Any, target: Any,
        weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> Any:
    """``weight * (σ(x) * (1 - y + pos_weight * y) - pos_weight * y)``; ``σ(x) - y`` plainly."""
    d = _bce_input_slope(input, target, weight, pos_weight)
    return unbroadcast_to(elementwise_adjoint(g, input, reduction) * d, input)


def binary_cross_entropy_with_logits_jvp_input(t: Any, ans: Any, input: Any, target: Any,
        weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> Any:
    return reduce_loss(_bce_input_slope(input, target, weight, pos_weight) * t, reduction)


def _bce_input_slope(input: Any, target: Any, weight: Any, pos_weight: Any) -> Any:
    if pos_weight is None:
        d = sigmoid(input) - target
    else:
        weighted_target = pos_weight * target
        d = sigmoid(input) * (1 - target + weighted_target) - weighted_target
    return d if weight is None else weight * d


def binary_cross_entropy_with_logits_vjp_target(g: Any, ans: Any, input: Any, target: Any,
        weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> Any:
    """``-weight * (pos_weight * log σ(x) - log(1 - σ(x)))``, which is ``-weight * x`` plainly."""
    d = _bce_target_slope(input, weight, pos_weight)
    return unbroadcast_to(elementwise_adjoint(g, input, reduction) * d, target)


def binary_cross_entropy_with_logits_jvp_target(t: Any, ans: Any, input: Any, target: Any,
        weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> Any:
    return reduce_loss(_bce_target_slope(input, weight, pos_weight) * t, reduction)


def _bce_target_slope(input: Any, weight: Any, pos_weight: Any) -> Any:
    if pos_weight is None:
        d = -input
    else:
        d = -np.logaddexp(0, input) + pos_weight * np.logaddexp(0, -input)
    return d if weight is None else weight * d


def binary_cross_entropy_with_logits_vjp_weight(g: Any, ans: Any, input: Any, target: Any,
        weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> Any:
    """The unweighted elementwise loss, reduced to ``weight``'s shape."""
    if weight is None:
        return None
    d = _bce_unweighted_loss(input, target, pos_weight)
    return unbroadcast_to(elementwise_adjoint(g, input, reduction) * d, weight)


def binary_cross_entropy_with_logits_jvp_weight(t: Any, ans: Any, input: Any, target: Any,
        weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> Any:
    """The unweighted elementwise loss times t (broadcast), reduced."""
    if weight is None:
        return np.zeros_like(ans)
    return reduce_loss(_bce_unweighted_loss(input, target, pos_weight) * t, reduction)


def _bce_unweighted_loss(input: Any, target: Any, pos_weight: Any) -> Any:
    softplus_neg = np.logaddexp(0, -input)
    positive = target * softplus_neg if pos_weight is None else pos_weight * target * softplus_neg
    return positive + (1 - target) * np.logaddexp(0, input)


def binary_cross_entropy_with_logits_vjp_pos_weight(g: Any, ans: Any, input: Any, target: Any,
        weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> Any:
    """``-weight * y * log σ(x)``, reduced to ``pos_weight``'s shape."""
    if pos_weight is None:
        return None
    d = _bce_pos_weight_slope(input, target, weight)
    return unbroadcast_to(elementwise_adjoint(g, input, reduction) * d, pos_weight)


def binary_cross_entropy_with_logits_jvp_pos_weight(t: Any, ans: Any, input: Any, target: Any,
        weight: Any = None, pos_weight: Any = None, reduction: str = "mean") -> Any:
    if pos_weight is None:
        return np.zeros_like(ans)
    return reduce_loss(_bce_pos_weight_slope(input, target, weight) * t, reduction)


def _bce_pos_weight_slope(input: Any, target: Any, weight: Any) -> Any:
    d = target * np.logaddexp(0, -input)
    return d if weight is None else weight * d


# ---- cross-entropy on logits ---------------------------------------------------------------------


def cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean",
        label_smoothing: float = 0.0) -> Any:
    """Cross-entropy between ``log_softmax(input)`` and the target classes, reduced.

    Per sample ``l = -sum_c weight[c] * q[c] * log_softmax(input)[c]``, where ``q`` is the one-hot
    target (indices) or the target probabilities, smoothed as ``(1 - ε) q + ε / C``.
    """
    check_cross_entropy(input, target, weight, reduction, label_smoothing)
    axis = class_axis(input)
    logp = log_softmax(input, axis)
    wq = weighted_target(input, target, weight, label_smoothing, logp.dtype)
    losses = -np.sum(wq * logp, axis=axis)
    if reduction == "none":
        return losses
    total = np.sum(losses)
    if reduction == "sum":
        return total
    return total / mean_denominator(input, target, weight)


def cross_entropy_vjp_input(g: Any, ans: Any, input: Any, target: Any, weight: Any = None,
        reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """``softmax(x) * sum_c(weight * q) - weight * q`` times the per-sample adjoint."""
    d = _cross_entropy_input_slope(input, target, weight, label_smoothing)
    return sample_adjoint(g, input, target, weight, reduction) * d


def cross_entropy_jvp_input(t: Any, ans: Any, input: Any, target: Any, weight: Any = None,
        reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """Per sample ``sum_c (softmax(x) * sum(weight * q) - weight * q) * t``, reduced."""
    d = _cross_entropy_input_slope(input, target, weight, label_smoothing)
    per_sample = np.sum(d * t, axis=class_axis(input))
    return reduce_samples(per_sample, input, target, weight, reduction)


def _cross_entropy_input_slope(input: Any, target: Any, weight: Any, label_smoothing: float) -> Any:
    axis = class_axis(input)
    logp = log_softmax(input, axis)
    wq = weighted_target(input, target, weight, label_smoothing, logp.dtype)
    return np.exp(logp) * np.sum(wq, axis=axis, keepdims=True) - wq


def cross_entropy_vjp_target(g: Any, ans: Any, input: Any, target: Any, weight: Any = None,
        reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """``-(1 - ε) * weight * log_softmax(x)`` for probability targets; None for class indices."""
    if is_index_target(target):
        return None
    d = _cross_entropy_target_slope(input, weight, label_smoothing)
    return sample_adjoint(g, input, target, weight, reduction) * d


def cross_entropy_jvp_target(t: Any, ans: Any, input: Any, target: Any, weight: Any = None,
        reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """Per sample ``-(1 - ε) sum_c weight * log_softmax(x) * t`` (zeros for class indices)."""
    if is_index_target(target):
        return np.zeros_like(ans)
    d = _cross_entropy_target_slope(input, weight, label_smoothing)
    per_sample = np.sum(d * t, axis=class_axis(input))
    return reduce_samples(per_sample, input, target, weight, reduction)


def _cross_entropy_target_slope(input: Any, weight: Any, label_smoothing: float) -> Any:
    d = -(1 - label_smoothing) * log_softmax(input, class_axis(input))
    return d if weight is None else d * class_weight(weight, input)


def cross_entropy_vjp_weight(g: Any, ans: Any, input: Any, target: Any, weight: Any = None,
        reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """``-sum_n q * log_softmax(x)`` per class; with 'mean' over class indices the denominator
    ``D = sum_n weight[y_n]`` depends on the weights too, adding ``-ans * count_c / D``."""
    if weight is None:
        return None
    axis = class_axis(input)
    logp = log_softmax(input, axis)
    q = target_distribution(input, target, label_smoothing, logp.dtype)
    adjoint = sample_adjoint(g, input, target, weight, reduction)
    d = -adjoint * q * logp
    if reduction == "mean" and is_index_target(target):
        d = d - adjoint * ans * one_hot(target, input, logp.dtype)
    return np.reshape(unbroadcast_to(d, class_weight(weight, input)), np.shape(weight))


def cross_entropy_jvp_weight(t: Any, ans: Any, input: Any, target: Any, weight: Any = None,
        reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """Per sample ``-sum_c t * q * log_softmax(x)``; with 'mean' over class indices the
    denominator ``D = sum_n weight[y_n]`` moves too: ``(dL - ans * sum_n t[y_n]) / D``."""
    if weight is None:
        return np.zeros_like(ans)
    axis = class_axis(input)
    logp = log_softmax(input, axis)
    q = target_distribution(input, target, label_smoothing, logp.dtype)
    per_sample = -np.sum(q * logp * class_weight(t, input), axis=axis)
    if reduction == "mean" and is_index_target(target):
        total = np.sum(per_sample) - ans * np.sum(np.take(t, target))
        return total / mean_denominator(input, target, weight)
    return reduce_samples(per_sample, input, target, weight, reduction)


# ---- registration -----------------------------------------------------------------------------

defrules(
    (
        (sigmoid, sigmoid_vjp, sigmoid_jvp),
        (relu, relu_vjp, relu_jvp),
        (softplus, softplus_vjp, softplus_jvp),
    ),
    argnames=("x",),
)
defrules(
    (
        (softmax, (softmax_vjp, None), (softmax_jvp, None)),
        (log_softmax, (log_softmax_vjp, None), (log_softmax_jvp, None)),
    ),
    argnames=("x", "axis"),
)
defrule(
    mse_loss,
    vjp=(mse_loss_vjp_input, mse_loss_vjp_target, None),
    jvp=(mse_loss_jvp_input, mse_loss_jvp_target, None),
    argnames=("input", "target", "reduction"),
)
defrule(
    binary_cross_entropy_with_logits,
    vjp=(
        binary_cross_entropy_with_logits_vjp_input,
        binary_cross_entropy_with_logits_vjp_target,
        binary_cross_entropy_with_logits_vjp_weight,
        binary_cross_entropy_with_logits_vjp_pos_weight,
        None,
    ),
    jvp=(
        binary_cross_entropy_with_logits_jvp_input,
        binary_cross_entropy_with_logits_jvp_target,
        binary_cross_entropy_with_logits_jvp_weight,
        binary_cross_entropy_with_logits_jvp_pos_weight,
        None,
    ),
    argnames=("input", "target", "weight", "pos_weight", "reduction"),
)
defrule(
    cross_entropy,
    vjp=(cross_entropy_vjp_input, cross_entropy_vjp_target, cross_entropy_vjp_weight, None, None),
    jvp=(cross_entropy_jvp_input, cross_entropy_jvp_target, cross_entropy_jvp_weight, None, None),
    argnames=("input", "target", "weight", "reduction", "label_smoothing"),
)

__all__ = public_functions(globals())
