"""Data-parallel training with autodiff on a Dask cluster: logistic regression and a small MLP.

The dataset (default 10^7 rows x 50 float64 features, 4 GB) is generated chunk by chunk on the
workers and never materialized in one process; each worker has a memory limit below the dataset
size. The parameters are small numpy arrays on the client: ``autodiff.grad`` of the loss on
Dask data returns lazy Dask gradients, so each step is one ``dask.compute`` in which only the
per-chunk gradient reductions travel to the client.

Needs the optional extra: pip install -e '.[dask]'  (matplotlib for the loss curve).
Run: python examples/train_dask.py [--rows 10000000] [--epochs 3] [--scheduler ADDRESS]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import dask
import dask.array as da
import numpy as np

import autodiff

SEED = 20261207


# ---- models: plain numpy losses, differentiated by autodiff ------------------------------------

def logistic_loss(w, b, x, y):
    """Mean binary cross-entropy with logits z = x @ w + b (stable softplus)."""
    z = x @ w + b
    return np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z))))


def mlp_loss(w1, b1, w2, b2, x, y):
    """50 -> 16 tanh -> 1 logit, mean binary cross-entropy."""
    z = np.tanh(x @ w1 + b1) @ w2 + b2
    return np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z))))


def logistic_logits(params, x):
    w, b = params
    return x @ w + b


def mlp_logits(params, x):
    w1, b1, w2, b2 = params
    return np.tanh(x @ w1 + b1) @ w2 + b2


def initial_params(model: str, features: int) -> list[np.ndarray]:
    if model == "logistic":
        return [np.zeros((features, 1)), np.zeros(1)]
    rng = np.random.default_rng(SEED)
    return [rng.standard_normal((features, 16)) / np.sqrt(features), np.zeros(16),
            rng.standard_normal((16, 1)) / 4.0, np.zeros(1)]


MODELS = {"logistic": (logistic_loss, logistic_logits), "mlp": (mlp_loss, mlp_logits)}


# ---- data: generated chunk by chunk where it is used -------------------------------------------

def make_dataset(rows: int, features: int, chunk_rows: int) -> tuple[da.Array, da.Array]:
    """Features ~ N(0, 1); labels from a fixed linear rule plus a nonlinear term (so the MLP
    has something to gain). Both are lazy: each chunk is generated on the worker that uses it."""
    x = da.random.default_rng(SEED).standard_normal((rows, features),
                                                    chunks=(chunk_rows, features))
    truth = np.random.default_rng(SEED + 1).standard_normal((features, 1)) / np.sqrt(features)
    score = x @ truth + 0.5 * da.sin(3.0 * x[:, :1]) * x[:, 1:2]
    return x, (score > 0.0).astype(np.float64)


def batches(rows: int, chunk_rows: int, chunks_per_step: int) -> list[slice]:
    step = chunk_rows * chunks_per_step
    return [slice(start, min(start + step, rows)) for start in range(0, rows, step)]


# ---- training ----------------------------------------------------------------------------------

def progress(epoch: int, done: int, total: int, loss: float, started: float) -> None:
    width = 30
    filled = int(width * done / total)
    sys.stdout.write(f"\repoch {epoch + 1} [{'#' * filled}{'.' * (width - filled)}] "
                     f"{done}/{total} loss {loss:.4f} {time.perf_counter() - started:6.1f}s")
    if done == total:
        sys.stdout.write("\n")
    sys.stdout.flush()


def train(model: str, x: da.Array, y: da.Array, steps: list[slice], epochs: int,
          rate: float) -> tuple[list[np.ndarray], list[float]]:
    """Gradient descent, one step per batch of chunks: grads computed lazily, one compute."""
    loss_fn, _ = MODELS[model]
    params = initial_params(model, x.shape[1])
    positions = tuple(range(len(params)))
    step_fn = autodiff.value_and_grad(loss_fn, positions)
    losses = []
    for epoch in range(epochs):
        started = time.perf_counter()
        for index, rows in enumerate(steps):
            value, grads = step_fn(*params, x[rows], y[rows])  # lazy: no computation yet
            value, grads = dask.compute(value, grads)
            params = [p - rate * g for p, g in zip(params, grads, strict=True)]
            losses.append(float(value))
            progress(epoch, index + 1, len(steps), losses[-1], started)
    return params, losses


def train_numpy(model: str, x: np.ndarray, y: np.ndarray, updates: int, batch: int,
                rate: float) -> list[np.ndarray]:
    """The same model trained by the numpy path on an in-memory subset, as many updates."""
    loss_fn, _ = MODELS[model]
    params = initial_params(model, x.shape[1])
    step_fn = autodiff.grad(loss_fn, tuple(range(len(params))))
    for update in range(updates):
        rows = slice((update * batch) % len(x), (update * batch) % len(x) + batch)
        grads = step_fn(*params, x[rows], y[rows])
        params = [p - rate * g for p, g in zip(params, grads, strict=True)]
    return params


def peak_rss() -> int:
    """This process's peak resident memory in bytes (run on each worker)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def accuracy(model: str, params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    _, logits = MODELS[model]
    return float(np.mean((logits(params, x) > 0.0) == (y > 0.5)))


