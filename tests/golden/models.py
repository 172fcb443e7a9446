"""Canonical user functions whose generated gradients are kept as golden files."""

import numpy as np

from autodiff import ops


def function(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss


def mlp_loss(w1, b1, w2, b2, x, labels):
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(labels * log_probs, axis=1))


def dense(x, w, b):
    return np.tanh(x @ w + b)


def two_layers(x, w1, b1, w2, b2):
    h = dense(x, w1, b1)
    out = dense(h, w2, b2)
    return np.sum(out ** 2)


def reassigned(x):
    y = x * 2.0
    y = np.sin(y) + y
    y = y / (1.0 + x ** 2)
    return y.sum()


def rnn(x, h0, wx, wh, b):
    h = h0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ wx + h @ wh + b)
    return np.sum(h ** 2)


def newton_sqrt(a, x0):
    x = x0
    while np.max(np.abs(x * x - a)) > 1e-10:
        x = x - 0.5 * (x * x - a) / x
    return np.sum(x)


def piecewise(x, threshold):
    if np.sum(x) > threshold:
        y = np.sin(x) * 2.0
    else:
        y = x ** 3
    return np.sum(y)
