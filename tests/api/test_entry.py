"""The fast path's generated entry (autodiff/entry.py): every check it makes falls back to the
generic path, and every call it serves returns the gradient the analytic formula gives."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff
from autodiff import api

SCALE = 2.0


def cubic(x, w):
    return np.sum(w * x ** 3)


def scaled(x):
    return np.sum(SCALE * x * x)


def shifted_sum(x, w):
    return np.sum(x + w)


def _warm(gradient, *args):
    """Three calls: generic, specialized (the entry is built), entry."""
    for _ in range(3):
        result = gradient(*args)
    return result


@pytest.fixture
def entry_builds(monkeypatch):
    built = []
    original = api.build_entry

    def counting(*args, **kwargs):
        built.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(api, "build_entry", counting)
    return built


@pytest.mark.parametrize("shape", [(), (3,), (2, 4)])
@pytest.mark.parametrize("positions", [0, 1, (0, 1)])
def test_entry_serves_every_position_set(rng, shape, positions):
    x, w = rng.standard_normal(shape), rng.standard_normal(shape)
    gradient = autodiff.grad(cubic, positions)
    _warm(gradient, x, w)
    expected = {0: 3.0 * w * x ** 2, 1: x ** 3}
    result = gradient(x, w)
    if isinstance(positions, int):
        np.testing.assert_allclose(result, expected[positions])
        assert result.shape == shape
    else:
        for got, position in zip(result, positions, strict=True):
            np.testing.assert_allclose(got, expected[position])


def test_value_and_grad_through_the_entry(rng):
    x, w = rng.standard_normal(4), rng.standard_normal(4)
    value, (dx, dw) = _warm(autodiff.value_and_grad(cubic, (0, 1)), x, w)
    assert value == pytest.approx(np.sum(w * x ** 3))
    np.testing.assert_allclose(dx, 3.0 * w * x ** 2)
    np.testing.assert_allclose(dw, x ** 3)


def test_gradients_own_their_data(rng):
    x, w = rng.standard_normal(5), rng.standard_normal(5)
    dx, dw = _warm(autodiff.grad(shifted_sum, (0, 1)), x, w)
    for got in (dx, dw):
        np.testing.assert_array_equal(got, np.ones(5))
        assert got.base is None and got.flags.writeable
    dx[0] = 7.0  # gradients of one call must not share memory
    assert dw[0] == 1.0


@pytest.mark.parametrize("change", ["shape", "dtype", "keyword", "list", "count"])
def test_each_mismatch_falls_back_to_the_generic_path(rng, change):
    x, w = rng.standard_normal(3), rng.standard_normal(3)
    gradient = autodiff.grad(cubic, 0)
    _warm(gradient, x, w)
    if change == "shape":
        x, w = rng.standard_normal((2, 2)), rng.standard_normal((2, 2))
        result = gradient(x, w)
    elif change == "dtype":
        x, w = x.astype(np.float32), w.astype(np.float32)
        result = gradient(x, w)
        assert result.dtype == np.float32
    elif change == "keyword":
        result = gradient(x, w=w)
    elif change == "list":
        w = list(w)
        result = gradient(x, w)
        w = np.asarray(w)
    else:
        with pytest.raises(TypeError):
            gradient(x)
        result = gradient(x, w)
    np.testing.assert_allclose(result, 3.0 * w * x ** 2, rtol=1e-5)


def test_a_float_input_keeps_its_type(rng):
    w = rng.standard_normal(3)
    gradient = autodiff.grad(cubic, 0)
    result = _warm(gradient, 1.5, w)
    assert type(result) is float
    assert result == pytest.approx(3.0 * 1.5 ** 2 * np.sum(w))
    with pytest.raises(TypeError, match="int"):
        gradient(2, w)  # integers are not differentiable, also once the entry is built


def test_rebinding_a_global_the_code_reads_recompiles(rng):
    global SCALE
    x = rng.standard_normal(3)
    gradient = autodiff.grad(scaled)
    np.testing.assert_allclose(_warm(gradient, x), 4.0 * x)
    try:
        SCALE = 3.0
        np.testing.assert_allclose(gradient(x), 6.0 * x)
    finally:
        SCALE = 2.0
    np.testing.assert_allclose(gradient(x), 4.0 * x)


def test_replacing_the_function_code_recompiles(rng):
    def loss(x):
        return np.sum(x * x)

    def other(x):
        return np.sum(np.sin(x))

    x = rng.standard_normal(3)
    gradient = autodiff.grad(loss)
    np.testing.assert_allclose(_warm(gradient, x), 2.0 * x)
    loss.__code__ = other.__code__
    np.testing.assert_allclose(gradient(x), np.cos(x))


def test_registering_a_rule_recompiles(rng):
    def uses_degrees(x):
        return np.sum(np.rad2deg(x))

    x = rng.standard_normal(3)
    autodiff.defvjp(np.rad2deg, lambda g, ans, x: g * (180.0 / np.pi))
    gradient = autodiff.grad(uses_degrees)
    np.testing.assert_allclose(_warm(gradient, x), np.full(3, 180.0 / np.pi))
    autodiff.defvjp(np.rad2deg, lambda g, ans, x: 2.0 * g * (180.0 / np.pi))
    np.testing.assert_allclose(gradient(x), np.full(3, 360.0 / np.pi))


def test_alternating_shapes_reuse_entries(rng, entry_builds):
    small, large = rng.standard_normal(3), rng.standard_normal(6)
    gradient = autodiff.grad(scaled)
    for _ in range(3):
        for x in (small, large):
            np.testing.assert_allclose(_warm(gradient, x), 4.0 * x)
    assert len(entry_builds) == 2


def test_errors_on_the_entry_path_name_the_user_line(rng):
    def loss(a):
        return np.sum(np.linalg.inv(a))

    gradient = autodiff.grad(loss)
    _warm(gradient, np.eye(2) + 0.1 * rng.standard_normal((2, 2)))
    with pytest.raises(np.linalg.LinAlgError) as raised:
        gradient(np.zeros((2, 2)))
    notes = "\n".join(getattr(raised.value, "__notes__", []))
    assert "test_entry.py" in notes and "np.linalg.inv(a)" in notes
