"""Each benchmark workload's hand-written gradient matches central finite differences.

Runs on tiny sizes and times nothing (the benchmarks themselves: ``python -m benchmarks``).
"""

from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).parents[2]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m`: make `benchmarks` importable
    sys.path.insert(0, str(ROOT))
workloads = importlib.import_module("benchmarks.workloads")

ISSUE_WORKLOADS = {"seed_logreg", "mlp_small", "mlp_large", "rnn_loop", "elementwise_small",
                   "elementwise_large", "while_newton", "lstm_loop", "attention"}


def central_differences(fn, args, position, eps=1e-6):
    """d fn / d args[position], one element at a time (args are float64 arrays)."""
    args = [np.array(arg, dtype=np.float64, copy=True) for arg in args]
    target = args[position]
    gradient = np.zeros_like(target)
    for index in np.ndindex(target.shape):
        original = target[index]
        target[index] = original + eps
        upper = fn(*args)
        target[index] = original - eps
        lower = fn(*args)
        target[index] = original
        gradient[index] = (upper - lower) / (2 * eps)
    return gradient


def test_registry_has_every_workload_of_the_issue():
    assert set(workloads.BY_NAME) == ISSUE_WORKLOADS


@pytest.mark.parametrize("workload", workloads.WORKLOADS, ids=lambda w: w.name)
def test_hand_written_gradient_matches_finite_differences(workload):
    args = workload.tiny_args()
    grads = workload.grad(*args)
    assert len(grads) == len(workload.positions)
    for position, gradient in zip(workload.positions, grads, strict=True):
        assert gradient.shape == np.shape(args[position])
        expected = central_differences(workload.loss, args, position)
        np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-7,
                                   err_msg=f"{workload.name}: input {position}")


def test_references_do_not_use_autodiff():
    """The reference gradients are plain numpy: taken from autodiff they would check nothing."""
    assert "autodiff" not in vars(workloads)
    for workload in workloads.WORKLOADS:
        assert "autodiff" not in workload.grad.__code__.co_names
