"""Programs in HIPS autograd's and JAX's styles (``styles_autograd.py``, ``styles_jax.py``),
differentiated with respect to their parameter pytree: ``value_and_grad`` against central finite
differences over every leaf and against autograd on the same source; ``jvp`` against the
finite-difference directional derivative; ``hessian`` against second differences for the programs
whose parameter is one array.

Programs autodiff gets wrong or rejects are marked ``xfail(strict=True)`` with what breaks.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import pathlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
import scipy.signal
from scipy import special, stats

import autodiff

_HERE = pathlib.Path(__file__).parent
EPS = 1e-6


def _load(filename: str, name: str) -> ModuleType:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _HERE / filename)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


AG = _load("styles_autograd.py", "autodiff_styles_autograd")
JX = _load("styles_jax.py", "autodiff_styles_jax")


def _on_autograd(filename: str) -> ModuleType | None:
    """The same source with ``np``/``special``/``stats``/... bound to autograd's wrappers."""
    try:
        import autograd.numpy as anp
        import autograd.scipy.linalg
        import autograd.scipy.signal
        import autograd.scipy.special
        import autograd.scipy.stats
        import autograd.scipy.stats.multivariate_normal
    except ImportError:
        return None
    module = _load(filename, "autograd_" + filename[:-3])
    module.np = anp
    module.special = autograd.scipy.special
    module.stats = autograd.scipy.stats
    module.slinalg = autograd.scipy.linalg
    if hasattr(module, "signal"):
        module.signal = autograd.scipy.signal
    return module


# ---- pytrees: leaves, rebuild, finite differences ---------------------------------------------


def _is_namedtuple(tree: Any) -> bool:
    return isinstance(tree, tuple) and hasattr(tree, "_fields")


def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _leaves(item)]
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in _leaves(tree[key])]
    return [tree]


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    if _is_namedtuple(tree):
        return type(tree)(*(_rebuild(item, leaves) for item in tree))
    if isinstance(tree, (tuple, list)):
        return type(tree)(_rebuild(item, leaves) for item in tree)
    if isinstance(tree, dict):
        rebuilt = {key: _rebuild(tree[key], leaves) for key in sorted(tree)}
        return {key: rebuilt[key] for key in tree}
    leaf = leaves.pop(0)
    return float(leaf) if isinstance(tree, float) else leaf


def _flat(tree: Any) -> np.ndarray:
    return np.concatenate([np.ravel(np.asarray(leaf, dtype=np.float64)) for leaf in _leaves(tree)])


def _unflat(tree: Any, vector: np.ndarray) -> Any:
    leaves, start = [], 0
    for leaf in _leaves(tree):
        size = np.size(leaf)
        leaves.append(vector[start:start + size].reshape(np.shape(leaf)))
        start += size
    return _rebuild(tree, leaves)


def _bind(fn: Callable, rest: tuple) -> Callable:
    """``params -> fn(params, *rest)`` written without star-unpacking (see the separate test)."""
    if len(rest) == 0:
        return lambda tree: fn(tree["params"])
    if len(rest) == 1:
        return lambda tree: fn(tree["params"], rest[0])
    if len(rest) == 2:
        return lambda tree: fn(tree["params"], rest[0], rest[1])
    return lambda tree: fn(tree["params"], rest[0], rest[1], rest[2])


def _bind_array(fn: Callable, rest: tuple) -> Callable:
    """``params -> fn(params, *rest)`` for a parameter that is one array."""
    if len(rest) == 0:
        return fn
    if len(rest) == 1:
        return lambda params: fn(params, rest[0])
    if len(rest) == 2:
        return lambda params: fn(params, rest[0], rest[1])
    return lambda params: fn(params, rest[0], rest[1], rest[2])


def _on_vector(fn: Callable, args: tuple) -> Callable:
    return lambda vector: fn(_unflat(args[0], vector), *args[1:])


def _numeric_gradient(fn: Callable, vector: np.ndarray) -> np.ndarray:
    grad = np.zeros_like(vector)
    for i in range(vector.size):
        step = np.zeros_like(vector)
        step[i] = EPS
        grad[i] = (fn(vector + step) - fn(vector - step)) / (2 * EPS)
    return grad


