"""Mutation fence: reject in-place updates the value-semantics model would get wrong.

Input: ANF + SSA function with ``Resolution`` and ``ActivityResult``. Output: nothing (an
analysis), or ``UnsupportedSyntaxError`` at the user's line. autodiff compiles ``x[i] = v`` and
``x += v`` as new values; that is exact unless another name still refers to the old array
(a view ``head = x[:2]``, an alias ``z = x``) and is read after the update, or unless a call
updates an array in place (``np.add.at``, ``out=``, a helper writing into its argument).
"""

from __future__ import annotations

import inspect
import types

import gast
import numpy as np

from ...errors import Loc, UnsupportedSyntaxError
from ..frontend.anf import root_name
from ..frontend.resolve import MISSING, Resolve, evaluate_static
from ..ir import nodes
from ..ir.annotations import RUNTIME, Anno, called, getanno
from ..ir.codegen import expression_text
from ..passmanager import Analysis, PassContext
from .activity import Activity, stored_names
from .aliasing import AliasFlow, Ref, Write, aliases_of, may_read_later
from .names import LocalNames

# numpy functions that write into their first argument (value semantics cannot follow them)
_IN_PLACE_WRITERS = tuple(getattr(np, name) for name in (
    "put", "copyto", "fill_diagonal", "place", "putmask", "put_along_axis")
    if hasattr(np, name))


class CheckMutation(Analysis):
    """Reject aliasing that in-place semantics would make visible, and in-place calls.

    >>> from autodiff.transforms.testing import mutation_error
    >>> print(mutation_error('''
    ... def f(x):
    ...     y = np.zeros(2)
    ...     head = y[:1]
    ...     y[0] = x
    ...     return np.sum(head)'''))
    <doctest>:5: y is modified in place while head (a view or alias of it, line 4) is read afterwards; numpy would show the change in head but the gradient would not: make it a copy: `head = y[:1].copy()`
    """

    name = "mutation"
    requires = (Resolve, Activity)

    def run(self, ctx: PassContext) -> None:
        checker = _Checker(ctx)
        statements = list(_in_order(ctx.function.body))
        containers = _containers(statements)
        checker.scalars = _scalars(statements)
        for statement in statements:
            checker.container_arithmetic(statement, containers)
            checker.call_statement(statement)
        flow = AliasFlow(checker.written, checker.static_callee, checker.scalars,
                         lambda statement: bool(getanno(statement, Anno.COMPILER_COPY)))
        checker.returned = _return_values(statements)
        for write in flow.run(ctx.function):
            checker.check_write(write)


