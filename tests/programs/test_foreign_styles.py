"""Programs in autograd's and JAX's styles (``foreign_styles.py``): the gradient with respect to
the first argument, a pytree of float arrays, agrees with central finite differences."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff

_HERE = pathlib.Path(__file__).parent


def _load_programs() -> Any:
    name = "autodiff_foreign_styles"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _HERE / "foreign_styles.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


P = _load_programs()
EPS = 1e-6


# ---- pytrees of float arrays: flatten, rebuild, finite differences ----------------------------


def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _leaves(item)]
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in _leaves(tree[key])]
    return [tree]


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    if isinstance(tree, (tuple, list)):
        return type(tree)(_rebuild(item, leaves) for item in tree)
    if isinstance(tree, dict):
        return {key: _rebuild(tree[key], leaves) for key in sorted(tree)}
    return leaves.pop(0)


def _numeric_gradient(fn: Callable, args: tuple) -> list[np.ndarray]:
    flat = [np.array(leaf, dtype=np.float64) for leaf in _leaves(args[0])]
    grads = []
    for index, leaf in enumerate(flat):
        grad = np.zeros_like(leaf)
        for position in np.ndindex(leaf.shape):
            values = []
            for step in (EPS, -EPS):
                moved = [item.copy() for item in flat]
                moved[index][position] += step
                first = _rebuild(args[0], [m if m.shape else float(m) for m in moved])
                values.append(fn(first, *args[1:]))
            grad[position] = (values[0] - values[1]) / (2 * EPS)
        grads.append(grad)
    return grads


# ---- the programs and their inputs --------------------------------------------------------------


def _rng() -> np.random.Generator:
    return np.random.default_rng(7)


def _mlp_params(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(0.5 * rng.normal(size=(m, n)), 0.5 * rng.normal(size=n))
            for m, n in ((4, 6), (6, 3))]


def _one_hot(rng: np.random.Generator, rows: int, classes: int) -> np.ndarray:
    return np.eye(classes)[rng.integers(0, classes, size=rows)]


def _cases() -> list[Any]:
    r = _rng()
    spd_x = np.linspace(-2.0, 2.0, 6)
    cases = [
        ("tanh_manual", P.tanh_manual, (r.normal(size=4),)),
        ("logistic_training_loss", P.logistic_training_loss,
         (r.normal(size=3), r.normal(size=(8, 3)), (r.random(8) > 0.5).astype(float))),
        ("mlp_objective_list_of_pairs", P.mlp_objective,
         (_mlp_params(r), r.normal(size=(5, 4)), _one_hot(r, 5, 3))),
        ("dict_mse", P.dict_mse,
         ({"W1": r.normal(size=(3, 4)), "b1": r.normal(size=4), "W2": r.normal(size=(4, 2)),
           "b2": r.normal(size=2)}, r.normal(size=(6, 3)), r.normal(size=(6, 2)))),
        ("einsum_attention", P.einsum_attention,
         ({"Wq": 0.3 * r.normal(size=(4, 4)), "Wk": 0.3 * r.normal(size=(4, 4))},
          r.normal(size=(5, 4)))),
        ("gaussian_log_likelihood_tuple", P.gaussian_log_likelihood,
         ((0.3, -0.2), r.normal(size=10))),
        ("bayesian_logreg_log_posterior", P.bayesian_logreg_log_posterior,
         (0.5 * r.normal(size=3), r.normal(size=(10, 3)), (r.random(10) > 0.5).astype(float))),
        ("mixture_log_likelihood", P.mixture_log_likelihood,
         ((np.array([-1.0, 0.5, 2.0]), np.array([0.1, -0.2, 0.3]), np.array([0.2, 0.0, -0.1])),
          r.normal(size=12))),
        ("gp_marginal_likelihood", P.gp_marginal_likelihood,
         (np.array([0.1, -0.3, -1.0]), spd_x, np.sin(spd_x))),
        ("sawtooth_features", P.sawtooth_features, (np.array([0.35, 1.42, -0.61, 2.27]),)),
        ("interpolated_path", P.interpolated_path, ((0.3, 1.7),)),
        ("robust_statistics", P.robust_statistics,
         (np.array([0.3, -1.2, 2.5, 0.9, -0.4, 1.7, 3.1]),)),
        ("spectral_energy", P.spectral_energy, (r.normal(size=8),)),
        ("complex_rotation", P.complex_rotation, (np.array([0.5, -1.3, 2.0]),)),
        ("svd_nuclear", P.svd_nuclear, (r.normal(size=(4, 3)),)),
        ("eigh_spectrum", P.eigh_spectrum, (r.normal(size=(4, 4)),)),
        ("slogdet_quadratic", P.slogdet_quadratic, (r.normal(size=(3, 3)),)),
        ("convolution_smoothing", P.convolution_smoothing, (r.normal(size=7),)),
        ("stacked_geometry", P.stacked_geometry, (r.normal(size=6),)),
        ("nan_aware_mean", P.nan_aware_mean, (np.array([0.2, 1.9, -0.7, 1.2, 2.4, -1.1]),)),
        ("ufunc_methods", P.ufunc_methods, (r.normal(size=4),)),
        ("polynomial_fit_residual", P.polynomial_fit_residual,
         (np.array([0.5, -1.0, 2.0]), np.linspace(0.0, 1.0, 6), r.normal(size=6))),
        ("split_and_pad", P.split_and_pad, (r.normal(size=6),)),
        ("qr_least_squares", P.qr_least_squares, (r.normal(size=(5, 3)), r.normal(size=5))),
    ]
    return [pytest.param(fn, args, id=name) for name, fn, args in cases]


@pytest.mark.parametrize(("fn", "args"), _cases())
def test_gradient_matches_finite_differences(fn: Callable, args: tuple) -> None:
    value, grad = autodiff.value_and_grad(fn)(*args)
    assert value == pytest.approx(fn(*args), rel=1e-12, abs=1e-12)
    expected = _numeric_gradient(fn, args)
    got = [np.asarray(leaf) for leaf in _leaves(grad)]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
