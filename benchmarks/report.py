"""Render benchmark results: markdown tables, target verdicts, JSON and the scaling plot."""

from __future__ import annotations

import dataclasses
import json
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import compile_scaling
from .compile_scaling import CompileRow
from .harness import RunResults, ScalingSeries, SystemResult, WorkloadResult

HAND = "handwritten"
AUTODIFF = "autodiff"
AUTOGRAD = "autograd"

# ---- formatting ---------------------------------------------------------------------------------


def fmt_time(seconds: float | None) -> str:
    """Seconds in a readable unit (ns, µs, ms or s), three significant digits."""
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def fmt_bytes(count: int | None) -> str:
    if count is None:
        return "-"
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} B"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(item) for item in row) + " |" for row in rows]
    return "\n".join(lines)


def short_status(status: str) -> str:
    """The status without its detail: ok, unsupported, WRONG GRADIENT, error."""
    if status.startswith("WRONG GRADIENT"):
        return "WRONG GRADIENT"
    return status.split(":", 1)[0]


# ---- derived numbers ----------------------------------------------------------------------------


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def paired_ratio(numerator: SystemResult, denominator: SystemResult) -> float | None:
    """Gradient time of one system over another's: the median over rounds of the ratio of
    their batches in the same round (rounds time the systems moments apart), or, without
    per-round samples, the ratio of the medians.

    A shared machine drifts between faster and slower states during a run; a ratio of two
    separately taken medians can pair one system's fast state with the other's slow one,
    while each round's ratio compares batches run under the same state.
    """
    ours, theirs = numerator.grad_samples, denominator.grad_samples
    if ours and len(ours) == len(theirs) and all(theirs):
        return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
    return _ratio(numerator.grad_s, denominator.grad_s)


def ratio_to_hand(workload: WorkloadResult, system: str) -> float | None:
    """Gradient time of ``system`` over the hand-written gradient's (None if either failed)."""
    found, hand = workload.results.get(system), workload.results.get(HAND)
    if found is None or hand is None or not found.ok or not hand.ok:
        return None
    return paired_ratio(found, hand)


def memory_ratio(workload: WorkloadResult, system: str) -> float | None:
    found, hand = workload.results.get(system), workload.results.get(HAND)
    if found is None or hand is None or found.peak_bytes is None:
        return None
    return _ratio(found.peak_bytes, hand.peak_bytes)


def overhead_us(result: SystemResult) -> float | None:
    """Public gradient callable minus the generated function it calls, in microseconds.

    The median of paired differences (see ``harness.paired_overhead``): pairing cancels the
    drift a shared machine adds to both.
    """
    if not result.overhead_samples:
        return None
    return statistics.median(result.overhead_samples) * 1e6


def geomean(values: Sequence[float]) -> float:
    return math.exp(sum(math.log(value) for value in values) / len(values))


# ---- targets ------------------------------------------------------------------------------------


@dataclass
class Target:
    """A goal from issue 6: reported, never asserted."""

    goal: str
    verdict: str  # PASS, FAIL or n/a
    value: str
    detail: str


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _autodiff(workloads: Sequence[WorkloadResult]) -> list[tuple[WorkloadResult, SystemResult]]:
    return [(w, w.results[AUTODIFF]) for w in workloads if AUTODIFF in w.results]


def _failed_names(pairs: Sequence[tuple[WorkloadResult, SystemResult]]) -> list[str]:
    return [w.name for w, result in pairs if not result.ok]


def _failure_note(failed: Sequence[str]) -> str:
    return f"; autodiff failed on {', '.join(failed)}" if failed else ""


def _measured_ratios(workloads: Sequence[WorkloadResult]) -> dict[str, float]:
    """autodiff's gradient time over hand-written, for the workloads where both ran."""
    ratios = {w.name: ratio_to_hand(w, AUTODIFF) for w in workloads}
    return {name: value for name, value in ratios.items() if value is not None}


def target_every_workload(workloads: Sequence[WorkloadResult], limit: float = 1.15) -> Target:
    goal = f"every workload: autodiff <= {limit}x hand-written"
    ratios = _measured_ratios(workloads)
    failed = _failed_names(_autodiff(workloads))
    if not ratios:
        return Target(goal, "FAIL" if failed else "n/a", "-",
                      "nothing measured" + _failure_note(failed))
    worst = max(ratios, key=lambda name: ratios[name])
    over = [name for name, value in ratios.items() if value > limit]
    detail = f"worst: {worst}" + (f"; over the limit: {', '.join(over)}" if over else "")
    return Target(goal, _verdict(not over and not failed), fmt_ratio(ratios[worst]),
                  detail + _failure_note(failed))


