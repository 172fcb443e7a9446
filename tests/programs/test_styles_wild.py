"""The foreign-style programs of ``styles_wild.py``, each differentiated with respect to its
parameters in both modes. For each program and mode exactly one of these holds:

- the gradient (``grad``) or the directional derivative (``jvp``) agrees with central finite
  differences (complex parameters: ``d/d re - i d/d im``, docs/complex.md), or
- autodiff raises an ``autodiff.errors.UserCodeError`` (``UnsupportedSyntaxError``,
  ``NoGradientRuleError``) whose location is a line of ``styles_wild.py``.

Never a wrong derivative, never another exception type. ``RAISES`` records, per program and
mode, which programs raise today (the error's class name); it is asserted both ways, so a
program that starts working (or stops) fails here until the entry is updated.
``KNOWN_BUGS`` holds the programs that break the contract today (strict xfails).
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff
from autodiff.errors import UserCodeError

_HERE = pathlib.Path(__file__).parent
_FILE = _HERE / "styles_wild.py"


def _load() -> Any:
    name = "autodiff_styles_wild"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _FILE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


W = _load()
EPS = 1e-6
RTOL = 1e-6  # central differences of these smooth programs are good to ~1e-9 relative
ATOL = 1e-8


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _complex(seed: int, n: int) -> np.ndarray:
    rng = _rng(seed)
    return rng.normal(size=n) + 1j * rng.normal(size=n)


# program name -> its parameters (a fresh value per call)
INPUTS: dict[str, Callable[[], Any]] = {
    "adam_unrolled": lambda: _rng(1).normal(size=3),
    "momentum_sgd_on_layers": lambda: [
        (0.5 * _rng(2).normal(size=(3, 4)), 0.1 * _rng(3).normal(size=4)),
        (0.5 * _rng(4).normal(size=4), 0.3)],
    "masked_mse": lambda: _rng(5).normal(size=3),
    "huber": lambda: _rng(6).normal(size=3),
    "stable_logsumexp_rows": lambda: _rng(7).normal(size=(3, 4)),
    "softmax_cross_entropy": lambda: {"W": 0.5 * _rng(8).normal(size=(3, 3)),
                                      "b": 0.1 * _rng(9).normal(size=3)},
    "cross_entropy_integer_labels": lambda: _rng(10).normal(size=(3, 3)),
    "logistic_regression_l2": lambda: 0.5 * _rng(11).normal(size=3),
    "gp_negative_log_marginal_likelihood": lambda: np.array([-0.2, 0.1, -1.5]),
    "kernel_ridge_prediction": lambda: {"log_ell": np.array(-0.3), "log_lam": np.array(-2.0)},
    "rk4_decay": lambda: 0.5 + _rng(12).random(4),
    "leapfrog_energy": lambda: _rng(13).normal(size=3),
    "lambda_passed_to_quadrature": lambda: np.array([0.7, 1.3]),
    "gaussian_mixture_nll": lambda: {"means": np.array([-0.8, 1.2]),
                                     "log_sigmas": np.array([-0.5, -0.2]),
                                     "logits": np.array([0.1, -0.3])},
    "reparameterized_elbo": lambda: (0.3 * _rng(14).normal(size=2),
                                     -0.5 + 0.1 * _rng(15).normal(size=2)),
    "namedtuple_linear_model": lambda: W.LinearParams(_rng(16).normal(size=3), np.array(0.2)),
    "partial_loss": lambda: _rng(17).normal(size=3),
    "closure_from_factory": lambda: (0.5 * _rng(18).normal(size=3), 0.1),
    "object_built_inside": lambda: (0.5 * _rng(19).normal(size=(3, 2)),
                                    0.1 * _rng(20).normal(size=2)),
    "rnn_nested_cell": lambda: {"W": 0.4 * _rng(21).normal(size=(4, 4)),
                                "U": 0.5 * _rng(22).normal(size=4)},
    "tuple_concatenation": lambda: (0.5 * _rng(23).normal(size=(3, 3)),
                                    0.5 * _rng(24).normal(size=(3, 2))),
    "errstate_guarded_log": lambda: 0.5 * _rng(25).normal(size=3),
    "poisson_glm": lambda: 0.3 * _rng(26).normal(size=3),
    "beta_binomial_special": lambda: np.array([0.4, 0.9]),
    "frozen_normal_logpdf": lambda: np.array([0.2, -0.1]),
    "stats_logpdf_call": lambda: np.array([0.2, -0.1]),
    "rayleigh_quotient_energy": lambda: _complex(27, 6),
    "fft_filter_loss": lambda: 0.1 * _rng(28).normal(size=9),
    "phase_retrieval": lambda: _complex(29, 8),
}

# (program, mode) -> the UserCodeError subclass autodiff raises today, naming styles_wild.py.
# Update an entry when a program starts (or stops) working.
RAISES: dict[tuple[str, str], str] = {
    ("namedtuple_linear_model", "grad"): "NoGradientRuleError",  # params.b read as a method
    ("namedtuple_linear_model", "jvp"): "NoGradientRuleError",
}

# (program, mode) -> why it breaks the contract today (a wrong value or another exception):
# strict xfails, routed to the compiler's owners.
_TUPLE_CONCATENATION = (
    "`layers = params[:1] + params[1:]`: the first call's (generic) gradient code treats tuple "
    "concatenation as numpy arithmetic and raises TypeError at the user's line, not an "
    "autodiff error (shape-specialized calls flatten the container and are right)")
KNOWN_BUGS: dict[tuple[str, str], str] = {
    ("tuple_concatenation", "grad"): _TUPLE_CONCATENATION,
    ("tuple_concatenation", "jvp"): _TUPLE_CONCATENATION,
}


# ---- pytrees of float and complex arrays ---------------------------------------------------


def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in _leaves(tree[key])]
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    if isinstance(tree, dict):
        return {key: _rebuild(tree[key], leaves) for key in sorted(tree)}
    if hasattr(tree, "_fields"):  # a NamedTuple
        return type(tree)(*(_rebuild(item, leaves) for item in tree))
    if isinstance(tree, (tuple, list)):
        return type(tree)(_rebuild(item, leaves) for item in tree)
    return leaves.pop(0)


def _as_leaf(like: Any, value: np.ndarray) -> Any:
    return float(value) if isinstance(like, float) else value


def _finite_differences(fn: Callable[[Any], Any], params: Any) -> list[np.ndarray]:
    """Per leaf: d/d re (and - i d/d im for a complex leaf) of ``fn`` by central differences."""
    flat = _leaves(params)
    grads = []
    for index, leaf in enumerate(flat):
        array = np.array(leaf, dtype=np.complex128 if np.iscomplexobj(leaf) else np.float64)
        grad = np.zeros_like(array)
        steps = (EPS, 1j * EPS) if np.iscomplexobj(array) else (EPS,)
        for position in np.ndindex(array.shape):
            for step in steps:
                values = []
                for sign in (1.0, -1.0):
                    moved = array.copy()
                    moved[position] += sign * step
                    items = list(flat)
                    items[index] = _as_leaf(leaf, moved)
                    values.append(float(fn(_rebuild(params, items))))
                slope = (values[0] - values[1]) / (2 * EPS)
                grad[position] += slope if step == EPS else -1j * slope
        grads.append(grad)
    return grads


def _random_tangent(params: Any, rng: np.random.Generator) -> Any:
    def direction(leaf: Any) -> Any:
        shape = np.shape(leaf)
        if np.iscomplexobj(leaf):
            return rng.normal(size=shape) + 1j * rng.normal(size=shape)
        return float(rng.normal()) if isinstance(leaf, float) else rng.normal(size=shape)

    return _rebuild(params, [direction(leaf) for leaf in _leaves(params)])


def _pairing(grads: list[np.ndarray], tangent: Any) -> float:
    """<gradient, tangent> as the convention pairs them: Re(sum(g * t))."""
    return sum(float(np.real(np.sum(g * t))) for g, t in zip(grads, _leaves(tangent),
                                                              strict=True))


# ---- the check -------------------------------------------------------------------------------


def _assert_located_in_program(error: UserCodeError) -> None:
    assert error.filename is not None and pathlib.Path(error.filename).name == _FILE.name, (
        f"the error names {error.filename}:{error.lineno}, not {_FILE.name}: {error}")
    lines = _FILE.read_text().count("\n") + 1
    assert error.lineno is not None and 1 <= error.lineno <= lines, error


def _derivative(name: str, mode: str) -> tuple[Any, Any, Any]:
    """(what autodiff returns, what finite differences give, the parameters)."""
    fn = getattr(W, name)
    params = INPUTS[name]()
    expected = _finite_differences(fn, params)
    if mode == "grad":
        return autodiff.grad(fn)(params), expected, params
    tangent = _random_tangent(params, _rng(99))
    value, derivative = autodiff.jvp(fn, (params,), (tangent,))
    assert np.allclose(value, fn(params), rtol=1e-12, atol=1e-12), "jvp returns another value"
    return derivative, _pairing(expected, tangent), (params, tangent)


def _check(name: str, mode: str) -> None:
    raised = RAISES.get((name, mode))
    try:
        got, expected, _ = _derivative(name, mode)
    except UserCodeError as error:
        _assert_located_in_program(error)
        assert raised == type(error).__name__, (
            f"{name} ({mode}) raises {type(error).__name__}: {error}; record it in RAISES "
            "if that is the expected outcome today")
        return
    assert raised is None, f"{name} ({mode}) works now: remove its RAISES entry ({raised})"
    if mode == "grad":
        got_leaves = _leaves(got)
        assert len(got_leaves) == len(expected), f"{name}: the gradient's structure differs"
        scale = max(1.0, max(float(np.max(np.abs(e))) for e in expected))
        for leaf, want in zip(got_leaves, expected, strict=True):
            assert np.shape(leaf) == np.shape(want), f"{name}: gradient shape"
            np.testing.assert_allclose(np.asarray(leaf), want, rtol=RTOL, atol=ATOL * scale,
                                       err_msg=f"{name}: gradient vs finite differences")
    else:
        assert float(got) == pytest.approx(expected, rel=RTOL, abs=ATOL), (
            f"{name}: jvp vs finite differences")


def _cases() -> list[Any]:
    cases = []
    for name in INPUTS:
        for mode in ("grad", "jvp"):
            reason = KNOWN_BUGS.get((name, mode))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(name, mode, marks=marks, id=f"{name}-{mode}"))
    return cases


@pytest.mark.parametrize(("name", "mode"), _cases())
def test_derivative_matches_finite_differences_or_raises_at_the_user_line(name: str,
                                                                          mode: str) -> None:
    _check(name, mode)


HELPERS = {"quadratic_loss", "rbf", "integrate", "mse", "make_predictor", "sigmoid"}


def test_every_program_has_inputs() -> None:
    functions = {name for name, value in vars(W).items()
                 if callable(value) and not isinstance(value, type)
                 and getattr(value, "__module__", None) == W.__name__}
    assert functions - HELPERS == set(INPUTS)
    assert {key[0] for key in RAISES} | {key[0] for key in KNOWN_BUGS} <= set(INPUTS)


def test_a_slightly_wrong_rule_is_noticed() -> None:
    """The tolerances catch a gradient off by one part in ten thousand (a wrong exp rule)."""
    from autodiff.runtime import registry

    entry = registry.lookup(np.exp)

    def wrong_exp_vjp(g, ans, x):
        return g * ans * 1.0001

    registry.defvjp(np.exp, wrong_exp_vjp, argnames=entry.argnames)
    try:
        with pytest.raises(AssertionError, match="gradient vs finite differences"):
            _check("gaussian_mixture_nll", "grad")
    finally:
        registry.defvjp(np.exp, *entry.rules, argnames=entry.argnames)
    _check("gaussian_mixture_nll", "grad")
