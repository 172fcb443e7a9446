"""Bad input, row by row: every error has the right type, names the user's file and line where
there is one, and says what to do; NaN and inf flow through gradients exactly as numpy's own
arithmetic would, without the compiler raising.

The user functions are defined here, at module level; each marks its offending line ``# <-``.
"""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import autodiff
from autodiff.runtime import registry

HERE = os.path.abspath(__file__)


def marked_line(fn: Callable[..., Any]) -> int:
    """The line of ``fn`` marked ``# <-``."""
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if "# <-" in line)


def notes(error: BaseException) -> str:
    return "\n".join(getattr(error, "__notes__", []))


def assert_names_user_line(error: BaseException, fn: Callable[..., Any]) -> None:
    """The error's notes name ``file:line`` of ``fn``'s marked line and quote it."""
    line = marked_line(fn)
    text = inspect.getsourcelines(fn)[0][line - fn.__code__.co_firstlineno].strip()
    text = text.split("# <-")[0].strip()
    found = notes(error)
    assert f"{HERE}:{line}" in found or f"{os.path.basename(HERE)}:{line}" in found, found
    assert text in found, found


# ---- unsupported syntax: UnsupportedSyntaxError at the user's file, line and column -----------


def uses_try(x):
    try:  # <-
        y = np.exp(x)
    except ValueError:
        y = x
    return np.sum(y)


def uses_with(x):
    with np.errstate(all="ignore"):  # <-
        return np.sum(np.log(x))


def uses_yield(x):
    yield np.sum(x * 2.0)  # <-


COUNTER = 0


def uses_global(x):
    global COUNTER  # <-
    COUNTER = 1
    return np.sum(x)


def uses_nested_def(x):
    scale = 2.0

    def inner(v):  # <-
        return v * scale

    return np.sum(np.stack([f(x) for f in [inner, inner]]))


def uses_set_comprehension(x):
    return sum({v * 2.0 for v in x})  # <-


def uses_nested_lambda(x):
    return np.sum(np.stack(list(map(lambda v: v * 2.0, [x]))))  # <-


def uses_star_args(*xs):  # <-
    return np.sum(xs[0])


def uses_del(x):
    y = x * 2.0
    del y  # <-
    return np.sum(x)


def uses_import(x):
    import no_such_module_for_autodiff_tests as m  # <-

    return np.sum(x) * m.pi


UNSUPPORTED = [
    pytest.param(uses_try, "try/except", "move error handling", id="try"),
    pytest.param(uses_with, "with block", "enter the context", id="with"),
    pytest.param(uses_yield, "yield", "return a value", id="yield"),
    pytest.param(uses_global, "global statement", "return the new value", id="global"),
    pytest.param(uses_nested_def, "nested function that uses variables",
                 "pass the values as arguments", id="nested-def-closure"),
    pytest.param(uses_set_comprehension, "set comprehension", "list comprehension",
                 id="set-comprehension"),
    pytest.param(uses_nested_lambda, "lambda", "def", id="lambda-inside"),
    pytest.param(uses_star_args, "*args", "name each parameter", id="star-args"),
    pytest.param(uses_del, "del", "out of scope", id="del"),
    pytest.param(uses_import, "import", "module level", id="import"),
]


@pytest.mark.parametrize(("fn", "what", "instead"), UNSUPPORTED)
def test_unsupported_syntax_names_file_line_and_fix(fn: Callable[..., Any], what: str,
                                                     instead: str) -> None:
    with pytest.raises(autodiff.UnsupportedSyntaxError) as raised:
        autodiff.grad(fn)
    error = raised.value
    assert isinstance(error, SyntaxError)
    assert os.path.abspath(error.filename) == HERE
    assert error.lineno == marked_line(fn)
    assert error.offset is not None and error.offset >= 1
    assert error.text is not None and "# <-" in error.text
    assert what in error.msg
    assert instead in error.msg
    assert f"line {error.lineno}" in str(error)


@pytest.mark.parametrize(("fn", "what", "instead"), UNSUPPORTED[:4])
def test_unsupported_syntax_is_reported_by_value_and_grad_and_jvp(fn: Callable[..., Any],
                                                                   what: str,
                                                                   instead: str) -> None:
    with pytest.raises(autodiff.UnsupportedSyntaxError, match=instead):
        autodiff.value_and_grad(fn)
    with pytest.raises(autodiff.UnsupportedSyntaxError, match=instead):
        autodiff.jvp(fn, (np.ones(2),), (np.ones(2),))