def _numeric_hessian(fn: Callable, x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    n = x.size
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            hess[i, j] = (fn(x + ei + ej) - fn(x + ei - ej) - fn(x - ei + ej)
                          + fn(x - ei - ej)) / (4 * h * h)
    return hess


# ---- the programs and their inputs ------------------------------------------------------------


def _mlp(rng: np.random.Generator, sizes: tuple[int, ...], scale: float = 0.5) -> list[tuple]:
    return [(scale * rng.normal(size=(m, n)), scale * rng.normal(size=n))
            for m, n in itertools.pairwise(sizes)]


def _one_hot(rng: np.random.Generator, shape: tuple[int, ...], classes: int) -> np.ndarray:
    return np.eye(classes)[rng.integers(0, classes, size=shape)]


def _autograd_cases(r: np.random.Generator) -> list[tuple]:
    x_gp = np.linspace(-2.0, 2.0, 6)[:, None]
    seq = _one_hot(r, (4, 2), 3)
    lstm = {name: 0.4 * r.normal(size=(3 + 4 + 1, 4))
            for name in ("change", "forget", "ingate", "outgate")}
    lstm.update({"init hiddens": 0.3 * r.normal(size=(1, 4)),
                 "init cells": 0.3 * r.normal(size=(1, 4)),
                 "predict": 0.4 * r.normal(size=(4 + 1, 3))})
    bump = np.exp(-((np.arange(6)[:, None] - 2.5) ** 2 + (np.arange(6)[None, :] - 2.5) ** 2))
    cases = [
        ("nn_log_posterior", AG.objective_nn_log_posterior,
         (_mlp(r, (3, 5, 3)), r.normal(size=(6, 3)), _one_hot(r, (6,), 3))),
        ("gp_factory", AG.objective_gp,
         (np.array([0.1, -1.0, 0.2, -0.3]), x_gp, np.sin(2 * x_gp[:, 0]),
          np.array([[-0.5], [0.7]]))),
        ("black_box_svi", AG.objective_black_box_svi, (np.array([0.2, -0.4, -0.5, 0.1]),)),
        ("bayesian_nn_generator", AG.objective_bayesian_nn,
         (0.5 * r.normal(size=(2, 13)), np.linspace(-1, 1, 5)[:, None],
          np.cos(np.linspace(-1, 1, 5))[:, None])),
        ("rnn_nested_cells", AG.objective_rnn,
         ({"init hiddens": 0.3 * r.normal(size=(1, 4)), "change": 0.4 * r.normal(size=(8, 4)),
           "predict": 0.4 * r.normal(size=(5, 3))}, seq, np.roll(seq, -1, axis=0))),
        ("lstm_tuple_state", AG.objective_lstm, (lstm, seq, np.roll(seq, -1, axis=0))),
        ("convnet_layer_objects", AG.objective_convnet,
         ((0.4 * r.normal(size=AG.CONV.parser.N), 0.4 * r.normal(size=AG.DENSE.parser.N)),
          r.normal(size=(2, 6, 6)), _one_hot(r, (2,), 3))),
        ("fluid_advection_mod", AG.objective_fluid,
         ((0.4 * r.normal(size=(6, 6)), 0.4 * r.normal(size=(6, 6))), bump, np.roll(bump, 1))),
        ("rkhs_object", AG.objective_rkhs,
         (r.normal(size=3), r.normal(size=(3, 2)), r.normal(size=(4, 2)), r.normal(size=4))),
        ("ode_net_rk4_lambda", AG.objective_ode_net,
         ((_mlp(r, (2, 4, 2)), 0.1), np.array([1.0, -0.5]), r.normal(size=(5, 2)))),
        ("mixture_vi_dicts", AG.objective_mixture_vi,
         ([{"mean": -0.5, "log_std": -0.2, "logit": 0.1},
           {"mean": 1.0, "log_std": 0.1, "logit": -0.3}],)),
        ("gaussian_fit_cholesky", AG.objective_gaussian_fit,
         ((np.array([0.1, -0.2]), 0.3 * r.normal(size=4)), r.normal(size=(7, 2)))),
    ]
    rewritten = {"nn_log_posterior": AG.objective_nn_log_posterior_rewritten,
                 "gp_factory": AG.objective_gp_rewritten,
                 "black_box_svi": AG.objective_black_box_svi_rewritten,
                 "bayesian_nn_generator": AG.objective_bayesian_nn_rewritten,
                 "rnn_nested_cells": AG.objective_rnn_rewritten,
                 "ode_net_rk4_lambda": AG.objective_ode_net_rewritten}
    return cases + [(name + "_rewritten", rewritten[name], args)
                    for name, _, args in cases if name in rewritten]


def _jax_cases(r: np.random.Generator) -> list[tuple]:
    attn = {name: 0.4 * r.normal(size=(4, 4)) for name in ("wq", "wk", "wv", "wo")}
    gru = {name: 0.4 * r.normal(size=(2, 3)) for name in ("wz", "wr", "wh")}
    gru.update({name: 0.4 * r.normal(size=(3, 3)) for name in ("uz", "ur", "uh")})
    gru["out"] = 0.4 * r.normal(size=(3, 1))
    angles = np.array([[0.0, 0.0], [1.1, 0.1], [0.3, 1.2], [1.4, 1.3]])
    h = r.normal(size=(4, 4)) + 1j * r.normal(size=(4, 4))
    cases = [
        ("mnist_style", JX.objective_mnist_style,
         (JX.init_network_params([4, 5, 3], 0), r.normal(size=(6, 4)), r.integers(0, 3, 6))),
        ("cookbook_logistic", JX.objective_cookbook_logistic,
         (r.normal(size=3), 0.3, r.normal(size=(8, 3)), (r.random(8) > 0.5).astype(float))),
        ("pytree_tree_map", JX.objective_pytree,
         ({"encoder": [{"w": 0.5 * r.normal(size=(3, 4)), "b": 0.1 * r.normal(size=4)},
                       {"w": 0.5 * r.normal(size=(4, 2)), "b": 0.1 * r.normal(size=2)}],
           "decoder": ({"w": 0.5 * r.normal(size=(2, 3))}, 1.3)},
          r.normal(size=(5, 3)), r.normal(size=(5, 3)))),
        ("gp_cho_solve", JX.objective_gp_cho,
         ({"amplitude": 0.5, "length_scale": 0.2, "noise": -2.0}, r.normal(size=(5, 2)),
          r.normal(size=5))),
        ("transformer_block", JX.objective_transformer_block,
         ({"attn": attn, "ln1": (1.0 + 0.1 * r.normal(size=4), 0.1 * r.normal(size=4)),
           "ln2": (1.0 + 0.1 * r.normal(size=4), 0.1 * r.normal(size=4)),
           "mlp": {"w1": 0.4 * r.normal(size=(4, 6)), "w2": 0.4 * r.normal(size=(6, 4))}},
          r.normal(size=(3, 4)))),
        ("lennard_jones_periodic", JX.objective_lennard_jones,
         (angles + 0.1 * r.normal(size=(4, 2)),)),
        ("spectral_poisson", JX.objective_spectral_poisson, (r.normal(size=8),)),
        ("quantum_energy_complex", JX.objective_quantum_energy,
         (r.normal(size=4), h + h.conj().T)),
        ("kalman_float_state", JX.objective_kalman,
         ((-1.0, -0.5, 0.8), r.normal(size=6))),
        ("robust_regression_order_stats", JX.objective_robust_regression,
         (r.normal(size=3), r.normal(size=(11, 3)), r.normal(size=11))),
        ("scan_gru_partial", JX.objective_scan_gru,
         (gru, r.normal(size=(4, 2)), r.normal(size=(4, 1)))),
        ("mixture_density_network", JX.objective_mdn,
         (_mlp(r, (1, 5, 9)), r.normal(size=(6, 1)), r.normal(size=6))),
        ("namedtuple_double_where", JX.objective_namedtuple_poisson,
         (JX.LinearParams(0.3 * r.normal(size=3), 0.2), r.normal(size=(6, 3)),
          r.integers(0, 4, 6).astype(float))),
        ("pca_svd_eigvalsh", JX.objective_pca, (r.normal(size=(6, 3)),)),
        ("negative_binomial_special", JX.objective_negative_binomial,
         ({"log_r": 0.4, "w": 0.3 * r.normal(size=3)}, r.normal(size=(6, 3)),
          r.integers(0, 5, 6).astype(float))),
        ("heavy_tails_stats", JX.objective_heavy_tails,
         ((0.1, -0.2, 0.5, 0.3), r.normal(size=7))),
    ]
    rewritten = {"pytree_tree_map": JX.objective_pytree_rewritten,
                 "gp_cho_solve": JX.objective_gp_cho_rewritten,
                 "transformer_block": JX.objective_transformer_block_rewritten,
                 "scan_gru_partial": JX.objective_scan_gru_rewritten,
                 "namedtuple_double_where": JX.objective_namedtuple_poisson_rewritten}
    return cases + [(name + "_rewritten", rewritten[name], args)
                    for name, _, args in cases if name in rewritten]


def _all_cases() -> list[tuple]:
    rng = np.random.default_rng(11)
    autograd_cases = [("autograd_" + name, "styles_autograd.py", fn, args)
                      for name, fn, args in _autograd_cases(rng)]
    jax_cases = [("jax_" + name, "styles_jax.py", fn, args) for name, fn, args in _jax_cases(rng)]
    return autograd_cases + jax_cases


CASES = _all_cases()
HESSIAN_CASES = {"jax_cookbook_logistic", "jax_lennard_jones_periodic", "jax_spectral_poisson",
                 "jax_quantum_energy_complex", "jax_pca_svd_eigvalsh",
                 "autograd_black_box_svi", "autograd_bayesian_nn_generator"}

# ---- known autodiff bugs: case id -> what breaks ----------------------------------------------

_CALLS_RUNTIME = ("clear error: '{}(...) calls a function or object created when the function"
                  " runs'")
_REJECTED = {
    "autograd_bayesian_nn_generator": _CALLS_RUNTIME.format("logprob"),
    "jax_pytree_tree_map":
        "clear error: 'a lambda that is not assigned to a name and called is not supported'",
    "jax_transformer_block":
        "clear error: 'star-unpacking (*items) of differentiated values is not supported'",
}
_NAMEDTUPLE_GRAD = ("clear error: NamedTuple parameter: '.b(...) calls a method of a value known"
                    " only when the function runs'")
_NAMEDTUPLE_JVP = "clear error: NamedTuple parameter: '.w has no gradient rule and no Python source'"
GRAD_BUGS: dict[str, str] = {
    **_REJECTED,
    "autograd_rkhs_object": "clear error: an object built inside the function and called:"
                            " 'g(...) calls a function or object created when the function runs'",
    "jax_namedtuple_double_where": _NAMEDTUPLE_GRAD,
    "jax_namedtuple_double_where_rewritten": _NAMEDTUPLE_GRAD,
}
JVP_BUGS: dict[str, str] = {
    **_REJECTED,
    "autograd_rkhs_object": "clear error: an object built inside the function:"
                            " 'KernelExpansion has no gradient rule and no Python source'",
    "jax_namedtuple_double_where": _NAMEDTUPLE_JVP,
    "jax_namedtuple_double_where_rewritten": _NAMEDTUPLE_JVP,
}
HESSIAN_BUGS: dict[str, str] = {
    "autograd_bayesian_nn_generator": _CALLS_RUNTIME.format("logprob"),
}


def _params(bugs: dict[str, str], only: set[str] | None = None) -> list[object]:
    params = []
    for name, filename, fn, args in CASES:
        if only is not None and name not in only:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=bugs[name])] if name in bugs else []
        params.append(pytest.param(filename, fn, args, id=name, marks=marks))
    return params


