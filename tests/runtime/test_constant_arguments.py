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
            if registry.is_constant_argument(entry.primitive, position, entry.argnames) \
                    and argname not in registry.DISCRETE_ARGUMENTS:  # those: by numpy's contract
                label = f"{R.display_name(entry.primitive)}:{argname}"
                params.append(pytest.param(entry.primitive, position, id=label))
    return params


def _random_cases(primitive: Any, position: int) -> list[Any]:
    # random points only (a constant sample may sit on a jump on purpose, to test another rule)
    return [c for c in R.CASES.get(primitive, [])
            if position < len(c.args) and R.is_float_spec(c.args[position])
            and R.as_spec(c.args[position])[0] != "const"]


DECLARED = _declared()
# Declarations proven by type or by construction rather than at random points, each reviewed:
# indices (integers or booleans by numpy's contract: a float index is an IndexError), values
# that only lend their shape (the seed's value, a rule's ``ans``/primal argument, a broadcast
# target), the subscripts and shape-only operands of the einsum rules' own rules, arange's stop
# (it sets how many values there are, not their values), real_if_close's tol (a threshold) and
# the mean of multivariate_normal.entropy (the entropy of a Gaussian ignores it).
BY_TYPE_OR_SHAPE = ("arange:stop", "real_if_close:tol", "entropy:mean", "getitem:b", "getitem_vjp:", "scatter:", "take:indices", "take_vjp:",
                    "take_along_axis:indices", "choose:a", "bincount:x", "seed:value", "seed_aux:value",
                    "unbroadcast_to:target", "unreduce:x", "broadcast_like:ans",
                    "full_like:a", "einsum_vjp_arg", "einsum_jvp_arg")

CHECKED = [p for p in DECLARED if _random_cases(*p.values)
           and not p.id.startswith(BY_TYPE_OR_SHAPE)]


def test_every_declaration_is_checked_or_reviewed() -> None:
    unchecked = [p.id for p in DECLARED if p not in CHECKED
                 and not p.id.startswith(BY_TYPE_OR_SHAPE)]
    assert not unchecked, "declared constant without a random float case: " + ", ".join(unchecked)
    assert CHECKED, "no declaration is checked at random points: the audit checks nothing"


@pytest.mark.parametrize(("primitive", "position"), CHECKED)
def test_output_does_not_move_with_a_constant_argument(primitive: Any, position: int) -> None:
    cases = _random_cases(primitive, position)
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


def _scaled(x, scale):
    return x * 2.0


def _scaled_vjp_x(g, ans, x, scale):
    return g * 2.0


def _scaled_jvp_x(t, ans, x, scale):
    return t * 2.0


def test_a_differentiated_value_at_an_argument_without_rule_is_an_error() -> None:
    snapshot = registry.snapshot()
    try:
        autodiff.defvjp(_scaled, _scaled_vjp_x, None)
        autodiff.defjvp(_scaled, _scaled_jvp_x, None)

        def loss(x, scale):
            return np.sum(_scaled(x, scale * x))

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
