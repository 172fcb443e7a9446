"""The runtime helpers and the rules the benchmark workloads use, on ``array_api_strict`` arrays:
a stand-in for any non-numpy namespace (CuPy, ...), so that a numpy-only call in them fails
here. Values are compared with the same helper on numpy arrays."""

from __future__ import annotations

import numpy as np
import pytest

xp = pytest.importorskip("array_api_strict", reason="the [array-api] extra is not installed")
pytest.importorskip("array_api_compat", reason="the [array-api] extra is not installed")

from autodiff.runtime import accumulate, broadcast, namespace, rules_index, rules_reduce  # noqa: E402


def _strict(a: np.ndarray) -> object:
    return xp.asarray(a)


def _numpy(a: object) -> np.ndarray:
    return np.asarray(xp.asarray(a)._array) if hasattr(a, "_array") else np.asarray(a)


def _same(got: object, expected: object) -> None:
    assert namespace.is_foreign(got), f"{type(got)} left the array's namespace"
    np.testing.assert_allclose(_numpy(got), expected, rtol=1e-15)


@pytest.mark.parametrize(("g_shape", "target_shape"), [((3, 4), (3, 4)), ((3, 4), (4,)),
                                                        ((2, 3, 4), (3, 1)), ((3, 4), (1, 4)),
                                                        ((4,), (3, 4))])
def test_unbroadcast_to(rng, g_shape, target_shape) -> None:
    g, target = rng.standard_normal(g_shape), rng.standard_normal(target_shape)
    _same(broadcast.unbroadcast_to(_strict(g), _strict(target)),
          broadcast.unbroadcast_to(g, target))


@pytest.mark.parametrize(("shape", "axis", "keepdims"), [((3, 4), None, False), ((3, 4), 1, False),
                                                         ((2, 3, 4), (0, 2), False),
                                                         ((3, 4), 0, True)])
def test_sum_and_mean_vjp(rng, shape, axis, keepdims) -> None:
    a = rng.standard_normal(shape)
    ans = np.sum(a, axis=axis, keepdims=keepdims)
    g = rng.standard_normal(np.shape(ans))
    for rule in (rules_reduce.sum_vjp, rules_reduce.mean_vjp):
        _same(rule(_strict(g), _strict(ans), _strict(a), axis=axis, keepdims=keepdims),
              rule(g, ans, a, axis=axis, keepdims=keepdims))


def test_reduced_count_and_shape(rng) -> None:
    a = _strict(rng.standard_normal((3, 4)))
    assert broadcast.reduced_count(a, _strict(np.zeros(4))) == 3
    assert broadcast.shape(a) == (3, 4) and not broadcast.is_complex(a)


def test_accumulation_helpers(rng) -> None:
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    _same(accumulate.add(_strict(a), _strict(b)), a + b)
    _same(accumulate.zeros_like(_strict(a)), np.zeros_like(a))
    _same(accumulate.ones_like(_strict(a)), np.ones_like(a))
    _same(accumulate.seed(_strict(np.float64(2.0)), None), 1.0)


def test_getitem_vjp_scatters_in_the_namespace(rng) -> None:
    a, g = rng.standard_normal((4, 6)), rng.standard_normal((4, 2))
    index = (slice(None), slice(1, 3))
    _same(rules_index.getitem_vjp(_strict(g), None, _strict(a), index),
          rules_index.getitem_vjp(g, None, a, index))


def test_like_keeps_the_namespace(rng) -> None:
    primal = _strict(rng.standard_normal((2, 3)).astype(np.float32))
    gradient = _strict(rng.standard_normal(3))
    result = namespace.like_foreign(gradient, primal)
    assert result.dtype == xp.float32 and result.shape == (2, 3)


def test_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown shape"):
        namespace.known_shape((float("nan"), 3))
