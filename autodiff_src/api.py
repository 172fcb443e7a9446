"""``grad``, ``value_and_grad`` and the gradient-function object they return."""

from __future__ import annotations

import builtins
import dataclasses
import inspect
import keyword
import sys
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from . import compiler
from .compiler import CompiledUnit
from .entry import build_entry, build_weights_entry
from .errors import Loc
from .loader import define
from .pytrees import Container, container_of
from .runtime import custom as custom_module
from .runtime import registry
from .runtime.custom import custom_vjp
from .runtime.namespace import ForeignShape, foreign_key, is_foreign, like_foreign
from .spec import GradSpec
from .transforms.frontend.parse import SourceUnavailableError
from .transforms.frontend.pytrees import ContainersNotFlattened, flattened_wrt, leaves
from .transforms.request import CompileRequest
from .transforms.rules import register_callable_adapter

MAX_SPECIALIZATIONS = 8  # shape-specialized units per gradient function, then generic code


def grad(fn: Callable[..., Any], grad_position: Any = 0, weights: Any = None,
         has_aux: bool = False, return_ids: bool = False,
         sens_param: bool = False) -> GradientFunction:
    """The gradient function of ``fn`` w.r.t. the inputs at ``grad_position`` and ``weights``.

    The returned callable takes ``fn``'s arguments and returns gradients shaped like the
    differentiated inputs (structure as in MindSpore: see API.md). The gradient source is
    compiled now, so unsupported code is reported here, at its file and line.
    """
    spec = GradSpec.build(grad_position, weights, has_aux, return_ids, sens_param)
    return GradientFunction(fn, spec, with_value=False)


def value_and_grad(fn: Callable[..., Any], grad_position: Any = 0, weights: Any = None,
                   has_aux: bool = False, return_ids: bool = False,
                   sens_param: bool = False) -> GradientFunction:
    """Like ``grad``, but the returned callable gives ``(fn's full output, gradients)``."""
    spec = GradSpec.build(grad_position, weights, has_aux, return_ids, sens_param)
    return GradientFunction(fn, spec, with_value=True)