def target_geomean(workloads: Sequence[WorkloadResult], limit: float = 1.05) -> Target:
    goal = f"geomean: autodiff <= {limit}x hand-written"
    ratios = list(_measured_ratios(workloads).values())
    if not ratios:
        return Target(goal, "n/a", "-", "no workload measured")
    value = geomean(ratios)
    detail = f"over {len(ratios)} measured workload(s)" + _failure_note(
        _failed_names(_autodiff(workloads)))
    return Target(goal, _verdict(value <= limit), fmt_ratio(value), detail)


def target_vs_autograd(workloads: Sequence[WorkloadResult], factor: float = 5.0) -> Target:
    goal = f"small workloads: autodiff >= {factor:g}x faster than autograd"
    small = [w for w in workloads if w.small and AUTODIFF in w.results]
    if not small or not any(AUTOGRAD in w.results for w in small):
        return Target(goal, "n/a", "-", "no small workload run with both systems")
    speedups: dict[str, float] = {}
    failed = []
    for workload in small:
        ours, theirs = workload.results[AUTODIFF], workload.results.get(AUTOGRAD)
        if not ours.ok or theirs is None or not theirs.ok:
            failed.append(workload.name)
            continue
        speedups[workload.name] = paired_ratio(theirs, ours) or 0.0
    if not speedups:
        return Target(goal, "FAIL", "-", f"no small workload measured; failed on "
                      f"{', '.join(failed)}")
    worst = min(speedups, key=lambda name: speedups[name])
    detail = f"slowest speedup: {worst}" + (
        f"; not measured (a system failed) on {', '.join(failed)}" if failed else "")
    passed = not failed and speedups[worst] >= factor
    return Target(goal, _verdict(passed), f"{speedups[worst]:.1f}x", detail)


def target_vs_eager_peers(workloads: Sequence[WorkloadResult],
                          peers: Sequence[str] = ("torch", "jax")) -> Target:
    goal = "small workloads: autodiff faster than PyTorch eager and JAX without jit"
    speedups: dict[str, float] = {}
    for workload in workloads:
        ours = workload.results.get(AUTODIFF)
        if not workload.small or ours is None or not ours.ok:
            continue
        for peer in peers:
            theirs = workload.results.get(peer)
            if theirs is not None and theirs.ok:
                speedups[f"{workload.name} vs {peer}"] = paired_ratio(theirs, ours) or 0.0
    if not speedups:
        return Target(goal, "n/a", "-", "torch and jax not installed (optional peers)")
    worst = min(speedups, key=lambda name: speedups[name])
    measured = sorted({name.split(" vs ")[1] for name in speedups})
    return Target(goal, _verdict(speedups[worst] > 1.0), f"{speedups[worst]:.1f}x",
                  f"slowest speedup: {worst} (peers measured: {', '.join(measured)})")


def target_compile(workloads: Sequence[WorkloadResult], limit_s: float = 0.030) -> Target:
    goal = f"first-call compile of mlp_small <= {limit_s * 1e3:g} ms"
    found = [w.results.get(AUTODIFF) for w in workloads if w.name == "mlp_small"]
    if not found or found[0] is None:
        return Target(goal, "n/a", "-", "mlp_small not run")
    result = found[0]
    if result.first_call_s is None:
        return Target(goal, "FAIL", "-", result.status)
    return Target(goal, _verdict(result.first_call_s <= limit_s), fmt_time(result.first_call_s),
                  "autodiff.grad(fresh function) + first call, median of fresh copies")


def target_overhead(workloads: Sequence[WorkloadResult], limit_us: float = 3.0) -> Target:
    goal = f"cached call overhead <= {limit_us:g} µs"
    values = {w.name: overhead_us(result) for w, result in _autodiff(workloads)
              if w.small and result.ok}
    measured = {name: value for name, value in values.items() if value is not None}
    if not measured:
        return Target(goal, "n/a", "-", "no small workload measured")
    value = statistics.median(measured.values())
    detail = (f"median over {len(measured)} small workloads (range "
              f"{min(measured.values()):.2f} .. {max(measured.values()):.2f} µs)")
    return Target(goal, _verdict(value <= limit_us), f"{value:.2f} µs", detail)


