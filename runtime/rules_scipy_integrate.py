"""Gradient rules of ``scipy.integrate.odeint``, loaded once user code has imported
scipy.integrate.

``Y = odeint(func, y0, t, args)`` solves ``dy/dt = func(y, t, *args)`` (``func(t, y, *args)``
with ``tfirst=True``). Reverse mode is the adjoint method: from each output time back to the
previous one, integrate ``y``, the adjoint ``a`` (``da/dt = -aᵀ ∂f/∂y``) and the parameter
adjoint (``dθ̄/dt = -aᵀ ∂f/∂θ``) backwards, adding the cotangent of each output row to ``a``;
then ``ȳ0 = a(t0)``, ``t̄_i = g_iᵀ f(Y_i, t_i)`` and ``t̄_0 = -(a(t0) - g_0)ᵀ f(y0, t0)`` (the
first row is ``y0`` itself). Forward mode
integrates the sensitivity ``s = ẏ`` (``ds/dt = ∂f/∂y s + ∂f/∂θ θ̇``) alongside ``y``. The
derivatives of ``func`` come from autodiff itself (``autodiff.vjp``/``jvp``), so ``func`` must be
a function autodiff can compile, and whatever it depends on must be passed through ``args``.
These rules are not differentiated again (no second derivatives through odeint).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import integrate

from ..errors import NoGradientRuleError
from .registry import defrule
from .rules_calculus import (
    trapezoid_jvp_dx,
    trapezoid_jvp_x,
    trapezoid_vjp,
    trapezoid_vjp_dx,
    trapezoid_vjp_x,
)

__all__ = [
    "cumulative_trapezoid_jvp_dx", "cumulative_trapezoid_jvp_x", "cumulative_trapezoid_jvp_y",
    "cumulative_trapezoid_vjp_dx", "cumulative_trapezoid_vjp_x", "cumulative_trapezoid_vjp_y",
    "odeint_jvp_args", "odeint_jvp_second_order", "odeint_jvp_t", "odeint_jvp_y0",
    "odeint_vjp_args", "odeint_vjp_second_order", "odeint_vjp_t", "odeint_vjp_y0", "scipy_trapezoid_jvp_dx", "scipy_trapezoid_jvp_x", "scipy_trapezoid_jvp_y",
    "scipy_trapezoid_vjp_dx", "scipy_trapezoid_vjp_x", "scipy_trapezoid_vjp_y",
]  # fmt: skip

_SOLVER_OPTIONS = ("rtol", "atol", "h0", "hmax", "hmin", "mxstep", "tcrit")


def _options(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("full_output") or options.get("Dfun") is not None:
        raise NotImplementedError("gradients of scipy.integrate.odeint support neither "
                                  "full_output=True nor Dfun=")
    return {name: options[name] for name in _SOLVER_OPTIONS if name in options}


def _rhs(func: Any, y: Any, t: Any, args: tuple, tfirst: bool) -> Any:
    return func(t, y, *args) if tfirst else func(y, t, *args)


def _pullback(func: Any, y: Any, t: Any, args: tuple, tfirst: bool, a: Any) -> tuple:
    """``(aᵀ ∂f/∂y, [aᵀ ∂f/∂θ for each arg])`` at ``(y, t)``."""
    from autodiff import functional

    inputs = (t, y, *args) if tfirst else (y, t, *args)
    _, pull = functional.vjp(func, *inputs)
    grads = pull(a)
    grads = grads if isinstance(grads, tuple) else (grads,)
    y_bar = grads[1] if tfirst else grads[0]
    return np.ravel(y_bar), list(grads[2:])


def _pushforward(func: Any, y: Any, t: Any, args: tuple, tfirst: bool, y_dot: Any,
                 args_dot: tuple) -> Any:
    """``∂f/∂y ẏ + ∂f/∂θ θ̇`` at ``(y, t)``."""
    from autodiff import functional

    inputs = (t, y, *args) if tfirst else (y, t, *args)
    tangents = (0.0 * t, y_dot, *args_dot) if tfirst else (y_dot, 0.0 * t, *args_dot)
    _, tangent = functional.jvp(func, inputs, tangents)
    return np.ravel(tangent)


def _flatten(values: list[Any]) -> Any:
    return np.concatenate([np.ravel(v) for v in values]) if values else np.zeros(0)


def _unflatten(flat: Any, like: tuple) -> tuple:
    parts, start = [], 0
    for item in like:
        size = int(np.size(item))
        part = flat[start:start + size]
        parts.append(float(part[0]) if isinstance(item, float) else np.reshape(part,
                                                                              np.shape(item)))
        start += size
    return tuple(parts)


def _adjoint(g: Any, ans: Any, func: Any, y0: Any, t: Any, args: Any,
             options: dict[str, Any]) -> tuple[Any, Any, tuple]:
    """``(ȳ0, t̄, θ̄)`` by the adjoint method."""
    args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
    tfirst = bool(options.get("tfirst", False))
    solver = _options(options)
    g, ans, times = np.asarray(g, dtype=float), np.asarray(ans), np.asarray(t, dtype=float)
    n = ans.shape[1]

    def augmented(state: Any, time: float) -> Any:
        y, a = state[:n], state[n:2 * n]
        y_bar, theta_bar = _pullback(func, y, time, args, tfirst, a)
        return np.concatenate([np.ravel(_rhs(func, y, time, args, tfirst)), -y_bar,
                               -_flatten(theta_bar)])

    a = g[-1]
    theta = np.zeros(sum(int(np.size(item)) for item in args))
    t_bar = np.zeros(len(times))
    for i in range(len(times) - 1, 0, -1):
        t_bar[i] = g[i] @ np.ravel(_rhs(func, ans[i], times[i], args, tfirst))
        state = np.concatenate([ans[i], a, theta])
        state = integrate.odeint(augmented, state, [times[i], times[i - 1]], **solver)[-1]
        a, theta = state[n:2 * n] + g[i - 1], state[2 * n:]
    # the first row is y0 itself, whatever t0 is: only the later rows move with t0
    t_bar[0] = -((a - g[0]) @ np.ravel(_rhs(func, ans[0], times[0], args, tfirst)))
    return np.reshape(a, np.shape(y0)), np.reshape(t_bar, np.shape(t)), _unflatten(theta, args)


def _sensitivity(ans: Any, func: Any, y0: Any, t: Any, args: Any, options: dict[str, Any],
                 s0: Any, args_dot: tuple) -> Any:
    """The tangent of every output row: ``s`` integrated from ``s(t0) = s0``."""
    args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
    tfirst = bool(options.get("tfirst", False))
    n = np.shape(ans)[1]

    def augmented(state: Any, time: float) -> Any:
        y, s = state[:n], state[n:]
        return np.concatenate([np.ravel(_rhs(func, y, time, args, tfirst)),
                               _pushforward(func, y, time, args, tfirst, s, args_dot)])

    state0 = np.concatenate([np.ravel(y0), np.ravel(s0)])
    return integrate.odeint(augmented, state0, t, **_options(options))[:, n:]


def odeint_vjp_y0(g: Any, ans: Any, func: Any, y0: Any, t: Any, args: Any = (),
                  **options: Any) -> Any:
    return _adjoint(g, ans, func, y0, t, args, options)[0]


def odeint_vjp_t(g: Any, ans: Any, func: Any, y0: Any, t: Any, args: Any = (),
                 **options: Any) -> Any:
    return _adjoint(g, ans, func, y0, t, args, options)[1]


def odeint_vjp_args(g: Any, ans: Any, func: Any, y0: Any, t: Any, args: Any = (),
                    **options: Any) -> Any:
    theta = _adjoint(g, ans, func, y0, t, args, options)[2]
    return theta if isinstance(args, (tuple, list)) else theta[0]


def odeint_jvp_y0(t_dot: Any, ans: Any, func: Any, y0: Any, t: Any, args: Any = (),
                  **options: Any) -> Any:
    zeros = tuple(np.zeros_like(np.asarray(a, dtype=float)) for a in _as_tuple(args))
    return _sensitivity(ans, func, y0, t, args, options, t_dot, zeros)


def odeint_jvp_t(t_dot: Any, ans: Any, func: Any, y0: Any, t: Any, args: Any = (),
                 **options: Any) -> Any:
    """Moving an output time moves its row along ``f``; moving ``t0`` starts the sensitivity
    at ``-f(y0, t0) ṫ0`` (the first row, ``y0`` itself, does not move)."""
    tfirst = bool(options.get("tfirst", False))
    args_tuple = _as_tuple(args)
    zeros = tuple(np.zeros_like(np.asarray(a, dtype=float)) for a in args_tuple)
    times, moves = np.ravel(t), np.ravel(t_dot)
    slopes = np.stack([np.ravel(_rhs(func, row, time, args_tuple, tfirst))
                       for row, time in zip(ans, times, strict=True)])
    start = -slopes[0] * moves[0]
    tangent = _sensitivity(ans, func, y0, t, args, options, start, zeros)
    return tangent + slopes * np.reshape(moves, (-1, 1))


def odeint_jvp_args(t_dot: Any, ans: Any, func: Any, y0: Any, t: Any, args: Any = (),
                    **options: Any) -> Any:
    args_dot = _as_tuple(t_dot)
    return _sensitivity(ans, func, y0, t, args, options, np.zeros(np.size(y0)), args_dot)


def _as_tuple(args: Any) -> tuple:
    return tuple(args) if isinstance(args, (tuple, list)) else (args,)


defrule(integrate.odeint, vjp=(None, odeint_vjp_y0, odeint_vjp_t, odeint_vjp_args),
        jvp=(None, odeint_jvp_y0, odeint_jvp_t, odeint_jvp_args),
        argnames=("func", "y0", "t", "args"))


# ---- trapezoid (numpy's rules) and cumulative_trapezoid ----------------------------------------
# cumulative_trapezoid: out_k = sum_{i <= k} d_i m_i along axis, d_i the spacings and
# m_i = (y_i + y_{i+1}) / 2; with initial=0 a zero comes first. The VJPs use R_i = sum_{k >= i}
# g_k (the reversed cumulative sum of the cotangent).


def scipy_trapezoid_vjp_y(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                          axis: int = -1) -> Any:
    """np.trapezoid's rule: each sample gets g times half its two adjacent spacings."""
    return trapezoid_vjp(g, ans, y, x, dx, axis)


