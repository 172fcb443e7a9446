"""The tree utilities every pass uses: walking, copying, substituting (transforms/nodes.py)."""

import copy
import inspect

import gast
import pytest

from autodiff.transforms.ir import nodes
from autodiff.transforms.ir.annotations import Anno, Origin, getanno, setanno
from benchmarks import workloads

PROGRAMS = [
    "def f(x, *, k=2):\n    y = [a * b for a, b in zip(x, x) if a > 0]\n    return y[1:3, None]\n",
    "def f(x):\n    while x.sum() > 1:\n        x = x / 2 if x[0] else -x\n    return {'a': x}\n",
    inspect.getsource(workloads),
]


@pytest.mark.parametrize("source", PROGRAMS, ids=["comprehension", "while", "workloads"])
def test_walk_visits_the_nodes_of_gast_walk_in_the_same_order(source):
    tree = gast.parse(source)
    assert [id(node) for node in nodes.walk(tree)] == \
        [id(node) for node in gast.walk(tree) if not _operator(node)]


@pytest.mark.parametrize("source", PROGRAMS, ids=["comprehension", "while", "workloads"])
def test_children_are_those_of_iter_child_nodes(source):
    for node in gast.walk(gast.parse(source)):
        assert [id(child) for child in nodes.children(node)] == \
            [id(child) for child in gast.iter_child_nodes(node) if not _operator(child)]


def _operator(node):
    """Contexts and operators: the walk leaves them to their parents."""
    return isinstance(node, (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop,
                             gast.boolop))


def test_walk_is_lazy_like_gast_walk():
    tree = gast.parse("a + b")
    walker = nodes.walk(tree)
    assert next(walker) is tree  # nothing below the module was needed yet


@pytest.mark.parametrize("source", PROGRAMS, ids=["comprehension", "while", "workloads"])
def test_copy_tree_equals_deepcopy_and_shares_no_node_but_contexts_and_operators(source):
    tree = gast.parse(source)
    copied = nodes.copy_tree(tree)
    assert gast.dump(copied, include_attributes=True) == \
        gast.dump(copy.deepcopy(tree), include_attributes=True)
    originals = {id(node) for node in gast.walk(tree) if not _operator(node)}
    assert not originals & {id(node) for node in gast.walk(copied)}
    shared = [node for node in gast.walk(copied) if _operator(node)]
    assert shared and all(not node._fields for node in shared)  # nothing to change in them


def test_copy_tree_copies_annotations_and_keeps_node_identity_inside_them():
    call = gast.parse("np.full(shape, g)").body[0].value
    origin = Origin("user.py", 3, 0, "y = f(x)")
    setanno(call, Anno.ORIGIN, origin)
    setanno(call, Anno.BROADCAST, call.args[1])  # refers to a node of the copied tree
    copied = nodes.copy_tree(call)
    assert getanno(copied, Anno.ORIGIN) == origin
    assert getanno(copied, Anno.BROADCAST) is copied.args[1]
    setanno(copied, Anno.SEED, True)
    assert getanno(call, Anno.SEED) is None  # the annotation dictionaries are separate


@pytest.mark.parametrize("expression, values, expected", [
    ("a * b", {"a": "x + 1"}, "(x + 1) * b"),
    ("a * a", {"a": "y"}, "y * y"),
    ("2 - 1 + g", {}, "1 + g"),
    ("g * (c - 1.0)", {"c": "3.0"}, "g * 2.0"),
    ("g * x ** p", {"p": "1"}, "g * x"),
    ("g * x ** p", {"p": "True"}, "g * x ** True"),
    ("f(a=a)", {"a": "z"}, "f(a=z)"),
])
def test_substitute_replaces_reads_and_folds_constants(expression, values, expected):
    parsed = {name: gast.parse(text).body[0].value for name, text in values.items()}
    original = gast.parse(expression).body[0].value
    before = gast.dump(original)
    result = nodes.substitute(original, parsed)
    assert gast.unparse(result).strip() == expected
    assert gast.dump(original) == before  # the expression itself is left as it was


def test_substitute_gives_every_read_its_own_copy():
    value = gast.parse("x + 1").body[0].value
    result = nodes.substitute(gast.parse("a * a").body[0].value, {"a": value})
    assert result.left is not result.right and result.left is not value
