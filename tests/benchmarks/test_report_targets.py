"""The targets table of the benchmark report, on synthetic results (no timing here)."""

from __future__ import annotations

import pytest

from benchmarks.harness import SystemResult, WorkloadResult
from benchmarks.report import target_vs_autograd, target_vs_eager_peers


def workload(name: str, small: bool, **grad_s: float) -> WorkloadResult:
    results = {system: SystemResult(system, grad_s=seconds) for system, seconds in grad_s.items()}
    return WorkloadResult(name, "", {}, small, False, results)


@pytest.mark.parametrize(("torch_s", "jax_s", "verdict", "value"), [
    (2e-5, 3e-5, "PASS", "2.0x"),
    (2e-5, 0.5e-5, "FAIL", "0.5x"),
])
def test_eager_peers_target_takes_the_slowest_speedup(torch_s: float, jax_s: float,
                                                      verdict: str, value: str) -> None:
    runs = [workload("a", True, autodiff=1e-5, torch=torch_s, jax=jax_s),
            workload("big", False, autodiff=1.0, torch=0.1)]  # large workloads do not count
    target = target_vs_eager_peers(runs)
    assert (target.verdict, target.value) == (verdict, value)


def test_eager_peers_target_without_peers_is_not_applicable() -> None:
    assert target_vs_eager_peers([workload("a", True, autodiff=1e-5)]).verdict == "n/a"


def test_autograd_target_needs_five_times() -> None:
    runs = [workload("a", True, autodiff=1e-5, autograd=4e-5)]
    assert target_vs_autograd(runs).verdict == "FAIL"
    runs = [workload("a", True, autodiff=1e-5, autograd=6e-5)]
    assert target_vs_autograd(runs).verdict == "PASS"