class GradientFunction:
    """A compiled gradient of a user function; ``autodiff.source(g)`` shows its code."""

    def __init__(self, fn: Callable[..., Any], spec: GradSpec, with_value: bool) -> None:
        if not callable(fn):
            raise TypeError(f"cannot differentiate {fn!r}: it is not callable")
        self._fn = fn
        self._spec = spec
        self._with_value = with_value
        self._function, self._instance, _ = compiler.split_method(_target(fn))
        if not isinstance(self._function, types.FunctionType):
            raise TypeError(f"cannot differentiate {fn!r}: autodiff differentiates Python "
                            "functions, methods, lambdas and Cells defined in source files; "
                            "register a rule with autodiff.defvjp for anything else")
        self._params = _positional_params(self._function, self._instance)
        self._unit: CompiledUnit | None = None
        self._code = self._function.__code__
        self._defaults = self._function.__defaults__
        self._positions = spec.positions or ()
        self._single = len(self._positions) == 1
        self._fast = (spec.weights is None and not spec.has_aux and not spec.sens_param
                      and not spec.return_ids and self._instance is None)
        self._python_function: tuple[CompiledUnit, Any] | None = None
        # shape specialization (fast path only): the unit compiled for the shapes of the last
        # call's arrays, and those shapes per positional argument (None: not an array)
        # (unit, shapes, dtypes, positions not covered by the dtypes), replaced as one object
        # so that a thread never pairs one unit with another unit's shapes
        self._special: tuple[Any, ...] = (None, (), (), ())
        # the entry the fast path calls: generated for the kept unit (see entry.py), the
        # generic path until a unit is kept; entries are reused when shapes alternate
        self._entry: Callable[..., Any] = GradientFunction._fast_call
        self._entries: dict[tuple, tuple[CompiledUnit, Callable[..., Any]]] = {}
        self._seen_shapes: set[tuple[tuple[int, ...] | None, ...]] = set()
        self._flatten = True  # container arguments flattened (until a function needs them whole)
        # weights= with Cells seen through (frontend/cells.py): units by argument and weight
        # shapes, while the function can be compiled that way
        self._inline_weights = (spec.weights is not None and not spec.has_aux
                                and not spec.sens_param and not spec.return_ids
                                and bool(spec.trained_weights))
        self._weight_units: dict[tuple, CompiledUnit] = {}
        self._trained = tuple({id(w): w for w in spec.trained_weights}.values())  # each once
        self._weights_source = (self._code, self._defaults)  # what those units were made from
        self._weights_kept: tuple | None = None  # the last call's unit and shapes
        # generated for the kept unit when only weights are differentiated (entry.py)
        self._weights_entry: Callable[..., Any] = GradientFunction._weights_call
        self.__name__ = f"grad_{getattr(fn, '__name__', 'fn')}"
        self.__doc__ = f"Gradient of {getattr(fn, '__qualname__', fn)!r} (generated by autodiff)."
        if all(p < len(self._params) for p in spec.positions or ()):
            self._unit = self._compile()
        else:  # positions are checked at call time; still report bad syntax now
            self._guarded(compiler.check_function)

    # ---- compilation -------------------------------------------------------------------------
    def _request(self) -> CompileRequest:
        spec = self._spec
        wrt = tuple(self._params[p] for p in spec.positions or ())
        trained = spec.trained_weights
        return CompileRequest(wrt, tuple(id(w) for w in trained),
                              tuple(w.name for w in trained), spec.has_aux)

    def _compile(self) -> CompiledUnit:
        return self._guarded(lambda target: compiler.compile_function(target, self._request()))

    def _guarded(self, action: Callable[[Any], Any]) -> Any:
        target = _target(self._fn)
        try:
            return action(target)
        except SourceUnavailableError:
            raise compiler.unsupported_source(target) from None

    def _current_unit(self) -> CompiledUnit:
        unit = self._unit
        if unit is None or not unit.valid() or self._function.__code__ is not self._code \
                or self._function.__defaults__ is not self._defaults:
            self._code, self._defaults = self._function.__code__, self._function.__defaults__
            unit = self._unit = self._compile()
        return unit

    @property
    def __wrapped__(self) -> Any:
        """The generated function, so ``inspect.getsource(grad_fn)`` shows generated code."""
        return self._current_unit().function

    @property
    def unit(self) -> CompiledUnit:
        """The compiled code (generated functions, source, line table)."""
        return self._current_unit()

    # ---- calling -----------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._fast:
            return self._entry(self, args, kwargs)
        spec = self._spec
        if self._inline_weights:
            result = self._weights_entry(self, args, kwargs)
            if result is not _NOT_INLINED:
                return result
        sensitivity = None
        if spec.sens_param:
            args, sensitivity = self._split_sensitivity(args, kwargs)
        _check_positions(spec, args)
        unit = self._current_unit()
        if any(is_foreign(value) for value in args):  # Dask, CuPy, ...: nothing in place
            request = dataclasses.replace(self._request(), in_place=False)
            unit = self._guarded(lambda target: compiler.compile_function(target, request))
        seeds = {} if sensitivity is None else _seed_keywords(unit, spec, sensitivity)
        call_args = args if self._instance is None else (self._instance, *args)
        try:
            value, flat = unit.function(*call_args, **kwargs, **seeds)
        except Exception as error:
            _annotate(error, unit)
            raise
        if spec.has_aux:
            _check_aux(value)
        position_grads = [_like(g, args[p]) for p, g in zip(spec.positions or (), flat,
                                                            strict=False)]
        weight_grads = _weight_grads(spec, unit, flat[len(position_grads):])
        grads = spec.pack(position_grads, weight_grads)
        if self._with_value:
            return value, grads
        return (grads, tuple(value[1:])) if spec.has_aux else grads

    def _weights_call(self, args: tuple, kwargs: dict) -> Any:
        """A call with ``weights=``: the code compiled with the trained Parameters as its first
        parameters and the Cells it calls inlined, specialized to the shapes of the arguments
        and weights (``_NOT_INLINED`` when the function cannot be compiled that way). The unit
        of the last call is kept with its shapes and the weights' array views (a Parameter is
        updated in place, so its view stays its data) and checked first, as the fast path
        does; the common case (weights only) returns from here."""
        trained = tuple({id(w): w for w in self._spec.trained_weights}.values())
        if len(trained) != len(self._trained) \
                or any(a is not b for a, b in zip(trained, self._trained)):  # noqa: B905
            self._trained, self._weights_kept = trained, None  # requires_grad was changed
            self._weight_units.clear()
            self._weights_entry = GradientFunction._weights_call
        if not trained:
            return _NOT_INLINED
        kept = self._weights_kept
        if kept is not None and kept[0].valid() and len(args) == len(kept[1]) \
                and self._function.__code__ is self._weights_source[0] \
                and self._function.__defaults__ is self._weights_source[1]:
            unit, shapes, dtypes, weight_shapes, simple, views = kept
            for value, shape, dtype in zip(args, shapes, dtypes):  # noqa: B905
                if shape is not None and (type(value) is not np.ndarray
                                          or value.shape != shape or value.dtype is not dtype):
                    break
            else:
                for weight, (shape, dtype) in zip(self._trained, weight_shapes):  # noqa: B905
                    if weight.shape != shape or weight.dtype is not dtype:
                        break
                else:
                    if not simple:
                        _check_positions(self._spec, args)
                        return self._run_weights(unit, args, kwargs, views)
                    try:
                        value, flat = unit.function(*views, *args, **kwargs) \
                            if self._instance is None \
                            else unit.function(*views, self._instance, *args, **kwargs)
                    except Exception as error:
                        _annotate(error, unit)
                        raise
                    grads: Any = [g if type(g) is np.ndarray and g.base is None
                                  and g.dtype is v.dtype and g.shape == v.shape
                                  else _like(g, v) for g, v in zip(flat, views)]  # noqa: B905
                    grads = grads[0] if self._spec.single_weight else tuple(grads)
                    return (value, grads) if self._with_value else grads
        _check_positions(self._spec, args)
        unit = self._weights_unit_for(args)
        if unit is None:
            return _NOT_INLINED
        shapes, dtypes = _shapes_and_dtypes(args)
        views = tuple(w.view(np.ndarray) for w in self._trained)
        simple = not self._positions and not unit.weight_ids \
            and len(self._trained) == len(self._spec.weights or ())
        self._weights_kept = None if any(isinstance(s, Container) for s in shapes) else (
            unit, shapes, dtypes, tuple((w.shape, w.dtype) for w in self._trained), simple,
            views)
        self._weights_entry = GradientFunction._weights_call
        if simple and self._weights_kept is not None:
            self._weights_entry = build_weights_entry(
                unit, shapes, dtypes, self._trained, views, self._instance,
                self._spec.single_weight, self._with_value, self._function,
                GradientFunction._weights_call, _ENTRY_HOOKS)
        return self._run_weights(unit, args, kwargs, views)

    def _run_weights(self, unit: CompiledUnit, args: tuple, kwargs: dict, views: tuple) -> Any:
        """Run ``unit`` on the weights' ``views`` and ``args``; gradients in ``grad``'s
        structure (a weight read by a function that was not inlined adds its part)."""
        spec = self._spec
        trained = self._trained
        call_args = args if self._instance is None else (self._instance, *args)
        try:
            value, flat = unit.function(*views, *call_args, **kwargs)
        except Exception as error:
            _annotate(error, unit)
            raise
        count = len(self._positions)
        position_grads = [_like(g, args[p]) for p, g in zip(self._positions, flat,
                                                            strict=False)]
        by_leaf = {id(w): g for w, g in zip(trained, flat[count:count + len(trained)],
                                            strict=True)}
        for identity, g in zip(unit.weight_ids, flat[count + len(trained):], strict=True):
            by_leaf[identity] = by_leaf[identity] + g  # read by a function not inlined
        weight_grads = []
        for weight in spec.weights or ():
            if id(weight) in by_leaf:
                gradient = by_leaf.pop(id(weight))
                weight_grads.append(_like(gradient, weight.view(np.ndarray)))
            elif weight.requires_grad:  # listed again: its own copy
                weight_grads.append(next(np.copy(g) for w, g in zip(
                    spec.weights, weight_grads, strict=False) if w is weight))
            else:
                weight_grads.append(np.zeros(weight.shape, weight.dtype))
        grads = spec.pack(position_grads, weight_grads)
        return (value, grads) if self._with_value else grads

    def _weights_unit_for(self, args: tuple) -> CompiledUnit | None:
        """The unit ``_weights_call`` runs for ``args`` and the weights' current shapes."""
        if any(is_foreign(value) for value in args):
            return None
        trained = self._trained
        shapes, dtypes = _shapes_and_dtypes(args)
        key = (shapes, dtypes, tuple((w.shape, w.dtype) for w in trained))
        unit = self._weight_units.get(key)
        source = (self._function.__code__, self._function.__defaults__)
        if unit is None or not unit.valid() or source[0] is not self._weights_source[0] \
                or source[1] is not self._weights_source[1]:
            self._weights_source = source
            unit = self._weights_unit(shapes, trained)
            if unit is None:
                return None
            if len(self._weight_units) >= MAX_SPECIALIZATIONS:
                self._weight_units.clear()
            self._weight_units[key] = unit
        return unit

    def _weights_unit(self, shapes: tuple, trained: tuple) -> CompiledUnit | None:
        """Compile for ``_weights_call``; None (and the ordinary path from now on) when the
        function uses a Cell or a weight in a way the inliner cannot follow."""
        request = self._request()
        leaves = _leaf_names(trained, _names_read(self._function, trained))
        named = [*zip(leaves, (w.shape for w in trained), strict=True),
                 *((name, shape) for name, shape in zip(self._params, shapes, strict=False)
                   if shape is not None and not isinstance(shape, Container))]
        request = dataclasses.replace(
            request, wrt=(*request.wrt, *leaves), shapes=tuple(named), value=self._with_value,
            weight_leaves=tuple(zip(leaves, (id(w) for w in trained), strict=True)))
        try:
            return self._guarded(lambda target: compiler.compile_function(target, request))
        except ContainersNotFlattened:
            self._inline_weights = False
            return None

    def _split_sensitivity(self, args: tuple, kwargs: dict) -> tuple[list, Any]:
        """``(inputs, sensitivity)``: with sens_param=True the sensitivity is the last
        positional argument; a call one argument short is reported as a missing sensitivity."""
        if not args:
            raise TypeError("sens_param=True: pass the output sensitivity as the last "
                            "positional argument")
        *inputs, sensitivity = args
        needed = max((p + 1 for p in self._spec.positions or ()), default=0)
        needed = max(needed, self._required_positional(kwargs))
        if len(inputs) < needed:
            raise TypeError(f"sens_param=True takes the output sensitivity as the last "
                            f"positional argument, after the {needed} input(s); this call "
                            f"passed {len(args)} positional argument(s), so the sensitivity "
                            "(or an input) is missing: call grad_fn(*inputs, sensitivity)")
        return inputs, sensitivity

    def _required_positional(self, kwargs: dict) -> int:
        defaults = len(self._function.__defaults__ or ())
        required = self._params[:len(self._params) - defaults]
        return sum(1 for name in required if name not in kwargs)

    def _fast_call(self, args: tuple, kwargs: dict) -> Any:
        """The common case (positions only, no aux, no sensitivity), with checks inlined.

        It runs code specialized to the shapes of the array arguments (see ``_specialize``)."""
        unit, shapes, dtypes, unkeyed = self._special
        if unit is None or not unit.valid() \
                or self._function.__code__ is not self._code \
                or self._function.__defaults__ is not self._defaults \
                or len(args) != len(shapes):
            unit = self._enter(args)
        else:  # (a dtype equal to the recorded one but another object takes the slow path)
            for value, shape, dtype in zip(args, shapes, dtypes):  # noqa: B905
                if shape is not None and (type(value) is not np.ndarray or value.shape != shape
                                          or value.dtype is not dtype):
                    unit = self._enter(args)
                    break
            else:  # arrays at the positions were float arrays when the key was recorded
                for position in unkeyed:
                    value = args[position]
                    if type(value) is not np.ndarray or value.dtype.kind != "f":
                        _check_differentiable(value, position)
        try:
            value, flat = unit.function(*args, **kwargs)
        except Exception as error:
            _annotate(error, unit)
            raise
        # gradients are returned as they are when they are arrays owning their data (so
        # writeable), of the input's dtype and shape; anything else goes through _like
        if self._single:
            gradient, primal = flat[0], args[self._positions[0]]
            grads = gradient if type(gradient) is np.ndarray and gradient.base is None \
                and type(primal) is np.ndarray and gradient.dtype is primal.dtype \
                and gradient.shape == primal.shape else _like(gradient, primal)
        else:
            grads = tuple([g if type(g) is np.ndarray and g.base is None
                           and type(args[p]) is np.ndarray and g.dtype is args[p].dtype
                           and g.shape == args[p].shape else _like(g, args[p])
                           for p, g in zip(self._positions, flat, strict=True)])
        return (value, grads) if self._with_value else grads

    def _enter(self, args: tuple) -> CompiledUnit:
        """Check the differentiated inputs, then pick the unit for ``args``' array shapes."""
        count = len(args)
        for position in self._positions:
            if position >= count:
                _check_positions(self._spec, args)
            value = args[position]
            if type(value) is not np.ndarray or value.dtype.kind != "f":
                _check_differentiable(value, position)
        return self._specialize(args)

    def _specialize(self, args: tuple) -> CompiledUnit:
        """The unit for a call whose array shapes differ from the current unit's.

        Tiered: the first call with new shapes runs the generic unit; the next call with the
        same shapes compiles (or finds in the cache) a unit specialized to them, which the fast
        path keeps using while the shapes match. After ``MAX_SPECIALIZATIONS`` different
        shapes, the generic unit is used for all shapes."""
        if any(is_foreign(value) for value in args):
            return self._foreign_unit(args)
        generic = self._current_unit()
        shapes, dtypes = _shapes_and_dtypes(args)
        if shapes not in self._seen_shapes:
            if len(self._seen_shapes) >= MAX_SPECIALIZATIONS:
                self._keep(generic, (None,) * len(args), (None,) * len(args))
            elif any(shape is not None for shape in shapes):
                self._seen_shapes.add(shapes)
            return generic
        unit = self._specialized_unit(shapes)
        self._keep(unit, shapes, dtypes)
        return unit

    def _specialized_unit(self, shapes: tuple) -> CompiledUnit:
        """The unit for these argument shapes; containers (``pytrees.Container``) are
        flattened into their leaves unless the function uses them as a whole."""
        request = self._request()
        named = []
        containers = []
        for name, shape in zip(self._params, shapes, strict=False):
            if isinstance(shape, Container):
                containers.append((name, shape.tree))
                named.extend((leaf, leaf_shape) for (leaf, _), leaf_shape
                             in zip(leaves(name, shape.tree), shape.shapes, strict=True))
            elif shape is not None:
                named.append((name, shape))
        if containers and self._flatten:
            flat = dataclasses.replace(
                request, wrt=flattened_wrt(request.wrt, tuple(containers)), shapes=tuple(named),
                containers=tuple(containers), value=self._with_value)
            try:
                return self._guarded(lambda target: compiler.compile_function(target, flat))
            except ContainersNotFlattened:
                self._flatten = False
        named = [(name, shape) for name, shape in zip(self._params, shapes, strict=False)
                 if shape is not None and not isinstance(shape, Container)]
        request = dataclasses.replace(request, shapes=tuple(named), value=self._with_value)
        return self._guarded(lambda target: compiler.compile_function(target, request))

    def _foreign_unit(self, args: tuple) -> CompiledUnit:
        """The unit for calls with Dask, CuPy or array-API arguments: compiled without in-place
        accumulation (a numpy accumulator cannot take a foreign array in place) and specialized
        to the shapes of the numpy arrays and of the foreign arrays whose shapes are known (so
        no graph is built for shapes, seeds or an unused value), kept while those arguments
        keep their types, shapes and dtypes. After ``MAX_SPECIALIZATIONS`` different shapes,
        the foreign arrays' shapes are no longer specialized to."""
        shapes = tuple(value.shape if type(value) is np.ndarray else foreign_key(value)
                       for value in args)
        if shapes in self._seen_shapes or len(self._seen_shapes) < MAX_SPECIALIZATIONS:
            self._seen_shapes.add(shapes)
        else:
            shapes = tuple(None if isinstance(shape, ForeignShape) else shape
                           for shape in shapes)
        named = tuple((name, getattr(shape, "shape", shape))
                      for name, shape in zip(self._params, shapes, strict=False)
                      if shape is not None)
        request = dataclasses.replace(self._request(), in_place=False, value=self._with_value,
                                      shapes=named)
        unit = self._guarded(lambda target: compiler.compile_function(target, request))
        self._keep(unit, shapes, tuple(None if shape is None else value.dtype
                                       for shape, value in zip(shapes, args, strict=True)))
        return unit

    def _keep(self, unit: CompiledUnit, shapes: tuple, dtypes: tuple) -> None:
        """Run ``unit`` while the array arguments keep these shapes and dtypes (None: not an
        array, not checked); the inputs at ``self._positions`` were checked."""
        unkeyed = tuple(p for p in self._positions if shapes[p] is None)
        self._special = (unit, shapes, dtypes, unkeyed)
        key = (id(unit), shapes, dtypes)
        kept = self._entries.get(key)
        if kept is None:
            if len(self._entries) > 2 * MAX_SPECIALIZATIONS:
                self._entries.clear()
            entry = build_entry("enter", unit, shapes, dtypes,
                                self._positions, self._with_value, self._function,
                                GradientFunction._fast_call, _ENTRY_HOOKS)
            kept = self._entries[key] = (unit, entry)
        self._entry = kept[1]

    def unit_for(self, *args: Any) -> CompiledUnit:
        """The compiled code that calls with the positional ``args`` run (from the second
        such call on: specialized to the shapes of its arrays when the fast path applies)."""
        if self._inline_weights:
            unit = self._weights_unit_for(args)
            if unit is not None:
                return unit
        if not self._fast:
            return self._current_unit()
        self._enter(args)
        return self._enter(args)

    def as_python_function(self) -> Any:
        """A plain Python function (with source) computing this gradient, so that the
        compiler can differentiate it again: ``grad(grad(f))``, ``jacfwd(grad(f))``."""
        unit = self._current_unit()
        if self._python_function is None or self._python_function[0] is not unit:
            self._python_function = (unit, _gradient_wrapper(self, unit))
        return self._python_function[1]

    def __repr__(self) -> str:
        kind = "value_and_grad" if self._with_value else "grad"
        return f"<autodiff {kind} of {getattr(self._fn, '__qualname__', self._fn)!r}>"


