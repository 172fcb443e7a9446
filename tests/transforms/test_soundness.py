"""No construct gives a silently wrong gradient.

A sweep over the Python constructs the compiler rejects, or might treat as constant (callables,
objects and containers built from differentiated values, side effects, context managers,
exception handling, generators, nested differentiation...). For each program, reverse mode
(``grad``) and forward mode (``jvp``) either raise a clear autodiff error at a line of this file
or agree with central finite differences. Supported constructs stay in the sweep, so a regression
that turns one of them into a silent zero fails here.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings
from typing import NamedTuple

import numpy as np
import pytest

import autodiff

RS = np.random.RandomState(0)
W0 = RS.randn(3, 3) * 0.5
B0 = RS.randn(3) * 0.5
X0 = RS.randn(2, 3)
V0 = RS.randn(3)


# ---- helpers the programs use --------------------------------------------------------------


def make_step(a):
    return lambda x: x - 0.05 * (x ** 2 - a)


def make_step_def(a):
    def step(x):
        return x - 0.05 * (x ** 2 - a)
    return step


def make_layer(W):
    def layer(x):
        return np.tanh(x @ W)
    return layer


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return x @ self.W + self.b


class Linear:
    def __init__(self, W):
        self.W = W

    def apply(self, x):
        return x @ self.W


@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: np.ndarray


class Pair(NamedTuple):
    W: np.ndarray
    b: np.ndarray


def apply(f, x):
    return f(x)


def scaled(W, x):
    return np.tanh(x @ W)


def total(*arrays):
    s = 0.0
    for a in arrays:
        s = s + np.sum(a)
    return s


def with_options(x, **options):
    return np.sum(x * options["scale"])


def parts(v):
    yield v[:2]
    yield v[2:]


def softly(x, nonlinearity=np.tanh):
    return np.sum(nonlinearity(x))


def dense_reassigning(x, act=np.tanh):
    if np.sum(x) > 1e9:
        act = np.cos
    else:
        act = np.sin
    return act(x)


CACHE: list = []
STATE: dict = {}


def _remember(y):
    STATE["y"] = y


def _recall():
    return STATE["y"]


def _add_one_in_place(a):
    a += 1.0


# ---- the sweep ------------------------------------------------------------------------------


def p_factory_lambda(a):
    return make_step(a)(1.4)


def p_factory_def(a):
    return make_step_def(a)(1.4)


def p_layer_list(W1, W2):
    layers = [make_layer(W1), make_layer(W2)]
    x = X0
    for layer in layers:
        x = layer(x)
    return np.sum(x)


def p_object_call(W, b):
    layer = Affine(W, b)
    return np.sum(np.tanh(layer(X0)))


def p_object_method(W):
    return np.sum(Linear(W).apply(X0))


def p_object_attribute(W, b):
    layer = Affine(W, b)
    return np.sum(layer.W * 2.0 + layer.b)


def p_dataclass(W, b):
    p = Params(W, b)
    return np.sum(np.tanh(X0 @ p.W + p.b))


def p_namedtuple(W, b):
    p = Pair(W, b)
    return np.sum(np.tanh(X0 @ p.W + p.b))


def p_closure_to_helper(W):
    f = make_layer(W)
    return np.sum(apply(f, X0))


def p_partial(W):
    f = functools.partial(scaled, W)
    return np.sum(f(X0))


def p_lambda(W):
    f = lambda x: np.tanh(x @ W)  # noqa: E731
    return np.sum(f(X0))


def p_nested_def(W):
    def cell(h):
        return np.tanh(h @ W)
    h = X0
    for _ in range(2):
        h = cell(h)
    return np.sum(h)


def p_dict_literal(x):
    d = {"a": x, "b": 2.0 * x}
    return np.sum(d["a"] * d["b"])


def p_dict_get(x):
    d = {"a": x}
    return np.sum(d.get("a") ** 2)


def p_errstate(x):
    with np.errstate(divide="ignore"):
        y = np.log(x * x)
    return np.sum(y)


def p_catch_warnings(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = np.sin(x)
    return np.sum(y)


def p_try_except(x):
    try:
        y = np.sqrt(x * x + 1.0)
    except ValueError:
        y = x
    return np.sum(y)


def p_generator(v):
    s = 0.0
    for part in parts(v):
        s = s + np.sum(part ** 2)
    return s


def p_generator_expression(v):
    return sum(v[i] ** 2 for i in range(3))


def p_varargs_helper(x):
    return total(x, 2.0 * x)


def p_kwargs_helper(x):
    return with_options(x, scale=3.0)


def p_star_varied(x):
    return np.sum(np.stack([*x]))


def p_star_shape(mean):
    eps = np.random.RandomState(1).randn(*mean.shape)
    return np.sum(mean * eps)


def p_side_effect(x, log=None):
    y = np.sin(x)
    if log:
        log(y)
    return np.sum(y)


def p_print(x):
    y = np.cos(x)
    if x.shape[0] > 100:
        print(y)
    return np.sum(y)


def p_function_default(x):
    return softly(x)


def p_nested_grad(x):
    g = autodiff.grad(lambda y: np.sum(np.sin(y) * x))(x)
    return np.sum(g * x)


def p_float(x):
    return float(np.sum(x)) * np.sum(x)


def p_item(x):
    return np.sum(x).item() * np.sum(x)


def p_tolist(x):
    values = x.tolist()
    return values[0] * values[1]


def p_math(x):
    return math.sin(np.sum(x))


def p_and_or(x):
    y = x > 0.0 and x
    return np.sum(y)


def p_global_list(x):
    CACHE.append(np.sin(x))
    return np.sum(CACHE[-1])


def p_global_dict(x):
    _remember(np.sin(x))
    return np.sum(_recall())


def p_setattr(W, b):
    layer = Affine(W, W)
    setattr(layer, "b", b)  # noqa: B010
    return np.sum(layer(X0))


def p_map(x):
    return np.sum(np.stack(list(map(np.sin, [x, x]))))


def p_vectorize(x):
    return np.sum(np.vectorize(lambda t: t * t)(x))


def p_apply_along_axis(x):
    return np.sum(np.apply_along_axis(lambda row: row * row, 0, x))


def p_local_import(x):
    import numpy
    return numpy.sum(numpy.sin(x))


def p_builtin_max(x):
    return max(np.sum(x), np.sum(x * x))


def p_builtin_sum(x):
    return sum([x[0], x[1], x[2]])


def p_sorted(x):
    return sorted([x[0], x[1], x[2]])[0]


def p_getattr(W, b):
    layer = Affine(W, b)
    return np.sum(getattr(layer, "W"))  # noqa: B009


def p_in_place_helper(x):
    y = x * 1.0
    _add_one_in_place(y)
    return np.sum(y * x)


def p_copy_module(x):
    import copy
    y = copy.copy(x)
    return np.sum(y * y)


def p_conditional_expression(x):
    y = np.sin(x) if np.sum(x) > 0.0 else np.cos(x)
    return np.sum(y)


def p_list_of_lambdas(x):
    fs = [lambda t: np.sin(t), lambda t: t * x]
    s = 0.0
    for f in fs:
        s = s + np.sum(f(x))
    return s


def p_dict_of_functions(x):
    acts = {"tanh": np.tanh, "sin": np.sin}
    return np.sum(acts["tanh"](x) + acts["sin"](x))


def p_closure_reading_later_value(x):
    def g():
        return y * y
    y = np.sin(x)
    return np.sum(g())


def p_reassigned_function_parameter(x):
    return np.sum(dense_reassigning(x))


def p_function_argument(x):
    return np.sum(dense_reassigning(x, np.exp))


def apply_twice(f, x):
    return apply(f, f(x))


def keep_then_call(f, x):
    g = f
    return g(x)


def repeat(f, x, n):
    if n == 0:
        return x
    return repeat(f, f(x), n - 1)


def affine_loss(p, x):
    return np.sum(np.tanh(x @ p.W + p.b))


def unpacking_loss(p, x):
    W, b = p
    return np.sum(np.tanh(x @ W + b))


def p_namedtuple_to_helper(W, b):
    return affine_loss(Pair(W, b * 2.0), X0)


def p_dataclass_to_helper(W, b):
    return affine_loss(Params(W=np.sin(W), b=b), X0) + affine_loss(Params(W, b), X0)


def p_object_to_helper(W, b):
    return affine_loss(Affine(W, b), X0)


def p_namedtuple_unpacked_in_helper(W, b):
    return unpacking_loss(Pair(W, b), X0)


def shifted(f, x):
    X0 = f(x)  # a local named like the module's global the caller reads
    return X0 + 1.0


def p_helper_local_named_like_a_global(W):
    return np.sum(shifted(lambda v: np.tanh(v @ W), X0) * X0)


def make_model(W, scale):
    def features(x):
        return np.tanh(x @ W)

    def predict(x):
        return features(x) * scale

    def penalty():
        return scale * np.sum(W ** 2)

    return predict, penalty, W.shape[0] * 2


def p_factory_of_several_closures(W):
    predict, penalty, width = make_model(W, 0.5)
    return np.sum(predict(X0)) + penalty() * width


def p_factory_closures_unused_and_called(W):
    _, penalty, _ = make_model(np.sin(W), 2.0)
    return penalty()


def p_factory_closure_stored(W):
    predict, penalty, _ = make_model(W, 0.5)
    fns = [predict]
    return np.sum(fns[0](X0)) + penalty()


def p_lambda_to_helper(W):
    return np.sum(apply(lambda x: np.tanh(x @ W), X0))


def p_partial_to_helper(W):
    return np.sum(apply(functools.partial(scaled, W), X0))


def p_def_to_helper(W):
    def layer(x):
        return np.tanh(x @ W) * W[0, 0]
    return np.sum(apply(layer, X0)) + np.sum(layer(X0))


def p_factory_closure_to_helper(W):
    f = make_layer(2.0 * W)
    return np.sum(apply(f, X0))


def p_helper_passing_callable_on(W):
    return np.sum(apply_twice(lambda x: np.tanh(x @ W), X0))


def p_helper_storing_callable(W):
    return np.sum(keep_then_call(lambda x: np.tanh(x @ W), X0))


def p_recursive_helper(W):
    return np.sum(repeat(lambda x: np.tanh(x @ W), X0, 2))


def p_lambda_reading_rebound_name(W):
    w = W
    first = apply(lambda x: x @ w, X0)
    w = np.sin(W)
    return np.sum(first * apply(lambda x: x @ w, X0))


def p_factory_called_per_item(W):
    return np.sum([make_layer(W * w)(X0) for w in W[0]])


def p_factory_called_in_one_branch(W):
    return np.sum(make_layer(W[0:2] @ W)(X0)) if W[0, 0] > -10 else 0.0


def p_factory_called_in_a_loop(W):
    total = 0.0
    for row in W:
        total = total + np.sum(make_layer(W * row[0])(X0))
    return total


PROGRAMS = {name[2:]: fn for name, fn in globals().items() if name.startswith("p_")}

def _arguments(fn) -> tuple:
    names = fn.__code__.co_varnames[:fn.__code__.co_argcount - len(fn.__defaults__ or ())]
    shapes = {"a": (), "W": (3, 3), "W1": (3, 3), "W2": (3, 3), "b": (3,), "x": (3,),
              "v": (4,), "mean": (2, 3)}
    rs = np.random.RandomState(sum(map(ord, fn.__name__)))
    return tuple(float(rs.rand() + 1.5) if shapes[name] == () else rs.randn(*shapes[name]) * 0.5
                 + 0.3 for name in names)


def _scalar(fn, args):
    return float(np.asarray(fn(*args), dtype=float))


def _moved(args: tuple, position: int, index: int, delta: float) -> tuple:
    arg = args[position]
    flat = np.array(arg, dtype=float).reshape(-1)
    flat[index] += delta
    value = float(flat[0]) if np.ndim(arg) == 0 else flat.reshape(np.shape(arg))
    return (*args[:position], value, *args[position + 1:])


def _finite_differences(fn, args, eps=1e-6):
    grads = []
    for position, arg in enumerate(args):
        g = np.zeros(np.size(arg))
        for index in range(g.size):
            g[index] = (_scalar(fn, _moved(args, position, index, eps))
                        - _scalar(fn, _moved(args, position, index, -eps))) / (2 * eps)
        grads.append(g.reshape(np.shape(arg)))
    return grads


def _is_clear(error: Exception) -> bool:
    """An autodiff error placed at a line of this file."""
    return isinstance(error, autodiff.AutodiffError) and isinstance(error, SyntaxError) \
        and error.filename == __file__ and bool(error.lineno)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_reverse_mode_is_exact_or_refuses(name):
    fn = PROGRAMS[name]
    args = _arguments(fn)
    CACHE.clear()
    try:
        computed = autodiff.grad(fn, grad_position=tuple(range(len(args))))(*args)
        computed = computed if len(args) > 1 else (computed,)
    except autodiff.AutodiffError as error:
        assert _is_clear(error), f"{type(error).__name__}: {error}"
        return
    expected = _finite_differences(fn, args)
    for got, want in zip(computed, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_forward_mode_is_exact_or_refuses(name):
    fn = PROGRAMS[name]
    args = _arguments(fn)
    tangents = tuple(np.ones_like(np.asarray(arg)) if np.ndim(arg) else 1.0 for arg in args)
    CACHE.clear()
    try:
        _, computed = autodiff.jvp(fn, args, tangents)
    except autodiff.AutodiffError as error:
        assert _is_clear(error), f"{type(error).__name__}: {error}"
        return
    expected = sum(np.sum(g * t) for g, t in zip(_finite_differences(fn, args), tangents,
                                                 strict=True))
    np.testing.assert_allclose(computed, expected, rtol=1e-5, atol=1e-6)
