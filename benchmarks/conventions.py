"""Workloads in the calling conventions people use, against the same hand-written gradient.

The same math is written with its arrays as positional arguments, in a tuple or list of
params, in a dict, as a list of ``(W, b)`` layers, and as an ``nn.Cell`` differentiated with
``weights=net.trainable_params()``. Each (workload, convention) pair is timed interleaved with
the hand-written gradient (unpacking and repacking the same container, so both sides pay for
the container): ``python -m benchmarks.conventions [--rounds N] [--seconds S]`` prints the
median ratio and its range over rounds, and the ratio to the positional row.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autodiff
from autodiff import nn
from autodiff.tensor import Parameter

from . import workloads as w
from .harness import interleaved_medians, paired_overhead, stubbed


@dataclass(frozen=True)
class Convention:
    """One workload in one calling convention: the loss, how to differentiate it, its
    arguments and the hand-written gradient in the same structure."""

    workload: str
    convention: str
    gradient: Callable[..., Any]  # the autodiff gradient function
    hand: Callable[..., Any]  # the hand-written gradient, same structure
    args: tuple


# ---- mlp ---------------------------------------------------------------------------------------

def mlp_params(params, x, y):
    w1, b1, w2, b2 = params
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(y * log_probs) / x.shape[0]


def mlp_dict(params, x, y):
    h = np.tanh(x @ params["w1"] + params["b1"])
    logits = h @ params["w2"] + params["b2"]
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(y * log_probs) / x.shape[0]


def mlp_layers(layers, x, y):
    h = x
    for weight, bias in layers[:-1]:
        h = np.tanh(h @ weight + bias)
    weight, bias = layers[-1]
    logits = h @ weight + bias
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(y * log_probs) / x.shape[0]


class MLPCell(nn.Cell):
    """The mlp workload as a Cell holding its four Parameters."""

    def __init__(self, w1: np.ndarray, b1: np.ndarray, w2: np.ndarray, b2: np.ndarray) -> None:
        super().__init__()
        self.w1, self.b1 = Parameter(w1, name="w1"), Parameter(b1, name="b1")
        self.w2, self.b2 = Parameter(w2, name="w2"), Parameter(b2, name="b2")

    def construct(self, x, y):
        h = np.tanh(x @ self.w1 + self.b1)
        logits = h @ self.w2 + self.b2
        shifted = logits - np.max(logits, axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        return -np.sum(y * log_probs) / x.shape[0]


def _mlp_conventions() -> list[Convention]:
    w1, b1, w2, b2, x, y = w.BY_NAME["mlp_small"].args()
    arrays = (w1, b1, w2, b2)
    keys = ("w1", "b1", "w2", "b2")

    def hand_list(params, x, y):
        return list(w.mlp_grad(*params, x, y))

    def hand_dict(params, x, y):
        grads = w.mlp_grad(params["w1"], params["b1"], params["w2"], params["b2"], x, y)
        return dict(zip(keys, grads, strict=True))

    def hand_layers(layers, x, y):
        (a, b), (c, d) = layers
        gw1, gb1, gw2, gb2 = w.mlp_grad(a, b, c, d, x, y)
        return [(gw1, gb1), (gw2, gb2)]

    net = MLPCell(*arrays)
    weights = net.trainable_params()

    def cell_loss(x, y):
        return net(x, y)

    def hand_cell(x, y):
        return w.mlp_grad(*(p.view(np.ndarray) for p in weights), x, y)

    return [
        Convention("mlp_small", "positional", autodiff.grad(w.mlp, (0, 1, 2, 3)), w.mlp_grad,
                   (*arrays, x, y)),
        Convention("mlp_small", "list", autodiff.grad(mlp_params), hand_list, (list(arrays), x, y)),
        Convention("mlp_small", "tuple", autodiff.grad(mlp_params),
                   lambda p, x, y: tuple(hand_list(p, x, y)), (arrays, x, y)),
        Convention("mlp_small", "dict", autodiff.grad(mlp_dict), hand_dict,
                   (dict(zip(keys, arrays, strict=True)), x, y)),
        Convention("mlp_small", "layers", autodiff.grad(mlp_layers), hand_layers,
                   ([(w1, b1), (w2, b2)], x, y)),
        Convention("mlp_small", "cell weights=", autodiff.grad(cell_loss, None, weights=weights),
                   hand_cell, (x, y)),
    ]


# ---- seed_logreg -------------------------------------------------------------------------------

def logreg_tuple(x, y, params):
    w_, b = params
    z = x @ w_ + b
    weight = np.ones_like(z)
    return np.mean(weight * (np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def logreg_dict(x, y, params):
    z = x @ params["w"] + params["b"]
    weight = np.ones_like(z)
    return np.mean(weight * (np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


class LogRegCell(nn.Cell):
    """The seed tutorial's logistic regression as a Cell (``w``, ``b`` Parameters)."""

    def __init__(self, w_: np.ndarray, b: np.ndarray) -> None:
        super().__init__()
        self.w, self.b = Parameter(w_, name="w"), Parameter(b, name="b")

    def construct(self, x, y):
        z = x @ self.w + self.b
        weight = np.ones_like(z)
        return np.mean(weight * (np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def _logreg_conventions() -> list[Convention]:
    x, y, w_, b = w.BY_NAME["seed_logreg"].args()
    net = LogRegCell(w_, b)
    weights = net.trainable_params()
    return [
        Convention("seed_logreg", "cell weights=", autodiff.grad(net, None, weights=weights),
                   lambda x, y: w.seed_logreg_grad(x, y, *(p.view(np.ndarray)
                                                           for p in weights)), (x, y)),
        Convention("seed_logreg", "positional", autodiff.grad(w.seed_logreg, (2, 3)),
                   w.seed_logreg_grad, (x, y, w_, b)),
        Convention("seed_logreg", "tuple", autodiff.grad(logreg_tuple, 2),
                   lambda x, y, p: w.seed_logreg_grad(x, y, *p), (x, y, (w_, b))),
        Convention("seed_logreg", "dict", autodiff.grad(logreg_dict, 2),
                   lambda x, y, p: dict(zip("wb", w.seed_logreg_grad(x, y, p["w"], p["b"]),
                                            strict=True)),
                   (x, y, {"w": w_, "b": b})),
    ]


# ---- elementwise chain -------------------------------------------------------------------------

def chain_tuple(params):
    (x,) = params
    a = np.sin(x) * x
    c = np.exp(-a * a)
    d = c + np.tanh(x)
    return np.sum(np.log1p(d * d))


def _chain_conventions() -> list[Convention]:
    (x,) = w.BY_NAME["elementwise_small"].args()
    return [
        Convention("elementwise_small", "positional", autodiff.grad(w.elementwise_chain),
                   lambda x: w.elementwise_chain_grad(x)[0], (x,)),
        Convention("elementwise_small", "tuple", autodiff.grad(chain_tuple),
                   lambda p: w.elementwise_chain_grad(p[0]), ((x,),)),
    ]


# ---- rnn_loop and attention: parameters in a tuple and in a dict ---------------------------------

def rnn_tuple(params, xs, y):
    wx, wh, b, wo = params
    h = np.zeros((xs.shape[1], wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ wx + h @ wh + b)
    return np.mean((h @ wo - y) ** 2)


def rnn_dict(params, xs, y):
    h = np.zeros((xs.shape[1], params["wh"].shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ params["wx"] + h @ params["wh"] + params["b"])
    return np.mean((h @ params["wo"] - y) ** 2)


def attention_tuple(params, x, y):
    wq, wk, wv = params
    q = x @ wq
    k = x @ wk
    v = x @ wv
    scores = q @ np.swapaxes(k, 1, 2) / np.sqrt(x.shape[2])
    e = np.exp(scores - np.max(scores, axis=2, keepdims=True))
    weights = e / np.sum(e, axis=2, keepdims=True)
    return np.mean((weights @ v - y) ** 2)


def attention_dict(params, x, y):
    q = x @ params["wq"]
    k = x @ params["wk"]
    v = x @ params["wv"]
    scores = q @ np.swapaxes(k, 1, 2) / np.sqrt(x.shape[2])
    e = np.exp(scores - np.max(scores, axis=2, keepdims=True))
    weights = e / np.sum(e, axis=2, keepdims=True)
    return np.mean((weights @ v - y) ** 2)


class AttentionCell(nn.Cell):
    """The attention workload as a Cell of three projections."""

    def __init__(self, wq: np.ndarray, wk: np.ndarray, wv: np.ndarray) -> None:
        super().__init__()
        self.wq, self.wk = Parameter(wq, name="wq"), Parameter(wk, name="wk")
        self.wv = Parameter(wv, name="wv")

    def construct(self, x, y):
        q = x @ self.wq
        k = x @ self.wk
        v = x @ self.wv
        scores = q @ np.swapaxes(k, 1, 2) / np.sqrt(x.shape[2])
        e = np.exp(scores - np.max(scores, axis=2, keepdims=True))
        weights = e / np.sum(e, axis=2, keepdims=True)
        return np.mean((weights @ v - y) ** 2)


def _attention_cell() -> Convention:
    wq, wk, wv, x, y = w.BY_NAME["attention"].args()
    net = AttentionCell(wq, wk, wv)
    weights = net.trainable_params()

    def loss(x, y):
        return net(x, y)

    return Convention("attention", "cell weights=", autodiff.grad(loss, None, weights=weights),
                      lambda x, y: w.attention_grad(*(p.view(np.ndarray) for p in weights),
                                                    x, y), (x, y))


def _container_conventions(name: str, count: int, keys: tuple[str, ...],
                           as_tuple: Callable[..., Any],
                           as_dict: Callable[..., Any]) -> list[Convention]:
    """Positional, tuple, list and dict rows of a workload whose first ``count`` arguments
    are its parameters (``as_tuple`` unpacks a tuple or a list alike)."""
    workload = w.BY_NAME[name]
    args = workload.args()
    params, data = args[:count], args[count:]

    def hand_tuple(p, *rest):
        return tuple(workload.grad(*p, *rest))

    def hand_dict(p, *rest):
        return dict(zip(keys, workload.grad(*(p[k] for k in keys), *rest), strict=True))

    return [
        Convention(name, "positional", autodiff.grad(workload.loss, workload.positions),
                   workload.grad, args),
        Convention(name, "tuple", autodiff.grad(as_tuple), hand_tuple, (params, *data)),
        Convention(name, "list", autodiff.grad(as_tuple),
                   lambda p, *rest: list(hand_tuple(p, *rest)), (list(params), *data)),
        Convention(name, "dict", autodiff.grad(as_dict), hand_dict,
                   (dict(zip(keys, params, strict=True)), *data)),
    ]


def conventions() -> list[Convention]:
    """Every (workload, convention) pair measured."""
    return [*_mlp_conventions(), *_logreg_conventions(), *_chain_conventions(),
            *_container_conventions("rnn_loop", 4, ("wx", "wh", "b", "wo"), rnn_tuple,
                                    rnn_dict),
            *_container_conventions("attention", 3, ("wq", "wk", "wv"), attention_tuple,
                                    attention_dict), _attention_cell()]


def measure(rounds: int, seconds: float) -> list[dict[str, Any]]:
    """Per pair: the median, min and max over rounds of autodiff time / hand-written time."""
    pairs = conventions()
    for pair in pairs:
        for _ in range(3):  # generic, specialized, entry
            pair.gradient(*pair.args)
    hand = [(f"hand {i}", pair.hand, pair.args) for i, pair in enumerate(pairs)]
    ours = [(f"autodiff {i}", pair.gradient, pair.args) for i, pair in enumerate(pairs)]
    samples = interleaved_medians([hand, ours], rounds, seconds)
    rows = []
    for index, pair in enumerate(pairs):
        ratios = [a / h for a, h in zip(samples[f"autodiff {index}"], samples[f"hand {index}"],
                                        strict=True)]
        rows.append({"workload": pair.workload, "convention": pair.convention,
                     "hand_us": statistics.median(samples[f"hand {index}"]) * 1e6,
                     "autodiff_us": statistics.median(samples[f"autodiff {index}"]) * 1e6,
                     "ratio": statistics.median(ratios), "low": min(ratios),
                     "high": max(ratios)})
    positional = {row["workload"]: row["ratio"] for row in rows
                  if row["convention"] == "positional"}
    for row in rows:
        row["vs_positional"] = row["ratio"] / positional[row["workload"]]
    return rows


# ---- call overhead of a container call ---------------------------------------------------------

OVERHEAD_KEYS = ("a", "b", "c", "d", "e", "f")


def dict6(p):
    return np.sum(p["a"] * p["b"] + p["c"] * p["d"] + p["e"] * p["f"])


def call_overhead(pairs: int, seconds: float) -> float:
    """Microseconds the public gradient callable adds to the generated function it runs, for
    a call with six arrays in a dict (median of paired differences, as the main report's
    overhead; ``harness.stubbed`` replaces the generated function by a stub)."""
    rng = np.random.default_rng(0)
    args = ({key: rng.standard_normal(3) for key in OVERHEAD_KEYS},)
    gradient = autodiff.grad(dict6)
    for _ in range(3):  # generic, specialized, entry
        gradient(*args)
    direct = gradient.unit_for(*args).function
    with stubbed(gradient, direct, args) as stub:
        _, differences = paired_overhead(gradient, stub, args, pairs, seconds)
    return statistics.median(differences) * 1e6


def report(rows: list[dict[str, Any]]) -> str:
    lines = ["| workload | convention | hand µs | autodiff µs | x hand (median, range) | "
             "x positional row |", "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['workload']} | {row['convention']} | {row['hand_us']:.1f} | "
                     f"{row['autodiff_us']:.1f} | {row['ratio']:.2f}x "
                     f"({row['low']:.2f}-{row['high']:.2f}) | {row['vs_positional']:.2f}x |")
    ratios = [row["ratio"] for row in rows]
    lines.append(f"\ngeomean x hand: {float(np.exp(np.mean(np.log(ratios)))):.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seconds", type=float, default=0.05)
    options = parser.parse_args()
    print(report(measure(options.rounds, options.seconds)))
    print(f"call overhead, 6 arrays in a dict: "
          f"{call_overhead(2 * options.rounds, options.seconds):.2f} µs")


if __name__ == "__main__":
    main()