class _Checker:
    def __init__(self, ctx: PassContext) -> None:
        self.ctx = ctx
        self.resolution = ctx.analysis(Resolve)
        self.varied = ctx.analysis(Activity).varied
        self.locals = ctx.analysis(LocalNames).local - set(ctx.request.constants)
        self.scalars: set[str] = set()
        self.returned: set[str] = set()

    def loc(self, statement: gast.stmt) -> Loc:
        origin = getanno(statement, Anno.ORIGIN)
        if origin is None:
            return self.ctx.source.location
        return Loc(origin.filename, origin.lineno, origin.col)

    # ---- arithmetic on lists and tuples ------------------------------------------------------
    def container_arithmetic(self, statement: gast.stmt, containers: set[str]) -> None:
        """``xs + ys`` on lists concatenates; the gradient rules are numpy's: reject it."""
        value = getattr(statement, "value", None)
        if not isinstance(statement, gast.Assign) or not isinstance(value, gast.BinOp):
            return
        for operand in (value.left, value.right):
            if isinstance(operand, gast.Name) and operand.id in containers \
                    and self._reaches_varied(statement, value):
                self.reject(statement, f"{_base(operand.id)} is a list or tuple, and arithmetic "
                            "operators on it (concatenation, repetition) have no gradient rule",
                            "use xs.append(v), np.concatenate or np.stack")

    def _reaches_varied(self, statement: gast.stmt, value: gast.BinOp) -> bool:
        return any(isinstance(node, gast.Name) and node.id in self.varied
                   for node in nodes.walk(value)) or any(
            name in self.varied for name in stored_names(statement))

    # ---- in-place calls ----------------------------------------------------------------------
    def call_statement(self, statement: gast.stmt) -> None:
        call = getattr(statement, "value", None)
        if not isinstance(statement, (gast.Expr, gast.Assign)) or not isinstance(call, gast.Call):
            return
        if not self._receives_varied(call):
            return
        if any(keyword.arg == "out" for keyword in call.keywords):
            self.reject(statement, "out= writes into an existing array in place",
                        "assign the result instead: y = np.add(a, b)")
        func = call.func
        if isinstance(func, gast.Attribute) and func.attr == "at":
            self.reject(statement, f"{expression_text(func)} updates its argument in place",
                        "build the result with np.bincount, or index with x[idx] += v")
        callee = evaluate_static(self.ctx, func, self.locals)
        if any(callee is writer for writer in _IN_PLACE_WRITERS):
            self.reject(statement, f"{expression_text(func)}(...) writes into its first "
                        "argument in place", "build a new array instead: `y = y.copy(); "
                        "y[index] = values`, or np.where(mask, values, y)")
        if isinstance(statement, gast.Expr):
            self.discarded_call(statement, call)

    def discarded_call(self, statement: gast.Expr, call: gast.Call) -> None:
        func = call.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in self.locals:
            self.reject(statement, f"{expression_text(func)}(...) may modify "
                        f"{func.value.id} in place", "assign a new value instead")
        callee = evaluate_static(self.ctx, func, self.locals)
        if inspect.ismethod(callee) or (inspect.isbuiltin(callee) \
                and not isinstance(getattr(callee, "__self__", None), types.ModuleType)):
            self.stored_outside(statement, call)
        if callee is MISSING or _is_python_code(callee):
            self.reject(statement, f"the result of {expression_text(func)}(...) is unused, "
                        "so it can only act by modifying its differentiated argument in place",
                        "return the new value from the helper and assign it")

    def stored_outside(self, statement: gast.Expr, call: gast.Call) -> None:
        """``history.append(y)`` on a non-local object: fine as a side effect, but a read of
        that object afterwards would see a value that carries no gradient."""
        receiver = root_name(call.func)
        own = {id(node) for node in nodes.walk(call.func)}
        if receiver is None or receiver in self.locals:
            return
        if any(isinstance(node, gast.Name) and node.id == receiver and id(node) not in own
               for node in nodes.walk(self.ctx.function)):
            self.reject(statement, f"{expression_text(call.func)}(...) stores a "
                        f"differentiated value in {receiver}, which lives outside the "
                        "function and is read again in it; the value read back would carry "
                        "no gradient", "keep the values in a local list or variable")

    def _receives_varied(self, call: gast.Call) -> bool:
        values = [*call.args, *(keyword.value for keyword in call.keywords)]
        if isinstance(call.func, gast.Attribute):
            values.append(call.func.value)
        return any(isinstance(node, gast.Name) and node.id in self.varied
                   for value in values for node in nodes.walk(value))

    # ---- views and aliases -------------------------------------------------------------------
    def static_callee(self, func: gast.expr) -> object:
        callee = evaluate_static(self.ctx, func, self.locals)
        return None if callee is MISSING else callee

    def written(self, statement: gast.stmt) -> str | None:
        """The array a statement updates in place (``x[i] = v``, ``x += v``), if any."""
        if not isinstance(statement, gast.Assign):
            return None
        value = statement.value
        if called(value, RUNTIME, "setitem") and value.args \
                and isinstance(value.args[0], gast.Name):
            return value.args[0].id
        if getanno(statement, Anno.IN_PLACE) and isinstance(value, gast.BinOp) \
                and isinstance(value.left, gast.Name) and value.left.id not in self.scalars:
            return value.left.id  # `x += v` updates x's array in place (numbers are immutable)
        return None

    def check_write(self, write: Write) -> None:
        for alias, ref in aliases_of(write):
            # once a value is returned nothing else runs, so no write can reach it
            if alias not in self.returned and may_read_later(alias, write.later):
                self.reject_alias(write, alias, ref)

    def reject_alias(self, write: Write, alias: str, ref: Ref) -> None:
        array = _base(write.array)
        origin = ref.origin or (write.state[write.array].origin)
        line = getanno(origin, Anno.ORIGIN) if origin is not None else None
        where = f", line {line.lineno}" if line is not None else ""
        if alias.startswith("_"):
            what = f"a value computed from it (line {line.lineno})" if line is not None \
                else "a value computed from it"
            shown = "that value"
        else:
            what = f"{_base(alias)} (a view or alias of it{where})"
            shown = _base(alias)
        fix = f"`{line.text}.copy()`" if line is not None and "=" in line.text \
            and not line.text.lstrip().startswith("return") else f"`{array} = {array}.copy()` " \
            "before the update"
        self.reject(write.statement, f"{array} is modified in place while {what} is read "
                    f"afterwards; numpy would show the change in {shown} but the gradient "
                    f"would not", f"make it a copy: {fix}")

    def reject(self, statement: gast.stmt, what: str, instead: str) -> None:
        raise UnsupportedSyntaxError(f"{what}: {instead}", self.loc(statement))


