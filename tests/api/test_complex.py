"""The public API with complex numbers: the gradient convention (JAX's and autograd's), dtypes,
complex outputs (an error for grad and Jacobians, a cotangent for vjp), jvp with complex
tangents and check_grads with complex inputs. See docs/complex.md."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autodiff

try:
    import autograd
    import autograd.numpy as anp
except ImportError:  # pragma: no cover - autograd is a test extra
    autograd = anp = None


def modulus_squared(z: Any) -> Any:
    return np.sum(np.real(z) ** 2 + np.imag(z) ** 2)


def test_convention_is_jax_and_autograd() -> None:
    # JAX's documented example: f(z) = x**2 + y**2 at 3 + 4j has grad 6 - 8j (df/dx - i df/dy)
    assert autodiff.grad(modulus_squared)(np.array(3.0 + 4.0j)) == pytest.approx(6.0 - 8.0j)
    assert autodiff.grad(modulus_squared)(3.0 + 4.0j) == pytest.approx(6.0 - 8.0j)


@pytest.mark.skipif(autograd is None, reason="autograd is not installed")
def test_convention_agrees_with_autograd(rng: np.random.Generator) -> None:
    z = rng.normal(size=5) + 1j * rng.normal(size=5)
    expected = autograd.grad(lambda w: anp.sum(anp.abs(anp.sin(w) * w)))(z)
    got = autodiff.grad(lambda w: np.sum(np.abs(np.sin(w) * w)))(z)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_wirtinger_formula_for_a_holomorphic_function_inside_a_real_loss(
        rng: np.random.Generator) -> None:
    # L = Re(sum(c * h(z))) with h holomorphic: grad = c * h'(z) (a plain product, no conj)
    z = rng.normal(size=4) + 1j * rng.normal(size=4)
    c = rng.normal(size=4) + 1j * rng.normal(size=4)
    got = autodiff.grad(lambda w: np.sum(np.real(c * np.exp(w) * w)))(z)
    np.testing.assert_allclose(got, c * np.exp(z) * (1 + z), rtol=1e-12)


def test_issue_example_abs_of_complex_product_of_real_input() -> None:
    x = np.array([1.0, -2.0, 3.0])
    got = autodiff.grad(lambda v: np.sum(np.abs(v * (1 + 1j))))(x)
    np.testing.assert_allclose(got, np.sqrt(2.0) * np.sign(x), rtol=1e-12)
    assert got.dtype == np.float64


@pytest.mark.parametrize(("dtype", "expected"), [(np.float32, np.float32),
                                                 (np.complex64, np.complex64),
                                                 (np.complex128, np.complex128)])
def test_gradient_has_the_input_dtype(dtype: Any, expected: Any) -> None:
    x = np.array([1.0, 2.0, -0.5], dtype=dtype)
    gradient = autodiff.grad(lambda v: np.sum(np.abs(v * (1 + 2j))))
    for _ in range(3):  # generic, then specialized code and its entry
        got = gradient(x)
        assert got.dtype == expected and got.shape == x.shape and got.flags.writeable


def test_python_and_numpy_complex_scalars() -> None:
    gradient = autodiff.grad(lambda z: np.abs(z))
    assert type(gradient(1.0 + 2.0j)) is complex
    assert gradient(1.0 + 2.0j) == pytest.approx((1.0 - 2.0j) / np.sqrt(5.0))
    assert gradient(np.complex64(1.0 + 2.0j)).dtype == np.complex64
    real = autodiff.grad(lambda x: np.abs(x * 1j + 1.0))
    assert type(real(2.0)) is float and real(2.0) == pytest.approx(2.0 / np.sqrt(5.0))


def test_several_positions_real_and_complex(rng: np.random.Generator) -> None:
    z = rng.normal(size=3) + 1j * rng.normal(size=3)
    x = rng.normal(size=3)
    dz, dx = autodiff.grad(lambda a, b: np.sum(np.abs(a * b) ** 2), (0, 1))(z, x)
    np.testing.assert_allclose(dz, 2.0 * np.conj(z) * x * x, rtol=1e-12)
    np.testing.assert_allclose(dx, 2.0 * np.abs(z) ** 2 * x, rtol=1e-12)
    assert dx.dtype == np.float64


@pytest.mark.parametrize("output", [
    lambda z: np.sum(z * z),
    lambda z: z * 2.0,
    lambda z: (np.sum(z), 1.0),
], ids=["complex-scalar", "complex-array", "complex-in-tuple"])
def test_grad_of_a_complex_output_raises_a_clear_type_error(output: Any) -> None:
    z = np.array([1.0 + 1.0j, 2.0])
    with pytest.raises(TypeError, match=r"real-valued output.*np\.real\(out\)"):
        autodiff.grad(output)(z)


def test_grad_of_a_complex_output_of_a_real_input_raises() -> None:
    with pytest.raises(TypeError, match="complex"):
        autodiff.grad(lambda x: np.sum(np.fft.fft(x)))(np.ones(4))


def test_vjp_takes_a_complex_cotangent(rng: np.random.Generator) -> None:
    z = rng.normal(size=3) + 1j * rng.normal(size=3)
    out, vjp_fn = autodiff.vjp(lambda w: np.exp(w) * w, z)
    cotangent = rng.normal(size=3) + 1j * rng.normal(size=3)
    np.testing.assert_allclose(out, np.exp(z) * z)
    np.testing.assert_allclose(vjp_fn(cotangent), cotangent * np.exp(z) * (1 + z), rtol=1e-12)


def test_jvp_with_complex_tangents(rng: np.random.Generator) -> None:
    z = rng.normal(size=3) + 1j * rng.normal(size=3)
    t = rng.normal(size=3) + 1j * rng.normal(size=3)
    value, tangent = autodiff.jvp(lambda w: np.abs(w) * np.exp(w), (z,), (t,))
    slope = np.real(np.conj(z) * t) / np.abs(z)
    np.testing.assert_allclose(value, np.abs(z) * np.exp(z))
    np.testing.assert_allclose(tangent, slope * np.exp(z) + np.abs(z) * np.exp(z) * t,
                               rtol=1e-12)


def test_jacobians_of_complex_values_are_refused() -> None:
    z = np.array([1.0 + 1.0j, 2.0])
    with pytest.raises(TypeError, match=r"jacfwd.*complex"):
        autodiff.jacfwd(lambda w: np.abs(w))(z)
    with pytest.raises(TypeError, match=r"hessian.*complex"):
        autodiff.hessian(lambda w: np.sum(np.abs(w)))(z)
    with pytest.raises(TypeError, match=r"jacrev.*complex"):
        autodiff.jacrev(lambda x: x * 1j)(np.ones(2))


def test_jacrev_of_a_real_output_of_a_complex_input() -> None:
    z = np.array([1.0 + 1.0j, 3.0 - 4.0j])
    np.testing.assert_allclose(autodiff.jacrev(lambda w: np.abs(w))(z),
                               np.diag(np.conj(z) / np.abs(z)), rtol=1e-12)


def test_check_grads_with_complex_inputs(rng: np.random.Generator) -> None:
    z = rng.normal(size=4) + 1j * rng.normal(size=4)
    x = rng.normal(size=4)
    autodiff.check_grads(lambda w, v: np.exp(w) * v, (z, x), modes=("rev", "fwd"))
    autodiff.check_grads(lambda w: np.real(np.fft.ifft(w) * w), (z,), modes=("rev", "fwd"),
                         order=2)


def test_check_grads_notices_a_wrong_complex_rule(rng: np.random.Generator) -> None:
    @autodiff.custom_vjp
    def conj_wrong(w):
        return np.conj(w)

    conj_wrong.defvjp(lambda w: (np.conj(w), None), lambda saved, g: (g,))  # should be conj(g)
    z = rng.normal(size=3) + 1j * rng.normal(size=3)
    with pytest.raises(AssertionError, match="derivative check failed"):
        autodiff.check_grads(lambda w: conj_wrong(w) * 1.0, (z,))


def test_jacfwd_of_a_complex_output_of_a_real_input() -> None:
    x = np.array([1.0, -2.0, 0.5, 3.0])
    jacobian = autodiff.jacfwd(lambda v: np.fft.fft(v * v))(x)
    np.testing.assert_allclose(jacobian, np.fft.fft(np.eye(4), axis=0) * 2.0 * x, atol=1e-12)
