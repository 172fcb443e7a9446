"""Run the before/after examples in every pass docstring (imported as autodiff.transforms.*)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import autodiff.transforms as transforms

PREFIX = "autodiff.transforms."
MODULES = sorted(info.name.removeprefix(PREFIX)
                 for info in pkgutil.walk_packages(transforms.__path__, PREFIX) if not info.ispkg)


@pytest.mark.parametrize("module_name", MODULES, ids=MODULES)
def test_docstring_examples(module_name: str) -> None:
    module = importlib.import_module(PREFIX + module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_pass_shows_an_example() -> None:
    for step in transforms.default_pipeline():
        assert ">>>" in (step.pass_class.__doc__ or ""), step.pass_class.__name__
