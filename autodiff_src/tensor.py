"""MindSpore-style ``Tensor``, ``Parameter`` and dtypes, on top of plain numpy arrays.

``Tensor(...)`` is just ``np.array(...)``. A ``Parameter`` is an ndarray subclass with a name and a
``requires_grad`` flag: a trainable weight that optimizers update in place and that gradients with
``weights=`` are keyed by (by identity). Everything computed *from* a Parameter (arithmetic,
ufuncs, numpy functions, slicing, reshaping) is a plain ``np.ndarray``, so values flowing through
a model never masquerade as weights.

Parameters are hashable by identity (``__hash__`` is ``object.__hash__``) while ``==`` stays
elementwise, as for any array: use them as dict keys or in sets, and compare them with ``is``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

float32 = np.float32
float64 = np.float64
int32 = np.int32

__all__ = ["Parameter", "Tensor", "float32", "float64", "int32"]

_parameter_ids = itertools.count(1)


def Tensor(data: Any, dtype: Any = None) -> np.ndarray:
    """A new plain ndarray holding a copy of ``data`` (``np.array(data, dtype=dtype)``)."""
    return np.array(data, dtype=dtype)


def _plain(value: Any) -> Any:
    """``value`` as a plain ndarray view if it is a Parameter, else unchanged."""
    return value.view(np.ndarray) if isinstance(value, Parameter) else value


def _plain_tree(value: Any) -> Any:
    """Unwrap Parameters inside (nested) lists, tuples and dicts of numpy-function arguments."""
    if isinstance(value, Parameter):
        return value.view(np.ndarray)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_tree(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain_tree(item) for key, item in value.items()}
    return value


def _restore_parameter(
    array: np.ndarray, name: str, requires_grad: bool, name_is_default: bool
) -> Parameter:
    """Unpickle a Parameter without drawing a new automatic name."""
    # Explicit construction passes obj=None to __array_finalize__, which draws no number.
    parameter = np.ndarray.__new__(Parameter, array.shape, array.dtype)
    parameter.view(np.ndarray)[...] = array
    parameter._name = name
    parameter._name_is_default = name_is_default
    parameter._requires_grad = requires_grad
    return parameter


class Parameter(np.ndarray):
    """A named, trainable array: ``Parameter(data, name=None, requires_grad=True)``.

    ``data`` is copied. An explicit ``name`` wins; otherwise the Parameter is called
    ``'Parameter#N'`` (a global counter) and ``name_is_default`` is True, so that a Cell may
    rename it after its attribute path with ``_set_default_name``.

    Results of arithmetic, ufuncs, numpy functions, indexing and reshaping methods are plain
    ndarrays. In-place updates (``p -= lr * g``, ``np.subtract(p, d, out=p)``, ``p[...] = v``,
    ``p.set_data(v)``) write into the Parameter and keep its identity and name. ``p.copy()``,
    ``copy.copy`` and ``copy.deepcopy`` give a new Parameter with the same name (as MindSpore's
    ``Parameter.copy``); ``np.copy(p)`` and ``p.asnumpy()`` give plain arrays.
    """

    __hash__ = object.__hash__  # type: ignore[assignment]

    _name: str
    _name_is_default: bool
    _requires_grad: bool

    def __new__(cls, data: Any, name: str | None = None, requires_grad: bool = True) -> Parameter:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Parameter name must be a str, got {type(name).__name__}")
        parameter = np.array(data).view(cls)  # __array_finalize__ draws an automatic name
        if name is not None:
            parameter.name = name
        parameter.requires_grad = requires_grad
        return parameter

    def __array_finalize__(self, obj: Any) -> None:
        if isinstance(obj, Parameter):
            # copy.copy / deepcopy / ndarray.copy of a Parameter: same name and flags.
            self._name = obj._name
            self._name_is_default = obj._name_is_default
            self._requires_grad = obj._requires_grad
        elif obj is None:
            # Explicit ndarray construction (unpickling); the state is set right after.
            self._name = "Parameter"
            self._name_is_default = True
            self._requires_grad = True
        else:
            self._name = f"Parameter#{next(_parameter_ids)}"
            self._name_is_default = True
            self._requires_grad = True

    # ---- name and flags --------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The Parameter's name; assigning one makes it explicit (no Cell will rename it)."""
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"Parameter name must be a str, got {type(value).__name__}")
        self._name = value
        self._name_is_default = False

    @property
    def name_is_default(self) -> bool:
        """True while the name is automatic ('Parameter#N' or one given by a Cell)."""
        return self._name_is_default

    def _set_default_name(self, name: str) -> bool:
        """Rename the Parameter if its name is automatic; return whether it was renamed.

        The name stays automatic, so an enclosing Cell may prefix it again (``'dense.weight'``).
        """
        if not self._name_is_default:
            return False
        self._name = name
        return True

    @property
    def requires_grad(self) -> bool:
        """Whether the Parameter is trainable (listed by ``Cell.trainable_params()``)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._requires_grad = bool(value)

    # ---- MindSpore methods -----------------------------------------------------------------

    def set_data(self, value: Any) -> Parameter:
        """Assign ``value`` in place (cast to this dtype, broadcast to this shape); return self."""
        self.view(np.ndarray)[...] = value
        return self

    def asnumpy(self) -> np.ndarray:
        """The values as a plain ndarray view (writes through to the Parameter)."""
        return self.view(np.ndarray)

    # ---- results are plain arrays ----------------------------------------------------------

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        plain_kwargs = {key: _plain_tree(value) for key, value in kwargs.items()}
        result = getattr(ufunc, method)(*(_plain(x) for x in inputs), **plain_kwargs)
        if out is None or method == "at":
            return result
        # In-place: hand back the caller's own out arrays, so `p -= g` keeps `p` a Parameter.
        if isinstance(result, tuple):
            return tuple(r if o is None else o for r, o in zip(result, out, strict=True))
        return result if out[0] is None else out[0]

    def __array_function__(
        self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        result = func(*_plain_tree(args), **_plain_tree(kwargs))
        out = kwargs.get("out")
        return out if isinstance(out, Parameter) else result

    def __getitem__(self, key: Any) -> Any:
        return self.view(np.ndarray)[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.view(np.ndarray))

    @property
    def T(self) -> np.ndarray:
        """The transpose, as a plain ndarray view."""
        return self.view(np.ndarray).T

    @property
    def mT(self) -> np.ndarray:
        """The matrix transpose of the last two axes, as a plain ndarray view."""
        return self.view(np.ndarray).mT

    @property
    def real(self) -> np.ndarray:
        """The real part, as a plain ndarray (a view for real and complex dtypes)."""
        return self.view(np.ndarray).real

    @real.setter
    def real(self, value: Any) -> None:
        self.view(np.ndarray).real = value

    @property
    def imag(self) -> np.ndarray:
        """The imaginary part, as a plain ndarray."""
        return self.view(np.ndarray).imag

    @imag.setter
    def imag(self, value: Any) -> None:
        self.view(np.ndarray).imag = value

    @property
    def flat(self) -> Any:
        """A flat iterator over the plain values (assignments write through)."""
        return self.view(np.ndarray).flat

    @flat.setter
    def flat(self, value: Any) -> None:
        self.view(np.ndarray).flat = value

    # ---- printing and pickling -------------------------------------------------------------

    def __repr__(self) -> str:
        header = (
            f"Parameter(name={self._name}, shape={self.shape}, dtype={self.dtype}, "
            f"requires_grad={self._requires_grad})"
        )
        return f"{header}\n{np.array2string(self.view(np.ndarray), separator=', ')}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _restore_parameter,
            (self.view(np.ndarray), self._name, self._requires_grad, self._name_is_default),
        )

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return self.__reduce__()


def _plain_method(name: str) -> Any:
    method = getattr(np.ndarray, name)

    def plain(self: Parameter, *args: Any, **kwargs: Any) -> Any:
        return method(self.view(np.ndarray), *args, **kwargs)

    plain.__name__ = plain.__qualname__ = name
    plain.__doc__ = f"``ndarray.{name}`` of the values; the result is a plain ndarray."
    return plain


# ndarray methods that would otherwise return a Parameter (views and new arrays).
for _name in (
    "argmax",
    "argmin",
    "argsort",
    "astype",
    "compress",
    "conj",
    "conjugate",
    "diagonal",
    "dot",
    "flatten",
    "ravel",
    "repeat",
    "reshape",
    "round",
    "squeeze",
    "swapaxes",
    "take",
    "transpose",
):
    setattr(Parameter, _name, _plain_method(_name))
del _name
