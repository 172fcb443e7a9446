"""The compiled-gradient cache: weak-keyed per function, thread-safe, version-checked.

Entries live in a ``WeakKeyDictionary`` keyed by the function (or, for a bound method, by the
instance), so dropping a function drops its gradients. The inner key holds the code object,
the request and the registry version, so redefining a function or registering a rule never
serves a stale gradient.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any

_lock = threading.RLock()
_entries: weakref.WeakKeyDictionary[Any, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def get_or_compile(owner: Any, key: Hashable, compile_: Callable[[], Any]) -> Any:
    """The cached value for ``(owner, key)``, compiling it (once, under a lock) on a miss."""
    found = _lookup(owner, key)
    if found is not None:
        return found
    with _lock:
        found = _lookup(owner, key)
        if found is None:
            found = compile_()
            _entries.setdefault(owner, {})[key] = found
        return found


def _lookup(owner: Any, key: Hashable) -> Any:
    try:
        return _entries.get(owner, {}).get(key)
    except TypeError:  # an owner that cannot be weakly referenced
        raise TypeError(f"cannot cache gradients of {owner!r}: it does not support weak "
                        "references") from None


def size() -> int:
    """Number of compiled entries currently cached (for tests and diagnostics)."""
    with _lock:
        return sum(len(inner) for inner in _entries.values())


def clear() -> None:
    """Drop every cached gradient."""
    with _lock:
        _entries.clear()


def discard(owner: Any, key: Hashable) -> None:
    """Forget one entry (a gradient whose guards no longer hold)."""
    with _lock:
        _entries.get(owner, {}).pop(key, None)
