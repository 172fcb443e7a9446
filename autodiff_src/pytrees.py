"""The structure of container arguments (tuples, lists, dicts of arrays), as the fast path
keys and guards it; the compiler flattens such containers into one name per leaf
(``transforms/frontend/pytrees.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .transforms.frontend.pytrees import MAX_LEAVES, Tree

_KINDS = {tuple: "tuple", list: "list", dict: "dict"}


@dataclass(frozen=True, slots=True)
class Container:
    """A container argument's structure and its leaves' shapes, in leaf order (the entry's
    key for that argument, in place of an array's shape)."""

    tree: Tree
    shapes: tuple[tuple[int, ...], ...]


def container_of(value: Any) -> tuple[Container, tuple] | None:
    """``(Container, leaf dtypes)`` of a tuple/list/dict (nested) of numpy arrays with at most
    ``MAX_LEAVES`` leaves, or None for anything else."""
    if type(value) not in _KINDS:
        return None
    arrays: list[np.ndarray] = []
    tree = _tree(value, arrays)
    if tree is None or not arrays or len(arrays) > MAX_LEAVES:
        return None
    return (Container(tree, tuple(a.shape for a in arrays)),
            tuple(a.dtype for a in arrays))


def _tree(value: Any, arrays: list[np.ndarray]) -> Tree | None:
    kind = _KINDS.get(type(value))
    if kind is None:
        return None
    if kind == "dict":
        keys = tuple(value)
        if not all(type(key) is str or type(key) is int for key in keys):
            return None
        items = [value[key] for key in keys]
    else:
        keys, items = tuple(range(len(value))), list(value)
    children = []
    for item in items:
        if type(item) is np.ndarray:
            arrays.append(item)
            children.append(None)
            continue
        child = _tree(item, arrays)
        if child is None or len(arrays) > MAX_LEAVES:
            return None
        children.append(child)
    return kind, keys, tuple(children)


def leaf_count(tree: Tree) -> int:
    return 1 if tree is None else sum(leaf_count(child) for child in tree[2])
