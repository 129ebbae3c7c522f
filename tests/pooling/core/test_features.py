"""Feature discovery: every feature folder of the four apps, and its modules by room name
(Celery's tasks and the demo seeders are found this way)."""

from pooling.core.features import feature_modules, feature_packages


def test_every_feature_folder_is_found_app_by_app():
    packages = feature_packages()
    assert packages[:4] == [
        "pooling.accounts",
        "pooling.rules",
        "pooling.structure",
        "pooling.workdays",
    ]
    assert {"enrollment.people", "funds.ledger", "settlement.cycle"} <= set(packages)
    assert not {"pooling.core", "pooling.management", "pooling.templatetags"} & set(packages)
    apps = [package.split(".")[0] for package in packages]
    assert apps == sorted(apps, key=["pooling", "enrollment", "funds", "settlement"].index)


def test_a_room_is_found_only_where_a_feature_has_it():
    demos = feature_modules("demo")
    assert "pooling.structure.demo" in demos
    assert "pooling.rules.demo" not in demos
    assert all(module.endswith(".demo") for module in demos)
