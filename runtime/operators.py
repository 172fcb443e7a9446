"""Python operators as numpy primitives: ``x * y`` is differentiated with the rules of
``np.multiply``. Keys are the gast node class names of the operators."""

from __future__ import annotations

import operator

import numpy as np

BINARY_OPERATORS = {
    "Add": np.add,
    "Sub": np.subtract,
    "Mult": np.multiply,
    "Div": np.true_divide,
    "Pow": np.power,
    "MatMult": np.matmul,
    "FloorDiv": np.floor_divide,
    "Mod": np.mod,
}

UNARY_OPERATORS = {
    "USub": np.negative,
    "UAdd": np.positive,
    "Not": operator.not_,
    "Invert": np.invert,
}

COMPARE_OPERATORS = {
    "Eq": np.equal,
    "NotEq": np.not_equal,
    "Lt": np.less,
    "LtE": np.less_equal,
    "Gt": np.greater,
    "GtE": np.greater_equal,
    "Is": operator.is_,
    "IsNot": operator.is_not,
    "In": operator.contains,
    "NotIn": operator.contains,
}
