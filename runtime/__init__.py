"""What generated code calls, bound to ``_rt``: accumulation helpers and every gradient rule.

Importing this package registers all built-in rules. Generated code refers to a built-in rule
as ``_rt.<rule name>``, so rule names are unique across the rule modules.
"""

from . import (
    accumulate,
    containers,
    custom,
    registry,
    rules_builtins,
    rules_calculus,
    rules_cumulative,
    rules_elementwise,
    rules_elementwise_jvp,
    rules_fill,
    rules_index,
    rules_interp,
    rules_join,
    rules_linalg,
    rules_linalg_jvp,
    rules_nan,
    rules_nn,
    rules_nn_jvp,
    rules_nondiff,
    rules_order,
    rules_reduce,
    rules_shape,
    rules_ufunc,
    rules_ufunc_generic,
)
from .accumulate import add, ones_like, seed, seed_aux, zeros_like
from .broadcast import shape, unbroadcast_to, unreduce
from .operators import BINARY_OPERATORS, COMPARE_OPERATORS, UNARY_OPERATORS
from .rules_nondiff import stop_gradient

_RULE_MODULES = (accumulate, containers, rules_elementwise, rules_reduce, rules_cumulative,
                 rules_linalg, rules_shape, rules_index, rules_join, rules_fill, rules_order,
                 rules_nan, rules_ufunc, rules_ufunc_generic, rules_calculus, rules_interp,
                 rules_nn, rules_nondiff, rules_elementwise_jvp, rules_linalg_jvp, rules_nn_jvp,
                 rules_builtins)


def _export_rules() -> None:
    namespace = globals()
    for module in _RULE_MODULES:
        for name in module.__all__:
            if name in namespace and namespace[name] is not getattr(module, name):
                raise ImportError(f"rule name {name!r} is defined twice in autodiff.runtime")
            namespace[name] = getattr(module, name)


_export_rules()

__all__ = [
    "BINARY_OPERATORS",
    "COMPARE_OPERATORS",
    "UNARY_OPERATORS",
    "add",
    "custom",
    "ones_like",
    "registry",
    "seed",
    "seed_aux",
    "shape",
    "stop_gradient",
    "unbroadcast_to",
    "unreduce",
    "zeros_like",
]
