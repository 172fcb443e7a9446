"""A-normal form: one operation per statement, on atoms, with fresh temporaries.

Input: normalized function. Output invariant: every ``Assign`` value is an atom (copy) or one
operation (binary/unary operator, comparison, call, attribute, subscript, tuple or list) whose
operands are atoms. An atom is a name, a constant, an attribute chain of a non-local name
(``np.pi``) or a *static* expression that can never carry a gradient (``x.shape[0] * 2``,
``len(xs)``). Return values are distinct names or constants. Temporaries are ``_<hint><n>``.
"""

from __future__ import annotations

import gast

from ..ir import nodes
from ..passmanager import PassContext, Transformation

SHAPE_ATTRIBUTES = frozenset({"shape", "ndim", "size", "dtype"})
# Attributes that compute a new array: never part of an atom, so `self.w.T` is an operation
ARRAY_ATTRIBUTES = frozenset({"T", "mT", "real", "imag"})

_HINTS = {
    gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "div", gast.Pow: "pow",
    gast.MatMult: "matmul", gast.FloorDiv: "floordiv", gast.Mod: "mod", gast.USub: "neg",
    gast.UAdd: "pos", gast.Not: "not", gast.Invert: "invert",
}


def local_names(function: gast.FunctionDef) -> set[str]:
    """Parameters and every name the function assigns."""
    found = {arg.id for arg in function.args.args + function.args.kwonlyargs
             + function.args.posonlyargs}
    for node in nodes.walk(function):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            found.add(node.id)
    return found


def is_static(expr: gast.expr) -> bool:
    """True for expressions built only from constants and shape reads: never differentiable."""
    if isinstance(expr, gast.Constant):
        return True
    if isinstance(expr, gast.Attribute):
        return expr.attr in SHAPE_ATTRIBUTES and isinstance(expr.value, gast.Name)
    if isinstance(expr, gast.Call):
        return (isinstance(expr.func, gast.Name) and expr.func.id == "len"
                and len(expr.args) == 1 and isinstance(expr.args[0], gast.Name))
    if isinstance(expr, gast.UnaryOp):
        return is_static(expr.operand)
    if isinstance(expr, gast.BinOp):
        return is_static(expr.left) and is_static(expr.right)
    if isinstance(expr, gast.Subscript):
        return is_static(expr.value) and is_static(expr.slice)
    if isinstance(expr, (gast.Tuple, gast.List)):
        return all(is_static(element) for element in expr.elts)
    return False


def root_name(expr: gast.expr) -> str | None:
    """``np`` for ``np.linalg.norm`` (and ``self`` for ``self.layers[0].w``); None if the
    chain does not start at a name or indexes with anything but a constant."""
    while isinstance(expr, gast.Attribute) or (isinstance(expr, gast.Subscript)
                                               and isinstance(expr.slice, gast.Constant)):
        expr = expr.value
    return expr.id if isinstance(expr, gast.Name) else None


class ANF(Transformation):
    """Give every intermediate value a name.

    >>> from autodiff.transforms.testing import run_passes
    >>> from autodiff.transforms.frontend.normalize import Normalize
    >>> print(run_passes("def f(x, w):\\n    return np.tanh(x @ w).sum()", [Normalize, ANF]))
    def f(x, w):
        _matmul1 = x @ w
        _tanh2 = np.tanh(_matmul1)
        _sum3 = _tanh2.sum()
        return _sum3
    """

    name = "anf"

    def run(self, ctx: PassContext) -> bool:
        flattener = _Flattener(ctx, local_names(ctx.function) - set(ctx.request.constants))
        ctx.function.body = flattener.block(ctx.function.body)
        return True


