"""The fund catalogue of each city preset (DOMAIN §14): which funds a city pools, each with its
contribution rules, and no fund or rule of one city in another's seeded data."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from funds.ledger.services import accounts_open_for_municipality
from pooling.accounts.models import User
from pooling.rules import services as rules_services
from pooling.rules.catalogue import DEMO_DEFAULT, RULES
from pooling.rules.models import PolicyRule
from pooling.structure.demo import seed_structure
from pooling.structure.presets import BASES, CITIES, FLOWS, PAYERS

pytestmark = pytest.mark.django_db


def test_each_city_pools_the_funds_its_document_names():
    assert CITIES["jinan"].fund_codes() == {"310100", "310200", "330100", "390100"}
    assert CITIES["zhengzhou"].fund_codes() == {
        "310100",
        "310200",
        "330100",
        "390100",
        "390200",
        "920100",
        "990100",
    }
    assert CITIES["jining"].fund_codes() == {"310100", "310200", "910100", "910200", "930100"}
    assert CITIES["jinan"].fixed_premium_fund().code == "330100"
    assert CITIES["zhengzhou"].fixed_premium_fund().code == "330100"
    assert CITIES["jining"].fixed_premium_fund().code == "910100"


@pytest.mark.parametrize("slug", sorted(CITIES))
def test_every_rule_of_a_citys_funds_is_a_known_key_of_that_city(slug):
    preset = CITIES[slug]
    assert sum(1 for fund in preset.funds if fund.fixed_premium) == 1
    for fund in preset.funds:
        assert fund.flow in FLOWS
        keys = [key for rule in fund.contributions for key in rule.rule_keys]
        keys += list(fund.fixed_premium or ())
        for rule in fund.contributions:
            assert rule.payer in PAYERS and rule.basis in BASES
        for key in keys:
            assert RULES[key].applies_to(slug), (slug, fund.code, key)


def test_no_rule_of_one_city_is_seeded_into_another():
    seeded = {}
    for slug, preset in CITIES.items():
        municipality = seed_structure(preset, log=lambda message: None)
        seeded[slug] = set(
            PolicyRule.objects.filter(municipality=municipality).values_list("key", flat=True)
        )
        for key in seeded[slug]:
            assert RULES[key].applies_to(slug), (slug, key)
    assert "critical_illness_premium" in seeded["jining"]
    assert "critical_illness_premium" not in seeded["jinan"]
    assert "critical_illness_premium" not in seeded["zhengzhou"]
    assert "major_medical_premium" in seeded["jinan"]
    assert "major_medical_premium" not in seeded["jining"] | seeded["zhengzhou"]
    assert "employee_supplementary_premium" in seeded["zhengzhou"]
    assert "maternity_rate_other" not in seeded["jinan"]


def test_a_value_no_document_gives_is_marked_demo_default_in_the_seeded_note():
    jinan = seed_structure(CITIES["jinan"], log=lambda message: None)
    rule = PolicyRule.objects.get(municipality=jinan, key="major_medical_premium")
    assert rule.note == "演示默认值"
    assert RULES["major_medical_premium"].source_for("jinan") == DEMO_DEFAULT
    assert RULES["critical_illness_premium"].source_for("jining") == "N 三(二)2"


def test_a_version_of_another_citys_rule_is_refused_with_the_reason(english_messages):
    jinan = seed_structure(CITIES["jinan"], log=lambda message: None)
    with pytest.raises(ValidationError) as error:
        rules_services.policy_rule_add_version(
            municipality=jinan,
            key="critical_illness_premium",
            value=RULES["critical_illness_premium"].default,
            effective_from=datetime.date(2026, 1, 1),
            actor=None,
        )
    assert "another city's funds" in str(error.value.message_dict["key"])
    assert not PolicyRule.objects.filter(municipality=jinan, key="critical_illness_premium")


def test_the_catalogue_page_and_api_show_each_rule_with_its_source(english_client_for):
    jinan = seed_structure(CITIES["jinan"], log=lambda message: None)
    accounts_open_for_municipality(municipality=jinan, actor=None)
    auditor = User.objects.get(username="jinan_auditor")
    client = english_client_for(auditor)
    page = client.get("/funds/catalogue/").content.decode()
    assert "major_medical_premium" in page and "demo default" in page
    assert "critical_illness_premium" not in page
    response = client.get("/api/fund-catalogue/")
    assert response.status_code == 200
    codes = [fund["code"] for fund in response.json()]
    assert codes == ["310100", "310200", "330100", "390100"]
    major = response.json()[2]["contributions"][0]["rules"][0]
    assert major["key"] == "major_medical_premium"
    assert major["demo_default"] is True
    assert major["value"] == "8.000000"