# ---- functions without source ------------------------------------------------------------------

NOT_PYTHON = [
    pytest.param(len, id="builtin-len"),
    pytest.param(np.busday_count, id="np.busday_count"),
    pytest.param(ord, id="builtin-ord"),
    pytest.param(np.ndarray.sum, id="method-descriptor"),
]


@pytest.mark.parametrize("fn", NOT_PYTHON)
def test_builtins_and_c_functions_without_rules_cannot_be_differentiated_directly(
        fn: Any) -> None:
    with pytest.raises(TypeError) as raised:
        autodiff.grad(fn)
    message = str(raised.value)
    assert "Python functions" in message
    assert "autodiff.defvjp" in message  # what to do for a function without source


def _without_source(source: str, filename: str, name: str) -> Any:
    namespace: dict[str, Any] = {"np": np}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


SOURCELESS = [
    pytest.param(lambda: _without_source("def made(x):\n    return x * 2.0\n", "<string>",
                                         "made"), "<string>", 1, id="exec-string"),
    pytest.param(lambda: _without_source("\n\ndef typed(x):\n    return x * 2.0\n", "<stdin>",
                                         "typed"), "<stdin>", 3, id="interactive-prompt"),
    pytest.param(lambda: eval("lambda x: x * 2.0"), "<string>", 1, id="eval-lambda"),
    pytest.param(lambda: _without_source("def gone(x):\n    return x\n", "/no/such/file.py",
                                         "gone"), "/no/such/file.py", 1, id="deleted-file"),
]


@pytest.mark.parametrize(("make", "filename", "line"), SOURCELESS)
def test_functions_without_source_say_where_and_what_to_do(make: Callable[[], Any],
                                                           filename: str, line: int) -> None:
    with pytest.raises(autodiff.UnsupportedSyntaxError) as raised:
        autodiff.grad(make())
    error = raised.value
    assert error.filename == filename
    assert error.lineno == line
    assert "source" in error.msg and "not available" in error.msg
    assert "define it with def in a .py file" in error.msg


SOURCELESS_HELPER = _without_source("def helper(v):\n    return v * 2.0\n", "<string>", "helper")


def calls_sourceless_helper(x):
    return np.sum(SOURCELESS_HELPER(x))  # <-


def test_call_to_a_function_without_source_or_rule_names_callee_line_and_fix() -> None:
    with pytest.raises(autodiff.NoGradientRuleError) as raised:
        autodiff.grad(calls_sourceless_helper)
    error = raised.value
    assert os.path.abspath(error.filename) == HERE
    assert error.lineno == marked_line(calls_sourceless_helper)
    assert "SOURCELESS_HELPER" in error.msg  # the callee, as the user wrote it
    assert "no Python source" in error.msg
    assert "autodiff.defvjp(SOURCELESS_HELPER" in error.msg


def test_sourceless_callee_on_inactive_values_is_fine() -> None:
    def uses_helper_on_constants(x):
        return np.sum(x) * SOURCELESS_HELPER(1.5)

    assert autodiff.grad(uses_helper_on_constants)(np.ones(2)).tolist() == [3.0, 3.0]


# ---- inputs that cannot be differentiated: TypeError at call ----------------------------------


def square_sum(x, y=None):
    return np.sum(x * x)


BAD_INPUTS = [
    pytest.param(np.arange(3), "int64", id="int-array"),
    pytest.param(np.array([True, False]), "bool", id="bool-array"),
    pytest.param(np.array([1, 2], dtype=np.int8), "int8", id="int8-array"),
    pytest.param(np.array([1.0, 2.0], dtype=object), "object", id="object-array"),
    pytest.param(np.array(["a", "b"]), "<U1", id="string-array"),
    pytest.param(3, "integer 3", id="python-int"),
    pytest.param(True, "integer True", id="python-bool"),
    pytest.param(np.int32(2), "integer", id="numpy-int"),
    pytest.param("text", "str", id="string"),
    pytest.param(None, "NoneType", id="none"),
]


