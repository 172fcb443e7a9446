"""Layers: ``Dense``, activations, ``Flatten``, ``Identity`` and ``SequentialCell``.

Every ``construct`` here is straight-line numpy (no branches, no in-place updates) so that the
compiler can differentiate its source; configuration choices are made in ``__init__``.
``SequentialCell.construct`` is the one loop, over the compile-time constant tuple
``self.cells``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .. import ops
from ..tensor import Parameter, float32
from .cell import Cell

__all__ = [
    "Dense",
    "Flatten",
    "Identity",
    "ReLU",
    "SequentialCell",
    "Sigmoid",
    "Tanh",
    "get_activation",
]

Initializer = str | float | np.ndarray | Sequence[Any] | None
RandomSource = np.random.Generator | np.random.RandomState | int | None


class Identity(Cell):
    """Returns its input unchanged."""

    def construct(self, x: Any) -> Any:
        """``x``."""
        return x


class ReLU(Cell):
    """Rectified linear unit ``max(x, 0)``."""

    def construct(self, x: Any) -> Any:
        """``ops.relu(x)``."""
        return ops.relu(x)


class Sigmoid(Cell):
    """Logistic function ``1 / (1 + exp(-x))``."""

    def construct(self, x: Any) -> Any:
        """``ops.sigmoid(x)``."""
        return ops.sigmoid(x)


class Tanh(Cell):
    """Hyperbolic tangent."""

    def construct(self, x: Any) -> Any:
        """``np.tanh(x)``."""
        return np.tanh(x)


class Flatten(Cell):
    """Flattens all axes but the first: ``(N, d1, d2, ...)`` to ``(N, d1 * d2 * ...)``."""

    def construct(self, x: Any) -> Any:
        """``x.reshape(x.shape[0], -1)``."""
        return x.reshape(x.shape[0], -1)


_ACTIVATIONS: dict[str, type[Cell]] = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


def get_activation(name: str) -> Cell:
    """A new activation cell by name: ``'relu'``, ``'sigmoid'`` or ``'tanh'``."""
    try:
        return _ACTIVATIONS[name.lower()]()
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; use one of {sorted(_ACTIVATIONS)} or pass a Cell"
        ) from None


class Dense(Cell):
    """Fully connected layer: ``activation(x @ weight.T + bias)``.

    ``weight`` has shape ``(out_channels, in_channels)`` and ``bias`` ``(out_channels,)``;
    both are Parameters of ``dtype`` (float32 by default) named ``'weight'`` and ``'bias'``.

    Initialization (``weight_init`` / ``bias_init``): ``None`` draws from
    ``U(-1/sqrt(in_channels), 1/sqrt(in_channels))`` (the default of MindSpore 2.x and
    PyTorch); ``'normal'`` is ``N(0, 0.01**2)``, ``'uniform'`` is ``U(-0.07, 0.07)``
    (MindSpore's initializers), ``'zeros'``/``'ones'``, a number fills, an array is copied.
    Random values come from ``rng`` (a ``np.random.Generator`` or an int seed); with
    ``rng=None`` from numpy's global state, so ``np.random.seed`` makes them reproducible.
    The weight is drawn before the bias.

    ``has_bias=False`` sets ``bias`` to None and the instance becomes a ``Dense`` subclass
    whose ``construct`` omits the bias (a subclass of Dense then needs its own construct).
    ``activation`` is None (an ``Identity`` child cell), ``'relu'``/``'sigmoid'``/``'tanh'``,
    or any Cell or differentiable callable; it is stored as ``self.activation``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        weight_init: Initializer = None,
        bias_init: Initializer = None,
        has_bias: bool = True,
        activation: str | Cell | Callable[[Any], Any] | None = None,
        dtype: Any = float32,
        *,
        rng: RandomSource = None,
    ) -> None:
        super().__init__()
        self.in_channels = _positive_int(in_channels, "in_channels")
        self.out_channels = _positive_int(out_channels, "out_channels")
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Dense: dtype must be a floating-point type, got {dtype}")
        source = _random_source(rng)
        bound = 1.0 / math.sqrt(self.in_channels)
        weight_shape = (self.out_channels, self.in_channels)
        self.weight = Parameter(_initial_value(weight_init, weight_shape, bound, dtype, source))
        self.has_bias = bool(has_bias)
        if self.has_bias:
            bias_shape = (self.out_channels,)
            self.bias = Parameter(_initial_value(bias_init, bias_shape, bound, dtype, source))
        else:
            self.bias = None
            if type(self) is Dense:
                object.__setattr__(self, "__class__", _DenseNoBias)
            elif type(self).construct is Dense.construct:
                raise TypeError(
                    f"{type(self).__name__}: has_bias=False needs a construct that does not "
                    "add self.bias; define construct in the subclass"
                )
        self.activation = _activation(activation)

    def construct(self, x: Any) -> Any:
        """``activation(x @ weight.T + bias)``."""
        return self.activation(ops.matmul(x, self.weight.T) + self.bias)

    def extend_repr(self) -> str:
        """Channels and bias (the activation is listed as a child cell)."""
        return (
            f"input_channels={self.in_channels}, output_channels={self.out_channels}, "
            f"has_bias={self.has_bias}"
        )


