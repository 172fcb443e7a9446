"""Sample inputs of the rules added for issue 14's numpy/scipy surface gaps (numpy side):
``structure_like`` (what ``np.array``'s rules call), ...; loaded by ``rule_cases.py``."""

from __future__ import annotations

import numpy as np
from autodiff_rule_cases import PY, C, L, N, T, case

from autodiff.runtime.rules_fill import structure_like

CASES = {
    structure_like: [case("list-of-scalars", N(3), L(N(), N(), N())),
                     case("nested", N(2, 2), L(T(N(), N()), L(N(), N()))),
                     case("list-of-arrays", N(2, 3), L(N(3), N(3))),
                     case("array", N(6), N(2, 3))],
}


# ---- complex Hermitian decompositions: the rules read one triangle, like LAPACK -------------

_rng = np.random.default_rng(14)


def _complex(*shape: int) -> np.ndarray:
    return _rng.normal(size=shape) + 1j * _rng.normal(size=shape)


def _hermitian(*shape: int) -> np.ndarray:
    # eigenvalues spread apart (gaps >= 1), eigenvectors random and complex
    n = shape[-1]
    q = np.linalg.qr(_complex(*shape))[0]
    w = np.arange(n) * 1.5 - n / 2 + _rng.uniform(-0.2, 0.2, size=(*shape[:-1],))
    return np.matmul(q * np.expand_dims(w, -2), np.conj(np.swapaxes(q, -1, -2)))


def _hermitian_pd(*shape: int) -> np.ndarray:
    x = _complex(*shape)
    n = shape[-1]
    return np.matmul(x, np.conj(np.swapaxes(x, -1, -2))) / n + np.eye(n)


def _with_noise(a: np.ndarray) -> np.ndarray:  # not Hermitian: only one triangle is read
    return a + 0.3 * _complex(*a.shape)


HERM, HPD = (lambda *s: C(_hermitian(*s))), (lambda *s: C(_hermitian_pd(*s)))
CASES.update({
    np.linalg.eigh: [case("complex", HERM(3, 3)), case("complex-upper-batched", HERM(2, 3, 3), "U"),
                     case("complex-one-triangle", C(_with_noise(_hermitian(4, 4))))],
    np.linalg.eigvalsh: [case("complex", HERM(3, 3)),
                         case("complex-upper-one-triangle", C(_with_noise(_hermitian(3, 3))), "U")],
    np.linalg.cholesky: [case("complex", HPD(3, 3)), case("complex-batched", HPD(2, 3, 3)),
                         case("complex-one-triangle", C(_with_noise(_hermitian_pd(3, 3)) + 3 * np.eye(3)))],
})
CASES[np.linalg.qr] = [case("complex-square", C(_complex(3, 3) + 3 * np.eye(3))),
                       case("complex-tall", C(_complex(5, 3))),
                       case("complex-batched", C(_complex(2, 4, 3))),
                       case("complex-r-only", C(_complex(4, 3)), "r")]
CASES[np.linalg.svd] = [case("complex-values", C(_complex(4, 3)), compute_uv=False),
                        case("complex-values-batched", C(_complex(2, 3, 5)), False, False)]
if hasattr(np.linalg, "svdvals"):  # numpy >= 2.0
    CASES[np.linalg.svdvals] = [case("complex", C(_complex(3, 4)))]


# ---- array builders (rules_construct) -------------------------------------------------------

_CHOICE = np.array([[0, 1, 2, 1], [2, 2, 0, 1], [1, 0, 0, 2]])
CASES.update({
    np.meshgrid: [case("xy-2", N(3), N(4)), case("ij-3", N(2), N(3), N(4), indexing="ij"),
                  case("xy-3-sparse", N(2), N(3), N(2), sparse=True),
                  case("one", N(3)), case("2d-input", N(2, 2), N(3)),
                  case("four-ij", N(2), N(1), N(3), N(2), indexing="ij")],
    np.choose: [case("list", C(np.array([0, 1, 0, 1])), L(N(4), N(4))),
                case("bcast", C(_CHOICE), L(N(4), N(3, 1), N())),
                case("array-choices", C(_CHOICE), N(3, 3, 4)),
                case("wrap", C(np.array([0, 4, -1, 2])), T(N(4), N(4), N(4)), mode="wrap"),
                case("clip", C(np.array([0, 4, -1, 2])), L(N(4), N(1), N(4)), mode="clip")],
    np.bincount: [case("weights", C(np.array([0, 1, 1, 3, 0])), N(5)),
                  case("minlength", C(np.array([2, 0, 2])), weights=N(3), minlength=5)],
    np.float64: [case("0d", N()), case("pyfloat", PY()), case("array", N(3)),
                 case("list", L(N(), N()))],
    # float32 inputs near 0: float32 resolves the finite-difference steps, and the tangent is
    # the same float32 value in both modes
    np.float32: [case("0d", C(np.zeros((), np.float32))),
                 case("array", C(np.zeros((2, 3), np.float32)))],
})
CASES[np.linalg.svd] += [case("complex-square", C(_complex(3, 3))),
                         case("complex-tall", C(_complex(4, 3)), full_matrices=False),
                         case("complex-tall-batched", C(_complex(2, 5, 2)), False),
                         case("complex-full-square", C(_complex(2, 2)), full_matrices=True)]
