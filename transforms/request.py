"""What one compilation is asked to produce (the compiler-side view of a ``GradSpec``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class CompileRequest:
    """Differentiate w.r.t. parameters ``wrt`` (names, in the order gradients are returned) and
    the Parameters whose ids are ``weight_ids``; seed only output 0 when ``has_aux``.

    ``split`` asks for a forward/backward pair (used for callees) instead of one joint
    gradient function; ``mode="forward"`` asks for a tangent function instead. ``constants`` are names bound to known objects at compile time (the
    ``self`` of a bound method), so calls through them can be resolved.
    """

    wrt: tuple[str, ...]
    weight_ids: tuple[int, ...] = ()
    weight_names: tuple[str, ...] = ()
    has_aux: bool = False
    split: bool = False
    mode: str = "reverse"  # or "forward" (a jvp_<f> function computing tangents)
    # shape specialization: (parameter name, shape) of arrays the generated code may assume
    shapes: tuple[tuple[str, tuple[int, ...]], ...] = ()
    # False: the caller discards the function's value, so a proven-scalar output need not be
    # computed (the generated function returns None for it and skips the dead statements)
    value: bool = True
    # container parameters flattened into one parameter per leaf (``frontend/pytrees.py``):
    # (parameter name, structure); ``wrt`` and ``shapes`` then name the leaves
    containers: tuple[tuple[str, Any], ...] = ()
    # trained Parameters read as parameters (``frontend/cells.py``): (parameter name, id of
    # the Parameter); Cells called are inlined, the names are the function's first parameters
    weight_leaves: tuple[tuple[str, int], ...] = ()
    # False: never update an adjoint in place (``dx += e``): arguments are Dask, CuPy or other
    # non-numpy arrays, which a numpy accumulator cannot take in place
    in_place: bool = True
    constants: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
