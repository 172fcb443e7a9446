"""``autodiff.nn``: MindSpore-style cells, layers, losses and optimizers.

Subclass ``Cell``, assign Parameters and child cells to attributes in ``__init__`` (after
``super().__init__()``) and write ``construct`` as straight-line numpy that reads them as
``self.<attr>``. ``model.trainable_params()`` lists the Parameters for ``weights=`` and for an
optimizer; naming and ordering rules are documented in ``autodiff.nn.cell``.
"""

from __future__ import annotations

from .cell import Cell
from .layers import Dense, Flatten, Identity, ReLU, SequentialCell, Sigmoid, Tanh, get_activation
from .losses import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from .optimizers import SGD, Adam, Momentum, Optimizer

__all__ = [
    "SGD",
    "Adam",
    "BCEWithLogitsLoss",
    "Cell",
    "CrossEntropyLoss",
    "Dense",
    "Flatten",
    "Identity",
    "MSELoss",
    "Momentum",
    "Optimizer",
    "ReLU",
    "SequentialCell",
    "Sigmoid",
    "Tanh",
    "get_activation",
]
