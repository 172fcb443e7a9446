"""Sample inputs of the built-in gradient rules, shared by the reverse-mode tests
(``test_rules.py``, ``test_rules_nn.py``) and the forward-mode tests (``test_jvp_rules.py``), and
the generic helpers the checks use: ``CASES`` and ``ALIAS_CASES`` (the ``rules_*`` modules),
``NN_CASES`` (``rules_nn``), ``CONTAINER_CASES`` and ``ACCUMULATE_CASES``.

Not a test module: the tests load it by path, once, under the name ``autodiff_rule_cases``
(``--import-mode=importlib`` makes test modules unimportable from each other). An argument spec
is built from the rng at test time; any value that is not a spec is passed as a constant (an
axis, a shape, an index).
"""

from __future__ import annotations

import builtins
import math
import operator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from autodiff.runtime import accumulate, containers
from autodiff.runtime.broadcast import broadcast_like, unbroadcast_to, unreduce
from autodiff.runtime.registry import AttributeKey, MethodKey
from autodiff.runtime.rules_index import getitem_vjp, scatter, take_vjp
from autodiff.runtime.rules_nn import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    log_softmax,
    mse_loss,
    relu,
    sigmoid,
    softmax,
    softplus,
)

BCE = binary_cross_entropy_with_logits

# ---- argument specs: built from the rng at test time ------------------------------------------


def _draw(kind: str, shape: tuple[int, ...], rng: np.random.Generator) -> Any:
    if kind == "normal":
        return rng.normal(size=shape)
    if kind == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, size=shape)
    if kind == "above1":
        return rng.uniform(1.2, 3.0, size=shape)
    if kind == "away0":
        x = rng.normal(size=shape)
        return np.sign(x) * (0.2 + np.abs(x))
    if kind == "distinct":  # no ties and gaps >= 0.3: max/min/sort are smooth here
        n = int(np.prod(shape))
        values = (rng.permutation(n) - n / 2) * 0.5 + rng.uniform(-0.1, 0.1, size=n)
        return np.reshape(values, shape)
    if kind == "distinct_abs":  # distinct magnitudes, random signs
        n = int(np.prod(shape))
        values = (rng.permutation(n) + 1) * 0.5 + rng.uniform(-0.1, 0.1, size=n)
        return np.reshape(values * rng.choice([-1.0, 1.0], size=n), shape)
    if kind == "offgrid":  # at least 0.2 away from every integer and half-integer
        return rng.integers(-3, 3, size=shape) + rng.uniform(0.2, 0.4, size=shape)
    if kind == "big":  # above every other kind's values: the unique maximum
        return rng.uniform(10.0, 11.0, size=shape)
    if kind == "small":  # below every other kind's values: the unique minimum
        return rng.uniform(-11.0, -10.0, size=shape)
    if kind == "bool":
        return rng.random(size=shape) < 0.5
    if kind == "fortran":
        return np.asfortranarray(rng.normal(size=shape))
    if kind == "complex":  # modulus in [0.5, 2], any angle: away from 0 (abs, angle, log)
        modulus = rng.uniform(0.5, 2.0, size=shape)
        return modulus * np.exp(1j * rng.uniform(-np.pi, np.pi, size=shape))
    if kind == "matrix":  # well conditioned, for inv/det/solve
        n = shape[-1]
        return 3.0 * np.eye(n) + 0.5 * rng.normal(size=shape)
    raise AssertionError(kind)


KINDS = {
    "normal", "positive", "unit", "above1", "away0", "distinct", "distinct_abs", "offgrid",
    "bool", "fortran", "matrix", "const", "big", "small", "list", "tuple", "dict", "pyfloat", "npscalar",
    "complex",
}  # fmt: skip


def as_spec(value: Any) -> tuple[Any, ...]:
    """A spec tuple as is; any other value (an axis, a shape, an index) is a constant."""
    if isinstance(value, tuple) and value and isinstance(value[0], str) and value[0] in KINDS:
        return value
    return ("const", value)