def scipy_trapezoid_jvp_y(t: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                          axis: int = -1) -> Any:
    """trapezoid is linear in y: of the tangent."""
    return integrate.trapezoid(t, x, dx, axis)


def scipy_trapezoid_vjp_x(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                          axis: int = -1) -> Any:
    """np.trapezoid's rule: moving sample point j changes its two adjacent trapezoids."""
    return trapezoid_vjp_x(g, ans, y, x, dx, axis)


def scipy_trapezoid_jvp_x(t: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                          axis: int = -1) -> Any:
    """np.trapezoid's rule."""
    return trapezoid_jvp_x(t, ans, y, x, dx, axis)


def scipy_trapezoid_vjp_dx(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                           axis: int = -1) -> Any:
    """The integral with spacing 1 (0 when x is given)."""
    return trapezoid_vjp_dx(g, ans, y, x, dx, axis)


def scipy_trapezoid_jvp_dx(t: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                           axis: int = -1) -> Any:
    """The integral with spacing 1 (0 when x is given)."""
    return trapezoid_jvp_dx(t, ans, y, x, dx, axis)


def _spacings(y: Any, x: Any, dx: Any, axis: int) -> Any:
    """The spacings d_i, broadcastable against y with the axis moved last (minus one entry)."""
    if x is None:
        return dx
    if np.ndim(x) == 1:
        return np.diff(x)
    return np.diff(np.moveaxis(x, axis, -1), axis=-1)