@pytest.mark.parametrize(("filename", "fn", "args"), _params(GRAD_BUGS))
def test_value_and_grad_match_finite_differences(filename: str, fn: Callable,
                                                 args: tuple) -> None:
    value, grad = autodiff.value_and_grad(fn)(*args)
    assert value == pytest.approx(fn(*args), rel=1e-10, abs=1e-10)
    expected = _numeric_gradient(_on_vector(fn, args), _flat(args[0]))
    assert [np.shape(leaf) for leaf in _leaves(grad)] == [np.shape(leaf)
                                                          for leaf in _leaves(args[0])]
    np.testing.assert_allclose(_flat(grad), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("filename", "fn", "args"), _params(GRAD_BUGS))
def test_grad_matches_autograd(filename: str, fn: Callable, args: tuple) -> None:
    programs = _on_autograd(filename)
    if programs is None:
        pytest.skip("autograd is not installed")
    import autograd

    try:
        expected = autograd.grad(getattr(programs, fn.__name__))(*args)
    except Exception as error:  # autograd lacks the function: its gap, not autodiff's
        pytest.skip(f"autograd itself fails: {type(error).__name__}: {error}")
    got = autodiff.grad(fn)(*args)
    np.testing.assert_allclose(_flat(got), _flat(expected), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("filename", "fn", "args"), _params(JVP_BUGS))