_NOT_INLINED = object()


def _names_read(function: types.FunctionType, weights: tuple) -> set[str]:
    """The names ``function`` binds or reads as variables (locals, closure cells, globals and
    builtins it mentions), so that generated parameter names can avoid them; a global that
    holds one of ``weights`` is not counted (its reads become that weight's parameter)."""
    code = function.__code__
    held = {id(weight) for weight in weights}
    names = {*code.co_varnames, *code.co_cellvars}
    cells = dict(zip(code.co_freevars, function.__closure__ or (), strict=True))
    names |= {name for name, cell in cells.items() if _cell_id(cell) not in held}
    return names | {name for name in code.co_names
                    if (name in function.__globals__
                        and id(function.__globals__[name]) not in held)
                    or hasattr(builtins, name)}


def _cell_id(cell: types.CellType) -> int | None:
    try:
        return id(cell.cell_contents)
    except ValueError:  # an empty cell
        return None


def _leaf_names(weights: tuple, taken: set[str]) -> list[str]:
    """Parameter names for trained weights, from their names: ``dense.weight`` ->
    ``dense_weight``, ``0.bias`` -> ``_0_bias``; distinct, and none of ``taken``."""
    names: list[str] = []
    for weight in weights:
        text = "".join(ch if ch.isalnum() else "_" for ch in str(weight.name)) or "w"
        text = text if text[0].isalpha() or text[0] == "_" else f"_{text}"
        candidate, counter = text, 1
        while candidate in names or candidate in taken or keyword.iskeyword(candidate):
            counter += 1
            candidate = f"{text}_{counter}"
        names.append(candidate)
    return names