@pytest.mark.parametrize(("value", "described"), BAD_INPUTS)
def test_non_float_input_at_a_differentiated_position(value: Any, described: str) -> None:
    grad_fn = autodiff.grad(square_sum)
    with pytest.raises(TypeError) as raised:
        grad_fn(value)
    message = str(raised.value)
    assert "input 0" in message
    assert described in message
    assert "float" in message  # says what to pass instead


@pytest.mark.parametrize(("value", "described"), BAD_INPUTS[:6])
def test_non_float_input_inside_a_container(value: Any, described: str) -> None:
    def first(pair):
        return np.sum(pair[0])

    with pytest.raises(TypeError, match=r"input 0.*float"):
        autodiff.grad(first)((np.ones(2), value))


def test_non_float_inputs_at_other_positions_are_fine() -> None:
    def scaled(x, counts):
        return np.sum(x * counts)

    grad = autodiff.grad(scaled)(np.ones(3), np.arange(3))
    np.testing.assert_array_equal(grad, [0.0, 1.0, 2.0])


# ---- sensitivities, has_aux, weights: ValueError / TypeError ----------------------------------


def doubled(x):
    return x * 2.0  # <-


def two_outputs(x):
    return x * 2.0, np.sum(x)  # <-


SENSITIVITIES = [
    pytest.param(doubled, np.ones(4), "(4,)", id="wrong-length"),
    pytest.param(doubled, np.ones(1), "(1,)", id="broadcastable-but-wrong"),
    pytest.param(doubled, np.ones((3, 1)), "(3, 1)", id="wrong-rank"),
    pytest.param(doubled, 1.0, "()", id="scalar-for-vector"),
    pytest.param(two_outputs, (np.ones(3), np.ones(2)), "(2,)", id="tuple-item-shape"),
]


@pytest.mark.parametrize(("fn", "sensitivity", "shape"), SENSITIVITIES)
def test_mismatched_sens_param_shapes(fn: Callable[..., Any], sensitivity: Any,
                                      shape: str) -> None:
    grad_fn = autodiff.grad(fn, sens_param=True)
    with pytest.raises(ValueError) as raised:
        grad_fn(np.ones(3), sensitivity)
    message = str(raised.value)
    assert f"shape {shape}" in message
    assert "pass an array of the output's shape" in message
    assert_names_user_line(raised.value, fn)


@pytest.mark.parametrize("sensitivity", [(np.ones(3),), np.ones(3), [np.ones(3)] * 3],
                         ids=["one-item", "array", "three-items"])
def test_sens_param_tuple_needs_one_item_per_output(sensitivity: Any) -> None:
    grad_fn = autodiff.grad(two_outputs, sens_param=True)
    with pytest.raises(ValueError, match="tuple of 2 arrays, one per output"):
        grad_fn(np.ones(3), sensitivity)


def test_missing_sensitivity_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="pass the output sensitivity"):
        autodiff.grad(doubled, sens_param=True)()


def scaled_pair(x, y, scale=2.0):
    return x * y * scale


@pytest.mark.parametrize(("call", "passed"), [
    (lambda: autodiff.grad(doubled, sens_param=True)(np.ones(3)), 1),
    (lambda: autodiff.grad(scaled_pair, grad_position=1, sens_param=True)(np.ones(3),
                                                                          np.ones(3)), 2),
    (lambda: autodiff.grad(scaled_pair, sens_param=True)(np.ones(3), np.ones(3)), 2),
], ids=["one-input", "second-position", "required-parameter"])
def test_forgotten_sensitivity_mentions_sens_param(call: Callable[[], Any], passed: int) -> None:
    with pytest.raises(TypeError, match="sens_param=True takes the output sensitivity") as raised:
        call()
    assert f"this call passed {passed} positional argument(s)" in str(raised.value)
    assert "call grad_fn(*inputs, sensitivity)" in str(raised.value)


@pytest.mark.parametrize(("args", "kwargs"), [
    ((np.ones(2), np.full(2, 3.0), np.full(2, 0.5)), {}),
    ((np.ones(2), np.full(2, 0.5)), {"y": np.full(2, 3.0)}),
], ids=["positional", "keyword-input"])
def test_sensitivity_is_the_last_positional_argument(args: tuple, kwargs: dict) -> None:
    grad_fn = autodiff.grad(scaled_pair, sens_param=True)
    np.testing.assert_allclose(grad_fn(*args, **kwargs), 0.5 * 3.0 * 2.0)  # sens * y * scale


