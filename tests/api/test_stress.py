"""The compiled-gradient cache under stress: threads, many short-lived functions, redefinition.

- 8 threads build and call gradients of the same and of different functions at once: every
  result is right and each (function, request) is compiled exactly once (counted by wrapping
  ``autodiff.compiler._compile_unit``).
- Short-lived closures are differentiated and dropped: the cache and linecache end up where
  they started. Each closure is a new function, compiled anew (~4 ms), so the normal run uses
  1,000; ``AUTODIFF_STRESS_CLOSURES=10000 python -m pytest tests/api/test_stress.py`` runs the
  full 10,000 (about 45 s, plus 13 s for 500 lambdas).
- A function redefined (same name, new body) never gets the old gradient.
"""

from __future__ import annotations

import gc
import importlib.util
import itertools
import linecache
import os
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import autodiff
from autodiff import cache, compiler

EPS = 1e-6


def differences(fn: Callable[..., Any], args: tuple[Any, ...], position: int) -> np.ndarray:
    """Central differences of ``np.sum(fn(*args))`` w.r.t. ``args[position]``."""
    x = args[position]
    grad = np.zeros_like(x)
    for k in range(x.size):
        moved = [list(args), list(args)]
        for sign, row in zip((1, -1), moved, strict=True):
            shifted = x.copy()
            shifted.flat[k] += sign * EPS
            row[position] = shifted
        grad.flat[k] = (np.sum(fn(*moved[0])) - np.sum(fn(*moved[1]))) / (2 * EPS)
    return grad


@pytest.fixture
def compilations(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[Any, Any]]:
    """Counts ``_compile_unit`` calls per (function, request)."""
    counts: Counter[tuple[Any, Any]] = Counter()
    original = compiler._compile_unit
    lock = threading.Lock()

    def counting(func: Any, instance: Any, self_name: Any, request: Any) -> Any:
        with lock:
            counts[(func, request)] += 1
        return original(func, instance, self_name, request)

    monkeypatch.setattr(compiler, "_compile_unit", counting)
    return counts


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads often, so that compilations and lookups interleave."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


# ---- threads ---------------------------------------------------------------------------------


def make_functions() -> list[Callable[..., Any]]:
    """Fresh function objects (new cache entries) with helpers compiled as callees."""

    def scale_rows(v, w):
        return np.tanh(v) * w

    def dense(x, w):
        return np.sum(scale_rows(x, w) ** 2)

    def recurrent(x, w):
        h = np.zeros(3)
        for t in range(x.shape[0]):
            h = np.tanh(w * h + x[t])
        return np.sum(h)

    def branchy(x, w):
        if np.sum(x) > 100.0:
            return np.sum(x)
        return np.sum(np.sin(x) * scale_rows(w, x))

    def looping(x, w):
        k = 0
        acc = x
        while k < 3:
            acc = scale_rows(acc, w) + x
            k += 1
        return np.sum(acc)

    return [dense, recurrent, branchy, looping]


def test_threads_compile_once_per_function_and_spec_and_agree(
        compilations: Counter[tuple[Any, Any]], fast_switching: None) -> None:
    rng = np.random.default_rng(11)
    functions = make_functions()
    args = (rng.normal(size=(4, 3)), rng.normal(size=3))
    specs: list[Any] = [0, 1, (0, 1), (1, 0)]
    expected = {(fn, p): differences(fn, args, p) for fn in functions for p in (0, 1)}
    jobs = [(fn, spec) for fn in functions for spec in specs]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []
    calls: list[str] = []

    def worker(seed: int) -> None:
        order = random.Random(seed)
        try:
            barrier.wait()
            for _ in range(3):
                for fn, spec in order.sample(jobs, len(jobs)):
                    transform = order.choice([autodiff.grad, autodiff.value_and_grad])
                    result = transform(fn, spec)(*args)
                    if transform is autodiff.value_and_grad:
                        value, result = result
                        assert np.isclose(value, fn(*args))
                    positions = (spec,) if isinstance(spec, int) else spec
                    grads = (result,) if isinstance(spec, int) else result
                    for position, grad in zip(positions, grads, strict=True):
                        np.testing.assert_allclose(grad, expected[(fn, position)], rtol=1e-5,
                                                   atol=1e-7)
                    calls.append(fn.__name__)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
    assert len(calls) == 8 * 3 * len(jobs)
    tops = {key: count for key, count in compilations.items() if key[0] in functions}
    assert {fn for fn, _ in tops} == set(functions)
    assert len(tops) >= len(functions) * 3  # one per (function, request)
    assert len(compilations) > len(tops)  # the helpers, compiled as callees
    assert all(count == 1 for count in compilations.values()), compilations


def test_threads_on_one_function_compile_it_once(compilations: Counter[tuple[Any, Any]],
                                                 fast_switching: None) -> None:
    (dense, *_) = make_functions()
    x, w = np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.5, 1.5, 3)
    expected = differences(dense, (x, w), 0)
    barrier = threading.Barrier(8)
    results: list[np.ndarray] = []

    def worker() -> None:
        barrier.wait()
        results.extend(autodiff.grad(dense)(x, w) for _ in range(20))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 160
    for result in results:
        np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-7)
    assert sum(count for (fn, request), count in compilations.items()
               if fn is dense and not request.shapes) == 1  # and once shape-specialized
    assert all(count == 1 for count in compilations.values())


