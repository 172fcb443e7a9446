"""Forward mode, vector-Jacobian products, Jacobians and Hessians (MindSpore/JAX style).

``jvp`` runs the generated tangent function (forward mode); ``vjp`` runs a generated
forward/backward pair, keeping the forward values for any number of backward calls;
``jacfwd``/``jacrev`` build Jacobians from them; ``hessian`` is forward-over-reverse, i.e.
``jacfwd`` of the generated gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import compiler
from .api import (
    GradientFunction,
    _check_differentiable,
    _like,
    _positional_params,
    _target,
    grad,
)
from .compiler import CompiledUnit
from .loader import define
from .runtime import registry
from .spec import GradSpec
from .transforms.frontend.parse import SourceUnavailableError
from .transforms.request import CompileRequest


def _unit(fn: Callable[..., Any], positions: tuple[int, ...], mode: str, has_aux: bool = False,
          split: bool = False, weights: tuple[Any, ...] = ()) -> tuple[CompiledUnit, Any]:
    """Compile ``fn`` for the inputs at ``positions``; returns the unit and the bound instance."""
    target = _target(fn)
    function, instance, _ = compiler.split_method(target)
    params = _positional_params(function, instance)
    for position in positions:
        if position >= len(params):
            raise IndexError(f"position {position} is out of range: {function.__name__} takes "
                             f"{len(params)} positional parameter(s)")
    trained = tuple(w for w in weights if w.requires_grad)
    request = CompileRequest(tuple(params[p] for p in positions), tuple(id(w) for w in trained),
                             tuple(w.name for w in trained), has_aux, split, mode)
    try:
        return compiler.compile_function(target, request), instance
    except SourceUnavailableError:
        raise compiler.unsupported_source(target) from None


def _call_args(instance: Any, args: tuple) -> tuple:
    return args if instance is None else (instance, *args)


def _as_tuple(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


# ---- jvp ------------------------------------------------------------------------------------


def jvp(fn: Callable[..., Any], inputs: Any, v: Any, has_aux: bool = False) -> tuple:
    """``(outputs, jvp_out)``: ``fn(*inputs)`` and its directional derivative along ``v``.

    ``inputs`` and ``v`` are an array or a tuple of arrays (one tangent per input). With
    ``has_aux=True`` only ``outputs[0]`` is differentiated and ``(outputs[0], jvp_out, aux)`` is
    returned.
    """
    inputs, tangents = _as_tuple(inputs), _as_tuple(v)
    if len(inputs) != len(tangents):
        raise ValueError(f"jvp got {len(inputs)} inputs but {len(tangents)} tangents; pass one "
                         "tangent per input")
    for position, (value, tangent) in enumerate(zip(inputs, tangents, strict=True)):
        _check_differentiable(value, position)
        _check_tangent(value, tangent, f"input {position}")
    unit, instance = _unit(fn, tuple(range(len(inputs))), "forward", has_aux)
    keywords = dict(zip(unit.seeds, tangents, strict=True))
    value, tangent = unit.function(*_call_args(instance, inputs), **keywords)
    if has_aux:
        _check_aux_output(value)
        return value[0], tangent[0], tuple(value[1:])
    return value, tangent


def _check_tangent(value: Any, tangent: Any, where: str) -> None:
    """The tangent of a pytree input (tuple, list, dict, nested) has its structure, and each
    leaf's tangent its leaf's shape, as in JAX."""
    if isinstance(value, (tuple, list)):
        if not isinstance(tangent, (tuple, list)) or len(tangent) != len(value):
            raise ValueError(f"the tangent of {where} must be a tuple or list of "
                             f"{len(value)} items, like the input; got {type(tangent).__name__}")
        for index, (item, item_tangent) in enumerate(zip(value, tangent, strict=True)):
            _check_tangent(item, item_tangent, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        if not isinstance(tangent, dict) or set(tangent) != set(value):
            raise ValueError(f"the tangent of {where} must be a dict with the input's keys "
                             f"{sorted(map(repr, value))}")
        for key, item in value.items():
            _check_tangent(item, tangent[key], f"{where}[{key!r}]")
        return
    if np.shape(value) != np.shape(tangent):
        raise ValueError(f"the tangent of {where} has shape {np.shape(tangent)} "
                         f"but the input has shape {np.shape(value)}")


def _check_aux_output(value: Any) -> None:
    if not isinstance(value, tuple) or len(value) < 2:
        raise ValueError("has_aux=True needs the function to return a tuple of at least two "
                         "outputs (the value to differentiate, then the auxiliary data)")


# ---- vjp ------------------------------------------------------------------------------------


def vjp(fn: Callable[..., Any], *inputs: Any, weights: Any = None, has_aux: bool = False) -> tuple:
    """``(outputs, vjp_fn)``; ``vjp_fn(cotangent)`` returns the gradients of ``<cotangent,
    fn(*inputs)>`` w.r.t. every input (and ``weights``), structured like ``grad``'s result.

    The forward sweep runs once; ``vjp_fn`` may be called any number of times. With
    ``has_aux=True`` the cotangent is for ``outputs[0]`` and ``(outputs[0], vjp_fn, aux)`` is
    returned.
    """
    spec = GradSpec.build(tuple(range(len(inputs))) if inputs else None, weights, has_aux)
    for position, value in enumerate(inputs):
        _check_differentiable(value, position)
    unit, instance = _unit(fn, spec.positions or (), "reverse", has_aux, split=True,
                           weights=spec.weights or ())
    value, saved = unit.forward(*_call_args(instance, inputs))
    if has_aux:
        _check_aux_output(value)

    def vjp_fn(cotangent: Any) -> Any:
        if has_aux:
            cotangent = (cotangent, *(np.zeros_like(item) for item in value[1:]))
        returned = unit.backward(saved, cotangent)
        flat = (returned,) if len(unit.wrt) + len(unit.weight_ids) == 1 else returned
        position_grads = [_like(g, inputs[i]) for i, g in enumerate(flat[:len(inputs)])]
        by_id = dict(zip(unit.weight_ids, flat[len(inputs):], strict=True))
        weight_grads = [_like(by_id[id(w)], w.view(np.ndarray)) if id(w) in by_id
                        else np.zeros(w.shape, w.dtype) for w in spec.weights or ()]
        return spec.pack(position_grads, weight_grads)

    if has_aux:
        return value[0], vjp_fn, tuple(value[1:])
    return value, vjp_fn


# ---- Jacobians and Hessians ---------------------------------------------------------------


def _positions(grad_position: Any) -> tuple[tuple[int, ...], bool]:
    if isinstance(grad_position, int):
        return (grad_position,), True
    positions = tuple(grad_position)
    return positions, len(positions) == 1


class DerivativeFunction:
    """A callable made by ``jacfwd``/``jacrev``/``hessian``; ``autodiff.source`` shows the
    generated code it runs."""

    def __init__(self, name: str, compute: Callable[..., Any],
                 unit: Callable[[], CompiledUnit]) -> None:
        self.__name__ = name
        self._compute = compute
        self._unit = unit

    def __call__(self, *args: Any) -> Any:
        return self._compute(*args)

    @property
    def unit(self) -> CompiledUnit:
        """The compiled code this derivative runs."""
        return self._unit()

    def __repr__(self) -> str:
        return f"<autodiff {self.__name__}>"


def jacfwd(fn: Callable[..., Any], grad_position: Any = 0,
           has_aux: bool = False) -> DerivativeFunction:
    """The Jacobian of ``fn`` by forward mode: shape ``out.shape + in.shape`` per input."""
    positions, single = _positions(grad_position)

    def jacobian(*args: Any) -> Any:
        for position in positions:
            for leaf in _flatten(args[position])[0]:
                _reject_complex(leaf, f"input {position}", "jacfwd (and hessian)")
        unit, instance = _unit(fn, positions, "forward", has_aux)
        flat = [_flatten(args[p]) for p in positions]  # (leaves, rebuild) per input
        zeros = [[np.zeros_like(np.asarray(leaf, dtype=float)) for leaf in leaves]
                 for leaves, _ in flat]
        columns: list[list[list[Any]]] = [[[] for _ in leaves] for leaves, _ in flat]
        value = None
        for index, (leaves, _) in enumerate(flat):
            for leaf_index, leaf in enumerate(leaves):
                for element in np.ndindex(np.shape(leaf)):
                    basis = [[np.zeros_like(t) for t in ts] for ts in zeros]
                    basis[index][leaf_index][element] = 1.0
                    keywords = {name: rebuild([_tangent_like(b, x) for b, x
                                               in zip(bs, xs, strict=True)])
                                for name, bs, (xs, rebuild)
                                in zip(unit.seeds, basis, flat, strict=True)}
                    value, tangent = unit.function(*_call_args(instance, tuple(args)),
                                                   **keywords)
                    columns[index][leaf_index].append(tangent[0] if has_aux else tangent)
        output = value[0] if has_aux else value
        jacobians = [_per_leaf(output, rebuild,
                               [_stack_columns(column, output, leaf)
                                for column, leaf in zip(leaf_columns, leaves, strict=True)])
                     for leaf_columns, (leaves, rebuild) in zip(columns, flat, strict=True)]
        result = jacobians[0] if single else tuple(jacobians)
        return (result, tuple(value[1:])) if has_aux else result

    return DerivativeFunction(f"jacfwd_{getattr(fn, '__name__', 'fn')}", jacobian,
                              lambda: _unit(fn, positions, "forward", has_aux)[0])


def _flatten(value: Any) -> tuple[list[Any], Callable[[list[Any]], Any]]:
    """The leaves of a pytree (tuple, list, dict, nested; anything else is one leaf) and the
    function that builds the same structure from new leaves."""
    if isinstance(value, (tuple, list, dict)):
        keys = list(value) if isinstance(value, dict) else list(range(len(value)))
        parts = [_flatten(value[key]) for key in keys]
        sizes = [len(leaves) for leaves, _ in parts]
        kind = type(value) if type(value) in (tuple, list, dict) else None

        def rebuild(new: list[Any]) -> Any:
            items, start = [], 0
            for (_, build), size in zip(parts, sizes, strict=True):
                items.append(build(new[start:start + size]))
                start += size
            if isinstance(value, dict):
                return dict(zip(keys, items, strict=True))
            return kind(items) if kind is not None else type(value)(*items)

        return [leaf for leaves, _ in parts for leaf in leaves], rebuild
    return [value], lambda new: new[0]


def _per_leaf(output: Any, rebuild: Callable[[list[Any]], Any], jacobians: list[Any]) -> Any:
    """The Jacobians of one input's leaves in the input's structure; for a tuple output, one
    such structure per output item (outputs outside, inputs inside, as JAX)."""
    if isinstance(output, tuple):
        return tuple(_per_leaf(item, rebuild, [j[k] for j in jacobians])
                     for k, item in enumerate(output))
    return rebuild(jacobians)


def _reject_complex(value: Any, what: str, transform: str) -> None:
    """Jacobians of complex values need a holomorphic convention autodiff does not offer: say
    so rather than dropping the imaginary part."""
    if np.iscomplexobj(value):
        raise TypeError(f"{transform} does not support complex values, and {what} is complex "
                        f"({np.result_type(value)}); differentiate a real function of it with "
                        "grad/jacrev, split it into real and imaginary parts, or use jvp/vjp "
                        "(see docs/complex.md)")


def _tangent_like(basis: np.ndarray, primal: Any) -> Any:
    if isinstance(primal, float):
        return float(basis)
    return basis.astype(np.asarray(primal).dtype)


def _stack_columns(columns: list[Any], output: Any, primal: Any) -> Any:
    """Columns d out / d primal[i] -> an array of shape out.shape + primal.shape."""
    if isinstance(output, tuple):
        return tuple(_stack_columns([c[k] for c in columns], item, primal)
                     for k, item in enumerate(output))
    out_shape, in_shape = np.shape(output), np.shape(primal)
    stacked = np.stack([np.asarray(c) for c in columns], axis=-1) if columns \
        else np.zeros((*out_shape, 0))
    return stacked.reshape(out_shape + in_shape)


def jacrev(fn: Callable[..., Any], grad_position: Any = 0,
           has_aux: bool = False) -> DerivativeFunction:
    """The Jacobian of ``fn`` by reverse mode: one backward sweep per output element."""
    positions, single = _positions(grad_position)

    def jacobian(*args: Any) -> Any:
        unit, instance = _unit(fn, positions, "reverse", has_aux, split=True)
        value, saved = unit.forward(*_call_args(instance, tuple(args)))
        output = value[0] if has_aux else value
        _reject_complex(output, "the output", "jacrev")
        rows: list[list[Any]] = [[] for _ in positions]
        for element in np.ndindex(np.shape(output)):
            seed = np.zeros_like(np.asarray(output, dtype=float))
            seed[element] = 1.0
            seed = seed.astype(np.asarray(output).dtype) if np.ndim(output) else float(seed)
            cotangent = (seed, *(np.zeros_like(item) for item in value[1:])) if has_aux else seed
            flat = unit.backward(saved, cotangent)
            flat = flat if len(unit.wrt) > 1 else (flat,)
            for index, g in enumerate(flat):
                rows[index].append(_flatten(_like(g, args[positions[index]]))[0])
        jacobians = []
        for row, position in zip(rows, positions, strict=True):
            leaves, rebuild = _flatten(args[position])
            jacobians.append(rebuild([_stack_rows([r[k] for r in row], output, leaf)
                                      for k, leaf in enumerate(leaves)]))
        result = jacobians[0] if single else tuple(jacobians)
        return (result, tuple(value[1:])) if has_aux else result

    return DerivativeFunction(f"jacrev_{getattr(fn, '__name__', 'fn')}", jacobian,
                              lambda: _unit(fn, positions, "reverse", has_aux, split=True)[0])


def _stack_rows(rows: list[Any], output: Any, primal: Any) -> np.ndarray:
    out_shape, in_shape = np.shape(output), np.shape(primal)
    return np.stack([np.asarray(r) for r in rows]).reshape(out_shape + in_shape)


def hessian(fn: Callable[..., Any], grad_position: Any = 0) -> DerivativeFunction:
    """The Hessian of a scalar ``fn``: forward mode over the generated reverse-mode gradient."""
    gradient: GradientFunction = grad(fn, grad_position)
    return jacfwd(gradient, grad_position)


# ---- jvp inside differentiated code: rules for the jvp primitive itself ---------------------

_JVP_WRAPPERS: dict[tuple[int, int], Any] = {}


def _jvp_wrapper(fn: Callable[..., Any], arity: int) -> Any:
    """``def jvp_of_f(x0, .., t0, ..): return <generated jvp>(x0, .., x_dot=t0, ..)`` as source,
    so that the compiler can differentiate forward-mode code again."""
    key = (id(fn), arity)
    cached = _JVP_WRAPPERS.get(key)
    if cached is not None and cached[0] is fn:
        return cached[1]
    unit, instance = _unit(fn, tuple(range(arity)), "forward")
    xs = [f"x{i}" for i in range(arity)]
    ts = [f"t{i}" for i in range(arity)]
    arguments = ", ".join([*(["_self"] if instance is not None else []), *xs,
                           *(f"{name}={t}" for name, t in zip(unit.seeds, ts, strict=True))])
    name = f"jvp_of_{unit.name}"
    source = f"def {name}({', '.join(xs + ts)}):\n    return _generated({arguments})\n"
    wrapper = define(name, source, {"_generated": unit.function, "_self": instance},
                              "jvp")
    _JVP_WRAPPERS[key] = (fn, wrapper)
    return wrapper


def jvp_vjp_inputs(g: Any, ans: Any, fn: Any, inputs: Any, v: Any) -> Any:
    """The gradient of ``<g_out, f(x)> + <g_tangent, J(x) v>`` w.r.t. the inputs x."""
    return _jvp_vjp(g, fn, inputs, v, first=True)


def jvp_vjp_v(g: Any, ans: Any, fn: Any, inputs: Any, v: Any) -> Any:
    """The gradient w.r.t. the tangents v: ``J(x)^T g_tangent``."""
    return _jvp_vjp(g, fn, inputs, v, first=False)


def _jvp_vjp(g: Any, fn: Any, inputs: Any, v: Any, first: bool) -> Any:
    xs, ts = _as_tuple(inputs), _as_tuple(v)
    arity = len(xs)
    wrapper = _jvp_wrapper(fn, arity)
    positions = tuple(range(arity)) if first else tuple(range(arity, 2 * arity))
    grads = grad(wrapper, positions, sens_param=True)(*xs, *ts, tuple(g))
    grads = grads if arity > 1 else (grads,)
    return tuple(grads) if isinstance(inputs, (tuple, list)) else grads[0]


def jvp_jvp_inputs(t: Any, ans: Any, fn: Any, inputs: Any, v: Any) -> Any:
    """Tangent of ``jvp(fn, inputs, v)`` along a tangent ``t`` of the inputs."""
    xs, ts = _as_tuple(inputs), _as_tuple(v)
    wrapper = _jvp_wrapper(fn, len(xs))
    zeros = tuple(np.zeros_like(np.asarray(x, dtype=float)) for x in ts)
    return jvp(wrapper, (*xs, *ts), (*_as_tuple(t), *zeros))[1]


def jvp_jvp_v(t: Any, ans: Any, fn: Any, inputs: Any, v: Any) -> Any:
    xs, ts = _as_tuple(inputs), _as_tuple(v)
    wrapper = _jvp_wrapper(fn, len(xs))
    zeros = tuple(np.zeros_like(np.asarray(x, dtype=float)) for x in xs)
    return jvp(wrapper, (*xs, *ts), (*zeros, *_as_tuple(t)))[1]


registry.defvjp(jvp, None, jvp_vjp_inputs, jvp_vjp_v, argnames=("fn", "inputs", "v"))
registry.defjvp(jvp, None, jvp_jvp_inputs, jvp_jvp_v, argnames=("fn", "inputs", "v"))
