"""Every numpy function with a rule that returns a tuple or list on one of its rule cases is
known to the compiler as one (declared a container result in the registry, or a ufunc with
several outputs) (the compiler must not treat its result as an
array: unpacking and indexing it would be differentiated as array operations)."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
import warnings
from typing import Any

import numpy as np
import pytest

from autodiff.runtime.registry import AttributeKey, MethodKey
from autodiff.transforms.rules import RULES


def _load_rule_cases() -> Any:
    name = "autodiff_rule_cases"  # shared with the other rule tests: loaded once
    if name not in sys.modules:
        path = pathlib.Path(__file__).with_name("rule_cases.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


R = _load_rule_cases()
CASES, call, display_name, make = R.CASES, R.call, R.display_name, R.make


def _numpy_functions_with_cases() -> list[Any]:
    return [primitive for primitive in CASES
            if not isinstance(primitive, (MethodKey, AttributeKey))
            and (getattr(primitive, "__module__", None) or "").startswith("numpy")]


@pytest.mark.parametrize("primitive", _numpy_functions_with_cases(), ids=display_name)
def test_functions_returning_tuples_are_declared_container_results(primitive: Any) -> None:
    rng = np.random.default_rng(0)
    for case in CASES[primitive]:
        args = tuple(make(spec, rng) for spec in case.args)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = call(primitive, args, case.params)
            except Exception:  # a case numpy rejects on this version: nothing to learn
                continue
        if isinstance(result, (tuple, list)):
            assert not RULES.returns_array(primitive), (
                f"{display_name(primitive)} returns a {type(result).__name__} on case "
                f"{case.label!r}: declare it with container_results(...) where it is registered")
