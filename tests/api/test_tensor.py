"""``autodiff.Tensor``, ``autodiff.Parameter`` and the dtype aliases (API.md section 4)."""

from __future__ import annotations

import copy
import pickle
import re

import numpy as np
import pytest

from autodiff.tensor import Parameter, Tensor, float32, float64, int32


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


@pytest.fixture
def w(rng: np.random.Generator) -> Parameter:
    return Parameter(Tensor(rng.normal(size=(5, 3)), float32), name="w")


# ---- Tensor and dtypes ------------------------------------------------------------------------


def test_dtype_aliases_are_numpy_types() -> None:
    assert (float32, float64, int32) == (np.float32, np.float64, np.int32)


def test_tensor_is_a_plain_copy_with_the_requested_dtype(rng: np.random.Generator) -> None:
    data = rng.normal(size=(5, 3))
    t = Tensor(data, float32)
    assert type(t) is np.ndarray and t.dtype == np.float32 and t.shape == (5, 3)
    np.testing.assert_allclose(t, data, rtol=1e-6)
    same = Tensor(data)
    assert same.dtype == np.float64 and same is not data
    same[0, 0] = 123.0
    assert data[0, 0] != 123.0
    assert Tensor([1, 2], int32).dtype == np.int32


def test_tensor_of_a_parameter_is_a_plain_array(w: Parameter) -> None:
    t = Tensor(w)
    assert type(t) is np.ndarray
    np.testing.assert_array_equal(t, w)


# ---- Parameter as an array --------------------------------------------------------------------


def test_parameter_copies_its_data(rng: np.random.Generator) -> None:
    data = rng.normal(size=3)
    p = Parameter(data)
    data[0] = 99.0
    assert p[0] != 99.0
    assert isinstance(p, np.ndarray) and p.dtype == np.float64


@pytest.mark.parametrize(
    "compute",
    [
        pytest.param(lambda p: p + 1, id="add"),
        pytest.param(lambda p: 2.0 * p, id="rmul"),
        pytest.param(lambda p: -p, id="neg"),
        pytest.param(lambda p: p @ np.ones(3, np.float32), id="matmul"),
        pytest.param(lambda p: np.ones(5, np.float32) @ p, id="rmatmul"),
        pytest.param(lambda p: np.tanh(p), id="ufunc"),
        pytest.param(lambda p: np.exp(p, where=p > 0, out=np.zeros_like(p)), id="ufunc-where"),
        pytest.param(lambda p: p.sum(axis=0), id="sum-method"),
        pytest.param(lambda p: np.mean(p, axis=1), id="mean"),
        pytest.param(lambda p: np.reshape(p, 15), id="np-reshape"),
        pytest.param(lambda p: np.concatenate([p, p]), id="concatenate"),
        pytest.param(lambda p: np.copy(p), id="np-copy"),
        pytest.param(lambda p: np.asarray(p), id="asarray"),
        pytest.param(lambda p: p[0], id="index"),
        pytest.param(lambda p: p[1:, ::2], id="slice"),
        pytest.param(lambda p: p[[0, 2]], id="fancy-index"),
        pytest.param(lambda p: p.T, id="T"),
        pytest.param(lambda p: p.reshape(3, 5), id="reshape-method"),
        pytest.param(lambda p: p.ravel(), id="ravel"),
        pytest.param(lambda p: p.astype(np.float64), id="astype"),
        pytest.param(lambda p: p.transpose(), id="transpose"),
        pytest.param(lambda p: p.argmax(axis=0), id="argmax"),
        pytest.param(lambda p: next(iter(p)), id="iterate"),
        pytest.param(lambda p: p > 0, id="compare"),
        pytest.param(lambda p: p.asnumpy(), id="asnumpy"),
    ],
)
def test_results_computed_from_a_parameter_are_plain_arrays(w: Parameter, compute) -> None:
    result = compute(w)
    assert type(result) is np.ndarray


def test_views_write_through(w: Parameter) -> None:
    w[0][...] = 1.5
    w.asnumpy()[1] = 2.5
    w.T[:, 2] = 3.5
    assert np.all(w[0] == 1.5) and np.all(w[1] == 2.5) and np.all(w[2] == 3.5)


def test_in_place_updates_keep_identity_and_name(w: Parameter, rng: np.random.Generator) -> None:
    g = rng.normal(size=(5, 3))
    expected = w.asnumpy().copy()
    original = w
    w -= 0.1 * g
    expected = expected - np.float32(0.1 * g)
    assert w is original and type(w) is Parameter and w.name == "w"
    np.testing.assert_allclose(w, expected, rtol=1e-6)
    w *= 2
    w += 1
    w /= 2
    assert w is original and type(w) is Parameter and w.dtype == np.float32
    before = w.asnumpy().copy()
    result = np.subtract(w, 0.5, out=w)
    assert result is original and w.name == "w"
    np.testing.assert_allclose(w, before - 0.5)
    w[...] = 0
    assert w is original and not np.any(w)


