"""Bad input: every compile error names the user's file and line and says what to do."""

from __future__ import annotations

import inspect
import os

import numpy as np
import pytest

import autodiff

from . import error_cases


def offending_line(fn) -> int:
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if "# <-" in line)


UNSUPPORTED = [
    pytest.param(error_cases.uses_try, "try/except", "move error handling", id="try"),
    pytest.param(error_cases.uses_with, "with block", "enter the context", id="with"),
    pytest.param(error_cases.uses_yield, "yield", "return a value", id="yield"),
    pytest.param(error_cases.uses_global, "global statement", "return the new value",
                 id="global"),
    pytest.param(error_cases.uses_nested_lambda, "lambda", "define the helper with def",
                 id="nested_lambda"),
    pytest.param(error_cases.uses_set_comprehension, "set comprehension", "list comprehension",
                 id="set_comprehension"),
    pytest.param(error_cases.uses_nested_element_assignment, "nested element", "x[i, j] = v",
                 id="nested_element_assignment"),
    pytest.param(error_cases.uses_for_else, "else clause", "set a flag", id="for_else"),
    pytest.param(error_cases.uses_and_on_arrays, "and`/`or", "np.where", id="and_or"),
    pytest.param(error_cases.uses_nested_def, "nested function that uses variables",
                 "pass the values as arguments", id="nested_def_with_closure"),
    pytest.param(error_cases.uses_star_args, "*args", "name each parameter", id="star_args"),
    pytest.param(error_cases.recursive, "calls itself", "loop", id="recursion"),
    pytest.param(error_cases.uses_dict_literal, "dict literal", "separate arguments",
                 id="dict_literal"),
    pytest.param(error_cases.uses_walrus, "assignment expression", "separate statement",
                 id="walrus"),
    pytest.param(error_cases.uses_import, "this import fails", "module level", id="import"),
    pytest.param(error_cases.uses_class, "class definition", "module level", id="class"),
    pytest.param(error_cases.uses_del, "del", "out of scope", id="del"),
    pytest.param(error_cases.uses_starred_target, "star-unpacking", "one by one",
                 id="starred_target"),
    pytest.param(error_cases.uses_list_concatenation, "is a list or tuple", "append",
                 id="list_concatenation"),
]


@pytest.mark.parametrize(("fn", "what", "suggestion"), UNSUPPORTED)
def test_unsupported_syntax_is_reported_at_the_user_line(fn, what, suggestion):
    with pytest.raises(autodiff.UnsupportedSyntaxError) as raised:
        autodiff.grad(fn)
    error = raised.value
    assert isinstance(error, SyntaxError)
    assert os.path.basename(error.filename) == "error_cases.py"
    assert error.lineno == offending_line(fn)
    assert what in error.msg
    assert suggestion in error.msg
    assert error.text is not None and "# <-" in error.text


@pytest.mark.parametrize("fn", [error_cases.calls_builtin_without_rule,
                                error_cases.calls_c_function_without_rule],
                         ids=["frexp", "roots_or_cbrt"])
def test_missing_rule_names_function_line_and_fix(fn):
    with pytest.raises(autodiff.NoGradientRuleError) as raised:
        autodiff.grad(fn)
    error = raised.value
    assert error.lineno == offending_line(fn)
    assert os.path.basename(error.filename) == "error_cases.py"
    assert "np." in error.msg
    assert "autodiff.defvjp" in error.msg


def test_differentiable_value_passed_by_unknown_keyword_is_rejected():
    with pytest.raises((autodiff.UnsupportedSyntaxError, autodiff.NoGradientRuleError)) as raised:
        autodiff.grad(error_cases.uses_keyword_differentiable)
    assert raised.value.lineno == offending_line(error_cases.uses_keyword_differentiable)


def test_function_without_source_is_rejected():
    namespace: dict = {"np": np}
    exec("def made_in_exec(x):\n    return x * 2.0\n", namespace)
    with pytest.raises(autodiff.UnsupportedSyntaxError, match="source of made_in_exec"):
        autodiff.grad(namespace["made_in_exec"])


def test_lambda_without_source_is_rejected():
    fn = eval("lambda x: x * 2.0")
    with pytest.raises(autodiff.UnsupportedSyntaxError, match="define it with def"):
        autodiff.grad(fn)


def test_builtin_without_rule_cannot_be_differentiated_directly():
    with pytest.raises(TypeError, match="Python functions"):
        autodiff.grad(np.busday_count)


def test_non_differentiable_call_on_inactive_values_is_fine():
    def uses_frexp_on_constants(x):
        scale = np.frexp(4.0)[0]
        return np.sum(x * scale)

    assert np.allclose(autodiff.grad(uses_frexp_on_constants)(np.ones(3)), 0.5)


def test_error_inside_generated_code_names_the_user_line():
    def mismatched(x, y):
        return np.sum(x @ y)

    grad_fn = autodiff.grad(mismatched)
    with pytest.raises(ValueError) as raised:
        grad_fn(np.ones((2, 3)), np.ones((2, 3)))
    notes = getattr(raised.value, "__notes__", [])
    assert any("return np.sum(x @ y)" in note and "test_errors.py" in note for note in notes)