class _Flattener:
    def __init__(self, ctx: PassContext, locals_: set[str]) -> None:
        self.ctx = ctx
        self.locals = locals_
        self.emitted: list[gast.stmt] = []
        self.like: gast.stmt | None = None

    def block(self, statements: list[gast.stmt]) -> list[gast.stmt]:
        body: list[gast.stmt] = []
        for statement in statements:
            body.extend(self.statement(statement))
        return body

    def statement(self, statement: gast.stmt) -> list[gast.stmt]:
        saved = self.emitted, self.like
        self.emitted, self.like = [], statement
        try:
            self._statement(statement)
            return self.emitted
        finally:
            self.emitted, self.like = saved

    def _statement(self, statement: gast.stmt) -> None:
        if isinstance(statement, gast.If):
            statement.test = self._condition(statement.test)
            statement.body = self.block(statement.body)
            statement.orelse = self.block(statement.orelse)
            self.emitted.append(statement)
        elif isinstance(statement, gast.For):
            statement.iter = self._iterable(statement.iter)
            statement.body = self.block(statement.body)
            self.emitted.append(statement)
        elif isinstance(statement, gast.While):
            statement.body = self.block(statement.body)
            self.emitted.append(statement)
        elif isinstance(statement, gast.Assign) and isinstance(statement.value, gast.IfExp):
            self._conditional_assign(statement.targets[0], statement.value)
        elif isinstance(statement, gast.Assign):
            self._assign(statement)
        elif isinstance(statement, gast.Return):
            statement.value = self._return_value(statement.value)
            self.emitted.append(statement)
        else:
            self.emitted.append(statement)
        return self.emitted

    def _condition(self, test: gast.expr) -> gast.expr:
        """An if test as a name (``and``/``or`` tests are kept whole: they short-circuit)."""
        if isinstance(test, (gast.Name, gast.Constant)):
            return test
        if isinstance(test, gast.BoolOp):
            return self._bind("cond", test)
        return self.atom(test)

    def _iterable(self, iterable: gast.expr) -> gast.expr:
        if isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) \
                and iterable.func.id == "range":
            iterable.args = [self.atom(arg) for arg in iterable.args]
            return iterable
        return self.atom(iterable)

    def _conditional_assign(self, target: gast.expr, value: gast.IfExp) -> None:
        """``y = a if c else b`` -> ``if c: y = a`` / ``else: y = b``."""
        test = self._condition(value.test)
        branches = []
        for branch in (value.body, value.orelse):
            assign = nodes.assign(nodes.copy_tree(target), branch, like=self.like)
            branches.append(self.statement(assign))
        self.emitted.append(nodes.copy_location(
            gast.If(test=test, body=branches[0], orelse=branches[1]), self.like))

    def _assign(self, statement: gast.Assign) -> None:
        target = statement.targets[0]
        if isinstance(target, gast.Name):
            statement.value = self.operation(statement.value)
        else:
            statement.value = self.atom(statement.value)
        self.emitted.append(statement)

    def _return_value(self, value: gast.expr | None) -> gast.expr:
        if value is None:
            return nodes.constant(None, self.like)
        if not isinstance(value, gast.Tuple):
            return self._named(value)
        seen: set[str] = set()
        leaves = []
        for element in value.elts:
            leaf = self._named(element)
            if isinstance(leaf, gast.Name) and leaf.id in seen:
                leaf = self._bind("copy", leaf)  # each seeded output needs its own name
            if isinstance(leaf, gast.Name):
                seen.add(leaf.id)
            leaves.append(leaf)
        return nodes.tuple_(leaves, like=value)

    def _named(self, expr: gast.expr) -> gast.expr:
        """Like ``atom`` but a returned value that is not a name or constant gets a name."""
        atom = self.atom(expr)
        if isinstance(atom, (gast.Name, gast.Constant)):
            return atom
        return self._bind("ret", atom)

    def is_atom(self, expr: gast.expr) -> bool:
        if isinstance(expr, gast.Name) or is_static(expr):
            return True
        if isinstance(expr, (gast.Attribute, gast.Subscript)):
            if isinstance(expr, gast.Attribute) and expr.attr in ARRAY_ATTRIBUTES:
                return False
            root = root_name(expr)
            return root is not None and root not in self.locals
        return False

    def atom(self, expr: gast.expr) -> gast.expr:
        if self.is_atom(expr):
            return expr
        operation = self.operation(expr)
        if isinstance(operation, gast.Name):  # a conditional expression already bound it
            return operation
        return self._bind(operation_hint(operation), operation)

    def _bind(self, hint: str, value: gast.expr) -> gast.Name:
        temp = self.ctx.namer.temp(hint)
        self.emitted.append(nodes.assign(temp, value, like=self.like))
        return nodes.name(temp, like=value)

    def operation(self, expr: gast.expr) -> gast.expr:
        """``expr`` with its operands turned into atoms (the operation itself stays)."""
        if self.is_atom(expr) or isinstance(expr, (gast.BoolOp, gast.JoinedStr)):
            return expr
        if isinstance(expr, gast.IfExp):
            temp = self.ctx.namer.temp("ifexp")
            self._conditional_assign(nodes.name(temp, store=True, like=expr), expr)
            return nodes.name(temp, like=expr)
        if isinstance(expr, gast.BinOp):
            expr.left, expr.right = self.atom(expr.left), self.atom(expr.right)
        elif isinstance(expr, gast.UnaryOp):
            expr.operand = self.atom(expr.operand)
        elif isinstance(expr, gast.Compare):
            expr.left = self.atom(expr.left)
            expr.comparators = [self.atom(item) for item in expr.comparators]
        elif isinstance(expr, gast.Call):
            self._call(expr)
        elif isinstance(expr, gast.Attribute):
            expr.value = self.atom(expr.value)
        elif isinstance(expr, gast.Subscript):
            expr.value = self.atom(expr.value)
            expr.slice = self._index(expr.slice)
        elif isinstance(expr, (gast.Tuple, gast.List)):
            expr.elts = [self.item(element) for element in expr.elts]
        return expr

    def item(self, expr: gast.expr) -> gast.expr:
        """An atom, or ``*atom`` for star-unpacking in a call or a tuple/list display."""
        if isinstance(expr, gast.Starred):
            expr.value = self.atom(expr.value)
            return expr
        return self.atom(expr)

    def _call(self, call: gast.Call) -> None:
        call.func = self._callee(call.func)
        call.args = [self.item(arg) for arg in call.args]
        for keyword in call.keywords:
            keyword.value = self.atom(keyword.value)

    def _callee(self, func: gast.expr) -> gast.expr:
        """Keep ``f``, ``np.linalg.norm`` and ``x.sum``; name anything deeper on a local."""
        if isinstance(func, gast.Name):
            return func
        if isinstance(func, (gast.Attribute, gast.Subscript)):
            root = root_name(func)
            if root is not None and root not in self.locals:
                return func
            if isinstance(func, gast.Attribute):
                func.value = self.atom(func.value)
                return func
        return self.atom(func)

    def _index(self, index: gast.expr) -> gast.expr:
        if isinstance(index, gast.Slice):
            for part in ("lower", "upper", "step"):
                value = getattr(index, part)
                if value is not None:
                    setattr(index, part, self.atom(value))
            return index
        if isinstance(index, gast.Tuple):
            index.elts = [self._index(element) for element in index.elts]
            return index
        return self.atom(index)


def operation_hint(operation: gast.expr) -> str:
    """The hint a temporary holding ``operation`` is named after (``_matmul1``)."""
    if isinstance(operation, (gast.BinOp, gast.UnaryOp)):
        return _HINTS.get(type(operation.op), "op")
    if isinstance(operation, gast.Call):
        func = operation.func
        return func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", "call")
    if isinstance(operation, gast.Attribute):
        return operation.attr
    return {gast.Subscript: "getitem", gast.Tuple: "tuple", gast.List: "list",
            gast.Compare: "compare", gast.BoolOp: "boolop"}.get(type(operation), "t")
