"""Shape helpers of ``autodiff.runtime.broadcast``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autodiff.runtime.broadcast import (
    ComplexShape,
    Shape,
    inverse_permutation,
    is_complex,
    normalize_axes,
    reduced_count,
    shape,
    unbroadcast_to,
    unreduce,
)


def test_unbroadcast_to_equal_shapes_is_the_same_object() -> None:
    g = np.ones((2, 3))
    assert unbroadcast_to(g, np.zeros((2, 3))) is g


@pytest.mark.parametrize(
    ("g_shape", "target_shape"),
    [((2, 3, 4), (3, 4)), ((2, 3, 4), (3, 1)), ((3, 4), (1, 4)), ((3, 4), ()), ((4, 5), (4, 1))],
    ids=["leading", "leading-and-1", "size1", "to-0d", "trailing-1"],
)
def test_unbroadcast_to_sums_broadcast_axes(
    g_shape: tuple[int, ...], target_shape: tuple[int, ...], rng: np.random.Generator
) -> None:
    g = rng.normal(size=g_shape)
    target = np.zeros(target_shape)
    out = unbroadcast_to(g, target)
    assert np.shape(out) == target_shape
    # The adjoint identity: <unbroadcast(g), u> == <g, broadcast(u)>.
    u = rng.normal(size=target_shape)
    assert np.sum(out * u) == pytest.approx(np.sum(g * np.broadcast_to(u, g_shape)))


def test_unbroadcast_to_a_python_scalar_gives_a_scalar() -> None:
    out = unbroadcast_to(np.ones((2, 3)), 2.0)
    assert np.ndim(out) == 0 and out == 6.0


def test_unbroadcast_to_a_larger_target_broadcasts() -> None:
    out = unbroadcast_to(np.arange(3.0), np.zeros((2, 3)))
    np.testing.assert_array_equal(out, [[0, 1, 2], [0, 1, 2]])


def test_unbroadcast_to_keeps_float32() -> None:
    out = unbroadcast_to(np.ones((4, 3), np.float32), np.zeros((1, 3), np.float32))
    assert out.dtype == np.float32


@pytest.mark.parametrize(
    ("axis", "keepdims"),
    [(None, False), (None, True), (1, False), (-1, True), ((0, 2), False), ((-1, 0), True)],
    ids=["none", "none-keepdims", "int", "neg-keepdims", "tuple", "neg-tuple-keepdims"],
)
def test_unreduce_restores_the_reduced_axes(
    axis: Any, keepdims: bool, rng: np.random.Generator
) -> None:
    x = rng.normal(size=(2, 3, 4))
    g = rng.normal(size=np.shape(np.sum(x, axis=axis, keepdims=keepdims)))
    out = unreduce(g, x, axis, keepdims)
    assert out.shape == x.shape
    # Adjoint of the sum: <unreduce(g), u> == <g, sum(u)>.
    u = rng.normal(size=x.shape)
    assert np.sum(out * u) == pytest.approx(np.sum(g * np.sum(u, axis=axis, keepdims=keepdims)))


def test_unreduce_of_a_0d_input() -> None:
    assert unreduce(np.float64(2.0), np.float64(1.0)) == 2.0


def test_normalize_axes() -> None:
    assert normalize_axes(3, None) == (0, 1, 2)
    assert normalize_axes(3, -1) == (2,)
    assert normalize_axes(3, (2, -3)) == (0, 2)
    assert normalize_axes(0, None) == ()


def test_inverse_permutation_undoes_a_transpose(rng: np.random.Generator) -> None:
    x = rng.normal(size=(2, 3, 4, 5))
    order = (2, 0, 3, 1)
    back = np.transpose(np.transpose(x, order), inverse_permutation(order))
    np.testing.assert_array_equal(back, x)


def test_reduced_count() -> None:
    x = np.zeros((2, 3, 4))
    assert reduced_count(x, np.sum(x, axis=(0, 2))) == 8
    assert reduced_count(x, np.sum(x)) == 24
    assert reduced_count(np.zeros((0, 3)), np.sum(np.zeros((0, 3)), axis=0)) == 0


# ---- complex cotangents (docs/complex.md) ------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [np.zeros((2, 3)), np.zeros(3), 1.5, np.float32(1.0), shape(np.zeros((2, 3)))],
    ids=["same-shape", "broadcast", "pyfloat", "np-float32", "saved-shape"],
)
def test_a_complex_cotangent_of_a_real_target_keeps_its_real_part(
        target: object, rng: np.random.Generator) -> None:
    g = rng.normal(size=(2, 3)) + 1j * rng.normal(size=(2, 3))
    out = unbroadcast_to(g, target)
    assert not np.iscomplexobj(out)
    np.testing.assert_allclose(out, unbroadcast_to(g.real, target))


@pytest.mark.parametrize(
    "target",
    [np.zeros((2, 3), complex), np.zeros(3, np.complex64), 1j, shape(np.zeros(3, complex))],
    ids=["same-shape", "broadcast", "pycomplex", "saved-shape"],
)
def test_a_complex_target_keeps_the_whole_cotangent(target: object,
                                                      rng: np.random.Generator) -> None:
    g = rng.normal(size=(2, 3)) + 1j * rng.normal(size=(2, 3))
    out = unbroadcast_to(g, target)
    expected_shape = tuple(target) if isinstance(target, Shape) else np.shape(target)
    assert np.iscomplexobj(out) and np.shape(out) == expected_shape
    np.testing.assert_allclose(np.sum(out), np.sum(g))


def test_saved_shapes_record_complexness() -> None:
    assert type(shape(np.zeros(2))) is Shape and type(shape(np.zeros(2, complex))) is ComplexShape
    assert type(shape(1j)) is ComplexShape and type(shape(2.0)) is Shape
    assert is_complex(shape(np.zeros(2, np.complex64))) and not is_complex(shape(np.zeros(2)))
    assert is_complex(np.complex64(1.0)) and not is_complex(np.float64(1.0))