def make(spec: Any, rng: np.random.Generator) -> Any:
    spec = as_spec(spec)
    kind = spec[0]
    if kind == "const":
        return spec[1]
    if kind in ("list", "tuple"):
        items = [make(item, rng) for item in spec[1]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        return {key: make(item, rng) for key, item in spec[1].items()}
    if kind == "pyfloat":
        return float(_draw(spec[1], (), rng))
    if kind == "npscalar":
        return np.float64(_draw(spec[1], (), rng))
    return _draw(kind, spec[1], rng)


def is_float_spec(spec: Any) -> bool:
    """Whether the argument built from ``spec`` is a float (array) or a sequence of them."""
    spec = as_spec(spec)
    kind = spec[0]
    if kind == "const":
        value = spec[1]
        if isinstance(value, tuple) and hasattr(value, "_fields"):  # np.linalg's named results
            return all(is_float_spec(("const", item)) for item in value)
        return isinstance(value, float) or (
            isinstance(value, np.ndarray) and value.dtype.kind in "fc"
        )
    if kind in ("list", "tuple"):
        return bool(spec[1]) and all(is_float_spec(item) for item in spec[1])
    if kind == "dict":
        return bool(spec[1]) and all(is_float_spec(item) for item in spec[1].values())
    return kind not in ("bool",)


def _spec(kind: str) -> Any:
    def build(*shape: int) -> tuple[Any, ...]:
        return (kind, shape)

    return build


N, P, U, G, A, D = (_spec(k) for k in ("normal", "positive", "unit", "above1", "away0", "distinct"))
B, F, M, R = (_spec(k) for k in ("bool", "fortran", "matrix", "offgrid"))


def C(value: Any) -> tuple[Any, ...]:
    return ("const", value)


def L(*items: Any) -> tuple[Any, ...]:
    return ("list", items)


def T(*items: Any) -> tuple[Any, ...]:
    return ("tuple", items)


def DICT(**items: Any) -> tuple[Any, ...]:
    return ("dict", items)


def PY(kind: str = "normal") -> tuple[Any, ...]:
    return ("pyfloat", kind)


@dataclass(frozen=True)
class Case:
    label: str
    args: tuple[Any, ...]
    params: dict[str, Any] = field(default_factory=dict)


def case(label: str, *args: Any, **params: Any) -> Case:
    return Case(label, args, params)


CASES: dict[Any, list[Case]] = {}


def add(primitive: Any, *cases: Case) -> None:
    CASES.setdefault(primitive, []).extend(cases)


# ---- elementwise ----------------------------------------------------------------------------

for _prim, _domain in {
    np.negative: N, np.positive: N, np.square: N, np.reciprocal: A, np.sqrt: P, np.cbrt: A,
    np.absolute: A, np.exp: N, np.exp2: N, np.expm1: N, np.log: P, np.log2: P, np.log10: P,
    np.log1p: P, np.sin: N, np.cos: N, np.tan: U, np.arcsin: U, np.arccos: U, np.arctan: N,
    np.sinh: N, np.cosh: N, np.tanh: N, np.arcsinh: N, np.arccosh: G, np.arctanh: U, abs: A,
}.items():  # fmt: skip
    add(_prim, case("0d", _domain()), case("1d", _domain(5)), case("3d", _domain(2, 3, 4)))
add(np.exp, case("pyfloat", PY()))
add(np.log, case("pyfloat", PY("positive")))
add(abs, case("pyfloat", PY("away0")))
add(float, case("0d", N()), case("npscalar", ("npscalar", "normal")), case("pyfloat", PY()))

_SMOOTH_BINARY = {
    np.add: (N, N), np.subtract: (N, N), np.multiply: (N, N), np.divide: (N, A),
    np.power: (P, N), np.logaddexp: (N, N), np.logaddexp2: (N, N), np.arctan2: (A, A),
    np.hypot: (A, A), np.maximum: (N, N), np.minimum: (N, N), np.fmax: (N, N), np.fmin: (N, N),
}  # fmt: skip
for _prim, (_lhs, _rhs) in _SMOOTH_BINARY.items():
    add(
        _prim,
        case("same-3x4", _lhs(3, 4), _rhs(3, 4)),
        case("bcast-3x1-4", _lhs(3, 1), _rhs(4)),
        case("0d-2x3", _lhs(), _rhs(2, 3)),
        case("2x3-0d", _lhs(2, 3), _rhs()),
        case("bcast-2x1x3-4x1", _lhs(2, 1, 3), _rhs(4, 1)),
        case("0d-0d", _lhs(), _rhs()),
    )
add(
    np.power,
    case("int-exponent", N(3, 4), C(3)),
    case("pyfloat-base", C(2.0), N(3, 4)),
    case("pyfloat-exponent", P(3, 4), C(1.5)),
)
add(np.multiply, case("pyfloat-rhs", N(2, 3), PY()))
add(
    np.clip,
    case("scalars", N(3, 4), C(-0.5), C(0.5)),
    case("bcast-bounds", N(3, 1), N(4), C(0.7)),
    case("no-upper", N(5), C(-0.3), C(None)),
    case("kw-min-max", N(2, 3), min=-0.4, max=0.4),
)
add(
    np.where,
    case("same", B(3, 4), N(3, 4), N(3, 4)),
    case("bcast", B(3, 4), N(3, 1), N()),
    case("bcast-cond", B(4), N(3, 4), N(3, 1)),
)

# ---- reductions -----------------------------------------------------------------------------

for _prim, _domain in {
    np.sum: N, np.mean: N, np.prod: A, np.max: D, np.min: D, np.amax: D, np.amin: D,
    np.var: N, np.std: N, np.cumsum: N,
}.items():  # fmt: skip
    add(
        _prim,
        case("all-2x3", _domain(2, 3)),
        case("axis1", _domain(3, 4), axis=1),
        case("axis-neg-keepdims", _domain(3, 4), axis=-1, keepdims=True)
        if _prim is not np.cumsum
        else case("axis-neg", _domain(2, 3, 4), axis=-1),
        case("axis-positional", _domain(3, 4), 0),
        case("0d", _domain()) if _prim not in (np.var, np.std) else case("1d", _domain(5)),
    )
    if _prim is not np.cumsum:
        add(_prim, case("axes-0-2", _domain(2, 3, 4), axis=(0, 2)))
        add(_prim, case("axes-keepdims", _domain(2, 3, 4), axis=(0, -1), keepdims=True))
add(np.sum, case("where", N(3, 4), axis=1, where=np.array([True, False, True, True])))
add(np.sum, case("dtype", N(3, 4), axis=0, dtype=np.float64))
add(np.mean, case("where", N(3, 4), axis=1, where=np.array([True, False, True, True])))
add(
    np.prod,
    case("one-zero", C(np.array([[1.5, 0.0, -2.0], [0.5, 3.0, 1.2]])), axis=1),
    case("two-zeros", C(np.array([0.0, 2.0, 0.0, -1.0]))),
    case("initial", A(2, 3), axis=0, initial=2.0),
)
add(
    np.max, case("where-initial", D(3, 4), axis=1, initial=-100.0, where=np.array([1, 0, 1, 1]) > 0)
)
add(np.max, case("initial-wins", D(2, 3), axis=0, initial=100.0))
add(np.var, case("ddof1", N(3, 4), axis=0, ddof=1), case("correction", N(5), correction=1))
add(np.std, case("ddof1", N(3, 4), axis=1, ddof=1), case("correction", N(5), correction=1))
add(np.cumsum, case("dtype", N(2, 3), axis=1, dtype=np.float64))
add(
    np.full_like,
    case("pyfloat", N(2, 3), PY()),
    case("bcast-fill", N(2, 3), N(3)),
    case("shape-kw", N(2, 3), N(), shape=(4, 2)),
)
add(np.full, case("0d-fill", C((2, 3)), N()), case("row-fill", C((2, 3)), N(3)))
add(
    unbroadcast_to,
    case("equal", N(3, 4), N(3, 4)),
    case("sum-lead-and-1", N(2, 3, 4), N(3, 1)),
    case("to-0d", N(2, 3), N()),
    case("broadcast-up", N(4), N(3, 4)),
)
add(
    unreduce,
    case("axis1", N(3), N(3, 4), 1),
    case("neg-tuple", N(4), N(2, 3, 4), (0, -2)),
    case("keepdims", N(1, 4), N(3, 4), 0, True),
    case("none", N(), N(2, 3)),
    case("none-keepdims", N(1, 1), N(2, 3), None, True),
)
add(
    broadcast_like,
    case("equal", N(3, 4), N(3, 4)),
    case("lead-and-1", N(3, 1), N(2, 3, 4)),
    case("0d", N(), N(2, 3)),
    case("pyfloat", PY(), N(2, 2)),
)

# ---- products and linear algebra --------------------------------------------------------------

add(
    np.matmul,
    case("1d-1d", N(4), N(4)),
    case("1d-2d", N(3), N(3, 5)),
    case("2d-1d", N(3, 5), N(5)),
    case("2d-2d", N(3, 4), N(4, 2)),
    case("3d-2d", N(2, 3, 4), N(4, 5)),
    case("bcast-batch", N(2, 1, 3, 4), N(5, 4, 2)),
    case("1d-3d", N(3), N(2, 3, 4)),
    case("3d-1d", N(2, 3, 4), N(4)),
)
add(
    np.dot,
    case("0d-2d", N(), N(2, 3)),
    case("2d-0d", N(2, 3), N()),
    case("1d-1d", N(4), N(4)),
    case("2d-2d", N(3, 4), N(4, 2)),
    case("2d-1d", N(3, 4), N(4)),
    case("1d-2d", N(3), N(3, 4)),
    case("3d-3d", N(2, 3, 4), N(5, 4, 2)),
    case("3d-1d", N(2, 3, 4), N(4)),
)
add(
    np.tensordot,
    case("axes2", N(2, 3, 4), N(3, 4, 5)),
    case("axes1", N(2, 3), N(3, 4), axes=1),
    case("axes0", N(2, 3), N(4), axes=0),
    case("pairs-permuted", N(3, 2, 4), N(2, 3, 5), axes=([1, 0], [0, 1])),
    case("pairs-negative", N(2, 3, 4), N(4, 5), axes=([-1], [-2])),
    case("ints", N(3, 4), N(2, 3), axes=(0, 1)),
)
add(
    np.inner,
    case("1d-1d", N(4), N(4)),
    case("2d-2d", N(3, 4), N(5, 4)),
    case("3d-2d", N(2, 3, 4), N(5, 4)),
    case("0d-2d", N(), N(2, 3)),
)
add(np.outer, case("1d-1d", N(3), N(4)), case("2d-1d", N(2, 3), N(4)))
add(np.vdot, case("1d-1d", N(4), N(4)), case("2d-2d", N(2, 3), N(3, 2)))
add(
    np.trace,
    case("square", N(3, 3)),
    case("offset1", N(3, 4), offset=1),
    case("offset-neg", N(4, 3), -1),
    case("3d-axes12", N(2, 3, 4), axis1=1, axis2=2),
    case("3d-neg-axes", N(3, 2, 3), 0, -1, 0),
    case("dtype", N(3, 3), dtype=np.float64),
)
add(
    np.diagonal,
    case("square", N(3, 3)),
    case("wide-offset", N(3, 5), 2),
    case("tall-neg-offset", N(5, 3), -1),
    case("3d-axes02", N(3, 2, 4), 1, 0, 2),
    case("empty", N(2, 3), offset=5),
)
add(
    np.diag,
    case("1d", N(4)),
    case("1d-k-neg", N(3), -2),
    case("2d-k1-wide", N(3, 5), 1),
    case("2d-k-neg", N(4, 3), k=-1),
)
for _prim in (np.tril, np.triu):
    add(
        _prim, case("square", N(4, 4)), case("k-neg", N(3, 4), -1), case("batched", N(2, 3, 3), k=1)
    )
add(
    np.linalg.norm,
    case("vector", N(5)),
    case("vector-ord1", A(5), 1),
    case("vector-ord3", A(4), ord=3),
    case("vector-inf", ("distinct_abs", (5,)), ord=np.inf),
    case("vector-neg-inf", ("distinct_abs", (5,)), ord=-np.inf),
    case("matrix-fro", N(3, 4), "fro"),
    case("flatten-3d", N(2, 3, 4)),
    case("axis1", N(3, 4), axis=1),
    case("axis0-keepdims", N(3, 4), axis=0, keepdims=True),
    case("matrix-axes", N(2, 3, 4), axis=(1, 2)),
    case("ord0", A(4), 0),
)
add(np.linalg.inv, case("3x3", M(3, 3)), case("batched", M(2, 3, 3)))
add(np.linalg.det, case("3x3", M(3, 3)), case("batched", M(2, 3, 3)))
add(
    np.linalg.solve,
    case("vector", M(3, 3), N(3)),
    case("matrix", M(3, 3), N(3, 2)),
    case("batched-vector", M(2, 3, 3), N(3)),
    case("batched-matrix", M(2, 3, 3), N(2, 3, 2)),
)

# ---- shapes, joins and indexing ---------------------------------------------------------------

add(
    np.reshape,
    case("2d", N(2, 3), (3, 2)),
    case("kw-shape", N(2, 3, 4), shape=(6, -1)),
    case("order-F", N(2, 3), (3, 2), "F"),
)
add(
    MethodKey("reshape"),
    case("varargs", N(2, 3), 3, 2),
    case("tuple", N(4, 3), (2, 6)),
    case("order-F", N(2, 3), 6, order="F"),
)
add(np.ravel, case("C", N(2, 3)), case("F", N(2, 3), "F"), case("K-fortran", F(3, 4), order="K"))
add(MethodKey("flatten"), case("C", N(2, 3)), case("F", N(3, 2), "F"))
add(np.expand_dims, case("int", N(2, 3), 1), case("tuple", N(3), (0, -1)))
add(
    np.squeeze,
    case("all", N(1, 3, 1)),
    case("int", N(1, 3, 1), -1),
    case("tuple", N(1, 3, 1), (0, 2)),
)
add(
    np.transpose,
    case("reverse", N(2, 3, 4)),
    case("axes", N(2, 3, 4), (1, 2, 0)),
    case("neg", N(2, 3), axes=(-1, 0)),
)
add(
    MethodKey("transpose"),
    case("none", N(2, 3, 4)),
    case("varargs", N(2, 3, 4), 2, 0, 1),
    case("tuple", N(2, 3, 4), (1, 0, 2)),
    case("None", N(2, 3), None),
)
add(AttributeKey("T"), case("2d", N(2, 3)), case("3d", N(2, 3, 4)))
add(AttributeKey("mT"), case("2d", N(2, 3)), case("3d", N(2, 3, 4)))
for _prim in (getattr(np, "matrix_transpose", None), getattr(np.linalg, "matrix_transpose", None)):
    if _prim is not None:  # numpy >= 2.0
        add(_prim, case("3d", N(2, 3, 4)))
add(np.swapaxes, case("3d", N(2, 3, 4), 0, 2), case("neg", N(2, 3), -1, 0))
add(np.moveaxis, case("int", N(2, 3, 4), 0, -1), case("tuples", N(2, 3, 4), (0, 1), (2, 0)))
add(np.broadcast_to, case("lead-and-1", N(3, 1), (2, 3, 4)), case("0d", N(), (2, 2)))
add(np.flip, case("all", N(2, 3)), case("int", N(2, 3), 1), case("tuple", N(2, 3, 4), (0, 2)))
add(
    np.roll,
    case("flat", N(2, 3), 2),
    case("axis", N(2, 3), -1, 1),
    case("tuples", N(3, 4), (1, 2), (0, 1)),
)
add(MethodKey("astype"), case("float64", N(2, 3), np.float64), case("name", N(3), "float64"))
add(
    np.concatenate,
    case("list-axis0", L(N(2, 3), N(1, 3))),
    case("single", L(N(2, 3))),
    case("tuple-axis1", T(N(2, 3), N(2, 1), N(2, 2)), axis=1),
    case("axis-none", L(N(2, 2), N(3)), None),
    case("axis-neg", L(N(2, 3), N(2, 2)), -1),
)
add(
    np.stack,
    case("axis0", L(N(2, 3), N(2, 3))),
    case("axis-neg", T(N(3), N(3), N(3)), axis=-1),
    case("axis1", L(N(2, 3), N(2, 3)), 1),
)
add(np.hstack, case("1d", L(N(2), N(3))), case("2d", T(N(2, 1), N(2, 3))), case("0d", L(N(), N())))
add(np.split, case("sections", N(6, 2), 3), case("indices-axis1", N(2, 5), [1, 4], axis=1))
add(np.array_split, case("uneven", N(7), 3), case("axis1", N(2, 5), 2, 1))
add(np.vstack, case("1d", L(N(3), N(3))), case("mixed", L(N(3), N(2, 3))))
add(
    np.repeat,
    case("flat", N(2, 3), 2),
    case("axis1", N(2, 3), 3, axis=1),
    case("array-repeats", N(3, 2), np.array([2, 0, 1]), 0),
    case("array-repeats-last-zero", N(3), [1, 2, 0]),
)
add(
    np.tile,
    case("int", N(2, 3), 2),
    case("longer-reps", N(3), (2, 2)),
    case("shorter-reps", N(2, 3, 2), (2, 1)),
)
add(
    operator.getitem,
    case("int", N(4, 3), 1),
    case("negative-int", N(4, 3), -1),
    case("step-slice", N(7), slice(1, None, 2)),
    case("reverse-slice", N(5, 2), slice(None, None, -1)),
    case("newaxis", N(3, 4), (slice(None), None)),
    case("ellipsis", N(2, 3, 4), (Ellipsis, 1)),
    case("repeated-fancy", N(4, 2), [0, 0, 2]),
    case("fancy-array-2d", N(5), np.array([[0, 1], [1, 4]])),
    case("mixed", N(3, 4), (np.array([2, 2]), slice(1, 3))),
    case("bool-mask", N(3), np.array([True, False, True])),
    case("bool-mask-2d", N(2, 3), np.array([[True, False, True], [False, False, True]])),
    case("bool-list", N(3), [True, False, True]),
    case("0d-empty-tuple", N(), ()),
    case("list-int", L(N(2), N(3), N(2, 2)), 1),
    case("tuple-neg", T(N(2), N(3)), -1),
    case("list-slice", L(N(2), N(3), N(1)), slice(0, 2)),
    case("dict-key", DICT(a=N(2), b=N(3, 2)), "b"),
)
add(
    getitem_vjp,
    case("basic", N(3), C(None), N(4, 3), 1),
    case("fancy", N(3, 2), C(None), N(4, 2), [0, 0, 2]),
    case("list", N(3), C(None), L(N(2), N(3)), 1),
)
add(
    scatter,
    case("row", N(3), (4, 3), 1),
    case("slices", N(2, 2), (3, 4), (slice(1, 3), slice(None, 2))),
)
add(
    np.take,
    case("flat", N(3, 4), [0, 5, 5, -1]),
    case("axis1", N(3, 4), np.array([[1, 1], [3, 0]]), axis=1),
    case("wrap", N(4), [5, -7], mode="wrap"),
    case("clip", N(2, 3), [4, 1, -2], 1, None, "clip"),
)
add(
    take_vjp,
    case("flat", N(4), C(None), N(3, 4), [0, 5, 5, -1]),
    case("axis1-wrap", N(3, 2), C(None), N(3, 4), [1, 5], 1, None, "wrap"),
)
for _prim in (np.asarray, np.array, np.ascontiguousarray, np.copy):
    add(_prim, case("2d", N(2, 3)), case("0d", N()))
add(np.asarray, case("list-of-arrays", L(N(3), N(3))), case("dtype", N(3), np.float64))
add(
    np.array,
    case("nested-list", L(L(PY(), PY()), L(PY(), PY()))),
    case("ndmin", L(N(), N()), ndmin=2),
)
add(np.ascontiguousarray, case("fortran", F(3, 4)))

# ---- value-semantics containers and accumulation helpers (rules of their own modules) ---------

_MASK6 = np.array([True, False, True, False, False, True])
# ---- Python's numeric builtins and the math module ------------------------------------------

add(builtins.sum, case("list", L(N(3), N(3))), case("bcast", L(N(2, 3), N(3))),
    case("array-rows", N(4, 3)), case("array-1d", N(5)))
for _extremum, _winner in ((builtins.max, "big"), (builtins.min, "small")):
    add(_extremum, case("pair", D(), D()), case("list", L(D(), D(), D())),
        *(case(f"eight-won-by-{k}", *(_spec(_winner)() if i == k else D() for i in range(8)))
          for k in range(8)))
add(MethodKey("item"), case("0d", N()), case("one", N(1, 1)), case("index", N(2, 3), 4))
for _name, _kind in (("sqrt", "positive"), ("exp", "normal"), ("expm1", "normal"),
                     ("log", "positive"), ("log1p", "positive"), ("log2", "positive"),
                     ("log10", "positive"), ("sin", "normal"), ("cos", "normal"),
                     ("tan", "unit"), ("asin", "unit"), ("acos", "unit"), ("atan", "normal"),
                     ("sinh", "normal"), ("cosh", "normal"), ("tanh", "normal"),
                     ("fabs", "away0")):
    add(getattr(math, _name), case("pyfloat", PY(_kind)))
add(math.atan2, case("pyfloat", PY(), PY("positive")))
add(math.hypot, case("pyfloat", PY("away0"), PY("away0")))

CONTAINER_CASES: dict[Any, list[Case]] = {
    containers.concat: [
        case("lists", L(N(2), N(3)), L(N(4))),
        case("empty-left", L(), L(N(2), N(2))),
        case("tuples", T(N(2)), T(N(3), PY())),
    ],
    containers.append: [
        case("list", L(N(2), N(3)), N(4)),
        case("empty", L(), N(2, 2)),
        case("pyfloat-item", L(N(2)), PY()),
    ],
    containers.setitem: [
        case("int", N(5), 2, PY()),
        case("row", N(4, 3), (1, slice(None)), N(3)),
        case("broadcast-scalar", N(4, 3), (slice(0, 2), 1), N()),
        case("mask", N(6), _MASK6, N()),
        case("list", L(N(2), N(3)), 1, N(3)),
        case("list-slice", L(N(2), N(3), N(1)), slice(0, 2), L(N(4), N(1))),
        case("dict-existing-key", DICT(a=N(2), b=N(3)), "b", N(3)),
    ],
}
ACCUMULATE_CASES: dict[Any, list[Case]] = {
    accumulate.add: [
        case("arrays", N(3, 4), N(3, 4)),
        case("bcast", N(3, 1), N(4)),
        case("list", L(N(2), N(3)), L(N(2), N(3))),
    ],
    accumulate.seed: [case("given", N(3), N(3))],
    accumulate.seed_aux: [case("given", T(N(3), N(2)), N(3))],
}


# ---- method aliases: x.name(*args) uses the rules of the aliased numpy function --------------

ALIAS_CASES: dict[str, list[Case]] = {
    "sum": [case("axis", N(3, 4), 1), case("all", N(2, 3))],
    "mean": [case("axis-kw", N(3, 4), axis=0)],
    "prod": [case("axis", A(3, 4), 1)],
    "max": [case("axis", D(3, 4), 0), case("all", D(2, 3))],
    "min": [case("axis-keepdims", D(3, 4), 1, keepdims=True)],
    "var": [case("ddof", N(3, 4), 1, ddof=1)],
    "std": [case("all", N(3, 4))],
    "cumsum": [case("axis", N(3, 4), 1), case("flat", N(2, 3))],
    "dot": [case("2d-1d", N(3, 4), N(4)), case("2d-2d", N(3, 4), N(4, 2))],
    "clip": [case("min-max", N(3, 4), -0.5, 0.5), case("kw-max", N(5), max=0.3)],
    "squeeze": [case("all", N(1, 3, 1)), case("axis", N(1, 3), 0)],
    "swapaxes": [case("3d", N(2, 3, 4), 0, 2)],
    "ravel": [case("C", N(2, 3))],
    "copy": [case("2d", N(2, 3))],
    "repeat": [case("axis", N(2, 3), 2, 1)],
    "take": [case("axis", N(3, 4), [0, 0, 3], 1)],
    "trace": [case("square", N(3, 3)), case("offset", N(3, 4), 1)],
    "diagonal": [case("offset", N(3, 4), -1)],
}


# ---- neural-network primitives (rules_nn) ------------------------------------------------------
# An argument spec is (kind, shape[, extra]); kind "const" passes the value as is (e.g. a
# reduction given positionally). A case is ``pytest.param(primitive, specs, params, id=...)``.


def nn_make(spec: tuple[Any, ...], rng: np.random.Generator) -> Any:
    """Build an argument of an ``NN_CASES`` spec."""
    kind = spec[0]
    if kind == "const":
        return spec[1]
    shape = spec[1]
    if kind == "normal":
        return rng.normal(size=shape)
    if kind == "away0":  # away from the kink of relu
        x = rng.normal(size=shape)
        return np.sign(x) * (0.1 + np.abs(x))
    if kind == "unit":
        return rng.uniform(0.05, 0.95, size=shape)
    if kind == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if kind == "index":
        return rng.integers(0, spec[2], size=shape)
    if kind == "probs":
        p = rng.uniform(0.1, 1.0, size=shape)
        return p / np.sum(p, axis=spec[2], keepdims=True)
    raise AssertionError(kind)


def _nn_cases() -> list[Any]:
    def N(shape: Any) -> tuple[Any, ...]:
        return ("normal", shape)

    def U(shape: Any) -> tuple[Any, ...]:
        return ("unit", shape)

    def P(shape: Any) -> tuple[Any, ...]:
        return ("positive", shape)

    def C(value: Any) -> tuple[Any, ...]:
        return ("const", value)

    def case(prim: Any, specs: tuple[Any, ...], id: str, **params: Any) -> Any:
        return pytest.param(prim, specs, params, id=id)

    return [
        case(sigmoid, (N(()),), "sigmoid-scalar"),
        case(sigmoid, (N((7,)),), "sigmoid-7"),
        case(sigmoid, (N((3, 5)),), "sigmoid-3x5"),
        case(softplus, (N(()),), "softplus-scalar"),
        case(softplus, (N((3, 5)),), "softplus-3x5"),
        case(relu, (("away0", (7,)),), "relu-7"),
        case(relu, (("away0", (3, 5)),), "relu-3x5"),
        case(softmax, (N((4,)),), "softmax-4"),
        case(softmax, (N((3, 5)),), "softmax-3x5"),
        case(softmax, (N((3, 5)), C(0)), "softmax-3x5-axis0-positional"),
        case(softmax, (N((2, 3, 4)),), "softmax-2x3x4-axis1", axis=1),
        case(log_softmax, (N((4,)),), "log_softmax-4"),
        case(log_softmax, (N((3, 5)),), "log_softmax-3x5"),
        case(log_softmax, (N((3, 5)), C(0)), "log_softmax-3x5-axis0-positional"),
        case(log_softmax, (N((2, 3, 4)),), "log_softmax-2x3x4-axis1", axis=1),
        case(mse_loss, (N((3, 4)), N((3, 4))), "mse-mean"),
        case(mse_loss, (N((3, 4)), N((3, 4))), "mse-sum", reduction="sum"),
        case(mse_loss, (N((3, 4)), N((3, 4))), "mse-none", reduction="none"),
        case(mse_loss, (N((3, 4)), N((4,))), "mse-broadcast-target"),
        case(mse_loss, (N((1, 4)), N((3, 1))), "mse-broadcast-both-none", reduction="none"),
        case(mse_loss, (N((3, 4)), N((3, 4)), C("sum")), "mse-sum-positional"),
        case(BCE, (N((5,)), U((5,))), "bce-plain"),
        case(BCE, (N((4, 3)), U((4, 3)), P((3,)), P((3,))), "bce-w3-pw3-mean"),
        case(BCE, (N((4, 3)), U((4, 3)), P((3,)), P((3,))), "bce-w3-pw3-sum", reduction="sum"),
        case(BCE, (N((4, 3)), U((4, 3)), P((4, 1)), P(())), "bce-w4x1-pw0d-none", reduction="none"),
        case(
            BCE, (N((4, 3)), U((4, 3)), P((4, 3)), P((4, 3)), C("sum")), "bce-full-sum-positional"
        ),
        case(BCE, (N((2, 3)), U((2, 3)), C(None), P((3,))), "bce-pos_weight-only"),
        case(BCE, (N((2, 3)), U((2, 3)), P((1, 3))), "bce-weight-only", reduction="none"),
        case(cross_entropy, (N((4, 3)), ("index", (4,), 3)), "ce-index-mean"),
        case(cross_entropy, (N((4, 3)), ("index", (4,), 3)), "ce-index-sum", reduction="sum"),
        case(cross_entropy, (N((4, 3)), ("index", (4,), 3), P((3,))), "ce-index-weight-mean"),
        case(
            cross_entropy,
            (N((4, 3)), ("index", (4,), 3), P((3,))),
            "ce-index-weight-none",
            reduction="none",
        ),
        case(
            cross_entropy,
            (N((5, 4)), ("index", (5,), 4), P((4,))),
            "ce-index-weight-smooth",
            label_smoothing=0.2,
        ),
        case(cross_entropy, (N((4,)), ("index", (), 4), P((4,))), "ce-index-1d"),
        case(
            cross_entropy,
            (N((2, 3, 5)), ("index", (2, 5), 3), P((3,))),
            "ce-index-spatial",
        ),
        case(cross_entropy, (N((4, 3)), ("probs", (4, 3), 1)), "ce-probs-mean"),
        case(
            cross_entropy,
            (N((4, 3)), ("probs", (4, 3), 1), P((3,))),
            "ce-probs-weight-smooth",
            label_smoothing=0.1,
        ),
        case(
            cross_entropy,
            (N((4, 3)), ("probs", (4, 3), 1), P((3,)), C("none")),
            "ce-probs-weight-none-positional",
        ),
        case(cross_entropy, (N((2, 3, 5)), ("probs", (2, 3, 5), 1), P((3,))), "ce-probs-spatial"),
    ]


NN_CASES = _nn_cases()


# ---- the generic helpers ----------------------------------------------------------------------


def call(primitive: Any, args: tuple[Any, ...], params: dict[str, Any]) -> Any:
    if isinstance(primitive, MethodKey):
        return getattr(args[0], primitive.name)(*args[1:], **params)
    if isinstance(primitive, AttributeKey):
        return getattr(args[0], primitive.name)
    return primitive(*args, **params)


def random_like(x: Any, rng: np.random.Generator) -> Any:
    if isinstance(x, (tuple, list)):
        return _rebuilt(x, [random_like(item, rng) for item in x])
    if isinstance(x, dict):
        return {key: random_like(value, rng) for key, value in x.items()}
    if isinstance(x, float):
        return float(rng.normal())
    if np.iscomplexobj(x):  # real and imaginary parts both random
        shape = np.shape(x)
        return np.asarray(rng.normal(size=shape) + 1j * rng.normal(size=shape),
                          dtype=np.result_type(x))
    return np.asarray(rng.normal(size=np.shape(x)), dtype=np.result_type(x))


def _rebuilt(x: Any, items: list[Any]) -> Any:  # a tuple, list or namedtuple like x
    return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)