def single_output(x):
    return np.sum(x)  # <-


def one_tuple(x):
    return (np.sum(x),)


def list_output(x):
    return [np.sum(x), x]  # <-


@pytest.mark.parametrize("fn", [single_output, one_tuple, list_output],
                         ids=["scalar", "1-tuple", "list"])
@pytest.mark.parametrize("transform", [autodiff.grad, autodiff.value_and_grad],
                         ids=["grad", "value_and_grad"])
def test_has_aux_with_one_output(fn: Callable[..., Any], transform: Any) -> None:
    with pytest.raises(ValueError) as raised:
        transform(fn, has_aux=True)(np.ones(3))
    message = str(raised.value)
    assert "has_aux=True" in message
    assert "tuple of at least two outputs" in message


def test_has_aux_error_names_the_return_line() -> None:
    with pytest.raises(ValueError) as raised:
        autodiff.grad(single_output, has_aux=True)(np.ones(3))
    assert_names_user_line(raised.value, single_output)


W = autodiff.Parameter(np.ones(3), name="w")


def uses_w(x):
    return np.sum(x * W)


@pytest.mark.parametrize("weights", [
    [np.ones(3)], (W, np.ones(3)), [1.0], [W, "w"], np.ones(3), 2.0, {"w": W}, [[W]],
], ids=["array-in-list", "array-in-tuple", "float-in-list", "string-in-list", "bare-array",
        "bare-float", "dict", "nested-list"])
def test_weights_must_be_parameters(weights: Any) -> None:
    with pytest.raises(TypeError) as raised:
        autodiff.grad(uses_w, 0, weights=weights)
    message = str(raised.value)
    assert "Parameter" in message
    assert "autodiff.Parameter" in message  # what to do


def test_parameters_are_accepted() -> None:
    grads = autodiff.grad(uses_w, None, weights=[W])(np.full(3, 2.0))
    np.testing.assert_array_equal(grads[0], [2.0, 2.0, 2.0])


# ---- the rest of the API.md error table --------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"grad_position": None}, ValueError, "grad_position"),
    ({"grad_position": (0, 0)}, ValueError, "repeats a position"),
    ({"grad_position": -1}, ValueError, "negative"),
    ({"grad_position": [0]}, TypeError, "tuple"),
    ({"has_aux": 1}, TypeError, "has_aux"),
], ids=["no-position-no-weights", "duplicate", "negative", "list", "has_aux-not-bool"])
def test_bad_grad_arguments_fail_at_grad(kwargs: dict[str, Any], error: type,
                                         message: str) -> None:
    with pytest.raises(error, match=message):
        autodiff.grad(square_sum, **kwargs)


def test_position_out_of_range_fails_at_call() -> None:
    grad_fn = autodiff.grad(square_sum, 1)
    with pytest.raises(IndexError, match="pass the input positionally"):
        grad_fn(np.ones(2))


# ---- a gradient rule that raises ---------------------------------------------------------------


@pytest.fixture
def deg2rad_rule() -> Iterator[Callable[[Callable[..., Any]], None]]:
    """Register user rules on np.deg2rad and restore its own rules afterwards."""
    state = registry.snapshot()

    def register(rule: Callable[..., Any]) -> None:
        autodiff.defvjp(np.deg2rad, rule)

    yield register
    registry.restore(state)


def faulty_rule(g, ans, x):
    raise ValueError("cannot handle this input")


def wrong_shape_deg2rad_rule(g, ans, x):
    return np.ones(7)


def uses_deg2rad(x):
    y = np.sin(x)
    z = np.deg2rad(y)  # <-
    return np.sum(z)


def test_a_raising_rule_names_the_user_line(deg2rad_rule: Any) -> None:
    deg2rad_rule(faulty_rule)
    grad_fn = autodiff.grad(uses_deg2rad)
    with pytest.raises(ValueError, match="cannot handle this input") as raised:
        grad_fn(np.ones(3))
    assert_names_user_line(raised.value, uses_deg2rad)
    frames = [frame.name for frame in raised.traceback]
    assert "faulty_rule" in frames  # the rule is on the traceback