def _check_initial(initial: Any, rule: str) -> None:
    if initial is not None and initial != 0:
        raise NotImplementedError(f"{rule}: only initial=None or initial=0 is supported")


def _segment_cotangent(g: Any, initial: Any, axis: int) -> Any:
    """R_i = sum_{k >= i} g_k along the last axis (without the initial zero's cotangent)."""
    moved = np.moveaxis(g, axis, -1)
    if initial is not None:
        moved = moved[..., 1:]
    return np.flip(np.cumsum(np.flip(moved, -1), axis=-1), -1)


def _padded(v: Any, before: bool) -> Any:
    zeros = np.zeros((*np.shape(v)[:-1], 1), dtype=np.result_type(v))
    return np.concatenate([zeros, v] if before else [v, zeros], axis=-1)


def _with_initial(out: Any, initial: Any) -> Any:
    return out if initial is None else _padded(out, True)


def cumulative_trapezoid_vjp_y(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                               axis: int = -1, initial: Any = None) -> Any:
    """y_j gets (d_{j-1} R_{j-1} + d_j R_j) / 2."""
    _check_initial(initial, "cumulative_trapezoid_vjp_y")
    weighted = _segment_cotangent(g, initial, axis) * _spacings(y, x, dx, axis)
    partial = 0.5 * (_padded(weighted, True) + _padded(weighted, False))
    return np.asarray(np.moveaxis(partial, -1, axis), dtype=np.result_type(y, g))


