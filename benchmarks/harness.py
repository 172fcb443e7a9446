"""Build each system's gradient, check it against the hand-written one, and time it.

Everything runs in one process. For each workload every usable system is prepared (first
call on a freshly created function object, so autodiff's cache is cold), its gradient is
compared with the hand-written one (``np.allclose``, rtol 1e-5, atol 1e-6), and then the
systems are timed interleaved round by round: in every round each system runs one batch of
gradient calls and one batch of forward calls; the hand-written gradient and autodiff run
back to back (alternating which goes first) and the other systems follow in an order rotated
between rounds. Reported times are per-call medians over rounds; ratios between systems are
medians of the per-round ratios (``report.paired_ratio``). autodiff's call overhead is measured
separately on the small workloads, as paired batches of the public callable and the
generated function it wraps, with that function replaced by a stub returning its result (so
that only the wrapper's own time is measured).
Failures are recorded per (workload, system), never raised.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import inspect
import signal
import statistics
import sys
import textwrap
import threading
import time
import tracemalloc
import types
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import compile_scaling as compile_scaling_rows
from .compile_scaling import CompileRow
from .workloads import BY_NAME, WORKLOADS, Args, Grads, Workload

RTOL = 1e-5
ATOL = 1e-6
MAX_BATCH = 100_000

# ---- configuration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """How long to measure: ``quick`` is tuned to finish the whole run in under 2 minutes."""

    quick: bool
    rounds: int
    batch_seconds: float
    compile_repeats: int  # fresh functions per first-call time (autodiff's is a target)
    peer_compile_repeats: int  # the same for the other systems (jit compiles take seconds)
    scaling_rounds: int
    elementwise_sizes: tuple[int, ...]
    rnn_steps: tuple[int, ...]
    call_timeout_s: float  # a transform + first call taking longer is reported as a timeout

    @classmethod
    def for_mode(cls, quick: bool) -> Config:
        if quick:
            return cls(quick=True, rounds=5, batch_seconds=0.003, compile_repeats=3,
                       peer_compile_repeats=1,
                       scaling_rounds=3, elementwise_sizes=(10, 10**3, 10**5, 10**6),
                       rnn_steps=(10, 100, 1000), call_timeout_s=15.0)
        return cls(quick=False, rounds=21, batch_seconds=0.02, compile_repeats=7,
                   peer_compile_repeats=7,
                   scaling_rounds=7, elementwise_sizes=tuple(10**k for k in range(1, 8)),
                   rnn_steps=(10, 30, 100, 300, 1000), call_timeout_s=60.0)


# ---- systems ------------------------------------------------------------------------------------


def fresh_copy(fn: Callable[..., Any]) -> types.FunctionType:
    """A new function object with the same code, so per-function caches start cold."""
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                              fn.__closure__)
    copy.__qualname__ = fn.__qualname__
    copy.__module__ = fn.__module__
    copy.__kwdefaults__ = fn.__kwdefaults__
    return copy


def rebind_numpy(fn: Callable[..., Any], numpy_module: Any) -> Callable[..., Any]:
    """Re-execute ``fn``'s source in a copy of its globals where ``np`` is ``numpy_module``.

    Line numbers are kept (the source is padded), so tracebacks point at the workload file.
    """
    source = textwrap.dedent(inspect.getsource(fn))
    padded = "\n" * (fn.__code__.co_firstlineno - 1) + source
    namespace = {**fn.__globals__, "np": numpy_module}
    exec(compile(padded, fn.__code__.co_filename, "exec"), namespace)
    return namespace[fn.__name__]


def _as_grads(out: Any) -> Grads:
    """A gradient result (bare array or tuple of them) as a tuple of numpy arrays."""
    items = out if isinstance(out, (tuple, list)) else (out,)
    return tuple(np.asarray(item) for item in items)


class System:
    """One way of computing gradients; subclasses override the hooks they need."""

    name = ""
    memory_visible = True  # tracemalloc sees the system's array allocations
    unsupported_errors: tuple[type[BaseException], ...] = ()

    def unavailable(self) -> str | None:
        """None if the system can run here, else why not (reported as a note)."""
        return None

    def source(self, workload: Workload) -> Callable[..., Any]:
        """A fresh, untransformed function object to start from (not timed)."""
        return fresh_copy(workload.loss)

    def transform(self, workload: Workload, fn: Callable[..., Any]) -> Callable[..., Any]:
        """The gradient callable made from ``fn`` (timed as part of the first call)."""
        raise NotImplementedError

    def forward(self, workload: Workload) -> Callable[..., Any]:
        """The system's forward-only loss."""
        return workload.loss

    def convert(self, args: Args) -> Args:
        """The workload's numpy inputs in the system's own array type."""
        return args

    def grads(self, out: Any) -> Grads:
        """The gradient callable's result as a tuple of numpy arrays."""
        return _as_grads(out)

    def direct(self, gradient: Callable[..., Any], args: Args) -> Callable[..., Any] | None:
        """The generated function the public gradient callable runs on ``args``, if any."""
        return None