def target_memory(workloads: Sequence[WorkloadResult], limit: float = 1.2) -> Target:
    goal = f"peak memory <= {limit}x hand-written"
    ratios = {w.name: memory_ratio(w, AUTODIFF) for w, result in _autodiff(workloads)
              if result.ok}
    measured = {name: value for name, value in ratios.items() if value is not None}
    if not measured:
        return Target(goal, "n/a", "-", "no workload measured")
    worst = max(measured, key=lambda name: measured[name])
    return Target(goal, _verdict(measured[worst] <= limit), fmt_ratio(measured[worst]),
                  f"worst: {worst} (one gradient call, tracemalloc)")


TARGETS: tuple[Callable[[Sequence[WorkloadResult]], Target], ...] = (
    target_every_workload, target_geomean, target_vs_autograd, target_vs_eager_peers,
    target_compile, target_overhead, target_memory)


def evaluate_targets(workloads: Sequence[WorkloadResult],
                     compile_rows: Sequence[CompileRow] = ()) -> list[Target]:
    targets = [target(workloads) for target in TARGETS]
    if compile_rows:
        targets += compile_targets(compile_rows)
    return targets


def compile_targets(rows: Sequence[CompileRow]) -> list[Target]:
    """Issue 15's compile-time targets: linear in the statements and in the loop depth."""
    chain_goal = ("compile time linear in code size: straight-line first call <= 0.25 s at "
                  "n=100 and <= 1 s at n=400, time per statement flat within "
                  f"{compile_scaling.FLATNESS}x")
    loop_goal = "compile time grows at most linearly with loop nesting depth"
    targets = []
    for goal, (passed, value, detail) in ((chain_goal, compile_scaling.chain_verdict(rows)),
                                          (loop_goal, compile_scaling.loop_verdict(rows))):
        verdict = "n/a" if passed is None else _verdict(passed)
        targets.append(Target(goal, verdict, value, detail))
    return targets


# ---- markdown -----------------------------------------------------------------------------------


def _system_row(workload: WorkloadResult, result: SystemResult) -> list[str]:
    name = result.system
    is_hand = name == HAND
    overhead = overhead_us(result)
    memory = fmt_bytes(result.peak_bytes) if is_hand else fmt_ratio(memory_ratio(workload, name))
    return [workload.name, name, result.status, fmt_time(result.grad_s),
            "1.00x" if is_hand and result.ok else fmt_ratio(ratio_to_hand(workload, name)),
            fmt_time(result.forward_s), fmt_ratio(_ratio(result.grad_s, result.forward_s)),
            fmt_time(result.first_call_s),
            "-" if overhead is None else f"{overhead:+.2f} µs", memory]


def detail_table(workloads: Sequence[WorkloadResult]) -> str:
    header = ["workload", "system", "status", "gradient", "x hand", "forward", "grad/fwd",
              "first call", "call overhead", "peak mem (x hand)"]
    rows = [_system_row(w, result) for w in workloads for result in w.results.values()]
    return table(header, rows)


def ratio_table(workloads: Sequence[WorkloadResult]) -> str:
    """Workloads down, systems across: gradient time relative to hand-written numpy."""
    systems = [name for name in _system_names(workloads) if name != HAND]
    rows = []
    for workload in workloads:
        hand = workload.results.get(HAND)
        row = [workload.name, fmt_time(hand.grad_s) if hand else "-"]
        for name in systems:
            result = workload.results.get(name)
            if result is None:
                row.append("-")
            else:
                row.append(fmt_ratio(ratio_to_hand(workload, name)) if result.ok
                           else short_status(result.status))
        rows.append(row)
    return table(["workload", "handwritten", *systems], rows)


def _system_names(workloads: Sequence[WorkloadResult]) -> list[str]:
    names: list[str] = []
    for workload in workloads:
        names += [name for name in workload.results if name not in names]
    return names


def targets_table(targets: Sequence[Target]) -> str:
    return table(["target", "value", "result", "detail"],
                 [[t.goal, t.value, t.verdict, t.detail] for t in targets])


