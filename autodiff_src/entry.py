"""The fast path's entry function: one small generated function per kept (unit, shapes).

``GradientFunction`` calls ``entry(gradient, args, kwargs)`` on every call. The entry checks,
unrolled and with the expected values as constants, everything the generic fast path checks
in loops: the registry version, the user function's code and defaults, the unit's cache
guards, the array arguments' types, shapes and dtypes and the differentiated inputs. It then
calls the generated gradient and returns the gradients in the inputs' types. Anything
unexpected (keywords, another shape, a rebound global, ...) goes to ``miss``, the generic
path, which may compile and keep another unit (and build its entry).

For ``f(x, w)`` differentiated at position 1 with ``w`` of shape (5, 3) the entry reads::

    def enter(gradient, args, kwargs):
        if kwargs or len(args) != 2 or _registry.version != 3 \\
                or _function.__code__ is not _code or _function.__defaults__ is not _defaults:
            return _miss(gradient, args, kwargs)
        a0, a1 = args
        if not (type(a0) is _ndarray and a0.shape == (5,) and a0.dtype is _dtype0
                and type(a1) is _ndarray and a1.shape == (5, 3) and a1.dtype is _dtype1
                and _namespace0.get('np', _ABSENT) is _value0):
            return _miss(gradient, args, kwargs)
        try:
            value, (g0,) = _unit.functions[0](a0, a1)
        except Exception as error:
            _annotate(error, _unit)
            raise
        if not (type(g0) is _ndarray and g0.base is None and g0.dtype is _dtype1
                and g0.shape == (5, 3)):
            g0 = _like(g0, a1)
        return g0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .compiler import CompiledUnit
from .loader import define
from .pytrees import Container
from .runtime import registry
from .runtime.namespace import ForeignShape
from .transforms.analysis.guards import ABSENT


def build_entry(name: str, unit: CompiledUnit, shapes: tuple, dtypes: tuple,
                positions: tuple[int, ...], with_value: bool, function: Any,
                miss: Callable[..., Any], hooks: dict[str, Any]) -> Callable[..., Any]:
    """The entry for calls whose array arguments have ``shapes`` and ``dtypes`` (None: not
    an array at that position, not checked unless differentiated).

    ``function`` is the user's function (its code and defaults are checked), ``miss`` the
    generic path and ``hooks`` the helpers the entry calls: ``annotate``, ``like`` and
    ``check_differentiable``."""
    count = len(shapes)
    namespace: dict[str, Any] = {
        "_registry": registry, "_function": function, "_code": function.__code__,
        "_defaults": function.__defaults__, "_miss": miss, "_unit": unit,
        "_ndarray": np.ndarray, "_ABSENT": ABSENT, "_annotate": hooks["annotate"],
        "_like": hooks["like"], "_check_differentiable": hooks["check_differentiable"]}
    arguments = [f"a{index}" for index in range(count)]
    checks = _argument_checks(shapes, dtypes, namespace)
    checks += _guard_checks(unit, namespace)
    lines = [f"def {name}(gradient, args, kwargs):",
             f"    if kwargs or len(args) != {count} or _registry.version != {unit.version} "
             "or _function.__code__ is not _code or _function.__defaults__ is not _defaults:",
             "        return _miss(gradient, args, kwargs)"]
    if count:
        lines.append(f"    {', '.join(arguments)}, = args")
    if checks:
        lines.append(f"    if not ({' and '.join(checks)}):")
        lines.append("        return _miss(gradient, args, kwargs)")
    lines += _differentiated_checks(positions, shapes)
    grads = [f"g{index}" for index in range(len(positions))]
    lines += ["    try:",
              f"        value, ({', '.join(grads)},) = _unit.functions[0]({', '.join(arguments)})",
              "    except Exception as error:",
              "        _annotate(error, _unit)",
              "        raise"]
    for grad, position in zip(grads, positions, strict=True):
        lines += _gradient_conversion(grad, f"a{position}", shapes[position],
                                      f"_dtype{position}")
    result = grads[0] if len(grads) == 1 else f"({', '.join(grads)})"
    lines.append(f"    return value, {result}" if with_value else f"    return {result}")
    return define(name, "\n".join(lines) + "\n", namespace, "entry")


def build_weights_entry(unit: CompiledUnit, shapes: tuple, dtypes: tuple, weights: tuple,
                        views: tuple, instance: Any, single: bool, with_value: bool,
                        function: Any, miss: Callable[..., Any],
                        hooks: dict[str, Any]) -> Callable[..., Any]:
    """The entry of a ``weights=`` call without positions whose unit takes the trained
    ``weights`` first (as their array ``views``, constants here), then ``instance`` if any,
    then the arguments: the checks of ``build_entry`` plus each weight's shape and dtype."""
    count = len(shapes)
    namespace: dict[str, Any] = {
        "_registry": registry, "_function": function, "_code": function.__code__,
        "_defaults": function.__defaults__, "_miss": miss, "_unit": unit,
        "_ndarray": np.ndarray, "_ABSENT": ABSENT, "_annotate": hooks["annotate"],
        "_like": hooks["like"], "_self": instance}
    arguments = [f"a{index}" for index in range(count)]
    checks = _argument_checks(shapes, dtypes, namespace)
    for index, (weight, view) in enumerate(zip(weights, views, strict=True)):
        namespace[f"_w{index}"], namespace[f"_v{index}"] = weight, view
        namespace[f"_wd{index}"] = view.dtype
        checks.append(f"_w{index}.shape == {view.shape!r} and _w{index}.dtype is _wd{index} "
                      f"and _w{index}.requires_grad")
    checks += _guard_checks(unit, namespace)
    lines = ["def enter_weights(gradient, args, kwargs):",
             f"    if kwargs or len(args) != {count} or _registry.version != {unit.version} "
             "or _function.__code__ is not _code or _function.__defaults__ is not _defaults:",
             "        return _miss(gradient, args, kwargs)"]
    if count:
        lines.append(f"    {', '.join(arguments)}, = args")
    lines += [f"    if not ({' and '.join(checks)}):",
              "        return _miss(gradient, args, kwargs)"]
    grads = [f"g{index}" for index in range(len(weights))]
    inputs = [f"_v{index}" for index in range(len(weights))]
    inputs += ["_self"] if instance is not None else []
    lines += ["    try:",
              f"        value, ({', '.join(grads)},) = "
              f"_unit.functions[0]({', '.join([*inputs, *arguments])})",
              "    except Exception as error:",
              "        _annotate(error, _unit)",
              "        raise"]
    for index, grad in enumerate(grads):
        lines += _gradient_conversion(grad, f"_v{index}", views[index].shape, f"_wd{index}")
    result = grads[0] if single else f"({', '.join(grads)},)"
    lines.append(f"    return value, {result}" if with_value else f"    return {result}")
    return define("enter_weights", "\n".join(lines) + "\n", namespace, "entry")


