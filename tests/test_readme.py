"""README's sample of generated source is the source autodiff generates today."""

from __future__ import annotations

import pathlib
import re

import autodiff
from autodiff import demo

README = pathlib.Path(__file__).parents[1] / "README.md"


def test_readme_sample_is_current():
    text = README.read_text()
    section = text.split("## What the generated code looks like", 1)[1]
    sample = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert sample == autodiff.source(autodiff.grad(demo.function, (2, 3)))