def test_a_raising_rule_is_named_in_the_error(deg2rad_rule: Any) -> None:
    deg2rad_rule(faulty_rule)
    with pytest.raises(ValueError) as raised:
        autodiff.grad(uses_deg2rad)(np.ones(3))
    assert "faulty_rule" in str(raised.value) + notes(raised.value)


def test_a_rule_returning_a_wrong_shape_names_rule_and_user_line(deg2rad_rule: Any) -> None:
    deg2rad_rule(wrong_shape_deg2rad_rule)
    with pytest.raises(autodiff.GradientRuleError) as raised:
        autodiff.grad(uses_deg2rad)(np.ones(3))
    error = raised.value
    assert isinstance(error, ValueError)
    assert "deg2rad" in str(error)
    rule_line = wrong_shape_deg2rad_rule.__code__.co_firstlineno
    assert f"{HERE}:{rule_line}" in str(error)  # where the rule is defined
    assert "unbroadcast_to" in str(error)  # what to do
    assert_names_user_line(error, uses_deg2rad)


# ---- NaN and inf: numpy's arithmetic, no exception from the compiler ---------------------------


def sqrt_sum(x):
    return np.sum(np.sqrt(x))


def log_sum(x):
    return np.sum(np.log(x))


def reciprocal_sum(x):
    return np.sum(1.0 / x)


def tanh_sum(x):
    return np.sum(np.tanh(x))


def product_sum(x):
    return np.sum(x * x)


def exp_sum(x):
    return np.sum(np.exp(x))


def zero_times_log(x):
    return np.sum(0.0 * np.log(x))


NONFINITE = [
    pytest.param(sqrt_sum, [0.0, 4.0], lambda x: 0.5 / np.sqrt(x), id="sqrt-at-0"),
    pytest.param(log_sum, [0.0, 2.0], lambda x: 1.0 / x, id="log-at-0"),
    pytest.param(log_sum, [-1.0, 2.0], lambda x: 1.0 / x, id="log-negative"),
    pytest.param(reciprocal_sum, [0.0, 2.0], lambda x: -1.0 / (x * x), id="reciprocal-at-0"),
    pytest.param(product_sum, [np.nan, 1.0], lambda x: 2.0 * x, id="nan-input"),
    pytest.param(product_sum, [np.inf, -np.inf], lambda x: 2.0 * x, id="inf-input"),
    pytest.param(tanh_sum, [np.inf, np.nan], lambda x: 1.0 - np.tanh(x) ** 2, id="tanh-inf-nan"),
    pytest.param(exp_sum, [1000.0, 0.0], np.exp, id="exp-overflow"),
    pytest.param(zero_times_log, [0.0, 1.0], lambda x: 0.0 * (1.0 / x), id="zero-times-inf"),
    pytest.param(sqrt_sum, [-1.0, 1.0], lambda x: 0.5 / np.sqrt(x), id="sqrt-negative"),
]


@pytest.mark.parametrize(("fn", "values", "expected"), NONFINITE)
def test_nan_and_inf_propagate_like_numpy(fn: Callable[..., Any], values: list[float],
                                          expected: Callable[[Any], Any]) -> None:
    x = np.array(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            reference = expected(x)
        value, grad = autodiff.value_and_grad(fn)(x)
    np.testing.assert_array_equal(grad, reference)  # equal, NaN included, inf signs included
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        np.testing.assert_array_equal(value, fn(x))


def test_nan_in_a_branch_condition_takes_numpys_branch() -> None:
    def branchy(x):
        if np.sum(x) > 0.0:
            return np.sum(x * 3.0)
        return np.sum(x * 5.0)

    grad = autodiff.grad(branchy)(np.array([np.nan, 1.0]))  # nan > 0 is False
    np.testing.assert_array_equal(grad, [5.0, 5.0])


def test_nonfinite_gradients_in_forward_mode_too() -> None:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        _, tangent = autodiff.jvp(sqrt_sum, (np.array([0.0, 4.0]),), (np.array([1.0, 1.0]),))
    assert tangent == np.inf


def test_warnings_are_numpys_not_errors() -> None:
    with pytest.warns(RuntimeWarning):
        grad = autodiff.grad(log_sum)(np.array([0.0, 1.0]))
    assert grad[0] == np.inf

