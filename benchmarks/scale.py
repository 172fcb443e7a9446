"""``python -m benchmarks --scale``: the logistic-regression gradient step on a chunked Dask
dataset, on LocalClusters of 1 and of 2 single-threaded worker processes (127.0.0.1).

Rows: autodiff's gradient (``autodiff.grad`` of the numpy loss, lazy on Dask, one compute per
step) against dask-glm's hand-written ``families.Logistic`` ``pointwise_gradient`` on the same
persisted data and cluster, and the numpy path (autodiff on numpy arrays) on an in-memory
subset; gradient steps per second and the peak resident memory of each worker.

The measurement is paired: both clusters are up at once with the data persisted on their
workers, and every round runs the four steps (autodiff and dask-glm on each cluster) in an
order alternating between rounds, after one warm-up step each. Ratios (autodiff over dask-glm,
2 workers over 1) are medians of the per-round ratios, so a slow spell of a shared machine
falls on both sides of a ratio; the load average before and after is recorded with them.
"""

from __future__ import annotations

import contextlib
import json
import os
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
    times = _round_times(steps, repeats)
    return {name: statistics.median(values) for name, values in times.items()}


def _round_times(steps: dict[str, Any], rounds: int) -> dict[str, list[float]]:
    """Seconds of each step in each round: every round runs every step once, in an order that
    alternates between rounds (forward, then backward), so that a slow spell of the machine
    falls on all of them alike; round ``i`` of one step pairs with round ``i`` of another."""
    names = list(steps)
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            started = time.perf_counter()
            steps[name](index)
            times[name].append(time.perf_counter() - started)
    return times


def _paired_ratio(numerator: list[float], denominator: list[float]) -> float:
    """The median over rounds of one step's time over another's in the same round."""
    return statistics.median(a / b for a, b in zip(numerator, denominator, strict=True))


class _Cluster:
    """A LocalCluster of ``workers`` single-threaded worker processes on 127.0.0.1 holding the
    dataset (persisted, waited for), and its two gradient steps; each step takes another
    ``beta`` (as a training loop does), so no result of an earlier step can be reused."""

    def __init__(self, stack: contextlib.ExitStack, workers: int, rows: int, features: int,
                 chunk_rows: int, memory_limit: str) -> None:
        from dask.distributed import Client, LocalCluster, wait

        cluster = stack.enter_context(LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            memory_limit=memory_limit, dashboard_address=None))
        self.client = stack.enter_context(Client(cluster, set_as_default=False))
        self.workers = workers
        x, y = _dataset(rows, features, chunk_rows)
        self.x, self.y = self.client.persist([x, y])
        with self.client.as_current():
            wait([self.x, self.y])
        self.beta = np.random.default_rng(SEED + 2).standard_normal(features) * 0.1

    def chunks_per_worker(self) -> list[int]:
        """How many chunks of x each worker holds."""
        held = self.client.has_what()
        return sorted(sum(1 for key in keys if isinstance(key, tuple) and key[0] == self.x.name)
                      for keys in held.values())

    def autodiff_graph(self, index: int) -> Any:
        """autodiff's gradient for step ``index``: a lazy Dask array (no computation)."""
        import autodiff

        if not hasattr(self, "_gradient"):
            self._gradient = autodiff.grad(logistic_loglike)
        return self._gradient(self._beta(index), self.x, self.y)

    def dask_glm_graph(self, index: int) -> Any:
        """dask-glm's hand-written gradient for step ``index``, lazy."""
        from dask_glm.families import Logistic

        return Logistic.pointwise_gradient(self._beta(index), self.x, self.y)

    def autodiff_step(self, index: int) -> Any:
        return self.client.compute(self.autodiff_graph(index), sync=True)

    def dask_glm_step(self, index: int) -> Any:
        return self.client.compute(self.dask_glm_graph(index), sync=True)

    def _beta(self, index: int) -> np.ndarray:
        return self.beta * (1.0 + 1e-3 * index)

    def agreement(self) -> float:
        ours, theirs = self.autodiff_step(0), self.dask_glm_step(0)
        return float(np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs)))

    def peak_memory_mib(self) -> float:
        return max(self.client.run(_peak_rss).values()) / 2**20


