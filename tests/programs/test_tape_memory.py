"""The loop tape holds only what the backward sweep needs.

A 1,000-step tanh recurrence carries diagnostics (a norm, a counter, a status string, a flag)
that no adjoint reads. The generated gradient must not push them: we read the pushes from the
generated source, and measure the peak memory of the gradient call with ``tracemalloc`` against
the same recurrence without diagnostics and against the size of the values the adjoint needs.
"""

from __future__ import annotations

import ast
import tracemalloc

import numpy as np

import autodiff

STEPS = 1000
N = 64


def recurrence_with_diagnostics(h0, W, steps):
    h = h0
    count = 0
    norm = 0.0
    status = "start"
    exploded = False
    for _ in range(steps):
        h = np.tanh(W @ h)
        norm = np.sqrt(np.sum(h * h))
        count = count + 1
        if norm > 1e3:
            exploded = True
            status = "exploded"
        else:
            status = "ok"
    if exploded:
        print(status, count)
    return np.sum(h)


def recurrence_plain(h0, W, steps):
    h = h0
    for _ in range(steps):
        h = np.tanh(W @ h)
    return np.sum(h)


DIAGNOSTICS = {"norm", "count", "status", "exploded"}


def _inputs():
    g = np.random.default_rng(2024)
    return g.normal(size=N), g.normal(size=(N, N)) / np.sqrt(N) * 1.2


def _forward_loop(source: str) -> ast.For:
    """The (only) loop of the forward sweep of the generated gradient function."""
    function = ast.parse(source).body[0]
    for statement in function.body:
        if isinstance(statement, ast.For):
            return statement
    raise AssertionError("no forward loop in the generated source")


def _pushes(loop: ast.For) -> list[str]:
    pushed = []
    for node in ast.walk(loop):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "append" and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "_tape"):
            assert len(node.args) == 1 and isinstance(node.args[0], ast.Name)
            pushed.append(node.args[0].id)
    return pushed


def _assigned_by_user_statement(source: str, loop: ast.For) -> dict[str, str]:
    """Generated name -> the user line (the comment above it) that it was generated for, for
    the assignments inside the forward loop's body."""
    owner: dict[str, str] = {}
    current = ""
    for line in source.splitlines()[loop.lineno:loop.end_lineno]:
        stripped = line.strip()
        if stripped.startswith("#"):
            current = stripped.split("  ", 1)[-1]
        elif " = " in stripped and not stripped.startswith(("_tape", "if ", "for ")):
            for name in stripped.split(" = ", 1)[0].split(","):
                owner.setdefault(name.strip(), current)
    return owner


def _peak_bytes(fn, *args) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        fn(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base


def _manual_gradient(h0, W, steps):
    hs = [h0]
    for _ in range(steps):
        hs.append(np.tanh(W @ hs[-1]))
    dh = np.ones_like(h0)
    dW = np.zeros_like(W)
    for t in range(steps, 0, -1):
        dz = dh * (1.0 - hs[t] ** 2)
        dW += np.outer(dz, hs[t - 1])
        dh = W.T @ dz
    return dh, dW


def test_gradient_of_the_long_loop_is_right():
    h0, W = _inputs()
    dh0, dW = autodiff.grad(recurrence_with_diagnostics, (0, 1))(h0, W, STEPS)
    expected_dh0, expected_dW = _manual_gradient(h0, W, STEPS)
    np.testing.assert_allclose(dh0, expected_dh0, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dW, expected_dW, rtol=1e-9, atol=1e-12)


def test_diagnostics_are_never_pushed():
    source = autodiff.source(autodiff.grad(recurrence_with_diagnostics, (0, 1)))
    loop = _forward_loop(source)
    pushed = _pushes(loop)
    owner = _assigned_by_user_statement(source, loop)
    assert "h" in pushed
    assert not DIAGNOSTICS & set(pushed)
    # every pushed temporary comes from the recurrence line, none from the diagnostics' lines
    for name in pushed:
        line = owner.get(name, "")
        assert "np.tanh(W @ h)" in line or name.startswith("_compare"), (name, line)


def _array_pushes(fn) -> list[str]:
    source = autodiff.source(autodiff.grad(fn, (0, 1)))
    return [name for name in _pushes(_forward_loop(source)) if not name.startswith("_compare")]


def test_pushes_per_iteration_match_the_plain_recurrence_values():
    plain = _array_pushes(recurrence_plain)
    # the recurrence needs at most the new state and the pre-activation W @ h per step
    assert 1 <= len(plain) <= 2, plain
    assert len(_array_pushes(recurrence_with_diagnostics)) == len(plain)


def test_condition_of_a_branch_without_adjoint_work_is_not_pushed():
    plain = _pushes(_forward_loop(autodiff.source(autodiff.grad(recurrence_plain, (0, 1)))))
    source = autodiff.source(autodiff.grad(recurrence_with_diagnostics, (0, 1)))
    assert len(_pushes(_forward_loop(source))) == len(plain)


def test_tape_bytes_are_those_of_the_needed_values():
    h0, W = _inputs()
    grad_diag = autodiff.grad(recurrence_with_diagnostics, (0, 1))
    grad_plain = autodiff.grad(recurrence_plain, (0, 1))
    grad_diag(h0, W, 3)  # warm up: compile, cache, first-call allocations
    grad_plain(h0, W, 3)
    with_diagnostics = _peak_bytes(grad_diag, h0, W, STEPS)
    plain = _peak_bytes(grad_plain, h0, W, STEPS)
    # bytes of the values the adjoint needs: per step, each pushed array of N floats
    needed = STEPS * len(_array_pushes(recurrence_plain)) * np.zeros(N).__sizeof__()
    assert plain >= 0.8 * needed, (plain, needed)  # the measurement sees the tape at all
    # plus step-independent work space (the backward's temporaries, the tape list itself)
    assert with_diagnostics <= 1.2 * needed + 256 * 1024, (with_diagnostics, needed)
    assert with_diagnostics <= 1.05 * plain + 64 * 1024, (with_diagnostics, plain)
