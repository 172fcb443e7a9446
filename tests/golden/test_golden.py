"""Generated gradient sources of canonical models, compared with reviewed golden files.

Set AUTODIFF_UPDATE_GOLDEN=1 to rewrite the files after reviewing a deliberate change.
"""

from __future__ import annotations

import os
import pathlib

import pytest

import autodiff

from . import models

EXPECTED = pathlib.Path(__file__).parent / "expected"

CASES = [
    pytest.param(models.function, (2, 3), id="seed_function"),
    pytest.param(models.mlp_loss, (0, 1, 2, 3), id="mlp_loss"),
    pytest.param(models.two_layers, (1, 2, 3, 4), id="two_layers"),
    pytest.param(models.reassigned, 0, id="reassigned"),
    pytest.param(models.rnn, (2, 3, 4), id="rnn"),
    pytest.param(models.newton_sqrt, 0, id="newton_sqrt"),
    pytest.param(models.piecewise, 0, id="piecewise"),
]


@pytest.mark.parametrize(("fn", "positions"), CASES)
def test_generated_source_matches_golden(request, fn, positions):
    generated = autodiff.source(autodiff.grad(fn, positions))
    path = EXPECTED / f"{request.node.callspec.id}.py.txt"
    if os.environ.get("AUTODIFF_UPDATE_GOLDEN"):
        path.write_text(generated)
    assert generated == path.read_text()
