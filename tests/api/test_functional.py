"""jvp, vjp, jacfwd, jacrev, hessian and higher order, against closed forms and differences."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff

A = np.array([[2.0, -1.0, 0.5], [0.3, 1.5, -2.0]])
Q = np.array([[3.0, 1.0, 0.0], [0.5, 2.0, -1.0], [0.2, 0.0, 4.0]])


def sin_times(x):
    return np.sin(x) * x


def linear(x):
    return A @ x


def quadratic_form(x):
    return x @ (Q @ x)


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def with_aux(x):
    y = np.tanh(x)
    return np.sum(y ** 2), y


def two_inputs(x, w):
    return np.tanh(w @ x)


def mlp_loss(w1, w2, x, y):
    h = np.tanh(x @ w1)
    out = h @ w2
    return np.mean((out - y) ** 2)


def rnn_loss(w, x, h0):
    h = h0
    for t in range(x.shape[0]):
        if t % 2 == 0:
            h = np.tanh(w @ h + x[t])
        else:
            h = np.sin(w @ h) + x[t]
    return np.sum(h ** 2)


def cubic_sin(x):
    return np.sin(x) * x ** 3


def numeric_jacobian(f, x, eps=1e-6):
    columns = []
    for index in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[index] = eps
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    out = np.asarray(f(x))
    return np.stack(columns, axis=-1).reshape(out.shape + x.shape)


@pytest.fixture
def x3(rng):
    return rng.normal(size=3)


# ---- jvp ------------------------------------------------------------------------------------


def test_jvp_matches_the_closed_form(x3, rng):
    v = rng.normal(size=3)
    out, tangent = autodiff.jvp(sin_times, x3, v)
    np.testing.assert_allclose(out, sin_times(x3))
    np.testing.assert_allclose(tangent, (np.cos(x3) * x3 + np.sin(x3)) * v)


def test_jvp_of_several_inputs_and_has_aux(rng):
    x, w = rng.normal(size=3), rng.normal(size=(2, 3))
    u, m = rng.normal(size=3), rng.normal(size=(2, 3))
    _, tangent = autodiff.jvp(two_inputs, (x, w), (u, m))
    z = w @ x
    np.testing.assert_allclose(tangent, (1 - np.tanh(z) ** 2) * (w @ u + m @ x))
    _, tangent, aux = autodiff.jvp(with_aux, (x,), (u,), has_aux=True)
    np.testing.assert_allclose(tangent, np.sum(2 * np.tanh(x) * (1 - np.tanh(x) ** 2) * u))
    assert isinstance(aux, tuple) and np.allclose(aux[0], np.tanh(x))


def test_jvp_keeps_float32(rng):
    x = rng.normal(size=4).astype(np.float32)
    _, tangent = autodiff.jvp(sin_times, x, np.ones(4, np.float32))
    assert tangent.dtype == np.float32


def test_jvp_rejects_a_tangent_of_the_wrong_shape(x3):
    with pytest.raises(ValueError, match="shape"):
        autodiff.jvp(sin_times, x3, np.ones(2))


def pytree_loss(params, x):
    (w, b), scale = params[0], params[1]["scale"]
    return np.tanh(x @ w + b) * scale


def _pytree_params(rng):
    return [(rng.normal(size=(3, 2)), rng.normal(size=2)), {"scale": rng.normal(size=2)}]


def _moved(params, direction, eps):
    (w, b), scale = params[0], params[1]["scale"]
    (dw, db), dscale = direction[0], direction[1]["scale"]
    return [(w + eps * dw, b + eps * db), {"scale": scale + eps * dscale}]


@pytest.mark.parametrize("wrap", [list, tuple])
def test_jvp_of_a_pytree_primal_matches_differences(wrap, rng):
    params, x = _pytree_params(rng), rng.normal(size=3)
    params, direction = wrap(params), wrap(_pytree_params(rng))
    _, tangent = autodiff.jvp(pytree_loss, (params, x), (direction, np.zeros(3)))
    eps = 1e-6
    expected = (pytree_loss(_moved(params, direction, eps), x)
                - pytree_loss(_moved(params, direction, -eps), x)) / (2 * eps)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6, atol=1e-8)


def test_jvp_rejects_a_tangent_of_another_structure(rng):
    params, x = _pytree_params(rng), rng.normal(size=3)
    with pytest.raises(ValueError, match="tangent of input 0"):
        autodiff.jvp(pytree_loss, (params, x), ([params[0]], np.zeros(3)))
    with pytest.raises(ValueError, match="keys"):
        autodiff.jvp(pytree_loss, (params, x), ([params[0], {"s": 1.0}], np.zeros(3)))


@pytest.mark.parametrize("jac", [autodiff.jacfwd, autodiff.jacrev])
def test_jacobian_of_a_pytree_input_has_its_structure(jac, rng):
    params, x = _pytree_params(rng), rng.normal(size=3)
    jacobian = jac(pytree_loss)(params, x)
    (w, b), scale = params[0], params[1]["scale"]
    assert isinstance(jacobian, list) and isinstance(jacobian[0], tuple)
    np.testing.assert_allclose(jacobian[0][0], numeric_jacobian(
        lambda w_: pytree_loss([(w_, b), {"scale": scale}], x), w), atol=1e-7)
    np.testing.assert_allclose(jacobian[0][1], numeric_jacobian(
        lambda b_: pytree_loss([(w, b_), {"scale": scale}], x), b), atol=1e-7)
    np.testing.assert_allclose(jacobian[1]["scale"], numeric_jacobian(
        lambda s_: pytree_loss([(w, b), {"scale": s_}], x), scale), atol=1e-7)


# ---- vjp ------------------------------------------------------------------------------------


def test_vjp_matches_grad_and_can_be_called_again(rng):
    x, w = rng.normal(size=3), rng.normal(size=(2, 3))
    out, vjp_fn = autodiff.vjp(two_inputs, x, w)
    np.testing.assert_allclose(out, two_inputs(x, w))
    for _ in range(2):
        cotangent = rng.normal(size=2)
        dx, dw = vjp_fn(cotangent)
        expected = autodiff.grad(two_inputs, (0, 1), sens_param=True)(x, w, cotangent)
        np.testing.assert_allclose(dx, expected[0])
        np.testing.assert_allclose(dw, expected[1])


def test_vjp_through_a_loop_is_reusable(rng):
    w, x, h0 = rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(4, 3)), rng.normal(size=3)
    _, vjp_fn = autodiff.vjp(rnn_loss, w, x, h0)
    first = vjp_fn(1.0)
    second = vjp_fn(1.0)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(first[0], numeric_jacobian(lambda w_: rnn_loss(w_, x, h0), w),
                               rtol=1e-5, atol=1e-7)


# ---- Jacobians ------------------------------------------------------------------------------


@pytest.mark.parametrize("jac", [autodiff.jacfwd, autodiff.jacrev], ids=["jacfwd", "jacrev"])
def test_jacobian_of_a_linear_map_is_the_matrix(jac, x3):
    np.testing.assert_allclose(jac(linear)(x3), A)


@pytest.mark.parametrize("jac", [autodiff.jacfwd, autodiff.jacrev], ids=["jacfwd", "jacrev"])
def test_jacobian_shapes_are_out_shape_plus_in_shape(jac, rng):
    x, w = rng.normal(size=3), rng.normal(size=(2, 3))
    jx, jw = jac(two_inputs, (0, 1))(x, w)
    assert jx.shape == (2, 3) and jw.shape == (2, 2, 3)
    np.testing.assert_allclose(jw, numeric_jacobian(lambda w_: two_inputs(x, w_), w), atol=1e-7)


def test_jacfwd_and_jacrev_agree(rng):
    w1, w2 = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    x = rng.normal(size=(5, 3))

    def outputs(w1_):
        return np.tanh(x @ w1_) @ w2

    np.testing.assert_allclose(autodiff.jacfwd(outputs)(w1), autodiff.jacrev(outputs)(w1),
                               rtol=1e-10, atol=1e-12)


# ---- Hessians and higher order --------------------------------------------------------------


def test_hessian_of_a_quadratic_form(x3):
    np.testing.assert_allclose(autodiff.hessian(quadratic_form)(x3), Q + Q.T, atol=1e-12)


def test_hessian_of_logsumexp(rng):
    x = rng.normal(size=4)
    p = np.exp(x - np.max(x))
    p /= p.sum()
    np.testing.assert_allclose(autodiff.hessian(logsumexp)(x), np.diag(p) - np.outer(p, p),
                               atol=1e-10)


def test_hessian_of_an_mlp_loss_matches_differences_of_its_gradient(rng):
    w1, w2 = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    hessian = autodiff.hessian(mlp_loss)(w1, w2, x, y)
    gradient = autodiff.grad(mlp_loss)
    expected = numeric_jacobian(lambda w: gradient(w, w2, x, y), w1)
    np.testing.assert_allclose(hessian, expected, rtol=1e-5, atol=1e-7)


def test_hessian_vector_product_through_a_loop_with_branches(rng):
    w, x, h0 = rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(5, 3)), rng.normal(size=3)
    v = rng.normal(size=(3, 3))
    gradient = autodiff.grad(rnn_loss)
    _, hvp = autodiff.jvp(lambda w_: gradient(w_, x, h0), (w,), (v,))
    eps = 1e-6
    expected = (gradient(w + eps * v, x, h0) - gradient(w - eps * v, x, h0)) / (2 * eps)
    np.testing.assert_allclose(hvp, expected, rtol=1e-5, atol=1e-7)


def test_grad_of_grad_and_third_derivative():
    x = 0.7
    s, c = np.sin(x), np.cos(x)
    second = autodiff.grad(autodiff.grad(cubic_sin))
    third = autodiff.grad(second)
    np.testing.assert_allclose(second(x), 6 * x * s + 6 * x ** 2 * c - x ** 3 * s)
    np.testing.assert_allclose(third(x), 6 * s + 18 * x * c - 9 * x ** 2 * s - x ** 3 * c)


def test_reverse_over_reverse_hessian_agrees_with_forward_over_reverse(rng):
    w1, w2 = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    gradient = autodiff.grad(mlp_loss)
    by_jacrev = autodiff.jacrev(lambda w: gradient(w, w2, x, y))(w1)
    np.testing.assert_allclose(by_jacrev, autodiff.hessian(mlp_loss)(w1, w2, x, y), atol=1e-10)


# ---- check_grads ----------------------------------------------------------------------------


@pytest.mark.parametrize("modes", [("rev",), ("fwd",), ("fwd", "rev")], ids=str)
def test_check_grads_passes_on_correct_derivatives(modes, rng):
    args = (rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(4, 3)), rng.normal(size=3))
    autodiff.check_grads(rnn_loss, args, order=2, modes=modes)


def test_check_grads_catches_a_wrong_rule():
    namespace: dict = {"np": np}
    exec("def scaled_exp(x):\n    return np.exp(x)\n", namespace)
    scaled_exp = namespace["scaled_exp"]

    def wrong_vjp(g, ans, x):
        return g * ans * 1.01

    autodiff.defvjp(scaled_exp, wrong_vjp)

    def uses(x):
        return np.sum(scaled_exp(x))

    with pytest.raises(AssertionError, match="rev-mode"):
        autodiff.check_grads(uses, (np.array([0.1, 0.2]),))


def directional(x, v):
    _, tangent = autodiff.jvp(sin_times, (x,), (v,))
    return np.sum(tangent ** 2)


def test_grad_of_a_jvp_matches_finite_differences(rng):
    x, v = rng.normal(size=3), rng.normal(size=3)
    dx, dv = autodiff.grad(directional, (0, 1))(x, v)
    np.testing.assert_allclose(dx, numeric_jacobian(lambda x_: directional(x_, v), x),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dv, numeric_jacobian(lambda v_: directional(x, v_), v),
                               rtol=1e-6, atol=1e-8)
