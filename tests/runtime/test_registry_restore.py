"""A registry snapshot taken before an optional package's rules loaded keeps them on restore."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("scipy")


def test_restore_keeps_rules_of_optional_packages_loaded_since_the_snapshot(tmp_path) -> None:
    # A fresh interpreter: in this one scipy's rules may have loaded long ago.
    program = textwrap.dedent("""
        import numpy as np
        from autodiff.runtime import registry
        state = registry.snapshot()
        import scipy.special
        import autodiff
        def f(x):
            return np.sum(scipy.special.expit(x))
        def f2(x):
            return np.sum(scipy.special.expit(x) ** 2)
        g = autodiff.grad(f)(np.array([0.3, -1.2]))
        registry.restore(state)
        h = autodiff.grad(f2)(np.array([0.3, -1.2]))
        s = scipy.special.expit(np.array([0.3, -1.2]))
        assert np.allclose(g, s * (1 - s)), g
        assert np.allclose(h, 2 * s * s * (1 - s)), h
        print("ok")
    """)
    script = tmp_path / "restore_program.py"
    script.write_text(program)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