def plot(curves: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4))
    for name, losses in curves.items():
        axes.plot(range(1, len(losses) + 1), losses, label=name)
    axes.set_xlabel("gradient step")
    axes.set_ylabel("training loss (batch)")
    axes.set_title("autodiff on Dask: training loss")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**7)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--chunk-rows", type=int, default=250_000)
    parser.add_argument("--chunks-per-step", type=int, default=4,
                        help="chunks in one gradient step's batch")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rate", type=float, default=0.5, help="learning rate")
    parser.add_argument("--models", default="logistic,mlp")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="1.5GiB", help="per worker (local cluster)")
    parser.add_argument("--scheduler", default=None,
                        help="address of a running Dask scheduler (default: a LocalCluster)")
    parser.add_argument("--subset", type=int, default=200_000,
                        help="rows of the in-memory subset for the numpy comparison")
    parser.add_argument("--out", type=Path, default=Path("."), help="where to write the PNG")
    return parser.parse_args(argv)


def connect(args: argparse.Namespace) -> tuple[object, object | None]:
    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        return Client(args.scheduler), None
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", memory_limit=args.memory_limit,
                           dashboard_address=None)
    return Client(cluster), cluster


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    args = parse_args(argv)
    x, y = make_dataset(args.rows, args.features, min(args.chunk_rows, args.rows))
    print(f"dataset: {args.rows} x {args.features} float64 = {x.nbytes / 2**30:.2f} GiB "
          f"in {x.numblocks[0]} chunks, generated on the workers")
    client, cluster = connect(args)
    results: dict[str, dict[str, float]] = {}
    try:
        limits = [w["memory_limit"] for w in client.scheduler_info()["workers"].values()]
        print(f"cluster: {len(limits)} workers, memory limit per worker "
              f"{min(limits) / 2**30:.2f} GiB")
        subset = min(args.subset, args.rows)
        x_sub, y_sub = dask.compute(x[:subset], y[:subset])
        steps = batches(args.rows, min(args.chunk_rows, args.rows), args.chunks_per_step)
        curves = {}
        for model in args.models.split(","):
            started = time.perf_counter()
            params, losses = train(model, x, y, steps, args.epochs, args.rate)
            seconds = time.perf_counter() - started
            reference = train_numpy(model, x_sub, y_sub, len(losses),
                                    max(1, subset // max(1, len(steps))), args.rate)
            results[model] = {"accuracy_dask": accuracy(model, params, x_sub, y_sub),
                              "accuracy_numpy": accuracy(model, reference, x_sub, y_sub),
                              "seconds": seconds, "steps": len(losses),
                              "final_loss": losses[-1]}
            curves[model] = losses
            print(f"{model}: accuracy {results[model]['accuracy_dask']:.4f} (Dask, all rows) vs "
                  f"{results[model]['accuracy_numpy']:.4f} (numpy, {subset} rows), "
                  f"{len(losses)} steps in {seconds:.1f} s")
        peaks = client.run(peak_rss)
        results["workers"] = {"peak_memory_gib": max(peaks.values()) / 2**30,
                              "memory_limit_gib": min(limits) / 2**30}
        print(f"peak worker memory {max(peaks.values()) / 2**30:.2f} GiB "
              f"(limit {min(limits) / 2**30:.2f} GiB per worker, dataset "
              f"{x.nbytes / 2**30:.2f} GiB)")
        args.out.mkdir(parents=True, exist_ok=True)
        plot(curves, args.out / "train_dask_loss.png")
        print(f"loss curve: {args.out / 'train_dask_loss.png'}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return results


if __name__ == "__main__":
    main()
