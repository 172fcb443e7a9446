"""The ast <-> gast conversion gives exactly what gast's own converters give (convert.py)."""

import ast
import pathlib
import sys

import gast
import pytest

from autodiff.transforms.ir import convert

ROOT = pathlib.Path(__file__).resolve().parents[2]
STDLIB = pathlib.Path(ast.__file__).parent
CORPUS = sorted([*ROOT.glob("transforms/**/*.py"), *ROOT.glob("benchmarks/*.py"),
                 *ROOT.glob("tests/*.py"), *ROOT.glob("autodiff_src/*.py"),
                 *(STDLIB / name for name in ("ast.py", "dataclasses.py", "typing.py",
                                              "asyncio/tasks.py", "inspect.py", "enum.py"))])
SNIPPETS = [
    "def f(a, /, b: int = 1, *args: 'x', c, d=2, **kw) -> None:\n    return a\n",
    "try:\n    pass\nexcept (ValueError, KeyError) as error:\n    raise\nexcept Exception:\n    pass\n",
    "async def g():\n    async with a as (b, c):\n        await b\n    async for i in c:\n        yield i\n",
    "x = [y for y in range(3) if y] + {k: v for k, v in {}.items()} @ (lambda q, *r: q)(1)\n",
    "match p:\n    case [1, *rest] | {'a': _} if rest:\n        pass\n    case Point(x=0) as q:\n"
    "        pass\n",
    "f'{a!r:>{width}}' ; x[1:3, None] ; del y[...] ; global g ; print(*a, **k)\n",
]
if sys.version_info >= (3, 12):
    SNIPPETS.append("def h[T: int, *Ts, **P](x: T) -> T:\n    return x\ntype Alias[K] = list[K]\n")


def _source_list():
    for path in CORPUS:
        yield pytest.param(path.read_text(), id=str(path.relative_to(path.parents[1])))
    for index, snippet in enumerate(SNIPPETS):
        yield pytest.param(snippet, id=f"snippet{index}")


_SOURCES = list(_source_list())


@pytest.mark.parametrize("source", _SOURCES)
def test_to_gast_matches_gast(source):
    tree = ast.parse(source)
    assert gast.dump(convert.to_gast(tree), include_attributes=True) == \
        gast.dump(gast.ast_to_gast(tree), include_attributes=True)


@pytest.mark.parametrize("source", _SOURCES)
def test_to_ast_matches_gast(source):
    tree = gast.ast_to_gast(ast.parse(source))
    ours, theirs = convert.to_ast(tree), gast.gast_to_ast(tree)
    assert ast.dump(ours, include_attributes=True) == ast.dump(theirs, include_attributes=True)
    assert ast.unparse(ours) == ast.unparse(theirs)


def test_statements_built_without_a_location_can_be_unparsed():
    built = gast.Module(body=[gast.Assign(targets=[gast.Name("x", gast.Store(), None, None)],
                                          value=gast.Constant(1, None), type_comment=None)],
                        type_ignores=[])
    assert ast.unparse(convert.to_ast(built)) == "x = 1"
