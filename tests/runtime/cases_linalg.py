"""Sample inputs of the linear-algebra rules (rules_bilinear, rules_einsum, rules_linalg,
rules_norm, rules_decompositions) that ``rule_cases.py`` does not hold: well-conditioned
matrices, symmetric positive definite ones, distinct eigenvalues and singular values, stacked
(batched) shapes. Fixed float arrays are passed as constants (they are still differentiated)."""

from __future__ import annotations

from typing import Any

import numpy as np
from autodiff_rule_cases import A, C, L, M, N, T, case

import autodiff.runtime as rt
from autodiff.runtime.registry import AttributeKey
from autodiff.runtime.rules_decompositions import real_matrix

_rng = np.random.default_rng(7)


def _spd(*shape: int) -> np.ndarray:
    x = _rng.normal(size=shape)
    n = shape[-1]
    return np.matmul(x, np.swapaxes(x, -1, -2)) / n + np.eye(n)


def _symmetric(*shape: int) -> np.ndarray:
    # eigenvalues spread apart (gaps >= 1), eigenvectors random
    n = shape[-1]
    q = np.linalg.qr(_rng.normal(size=shape))[0]
    w = np.arange(n) * 1.5 - n / 2 + _rng.uniform(-0.2, 0.2, size=(*shape[:-1],))
    return np.matmul(q * np.expand_dims(w, -2), np.swapaxes(q, -1, -2))


def _distinct_real_eigen(*shape: int) -> np.ndarray:
    n = shape[-1]
    p = np.eye(n) + 0.3 * _rng.normal(size=shape)
    w = np.arange(1, n + 1) * 1.2 + _rng.uniform(-0.2, 0.2, size=(*shape[:-1],))
    return np.matmul(p * np.expand_dims(w, -2), np.linalg.inv(p))


def _distinct_singular(*shape: int) -> np.ndarray:
    rows, cols = shape[-2:]
    k = min(rows, cols)
    u = np.linalg.qr(_rng.normal(size=(*shape[:-2], rows, k)))[0]
    v = np.linalg.qr(_rng.normal(size=(*shape[:-2], cols, k)))[0]
    s = np.arange(k, 0, -1) * 1.0 + 0.5 + _rng.uniform(-0.1, 0.1, size=(*shape[:-2], k))
    return np.matmul(u * np.expand_dims(s, -2), np.swapaxes(v, -1, -2))


def _full_rank(*shape: int) -> np.ndarray:
    return _distinct_singular(*shape)


SPD, SYM = (lambda *s: C(_spd(*s))), (lambda *s: C(_symmetric(*s)))
EIG, SVD = (lambda *s: C(_distinct_real_eigen(*s))), (lambda *s: C(_distinct_singular(*s)))


def _chain(count: int) -> tuple[Any, ...]:  # 'ab,bc,cd,...' over ``count`` small matrices
    letters = "abcdefghijklmnopqrstuvwxyz"
    terms = ",".join(letters[i] + letters[i + 1] for i in range(count))
    return (f"{terms}->a{letters[count]}", *(N(2, 2) for _ in range(count)))



def _cross_takes_2_vectors() -> bool:
    try:  # numpy >= 2.5 accepts only 3-vectors
        np.cross(np.ones(2), np.ones(2))
    except ValueError:
        return False
    return True


_CROSS_2D_CASES = [
    case("2-2", N(2), N(2)),
    case("batched-2-2", N(4, 2), N(4, 2)),
    case("2-3", N(2), N(3)),
    case("3-2-batched", N(4, 3), N(1, 2)),
    case("2-2-axes", N(2, 4), N(4, 2), 0, 1),
] if _cross_takes_2_vectors() else []

