"""Gradient rules of functions that build arrays from the entries of others: ``meshgrid``,
``choose``, ``bincount`` (w.r.t. its weights) and the numpy scalar types used as conversions
(``np.float64(x)``, ``np.float32(x)``). Each function's VJP and JVP side by side, registered
together with ``defrule``.

All are linear in the differentiated argument. ``meshgrid`` broadcasts input i along one axis
of output i (axes 0 and 1 swap for ``indexing='xy'``), so its adjoint sums g[i] over the other
axes. ``choose`` and ``bincount`` take integer indices (``a``, ``x``): piecewise constant by
numpy's contract (a float there raises), declared with ``constant_arguments``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import unbroadcast_to
from .registry import constant_arguments, container_results, defrule
from .rules_fill import structure_like

# ---- meshgrid -----------------------------------------------------------------------------------

MESHGRID_ARGUMENTS = 4  # np.meshgrid(x0, x1, x2, x3) has rules for each; more arrays raise


def _meshgrid_axis(count: int, position: int, indexing: str) -> int:
    # the axis of the outputs along which input ``position`` varies
    if indexing == "xy" and count > 1 and position < 2:
        return 1 - position
    return position


def _too_many(rule: str) -> NotImplementedError:
    return NotImplementedError(f"{rule}: at most {MESHGRID_ARGUMENTS} arrays per np.meshgrid "
                               "call are supported")


def _meshgrid_partial(g: Any, xi: tuple[Any, ...], position: int, indexing: str,
                      rule: str) -> Any:
    # g[position] summed over every axis but the one input ``position`` varies along
    if len(xi) > MESHGRID_ARGUMENTS:
        raise _too_many(rule)
    part = g[position]
    axis = _meshgrid_axis(len(xi), position, indexing)
    others = tuple(i for i in range(np.ndim(part)) if i != axis)
    total = np.sum(part, axis=others) if others else part
    return np.reshape(np.asarray(total, dtype=np.result_type(xi[position])),
                      np.shape(xi[position]))


def _meshgrid_tangent(t: Any, ans: Any, xi: tuple[Any, ...], position: int, indexing: str,
                      rule: str) -> Any:
    # the tangent of input ``position`` spread like its input over output ``position``; zeros
    # for the other outputs
    if len(xi) > MESHGRID_ARGUMENTS:
        raise _too_many(rule)
    tangents = []
    for i in range(len(xi)):
        if i == position:
            shape = [1] * np.ndim(ans[i])
            shape[_meshgrid_axis(len(xi), position, indexing)] = -1
            spread = np.reshape(t, shape)
            tangents.append(np.zeros(np.shape(ans[i]), np.result_type(spread)) + spread)
        else:
            tangents.append(np.zeros_like(ans[i]))
    return tuple(tangents)  # numpy >= 2 returns a tuple


def _meshgrid_rules() -> tuple[list[Any], list[Any]]:
    """The VJP and JVP rules of each argument position of ``np.meshgrid``, defined in this
    module as ``meshgrid_vjp``, ``meshgrid_vjp_arg1``, ... (and ``_jvp``)."""
    vjps, jvps = [], []
    for position in range(MESHGRID_ARGUMENTS):
        suffix = "" if position == 0 else f"_arg{position}"
        names = (f"meshgrid_vjp{suffix}", f"meshgrid_jvp{suffix}")

        def vjp(g: Any, ans: Any, *xi: Any, copy: bool = True, sparse: bool = False,
                indexing: str = "xy", _at: int = position, _name: str = names[0]) -> Any:
            return _meshgrid_partial(g, xi, _at, indexing, _name)

        def jvp(t: Any, ans: Any, *xi: Any, copy: bool = True, sparse: bool = False,
                indexing: str = "xy", _at: int = position, _name: str = names[1]) -> Any:
            return _meshgrid_tangent(t, ans, xi, _at, indexing, _name)

        for rule, name in ((vjp, names[0]), (jvp, names[1])):
            rule.__name__ = rule.__qualname__ = name
            rule.__module__ = __name__
            rule.__doc__ = "``np.meshgrid``: input i spread along one axis of output i."
            globals()[name] = rule
        vjps.append(vjp)
        jvps.append(jvp)
    return vjps, jvps


# ---- choose -------------------------------------------------------------------------------------


def _chosen(a: Any, count: int, mode: str) -> Any:
    # the index of the choice each entry takes, after numpy's ``mode`` handling
    if mode == "wrap":
        return np.mod(a, count)
    if mode == "clip":
        return np.clip(a, 0, count - 1)
    return np.asarray(a)


def choose_vjp_choices(g: Any, ans: Any, a: Any, choices: Any, out: Any = None,
                       mode: str = "raise") -> Any:
    """Choice j gets g where ``a`` picks it (summed where it was broadcast), zero elsewhere."""
    picked = _chosen(a, len(choices), mode)
    partials = []
    for j in range(len(choices)):
        mask = np.where(picked == j, g, np.zeros_like(g))
        partials.append(np.asarray(unbroadcast_to(mask, choices[j]),
                                   dtype=np.result_type(choices[j])))
    if isinstance(choices, (list, tuple)):
        return partials  # one partial per choice, as the joins' rules return them
    return np.stack(partials)


def choose_jvp_choices(t: Any, ans: Any, a: Any, choices: Any, out: Any = None,
                       mode: str = "raise") -> Any:
    """``choose`` is linear in the choices: it picks the tangents the same way."""
    return np.choose(a, t, mode=mode)


# ---- bincount -----------------------------------------------------------------------------------


def bincount_vjp_weights(g: Any, ans: Any, x: Any, weights: Any = None,
                         minlength: int = 0) -> Any:
    """Bin k sums the weights of the entries equal to k: weight i gets g[x[i]]."""
    return np.asarray(np.take(g, x), dtype=np.result_type(weights))


def bincount_jvp_weights(t: Any, ans: Any, x: Any, weights: Any = None,
                         minlength: int = 0) -> Any:
    """``bincount`` is linear in the weights: the bins of the tangent."""
    return np.bincount(x, weights=t, minlength=minlength)


# ---- numpy scalar types as conversions ----------------------------------------------------------


def float64_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``np.float64(x)`` converts x's values: g in x's structure and dtype."""
    return structure_like(g, x)


