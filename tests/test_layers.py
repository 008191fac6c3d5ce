"""Layers one way (issue 16): read from the source with ``ast``, nothing is imported or run.

From the top: views (the blueprints and the partner API), then ``portal.policy`` (the case loader
for views), then the services with the access rules they ask (``portal.rules``, which asks one
service, availability, whether an ISVA is covering), then ``notifications``, then the shared
lower modules (models, clock, crypto, normalise, throttle, ...). A module may import from its own
layer or below, never from above. Every import counts: at the top of a module, inside a
function (a "late import" is still a dependency), ``from portal import services`` and
``importlib.import_module("portal.services...")`` alike; and what a module imports, it also
brings in with everything that module imports, so the check follows imports all the way down.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "notifications")

VIEWS = (
    "portal.victim",
    "portal.caseworker",
    "portal.auth",
    "portal.api",
    "portal.public",
    "portal.info",
)
# Everything above notifications/: it decides how people are told, never what or by whose leave.
ABOVE_NOTIFICATIONS = (*VIEWS, "portal.policy", "portal.services", "portal.rules")
# Services are called by views and never call back up into them or the view guard.
ABOVE_SERVICES = (*VIEWS, "portal.policy")
# The access rules answer "may this user do this?" for services and views alike: no request.
NOT_IN_RULES = ("flask", "flask_login", "portal.extensions", "portal.policy", *VIEWS)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the application's packages, by dotted name."""
    return {
        module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))
    }


def _is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def imported_names(source: str, name: str, is_package: bool = False) -> set[tuple[str, int]]:
    """Every module ``source`` (the module ``name``) imports, anywhere in it, with its line.
    ``from a import b`` names both ``a`` and ``a.b`` (b may be a module)."""
    found: set[tuple[str, int]] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {(alias.name, node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the enclosing package, up level - 1
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add((base, node.lineno))
            found |= {(f"{base}.{alias.name}", node.lineno) for alias in node.names}
        elif (
            isinstance(node, ast.Call)
            and _called_name(node.func) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add((node.args[0].value, node.lineno))
    return found


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _under(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@cache
def direct_imports(name: str) -> frozenset[tuple[str, int]]:
    path = modules()[name]
    return frozenset(imported_names(path.read_text(encoding="utf-8"), name, _is_package(name)))


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the application modules it imports. A module's own enclosing packages are left
    out: importing ``portal.clock`` runs ``portal/__init__.py`` first whatever the module says,
    and a blueprint package importing its view modules at its end is the Flask pattern."""
    edges: dict[str, frozenset[str]] = {}
    for name in modules():
        edges[name] = frozenset(
            target
            for target, _line in direct_imports(name)
            if target in modules() and not (target == name or name.startswith(target + "."))
        )
    return edges


def upward_imports(starts: Iterable[str], forbidden: tuple[str, ...]) -> list[str]:
    """Each way a module in ``starts`` reaches a ``forbidden`` one, directly or through the
    modules it imports, as "a:line -> b -> forbidden" (the line of a's own import)."""
    problems = []
    for start in starts:
        for target, line in sorted(direct_imports(start)):
            if _under(target, forbidden):
                problems.append(f"{start}:{line} imports {target}")
        seen = {start}
        stack = [(start, [start])]
        while stack:
            current, path = stack.pop()
            for target in sorted(graph()[current]):
                if target in seen:
                    continue
                seen.add(target)
                if _under(target, forbidden) and len(path) > 1:
                    problems.append(" -> ".join([*path, target]))
                elif not _under(target, forbidden):
                    stack.append((target, [*path, target]))
    return problems


def under(prefix: str) -> list[str]:
    return [name for name in modules() if _under(name, [prefix])]


def test_the_packages_are_found() -> None:
    assert {"notifications.on_behalf", "portal.services.audit", "portal.rules"} <= set(modules())
    assert len(under("notifications")) > 15
    assert len(under("portal.services")) > 30


def test_notifications_imports_nothing_above_it() -> None:
    assert upward_imports(under("notifications"), ABOVE_NOTIFICATIONS) == []


def test_services_never_import_views_or_the_view_guard() -> None:
    assert upward_imports(under("portal.services"), ABOVE_SERVICES) == []


def test_the_access_rules_need_no_request() -> None:
    imported = {target for target, _line in direct_imports("portal.rules")}
    assert [t for t in imported if _under(t, NOT_IN_RULES)] == []
    assert upward_imports(["portal.rules"], ABOVE_SERVICES) == []


def test_the_throttle_sits_below_auth_and_notifications() -> None:
    assert upward_imports(["portal.throttle"], ABOVE_NOTIFICATIONS) == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    """No import cycle among modules (a package importing its own view modules at its end is
    the blueprint pattern and not counted: see ``graph``)."""
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_auth_blueprint_is_defined_in_its_package() -> None:
    """Like the victim and caseworker blueprints: ``bp`` lives in portal/auth/__init__.py, and
    no module takes it from a view module."""
    for name in modules():
        for target, line in direct_imports(name):
            assert target != "portal.auth.views.bp", f"{name}:{line} takes bp from auth.views"
    tree = ast.parse(modules()["portal.auth"].read_text(encoding="utf-8"))
    assigned = {
        t.id
        for n in tree.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    assert "bp" in assigned


# --- the checker itself finds what it is meant to find -----------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from portal.services import audit\n",
        "from portal import services\n",
        "import portal.policy\n",
        "def late():\n    from portal.auth.throttle import ip_key\n",
        "import importlib\nimportlib.import_module('portal.services.audit')\n",
        "from ..services import audit\n",
    ],
)
def test_an_upward_import_is_seen_however_it_is_written(source: str) -> None:
    found = {t for t, _line in imported_names(source, "portal.rights_forms")}
    found |= {t for t, _line in imported_names(source, "portal.caseworker.x")}
    assert any(_under(t, ABOVE_NOTIFICATIONS) for t in found), found


def test_a_lower_import_is_not_mistaken_for_an_upward_one() -> None:
    source = (
        "from portal.clock import utcnow\nfrom portal.models import User\nimport notifications\n"
    )
    found = {t for t, _line in imported_names(source, "notifications.x")}
    assert not any(_under(t, ABOVE_NOTIFICATIONS) for t in found)
