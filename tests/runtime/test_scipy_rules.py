"""The gradient rules of scipy (``runtime/rules_scipy_*.py``), parametrized over the registry.

Every scipy rule needs a case below; each case checks, for every argument with a rule, the VJP
and the JVP against central finite differences (float64), the JVP as the transpose of the VJP,
and float32 where scipy keeps float32. Rules that deliberately raise (a derivative that is not
implemented) are checked to raise. Skipped as a whole when scipy is not installed.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

pytest.importorskip("scipy", reason="scipy is not installed (pip install 'autodiff[scipy]')")

import scipy.integrate as si
import scipy.linalg as sl
import scipy.signal as ss
import scipy.special as sp
import scipy.stats as st

import autodiff.runtime as rt
from autodiff.runtime import registry

registry.load_all_lazy()

SCIPY_MODULES = {f"autodiff.runtime.rules_scipy_{n}"
                 for n in ("special", "stats", "signal", "linalg", "integrate")}
EPS = 1e-6
Make = Callable[[np.random.Generator], tuple]


@dataclass(frozen=True)
class Case:
    primitive: Any
    label: str
    make: Make
    params: dict[str, Any] = field(default_factory=dict)
    # position -> direction(arg, rng): tangents for arguments with a constraint (symmetric
    # matrices, the simplex); the default is a normal draw of the argument's shape
    directions: dict[int, Callable[[Any, np.random.Generator], Any]] = field(default_factory=dict)
    raises: tuple[int, ...] = ()  # positions whose rules raise NotImplementedError
    float32: bool = True  # False where scipy rejects float32 inputs
    transpose_tolerance: float = 1e-9  # looser where the two modes integrate different ODEs


CASES: list[Case] = []


def add(primitive: Any, label: str, make: Make, **kw: Any) -> None:
    CASES.append(Case(primitive, label, make, **kw))


# ---- argument helpers -------------------------------------------------------------------------


def normal(*shape: int) -> Callable[[np.random.Generator], Any]:
    return lambda rng: rng.normal(size=shape)


def uniform(low: float, high: float, *shape: int) -> Callable[[np.random.Generator], Any]:
    return lambda rng: rng.uniform(low, high, size=shape)


def away0(*shape: int) -> Callable[[np.random.Generator], Any]:
    def draw(rng: np.random.Generator) -> Any:
        x = rng.normal(size=shape)
        return np.sign(x) * (0.3 + np.abs(x))

    return draw


def args(*draws: Any) -> Make:
    """Arguments drawn independently; a non-callable is a constant."""
    return lambda rng: tuple(d(rng) if callable(d) else d for d in draws)


def spd(n: int, rng: np.random.Generator) -> Any:
    m = rng.normal(size=(n, n))
    return m @ m.T + n * np.eye(n)


def well_conditioned(n: int, rng: np.random.Generator, batch: tuple[int, ...] = ()) -> Any:
    return 3.0 * np.eye(n) + 0.5 * rng.normal(size=(*batch, n, n))


def symmetric(x: Any, rng: np.random.Generator) -> Any:
    u = rng.normal(size=np.shape(x))
    return u + np.swapaxes(u, -1, -2)


def sum_zero(x: Any, rng: np.random.Generator) -> Any:
    u = rng.normal(size=np.shape(x))
    return u - np.mean(u, axis=0)


# ---- scipy.special ----------------------------------------------------------------------------

UNARY = {
    sp.erf: normal, sp.erfc: normal, sp.erfcx: normal, sp.ndtr: normal, sp.log_ndtr: normal,
    sp.expit: normal, sp.log_expit: normal, sp.i0: normal, sp.i1: normal,
    sp.i0e: away0, sp.i1e: away0, sp.j0: lambda *s: uniform(-6.0, 6.0, *s),
    sp.j1: lambda *s: uniform(-6.0, 6.0, *s), sp.y0: lambda *s: uniform(0.5, 6.0, *s),
    sp.y1: lambda *s: uniform(0.5, 6.0, *s), sp.erfinv: lambda *s: uniform(-0.9, 0.9, *s),
    sp.erfcinv: lambda *s: uniform(0.1, 1.9, *s), sp.ndtri: lambda *s: uniform(0.05, 0.95, *s),
    sp.logit: lambda *s: uniform(0.1, 0.9, *s), sp.entr: lambda *s: uniform(0.2, 2.0, *s),
    sp.gammaln: lambda *s: uniform(0.3, 4.0, *s), sp.loggamma: lambda *s: uniform(0.3, 4.0, *s),
    sp.gamma: lambda *s: uniform(0.3, 4.0, *s), sp.rgamma: lambda *s: uniform(0.3, 4.0, *s),
    sp.psi: lambda *s: uniform(0.3, 4.0, *s),
}  # fmt: skip
if hasattr(sp, "softplus"):  # scipy >= 1.15
    UNARY[sp.softplus] = normal
for _f, _domain in UNARY.items():
    for _shape in ((), (5,), (2, 3)):
        add(_f, f"{len(_shape)}d", args(_domain(*_shape)))
add(sp.gammaln, "negative-non-integer", args(uniform(-2.8, -2.2, 4)))
add(sp.log_ndtr, "far-left-tail", args(uniform(-30.0, -20.0, 3)))

for _f, (_lhs, _rhs) in {
    sp.betaln: (uniform(0.5, 3.0, 3, 1), uniform(0.5, 3.0, 4)),
    sp.beta: (uniform(0.5, 3.0, 3, 1), uniform(0.5, 3.0, 4)),
    sp.xlogy: (normal(3, 1), uniform(0.2, 2.0, 4)),
    sp.xlog1py: (normal(3, 1), uniform(-0.5, 2.0, 4)),
    sp.rel_entr: (uniform(0.2, 2.0, 3, 1), uniform(0.2, 2.0, 4)),
    sp.kl_div: (uniform(0.2, 2.0, 3, 1), uniform(0.2, 2.0, 4)),
}.items():  # fmt: skip
    add(_f, "bcast-3x1-4", args(_lhs, _rhs))
    add(_f, "0d-0d", args(lambda rng, d=_lhs: d(rng)[0, 0], lambda rng, d=_rhs: d(rng)[0]))

add(sp.polygamma, "n=1", args(1, uniform(0.5, 3.0, 4)), raises=(0,))
add(sp.polygamma, "n-array", args(np.array([0, 1, 2]), uniform(0.5, 3.0, 2, 3)), raises=(0,))
add(sp.multigammaln, "d=3", args(uniform(1.5, 4.0, 4), 3), raises=(1,))
add(sp.multigammaln, "0d", args(lambda rng: float(rng.uniform(1.5, 4.0)), 2), raises=(1,))
for _f in (sp.gammainc, sp.gammaincc):
    add(_f, "bcast", args(uniform(0.5, 3.0, 3, 1), uniform(0.2, 4.0, 4)), raises=(0,))
add(sp.betainc, "bcast", args(uniform(0.5, 3.0, 3, 1), uniform(0.5, 3.0, 1),
                              uniform(0.1, 0.9, 4)), raises=(0, 1))
for _f, _x in ((sp.jv, uniform(0.5, 6.0, 4)), (sp.yv, uniform(0.5, 6.0, 4)),
               (sp.iv, uniform(0.3, 3.0, 4)), (sp.ive, uniform(0.3, 3.0, 4)),
               (sp.kv, uniform(0.5, 3.0, 4))):
    add(_f, "v=1.5", args(1.5, _x), raises=(0,))
    add(_f, "v-array-bcast", args(np.array([[0.5], [2.0]]), _x), raises=(0,))
for _f in (sp.jv, sp.iv, sp.ive):  # integer orders are defined for negative x too
    add(_f, "v=2-negative-x", args(2.0, away0(4)), raises=(0,))
add(sp.zeta, "hurwitz", args(uniform(1.5, 4.0, 3, 1), uniform(0.5, 3.0, 4)), raises=(0,))
add(sp.zeta, "riemann", args(uniform(1.5, 4.0, 4)), raises=(0,))
add(sp.yn, "n=2", args(2, uniform(0.5, 6.0, 4)), raises=(0,))

for _axis, _keepdims in ((None, False), (0, False), (1, False), ((0, 1), False), (1, True),
                         (-1, False), (None, True)):
    _kw = {"keepdims": _keepdims}
    add(sp.logsumexp, f"a-axis={_axis}-keepdims={_keepdims}", args(normal(3, 4), _axis),
        params=_kw)
    add(sp.logsumexp, f"a-b-axis={_axis}-keepdims={_keepdims}",
        args(normal(3, 4), _axis, uniform(0.2, 2.0, 3, 4)), params=_kw)
    add(sp.softmax, f"axis={_axis}", args(normal(3, 4)), params={"axis": _axis})
    add(sp.log_softmax, f"axis={_axis}", args(normal(3, 4)), params={"axis": _axis})
add(sp.logsumexp, "b-bcast", args(normal(3, 4), 1, uniform(0.2, 2.0, 4)))
add(sp.logsumexp, "return_sign", args(normal(3, 4), 1, normal(3, 4)),
    params={"return_sign": True})
add(sp.logsumexp, "return_sign-keepdims", args(normal(3, 4), 0, normal(3, 4)),
    params={"return_sign": True, "keepdims": True})

# ---- scipy.stats ------------------------------------------------------------------------------

LOC_SCALE = {  # distribution: (shape parameter draws, standardized support draw)
    st.norm: ((), normal), st.t: ((uniform(1.5, 6.0),), normal),
    st.gamma: ((uniform(1.5, 4.0),), lambda *s: uniform(0.5, 3.0, *s)),
    st.beta: ((uniform(1.5, 4.0), uniform(1.5, 4.0)), lambda *s: uniform(0.15, 0.85, *s)),
    st.chi2: ((uniform(2.5, 6.0),), lambda *s: uniform(0.5, 4.0, *s)),
    st.expon: ((), lambda *s: uniform(0.2, 3.0, *s)), st.laplace: ((), away0),
    st.uniform: ((), lambda *s: uniform(0.1, 0.9, *s)), st.cauchy: ((), normal),
    st.logistic: ((), normal), st.lognorm: ((uniform(0.4, 1.5),), lambda *s: uniform(0.3, 3.0, *s)),
}  # fmt: skip
CLOSED_FORM_CDF_SHAPES = {st.lognorm}  # the other cdfs' shape derivatives raise
METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")


def _loc_scale_args(shapes: tuple, support: Any, x_shape: tuple, loc_shape: tuple,
                    scale_shape: tuple) -> Make:
    def make(rng: np.random.Generator) -> tuple:
        loc = 0.3 * rng.normal(size=loc_shape)
        scale = rng.uniform(0.5, 2.0, size=scale_shape)
        x = loc + scale * support(*x_shape)(rng)
        return (x, *(draw(rng) for draw in shapes), loc, scale)

    return make


for _dist, (_shapes, _support) in LOC_SCALE.items():
    for _method in METHODS:
        _raises = () if "pdf" in _method or _dist in CLOSED_FORM_CDF_SHAPES \
            else tuple(range(1, 1 + len(_shapes)))
        _f = getattr(_dist, _method)
        add(_f, "scalar-params", _loc_scale_args(_shapes, _support, (4,), (), ()),
            raises=_raises)
        add(_f, "bcast", _loc_scale_args(_shapes, _support, (3, 4), (4,), (3, 1)),
            raises=_raises)

for _method in ("ppf", "isf"):
    add(getattr(st.norm, _method), "scalar-params",
        args(uniform(0.05, 0.95, 4), lambda rng: 0.3 * rng.normal(), uniform(0.5, 2.0)))
    add(getattr(st.norm, _method), "bcast", args(uniform(0.05, 0.95, 3, 1), normal(4),
                                                 uniform(0.5, 2.0, 3, 1)))

for _method in ("logpmf", "pmf", "cdf", "sf", "logcdf", "logsf"):
    _integers = (0, 2) if "pmf" in _method else ()
    add(getattr(st.poisson, _method), "k-mu",
        args(np.array([0.0, 1.0, 3.0, 6.0]), uniform(0.5, 5.0, 4)), raises=_integers)
    add(getattr(st.poisson, _method), "bcast-loc",
        args(np.array([[1.0], [3.0], [4.0]]), uniform(0.5, 5.0, 4), 1.0), raises=_integers)

for _method, _outside in (("logpmf", ()), ("pmf", (2.0,))):  # pmf: 0 outside the support
    add(getattr(st.bernoulli, _method), "k-p", args(np.array([0.0, 1.0, 1.0, *_outside]),
                                                    uniform(0.1, 0.9, 3 + len(_outside))),
        raises=(0,))
    add(getattr(st.binom, _method), "k-n-p", args(np.array([[0.0], [2.0], [5.0]] + [[k] for k in _outside]),
                                                  5, uniform(0.1, 0.9, 3)), raises=(0, 1))
    add(getattr(st.bernoulli, _method), "loc", args(np.array([1.0, 2.0]), uniform(0.1, 0.9, 2),
                                                    1.0), raises=(0, 2))
    add(getattr(st.binom, _method), "loc", args(np.array([2.0, 3.0]), 4, uniform(0.1, 0.9, 2),
                                                1.0), raises=(0, 1, 3))
    add(getattr(st.geom, _method), "k-p-loc", args(np.array([1.0, 2.0, 4.0]),
                                                   uniform(0.1, 0.9, 2, 1), 0.0), raises=(0, 2))


def _simplex(k: int, n: int | None = None) -> Callable[[np.random.Generator], Any]:
    def draw(rng: np.random.Generator) -> Any:
        shape = (k,) if n is None else (k, n)
        x = rng.uniform(0.5, 2.0, size=shape)
        return x / np.sum(x, axis=0)

    return draw


for _method in ("logpdf", "pdf"):
    _f = getattr(st.dirichlet, _method)
    add(_f, "full-x", args(_simplex(4), uniform(0.5, 3.0, 4)), directions={0: sum_zero}, float32=False)
    add(_f, "full-x-samples", args(_simplex(4, 3), uniform(0.5, 3.0, 4)),
        directions={0: sum_zero}, float32=False)
    add(_f, "k-minus-1", args(lambda rng: _simplex(4)(rng)[:3], uniform(0.5, 3.0, 4)))
    add(_f, "k-minus-1-samples", args(lambda rng: _simplex(4, 3)(rng)[:3],
                                      uniform(0.5, 3.0, 4)))
    _f = getattr(st.multivariate_normal, _method)
    add(_f, "one-sample", args(normal(3), normal(3), lambda rng: spd(3, rng)),
        directions={2: symmetric})
    add(_f, "samples", args(normal(5, 3), normal(3), lambda rng: spd(3, rng)),
        directions={2: symmetric})
    add(_f, "batch-of-samples", args(normal(2, 4, 3), normal(3), lambda rng: spd(3, rng)),
        directions={2: symmetric})
def sum_zero_last(x: Any, rng: np.random.Generator) -> Any:
    """A direction along the simplex of the last axis (the components)."""
    u = rng.normal(size=np.shape(x))
    return u - np.mean(u, axis=-1, keepdims=True)


def _simplex_rows(*shape: int) -> Callable[[np.random.Generator], Any]:
    def draw(rng: np.random.Generator) -> Any:
        x = rng.uniform(0.5, 2.0, size=shape)
        return x / np.sum(x, axis=-1, keepdims=True)

    return draw


_COUNTS = np.array([[1.0, 0.0, 2.0, 1.0], [0.0, 0.0, 4.0, 0.0], [2.0, 1.0, 0.0, 1.0]])
add(st.multinomial.logpmf, "one", args(_COUNTS[0], 4, _simplex_rows(4)),
    directions={2: sum_zero_last}, raises=(0, 1), float32=False)
add(st.multinomial.logpmf, "counts-batch", args(_COUNTS, 4, _simplex_rows(4)),
    directions={2: sum_zero_last}, raises=(0, 1), float32=False)
add(st.multinomial.logpmf, "p-batch", args(_COUNTS[2], 4, _simplex_rows(3, 4)),
    directions={2: sum_zero_last}, raises=(0, 1), float32=False)

add(st.entropy, "pk", args(uniform(0.2, 2.0, 4)))
add(st.entropy, "pk-qk", args(uniform(0.2, 2.0, 4), uniform(0.2, 2.0, 4)))
add(st.entropy, "pk-axis1-base2", args(uniform(0.2, 2.0, 3, 4), None, 2.0, 1))
add(st.entropy, "pk-qk-axis0-keepdims", args(uniform(0.2, 2.0, 4, 3), uniform(0.2, 2.0, 4, 3)),
    params={"keepdims": True})
add(st.entropy, "pk-qk-bcast", args(uniform(0.2, 2.0, 4, 3), uniform(0.2, 2.0, 4, 1), 10.0))
add(st.entropy, "pk-qk-axis-None", args(uniform(0.2, 2.0, 3, 2), uniform(0.2, 2.0, 3, 2), None,
                                        None))
add(st.zscore, "1d", args(normal(5)))
add(st.zscore, "axis0", args(normal(4, 3)))
add(st.zscore, "axis1-ddof1", args(normal(3, 5), 1, 1))
add(st.zscore, "axis-None", args(normal(3, 4), None))

add(st.multivariate_normal.entropy, "cov", args(normal(3), lambda rng: spd(3, rng)),
    directions={1: symmetric})

# ---- scipy.linalg -----------------------------------------------------------------------------


def _triangular(rng: np.random.Generator) -> Any:
    """A well-conditioned 4x4 matrix: solve_triangular reads one triangle and ignores the other
    (whose gradient is zero)."""
    return well_conditioned(4, rng)


for _lower in (True, False):
    for _trans in (0, 1, 2):
        for _b in ((4,), (4, 2)):
            add(sl.solve_triangular, f"lower={_lower}-trans={_trans}-b{_b}",
                args(_triangular, normal(*_b)),
                params={"lower": _lower, "trans": _trans})
    add(sl.solve_triangular, f"lower={_lower}-unit", args(_triangular, normal(4, 2)),
        params={"lower": _lower, "unit_diagonal": True})
    add(sl.cholesky, f"lower={_lower}", args(lambda rng: spd(4, rng)), params={"lower": _lower},
        directions={0: symmetric})
    add(sl.cho_factor, f"lower={_lower}", args(lambda rng: spd(4, rng)),
        params={"lower": _lower}, directions={0: symmetric})
    for _b in ((4,), (4, 3)):
        add(sl.cho_solve, f"lower={_lower}-b{_b}",
            args(lambda rng, lo=_lower: sl.cho_factor(spd(4, rng), lower=lo), normal(*_b)))
for _b in ((4,), (4, 3)):
    add(sl.solve, f"gen-b{_b}", args(lambda rng: well_conditioned(4, rng), normal(*_b)))
    add(sl.solve, f"transposed-b{_b}", args(lambda rng: well_conditioned(4, rng), normal(*_b)),
        params={"transposed": True})
    add(sl.solve, f"pos-b{_b}", args(lambda rng: spd(4, rng), normal(*_b)),
        params={"assume_a": "pos"}, directions={0: symmetric})
    add(sl.solve, f"sym-lower-b{_b}", args(lambda rng: spd(4, rng), normal(*_b)),
        params={"assume_a": "sym", "lower": True}, directions={0: symmetric})
add(sl.inv, "gen", args(lambda rng: well_conditioned(4, rng)))
if "assume_a" in inspect.signature(sl.inv).parameters:  # scipy >= 1.16
    add(sl.inv, "pos", args(lambda rng: spd(4, rng)), params={"assume_a": "pos"},
        directions={0: symmetric})
add(sl.det, "3x3", args(lambda rng: well_conditioned(3, rng)))
add(sl.det, "batched", args(lambda rng: well_conditioned(3, rng, (2,))))
add(sl.sqrtm, "spd", args(lambda rng: spd(3, rng)))
add(sl.expm, "3x3", args(normal(3, 3)))
add(sl.expm, "batched", args(normal(2, 3, 3)))
add(sl.logm, "spd", args(lambda rng: spd(3, rng) / 3.0))
add(sl.solve_sylvester, "3x3-2x2", args(lambda rng: well_conditioned(3, rng),
                                         lambda rng: well_conditioned(2, rng), normal(3, 2)))


def _banded(lower: int, upper: int, n: int) -> Callable[[np.random.Generator], Any]:
    def draw(rng: np.random.Generator) -> Any:
        ab = 0.3 * rng.normal(size=(lower + upper + 1, n))
        ab[upper] += 3.0
        return ab

    return draw


for _lu in ((1, 2), (0, 1), (2, 0)):
    for _b in ((5,), (5, 2)):
        add(sl.solve_banded, f"l,u={_lu}-b{_b}", args(_lu, _banded(*_lu, 5), normal(*_b)))

# ---- scipy.signal -----------------------------------------------------------------------------

for _f in (ss.convolve, ss.correlate):
    for _mode in ("full", "valid", "same"):
        for _method in ("direct", "fft"):
            add(_f, f"1d-{_mode}-{_method}", args(normal(6), normal(3)),
                params={"mode": _mode, "method": _method})
        add(_f, f"2d-{_mode}", args(normal(5, 4), normal(2, 3)), params={"mode": _mode})
        add(_f, f"1d-short-first-{_mode}", args(normal(3), normal(6)), params={"mode": _mode})
        add(_f, f"1d-even-{_mode}", args(normal(7), normal(4)), params={"mode": _mode})

# ---- scipy.integrate --------------------------------------------------------------------------


def rotating_decay(y, t, k, c):
    """A small non-autonomous linear ODE (module level: autodiff compiles it for the rules)."""
    return -k * y + c * np.sin(t) * y[::-1]


def logistic_growth(t, y, r):
    return r * y * (1.0 - y)


_ODE_TOLERANCES = {"rtol": 1e-11, "atol": 1e-11}
add(si.odeint, "args-tuple", args(lambda rng: rotating_decay, uniform(0.5, 1.5, 2), np.array([0.0, 0.4, 1.0]),
                                  lambda rng: (rng.uniform(0.5, 1.0, 2), float(rng.uniform()))),
    params=_ODE_TOLERANCES, transpose_tolerance=1e-6)
add(si.odeint, "tfirst", args(lambda rng: logistic_growth, uniform(0.2, 0.5, 3), np.array([0.1, 0.5, 0.8, 1.2]),
                              lambda rng: (float(rng.uniform(0.5, 1.5)),)),
    params={**_ODE_TOLERANCES, "tfirst": True}, transpose_tolerance=1e-6)


# ---- issue 14's surface: huber, LU, eigh, svdvals, norm, toeplitz, trapezoid, signal --------


def _huber_residual(*shape: int) -> Callable[[np.random.Generator], Any]:
    # |r| at least 0.2 away from the kink at delta in (0.9, 1.1): inside and outside entries
    def draw(rng: np.random.Generator) -> Any:
        size = rng.uniform(0.1, 0.6, size=shape) + rng.choice([0.0, 1.2], size=shape)
        return size * rng.choice([-1.0, 1.0], size=shape)

    return draw


add(sp.huber, "bcast", args(uniform(0.9, 1.1, 3, 1), _huber_residual(3, 4)))
add(sp.huber, "0d-delta", args(lambda rng: float(rng.uniform(0.9, 1.1)), _huber_residual(5)))
add(sp.pseudo_huber, "bcast", args(uniform(0.5, 2.0, 3, 1), normal(3, 4)))
add(sp.pseudo_huber, "0d", args(uniform(0.5, 2.0), normal()))

add(sl.lu_factor, "4x4", args(lambda rng: well_conditioned(4, rng)))
add(sl.lu_factor, "pivoting", args(lambda rng: rng.normal(size=(3, 3)) + np.diag([0.0, 0.1, 4.0])))
for _trans in (0, 1, 2):
    add(sl.lu_solve, f"vector-trans-{_trans}",
        args(lambda rng: sl.lu_factor(rng.normal(size=(4, 4)) + 3 * np.eye(4)), normal(4)),
        params={"trans": _trans}, float32=False)
add(sl.lu_solve, "matrix", args(lambda rng: sl.lu_factor(well_conditioned(3, rng)), normal(3, 2)),
    float32=False)




def _spread_symmetric(n: int, rng: np.random.Generator) -> Any:
    # eigenvalues at least 1 apart: eigh is smooth there
    q = np.linalg.qr(rng.normal(size=(n, n)))[0]
    return (q * (np.arange(n) * 1.5 + rng.uniform(-0.2, 0.2, n))) @ q.T


def _with_triangle_noise(a: Any, rng: np.random.Generator) -> Any:
    return a + 0.3 * np.triu(rng.normal(size=np.shape(a)), 1)  # eigh(lower=True) ignores it


# scipy's default driver ('evr') picks eigenvector signs that jump under perturbations of 1e-6:
# finite differences of the eigenvectors need a driver whose signs are continuous ('evd')
add(sl.eigh, "vectors", args(lambda rng: _spread_symmetric(3, rng)), params={"driver": "evd"})
add(sl.eigh, "values-only", args(lambda rng: _spread_symmetric(4, rng)),
    params={"eigvals_only": True})
add(sl.eigh, "upper-unread-lower",
    args(lambda rng: _spread_symmetric(3, rng) + 0.3 * np.tril(rng.normal(size=(3, 3)), -1)),
    params={"lower": False, "driver": "evd"})
add(sl.eigh, "lower-unread-upper",
    args(lambda rng: _with_triangle_noise(_spread_symmetric(3, rng), rng)),
    params={"eigvals_only": True})
add(sl.svdvals, "tall", args(lambda rng: np.linalg.qr(rng.normal(size=(4, 3)))[0]
                              * np.array([3.0, 2.0, 1.0]) @ np.linalg.qr(rng.normal(size=(3, 3)))[0]))
add(sl.svdvals, "wide", args(lambda rng: np.diag([3.0, 1.5]) @ np.linalg.qr(rng.normal(size=(4, 2)))[0].T))
add(sl.norm, "fro", args(normal(3, 4)))
add(sl.norm, "vector", args(normal(5)))
add(sl.norm, "ord1-axis", args(away0(3, 4), 1, 0))
add(sl.norm, "keepdims", args(normal(2, 3)), params={"axis": 1, "keepdims": True})
add(sl.toeplitz, "c-only", args(normal(4)))
add(sl.toeplitz, "c-and-r", args(normal(3), normal(5)))
add(sl.toeplitz, "tall", args(normal(5), normal(2)))




def _increasing(*shape: int) -> Callable[[np.random.Generator], Any]:
    return lambda rng: np.cumsum(rng.uniform(0.2, 1.0, size=shape), axis=-1)


add(si.trapezoid, "dx", args(normal(2, 5), None, uniform(0.3, 1.5)))
add(si.trapezoid, "x-1d-axis0", args(normal(4, 3), _increasing(4)), params={"axis": 0})
add(si.trapezoid, "x-same-shape", args(normal(2, 4), _increasing(2, 4)))
add(si.cumulative_trapezoid, "dx", args(normal(2, 5), None, uniform(0.3, 1.5)))
add(si.cumulative_trapezoid, "dx-initial", args(normal(5), None, uniform(0.3, 1.5)),
    params={"initial": 0})
add(si.cumulative_trapezoid, "x-1d-axis0", args(normal(4, 3), _increasing(4)),
    params={"axis": 0})
add(si.cumulative_trapezoid, "x-same-shape-initial", args(normal(2, 4), _increasing(2, 4)),
    params={"initial": 0})
add(si.cumulative_trapezoid, "x-3d-axis1", args(normal(2, 4, 3), _increasing(4)),
    params={"axis": 1})



for _mode in ("full", "same", "valid"):
    add(ss.fftconvolve, f"1d-{_mode}", args(normal(6), normal(3)), params={"mode": _mode})
    add(ss.fftconvolve, f"2d-{_mode}", args(normal(4, 5), normal(2, 3)), params={"mode": _mode})
    add(ss.convolve2d, _mode, args(normal(4, 5), normal(2, 3)), params={"mode": _mode})
    add(ss.convolve2d, f"even-{_mode}", args(normal(5, 4), normal(2, 2)), params={"mode": _mode})
add(ss.lfilter, "fir", args(normal(3), np.array([1.0]), normal(8)))
add(ss.lfilter, "iir", args(normal(2), lambda rng: np.array([1.0, rng.uniform(-0.5, 0.5), 0.1]),
                            normal(7)))
add(ss.lfilter, "iir-a0-axis0", args(normal(3), lambda rng: np.array([1.5, rng.uniform(-0.5, 0.5)]),
                                     normal(6, 2)), params={"axis": 0})
add(ss.lfilter, "long-filter", args(normal(5), lambda rng: np.array([1.0, 0.3]), normal(3)))




def _odeint_adjoint_arguments(rng: np.random.Generator) -> tuple:
    # (g, ans, func, y0, t, args) of odeint's own VJP rules, which a second derivative reaches
    y0, times, theta = rng.uniform(0.5, 1.5, 2), np.array([0.0, 0.4]), (np.array([0.7, 0.8]), 0.3)
    ans = si.odeint(rotating_decay, y0, times, args=theta)
    return rng.normal(size=ans.shape), ans, rotating_decay, y0, times, theta


for _rule in (rt.odeint_vjp_y0, rt.odeint_vjp_t, rt.odeint_vjp_args):
    add(_rule, "second-order", _odeint_adjoint_arguments, raises=(0, 1, 3, 4, 5))


# ---- the generic checks -----------------------------------------------------------------------


def _is_float(x: Any) -> bool:
    return isinstance(x, float) or (isinstance(x, (np.ndarray, np.generic))
                                    and np.result_type(x).kind == "f")


def random_like(x: Any, rng: np.random.Generator) -> Any:
    if isinstance(x, tuple):
        return tuple(random_like(item, rng) for item in x)
    if not _is_float(x):
        return 0.0
    if isinstance(x, float):
        return float(rng.normal())
    return np.asarray(rng.normal(size=np.shape(x)), dtype=np.result_type(x))


def perturb(x: Any, u: Any, step: float) -> Any:
    if isinstance(x, tuple):
        return tuple(perturb(a, b, step) for a, b in zip(x, u, strict=True))
    return x + step * u if _is_float(x) else x


def vdot(a: Any, b: Any) -> float:
    if isinstance(a, tuple):
        return sum((vdot(x, y) for x, y in zip(a, b, strict=True)), 0.0)
    if not (_is_float(a) and _is_float(b)):
        return 0.0
    return float(np.sum(np.asarray(a, np.float64) * np.asarray(b, np.float64)))


def assert_like(value: Any, like: Any, rule: str) -> None:
    if isinstance(like, tuple):
        assert isinstance(value, tuple) and len(value) == len(like), rule
        for v, item in zip(value, like, strict=True):
            assert_like(v, item, rule)
    elif _is_float(like):
        assert np.shape(value) == np.shape(like), (rule, np.shape(value), np.shape(like))


def _params() -> list[Any]:
    params = []
    for case in CASES:
        entry = registry.lookup(case.primitive)
        assert entry is not None, case.primitive
        sample = case.make(np.random.default_rng(0))
        for position, rule in enumerate(entry.rules):
            if rule is not None and position < len(sample) and sample[position] is not None:
                label = f"{_name(case.primitive)}:{rule.__name__}:{case.label}"
                params.append(pytest.param(case, position, id=label))
    return params


def _name(primitive: Any) -> str:
    owner = getattr(primitive, "__self__", None)
    if owner is not None and hasattr(owner, "name"):
        return f"{owner.name}.{primitive.__name__}"
    return primitive.__name__


PARAMS = _params()
CHECKED = [p for p in PARAMS if p.values[1] not in p.values[0].raises]
RAISING = [p for p in PARAMS if p.values[1] in p.values[0].raises]


def _setup(case: Case, position: int, rng: np.random.Generator) -> tuple:
    values = case.make(rng)
    ans = case.primitive(*values, **case.params)
    direction = case.directions.get(position)
    u = direction(values[position], rng) if direction else random_like(values[position], rng)
    return values, ans, random_like(ans, rng), u


def _shifted(case: Case, values: tuple, position: int, u: Any, step: float) -> Any:
    moved = list(values)
    moved[position] = perturb(values[position], u, step)
    return case.primitive(*moved, **case.params)


def _rules(case: Case, position: int) -> tuple[Any, Any]:
    return (registry.lookup(case.primitive).rule_for(position),
            registry.lookup_jvp(case.primitive).rule_for(position))


@pytest.mark.parametrize(("case", "position"), CHECKED)
def test_vjp_matches_finite_differences(case: Case, position: int,
                                        rng: np.random.Generator) -> None:
    values, ans, g, u = _setup(case, position, rng)
    vjp, _ = _rules(case, position)
    partial = vjp(g, ans, *values, **case.params)
    assert_like(partial, values[position], vjp.__name__)
    numeric = (vdot(g, _shifted(case, values, position, u, EPS))
               - vdot(g, _shifted(case, values, position, u, -EPS))) / (2 * EPS)
    assert vdot(partial, u) == pytest.approx(numeric, rel=1e-5, abs=1e-7), vjp.__name__


@pytest.mark.parametrize(("case", "position"), CHECKED)
def test_jvp_matches_finite_differences(case: Case, position: int,
                                        rng: np.random.Generator) -> None:
    values, ans, _, u = _setup(case, position, rng)
    _, jvp = _rules(case, position)
    tangent = jvp(u, ans, *values, **case.params)
    assert_like(tangent, ans, jvp.__name__)
    plus = _shifted(case, values, position, u, EPS)
    minus = _shifted(case, values, position, u, -EPS)
    for got, high, low in zip(_leaves(tangent), _leaves(plus), _leaves(minus), strict=True):
        if _is_float(high):
            expected = (np.asarray(high, np.float64) - np.asarray(low, np.float64)) / (2 * EPS)
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7, err_msg=jvp.__name__)


@pytest.mark.parametrize(("case", "position"), CHECKED)
def test_jvp_is_the_transpose_of_the_vjp(case: Case, position: int,
                                         rng: np.random.Generator) -> None:
    values, ans, g, u = _setup(case, position, rng)
    vjp, jvp = _rules(case, position)
    forward = vdot(g, jvp(u, ans, *values, **case.params))
    reverse = vdot(vjp(g, ans, *values, **case.params), u)
    assert forward == pytest.approx(reverse, rel=case.transpose_tolerance, abs=1e-12), (
        vjp.__name__, jvp.__name__)


@pytest.mark.parametrize(("case", "position"), CHECKED)
def test_float32_stays_float32_where_scipy_keeps_it(case: Case, position: int,
                                                    rng: np.random.Generator) -> None:
    if not case.float32:
        pytest.skip("scipy rejects these inputs in float32")
    values = tuple(_float32(v) for v in case.make(rng))
    ans = case.primitive(*values, **case.params)
    if not any(_is_float(a) and np.result_type(a) == np.float32 for a in _leaves(ans)):
        pytest.skip("scipy computes this function in float64")
    if not any(np.result_type(a) == np.float32 for a in _leaves(values[position])
               if _is_float(a) and not isinstance(a, float)):
        pytest.skip("the argument is a Python float")
    vjp, jvp = _rules(case, position)
    partial = vjp(random_like(ans, rng), ans, *values, **case.params)
    tangent = jvp(random_like(values[position], rng), ans, *values, **case.params)
    assert_like(partial, values[position], vjp.__name__)
    for leaf in _leaves(partial) + _leaves(tangent):
        if _is_float(leaf) and not isinstance(leaf, float):
            assert np.result_type(leaf) == np.float32, (vjp.__name__, np.result_type(leaf))


@pytest.mark.parametrize(("case", "position"), RAISING)
def test_unimplemented_parameter_derivatives_raise(case: Case, position: int,
                                                   rng: np.random.Generator) -> None:
    values, ans, g, u = _setup(case, position, rng)
    vjp, jvp = _rules(case, position)
    with pytest.raises(NotImplementedError, match="derivative"):
        vjp(g, ans, *values, **case.params)
    with pytest.raises(NotImplementedError, match="derivative"):
        jvp(u, ans, *values, **case.params)


def _leaves(x: Any) -> list[Any]:
    return [leaf for item in x for leaf in _leaves(item)] if isinstance(x, tuple) else [x]


def _float32(x: Any) -> Any:
    if isinstance(x, tuple):
        return tuple(_float32(item) for item in x)
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x.astype(np.float32)
    return x


# ---- meta-tests: the table covers the registry ------------------------------------------------


def scipy_entries() -> list[Any]:
    return [entry for entry in registry.registered()
            if any(r is not None and r.__module__ in SCIPY_MODULES for r in entry.rules)]


def test_every_scipy_rule_has_a_case() -> None:
    covered = {(registry._key(p.values[0].primitive), p.values[1]) for p in PARAMS}
    missing = [f"{_name(entry.primitive)} argument {position}"
               for entry in scipy_entries()
               for position, rule in enumerate(entry.rules)
               if rule is not None and (registry._key(entry.primitive), position) not in covered]
    assert not missing, "scipy rules without a case: " + ", ".join(missing)


def test_every_vjp_entry_has_a_jvp_entry_with_the_same_positions() -> None:
    for entry in scipy_entries():
        jvp = registry.lookup_jvp(entry.primitive)
        assert jvp is not None, _name(entry.primitive)
        assert [r is None for r in jvp.rules] == [r is None for r in entry.rules]
        assert len(entry.argnames) == len(entry.rules), _name(entry.primitive)


def test_scipy_rules_are_exported_under_their_names() -> None:
    for entry in scipy_entries():
        for vjp in entry.rules:
            if vjp is not None:
                assert getattr(rt, vjp.__name__) is vjp, vjp.__name__
        for jvp in registry.lookup_jvp(entry.primitive).rules:
            if jvp is not None:
                assert getattr(rt, jvp.__name__) is jvp, jvp.__name__


@pytest.mark.parametrize("name", sorted(SCIPY_MODULES))
def test_module_all_lists_exactly_its_public_functions(name: str) -> None:
    import inspect

    module = sys.modules[name]
    public = {n for n, v in vars(module).items() if inspect.isfunction(v)
              and v.__module__ == name and not n.startswith("_")}
    assert public == set(module.__all__)


def test_rules_load_only_after_user_code_imports_scipy() -> None:
    code = (
        "import sys, numpy as np, autodiff\n"
        "from autodiff.runtime import registry\n"
        "assert registry.lookup(np.exp) is not None\n"
        "assert 'scipy' not in sys.modules, 'a lookup imported scipy'\n"
        "assert not hasattr(autodiff.runtime, 'erf_vjp')\n"
        "import scipy.special\n"
        "before = set(sys.modules)\n"
        "assert registry.lookup(scipy.special.erf) is not None\n"
        "assert autodiff.runtime.erf_vjp is registry.lookup(scipy.special.erf).rules[0]\n"
        "assert not any(m.startswith('scipy.') for m in set(sys.modules) - before)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_gammasgn_is_declared_non_differentiable() -> None:
    assert registry.is_nondifferentiable(sp.gammasgn)


def test_multivariate_normal_rejects_a_non_matrix_covariance() -> None:
    x = np.zeros(3)
    with pytest.raises(NotImplementedError, match="2-d matrix"):
        rt.multivariate_normal_logpdf_vjp_cov(1.0, 0.0, x, x, 2.0)


def test_multinomial_gradient_is_zero_where_the_counts_are_outside_the_support() -> None:
    x, p = np.array([1.0, 1.0, 1.0, 0.0]), np.full(4, 0.25)
    ans = st.multinomial.logpmf(x, 4, p)  # the counts sum to 3, not 4: -inf
    assert np.isneginf(ans)
    np.testing.assert_array_equal(rt.multinomial_logpmf_vjp_p(1.0, ans, x, 4, p), np.zeros(4))
    assert rt.multinomial_logpmf_jvp_p(np.ones(4), ans, x, 4, p) == 0.0


@pytest.mark.parametrize("rule", [rt.entropy_vjp_pk, rt.zscore_vjp])
def test_nan_omitting_statistics_raise(rule: Callable[..., Any]) -> None:
    x = np.array([0.2, 0.5, 0.3])
    with pytest.raises(NotImplementedError, match="nan_policy='omit'"):
        rule(1.0, 0.0, x, nan_policy="omit")
