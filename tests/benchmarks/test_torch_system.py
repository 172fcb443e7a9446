"""The PyTorch eager system of the benchmark suite (optional: skipped without torch): its
numpy stand-in runs every workload's loss, and its gradient equals the hand-written one."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from benchmarks.harness import Torch
from benchmarks.workloads import WORKLOADS


@pytest.fixture(scope="module")
def torch_system() -> Torch:
    system = Torch()
    assert system.unavailable() is None
    return system


@pytest.mark.parametrize("workload", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_torch_gradient_matches_the_hand_written_one(torch_system: Torch, workload) -> None:
    args = workload.tiny_args()
    gradient = torch_system.transform(workload, torch_system.source(workload))
    got = torch_system.grads(gradient(*torch_system.convert(args)))
    expected = workload.grad(*args)
    assert len(got) == len(expected)
    for ours, reference in zip(got, expected, strict=True):
        np.testing.assert_allclose(ours, reference, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("workload", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_torch_forward_matches_numpy(torch_system: Torch, workload) -> None:
    args = workload.tiny_args()
    value = torch_system.forward(workload)(*torch_system.convert(args))
    np.testing.assert_allclose(float(value), float(workload.loss(*args)), rtol=1e-10)
