"""Gradient rules of the elementwise lookups ``np.select`` and ``np.interp``, each VJP beside its
JVP.

``np.select(condlist, choicelist, default)`` takes each element from the first choice whose
condition holds (else from ``default``): that choice gets the gradient there. ``np.interp(x, xp,
fp, left, right)`` is piecewise linear: with ``j`` the segment of ``x`` and ``w`` its position
in it, ``y = (1 - w) fp[j] + w fp[j + 1]``, so ``dy/dx`` is the segment's slope,
``dy/dfp[j] = 1 - w``, ``dy/dfp[j + 1] = w``, ``dy/dxp[j] = -slope (1 - w)`` and
``dy/dxp[j + 1] = -slope w``; outside ``[xp[0], xp[-1]]`` the value is ``left``/``right``
(``fp[0]``/``fp[-1]`` by default). At the sample points themselves (the kinks) the segment to
the right is used, as numpy does for the value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, unbroadcast_to
from .registry import defrule, public_functions

# ---- select ------------------------------------------------------------------------------------


def _chosen(condlist: Any, ans: Any) -> list[Any]:
    """Where each choice is taken: its condition holds and no earlier one does."""
    taken = []
    earlier = np.zeros(np.shape(ans), dtype=bool)
    for i in range(len(condlist)):
        taken.append(np.logical_and(condlist[i], np.logical_not(earlier)))
        earlier = np.logical_or(earlier, condlist[i])
    return taken


def _none_chosen(condlist: Any, ans: Any) -> Any:
    earlier = np.zeros(np.shape(ans), dtype=bool)
    for i in range(len(condlist)):
        earlier = np.logical_or(earlier, condlist[i])
    return np.logical_not(earlier)


def select_vjp_choicelist(g: Any, ans: Any, condlist: Any, choicelist: Any,
                          default: Any = 0) -> list[Any]:
    """Each choice gets the gradient where it was taken."""
    taken = _chosen(condlist, ans)
    partials = []
    for i in range(len(choicelist)):
        partials.append(unbroadcast_to(np.where(taken[i], g, 0.0), choicelist[i]))
    return partials


def select_jvp_choicelist(t: Any, ans: Any, condlist: Any, choicelist: Any,
                          default: Any = 0) -> Any:
    taken = _chosen(condlist, ans)
    tangent = np.zeros_like(ans)
    for i in range(len(choicelist)):
        tangent = tangent + np.where(taken[i], t[i], 0.0)
    return tangent


def select_vjp_default(g: Any, ans: Any, condlist: Any, choicelist: Any,
                       default: Any = 0) -> Any:
    """``default`` gets the gradient where no condition holds."""
    return unbroadcast_to(np.where(_none_chosen(condlist, ans), g, 0.0), default)


def select_jvp_default(t: Any, ans: Any, condlist: Any, choicelist: Any,
                       default: Any = 0) -> Any:
    return broadcast_like(np.where(_none_chosen(condlist, ans), t, 0.0), ans)


# ---- interp --------------------------------------------------------------------------------------


def _segment(x: Any, xp: Any, fp: Any, period: Any) -> tuple[Any, Any, Any, Any, Any]:
    """(j, w, slope, below, above): the segment of each x, its position in it, the segment's
    slope, and whether x lies left or right of the samples."""
    if period is not None:
        raise NotImplementedError("the gradient of np.interp with period= is not supported; "
                                  "map x into one period with np.mod first")
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)
    width = xp[j + 1] - xp[j]
    w = (x - xp[j]) / width
    slope = (fp[j + 1] - fp[j]) / width
    return j, w, slope, x < xp[0], x > xp[-1]


def _onto(values: Any, j: Any, size: int) -> Any:
    """Sum ``values`` (shaped like x) into the sample positions ``j`` (a length-``size`` array)."""
    hits = np.expand_dims(j, -1) == np.arange(size)
    return np.reshape(np.sum(np.reshape(np.expand_dims(values, -1) * hits, (-1, size)), axis=0),
                      (size,))


def _like(partial: Any, argument: Any) -> Any:
    """``interp`` computes in float64: a partial in its argument's dtype, a tangent in the
    output's."""
    return np.asarray(partial, dtype=np.result_type(argument))


