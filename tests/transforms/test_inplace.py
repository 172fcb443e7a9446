"""In-place accumulation (``dx += e``) only where the generated code owns ``dx``."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff
from autodiff.transforms.testing import gradient_source, numerical_gradient


def backward(source: str, **request) -> str:
    return gradient_source(source, **request).split("# ---- backward ----")[1]


def test_owned_adjoints_accumulate_in_place():
    code = backward("def f(x):\n    y = x * 2.0\n    y = np.sin(y) + y\n    return np.sum(y * x)")
    assert "dx += " in code
    assert "dx = dx + " not in code


def test_aliased_adjoints_are_not_updated_in_place():
    # d = c + t gives dc = dd: updating dd in place would change dc as well
    code = backward("def f(x):\n    c = np.exp(x)\n    d = c + np.tanh(x)\n"
                    "    return np.sum(d * d)")
    assert "dd += " not in code


def test_accumulation_that_broadcasts_stays_out_of_place():
    code = backward("def f(x, b):\n    y = x * b\n    return np.sum(y * b)",
                    shapes=(("x", (4, 3)), ("b", (3,))))
    assert "db += _rt.unbroadcast_to(" in code or "db = db + " in code
    assert "dx += " not in code  # dx has only one contribution


def weights_in_loop(w, b, x):
    h = x
    for _ in range(3):
        h = np.tanh(h @ w + b)
    return np.sum(h * h)


def shared_adjoint(x):
    a = x * 1.5
    b = a
    c = a * b + np.sin(b)
    return np.sum(c * a)


@pytest.mark.parametrize(("fn", "shapes", "positions"), [
    (weights_in_loop, [(3, 3), (3,), (2, 3)], (0, 1, 2)),
    (shared_adjoint, [(4,)], (0,)),
], ids=["weights-in-loop", "shared-adjoint"])
def test_in_place_gradients_match_finite_differences(rng, fn, shapes, positions):
    args = [rng.normal(size=shape) * 0.5 for shape in shapes]
    grad_fn = autodiff.grad(fn, positions)
    for _ in range(3):  # generic code, then shape-specialized code
        got = grad_fn(*args)
        got = got if isinstance(got, tuple) else (got,)
        for position, value in zip(positions, got, strict=True):
            np.testing.assert_allclose(value, numerical_gradient(fn, args, position),
                                       rtol=1e-5, atol=1e-7)


# ---- copy propagation (transforms/copies.py), which runs first ---------------------------------

COPY_CASES = [
    pytest.param("def f(dy):\n    da = dy\n    db = da * 2.0\n    return db",
                 "def f(dy):\n    db = dy * 2.0\n    return db", id="renamed"),
    pytest.param("def f(dy):\n    da = dy\n    dy = da\n    dc = -da\n    return dc + dy",
                 "def f(dy):\n    dc = -dy\n    return dc + dy", id="copy-back"),
    pytest.param("def f(dy, e):\n    da = dy\n    da = da + e\n    return da * da",
                 "def f(dy, e):\n    da = dy + e\n    return da * da", id="target-rebound"),
    pytest.param("def f(dy):\n    da = dy\n    dy = dy * 2.0\n    return da + dy",
                 None, id="source-rebound-before-a-read"),
    pytest.param("def f(dy, c):\n    da = dy\n    if c:\n        dy = da\n    return dy",
                 None, id="read-in-a-nested-block"),
]


@pytest.mark.parametrize(("before", "after"), COPY_CASES)
def test_copy_propagation(before, after):
    import gast

    from autodiff.transforms.opt.copies import propagate_copies

    tree = gast.parse(before)
    removed = propagate_copies(tree.body[0], {"da", "db", "dc", "dy"})
    assert gast.unparse(tree).strip() == (after or before)
    assert removed == (after is not None)


def test_generated_code_has_no_adjoint_copies():
    code = backward("def f(x):\n    y = np.sin(x) * 2.0\n    z = y\n    return np.sum(z * x)")
    assert "dy = dz" not in code
    assert "d_sin1 = dz * 2.0" in code


# ---- releasing dead arrays (transforms/release.py) ------------------------------------------------

RELEASE_CASES = [
    pytest.param("def f(x):\n    a = x * 2\n    b = a + 1\n    return b",
                 "def f(x):\n    a = x * 2\n    b = a + 1\n    del a\n    return b", id="straight"),
    pytest.param("def f(x, c):\n    if c:\n        a = x * 2\n        b = a\n    else:\n"
                 "        b = x\n    return b", None, id="bound-only-in-a-branch"),
    pytest.param("def f(x):\n    a = None\n    for i in range(3):\n        a = x * i\n"
                 "    b = a + 1\n    return b",
                 "def f(x):\n    a = None\n    for i in range(3):\n        a = x * i\n"
                 "    b = a + 1\n    del a\n    return b", id="bound-before-a-loop"),
    pytest.param("def f(x):\n    a = x * 2\n    return a", None, id="returned"),
]


@pytest.mark.parametrize(("before", "after"), RELEASE_CASES)
def test_release_dead_values(before, after):
    import gast

    from autodiff.transforms.opt.release import release_dead_values

    tree = gast.parse(before)
    release_dead_values(tree.body[0], {"a", "b"})
    assert gast.unparse(tree).strip() == (after or before)


def log1p_of_x_exp_x(x):
    return np.sum(np.log1p(np.exp(x) * x))


@pytest.mark.parametrize("size", [5, 100])
def test_specialized_gradient_frees_forward_values_early(rng, size):
    x = rng.uniform(0.0, 1.0, size=size)
    grad_fn = autodiff.grad(log1p_of_x_exp_x)
    assert "del " in autodiff.source(grad_fn, x)
    expected = np.exp(x) * (x + 1.0) / (1.0 + x * np.exp(x))
    for _ in range(3):
        np.testing.assert_allclose(grad_fn(x), expected, rtol=1e-12)


def gates(w, x):
    z = x @ w
    n = w.shape[1] // 3
    a = np.tanh(z[:, :n])
    b = z[:, n:2 * n] * a
    return np.sum(b * z[:, 2 * n:] + a)


def test_slices_accumulate_into_the_adjoint_in_place(rng):
    w, x = rng.normal(size=(4, 6)), rng.normal(size=(3, 4))
    grad_fn = autodiff.grad(gates)
    code = autodiff.source(grad_fn, w, x)
    assert "_rt.scatter(" in code and "getitem_vjp" not in code
    assert "dz[:, " in code and "] += " in code
    for _ in range(3):
        np.testing.assert_allclose(grad_fn(w, x), numerical_gradient(gates, (w, x), 0),
                                   rtol=1e-5, atol=1e-7)
