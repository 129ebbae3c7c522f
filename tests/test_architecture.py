"""The layout the README's architecture page describes, checked: every feature is one folder of
its app, module names are room names (no ``plan_views.py``), and the apps import one way only,
``settlement → funds → enrollment → pooling``. Each check has a probe that shows it fails on a
violation."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

APPS = ("pooling", "enrollment", "funds", "settlement")
RANK = {app: rank for rank, app in enumerate(APPS)}
ROOT = Path(settings.BASE_DIR)
# The project's wiring names every app by design: settings, the root URLs, the Celery app.
WIRING = {"pooling/settings.py", "pooling/urls.py", "pooling/celery.py"}
# What may stand at the top of an app beside its feature folders (Django's own conventions
# and the app's URL lists that join its features' routes).
APP_MODULES = {"__init__", "apps", "models", "admin", "urls", "api_urls"}
PROJECT_MODULES = {"settings", "urls", "celery", "wsgi", "asgi", "page_urls"}
# The rooms of a feature; a module named ``<feature>_<room>`` is a folder not yet made.
ROOMS = {"models", "services", "selectors", "forms", "views", "api", "serializers", "filters"}
ROOMS |= {"urls", "tasks"}
PREFIXED = re.compile(rf"^\w+_({'|'.join(sorted(ROOMS))})$")


def _modules(app: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and "__pycache__" not in path.parts
    ]


def _where(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def _imported_apps(path: Path) -> list[tuple[int, str]]:
    """Every absolute import of one of the four apps, at any depth (inside functions and
    ``TYPE_CHECKING`` blocks too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.split(".")[0] in RANK]


def _upward_imports(app: str, paths: list[Path]) -> list[str]:
    return [
        f"{_where(path)}:{line} imports {name}"
        for path in paths
        for line, name in _imported_apps(path)
        if RANK[name.split(".")[0]] > RANK[app]
    ]


def _loose_modules(app: str, folder: Path) -> list[str]:
    allowed = APP_MODULES | (PROJECT_MODULES if app == "pooling" else set())
    return sorted(path.name for path in folder.glob("*.py") if path.stem not in allowed)


def _prefixed_modules(paths: list[Path]) -> list[str]:
    return [
        _where(path)
        for path in paths
        if PREFIXED.match(path.stem) and path.stem not in {"api_urls", "page_urls"}
    ]


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    modules = [path for path in _modules(app) if _where(path) not in WIRING]
    assert _upward_imports(app, modules) == []


def test_the_import_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text(
        "from settlement.cycle.services import cycle_start\n"
        "import funds.ledger\n"
        "from pooling.core import money\n"
        "\n"
        "def later():\n"
        "    from enrollment.people import services\n"
    )
    assert _upward_imports("pooling", [module]) == [
        "probe.py:1 imports settlement.cycle.services",
        "probe.py:2 imports funds.ledger",
        "probe.py:6 imports enrollment.people",
    ]
    assert _upward_imports("funds", [module]) == ["probe.py:1 imports settlement.cycle.services"]
    assert _upward_imports("settlement", [module]) == []


@pytest.mark.parametrize("app", APPS)
def test_an_app_is_feature_folders_and_its_wiring(app):
    assert _loose_modules(app, ROOT / app) == []


def test_the_folder_check_sees_a_loose_module(tmp_path):
    for name in ("models.py", "urls.py", "plans.py", "settings.py"):
        (tmp_path / name).write_text("")
    assert _loose_modules("settlement", tmp_path) == ["plans.py", "settings.py"]
    assert _loose_modules("pooling", tmp_path) == ["plans.py"]


@pytest.mark.parametrize("app", APPS)
def test_no_module_name_repeats_a_feature_prefix(app):
    assert _prefixed_modules(_modules(app)) == []


def test_the_name_check_sees_a_prefixed_module():
    names = ["plan_views.py", "benefit_use_api.py", "views.py", "api_urls.py", "collection.py"]
    assert _prefixed_modules([Path(name) for name in names]) == [
        "plan_views.py",
        "benefit_use_api.py",
    ]
