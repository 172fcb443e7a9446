"""The seed tutorial (SEED.md) up to the nn.Cell part, run on autodiff with only the imports
changed, checked against closed forms and float64 central finite differences.

With ``weight = pos_weight = 1`` and ``reduction='mean'`` over 3 logits, the loss is
``mean(softplus(z) - y * z)``, so ``dloss/dz = (sigmoid(z) - y) / 3``, ``dloss/dw = outer(x, dz)``
and ``dloss/db = dz``. A second output ``z`` returned without ``has_aux`` adds an all-ones
sensitivity on ``z``, i.e. ``+ 1`` to ``dloss/dz``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

# ---- the tutorial, verbatim except for the imports -------------------------------------------
import autodiff as mindspore
from autodiff import Parameter, Tensor, ops

x = ops.ones(5, mindspore.float32)        # input, shape (5,)
y = ops.zeros(3, mindspore.float32)       # target, shape (3,)
w = Parameter(Tensor(np.random.randn(5, 3), mindspore.float32), name='w')  # weight
b = Parameter(Tensor(np.random.randn(3,), mindspore.float32), name='b')    # bias


def function(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss


def function_with_logits(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, z


def function_stop_gradient(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, ops.stop_gradient(z)


# ---- a weights= variant of the same model: w and b are read as globals -----------------------


def forward_globals(x, y):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss


# ---- references ------------------------------------------------------------------------------

EPS = 1e-6
RTOL32, ATOL32 = 1e-5, 1e-6
RTOL64, ATOL64 = 1e-6, 1e-8


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


def closed_form(xv: Any, yv: Any, wv: Any, bv: Any, extra: float = 0.0) -> dict[str, Any]:
    """Loss, z and the gradients in float64; ``extra`` is the sensitivity added on each z."""
    x64, y64 = np.asarray(xv, np.float64), np.asarray(yv, np.float64)
    w64, b64 = np.asarray(wv, np.float64), np.asarray(bv, np.float64)
    z = x64 @ w64 + b64
    loss = np.mean(np.logaddexp(0.0, z) - y64 * z)
    dz = (_sigmoid(z) - y64) / z.size + extra
    return {"loss": loss, "z": z, "dw": np.outer(x64, dz), "db": dz}


def _project(out: Any) -> float:
    """Every output leaf, summed (the all-ones sensitivity of an unaided grad)."""
    if isinstance(out, (tuple, list)):
        return sum(_project(item) for item in out)
    return float(np.sum(np.asarray(out, dtype=np.float64)))


def finite_difference(fn: Callable[..., Any], args: list[Any], position: int) -> np.ndarray:
    """Central differences (float64) of the summed outputs of ``fn`` w.r.t. ``args[position]``."""
    args = [np.array(a, dtype=np.float64) for a in args]
    base = args[position]
    out = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[index] += EPS
        down[index] -= EPS
        plus = _project(fn(*args[:position], up, *args[position + 1:]))
        minus = _project(fn(*args[:position], down, *args[position + 1:]))
        out[index] = (plus - minus) / (2 * EPS)
    return out


def finite_difference_param(fn: Callable[[], Any], param: Any) -> np.ndarray:
    """Central differences of ``fn()`` w.r.t. a float64 Parameter, perturbed in place."""
    values = param.view(np.ndarray)
    original = values.copy()
    out = np.zeros(param.shape)
    try:
        for index in np.ndindex(param.shape):
            values[index] = original[index] + EPS
            plus = _project(fn())
            values[index] = original[index] - EPS
            minus = _project(fn())
            values[index] = original[index]
            out[index] = (plus - minus) / (2 * EPS)
    finally:
        values[...] = original
    return out


def assert_grad(got: Any, expected: np.ndarray, dtype: Any, shape: tuple[int, ...]) -> None:
    assert isinstance(got, np.ndarray), f"expected an ndarray, got {type(got).__name__}"
    assert got.shape == shape, f"shape {got.shape}, expected {shape}"
    assert got.dtype == dtype, f"dtype {got.dtype}, expected {np.dtype(dtype)}"
    rtol, atol = (RTOL32, ATOL32) if got.dtype == np.float32 else (RTOL64, ATOL64)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


def assert_pair(grads: Any, ref: dict[str, Any], dtype: Any = np.float32) -> None:
    """``grads`` is exactly ``(dw, db)`` and matches ``ref``."""
    assert type(grads) is tuple and len(grads) == 2, f"expected (dw, db), got {grads!r}"
    assert_grad(grads[0], ref["dw"], dtype, (5, 3))
    assert_grad(grads[1], ref["db"], dtype, (3,))


def _float64_inputs() -> list[np.ndarray]:
    return [np.array(v, dtype=np.float64) for v in (x, y, w, b)]


# ---- the tutorial's own data -----------------------------------------------------------------


def test_tutorial_data_has_the_documented_shapes_and_dtypes() -> None:
    assert x.shape == (5,) and x.dtype == np.float32 and np.all(x == 1)
    assert y.shape == (3,) and y.dtype == np.float32 and np.all(y == 0)
    assert w.shape == (5, 3) and w.dtype == np.float32 and w.name == 'w'
    assert b.shape == (3,) and b.dtype == np.float32 and b.name == 'b'


def test_function_returns_the_bce_loss() -> None:
    loss = function(x, y, w, b)
    np.testing.assert_allclose(loss, closed_form(x, y, w, b)["loss"], rtol=1e-5)


# ---- grad with grad_position=(2, 3) ----------------------------------------------------------


def test_grad_function_positions_2_3_matches_closed_form_float32() -> None:
    grad_fn = mindspore.grad(function, (2, 3))
    grads = grad_fn(x, y, w, b)     # (dloss/dw with shape (5,3), dloss/db with shape (3,))
    assert_pair(grads, closed_form(x, y, w, b))


def test_grad_function_float64_matches_finite_differences() -> None:
    args = _float64_inputs()
    grads = mindspore.grad(function, (2, 3))(*args)
    assert_pair(grads, {"dw": finite_difference(function, args, 2),
                        "db": finite_difference(function, args, 3)}, np.float64)
    # and the closed form agrees with the finite differences (the reference is sound)
    assert_pair(grads, closed_form(*args), np.float64)


# ---- extra outputs, stop_gradient, has_aux ---------------------------------------------------


def test_function_with_logits_adds_the_z_sensitivity() -> None:
    grad_fn = mindspore.grad(function_with_logits, (2, 3))
    grads = grad_fn(x, y, w, b)
    assert_pair(grads, closed_form(x, y, w, b, extra=1.0))


def test_function_with_logits_float64_matches_finite_differences() -> None:
    args = _float64_inputs()
    grads = mindspore.grad(function_with_logits, (2, 3))(*args)
    assert_pair(grads, {"dw": finite_difference(function_with_logits, args, 2),
                        "db": finite_difference(function_with_logits, args, 3)}, np.float64)
    assert_pair(grads, closed_form(*args, extra=1.0), np.float64)


def test_function_stop_gradient_gives_the_plain_gradients() -> None:
    grad_fn = mindspore.grad(function_stop_gradient, (2, 3))
    grads = grad_fn(x, y, w, b)
    assert_pair(grads, closed_form(x, y, w, b))


def test_function_stop_gradient_float64_matches_finite_differences_of_the_loss() -> None:
    args = _float64_inputs()
    grads = mindspore.grad(function_stop_gradient, (2, 3))(*args)
    assert_pair(grads, {"dw": finite_difference(function, args, 2),
                        "db": finite_difference(function, args, 3)}, np.float64)


def test_function_stop_gradient_still_returns_z() -> None:
    loss, z = function_stop_gradient(x, y, w, b)
    ref = closed_form(x, y, w, b)
    np.testing.assert_allclose(loss, ref["loss"], rtol=1e-5)
    np.testing.assert_allclose(z, ref["z"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [function_with_logits, function_stop_gradient],
                         ids=["with_logits", "stop_gradient"])
def test_has_aux_gives_plain_gradients_and_z(fn: Callable[..., Any]) -> None:
    grad_fn = mindspore.grad(fn, (2, 3), has_aux=True)
    result = grad_fn(x, y, w, b)
    ref = closed_form(x, y, w, b)
    assert type(result) is tuple and len(result) == 2, f"expected (grads, aux), got {result!r}"
    grads, aux = result
    assert_pair(grads, ref)
    assert type(aux) is tuple and len(aux) == 1, f"aux must be the 1-tuple (z,), got {aux!r}"
    assert_grad(aux[0], ref["z"], np.float32, (3,))


# ---- value_and_grad --------------------------------------------------------------------------


def test_value_and_grad_function() -> None:
    loss, grads = mindspore.value_and_grad(function, (2, 3))(x, y, w, b)
    ref = closed_form(x, y, w, b)
    np.testing.assert_allclose(loss, ref["loss"], rtol=1e-5)
    assert np.asarray(loss).dtype == np.float32
    assert_pair(grads, ref)


def test_value_and_grad_function_with_logits_returns_both_outputs() -> None:
    value, grads = mindspore.value_and_grad(function_with_logits, (2, 3))(x, y, w, b)
    ref = closed_form(x, y, w, b, extra=1.0)
    assert type(value) is tuple and len(value) == 2
    np.testing.assert_allclose(value[0], ref["loss"], rtol=1e-5)
    np.testing.assert_allclose(value[1], ref["z"], rtol=1e-5, atol=1e-6)
    assert_pair(grads, ref)


@pytest.mark.parametrize("fn", [function_with_logits, function_stop_gradient],
                         ids=["with_logits", "stop_gradient"])
def test_value_and_grad_has_aux_returns_full_output_and_plain_grads(
        fn: Callable[..., Any]) -> None:
    # MindSpore 2.x: value_and_grad(..., has_aux=True) -> ((loss, z), (dw, db)).
    value, grads = mindspore.value_and_grad(fn, (2, 3), has_aux=True)(x, y, w, b)
    ref = closed_form(x, y, w, b)
    assert type(value) is tuple and len(value) == 2
    np.testing.assert_allclose(value[0], ref["loss"], rtol=1e-5)
    np.testing.assert_allclose(value[1], ref["z"], rtol=1e-5, atol=1e-6)
    assert_pair(grads, ref)


def test_float64_in_float64_out() -> None:
    grads = mindspore.grad(function, (2, 3))(*_float64_inputs())
    assert grads[0].dtype == np.float64 and grads[1].dtype == np.float64


# ---- weights= : Parameters read as globals and through a closure -----------------------------


def test_value_and_grad_weights_read_as_globals() -> None:
    grad_fn = mindspore.value_and_grad(forward_globals, None, weights=[w, b])
    loss, grads = grad_fn(x, y)
    ref = closed_form(x, y, w, b)
    np.testing.assert_allclose(loss, ref["loss"], rtol=1e-5)
    assert_pair(grads, ref)


def test_grad_weights_read_as_globals_in_the_order_given() -> None:
    grads = mindspore.grad(forward_globals, None, weights=[b, w])(x, y)
    ref = closed_form(x, y, w, b)
    assert type(grads) is tuple and len(grads) == 2
    assert_grad(grads[0], ref["db"], np.float32, (3,))
    assert_grad(grads[1], ref["dw"], np.float32, (5, 3))


def test_grad_weights_return_ids_use_parameter_names() -> None:
    grads = mindspore.grad(forward_globals, None, weights=[w, b], return_ids=True)(x, y)
    ref = closed_form(x, y, w, b)
    assert type(grads) is tuple and len(grads) == 2
    assert grads[0][0] == 'w' and grads[1][0] == 'b'
    assert_grad(grads[0][1], ref["dw"], np.float32, (5, 3))
    assert_grad(grads[1][1], ref["db"], np.float32, (3,))


def test_value_and_grad_weights_through_a_closure(rng: np.random.Generator) -> None:
    w_c = Parameter(Tensor(rng.standard_normal((5, 3)), mindspore.float32), name='w_c')
    b_c = Parameter(Tensor(rng.standard_normal(3), mindspore.float32), name='b_c')

    def forward(x, y):
        z = ops.matmul(x, w_c) + b_c
        loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
        return loss

    grad_fn = mindspore.value_and_grad(forward, None, weights=[w_c, b_c])
    loss, grads = grad_fn(x, y)
    ref = closed_form(x, y, w_c, b_c)
    np.testing.assert_allclose(loss, ref["loss"], rtol=1e-5)
    assert_pair(grads, ref)

    # an in-place update (as an optimizer does) is seen by the next call
    w_c -= 0.5 * grads[0]
    b_c -= 0.5 * grads[1]
    assert isinstance(w_c, Parameter) and w_c.name == 'w_c'
    new_loss, new_grads = grad_fn(x, y)
    new_ref = closed_form(x, y, w_c, b_c)
    np.testing.assert_allclose(new_loss, new_ref["loss"], rtol=1e-5)
    assert new_loss < loss
    assert_pair(new_grads, new_ref)


def test_grad_weights_through_a_closure_float64_matches_finite_differences(
        rng: np.random.Generator) -> None:
    x64, y64 = np.ones(5), np.array([0.0, 1.0, 0.0])
    w_c = Parameter(rng.standard_normal((5, 3)), name='w_c')
    b_c = Parameter(rng.standard_normal(3), name='b_c')

    def forward(x, y):
        z = ops.matmul(x, w_c) + b_c
        loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
        return loss, z

    grads = mindspore.grad(forward, None, weights=[w_c, b_c])(x64, y64)
    expected = {"dw": finite_difference_param(lambda: forward(x64, y64), w_c),
                "db": finite_difference_param(lambda: forward(x64, y64), b_c)}
    assert_pair(grads, expected, np.float64)
    assert_pair(grads, closed_form(x64, y64, w_c, b_c, extra=1.0), np.float64)