def _shapes_and_dtypes(args: tuple) -> tuple[tuple, tuple]:
    """Per argument: an array's shape and dtype, a container's structure (``Container``) and
    leaf dtypes, or None for anything else (not keyed)."""
    shapes, dtypes = [], []
    for value in args:
        if type(value) is np.ndarray:
            shapes.append(value.shape)
            dtypes.append(value.dtype)
            continue
        container = container_of(value)
        shapes.append(None if container is None else container[0])
        dtypes.append(None if container is None else container[1])
    return tuple(shapes), tuple(dtypes)


def _target(fn: Any) -> Any:
    """What to compile: the function itself, or for a callable object its ``__call__``."""
    if _has_rule(fn):
        return _primitive_wrapper(fn)
    if isinstance(fn, (types.FunctionType, types.MethodType)):
        return fn
    if isinstance(fn, GradientFunction):
        return fn.as_python_function()
    if isinstance(fn, custom_vjp):
        return _custom_wrapper(fn)
    construct = getattr(fn, "construct", None)
    if construct is not None and inspect.ismethod(construct):
        return construct
    call = type(fn).__dict__.get("__call__") or getattr(type(fn), "__call__", None)  # noqa: B004
    if isinstance(call, types.FunctionType):
        return types.MethodType(call, fn)
    return fn


