"""The analysed front end is reused: a shape-specialized compile reruns only the analyses and
the back end, and a front end whose lookups changed is made again."""

from __future__ import annotations

import numpy as np

import autodiff
from autodiff import compiler
from autodiff.transforms.request import CompileRequest


def passes_run(capsys) -> list[str]:
    """The pass names of the one time report printed since the last call."""
    lines = capsys.readouterr().err.splitlines()
    assert sum(line.startswith("# ---- pass times:") for line in lines) == 1
    return [line.split()[1] for line in lines if line.startswith("#   ")]


def helper(x):
    return np.sin(x)


def model(x):
    return np.sum(helper(x) * x)


def test_specialized_compile_reruns_only_analyses_and_back_end(monkeypatch, capsys):
    def f(x, w):
        h = np.tanh(x @ w)
        return np.sum(h * h)

    monkeypatch.setenv("AUTODIFF_TIME_PASSES", "1")
    compiler.compile_function(f, CompileRequest(("w",)))
    first = passes_run(capsys)
    compiler.compile_function(f, CompileRequest(("w",), shapes=(("x", (2, 3)), ("w", (3, 4))),
                                                value=False))
    second = passes_run(capsys)
    assert {"normalize", "anf", "ssa", "idioms"} <= set(first)
    assert not {"check", "normalize", "structure", "anf", "ssa", "idioms"} & set(second)
    assert second[:3] == ["resolve", "activity", "mutation"]
    assert "reverse" in second and "release" in second


def test_both_compiles_agree_with_finite_differences(rng):
    def f(x, w):
        h = np.tanh(x @ w)
        return np.sum(h * h)

    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    grad = autodiff.grad(f, grad_position=1)
    eps = 1e-6
    expected = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[index] += eps
        down[index] -= eps
        expected[index] = (f(x, up) - f(x, down)) / (2 * eps)
    for _ in range(4):  # generic, then specialized (the second call with these shapes)
        np.testing.assert_allclose(grad(x, w), expected, rtol=1e-6, atol=1e-8)


def test_a_front_end_whose_lookups_changed_is_made_again(monkeypatch, capsys):
    global helper
    x = np.linspace(0.1, 1.0, 4)
    monkeypatch.setenv("AUTODIFF_TIME_PASSES", "1")
    compiler.compile_function(model, CompileRequest(("x",)))
    capsys.readouterr()
    original = helper
    try:
        helper = np.cos  # model now computes sum(cos(x) * x)
        unit = compiler.compile_function(model, CompileRequest(("x",), shapes=(("x", (4,)),)))
        assert "normalize" in passes_run(capsys)
        _, (dx,) = unit.function(x)
        np.testing.assert_allclose(dx, np.cos(x) - x * np.sin(x))
    finally:
        helper = original
