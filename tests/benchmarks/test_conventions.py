"""Every (workload, convention) pair of benchmarks/conventions.py: autodiff's gradient equals
the hand-written one, in the same container structure (no timing)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import conventions

PAIRS = conventions.conventions()


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in _leaves(tree[key])]
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p.workload}-{p.convention}" for p in PAIRS])
def test_convention_gradient_matches_hand_written(pair):
    expected = pair.hand(*pair.args)
    for _ in range(3):  # generic, specialized, entry
        got = pair.gradient(*pair.args)
        if isinstance(expected, (dict, list)) or pair.convention != "positional":
            assert type(got) is type(expected) or pair.convention == "cell weights="
        for a, b in zip(_leaves(got), _leaves(expected), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