def _positional_params(function: Any, instance: Any) -> tuple[str, ...]:
    code = getattr(function, "__code__", None)
    if code is None:
        return ()
    params = code.co_varnames[: code.co_argcount]
    return params[1:] if instance is not None else params


def _check_positions(spec: GradSpec, args: tuple | list) -> None:
    for position in spec.positions or ():
        if position >= len(args):
            raise IndexError(f"grad_position {position} is out of range: the function was "
                             f"called with {len(args)} positional argument(s); pass the input "
                             "positionally or choose another position")
        _check_differentiable(args[position], position)


def _check_differentiable(value: Any, position: int) -> None:
    if isinstance(value, (float, complex)):
        return
    if isinstance(value, (bool, int, np.integer, np.bool_)):
        raise TypeError(f"cannot differentiate w.r.t. input {position}: it is the integer "
                        f"{value!r}; pass a float (e.g. {float(value)!r})")
    if isinstance(value, (np.ndarray, np.floating, np.complexfloating)):
        kind = value.dtype.kind
        if kind in "fc":
            return
        raise TypeError(f"cannot differentiate w.r.t. input {position}: its dtype is "
                        f"{value.dtype}, not floating point or complex; convert it with "
                        ".astype(np.float64) or differentiate another position")
    if is_foreign(value):  # a Dask, CuPy or array-API array
        _check_foreign_differentiable(value, position)
        return
    if isinstance(value, (tuple, list)):
        for item in value:
            _check_differentiable(item, position)
        return
    if isinstance(value, dict):
        for item in value.values():
            _check_differentiable(item, position)
        return
    raise TypeError(f"cannot differentiate w.r.t. input {position}: it is a "
                    f"{type(value).__name__}; pass a float or a floating-point numpy array")


