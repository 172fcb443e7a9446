"""The rule table the passes consult (``ctx.rules``): autodiff's runtime registry, numpy's
operator mappings and shape rules, and the one-expression rules inlined into generated code.

Input: primitives (numpy functions, ufuncs, method and attribute keys) and rule functions.
Output: their rules and facts about them. This is the only place the passes learn what a
primitive is; callables autodiff made itself (a gradient function called from a function being
differentiated) are seen through with ``register_callable_adapter``.
"""

from __future__ import annotations

import builtins
import inspect
import operator
import os
import site
import sys
import sysconfig
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from .. import runtime
from ..runtime import registry, rules_nn
from ..runtime.custom import custom_vjp
from ..runtime.operators import BINARY_OPERATORS, UNARY_OPERATORS
from ..runtime.specialized import FORMS, Proven
from .analysis import shape_rules
from .ir import nodes
from .ir.annotations import NUMPY, RUNTIME


@dataclass(frozen=True, slots=True)
class InlineRule:
    """A rule that is one expression: its positional parameters and that expression (with
    numpy spelled ``_np`` and runtime helpers ``_rt.<name>``, their calls annotated)."""

    params: tuple[str, ...]
    expression: Any


_ADAPTERS: list[Callable[[Any], Any]] = []

_CUSTOM_FILE = inspect.getsourcefile(custom_vjp)
_DERIVATIVE_MAKERS = frozenset({"grad", "value_and_grad", "jacfwd", "jacrev", "hessian"})
# installed packages and the standard library: their functions are not compiled from source
_LIBRARY_DIRS = tuple(sorted({os.path.join(os.path.realpath(sysconfig.get_paths()[key]), "")
                              for key in ("stdlib", "platstdlib", "purelib", "platlib")}
                             | {os.path.join(path, "") for path in site.getsitepackages()}))
_AUTODIFF_DIRS = tuple(os.path.join(os.path.dirname(os.path.realpath(module.__file__)), "")
                       for module in (runtime, shape_rules))


def register_callable_adapter(adapter: Callable[[Any], Any]) -> None:
    """Let calls to callables autodiff made be differentiated through: ``adapter(obj)`` returns
    the Python function a call of ``obj`` runs, or None if ``obj`` is not its kind."""
    if adapter not in _ADAPTERS:
        _ADAPTERS.append(adapter)


class RuntimeRules:
    """The rule table the passes consult: the runtime registry plus operator mappings."""

    runtime = runtime
    array_types = (np.ndarray, np.generic)

    def __init__(self) -> None:
        self._inline: dict[Any, InlineRule | None] = {}
        self._unused: dict[Any, frozenset[int]] = {}

    def lookup(self, primitive: Any) -> registry.VjpEntry | None:
        return registry.lookup(primitive) if primitive is not None else None

    def lookup_jvp(self, primitive: Any) -> registry.JvpEntry | None:
        return registry.lookup_jvp(primitive) if primitive is not None else None

    def is_nondifferentiable(self, primitive: Any) -> bool:
        return primitive is not None and registry.is_nondifferentiable(primitive)

    def binary_operator(self, name: str) -> Any:
        return BINARY_OPERATORS.get(name)

    def unary_operator(self, name: str) -> Any:
        return UNARY_OPERATORS.get(name)

    def method_key(self, name: str) -> registry.MethodKey:
        return registry.MethodKey(name)

    def attribute_key(self, name: str) -> registry.AttributeKey:
        return registry.AttributeKey(name)

    def returns_array(self, primitive: Any) -> bool:
        """Does ``primitive`` always return an array or number (never a container)? Adjoints of
        such values are accumulated with ``+`` instead of ``_rt.add``. Rule modules declare the
        primitives that return tuples or lists (``registry.container_results``, or
        ``defrule(..., container=True)``); a numpy function with neither rules nor a
        non-differentiable declaration (``np.meshgrid``, ``np.unique``) may return either."""
        if isinstance(primitive, (registry.MethodKey, registry.AttributeKey)):
            return primitive.name not in ("tolist",)
        if isinstance(primitive, np.ufunc):
            return primitive.nout == 1
        if registry.returns_container(primitive) or (registry.lookup_entry(primitive) is None
                                                     and not registry.is_nondifferentiable(primitive)):
            return False
        module = getattr(primitive, "__module__", None) or ""
        return module.startswith(np.__name__) or module == rules_nn.__name__

    def is_elementwise(self, primitive: Any) -> bool:
        """A numpy ufunc applied elementwise (its output has the broadcast shape of its
        inputs): not ``matmul`` and friends, which have a core signature."""
        return isinstance(primitive, np.ufunc) and primitive.signature is None \
            and primitive.nout == 1

    def is_array_method(self, name: str) -> bool:
        return hasattr(np.ndarray, name)

    def is_custom(self, obj: Any) -> bool:
        return isinstance(obj, custom_vjp)

    def is_derivative_maker(self, obj: Any) -> bool:
        """``autodiff.grad`` and the other transformations: called when compiling a function
        that calls them with static arguments (nested differentiation)."""
        return getattr(obj, "__module__", None) in ("autodiff.api", "autodiff.functional") \
            and getattr(obj, "__name__", None) in _DERIVATIVE_MAKERS

    def is_library(self, function: Any) -> bool:
        """Is ``function`` code of an installed package or the standard library (not compiled
        from its source: without a registered rule, a call of it has no gradient)?"""
        function = getattr(function, "__func__", function)
        filename = getattr(getattr(function, "__code__", None), "co_filename", "")
        filename = os.path.realpath(filename) if filename else ""
        return bool(filename) and filename.startswith(_LIBRARY_DIRS) \
            and not filename.startswith(_AUTODIFF_DIRS)

    def is_pure(self, primitive: Any) -> bool:
        """Does calling ``primitive`` do nothing but return a value (numpy functions and
        operators, array methods, runtime helpers; not ``print`` or ``np.random``)?"""
        if isinstance(primitive, (registry.MethodKey, registry.AttributeKey, np.ufunc)):
            return True
        module = getattr(primitive, "__module__", None) or ""
        if module.startswith(np.random.__name__) or primitive is builtins.print:
            return False
        return module.startswith((np.__name__, runtime.__name__, builtins.__name__,
                                  operator.__name__))

    def numpy_function(self, name: str) -> Any:
        """``np.<name>`` (None if numpy has no such attribute)."""
        return getattr(np, name, None)

    def result_shape(self, callee: Any, args: list[Any], keywords: dict[str, Any]) -> Any:
        """The abstract value (``analysis/shape_inference.py``) a whitelisted numpy operation
        produces from its operands' abstract values; None when it is not modelled."""
        return shape_rules.result_shape(callee, args, keywords)

    def callable_target(self, obj: Any) -> Any:
        """What a call to ``obj`` runs, for callables autodiff made (a gradient function is
        differentiated through its generated code)."""
        for adapter in _ADAPTERS:
            target = adapter(obj)
            if target is not None:
                return target
        if getattr(getattr(obj, "__code__", None), "co_filename", None) == _CUSTOM_FILE:
            return inspect.unwrap(obj)  # a validated user rule: its checks ran at first order
        return obj

    # ---- rules in generated code -------------------------------------------------------------
    def in_runtime(self, rule: Any) -> bool:
        """Can generated code reach ``rule`` through the runtime package (``_rt.<name>``)?"""
        name = getattr(rule, "__name__", None)
        return bool(name) and getattr(runtime, name, None) is rule

    def inline(self, rule: Any) -> InlineRule | None:
        """The rule's body as an expression to substitute into generated code, for rules that
        are a single ``return`` over their parameters, numpy and runtime helpers."""
        if rule not in self._inline:
            self._inline[rule] = _inline_rule(rule) if self.in_runtime(rule) else None
        return self._inline[rule]

    def unused_arguments(self, rule: Any) -> frozenset[int]:
        """Positions of the parameters a built-in rule never reads: generated code passes
        ``None`` there, so values only kept for such a parameter need not be saved."""
        if rule not in self._unused:
            self._unused[rule] = _unused_positions(rule) if self.in_runtime(rule) \
                else frozenset()
        return self._unused[rule]

    def has_specialized_form(self, rule: Any) -> bool:
        """Does ``rule`` have shape-specialized forms (``runtime/specialized.py``)?"""
        try:
            return rule in FORMS
        except TypeError:  # unhashable
            return False

    def specialized_form(self, rule: Any, proven: Proven) -> str | None:
        """The rule's shape-specialized form for what was proven (``runtime/specialized.py``),
        as a template over ``g``, ``ans``, ``x1``, ``x2``; None if it has none."""
        form = FORMS.get(rule)
        return None if form is None else form(proven)


