"""Gradient rules of the fields of ``np.linalg``'s named results: ``res = np.linalg.svd(a)``
then ``res.S``, ``res.U``, ``res.Vh``; ``eigh``/``eig``'s ``.eigenvalues``/``.eigenvectors``;
``slogdet``'s ``.sign``/``.logabsdet``; ``qr``'s ``.Q``/``.R``.

A field's VJP is the list of cotangents, one per output of the decomposition, with the field's
adjoint at its place and zeros elsewhere (what the decomposition's own VJP takes); its JVP picks
the field's tangent out of the tuple of tangents. Attribute rules are keyed by name only: on any
other object the rules raise a TypeError rather than guess.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .accumulate import zeros_like
from .registry import (
    container_results,
    define_from_source,
    defjvp_attribute,
    defvjp_attribute,
    public_functions,
)


def _field_index(result: Any, name: str) -> int:
    fields = getattr(result, "_fields", ())
    if not isinstance(result, tuple) or name not in fields:
        raise TypeError(
            f"autodiff differentiates the attribute .{name} only on the named results of "
            f"np.linalg (svd, eigh, eig, slogdet, qr), not on a {type(result).__name__}")
    return fields.index(name)


def _field_vjp(g: Any, result: Any, name: str) -> list[Any]:
    index = _field_index(result, name)
    items = []
    for i in range(len(result)):
        if i == index:
            items.append(g)
        else:
            items.append(zeros_like(result[i]))
    return items


def _field_jvp(t: Any, result: Any, name: str) -> Any:
    return t[_field_index(result, name)]


# the fields of np.linalg's named results; each gets two rules, written out by _FIELD_RULES
FIELDS = ("eigenvalues", "eigenvectors", "U", "S", "Vh", "sign", "logabsdet", "Q", "R")
_FIELD_RULES = """
def field_{name}_vjp(g, ans, x):
    return _field_vjp(g, x, {name!r})


def field_{name}_jvp(t, ans, x):
    return _field_jvp(t, x, {name!r})
"""

define_from_source("\n".join(_FIELD_RULES.format(name=name) for name in FIELDS), globals(),
                   f"{__name__}: field rules")
for _name in FIELDS:
    defvjp_attribute(_name, globals()[f"field_{_name}_vjp"])
    defjvp_attribute(_name, globals()[f"field_{_name}_jvp"])
# the decompositions whose results these are (named tuples; their rules are elsewhere)
container_results(np.linalg.svd, np.linalg.eig, np.linalg.eigh, np.linalg.slogdet,
                  np.linalg.qr, np.linalg.lstsq)

__all__ = public_functions(globals())
