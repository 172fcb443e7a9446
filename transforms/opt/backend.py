"""The back end: clean-up passes over the generated functions, shared by reverse and forward
mode, and the rematerialization of taped loop values (reverse mode).

Each pass wraps one algorithm of this package (the module named in its docstring) and reads
what the differentiating pass left in ``ctx.code`` (``CodeFacts``): which names are the
generated derivatives, which may be updated in place, which arrays may be released.
``backend_pipeline()`` is their order, with the reason for each position.
"""

from __future__ import annotations

from collections.abc import Iterator

import gast

from ..passmanager import CodeFacts, PassContext, Step, Transformation
from .copies import copy_repeated_returns, propagate_copies, substitute_constant_seeds
from .cse import share_common_subexpressions
from .deadcode import eliminate_dead_code
from .folding import fold_scalar_factors
from .inplace import accumulate_in_place
from .release import release_dead_values


class Rematerialize(Transformation):
    """Reverse mode, before the tape is placed: recompute cheap loop values in the backward
    loop instead of taping them (``rematerialize.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(a, y):\\n    for _ in range(3):\\n        square = y * y\\n"
    ...                    "        y = np.sin(square) + a\\n    return y", "rematerialize",
    ...                    wrt=("y",)))
    # forward sweep (tape pushes not placed yet)
    for _ in range(3):
        square = y * y
        _sin1 = np.sin(square)
        y = _sin1 + a
    # ---- backward ----
    dy = _rt.seed(y, dy)
    for _ in reversed(range(3)):
        d_sin1 = _rt.unbroadcast_to(dy, _sin1)
        _restore(y)
        square = y * y
        dsquare = d_sin1 * _np.cos(square)
        _restore(_sin1)
        dy = dsquare * y * 2.0
        _restore(square)
    """

    name = "rematerialize"

    def run(self, ctx: PassContext) -> bool:
        return bool(ctx.pending.rematerialize_taped())


class _BackEndPass(Transformation):
    """A clean-up of each generated function; ``rewrite`` returns how many changes it made."""

    def run(self, ctx: PassContext) -> bool:
        changed = 0
        for function in _functions(ctx):
            changed += self.rewrite(function, ctx, ctx.code)
        return changed > 0

    def rewrite(self, function: gast.FunctionDef, ctx: PassContext, code: CodeFacts) -> int:
        raise NotImplementedError


class DeadCode(_BackEndPass):
    """When the caller discards the value, remove the pure statements that only computed it
    (``deadcode.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x):\\n    return np.sum(np.sin(x))", "dead_code",
    ...                    shapes=(("x", (3,)),), value=False))
    def grad_f(x):
        # ---- backward ----
        d_sum2 = 1.0
        d_sin1 = _np.full((3,), d_sum2)
        dx = d_sin1 * _np.cos(x)
        return (None, (dx,))
    """

    name = "dead_code"

    def rewrite(self, function, ctx, code) -> int:
        return eliminate_dead_code(function, code.is_pure) if code.drop_value else 0


class Copies(_BackEndPass):
    """Copy propagation of derivative copies: ``d_a = dy`` then reads of ``d_a`` read ``dy``
    (``copies.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x):\\n    y = np.sin(x)\\n    z = y\\n    return z * 2.0",
    ...                    "copies"))
    def grad_f(x, *, d_mul1=None):
        z = np.sin(x)
        _mul1 = z * 2.0
        # ---- backward ----
        d_mul1 = _rt.seed(_mul1, d_mul1)
        dy = d_mul1 * 2.0
        dx = dy * _np.cos(x)
        return (_mul1, (dx,))
    """

    name = "copies"

    def rewrite(self, function, ctx, code) -> int:
        return propagate_copies(function, code.owned)


class ConstantSeeds(_BackEndPass):
    """A seed that is a number (specialized code) is substituted into its readers
    (``copies.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x):\\n    return np.sum(x * 3.0)", "constant_seeds",
    ...                    shapes=(("x", (2,)),)))
    def grad_f(x):
        _mul1 = x * 3.0
        _sum2 = np.sum(_mul1)
        # ---- backward ----
        d_mul1 = _np.full((2,), 1.0)
        dx = d_mul1 * 3.0
        return (_sum2, (dx,))
    """

    name = "constant_seeds"

    def rewrite(self, function, ctx, code) -> int:
        return substitute_constant_seeds(function)


class RepeatedReturns(Transformation):
    """Reverse mode: a gradient returned twice is returned once as a copy, so that callers may
    write each (``copies.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x, y):\\n    return np.sum(x + y)", "repeated_returns",
    ...                    shapes=(("x", (2,)), ("y", (2,)))))
    def grad_f(x, y):
        _add1 = x + y
        _sum2 = np.sum(_add1)
        # ---- backward ----
        d_add1 = _np.full((2,), 1.0)
        return (_sum2, (d_add1, _np.copy(d_add1)))
    """

    name = "repeated_returns"

    def run(self, ctx: PassContext) -> bool:
        if not ctx.code.distinct_returns:
            return False
        return copy_repeated_returns(ctx.tree.body[-1]) > 0  # the one returning derivatives


