"""The contract of ``autodiff.grad`` / ``value_and_grad`` (API.md section 1).

Return structures, ``has_aux``, summed tuple outputs, ``sens_param``, ``return_ids``, zeros for
unused inputs and weights, dtypes, keyword arguments, ``@differentiable``, ``autodiff.source``,
user helpers, ``stop_gradient`` on tuples, ``check_grads`` and the error table. Every gradient is
compared with float64 central finite differences or an analytic formula, never with autodiff.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff
from autodiff import Parameter

EPS = 1e-6
RTOL, ATOL = 1e-6, 1e-8
RTOL32, ATOL32 = 1e-4, 1e-5

# ---- module-level Parameters and constants read by the functions under test ------------------

_INIT = np.random.default_rng(1234)
P1 = Parameter(_INIT.standard_normal((3, 4)), name="p1")
P2 = Parameter(_INIT.standard_normal(3), name="p2")
P_UNUSED = Parameter(np.ones((2, 5), dtype=np.float32), name="unused")
P_FROZEN = Parameter(_INIT.standard_normal(3), name="frozen", requires_grad=False)
P32 = Parameter(_INIT.standard_normal((3, 4)).astype(np.float32), name="p32")
M1 = _INIT.standard_normal((3, 2))
B1 = _INIT.standard_normal(2)


# ---- finite differences and tree comparison --------------------------------------------------


def _as64(value: Any) -> Any:
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        return float(value)
    return np.array(value, dtype=np.float64)


def project(out: Any, sens: Any = None) -> float:
    """``<sens, out>`` over every output leaf (``sens`` None: all ones, i.e. a plain sum)."""
    if isinstance(out, (tuple, list)):
        senses = [None] * len(out) if sens is None else list(sens)
        return sum(project(o, s) for o, s in zip(out, senses, strict=True))
    value = np.asarray(out, dtype=np.float64)
    if sens is not None:
        value = value * np.asarray(sens, dtype=np.float64)
    return float(np.sum(value))


def fd(fn: Callable[..., Any], args: tuple | list, position: int,
       kwargs: dict[str, Any] | None = None, sens: Any = None) -> Any:
    """Central differences (float64) of ``project(fn(*args, **kwargs), sens)`` w.r.t.
    ``args[position]``; a float for a Python-float argument, else an array of its shape."""
    args = [_as64(a) for a in args]
    kwargs = kwargs or {}

    def at(value: Any) -> float:
        shifted = list(args)
        shifted[position] = value
        return project(fn(*shifted, **kwargs), sens)

    base = args[position]
    if isinstance(base, float):
        return (at(base + EPS) - at(base - EPS)) / (2 * EPS)
    out = np.zeros(base.shape)
    for index in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[index] += EPS
        down[index] -= EPS
        out[index] = (at(up) - at(down)) / (2 * EPS)
    return out


def fd_param(fn: Callable[..., Any], args: tuple | list, param: Parameter,
             kwargs: dict[str, Any] | None = None, sens: Any = None) -> np.ndarray:
    """Central differences w.r.t. a float64 Parameter, perturbed in place (and restored)."""
    assert param.dtype == np.float64
    args = [_as64(a) for a in args]
    kwargs = kwargs or {}
    values = param.view(np.ndarray)
    original = values.copy()
    out = np.zeros(param.shape)
    try:
        for index in np.ndindex(param.shape):
            values[index] = original[index] + EPS
            plus = project(fn(*args, **kwargs), sens)
            values[index] = original[index] - EPS
            minus = project(fn(*args, **kwargs), sens)
            values[index] = original[index]
            out[index] = (plus - minus) / (2 * EPS)
    finally:
        values[...] = original
    return out


def assert_tree(got: Any, expected: Any, rtol: float = RTOL, atol: float = ATOL,
                path: str = "result") -> None:
    """``got`` has exactly the nesting of ``expected`` (tuple vs list, lengths), the same leaf
    types (ndarray with shape and dtype, Python float, numpy scalar type, int/str ids), and
    values close to it."""
    if isinstance(expected, (tuple, list)):
        kind = type(expected).__name__
        assert type(got) is type(expected), \
            f"{path}: expected a {kind} of {len(expected)}, got {type(got).__name__}: {got!r}"
        assert len(got) == len(expected), \
            f"{path}: expected a {kind} of {len(expected)}, got length {len(got)}: {got!r}"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_tree(g, e, rtol, atol, f"{path}[{i}]")
    elif isinstance(expected, (str, int)) and not isinstance(expected, bool):
        assert type(got) is type(expected) and got == expected, \
            f"{path}: expected {expected!r}, got {got!r}"
    elif isinstance(expected, np.generic):  # before float: np.float64 subclasses float
        assert type(got) is type(expected), \
            f"{path}: expected {type(expected).__name__}, got {type(got).__name__}"
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=path)
    elif isinstance(expected, float):
        assert type(got) is float, f"{path}: expected a Python float, got {type(got).__name__}"
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=path)
    else:
        assert isinstance(expected, np.ndarray)
        assert isinstance(got, np.ndarray), \
            f"{path}: expected an ndarray, got {type(got).__name__}: {got!r}"
        assert got.shape == expected.shape, \
            f"{path}: shape {got.shape}, expected {expected.shape}"
        assert got.dtype == expected.dtype, \
            f"{path}: dtype {got.dtype}, expected {expected.dtype}"
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=path)


def assert_value(got: Any, expected: Any, path: str = "value") -> None:
    """Forward values: same tuple/list nesting, numerically equal leaves of the same shape."""
    if isinstance(expected, (tuple, list)):
        assert type(got) is type(expected) and len(got) == len(expected), \
            f"{path}: expected {expected!r}, got {got!r}"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_value(g, e, f"{path}[{i}]")
    else:
        assert np.shape(got) == np.shape(expected), f"{path}: shape {np.shape(got)}"
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=path)


TRANSFORMS = {"grad": autodiff.grad, "value_and_grad": autodiff.value_and_grad}


def run(transform: str, fn: Callable[..., Any], *options: Any, **kw: Any) -> Callable[..., Any]:
    """The gradient callable; for value_and_grad, also check the value and return the grads."""
    made = TRANSFORMS[transform](fn, *options, **kw)
    if transform == "grad":
        return made

    def call(*args: Any, **kwargs: Any) -> Any:
        result = made(*args, **kwargs)
        assert type(result) is tuple and len(result) == 2, \
            f"value_and_grad must return (value, grads), got {result!r}"
        value, grads = result
        call_args = args[:-1] if kw.get("sens_param") else args
        assert_value(value, fn(*call_args, **kwargs))
        return grads

    return call


# ---- functions under test --------------------------------------------------------------------


def f_xyw(x, y):
    h = np.tanh(x @ P1)
    return np.sum(h * y) + np.sum(P2 * x ** 2)


def f_two(a, c):
    return np.sum(np.sin(a) * c ** 2)


def f_aux_one(x, y):
    loss = np.sum(np.tanh(x @ P1) * y) + np.sum(P2 * x)
    return loss, x ** 3


def f_aux_two(x, y):
    return np.sum(np.sin(x)) * np.sum(y), x * 2.0, np.exp(y)


def f_aux_tuple_head(x, y):
    return (np.sum(np.sin(x)), np.sum(x * x) * np.sum(y)), y ** 2


def out_scalar_tuple(a, c):
    return np.sum(a * c), np.sum(np.exp(a))


def out_tuple(a, c):
    return np.sum(a * c), np.sin(a) * c


def out_nested(a, c):
    return np.sum(a * c), (np.exp(a), (c ** 2 * a, np.sum(np.cos(c))))


def out_list(a, c):
    return [np.sum(a ** 2), np.tanh(a * c)]


def out_tuple_holding_list(a, c):
    return np.sum(a), [a * c, np.cos(c)]


def out_vector(a, c):
    return np.sin(a) * c


def out_matrix(a, c):
    return np.tanh(a[:, None] * c[None, :])


def out_one_tuple(a, c):
    return (np.sum(a * c),)


def f_uses_first_only(a, c, s):
    return np.sum(a ** 2)


def f_frozen(x, y):
    return np.sum(P_FROZEN * x) + np.sum(np.tanh(x @ P1) * y)


def f_p32(x, y):
    return np.sum(np.tanh(x @ P32) * y)


def f_mixed(a, c):
    return np.sum(a * np.cos(c))


def f_scalars(s, t):
    return s * np.sin(t) + s ** 2


def f_kw(a, c, scale=1.0):
    return scale * np.sum(a * np.sin(c))


def f_kwonly(a, *, scale):
    return scale * np.sum(a ** 3)


def f_int_constant(a, n):
    return np.sum(a * n)


@autodiff.differentiable
def d_bare(a, c):
    return np.sum(np.exp(a) * c)


@autodiff.differentiable(grad_position=(0, 1), has_aux=True)
def d_opts(a, c):
    return np.sum(a * np.sin(c)), a + c


@autodiff.differentiable(grad_position=None, weights=[P1])
def d_weights(x, y):
    return np.sum(np.tanh(x @ P1) * y)


# helpers called from differentiated functions


def _affine(v, m, c):
    return v @ m + c


def _softplus(v):
    return np.log(1.0 + np.exp(v))


def _two_layer(v):
    return _softplus(_affine(v, M1, B1))


def uses_helpers(a, c):
    h = _two_layer(a)
    return np.sum(h * _softplus(c[:2]))


def _pair(v):
    return np.sin(v), np.cos(v)


def uses_pair(a):
    p = _pair(a)
    return np.sum(p[0] * p[1])


def _scaled(v, k=2.0):
    return k * v


def uses_kw_helper(a):
    return np.sum(_scaled(a, k=3.0) ** 2) + np.sum(_scaled(a))


class Scaler:
    def __init__(self, k):
        self.k = k

    def apply(self, v):
        return np.tanh(self.k * v)


SCALER = Scaler(1.7)


def uses_method(a, c):
    return np.sum(SCALER.apply(a) * c)


class Layer:
    def __init__(self):
        self.w = Parameter(_INIT.standard_normal((3, 2)), name="layer.w")

    def forward(self, v):
        return np.tanh(v @ self.w)


LAYER = Layer()


def uses_layer(a):
    return np.sum(LAYER.forward(a) ** 2)


def sg_indexed(a, c):
    t = autodiff.stop_gradient((a * c, np.sin(a)))
    return np.sum(t[0] * t[1]) + np.sum(a ** 2)


def sg_unpacked(a, c):
    u, v = autodiff.stop_gradient((a * c, np.sin(a)))
    return np.sum(u * v) + np.sum(a ** 2)


# ---- inputs ----------------------------------------------------------------------------------


@pytest.fixture
def xy(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Arguments of f_xyw: x (3,), y (4,)."""
    return rng.standard_normal(3), rng.standard_normal(4)


