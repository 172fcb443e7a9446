"""Regression programs: shrunk programs the fuzzer (``tests/fuzz``) found failing.

Each function is the minimal program of one failure, as a numpy user would write it; the
docstring says what went wrong (past tense: fixed; present tense: still open).
``test_regressions.py`` differentiates each one; those whose bug is still open are strict xfails
there (fixing the bug turns them red, so the mark gets removed with the fix).
"""

from __future__ import annotations

import math

import numpy as np

# ---- adjoint-read-before-assigned: a dead read of an input inside a loop ----------------------


def dead_read_in_for_loop(x):
    """The loop reads ``x`` but its result is unused; the backward sweep accumulated into
    ``dx`` before assigning it: UnboundLocalError instead of the gradient 2."""
    y = x * 2.0
    for _ in range(1):
        z = x  # noqa: F841
    return y


def dead_read_in_while_loop(x):
    """The shrunk fuzz program: the same with a while loop."""
    v1 = x
    k = 0
    while k < 1:
        v4 = x  # noqa: F841
        k = 1
    return v1


def helper_constant(p):
    return 0.5


def dead_read_after_helper_call(c):
    """With a call first, the gradient's final ``return (..., (dc,))`` named a ``dc`` that was
    never assigned: NameError instead of the gradient 0."""
    v = helper_constant(c)
    for _ in range(2):
        w = c  # noqa: F841
    return v


# ---- loop-over-rebound-name: iterating an array the body rebinds --------------------------------


def loop_over_rebound_array(x):
    """numpy iterates over the rows ``x`` had when the loop started; the compiled loop read
    ``x[i]`` of the *rebound* ``x``: wrong value and gradient (4 everywhere for 3 items)."""
    for r in x:
        x = x + r
    return x


def enumerate_over_rebound_array(x):
    """The same through ``enumerate``."""
    for i, r in enumerate(x):
        x = np.tanh(x + r * i)
    return np.sum(x)


# ---- self-assignment-in-loop: `x = x` inside a loop cuts the gradient ---------------------------


def self_assignment_in_loop(x):
    """A no-op rebinding inside a loop: the gradient was zeros instead of ones; then, with the
    rebinding dropped, the generated loop body was empty (IndentationError)."""
    for _ in range(3):
        x = x
    return x


def self_assignment_in_enumerate_loop(x, y):
    """The shrunk fuzz program (the unused ``y`` is iterated over): zeros instead of ones."""
    for _i, _row in enumerate(y):
        x = x
    return x


# ---- fence-nested-branch-writes: element writes in nested ifs are rejected ----------------------


def writes_in_nested_ifs(x):
    """A fresh array written under nested ifs: was rejected with "v is modified in place while
    v (a view or alias of it) is read afterwards" although nothing aliases ``v``."""
    v = np.sin(x)
    if np.sum(x) <= 0.5:
        if np.sum(x) > 1.0:
            v[0] = 2.0
        v[1] = 3.0
    return v


# ---- the in-place fence and immutable scalars ---------------------------------------------------


def augmented_scalar_with_a_copy(x):
    """``s`` is a numpy scalar (immutable: ``s += 1.0`` rebinds it), yet the in-place fence
    rejected the program: "numpy would show the change in prev" is not true for scalars."""
    s = np.sum(x)
    prev = s
    s += 1.0
    return s * prev


def augmented_float_literal_with_a_copy(x):
    """The same with a Python float literal, whose type is known at compile time."""
    s = 0.3
    prev = s
    s -= 1.0
    return prev * x + s


def write_into_fancy_indexed_copy(x):
    """``x[[0, 0, 1]]`` is a copy (fancy indexing), but the in-place fence treated every
    subscript as a possible view of ``x`` and rejected the write into it."""
    v = x[[0, 0, 1]]
    v[0] = 2.0
    return np.sum(v) + np.sum(x)


def rebound_in_loop_then_written(x):
    """``v`` aliases ``y`` before the loop but is rebound to a fresh array in the loop before
    each write: was rejected as "v is modified in place while y (a view or alias of it) is read
    afterwards" (the fence did not see the rebinding inside loops)."""
    y = x * 2.0
    v = y
    for _ in range(2):
        v = np.tanh(y)
        v[0] = 1.0
    return np.sum(v) + np.sum(y)


