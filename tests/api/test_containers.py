"""Container parameters (tuples, lists, dicts, nested) flattened into leaves on the fast path:
gradients vs central finite differences, structure guards, and the whole-container fallback."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff

RNG = np.random.default_rng(3)


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in _leaves(tree[key])]
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


def numerical(fn, tree, *rest, eps=1e-6):
    """Central differences of ``fn(tree, *rest)`` w.r.t. each leaf of ``tree`` (in place)."""
    grads = []
    for leaf in _leaves(tree):
        grad = np.zeros_like(leaf)
        for index in np.ndindex(leaf.shape):
            old = leaf[index]
            leaf[index] = old + eps
            up = fn(tree, *rest)
            leaf[index] = old - eps
            down = fn(tree, *rest)
            leaf[index] = old
            grad[index] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def mlp_dict(p, x):
    h = np.tanh(x @ p["W1"] + p["b1"])
    return np.sum((h @ p["W2"] + p["b2"]) ** 2)


def mlp_layers(layers, x):
    h = x
    for W, b in layers[:-1]:
        h = np.tanh(h @ W + b)
    W, b = layers[-1]
    return np.sum((h @ W + b) ** 2)


def indexed(layers, x):
    h = x
    for i in range(len(layers)):
        h = np.tanh(h @ layers[i][0] + layers[i][1])
    return np.sum(h * h)


def enumerated(params, x):
    total = 0.0
    for i, w in enumerate(params):
        total = total + (i + 1.0) * np.sum(np.sin(x * w))
    return total


def nested(tree, x):
    a, (b, c) = tree["pair"], tree["rest"]
    return np.sum(a * x) + np.sum(b * c * x) + np.sum(tree["unused"] * 0.0)


def unread(p, x):
    return np.sum(p["used"] * x)


def leaf_attributes(p, x):
    h = np.zeros((x.shape[0], p["w"].shape[1]))
    return np.sum(np.tanh(x @ p["w"] + h) * p["w"].T.sum())


def helper(w, b, x):
    return np.tanh(x @ w + b)


def tuple_to_helper(params, x):
    return np.sum(helper(params[0], params[1], x))


def whole(params, x):
    return np.sum(total_of(params) * x)


def total_of(params):
    return params["a"] + params["b"]


def _mlp(shapes):
    return [(RNG.normal(size=(i, o)) * 0.5, RNG.normal(size=o) * 0.1) for i, o in shapes]


CASES = [
    pytest.param(mlp_dict, lambda: {"W1": RNG.normal(size=(3, 4)), "b1": RNG.normal(size=4),
                                    "W2": RNG.normal(size=(4, 2)), "b2": RNG.normal(size=2)},
                 (5, 3), id="dict"),
    pytest.param(mlp_layers, lambda: _mlp([(3, 4), (4, 4), (4, 2)]), (5, 3), id="layers"),
    pytest.param(mlp_layers, lambda: tuple(_mlp([(3, 2)])), (5, 3), id="one_layer_tuple"),
    pytest.param(indexed, lambda: _mlp([(3, 3), (3, 3)]), (2, 3), id="range_len_index"),
    pytest.param(enumerated, lambda: [RNG.normal(size=3), RNG.normal(size=3)], (3,),
                 id="enumerate"),
    pytest.param(nested, lambda: {"pair": RNG.normal(size=3),
                                  "rest": (RNG.normal(size=3), RNG.normal(size=3)),
                                  "unused": RNG.normal(size=(2, 2))}, (3,), id="nested"),
    pytest.param(unread, lambda: {"used": RNG.normal(size=3),
                                  "never": RNG.normal(size=(2, 5))}, (3,), id="unread_leaf"),
    pytest.param(leaf_attributes, lambda: {"w": RNG.normal(size=(3, 2))}, (4, 3),
                 id="leaf_attributes"),
    pytest.param(tuple_to_helper, lambda: (RNG.normal(size=(3, 2)), RNG.normal(size=2)),
                 (4, 3), id="items_to_helper"),
    pytest.param(whole, lambda: {"a": RNG.normal(size=3), "b": RNG.normal(size=3)}, (3,),
                 id="whole_dict_fallback"),
]


def _check(got, tree, expected):
    assert type(got) is type(tree)
    for grad, leaf, want in zip(_leaves(got), _leaves(tree), expected, strict=True):
        assert type(grad) is np.ndarray and grad.shape == leaf.shape
        assert grad.dtype == leaf.dtype
        np.testing.assert_allclose(grad, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(("fn", "make", "x_shape"), CASES)
def test_container_gradients_match_finite_differences(fn, make, x_shape):
    tree, x = make(), RNG.normal(size=x_shape)
    expected = numerical(fn, tree, x)
    gradient = autodiff.grad(fn)
    for _ in range(4):  # generic, then specialized, then the entry
        _check(gradient(tree, x), tree, expected)
    value, got = autodiff.value_and_grad(fn)(tree, x)
    np.testing.assert_allclose(value, fn(tree, x))
    _check(got, tree, expected)


def test_leaf_attributes_are_flattened():
    gradient = autodiff.grad(leaf_attributes)
    args = ({"w": RNG.normal(size=(3, 2))}, RNG.normal(size=(4, 3)))
    source = autodiff.source(gradient, *args)
    assert "p_w = p['w']" in source and "getitem_vjp" not in source


def test_specialized_source_reads_leaves():
    tree, x = CASES[0].values[1](), RNG.normal(size=(5, 3))
    gradient = autodiff.grad(mlp_dict)
    source = autodiff.source(gradient, tree, x)
    assert "getitem_vjp" not in source and "_rt.add" not in source
    assert "{'W1': dp_W1, 'b1': dp_b1, 'W2': dp_W2, 'b2': dp_b2}" in source


def test_structure_changes_are_guarded():
    gradient = autodiff.grad(mlp_layers)
    x = RNG.normal(size=(5, 3))
    for shapes in ([(3, 4), (4, 2)], [(3, 4), (4, 4), (4, 2)], [(3, 2)], [(3, 4), (4, 2)]):
        layers = _mlp(shapes)
        expected = numerical(mlp_layers, layers, x)
        for _ in range(3):
            _check(gradient(layers, x), layers, expected)
    tuples = tuple(_mlp([(3, 4), (4, 2)]))  # same leaves, another container type
    _check(gradient(tuples, x), tuples, numerical(mlp_layers, tuples, x))


def test_dict_keys_and_dtypes_are_guarded():
    gradient = autodiff.grad(unread)
    x = RNG.normal(size=3)
    tree = {"used": RNG.normal(size=3), "never": RNG.normal(size=2)}
    for _ in range(3):
        gradient(tree, x)
    other = {"used": RNG.normal(size=3), "other": RNG.normal(size=2)}
    got = gradient(other, x)
    assert set(got) == {"used", "other"}
    np.testing.assert_allclose(got["used"], x)
    single = {"used": tree["used"].astype(np.float32), "never": tree["never"]}
    got = gradient(single, x)
    assert got["used"].dtype == np.float32


def test_integer_leaf_of_differentiated_container_is_rejected():
    gradient = autodiff.grad(unread)
    x = RNG.normal(size=3)
    tree = {"used": RNG.normal(size=3), "never": RNG.normal(size=2)}
    for _ in range(3):
        gradient(tree, x)
    with pytest.raises(TypeError):
        gradient({"used": np.arange(3), "never": tree["never"]}, x)


def appended(params, x):
    params.append(x * 2.0)
    return np.sum(params[0] * params[-1])


def test_container_methods_fall_back_to_whole_container():
    params, x = [RNG.normal(size=3)], RNG.normal(size=3)
    gradient = autodiff.grad(appended)
    for _ in range(3):
        got = gradient([params[0].copy()], x)
        np.testing.assert_allclose(got[0], 2.0 * x)
