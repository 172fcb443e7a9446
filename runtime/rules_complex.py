"""Gradient rules of numpy's complex-number functions: ``real``, ``imag``, ``conj``, ``angle``,
``real_if_close``, the ``.real``/``.imag`` attributes and the ``.conj()`` method.

Convention (docs/complex.md, the same as JAX's and autograd's): the cotangent of a complex value
``z = x + iy`` under a real loss ``L`` is ``dL/dx - i dL/dy``, and a VJP rule returns the ``c``
with ``Re(c * dz) == Re(g * dans)`` for every ``dz``. Holomorphic functions therefore have plain
transposes (no conjugation), and the cotangent of a real input is the real part.

The cotangent of a real value may carry an imaginary part that does not pair with anything (a
real operand of a complex product whose reduction shape-specialized code skipped): the rules
of real-valued functions of complex arguments use only ``Re(g)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import is_complex
from .registry import AttributeKey, alias_method, constant_arguments, defrule, nondifferentiable

_DEGREES_PER_RADIAN = 180.0 / np.pi


def _complex_cotangent(g: Any, z: Any) -> Any:
    """The real cotangent ``g`` in ``z``'s dtype kind: complex for a complex ``z``."""
    if np.iscomplexobj(z):
        return g * (1.0 + 0.0j)
    return g


def real_vjp(g: Any, ans: Any, val: Any) -> Any:
    """``Re(z)``: the loss changes by ``g * dx``, so the cotangent is ``g`` (no imaginary part)."""
    return _complex_cotangent(np.real(g), val)


def real_jvp(t: Any, ans: Any, val: Any) -> Any:
    return np.real(t)


def imag_vjp(g: Any, ans: Any, val: Any) -> Any:
    """``Im(z)``: the loss changes by ``g * dy``, so the cotangent is ``-i g`` (0 for real z)."""
    if np.iscomplexobj(val):
        return np.real(g) * -1j
    return np.zeros_like(np.real(g))


def imag_jvp(t: Any, ans: Any, val: Any) -> Any:
    return np.imag(t)


def conjugate_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``conj(z)`` is real-linear: ``Re(g * conj(dz)) == Re(conj(g) * dz)``."""
    return np.conjugate(g)


def conjugate_jvp(t: Any, ans: Any, x: Any) -> Any:
    return np.conjugate(t)


def angle_vjp(g: Any, ans: Any, z: Any, deg: bool = False) -> Any:
    """``d angle(z) = Im(dz / z)``, so the cotangent is ``-i g / z``; a real ``z`` has angle
    0 or pi, piecewise constant, so it gets 0."""
    if not np.iscomplexobj(z):
        return np.zeros_like(np.real(g))
    if deg:
        return np.real(g) * -1j / z * _DEGREES_PER_RADIAN
    return np.real(g) * -1j / z


def angle_jvp(t: Any, ans: Any, z: Any, deg: bool = False) -> Any:
    if not np.iscomplexobj(z):
        return np.zeros_like(ans)
    if deg:
        return np.imag(t / z) * _DEGREES_PER_RADIAN
    return np.imag(t / z)


def real_if_close_vjp(g: Any, ans: Any, a: Any, tol: Any = 100) -> Any:
    """The identity, or ``Re`` where the imaginary parts were dropped."""
    if np.iscomplexobj(ans):
        return g
    return _complex_cotangent(np.real(g), a)


def real_if_close_jvp(t: Any, ans: Any, a: Any, tol: Any = 100) -> Any:
    if np.iscomplexobj(ans):
        return t
    return np.real(t)


defrule(np.real, vjp=(real_vjp,), jvp=(real_jvp,), argnames=("val",))
defrule(np.imag, vjp=(imag_vjp,), jvp=(imag_jvp,), argnames=("val",))
defrule(np.conjugate, vjp=(conjugate_vjp,), jvp=(conjugate_jvp,), argnames=("x",))
defrule(np.angle, vjp=(angle_vjp, None), jvp=(angle_jvp, None), argnames=("z", "deg"))
defrule(np.real_if_close, vjp=(real_if_close_vjp, None), jvp=(real_if_close_jvp, None),
        argnames=("a", "tol"))
constant_arguments(np.real_if_close, "tol")  # tol decides whether to drop imaginary parts
defrule(AttributeKey("real"), vjp=(real_vjp,), jvp=(real_jvp,), argnames=("self",))
defrule(AttributeKey("imag"), vjp=(imag_vjp,), jvp=(imag_jvp,), argnames=("self",))
alias_method("conj", np.conjugate)
alias_method("conjugate", np.conjugate)
nondifferentiable(np.iscomplexobj, np.isrealobj, np.iscomplex, np.isreal, is_complex,
                  reason="it returns booleans")

__all__ = [
    "angle_jvp",
    "angle_vjp",
    "conjugate_jvp",
    "conjugate_vjp",
    "imag_jvp",
    "imag_vjp",
    "real_if_close_jvp",
    "real_if_close_vjp",
    "real_jvp",
    "real_vjp",
]