def write_into_one_tuple_element(x):
    """``a`` and ``b`` are different arrays from one tuple; writing into ``a`` was rejected as
    "a is modified in place while b (a view or alias of it) is read afterwards"."""
    t = (x * 2.0, x * 3.0)
    a = t[0]
    b = t[1]
    a[0] = 1.0
    return np.sum(a) + np.sum(b)


def write_after_early_return_in_loop(x):
    """A ``return v`` inside a loop, then a write into ``v`` after the loop: was rejected as "v is
    modified in place while _retval (a view or alias of it) is read afterwards" (``_retval`` is
    the compiler's own name; once the function returned, nothing is written)."""
    v = np.sin(x)
    for _ in range(2):
        if np.sum(x) > 5.5:
            return v
    v[1:] = 1.0
    return v


def write_after_early_return_in_while_loop(x0):
    """Fuzz program 6379 (seed 0), shrunk: ``return x0`` inside a ``while`` loop, then
    ``x0 -= ...`` later in the same loop body was rejected as "x0 is modified in place while
    the value returned earlier is read afterwards" (the return slot cannot be read after a
    write: once the function returned, nothing else runs)."""
    k1 = 0
    while k1 < 4 and np.sum(np.square(x0)) < 0.5:
        if np.sum(x0) > 3.0:
            return x0
        x0 -= x0 * 0.5
        k1 = k1 + 1
    return x0


def augmented_adjoint_after_loop(x1, x2):
    """Fuzz program 1757 (seed 0, repeated-call oracle), shrunk: the second call's
    shape-specialized gradient freed ``dx2`` after the loop although ``dx2 += dv2`` read it
    afterwards (UnboundLocalError)."""
    v2 = x2
    hs3 = []
    for _ in range(3):
        x2 = x1
    v6 = hs3
    return (v6, v2)


def broadcast_adjoint_times_smaller_operand(x0, x1, c):
    """Fuzz program 2781 (seed 0, repeated-call oracle), shrunk: a sum's adjoint broadcast to
    ``v1``'s shape (3, 2) was folded into ``dv1 * x1`` although ``x1`` is only (2,), so the
    unbroadcast to ``x0`` (3, 1) summed an axis that no longer existed (AxisError)."""
    v1 = np.multiply(x1, x0)
    return np.sum(np.exp(np.tanh(c))), np.sum(v1) + np.sum(c)


def array_gradient_for_a_float_input(x1, c):
    """Fuzz program 19837 (seed 0), shrunk: the gradient w.r.t. the Python float ``c`` comes
    out of ``np.where`` as a 0-d array, and the fast call path compared its dtype with the
    float's (AttributeError: 'float' object has no attribute 'dtype')."""
    v1 = x1
    v1 = np.where(c > v1, c, 0.5)
    return v1


def outer_counter_in_inner_loop(x0):
    """Fuzz programs 17117, 18609 and 19357 (seed 0), shrunk: rematerialization recomputed
    ``k2 - 1`` in the inner backward loop, but the outer loop's counter ``k2`` was not on the
    tape, so it held its last value there and ``x0[k2 - 1]`` got the gradient of another row."""
    v1 = np.sum(np.tanh(x0), axis=0)
    k2 = 0
    while k2 < 2:
        k3 = 0
        while k3 < 2:
            v1 = np.tanh(v1) + x0[k2 - 1]
            k3 = k3 + 1
        k2 = k2 + 1
    return np.sum(v1)


def helper_ignoring_its_first_argument(p0, p1):
    for _ in range(3):
        v7 = p0 ** 3  # noqa: F841
    return np.max(p1), np.exp(-np.square(p1))


def rematerialized_where_every_value_was_restored(x0, c):
    """Fuzz program 1004 (seed 30000), shrunk: ``v3`` was recomputed in the backward loop
    right before its only reader, the re-zeroing of ``dv3`` at the end of the reversed
    iteration, after the tape had restored ``_power`` to the previous iteration's value
    (None on the last one): TypeError instead of the gradient."""
    v1 = np.sin(x0)
    for _ in range(3):
        v3 = (np.power(1.0 + np.square(v1), np.tanh(x0 * c))) ** 2
        v9, v10 = helper_ignoring_its_first_argument(v3, 0.75)
    return np.sum(v10) + np.mean(v9 ** 2) + np.sum(x0 * v1)


