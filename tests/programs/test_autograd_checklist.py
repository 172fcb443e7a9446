"""Every numpy/scipy function HIPS autograd 1.9 differentiates, called from a small user function
(``checklist_programs.py``): ``autodiff.grad`` agrees with central finite differences and with
autograd's gradient of the same source run on autograd's wrappers; ``autodiff.jvp`` agrees with
the finite-difference directional derivative and ``autodiff.hessian`` with second differences.

A name autodiff does not support fails here (no skip): the failures are the list of gaps. Known
gaps are marked ``xfail(strict=True)`` with what breaks, so a fix turns them red.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from collections.abc import Callable
from types import ModuleType

import numpy as np
import pytest

import autodiff

_HERE = pathlib.Path(__file__).parent
EPS = 1e-6


def _load(name: str) -> ModuleType:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _HERE / "checklist_programs.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


P = _load("autodiff_checklist_programs")


def _autograd_programs() -> ModuleType | None:
    """The same source with ``np``/``special``/... bound to autograd's wrappers."""
    try:
        import autograd.numpy as anp
        import autograd.scipy.integrate
        import autograd.scipy.linalg
        import autograd.scipy.signal
        import autograd.scipy.special
        import autograd.scipy.stats
        import autograd.scipy.stats.dirichlet
        import autograd.scipy.stats.multivariate_normal
    except ImportError:
        return None
    module = _load("autograd_checklist_programs")
    module.np = anp
    module.special = autograd.scipy.special
    module.stats = autograd.scipy.stats
    module.slinalg = autograd.scipy.linalg
    module.signal = autograd.scipy.signal
    module.integrate = autograd.scipy.integrate
    return module


# ---- inputs ------------------------------------------------------------------------------------

_POSITIVE = {
    "reciprocal", "log", "log1p", "log2", "log10", "sqrt", "arccosh", "nan_to_num", "power", "beta",
    "betaln", "betainc", "polygamma", "psi", "digamma", "gamma", "gammaln", "gammainc",
    "gammaincc", "rgamma", "multigammaln", "y0", "y1", "yn", "ive", "erfinv", "erfcinv", "logit",
    "norm_logpdf_params", "t_logpdf_params", "gamma_logpdf", "gamma_pdf", "gamma_cdf",
    "beta_logpdf", "beta_pdf", "beta_cdf", "chi2_logpdf", "chi2_pdf", "chi2_cdf",
    "poisson_logpmf", "poisson_pmf", "poisson_cdf", "dirichlet_logpdf", "dirichlet_pdf",
    "norm_cdf",
}
_UNIT = {"arcsin", "arccos", "arctanh", "tan"}


def _input(name: str) -> np.ndarray:
    rng = np.random.default_rng(sum(map(ord, name)))
    if name in _POSITIVE:
        return rng.uniform(0.4, 2.6, size=12)
    if name in _UNIT:
        return rng.uniform(-0.9, 0.9, size=12)
    return rng.normal(size=12)


def _numeric_hessian(fn: Callable, x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    n = x.size
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            hess[i, j] = hess[j, i] = (fn(x + ei + ej) - fn(x + ei - ej) - fn(x - ei + ej)
                                       + fn(x - ei - ej)) / (4 * h * h)
    return hess


def _numeric_gradient(fn: Callable, x: np.ndarray) -> np.ndarray:
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = EPS
        grad[i] = (fn(x + step) - fn(x - step)) / (2 * EPS)
    return grad


# ---- known gaps: name -> what breaks -----------------------------------------------------------

_MISSING_RULES: dict[str, str] = {}  # every function autograd 1.9 differentiates has a rule
GRAD_GAPS: dict[str, str] = dict(_MISSING_RULES)
HESSIAN_GAPS: dict[str, str] = {
    **_MISSING_RULES,
    "odeint": "clear error: hessian through scipy.integrate.odeint: NotImplementedError 'the"
              " second derivative of scipy.integrate.odeint is not implemented' (the adjoint"
              " rules integrate closures of the user's function)",
}
AUTOGRAD_GAPS: dict[str, str] = dict(_MISSING_RULES)
# second differences lose accuracy next to a singularity: nan_to_num's input has x = 0.523 in
# log(x - 0.5), where d2/dx2 = 183.62 (the difference quotient of the exact gradient converges
# to autodiff's value) but the second difference gives 183.59
_HESSIAN_RTOL = {"nan_to_num": 1e-3}
JVP_GAPS: dict[str, str] = dict(_MISSING_RULES)


def _names() -> list[str]:
    return [name[2:] for name, value in vars(P).items()
            if name.startswith("f_") and callable(value)]


def _params(gaps: dict[str, str]) -> list[object]:
    params = []
    for name in _names():
        marks = [pytest.mark.xfail(strict=True, reason=gaps[name])] if name in gaps else []
        params.append(pytest.param(name, id=name, marks=marks))
    return params


def test_checklist_is_long() -> None:
    assert len(_names()) >= 190


@pytest.mark.parametrize("name", _params(GRAD_GAPS))
def test_grad_matches_finite_differences(name: str) -> None:
    fn = getattr(P, "f_" + name)
    x = _input(name)
    got = autodiff.grad(fn)(x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, _numeric_gradient(fn, x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", _params(AUTOGRAD_GAPS))
def test_grad_matches_autograd(name: str) -> None:
    programs = _autograd_programs()
    if programs is None:
        pytest.skip("autograd is not installed")
    import autograd

    x = _input(name)
    try:
        expected = autograd.grad(getattr(programs, "f_" + name))(x)
    except Exception as error:  # autograd 1.9 on numpy 2: its own failure, not autodiff's
        pytest.skip(f"autograd itself fails: {type(error).__name__}: {error}")
    got = autodiff.grad(getattr(P, "f_" + name))(x)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", _params(JVP_GAPS))
def test_jvp_matches_finite_differences(name: str) -> None:
    fn = getattr(P, "f_" + name)
    x = _input(name)
    tangent = np.cos(np.arange(x.size) * 1.3)
    value, derivative = autodiff.jvp(fn, (x,), (tangent,))
    expected = (fn(x + EPS * tangent) - fn(x - EPS * tangent)) / (2 * EPS)
    assert value == pytest.approx(fn(x), rel=1e-12, abs=1e-12)
    assert float(np.real(derivative)) == pytest.approx(expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("name", _params(HESSIAN_GAPS))
def test_hessian_matches_second_differences(name: str) -> None:
    fn = getattr(P, "f_" + name)
    x = _input(name)
    expected = _numeric_hessian(fn, x)
    scale = max(1.0, float(np.max(np.abs(expected))))
    np.testing.assert_allclose(autodiff.hessian(fn)(x), expected,
                               rtol=_HESSIAN_RTOL.get(name, 1e-4), atol=1e-5 * scale)
