"""The long fuzz profile (run as ``python -m tests.fuzz --programs 20000`` from the repository root).

Generates programs from consecutive seeds (cycling through the families), checks each with
``oracle.check`` in ``--jobs`` worker processes, and prints how many programs were tried,
skipped and failed. Failures are grouped by their kind (and exception type); each group's
first program is shrunk with ``reduce`` and printed, with the sources of the first
``--max-sources`` failing programs of the group. Exit status 1 if any program failed.
Needs numpy and autodiff (autograd optional); not pytest or hypothesis.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections import Counter, defaultdict
from typing import Any

from . import oracle
from .generator import FAMILIES, Program, RandomChooser, generate
from .reduce import reduce, same_failure, signature


def _program(index: int, seed: int, family: str) -> Program:
    chosen = FAMILIES[index % len(FAMILIES)] if family == "all" else family
    return generate(RandomChooser(seed + index), chosen)


def _work(task: tuple[int, int, str, bool, bool]) -> tuple[int, str, str, str, str, bool]:
    """Check program ``index``: (index, status, kind, signature, report, autograd compared)."""
    index, seed, family, use_autograd, forward = task
    try:
        program = _program(index, seed, family)
    except Exception as error:  # a generator bug: report it, keep going
        return index, "invalid", "generator", "invalid generator", repr(error), False
    outcome = oracle.check(program, use_autograd=use_autograd, forward=forward)
    detail = outcome.describe(program) if outcome.status in ("fail", "invalid") else ""
    return index, outcome.status, outcome.kind, signature(outcome), detail if detail else \
        "", outcome.autograd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--programs", type=int, default=2000, help="how many programs to try")
    parser.add_argument("--seed", type=int, default=0, help="seed of program 0")
    parser.add_argument("--family", default="all", choices=[*FAMILIES, "all"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-autograd", action="store_true", help="skip the autograd check")
    parser.add_argument("--no-forward", action="store_true", help="skip the forward-mode check")
    parser.add_argument("--reduce", type=int, default=10,
                        help="shrink the first program of this many failure groups")
    parser.add_argument("--max-sources", type=int, default=3,
                        help="print the source of this many failing programs per group")
    parser.add_argument("--allow-known", action="store_true",
                        help="exit 0 when the only failures are known bugs (oracle.KNOWN_BUGS)")
    parser.add_argument("--show", type=int, metavar="INDEX",
                        help="print program INDEX and its outcome, then exit")
    args = parser.parse_args(argv)
    if args.show is not None:
        program = _program(args.show, args.seed, args.family)
        print(oracle.check(program).describe(program))
        return 0

    tasks = [(i, args.seed, args.family, not args.no_autograd, not args.no_forward)
             for i in range(args.programs)]
    start = time.perf_counter()
    statuses: Counter[str] = Counter()
    skips: Counter[str] = Counter()
    known: dict[str, list[int]] = defaultdict(list)
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    compared_autograd = 0
    results: Any
    pool = None
    if args.jobs > 1:
        pool = multiprocessing.get_context("spawn").Pool(args.jobs)
        results = pool.imap_unordered(_work, tasks, chunksize=20)
    else:
        results = map(_work, tasks)
    try:
        for done, (index, status, kind, key, detail, autograd) in enumerate(results, 1):
            statuses[status] += 1
            compared_autograd += autograd
            if status == "skip":
                skips[kind] += 1
            elif status == "known":
                known[kind].append(index)
            elif status in ("fail", "invalid"):
                groups[key].append((index, detail))
            if done % 1000 == 0:
                print(f"... {done} programs, {statuses['fail'] + statuses['invalid']} failed, "
                      f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    elapsed = time.perf_counter() - start

    failed = statuses["fail"] + statuses["invalid"]
    for name, members in sorted(known.items()):
        bug = next(b for b in oracle.KNOWN_BUGS if b.name == name)
        members.sort()
        print(f"\n===== known bug {name}: {len(members)} programs "
              f"({', '.join(map(str, members[:10]))}{' ...' if len(members) > 10 else ''})"
              f"\n{bug.summary}")
    for number, (key, members) in enumerate(sorted(groups.items(),
                                                   key=lambda item: -len(item[1]))):
        members.sort()
        print(f"\n===== failure group {number + 1}: {key} ({len(members)} programs: "
              f"{', '.join(str(i) for i, _ in members[:10])}{' ...' if len(members) > 10 else ''})")
        for index, detail in members[: args.max_sources]:
            print(f"--- program {index} ---\n{detail}")
        if number < args.reduce and not key.startswith("invalid generator"):
            program = _program(members[0][0], args.seed, args.family)
            options = {"use_autograd": not args.no_autograd, "forward": not args.no_forward}
            small = reduce(program, same_failure(program, **options))
            print(f"--- program {members[0][0]}, shrunk ---")
            print(oracle.check(small, **options).describe(small))
    skipped = ", ".join(f"{k}: {v}" for k, v in sorted(skips.items())) or "-"
    print(f"\ntried {args.programs} programs in {elapsed:.0f} s: {statuses['ok']} passed, "
          f"{statuses['skip']} skipped ({skipped}), {failed + statuses['known']} failed "
          f"({failed} new, {statuses['known']} known bugs); {compared_autograd} of the passed "
          "and known also compared with autograd")
    return 1 if failed or (statuses["known"] and not args.allow_known) else 0


