"""The generated gradient on Dask arrays: lazy (0 computations per call), one graph computed by
one ``dask.compute``, equal to the numpy path; every benchmark workload, data chunked along the
batch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the [dask] extra is not installed")
dask = pytest.importorskip("dask")

from dask.callbacks import Callback  # noqa: E402

import autodiff  # noqa: E402
from benchmarks.workloads import WORKLOADS  # noqa: E402

# workload -> {argument position: batch axis} of the arguments made Dask arrays
BATCH_AXES = {"seed_logreg": {0: 0, 1: 0}, "mlp_small": {4: 0, 5: 0}, "mlp_large": {4: 0, 5: 0},
              "rnn_loop": {4: 1, 5: 0}, "elementwise_small": {0: 0},
              "elementwise_large": {0: 0}, "while_newton": {0: 0, 1: 0},
              "lstm_loop": {4: 1, 5: 0}, "attention": {3: 0, 4: 0}}
# sizes with at least two chunks along every batch axis (else the benchmark sizes)
SIZES = {"mlp_large": {"batch": 8, "n_in": 6, "n_hidden": 5, "n_out": 3},
         "elementwise_large": {"n": 1000}, "attention": {"batch": 4, "seq": 3, "dim": 4},
         # loops: each step adds graph layers; a few steps keep the graphs (and the test) small
         "rnn_loop": {"steps": 4}, "lstm_loop": {"steps": 3, "hidden": 4}}


class ComputeCounter(Callback):
    """Counts the Dask computations started while it is active."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def _start(self, dsk: object) -> None:
        self.count += 1


def _key(workload) -> str:
    return workload.variant_of or workload.name  # a variant has its original's data


