"""``autodiff.source``: the generated Python source of any gradient autodiff made."""

from __future__ import annotations

from typing import Any

from .api import GradientFunction
from .decorator import DifferentiableFunction


def source(f: Any, *args: Any) -> str:
    """The generated source of a gradient function (its callees' code follows it).

    With ``args``, the code a call of ``f(*args)`` runs: specialized to the shapes of the
    arrays among them."""
    if isinstance(f, DifferentiableFunction):
        return f.grad_source
    if isinstance(f, GradientFunction) and args:
        return f.unit_for(*args).full_source()
    if isinstance(f, GradientFunction) or hasattr(f, "unit"):
        return f.unit.full_source()
    raise TypeError(f"autodiff.source takes a function made by autodiff.grad, value_and_grad, "
                    f"jacfwd, jacrev, hessian or @differentiable, got {type(f).__name__}")
