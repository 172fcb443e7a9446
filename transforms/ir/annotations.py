"""Typed annotations carried on gast nodes between passes, and the provenance of statements."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

_ATTRIBUTE = "_autodiff_annotations"
ANNOTATIONS = _ATTRIBUTE  # the attribute holding a node's annotations (a dict)


class Anno(Enum):
    """The annotation keys. Each names what a pass leaves on a node for later passes."""

    ORIGIN = "the user statement (Origin) a statement derives from"
    SEED = "marks an output-seed statement of the backward sweep"
    BACKWARD = "marks the first statement of the backward sweep"
    COMPILER_COPY = "a copy the compiler made (SSA merge, loop update): not a user alias"
    IN_PLACE = "on `x = x op v` desugared from `x op= v`: numpy updates x's array in place"
    LOOP_CONDITION = "on a while loop: the statement recomputing its condition each iteration"
    RETURN_VALUE = "on `_retval = value` made from a `return`: the function exits after it"
    SHAPE_CLASS = "on an expression the reverse pass generated: the shape class it provably has"
    BROADCAST = "on `np.full(shape, g)` the reverse pass generated: g, which broadcasts alike"
    DIFFERENTIATE_AS = "on the last statement of a chain spelling a function: (primitive, operand)"
    STOP_GRADIENT = "on an assignment whose value provably gets a zero adjoint (shifts.py)"
    ONES_FACTOR = "on `m = w * x`, w all ones (np.ones, np.ones_like): w, see simplify.py"
    PRODUCT_RULE = "on `m = s * x`, s = f(x) a unary ufunc: (s, x, f's Operation), see simplify.py"
    POLYNOMIAL = "on the last statement of a polynomial p(y): (y, factors), their product p'(y), see polynomials.py"
    KEEP_VALUE = "on a statement whose value an earlier adjoint reads: the name the backward sweep keeps it under"
    CALL = "on a Call the compiler generated: an EmittedCall (what it calls, for which rule)"

    # members are singletons: hashing by identity is right, and much faster than Enum's
    # hash of the member's name (annotations are looked up tens of thousands of times)
    __hash__ = object.__hash__


RUNTIME = "runtime"  # autodiff's runtime package (generated code spells it `_rt.`)
NUMPY = "numpy"  # numpy (spelled `_np.` in generated code)


@dataclass(frozen=True, slots=True)
class EmittedCall:
    """What a generated call calls: a function of ``library`` (``RUNTIME``, ``NUMPY``; None for
    a rule bound into the generated code's namespace) by ``name`` (dotted inside the library),
    and, when it applies a gradient rule, the rule's ``primitive`` and the ``argument`` position
    the rule is for. Passes read this instead of the generated text."""

    library: str | None
    name: str
    primitive: Any = None
    argument: int | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> EmittedCall:
        return self  # immutable; its primitive need not (and cannot always) be copied


def called(node: Any, library: str, *names: str) -> bool:
    """Is ``node`` a generated call of one of ``names`` in ``library``?"""
    found = getanno(node, Anno.CALL)
    return found is not None and found.library == library and found.name in names


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a statement came from: the user's file, line, column and statement text."""

    filename: str
    lineno: int
    col: int
    text: str


def getanno(node: Any, key: Anno, default: Any = None) -> Any:
    annotations = getattr(node, _ATTRIBUTE, None)
    return default if annotations is None else annotations.get(key, default)


def setanno(node: Any, key: Anno, value: Any) -> None:
    annotations = getattr(node, _ATTRIBUTE, None)
    if annotations is None:
        annotations = {}
        setattr(node, _ATTRIBUTE, annotations)
    annotations[key] = value


def hasanno(node: Any, key: Anno) -> bool:
    annotations = getattr(node, _ATTRIBUTE, None)
    return annotations is not None and key in annotations
