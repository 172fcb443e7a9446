"""Specialized gradient sources of models whose parameters come in a dict or a list of
layers: leaves unpacked at the entry, one adjoint per leaf, the gradient container built once.

Set AUTODIFF_UPDATE_GOLDEN=1 to rewrite the files after reviewing a deliberate change.
"""

from __future__ import annotations

import os
import pathlib

import numpy as np
import pytest

import autodiff

from . import container_models as models

EXPECTED = pathlib.Path(__file__).parent / "expected"


def _arguments(kind: str) -> tuple:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 64)), np.eye(10)[rng.integers(0, 10, 32)]
    shapes = [(64, 128), (128, 10)]
    layers = [(rng.normal(size=s) * 0.1, np.zeros(s[1])) for s in shapes]
    if kind == "dict":
        (w1, b1), (w2, b2) = layers
        return {"W1": w1, "b1": b1, "W2": w2, "b2": b2}, x, y
    return layers, x, y


def _same_targets(text: str) -> str:
    """Python 3.10's ast.unparse puts a nested tuple target in parentheses, later versions do
    not: ``((a, b), c) = p`` and ``(a, b), c = p`` are one statement."""
    lines = []
    for line in text.splitlines():
        body = line.lstrip()
        target, sep, value = body.partition(" = ")
        if sep and target.startswith("(") and target.endswith(")") \
                and _closes_at_end(target):
            line = line[:len(line) - len(body)] + target[1:-1] + sep + value
        lines.append(line)
    return "\n".join(lines)


def _closes_at_end(target: str) -> bool:
    depth = 0
    for index, char in enumerate(target):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index == len(target) - 1
    return False


@pytest.mark.parametrize(("fn", "kind"), [(models.mlp_dict, "dict"),
                                          (models.mlp_layers, "layers")])
def test_container_source_matches_golden(fn, kind):
    source = autodiff.source(autodiff.grad(fn), *_arguments(kind))
    path = EXPECTED / f"container_{fn.__name__}.py.txt"
    if os.environ.get("AUTODIFF_UPDATE_GOLDEN"):
        path.write_text(source)
    assert _same_targets(source) == _same_targets(path.read_text())
    assert "getitem_vjp" not in source and "_rt.add" not in source
