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
    text = scale.markdown({"rows": 20_000, "features": 5, "chunk_rows": 5_000,
                           "clusters": [row, row], "two_over_one_worker": 1.0,
                           "numpy_subset": scale._numpy_row(1_000, 5, 2)})
    assert "dask-glm" in text