def _rule_tree(rule: Any) -> gast.FunctionDef | None:
    try:
        tree = gast.parse(textwrap.dedent(inspect.getsource(rule))).body[0]
    except (OSError, TypeError, SyntaxError):
        return None
    return tree if isinstance(tree, gast.FunctionDef) else None


def _unused_positions(rule: Any) -> frozenset[int]:
    tree = _rule_tree(rule)
    if tree is None or tree.args.vararg is not None:
        return frozenset()
    read = {node.id for statement in tree.body for node in nodes.walk(statement)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)}
    return frozenset(position for position, arg in enumerate(tree.args.args)
                     if arg.id not in read)


def _inline_rule(rule: Any) -> InlineRule | None:
    tree = _rule_tree(rule)
    if tree is None:
        return None
    body = [s for s in tree.body if not (isinstance(s, gast.Expr)
                                         and isinstance(s.value, gast.Constant))]
    args = tree.args
    if len(body) != 1 or not isinstance(body[0], gast.Return) or body[0].value is None \
            or args.vararg or args.kwarg or args.kwonlyargs or args.defaults:
        return None
    if any(isinstance(node, (gast.Lambda, gast.ListComp, gast.GeneratorExp, gast.IfExp,
                             gast.NamedExpr, gast.Starred)) for node in nodes.walk(body[0])):
        return None
    params = tuple(arg.id for arg in args.args)
    qualifier = _Qualify(params, sys.modules[rule.__module__])
    expression = qualifier.visit(body[0].value)
    if qualifier.failed:
        return None
    return InlineRule(params, nodes.mark_library_calls(expression))


class _Qualify(gast.NodeTransformer):
    """Spell a rule body's globals as generated code does: ``np`` -> ``_np``, runtime helpers
    -> ``_rt.<name>``; anything else makes the rule not inlinable."""

    def __init__(self, params: tuple[str, ...], module: Any) -> None:
        self.params = params
        self.module = module
        self.failed = False

    def visit_Name(self, node: gast.Name) -> Any:
        if node.id in self.params:
            return node
        if node.id == "np":
            return nodes.name(nodes.SPELLING[NUMPY])
        value = getattr(self.module, node.id, None)
        if value is not None and getattr(runtime, node.id, None) is value:
            return nodes.dotted(f"{nodes.SPELLING[RUNTIME]}.{node.id}")
        self.failed = True
        return node


RULES = RuntimeRules()
