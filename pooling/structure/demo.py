"""Demo data of the pooling structure, and the registry other apps extend the demo through.

``seed_demo`` runs every registered seeder in order. An app registers its own from its
``demo`` module (discovered like Celery tasks), so the pooling app never imports an app above
it. Every seeder must be idempotent: running the demo twice changes nothing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from pooling.accounts.models import Role, User
from pooling.core.features import feature_modules
from pooling.core.money import month_start
from pooling.rules import services as rules_services
from pooling.rules.catalogue import DEMO_DEFAULT, RULES
from pooling.rules.models import PolicyRule
from pooling.structure import services as structure_services
from pooling.structure.models import (
    AccessionEvaluation,
    County,
    CountyPoolingModel,
    Municipality,
    PoolingModel,
)
from pooling.structure.presets import CITIES, DEMO_PASSWORD, CityPreset


@dataclass(frozen=True)
class DemoOptions:
    city: str
    insured: int


def demo_month() -> datetime.date:
    """The month the demo collects, remits and closes: the last month that has ended. A month's
    cycle may start only on its last day (``pooling.core.money.month_has_ended``), so the demo
    runs last month's whole cycle and never leaves the current month's cycle half run; the
    current month is where the demo's spending happens."""
    return month_start(month_start(timezone.localdate()) - datetime.timedelta(days=1))


Seeder = Callable[[Municipality, DemoOptions, Callable[[str], None]], None]
_SEEDERS: list[tuple[int, str, Seeder]] = []


def register_seeder(order: int, name: str, seeder: Seeder) -> None:
    """Add a seeder; lower ``order`` runs first. Registering a name twice keeps one."""
    _SEEDERS[:] = [entry for entry in _SEEDERS if entry[1] != name]
    _SEEDERS.append((order, name, seeder))
    _SEEDERS.sort(key=lambda entry: entry[0])


def seeders() -> list[tuple[int, str, Seeder]]:
    """Every feature's seeders in order; each feature registers them in its ``demo`` module."""
    for module in feature_modules("demo"):
        import_module(module)
    return list(_SEEDERS)


def demo_users(preset: CityPreset) -> list[dict]:
    """One user per role, two county officers in different counties, with Chinese names
    (the header shows the name beside the role)."""
    county_a, county_b = preset.demo_counties
    return [
        {"username": f"{preset.slug}_clerk", "role": Role.AGENCY_CLERK, "name": "张伟"},
        {
            "username": f"{preset.slug}_bureau",
            "role": Role.BUREAU_APPROVER,
            "name": "李娜",
        },
        {
            "username": f"{preset.slug}_finance",
            "role": Role.FINANCE_OFFICER,
            "name": "王芳",
        },
        {
            "username": f"{preset.slug}_county_a",
            "role": Role.COUNTY_OFFICER,
            "county": county_a,
            "name": "刘洋",
        },
        {
            "username": f"{preset.slug}_county_b",
            "role": Role.COUNTY_OFFICER,
            "county": county_b,
            "name": "陈静",
        },
        {"username": f"{preset.slug}_auditor", "role": Role.AUDITOR, "name": "赵敏"},
        {"username": f"{preset.slug}_admin", "role": Role.ADMINISTRATOR, "name": "孙磊"},
    ]


def seed_structure(preset: CityPreset, log: Callable[[str], None]) -> Municipality:
    """Create a city's structure from its preset, skipping what exists:

    1. the municipality, its member units and one demo user per role (one transaction);
    2. each unit's pooling model: through a passed accession evaluation (J 二) where the
       preset evaluates its units, else set from the pooling start;
    3. the first version of every rule (the catalogue's default for the city) and the
       preset's county values.

    Steps 2 and 3 go through the services, each write in its own transaction, so an
    interrupted seed completes when run again.
    """
    with transaction.atomic():
        municipality = _municipality_ensure(preset, log)
        approver = _demo_users_ensure(preset, municipality)[Role.BUREAU_APPROVER]
    _pooling_models_seed(preset, municipality, approver)
    _rules_seed(preset, municipality, approver)
    return municipality


