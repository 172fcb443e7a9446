"""Train an MLP on scikit-learn's bundled handwritten digits with autodiff gradients and Adam.

Needs the optional extra: pip install -e '.[examples]'  (scikit-learn, matplotlib).
Run: python examples/train_digits.py [--epochs 30] [--plot digits_training.png]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import autodiff
from autodiff import nn


class MLP(nn.Cell):
    """64 pixels -> 128 (relu) -> 64 (relu) -> 10 logits."""

    def __init__(self, rng: np.random.Generator) -> None:
        super().__init__()
        self.hidden = nn.Dense(64, 128, activation="relu", rng=rng)
        self.middle = nn.Dense(128, 64, activation="relu", rng=rng)
        self.out = nn.Dense(64, 10, rng=rng)

    def construct(self, x):
        return self.out(self.middle(self.hidden(x)))


def load(seed: int) -> tuple[np.ndarray, ...]:
    digits = load_digits()
    images = (digits.data / 16.0).astype(np.float32)
    return train_test_split(images, digits.target, test_size=0.25, random_state=seed,
                            stratify=digits.target)


def progress(epoch: int, epochs: int, loss: float, accuracy: float) -> None:
    width = 30
    filled = int(width * epoch / epochs)
    bar = "#" * filled + "-" * (width - filled)
    print(f"\r[{bar}] epoch {epoch:3d}/{epochs}  loss {loss:.4f}  test accuracy {accuracy:.3f}",
          end="", file=sys.stderr, flush=True)


def train(epochs: int, batch_size: int, seed: int) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    x_train, x_test, y_train, y_test = load(seed)
    model = MLP(rng)
    loss_fn = nn.CrossEntropyLoss()

    def forward_fn(x, labels):
        logits = model(x)
        return loss_fn(logits, labels)

    params = model.trainable_params()
    grad_fn = autodiff.value_and_grad(forward_fn, None, weights=params)
    optimizer = nn.Adam(params, learning_rate=2e-3)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        losses = []
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = grad_fn(x_train[batch], y_train[batch])
            optimizer(grads)
            losses.append(float(loss))
        accuracy = float(np.mean(np.argmax(model(x_test), axis=1) == y_test))
        history["loss"].append(float(np.mean(losses)))
        history["accuracy"].append(accuracy)
        progress(epoch, epochs, history["loss"][-1], accuracy)
    print(file=sys.stderr)
    return history


def plot(history: dict[str, list[float]], path: str) -> None:
    import matplotlib  # optional: only needed for the picture

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    epochs = range(1, len(history["loss"]) + 1)
    left.plot(epochs, history["loss"])
    left.set(title="training loss", xlabel="epoch", ylabel="cross-entropy")
    right.plot(epochs, history["accuracy"], color="tab:green")
    right.set(title="test accuracy", xlabel="epoch", ylabel="accuracy", ylim=(0.5, 1.0))
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default="digits_training.png", help="PNG path ('' to skip)")
    args = parser.parse_args()
    start = time.perf_counter()
    history = train(args.epochs, args.batch_size, args.seed)
    elapsed = time.perf_counter() - start
    print(f"final test accuracy {history['accuracy'][-1]:.4f} after {args.epochs} epochs "
          f"in {elapsed:.1f} s")
    if args.plot:
        plot(history, args.plot)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
