"""Gradient rules of ``np.einsum``: every subscript form (explicit and implicit output, ellipsis,
repeated indices for traces and diagonals, sublists), up to ``MAX_POSITIONS`` positional
arguments, any ``optimize=``, and broadcasting of size-1 and ellipsis dimensions.

``einsum`` is linear in each operand. Its JVP for operand j is the same einsum with operand j
replaced by its tangent. Its VJP for operand j is another einsum: the output's adjoint contracted
with the other operands onto operand j's labels. A label repeated in operand j (a diagonal) gets
a fresh label tied to the first by an identity matrix; a label only operand j carries (summed
away) comes back through a vector of ones; dimensions operand j broadcast are summed back.

Generated code calls one rule per argument position, ``einsum_vjp_arg<k>``/``einsum_jvp_arg<k>``
(built by ``_position_rules``: they take a variable number of operands, which autodiff cannot
differentiate by source). Those rules have rules of their own (second order: ``hessian``); a third
derivative through einsum raises an error naming the rule. More than ``MAX_POSITIONS`` arguments
raise rather than leave the later operands without a gradient.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from .registry import Rule, constant_arguments, defrule

MAX_POSITIONS = 9  # np.einsum(subscripts, 8 operands), or 4 operands with their sublists
_LETTERS = string.ascii_letters  # numpy's labels: sublist label k is the letter _LETTERS[k]


def _term_items(term: Any) -> list[Any]:
    # A term ("ij", "...k", or a sublist such as [0, Ellipsis, 1]) as ints and Ellipsis.
    if not isinstance(term, str):
        return [item if item is Ellipsis else int(item) for item in term]
    items: list[Any] = []
    for letter in term.replace("...", "."):
        items.append(Ellipsis if letter == "." else _LETTERS.index(letter))
    return items


def _expand(items: list[Any], width: int) -> list[int]:
    # The labels of a term, its ellipsis standing for ``width`` dimensions labelled -width..-1
    # (so that the ellipsis dimensions of all operands line up from the right).
    labels: list[int] = []
    for item in items:
        labels.extend(range(-width, 0) if item is Ellipsis else [item])
    return labels


def _implicit_output(inputs: list[list[int]]) -> list[int]:
    # Ellipsis dimensions first, then the labels that occur once, in ASCII order of the letters.
    counts: dict[int, int] = {}
    for labels in inputs:
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
    broadcast = sorted(label for label in counts if label < 0)
    once = [label for label in counts if label >= 0 and counts[label] == 1]
    return broadcast + sorted(once, key=_LETTERS.__getitem__)


def _einsum_spec(args: tuple[Any, ...]) -> tuple[list[list[int]], list[int], list[int]]:
    """The int labels of every operand, the output's labels, and the positions of the operands
    among ``args`` (the positional arguments of an ``np.einsum`` call)."""
    if isinstance(args[0], str):
        lhs, arrow, rhs = args[0].replace(" ", "").partition("->")
        positions = list(range(1, len(args)))
        terms = [_term_items(term) for term in lhs.split(",")]
        output = _term_items(rhs) if arrow else None
    else:
        positions = list(range(0, len(args) - 1, 2))
        terms = [_term_items(args[p + 1]) for p in positions]
        output = _term_items(args[-1]) if len(args) % 2 == 1 else None
    inputs = []
    for items, position in zip(terms, positions, strict=True):
        width = np.ndim(args[position]) - (len(items) - (Ellipsis in items))
        inputs.append(_expand(items, width))
    if output is None:
        return inputs, _implicit_output(inputs), positions
    width = max([-min([*labels, 0]) for labels in inputs])
    return inputs, _expand(output, width), positions


def _fit(result: Any, shape: tuple[int, ...]) -> Any:
    # Sum the axes the operand broadcast (size 1 in it); spread those it has but no other did.
    summed = tuple(axis for axis, size in enumerate(shape) if size == 1 and result.shape[axis] != 1)
    if summed:
        result = np.sum(result, axis=summed, keepdims=True)
    return np.broadcast_to(result, shape) if result.shape != shape else result


def _relabelled(call: list[Any], output: list[int]) -> tuple[list[Any], list[int]]:
    # Every label (ints, possibly negative or large) renumbered 0, 1, ... for np.einsum.
    numbers: dict[int, int] = {}
    for i in range(1, len(call), 2):
        call[i] = [numbers.setdefault(label, len(numbers)) for label in call[i]]
    return call, [numbers.setdefault(label, len(numbers)) for label in output]


def _adjoint_optimize(optimize: Any) -> Any:
    # A contraction path given for the forward einsum does not fit the adjoint's operands.
    return optimize if isinstance(optimize, (bool, str)) else "greedy"


def _check_count(args: tuple[Any, ...], rule: str) -> None:
    # Arguments past the last rule would get no gradient at all: refuse the whole call instead.
    if len(args) > MAX_POSITIONS:
        raise NotImplementedError(
            f"{rule}: np.einsum with more than {MAX_POSITIONS} positional arguments is not "
            "differentiable here; split it into several einsum calls")


def _einsum_vjp(position: int, g: Any, args: tuple[Any, ...], optimize: Any) -> Any:
    _check_count(args, "einsum_vjp")
    inputs, output, positions = _einsum_spec(args)
    if position not in positions:
        raise TypeError(f"np.einsum argument {position} is a subscript list, not an operand")
    j = positions.index(position)
    operand = args[position]
    dtype = np.result_type(g, operand)
    call: list[Any] = [g, list(output)]
    present = set(output)
    for k in range(len(positions)):
        if k != j:
            call += [args[positions[k]], list(inputs[k])]
            present.update(inputs[k])
    fresh = max(present | set(inputs[j])) + 1
    target = []
    for axis, label in enumerate(inputs[j]):
        size = np.shape(operand)[axis]
        if label in target:  # a diagonal: a fresh label, tied to the first by the identity
            call += [np.eye(size, dtype=dtype), [label, fresh]]
            target.append(fresh)
            fresh += 1
            continue
        if label not in present:  # summed away inside operand j only
            call += [np.ones(size, dtype=dtype), [label]]
        target.append(label)
    call, target = _relabelled(call, target)
    result = np.einsum(*call, target, optimize=_adjoint_optimize(optimize))
    return _fit(np.asarray(result, dtype=dtype), np.shape(operand))


def _einsum_jvp(position: int, t: Any, args: tuple[Any, ...], optimize: Any) -> Any:
    _check_count(args, "einsum_jvp")
    replaced = list(args)
    replaced[position] = t
    return np.einsum(*replaced, optimize=optimize)


def _export(rule: Rule, name: str, doc: str) -> Rule:
    # A generated rule as a module-level function, reachable as _rt.<name>.
    rule.__name__ = rule.__qualname__ = name
    rule.__module__ = __name__
    rule.__doc__ = doc
    globals()[name] = rule
    __all__.append(name)
    return rule


def _position_rules(position: int) -> tuple[Rule, Rule]:
    # The VJP and JVP of np.einsum's argument ``position``.
    def vjp(g: Any, ans: Any, *args: Any, optimize: Any = False) -> Any:
        return _einsum_vjp(position, g, args, optimize)

    def jvp(t: Any, ans: Any, *args: Any, optimize: Any = False) -> Any:
        return _einsum_jvp(position, t, args, optimize)

    doc = "The {} rule of np.einsum's positional argument " + f"{position}."
    return (_export(vjp, f"einsum_vjp_arg{position}", doc.format("VJP")),
            _export(jvp, f"einsum_jvp_arg{position}", doc.format("JVP")))


# ---- second order -------------------------------------------------------------------------------
# The rules above are linear in their first argument (g or t) and in every operand but operand k
# (whose value they do not read), so their own rules are einsum rules again:
#   vjp_k(g, x) = d<g, E(x)>/dx_k:  d<h, vjp_k>/dg = E(x_k := h) = jvp_k(h),
#                                   d<h, vjp_k>/dx_p = vjp_p(g; x_k := h)
#   jvp_k(t, x) = E(x_k := t):      d<h, jvp_k>/dt = vjp_k(h),  d<h, jvp_k>/dx_p = vjp_p(h; x_k := t)
# and their JVPs are the same rules with the tangent substituted. A third derivative raises.


def _with(args: tuple[Any, ...], position: int, value: Any) -> tuple[Any, ...]:
    replaced = list(args)
    replaced[position] = value
    return tuple(replaced)


def _possible(k: int, p: int) -> bool:
    # Can arguments k and p both be operands (string form: 1.., sublist form: even positions)?
    return p != k and ((k >= 1 and p >= 1) or (k % 2 == 0 and p % 2 == 0 and p < MAX_POSITIONS - 1
                                               and k < MAX_POSITIONS - 1))


def _seed_rule(rule: Rule) -> Rule:
    # d<h, first-order rule>/d(its seed): ``rule`` (the transpose) applied to h.
    def second(v: Any, ans: Any, seed: Any, ans0: Any, *args: Any, optimize: Any = False) -> Any:
        return rule(v, ans0, *args, optimize=optimize)

    return second


def _operand_rule(rule: Rule, position: int, seed_first: bool) -> Rule:
    # ``rule`` with ``v`` (or the seed) substituted for operand ``position``, taking the seed
    # (or ``v``) as its own first argument.
    def second(v: Any, ans: Any, seed: Any, ans0: Any, *args: Any, optimize: Any = False) -> Any:
        first, inserted = (seed, v) if seed_first else (v, seed)
        return rule(first, ans0, *_with(args, position, inserted), optimize=optimize)

    return second


def _second_order_rules(k: int, kind: str) -> tuple[list[Rule | None], list[Rule | None]]:
    """The rules of ``einsum_<kind>_arg<k>`` (kind "vjp" or "jvp") w.r.t. its seed and every
    operand p: for vjp_k, h -> jvp_k(h) and vjp_p(g; x_k := h), tangent vjp_k(g; x_p := s); for
    jvp_k, h -> vjp_k(h) and vjp_p(h; x_k := t), tangent jvp_p(s; x_k := t)."""
    vjp_k, jvp_k = _RULES[k]
    seed_rules = (jvp_k, vjp_k) if kind == "vjp" else (vjp_k, jvp_k)
    name, seed = f"einsum_{kind}_arg{k}", "g" if kind == "vjp" else "t"
    vjps: list[Rule | None] = [_export(_seed_rule(seed_rules[0]), f"{name}_vjp_{seed}",
                                       "Second order of einsum."), None]
    jvps: list[Rule | None] = [_export(_seed_rule(seed_rules[1]), f"{name}_jvp_{seed}",
                                       "Second order of einsum."), None]
    for p in range(MAX_POSITIONS):
        vjp_p, jvp_p = _RULES[p]
        if kind == "vjp":
            reverse, forward = _operand_rule(vjp_p, k, True), _operand_rule(vjp_k, p, True)
        else:
            reverse, forward = _operand_rule(vjp_p, k, False), _operand_rule(jvp_p, k, False)
        possible = _possible(k, p)
        vjps.append(_export(reverse, f"{name}_vjp_arg{p}", "Second order.") if possible else None)
        jvps.append(_export(forward, f"{name}_jvp_arg{p}", "Second order.") if possible else None)
    return vjps, jvps


__all__: list[str] = []
_RULES = [_position_rules(position) for position in range(MAX_POSITIONS)]
_ARGNAMES = tuple(f"arg{position}" for position in range(MAX_POSITIONS))
defrule(np.einsum, vjp=tuple(vjp for vjp, _ in _RULES), jvp=tuple(jvp for _, jvp in _RULES),
        argnames=_ARGNAMES)
for _k in range(MAX_POSITIONS):
    for _rule, _kind in ((_RULES[_k][0], "vjp"), (_RULES[_k][1], "jvp")):
        _vjps, _jvps = _second_order_rules(_k, _kind)
        defrule(_rule, vjp=tuple(_vjps), jvp=tuple(_jvps), argnames=("g", "ans", *_ARGNAMES))
        # a rule is linear in g and does not read ans or the operand it differentiates for:
        # the arguments it has no rule for lend only shapes (or are subscripts)
        constant_arguments(_rule, *(name for name, vjp in zip(("g", "ans", *_ARGNAMES), _vjps,
                                                               strict=False) if vjp is None))
