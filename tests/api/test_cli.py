"""The command line: ``python -m autodiff demo`` and ``show``."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from autodiff.highlight import highlight

MODELS = pathlib.Path(__file__).parents[1] / "golden" / "models.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autodiff", *args], capture_output=True,
                          text=True, timeout=120)


def test_show_prints_plain_source_when_piped():
    result = run("show", f"{MODELS}:function", "--grad-position", "2,3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("def grad_function_wrt_w_b(x, y, w, b, *, dloss=None):")
    assert "\033[" not in result.stdout
    compile(result.stdout, "<shown>", "exec")


def test_show_reports_missing_file_and_function():
    missing_file = run("show", "no/such/file.py:f")
    assert missing_file.returncode == 2 and "no such file" in missing_file.stderr
    missing_function = run("show", f"{MODELS}:nope")
    assert missing_function.returncode == 2 and "defines no function 'nope'" in missing_function.stderr
    malformed = run("show", str(MODELS))
    assert malformed.returncode == 2 and "FILE.py:FUNCTION" in malformed.stderr


def test_demo_runs_the_seed_tutorial():
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "matches the closed form (sigmoid(z) - y) / 3: True" in result.stdout
    assert "def grad_function_wrt_w_b" in result.stdout


def test_highlight_colours_keywords_and_keeps_text():
    text = "def f(x):\n    # note\n    return _rt.add(x, 1.0)\n"
    coloured = highlight(text)
    assert "\033[" in coloured
    stripped = coloured
    for code in ("\033[0m", "\033[1;35m", "\033[2;37m", "\033[36m", "\033[33m", "\033[1;34m",
                 "\033[32m"):
        stripped = stripped.replace(code, "")
    assert stripped == text
