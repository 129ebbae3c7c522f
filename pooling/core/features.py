"""The feature packages of the four apps. Django and Celery discover modules by name per app
(``<app>.tasks``); here every feature holds its own ``tasks`` and ``demo``, so they are
discovered per feature instead."""

import importlib.util
import pkgutil

APPS = ("pooling", "enrollment", "funds", "settlement")
NOT_FEATURES = {"core", "management", "migrations", "templatetags"}


def feature_packages() -> list[str]:
    """``["pooling.structure", …, "settlement.risk"]``: every feature package, app by app."""
    packages = []
    for app in APPS:
        spec = importlib.util.find_spec(app)
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if info.ispkg and info.name not in NOT_FEATURES:
                packages.append(f"{app}.{info.name}")
    return packages


def feature_modules(name: str) -> list[str]:
    """The dotted names of the features' modules called ``name`` (e.g. ``"demo"``)."""
    return [
        f"{package}.{name}"
        for package in feature_packages()
        if importlib.util.find_spec(f"{package}.{name}") is not None
    ]