def perturb(x: Any, u: Any, step: float) -> Any:
    if isinstance(x, (tuple, list)):
        return _rebuilt(x, [perturb(a, b, step) for a, b in zip(x, u, strict=True)])
    if isinstance(x, dict):
        return {key: perturb(value, u[key], step) for key, value in x.items()}
    if isinstance(x, float):
        return x + step * float(u)
    if isinstance(x, np.generic):
        return x + x.dtype.type(step * u)
    moved = np.empty_like(x)  # keeps the memory layout (ravel(order="K") depends on it)
    moved[...] = x + step * u
    return moved


def vdot(a: Any, b: Any) -> float:
    if isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b)
        return sum((vdot(x, y) for x, y in zip(a, b, strict=True)), 0.0)
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys()
        return sum((vdot(value, b[key]) for key, value in a.items()), 0.0)
    if np.iscomplexobj(a) or np.iscomplexobj(b):  # the real pairing Re(a * b) of docs/complex.md
        product = np.asarray(a, dtype=np.complex128) * np.asarray(b, dtype=np.complex128)
        return float(np.sum(product).real)
    return float(np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)))


def assert_same_structure(partial: Any, arg: Any, rule: str) -> None:
    if isinstance(arg, (tuple, list)):
        assert isinstance(partial, (tuple, list)), f"{rule}: expected a sequence of partials"
        assert len(partial) == len(arg), rule
        for p, a in zip(partial, arg, strict=True):
            assert_same_structure(p, a, rule)
        return
    if isinstance(arg, dict):
        assert isinstance(partial, dict), f"{rule}: expected a dict of partials"
        assert partial.keys() == arg.keys(), rule
        for key, value in arg.items():
            assert_same_structure(partial[key], value, rule)
        return
    assert np.shape(partial) == np.shape(arg), f"{rule}: {np.shape(partial)} != {np.shape(arg)}"


