"""Folding of negations and scalar constant factors (transforms/folding.py), and the cheaper
maximum/minimum subgradient rules."""

from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest

import autodiff
from autodiff.runtime import rules_elementwise, rules_elementwise_jvp
from autodiff.transforms.opt.folding import fold_scalar_factors
from autodiff.transforms.testing import gradient_source, numerical_gradient


def folded(source: str, adjoints: set[str]) -> str:
    tree = gast.parse(textwrap.dedent(source))
    fold_scalar_factors(tree.body[0], adjoints)
    return gast.unparse(tree).strip()


def normalized(source: str) -> str:
    return gast.unparse(gast.parse(textwrap.dedent(source))).strip()


ADJOINTS = {"dm", "dn", "dr", "ds", "dz", "da", "db", "d1", "d2"}

CASES = [
    pytest.param("""
        def f(g, y, dz):
            dm = -g
            dz = dz + dm * y
            return dz""", """
        def f(g, y, dz):
            dz = dz - g * y
            return dz""", id="negation-absorbed-by-a-sum"),
    pytest.param("""
        def f(g, da):
            dr = -g
            da = da - dr
            return da""", """
        def f(g, da):
            da = da + g
            return da""", id="subtracted-negation"),
    pytest.param("""
        def f(dy, s, a):
            dn = -dy
            dm = dn / a
            d1 = -dn * s / a
            return (dm, d1)""", """
        def f(dy, s, a):
            dm = -dy / a
            d1 = dy * s / a
            return (dm, d1)""", id="double-negation-two-readers"),
    pytest.param("""
        def f(dy, a, s):
            dm = -dy / a
            d1 = s * 2.0
            dr = dm * 0.5
            return (dr, d1)""", """
        def f(dy, a, s):
            dr = dy / a * -0.5
            d1 = s * 2.0
            return (dr, d1)""", id="scaled-copy-merged"),
    pytest.param("""
        def f(a, b):
            dm = -a * b * 2.0
            return dm""", """
        def f(a, b):
            dm = a * b * -2.0
            return dm""", id="literal-absorbs-negation"),
    pytest.param("""
        def f(a):
            dm = -a / 2.0 * 4.0
            return dm""", """
        def f(a):
            dm = a * -2.0
            return dm""", id="literals-merged"),
    pytest.param("""
        def f(g, x):
            dm = -g
            dz = (x > 0.0) * dm * 3.0
            return dz""", """
        def f(g, x):
            dz = (x > 0.0) * g * -3.0
            return dz""", id="mask-never-negated"),
    pytest.param("""
        def f(g, x, y):
            dm = -g
            da = dm * x
            db = dm * y
            return (da, db)""", None, id="kept-when-readers-cannot-absorb"),
    pytest.param("""
        def f(g, x, dz):
            dm = -g
            g = g * 2.0
            dz = dz + dm * x
            return (dz, g)""", None, id="source-reassigned-before-the-read"),
    pytest.param("""
        def f(g, x, dz, c):
            dm = -g
            if c:
                dz = dz + dm * x
            return dz""", None, id="read-in-a-nested-block"),
    pytest.param("""
        def f(g, x):
            dm = -g
            dz = _rt.sum_vjp(dm, None, x)
            return dz""", None, id="passed-to-a-rule"),
    pytest.param("""
        def f(x, y):
            n = -x
            t = n * y * 2.0
            return t""", None, id="forward-values-untouched"),
    pytest.param("""
        def f(dy, a, s):
            dm = -dy / a
            dr = dm * 0.5
            dr = dr + s
            return dr""", None, id="scaled-copy-target-assigned-twice"),
    pytest.param("""
        def f(a):
            dm = -a / 0.0 * 2.0
            return dm""", None, id="zero-divisor-left-alone"),
    pytest.param("""
        def f(q, d):
            dm = 1.0 / q
            dr = dm * d * 2.0
            return dr""", """
        def f(q, d):
            dr = 2.0 / q * d
            return dr""", id="scaled-copy-with-more-factors"),
    pytest.param("""
        def f(q, d, x):
            dm = 1.0 / q
            d = x * 3.0
            dr = dm * d * 2.0
            return dr""", None, id="scaled-copy-factor-rebound-in-between"),
    pytest.param("""
        def f(q, d):
            dm = 1.0 / q
            dr = d * dm * 2.0
            return dr""", None, id="scaled-copy-not-the-first-factor"),
    pytest.param("""
        def f(g, q, d):
            dm = g / q
            dr = dm * d * 2.0
            return dr""", None, id="scaled-copy-with-nothing-to-merge"),
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_folding_rewrites(before: str, after: str | None) -> None:
    expected = normalized(before if after is None else after)
    assert folded(before, ADJOINTS) == expected


def test_folding_reaches_a_fixed_point() -> None:
    once = folded("""
        def f(dy, a, s, dz):
            dn = -dy
            dm = dn / a
            dr = dm * 0.5
            dz = dz + -dr * s
            return dz""", ADJOINTS)
    assert once == normalized("""
        def f(dy, a, s, dz):
            dr = dy / a * -0.5
            dz = dz - dr * s
            return dz""")
    tree = gast.parse(once)
    assert fold_scalar_factors(tree.body[0], ADJOINTS) == 0


# ---- the pass in the pipeline -----------------------------------------------------------------


def newton(a, y0):
    y = y0
    for _ in range(3):
        residual = y * y * y + y - a
        y = y - 0.5 * residual / (3.0 * y * y + 1.0)
    return np.sum(y * y)


def logistic(z, y):
    return np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z))))