def _as_dask(workload, args: tuple) -> tuple:
    out = list(args)
    for position, axis in BATCH_AXES[_key(workload)].items():
        chunks = [-1] * args[position].ndim
        chunks[axis] = max(1, args[position].shape[axis] // 2)
        out[position] = da.from_array(args[position], chunks=tuple(chunks))
    return tuple(out)


def _tuple(grads: object) -> tuple:
    return grads if isinstance(grads, tuple) else (grads,)


def test_every_workload_is_covered() -> None:
    assert set(BATCH_AXES) == {_key(workload) for workload in WORKLOADS}


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda workload: workload.name)
def test_lazy_gradient_equals_numpy(workload) -> None:
    args = workload.args(**SIZES[_key(workload)]) if _key(workload) in SIZES else workload.args()
    lazy_args = _as_dask(workload, args)
    gradient = autodiff.value_and_grad(workload.loss, workload.positions)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. dask's FutureWarning when numpy computes it
        for _ in range(3):  # generic unit, then the kept unit and its entry
            with ComputeCounter() as counter:
                value, grads = gradient(*lazy_args)
            assert counter.count == 0
            assert all(isinstance(g, da.Array) for g in (value, *_tuple(grads)))
        with ComputeCounter() as counter:
            value, grads = dask.compute(value, grads)
        assert counter.count == 1
    expected_value, expected_grads = gradient(*args)
    np.testing.assert_allclose(value, expected_value, rtol=1e-12)
    for got, expected, position in zip(_tuple(grads), _tuple(expected_grads),
                                       workload.positions, strict=True):
        assert got.shape == args[position].shape and got.dtype == args[position].dtype
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def test_numpy_calls_after_dask_calls_are_unchanged(rng) -> None:
    workload = WORKLOADS[1]  # mlp_small
    args = workload.args()
    gradient = autodiff.grad(workload.loss, workload.positions)
    lazy = gradient(*_as_dask(workload, args))
    eager = gradient(*args)
    assert all(type(g) is np.ndarray for g in eager)
    for got, expected in zip(dask.compute(lazy)[0], eager, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def test_gradient_wrt_a_dask_array_keeps_float32() -> None:
    x = da.from_array(np.linspace(-1.0, 1.0, 12, dtype=np.float32), chunks=4)
    grad = autodiff.grad(lambda v: np.sum(np.tanh(v) * v))(x)
    assert isinstance(grad, da.Array) and grad.dtype == np.float32
    v = np.linspace(-1.0, 1.0, 12)
    np.testing.assert_allclose(grad.compute(), np.tanh(v) + v * (1.0 - np.tanh(v) ** 2),
                               rtol=1e-6)


def test_unknown_chunk_sizes_get_a_clear_error() -> None:
    x = da.from_array(np.arange(1.0, 9.0), chunks=4)
    masked = x[x > 2.0]  # chunk sizes unknown until computed: shape (nan,)
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        autodiff.grad(lambda w, v: np.mean(w * v))(np.ones(1), masked)


def test_integer_dask_input_is_refused() -> None:
    with pytest.raises(TypeError, match="not floating point"):
        autodiff.grad(lambda v: np.sum(v * v))(da.arange(4, chunks=2))


def _logistic(w, x, y):
    xw = x @ w
    return np.sum(xw + np.log1p(np.exp(-xw))) - y @ xw


def _logistic_data(rows: int) -> tuple:
    rng = np.random.default_rng(rows)
    x = rng.standard_normal((rows, 3))
    y = (x[:, 0] > 0).astype(np.float64)
    return rng.standard_normal(3), x, y


class ArrayCounter:
    """Counts the Dask arrays (graph nodes) built while it is active."""

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        original = da.Array.__new__

        def counting_new(cls, *args, **kwargs):
            self.count += 1
            return original(cls, *args, **kwargs)

        monkeypatch.setattr(da.Array, "__new__", counting_new)


def test_grad_builds_no_graph_for_the_unused_value(monkeypatch) -> None:
    w, x, y = _logistic_data(40)
    lazy_x, lazy_y = da.from_array(x, chunks=(10, 3)), da.from_array(y, chunks=10)
    with_value, gradient_only = autodiff.value_and_grad(_logistic), autodiff.grad(_logistic)
    counts = {}
    for name, gradient in (("value", with_value), ("gradient", gradient_only)):
        gradient(w, lazy_x, lazy_y)
        with monkeypatch.context() as patch:
            counter = ArrayCounter(patch)
            gradient(w, lazy_x, lazy_y)
        counts[name] = counter.count
    # the value's own nodes: log1p, the sum of the elementwise terms, y @ xw, the difference
    assert counts["gradient"] <= counts["value"] - 4


def test_repeated_calls_reuse_the_specialized_unit(monkeypatch) -> None:
    from autodiff import compiler

    w, x, y = _logistic_data(40)
    lazy_x, lazy_y = da.from_array(x, chunks=(10, 3)), da.from_array(y, chunks=10)
    gradient = autodiff.grad(_logistic)
    gradient(w, lazy_x, lazy_y)
    compiled = []
    original = compiler.compile_function
    monkeypatch.setattr(compiler, "compile_function",
                        lambda *args: compiled.append(args) or original(*args))
    for scale in (1.0, 2.0, 3.0):
        gradient(w * scale, lazy_x, lazy_y)
    assert compiled == []


@pytest.mark.parametrize("rows", [40, 60])
def test_each_dask_shape_gets_its_own_correct_unit(rows: int) -> None:
    gradient = autodiff.grad(_logistic)
    for size in (rows, rows + 8, rows):  # a change of shape between calls with one function
        w, x, y = _logistic_data(size)
        lazy = gradient(w, da.from_array(x, chunks=(size // 2, 3)),
                        da.from_array(y, chunks=size // 2))
        expected = x.T @ (1.0 / (1.0 + np.exp(-x @ w)) - y)
        np.testing.assert_allclose(lazy.compute(), expected, rtol=1e-12)


def test_many_dask_shapes_fall_back_to_unspecialized_code(monkeypatch) -> None:
    from autodiff import compiler
    from autodiff.api import MAX_SPECIALIZATIONS

    requests = []
    original = compiler.compile_function
    monkeypatch.setattr(compiler, "compile_function",
                        lambda fn, request: requests.append(request) or original(fn, request))
    gradient = autodiff.grad(_logistic)
    for size in range(10, 10 + 2 * (MAX_SPECIALIZATIONS + 2), 2):
        w, x, y = _logistic_data(size)
        lazy = gradient(w, da.from_array(x, chunks=(size // 2, 3)),
                        da.from_array(y, chunks=size // 2))
        expected = x.T @ (1.0 / (1.0 + np.exp(-x @ w)) - y)
        np.testing.assert_allclose(lazy.compute(), expected, rtol=1e-12)
    specialized = [request for request in requests if {"x", "y"} <= dict(request.shapes).keys()]
    assert len(specialized) == MAX_SPECIALIZATIONS
    assert dict(requests[-1].shapes) == {"w": (3,)}  # only the numpy argument's shape