def _check_foreign_differentiable(value: Any, position: int) -> None:
    dtype = str(value.dtype)
    if "float" not in dtype and "complex" not in dtype:
        raise TypeError(f"cannot differentiate w.r.t. input {position}: its dtype is {dtype}, "
                        "not floating point or complex; convert it with .astype(float64) or "
                        "differentiate another position")


def _like(gradient: Any, primal: Any) -> Any:
    """The gradient in the primal's type and dtype (float32 in, float32 out).

    A complex gradient of a real input (the input fed a complex computation) is its real part:
    along a real direction only the real part of the cotangent pairs with the change. A
    gradient that is a foreign (Dask, CuPy, ...) array stays one, lazy: it is cast in its own
    namespace, never converted to numpy."""
    if is_foreign(gradient) or is_foreign(primal):
        return like_foreign(gradient, primal)
    if isinstance(primal, np.ndarray):
        if not isinstance(gradient, np.ndarray) or gradient.dtype != primal.dtype \
                or gradient.shape != primal.shape or not gradient.flags.writeable:
            gradient = _real_part_for(gradient, primal)
            return np.broadcast_to(np.asarray(gradient, dtype=primal.dtype), primal.shape).copy()
        return gradient
    if isinstance(primal, (np.floating, np.complexfloating)):
        return primal.dtype.type(_real_part_for(gradient, primal))
    if isinstance(primal, float):
        return float(np.real(gradient))
    if isinstance(primal, complex):
        return complex(gradient)
    if isinstance(primal, (tuple, list)):
        return type(primal)(_like(g, p) for g, p in zip(gradient, primal, strict=True))
    if isinstance(primal, dict):
        return {key: _like(gradient[key], value) for key, value in primal.items()}
    return gradient


