"""runtime/namespace.py: foreign-array detection, and no optional array library imported by
``import autodiff`` or by a numpy gradient call."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from autodiff.runtime import namespace

CHECK = """
import sys
import numpy as np
import autodiff

def loss(x):
    return np.sum(np.tanh(x) * x)

autodiff.grad(loss)(np.ones(3))
loaded = [name for name in ("dask", "distributed", "cupy", "array_api_compat",
                            "array_api_strict") if name in sys.modules]
assert not loaded, loaded
"""


def test_numpy_use_imports_no_array_library(tmp_path) -> None:
    script = tmp_path / "check_imports.py"
    script.write_text(CHECK)
    subprocess.run([sys.executable, str(script)], check=True)


@pytest.mark.parametrize("value", [np.ones(2), np.float64(1.0), 1.0, 2, True, (1.0,), [np.ones(1)],
                                   {"a": 1.0}, None])
def test_numpy_and_python_values_are_not_foreign(value) -> None:
    assert not namespace.is_foreign(value)
    assert namespace.array_namespace(value) is np


def test_numpy_sizes(rng) -> None:
    x = rng.standard_normal((3, 4))
    assert namespace.size_of(x) == 12 and namespace.ndim_of(x) == 2
    assert namespace.static_shape(x) == (3, 4) and namespace.size_of(2.0) == 1


@pytest.mark.parametrize("shape", [(float("nan"), 3), (None,)])
def test_unknown_sizes_are_refused(shape) -> None:
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        namespace.known_shape(shape)