def _argument_checks(shapes: tuple, dtypes: tuple, namespace: dict[str, Any]) -> list[str]:
    checks = []
    for index, (shape, dtype) in enumerate(zip(shapes, dtypes, strict=True)):
        if shape is None:
            continue
        if isinstance(shape, Container):
            checks.append(container_checks(f"a{index}", shape, dtype, f"{index}", namespace,
                                           gradient=False))
            continue
        namespace[f"_dtype{index}"] = dtype
        if isinstance(shape, ForeignShape):  # a Dask, CuPy, ... array of a known shape
            namespace[f"_type{index}"] = shape.kind
            checks.append(f"type(a{index}) is _type{index} and a{index}.shape == "
                          f"{shape.shape!r} and a{index}.dtype == _dtype{index}")
            continue
        checks.append(f"type(a{index}) is _ndarray and a{index}.shape == {shape!r} "
                      f"and a{index}.dtype is _dtype{index}")
    return checks


def _guard_checks(unit: CompiledUnit, namespace: dict[str, Any]) -> list[str]:
    checks = []
    for index, guard in enumerate(unit.guards):
        namespace[f"_namespace{index}"] = guard.namespace
        namespace[f"_value{index}"] = guard.value
        checks.append(f"_namespace{index}.get({guard.name!r}, _ABSENT) is _value{index}")
    for index, guard in enumerate(unit.other_guards):
        namespace[f"_other{index}"] = guard
        checks.append(f"_other{index}.holds()")
    return checks


