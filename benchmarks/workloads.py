"""Benchmark workloads: scalar numpy losses and their hand-derived numpy gradients.

Each loss is a module-level function written as a careful numpy user would (stable
log-softmax, stable BCE-with-logits), using only ``np.*`` so that the same source text can be
re-executed with ``np`` bound to ``autograd.numpy`` or ``jax.numpy``. Loops are plain Python
``for``/``while`` loops.

Each hand-written gradient is what a person would write instead of using autodiff: it runs
the forward computation it needs (keeping the values the backward pass reuses), skips the
parts of the loss value no gradient needs, and returns the gradients w.r.t. the workload's
``positions`` as a tuple, in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

Args = tuple[Any, ...]
Grads = tuple[np.ndarray, ...]


@dataclass(frozen=True)
class Workload:
    """A scalar loss, the positions to differentiate, its hand gradient and its inputs."""

    name: str
    description: str
    loss: Callable[..., Any]
    grad: Callable[..., Grads]
    positions: tuple[int, ...]
    make_args: Callable[..., Args]
    sizes: Mapping[str, int]
    tiny_sizes: Mapping[str, int]
    small: bool
    uses_loops: bool = False
    variant_of: str = ""  # the workload whose math this one spells differently

    def args(self, seed: int = 0, **overrides: int) -> Args:
        """The inputs at the benchmark size (``overrides`` replace individual sizes)."""
        return self.make_args(np.random.default_rng(seed), **{**self.sizes, **overrides})

    def tiny_args(self, seed: int = 0) -> Args:
        """Inputs small enough for a finite-difference check of every element."""
        return self.make_args(np.random.default_rng(seed), **self.tiny_sizes)


def _one_hot(rng: np.random.Generator, rows: int, classes: int) -> np.ndarray:
    return np.eye(classes)[rng.integers(0, classes, size=rows)]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, exact and without overflow: ``(1 + tanh(z / 2)) / 2``."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# ---- 1. seed_logreg: the seed tutorial's linear model + BCE with logits ------------------------

def seed_logreg(x, y, w, b):
    z = x @ w + b
    weight = np.ones_like(z)
    loss = np.mean(weight * (np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    return loss


def seed_logreg_grad(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> Grads:
    """d/dz of softplus(z) - z*y is sigmoid(z) - y; the mean divides by z.size."""
    z = x @ w + b
    dz = (_sigmoid(z) - y) / z.size  # the loss's weight is all ones
    return np.outer(x, dz), dz


def _seed_logreg_args(rng: np.random.Generator, n_in: int, n_out: int) -> Args:
    x = rng.standard_normal(n_in)
    y = rng.integers(0, 2, size=n_out).astype(np.float64)
    return x, y, rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)


# ---- 2. mlp: tanh hidden layer, softmax cross-entropy ------------------------------------------

def mlp(w1, b1, w2, b2, x, y):
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(y * log_probs) / x.shape[0]


def mlp_grad(w1: np.ndarray, b1: np.ndarray, w2: np.ndarray, b2: np.ndarray,
             x: np.ndarray, y: np.ndarray) -> Grads:
    """Softmax cross-entropy backward is (softmax - y) / batch for one-hot rows of ``y``."""
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    dlogits = (e / np.sum(e, axis=1, keepdims=True) - y) / x.shape[0]
    da = (dlogits @ w2.T) * (1.0 - h * h)
    return x.T @ da, da.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0)


def _mlp_args(rng: np.random.Generator, batch: int, n_in: int, n_hidden: int,
              n_out: int) -> Args:
    w1 = rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)
    w2 = rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden)
    b1 = 0.1 * rng.standard_normal(n_hidden)
    b2 = 0.1 * rng.standard_normal(n_out)
    return w1, b1, w2, b2, rng.standard_normal((batch, n_in)), _one_hot(rng, batch, n_out)


# ---- 3. rnn_loop: vanilla RNN over a Python for loop -------------------------------------------

def rnn_loop(wx, wh, b, wo, xs, y):
    h = np.zeros((xs.shape[1], wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ wx + h @ wh + b)
    return np.mean((h @ wo - y) ** 2)


def rnn_loop_grad(wx: np.ndarray, wh: np.ndarray, b: np.ndarray, wo: np.ndarray,
                  xs: np.ndarray, y: np.ndarray) -> Grads:
    """Backpropagation through time, reusing the stored hidden states."""
    hs = [np.zeros((xs.shape[1], wh.shape[0]))]
    for t in range(xs.shape[0]):
        hs.append(np.tanh(xs[t] @ wx + hs[-1] @ wh + b))
    out = hs[-1] @ wo
    dout = 2.0 * (out - y) / out.size
    dwo = hs[-1].T @ dout
    dh = dout @ wo.T
    dwx, dwh, db = np.zeros_like(wx), np.zeros_like(wh), np.zeros_like(b)
    for t in range(xs.shape[0] - 1, -1, -1):
        da = dh * (1.0 - hs[t + 1] * hs[t + 1])
        dwx += xs[t].T @ da
        dwh += hs[t].T @ da
        db += da.sum(axis=0)
        dh = da @ wh.T
    return dwx, dwh, db, dwo


def _rnn_args(rng: np.random.Generator, steps: int, batch: int, n_in: int,
              hidden: int) -> Args:
    wx = rng.standard_normal((n_in, hidden)) / np.sqrt(n_in)
    wh = 0.9 * rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)
    b = 0.1 * rng.standard_normal(hidden)
    wo = rng.standard_normal((hidden, 1)) / np.sqrt(hidden)
    xs = rng.standard_normal((steps, batch, n_in))
    return wx, wh, b, wo, xs, rng.standard_normal((batch, 1))


# ---- 4. elementwise chain -----------------------------------------------------------------------

def elementwise_chain(x):
    a = np.sin(x) * x
    c = np.exp(-a * a)
    d = c + np.tanh(x)
    return np.sum(np.log1p(d * d))


def elementwise_chain_grad(x: np.ndarray) -> Grads:
    """Chain rule through log1p(d²), d = exp(-a²) + tanh(x), a = x sin(x)."""
    s = np.sin(x)
    a = s * x
    c = np.exp(-a * a)
    t = np.tanh(x)
    d = c + t
    dd = 2.0 * d / (1.0 + d * d)
    da = -2.0 * a * c * dd
    return (da * (np.cos(x) * x + s) + dd * (1.0 - t * t),)


def _elementwise_args(rng: np.random.Generator, n: int) -> Args:
    return (rng.uniform(-2.0, 2.0, size=n),)


# ---- 5. while_newton: damped Newton iterations in a while loop ----------------------------------

def while_newton(a, y0):
    y = y0
    i = 0
    while i < 20:
        residual = y * y * y + y - a
        y = y - 0.5 * residual / (3.0 * y * y + 1.0)
        i += 1
    return np.sum(y * y)


def while_newton_grad(a: np.ndarray, y0: np.ndarray) -> Grads:
    """Reverse through the 20 updates y' = y - r/(2 s), r = y³ + y - a, s = 3y² + 1.

    dy'/dy = 1 - (s² - 6 y r) / (2 s²) = 1/2 + 3 y r / s² and dy'/da = 1 / (2 s).
    """
    saved = []
    y = y0
    i = 0
    while i < 20:
        residual = y * y * y + y - a
        slope = 3.0 * y * y + 1.0
        saved.append((y, residual, slope))
        y = y - 0.5 * residual / slope
        i += 1
    dy = 2.0 * y
    da = np.zeros_like(a)
    for y, residual, slope in reversed(saved):
        da += 0.5 * dy / slope
        dy = dy * (0.5 + 3.0 * y * residual / (slope * slope))
    return da, dy


def _newton_args(rng: np.random.Generator, n: int) -> Args:
    return rng.uniform(-3.0, 3.0, size=n), rng.uniform(-1.0, 1.0, size=n)


# ---- 6a. lstm_loop: LSTM cell over a Python for loop --------------------------------------------

def lstm_loop(w, u, b, wo, xs, y):
    hidden = u.shape[0]
    h = np.zeros((xs.shape[1], hidden))
    c = np.zeros((xs.shape[1], hidden))
    for t in range(xs.shape[0]):
        z = xs[t] @ w + h @ u + b
        gates = 1.0 / (1.0 + np.exp(-z[:, :3 * hidden]))
        g = np.tanh(z[:, 3 * hidden:])
        c = gates[:, hidden:2 * hidden] * c + gates[:, :hidden] * g
        h = gates[:, 2 * hidden:] * np.tanh(c)
    return np.mean((h @ wo - y) ** 2)


def lstm_loop_grad(w: np.ndarray, u: np.ndarray, b: np.ndarray, wo: np.ndarray,
                   xs: np.ndarray, y: np.ndarray) -> Grads:
    """Backpropagation through time; gate order in ``z`` is input, forget, output, cell."""
    hidden = u.shape[0]
    h = np.zeros((xs.shape[1], hidden))
    c = np.zeros((xs.shape[1], hidden))
    saved = []
    for t in range(xs.shape[0]):
        z = xs[t] @ w + h @ u + b
        gates = _sigmoid(z[:, :3 * hidden])
        g = np.tanh(z[:, 3 * hidden:])
        c_prev, h_prev = c, h
        c = gates[:, hidden:2 * hidden] * c_prev + gates[:, :hidden] * g
        tanh_c = np.tanh(c)
        h = gates[:, 2 * hidden:] * tanh_c
        saved.append((h_prev, c_prev, gates, g, tanh_c))
    out = h @ wo
    dout = 2.0 * (out - y) / out.size
    dwo = h.T @ dout
    dh = dout @ wo.T
    dc = np.zeros_like(c)
    dw, du, db = np.zeros_like(w), np.zeros_like(u), np.zeros_like(b)
    dz = np.empty((xs.shape[1], 4 * hidden))
    for t in range(xs.shape[0] - 1, -1, -1):
        h_prev, c_prev, gates, g, tanh_c = saved[t]
        i_gate, f_gate, o_gate = (gates[:, :hidden], gates[:, hidden:2 * hidden],
                                  gates[:, 2 * hidden:])
        dc = dc + dh * o_gate * (1.0 - tanh_c * tanh_c)
        dz[:, :hidden] = dc * g
        dz[:, hidden:2 * hidden] = dc * c_prev
        dz[:, 2 * hidden:3 * hidden] = dh * tanh_c
        dz[:, :3 * hidden] *= gates * (1.0 - gates)
        dz[:, 3 * hidden:] = dc * i_gate * (1.0 - g * g)
        dw += xs[t].T @ dz
        du += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh = dz @ u.T
        dc = dc * f_gate
    return dw, du, db, dwo


def _lstm_args(rng: np.random.Generator, steps: int, batch: int, n_in: int,
               hidden: int, n_out: int) -> Args:
    w = rng.standard_normal((n_in, 4 * hidden)) / np.sqrt(n_in)
    u = rng.standard_normal((hidden, 4 * hidden)) / np.sqrt(hidden)
    b = 0.1 * rng.standard_normal(4 * hidden)
    wo = rng.standard_normal((hidden, n_out)) / np.sqrt(hidden)
    xs = rng.standard_normal((steps, batch, n_in))
    return w, u, b, wo, xs, rng.standard_normal((batch, n_out))


# ---- 6b. attention: batched single-head self-attention ------------------------------------------

def attention(wq, wk, wv, x, y):
    q = x @ wq
    k = x @ wk
    v = x @ wv
    scores = q @ np.swapaxes(k, 1, 2) / np.sqrt(x.shape[2])
    e = np.exp(scores - np.max(scores, axis=2, keepdims=True))
    weights = e / np.sum(e, axis=2, keepdims=True)
    return np.mean((weights @ v - y) ** 2)


def attention_grad(wq: np.ndarray, wk: np.ndarray, wv: np.ndarray, x: np.ndarray,
                   y: np.ndarray) -> Grads:
    """Softmax backward is p * (dp - sum(dp * p)); weight gradients sum over the batch."""
    scale = 1.0 / np.sqrt(x.shape[2])
    q, k, v = x @ wq, x @ wk, x @ wv
    scores = q @ np.swapaxes(k, 1, 2) * scale
    e = np.exp(scores - np.max(scores, axis=2, keepdims=True))
    p = e / np.sum(e, axis=2, keepdims=True)
    out = p @ v
    dout = 2.0 * (out - y) / out.size
    dp = dout @ np.swapaxes(v, 1, 2)
    dscores = p * (dp - np.sum(dp * p, axis=2, keepdims=True)) * scale
    dq = dscores @ k
    dk = np.swapaxes(dscores, 1, 2) @ q
    dv = np.swapaxes(p, 1, 2) @ dout
    rows = x.reshape(-1, x.shape[2]).T
    return (rows @ dq.reshape(-1, wq.shape[1]), rows @ dk.reshape(-1, wk.shape[1]),
            rows @ dv.reshape(-1, wv.shape[1]))


def _attention_args(rng: np.random.Generator, batch: int, seq: int, dim: int) -> Args:
    wq, wk, wv = (rng.standard_normal((dim, dim)) / np.sqrt(dim) for _ in range(3))
    x = rng.standard_normal((batch, seq, dim))
    return wq, wk, wv, x, rng.standard_normal((batch, seq, dim))


# ---- variants: the same math spelled differently ------------------------------------------------
# Each computes its original's loss (same inputs, same hand-written gradient) with statements
# split, reordered or renamed and other spellings of the same operations, so that the suite
# shows whether autodiff's speed depends on how the user wrote the code.

def seed_logreg_variant(x, y, w, b):
    params = (w, b)
    weight_matrix, bias = params
    logits = x @ weight_matrix
    logits = logits + bias
    positive_part = np.maximum(logits, 0.0)
    tail = np.log1p(np.exp(-np.abs(logits)))
    per_output = positive_part + tail - logits * y
    weights = np.ones(logits.shape)
    return np.mean(per_output * weights)


def mlp_variant(w1, b1, w2, b2, x, y):
    pre_activation = x @ w1
    hidden = np.tanh(pre_activation + b1)
    logits = b2 + hidden @ w2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    normalizer = np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    log_probs = shifted - normalizer
    total = np.sum(log_probs * y)
    return -total / x.shape[0]


def rnn_loop_variant(wx, wh, b, wo, xs, y):
    steps, batch = xs.shape[0], xs.shape[1]
    h = np.zeros((batch, wh.shape[0]))
    for t in range(steps):
        recurrent = h @ wh
        h = np.tanh(b + recurrent + xs[t] @ wx)
    error = h @ wo - y
    return np.mean(error * error)


def elementwise_chain_variant(x):
    s = np.sin(x)
    t = np.tanh(x)
    a = x * s
    square = a * a
    c = np.exp(-square)
    d = t + c
    return np.sum(np.log1p(d ** 2))


def while_newton_variant(a, y0):
    # `y ** 3` would be spelled differently too, but numpy's float power is ~20x slower than
    # `y * y * y` at this size, so the user's own forward computation would take twice as long
    y = y0
    i = 0
    while i < 20:
        y = y - 0.5 * (y * (y * y) + y - a) / (1.0 + 3.0 * y ** 2)
        i += 1
    return np.sum(y ** 2)


def lstm_loop_variant(w, u, b, wo, xs, y):
    hidden = u.shape[0]
    batch = xs.shape[1]
    h = np.zeros((batch, hidden))
    c = np.zeros((batch, hidden))
    for t in range(xs.shape[0]):
        z = b + xs[t] @ w + h @ u
        decay = np.exp(-z[:, :3 * hidden])
        g = np.tanh(z[:, 3 * hidden:])
        gates = 1.0 / (decay + 1.0)
        input_gate = gates[:, :hidden]
        forget_gate = gates[:, hidden:2 * hidden]
        output_gate = gates[:, 2 * hidden:]
        c = input_gate * g + forget_gate * c
        h = np.tanh(c) * output_gate
    error = h @ wo - y
    return np.mean(error * error)


def attention_variant(wq, wk, wv, x, y):
    scale = 1.0 / np.sqrt(x.shape[2])
    q = x @ wq
    keys_t = np.swapaxes(x @ wk, 1, 2)
    scores = (q @ keys_t) * scale
    shifted = scores - np.max(scores, axis=2, keepdims=True)
    e = np.exp(shifted)
    weights = e / np.sum(e, axis=2, keepdims=True)
    values = x @ wv
    error = weights @ values - y
    return np.mean(error * error)


_VARIANTS = {"seed_logreg": seed_logreg_variant, "mlp_small": mlp_variant,
             "mlp_large": mlp_variant, "rnn_loop": rnn_loop_variant,
             "elementwise_small": elementwise_chain_variant,
             "elementwise_large": elementwise_chain_variant,
             "while_newton": while_newton_variant, "lstm_loop": lstm_loop_variant,
             "attention": attention_variant}


def _variant(original: Workload) -> Workload:
    return replace(original, name=f"{original.name}_variant",
                   description=f"{original.name} spelled differently",
                   loss=_VARIANTS[original.name], variant_of=original.name)


# ---- registry -----------------------------------------------------------------------------------

_MLP_TINY = {"batch": 3, "n_in": 4, "n_hidden": 5, "n_out": 3}

ORIGINALS: tuple[Workload, ...] = (
    Workload("seed_logreg", "seed linear model + mean BCE with logits, grads w (5,3), b (3,)",
             seed_logreg, seed_logreg_grad, (2, 3), _seed_logreg_args,
             {"n_in": 5, "n_out": 3}, {"n_in": 5, "n_out": 3}, small=True),
    Workload("mlp_small", "batch 32, 64 -> 128 tanh -> 10, softmax cross-entropy",
             mlp, mlp_grad, (0, 1, 2, 3), _mlp_args,
             {"batch": 32, "n_in": 64, "n_hidden": 128, "n_out": 10}, _MLP_TINY, small=True),
    Workload("mlp_large", "batch 512, 784 -> 1024 tanh -> 10, softmax cross-entropy",
             mlp, mlp_grad, (0, 1, 2, 3), _mlp_args,
             {"batch": 512, "n_in": 784, "n_hidden": 1024, "n_out": 10}, _MLP_TINY,
             small=False),
    Workload("rnn_loop", "vanilla RNN, for loop over T=50, hidden 32, input 16, batch 8",
             rnn_loop, rnn_loop_grad, (0, 1, 2, 3), _rnn_args,
             {"steps": 50, "batch": 8, "n_in": 16, "hidden": 32},
             {"steps": 3, "batch": 2, "n_in": 3, "hidden": 4}, small=True, uses_loops=True),
    Workload("elementwise_small", "chain of 9 elementwise ops + sum on 10 elements",
             elementwise_chain, elementwise_chain_grad, (0,), _elementwise_args,
             {"n": 10}, {"n": 6}, small=True),
    Workload("elementwise_large", "chain of 9 elementwise ops + sum on 10^6 elements",
             elementwise_chain, elementwise_chain_grad, (0,), _elementwise_args,
             {"n": 10**6}, {"n": 6}, small=False),
    Workload("while_newton", "20 damped Newton steps (y^3 + y = a) in a while loop, n=100",
             while_newton, while_newton_grad, (0, 1), _newton_args,
             {"n": 100}, {"n": 4}, small=True, uses_loops=True),
    Workload("lstm_loop", "LSTM, for loop over T=20, hidden 32, input 16, batch 8",
             lstm_loop, lstm_loop_grad, (0, 1, 2, 3), _lstm_args,
             {"steps": 20, "batch": 8, "n_in": 16, "hidden": 32, "n_out": 4},
             {"steps": 3, "batch": 2, "n_in": 3, "hidden": 2, "n_out": 2}, small=True,
             uses_loops=True),
    Workload("attention", "single-head self-attention, batch 8, seq 64, dim 64",
             attention, attention_grad, (0, 1, 2), _attention_args,
             {"batch": 8, "seq": 64, "dim": 64}, {"batch": 2, "seq": 3, "dim": 4},
             small=False),
)
WORKLOADS: tuple[Workload, ...] = (*ORIGINALS, *(_variant(workload) for workload in ORIGINALS))

BY_NAME: dict[str, Workload] = {workload.name: workload for workload in WORKLOADS}
