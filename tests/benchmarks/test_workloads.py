"""Each benchmark workload's hand-written gradient matches central finite differences.

Runs on tiny sizes and times nothing (the benchmarks themselves: ``python -m benchmarks``).
"""

from __future__ import annotations

import ast
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


def test_registry_has_every_workload_of_the_issue_and_a_variant_of_each():
    variants = {f"{name}_variant" for name in ISSUE_WORKLOADS}
    assert set(workloads.BY_NAME) == ISSUE_WORKLOADS | variants
    for name in variants:
        assert workloads.BY_NAME[name].variant_of == name.removesuffix("_variant")


VARIANTS = [workload for workload in workloads.WORKLOADS if workload.variant_of]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda w: w.name)
def test_variant_computes_its_originals_loss(variant):
    """A variant is the same math spelled differently: same value on the same inputs."""
    original = workloads.BY_NAME[variant.variant_of]
    assert variant.loss is not original.loss
    for seed in range(3):
        args = variant.tiny_args(seed)
        np.testing.assert_allclose(variant.loss(*args), original.loss(*args), rtol=1e-6)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda w: w.name)
def test_variant_gradient_matches_its_originals(variant):
    """autodiff's gradient of the variant equals its gradient of the original (and the
    hand-written one, which the test above checks against finite differences)."""
    autodiff = pytest.importorskip("autodiff")
    original = workloads.BY_NAME[variant.variant_of]
    args = variant.tiny_args()
    ours = _as_tuple(autodiff.grad(variant.loss, variant.positions)(*args))
    theirs = _as_tuple(autodiff.grad(original.loss, original.positions)(*args))
    hand = original.grad(*args)
    assert len(ours) == len(theirs) == len(hand)
    for mine, other, reference in zip(ours, theirs, hand, strict=True):
        np.testing.assert_allclose(mine, other, rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(mine, reference, rtol=1e-7, atol=1e-10)


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


def _as_tuple(grads):
    return grads if isinstance(grads, tuple) else (grads,)


def _operations(source: str) -> int:
    """Arithmetic and calls in the first generated function (tape pushes and pops aside)."""
    function = next(node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef))
    return sum(isinstance(node, (ast.BinOp, ast.UnaryOp, ast.AugAssign))
               or (isinstance(node, ast.Call) and not ast.unparse(node.func).endswith(
                   ("_tape.pop", "_tape.append")))
               for node in ast.walk(function))


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda w: w.name)
def test_variant_gradient_code_is_as_short_as_its_originals(variant):
    """Timing is not asserted (the machine may be noisy); the generated code's operation count
    stands in for it: spelling the same math differently costs at most two operations (the
    user's own extra ones, such as ``1.0 / np.sqrt(d)`` computed once)."""
    autodiff = pytest.importorskip("autodiff")
    original = workloads.BY_NAME[variant.variant_of]
    ours = autodiff.source(autodiff.grad(variant.loss, variant.positions), *variant.tiny_args())
    theirs = autodiff.source(autodiff.grad(original.loss, original.positions),
                             *original.tiny_args())
    assert _operations(ours) <= _operations(theirs) + 2
