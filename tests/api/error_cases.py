"""User functions that autodiff must reject; each marks its offending line with `# <-`."""

import numpy as np


def uses_try(x):
    try:  # <-
        y = np.exp(x)
    except ValueError:
        y = x
    return y


def uses_for_else(x):
    for _ in range(3):  # <-
        x = x * 2.0
    else:
        x = x + 1.0
    return x


def uses_with(x):
    with np.errstate(all="ignore"):  # <-
        return np.log(x)


def uses_yield(x):
    yield x * 2.0  # <-


def uses_global(x):
    global COUNTER  # <-
    COUNTER = 1
    return x


def uses_nested_lambda(x):
    return apply_to(lambda v: v * 2.0, x)  # <-


def apply_to(f, x):
    stored = f  # stored, not only called: the helper cannot be compiled for the callable
    return stored(x)


def uses_set_comprehension(x):
    return sum({v * 2.0 for v in x})  # <-


def uses_nested_element_assignment(x):
    y = np.zeros((3, 3))
    y[0][1] = x  # <-
    return y


def uses_and_on_arrays(x):
    y = x and x * 2.0  # <-
    return y


def uses_nested_def(x):
    scale = 2.0

    def inner(v):  # <-
        return v * scale
    return apply_to(inner, x)


def uses_star_args(*xs):  # <-
    return xs[0]


def uses_keyword_differentiable(x, y):
    return np.sum(y, initial=x)  # <-


def recursive(x):  # <-
    return recursive(x)


def calls_builtin_without_rule(x):
    return np.frexp(x)[0]  # <-


def calls_c_function_without_rule(x):
    return np.sum(np.roots(x)) + np.cbrt(x)  # <-


def uses_dict_literal(x):
    d = {"a": x}  # <-
    return d["a"]


def uses_walrus(x):
    if (y := x * 2.0) is not None:  # <-
        return y
    return x


def uses_import(x):
    import no_such_module_for_autodiff_tests  # <-  # noqa: F401
    return x


def uses_class(x):
    class Local:  # <-
        pass
    return x


def uses_del(x):
    y = x * 2.0
    del y  # <-
    return x


def uses_starred_target(x):
    first, *_rest = x  # <-
    return first


def uses_list_concatenation(x):
    xs = [x, x * 2.0]
    ys = xs + [x]  # <-  # noqa: RUF005
    return np.sum(np.stack(ys))
