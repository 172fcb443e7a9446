"""Shape specialization: concrete shape inference, the code it removes, and gradients that stay
right when the shapes change between calls (compared with finite differences)."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff
from autodiff.transforms.analysis.shape_inference import Array, Int
from autodiff.transforms.testing import gradient_source, inferred_shapes, numerical_gradient

# ---- inference --------------------------------------------------------------------------------

INFERENCE_CASES = [
    pytest.param("def f(x, b):\n    return x * b", {"x": (4, 3), "b": (3,)},
                 {"_mul1": Array((4, 3))}, id="broadcast"),
    pytest.param("def f(x, w):\n    return x @ w", {"x": (5,), "w": (5, 3)},
                 {"_matmul1": Array((3,))}, id="vector-matrix"),
    pytest.param("def f(x, w):\n    return x @ w", {"x": (2, 4, 5), "w": (5, 3)},
                 {"_matmul1": Array((2, 4, 3))}, id="batched-matmul"),
    pytest.param("def f(x):\n    return np.sum(x, axis=1, keepdims=True)", {"x": (4, 3)},
                 {"_sum1": Array((4, 1))}, id="sum-keepdims"),
    pytest.param("def f(x):\n    return x.mean(axis=-1)", {"x": (4, 3)},
                 {"_mean1": Array((4,))}, id="mean-method"),
    pytest.param("def f(x):\n    n = x.shape[1]\n    return x[:, :2 * n // 3]", {"x": (4, 6)},
                 {"n": Int(6), "_floordiv2": Int(4), "_getitem3": Array((4, 4))}, id="slice-from-shape"),
    pytest.param("def f(xs):\n    h = np.zeros((xs.shape[1], 2))\n    for t in range(3):\n"
                 "        h = h + xs[t]\n    return h", {"xs": (3, 5, 2)},
                 {"h": Array((5, 2)), "t": Int(None)}, id="loop-carried"),
    pytest.param("def f(x):\n    return np.swapaxes(x, 0, 2).T", {"x": (2, 3, 4)},
                 {"_swapaxes1": Array((4, 3, 2)), "_T2": Array((2, 3, 4))}, id="views"),
]


@pytest.mark.parametrize(("source", "shapes", "expected"), INFERENCE_CASES)
def test_inference_proves_shapes(source, shapes, expected):
    found = inferred_shapes(source, shapes)
    for name, value in expected.items():
        assert found.get(name) == value, (name, found)


UNKNOWN_CASES = [
    pytest.param("def f(x):\n    h = x\n    for t in range(3):\n        h = h[1:]\n    return h",
                 {"x": (5,)}, "h", id="shape-changes-in-loop"),
    pytest.param("def f(x, c):\n    if c > 0:\n        y = x\n    else:\n        y = x[:2]\n"
                 "    return y", {"x": (5,)}, "y_2", id="branches-disagree"),
    pytest.param("def f(x):\n    y = x[x > 0]\n    return y", {"x": (5,)}, "y",
                 id="boolean-mask"),
    pytest.param("def f(x):\n    y = np.nonzero(x)[0]\n    return x[y]", {"x": (5,)}, "_getitem2",
                 id="nonzero"),
    pytest.param("def f(x, n):\n    return np.zeros(n) + x", {"x": (5,)}, "_zeros1",
                 id="size-from-an-int-argument"),
    pytest.param("def f(x):\n    y = helper(x)\n    return y * x", {"x": (5,)}, "_mul1",
                 id="user-call-disables-inference"),
]


def helper(x):
    return x


@pytest.mark.parametrize(("source", "shapes", "name"), UNKNOWN_CASES)
def test_inference_leaves_data_dependent_shapes_unknown(source, shapes, name):
    assert name not in inferred_shapes(source, shapes)


# ---- what specialization removes --------------------------------------------------------------

def backward(source: str, **request) -> str:
    return gradient_source(source, **request).split("# ---- backward ----")[1]


@pytest.mark.parametrize(("x_shape", "b_shape", "reduction"), [
    ((4, 3), (4, 3), None), ((4, 3), (3,), "db = (d_mul1 * x).sum(axis=0)"),
    ((4, 3), (1, 3), "db = (d_mul1 * x).sum(axis=0, keepdims=True)"),
    ((2, 4, 3), (4, 1), "db = (d_mul1 * x).sum(axis=2, keepdims=True).sum(axis=0)"),
], ids=["same", "row", "keepdims-row", "leading-and-kept-axes"])
def test_specialized_code_sums_only_over_broadcast_axes(x_shape, b_shape, reduction):
    source = "def f(x, b):\n    return np.sum(np.tanh(x * b))"
    generic = backward(source)
    assert generic.count("_rt.unbroadcast_to") == 2
    special = backward(source, shapes=(("x", x_shape), ("b", b_shape)))
    assert "_rt.unbroadcast_to" not in special
    assert "dx = d_mul1 * b" in special
    if reduction is None:
        assert ").sum(" not in special
    else:
        assert reduction in special


def test_specialized_loops_save_no_shapes():
    source = ("def f(w, b, x):\n    h = x\n    for _ in range(3):\n"
              "        h = np.tanh(h @ w + b)\n    return np.sum(h)")
    generic = gradient_source(source)
    assert "_rt.shape(" in generic
    special = gradient_source(source, shapes=(("w", (4, 4)), ("b", (4,)), ("x", (2, 4))))
    assert "_rt.shape(" not in special
    assert "_rt.unbroadcast_to" not in special
    assert "db += d_add2.sum(axis=0)" in special  # only b is broadcast


# ---- gradients through the public API, shapes changing between calls --------------------------

def scaled_tanh(x, b):
    return np.sum(np.tanh(x * b) * x)


def rnn_like(w, b, xs):
    h = np.zeros((xs.shape[1], w.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ w + h @ w + b)
    return np.mean(h * h)


def shrinking(x):
    h = x
    total = 0.0
    for _ in range(2):
        h = h[1:] * h[:-1]
        total = total + np.sum(h)
    return total


def sliced(x, w):
    n = w.shape[1] // 2
    z = x @ w
    return np.sum(np.exp(z[:, :n]) * z[:, n:]) / x.shape[0]


SHAPE_SEQUENCES = [
    pytest.param(scaled_tanh, [((4, 3), (3,)), ((4, 3), (4, 3)), ((4, 3), (1, 3)),
                               ((2, 3), (3,)), ((4, 3), (3,)), ((2, 4, 3), (4, 1)),
                               ((4, 1), (1, 3))], (0, 1), id="broadcasting"),
    pytest.param(rnn_like, [((3, 3), (3,), (4, 2, 3)), ((3, 3), (1, 3), (2, 5, 3)),
                            ((3, 3), (3,), (4, 2, 3))], (0, 1), id="loop"),
    pytest.param(shrinking, [((6,),), ((4,),), ((6,),)], (0,), id="shape-changes-in-loop"),
    pytest.param(sliced, [((3, 2), (2, 4)), ((1, 2), (2, 6)), ((3, 2), (2, 4))], (0, 1),
                 id="slices-from-shapes"),
]


@pytest.mark.parametrize(("fn", "sequence", "positions"), SHAPE_SEQUENCES)
def test_gradients_stay_right_when_shapes_change(rng, fn, sequence, positions):
    grad_fn = autodiff.grad(fn, positions)
    for shapes in sequence:
        args = [rng.normal(size=shape) for shape in shapes]
        for _ in range(3):  # the second call with these shapes runs specialized code
            got = grad_fn(*args)
            got = got if isinstance(got, tuple) else (got,)
            for position, value in zip(positions, got, strict=True):
                expected = numerical_gradient(fn, args, position)
                np.testing.assert_allclose(value, expected, rtol=1e-5, atol=1e-7)


def test_second_call_runs_code_specialized_to_its_shapes(rng):
    grad_fn = autodiff.grad(scaled_tanh, (0, 1))
    x, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert "unbroadcast_to" in autodiff.source(grad_fn)
    assert "unbroadcast_to" not in autodiff.source(grad_fn, x, b)
    assert grad_fn.unit_for(x, b) is not grad_fn.unit


def matmul_loss(a, b):
    return np.sum(np.tanh(a @ b))


def mean_loss(a, b):
    return np.mean(a @ b) * 3.0


@pytest.mark.parametrize("loss", [matmul_loss, mean_loss], ids=["sum", "mean"])
@pytest.mark.parametrize(("a_shape", "b_shape"), [
    ((5,), (5, 3)), ((4, 5), (5, 3)), ((2, 4, 5), (5, 3)), ((2, 4, 5), (2, 5, 3)),
    ((5,), (2, 5, 3)), ((4, 5), (5,)), ((1, 4, 5), (3, 5, 2)), ((5,), (5,)),
], ids=lambda shape: "x".join(map(str, shape)))
def test_specialized_matmul_and_reduction_rules(rng, loss, a_shape, b_shape):
    a, b = rng.normal(size=a_shape), rng.normal(size=b_shape)
    grad_fn = autodiff.grad(loss, (0, 1))
    for _ in range(2):
        da, db = grad_fn(a, b)
    np.testing.assert_allclose(da, numerical_gradient(loss, (a, b), 0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(db, numerical_gradient(loss, (a, b), 1), rtol=1e-5, atol=1e-7)


def test_specialized_rules_emit_plain_numpy():
    code = backward("def f(x, w):\n    return np.mean(x @ w)", shapes=(("x", (4, 5)),
                                                                       ("w", (5, 3))))
    assert "x.T @ d_matmul1" in code
    assert "_np.full((4, 3), 1.0 / 12)" in code
    assert "d_mean2" not in code  # the output's seed is the number 1.0 (see below)
    assert "matmul_vjp" not in code and "mean_vjp" not in code


def test_specialized_code_takes_no_sensitivity():
    """Only the fast path runs specialized code, and it never passes a sensitivity: the seed of
    a scalar output is the number 1.0, folded into the code that reads it; generic code keeps
    the keyword for ``sens_param``."""
    source = "def f(x):\n    return np.sum(np.log1p(x * x))"
    generic = gradient_source(source)
    special = gradient_source(source, shapes=(("x", (2, 3)),))
    assert "def grad_f(x, *, d_sum3=None):" in generic
    assert "def grad_f(x):" in special and "d_sum3" not in special
    assert "dx = 2.0 / (1.0 + _mul1) * x" in special  # 1.0 / q * x * 2.0, folded


def test_float32_inputs_keep_their_dtype_when_specialized():
    x = np.linspace(-1.0, 1.0, 6, dtype=np.float32).reshape(2, 3)
    grad_fn = autodiff.grad(lambda x: np.sum(np.tanh(x) @ np.ones((3, 2), np.float32)))
    first, second = grad_fn(x), grad_fn(x)
    assert first.dtype == second.dtype == np.float32
    np.testing.assert_allclose(first, second, rtol=1e-6)


# ---- the value is not computed when the caller discards it ---------------------------------------

def softplus_loss(w, x):
    z = x @ w
    return np.mean(np.log1p(np.exp(z)))


def test_grad_skips_statements_only_the_value_needs(rng):
    w, x = rng.normal(size=3), rng.normal(size=(4, 3))
    grad_fn = autodiff.grad(softplus_loss)
    value_and_grad_fn = autodiff.value_and_grad(softplus_loss)
    grad_only = autodiff.source(grad_fn, w, x)
    assert "= np.log1p(" not in grad_only
    assert "return (None, " in grad_only
    with_value = autodiff.source(value_and_grad_fn, w, x)
    assert "= np.log1p(" in with_value
    expected = numerical_gradient(softplus_loss, (w, x), 0)
    for _ in range(3):
        np.testing.assert_allclose(grad_fn(w, x), expected, rtol=1e-5, atol=1e-7)
        value, grad = value_and_grad_fn(w, x)
        np.testing.assert_allclose(value, softplus_loss(w, x))
        np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


def test_dead_code_elimination_keeps_effects():
    import gast

    from autodiff.transforms.opt.deadcode import eliminate_dead_code

    tree = gast.parse("def f(x):\n    a = x * 2\n    b = print(a)\n    c = a + 1\n    return x")
    eliminate_dead_code(tree.body[0], lambda statement: "print" not in gast.unparse(statement))
    assert gast.unparse(tree).strip() == "def f(x):\n    a = x * 2\n    b = print(a)\n    return x"


def reduce_axis_1(x):
    return np.sum(np.tanh(np.sum(x, axis=1)) * np.mean(x, 1))


def reduce_keepdims(x):
    s = np.sum(np.exp(x), axis=(0, 2), keepdims=True)
    return np.sum(np.log(s) * np.mean(x, axis=-1, keepdims=True))


def reduce_then_accumulate(x):
    e = np.exp(x)
    return np.sum(e / np.sum(e, axis=1, keepdims=True) * x)


@pytest.mark.parametrize("fn", [reduce_axis_1, reduce_keepdims, reduce_then_accumulate])
def test_specialized_reductions_over_axes(rng, fn):
    x = rng.normal(size=(2, 3, 4))
    grad_fn = autodiff.grad(fn)
    expected = numerical_gradient(fn, (x,), 0)
    for _ in range(3):
        np.testing.assert_allclose(grad_fn(x), expected, rtol=1e-5, atol=1e-7)
    assert "sum_vjp" not in autodiff.source(grad_fn, x)
    assert "mean_vjp" not in autodiff.source(grad_fn, x)


@pytest.mark.parametrize(("source", "folded", "kept"), [
    ("def f(x):\n    return np.sum(np.log1p(x * x))", "dx = 2.0 / (1.0 + _mul1) * x", None),
    ("def f(x):\n    return np.mean(np.tanh(x))", "dx = 1.0 / 6 * (1.0 - ", None),
    ("def f(x):\n    return np.sum(-x)", None, "d_neg1 = _np.full((2, 3), 1.0)"),
    ("def f(x):\n    return np.sum(x)", None, "dx = _np.full((2, 3), 1.0)"),
], ids=["into-arithmetic", "mean", "negation-keeps-the-shape", "returned"])
def test_broadcast_adjoints_fold_into_arithmetic(source, folded, kept):
    code = backward(source, shapes=(("x", (2, 3)),))
    if folded is not None:
        assert folded in code and "_np.full" not in code
    if kept is not None:
        assert kept in code


@pytest.mark.parametrize(("source", "folded", "kept"), [
    ("def f(x, y):\n    return np.mean(np.exp(x) - x * y)", "d_sub3 = 1.0 / 6", None),
    ("def f(x, y):\n    return np.sum(np.exp(x) - x * y)", "dx += 1.0 * _exp1", None),
    ("def f(x, y):\n    return np.sum(np.exp(x) - x * 2.0)", None,
     "d_sub3 = _np.full((2, 3), 1.0)"),
], ids=["a-number-computed-once", "a-literal-read-directly", "a-reader-needs-the-shape"])
def test_broadcast_adjoints_with_several_readers(source, folded, kept):
    """Every reader must keep its shape with the number in place of the broadcast array
    (``dx = d * -2.0`` would not: ``dx`` must be an array)."""
    code = backward(source, wrt=("x",), shapes=(("x", (2, 3)), ("y", (2, 3))))
    if folded is not None:
        assert folded in code and "_np.full" not in code
    if kept is not None:
        assert kept in code


def _negation(x):
    return np.sum(-x)


def _identity(x):
    return np.sum(x)


def _mean(x):
    return np.mean(np.tanh(x) * x)


def _axis_sum(x):
    return np.sum(np.sum(x, axis=0) * x)


def _two_readers(x):
    return np.mean(np.exp(x) - x * (x > 0.0))


def _two_readers_one_copy(x):
    return np.sum(np.exp(x) * x - x)


# functions defined with def: on Python 3.10 several lambdas on one line cannot be told apart
@pytest.mark.parametrize("fn", [_negation, _identity, _mean, _axis_sum, _two_readers,
                                _two_readers_one_copy],
                         ids=["negation", "identity", "mean", "keepdims-less-axis",
                              "two-readers", "two-readers-one-copy"])
def test_folded_gradients_are_right(rng, fn):
    x = rng.normal(size=(2, 3))
    grad_fn = autodiff.grad(fn)
    expected = numerical_gradient(fn, (x,), 0)
    for _ in range(3):
        got = grad_fn(x)
        assert got.shape == x.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


# ---- programs the fuzzer found (specialized code failed where generic code was right) ---------

def fuzz_broadcast_sum(x0, x1, c):
    x1 = x1 - 0.1 * x1
    x1 /= 2.0 + np.sin(x1)
    v1 = np.multiply(x1, x0)
    return np.sum(np.exp(np.tanh(c))) + np.sum(v1) + np.sum(c) + np.sum(np.sin(x1))


def fuzz_unused_loop_adjoint(x1, x2):
    v2 = x2
    for _ in range(3):
        x2 = x1
    return np.sum(v2 * x1)


@pytest.mark.parametrize(("fn", "shapes", "positions"), [
    (fuzz_broadcast_sum, [(3, 1), (2,), ()], (0, 2)),
    (fuzz_unused_loop_adjoint, [(2,), (2,)], (0,)),
], ids=["sum-folded-into-a-reduction", "adjoint-read-by-an-update"])
def test_fuzz_found_specialization_bugs(rng, fn, shapes, positions):
    args = [rng.normal(size=shape) if shape else 0.9 for shape in shapes]
    grad_fn = autodiff.grad(fn, positions)
    for _ in range(3):
        got = grad_fn(*args)
        got = got if isinstance(got, tuple) else (got,)
        for position, value in zip(positions, got, strict=True):
            np.testing.assert_allclose(value, numerical_gradient(fn, args, position),
                                       rtol=1e-5, atol=1e-7)