CASES: dict[Any, list[Any]] = {
    np.kron: [
        case("1d-1d", N(3), N(2)),
        case("2d-2d", N(2, 3), N(3, 2)),
        case("1d-2d", N(2), N(3, 2)),
        case("3d-2d", N(2, 1, 2), N(2, 3)),
        case("0d-2d", N(), N(2, 2)),
    ],
    np.cross: [
        case("3-3", N(3), N(3)),
        case("batched-3", N(4, 3), N(3)),
        case("axisa-axisb-axisc", N(3, 4), N(4, 3), axisa=0, axisb=1, axisc=0),
        case("axis", N(3, 5), N(3, 5), axis=0),
        *_CROSS_2D_CASES,
    ],
    np.convolve: [
        case(f"{mode}-{na}-{nv}", N(na), N(nv), mode)
        for mode in ("full", "same", "valid") for na, nv in ((5, 3), (3, 5), (4, 4), (6, 1))
    ],
    np.correlate: [
        case(f"{mode}-{na}-{nv}", N(na), N(nv), mode=mode)
        for mode in ("full", "same", "valid") for na, nv in ((5, 3), (3, 5), (4, 4), (5, 2))
    ] + [case("default-valid", N(6), N(3))],
    np.einsum: [
        case("matmul", "ij,jk->ik", N(3, 4), N(4, 2)),
        case("implicit", "ij,jk", N(3, 4), N(4, 2)),
        case("implicit-transpose", "ji", N(3, 4)),
        case("implicit-uppercase", "bA,Ab", N(3, 4), N(4, 3)),
        case("trace", "ii", N(3, 3)),
        case("diagonal", "ii->i", N(3, 3)),
        case("repeated-3", "iij->ji", N(3, 3, 2)),
        case("sum", "ij->", N(3, 4)),
        case("batched-ellipsis", "...ij,...jk->...ik", N(2, 3, 4), N(4, 2)),
        case("ellipsis-implicit-bcast", "...ij,...jk", N(2, 1, 3, 4), N(5, 4, 2)),
        case("size-1-bcast", "ij,ij->ij", N(3, 1), N(3, 4)),
        case("outer", "i,j->ij", N(3), N(2)),
        case("attention", "bqd,bkd->bqk", N(2, 3, 4), N(2, 5, 4)),
        case("three-optimize-true", "ij,jk,kl->il", N(2, 3), N(3, 4), N(4, 2), optimize=True),
        case("three-optimal", "ij,jk,kl->il", N(2, 3), N(3, 4), N(4, 2), optimize="optimal"),
        case("three-greedy", "ij,jk,kl", N(2, 3), N(3, 4), N(4, 2), optimize="greedy"),
        case("three-path", "ij,jk,kl->il", N(2, 3), N(3, 4), N(4, 2),
             optimize=["einsum_path", (1, 2), (0, 1)]),
        case("eight-operands", *_chain(8)),
        case("sublists", N(2, 3), [0, 1], N(3, 4), [1, 2], [0, 2]),
        case("sublists-ellipsis-implicit", N(2, 3), [Ellipsis, 1], N(3), [1]),
        case("sublists-four", N(2, 3), [0, 1], N(3, 2), [1, 2], N(2, 2), [2, 3], N(2), [3], [0]),
    ],
    np.linalg.slogdet: [case("3x3", M(3, 3)), case("batched", M(2, 3, 3)),
                        case("negative-det", C(np.diag([-2.0, 1.5, 3.0]) + 0.1))],
    np.linalg.matrix_power: [
        case("n3", M(3, 3), 3), case("n1", M(3, 3), 1), case("n0", M(3, 3), 0),
        case("n-1", M(3, 3), -1), case("n-3-batched", M(2, 3, 3), -3),
        case("n2-batched", M(2, 3, 3), n=2),
    ],
    np.linalg.multi_dot: [
        case("three", L(N(2, 3), N(3, 4), N(4, 2))),
        case("vectors", L(N(3), N(3, 4), N(4, 2), N(2))),
        case("two", T(N(2, 3), N(3, 2))),
    ],
    np.linalg.tensorinv: [case("ind2", C(np.eye(6).reshape(2, 3, 6) * 2.0 + 0.1), ind=2),
                          case("ind1", M(4, 4), 1)],
    np.linalg.tensorsolve: [
        case("2d", M(3, 3), N(3)),
        case("4d", C(np.eye(6).reshape(2, 3, 2, 3) * 2.0 + 0.1), N(2, 3)),
        case("axes", C((3.0 * np.eye(6) + 0.3 * _rng.normal(size=(6, 6))).reshape(6, 3, 2)
                       .transpose(2, 0, 1)), N(6), axes=(0,)),
    ],
    np.linalg.norm: [
        case("vector-ord-2", A(5), 2), case("vector-ord-neg1", A(4), -1),
        case("vector-ord-half", A(4), 0.5), case("vector-ord-neg2", A(4), -2),
        case("matrix-nuc", SVD(3, 4), "nuc"), case("matrix-2", SVD(4, 3), 2),
        case("matrix-neg2", SVD(3, 3), -2),
        case("matrix-1", ("distinct_abs", (3, 4)), 1),
        case("matrix-neg1", ("distinct_abs", (3, 4)), -1),
        case("matrix-inf", ("distinct_abs", (3, 4)), np.inf),
        case("matrix-neg-inf", ("distinct_abs", (4, 3)), -np.inf),
        case("matrix-axes-2-keepdims", SVD(2, 3, 4), 2, (1, 2), True),
        case("matrix-axes-nuc-swapped", SVD(3, 2, 4), "nuc", axis=(2, 0)),
        case("matrix-axes-1", ("distinct_abs", (2, 3, 4)), 1, (-1, 0)),
        case("matrix-axes-inf-keepdims", ("distinct_abs", (2, 3, 4)), np.inf, (0, 2), True),
        case("matrix-fro-axes", N(2, 3, 4), "fro", (0, 2)),
        case("vector-axis-ord1-keepdims", A(3, 4), 1, 0, True),
        case("vector-axis-inf", ("distinct_abs", (3, 4)), np.inf, -1),
    ],
    np.linalg.cond: [
        case("2-norm", SVD(3, 3)), case("p2-batched", SVD(2, 4, 4), 2), case("p-2", SVD(3, 3), -2),
        case("tall", SVD(4, 3)), case("fro", M(3, 3), "fro"), case("nuc-batched", M(2, 3, 3), "nuc"),
        case("p1", ("matrix", (3, 3)), 1), case("inf", ("matrix", (3, 3)), p=np.inf),
    ],
    real_matrix: [case("3x3", N(3, 3), "np.linalg.svd")],
    np.linalg.cholesky: [case("3x3", SPD(3, 3)), case("batched", SPD(2, 3, 3)),
                         case("upper", SPD(4, 4), upper=True)],
    np.linalg.eigh: [case("3x3", SYM(3, 3)), case("batched", SYM(2, 4, 4)),
                     case("upper", SYM(3, 3), "U"), case("nonsymmetric-input", N(3, 3))],
    np.linalg.eigvalsh: [case("3x3", SYM(3, 3)), case("batched-upper", SYM(2, 3, 3), UPLO="U")],
    np.linalg.eig: [case("3x3", EIG(3, 3)), case("batched", EIG(2, 3, 3))],
    np.linalg.eigvals: [case("3x3", EIG(3, 3)), case("batched", EIG(2, 4, 4))],
    np.linalg.svd: [
        case("square", SVD(3, 3)), case("tall-reduced", SVD(4, 3), full_matrices=False),
        case("wide-reduced", SVD(3, 5), False), case("batched", SVD(2, 4, 3), False),
        case("values-only", SVD(4, 3), compute_uv=False),
        case("values-only-batched", SVD(2, 3, 5), False, False),
        case("hermitian-values", SYM(3, 3), compute_uv=False, hermitian=True),
        case("hermitian", SYM(4, 4), hermitian=True),
    ],
    np.linalg.qr: [case("square", M(3, 3)), case("tall", SVD(5, 3)),
                   case("batched", SVD(2, 4, 3)), case("r-only", SVD(4, 3), "r"),
                   case("complete-square", M(3, 3), mode="complete")],
    np.linalg.pinv: [case("square", M(3, 3)), case("tall", SVD(5, 3)), case("wide", SVD(2, 4)),
                     case("batched", SVD(2, 4, 3)), case("rtol", SVD(4, 3), rtol=1e-10)],
    np.linalg.lstsq: [
        case("tall-vector", SVD(5, 3), N(5)),
        case("tall-matrix", SVD(5, 3), N(5, 2)),
        case("square", M(3, 3), N(3)),
        case("wide", SVD(2, 4), N(2)),
        case("rcond", SVD(4, 2), N(4, 3), rcond=None),
    ],
}
if hasattr(np, "vecdot"):  # numpy >= 2.0
    CASES[np.vecdot] = [case("1d", N(4), N(4)), case("bcast", N(2, 3, 4), N(3, 4)),
                        case("axis0", N(4, 3), N(4, 1), axis=0)]