def test_jvp_matches_finite_differences(filename: str, fn: Callable, args: tuple) -> None:
    flat = _flat(args[0])
    direction = np.cos(1.7 * np.arange(flat.size))
    tangent = _unflat(args[0], direction)
    value, derivative = autodiff.jvp(_bind(fn, args[1:]), ({"params": args[0]},),
                                     ({"params": tangent},))
    on_vector = _on_vector(fn, args)
    expected = (on_vector(flat + EPS * direction) - on_vector(flat - EPS * direction)) / (2 * EPS)
    assert value == pytest.approx(fn(*args), rel=1e-10, abs=1e-10)
    assert float(derivative) == pytest.approx(expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize(("filename", "fn", "args"), _params(HESSIAN_BUGS, HESSIAN_CASES))
def test_hessian_matches_second_differences(filename: str, fn: Callable, args: tuple) -> None:
    got = autodiff.hessian(_bind_array(fn, args[1:]))(args[0])
    shape = np.shape(args[0])
    expected = _numeric_hessian(lambda flat: fn(flat.reshape(shape), *args[1:]), _flat(args[0]))
    np.testing.assert_allclose(np.asarray(got).reshape(expected.shape), expected,
                               rtol=1e-4, atol=1e-5)


# ---- minimal reproducers of what the programs above found (reason: what still breaks; None: fixed)

def _cell(w, h):
    return np.tanh(w * h)


class _Scaled:
    def __init__(self, scale):
        self.scale = scale

    def __call__(self, x):
        return self.scale * np.sin(x)


def _star_helper(*xs):
    return xs[0] * xs[1] + xs[2]


def _hermitian(x):
    return np.array([[x[0] + 2.0, x[1] + 1j * x[2]], [x[1] - 1j * x[2], x[3] + 2.0]])


def _complex_matrix(x):
    z = x * (1 + 0.5j) + np.array([0.1j, 0.3, -0.2j, 0.4j])
    return z.reshape(2, 2) + 2 * np.eye(2)


_CONST = np.array([0.5, 1.0, -0.3, 0.2])


def _make_cell(a):
    return lambda h: np.tanh(a * h)


def vdot_complex(x):
    return np.real(np.vdot(x[:2] * (1 + 2j), np.array([1 + 1j, 2.0])))


def partial_closure(x):
    return np.sum(functools.partial(_cell, x)(_CONST))


def partial_active_argument(x):
    return np.sum(functools.partial(_cell, x[0])(x[1:3]))


def object_call(x):
    return np.sum(_Scaled(x)(_CONST))


def factory_lambda(x):
    return np.sum(_make_cell(x)(_CONST))


def local_import(x):
    import math

    return np.sum(x) * math.pi


def object_attribute(x):
    scaled = _Scaled(x)
    return np.sum(scaled.scale[1:] * 2.0)


def norm_complex(x):
    return np.linalg.norm(x * (1 + 1j))


def norm_complex_axis(x):
    return np.sum(np.linalg.norm(_complex_matrix(x), axis=0))


def var_complex(x):
    return np.var(x * (1 + 1j))


def eigvalsh_hermitian(x):
    return np.linalg.eigvalsh(_hermitian(x))[1]


def eigh_hermitian(x):
    return np.linalg.eigh(_hermitian(x))[0][1]


def svd_complex(x):
    return np.sum(np.linalg.svd((x * 1j).reshape(2, 2), compute_uv=False))


def qr_complex(x):
    return np.abs(np.linalg.qr((x * 1j).reshape(2, 2))[1][0, 1])


def cholesky_complex(x):
    m = _complex_matrix(x)
    return np.sum(np.abs(np.linalg.cholesky(m @ m.conj().T)))


def star_args_helper(x):
    return _star_helper(x[0], x[1], x[2])


def frozen_distribution(x):
    return np.sum(stats.norm(x[0], 1.5).logpdf(x[1:]))


def frozen_multivariate_normal(x):
    return stats.multivariate_normal(x[:2], np.eye(2)).logpdf(x[2:])


def cauchy_logpdf(x):
    return np.sum(stats.cauchy.logpdf(x))


def multinomial_logpmf(x):
    return stats.multinomial.logpmf(np.array([1, 0, 2, 1]), 4, special.softmax(x))


class _Pair(NamedTuple):
    w: np.ndarray
    b: float


def _pair_loss(pair):
    return np.sum(np.tanh(pair.w)) * pair.b


def namedtuple_attribute(x):
    return _pair_loss(_Pair(x[:3], 2.0))


def star_shape(x):
    noise = np.random.RandomState(0).randn(2, *x.shape)
    return np.sum(noise * x)


def np_put(x):
    y = np.zeros(6)
    np.put(y, [0, 2, 4, 5], x)
    return np.sum(y ** 2 * np.arange(6.0))


def np_copyto(x):
    y = np.zeros(4)
    np.copyto(y, x)
    return np.sum(y ** 2)


def np_fill_diagonal(x):
    m = np.zeros((4, 4))
    np.fill_diagonal(m, x)
    return np.sum(m ** 2)


def np_place(x):
    y = np.zeros(5)
    np.place(y, np.array([True, False, True, True, True]), x)
    return np.sum(y ** 2)


def np_putmask(x):
    y = np.zeros(4)
    np.putmask(y, np.array([True, True, False, True]), x)
    return np.sum(y ** 2)


def np_put_along_axis(x):
    y = np.zeros(5)
    np.put_along_axis(y, np.array([0, 1, 3, 4]), x, axis=0)
    return np.sum(y ** 2)


def builtin_sum_over_array(x):
    return sum(x ** 2)


def builtin_sum_over_matrix(x):
    rows = x.reshape(2, -1)
    return np.sum(np.sin(sum(rows ** 2, 1.0)))


def numpy_scalar_constructor(x):
    return np.float64(x[0]) * x[1] + np.sum(x)


def lambda_star_closure(x):
    return _bind_star(np.sum, (None,))(x)


def _bind_star(fn, rest):
    return lambda x: fn(x * 2.0, *rest[1:])


def hessian_einsum_ellipsis(x):
    a = x.reshape(1, 2, 2)
    return np.sum(np.einsum("...ij,...kj->...ik", a, a) ** 2)


def hessian_array_of_list(x):
    return np.sum(np.array([x[0], x[1] ** 2, 0.5]) ** 3)


_IN_PLACE = "clear error: '{}(...) writes into its first argument in place'"
REPRODUCERS = [
    ("np_put", np_put, "grad", _IN_PLACE.format("np.put")),
    ("np_put_jvp", np_put, "jvp", _IN_PLACE.format("np.put") + " (forward)"),
    ("np_copyto", np_copyto, "grad", _IN_PLACE.format("np.copyto")),
    ("np_fill_diagonal", np_fill_diagonal, "grad", _IN_PLACE.format("np.fill_diagonal")),
    ("np_place", np_place, "grad", _IN_PLACE.format("np.place")),
    ("np_putmask", np_putmask, "grad", _IN_PLACE.format("np.putmask")),
    ("np_put_along_axis", np_put_along_axis, "grad", _IN_PLACE.format("np.put_along_axis")),
    ("builtin_sum_over_array", builtin_sum_over_array, "grad", None),
    ("builtin_sum_over_matrix", builtin_sum_over_matrix, "grad", None),
    ("builtin_sum_over_matrix_jvp", builtin_sum_over_matrix, "jvp", None),
    ("builtin_sum_over_matrix_hessian", builtin_sum_over_matrix, "hessian", None),
    ("vdot_complex", vdot_complex, "grad", None),
    ("partial_closure", partial_closure, "grad", None),
    ("partial_closure_jvp", partial_closure, "jvp", None),
    ("object_call", object_call, "grad", None),
    ("object_call_jvp", object_call, "jvp", None),
    ("factory_lambda", factory_lambda, "grad", None),
    ("partial_active_argument", partial_active_argument, "grad", None),
    ("local_import", local_import, "grad", None),
    ("norm_complex", norm_complex, "grad", None),
    ("norm_complex_jvp", norm_complex, "jvp", None),
    ("norm_complex_axis", norm_complex_axis, "grad", None),
    ("var_complex", var_complex, "grad", None),
    ("var_complex_jvp", var_complex, "jvp", None),
    ("eigvalsh_hermitian", eigvalsh_hermitian, "grad", None),
    ("eigh_hermitian", eigh_hermitian, "grad", None),
    ("eigh_hermitian_jvp", eigh_hermitian, "jvp", None),
    ("svd_complex", svd_complex, "grad", None),
    ("qr_complex", qr_complex, "grad", None),
    ("cholesky_complex", cholesky_complex, "grad", None),
    ("object_attribute", object_attribute, "grad", None),
    ("star_args_helper", star_args_helper, "grad", None),
    ("lambda_star_closure", lambda_star_closure, "grad",
     "clear but misdiagnosed error: star-unpacking a closure tuple of constants is rejected as"
     " 'star-unpacking (*items) of differentiated values is not supported'"),
    ("frozen_distribution", frozen_distribution, "grad", None),
    ("frozen_multivariate_normal", frozen_multivariate_normal, "grad", None),
    ("cauchy_logpdf", cauchy_logpdf, "grad", None),
    ("multinomial_logpmf", multinomial_logpmf, "grad", None),
    ("namedtuple_attribute", namedtuple_attribute, "grad", None),
    ("star_shape", star_shape, "grad", None),
    ("numpy_scalar_constructor", numpy_scalar_constructor, "grad", None),
    ("hessian_einsum_ellipsis", hessian_einsum_ellipsis, "hessian", None),
    ("hessian_array_of_list", hessian_array_of_list, "hessian", None),
]


def _reproducer_params() -> list[object]:
    return [pytest.param(fn, mode, id=name,
                         marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else [])
            for name, fn, mode, reason in REPRODUCERS]


@pytest.mark.parametrize(("fn", "mode"), _reproducer_params())
def test_minimal_reproducer(fn: Callable, mode: str) -> None:
    x = np.array([0.6, -0.35, 0.8, 1.2])
    if mode == "hessian":
        np.testing.assert_allclose(autodiff.hessian(fn)(x), _numeric_hessian(fn, x),
                                   rtol=1e-4, atol=1e-5)
        return
    expected = _numeric_gradient(fn, x)
    if mode == "jvp":
        tangent = np.cos(np.arange(4.0))
        _, derivative = autodiff.jvp(fn, (x,), (tangent,))
        assert float(np.real(derivative)) == pytest.approx(float(expected @ tangent), rel=1e-5,
                                                           abs=1e-6)
        return
    np.testing.assert_allclose(autodiff.grad(fn)(x), expected, rtol=1e-5, atol=1e-6)


def _tuple_pair(pair):
    weights, bias = pair
    return np.sum(np.tanh(weights * 2.0)) + np.sum(bias ** 2)


def test_jvp_accepts_tuple_pytree_primal() -> None:
    pair = (np.array([0.3, -0.2]), np.array([0.1, 0.4, -0.5]))
    tangent = (np.array([1.0, 0.5]), np.array([-0.3, 0.2, 0.7]))
    _, derivative = autodiff.jvp(_tuple_pair, (pair,), (tangent,))
    expected = (_tuple_pair((pair[0] + EPS * tangent[0], pair[1] + EPS * tangent[1]))
                - _tuple_pair((pair[0] - EPS * tangent[0], pair[1] - EPS * tangent[1]))) / (2 * EPS)
    assert float(derivative) == pytest.approx(expected, rel=1e-6)


# ---- everyday numpy (beyond autograd's list) a user reaches for; some have no rule yet --------


def average(x):
    return np.average(x, weights=np.exp(x))


def cov(x):
    return np.sum(np.cov(x.reshape(2, 2)))


def corrcoef(x):
    return np.corrcoef(x, x ** 2)[0, 1]


def ptp(x):
    return np.ptp(x) ** 2


def meshgrid(x):
    a, b = np.meshgrid(x[:2], x[2:])
    return np.sum(a * b ** 2)


def bincount_weights(x):
    return np.sum(np.bincount(np.array([0, 1, 1, 2]), weights=x) ** 2)


def logspace(x):
    return np.sum(np.logspace(x[0], x[1], 4))


def geomspace(x):
    return np.sum(np.geomspace(np.exp(x[0]), np.exp(x[3]), 4))


def ediff1d(x):
    return np.sum(np.ediff1d(x) ** 2)


def choose(x):
    return np.sum(np.choose([0, 1, 0, 1], [x, x ** 2]))


def float_power(x):
    return np.sum(np.float_power(np.abs(x), 1.5))


def cumulative_sum(x):
    return np.sum(np.cumulative_sum(x) ** 2)


def linalg_cond(x):
    return np.linalg.cond(x.reshape(2, 2))


def special_huber(x):
    return np.sum(special.huber(0.5, x))


def binom_logpmf(x):
    return np.sum(stats.binom.logpmf(2, 5, special.expit(x)))


def lognorm_logpdf(x):
    return np.sum(stats.lognorm.logpdf(x ** 2 + 0.1, 0.5))


EVERYDAY = [average, cov, corrcoef, ptp, meshgrid, bincount_weights, logspace, geomspace, ediff1d,
            choose, float_power, cumulative_sum, linalg_cond, special_huber, binom_logpmf,
            lognorm_logpdf]
_EVERYDAY_WITHOUT_RULE: set[Callable] = set()


def _everyday_marks(fn: Callable) -> list[object]:
    if fn not in _EVERYDAY_WITHOUT_RULE:
        return []
    return [pytest.mark.xfail(strict=True,
                              reason=f"missing rule, clear error: '{fn.__name__} ... has no gradient rule'")]


@pytest.mark.parametrize("fn", [pytest.param(fn, id=fn.__name__, marks=_everyday_marks(fn))
                                for fn in EVERYDAY])
def test_everyday_numpy(fn: Callable) -> None:
    x = np.array([0.6, -0.35, 0.8, 1.2])
    np.testing.assert_allclose(autodiff.grad(fn)(x), _numeric_gradient(fn, x),
                               rtol=1e-5, atol=1e-6)


# ---- scipy functions without a rule: a clear error names the function ('<name> has no ---------
# ---- gradient rule (autodiff differentiates your code from its source, ...)') -----------------


def lu_solve(x):
    a = x.reshape(2, 2) + 3 * np.eye(2)
    return np.sum(scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), np.array([1.0, 2.0])))


