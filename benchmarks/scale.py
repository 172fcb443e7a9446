"""``python -m benchmarks --scale``: the logistic-regression gradient step on a chunked Dask
dataset, on a LocalCluster of 1 and then 2 worker processes (127.0.0.1).

Rows: autodiff's gradient (``autodiff.grad`` of the numpy loss, lazy on Dask, one
``dask.compute`` per step) against dask-glm's hand-written ``families.Logistic``
``pointwise_gradient`` on the same persisted data and cluster, and the numpy path (autodiff on
numpy arrays) on an in-memory subset; gradient steps per second (median of interleaved
steps) and the peak resident memory of each worker.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

SEED = 20261207


def logistic_loglike(beta, x, y):
    """dask-glm's logistic negative log-likelihood, written as a numpy user would."""
    xbeta = x @ beta
    return np.sum(xbeta + np.log1p(np.exp(-xbeta))) - y @ xbeta


def _dataset(rows: int, features: int, chunk_rows: int) -> tuple[Any, Any]:
    import dask.array as da

    x = da.random.default_rng(SEED).standard_normal((rows, features),
                                                    chunks=(chunk_rows, features))
    truth = np.random.default_rng(SEED + 1).standard_normal(features) / np.sqrt(features)
    return x, (x @ truth > 0.0).astype(np.float64)


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def _median_step_seconds(steps: dict[str, Any], repeats: int) -> dict[str, float]:
    """Each step function run ``repeats`` times, interleaved; the median seconds per step."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            started = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def _cluster_row(workers: int, rows: int, features: int, chunk_rows: int, repeats: int,
                 memory_limit: str) -> dict[str, Any]:
    import dask
    from dask.distributed import Client, LocalCluster, wait
    from dask_glm.families import Logistic

    import autodiff

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", memory_limit=memory_limit,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        x, y = _dataset(rows, features, chunk_rows)
        x, y = client.persist([x, y])
        wait([x, y])
        beta = np.random.default_rng(SEED + 2).standard_normal(features) * 0.1
        gradient = autodiff.grad(logistic_loglike)
        ours, theirs = dask.compute(gradient(beta, x, y), Logistic.pointwise_gradient(beta, x, y))
        agreement = float(np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs)))
        seconds = _median_step_seconds({
            "autodiff": lambda: dask.compute(gradient(beta, x, y)),
            "dask-glm": lambda: dask.compute(Logistic.pointwise_gradient(beta, x, y)),
        }, repeats)
        peaks = client.run(_peak_rss)
    return {"workers": workers, "autodiff_steps_per_s": 1.0 / seconds["autodiff"],
            "dask_glm_steps_per_s": 1.0 / seconds["dask-glm"],
            "autodiff_over_dask_glm_time": seconds["autodiff"] / seconds["dask-glm"],
            "max_relative_difference": agreement,
            "peak_worker_memory_mib": max(peaks.values()) / 2**20}


def _numpy_row(subset: int, features: int, repeats: int) -> dict[str, Any]:
    import autodiff

    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((subset, features))
    y = (x @ (np.ones(features) / np.sqrt(features)) > 0.0).astype(np.float64)
    beta = np.zeros(features)
    gradient = autodiff.grad(logistic_loglike)
    gradient(beta, x, y)
    seconds = _median_step_seconds({"numpy": lambda: gradient(beta, x, y)}, repeats)
    return {"rows": subset, "steps_per_s": 1.0 / seconds["numpy"],
            "rows_per_s": subset / seconds["numpy"]}


def run(quick: bool) -> dict[str, Any]:
    """Measure the rows (quick: a smaller dataset and fewer repeats)."""
    rows, chunk_rows, repeats = (400_000, 50_000, 5) if quick else (2_000_000, 125_000, 15)
    features, memory_limit = 50, "2GiB"
    clusters = [_cluster_row(workers, rows, features, chunk_rows, repeats, memory_limit)
                for workers in (1, 2)]
    return {"rows": rows, "features": features, "chunk_rows": chunk_rows,
            "memory_limit_per_worker": memory_limit, "clusters": clusters,
            "numpy_subset": _numpy_row(min(rows, 400_000), features, repeats),
            "two_over_one_worker": clusters[1]["autodiff_steps_per_s"]
            / clusters[0]["autodiff_steps_per_s"]}


def markdown(result: dict[str, Any]) -> str:
    lines = [f"## Scale: logistic gradient step, {result['rows']} x {result['features']} float64 "
             f"Dask array (chunks of {result['chunk_rows']} rows, persisted)", "",
             "| workers | autodiff steps/s | dask-glm steps/s | autodiff time / dask-glm | "
             "max rel. diff | peak worker MiB |", "|---|---|---|---|---|---|"]
    for row in result["clusters"]:
        lines.append(f"| {row['workers']} | {row['autodiff_steps_per_s']:.2f} | "
                     f"{row['dask_glm_steps_per_s']:.2f} | "
                     f"{row['autodiff_over_dask_glm_time']:.2f}x | "
                     f"{row['max_relative_difference']:.1e} | "
                     f"{row['peak_worker_memory_mib']:.0f} |")
    numpy_row = result["numpy_subset"]
    lines += ["", f"2 workers / 1 worker (autodiff steps/s): {result['two_over_one_worker']:.2f}x",
              f"numpy path on a {numpy_row['rows']}-row subset: "
              f"{numpy_row['steps_per_s']:.2f} steps/s ({numpy_row['rows_per_s']:.3g} rows/s)"]
    return "\n".join(lines)


def main(quick: bool, out: Path) -> int:
    result = run(quick)
    text = markdown(result)
    out.mkdir(parents=True, exist_ok=True)
    path = out / ("scale-quick.json" if quick else "scale.json")
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(text)
    print(f"results written to: {path}")
    return 0