@pytest.fixture
def ac(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two (3,) float64 arrays."""
    return rng.standard_normal(3), rng.standard_normal(3)


def refs_xyw(x: np.ndarray, y: np.ndarray) -> tuple[dict[int, Any], dict[str, Any]]:
    G = {0: fd(f_xyw, (x, y), 0), 1: fd(f_xyw, (x, y), 1)}
    W = {"p1": fd_param(f_xyw, (x, y), P1), "p2": fd_param(f_xyw, (x, y), P2)}
    return G, W


# ---- the return-structure table --------------------------------------------------------------

STRUCTURE_ROWS = [
    # (grad_position, weights, expected(G, W))
    pytest.param(0, None, lambda G, W: G[0], id="pos_int0"),
    pytest.param(1, None, lambda G, W: G[1], id="pos_int1"),
    pytest.param((0,), None, lambda G, W: G[0], id="pos_1tuple_bare"),
    pytest.param((1,), None, lambda G, W: G[1], id="pos_1tuple_1_bare"),
    pytest.param((0, 1), None, lambda G, W: (G[0], G[1]), id="pos_01"),
    pytest.param((1, 0), None, lambda G, W: (G[1], G[0]), id="pos_10_in_order_given"),
    pytest.param(None, [P1, P2], lambda G, W: (W["p1"], W["p2"]), id="none_list2"),
    pytest.param(None, (P1, P2), lambda G, W: (W["p1"], W["p2"]), id="none_tuple2"),
    pytest.param(None, [P2, P1], lambda G, W: (W["p2"], W["p1"]), id="none_list2_reversed"),
    pytest.param(None, [P1], lambda G, W: (W["p1"],), id="none_list1_kept_1tuple"),
    pytest.param(None, (P2,), lambda G, W: (W["p2"],), id="none_tuple1_kept_1tuple"),
    pytest.param(None, P1, lambda G, W: W["p1"], id="none_single_param"),
    pytest.param(0, [P1, P2], lambda G, W: (G[0], (W["p1"], W["p2"])), id="int0_list2"),
    pytest.param((0,), [P1, P2], lambda G, W: (G[0], (W["p1"], W["p2"])), id="tuple0_list2"),
    pytest.param((0, 1), [P1, P2], lambda G, W: ((G[0], G[1]), (W["p1"], W["p2"])),
                 id="pos_01_list2"),
    pytest.param((1, 0), [P2, P1], lambda G, W: ((G[1], G[0]), (W["p2"], W["p1"])),
                 id="pos_10_list2_reversed"),
    pytest.param(0, P1, lambda G, W: (G[0], W["p1"]), id="int0_single_param"),
    pytest.param(0, [P1], lambda G, W: (G[0], (W["p1"],)), id="int0_list1"),
    pytest.param((1, 0), P2, lambda G, W: ((G[1], G[0]), W["p2"]), id="pos_10_single_param"),
]


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("grad_position, weights, expected", STRUCTURE_ROWS)
def test_return_structure(transform: str, grad_position: Any, weights: Any,
                          expected: Callable[..., Any], xy: tuple) -> None:
    G, W = refs_xyw(*xy)
    got = run(transform, f_xyw, grad_position, weights=weights)(*xy)
    assert_tree(got, expected(G, W))


def test_keyword_options_give_the_same_structure(xy: tuple) -> None:
    G, W = refs_xyw(*xy)
    got = autodiff.grad(f_xyw, grad_position=(1, 0), weights=[P2, P1])(*xy)
    assert_tree(got, ((G[1], G[0]), (W["p2"], W["p1"])))


def test_default_grad_position_is_0(xy: tuple) -> None:
    G, _ = refs_xyw(*xy)
    assert_tree(autodiff.grad(f_xyw)(*xy), G[0])
    value, grads = autodiff.value_and_grad(f_xyw)(*xy)
    assert_value(value, f_xyw(*xy))
    assert_tree(grads, G[0])


# ---- has_aux ---------------------------------------------------------------------------------

AUX_ROWS = [
    pytest.param(0, None, lambda G, W: G[0], id="pos_int0"),
    pytest.param((0,), None, lambda G, W: G[0], id="pos_1tuple_bare"),
    pytest.param((1, 0), None, lambda G, W: (G[1], G[0]), id="pos_10"),
    pytest.param(None, [P1, P2], lambda G, W: (W["p1"], W["p2"]), id="none_list2"),
    pytest.param(None, [P1], lambda G, W: (W["p1"],), id="none_list1"),
    pytest.param(None, P1, lambda G, W: W["p1"], id="none_single_param"),
    pytest.param(0, [P1, P2], lambda G, W: (G[0], (W["p1"], W["p2"])), id="int0_list2"),
    pytest.param((0, 1), P2, lambda G, W: ((G[0], G[1]), W["p2"]), id="pos_01_single_param"),
]


def _aux_refs(x: np.ndarray, y: np.ndarray) -> tuple[dict[int, Any], dict[str, Any]]:
    def head(*args: Any) -> Any:
        return f_aux_one(*args)[0]

    G = {0: fd(head, (x, y), 0), 1: fd(head, (x, y), 1)}
    W = {"p1": fd_param(head, (x, y), P1), "p2": fd_param(head, (x, y), P2)}
    return G, W


@pytest.mark.parametrize("grad_position, weights, expected", AUX_ROWS)
def test_has_aux_grad_structure(grad_position: Any, weights: Any,
                                expected: Callable[..., Any], xy: tuple) -> None:
    G, W = _aux_refs(*xy)
    got = autodiff.grad(f_aux_one, grad_position, weights=weights, has_aux=True)(*xy)
    # only outputs[0] is differentiated (x ** 3 contributes nothing); aux is a 1-tuple
    assert_tree(got, (expected(G, W), (xy[0] ** 3,)))


@pytest.mark.parametrize("grad_position, weights, expected", AUX_ROWS)
def test_has_aux_value_and_grad_structure(grad_position: Any, weights: Any,
                                          expected: Callable[..., Any], xy: tuple) -> None:
    # MindSpore 2.x: value_and_grad(has_aux=True) -> ((out0, *aux), grads); the value is the
    # full output tuple and the grads have the plain table structure (aux is not repeated).
    G, W = _aux_refs(*xy)
    result = autodiff.value_and_grad(f_aux_one, grad_position, weights=weights,
                                     has_aux=True)(*xy)
    assert type(result) is tuple and len(result) == 2
    value, grads = result
    assert_value(value, f_aux_one(*xy))
    assert_tree(grads, expected(G, W))


def test_has_aux_two_aux_outputs(xy: tuple) -> None:
    x, y = xy

    def head(*args: Any) -> Any:
        return f_aux_two(*args)[0]

    got = autodiff.grad(f_aux_two, (0, 1), has_aux=True)(x, y)
    assert_tree(got, ((fd(head, xy, 0), fd(head, xy, 1)), (x * 2.0, np.exp(y))))


def test_has_aux_tuple_head_differentiates_all_its_leaves(xy: tuple) -> None:
    x, y = xy

    def head(*args: Any) -> Any:
        return f_aux_tuple_head(*args)[0]

    got = autodiff.grad(f_aux_tuple_head, (0, 1), has_aux=True)(x, y)
    expected_x = np.cos(x) + 2 * x * np.sum(y)
    expected_y = np.full(4, np.sum(x * x))
    assert_tree(got, ((fd(head, xy, 0), fd(head, xy, 1)), (y ** 2,)))
    assert_tree(got[0], (expected_x, expected_y))


def test_has_aux_value_and_grad_tuple_head(xy: tuple) -> None:
    x, y = xy
    value, grads = autodiff.value_and_grad(f_aux_tuple_head, 0, has_aux=True)(x, y)
    assert_value(value, f_aux_tuple_head(x, y))
    assert_tree(grads, np.cos(x) + 2 * x * np.sum(y))


# ---- tuple, nested, list and non-scalar outputs without has_aux: summed ----------------------

SUMMED_FUNCTIONS = [
    pytest.param(out_scalar_tuple, id="tuple_of_scalars"),
    pytest.param(out_tuple, id="tuple_scalar_and_vector"),
    pytest.param(out_nested, id="nested_tuples"),
    pytest.param(out_list, id="list"),
    pytest.param(out_tuple_holding_list, id="tuple_holding_list"),
    pytest.param(out_vector, id="nonscalar_vector"),
    pytest.param(out_matrix, id="nonscalar_matrix"),
    pytest.param(out_one_tuple, id="one_tuple"),
]


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("fn", SUMMED_FUNCTIONS)
def test_outputs_are_summed_with_all_ones_sensitivity(transform: str, fn: Callable[..., Any],
                                                      ac: tuple) -> None:
    got = run(transform, fn, (0, 1))(*ac)
    assert_tree(got, (fd(fn, ac, 0), fd(fn, ac, 1)))


def test_tuple_output_gradient_analytic(ac: tuple) -> None:
    a, c = ac
    got = autodiff.grad(out_tuple, (0, 1))(a, c)
    assert_tree(got, (c + np.cos(a) * c, a + np.sin(a)))


# ---- sens_param ------------------------------------------------------------------------------


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
def test_sens_param_single_vector_output(transform: str, ac: tuple,
                                         rng: np.random.Generator) -> None:
    sens = rng.standard_normal(3)
    got = run(transform, out_vector, (0, 1), sens_param=True)(*ac, sens)
    assert_tree(got, (fd(out_vector, ac, 0, sens=sens), fd(out_vector, ac, 1, sens=sens)))


def test_sens_param_matrix_output(ac: tuple, rng: np.random.Generator) -> None:
    sens = rng.standard_normal((3, 3))
    got = autodiff.grad(out_matrix, 0, sens_param=True)(*ac, sens)
    assert_tree(got, fd(out_matrix, ac, 0, sens=sens))


def test_sens_param_scalar_output(ac: tuple) -> None:
    a, c = ac
    got = autodiff.grad(f_two, (0, 1), sens_param=True)(a, c, 2.5)
    assert_tree(got, (2.5 * np.cos(a) * c ** 2, 2.5 * 2 * np.sin(a) * c))


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
def test_sens_param_tuple_output(transform: str, ac: tuple, rng: np.random.Generator) -> None:
    sens = (1.7, rng.standard_normal(3))
    got = run(transform, out_tuple, (0, 1), sens_param=True)(*ac, sens)
    assert_tree(got, (fd(out_tuple, ac, 0, sens=sens), fd(out_tuple, ac, 1, sens=sens)))


def test_sens_param_tuple_of_scalars(ac: tuple) -> None:
    a, c = ac
    got = autodiff.grad(out_scalar_tuple, 0, sens_param=True)(a, c, (2.0, -3.0))
    assert_tree(got, 2.0 * c - 3.0 * np.exp(a))


def test_sens_param_with_weights(xy: tuple, rng: np.random.Generator) -> None:
    def vec(x, y):
        return np.tanh(x @ P1) * y

    sens = rng.standard_normal(4)
    got = autodiff.grad(vec, 0, weights=[P1], sens_param=True)(*xy, sens)
    assert_tree(got, (fd(vec, xy, 0, sens=sens), (fd_param(vec, xy, P1, sens=sens),)))


SENS_MISMATCH = [
    pytest.param(out_vector, lambda: np.ones(4), id="vector_wrong_shape"),
    pytest.param(out_matrix, lambda: np.ones((3, 4)), id="matrix_wrong_shape"),
    pytest.param(out_tuple, lambda: (1.0, np.ones(5)), id="tuple_leaf_wrong_shape"),
    pytest.param(out_tuple, lambda: (1.0, np.ones(3), 1.0), id="tuple_too_long"),
    pytest.param(out_tuple, lambda: (1.0,), id="tuple_too_short"),
    pytest.param(out_tuple, lambda: np.ones(3), id="tuple_output_array_sens"),
]


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("fn, make_sens", SENS_MISMATCH)
def test_sens_param_mismatch_raises_value_error(transform: str, fn: Callable[..., Any],
                                                make_sens: Callable[[], Any], ac: tuple) -> None:
    grad_fn = TRANSFORMS[transform](fn, 0, sens_param=True)
    with pytest.raises(ValueError):
        grad_fn(*ac, make_sens())


# ---- return_ids ------------------------------------------------------------------------------

RETURN_IDS_ROWS = [
    pytest.param(0, None, lambda G, W: (0, G[0]), id="pos_int0"),
    pytest.param((1,), None, lambda G, W: (1, G[1]), id="pos_1tuple"),
    pytest.param((1, 0), None, lambda G, W: ((1, G[1]), (0, G[0])), id="pos_10"),
    pytest.param(None, [P1, P2], lambda G, W: (("p1", W["p1"]), ("p2", W["p2"])),
                 id="none_list2"),
    pytest.param(None, [P2], lambda G, W: (("p2", W["p2"]),), id="none_list1"),
    pytest.param(None, P1, lambda G, W: ("p1", W["p1"]), id="none_single_param"),
    pytest.param(0, [P1, P2], lambda G, W: ((0, G[0]), (("p1", W["p1"]), ("p2", W["p2"]))),
                 id="int0_list2"),
    pytest.param((0, 1), [P2, P1],
                 lambda G, W: (((0, G[0]), (1, G[1])), (("p2", W["p2"]), ("p1", W["p1"]))),
                 id="pos_01_list2"),
    pytest.param(0, P2, lambda G, W: ((0, G[0]), ("p2", W["p2"])), id="int0_single_param"),
]


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("grad_position, weights, expected", RETURN_IDS_ROWS)
def test_return_ids(transform: str, grad_position: Any, weights: Any,
                    expected: Callable[..., Any], xy: tuple) -> None:
    G, W = refs_xyw(*xy)
    got = run(transform, f_xyw, grad_position, weights=weights, return_ids=True)(*xy)
    assert_tree(got, expected(G, W))


def test_return_ids_with_has_aux(xy: tuple) -> None:
    G, W = _aux_refs(*xy)
    got = autodiff.grad(f_aux_one, (1, 0), weights=P1, has_aux=True, return_ids=True)(*xy)
    assert_tree(got, ((((1, G[1]), (0, G[0])), ("p1", W["p1"])), (xy[0] ** 3,)))


def test_return_ids_unused_weight_gets_named_zeros(xy: tuple) -> None:
    _, W = refs_xyw(*xy)
    got = autodiff.grad(f_xyw, None, weights=[P1, P_UNUSED], return_ids=True)(*xy)
    assert_tree(got, (("p1", W["p1"]), ("unused", np.zeros((2, 5), np.float32))))


# ---- zeros for unused inputs and weights -----------------------------------------------------


def test_unused_inputs_get_zeros_of_their_shape_and_dtype(rng: np.random.Generator) -> None:
    a = rng.standard_normal(3)
    c = rng.standard_normal((2, 2)).astype(np.float32)
    got = autodiff.grad(f_uses_first_only, (0, 1, 2))(a, c, 0.5)
    assert_tree(got, (2 * a, np.zeros((2, 2), np.float32), 0.0))


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
def test_unused_input_alone_gets_zeros(transform: str, rng: np.random.Generator) -> None:
    a, c = rng.standard_normal(3), rng.standard_normal((4, 2))
    got = run(transform, f_uses_first_only, 1)(a, c, 1.5)
    assert_tree(got, np.zeros((4, 2)))


def test_unused_weight_gets_zeros_of_its_shape_and_dtype(xy: tuple) -> None:
    _, W = refs_xyw(*xy)
    got = autodiff.grad(f_xyw, None, weights=[P_UNUSED, P1])(*xy)
    assert_tree(got, (np.zeros((2, 5), np.float32), W["p1"]))


def test_only_unused_weight_gets_zeros(xy: tuple) -> None:
    got = autodiff.grad(f_xyw, None, weights=P_UNUSED)(*xy)
    assert_tree(got, np.zeros((2, 5), np.float32))


def test_frozen_parameter_in_weights_gets_zeros(xy: tuple) -> None:
    x, y = xy
    got = autodiff.grad(f_frozen, 0, weights=[P_FROZEN, P1])(x, y)
    # the frozen Parameter is still a constant of the forward pass: dx includes P_FROZEN
    assert_tree(got, (fd(f_frozen, xy, 0),
                      (np.zeros(3), fd_param(f_frozen, xy, P1))))
    p1 = P1.view(np.ndarray)
    assert_tree(got[0], P_FROZEN.view(np.ndarray) + p1 @ (y * (1 - np.tanh(x @ p1) ** 2)))


def test_frozen_parameter_alone_gets_zeros(xy: tuple) -> None:
    assert_tree(autodiff.grad(f_frozen, None, weights=P_FROZEN)(*xy), np.zeros(3))
    assert_tree(autodiff.grad(f_frozen, None, weights=[P_FROZEN])(*xy), (np.zeros(3),))


# ---- dtypes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_array_dtype_is_preserved(dtype: Any, ac: tuple) -> None:
    a, c = (v.astype(dtype) for v in ac)
    got = autodiff.grad(f_two, (0, 1))(a, c)
    expected = (fd(f_two, (a, c), 0).astype(dtype), fd(f_two, (a, c), 1).astype(dtype))
    tol = (RTOL32, ATOL32) if dtype == np.float32 else (RTOL, ATOL)
    assert_tree(got, expected, *tol)


def test_mixed_dtypes_each_keep_their_own(ac: tuple) -> None:
    a, c = ac[0].astype(np.float32), ac[1]
    got = autodiff.grad(f_mixed, (0, 1))(a, c)
    a64 = a.astype(np.float64)
    assert_tree(got, (np.cos(c).astype(np.float32), -a64 * np.sin(c)), RTOL32, ATOL32)


def test_float32_parameter_gives_float32_gradient(xy: tuple) -> None:
    x, y = (v.astype(np.float32) for v in xy)
    got = autodiff.grad(f_p32, None, weights=[P32])(x, y)
    p = P32.view(np.ndarray).astype(np.float64)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    expected = np.outer(x64, y64 * (1 - np.tanh(x64 @ p) ** 2)).astype(np.float32)
    assert_tree(got, (expected,), RTOL32, ATOL32)


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
def test_python_floats_in_python_floats_out(transform: str) -> None:
    s, t = 1.5, 0.3
    got = run(transform, f_scalars, (0, 1))(s, t)
    assert_tree(got, (float(np.sin(t)) + 2 * s, s * float(np.cos(t))))
    assert_tree(got, (fd(f_scalars, (s, t), 0), fd(f_scalars, (s, t), 1)))


@pytest.mark.parametrize("scalar_type", [np.float32, np.float64], ids=["float32", "float64"])
def test_numpy_scalar_keeps_its_type(scalar_type: Any) -> None:
    s, t = scalar_type(1.5), scalar_type(0.3)
    got = autodiff.grad(f_scalars, (0, 1))(s, t)
    expected = (scalar_type(np.sin(0.3) + 3.0), scalar_type(1.5 * np.cos(0.3)))
    assert_tree(got, expected, RTOL32, ATOL32)


# ---- keyword arguments -----------------------------------------------------------------------


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
def test_keyword_arguments_reach_fn(transform: str, ac: tuple) -> None:
    a, c = ac
    got = run(transform, f_kw, (0, 1))(a, c, scale=3.0)
    assert_tree(got, (3.0 * np.sin(c), 3.0 * a * np.cos(c)))
    assert_tree(got, (fd(f_kw, ac, 0, {"scale": 3.0}), fd(f_kw, ac, 1, {"scale": 3.0})))


def test_keyword_passed_input_is_not_a_position(ac: tuple) -> None:
    a, c = ac
    # c passed by keyword: position 0 is a, and there is no position 1
    assert_tree(autodiff.grad(f_kw, 0)(a, c=c), np.sin(c))
    with pytest.raises(IndexError):
        autodiff.grad(f_kw, 1)(a, c=c)


def test_keyword_only_parameter(ac: tuple) -> None:
    a = ac[0]
    value, grads = autodiff.value_and_grad(f_kwonly)(a, scale=2.0)
    assert_value(value, f_kwonly(a, scale=2.0))
    assert_tree(grads, 6.0 * a ** 2)


def test_integer_array_at_a_non_differentiated_position_is_fine(ac: tuple) -> None:
    a = ac[0]
    n = np.array([1, 2, 3])
    assert_tree(autodiff.grad(f_int_constant, 0)(a, n), n.astype(np.float64))


# ---- @differentiable -------------------------------------------------------------------------


def test_differentiable_bare(ac: tuple) -> None:
    a, c = ac
    assert_value(d_bare(a, c), np.sum(np.exp(a) * c))
    assert_tree(d_bare.grad(a, c), np.exp(a) * c)
    assert_tree(d_bare.grad(a, c), fd(d_bare, ac, 0))
    value, grads = d_bare.value_and_grad(a, c)
    assert_value(value, np.sum(np.exp(a) * c))
    assert_tree(grads, np.exp(a) * c)
    assert isinstance(d_bare.grad_source, str) and "def grad_" in d_bare.grad_source
    assert d_bare.__name__ == "d_bare"


def test_differentiable_with_options(ac: tuple) -> None:
    a, c = ac
    assert_value(d_opts(a, c), (np.sum(a * np.sin(c)), a + c))
    assert_tree(d_opts.grad(a, c), ((np.sin(c), a * np.cos(c)), (a + c,)))
    assert "def grad_" in d_opts.grad_source


def test_differentiable_with_options_value_and_grad(ac: tuple) -> None:
    a, c = ac
    value, grads = d_opts.value_and_grad(a, c)
    assert_value(value, (np.sum(a * np.sin(c)), a + c))
    assert_tree(grads, (np.sin(c), a * np.cos(c)))
    assert "def grad_" in d_opts.grad_source


def test_differentiable_with_weights(xy: tuple) -> None:
    assert_tree(d_weights.grad(*xy), (fd_param(d_weights, xy, P1),))
    assert "def grad_" in d_weights.grad_source


# ---- generated source ------------------------------------------------------------------------


def test_source_returns_the_generated_code(xy: tuple) -> None:
    grad_fn = autodiff.grad(f_xyw, (0, 1), weights=[P1])
    text = autodiff.source(grad_fn)
    assert isinstance(text, str) and "def grad_" in text
    assert "h = np.tanh(x @ P1)" in text  # the user's line, as a comment
    compile(text, "<generated>", "exec")  # it is valid Python
    assert "def grad_" in autodiff.source(autodiff.value_and_grad(f_xyw))


def test_inspect_getsource_of_the_generated_function(xy: tuple) -> None:
    grad_fn = autodiff.grad(f_xyw, (0, 1))
    text = inspect.getsource(grad_fn.unit.function)
    assert "def grad_" in text
    assert text.strip().splitlines()[0] in autodiff.source(grad_fn)


def test_source_includes_the_helpers_code() -> None:
    text = autodiff.source(autodiff.grad(uses_helpers))
    assert "_softplus" in text and "_affine" in text
    assert "return np.log(1.0 + np.exp(v))" in text


def test_source_of_a_decorated_function() -> None:
    assert autodiff.source(d_bare) == d_bare.grad_source


def test_source_rejects_a_plain_function() -> None:
    with pytest.raises(TypeError):
        autodiff.source(f_two)


# ---- user helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize("fn, positions", [
    pytest.param(uses_helpers, (0, 1), id="module_level_helpers_chained"),
    pytest.param(uses_pair, 0, id="helper_returning_tuple"),
    pytest.param(uses_kw_helper, 0, id="helper_with_keyword_argument"),
    pytest.param(uses_method, (0, 1), id="method_of_global_instance"),
])
def test_user_helpers(fn: Callable[..., Any], positions: Any, ac: tuple) -> None:
    args = ac[:1] if fn in (uses_pair, uses_kw_helper) else ac
    got = autodiff.grad(fn, positions)(*args)
    if isinstance(positions, int):
        assert_tree(got, fd(fn, args, positions))
    else:
        assert_tree(got, tuple(fd(fn, args, p) for p in positions))


def test_helper_analytic(ac: tuple) -> None:
    a = ac[0]
    assert_tree(autodiff.grad(uses_pair)(a), np.cos(2 * a))
    assert_tree(autodiff.grad(uses_kw_helper)(a), 18.0 * a + 2.0)


def test_method_of_global_instance_with_parameter(ac: tuple) -> None:
    a = ac[0]
    got = autodiff.grad(uses_layer, 0, weights=[LAYER.w])(a)
    assert_tree(got, (fd(uses_layer, (a,), 0), (fd_param(uses_layer, (a,), LAYER.w),)))


def test_closures(ac: tuple) -> None:
    k = 2.5

    def inner(v):
        return np.tanh(k * v)

    def outer(a, c):
        return np.sum(inner(a) * c)

    a, c = ac
    got = autodiff.grad(outer, (0, 1))(a, c)
    assert_tree(got, (k * (1 - np.tanh(k * a) ** 2) * c, np.tanh(k * a)))
    assert_tree(got, (fd(outer, ac, 0), fd(outer, ac, 1)))


def test_closure_over_a_parameter(ac: tuple, rng: np.random.Generator) -> None:
    q = Parameter(rng.standard_normal(3), name="q")

    def scale(v):
        return v * q

    def outer(a):
        return np.sum(np.sin(scale(a)))

    a = ac[0]
    got = autodiff.value_and_grad(outer, 0, weights=q)(a)
    assert_value(got[0], outer(a))
    assert_tree(got[1], (np.cos(a * q.view(np.ndarray)) * q.view(np.ndarray),
                         fd_param(outer, (a,), q)))


# ---- stop_gradient on tuples -----------------------------------------------------------------


def test_stop_gradient_tuple_forward() -> None:
    a, c = np.arange(3.0), np.ones(2)
    out = autodiff.stop_gradient((a, c))
    assert type(out) is tuple and len(out) == 2
    np.testing.assert_array_equal(out[0], a)
    np.testing.assert_array_equal(out[1], c)


@pytest.mark.parametrize("fn", [sg_indexed, sg_unpacked], ids=["indexed", "unpacked"])
def test_stop_gradient_on_a_tuple_blocks_both_items(fn: Callable[..., Any], ac: tuple) -> None:
    a, c = ac
    value, grads = autodiff.value_and_grad(fn, (0, 1))(a, c)
    assert_value(value, np.sum(a * c * np.sin(a)) + np.sum(a ** 2))
    assert_tree(grads, (2 * a, np.zeros(3)))


# ---- check_grads -----------------------------------------------------------------------------


def test_check_grads_passes_on_correct_functions(ac: tuple) -> None:
    assert autodiff.check_grads(f_two, ac) is None
    assert autodiff.check_grads(out_tuple, ac) is None
    assert autodiff.check_grads(f_scalars, (1.5, 0.3)) is None
    assert autodiff.check_grads(f_two, tuple(v.astype(np.float32) for v in ac)) is None


_NAMESPACE: dict[str, Any] = {}
exec("def cube(v):\n    return v * v * v\n", _NAMESPACE)  # a function with no source file
cube_right = _NAMESPACE["cube"]
exec("def cube(v):\n    return v * v * v\n", _NAMESPACE)
cube_wrong = _NAMESPACE["cube"]


def _cube_right_vjp(g, ans, v):
    return g * 3.0 * v * v


def _cube_wrong_vjp(g, ans, v):
    return g * 2.0 * v * v  # deliberately wrong: d(v^3)/dv is 3 v^2


def uses_cube_right(a):
    return np.sum(cube_right(a) * 2.0)


def uses_cube_wrong(a):
    return np.sum(cube_wrong(a) * 2.0)


def test_check_grads_detects_a_wrong_custom_rule(ac: tuple) -> None:
    autodiff.defvjp(cube_right, _cube_right_vjp)
    autodiff.defvjp(cube_wrong, _cube_wrong_vjp)
    a = ac[0]
    # the registered rules are used (the reference here is the analytic 6 a^2)
    assert_tree(autodiff.grad(uses_cube_right)(a), 6.0 * a ** 2)
    assert autodiff.check_grads(uses_cube_right, (a,)) is None
    with pytest.raises(AssertionError):
        autodiff.check_grads(uses_cube_wrong, (a,))


# ---- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
def test_no_position_and_no_weights_is_a_value_error(transform: str) -> None:
    with pytest.raises(ValueError):
        TRANSFORMS[transform](f_two, None)
    with pytest.raises(ValueError):
        TRANSFORMS[transform](f_two, grad_position=None, weights=None)


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("position", [(0, 0), (1, 0, 1), -1, (0, -1), (-2,)],
                         ids=["dup_00", "dup_101", "neg_int", "neg_in_tuple", "neg_1tuple"])
def test_duplicate_or_negative_position_is_a_value_error(transform: str, position: Any) -> None:
    with pytest.raises(ValueError):
        TRANSFORMS[transform](f_two, position)


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("position", [[0], [0, 1]], ids=["list_0", "list_01"])
def test_position_as_list_is_a_type_error(transform: str, position: Any) -> None:
    with pytest.raises(TypeError):
        TRANSFORMS[transform](f_two, position)


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("has_aux", [1, 0, "yes", None, np.bool_(True)],
                         ids=["int1", "int0", "str", "None", "np_bool"])
def test_has_aux_not_a_bool_is_a_type_error(transform: str, has_aux: Any) -> None:
    with pytest.raises(TypeError):
        TRANSFORMS[transform](f_aux_one, 0, has_aux=has_aux)


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("position", [2, (0, 2), (5,)], ids=["int2", "tuple_02", "tuple_5"])
def test_position_out_of_range_is_an_index_error_at_call(transform: str, position: Any,
                                                         ac: tuple) -> None:
    grad_fn = TRANSFORMS[transform](f_two, position)  # no error yet
    with pytest.raises(IndexError):
        grad_fn(*ac)


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("fn", [f_two, out_vector, out_list, out_one_tuple],
                         ids=["single_scalar", "single_array", "list", "one_tuple"])
def test_has_aux_without_an_aux_tuple_is_a_value_error_at_call(
        transform: str, fn: Callable[..., Any], ac: tuple) -> None:
    grad_fn = TRANSFORMS[transform](fn, 0, has_aux=True)  # no error yet
    with pytest.raises(ValueError):
        grad_fn(*ac)


NON_FLOAT_INPUTS = [
    pytest.param(np.array([1, 2, 3]), id="int_array"),
    pytest.param(np.array([1, 2, 3], dtype=np.int32), id="int32_array"),
    pytest.param(np.array([True, False, True]), id="bool_array"),
    pytest.param(2, id="python_int"),
    pytest.param(True, id="python_bool"),
    pytest.param(np.int64(2), id="numpy_int_scalar"),
]


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("bad", NON_FLOAT_INPUTS)
def test_non_float_input_at_differentiated_position_is_a_type_error(
        transform: str, bad: Any, ac: tuple) -> None:
    grad_fn = TRANSFORMS[transform](f_int_constant, (1, 0))  # no error yet
    with pytest.raises(TypeError):
        grad_fn(ac[0], bad)


@pytest.mark.parametrize("weights", [
    pytest.param(np.ones(3), id="bare_array"),
    pytest.param([np.ones(3)], id="list_of_array"),
    pytest.param([P1, np.ones(3)], id="param_and_array"),
    pytest.param((P1, 3.0), id="param_and_float"),
    pytest.param("p1", id="string"),
])
def test_weights_with_a_non_parameter_is_a_type_error(weights: Any, xy: tuple) -> None:
    with pytest.raises(TypeError):
        autodiff.grad(f_xyw, None, weights=weights)(*xy)
    with pytest.raises(TypeError):
        autodiff.value_and_grad(f_xyw, 0, weights=weights)(*xy)


def _shared_adjoint(d, e, x):
    f_ = d + e  # d and e get the same adjoint
    return np.sum(np.sin(f_) * x)


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_inputs_sharing_an_adjoint_get_distinct_arrays(shape: tuple) -> None:
    gradient = autodiff.grad(_shared_adjoint, (0, 1))
    d, e, x = np.full(shape, 0.3), np.full(shape, -0.1), np.full(shape, 1.5)
    for _ in range(3):  # generic code, then code specialized to the shapes
        dd, de = gradient(d, e, x)
        assert not np.shares_memory(dd, de)
        np.testing.assert_allclose(dd, np.cos(d + e) * x)
        dd += 1.0  # writing one leaves the other as it was
        np.testing.assert_allclose(de, np.cos(d + e) * x)
