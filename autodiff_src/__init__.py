"""autodiff: source-transforming automatic differentiation for NumPy code.

``autodiff.grad(f)`` reads ``f``'s source and generates a readable Python gradient function
that calls vectorized numpy kernels; ``autodiff.source(g)`` shows it.
"""

from . import nn, ops
from .api import GradientFunction, grad, value_and_grad
from .checking import check_grads
from .decorator import DifferentiableFunction, differentiable
from .errors import (
    AutodiffError,
    AutodiffInternalError,
    MissingRuleError,
    NoGradientRuleError,
    UnsupportedSyntaxError,
)
from .functional import hessian, jacfwd, jacrev, jvp, vjp
from .runtime.custom import GradientRuleError, custom_vjp, defjvp, defvjp
from .runtime.registry import nondifferentiable
from .runtime.rules_nondiff import stop_gradient
from .source import source
from .tensor import Parameter, Tensor, float32, float64, int32

__version__ = "0.1.0"

__all__ = [
    "AutodiffError",
    "AutodiffInternalError",
    "DifferentiableFunction",
    "GradientFunction",
    "GradientRuleError",
    "MissingRuleError",
    "NoGradientRuleError",
    "Parameter",
    "Tensor",
    "UnsupportedSyntaxError",
    "check_grads",
    "custom_vjp",
    "defjvp",
    "defvjp",
    "differentiable",
    "float32",
    "float64",
    "grad",
    "hessian",
    "int32",
    "jacfwd",
    "jacrev",
    "jvp",
    "nn",
    "nondifferentiable",
    "ops",
    "source",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
