"""``nn.Cell``: registration, parameter order, naming and traversal."""

from __future__ import annotations

import copy
import pickle
import re
import weakref

import numpy as np
import pytest

from autodiff import Parameter, nn, ops


def _param(shape: tuple[int, ...] = (2,), **kwargs: object) -> Parameter:
    return Parameter(np.zeros(shape, np.float32), **kwargs)


def _names(params: list[Parameter]) -> list[str]:
    return [p.name for p in params]


class Leaf(nn.Cell):
    def __init__(self) -> None:
        super().__init__()
        self.weight = _param((3, 2))
        self.bias = _param((3,))

    def construct(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weight.T + self.bias


class Block(nn.Cell):
    def __init__(self) -> None:
        super().__init__()
        self.scale = _param()
        self.leaf = Leaf()


class Outer(nn.Cell):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.gain = _param()
        self.head = Leaf()


# ---- the seed's Network -------------------------------------------------------------------------


def test_seed_network_lists_w_and_b(rng: np.random.Generator) -> None:
    w = Parameter(rng.normal(size=(5, 3)).astype(np.float32), name="w")
    b = Parameter(rng.normal(size=(3,)).astype(np.float32), name="b")

    class Network(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.w = w
            self.b = b

        def construct(self, x: np.ndarray) -> np.ndarray:
            z = ops.matmul(x, self.w) + self.b
            return z

    model = Network()
    params = model.trainable_params()
    assert len(params) == 2 and params[0] is w and params[1] is b
    assert _names(params) == ["w", "b"]
    x = ops.ones(5)
    np.testing.assert_allclose(model(x), x @ w.view(np.ndarray) + b.view(np.ndarray), rtol=1e-6)


# ---- order --------------------------------------------------------------------------------------


def test_own_params_come_first_in_assignment_order() -> None:
    model = Outer()
    assert [name for name, _ in model.parameters_and_names()] == [
        "gain", "block.scale", "block.leaf.weight", "block.leaf.bias", "head.weight", "head.bias",
    ]
    assert _names(model.trainable_params()) == [name for name, _ in model.parameters_and_names()]


def test_reassigning_an_attribute_keeps_its_position() -> None:
    class Net(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.a = _param()
            self.b = _param()
            self.c = _param()

    net = Net()
    replacement = _param()
    net.a = replacement
    assert [name for name, _ in net.parameters_and_names()] == ["a", "b", "c"]
    assert net.trainable_params()[0] is replacement
    assert replacement.name == "a"


@pytest.mark.parametrize("how", ["none", "array", "del"])
def test_removing_an_attribute_unregisters_it(how: str) -> None:
    net = Block()
    if how == "none":
        net.scale = None
        net.leaf = None
    elif how == "array":
        net.scale = np.zeros(2)
        net.leaf = [Leaf()]  # cells in a list are not registered
    else:
        del net.scale
        del net.leaf
    assert net.get_parameters() == []
    assert net.name_cells() == {}


def test_switching_an_attribute_between_parameter_and_cell() -> None:
    net = Block()
    leaf = Leaf()
    net.scale = leaf
    assert list(net.name_cells()) == ["leaf", "scale"]
    assert [name for name, _ in net.parameters_and_names()] == [
        "leaf.weight", "leaf.bias", "scale.weight", "scale.bias",
    ]
    net.leaf = _param()
    assert list(net.name_cells()) == ["scale"]
    assert next(name for name, _ in net.parameters_and_names()) == "leaf"


# ---- naming -------------------------------------------------------------------------------------


def test_children_are_prefixed_with_their_attribute_path() -> None:
    model = Outer()
    assert _names(model.get_parameters()) == [
        "gain", "block.scale", "block.leaf.weight", "block.leaf.bias", "head.weight", "head.bias",
    ]
    assert all(p.name_is_default for p in model.get_parameters())


def test_standalone_parameter_keeps_automatic_name_until_assigned() -> None:
    p = _param()
    assert re.fullmatch(r"Parameter#\d+", p.name)
    leaf = Leaf()
    assert re.fullmatch(r"Parameter#\d+", p.name)
    leaf.extra = p
    assert p.name == "extra"


def test_explicit_names_win_at_every_level() -> None:
    class Named(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.weight = _param(name="mine")
            self.bias = _param()

    class Parent(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.child = Named()

    model = Parent()
    assert _names(model.get_parameters()) == ["mine", "child.bias"]
    assert not model.child.weight.name_is_default


def test_shared_parameter_appears_once_under_its_first_path() -> None:
    shared = _param()

    class Net(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.first = shared
            self.other = _param()
            self.second = shared

    net = Net()
    params = net.get_parameters()
    assert len(params) == 2 and params[0] is shared and params[1] is net.other
    assert shared.name == "first"


def test_shared_child_cell_is_listed_once() -> None:
    class Net(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.left = Leaf()
            self.right = self.left

    net = Net()
    assert [name for name, _ in net.parameters_and_names()] == ["left.weight", "left.bias"]
    assert _names(net.get_parameters()) == ["left.weight", "left.bias"]
    assert [path for path, _ in net.cells_and_names()] == ["", "left"]


def test_parameter_named_by_another_cell_keeps_its_name() -> None:
    first = Leaf()
    other = nn.Cell()
    other.tied = first.weight
    assert first.weight.name == "weight"
    assert other.get_parameters()[0] is first.weight


def test_parameter_shared_with_a_child_keeps_first_assignment_name() -> None:
    class Net(nn.Cell):
        def __init__(self) -> None:
            super().__init__()
            self.leaf = Leaf()
            self.alias = self.leaf.weight

    net = Net()
    assert net.leaf.weight.name == "leaf.weight"
    # own parameters are listed first, so the shared one is listed under 'alias'
    assert [name for name, _ in net.parameters_and_names()] == ["alias", "leaf.bias"]


def test_copies_keep_names_and_registries() -> None:
    model = Outer()
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert _names(clone.get_parameters()) == _names(model.get_parameters())
        assert all(a is not b for a, b in zip(clone.get_parameters(), model.get_parameters(),
                                              strict=True))
        assert clone.block.leaf.weight is clone.get_parameters()[2]


# ---- trainable / untrainable ----------------------------------------------------------------


def test_frozen_parameters_are_untrainable() -> None:
    model = Outer()
    model.block.leaf.weight.requires_grad = False
    model.gain.requires_grad = False
    assert _names(model.trainable_params()) == [
        "block.scale", "block.leaf.bias", "head.weight", "head.bias",
    ]
    assert _names(model.untrainable_params()) == ["gain", "block.leaf.weight"]
    assert len(model.get_parameters()) == 6


def test_recurse_false_lists_own_parameters_only() -> None:
    model = Outer()
    assert _names(model.trainable_params(recurse=False)) == ["gain"]
    assert _names(model.get_parameters(expand=False)) == ["gain"]
    assert [n for n, _ in model.parameters_and_names(expand=False)] == ["gain"]


def test_parameters_and_names_prefix() -> None:
    leaf = Leaf()
    assert [n for n, _ in leaf.parameters_and_names("net")] == ["net.weight", "net.bias"]


# ---- traversal, calling, errors -----------------------------------------------------------------


def test_cells_and_names_is_depth_first_preorder() -> None:
    model = Outer()
    assert [path for path, _ in model.cells_and_names()] == ["", "block", "block.leaf", "head"]
    assert list(model.name_cells()) == ["block", "head"]


def test_cycles_terminate() -> None:
    a, b = Block(), Block()
    a.other = b
    b.other = a
    assert len(a.get_parameters()) == 6
    with pytest.raises(ValueError, match="own attribute"):
        a.me = a


def test_call_runs_construct_with_args_and_kwargs() -> None:
    class Affine(nn.Cell):
        def construct(self, x: float, shift: float = 0.0) -> float:
            return 2 * x + shift

    assert Affine()(3.0, shift=1.0) == 7.0


def test_missing_construct_raises() -> None:
    with pytest.raises(NotImplementedError, match="construct"):
        nn.Cell()(1.0)


def test_missing_super_init_is_reported() -> None:
    class Early(nn.Cell):
        def __init__(self) -> None:
            self.w = _param()

    class NoInit(nn.Cell):
        def __init__(self) -> None:
            self.size = 3

        def construct(self, x: float) -> float:
            return x

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        Early()
    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        NoInit()(1.0)


@pytest.mark.parametrize("name", ["_params", "_cells"])
def test_internal_attributes_are_reserved(name: str) -> None:
    with pytest.raises(AttributeError, match="reserved"):
        setattr(nn.Cell(), name, {})


def test_set_train_is_recursive() -> None:
    model = Outer()
    assert model.training is False
    assert model.set_train() is model
    assert all(cell.training for _, cell in model.cells_and_names())
    model.set_train(False)
    assert not any(cell.training for _, cell in model.cells_and_names())


def test_cells_are_hashable_and_weakly_referenceable() -> None:
    model = Outer()
    assert weakref.ref(model)() is model
    assert {model: 1}[model] == 1


def test_repr_lists_children() -> None:
    text = repr(Outer())
    assert text.splitlines()[0] == "Outer<"
    assert "(block): Block<" in text and "(leaf): Leaf<>" in text
