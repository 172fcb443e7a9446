"""Import hygiene: one copy of each package, nothing optional imported eagerly."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import autodiff
assert "runtime" not in sys.modules, "a second copy of the runtime was imported"
assert "transforms" not in sys.modules, "a second copy of the transforms was imported"
heavy = [name for name in ("scipy", "matplotlib", "autograd", "torch", "jax", "sklearn",
                           "pytest", "hypothesis") if name in sys.modules]
assert not heavy, heavy
"""


def test_import_is_light_and_single_copy():
    subprocess.run([sys.executable, "-c", CHECK], check=True)


def test_import_autodiff_imports_no_scipy_and_no_scipy_rules():
    code = (
        "import sys\n"
        "import autodiff\n"
        "import autodiff.runtime\n"
        "loaded = [m for m in sys.modules if m == 'scipy' or m.startswith('scipy.')\n"
        "          or m.startswith('autodiff.runtime.rules_scipy')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