def negations(x, w):
    a = -x * w
    b = -(a / 3.0) * 2.0
    c = np.tanh(b) - a * 0.5
    return np.sum(-c * c) / 4.0


def clipped(x, w):
    h = np.minimum(np.maximum(x * w, -0.5), 0.5)
    return np.sum(h * h - 2.0 * h)


def test_newton_step_backward_has_no_negation_statements() -> None:
    source = textwrap.dedent("""
        def f(a, y):
            residual = y * y * y + y - a
            y2 = y - 0.5 * residual / (3.0 * y * y + 1.0)
            return np.sum(y2 * y2)""")
    code = gradient_source(source, shapes=(("a", (3,)), ("y", (3,))))
    backward = code.split("# ---- backward ----")[1]
    assert "* -0.5" in backward
    negations = [line for line in backward.splitlines()
                 if line.strip().startswith("d_") and " = -" in line]
    assert negations == []
    assert ":4  y2 = " in backward and ":3  residual = " in backward  # comment lines kept


SHAPES = [(3,), (2, 4), (5, 1)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(("fn", "positions"), [
    (newton, (0, 1)), (logistic, (0,)), (negations, (0, 1)), (clipped, (0, 1)),
], ids=["newton", "logistic", "negations", "clipped"])
def test_folded_gradients_match_finite_differences(rng, fn, positions, shape) -> None:
    if fn is newton:
        args = [rng.uniform(0.5, 2.0, size=shape), rng.uniform(0.5, 1.5, size=shape)]
    elif fn is logistic:
        args = [rng.normal(size=shape), rng.uniform(size=shape)]
    else:
        args = [rng.normal(size=shape), rng.normal(size=shape)]
    grad_fn = autodiff.grad(fn, positions)
    for call in range(3):  # first call: generic code; third: shape-specialized code
        got = grad_fn(*args)
        if call == 1:
            continue
        for position, value in zip(positions, got, strict=True) if len(positions) > 1 \
                else [(positions[0], got)]:
            np.testing.assert_allclose(value, numerical_gradient(fn, args, position),
                                       rtol=1e-5, atol=1e-7)


# ---- maximum/minimum subgradients ---------------------------------------------------------------

SPECIAL = [-np.inf, -2.0, -0.0, 0.0, 1e-310, 3.0, np.inf, np.nan]


def _reference(g, x1, x2, wins):
    """The former formulation: ``g * wins + g * (x1 == x2) * 0.5``."""
    return g * wins + g * (x1 == x2) * 0.5


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "wins"), [
    ("maximum_vjp_lhs", lambda x1, x2: x1 > x2), ("maximum_vjp_rhs", lambda x1, x2: x2 > x1),
    ("minimum_vjp_lhs", lambda x1, x2: x1 < x2), ("minimum_vjp_rhs", lambda x1, x2: x2 < x1),
    ("fmax_vjp_lhs", lambda x1, x2: (x1 > x2) | np.isnan(x2)),
    ("fmin_vjp_rhs", lambda x1, x2: (x2 < x1) | np.isnan(x1)),
])
def test_selection_rules_equal_the_former_formulation(name, wins, dtype) -> None:
    x1, x2 = np.array([(a, b) for a in SPECIAL for b in SPECIAL], dtype=dtype).T
    for g in (np.full(x1.shape, -1.5, dtype=dtype), np.full(x1.shape, -0.0, dtype=dtype),
              np.full(x1.shape, np.nan, dtype=dtype), dtype(2.5)):
        with np.errstate(invalid="ignore"):
            expected = _reference(g, x1, x2, wins(x1, x2))
            for module in (rules_elementwise, rules_elementwise_jvp):
                rule = getattr(module, name.replace("vjp", "jvp") if module is
                               rules_elementwise_jvp else name)
                got = rule(g, np.maximum(x1, x2), x1, x2)
                assert got.dtype == expected.dtype
                np.testing.assert_array_equal(got, expected)
                assert (np.signbit(got) == np.signbit(expected))[~np.isnan(expected)].all()


def test_selection_rule_ties_split_the_gradient() -> None:
    g = np.array([2.0, 2.0, 2.0])
    x1, x2 = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    np.testing.assert_array_equal(rules_elementwise.maximum_vjp_lhs(g, None, x1, x2),
                                  [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(rules_elementwise.maximum_vjp_rhs(g, None, x1, x2),
                                  [2.0, 1.0, 0.0])