def _differentiated_checks(positions: tuple[int, ...], shapes: tuple) -> list[str]:
    """A differentiated input that is not a keyed array (a float, a list, ...) is checked on
    every call, as the generic path does."""
    lines = []
    for position in positions:
        if shapes[position] is None:
            argument = f"a{position}"
            lines.append(f"    if type({argument}) is not _ndarray "
                         f"or {argument}.dtype.kind != 'f':")
            lines.append(f"        _check_differentiable({argument}, {position})")
    return lines


def _gradient_conversion(grad: str, argument: str, shape: Any, dtype: str) -> list[str]:
    """Gradients are returned as they are when they are arrays owning their data, of the
    input's dtype and shape; anything else goes through ``_like``."""
    if isinstance(shape, Container):
        test = container_checks(grad, shape, None, dtype.removeprefix("_dtype"), {},
                                gradient=True)
    elif shape is None or isinstance(shape, ForeignShape):
        test = (f"type({grad}) is _ndarray and {grad}.base is None "
                f"and type({argument}) is _ndarray and {grad}.dtype is {argument}.dtype "
                f"and {grad}.shape == {argument}.shape")
    else:
        test = (f"type({grad}) is _ndarray and {grad}.base is None and {grad}.dtype is {dtype} "
                f"and {grad}.shape == {shape!r}")
    return [f"    if not ({test}):", f"        {grad} = _like({grad}, {argument})"]



_CONTAINER_TYPES = {"tuple": "_tuple", "list": "_list", "dict": "_dict"}


def container_checks(root: str, container: Container, dtypes: tuple | None, tag: str,
                     namespace: dict[str, Any], gradient: bool) -> str:
    """One condition checking that ``root`` has ``container``'s structure (types, lengths,
    keys) and each leaf its shape and dtype (``_leaf<tag>_<n>``); for a gradient, also that
    each leaf owns its data. Items are read once each (``:=``)."""
    namespace.update(_tuple=tuple, _list=list, _dict=dict)
    leaf_index = iter(range(len(container.shapes)))
    parts: list[str] = []

    def visit(expr: str, tree: Any, path: str) -> None:
        if tree is None:
            index = next(leaf_index)
            name = f"{'gl' if gradient else 'l'}{tag}_{index}"
            if dtypes is not None:
                namespace[f"_leaf{tag}_{index}"] = dtypes[index]
            parts.append(f"type({name} := {expr}) is _ndarray"
                         + (f" and {name}.base is None" if gradient else "")
                         + f" and {name}.shape == {container.shapes[index]!r}"
                         f" and {name}.dtype is _leaf{tag}_{index}")
            return
        kind, keys, children = tree
        node = f"{'gn' if gradient else 'n'}{tag}{path}"
        parts.append(f"type({node} := {expr}) is {_CONTAINER_TYPES[kind]} "
                     f"and len({node}) == {len(keys)}")
        if kind == "dict":
            namespace[f"_keys{tag}{path}"] = dict.fromkeys(keys).keys()
            parts.append(f"{node}.keys() == _keys{tag}{path}")
        for position, (key, child) in enumerate(zip(keys, children, strict=True)):
            visit(f"{node}[{key!r}]", child, f"{path}_{position}")

    visit(root, container.tree, "")
    return " and ".join(parts)
