"""Compile time against code size: autodiff's first call of generated programs.

Two series (issue 15, "compile time is linear"):

- a straight-line function of ``n`` statements ``h = np.tanh(h @ w + c) * 0.5 + h * 0.5``
  (``n`` = 10, 100, 400), reported as the first-call time and the time per statement;
- a function with ``depth`` nested ``for`` loops (1 .. 6) around two statements.

Each program is generated as source text, registered in ``linecache`` (autodiff reads a
function's source from there, like any user function's) and executed to make the function.
A first call is ``autodiff.grad(fresh function)`` plus one gradient call, in process time
(CPU time of this process: less disturbed by other processes than wall time), median of
``repeats`` fresh functions.
"""

from __future__ import annotations

import gc
import itertools
import linecache
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

CHAIN_SIZES = (10, 100, 400)
LOOP_DEPTHS = (1, 2, 3, 4, 5, 6)
CHAIN_LIMITS_S = {100: 0.25, 400: 1.0}  # first call, issue 15
FLATNESS = 1.5  # largest / smallest time per statement
LOOP_GROWTH = 2.0  # time per added level, deeper half / shallower half

_serial = itertools.count()


@dataclass
class CompileRow:
    """One program's first-call time; ``per_unit_s`` is per statement (chain) or level."""

    series: str  # "straight-line" or "nested loops"
    size: int
    first_call_s: float | None
    per_unit_s: float | None
    status: str = "ok"


def make_function(name: str, source: str) -> Callable[..., Any]:
    """Execute generated ``source`` defining ``name``, with its text in ``linecache``."""
    filename = f"<compile_scaling {name} #{next(_serial)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {"np": np}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


def chain_source(statements: int) -> str:
    """``def chain(h, w, c)`` with ``statements`` statements, returning ``h.sum()``."""
    body = "    h = np.tanh(h @ w + c) * 0.5 + h * 0.5\n" * statements
    return f"def chain(h, w, c):\n{body}    return h.sum()\n"


def nested_source(depth: int) -> str:
    """``def nested(x, w)``: ``depth`` nested loops of 2 trips around two statements."""
    lines = ["def nested(x, w):", "    total = 0.0"]
    indent = "    "
    for level in range(depth):
        lines.append(f"{indent}for i{level} in range(2):")
        indent += "    "
    lines += [f"{indent}x = np.tanh(x * w)", f"{indent}total = total + np.sum(x)",
              "    return total"]
    return "\n".join(lines) + "\n"


def chain_args(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(4, 8)), rng.normal(size=(8, 8)) * 0.3, rng.normal(size=8)


def nested_args(seed: int = 0) -> tuple[np.ndarray, float]:
    return np.random.default_rng(seed).normal(size=5), 0.5


def first_call_seconds(make: Callable[[], Callable[..., Any]], args: tuple[Any, ...],
                       repeats: int) -> float:
    """Median process time of ``autodiff.grad(make())`` and its first call (on ``w``)."""
    import autodiff

    times = []
    for _ in range(repeats):
        fn = make()
        gc.collect()
        start = time.process_time()
        autodiff.grad(fn, 1)(*args)
        times.append(time.process_time() - start)
    return statistics.median(times)


def _row(series: str, size: int, make: Callable[[], Callable[..., Any]], args: tuple[Any, ...],
         repeats: int) -> CompileRow:
    try:
        seconds = first_call_seconds(make, args, repeats)
    except Exception as error:  # reported, never raised
        return CompileRow(series, size, None, None, f"error: {type(error).__name__}: {error}")
    return CompileRow(series, size, seconds, seconds / size)


def measure(repeats: int, chain_sizes: Sequence[int] = CHAIN_SIZES,
            depths: Sequence[int] = LOOP_DEPTHS,
            log: Callable[[str], None] = lambda message: None) -> list[CompileRow]:
    """Both series, after an untimed warm-up; the largest chain is compiled at most twice (it
    takes a while)."""
    rows = []
    # untimed warm-up of each kind: the first loop compiled in a process loads more code
    first_call_seconds(lambda: make_function("chain", chain_source(1)), chain_args(), 1)
    first_call_seconds(lambda: make_function("nested", nested_source(1)), nested_args(), 1)
    for size in chain_sizes:
        count = repeats if size < 400 else min(repeats, 2)
        rows.append(_row("straight-line", size,
                         lambda size=size: make_function("chain", chain_source(size)),
                         chain_args(), count))
        log(f"  [compile_scaling] straight-line n={size}: {rows[-1].first_call_s}")
    for depth in depths:
        rows.append(_row("nested loops", depth,
                         lambda depth=depth: make_function("nested", nested_source(depth)),
                         nested_args(), repeats))
        log(f"  [compile_scaling] nested loops depth={depth}: {rows[-1].first_call_s}")
    return rows


def chain_verdict(rows: Sequence[CompileRow]) -> tuple[bool | None, str, str]:
    """(passed, value, detail) of the straight-line target; passed is None if not measured."""
    chain = {row.size: row for row in rows if row.series == "straight-line" and row.first_call_s}
    if not chain:
        return None, "-", "not measured"
    per = [row.per_unit_s for row in chain.values() if row.per_unit_s]
    flatness = max(per) / min(per)
    limits = {size: chain[size].first_call_s <= limit  # type: ignore[operator]
              for size, limit in CHAIN_LIMITS_S.items() if size in chain}
    passed = all(limits.values()) and flatness <= FLATNESS
    value = ", ".join(f"n={size}: {chain[size].first_call_s:.3g} s" for size in sorted(chain))
    detail = (f"time per statement max/min {flatness:.2f} (limit {FLATNESS}); limits "
              + ", ".join(f"n={size} <= {limit:g} s" for size, limit in CHAIN_LIMITS_S.items()))
    return passed, value, detail


def loop_verdict(rows: Sequence[CompileRow]) -> tuple[bool | None, str, str]:
    """(passed, value, detail) of the nesting target: the mean time per added level over the
    deeper half of the depths is at most ``LOOP_GROWTH`` times the one over the shallower half
    (plus 1 ms of noise); linear growth gives 1, a doubling per level 2 ** (half the range)."""
    times = {row.size: row.first_call_s for row in rows
             if row.series == "nested loops" and row.first_call_s}
    depths = sorted(times)
    if len(depths) < 3:
        return None, "-", "not measured"
    low, middle, high = depths[0], depths[(len(depths) - 1) // 2], depths[-1]
    shallow = (times[middle] - times[low]) / (middle - low)
    deep = (times[high] - times[middle]) / (high - middle)
    passed = deep <= LOOP_GROWTH * max(shallow, 0.0) + 1e-3
    value = f"{times[low] * 1e3:.3g} -> {times[high] * 1e3:.3g} ms"
    detail = (f"per added level: {shallow * 1e3:.2f} ms at depth {low}..{middle}, "
              f"{deep * 1e3:.2f} ms at depth {middle}..{high} (limit {LOOP_GROWTH:g}x + 1 ms)")
    return passed, value, detail
