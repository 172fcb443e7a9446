"""The seed tutorial's function-style snippets, run on autodiff (``python -m autodiff demo``)."""

from __future__ import annotations

import numpy as np

import autodiff as mindspore
from autodiff import Parameter, Tensor, ops

_RULE = "-" * 78


def function(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss


def function_with_logits(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, z


def function_stop_gradient(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, ops.stop_gradient(z)


def _section(title: str) -> None:
    print(f"\n{_RULE}\n{title}\n{_RULE}")


def _show(label: str, value: object) -> None:
    text = np.array2string(value, precision=4) if isinstance(value, np.ndarray) else repr(value)
    print(f"{label} =\n{text}" if "\n" in text else f"{label} = {text}")


def run_seed_tutorial(seed: int = 0) -> None:
    """Run every function-style snippet of the tutorial and print what it computes."""
    rng = np.random.default_rng(seed)
    x = ops.ones(5, mindspore.float32)
    y = ops.zeros(3, mindspore.float32)
    w = Parameter(Tensor(rng.standard_normal((5, 3)), mindspore.float32), name="w")
    b = Parameter(Tensor(rng.standard_normal(3), mindspore.float32), name="b")

    _section("grad(function, (2, 3)): d loss / dw and d loss / db")
    dw, db = mindspore.grad(function, (2, 3))(x, y, w, b)
    _show("dw", dw)
    _show("db", db)
    z = x @ w + b
    closed_form = (1.0 / (1.0 + np.exp(-z)) - y) / 3
    print(f"matches the closed form (sigmoid(z) - y) / 3: {np.allclose(db, closed_form)}")

    _section("grad(function_with_logits, (2, 3)): the extra output z adds its gradient")
    dw, db = mindspore.grad(function_with_logits, (2, 3))(x, y, w, b)
    _show("db", db)

    _section("function_stop_gradient: stop_gradient(z) removes that contribution")
    dw, db = mindspore.grad(function_stop_gradient, (2, 3))(x, y, w, b)
    _show("db", db)

    _section("has_aux=True: only the first output is differentiated")
    (dw, db), aux = mindspore.grad(function_with_logits, (2, 3), has_aux=True)(x, y, w, b)
    _show("db", db)
    _show("aux (z,)", aux[0])

    _section("the generated gradient source of `function`")
    print(mindspore.source(mindspore.grad(function, (2, 3))))


def main() -> None:
    run_seed_tutorial()