def _real_part_for(gradient: Any, primal: Any) -> Any:
    """``gradient``, or its real part if it is complex and ``primal`` is real."""
    if np.iscomplexobj(gradient) and not np.iscomplexobj(primal):
        return np.real(gradient)
    return gradient


def _weight_grads(spec: GradSpec, unit: CompiledUnit, computed: Any) -> list[Any]:
    by_id = dict(zip(unit.weight_ids, computed, strict=True))
    return [_like(by_id[id(w)], w.view(np.ndarray)) if id(w) in by_id
            else np.zeros(w.shape, w.dtype) for w in spec.weights or ()]


def _seed_keywords(unit: CompiledUnit, spec: GradSpec, sensitivity: Any) -> dict[str, Any]:
    seeds = unit.seeds
    if not unit.returns_tuple:
        return {seeds[0]: sensitivity} if seeds and seeds[0] else {}
    if spec.has_aux:
        return {seeds[0]: sensitivity} if seeds[0] else {}
    if not isinstance(sensitivity, (tuple, list)) or len(sensitivity) != len(seeds):
        raise ValueError(f"the function returns {len(seeds)} outputs, so the sensitivity must "
                         f"be a tuple of {len(seeds)} arrays, one per output")
    return {name: sens for name, sens in zip(seeds, sensitivity, strict=True) if name}


def _check_aux(value: Any) -> None:
    if not isinstance(value, tuple) or len(value) < 2:
        raise ValueError("has_aux=True needs the function to return a tuple of at least two "
                         "outputs (the value to differentiate, then the auxiliary data); it "
                         f"returned a {type(value).__name__}"
                         + (" of length 1" if isinstance(value, tuple) else ""))


_VALIDATOR_FILE = custom_module.__file__  # rule wrappers that check shapes: not the rule


def _annotate(error: Exception, unit: CompiledUnit) -> None:
    """Add a note naming the user line whose gradient code raised ``error``."""
    traceback = error.__traceback__
    line, callee = None, None
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if code.co_filename.startswith("<autodiff ") or code.co_filename == unit.filename:
            line, callee = (code.co_filename, traceback.tb_lineno), None
        elif line is not None and callee is None and code.co_filename != _VALIDATOR_FILE:
            callee = code  # the rule or helper the generated line called
        traceback = traceback.tb_next
    if line is None:
        return
    origin = _origin_of(unit, *line)
    if origin is None:
        return
    note = (f"raised by the gradient code of {Loc(origin.filename, origin.lineno)}: "
            f"{origin.text}")
    if callee is not None and not callee.co_filename.startswith("<"):
        name = getattr(callee, "co_qualname", callee.co_name)
        note += f" (in {name}, {callee.co_filename}:{callee.co_firstlineno})"
    if sys.version_info >= (3, 11):
        error.add_note(note)
    else:
        error.__notes__ = [*getattr(error, "__notes__", []), note]


def _origin_of(unit: CompiledUnit, filename: str, factory_line: int) -> Any:
    seen: list[CompiledUnit] = []
    compiler._collect(unit, seen)
    for candidate in seen:
        if candidate.filename == filename:
            index = factory_line - 2  # line 1 of the factory is `def _make(...)`
            if 0 <= index < len(candidate.line_table):
                return candidate.line_table[index]
    return None




def _gradient_wrapper(gradient: GradientFunction, unit: CompiledUnit) -> types.FunctionType:
    """Source-level ``def grad_f(x, ...): _value, _grads = <generated>(x, ...); return ...``."""
    spec = gradient._spec
    if spec.weights is not None or spec.has_aux or spec.sens_param or spec.return_ids:
        raise TypeError("differentiating a gradient again supports grad_position only (no "
                        "weights=, has_aux, sens_param or return_ids in the inner grad)")
    function = gradient._function
    code = function.__code__
    params = list(gradient._params)
    kwonly = list(code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount])
    inner = "_generated"
    arguments = ", ".join([*(["_self"] if gradient._instance is not None else []), *params,
                           *(f"{name}={name}" for name in kwonly)])
    signature = ", ".join([*params, *(["*", *kwonly] if kwonly else [])])
    grads = [f"_grads[{index}]" for index in range(len(spec.positions or ()))]
    packed = grads[0] if len(grads) == 1 else f"({', '.join(grads)},)"
    returned = f"(_value, {packed})" if gradient._with_value else packed
    name = f"grad_{unit.name}"
    source = (f"def {name}({signature}):\n"
              f"    _value, _grads = {inner}({arguments})\n"
              f"    return {returned}\n")
    wrapper = define(name, source, {inner: unit.function,
                                             "_self": gradient._instance}, "wrapper")
    wrapper.__defaults__ = function.__defaults__
    wrapper.__kwdefaults__ = function.__kwdefaults__
    return wrapper