def scipy_eigh(x):
    a = x.reshape(2, 2)
    return np.sum(scipy.linalg.eigh(a + a.T, eigvals_only=True) * np.array([1.0, 2.0]))


def scipy_svdvals(x):
    return np.sum(scipy.linalg.svdvals(x.reshape(2, 2)))


def scipy_norm(x):
    return scipy.linalg.norm(x.reshape(2, 2))


def scipy_toeplitz(x):
    return np.sum(scipy.linalg.toeplitz(x) ** 2 * np.arange(16.0).reshape(4, 4))


def scipy_trapezoid(x):
    return scipy.integrate.trapezoid(x ** 2, dx=0.5)


def scipy_cumulative_trapezoid(x):
    return np.sum(scipy.integrate.cumulative_trapezoid(x ** 2, dx=0.5))


def scipy_fftconvolve(x):
    return np.sum(scipy.signal.fftconvolve(x, np.array([1.0, 0.5])) ** 2)


def scipy_convolve2d(x):
    return np.sum(scipy.signal.convolve2d(x.reshape(2, 2), np.ones((2, 2))) ** 2)


def scipy_lfilter(x):
    return np.sum(scipy.signal.lfilter([1.0, 0.5], [1.0], x) ** 2)


def scipy_stats_entropy(x):
    return stats.entropy(special.softmax(x))


def scipy_zscore(x):
    return np.sum(stats.zscore(x) * np.arange(4.0))


SCIPY_FROM_SOURCE = [
    (lu_solve, None),
    (scipy_eigh, None),
    (scipy_svdvals, None),
    (scipy_norm, None),
    (scipy_toeplitz, None),
    (scipy_trapezoid, None),
    (scipy_cumulative_trapezoid, None),
    (scipy_fftconvolve, None),
    (scipy_convolve2d, None),
    (scipy_lfilter, None),
    (scipy_stats_entropy, None),
    (scipy_zscore, None),
]


@pytest.mark.parametrize("fn", [
    pytest.param(fn, id=fn.__name__,
                 marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else [])
    for fn, reason in SCIPY_FROM_SOURCE])
def test_scipy_function_without_rule(fn: Callable) -> None:
    x = np.array([0.6, -0.35, 0.8, 1.2])
    np.testing.assert_allclose(autodiff.grad(fn)(x), _numeric_gradient(fn, x),
                               rtol=1e-5, atol=1e-6)