# ---- tangent-read-before-assigned: forward mode through a helper --------------------------------


def helper_updating_its_first_argument(p0, p1):
    for _ in range(1):
        p0 = p1 + p0
    return p0


def constant_argument_updated_in_helper_loop(t):
    """Forward mode: the helper's ``p0`` gets no tangent at the call site (a constant) but an
    active value inside the helper's loop; the tangent code read ``p0_dot`` before assigning
    it (UnboundLocalError). Reverse mode was fine."""
    return helper_updating_its_first_argument(0.5, t)


def helper_reading_then_updating(p0, p1):
    v2 = p1
    for _ in range(1):
        p1 = p0
    return v2


def zeros_argument_updated_in_helper_loop(x):
    """The shrunk fuzz program of the same forward-mode bug (``p1_dot``)."""
    return helper_reading_then_updating(x, np.zeros(2))


# ---- fuzz findings that were finite-difference artifacts: kept as analytic checks --------------


def repeated_squaring(x):
    """sin(x**16) by four squarings: derivatives grow like 16 x**15, finite differences
    lose their accuracy; the gradient itself is right."""
    for _ in range(4):
        x = x * x
    return np.sin(x)


def reciprocal_sine_of_a_product(x):
    """1/sin(<x, x>**2): a large gradient near a pole of 1/sin."""
    v = np.dot(x, x)
    return np.divide(1.0, np.sin(v * v))


# ---- found by the fuzzer's issue-17 constructs (tests/fuzz, seed 183000 and after) -----------


def container_parameter_of_mixed_shapes(params):
    """A tuple parameter whose arrays differ in shape: ``grad`` is right, but ``jvp`` with a
    matching tuple tangent raises ValueError ("inhomogeneous shape") from its own tangent
    shape check (``np.shape`` of the whole tuple), before differentiating anything."""
    w, b = params
    return np.sum(w) * b


def helper_factory_of_a_lambda(p):
    return lambda q: q * 2.0


def factory_lambda_reading_only_its_parameter(x, y):
    """A factory whose lambda does not capture the factory's parameter: rejected ("a lambda
    that is not assigned to a name and called is not supported") although the same factory
    works when the lambda reads ``p`` (issue 17: closures returned by factories)."""
    return np.sum(helper_factory_of_a_lambda(y)(x))


def factory_lambda_assigned_then_called(x):
    """The same factory's lambda bound to a name first: NoGradientRuleError ("calls a function
    or object created when the function runs") in both modes."""
    g = helper_factory_of_a_lambda(1.5)
    return np.sum(g(x))


def helper_factory_of_a_def(p):
    def step(q):
        return q * 2.0

    return step


def factory_def_reading_only_its_parameter(x):
    """The same with a nested def: NoGradientRuleError naming an internal temporary
    (``_make61(...)``) rather than the user's ``helper_factory_of_a_def(1.5)``."""
    return np.sum(helper_factory_of_a_def(1.5)(x))


def helper_factory_of_a_constant(p):
    def step(q):
        return p

    return step


def factory_closure_over_a_constant_local(x):
    """The factory is called with a local bound to a constant: the gradient code reads the
    local after dropping its assignment (UnboundLocalError: 'v'), in reverse mode."""
    v = 0.5
    w = helper_factory_of_a_constant(v)(x)
    return x * w


def helper_scale_by(p):
    def step(q):
        return q * p

    return step


def factory_called_in_a_loop(x):
    """``make(v)(x)`` in a loop that rebinds ``v``: the factory's argument is bound before the
    statement that calls it, in the loop body (it was bound at the top of the function)."""
    total = 0.0
    v = 1.0
    for i in range(3):
        v = x[i] ** 2
        total = total + np.sum(helper_scale_by(v)(x))
    return total * v


def math_copysign_sign(x, y):
    """``math.copysign(x, y)`` with a differentiated ``y``: NoGradientRuleError ("no gradient
    rule for its argument 'x2'"), while ``np.copysign`` declares its sign argument piecewise
    constant (the gradient w.r.t. ``y`` is 0 away from ``y == 0``)."""
    return math.copysign(x, y) * y
