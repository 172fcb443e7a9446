"""examples/train_dask.py on a LocalCluster of 2 worker processes on 127.0.0.1 (started and stopped
by the example), with a small dataset: training reduces the loss and reaches the numpy path's
accuracy."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed", reason="the [dask] extra is not installed")
pytest.importorskip("matplotlib", reason="matplotlib is not installed")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_dask.py"


def _example() -> object:
    spec = importlib.util.spec_from_file_location("train_dask", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_train_on_a_local_cluster(tmp_path: Path) -> None:
    results = _example().main(["--rows", "40000", "--chunk-rows", "5000", "--chunks-per-step", "2",
                               "--epochs", "2", "--subset", "20000", "--memory-limit", "1GiB",
                               "--out", str(tmp_path)])
    assert (tmp_path / "train_dask_loss.png").stat().st_size > 0
    workers = results.pop("workers")
    assert 0 < workers["peak_memory_gib"] < workers["memory_limit_gib"]
    for model, result in results.items():
        assert result["steps"] == 8
        assert abs(result["accuracy_dask"] - result["accuracy_numpy"]) < 0.03, model
    assert results["logistic"]["accuracy_dask"] > 0.85