def _cluster_rows(worker_counts: tuple[int, ...], rows: int, features: int, chunk_rows: int,
                  rounds: int, memory_limit: str) -> tuple[list[dict[str, Any]], list[list[float]],
                                                           dict[str, float]]:
    """One row per cluster, all clusters up at once and measured in the same rounds; also the
    autodiff step times of every cluster per round (for paired comparisons between them) and
    the time to build each gradient's graph on the client (no computation)."""
    with contextlib.ExitStack() as stack:
        clusters = [_Cluster(stack, workers, rows, features, chunk_rows, memory_limit)
                    for workers in worker_counts]
        agreements = [cluster.agreement() for cluster in clusters]  # also the warm-up
        steps = {}
        for cluster in clusters:
            steps[("autodiff", cluster.workers)] = cluster.autodiff_step
            steps[("dask-glm", cluster.workers)] = cluster.dask_glm_step
        times = _round_times(steps, rounds)
        build = _round_times({"autodiff": clusters[0].autodiff_graph,
                              "dask-glm": clusters[0].dask_glm_graph}, 4 * rounds)
        result = []
        for cluster, agreement in zip(clusters, agreements, strict=True):
            ours, theirs = times[("autodiff", cluster.workers)], times[("dask-glm",
                                                                       cluster.workers)]
            result.append({
                "workers": cluster.workers,
                "autodiff_steps_per_s": 1.0 / statistics.median(ours),
                "dask_glm_steps_per_s": 1.0 / statistics.median(theirs),
                "autodiff_over_dask_glm_time": _paired_ratio(ours, theirs),
                "max_relative_difference": agreement,
                "chunks_per_worker": cluster.chunks_per_worker(),
                "peak_worker_memory_mib": cluster.peak_memory_mib()})
    graph = {"autodiff_ms": 1e3 * statistics.median(build["autodiff"]),
             "dask_glm_ms": 1e3 * statistics.median(build["dask-glm"]),
             "autodiff_over_dask_glm": _paired_ratio(build["autodiff"], build["dask-glm"])}
    return result, [times[("autodiff", workers)] for workers in worker_counts], graph


def _cluster_row(workers: int, rows: int, features: int, chunk_rows: int, repeats: int,
                 memory_limit: str) -> dict[str, Any]:
    """The row of one cluster of ``workers`` worker processes measured alone."""
    rows_of, _, _ = _cluster_rows((workers,), rows, features, chunk_rows, repeats,
                                  memory_limit)
    return rows_of[0]


def _numpy_row(subset: int, features: int, repeats: int) -> dict[str, Any]:
    import autodiff

    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((subset, features))
    y = (x @ (np.ones(features) / np.sqrt(features)) > 0.0).astype(np.float64)
    beta = np.zeros(features)
    gradient = autodiff.grad(logistic_loglike)
    gradient(beta, x, y)
    seconds = _median_step_seconds({"numpy": lambda _: gradient(beta, x, y)}, repeats)
    return {"rows": subset, "steps_per_s": 1.0 / seconds["numpy"],
            "rows_per_s": subset / seconds["numpy"]}


def run(quick: bool) -> dict[str, Any]:
    """Measure the rows (quick: a smaller dataset and fewer rounds)."""
    rows, chunk_rows, rounds = (400_000, 50_000, 7) if quick else (2_000_000, 125_000, 15)
    features, memory_limit = 50, "2GiB"
    load_before = os.getloadavg()
    clusters, autodiff_times, graph = _cluster_rows((1, 2), rows, features, chunk_rows,
                                                    rounds, memory_limit)
    return {"rows": rows, "features": features, "chunk_rows": chunk_rows, "rounds": rounds,
            "memory_limit_per_worker": memory_limit, "clusters": clusters,
            "graph_build": graph,
            "numpy_subset": _numpy_row(min(rows, 400_000), features, rounds),
            "two_over_one_worker": _paired_ratio(*autodiff_times),
            "load_average_before": list(load_before), "load_average_after":
            list(os.getloadavg()), "cpus": os.cpu_count()}


def markdown(result: dict[str, Any]) -> str:
    lines = [f"## Scale: logistic gradient step, {result['rows']} x {result['features']} float64 "
             f"Dask array (chunks of {result['chunk_rows']} rows, persisted)", "",
             "| workers | autodiff steps/s | dask-glm steps/s | autodiff time / dask-glm | "
             "max rel. diff | x chunks per worker | peak worker MiB |",
             "|---|---|---|---|---|---|---|"]
    for row in result["clusters"]:
        lines.append(f"| {row['workers']} | {row['autodiff_steps_per_s']:.2f} | "
                     f"{row['dask_glm_steps_per_s']:.2f} | "
                     f"{row['autodiff_over_dask_glm_time']:.2f}x | "
                     f"{row['max_relative_difference']:.1e} | "
                     f"{', '.join(map(str, row['chunks_per_worker']))} | "
                     f"{row['peak_worker_memory_mib']:.0f} |")
    numpy_row = result["numpy_subset"]
    lines += ["", f"2 workers / 1 worker (autodiff steps/s, median of {result['rounds']} paired "
              f"rounds): {result['two_over_one_worker']:.2f}x",
              f"graph building on the client (no computation): autodiff "
              f"{result['graph_build']['autodiff_ms']:.1f} ms, dask-glm "
              f"{result['graph_build']['dask_glm_ms']:.1f} ms (paired ratio "
              f"{result['graph_build']['autodiff_over_dask_glm']:.2f}x)",
              "load average (1, 5, 15 min) before: " + _loads(result["load_average_before"])
              + f", after: {_loads(result['load_average_after'])} ({result['cpus']} cpus)",
              f"numpy path on a {numpy_row['rows']}-row subset: "
              f"{numpy_row['steps_per_s']:.2f} steps/s ({numpy_row['rows_per_s']:.3g} rows/s)"]
    return "\n".join(lines)


def _loads(loads: list[float]) -> str:
    return ", ".join(f"{load:.1f}" for load in loads)


def main(quick: bool, out: Path) -> int:
    result = run(quick)
    text = markdown(result)
    out.mkdir(parents=True, exist_ok=True)
    path = out / ("scale-quick.json" if quick else "scale.json")
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(text)
    print(f"results written to: {path}")
    return 0
