"""The forward-mode rule of a function that is linear in its first argument.

For ``y = f(x, *params)`` linear in ``x`` (a reshape, a transpose, a slice, a sum, a join...), the
tangent of ``y`` is ``f`` applied to the tangent: ``f(t, *params)``. ``linear_jvp`` builds that
rule once per primitive, as a named function of the rule module (generated code calls it as
``_rt.<name>``), so the rule tables list only the reverse-mode rules that need writing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def linear_jvp(primitive: Callable[..., Any], name: str, module: str) -> Callable[..., Any]:
    """The JVP rule ``name(t, ans, x, *params) = primitive(t, *params)`` of a primitive linear
    in its first argument, to be bound to ``name`` in the rule module ``module``."""
    label = getattr(primitive, "__name__", name)

    def rule(t: Any, ans: Any, x: Any, *args: Any, **params: Any) -> Any:
        if params.get("out") is not None:
            raise NotImplementedError(f"{name}: the parameter out is not supported")
        return primitive(t, *args, **params)

    rule.__name__ = rule.__qualname__ = name
    rule.__module__ = module
    rule.__doc__ = f"``{label}`` is linear in its first argument: ``{label}`` of the tangent."
    return rule
