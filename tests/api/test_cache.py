"""The compiled-gradient cache: no re-parsing, weak references, thread safety, invalidation."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import autodiff
from autodiff import cache
from autodiff.runtime import registry
from autodiff.transforms.frontend import parse


def cubic(x):
    return np.sum(x ** 3)


def quadratic(x):
    return np.sum(x * x)


@pytest.fixture
def parse_count(monkeypatch):
    calls = []
    original = parse.parse_function

    def counting(function):
        calls.append(function)
        return original(function)

    monkeypatch.setattr("autodiff.compiler.parse_function", counting)
    return calls


def test_second_grad_and_repeated_calls_never_reparse(parse_count):
    def fresh(x):
        return np.sum(np.sin(x))

    first = autodiff.grad(fresh)
    assert len(parse_count) == 1
    second = autodiff.grad(fresh)
    for _ in range(5):
        first(np.ones(3))
        second(np.ones(3))
    assert len(parse_count) == 2  # once more for the code specialized to shape (3,)
    assert first.unit is second.unit
    assert first.unit_for(np.ones(3)) is second.unit_for(np.ones(3))
    assert len(parse_count) == 2


def test_dead_functions_leave_the_cache():
    gc.collect()
    before = cache.size()
    for scale in range(50):
        def closure(x, scale=float(scale)):
            return np.sum(x * scale)
        autodiff.grad(closure)(np.ones(2))
        del closure
    gc.collect()
    assert cache.size() == before


def test_threads_compile_once_and_agree(parse_count):
    def shared(x):
        return np.sum(np.exp(x))

    x = np.linspace(-1.0, 1.0, 7)
    results, errors = [], []

    def worker():
        try:
            for _ in range(20):
                results.append(autodiff.grad(shared)(x))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(parse_count) == 1  # each gradient function is called once: no specialization
    for result in results:
        np.testing.assert_allclose(result, np.exp(x))


def test_registering_a_rule_invalidates_compiled_gradients():
    grad_fn = autodiff.grad(cubic)
    unit = grad_fn.unit
    version = registry.version
    def unrelated(v):
        return v

    registry.nondifferentiable(unrelated)  # any registration bumps the version
    assert registry.version > version
    assert grad_fn.unit is not unit
    np.testing.assert_allclose(grad_fn(np.array([2.0])), [12.0])


def test_rebinding_a_called_global_recompiles():
    global helper_for_rebinding

    def outer(x):
        return helper_for_rebinding(x)

    helper_for_rebinding = cubic
    grad_fn = autodiff.grad(outer)
    np.testing.assert_allclose(grad_fn(np.array([2.0])), [12.0])
    helper_for_rebinding = quadratic
    np.testing.assert_allclose(grad_fn(np.array([2.0])), [4.0])


helper_for_rebinding = cubic
