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

from .accumulate import zeros_like
from .registry import defjvp_attribute, defvjp_attribute


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


def field_eigenvalues_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "eigenvalues")


def field_eigenvalues_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "eigenvalues")


def field_eigenvectors_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "eigenvectors")


def field_eigenvectors_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "eigenvectors")


def field_U_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "U")


def field_U_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "U")


def field_S_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "S")


def field_S_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "S")


def field_Vh_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "Vh")


def field_Vh_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "Vh")


def field_sign_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "sign")


def field_sign_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "sign")


def field_logabsdet_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "logabsdet")


def field_logabsdet_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "logabsdet")


def field_Q_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "Q")


def field_Q_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "Q")


def field_R_vjp(g: Any, ans: Any, x: Any) -> list[Any]:
    return _field_vjp(g, x, "R")


def field_R_jvp(t: Any, ans: Any, x: Any) -> Any:
    return _field_jvp(t, x, "R")


defvjp_attribute("eigenvalues", field_eigenvalues_vjp)
defjvp_attribute("eigenvalues", field_eigenvalues_jvp)
defvjp_attribute("eigenvectors", field_eigenvectors_vjp)
defjvp_attribute("eigenvectors", field_eigenvectors_jvp)
defvjp_attribute("U", field_U_vjp)
defjvp_attribute("U", field_U_jvp)
defvjp_attribute("S", field_S_vjp)
defjvp_attribute("S", field_S_jvp)
defvjp_attribute("Vh", field_Vh_vjp)
defjvp_attribute("Vh", field_Vh_jvp)
defvjp_attribute("sign", field_sign_vjp)
defjvp_attribute("sign", field_sign_jvp)
defvjp_attribute("logabsdet", field_logabsdet_vjp)
defjvp_attribute("logabsdet", field_logabsdet_jvp)
defvjp_attribute("Q", field_Q_vjp)
defjvp_attribute("Q", field_Q_jvp)
defvjp_attribute("R", field_R_vjp)
defjvp_attribute("R", field_R_jvp)

__all__ = [
    "field_Q_jvp",
    "field_Q_vjp",
    "field_R_jvp",
    "field_R_vjp",
    "field_S_jvp",
    "field_S_vjp",
    "field_U_jvp",
    "field_U_vjp",
    "field_Vh_jvp",
    "field_Vh_vjp",
    "field_eigenvalues_jvp",
    "field_eigenvalues_vjp",
    "field_eigenvectors_jvp",
    "field_eigenvectors_vjp",
    "field_logabsdet_jvp",
    "field_logabsdet_vjp",
    "field_sign_jvp",
    "field_sign_vjp",
]