def test_ufunc_with_a_plain_out_returns_that_out(w: Parameter) -> None:
    out = np.empty((5, 3), np.float32)
    assert np.add(w, 1, out=out) is out


def test_set_data_assigns_in_place_with_cast(w: Parameter) -> None:
    original = w
    assert w.set_data(np.arange(15.0).reshape(5, 3)) is original
    assert w.dtype == np.float32 and w[4, 2] == 14.0
    with pytest.raises(ValueError):
        w.set_data(np.ones((2, 2)))


def test_asnumpy_is_a_plain_view(w: Parameter) -> None:
    view = w.asnumpy()
    assert type(view) is np.ndarray and np.shares_memory(view, w)


# ---- naming and flags -------------------------------------------------------------------------


def _counter(name: str) -> int:
    match = re.fullmatch(r"Parameter#(\d+)", name)
    assert match, name
    return int(match.group(1))


def test_explicit_names_win_and_unnamed_parameters_are_numbered() -> None:
    named = Parameter(np.ones(2), name="bias")
    assert named.name == "bias" and not named.name_is_default
    first, second = Parameter(np.ones(2)), Parameter(np.ones(2))
    assert first.name_is_default and second.name_is_default
    assert _counter(second.name) == _counter(first.name) + 1


def test_default_names_may_be_set_by_a_cell_but_explicit_ones_may_not() -> None:
    unnamed = Parameter(np.ones(2))
    assert unnamed._set_default_name("weight")
    assert unnamed._set_default_name("dense.weight")
    assert unnamed.name == "dense.weight" and unnamed.name_is_default
    named = Parameter(np.ones(2), name="w")
    assert not named._set_default_name("dense.weight")
    assert named.name == "w"
    unnamed.name = "mine"
    assert not unnamed.name_is_default and not unnamed._set_default_name("other")


def test_name_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="str"):
        Parameter(np.ones(2), name=3)


def test_requires_grad() -> None:
    assert Parameter(np.ones(2)).requires_grad is True
    frozen = Parameter(np.ones(2), requires_grad=False)
    assert frozen.requires_grad is False
    frozen.requires_grad = True
    assert frozen.requires_grad is True


def test_repr_shows_name_shape_dtype_flag_and_values() -> None:
    p = Parameter(np.array([[1.0, 2.0]], np.float32), name="w", requires_grad=False)
    assert repr(p) == (
        "Parameter(name=w, shape=(1, 2), dtype=float32, requires_grad=False)\n[[1., 2.]]"
    )


# ---- identity, copies and pickling ------------------------------------------------------------


def test_parameters_hash_by_identity_and_compare_elementwise() -> None:
    a, b = Parameter(np.ones(3), name="a"), Parameter(np.ones(3), name="b")
    grads = {a: 1, b: 2}
    assert grads[a] == 1 and grads[b] == 2 and len({a, b, a}) == 2
    assert hash(a) == hash(a) and hash(a) != hash(b)
    equal = a == b
    assert type(equal) is np.ndarray and equal.all()


def test_copies(w: Parameter) -> None:
    for clone in (w.copy(), copy.copy(w), copy.deepcopy(w)):
        assert type(clone) is Parameter and clone is not w
        assert clone.name == "w" and clone.requires_grad and not clone.name_is_default
        assert not np.shares_memory(clone, w)
        np.testing.assert_array_equal(clone, w)
    assert type(np.copy(w)) is np.ndarray


@pytest.mark.parametrize("protocol", [2, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL])
def test_pickle_round_trip_keeps_name_flags_and_values(w: Parameter, protocol: int) -> None:
    w.requires_grad = False
    loaded = pickle.loads(pickle.dumps(w, protocol=protocol))
    assert type(loaded) is Parameter and loaded.name == "w" and not loaded.name_is_default
    assert loaded.requires_grad is False and loaded.dtype == np.float32
    np.testing.assert_array_equal(loaded, w)
    unnamed = Parameter(np.arange(3.0))
    again = pickle.loads(pickle.dumps(unnamed, protocol=protocol))
    assert again.name == unnamed.name and again.name_is_default


def test_unpickling_draws_no_automatic_name() -> None:
    data = pickle.dumps(Parameter(np.ones(2), name="kept"))
    before = Parameter(np.ones(1))
    pickle.loads(data)
    after = Parameter(np.ones(1))
    assert _counter(after.name) == _counter(before.name) + 1
