"""``python -m benchmarks [--quick] [--only NAME,...] [--out DIR] [--scale]``.

BLAS threads are pinned to 1 for the whole run: with threadpoolctl when it is installed,
otherwise through the thread-count environment variables, set here before numpy is imported.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.util
import os
import platform
import sys
from pathlib import Path
from typing import Any

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
RESULTS = Path(__file__).parent / "results"
SCALING = "scaling"
COMPILE_SCALING = "compile_scaling"
CONVENTIONS = "conventions"


def pin_threads_early() -> str:
    """Decide how BLAS threads are pinned; sets the environment if threadpoolctl is missing."""
    if importlib.util.find_spec("threadpoolctl") is not None:
        return "threadpoolctl"
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    # XLA (jax, if installed) reads its flags at import time as well
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                                       "intra_op_parallelism_threads=1")
    if "numpy" in sys.modules:
        return "environment (too late: numpy was already imported)"
    return "environment variables"


def parse_args(argv: list[str] | None, names: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Benchmark autodiff against hand-written "
                                     "numpy gradients and other AD systems.")
    parser.add_argument("--quick", action="store_true", help="short run (under 2 minutes)")
    parser.add_argument("--only", default="", metavar="NAME,...",
                        help=f"comma-separated workloads, '{SCALING}' for the scaling "
                        f"series, '{COMPILE_SCALING}' for compile time against code size, "
                        f"'{CONVENTIONS}' for the calling-convention rows; "
                        f"known: {', '.join(names)}")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results directory")
    parser.add_argument("--scale", action="store_true", help="the Dask scale-out rows instead "
                        "(needs the [dask] extra and dask-glm; see benchmarks/scale.py)")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in args.only
               if name not in [*names, SCALING, COMPILE_SCALING, CONVENTIONS]]
    if unknown:
        parser.error(f"unknown workload(s): {', '.join(unknown)}; choose from "
                     f"{', '.join(names)}, {SCALING}, {COMPILE_SCALING} or {CONVENTIONS}")
    return args


def environment(pinning: str) -> dict[str, Any]:
    """What the numbers were measured on (stored in the JSON, summarised in the report)."""
    import numpy as np

    meta: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "blas_pinning": pinning,
        "env": {name: os.environ.get(name) for name in
                (*THREAD_VARIABLES, "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
    }
    if pinning == "threadpoolctl":
        from threadpoolctl import threadpool_info

        meta["threadpools"] = threadpool_info()
        threads = sorted({pool["num_threads"] for pool in meta["threadpools"]})
        meta["blas_threads"] = f"{'/'.join(map(str, threads))} (threadpoolctl)"
    else:
        meta["blas_threads"] = f"1 ({pinning})"
    return meta


def _limits(pinning: str) -> contextlib.AbstractContextManager[Any]:
    if pinning != "threadpoolctl":
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def measure_conventions(config: Any) -> Any:
    """The (workload, convention) rows and the six-array dict call overhead."""
    from . import conventions
    from .report import ConventionRun

    print("calling conventions", file=sys.stderr, flush=True)
    rows = conventions.measure(config.rounds, config.batch_seconds)
    overhead = conventions.call_overhead(2 * config.rounds, config.batch_seconds)
    return ConventionRun(rows, overhead)


def main(argv: list[str] | None = None) -> int:
    pinning = pin_threads_early()
    from . import harness, report
    from .workloads import WORKLOADS

    names = [workload.name for workload in WORKLOADS]
    args = parse_args(argv, names)
    if args.scale:
        from . import scale

        return scale.main(args.quick, args.out)
    config = harness.Config.for_mode(args.quick)
    chosen = [name for name in args.only if name not in (SCALING, COMPILE_SCALING, CONVENTIONS)]
    with_scaling = not args.only or SCALING in args.only
    with_compile = not args.only or COMPILE_SCALING in args.only
    with_conventions = not args.only or CONVENTIONS in args.only
    with _limits(pinning):
        meta = environment(pinning)
        results = harness.run(config, chosen if args.only else None,
                              with_scaling, meta, with_compile)
        conventions = measure_conventions(config) if with_conventions else None
    stem = "quick" if args.quick else "full"
    if args.only:
        stem += "-only-" + "-".join(args.only)
    markdown, paths = report.write_outputs(results, args.out, stem, conventions)
    print(markdown)
    print("results written to: " + ", ".join(str(path) for path in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