def _municipality_ensure(preset: CityPreset, log: Callable[[str], None]) -> Municipality:
    municipality, created = Municipality.objects.get_or_create(
        slug=preset.slug,
        defaults={
            "code": preset.code,
            "name": preset.name,
            "name_en": preset.name_en,
            "pooling_start": preset.pooling_start,
        },
    )
    verb = "Created" if created else "Found"
    log(f"{verb} municipality {municipality.name} ({municipality.code})")
    for unit in preset.units:
        member_from = unit.member_from or preset.pooling_start
        county = County(
            municipality=municipality,
            code=unit.code,
            name=unit.name,
            name_en=unit.name_en,
            kind=unit.kind,
            member_from=member_from,
            # Under unified collection every unit follows the city's rules from the start
            # (N 三(四)); elsewhere accession comes from a passed evaluation (J 二).
            accession_date=member_from if preset.model == PoolingModel.UNIFIED else None,
        )
        county.full_clean(validate_unique=False, validate_constraints=False)
        County.objects.get_or_create(
            municipality=municipality, code=unit.code, defaults=_fields_of(county)
        )
    return municipality


def _demo_users_ensure(preset: CityPreset, municipality: Municipality) -> dict[str, User]:
    """The demo users by role (the second county officer is not returned)."""
    users = {}
    for spec in demo_users(preset):
        county = (
            County.objects.get(municipality=municipality, code=spec["county"])
            if "county" in spec
            else None
        )
        user, _created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                # A callable: hashed only for a user actually created.
                "password": partial(make_password, DEMO_PASSWORD),
                "role": spec["role"],
                "municipality": municipality,
                "county": county,
                "first_name": spec["name"],
                "is_staff": spec["role"] == Role.ADMINISTRATOR,
                # A city administrator is scoped to its city (``pooling.core.admin``); the
                # only superuser is the platform operator (``create_platform_operator``).
                "is_superuser": False,
            },
        )
        if user.is_superuser:  # made by an earlier demo: a city's user is never a superuser
            User.objects.filter(pk=user.pk).update(is_superuser=False)
        users[spec["role"]] = user
    return users


def _pooling_models_seed(preset: CityPreset, municipality: Municipality, approver: User) -> None:
    with_model = set(
        CountyPoolingModel.objects.filter(county__municipality=municipality).values_list(
            "county", flat=True
        )
    )
    for county in municipality.counties.order_by("code"):
        if county.pk in with_model:
            continue
        start = max(county.member_from, preset.pooling_start)
        if preset.evaluated and county.kind != County.Kind.CITY_LEVEL:
            structure_services.accession_evaluation_record(
                county=county,
                evaluated_on=start.replace(day=1) if start.month == 1 else start,
                result=AccessionEvaluation.Result.PASSED,
                join_date=start,
                model_after=preset.model,
                notes="考评合格 (J 二)",
                actor=approver,
            )
        else:
            structure_services.county_pooling_model_set(
                county=county, model=preset.model, effective_from=start, actor=approver
            )


def _seed_note(source: str) -> str:
    """The note of a seeded version: its source, or 演示默认值 for a demo default (notes are
    data, shown as written to every reader; the rule catalogue names it in either language)."""
    return "演示默认值" if source == DEMO_DEFAULT else source


def _rules_seed(preset: CityPreset, municipality: Municipality, approver: User) -> None:
    seeded = set(PolicyRule.objects.filter(municipality=municipality).values_list("county", "key"))
    seeded_keys = {key for _county, key in seeded}
    for key, spec in RULES.items():
        # A key no document of this city uses is never seeded (DOMAIN §14).
        if key in seeded_keys or not spec.applies_to(preset.slug):
            continue
        rules_services.policy_rule_add_version(
            municipality=municipality,
            key=key,
            value=spec.default_for(preset.slug),
            effective_from=preset.pooling_start,
            actor=approver,
            note=_seed_note(spec.source_for(preset.slug)),
        )
    for code, values in preset.county_rules.items():
        county = municipality.counties.get(code=code)
        for key, value in values.items():
            if (county.pk, key) in seeded:
                continue
            rules_services.policy_rule_add_version(
                municipality=municipality,
                county=county,
                key=key,
                value=value,
                effective_from=max(county.member_from, preset.pooling_start),
                actor=approver,
                note=RULES[key].clause,
            )


def _fields_of(county: County) -> dict:
    return {
        field: getattr(county, field)
        for field in ("name", "name_en", "kind", "member_from", "accession_date")
    }


def seed(options: DemoOptions, log: Callable[[str], None]) -> Municipality:
    """Seed a city: the structure first, then every registered seeder in order."""
    preset = CITIES[options.city]
    municipality = seed_structure(preset, log)
    for _order, name, seeder in seeders():
        log(f"Seeding {name}…")
        seeder(municipality, options, log)
    return municipality
