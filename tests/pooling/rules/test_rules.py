import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from pooling.rules import services
from pooling.rules.models import PolicyRule
from pooling.rules.selectors import RuleNotDefined, rule_value

D = datetime.date


def _individual_rate(municipality, on: datetime.date) -> Decimal:
    return rule_value(municipality=municipality, key="individual_rate", on=on)


def test_seeded_rule_is_in_force_from_the_pooling_start(jining):
    assert _individual_rate(jining, D(2026, 3, 1)) == Decimal("0.020000")
    with pytest.raises(RuleNotDefined):
        _individual_rate(jining, D(2019, 12, 31))


def test_a_new_version_closes_the_open_one_the_day_before(jining, bureau_approver):
    services.policy_rule_add_version(
        municipality=jining,
        key="individual_rate",
        value=Decimal("0.025"),
        effective_from=D(2026, 7, 1),
        actor=bureau_approver,
    )
    assert _individual_rate(jining, D(2026, 6, 30)) == Decimal("0.02")
    assert _individual_rate(jining, D(2026, 7, 1)) == Decimal("0.025")
    first = PolicyRule.objects.get(
        municipality=jining, key="individual_rate", county=None, effective_from=D(2020, 1, 1)
    )
    assert first.effective_to == D(2026, 6, 30)


def test_overlapping_versions_are_refused_with_a_clear_error(jining, bureau_approver):
    services.policy_rule_add_version(
        municipality=jining,
        key="top_up_rate",
        value=Decimal("0.08"),
        effective_from=D(2026, 1, 1),
        effective_to=D(2026, 12, 31),
        actor=bureau_approver,
    )
    before = list(PolicyRule.objects.filter(key="top_up_rate").values_list("pk", "effective_to"))
    with pytest.raises(ValidationError) as raised:
        services.policy_rule_add_version(
            municipality=jining,
            key="top_up_rate",
            value=Decimal("0.09"),
            effective_from=D(2026, 6, 1),
            effective_to=D(2026, 8, 31),
            actor=bureau_approver,
        )
    assert "effective_from" in raised.value.message_dict
    assert "2026-01-01" in raised.value.message_dict["effective_from"][0]
    after = list(PolicyRule.objects.filter(key="top_up_rate").values_list("pk", "effective_to"))
    assert after == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL exclusion constraint")
def test_postgresql_refuses_an_overlapping_version_written_with_raw_sql(jining):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pooling_policyrule (municipality_id, county_id, key, value, "
            "effective_from, effective_to, note, created_at) "
            "VALUES (%s, NULL, 'individual_rate', 0.03, '2026-01-01', NULL, '', now())",
            [jining.pk],
        )


def test_a_county_value_applies_only_before_its_accession(jining, county_a, bureau_approver):
    county_a.accession_date = D(2021, 1, 1)
    county_a.save()
    services.policy_rule_add_version(
        municipality=jining,
        county=county_a,
        key="individual_rate",
        value=Decimal("0.015"),
        effective_from=D(2020, 1, 1),
        effective_to=D(2020, 12, 31),
        actor=bureau_approver,
    )
    on_before = rule_value(
        municipality=jining, county=county_a, key="individual_rate", on=D(2020, 6, 1)
    )
    on_after = rule_value(
        municipality=jining, county=county_a, key="individual_rate", on=D(2021, 6, 1)
    )
    assert on_before == Decimal("0.015")
    assert on_after == Decimal("0.02")


def test_unknown_rule_key_is_refused(jining, bureau_approver):
    with pytest.raises(ValidationError) as raised:
        services.policy_rule_add_version(
            municipality=jining,
            key="no_such_rule",
            value=Decimal("1"),
            effective_from=D(2026, 1, 1),
            actor=bureau_approver,
        )
    assert "key" in raised.value.message_dict
