"""``GradSpec``: what the user asked to differentiate, validated, and how results are packed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .tensor import Parameter


@dataclass(frozen=True, slots=True)
class GradSpec:
    """A validated ``grad``/``value_and_grad`` request (hashable: part of the cache key)."""

    positions: tuple[int, ...] | None
    weights: tuple[Any, ...] | None  # the Parameters, in the order gradients are returned
    single_weight: bool  # weights= was one Parameter, not a list
    has_aux: bool
    return_ids: bool
    sens_param: bool

    @staticmethod
    def build(grad_position: Any, weights: Any, has_aux: Any, return_ids: Any = False,
              sens_param: Any = False) -> GradSpec:
        positions = _positions(grad_position)
        params, single = _weights(weights)
        if positions is None and params is None:
            raise ValueError("grad_position and weights cannot both be None: say which inputs "
                             "(grad_position=0 or a tuple) or which Parameters (weights=...) "
                             "to differentiate")
        for flag, value in (("has_aux", has_aux), ("return_ids", return_ids),
                            ("sens_param", sens_param)):
            if not isinstance(value, bool):
                raise TypeError(f"{flag} must be True or False, got {value!r}")
        return GradSpec(positions, params, single, has_aux, return_ids, sens_param)

    @property
    def trained_weights(self) -> tuple[Any, ...]:
        """The requested weights that take gradients (``requires_grad=True``)."""
        return tuple(w for w in self.weights or () if w.requires_grad)

    def pack(self, position_grads: list[Any], weight_grads: list[Any]) -> Any:
        """Arrange flat gradients in the structure API.md specifies."""
        if self.return_ids:
            position_grads = [(p, g) for p, g in zip(self.positions or (), position_grads,
                                                     strict=True)]
            weight_grads = [(w.name, g) for w, g in zip(self.weights or (), weight_grads,
                                                        strict=True)]
        packed_positions = None
        if self.positions is not None:
            packed_positions = (position_grads[0] if len(position_grads) == 1
                                else tuple(position_grads))
        if self.weights is None:
            return packed_positions
        packed_weights = weight_grads[0] if self.single_weight else tuple(weight_grads)
        if self.positions is None:
            return packed_weights
        return packed_positions, packed_weights

    def __hash__(self) -> int:
        weights = None if self.weights is None else tuple(id(w) for w in self.weights)
        return hash((self.positions, weights, self.has_aux, self.sens_param))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GradSpec):
            return NotImplemented
        same_weights = (self.weights is None) == (other.weights is None) and all(
            a is b for a, b in zip(self.weights or (), other.weights or (), strict=False)
        ) and len(self.weights or ()) == len(other.weights or ())
        return (self.positions, self.has_aux, self.return_ids, self.sens_param,
                self.single_weight) == (other.positions, other.has_aux, other.return_ids,
                                        other.sens_param, other.single_weight) and same_weights


def _positions(grad_position: Any) -> tuple[int, ...] | None:
    if grad_position is None:
        return None
    if isinstance(grad_position, (bool, list)):
        raise TypeError(f"grad_position must be an int or a tuple of ints, got "
                        f"{grad_position!r}; write it as a tuple, e.g. (2, 3)")
    positions = (grad_position,) if isinstance(grad_position, int) else grad_position
    if not isinstance(positions, tuple) or not positions:
        raise TypeError(f"grad_position must be an int or a non-empty tuple of ints, got "
                        f"{grad_position!r}")
    for position in positions:
        if not isinstance(position, int) or isinstance(position, bool):
            raise TypeError(f"grad_position entries must be ints, got {position!r}")
        if position < 0:
            raise ValueError(f"grad_position {position} is negative; count positions from 0")
    if len(set(positions)) != len(positions):
        raise ValueError(f"grad_position {grad_position!r} repeats a position; list each "
                         "input once")
    return positions


def _weights(weights: Any) -> tuple[tuple[Any, ...] | None, bool]:
    if weights is None:
        return None, False
    single = isinstance(weights, Parameter)
    params = (weights,) if single else weights
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"weights must be a Parameter or a list/tuple of Parameters, got "
                        f"{type(weights).__name__}; wrap arrays with autodiff.Parameter")
    for param in params:
        if not isinstance(param, Parameter):
            raise TypeError(f"weights must contain only Parameters, got "
                            f"{type(param).__name__}; wrap the array with autodiff.Parameter "
                            "or differentiate it by position with grad_position")
    return tuple(params), single
