"""What generated code calls, bound to ``_rt``: accumulation helpers and every gradient rule.

Importing this package registers all built-in rules. Generated code refers to a built-in rule
as ``_rt.<rule name>``, so rule names are unique across the rule modules.
"""

import functools
import importlib

from . import (
    accumulate,
    containers,
    custom,
    registry,
    rules_bilinear,
    rules_builtins,
    rules_calculus,
    rules_complex,
    rules_construct,
    rules_cumulative,
    rules_decompositions,
    rules_einsum,
    rules_elementwise,
    rules_fft,
    rules_fill,
    rules_index,
    rules_interp,
    rules_join,
    rules_linalg,
    rules_linalg_results,
    rules_nan,
    rules_nn,
    rules_nondiff,
    rules_norm,
    rules_order,
    rules_ranges,
    rules_reduce,
    rules_remainders,
    rules_shape,
    rules_statistics,
    rules_transcendental,
    rules_ufunc,
    rules_ufunc_generic,
)
from .accumulate import add, ones_like, seed, seed_aux, zeros_like
from .broadcast import shape, unbroadcast_to, unreduce
from .operators import BINARY_OPERATORS, COMPARE_OPERATORS, UNARY_OPERATORS
from .rules_nondiff import stop_gradient

_RULE_MODULES = (accumulate, containers, rules_elementwise, rules_transcendental, rules_reduce,
                 rules_linalg, rules_shape, rules_nn, rules_ranges, rules_nondiff, rules_join,
                 rules_fill, rules_order, rules_nan, rules_ufunc, rules_calculus, rules_interp,
                 rules_bilinear, rules_einsum, rules_norm, rules_decompositions,
                 rules_linalg_results, rules_complex, rules_fft, rules_remainders,
                 rules_cumulative, rules_index, rules_ufunc_generic, rules_builtins,
                 rules_statistics, rules_construct)


def _export_rules(modules: tuple = _RULE_MODULES) -> None:
    namespace = globals()
    for module in modules:
        for name in module.__all__:
            if name in namespace and namespace[name] is not getattr(module, name):
                raise ImportError(f"rule name {name!r} is defined twice in autodiff.runtime")
            namespace[name] = getattr(module, name)


def _load_optional_rules(module_name: str) -> None:
    """Import an optional package's rule module (it registers its rules) and export its rules
    as ``autodiff.runtime.<rule name>``, where generated code finds them."""
    _export_rules((importlib.import_module(f"{__name__}.{module_name}"),))


_export_rules()
# Rules of optional packages: loaded at the first rule lookup after user code imported them.
for _package, _module_name in (("scipy.special", "rules_scipy_special"),
                               ("scipy.stats", "rules_scipy_stats"),
                               ("scipy.signal", "rules_scipy_signal"),
                               ("scipy.linalg", "rules_scipy_linalg"),
                               ("scipy.integrate", "rules_scipy_integrate")):
    registry.register_lazy(_package, functools.partial(_load_optional_rules, _module_name))

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
