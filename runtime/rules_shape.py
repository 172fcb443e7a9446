"""Gradient rules of functions that move entries without changing them: reshapes, transposes,
flips and rotations (indexing is in ``rules_index``). Each function's VJP and JVP side by side,
registered together with ``defrule``.

All of them are linear, so the JVP is the function applied to the tangent (``linear_jvp``); the
VJP moves g back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .broadcast import broadcast_like, inverse_permutation, unbroadcast_to
from .linear import linear_jvp
from .registry import (
    MethodKey,
    alias_method,
    container_results,
    defjvp_attribute,
    defrule,
    defvjp_attribute,
)

# ---- reshapes ----------------------------------------------------------------------------------


def _ravel_order(x: Any, order: str) -> str:
    # 'A' and 'K' read Fortran-ordered arrays in Fortran order.
    if order in ("A", "K"):
        return "F" if isinstance(x, np.ndarray) and np.isfortran(x) else "C"
    return order


def reshape_vjp(
    g: Any,
    ans: Any,
    a: Any,
    shape: Any = None,
    order: str = "C",
    *,
    newshape: Any = None,
    copy: Any = None,
) -> Any:
    """Reshape g back to a's shape (in the same index order)."""
    return np.reshape(g, np.shape(a), order=order)


def reshape_jvp(
    t: Any,
    ans: Any,
    a: Any,
    shape: Any = None,
    order: str = "C",
    *,
    newshape: Any = None,
    copy: Any = None,
) -> Any:
    """Reshape t to the output's shape."""
    return np.reshape(t, np.shape(ans), order=order)


def reshape_method_vjp(
    g: Any, ans: Any, x: Any, *shape: Any, order: str = "C", copy: Any = None
) -> Any:
    """``x.reshape(*shape)``: reshape g back to x's shape."""
    return np.reshape(g, np.shape(x), order=order)


def reshape_method_jvp(
    t: Any, ans: Any, x: Any, *shape: Any, order: str = "C", copy: Any = None
) -> Any:
    """``x.reshape(*shape)``: reshape t to the output's shape."""
    return np.reshape(t, np.shape(ans), order=order)


def ravel_vjp(g: Any, ans: Any, a: Any, order: str = "C") -> Any:
    """Reshape the flat g back to a's shape."""
    return np.reshape(g, np.shape(a), order=_ravel_order(a, order))


def ravel_jvp(t: Any, ans: Any, a: Any, order: str = "C") -> Any:
    """Flatten t in the order the forward call read a (Fortran order for 'A'/'K' on F arrays)."""
    return np.reshape(t, np.shape(ans), order=_ravel_order(a, order))


def flatten_method_vjp(g: Any, ans: Any, x: Any, order: str = "C") -> Any:
    """``x.flatten()``: reshape the flat g back to x's shape."""
    return np.reshape(g, np.shape(x), order=_ravel_order(x, order))


def flatten_method_jvp(t: Any, ans: Any, x: Any, order: str = "C") -> Any:
    """``x.flatten()``: flatten t in the order the forward call read x."""
    return np.reshape(t, np.shape(ans), order=_ravel_order(x, order))


def expand_dims_vjp(g: Any, ans: Any, a: Any, axis: Any) -> Any:
    """Drop the inserted axes again."""
    return np.reshape(g, np.shape(a))


def squeeze_vjp(g: Any, ans: Any, a: Any, axis: Any = None) -> Any:
    """Restore the squeezed length-1 axes."""
    return np.reshape(g, np.shape(a))


ATLEAST_ARGUMENTS = 4  # np.atleast_1d(a, b, c, d) has rules for each; more arrays raise


def _atleast_partial(g: Any, arys: tuple[Any, ...], position: int, rule: str) -> Any:
    # The partial of arys[position]: its adjoint (g, or g[position] for several arrays) without
    # the axes np.atleast_nd added.
    if len(arys) > ATLEAST_ARGUMENTS:
        raise NotImplementedError(f"{rule}: at most {ATLEAST_ARGUMENTS} arrays per call are "
                                  "supported; call it again for the others")
    part = g if len(arys) == 1 else g[position]
    return np.reshape(part, np.shape(arys[position]))


