"""The seed tutorial's function-style snippets, run on autodiff (``python -m autodiff demo``)."""

from __future__ import annotations

import numpy as np

import autodiff as mindspore
from autodiff import Parameter, Tensor, nn, ops

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
    _network_snippet(x, y, w, b)


class Network(nn.Cell):
    """The tutorial's network: its weights are attributes, differentiated via weights=."""

    def __init__(self, w: Parameter, b: Parameter) -> None:
        super().__init__()
        self.w = w
        self.b = b

    def construct(self, x):
        z = ops.matmul(x, self.w) + self.b
        return z


def _network_snippet(x, y, w, b) -> None:
    model = Network(w, b)
    loss_fn = nn.BCEWithLogitsLoss()

    def forward_fn(x, y):
        z = model(x)
        loss = loss_fn(z, y)
        return loss

    _section("value_and_grad(forward_fn, None, weights=model.trainable_params())")
    loss, (dw, db) = mindspore.value_and_grad(forward_fn, None,
                                              weights=model.trainable_params())(x, y)
    _show("loss", loss)
    _show("db", db)
    function_dw, function_db = mindspore.grad(function, (2, 3))(x, y, w, b)
    same = np.allclose(dw, function_dw) and np.allclose(db, function_db)
    print(f"equal to the function-style gradient: {same}")


class Classifier(nn.Cell):
    """A small MLP for the training demo: 2 -> 32 (tanh) -> 32 (tanh) -> 1 logit."""

    def __init__(self, rng: np.random.Generator) -> None:
        super().__init__()
        self.layers = nn.SequentialCell(nn.Dense(2, 32, activation="tanh", rng=rng),
                                        nn.Dense(32, 32, activation="tanh", rng=rng),
                                        nn.Dense(32, 1, rng=rng))

    def construct(self, x):
        return self.layers(x)[:, 0]


def _two_moons(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    angle = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    points = np.stack([x, y], axis=1) + rng.normal(0, 0.1, (n, 2))
    return points.astype(np.float32), upper.astype(np.float32)


def run_training(seed: int = 0, epochs: int = 300) -> float:
    """Train a small MLP on two interleaved half-moons with Adam; return the final accuracy."""
    _section("a short training run: two half-moons, MLP + BCEWithLogitsLoss + Adam")
    rng = np.random.default_rng(seed)
    points, labels = _two_moons(rng, 400)
    model = Classifier(rng)
    loss_fn = nn.BCEWithLogitsLoss()

    def forward_fn(x, y):
        return loss_fn(model(x), y)

    params = model.trainable_params()
    grad_fn = mindspore.value_and_grad(forward_fn, None, weights=params)
    optimizer = nn.Adam(params, learning_rate=0.01)
    for epoch in range(1, epochs + 1):
        loss, grads = grad_fn(points, labels)
        optimizer(grads)
        if epoch == 1 or epoch % 50 == 0:
            accuracy = float(np.mean((model(points) > 0) == (labels > 0.5)))
            print(f"epoch {epoch:4d}  loss {float(loss):.4f}  accuracy {accuracy:.3f}")
    return float(np.mean((model(points) > 0) == (labels > 0.5)))


def main() -> None:
    run_seed_tutorial()
    run_training()
