"""Loss cells against numpy closed forms, including extreme logits."""

from __future__ import annotations

import numpy as np
import pytest

from autodiff import Parameter, nn

REDUCTIONS = ["mean", "sum", "none"]


def _reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    return {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction](values)


# ---- BCEWithLogitsLoss --------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_bce_with_logits_closed_form(
    rng: np.random.Generator, reduction: str, weighted: bool
) -> None:
    x = rng.normal(size=(4, 3)) * 2
    y = rng.uniform(size=(4, 3))
    weight = rng.uniform(0.5, 2.0, size=(3,)) if weighted else None
    pos_weight = rng.uniform(0.5, 2.0, size=(4, 3)) if weighted else None
    loss = nn.BCEWithLogitsLoss(reduction, weight, pos_weight)
    p = 1 / (1 + np.exp(-x))
    w = 1.0 if weight is None else weight
    pw = 1.0 if pos_weight is None else pos_weight
    expected = -w * (pw * y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(loss(x, y), _reduce(expected, reduction), rtol=1e-10)


def test_bce_with_logits_seed_defaults_match_all_ones_weights(rng: np.random.Generator) -> None:
    z = rng.normal(size=3).astype(np.float32)
    y = np.zeros(3, np.float32)
    loss = nn.BCEWithLogitsLoss()
    ones = np.ones_like(z)
    with_ones = nn.BCEWithLogitsLoss(weight=ones, pos_weight=ones)
    assert loss.reduction == "mean" and loss.weight is None and loss.pos_weight is None
    np.testing.assert_allclose(loss(z, y), with_ones(z, y), rtol=1e-6)
    np.testing.assert_allclose(loss(z, y), np.mean(np.logaddexp(0, z.astype(np.float64))),
                               rtol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_extreme_logits(reduction: str) -> None:
    x = np.array([1000.0, -1000.0, 1000.0, -1000.0], np.float32)
    y = np.array([0.0, 1.0, 1.0, 0.0], np.float32)
    pos_weight = np.array([1.0, 2.0, 1.0, 1.0], np.float32)
    out = nn.BCEWithLogitsLoss(reduction, pos_weight=pos_weight)(x, y)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, _reduce(np.array([1000.0, 2000.0, 0.0, 0.0]), reduction),
                               rtol=1e-6)


def test_bce_converts_lists_and_keeps_parameters() -> None:
    loss = nn.BCEWithLogitsLoss(weight=[1.0, 2.0])
    assert isinstance(loss.weight, np.ndarray) and loss.get_parameters() == []
    trainable = Parameter(np.ones(2))
    assert nn.BCEWithLogitsLoss(pos_weight=trainable).trainable_params()[0] is trainable


def test_bce_shape_mismatch_is_reported() -> None:
    with pytest.raises(ValueError, match="shape"):
        nn.BCEWithLogitsLoss()(np.zeros(3), np.zeros(4))


# ---- MSELoss ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_closed_form(rng: np.random.Generator, reduction: str) -> None:
    x = rng.normal(size=(5, 2))
    y = rng.normal(size=(5, 2))
    np.testing.assert_allclose(nn.MSELoss(reduction)(x, y), _reduce((x - y) ** 2, reduction),
                               rtol=1e-12)


def test_mse_float32_and_large_values() -> None:
    x = np.array([1000.0, -1000.0], np.float32)
    y = np.zeros(2, np.float32)
    out = nn.MSELoss()(x, y)
    assert out.dtype == np.float32 and out == np.float32(1e6)


# ---- CrossEntropyLoss ---------------------------------------------------------------------------


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2], ids=["hard", "smoothed"])
def test_cross_entropy_index_labels(
    rng: np.random.Generator, reduction: str, weighted: bool, smoothing: float
) -> None:
    n, c = 6, 4
    x = rng.normal(size=(n, c)) * 3
    labels = rng.integers(0, c, size=n)
    weight = rng.uniform(0.5, 2.0, size=c) if weighted else np.ones(c)
    q = (1 - smoothing) * np.eye(c)[labels] + smoothing / c
    per_sample = -np.sum(weight * q * _log_softmax(x), axis=1)
    expected = {"mean": per_sample.sum() / weight[labels].sum(), "sum": per_sample.sum(),
                "none": per_sample}[reduction]
    loss = nn.CrossEntropyLoss(weight if weighted else None, reduction, smoothing)
    np.testing.assert_allclose(loss(x, labels), expected, rtol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_labels(rng: np.random.Generator, reduction: str) -> None:
    x = rng.normal(size=(5, 3))
    q = rng.dirichlet(np.ones(3), size=5)
    per_sample = -np.sum(q * _log_softmax(x), axis=1)
    np.testing.assert_allclose(nn.CrossEntropyLoss(reduction=reduction)(x, q),
                               _reduce(per_sample, reduction), rtol=1e-10)


def test_cross_entropy_extreme_logits() -> None:
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]], np.float32)
    labels = np.array([1, 0])
    out = nn.CrossEntropyLoss(reduction="none")(x, labels)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, [2000.0, 2000.0 + np.log(2.0)], rtol=1e-6)
    assert np.isfinite(nn.CrossEntropyLoss(label_smoothing=0.1)(x, labels))


# ---- option validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [lambda: nn.BCEWithLogitsLoss("avg"), lambda: nn.MSELoss("max"),
     lambda: nn.CrossEntropyLoss(reduction="batchmean"),
     lambda: nn.CrossEntropyLoss(label_smoothing=1.5)],
    ids=["bce-reduction", "mse-reduction", "ce-reduction", "ce-smoothing"],
)
def test_invalid_options_raise_at_construction(make) -> None:
    with pytest.raises(ValueError):
        make()