def _custom_wrapper(custom: custom_vjp) -> types.FunctionType:
    """``def f(x, y): return _custom(x, y)``, so a custom_vjp function can be differentiated
    directly (its rules are used through the call)."""
    wrapper = getattr(custom, "_autodiff_wrapper", None)
    if wrapper is not None:
        return wrapper
    params = custom.parameters
    name = custom.__name__
    source = f"def {name}({', '.join(params)}):\n    return _custom({', '.join(params)})\n"
    wrapper = define(name, source, {"_custom": custom}, "custom_vjp")
    wrapper.__defaults__ = getattr(custom.fn, "__defaults__", None)
    custom._autodiff_wrapper = wrapper
    return wrapper


def _has_rule(fn: Any) -> bool:
    """A registered primitive (``np.sin``, a function given rules with ``defvjp``/``defjvp``)."""
    try:
        return registry.lookup(fn) is not None or registry.lookup_jvp(fn) is not None
    except TypeError:  # unhashable
        return False


def _primitive_wrapper(primitive: Any) -> types.FunctionType:
    """``def sin(x): return _primitive(x)``: differentiating it uses the registered rules
    (optional parameters keep their defaults)."""
    if primitive in _PRIMITIVE_WRAPPERS:
        return _PRIMITIVE_WRAPPERS[primitive]
    params = _primitive_parameters(primitive)
    name = getattr(primitive, "__name__", "primitive")
    name = name if name.isidentifier() else "primitive"
    source = f"def {name}({', '.join(params)}):\n    return _primitive({', '.join(params)})\n"
    wrapper = define(name, source, {"_primitive": primitive}, "primitive")
    _PRIMITIVE_WRAPPERS[primitive] = wrapper
    return wrapper


def _primitive_parameters(primitive: Any) -> list[str]:
    """The required positional parameters of a primitive (``x1, x2`` for a binary ufunc)."""
    if isinstance(primitive, np.ufunc):
        return [f"x{i + 1}" for i in range(primitive.nin)] if primitive.nin > 1 else ["x"]
    try:
        return [p.name for p in inspect.signature(primitive).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                and p.default is p.empty]
    except (TypeError, ValueError):
        entry = registry.lookup(primitive) or registry.lookup_jvp(primitive)
        return list(entry.argnames[:1])


# registered primitives live as long as the registry holds their rules
_PRIMITIVE_WRAPPERS: dict[Any, types.FunctionType] = {}


def _adapt_gradient_function(obj: Any) -> Any:
    return obj.as_python_function() if isinstance(obj, GradientFunction) else None


def _adapt_custom_unit(obj: Any) -> Any:
    """The forward and backward functions of a ``custom_vjp`` call site, written as source over
    the user's ``fwd``/``bwd`` (without the first-order checks), so they can be differentiated
    again: ``grad(grad(f))`` through a custom_vjp function."""
    method = getattr(obj, "__wrapped__", None)
    unit = getattr(method, "__self__", None)
    if not isinstance(unit, custom_module.CustomUnit):
        return None
    kind = method.__func__.__name__
    shims = unit.__dict__.setdefault("_autodiff_shims", {})
    if kind not in shims and kind in ("_forward", "_backward"):
        params = ", ".join(unit.custom.parameters)
        if kind == "_forward":
            name = f"fwd_{unit.name}"
            body = f"_out, _res = _fwd({params})\n    return _out, (_res, ({params},))"
        else:
            name = f"bwd_{unit.name}"
            picked = ", ".join(f"_grads[{p}]" for p in unit.positions)
            picked = picked if len(unit.positions) == 1 else f"({picked})"
            body = f"_grads = _bwd(_saved[0], g)\n    return {picked}"
        arguments = params if kind == "_forward" else "_saved, g"
        source = f"def {name}({arguments}):\n    {body}\n"
        shims[kind] = define(name, source, {"_fwd": unit.custom.fwd,
                                                     "_bwd": unit.custom.bwd}, "custom_vjp")
    return shims.get(kind)


register_callable_adapter(_adapt_gradient_function)
register_callable_adapter(_adapt_custom_unit)


_ENTRY_HOOKS = {"annotate": _annotate, "like": _like, "check_differentiable": _check_differentiable}