def scaling_table(series: ScalingSeries) -> str:
    systems = list(series.points[0].times) if series.points else []
    header = [series.parameter]
    for name in systems:
        header += [name] if name == HAND else [name, "x hand"]
    rows = []
    for point in series.points:
        hand = point.times.get(HAND)
        row = [f"{point.value:,}"]
        for name in systems:
            seconds = point.times.get(name)
            shown = fmt_time(seconds) if seconds is not None else short_status(
                point.status.get(name, "-"))
            row += [shown] if name == HAND else [shown, fmt_ratio(_ratio(seconds, hand))]
        rows.append(row)
    return table(header, rows)


def compile_table(rows: Sequence[CompileRow]) -> str:
    """The compile_scaling rows: first-call time per program size."""
    body = []
    for row in rows:
        unit = "statement" if row.series == "straight-line" else "level"
        size = f"n={row.size}" if row.series == "straight-line" else f"depth {row.size}"
        per = "-" if row.per_unit_s is None else f"{fmt_time(row.per_unit_s)} / {unit}"
        body.append([f"compile_scaling {row.series}", size,
                     fmt_time(row.first_call_s) if row.first_call_s else row.status, per])
    return table(["row", "size", "first call", "per unit"], body)


# ---- calling conventions (issue 16) -------------------------------------------------------------


@dataclass
class ConventionRun:
    """The (workload, convention) rows of ``benchmarks/conventions.py`` and the call overhead
    of a six-array dict call."""

    rows: list[dict[str, Any]]
    overhead_us: float | None


def _pair(row: dict[str, Any]) -> str:
    return f"{row['workload']}/{row['convention']}"


def convention_targets(run: ConventionRun) -> list[Target]:
    """Issue 16's verdicts over every (workload, convention) pair."""
    rows = run.rows
    if not rows:
        return []
    worst = max(rows, key=lambda row: row["ratio"])
    best = min(rows, key=lambda row: row["ratio"])
    over = [_pair(row) for row in rows if row["ratio"] > 1.15]
    under = [_pair(row) for row in rows if row["ratio"] < 0.95]
    mean = geomean([row["ratio"] for row in rows])
    others = [row for row in rows if row["convention"] != "positional"]
    slow = max(others, key=lambda row: row["vs_positional"]) if others else None
    behind = [_pair(row) for row in others if row["vs_positional"] > 1.10]
    targets = [
        Target("every (workload, convention): autodiff <= 1.15x hand-written",
               _verdict(not over), fmt_ratio(worst["ratio"]),
               f"worst: {_pair(worst)}" + (f"; over: {', '.join(over)}" if over else "")),
        Target("geomean over (workload, convention) pairs <= 1.05x", _verdict(mean <= 1.05),
               fmt_ratio(mean), f"{len(rows)} pairs"),
        Target("no pair below 0.95x hand-written (else the baseline is improved)",
               _verdict(not under), fmt_ratio(best["ratio"]),
               f"lowest: {_pair(best)}" + (f"; under: {', '.join(under)}" if under else "")),
    ]
    if slow is not None:
        targets.append(Target(
            "containers and Cells <= 1.10x the positional row", _verdict(not behind),
            fmt_ratio(slow["vs_positional"]),
            f"worst: {_pair(slow)}" + (f"; over: {', '.join(behind)}" if behind else "")))
    if run.overhead_us is not None:
        targets.append(Target("call overhead of a 6-array dict call <= 3 µs",
                              _verdict(run.overhead_us <= 3.0), f"{run.overhead_us:.2f} µs",
                              "public callable minus the generated function (stubbed)"))
    return targets


def conventions_table(rows: Sequence[dict[str, Any]]) -> str:
    body = [[row["workload"], row["convention"], fmt_time(row["hand_us"] * 1e-6),
             fmt_time(row["autodiff_us"] * 1e-6),
             f"{fmt_ratio(row['ratio'])} ({row['low']:.2f}-{row['high']:.2f})",
             fmt_ratio(row["vs_positional"])] for row in rows]
    return table(["workload", "convention", "hand-written", "autodiff",
                  "x hand (median, range over rounds)", "x positional row"], body)