class _DenseNoBias(Dense):
    """``Dense`` with ``has_bias=False`` (the class ``Dense.__init__`` switches to)."""

    _repr_name = "Dense"

    def construct(self, x: Any) -> Any:
        """``activation(x @ weight.T)``."""
        return self.activation(ops.matmul(x, self.weight.T))


class SequentialCell(Cell):
    """Applies cells in order: ``SequentialCell(a, b, c)(x) == c(b(a(x)))``.

    Takes cells as arguments, one list/tuple of cells, or a dict ``{name: cell}``. Each cell is
    registered as the attribute ``'0'``, ``'1'``, ... (or its dict key), so Parameters are named
    ``'0.weight'``, ``'1.bias'``, ...; ``self.cells`` is the tuple of cells ``construct`` loops
    over. Supports ``len``, iteration, indexing (a slice gives a new SequentialCell sharing the
    cells) and ``append``.
    """

    cells: tuple[Cell, ...]

    def __init__(self, *args: Cell | Sequence[Cell] | Mapping[str, Cell]) -> None:
        super().__init__()
        self.cells = ()
        if len(args) == 1 and isinstance(args[0], Mapping):
            items = list(args[0].items())
        elif len(args) == 1 and isinstance(args[0], (list, tuple)):
            items = [(str(i), cell) for i, cell in enumerate(args[0])]
        else:
            items = [(str(i), cell) for i, cell in enumerate(args)]
        for name, cell in items:
            self._add(name, cell)

    def construct(self, x: Any) -> Any:
        """Feed ``x`` through each cell in turn."""
        for cell in self.cells:
            x = cell(x)
        return x

    def append(self, cell: Cell) -> SequentialCell:
        """Add ``cell`` at the end, as attribute ``str(len(self))``; return self."""
        self._add(str(len(self.cells)), cell)
        return self

    def _add(self, name: str, cell: Any) -> None:
        if not isinstance(cell, Cell):
            raise TypeError(f"SequentialCell: item {name!r} is a {type(cell).__name__}, not a Cell")
        if not isinstance(name, str) or not name or name.startswith("_"):
            raise ValueError(f"SequentialCell: invalid cell name {name!r}")
        if name in self.__dict__ or hasattr(type(self), name):
            raise ValueError(f"SequentialCell: the name {name!r} is already taken")
        setattr(self, name, cell)
        self.cells = (*self.cells, cell)

    def __len__(self) -> int:
        return len(self.cells)

    def __iter__(self) -> Iterator[Cell]:
        return iter(self.cells)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return SequentialCell(list(self.cells[index]))
        return self.cells[index]


def _activation(activation: Any) -> Any:
    if activation is None:
        return Identity()
    if isinstance(activation, str):
        return get_activation(activation)
    if callable(activation):
        return activation
    raise TypeError(
        f"activation must be None, a name, a Cell or a callable, got {type(activation).__name__}"
    )


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return int(value)


def _random_source(rng: RandomSource) -> Any:
    if rng is None:
        return np.random  # the legacy global state: np.random.seed applies
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {rng!r}")


def _initial_value(
    init: Initializer, shape: tuple[int, ...], bound: float, dtype: np.dtype, source: Any
) -> np.ndarray:
    """Initial values of ``shape``; ``bound`` is that of the default uniform distribution."""
    if init is None:
        values = source.uniform(-bound, bound, size=shape)
    elif isinstance(init, str):
        kinds = {
            "zeros": lambda: np.zeros(shape),
            "ones": lambda: np.ones(shape),
            "normal": lambda: source.normal(0.0, 0.01, size=shape),
            "uniform": lambda: source.uniform(-0.07, 0.07, size=shape),
        }
        if init.lower() not in kinds:
            raise ValueError(f"unknown initializer {init!r}; use one of {sorted(kinds)}, a "
                             "number or an array")
        values = kinds[init.lower()]()
    else:
        values = np.asarray(init)
        if values.ndim == 0:
            values = np.full(shape, values)
        elif values.shape != shape:
            raise ValueError(f"initial value has shape {values.shape}, expected {shape}")
    return np.asarray(values, dtype=dtype)