def _atleast_tangent(t: Any, ans: Any, arys: tuple[Any, ...], position: int, rule: str) -> Any:
    # The output's tangent from arys[position]'s: t reshaped, zeros for the other arrays.
    if len(arys) > ATLEAST_ARGUMENTS:
        raise NotImplementedError(f"{rule}: at most {ATLEAST_ARGUMENTS} arrays per call are "
                                  "supported; call it again for the others")
    if len(arys) == 1:
        return np.reshape(t, np.shape(ans))
    tangents = []
    for i in range(len(arys)):
        tangents.append(np.reshape(t, np.shape(ans[i])) if i == position
                        else np.zeros_like(ans[i]))
    return type(ans)(tangents)


def _atleast_rules(function: Any) -> tuple[list[Any], list[Any]]:
    """The VJP and JVP rules of each argument position of ``np.atleast_<n>d``, defined in this
    module as ``atleast_<n>d_vjp``, ``atleast_<n>d_vjp_arg1``, ... (and ``_jvp``)."""
    vjps, jvps = [], []
    for position in range(ATLEAST_ARGUMENTS):
        suffix = "" if position == 0 else f"_arg{position}"
        names = (f"{function.__name__}_vjp{suffix}", f"{function.__name__}_jvp{suffix}")

        def vjp(g: Any, ans: Any, *arys: Any, _at: int = position, _name: str = names[0]) -> Any:
            return _atleast_partial(g, arys, _at, _name)

        def jvp(t: Any, ans: Any, *arys: Any, _at: int = position, _name: str = names[1]) -> Any:
            return _atleast_tangent(t, ans, arys, _at, _name)

        for rule, name in ((vjp, names[0]), (jvp, names[1])):
            rule.__name__ = rule.__qualname__ = name
            rule.__module__ = __name__
            rule.__doc__ = f"``{function.__name__}``: the axes it added, dropped or added again."
            globals()[name] = rule
        vjps.append(vjp)
        jvps.append(jvp)
    return vjps, jvps


# ---- transposes, flips and rotations ------------------------------------------------------------


def _transpose_back(g: Any, ndim: int, axes: Any) -> Any:
    if axes is None or len(axes) == 0:
        return np.transpose(g)
    return np.transpose(g, inverse_permutation([int(i) % ndim for i in axes]))


def transpose_vjp(g: Any, ans: Any, a: Any, axes: Any = None) -> Any:
    """Apply the inverse permutation to g."""
    return _transpose_back(g, np.ndim(a), axes)


def _method_axes(axes: tuple[Any, ...]) -> Any:
    # ``x.transpose()``, ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``
    if len(axes) == 1 and (axes[0] is None or np.ndim(axes[0]) == 1):
        return axes[0]
    return axes if axes else None


def transpose_method_vjp(g: Any, ans: Any, x: Any, *axes: Any) -> Any:
    """``x.transpose(...)``: the inverse permutation."""
    return _transpose_back(g, np.ndim(x), _method_axes(axes))


def transpose_method_jvp(t: Any, ans: Any, x: Any, *axes: Any) -> Any:
    """``x.transpose(...)``: the same permutation of t."""
    return np.transpose(t, _method_axes(axes))


def transpose_attribute_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``x.T`` reverses the axes; so does its adjoint."""
    return np.transpose(g)


def transpose_attribute_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``x.T`` of the tangent."""
    return np.transpose(t)


def swapaxes_vjp(g: Any, ans: Any, a: Any, axis1: int, axis2: int) -> Any:
    """Swap the same two axes back."""
    return np.swapaxes(g, axis1, axis2)


def moveaxis_vjp(g: Any, ans: Any, a: Any, source: Any, destination: Any) -> Any:
    """Move the axes back from ``destination`` to ``source``."""
    return np.moveaxis(g, destination, source)


