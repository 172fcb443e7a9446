"""The benchmark workloads on CuPy arrays (GPU): gradients stay on the device and equal the numpy
path. Skipped, with the reason shown, where CuPy or a GPU is missing."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff
from benchmarks.workloads import WORKLOADS


def _cupy() -> object:
    cupy = pytest.importorskip("cupy", reason="CuPy is not installed")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("CuPy is installed but no GPU is present")
    except cupy.cuda.runtime.CUDARuntimeError as error:
        pytest.skip(f"CuPy is installed but no GPU is usable ({error})")
    return cupy


@pytest.mark.parametrize("workload", [w for w in WORKLOADS if not w.uses_loops],
                         ids=lambda workload: workload.name)
def test_gradient_on_the_device_equals_numpy(workload) -> None:
    cupy = _cupy()
    args = workload.tiny_args()
    gradient = autodiff.value_and_grad(workload.loss, workload.positions)
    value, grads = gradient(*(cupy.asarray(a) for a in args))
    expected_value, expected_grads = gradient(*args)
    grads = grads if isinstance(grads, tuple) else (grads,)
    expected_grads = expected_grads if isinstance(expected_grads, tuple) else (expected_grads,)
    np.testing.assert_allclose(cupy.asnumpy(value), expected_value, rtol=1e-12)
    for got, expected in zip(grads, expected_grads, strict=True):
        assert isinstance(got, cupy.ndarray)
        np.testing.assert_allclose(cupy.asnumpy(got), expected, rtol=1e-12, atol=1e-14)