def _is_python_code(obj: object) -> bool:
    return inspect.isfunction(obj) or inspect.ismethod(obj) \
        or inspect.isfunction(getattr(type(obj), "construct", None))


_FULL_REDUCTIONS = frozenset({"sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std",
                              "dot", "vdot", "inner", "trace", "float", "int", "len", "item"})


def _scalars(statements: list[gast.stmt]) -> set[str]:
    """Names that certainly hold numbers (immutable: ``s += 1`` rebinds them): numeric
    literals, ``float()``, reductions over every axis, and arithmetic on those."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for statement in statements:
            if not isinstance(statement, gast.Assign) or len(stored_names(statement)) != 1:
                continue
            name = stored_names(statement)[0]
            if name not in found and _is_scalar(statement.value, found):
                found.add(name)
                changed = True
    return found


def _is_scalar(value: gast.expr, scalars: set[str]) -> bool:
    if isinstance(value, gast.Constant):
        return isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
    if isinstance(value, gast.Name):
        return value.id in scalars
    if isinstance(value, gast.BinOp):
        return _is_scalar(value.left, scalars) and _is_scalar(value.right, scalars)
    if isinstance(value, gast.UnaryOp):
        return _is_scalar(value.operand, scalars)
    if isinstance(value, gast.Call):
        func = value.func
        name = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", "")
        positional = len(value.args) + (1 if isinstance(func, gast.Attribute)
                                        and name in ("sum", "mean", "max", "min", "prod")
                                        and not _module_call(func) else 0)
        return name in _FULL_REDUCTIONS and not value.keywords and positional <= (
            2 if name in ("dot", "vdot", "inner") else 1)
    return False


def _module_call(func: gast.Attribute) -> bool:
    """``np.sum(...)`` rather than ``x.sum()``."""
    return isinstance(func.value, gast.Name) and func.value.id in ("np", "numpy", "math")


def _return_values(statements: list[gast.stmt]) -> set[str]:
    """The compiler's return slots (``_retval = v`` from a ``return``) and their SSA copies."""
    found = {stored_names(statement)[0] for statement in statements
             if isinstance(statement, gast.Assign) and getanno(statement, Anno.RETURN_VALUE)}
    changed = True
    while changed:
        changed = False
        for statement in statements:
            if isinstance(statement, gast.Assign) and isinstance(statement.value, gast.Name) \
                    and statement.value.id in found and getanno(statement, Anno.COMPILER_COPY):
                name = stored_names(statement)[0]
                if name not in found:
                    found.add(name)
                    changed = True
    return found


def _containers(statements: list[gast.stmt]) -> set[str]:
    """Names bound to lists or tuples: displays, ``_rt.append`` results, and copies of them."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for statement in statements:
            if not isinstance(statement, gast.Assign) or len(stored_names(statement)) != 1:
                continue
            value, name = statement.value, stored_names(statement)[0]
            container = isinstance(value, (gast.List, gast.Tuple)) or (
                called(value, RUNTIME, "append") or (isinstance(value, gast.Call)
                                                     and isinstance(value.func, gast.Name)
                                                     and value.func.id in ("list", "tuple"))) or (
                isinstance(value, gast.Name) and value.id in found)
            if container and name not in found:
                found.add(name)
                changed = True
    return found


def _base(name: str) -> str:
    """The user's name of an SSA version (``y`` for ``y_1``) for messages."""
    head, _, tail = name.rpartition("_")
    return head if head and tail.isdigit() and not head.startswith("_") else name


def _in_order(statements: list[gast.stmt]):
    for statement in statements:
        if isinstance(statement, gast.FunctionDef):
            continue
        yield statement
        for block in ("body", "orelse"):
            yield from _in_order(getattr(statement, block, []))


__all__ = ["CheckMutation"]
