"""Benchmark suite of autodiff: ``python -m benchmarks [--quick] [--only NAME,...]``.

``workloads`` holds the scalar losses (plain numpy, module-level, so autodiff can read their
source) with hand-derived numpy gradients; ``harness`` builds each system's gradient, checks
it against the hand-written one and times everything interleaved round by round; ``report``
renders the markdown tables, the target verdicts, the JSON and the scaling plot.

This module imports nothing, so ``__main__`` can pin BLAS threads before numpy is loaded.
"""