def _rollaxis_order(ndim: int, axis: int, start: int) -> list[int]:
    # The permutation np.rollaxis applies (numpy's own normalisation of ``start``).
    axis = int(axis) % ndim
    start = int(start) + ndim if start < 0 else int(start)
    if axis < start:
        start -= 1
    order = [i for i in range(ndim) if i != axis]
    order.insert(start, axis)
    return order


def rollaxis_vjp(g: Any, ans: Any, a: Any, axis: int, start: int = 0) -> Any:
    """Apply the inverse of the permutation ``np.rollaxis`` applied."""
    return np.transpose(g, inverse_permutation(_rollaxis_order(np.ndim(a), axis, start)))


def broadcast_to_vjp(g: Any, ans: Any, array: Any, shape: Any, subok: bool = False) -> Any:
    """Sum g over the broadcast axes."""
    return unbroadcast_to(g, array)


def broadcast_to_jvp(t: Any, ans: Any, array: Any, shape: Any, subok: bool = False) -> Any:
    """Broadcast t the same way."""
    return broadcast_like(t, ans)


def flip_vjp(g: Any, ans: Any, m: Any, axis: Any = None) -> Any:
    """Flip g back along the same axes."""
    return np.flip(g, axis)


def fliplr_vjp(g: Any, ans: Any, m: Any) -> Any:
    """Flip g back left to right."""
    return np.fliplr(g)


def flipud_vjp(g: Any, ans: Any, m: Any) -> Any:
    """Flip g back upside down."""
    return np.flipud(g)


def rot90_vjp(g: Any, ans: Any, m: Any, k: int = 1, axes: Any = (0, 1)) -> Any:
    """Rotate g back by -k quarter turns in the same plane."""
    return np.rot90(g, -k, axes)


def roll_vjp(g: Any, ans: Any, a: Any, shift: Any, axis: Any = None) -> Any:
    """Roll g back by the opposite shift."""
    return np.roll(g, np.negative(shift), axis)


def astype_method_vjp(
    g: Any,
    ans: Any,
    x: Any,
    dtype: Any,
    order: str = "K",
    casting: str = "unsafe",
    subok: bool = True,
    copy: bool = True,
) -> Any:
    """``x.astype(dtype)`` changes no value: cast g back to x's dtype."""
    return np.asarray(g, dtype=np.result_type(x))


def astype_method_jvp(
    t: Any,
    ans: Any,
    x: Any,
    dtype: Any,
    order: str = "K",
    casting: str = "unsafe",
    subok: bool = True,
    copy: bool = True,
) -> Any:
    """``x.astype(dtype)`` changes no value: t cast to the output's dtype."""
    return np.asarray(t, dtype=np.result_type(ans))


defrule(np.reshape, vjp=(reshape_vjp,), jvp=(reshape_jvp,), argnames=("a",))
defrule(MethodKey("reshape"), vjp=(reshape_method_vjp,), jvp=(reshape_method_jvp,),
        argnames=("self",))
defrule(np.ravel, vjp=(ravel_vjp,), jvp=(ravel_jvp,), argnames=("a",))
defrule(MethodKey("flatten"), vjp=(flatten_method_vjp,), jvp=(flatten_method_jvp,),
        argnames=("self",))
defrule(MethodKey("transpose"), vjp=(transpose_method_vjp,), jvp=(transpose_method_jvp,),
        argnames=("self",))
defvjp_attribute("T", transpose_attribute_vjp)
defjvp_attribute("T", transpose_attribute_jvp)
defrule(MethodKey("astype"), vjp=(astype_method_vjp,), jvp=(astype_method_jvp,),
        argnames=("self",))