def float64_jvp(t: Any, ans: Any, x: Any) -> Any:
    """The tangent converted like x: float64."""
    return np.asarray(t, dtype=np.float64).reshape(np.shape(ans))


def float32_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``np.float32(x)`` converts x's values: g in x's structure and dtype."""
    return structure_like(g, x)


def float32_jvp(t: Any, ans: Any, x: Any) -> Any:
    """The tangent converted like x: float32."""
    return np.asarray(t, dtype=np.float32).reshape(np.shape(ans))


_MESHGRID_VJPS, _MESHGRID_JVPS = _meshgrid_rules()
container_results(np.meshgrid)  # a tuple of arrays
defrule(np.meshgrid, vjp=tuple(_MESHGRID_VJPS), jvp=tuple(_MESHGRID_JVPS),
        argnames=tuple(f"xi{i}" for i in range(MESHGRID_ARGUMENTS)))
defrule(np.choose, vjp=(None, choose_vjp_choices), jvp=(None, choose_jvp_choices),
        argnames=("a", "choices"))
constant_arguments(np.choose, "a")  # integer indices (a float raises)
defrule(np.bincount, vjp=(None, bincount_vjp_weights), jvp=(None, bincount_jvp_weights),
        argnames=("x", "weights"))
constant_arguments(np.bincount, "x")  # integer indices (a float raises)
defrule(np.float64, vjp=(float64_vjp,), jvp=(float64_jvp,), argnames=("x",))
defrule(np.float32, vjp=(float32_vjp,), jvp=(float32_jvp,), argnames=("x",))

__all__ = [
    "bincount_jvp_weights", "bincount_vjp_weights", "choose_jvp_choices", "choose_vjp_choices",
    "float32_jvp", "float32_vjp", "float64_jvp", "float64_vjp",
    *(rule.__name__ for rule in _MESHGRID_VJPS + _MESHGRID_JVPS),
]