def interp_vjp_x(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                 right: Any = None, period: Any = None) -> Any:
    """The slope of x's segment inside the samples, 0 outside."""
    _j, _w, slope, below, above = _segment(x, xp, fp, period)
    return _like(unbroadcast_to(np.where(below | above, 0.0, g * slope), x), x)


def interp_jvp_x(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                 right: Any = None, period: Any = None) -> Any:
    _j, _w, slope, below, above = _segment(x, xp, fp, period)
    return _like(broadcast_like(np.where(below | above, 0.0, t * slope), ans), ans)


def _fp_weights(x: Any, xp: Any, fp: Any, left: Any, right: Any,
                period: Any) -> tuple[Any, Any, Any]:
    """(j, weight of fp[j], weight of fp[j + 1]), outside the samples the end values' weights."""
    j, w, _slope, below, above = _segment(x, xp, fp, period)
    inside = np.logical_not(below | above)
    lower = np.where(inside, 1.0 - w, 0.0)
    upper = np.where(inside, w, 0.0)
    if left is None:  # x < xp[0] lies in segment 0 and takes fp[0]
        lower = lower + np.where(below, 1.0, 0.0)
    if right is None:  # x > xp[-1] lies in the last segment and takes fp[-1]
        upper = upper + np.where(above, 1.0, 0.0)
    return j, lower, upper


def interp_vjp_fp(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                  right: Any = None, period: Any = None) -> Any:
    """fp[j] gets 1 - w and fp[j + 1] gets w of x's gradient (the ends: what they fill)."""
    j, lower, upper = _fp_weights(x, xp, fp, left, right, period)
    return _like(_onto(g * lower, j, len(fp)) + _onto(g * upper, j + 1, len(fp)), fp)


def interp_jvp_fp(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                  right: Any = None, period: Any = None) -> Any:
    j, lower, upper = _fp_weights(x, xp, fp, left, right, period)
    return _like(broadcast_like(t[j] * lower + t[j + 1] * upper, ans), ans)


def interp_vjp_xp(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                  right: Any = None, period: Any = None) -> Any:
    """xp[j] gets -slope (1 - w) and xp[j + 1] gets -slope w (0 outside the samples)."""
    j, w, slope, below, above = _segment(x, xp, fp, period)
    moved = np.where(below | above, 0.0, -g * slope)
    return _like(_onto(moved * (1.0 - w), j, len(xp)) + _onto(moved * w, j + 1, len(xp)), xp)


def interp_jvp_xp(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                  right: Any = None, period: Any = None) -> Any:
    j, w, slope, below, above = _segment(x, xp, fp, period)
    moved = t[j] * (1.0 - w) + t[j + 1] * w
    return _like(broadcast_like(np.where(below | above, 0.0, -slope * moved), ans), ans)


def interp_vjp_left(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                    right: Any = None, period: Any = None) -> Any:
    """``left`` fills x < xp[0]."""
    return _like(unbroadcast_to(np.where(x < xp[0], g, 0.0), left), left)


def interp_jvp_left(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                    right: Any = None, period: Any = None) -> Any:
    return _like(broadcast_like(np.where(x < xp[0], t, 0.0), ans), ans)


def interp_vjp_right(g: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                     right: Any = None, period: Any = None) -> Any:
    """``right`` fills x > xp[-1]."""
    return _like(unbroadcast_to(np.where(x > xp[-1], g, 0.0), right), right)


def interp_jvp_right(t: Any, ans: Any, x: Any, xp: Any, fp: Any, left: Any = None,
                     right: Any = None, period: Any = None) -> Any:
    return _like(broadcast_like(np.where(x > xp[-1], t, 0.0), ans), ans)


defrule(np.select, vjp=(None, select_vjp_choicelist, select_vjp_default),
        jvp=(None, select_jvp_choicelist, select_jvp_default),
        argnames=("condlist", "choicelist", "default"))
defrule(np.interp,
        vjp=(interp_vjp_x, interp_vjp_xp, interp_vjp_fp, interp_vjp_left, interp_vjp_right,
             None),
        jvp=(interp_jvp_x, interp_jvp_xp, interp_jvp_fp, interp_jvp_left, interp_jvp_right,
             None),
        argnames=("x", "xp", "fp", "left", "right", "period"))

__all__ = public_functions(globals())
