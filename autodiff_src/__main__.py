"""Command line: ``python -m autodiff demo`` and ``python -m autodiff show FILE.py:FUNCTION``."""

from __future__ import annotations

import argparse
import importlib.util
import pathlib
import sys
import types
from collections.abc import Sequence

from . import demo
from .api import grad
from .errors import UserCodeError
from .functional import _unit
from .highlight import highlight
from .source import source


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m autodiff``."""
    parser = argparse.ArgumentParser(prog="python -m autodiff",
                                     description="Source-transforming autodiff for NumPy.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the seed tutorial and print gradients and source")
    show = commands.add_parser("show", help="print the generated gradient source of a function")
    show.add_argument("target", help="path/to/file.py:function")
    show.add_argument("--grad-position", default="0",
                      help="comma-separated input positions, e.g. 2,3 (default 0)")
    show.add_argument("--has-aux", action="store_true", help="differentiate output 0 only")
    show.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                      help="reverse (gradient, default) or forward (tangent / jvp) code")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo.main()
        return 0
    return _show(args.target, args.grad_position, args.has_aux, args.mode)


def _show(target: str, positions_text: str, has_aux: bool, mode: str) -> int:
    path_text, _, name = target.rpartition(":")
    path = pathlib.Path(path_text)
    if not path_text or not name:
        return _fail(f"expected FILE.py:FUNCTION, got {target!r}")
    if not path.is_file():
        return _fail(f"no such file: {path}")
    try:
        positions = tuple(int(part) for part in positions_text.split(",") if part.strip())
    except ValueError:
        return _fail(f"--grad-position takes comma-separated integers, got {positions_text!r}")
    module = _load_module(path)
    function = getattr(module, name, None)
    if function is None:
        return _fail(f"{path} defines no function {name!r}")
    try:
        if mode == "forward":
            text = _unit(function, positions, "forward", has_aux)[0].full_source()
        else:
            text = source(grad(function, positions if len(positions) != 1 else positions[0],
                               has_aux=has_aux))
    except UserCodeError as error:
        return _fail(f"{error.filename}:{error.lineno}: {error.msg}")
    print(highlight(text) if sys.stdout.isatty() else text, end="")
    return 0


def _load_module(path: pathlib.Path) -> types.ModuleType:
    """Import ``path`` as a module registered in ``sys.modules`` (dataclasses need that),
    under the dotted name it has when its folder is a package on the current directory."""
    resolved = path.resolve()
    name = _dotted_name(resolved)
    existing = sys.modules.get(name)
    if existing is not None and getattr(existing, "__file__", None) \
            and pathlib.Path(existing.__file__).resolve() == resolved:
        return existing
    sys.path.insert(0, str(resolved.parent))
    spec = importlib.util.spec_from_file_location(name, resolved)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _dotted_name(path: pathlib.Path) -> str:
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder != folder.parent:
        parts.insert(0, folder.name)
        folder = folder.parent
    if len(parts) > 1:
        sys.path.insert(0, str(folder))
    return ".".join(parts)


def _fail(message: str) -> int:
    print(f"autodiff: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