# ---- many short-lived functions ------------------------------------------------------------------


def make_closure(scale: float) -> Callable[..., Any]:
    def closure(x):
        return np.sum(np.sin(x) * scale)

    return closure


def make_lambda(scale: float) -> Callable[..., Any]:
    return lambda x: np.sum(x * x * scale)


CLOSURES = int(os.environ.get("AUTODIFF_STRESS_CLOSURES", "1000"))


def test_short_lived_closures_leave_the_cache_empty() -> None:
    x = np.array([0.3, -1.2, 2.0])
    gc.collect()
    entries, lines = cache.size(), len(linecache.cache)
    start = time.perf_counter()
    for k in range(CLOSURES):
        fn = make_closure(float(k))
        grad = autodiff.grad(fn)(x)
        if k % 997 == 0:
            np.testing.assert_allclose(grad, np.cos(x) * k)
        del fn, grad
    elapsed = time.perf_counter() - start
    gc.collect()
    assert cache.size() == entries
    assert len(linecache.cache) <= lines
    assert elapsed < CLOSURES * 0.05, f"{CLOSURES} closures took {elapsed:.0f} s"


def test_short_lived_lambdas_leave_the_cache_empty() -> None:
    x = np.array([0.5, -1.0])
    gc.collect()
    entries, lines = cache.size(), len(linecache.cache)
    for k in range(max(CLOSURES // 20, 10)):  # a lambda's whole file is parsed: fewer
        np.testing.assert_allclose(autodiff.grad(make_lambda(float(k)))(x), 2 * x * k)
    gc.collect()
    assert cache.size() == entries
    assert len(linecache.cache) <= lines


def test_dropped_gradient_functions_and_threads_leave_no_entries(fast_switching: None) -> None:
    x = np.array([0.1, 0.2])
    gc.collect()
    entries = cache.size()

    def worker(offset: int) -> None:
        for k in range(50):
            fn = make_closure(float(offset + k))
            np.testing.assert_allclose(autodiff.value_and_grad(fn)(x)[1], np.cos(x) * (offset + k))

    threads = [threading.Thread(target=worker, args=(1000 * n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gc.collect()
    assert cache.size() == entries


# ---- redefinition never serves the old gradient ------------------------------------------------

_counter = itertools.count()


def exec_source(source: str, namespace: dict[str, Any]) -> None:
    """Execute ``source`` in ``namespace`` under a fresh pseudo-file autodiff can read."""
    filename = f"<stress redefinition {next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)


def test_exec_two_versions_into_one_namespace() -> None:
    namespace: dict[str, Any] = {"np": np}
    x = np.array([1.0, 2.0])
    exec_source("def f(x):\n    return np.sum(x * 2.0)\n", namespace)
    first = autodiff.grad(namespace["f"])
    np.testing.assert_allclose(first(x), [2.0, 2.0])
    exec_source("def f(x):\n    return np.sum(x * x)\n", namespace)
    np.testing.assert_allclose(autodiff.grad(namespace["f"])(x), [2.0, 4.0])
    np.testing.assert_allclose(first(x), [2.0, 2.0])  # the old function keeps its gradient


def test_redefined_helper_is_used_by_an_existing_gradient() -> None:
    namespace: dict[str, Any] = {"np": np}
    exec_source("def helper(v):\n    return v * 2.0\n\n"
                "def outer(x):\n    return np.sum(helper(x))\n", namespace)
    grad_fn = autodiff.grad(namespace["outer"])
    x = np.ones(3)
    np.testing.assert_allclose(grad_fn(x), 2.0)
    exec_source("def helper(v):\n    return v * v * 3.0\n", namespace)  # same name, new body
    np.testing.assert_allclose(grad_fn(x), 6.0)
    namespace["helper"] = lambda v: v * 4.0  # rebinding the global to a lambda
    np.testing.assert_allclose(grad_fn(x), 4.0)
    np.testing.assert_allclose(autodiff.grad(namespace["outer"])(x), 4.0)


def test_reloaded_module_gets_the_new_gradient(tmp_path: Any) -> None:
    path = tmp_path / "stress_reload_module.py"
    path.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(x * 2.0)\n")
    spec = importlib.util.spec_from_file_location("stress_reload_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.array([1.0, 3.0])
    np.testing.assert_allclose(autodiff.grad(module.f)(x), [2.0, 2.0])
    path.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(x * x * 10.0)\n")
    os.utime(path, (time.time() + 10, time.time() + 10))
    spec.loader.exec_module(module)  # what importlib.reload does
    np.testing.assert_allclose(autodiff.grad(module.f)(x), [20.0, 60.0])


def test_replaced_method_is_differentiated_anew() -> None:
    class Model:
        def loss(self, x):
            return np.sum(x * 2.0)

    model = Model()
    x = np.ones(2)
    np.testing.assert_allclose(autodiff.grad(model.loss)(x), 2.0)

    def heavier(self, x):
        return np.sum(x * 4.0)

    Model.loss = heavier
    np.testing.assert_allclose(autodiff.grad(model.loss)(x), 4.0)


def test_new_code_object_on_the_same_function_gets_a_new_gradient() -> None:
    def f(x):
        return np.sum(x * 2.0)

    def g(x):
        return np.sum(x * 5.0)

    x = np.ones(2)
    np.testing.assert_allclose(autodiff.grad(f)(x), 2.0)
    f.__code__ = g.__code__
    np.testing.assert_allclose(autodiff.grad(f)(x), 5.0)


def test_existing_gradient_follows_a_new_code_object() -> None:
    def f(x):
        return np.sum(x * 2.0)

    def g(x):
        return np.sum(x * 5.0)

    grad_fn = autodiff.grad(f)
    x = np.ones(2)
    np.testing.assert_allclose(grad_fn(x), 2.0)
    f.__code__ = g.__code__
    np.testing.assert_allclose(grad_fn(x), 5.0)


def test_new_defaults_are_used_by_the_gradient() -> None:
    def f(x, k=2.0):
        return np.sum(x * k)

    grad_fn = autodiff.grad(f)
    x = np.ones(2)
    np.testing.assert_allclose(grad_fn(x), 2.0)
    f.__defaults__ = (7.0,)
    np.testing.assert_allclose(autodiff.grad(f)(x), 7.0)
    np.testing.assert_allclose(grad_fn(x), 7.0)


def make_rebindable() -> tuple[Callable[..., Any], Callable[[Any], None]]:
    def helper(v):
        return v * 2.0

    def outer(x):
        return np.sum(helper(x))

    def rebind(new: Any) -> None:
        nonlocal helper
        helper = new

    return outer, rebind


def tripled(v):
    return v * 3.0


def test_rebound_closure_callee_is_not_served_stale() -> None:
    outer, rebind = make_rebindable()
    x = np.ones(2)
    np.testing.assert_allclose(autodiff.grad(outer)(x), 2.0)
    rebind(tripled)
    assert outer(x) == 6.0
    np.testing.assert_allclose(autodiff.grad(outer)(x), 3.0)


class Holder:
    pass


HOLDER = Holder()


def uses_holder(x):
    return np.sum(HOLDER.fn(x))


def test_rebound_attribute_callee_is_not_served_stale() -> None:
    HOLDER.fn = lambda v: v * 2.0
    x = np.ones(2)
    np.testing.assert_allclose(autodiff.grad(uses_holder)(x), 2.0)
    HOLDER.fn = tripled
    np.testing.assert_allclose(autodiff.grad(uses_holder)(x), 3.0)


class Scaler:
    def __init__(self, factor: float) -> None:
        self.factor = factor

    def apply(self, v):
        return v * self.factor


SCALER = Scaler(2.0)
STAGES = [lambda v: v * 2.0]


def uses_method(x):
    return np.sum(SCALER.apply(x))


def uses_stages(x):
    for stage in STAGES:
        x = stage(x)
    return np.sum(x)


def test_rebound_class_method_callee_is_not_served_stale() -> None:
    x = np.ones(2)
    np.testing.assert_allclose(autodiff.grad(uses_method)(x), 2.0)
    original = Scaler.apply
    try:
        Scaler.apply = lambda self, v: v * self.factor * 5.0
        np.testing.assert_allclose(autodiff.grad(uses_method)(x), 10.0)
    finally:
        Scaler.apply = original


def test_changed_list_of_callees_is_not_served_stale() -> None:
    x = np.ones(2)
    grad_fn = autodiff.grad(uses_stages)
    np.testing.assert_allclose(grad_fn(x), 2.0)
    STAGES[0] = tripled
    np.testing.assert_allclose(grad_fn(x), 3.0)
    STAGES.append(tripled)  # the unrolled loop now has two steps
    np.testing.assert_allclose(grad_fn(x), 9.0)
    del STAGES[1:]
    STAGES[0] = lambda v: v * 2.0


BATCH = np.ones(3)


def uses_batch(w):
    return np.sum(BATCH * w) + np.sum(BATCH.sum() * w)


def test_rebinding_data_does_not_recompile(compilations: Counter[tuple[Any, Any]]) -> None:
    global BATCH
    grad_fn = autodiff.grad(uses_batch)
    w = np.ones(3)
    for step in range(5):
        BATCH = np.full(3, float(step))
        np.testing.assert_allclose(grad_fn(w), 4.0 * step)
    assert sorted(compilations.values()) == [1, 1]  # generic, then specialized to w's shape


class SlottedHolder:
    __slots__ = ("fn",)


SLOTTED = SlottedHolder()


def uses_slotted(x):
    return np.sum(SLOTTED.fn(x))


def test_rebound_slot_callee_is_not_served_stale() -> None:
    SLOTTED.fn = lambda v: v * 2.0
    x = np.ones(2)
    np.testing.assert_allclose(autodiff.grad(uses_slotted)(x), 2.0)
    SLOTTED.fn = tripled
    np.testing.assert_allclose(autodiff.grad(uses_slotted)(x), 3.0)
