"""Fixtures for the ``autodiff.nn`` tests."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A freshly seeded generator per test: results never depend on test order."""
    return np.random.default_rng(31415)