if hasattr(np.linalg, "vector_norm"):  # numpy >= 2.0
    CASES[np.linalg.vector_norm] = [
        case("all", N(2, 3)), case("axis", N(3, 4), axis=1),
        case("tuple-axes-keepdims", N(2, 3, 4), axis=(0, 2), keepdims=True),
        case("ord1", A(5), ord=1), case("inf", ("distinct_abs", (3, 4)), axis=0, ord=np.inf),
    ]
    CASES[np.linalg.matrix_norm] = [
        case("fro", N(3, 4)), case("nuc-batched", SVD(2, 3, 4), ord="nuc"),
        case("2-keepdims", SVD(3, 3), keepdims=True, ord=2), case("inf", ("distinct_abs", (2, 3, 4)), ord=np.inf),
    ]
if hasattr(np.linalg, "svdvals"):  # numpy >= 2.0
    CASES[np.linalg.svdvals] = [case("tall", SVD(4, 3)), case("batched", SVD(2, 3, 5))]

_SVD = np.linalg.svd(_distinct_singular(4, 3), full_matrices=False)
_EIGH = np.linalg.eigh(_symmetric(3, 3))
_EIG = np.linalg.eig(_distinct_real_eigen(3, 3))
_SLOGDET = np.linalg.slogdet(_spd(2, 3, 3))
_QR = np.linalg.qr(_distinct_singular(4, 3))
# numpy >= 2.5 returns eig's results complex even when they are real (no float32 sample then)
_REAL_EIG = () if np.iscomplexobj(_EIG.eigenvalues) else (_EIG,)
for _result in (_SVD, _EIGH, *_REAL_EIG, _SLOGDET, _QR):
    for _field in _result._fields:
        CASES.setdefault(AttributeKey(_field), []).append(
            case(type(_result).__name__, C(_result)))
