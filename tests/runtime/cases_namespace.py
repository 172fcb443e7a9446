"""The array-namespace helpers of ``runtime/namespace.py`` are non-differentiable (they describe
an array): their sample inputs for test_nondiff.py."""

from __future__ import annotations

from typing import Any

from autodiff_rule_cases import N

from autodiff.runtime import namespace

CASES: dict[str, list[Any]] = {}  # no gradient rules here

NONDIFF_CASES: dict[Any, tuple[Any, ...]] = {
    namespace.is_foreign: (N(2, 3),),
    namespace.array_namespace: (N(2, 3), N(3)),
    namespace.static_shape: (N(2, 3),),
    namespace.known_shape: ((2, 3),),
    namespace.size_of: (N(2, 3),),
    namespace.ndim_of: (N(4),),
    namespace.foreign_key: (N(2, 3),),
}