class Handwritten(System):
    """The hand-derived numpy gradient: the reference every system is checked against."""

    name = "handwritten"

    def source(self, workload: Workload) -> Callable[..., Any]:
        return fresh_copy(workload.grad)

    def transform(self, workload: Workload, fn: Callable[..., Any]) -> Callable[..., Any]:
        return fn


class Autodiff(System):
    """``autodiff.grad(loss, positions)``; compile errors count as 'unsupported'."""

    name = "autodiff"

    def __init__(self) -> None:
        import autodiff

        self._autodiff = autodiff
        self.unsupported_errors = (autodiff.UnsupportedSyntaxError, autodiff.NoGradientRuleError,
                                   autodiff.MissingRuleError)

    def transform(self, workload: Workload, fn: Callable[..., Any]) -> Callable[..., Any]:
        return self._autodiff.grad(fn, workload.positions)

    def direct(self, gradient: Callable[..., Any], args: Args) -> Callable[..., Any] | None:
        return gradient.unit_for(*args).function  # type: ignore[attr-defined]


class _OptionalSystem(System):
    """A system whose package may be missing; ``module`` is its import name."""

    module = ""

    def unavailable(self) -> str | None:
        if importlib.util.find_spec(self.module) is None:
            return f"{self.module} is not installed"
        try:
            self.setup()
        except Exception as error:  # a broken install is a note, not a crash
            return f"{self.module} is installed but fails to load: {_first_line(error)}"
        return None

    def setup(self) -> None:
        """Import the package (called once, when checking availability)."""


class Autograd(_OptionalSystem):
    """HIPS autograd (the tape approach) on the loss re-executed with ``autograd.numpy``."""

    name = "autograd"
    module = "autograd"

    def unavailable(self) -> str | None:
        reason = super().unavailable()
        return reason and f"{reason} (pip install -e '.[bench]')"

    def setup(self) -> None:
        self._autograd = importlib.import_module("autograd")
        self._numpy = importlib.import_module("autograd.numpy")

    def source(self, workload: Workload) -> Callable[..., Any]:
        return rebind_numpy(workload.loss, self._numpy)

    def transform(self, workload: Workload, fn: Callable[..., Any]) -> Callable[..., Any]:
        return self._autograd.grad(fn, workload.positions)

    def forward(self, workload: Workload) -> Callable[..., Any]:
        return rebind_numpy(workload.loss, self._numpy)


class Tangent(_OptionalSystem):
    """tangent-ad, the maintained fork of Google's tangent (source transformation, like
    autodiff), on the numpy loss itself."""

    name = "tangent"
    module = "tangent"

    def unavailable(self) -> str | None:
        reason = super().unavailable()
        return reason and f"{reason} (pip install tangent-ad, part of the bench extra)"

    def setup(self) -> None:
        self._tangent = importlib.import_module("tangent")

    def transform(self, workload: Workload, fn: Callable[..., Any]) -> Callable[..., Any]:
        with warnings.catch_warnings():  # its generated code has `if 1 is None:` tests
            warnings.simplefilter("ignore", SyntaxWarning)
            return self._tangent.grad(fn, wrt=workload.positions)


