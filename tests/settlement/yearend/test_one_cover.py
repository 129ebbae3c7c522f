"""A deficit is covered once, by the mechanism its county's pooling model defines: deficit
subsidies and the historical 30/70 split under unified collection and expenditure (N 三(四)
5–6), the adjustment-fund waterfall under tiered pooling with an adjustment fund (Z 四(九)); the
database refuses a second cover of one county-fund-year deficit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from funds.history.services import historical_balance_register
from funds.ledger.models import FundType
from pooling.accounts.models import User
from settlement.yearend.models import (
    CoveredDeficit,
    DeficitApplication,
    DeficitCover,
)
from settlement.yearend.services import adjustment_year_run, deficit_apply, deficit_approve
from tests.factories.settlement import ledger_fingerprint
from tests.factories.yearend import GONGYI, POOLED, YEAR, ZHONGMU, close_december, tier_year


@pytest.fixture
def zhongmu_in_deficit(zhengzhou_city):
    """中牟县 (tiered with adjustment fund) closes 2025 with a deficit; December is closed."""
    tier_year(zhengzhou_city, ZHONGMU, opening="1000.00", collected="1000.00", spent="1800.00")
    tier_year(zhengzhou_city, GONGYI, collected="3000.00", spent="1000.00")
    close_december(zhengzhou_city)
    return zhengzhou_city.counties.get(code=ZHONGMU)


def _pdf():
    return SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")


def _reviewed_application(county):
    """An application that reached review before the rule (or by a path that skipped it)."""
    return DeficitApplication.objects.create(
        municipality=county.municipality,
        county=county,
        fund_type=FundType.objects.get(code=POOLED),
        year=YEAR,
        reason="x",
        attachment="deficits/a.pdf",
        revenue=Decimal("1000.00"),
        spending=Decimal("1800.00"),
        deficit=Decimal("800.00"),
        status="reviewed",
        submitted_by=User.objects.get(username="zhengzhou_county_a"),
        reviewed_by=User.objects.get(username="zhengzhou_clerk"),
    )


def test_a_tier_under_the_adjustment_fund_cannot_apply_for_a_subsidy(
    settings, tmp_path, zhongmu_in_deficit
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as refused:
        deficit_apply(
            county=zhongmu_in_deficit,
            fund_type=FundType.objects.get(code=POOLED),
            year=YEAR,
            reason="x",
            attachment=_pdf(),
            actor=User.objects.get(username="zhengzhou_clerk"),
        )
    assert "unified collection and expenditure" in refused.value.message_dict["county"][0]
    assert not DeficitApplication.objects.exists()


def test_the_reported_double_cover_is_refused(zhongmu_in_deficit):
    """The probe: a Jining-style subsidy approved for a Zhengzhou tier, then the waterfall
    covering the same deficit. The approval is refused; the waterfall covers it once."""
    application = _reviewed_application(zhongmu_in_deficit)
    city = zhongmu_in_deficit.municipality
    before = ledger_fingerprint(city)
    with pytest.raises(ValidationError, match="unified collection and expenditure"):
        deficit_approve(
            application=application, actor=User.objects.get(username="zhengzhou_bureau")
        )
    assert ledger_fingerprint(city) == before
    application.refresh_from_db()
    assert application.status == "reviewed"

    adjustment_year_run(municipality=city, year=YEAR, actor=None)
    [covered] = CoveredDeficit.objects.all()
    assert (covered.county, covered.year, covered.mechanism) == (
        zhongmu_in_deficit,
        YEAR,
        CoveredDeficit.Mechanism.ADJUSTMENT_FUND,
    )
    assert covered.waterfall_cover == DeficitCover.objects.get(county=zhongmu_in_deficit)


def test_the_database_refuses_a_second_cover_of_one_deficit(zhongmu_in_deficit):
    adjustment_year_run(municipality=zhongmu_in_deficit.municipality, year=YEAR, actor=None)
    application = _reviewed_application(zhongmu_in_deficit)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoveredDeficit.objects.create(
            municipality=zhongmu_in_deficit.municipality,
            county=zhongmu_in_deficit,
            fund_type=FundType.objects.get(code=POOLED),
            year=YEAR,
            mechanism=CoveredDeficit.Mechanism.SUBSIDY,
            application=application,
        )
    assert CoveredDeficit.objects.count() == 1


def test_a_waterfall_over_a_registered_cover_books_nothing(zhongmu_in_deficit):
    """A cover registered first (however it came) makes the whole waterfall refuse, all or
    nothing: the ledger is as it was."""
    city = zhongmu_in_deficit.municipality
    CoveredDeficit.objects.create(
        municipality=city,
        county=zhongmu_in_deficit,
        fund_type=FundType.objects.get(code=POOLED),
        year=YEAR,
        mechanism=CoveredDeficit.Mechanism.SUBSIDY,
        application=_reviewed_application(zhongmu_in_deficit),
    )
    before = ledger_fingerprint(city)
    with pytest.raises(ValidationError, match="already covered"):
        adjustment_year_run(municipality=city, year=YEAR, actor=None)
    assert ledger_fingerprint(city) == before
    assert not DeficitCover.objects.exists()


def test_a_tiered_county_keeps_its_own_deficit(settings, tmp_path, jinan_city):
    settings.MEDIA_ROOT = tmp_path
    close_december(jinan_city)
    county = jinan_city.counties.exclude(code__endswith="00").order_by("code").first()
    with pytest.raises(ValidationError) as refused:
        deficit_apply(
            county=county,
            fund_type=FundType.objects.get(code=POOLED),
            year=YEAR,
            reason="x",
            attachment=_pdf(),
            actor=User.objects.get(username="jinan_clerk"),
        )
    assert "county" in refused.value.message_dict


def test_the_30_70_split_is_only_for_unified_counties(zhengzhou_city):
    with pytest.raises(ValidationError) as refused:
        historical_balance_register(
            county=zhengzhou_city.counties.get(code=ZHONGMU),
            fund_type=FundType.objects.get(code=POOLED),
            cutover_date=datetime.date(2019, 12, 31),
            demand_deposit=Decimal("100.00"),
            deposits=[],
            actor=None,
            today=datetime.date(2026, 1, 15),
        )
    assert "N 三(四)5" in refused.value.message_dict["county"][0]
