"""County-scoped rules after accession (J 二, N 三(三)): a version the product would ignore is
refused with the reason; the exception for counties whose employee fund ran a deficit before
the end of 2019 — they keep their former benefit rules — is honoured."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pooling.rules import services
from pooling.rules.models import PolicyRule
from pooling.rules.selectors import rule_value

D = datetime.date

pytestmark = pytest.mark.usefixtures("english_messages")


def _add(jining, county, key, value, start, end=None, actor=None):
    return services.policy_rule_add_version(
        municipality=jining,
        county=county,
        key=key,
        value=Decimal(value),
        effective_from=start,
        effective_to=end,
        actor=actor,
    )


def test_a_county_version_after_accession_is_refused_with_the_reason(
    jining, county_a, bureau_approver
):
    # Jining's units joined on 2020-01-01 (N 三(四)).
    assert county_a.accession_date == D(2020, 1, 1)
    with pytest.raises(ValidationError) as refused:
        _add(jining, county_a, "individual_rate", "0.015", D(2026, 1, 1), actor=bureau_approver)
    message = refused.value.message_dict["county"][0]
    assert "joined the city pool on 2020-01-01" in message and "would be ignored" in message
    assert not PolicyRule.objects.filter(county=county_a, key="individual_rate").exists()


def test_a_benefit_rule_is_refused_until_the_county_keeps_its_former_rules(
    jining, county_a, county_b, bureau_approver
):
    with pytest.raises(ValidationError) as refused:
        _add(jining, county_a, "flexible_waiting_months", "3", D(2026, 1, 1))
    assert "N 三(三)" in refused.value.message_dict["county"][0]

    # The bureau records that county A's fund ran a deficit before the end of 2019.
    _add(jining, county_a, "former_benefit_rules_kept", "1", D(2020, 1, 1), actor=bureau_approver)
    _add(jining, county_a, "flexible_waiting_months", "3", D(2026, 1, 1), actor=bureau_approver)

    def waiting(county, on):
        return rule_value(municipality=jining, county=county, key="flexible_waiting_months", on=on)

    assert waiting(county_a, D(2026, 6, 1)) == Decimal("3")
    assert waiting(county_a, D(2025, 6, 1)) == Decimal("6")
    assert waiting(county_b, D(2026, 6, 1)) == Decimal("6")
    # When the exception ends the municipal value applies again.
    _add(jining, county_a, "former_benefit_rules_kept", "0", D(2027, 1, 1), actor=bureau_approver)
    assert waiting(county_a, D(2027, 6, 1)) == Decimal("6")
    # A contribution rule is never a former benefit rule.
    with pytest.raises(ValidationError):
        _add(jining, county_a, "individual_rate", "0.015", D(2026, 1, 1))


def test_a_county_version_ending_before_accession_is_still_accepted(jining, county_a):
    county_a.accession_date = D(2021, 1, 1)
    county_a.save()
    _add(jining, county_a, "top_up_rate", "0.05", D(2020, 6, 1), D(2020, 12, 31))
    assert rule_value(
        municipality=jining, county=county_a, key="top_up_rate", on=D(2020, 7, 1)
    ) == Decimal("0.05")


def test_the_api_answers_400_naming_the_county_field(jining, county_a, api_for, bureau_approver):
    response = api_for(bureau_approver).post(
        "/api/rules/",
        {
            "key": "individual_rate",
            "county": county_a.pk,
            "value": "0.015",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert "county" in response.json()