if hasattr(np.linalg, "diagonal"):  # numpy >= 2.0: the array-API spellings in np.linalg
    CASES[np.linalg.diagonal] = [case("3d", N(2, 3, 4)), case("offset", N(3, 4), offset=1)]
    CASES[np.linalg.trace] = [case("3d", N(2, 3, 3)), case("offset-dtype", N(3, 4), offset=-1,
                                                          dtype=np.float64)]
    CASES[np.linalg.matmul] = [case("batched", N(2, 3, 4), N(4, 2)), case("1d", N(3), N(3, 2))]
    CASES[np.linalg.outer] = [case("1d", N(3), N(4))]
    CASES[np.linalg.tensordot] = [case("axes1", N(2, 3), N(3, 4), axes=1),
                                  case("default", N(2, 3, 4), N(3, 4, 2))]
    CASES[np.linalg.cross] = [case("3", N(4, 3), N(3)), case("axis0", N(3, 2), N(3, 2), axis=0)]
    CASES[np.linalg.vecdot] = [case("bcast", N(2, 3), N(3)), case("axis", N(3, 2), N(3, 1),
                                                                  axis=0)]

# Second order of einsum: its rules have rules. The chain 'ab,bc,...->ai' of 2x2 matrices (string
# form, operands at positions 1..8) and four 2x2 matrices in sublist form (positions 0, 2, 4, 6).
_STRING = _chain(8)
_SUBLISTS = (N(2, 2), [0, 1], N(2, 2), [1, 2], N(2, 2), [2, 3], N(2, 2), [3, 4], [0, 4])
for _k in range(9):
    for _kind in ("vjp", "jvp"):
        _forms = [("string", _STRING)] if _k >= 1 else []
        _forms += [("sublists", _SUBLISTS)] if _k % 2 == 0 and _k < 8 else []
        for _label, _args in _forms:
            CASES.setdefault(getattr(rt, f"einsum_{_kind}_arg{_k}"), []).append(
                case(_label, N(2, 2), C(None), *_args))
