"""benchmarks/scale.py on a tiny dataset: both gradients agree and every row is measured."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("dask.distributed", reason="the [dask] extra is not installed")
pytest.importorskip("dask_glm", reason="dask-glm is not installed")

from benchmarks import scale


def test_logistic_loglike_gradient_matches_the_formula(rng) -> None:
    import autodiff

    x, y, beta = rng.standard_normal((7, 3)), rng.integers(0, 2, 7) * 1.0, rng.standard_normal(3)
    expected = x.T @ (1.0 / (1.0 + np.exp(-x @ beta)) - y)
    np.testing.assert_allclose(autodiff.grad(scale.logistic_loglike)(beta, x, y), expected,
                               rtol=1e-12)


def test_cluster_row_on_a_tiny_dataset() -> None:
    row = scale._cluster_row(workers=1, rows=20_000, features=5, chunk_rows=5_000, repeats=2,
                             memory_limit="512MiB")
    assert row["max_relative_difference"] < 1e-12
    assert row["autodiff_steps_per_s"] > 0 and row["dask_glm_steps_per_s"] > 0
    assert row["peak_worker_memory_mib"] > 0
    assert row["chunks_per_worker"] == [4]  # x's 4 chunks, persisted on the one worker
    text = scale.markdown({"rows": 20_000, "features": 5, "chunk_rows": 5_000, "rounds": 2,
                           "clusters": [row, row], "two_over_one_worker": 1.0,
                           "numpy_subset": scale._numpy_row(1_000, 5, 2),
                           "graph_build": {"autodiff_ms": 1.0, "dask_glm_ms": 1.0,
                                           "autodiff_over_dask_glm": 1.0},
                           "load_average_before": [1.0, 1.0, 1.0],
                           "load_average_after": [1.0, 1.0, 1.0], "cpus": 2})
    assert "dask-glm" in text


def test_paired_ratio_is_the_median_of_per_round_ratios() -> None:
    assert scale._paired_ratio([2.0, 9.0, 3.0], [1.0, 3.0, 3.0]) == 2.0


def test_rounds_alternate_the_order_of_the_steps() -> None:
    calls = []
    scale._round_times({"a": lambda i: calls.append(("a", i)),
                        "b": lambda i: calls.append(("b", i))}, 3)
    assert calls == [("a", 0), ("b", 0), ("b", 1), ("a", 1), ("a", 2), ("b", 2)]
