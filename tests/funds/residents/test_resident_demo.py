"""The resident demo: every member unit of Jinan and Zhengzhou has residents of every
category and assisted group with contributions and subsidies in fund 390100; Jining none; a
second run books nothing."""

from decimal import Decimal

from django.utils import timezone

from enrollment.residents.models import AssistedGroup, ResidentCategory, ResidentEnrollment
from funds.ledger.models import Account, JournalEntry
from funds.residents.demo import seed_residents
from pooling.structure.demo import DemoOptions
from tests.factories.settlement import balance


def _seed(city, slug):
    seed_residents(city, DemoOptions(city=slug, insured=0), log=lambda message: None)


def test_jinan_demo_books_resident_money_in_every_unit_and_only_once(jinan_city):
    _seed(jinan_city, "jinan")
    year = timezone.localdate().year
    enrollments = ResidentEnrollment.objects.filter(municipality=jinan_city, benefit_year=year)
    assert set(enrollments.values_list("category", flat=True)) == set(ResidentCategory.values)
    assert set(enrollments.values_list("assisted_group", flat=True)) == set(AssistedGroup.values)
    assert enrollments.filter(late=True, waiting_months=3).count() == 14
    for county in jinan_city.counties.all():
        # 4 residents paid 1,600.00 through the tax bureau (one in arrears), the assisting
        # bodies 1,200.00; subsidies 8 × 670 × 85 % + half the county's 15 %.
        assert balance(
            jinan_city, county_code=county.code, kind=Account.Kind.INCOME, fund="390100"
        ) == Decimal("7758.00")
    entries = JournalEntry.objects.filter(municipality=jinan_city).count()
    _seed(jinan_city, "jinan")
    assert JournalEntry.objects.filter(municipality=jinan_city).count() == entries


def test_zhengzhou_demo_has_residents_and_jining_none(zhengzhou_city, jining_city):
    _seed(zhengzhou_city, "zhengzhou")
    _seed(jining_city, "jining")
    assert ResidentEnrollment.objects.filter(municipality=zhengzhou_city).count() == 8 * 16
    assert not ResidentEnrollment.objects.filter(municipality=jining_city).exists()
    # Henan's central share is 60 %: 8 × 670 × 60 % = 3,216.00 per unit.
    assert (
        JournalEntry.objects.filter(
            municipality=zhengzhou_city,
            memo__contains="中央财政",
        ).count()
        == 16
    )