def render_markdown(results: RunResults, targets: Sequence[Target],
                    plot_note: str | None, conventions: ConventionRun | None = None) -> str:
    """The full report."""
    config, meta = results.config, results.meta
    mode = "quick" if config.quick else "full"
    parts = [
        f"# autodiff benchmarks ({mode})",
        f"{meta.get('date', '')} · numpy {meta.get('numpy', '?')} · python "
        f"{meta.get('python', '?')} · BLAS threads: {meta.get('blas_threads', '?')} · "
        f"{config.rounds} interleaved rounds, ~{config.batch_seconds * 1e3:g} ms batches, "
        "per-call medians",
        "## Gradient time relative to hand-written numpy",
        ratio_table(results.workloads),
        "## Targets (reported, not asserted)",
        targets_table(targets),
        "## Details",
        detail_table(results.workloads),
        "first call: transform + first gradient call on a freshly created function object "
        f"(median of {config.compile_repeats} for autodiff, whose time includes compiling, "
        f"of {config.peer_compile_repeats} for the others). call overhead: "
        "autodiff's public gradient callable minus calling the generated function it runs "
        "directly, with that function stubbed to return its result so that only the wrapper "
        "is timed (median of paired differences, small workloads only). "
        "peak mem: tracemalloc peak of one gradient call (hand-written: bytes; others: ratio).",
    ]
    if conventions is not None and conventions.rows:
        parts += ["## Calling conventions (same hand-written gradient, container repacked)",
                  conventions_table(conventions.rows),
                  "### Targets of the calling conventions (issue 16)",
                  targets_table(convention_targets(conventions))]
    for series in results.scaling:
        parts += [f"## Scaling: {series.title}", scaling_table(series)]
    if results.compile_scaling:
        parts += ["## Compile scaling (first call, process time)",
                  compile_table(results.compile_scaling)]
    if results.scaling:
        parts.append(plot_note or "")
    notes = [f"- {name}: skipped ({reason})" for name, reason in results.skipped.items()]
    if notes:
        parts += ["## Systems not run", "\n".join(notes)]
    return "\n\n".join(part for part in parts if part) + "\n"


# ---- files --------------------------------------------------------------------------------------


def to_json(results: RunResults, targets: Sequence[Target],
            conventions: ConventionRun | None = None) -> dict[str, Any]:
    data = dataclasses.asdict(results)
    data["targets"] = [dataclasses.asdict(target) for target in targets]
    if conventions is not None:
        data["conventions"] = dataclasses.asdict(conventions)
        data["convention_targets"] = [dataclasses.asdict(target)
                                      for target in convention_targets(conventions)]
    return data


def plot_scaling(series: Sequence[ScalingSeries], path: Path) -> str:
    """Write the scaling plot as a PNG; returns a line for the report."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "Scaling plot skipped: matplotlib is not installed."
    figure, axes = plt.subplots(1, len(series), figsize=(6 * len(series), 4.5), squeeze=False)
    for axis, item in zip(axes[0], series, strict=True):
        systems = list(item.points[0].times) if item.points else []
        for name in systems:
            pairs = [(p.value, p.times[name]) for p in item.points if p.times.get(name)]
            if pairs:
                xs, ys = zip(*pairs, strict=True)
                axis.plot(xs, ys, marker="o", label=name)
        axis.set(xscale="log", yscale="log", xlabel=item.parameter,
                 ylabel="gradient time per call (s)", title=item.title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return f"Scaling plot: `{path}`."


def write_outputs(results: RunResults, directory: Path, stem: str,
                  conventions: ConventionRun | None = None) -> tuple[str, list[Path]]:
    """Write ``<stem>.json``, ``<stem>.md`` and ``<stem>-scaling.png``; returns the markdown."""
    directory.mkdir(parents=True, exist_ok=True)
    targets = evaluate_targets(results.workloads, results.compile_scaling)
    written = []
    plot_note = None
    if results.scaling:
        png = directory / f"{stem}-scaling.png"
        plot_note = plot_scaling(results.scaling, png)
        if png.exists() and "skipped" not in plot_note:
            written.append(png)
    markdown = render_markdown(results, targets, plot_note, conventions)
    md_path = directory / f"{stem}.md"
    md_path.write_text(markdown)
    json_path = directory / f"{stem}.json"
    json_path.write_text(json.dumps(to_json(results, targets, conventions), indent=1) + "\n")
    return markdown, [md_path, json_path, *written]
