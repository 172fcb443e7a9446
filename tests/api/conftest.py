"""Fixtures shared by the public-API acceptance tests."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from autodiff.runtime import registry


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every test sees the same random inputs on every run."""
    return np.random.default_rng(20240607)


@pytest.fixture(autouse=True)
def _restore_the_registry() -> Iterator[None]:
    """Rules a test registers on numpy functions (np.radians, np.spacing, ...) end with it.
    Lazily registered rules (scipy) are loaded first: restoring a snapshot taken before they
    loaded would drop them for the rest of the session (their modules do not register twice)."""
    registry.load_all_lazy()
    state = registry.snapshot()
    yield
    registry.restore(state)
