"""Sample inputs of the statistics and constructor rules (``rules_statistics``): ``average``,
``ptp``, ``cov``, ``corrcoef``, ``logspace``, ``geomspace``, ``vander``, ``ediff1d``,
``cumulative_sum``/``cumulative_prod``, ``unwrap``, ``i0`` and ``fft.fftfreq``/``rfftfreq``;
loaded by ``rule_cases.py``."""

from __future__ import annotations

import numpy as np
from autodiff_rule_cases import PY, A, C, D, N, P, U, case

from autodiff.runtime import registry

_AW = np.array([0.5, 1.5, 1.0, 2.0, 0.7])  # analytic weights for 5 observations
_FW = np.array([1, 2, 1, 3, 1])  # frequency weights for 5 observations

CASES = {
    np.average: [
        case("all", N(3, 4)),
        case("axis1", N(3, 4), 1),
        case("axis-tuple-keepdims", N(2, 3, 4), (0, 2), keepdims=True),
        case("weights-full", N(3, 4), None, P(3, 4)),
        case("weights-1d-axis0", N(3, 4), 0, P(3)),
        case("weights-1d-axis-1-keepdims", N(2, 3, 4), -1, P(4), keepdims=True),
        case("returned", N(3, 4), 1, P(3, 4), True),
        case("returned-1d-weights", N(2, 5), 1, P(5), True),
        case("returned-unweighted", N(4, 3), 0, None, True),
    ],
    np.ptp: [
        case("all", D(3, 4)),
        case("axis0", D(3, 4), 0),
        case("axis1-keepdims", D(2, 3, 4), 1, keepdims=True),
    ],
    np.cov: [
        case("rows", N(3, 5)),
        case("1d", N(6)),
        case("cols", N(6, 2), rowvar=False),
        case("with-y", N(2, 5), N(5)),
        case("with-y-cols", N(5, 2), N(5, 3), False),
        case("bias", N(3, 5), bias=True),
        case("ddof2", N(2, 6), ddof=2),
        case("aweights", N(3, 5), aweights=_AW),
        case("fweights", N(2, 5), fweights=_FW),
        case("both-weights-ddof0", N(2, 5), fweights=_FW, aweights=_AW, ddof=0),
        case("both-weights", N(2, 5), N(5), fweights=_FW, aweights=_AW),
    ],
    np.corrcoef: [
        case("rows", N(3, 6)),
        case("cols", N(7, 3), rowvar=False),
        case("with-y", N(6), N(6)),
        case("with-y-2d", N(2, 6), N(2, 6)),
    ],
    np.logspace: [
        case("scalars", PY(), PY(), 5),
        case("base2-no-endpoint", PY("unit"), PY("unit"), 4, False, 2.0),
        case("arrays-axis1", U(3), U(2, 1), 4, True, 10.0, None, 1),
        case("array-base", PY("unit"), PY("unit"), 3, base=np.array([2.0, 3.0])),
    ],
    np.geomspace: [
        case("positive", PY("positive"), PY("positive"), 5),
        case("negative", ("pyfloat", "small"), ("pyfloat", "small"), 4),
        case("arrays-no-endpoint", P(3), P(2, 1), 4, False),
        case("arrays-axis-1", P(2), P(2), 3, True, None, -1),
    ],
    np.vander: [
        case("square", N(4)),
        case("wide-increasing", N(3), 5, True),
        case("narrow", N(5), 2),
    ],
    np.ediff1d: [
        case("1d", N(6)),
        case("2d-flattened", N(2, 3)),
        case("to-end-begin", N(5), N(2), N(3)),
        case("scalar-end", N(4), PY()),
        case("begin-only", N(4), None, N(2)),
    ],
    np.unwrap: [
        case("1d", N(6)),
        case("axis0", N(4, 3), None, 0),
        case("discont-period", N(5), ("pyfloat", "above1"), period=5.0),
    ],
    np.i0: [
        case("1d", N(5)),
        case("large", ("npscalar", "big")),
        case("2d", A(2, 3)),
    ],
    np.polyfit: [
        case("line", C(np.linspace(-1.0, 1.0, 6)), N(6), 1),
        case("cubic-2d-y", C(np.linspace(0.0, 2.0, 7)), N(7, 3), 3),
        case("weighted-rcond", C(np.array([0.0, 0.3, 0.9, 1.4, 2.2])), N(5), 2, 1e-10, False,
             C(np.array([1.0, 0.5, 2.0, 1.5, 0.8]))),
    ],
    np.fft.fftfreq: [case("d", 8, PY("positive")), case("odd", 7, PY("positive"))],
    np.fft.rfftfreq: [case("d", 8, PY("positive")), case("odd", 9, PY("positive"))],
}

if hasattr(np, "cumulative_sum"):  # numpy >= 2.1
    CASES[np.cumulative_sum] = [
        case("1d", N(5)),
        case("axis1-initial", N(3, 4), axis=1, include_initial=True),
        case("axis0", N(3, 4), axis=0),
    ]
    CASES[np.cumulative_prod] = [
        case("1d", A(5)),
        case("axis0-initial", A(3, 4), axis=0, include_initial=True),
    ]

if registry.method_alias("ptp") is not None:  # numpy < 2.0 (x.ptp() is gone in 2.x)
    ALIAS_CASES = {"ptp": [case("axis", D(3, 4), 1)]}