class Torch(_OptionalSystem):
    """PyTorch eager on the CPU in float64: the loss re-executed with ``np`` bound to
    ``torch_numpy`` (torch functions with numpy's signatures), ``torch.autograd.grad``."""

    name = "torch"
    module = "torch"
    memory_visible = False  # torch allocates outside tracemalloc's view

    def unavailable(self) -> str | None:
        reason = super().unavailable()
        return reason and f"{reason} (pip install torch==2.13.0: a CPU wheel on this machine)"

    def setup(self) -> None:
        from . import torch_numpy

        self._torch = importlib.import_module("torch")
        self._torch.set_num_threads(1)  # like the pinned BLAS of the other systems
        self._numpy = torch_numpy.module()

    def source(self, workload: Workload) -> Callable[..., Any]:
        return rebind_numpy(workload.loss, self._numpy)

    def transform(self, workload: Workload, fn: Callable[..., Any]) -> Callable[..., Any]:
        torch, positions = self._torch, workload.positions

        def gradient(*args: Any) -> tuple[Any, ...]:
            leaves = [args[p].detach().requires_grad_() for p in positions]
            inputs = list(args)
            for position, leaf in zip(positions, leaves, strict=True):
                inputs[position] = leaf
            return torch.autograd.grad(fn(*inputs), leaves)

        return gradient

    def forward(self, workload: Workload) -> Callable[..., Any]:
        fn, no_grad = self.source(workload), self._torch.no_grad

        def forward_only(*args: Any) -> Any:
            with no_grad():
                return fn(*args)

        return forward_only

    def convert(self, args: Args) -> Args:
        return tuple(self._torch.from_numpy(arg) if isinstance(arg, np.ndarray) else arg
                     for arg in args)

    def grads(self, out: Any) -> Grads:
        return tuple(item.detach().numpy() for item in out)


