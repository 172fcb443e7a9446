"""docs/coverage.md is generated from the rule registry by scripts/coverage.py and kept current."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "coverage.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # a fresh interpreter: rules that other tests register must not leak into the table
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, check=False)


def test_coverage_doc_is_current() -> None:
    result = run("--check")
    assert result.returncode == 0, result.stderr + "\nrun: python scripts/coverage.py"


def test_the_table_lists_every_primitive_with_rules() -> None:
    text = (ROOT / "docs" / "coverage.md").read_text()
    for row in ("| np.mod, np.remainder | x1, x2 | x1, x2 | yes |",
                "| np.linspace | start, stop | start, stop | yes |",
                "| np.sin | x | x | yes |", "| ndarray.sum() | np.sum |"):
        assert row in text, row
    assert "np.floor_divide" in text.split("## Declared non-differentiable")[1]


def test_a_stale_file_fails_the_check(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("coverage_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stale = tmp_path / "coverage.md"
    stale.write_text("# an old table\n")
    monkeypatch.setattr(module, "TARGET", stale)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    assert module.main(["--check"]) == 1
    assert module.main([]) == 0 and module.main(["--check"]) == 0