class FoldBroadcasts(_BackEndPass):
    """Shape-specialized code: ``np.full(shape, g)`` read only by arithmetic that broadcasts
    alike becomes ``g`` (``emission.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x, y):\\n    return np.sum(x * y)", "fold_broadcasts",
    ...                    shapes=(("x", (2,)), ("y", (2,))), wrt=("x",)))
    def grad_f_wrt_x(x, y):
        _mul1 = x * y
        _sum2 = np.sum(_mul1)
        # ---- backward ----
        dx = 1.0 * y
        return (_sum2, (dx,))
    """

    name = "fold_broadcasts"

    def rewrite(self, function, ctx, code) -> int:
        return code.fold_broadcasts(function) if ctx.request.shapes else 0


class Folding(_BackEndPass):
    """Negations and scalar constant factors folded into one factor (``folding.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x, y):\\n    u = -np.sin(x)\\n    return u * y * 2.0",
    ...                    "folding"))
    def grad_f(x, y, *, d_mul3=None):
        _sin1 = np.sin(x)
        u = -_sin1
        _mul2 = u * y
        _mul3 = _mul2 * 2.0
        # ---- backward ----
        d_mul3 = _rt.seed(_mul3, d_mul3)
        d_mul2 = d_mul3 * 2.0
        du = _rt.unbroadcast_to(d_mul2 * y, u)
        dy = _rt.unbroadcast_to(d_mul2 * u, y)
        dx = -du * _np.cos(x)
        return (_mul3, (dx, dy))
    """

    name = "folding"

    def rewrite(self, function, ctx, code) -> int:
        return fold_scalar_factors(function, code.owned)


class CommonSubexpressions(_BackEndPass):
    """Arithmetic two statements of the backward sweep compute is computed once (``cse.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x, y):\\n    return x / y", "cse"))
    def grad_f(x, y, *, d_div1=None):
        _div1 = x / y
        # ---- backward ----
        d_div1 = _rt.seed(_div1, d_div1)
        _div2 = d_div1 / y
        dx = _rt.unbroadcast_to(_div2, x)
        dy = _rt.unbroadcast_to(-_div2 * _div1, y)
        return (_div1, (dx, dy))
    """

    name = "cse"

    def rewrite(self, function, ctx, code) -> int:
        shared = share_common_subexpressions(function, ctx.namer.temp)
        code.shared.update(shared)
        return len(shared)


class InPlace(_BackEndPass):
    """``dx = dx + e`` -> ``dx += e`` where the generated code owns ``dx``'s array
    (``inplace.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x):\\n    y = x * 2.0\\n    y = np.sin(y) + y\\n"
    ...                    "    return np.sum(y * x)", "inplace"))
    def grad_f(x, *, d_sum3=None):
        y = x * 2.0
        _sin1 = np.sin(y)
        y_1 = _sin1 + y
        _mul2 = y_1 * x
        _sum3 = np.sum(_mul2)
        # ---- backward ----
        d_sum3 = _rt.seed(_sum3, d_sum3)
        d_mul2 = _rt.sum_vjp(d_sum3, None, _mul2)
        dy_1 = d_mul2 * x
        dx = d_mul2 * y_1
        dy = dy_1 + dy_1 * _np.cos(y)
        dx += dy * 2.0
        return (_sum3, (dx,))
    """

    name = "inplace"

    def rewrite(self, function, ctx, code) -> int:
        if not ctx.request.in_place:  # Dask/CuPy arguments: a numpy accumulator cannot take them
            return 0
        return accumulate_in_place(function, code.in_place, code.fits_in_place)


class Release(_BackEndPass):
    """Shape-specialized code: ``del`` each array after its last use (``release.py``).

    >>> from autodiff.transforms.testing import source_after
    >>> print(source_after("def f(x):\\n    return np.sum(np.tanh(x))", "release",
    ...                    shapes=(("x", (2,)),)))
    def grad_f(x):
        _tanh1 = np.tanh(x)
        _sum2 = np.sum(_tanh1)
        # ---- backward ----
        dx = 1.0 * (1.0 - _tanh1 * _tanh1)
        return (_sum2, (dx,))
    """

    name = "release"

    def rewrite(self, function, ctx, code) -> int:
        if not ctx.request.shapes:
            return 0
        args = function.args
        params = {arg.id for arg in args.posonlyargs + args.args + args.kwonlyargs}
        return release_dead_values(function, (code.releasable | code.shared) - params)


def backend_pipeline() -> list[Step]:
    """The clean-ups of the generated functions, in order (both modes)."""
    return [
        Step(DeadCode, "first: less code for every later pass to look at"),
        Step(Copies, "leave derivatives unaliased, so more of them can be updated in place"),
        Step(ConstantSeeds, "a literal seed can then fold with the literals it multiplies"),
        Step(FoldBroadcasts, "before folding: broadcasts only arithmetic reads disappear"),
        Step(Folding, "merge signs and scalar factors into one literal per product"),
        Step(FoldBroadcasts, "folded factors can leave a broadcast only arithmetic reads"),
        Step(CommonSubexpressions, "after folding, equal products are spelled alike"),
        Step(RepeatedReturns, "copy propagation and sharing may make two returned derivatives "
             "one array: the caller gets arrays it can update independently"),
        Step(InPlace, "after copies and sharing: each accumulator owns its array"),
        Step(Release, "last: the final code decides where each array is read last"),
    ]


def _functions(ctx: PassContext) -> Iterator[gast.FunctionDef]:
    return (function for function in ctx.tree.body if isinstance(function, gast.FunctionDef))