def cumulative_trapezoid_jvp_y(t: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                               axis: int = -1, initial: Any = None) -> Any:
    """cumulative_trapezoid is linear in y: of the tangent."""
    return integrate.cumulative_trapezoid(t, x, dx, axis, initial)


def _midpoints(y: Any, axis: int) -> Any:
    moved = np.moveaxis(y, axis, -1)
    return 0.5 * (moved[..., 1:] + moved[..., :-1])


def cumulative_trapezoid_vjp_x(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                               axis: int = -1, initial: Any = None) -> Any:
    """x_j gets R_{j-1} m_{j-1} - R_j m_j (summed over y's other axes for a 1-d x)."""
    _check_initial(initial, "cumulative_trapezoid_vjp_x")
    weighted = _segment_cotangent(g, initial, axis) * _midpoints(y, axis)
    partial = _padded(weighted, True) - _padded(weighted, False)
    if np.ndim(x) == 1:
        return np.reshape(np.sum(np.reshape(partial, (-1, np.shape(partial)[-1])), axis=0),
                          np.shape(x))
    return np.moveaxis(partial, -1, axis)


def cumulative_trapezoid_jvp_x(t: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                               axis: int = -1, initial: Any = None) -> Any:
    """The running sum of m_i times the tangents of the spacings."""
    _check_initial(initial, "cumulative_trapezoid_jvp_x")
    steps = _spacings(y, t, 0.0, axis)
    out = np.cumsum(_midpoints(y, axis) * steps, axis=-1)
    return np.moveaxis(_with_initial(out, initial), -1, axis)


def cumulative_trapezoid_vjp_dx(g: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                                axis: int = -1, initial: Any = None) -> Any:
    """The running integral with spacing 1 (0 when x is given)."""
    if x is not None:
        return 0.0 * np.sum(g)
    return np.sum(g * integrate.cumulative_trapezoid(y, dx=1.0, axis=axis, initial=initial))


def cumulative_trapezoid_jvp_dx(t: Any, ans: Any, y: Any, x: Any = None, dx: Any = 1.0,
                                axis: int = -1, initial: Any = None) -> Any:
    """t times the running integral with spacing 1 (0 when x is given)."""
    if x is not None:
        return np.zeros_like(ans)
    return t * integrate.cumulative_trapezoid(y, dx=1.0, axis=axis, initial=initial)


defrule(integrate.trapezoid, vjp=(scipy_trapezoid_vjp_y, scipy_trapezoid_vjp_x,
                                  scipy_trapezoid_vjp_dx),
        jvp=(scipy_trapezoid_jvp_y, scipy_trapezoid_jvp_x, scipy_trapezoid_jvp_dx),
        argnames=("y", "x", "dx"))
defrule(integrate.cumulative_trapezoid,
        vjp=(cumulative_trapezoid_vjp_y, cumulative_trapezoid_vjp_x, cumulative_trapezoid_vjp_dx),
        jvp=(cumulative_trapezoid_jvp_y, cumulative_trapezoid_jvp_x, cumulative_trapezoid_jvp_dx),
        argnames=("y", "x", "dx"))


# ---- no second derivatives through odeint --------------------------------------------------
# A gradient of a gradient (hessian, jacfwd of grad) would differentiate the adjoint rules
# above; their own rules say so instead of failing inside them.


class NoSecondDerivativeError(NoGradientRuleError, NotImplementedError):
    """odeint's adjoint rules have no rules of their own."""


def _second_order(*args: Any, **options: Any) -> Any:
    raise NoSecondDerivativeError(
        "the second derivative of scipy.integrate.odeint is not implemented (hessian, or a "
        "gradient of a gradient, through odeint): differentiate once, or write the integrator "
        "as a loop of numpy steps that autodiff differentiates from its source", None)


def odeint_vjp_second_order(*args: Any, **options: Any) -> Any:
    """Raises: second derivatives through odeint are not implemented."""
    return _second_order()


def odeint_jvp_second_order(*args: Any, **options: Any) -> Any:
    """Raises: second derivatives through odeint are not implemented."""
    return _second_order()


for _rule in (odeint_vjp_y0, odeint_vjp_t, odeint_vjp_args):
    defrule(_rule, vjp=(odeint_vjp_second_order, odeint_vjp_second_order, None,
                        odeint_vjp_second_order, odeint_vjp_second_order,
                        odeint_vjp_second_order),
            jvp=(odeint_jvp_second_order, odeint_jvp_second_order, None,
                 odeint_jvp_second_order, odeint_jvp_second_order, odeint_jvp_second_order),
            argnames=("g", "ans", "func", "y0", "t", "args"))
