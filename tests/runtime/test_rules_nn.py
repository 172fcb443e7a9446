"""The neural-network primitives of ``autodiff.runtime.rules_nn`` and their gradient rules.

Every registered rule is checked against central finite differences in float64 with random
projections; values are checked against closed forms, in float32 and at extreme logits.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from typing import Any

import numpy as np
import pytest

from autodiff.runtime import registry, rules_nn
from autodiff.runtime.rules_nn import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    log_softmax,
    mse_loss,
    relu,
    sigmoid,
    softmax,
    softplus,
)

BCE = binary_cross_entropy_with_logits
EPS = 1e-6


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240611)


# ---- sample inputs: NN_CASES of rule_cases.py, shared with test_jvp_rules.py ------------------


def _load_rule_cases() -> Any:
    name = "autodiff_rule_cases"
    if name not in sys.modules:
        path = pathlib.Path(__file__).with_name("rule_cases.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_make, CASES = _load_rule_cases().nn_make, _load_rule_cases().NN_CASES


def _checked_positions(prim: Any, args: tuple[Any, ...]) -> list[int]:
    """Positions with a registered rule whose argument is a float array (or float)."""
    entry = registry.lookup(prim)
    assert entry is not None
    return [
        i
        for i, arg in enumerate(args)
        if entry.rule_for(i) is not None
        and arg is not None
        and not isinstance(arg, str)
        and np.issubdtype(np.result_type(arg), np.floating)
    ]


def _vdot(a: Any, b: Any) -> float:
    return float(np.vdot(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)))


@pytest.mark.parametrize(("prim", "specs", "params"), CASES)
def test_rule_matches_finite_differences(
    prim: Any, specs: tuple[Any, ...], params: dict[str, Any], rng: np.random.Generator
) -> None:
    args = tuple(_make(spec, rng) for spec in specs)
    ans = prim(*args, **params)
    entry = registry.lookup(prim)
    positions = _checked_positions(prim, args)
    assert positions, "the case exercises no rule"
    for i in positions:
        rule = entry.rule_for(i)
        g = rng.normal(size=np.shape(ans))
        u = rng.normal(size=np.shape(args[i]))
        partial = rule(g, ans, *args, **params)
        assert np.shape(partial) == np.shape(args[i]), rule.__name__
        plus = prim(*args[:i], args[i] + EPS * u, *args[i + 1 :], **params)
        minus = prim(*args[:i], args[i] - EPS * u, *args[i + 1 :], **params)
        numeric = (_vdot(g, plus) - _vdot(g, minus)) / (2 * EPS)
        assert _vdot(partial, u) == pytest.approx(numeric, rel=1e-6, abs=1e-8), rule.__name__


@pytest.mark.parametrize(("prim", "specs", "params"), CASES)
def test_float32_is_preserved(
    prim: Any, specs: tuple[Any, ...], params: dict[str, Any], rng: np.random.Generator
) -> None:
    args = tuple(_make(spec, rng) for spec in specs)
    args = tuple(
        a.astype(np.float32)
        if isinstance(a, np.ndarray) and np.issubdtype(a.dtype, np.floating)
        else a
        for a in args
    )
    ans = prim(*args, **params)
    assert np.result_type(ans) == np.float32
    entry = registry.lookup(prim)
    for i in _checked_positions(prim, args):
        g = np.ones(np.shape(ans), dtype=np.float32)
        partial = entry.rule_for(i)(g, ans, *args, **params)
        assert np.result_type(partial) == np.float32, entry.rule_for(i).__name__


def test_every_rule_and_primitive_is_covered() -> None:
    exported = set(rules_nn.__all__)
    rules = {name for name in exported if "_vjp" in name}
    primitives = {name for name in exported if "_vjp" not in name and "_jvp" not in name}
    for name in primitives:
        entry = registry.lookup(getattr(rules_nn, name))
        assert entry is not None, name
        assert all(r is None or r.__name__ in rules for r in entry.rules), name
        assert all(r is None or r.__name__ in exported for r in entry.jvps), name
    covered = set()
    for param in CASES:
        prim, specs, _ = param.values
        for i, spec in enumerate(specs):
            rule = registry.lookup(prim).rule_for(i)
            if rule is not None and spec[0] not in ("const", "index"):
                covered.add(rule.__name__)
    assert covered == rules


def test_rules_are_registered_with_argument_names() -> None:
    entry = registry.lookup(BCE)
    assert entry.argnames == ("input", "target", "weight", "pos_weight", "reduction")
    assert [r and r.__name__ for r in entry.rules] == [
        "binary_cross_entropy_with_logits_vjp_input",
        "binary_cross_entropy_with_logits_vjp_target",
        "binary_cross_entropy_with_logits_vjp_weight",
        "binary_cross_entropy_with_logits_vjp_pos_weight",
        None,
    ]
    assert registry.lookup(softmax).argnames == ("x", "axis")
    assert registry.lookup(cross_entropy).argnames[:3] == ("input", "target", "weight")


# ---- extreme logits ---------------------------------------------------------------------------

EXTREME = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_give_finite_values_and_gradients(dtype: Any) -> None:
    x = EXTREME.astype(dtype)
    rows = np.stack([x, x[::-1]])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        s = sigmoid(x)
        assert np.all(np.isfinite(s)) and s[0] == 0 and s[-1] == 1
        assert np.all(np.isfinite(rules_nn.sigmoid_vjp(np.ones_like(x), s, x)))
        for f, rule in ((softmax, rules_nn.softmax_vjp), (log_softmax, rules_nn.log_softmax_vjp)):
            ans = f(rows)
            assert np.all(np.isfinite(ans))
            assert np.all(np.isfinite(rule(np.ones_like(rows), ans, rows)))
        for y in (np.zeros_like(x), np.ones_like(x)):
            w = np.full_like(x, 2.0)
            args = (x, y, w, w)
            loss = BCE(*args, reduction="none")
            assert np.all(np.isfinite(loss))
            for rule in registry.lookup(BCE).rules[:4]:
                assert np.all(np.isfinite(rule(np.ones_like(loss), loss, *args, reduction="none")))
        target = np.array([0, 6])
        loss = cross_entropy(rows, target, reduction="none")
        assert np.all(np.isfinite(loss))
        assert loss[0] == pytest.approx(2000.0)
        grad = rules_nn.cross_entropy_vjp_input(np.ones(2), loss, rows, target, reduction="none")
        assert np.all(np.isfinite(grad))


def test_bce_at_extreme_logits_is_exact() -> None:
    x = np.array([-1000.0, 1000.0])
    loss = BCE(x, np.array([1.0, 0.0]), reduction="none")
    assert loss == pytest.approx([1000.0, 1000.0])
    assert BCE(x, np.array([0.0, 1.0]), reduction="none") == pytest.approx([0.0, 0.0])


# ---- closed forms -----------------------------------------------------------------------------


def _naive_sigmoid(x: Any) -> Any:
    return 1 / (1 + np.exp(-x))


def test_activations_match_closed_forms(rng: np.random.Generator) -> None:
    x = rng.normal(size=(4, 5)) * 3
    np.testing.assert_allclose(sigmoid(x), _naive_sigmoid(x), rtol=1e-12)
    np.testing.assert_array_equal(relu(x), np.where(x > 0, x, 0.0))
    np.testing.assert_array_equal(rules_nn.relu_vjp(np.ones_like(x), relu(x), x), x > 0)
    s = softmax(x)
    np.testing.assert_allclose(np.sum(s, axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.sum(softmax(x, axis=0), axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(s, np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True))
    np.testing.assert_allclose(log_softmax(x), np.log(s), rtol=1e-12)
    np.testing.assert_allclose(log_softmax(x, 0), np.log(softmax(x, 0)), rtol=1e-12)


def test_softplus_matches_closed_form_and_is_stable(rng: np.random.Generator) -> None:
    x = rng.normal(size=(4, 5)) * 3
    np.testing.assert_allclose(softplus(x), np.log1p(np.exp(x)), rtol=1e-12)
    np.testing.assert_allclose(rules_nn.softplus_vjp(np.ones_like(x), softplus(x), x),
                               _naive_sigmoid(x), rtol=1e-12)
    big = np.array([-800.0, 800.0])
    np.testing.assert_allclose(softplus(big), [0.0, 800.0])
    np.testing.assert_allclose(rules_nn.softplus_vjp(np.ones(2), softplus(big), big), [0.0, 1.0])


def test_sigmoid_vjp_is_s_times_one_minus_s(rng: np.random.Generator) -> None:
    x = rng.normal(size=6)
    s = _naive_sigmoid(x)
    np.testing.assert_allclose(rules_nn.sigmoid_vjp(np.ones(6), sigmoid(x), x), s * (1 - s))


def _naive_bce(x: Any, y: Any, w: Any = 1.0, pw: Any = 1.0) -> Any:
    s = _naive_sigmoid(x)
    return -w * (pw * y * np.log(s) + (1 - y) * np.log(1 - s))


def test_bce_matches_direct_formula_with_weights(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=(4, 3)), rng.uniform(size=(4, 3))
    w, pw = rng.uniform(0.5, 2, size=3), rng.uniform(0.5, 2, size=(4, 1))
    direct = _naive_bce(x, y, w, pw)
    np.testing.assert_allclose(BCE(x, y, w, pw, reduction="none"), direct, rtol=1e-12)
    assert BCE(x, y, w, pw, reduction="sum") == pytest.approx(np.sum(direct), rel=1e-12)
    assert BCE(x, y, w, pw) == pytest.approx(np.mean(direct), rel=1e-12)


def test_bce_gradient_is_sigmoid_minus_target_over_n(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=(3, 4)), rng.integers(0, 2, size=(3, 4)).astype(np.float64)
    ones = np.ones_like(x)
    loss = BCE(x, y, ones, ones)
    grad = rules_nn.binary_cross_entropy_with_logits_vjp_input(1.0, loss, x, y, ones, ones)
    np.testing.assert_allclose(grad, (_naive_sigmoid(x) - y) / x.size, rtol=1e-12)
    grad_plain = rules_nn.binary_cross_entropy_with_logits_vjp_input(1.0, loss, x, y)
    np.testing.assert_allclose(grad_plain, grad, rtol=1e-12)


def test_bce_weight_rules_without_weights_return_none(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=3), rng.uniform(size=3)
    loss = BCE(x, y)
    assert rules_nn.binary_cross_entropy_with_logits_vjp_weight(1.0, loss, x, y) is None
    assert rules_nn.binary_cross_entropy_with_logits_vjp_pos_weight(1.0, loss, x, y) is None


def test_mse_matches_closed_form(rng: np.random.Generator) -> None:
    x, t = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    assert mse_loss(x, t) == pytest.approx(np.mean((x - t) ** 2), rel=1e-12)
    assert mse_loss(x, t, "sum") == pytest.approx(np.sum((x - t) ** 2), rel=1e-12)
    np.testing.assert_allclose(mse_loss(x, t, reduction="none"), (x - t) ** 2)
    grad = rules_nn.mse_loss_vjp_input(1.0, mse_loss(x, t), x, t)
    np.testing.assert_allclose(grad, 2 * (x - t) / x.size, rtol=1e-12)
    grad_t = rules_nn.mse_loss_vjp_target(1.0, mse_loss(x, t), x, t)
    np.testing.assert_allclose(grad_t, -2 * (x - t) / x.size, rtol=1e-12)


def _one_hot(y: Any, n_classes: int) -> Any:
    return np.eye(n_classes)[y]


def test_cross_entropy_with_indices_matches_closed_form(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)
    logp = np.log(np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True))
    picked = -logp[np.arange(5), y]
    assert cross_entropy(x, y) == pytest.approx(np.mean(picked), rel=1e-12)
    assert cross_entropy(x, y, reduction="sum") == pytest.approx(np.sum(picked), rel=1e-12)
    np.testing.assert_allclose(cross_entropy(x, y, reduction="none"), picked, rtol=1e-12)
    grad = rules_nn.cross_entropy_vjp_input(1.0, cross_entropy(x, y), x, y)
    np.testing.assert_allclose(grad, (np.exp(logp) - _one_hot(y, 4)) / 5, rtol=1e-12)
    assert rules_nn.cross_entropy_vjp_target(1.0, cross_entropy(x, y), x, y) is None
    w = rng.uniform(0.5, 2, size=4)
    weighted = cross_entropy(x, y, w)
    assert weighted == pytest.approx(np.sum(w[y] * picked) / np.sum(w[y]), rel=1e-12)


def test_cross_entropy_with_probabilities_matches_closed_form(rng: np.random.Generator) -> None:
    x, t = rng.normal(size=(5, 4)), _make(("probs", (5, 4), 1), rng)
    w = rng.uniform(0.5, 2, size=4)
    logp = log_softmax(x)
    assert cross_entropy(x, t) == pytest.approx(-np.sum(t * logp) / 5, rel=1e-12)
    # With probabilities, 'mean' divides by the number of samples even when weighted.
    assert cross_entropy(x, t, w) == pytest.approx(-np.sum(w * t * logp) / 5, rel=1e-12)
    grad_t = rules_nn.cross_entropy_vjp_target(1.0, cross_entropy(x, t), x, t)
    np.testing.assert_allclose(grad_t, -logp / 5, rtol=1e-12)
    y = rng.integers(0, 4, size=5)
    assert cross_entropy(x, _one_hot(y, 4)) == pytest.approx(cross_entropy(x, y), rel=1e-12)


def test_cross_entropy_label_smoothing(rng: np.random.Generator) -> None:
    x, y, eps = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6), 0.3
    logp = log_softmax(x)
    nll = np.mean(-logp[np.arange(6), y])
    smooth = np.mean(-np.sum(logp, axis=1))
    expected = (1 - eps) * nll + eps / 3 * smooth
    assert cross_entropy(x, y, label_smoothing=eps) == pytest.approx(expected, rel=1e-12)
    smoothed = cross_entropy(x, _one_hot(y, 3), label_smoothing=eps)
    assert smoothed == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_spatial_matches_flattened(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=(2, 3, 4)), rng.integers(0, 3, size=(2, 4))
    flat_x = np.reshape(np.moveaxis(x, 1, -1), (-1, 3))
    w = rng.uniform(0.5, 2, size=3)
    expected = cross_entropy(flat_x, np.reshape(y, -1), w)
    assert cross_entropy(x, y, w) == pytest.approx(expected, rel=1e-12)


# ---- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prim", "args"),
    [
        (mse_loss, (np.ones(2), np.ones(2))),
        (BCE, (np.ones(2), np.ones(2))),
        (cross_entropy, (np.ones((2, 3)), np.array([0, 1]))),
    ],
    ids=["mse", "bce", "cross_entropy"],
)
def test_unknown_reduction_names_the_valid_choices(prim: Any, args: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError, match=r"'mean', 'sum', 'none'.*'avg'"):
        prim(*args, reduction="avg")


def test_invalid_targets_are_rejected() -> None:
    with pytest.raises(ValueError, match="target shape"):
        BCE(np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="pos_weight shape"):
        BCE(np.ones((2, 3)), np.ones((2, 3)), None, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        cross_entropy(np.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="class-index target shape"):
        cross_entropy(np.ones((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="integer class indices or float class probabilities"):
        cross_entropy(np.ones((2, 3)), np.array([True, False]))
    with pytest.raises(ValueError, match="weight shape"):
        cross_entropy(np.ones((2, 3)), np.array([0, 1]), np.ones(2))
