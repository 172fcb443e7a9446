"""The targets table of the benchmark report, on synthetic results (no timing here)."""

from __future__ import annotations

import pytest

from benchmarks.harness import SystemResult, WorkloadResult, interleaved_medians
from benchmarks.report import paired_ratio, target_vs_autograd, target_vs_eager_peers


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


def test_ratios_pair_the_batches_of_one_round() -> None:
    """A machine that is fast in some rounds and slow in others: each round's ratio is 1.1,
    while the separately taken medians pair the hand-written gradient's fast rounds with
    autodiff's slow ones."""
    hand = [1.0, 1.0, 1.0, 2.0, 2.0]
    ours = [1.1, 2.2, 2.2, 2.2, 2.2]
    pair = SystemResult("autodiff", grad_s=2.2, grad_samples=ours)
    reference = SystemResult("handwritten", grad_s=1.0, grad_samples=hand)
    assert paired_ratio(pair, reference) == pytest.approx(1.1)
    assert paired_ratio(SystemResult("a", grad_s=3.0), SystemResult("b", grad_s=2.0)) == 1.5


def test_reference_and_compared_system_run_back_to_back() -> None:
    ran: list[str] = []

    def job(name: str) -> tuple[str, object, tuple]:
        return name, lambda: ran.append(name), ()

    groups = [[job(f"{system}/grad"), job(f"{system}/forward")]
              for system in ("hand", "autodiff", "autograd", "torch")]
    samples = interleaved_medians(groups, rounds=4, seconds=0.0)
    assert all(len(times) == 4 for times in samples.values())
    timed = [name for index, name in enumerate(ran) if index >= 16]  # after batch sizing
    rounds = [timed[index:index + 8] for index in range(0, len(timed), 8)]
    heads = [round_[:2] for round_ in rounds]
    assert heads == [["hand/grad", "autodiff/grad"], ["autodiff/grad", "hand/grad"]] * 2
    assert all(name.endswith("/forward") for round_ in rounds for name in round_[4:])
    assert [round_[2] for round_ in rounds] == ["autograd/grad", "torch/grad"] * 2


def _convention_row(workload_name: str, convention: str, ratio: float,
                    vs_positional: float) -> dict:
    return {"workload": workload_name, "convention": convention, "hand_us": 10.0,
            "autodiff_us": 10.0 * ratio, "ratio": ratio, "low": ratio, "high": ratio,
            "vs_positional": vs_positional}


@pytest.mark.parametrize(("rows", "overhead", "verdicts"), [
    ([("positional", 1.0, 1.0), ("dict", 1.05, 1.05)], 2.0,
     ["PASS", "PASS", "PASS", "PASS", "PASS"]),
    ([("positional", 1.0, 1.0), ("cell weights=", 1.2, 1.2)], 3.5,
     ["FAIL", "FAIL", "PASS", "FAIL", "FAIL"]),
    ([("positional", 0.9, 1.0), ("tuple", 0.99, 1.1)], None,
     ["PASS", "PASS", "FAIL", "PASS"]),
])
def test_convention_targets_follow_issue_16(rows, overhead, verdicts) -> None:
    from benchmarks.report import ConventionRun, convention_targets, render_markdown

    run = ConventionRun([_convention_row("mlp", *row) for row in rows], overhead)
    targets = convention_targets(run)
    assert [target.verdict for target in targets] == verdicts
    assert f"| mlp | {rows[1][0]} |" in render_markdown(_empty_results(), [], None, run)


def _empty_results():
    from benchmarks.harness import Config, RunResults

    return RunResults(Config.for_mode(True), {}, {}, [], [])