_ATLEAST_NAMES = []
for _function in (np.atleast_1d, np.atleast_2d, np.atleast_3d):
    _vjps, _jvps = _atleast_rules(_function)
    defrule(_function, vjp=tuple(_vjps), jvp=tuple(_jvps),
            argnames=tuple(f"arys{i}" for i in range(ATLEAST_ARGUMENTS)))
    _ATLEAST_NAMES += [rule.__name__ for rule in _vjps + _jvps]
container_results(np.atleast_1d, np.atleast_2d, np.atleast_3d)  # a list for several arrays
defrule(np.broadcast_to, vjp=(broadcast_to_vjp,), jvp=(broadcast_to_jvp,), argnames=("array",))

# linear in their first argument: the JVP is the function applied to the tangent
expand_dims_jvp = linear_jvp(np.expand_dims, "expand_dims_jvp", __name__)
squeeze_jvp = linear_jvp(np.squeeze, "squeeze_jvp", __name__)
transpose_jvp = linear_jvp(np.transpose, "transpose_jvp", __name__)
swapaxes_jvp = linear_jvp(np.swapaxes, "swapaxes_jvp", __name__)
moveaxis_jvp = linear_jvp(np.moveaxis, "moveaxis_jvp", __name__)
rollaxis_jvp = linear_jvp(np.rollaxis, "rollaxis_jvp", __name__)
flip_jvp = linear_jvp(np.flip, "flip_jvp", __name__)
fliplr_jvp = linear_jvp(np.fliplr, "fliplr_jvp", __name__)
flipud_jvp = linear_jvp(np.flipud, "flipud_jvp", __name__)
rot90_jvp = linear_jvp(np.rot90, "rot90_jvp", __name__)
roll_jvp = linear_jvp(np.roll, "roll_jvp", __name__)

for _prim, _vjp, _jvp, _names in (
    (np.expand_dims, expand_dims_vjp, expand_dims_jvp, ("a",)),
    (np.squeeze, squeeze_vjp, squeeze_jvp, ("a",)),
    (np.transpose, transpose_vjp, transpose_jvp, ("a",)),
    (np.swapaxes, swapaxes_vjp, swapaxes_jvp, ("a",)),
    (np.moveaxis, moveaxis_vjp, moveaxis_jvp, ("a",)),
    (np.rollaxis, rollaxis_vjp, rollaxis_jvp, ("a",)),
    (np.flip, flip_vjp, flip_jvp, ("m",)),
    (np.fliplr, fliplr_vjp, fliplr_jvp, ("m",)),
    (np.flipud, flipud_vjp, flipud_jvp, ("m",)),
    (np.rot90, rot90_vjp, rot90_jvp, ("m",)),
    (np.roll, roll_vjp, roll_jvp, ("a",)),
):
    _rest = (None,) * (len(_names) - 1)
    defrule(_prim, vjp=(_vjp, *_rest), jvp=(_jvp, *_rest), argnames=_names)

for _name in ("squeeze", "swapaxes", "ravel"):
    alias_method(_name, getattr(np, _name))

__all__ = [
    "astype_method_jvp", "astype_method_vjp", "broadcast_to_jvp", "broadcast_to_vjp",
    "expand_dims_jvp", "expand_dims_vjp", "flatten_method_jvp", "flatten_method_vjp",
    "flip_jvp", "flip_vjp", "fliplr_jvp", "fliplr_vjp", "flipud_jvp", "flipud_vjp",
    "moveaxis_jvp", "moveaxis_vjp", "ravel_jvp", "ravel_vjp", "reshape_jvp",
    "reshape_method_jvp", "reshape_method_vjp", "reshape_vjp", "roll_jvp", "roll_vjp",
    "rollaxis_jvp", "rollaxis_vjp", "rot90_jvp", "rot90_vjp", "squeeze_jvp", "squeeze_vjp",
    "swapaxes_jvp", "swapaxes_vjp", "transpose_attribute_jvp", "transpose_attribute_vjp",
    "transpose_jvp", "transpose_method_jvp", "transpose_method_vjp", "transpose_vjp",
    *_ATLEAST_NAMES,
]