def leaves(x: Any) -> list[Any]:
    if isinstance(x, (tuple, list)):
        return [leaf for item in x for leaf in leaves(item)]
    if isinstance(x, dict):
        return [leaf for item in x.values() for leaf in leaves(item)]
    return [x]


def to_float32(x: Any) -> Any:
    if isinstance(x, (tuple, list)):
        return _rebuilt(x, [to_float32(item) for item in x])
    if isinstance(x, dict):
        return {key: to_float32(value) for key, value in x.items()}
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype == np.float64:
        return x.astype(np.float32)
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype == np.complex128:
        return x.astype(np.complex64)
    return x


def has_array_spec(spec: Any) -> bool:
    """Whether the argument built from ``spec`` contains a float array (a float32 candidate)."""
    spec = as_spec(spec)
    kind = spec[0]
    if kind == "const":
        if isinstance(spec[1], tuple) and hasattr(spec[1], "_fields"):
            return is_float_spec(spec)
        return isinstance(spec[1], np.ndarray) and spec[1].dtype.kind == "f"
    if kind in ("list", "tuple"):
        return any(has_array_spec(item) for item in spec[1])
    if kind == "dict":
        return any(has_array_spec(item) for item in spec[1].values())
    return kind not in ("bool", "pyfloat", "complex")


