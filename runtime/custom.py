"""User-defined gradients: ``custom_vjp`` functions and validated ``defvjp``/``defjvp`` rules.

A ``custom_vjp`` function is called like the function it wraps; the compiler calls its ``fwd``
in the forward sweep and its ``bwd`` in the backward sweep (through ``CustomUnit``). Every rule
a user registers is checked when it runs: a wrong number of gradients, or a gradient of the
wrong shape, raises ``GradientRuleError`` naming the file and line where the rule was defined.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from . import registry
from .accumulate import zeros_like

__all__ = ["CustomUnit", "GradientRuleError", "custom_vjp", "defjvp", "defvjp"]


class GradientRuleError(ValueError):
    """A user gradient rule returned something that cannot be the gradient it promised."""


def defined_at(rule: Any) -> str:
    """``file.py:12`` where ``rule`` was defined (or its repr when that is unknown)."""
    target = inspect.unwrap(rule)
    code = getattr(target, "__code__", None)
    if code is None:
        return repr(target)
    return f"{code.co_filename}:{code.co_firstlineno}"


def _check_like(value: Any, primal: Any, what: str, rule: Any) -> None:
    if isinstance(primal, (tuple, list)):
        if not isinstance(value, (tuple, list)) or len(value) != len(primal):
            raise GradientRuleError(f"{what} must be a sequence of {len(primal)} items like its "
                                    f"argument (rule defined at {defined_at(rule)})")
        for item, item_primal in zip(value, primal, strict=True):
            _check_like(item, item_primal, what, rule)
        return
    if np.shape(value) != np.shape(primal):
        raise GradientRuleError(f"{what} has shape {np.shape(value)} but its argument has shape "
                                f"{np.shape(primal)} (rule defined at {defined_at(rule)}); "
                                "reduce broadcast dimensions, e.g. with unbroadcast_to")
    dtype = getattr(value, "dtype", None)
    if dtype is not None and dtype.kind not in "fc":
        raise GradientRuleError(f"{what} has dtype {dtype}, not floating point (rule defined at "
                                f"{defined_at(rule)})")


def _validated_vjp(rule: Callable[..., Any], primitive: Any, position: int) -> Callable[..., Any]:
    name = getattr(primitive, "__name__", repr(primitive))

    @functools.wraps(rule)
    def checked(g: Any, ans: Any, *args: Any, **params: Any) -> Any:
        result = rule(g, ans, *args, **params)
        _check_like(result, args[position], f"the gradient of {name} w.r.t. argument {position}",
                    rule)
        return result

    return checked


def _validated_jvp(rule: Callable[..., Any], primitive: Any, position: int) -> Callable[..., Any]:
    name = getattr(primitive, "__name__", repr(primitive))

    @functools.wraps(rule)
    def checked(t: Any, ans: Any, *args: Any, **params: Any) -> Any:
        result = rule(t, ans, *args, **params)
        _check_like(result, ans, f"the tangent of {name} from argument {position}", rule)
        return result

    return checked


def defvjp(primitive: Any, *rules: Callable[..., Any] | None,
           argnames: tuple[str, ...] | None = None) -> None:
    """Register reverse-mode rules ``rule(g, ans, *args, **params) -> gradient`` for
    ``primitive``, one per positional argument (``None``: no gradient). Checked when they run;
    compiled gradients that depend on ``primitive`` are recompiled."""
    checked = [None if rule is None else _validated_vjp(rule, primitive, position)
               for position, rule in enumerate(rules)]
    registry.defvjp(primitive, *checked, argnames=argnames or _argnames(primitive, len(rules)))


def defjvp(primitive: Any, *rules: Callable[..., Any] | None,
           argnames: tuple[str, ...] | None = None) -> None:
    """Register forward-mode rules ``rule(t, ans, *args, **params) -> output tangent`` for
    ``primitive``, one per positional argument."""
    checked = [None if rule is None else _validated_jvp(rule, primitive, position)
               for position, rule in enumerate(rules)]
    registry.defjvp(primitive, *checked, argnames=argnames or _argnames(primitive, len(rules)))


def _argnames(primitive: Any, count: int) -> tuple[str, ...]:
    try:
        names = [p.name for p in inspect.signature(primitive).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    names += [f"arg{i}" for i in range(len(names), count)]
    return tuple(names[:count])


class custom_vjp:
    """A function with a user-defined gradient::

        @autodiff.custom_vjp
        def log1pexp(x):
            return np.log1p(np.exp(x))

        def log1pexp_fwd(x):
            return log1pexp(x), (x,)

        def log1pexp_bwd(saved, g):
            (x,) = saved
            return (g * (1 - 1 / (1 + np.exp(x))),)   # one gradient per positional argument

        log1pexp.defvjp(log1pexp_fwd, log1pexp_bwd)
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None
        self.jvp_rule: Callable[..., Any] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> custom_vjp:
        """``fwd(*args) -> (output, saved)``; ``bwd(saved, g) -> one gradient per argument``."""
        self.fwd, self.bwd = fwd, bwd
        registry.bump()
        return self

    def defjvp(self, rule: Callable[..., Any]) -> custom_vjp:
        """``rule(primals, tangents) -> (output, output_tangent)`` for forward mode."""
        self.jvp_rule = rule
        registry.bump()
        return self

    @property
    def parameters(self) -> list[str]:
        return [p.name for p in inspect.signature(self.fn).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


class CustomUnit:
    """What the compiler calls for a ``custom_vjp`` function (same interface as a compiled
    callee): ``forward``/``backward`` for reverse mode, ``function`` for forward mode."""

    def __init__(self, custom: custom_vjp, wrt: tuple[str, ...]) -> None:
        self.custom = custom
        self.name = custom.__name__
        self.wrt = wrt
        self.weight_ids: tuple[int, ...] = ()
        self.output_varied = True
        self.seeds = tuple(f"{param}_dot" for param in wrt)
        self.positions = [custom.parameters.index(param) for param in wrt]
        self.forward = self._named(self._forward, f"fwd_{self.name}")
        self.backward = self._named(self._backward, f"bwd_{self.name}")
        self.function = self._named(self._tangent, f"jvp_{self.name}")

    @staticmethod
    def _named(method: Any, name: str) -> Any:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            return method(*args, **kwargs)

        call.__name__ = call.__qualname__ = name
        return call

    def _forward(self, *args: Any) -> tuple[Any, Any]:
        if self.custom.fwd is None:
            raise GradientRuleError(f"{self.name} is a custom_vjp function without rules; call "
                                    f"{self.name}.defvjp(fwd, bwd)")
        output, saved = self.custom.fwd(*args)
        return output, (saved, args)

    def _backward(self, saved: Any, g: Any) -> Any:
        residuals, args = saved
        grads = self.custom.bwd(residuals, g)
        if not isinstance(grads, (tuple, list)) or len(grads) != len(args):
            count = len(grads) if isinstance(grads, (tuple, list)) else "not a tuple"
            raise GradientRuleError(
                f"the backward rule of {self.name} must return a tuple of {len(args)} gradients "
                f"(one per argument), got {count} (rule defined at {defined_at(self.custom.bwd)})")
        chosen = []
        for position in self.positions:
            _check_like(grads[position], args[position],
                        f"the gradient of {self.name} w.r.t. argument {position}", self.custom.bwd)
            chosen.append(grads[position])
        return chosen[0] if len(chosen) == 1 else tuple(chosen)

    def _tangent(self, *args: Any, **tangents: Any) -> tuple[Any, Any]:
        if self.custom.jvp_rule is None:
            raise GradientRuleError(f"{self.name} has no forward-mode rule; call "
                                    f"{self.name}.defjvp(rule)")
        full = [zeros_like(arg) for arg in args]
        for position, name in zip(self.positions, self.seeds, strict=True):
            full[position] = tangents[name]
        output, tangent = self.custom.jvp_rule(tuple(args), tuple(full))
        _check_like(tangent, output, f"the tangent of {self.name}", self.custom.jvp_rule)
        return output, tangent
