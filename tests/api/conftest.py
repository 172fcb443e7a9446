"""Fixtures shared by the public-API acceptance tests."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every test sees the same random inputs on every run."""
    return np.random.default_rng(20240607)