def display_name(primitive: Any) -> str:
    """A readable test id for a primitive: ``tanh``, ``linalg.norm``, ``x.sum()``, ``x.T``."""
    if isinstance(primitive, MethodKey):
        return f"x.{primitive.name}()"
    if isinstance(primitive, AttributeKey):
        return f"x.{primitive.name}"
    name = getattr(primitive, "__name__", repr(primitive))
    owner = getattr(primitive, "__self__", None)
    if isinstance(owner, np.ufunc):  # a bound ufunc method: ``add.reduce``
        return f"{owner.__name__}.{name}"
    return f"linalg.{name}" if "linalg" in (getattr(primitive, "__module__", "") or "") else name


# ---- more cases, one file per rule family: tests/runtime/cases_<family>.py -------------------
# Each such file imports what it needs from this module (``from autodiff_rule_cases import case``)
# and defines ``CASES`` (primitive -> list of Case) and optionally ``ALIAS_CASES`` and
# ``NONDIFF_CASES`` (non-differentiable primitive -> tuple of argument specs, for test_nondiff.py).

NONDIFF_CASES: dict[Any, tuple[Any, ...]] = {}


def _load_case_files() -> None:
    import importlib.util
    import pathlib
    import sys

    for path in sorted(pathlib.Path(__file__).parent.glob("cases_*.py")):
        name = f"autodiff_rule_cases_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        for primitive, cases in module.CASES.items():
            CASES.setdefault(primitive, []).extend(cases)
        for method, cases in getattr(module, "ALIAS_CASES", {}).items():
            ALIAS_CASES.setdefault(method, []).extend(cases)
        NONDIFF_CASES.update(getattr(module, "NONDIFF_CASES", {}))


_load_case_files()