class Jax(_OptionalSystem):
    """JAX on CPU in float64, op by op (``jit=False``) or compiled with ``jax.jit``."""

    module = "jax"
    memory_visible = False

    def __init__(self, jit: bool) -> None:
        self.jit = jit
        self.name = "jax_jit" if jit else "jax"

    def setup(self) -> None:
        self._jax = importlib.import_module("jax")
        self._jax.config.update("jax_enable_x64", True)
        self._numpy = importlib.import_module("jax.numpy")

    def source(self, workload: Workload) -> Callable[..., Any]:
        return rebind_numpy(workload.loss, self._numpy)

    def _blocking(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        compiled = self._jax.jit(fn) if self.jit else fn
        block = self._jax.block_until_ready
        return lambda *args: block(compiled(*args))

    def transform(self, workload: Workload, fn: Callable[..., Any]) -> Callable[..., Any]:
        return self._blocking(self._jax.grad(fn, argnums=workload.positions))

    def forward(self, workload: Workload) -> Callable[..., Any]:
        return self._blocking(self.source(workload))

    def convert(self, args: Args) -> Args:
        return tuple(self._numpy.asarray(arg) for arg in args)


def all_systems() -> list[System]:
    """Every system the suite knows, in report order (autodiff's is always available)."""
    return [Handwritten(), Autodiff(), Autograd(), Tangent(), Torch(), Jax(jit=False),
            Jax(jit=True)]


def available_systems(systems: Iterable[System]) -> tuple[list[System], dict[str, str]]:
    """The usable systems, and a note per skipped one."""
    usable: list[System] = []
    skipped: dict[str, str] = {}
    for system in systems:
        reason = system.unavailable()
        if reason is None:
            usable.append(system)
        else:
            skipped[system.name] = reason
    return usable, skipped


# ---- results ------------------------------------------------------------------------------------


@dataclass
class SystemResult:
    """One system on one workload; times in seconds per call (medians over rounds)."""

    system: str
    status: str = "ok"
    grad_s: float | None = None
    forward_s: float | None = None
    direct_s: float | None = None
    first_call_s: float | None = None
    peak_bytes: int | None = None
    grad_samples: list[float] = field(default_factory=list)
    overhead_samples: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class WorkloadResult:
    """Every system's result on one workload (keyed by system name, in report order)."""

    name: str
    description: str
    sizes: dict[str, int]
    small: bool
    uses_loops: bool
    results: dict[str, SystemResult]


@dataclass
class ScalingPoint:
    """Gradient seconds per call of each system at one problem size (None if it failed)."""

    value: int
    times: dict[str, float | None]
    status: dict[str, str]


@dataclass
class ScalingSeries:
    """Gradient time vs one size parameter of a workload."""

    title: str
    workload: str
    parameter: str
    points: list[ScalingPoint]


@dataclass
class Prepared:
    """A system's checked gradient for one workload, ready to time."""

    system: System
    gradient: Callable[..., Any]
    forward: Callable[..., Any]
    direct: Callable[..., Any] | None
    args: Args


# ---- preparation and checking -------------------------------------------------------------------


def _first_line(error: BaseException, limit: int = 110) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."


class CallTimeout(Exception):
    """A transform or first call that did not finish in time (e.g. a loop that never ends)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise CallTimeout in the block after ``seconds`` (SIGALRM; main thread only, else a no-op).

    Python code is interrupted between bytecodes, so a hang inside one C call is not.
    """
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise CallTimeout(f"no result after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def describe_failure(system: System, error: BaseException) -> str:
    """'unsupported: ...' for a construct the system rejects, 'timeout: ...' for a hang,
    else 'error: Type: ...'."""
    if isinstance(error, CallTimeout):
        return f"timeout: {error}"
    if isinstance(error, system.unsupported_errors):
        return f"unsupported: {_first_line(error)}"
    return f"error: {type(error).__name__}: {_first_line(error)}"


def compare_grads(got: Grads, reference: Grads) -> str | None:
    """None if ``got`` matches ``reference`` (np.allclose per array), else what differs."""
    if len(got) != len(reference):
        return f"WRONG GRADIENT ({len(got)} arrays, expected {len(reference)})"
    for index, (g, r) in enumerate(zip(got, reference, strict=True)):
        if g.shape != r.shape:
            return f"WRONG GRADIENT (array {index} has shape {g.shape}, expected {r.shape})"
        if not np.allclose(g, r, rtol=RTOL, atol=ATOL):
            error = float(np.max(np.abs(g - r)))
            return f"WRONG GRADIENT (array {index}: max |error| {error:.3g})"
    return None


def first_call(system: System, workload: Workload, args: Args) -> tuple[float, Any, Any]:
    """Seconds for transform + first call on a fresh function; also the gradient and output."""
    fn = system.source(workload)
    gc.collect()
    start = time.perf_counter()
    gradient = system.transform(workload, fn)
    out = gradient(*args)
    return time.perf_counter() - start, gradient, out


def prepare(system: System, workload: Workload, args: Args, reference: Grads,
            repeats: int, timeout_s: float) -> tuple[Prepared | None, SystemResult]:
    """First-call timing (median of ``repeats`` fresh functions) and the gradient check (of
    the first and of a second call).

    Each transform + first call, and the first forward call, must finish within
    ``timeout_s`` seconds.
    """
    result = SystemResult(system.name)
    try:
        converted = system.convert(args)
        times = []
        for _ in range(repeats):
            with deadline(timeout_s):
                seconds, gradient, out = first_call(system, workload, converted)
            times.append(seconds)
        got = system.grads(out)
        with deadline(timeout_s):  # later calls may run other code (autodiff specializes)
            later = system.grads(gradient(*converted))
        forward = system.forward(workload)
        with deadline(timeout_s):
            forward(*converted)
        direct = system.direct(gradient, converted)
    except Exception as error:
        result.status = describe_failure(system, error)
        return None, result
    result.first_call_s = statistics.median(times)
    mismatch = compare_grads(got, reference) or compare_grads(later, reference)
    if mismatch is not None:
        result.status = mismatch
        return None, result
    return Prepared(system, gradient, forward, direct, converted), result


# ---- timing and memory --------------------------------------------------------------------------


def time_batch(fn: Callable[..., Any], args: Args, number: int) -> float:
    """Seconds per call over ``number`` back-to-back calls (garbage collector paused)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        return (time.perf_counter() - start) / number
    finally:
        if enabled:
            gc.enable()


def batch_size(fn: Callable[..., Any], args: Args, seconds: float) -> int:
    """Calls per batch so that one batch takes about ``seconds``."""
    single = min(time_batch(fn, args, 1) for _ in range(2))
    return max(1, min(MAX_BATCH, int(seconds / max(single, 1e-7))))


def peak_memory(fn: Callable[..., Any], args: Args) -> int:
    """Peak bytes traced by tracemalloc during one call (its result included)."""
    gc.collect()
    tracemalloc.start()
    try:
        out = fn(*args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del out
    return peak


def interleaved_medians(jobs: Sequence[Sequence[tuple[str, Callable[..., Any], Args]]],
                        rounds: int, seconds: float) -> dict[str, list[float]]:
    """Per-call times of every job in each round.

    ``jobs`` is a list of groups (one per system) of ``(key, fn, args)``. A round runs every
    group's first job, then every group's second job, and so on. The first two groups (the
    reference and the system compared with it) run back to back, in an order alternated round
    by round; the others follow in an order rotated round by round. So each round's ratio of
    the first two compares batches timed moments apart.
    """
    sizes = {key: batch_size(fn, args, seconds) for group in jobs for key, fn, args in group}
    samples: dict[str, list[float]] = {key: [] for key in sizes}
    depth = max((len(group) for group in jobs), default=0)
    for index in range(rounds):
        head, rest = list(jobs[:2]), list(jobs[2:])
        if index % 2:
            head.reverse()
        shift = index % max(1, len(rest))
        order = [*head, *rest[shift:], *rest[:shift]]
        gc.collect()
        for position in range(depth):
            for group in order:
                if position < len(group):
                    key, fn, args = group[position]
                    samples[key].append(time_batch(fn, args, sizes[key]))
    return samples


@contextlib.contextmanager
def stubbed(gradient: Any, direct: Callable[..., Any], args: Args) -> Iterator[Callable[..., Any]]:
    """Within the block, the generated function behind ``gradient`` (``direct``) is replaced by
    a stub returning ``direct(*args)``'s result: timing ``gradient`` against the stub measures
    what the public callable adds, without the workload's own time and its noise."""
    unit = gradient.unit_for(*args)
    result = direct(*args)

    def stub(*_args: Any, **_kwargs: Any) -> Any:
        return result

    functions = unit.functions
    object.__setattr__(unit, "functions", (stub, *functions[1:]))
    try:
        yield stub
    finally:
        object.__setattr__(unit, "functions", functions)


def paired_overhead(public: Callable[..., Any], direct: Callable[..., Any], args: Args,
                    pairs: int, seconds: float) -> tuple[list[float], list[float]]:
    """Per-call times of ``direct`` and per-pair ``public - direct`` differences.

    Each pair times both callables back to back, after an untimed warm-up call of each; the
    order alternates (ABBA) so that whichever runs first in a pair is not always the same one.
    """
    number = batch_size(public, args, seconds)
    direct_times: list[float] = []
    differences: list[float] = []
    for index in range(pairs):
        gc.collect()
        public(*args)
        direct(*args)
        if index % 2 == 0:
            first = time_batch(public, args, number)
            second = time_batch(direct, args, number)
            difference, direct_time = first - second, second
        else:
            first = time_batch(direct, args, number)
            second = time_batch(public, args, number)
            difference, direct_time = second - first, first
        differences.append(difference)
        direct_times.append(direct_time)
    return direct_times, differences


# ---- one workload -------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure_workload(workload: Workload, systems: Sequence[System],
                     config: Config) -> WorkloadResult:
    """Prepare, check, time and memory-profile every system on one workload."""
    args = workload.args()
    reference = workload.grad(*args)
    results: dict[str, SystemResult] = {}
    ready: list[Prepared] = []
    for system in systems:
        repeats = config.compile_repeats if system.name == "autodiff" \
            else config.peer_compile_repeats
        prepared, result = prepare(system, workload, args, reference, repeats,
                                   config.call_timeout_s)
        results[system.name] = result
        _log(f"  [{workload.name}] {system.name}: {result.status}")
        if prepared is not None:
            ready.append(prepared)
            if system.memory_visible:
                result.peak_bytes = peak_memory(prepared.gradient, prepared.args)
    jobs = []
    for item in ready:
        name = item.system.name
        jobs.append([(f"{name}/grad", item.gradient, item.args),
                     (f"{name}/forward", item.forward, item.args)])
    samples = interleaved_medians(jobs, config.rounds, config.batch_seconds)
    for item in ready:
        result = results[item.system.name]
        result.grad_samples = samples[f"{result.system}/grad"]
        result.grad_s = statistics.median(result.grad_samples)
        result.forward_s = statistics.median(samples[f"{result.system}/forward"])
        if item.direct is not None and workload.small:
            with stubbed(item.gradient, item.direct, item.args) as stub:
                direct_times, result.overhead_samples = paired_overhead(
                    item.gradient, stub, item.args, 2 * config.rounds, config.batch_seconds)
            result.direct_s = statistics.median(direct_times)
    return WorkloadResult(workload.name, workload.description, dict(workload.sizes),
                          workload.small, workload.uses_loops, results)


# ---- scaling ------------------------------------------------------------------------------------

SCALING_SYSTEMS = ("handwritten", "autodiff", "autograd")


def measure_scaling(workload: Workload, parameter: str, values: Sequence[int],
                    systems: Sequence[System], config: Config, title: str) -> ScalingSeries:
    """Gradient time vs one size parameter of ``workload`` for the scaling systems."""
    chosen = [system for system in systems if system.name in SCALING_SYSTEMS]
    points = []
    for value in values:
        args = workload.args(**{parameter: value})
        reference = workload.grad(*args)
        status: dict[str, str] = {}
        ready = []
        for system in chosen:
            prepared, result = prepare(system, workload, args, reference, 1,
                                       config.call_timeout_s)
            status[system.name] = result.status
            if prepared is not None:
                ready.append(prepared)
        jobs = [[(item.system.name, item.gradient, item.args)] for item in ready]
        samples = interleaved_medians(jobs, config.scaling_rounds, config.batch_seconds)
        times: dict[str, float | None] = {system.name: None for system in chosen}
        times.update({key: statistics.median(found) for key, found in samples.items()})
        points.append(ScalingPoint(value, times, status))
        _log(f"  [scaling {workload.name}] {parameter}={value}: "
             + ", ".join(f"{k}={_short(v)}" for k, v in times.items()))
        del args, reference, ready, jobs
    return ScalingSeries(title, workload.name, parameter, points)


def _short(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.3g}ms"


# ---- the whole run ------------------------------------------------------------------------------


@dataclass
class RunResults:
    """Everything one ``python -m benchmarks`` run measured."""

    config: Config
    meta: dict[str, Any]
    skipped: dict[str, str]
    workloads: list[WorkloadResult]
    scaling: list[ScalingSeries]
    compile_scaling: list[CompileRow] = field(default_factory=list)


def run(config: Config, names: Sequence[str] | None = None,
        scaling: bool = True, meta: dict[str, Any] | None = None,
        compile_scaling: bool = False) -> RunResults:
    """Measure the selected workloads (all by default) and, if asked, the scaling series and
    the compile-time scaling rows."""
    systems, skipped = available_systems(all_systems())
    for name, reason in skipped.items():
        _log(f"skipping {name}: {reason}")
    selected = list(WORKLOADS) if names is None else [BY_NAME[name] for name in names]
    measured = []
    for workload in selected:
        _log(f"workload {workload.name}: {workload.description}")
        measured.append(measure_workload(workload, systems, config))
    series = []
    if scaling:
        _log("scaling")
        series.append(measure_scaling(BY_NAME["elementwise_large"], "n",
                                      config.elementwise_sizes, systems, config,
                                      "elementwise chain: time vs number of elements"))
        series.append(measure_scaling(BY_NAME["rnn_loop"], "steps", config.rnn_steps,
                                      systems, config, "rnn_loop: time vs loop steps"))
    compile_rows = []
    if compile_scaling:
        _log("compile scaling")
        compile_rows = compile_scaling_rows.measure(config.compile_repeats, log=_log)
    return RunResults(config, dict(meta or {}), skipped, measured, series, compile_rows)
