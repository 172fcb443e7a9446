"""Rules of the value-semantics container helpers (``_rt.append``, ``_rt.setitem``)."""

from __future__ import annotations

import numpy as np
import pytest

from autodiff.runtime import containers, registry


def test_every_container_rule_is_tested():
    tested = {containers.append, containers.setitem, containers.concat}
    for entry in registry.registered():
        if any(getattr(r, "__module__", "") == containers.__name__ for r in entry.rules if r):
            assert entry.primitive in tested


def test_append_returns_a_new_list_and_splits_its_adjoint(rng):
    xs = [rng.standard_normal(2)]
    item = rng.standard_normal(2)
    result = containers.append(xs, item)
    assert result == [xs[0], item] or all(a is b for a, b in zip(result, [xs[0], item],
                                                                   strict=True))
    assert len(xs) == 1
    g = [rng.standard_normal(2), rng.standard_normal(2)]
    assert containers.append_vjp_xs(g, result, xs, item)[0] is g[0]
    assert containers.append_vjp_item(g, result, xs, item) is g[1]


@pytest.mark.parametrize(("shape", "index", "value_shape"), [
    ((5,), 2, ()),
    ((4, 3), (1, slice(None)), (3,)),
    ((4, 3), (slice(0, 2), 1), ()),
    ((6,), np.array([True, False, True, False, False, True]), ()),
], ids=["int", "row", "broadcast-scalar", "mask"])
def test_setitem_matches_finite_differences(rng, shape, index, value_shape):
    x = rng.standard_normal(shape)
    value = rng.standard_normal(value_shape) if value_shape else float(rng.standard_normal())
    ans = containers.setitem(x, index, value)
    assert not np.shares_memory(ans, x)
    g = rng.standard_normal(shape)
    u_x, u_v = rng.standard_normal(shape), rng.standard_normal(np.shape(value))
    eps = 1e-6

    def f(x_, v_):
        return float(np.sum(g * containers.setitem(x_, index, v_)))

    numeric = (f(x + eps * u_x, value + eps * u_v) - f(x - eps * u_x, value - eps * u_v)) / (2 * eps)
    dx = containers.setitem_vjp_x(g, ans, x, index, value)
    dv = containers.setitem_vjp_value(g, ans, x, index, value)
    assert np.shape(dv) == np.shape(value)
    analytic = float(np.sum(dx * u_x) + np.sum(np.asarray(dv) * u_v))
    assert np.isclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_setitem_on_lists_and_dicts():
    assert containers.setitem([1.0, 2.0], 0, 5.0) == [5.0, 2.0]
    assert containers.setitem({"a": 1.0}, "b", 2.0) == {"a": 1.0, "b": 2.0}
    g = [np.ones(2), np.ones(2)]
    dx = containers.setitem_vjp_x(g, None, [np.zeros(2), np.zeros(2)], 1, np.zeros(2))
    assert np.all(dx[1] == 0) and np.all(dx[0] == 1)
