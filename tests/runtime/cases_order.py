"""Sample inputs of the order-statistic and nan-aware reduction rules (``rules_order``,
``rules_nan``); loaded by ``rule_cases.py``. Values are distinct (gaps >= 0.3), so the order of
the entries does not change within a finite-difference step; quantiles sit between grid points.

The generic checks compare inputs with ``np.array_equal`` (NaN != NaN), so the nan-aware rules
get NaN-free samples here; ``test_order_and_nan_rules.py`` checks them on inputs with NaNs.
"""

from __future__ import annotations

import numpy as np
from autodiff_rule_cases import A, C, D, case

_NAN_34, _NAN_235 = D(3, 4), D(2, 3, 5)  # NaN inputs: test_order_and_nan_rules.py
_Q2 = np.array([0.15, 0.62])

CASES = {
    np.sort: [case("last", D(3, 4)), case("axis0", D(4, 3), 0), case("flat", D(2, 3), axis=None),
              case("1d", D(6))],
    **({np.msort: [case("2d", D(4, 3)), case("1d", D(5))]} if hasattr(np, "msort") else {}),
    np.partition: [case("1d", D(7), 3), case("axis0", D(5, 3), 2, 0),
                   case("kths", D(3, 6), [1, 4]), case("flat", D(2, 4), 5, None)],
    np.median: [case("flat-odd", D(5)), case("flat-even", D(2, 3)), case("axis1", D(3, 4), 1),
                case("axes-keepdims", D(2, 3, 4), (0, 2), keepdims=True)],
    np.quantile: [
        case("scalar", D(7), 0.3),
        case("axis", D(3, 5), 0.73, 1),
        case("q-array-axis0", D(6, 2), C(_Q2), 0),
        case("keepdims", D(2, 3, 4), 0.41, axis=(0, 2), keepdims=True),
        case("lower", D(9), 0.3, method="lower"),
        case("higher", D(3, 4), 0.55, 1, method="higher"),
        case("nearest", D(8), 0.3, method="nearest"),
        case("midpoint", D(8), 0.3, method="midpoint"),
    ],
    np.percentile: [case("scalar", D(7), 30.0), case("array", D(3, 5), C(_Q2 * 100), 1)],
    np.nanmedian: [case("flat", _NAN_34), case("axis1", _NAN_34, 1),
                   case("keepdims", _NAN_235, axis=2, keepdims=True)],
    np.nanquantile: [case("axis1", _NAN_34, 0.35, 1),
                     case("q-array", _NAN_235, C(_Q2), axis=-1)],
    np.nanpercentile: [case("flat", _NAN_34, 72.0), case("axis0", _NAN_235, 40.0, 0)],
    np.nansum: [case("flat", _NAN_34), case("axis1-keepdims", _NAN_34, 1, keepdims=True)],
    np.nanmean: [case("flat", _NAN_34), case("axes", _NAN_235, (0, 2))],
    np.nanmax: [case("flat", _NAN_34), case("axis1", _NAN_34, 1)],
    np.nanmin: [case("axis-1", _NAN_235, -1), case("keepdims", _NAN_34, 0, keepdims=True)],
    np.nanprod: [case("axis1", _NAN_34, 1), case("plain", A(2, 3))],
    np.nanvar: [case("flat", _NAN_34), case("axis1-ddof", _NAN_235, 2, ddof=1)],
    np.nanstd: [case("axis1", _NAN_34, 1), case("keepdims", _NAN_235, 2, keepdims=True)],
    np.nancumsum: [case("flat", _NAN_34), case("axis1", _NAN_34, 1)],
    np.nancumprod: [case("axis1", A(3, 4), 1), case("flat", A(3, 4))],
}
