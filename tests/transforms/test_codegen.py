"""Generated code spells numpy one way: the way the user's code does (codegen.numpy_alias)."""

from __future__ import annotations

import numpy
import numpy as np

import autodiff
from autodiff.transforms.testing import numerical_gradient


def with_np(x):
    return np.sum(np.sin(x) * x)


def with_numpy(x):
    return numpy.sum(numpy.cos(x) / (1.0 + x * x))


def _closure_numpy():
    np = numpy  # a closure variable, not a global: generated code keeps its own name

    def f(x):
        return np.sum(np.sin(x) * 2.0)

    return f


def test_numpy_is_spelled_as_the_user_spells_it(rng):
    x = rng.uniform(0.5, 1.5, 4)
    for fn, alias in ((with_np, "np."), (with_numpy, "numpy.")):
        gradient = autodiff.grad(fn)
        for _ in range(3):  # generic, then shape-specialized code
            np.testing.assert_allclose(gradient(x), numerical_gradient(fn, [x], 0), rtol=1e-6,
                                       atol=1e-8)
        for source in (autodiff.source(gradient), autodiff.source(gradient, x)):
            assert "_np." not in source and alias in source, source


def test_a_closure_numpy_is_not_assumed(rng):
    fn = _closure_numpy()
    x = rng.uniform(0.5, 1.5, 4)
    gradient = autodiff.grad(fn)
    np.testing.assert_allclose(gradient(x), numerical_gradient(fn, [x], 0), rtol=1e-6,
                               atol=1e-8)
    assert "_np.cos" in autodiff.source(gradient)


def test_second_order_through_the_spelling(rng):
    x = rng.uniform(0.5, 1.5, 3)
    hessian = autodiff.hessian(with_np)(x)
    gradient = autodiff.grad(with_np)
    expected = np.stack([numerical_gradient(lambda v, i=i: gradient(v)[i], [x], 0)
                         for i in range(3)])
    np.testing.assert_allclose(hessian, expected, rtol=1e-5, atol=1e-6)
