"""Gradient rules of the remainders (``mod``/``remainder``/``%``, ``fmod``, ``divmod``) and of the
functions that take a float apart or rebuild it (``modf``, ``ldexp``, ``copysign``,
``nextafter``, ``nan_to_num``), each VJP beside its JVP.

Away from their jumps these are shifts of their first argument by a piecewise constant amount:
slope 1 in ``x1`` (the rules of ``add``), and for the remainders minus the quotient in ``x2``.
Their piecewise constant parts (quotients, integral parts, exponents, signs) get no gradient. The
conventions are those of ``rules_elementwise``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, unbroadcast_to
from .registry import (
    constant_arguments,
    define_from_source,
    defrule,
    defrules,
    public_functions,
)
from .rules_elementwise import add_jvp_lhs, add_vjp_lhs

# ---- remainders: slope 1 in x1 (like ``add``) and minus the quotient in x2 -------------------
# away from the jumps where x1 / x2 is an integer; the quotient itself is piecewise constant.


def mod_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """mod(x1, x2) = x1 - floor(x1 / x2) * x2, so d/dx2 = -floor(x1 / x2)."""
    return unbroadcast_to(-g * np.floor_divide(x1, x2), x2)


def mod_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(-t * np.floor_divide(x1, x2), ans)


def fmod_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """fmod(x1, x2) = x1 - trunc(x1 / x2) * x2, so d/dx2 = -trunc(x1 / x2)."""
    return unbroadcast_to(-g * np.trunc(x1 / x2), x2)


def fmod_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(-t * np.trunc(x1 / x2), ans)


def divmod_vjp_lhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """``divmod`` returns (floor(x1 / x2), mod(x1, x2)): only the remainder moves with x1."""
    return unbroadcast_to(g[1], x1)


def divmod_jvp_lhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return (np.zeros_like(ans[0]), broadcast_like(t, ans[1]))


def divmod_vjp_rhs(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """The remainder's slope in x2 is minus the quotient ``ans[0]``."""
    return unbroadcast_to(-g[1] * ans[0], x2)


def divmod_jvp_rhs(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return (np.zeros_like(ans[0]), broadcast_like(-t * ans[0], ans[1]))


def modf_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``modf`` returns (fractional part, integral part): only the fractional part moves."""
    return g[0]


def modf_jvp(t: Any, ans: Any, x: Any) -> Any:
    return (t, np.zeros_like(ans[1]))


# ---- floats taken apart and rebuilt ------------------------------------------------------------


def ldexp_vjp(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """ldexp(x1, x2) = x1 * 2**x2 with an integer x2: slope 2**x2, exactly ``ldexp(1, x2)``."""
    return unbroadcast_to(np.ldexp(g, x2), x1)


def ldexp_jvp(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(np.ldexp(t, x2), ans)


def copysign_vjp(g: Any, ans: Any, x1: Any, x2: Any) -> Any:
    """copysign(x1, x2) = |x1| with x2's sign: slope sign(x1) * sign(ans) (0 at x1 = 0)."""
    return unbroadcast_to(g * (np.sign(x1) * np.sign(ans)), x1)


def copysign_jvp(t: Any, ans: Any, x1: Any, x2: Any) -> Any:
    return broadcast_like(t * (np.sign(x1) * np.sign(ans)), ans)


def nan_to_num_vjp(g: Any, ans: Any, x: Any, copy: bool = True, nan: Any = 0.0,
                   posinf: Any = None, neginf: Any = None) -> Any:
    """The gradient passes where x is finite; NaN and infinities become the replacements."""
    return np.where(np.isfinite(x), g, 0.0)


def nan_to_num_jvp(t: Any, ans: Any, x: Any, copy: bool = True, nan: Any = 0.0,
                   posinf: Any = None, neginf: Any = None) -> Any:
    return np.where(np.isfinite(x), t, 0.0)


# each replacement value (nan=, posinf=, neginf=) receives the gradient of the entries it replaced
_REPLACED = {"nan": "np.isnan", "posinf": "np.isposinf", "neginf": "np.isneginf"}
_REPLACEMENT_RULES = """
def nan_to_num_vjp_{name}(g, ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    return unbroadcast_to(np.where({replaced}(x), g, 0.0), {name})


def nan_to_num_jvp_{name}(t, ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    return broadcast_like(np.where({replaced}(x), t, 0.0), ans)
"""
define_from_source("\n".join(_REPLACEMENT_RULES.format(name=name, replaced=replaced)
                             for name, replaced in _REPLACED.items()),
                   globals(), f"{__name__}: nan_to_num replacement rules")


defrules(
    (
        (np.mod, (add_vjp_lhs, mod_vjp_rhs), (add_jvp_lhs, mod_jvp_rhs)),  # np.remainder, %
        (np.fmod, (add_vjp_lhs, fmod_vjp_rhs), (add_jvp_lhs, fmod_jvp_rhs)),
        (np.divmod, (divmod_vjp_lhs, divmod_vjp_rhs), (divmod_jvp_lhs, divmod_jvp_rhs)),
        (divmod, (divmod_vjp_lhs, divmod_vjp_rhs), (divmod_jvp_lhs, divmod_jvp_rhs)),
        (np.ldexp, (ldexp_vjp, None), (ldexp_jvp, None)),
        (np.copysign, (copysign_vjp, None), (copysign_jvp, None)),
        (np.nextafter, (add_vjp_lhs, None), (add_jvp_lhs, None)),
    ),
    argnames=("x1", "x2"),
)
# the output is piecewise constant in these (x2 sets only a sign, or the next representable
# number's direction): a differentiated value there gets a zero gradient, by proof (the
# non-differentiable audit in tests/runtime/test_constant_arguments.py checks it)
constant_arguments(np.copysign, "x2")
constant_arguments(np.nextafter, "x2")
defrule(np.modf, vjp=(modf_vjp,), jvp=(modf_jvp,), argnames=("x",))
defrule(np.nan_to_num,
        vjp=(nan_to_num_vjp, None, *(globals()[f"nan_to_num_vjp_{name}"] for name in _REPLACED)),
        jvp=(nan_to_num_jvp, None, *(globals()[f"nan_to_num_jvp_{name}"] for name in _REPLACED)),
        argnames=("x", "copy", *_REPLACED))

__all__ = public_functions(globals())
