"""Shared fixtures: randomness always comes from a seeded generator, never module state."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261126)
