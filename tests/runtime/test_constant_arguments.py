"""Arguments without a gradient rule.

A differentiated value that reaches an argument without a rule is an error at the user's line,
except where the registry declares the output piecewise constant in that argument
(``registry.constant_arguments``). Every such declaration is checked here at random points:
moving the argument by ``±EPS`` does not move the output at all.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from typing import Any

import numpy as np
import pytest

import autodiff
from autodiff.runtime import registry


def _load_rule_cases() -> Any:
    name = "autodiff_rule_cases"
    if name not in sys.modules:
        path = pathlib.Path(__file__).with_name("rule_cases.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


R = _load_rule_cases()
EPS = 1e-6


def _declared() -> list[Any]:
    params = []
    for entry in registry.entries():
        for position, argname in enumerate(entry.argnames):
            if registry.is_constant_argument(entry.primitive, position, entry.argnames):
                label = f"{R.display_name(entry.primitive)}:{argname}"
                params.append(pytest.param(entry.primitive, position, id=label))
    return params


DECLARED = _declared()


def test_constant_arguments_are_declared_somewhere() -> None:
    assert DECLARED, "no constant_arguments declaration found: the audit below checks nothing"


@pytest.mark.parametrize(("primitive", "position"), DECLARED)
def test_output_does_not_move_with_a_constant_argument(primitive: Any, position: int) -> None:
    # random points only (a constant sample may sit on a jump on purpose, to test another rule)
    cases = [c for c in R.CASES.get(primitive, [])
             if position < len(c.args) and R.is_float_spec(c.args[position])
             and R.as_spec(c.args[position])[0] != "const"]
    assert cases, "a declared constant argument needs a random float sample case"
    rng = np.random.default_rng(5)
    for case_ in cases:
        for _ in range(5):
            args = [R.make(spec, rng) for spec in case_.args]
            direction = R.random_like(args[position], rng)
            outputs = []
            for step in (EPS, -EPS):
                moved = list(args)
                moved[position] = R.perturb(args[position], direction, step)
                outputs.append(R.call(primitive, tuple(moved), case_.params))
            np.testing.assert_array_equal(outputs[0], outputs[1], err_msg=case_.label)


def _scaled(x, s):
    return x * 2.0


def _scaled_vjp_x(g, ans, x, s):
    return g * 2.0


def _scaled_jvp_x(t, ans, x, s):
    return t * 2.0


def test_a_differentiated_value_at_an_argument_without_rule_is_an_error() -> None:
    snapshot = registry.snapshot()
    try:
        autodiff.defvjp(_scaled, _scaled_vjp_x, None)
        autodiff.defjvp(_scaled, _scaled_jvp_x, None)

        def loss(x, s):
            return np.sum(_scaled(x, s * x))

        x = np.array([0.5, 1.5])
        with pytest.raises(autodiff.NoGradientRuleError, match="no gradient rule for its argument"):
            autodiff.grad(loss)(x, 3.0)
        with pytest.raises(autodiff.NoGradientRuleError, match="no gradient rule for its argument"):
            autodiff.jvp(loss, (x, 3.0), (np.ones(2), 0.0))
    finally:
        registry.restore(snapshot)


def test_heaviside_step_argument_gets_a_zero_gradient() -> None:
    def loss(x):
        return np.sum(np.heaviside(x, 0.5) * x)

    x = np.array([-1.2, 0.7, 2.0])
    np.testing.assert_allclose(autodiff.grad(loss)(x), np.heaviside(x, 0.5))
