"""Code size limits (issue 16): no module over 400 lines and no function over 60 lines in
portal/ and notifications/, so each can be read in one sitting. Ruff's C901 keeps branching
down the same way (pyproject.toml). A function is measured from its ``def`` line to its last
line, docstring included; a nested function counts towards its outer one as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "notifications")
MODULE_MAX_LINES = 400
FUNCTION_MAX_LINES = 60


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _functions(tree: ast.Module) -> list[tuple[str, int]]:
    """Each function's qualified name (``Class.method``, ``outer.inner``) and its length."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                found.append((name, (child.end_lineno or child.lineno) - child.lineno + 1))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def long_functions() -> dict[str, int]:
    """Every function over the limit, by ``path::qualified name``."""
    over = {}
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        for name, length in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            if length > FUNCTION_MAX_LINES:
                over[f"{relative}::{name}"] = length
    return over


def test_no_module_is_over_400_lines():
    long_modules = {
        path.relative_to(ROOT).as_posix(): lines
        for path in _sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_MAX_LINES
    }
    assert not long_modules, f"split these modules (lines): {long_modules}"


def test_no_function_is_over_60_lines():
    long = long_functions()
    assert not long, f"split these functions (lines): {long}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    pass\n", [("f", 2)]),
        (
            "class C:\n    def m(self):\n        def inner():\n            pass\n",
            [("C.m", 3), ("C.m.inner", 2)],
        ),
        ("async def g():\n    '''Doc.'''\n\n    return 1\n", [("g", 4)]),
    ],
)
def test_functions_are_named_and_measured(source, expected):
    """The measure itself: methods and nested functions are found and counted from ``def``."""
    assert _functions(ast.parse(source)) == expected
