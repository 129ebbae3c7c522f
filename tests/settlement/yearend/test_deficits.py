"""Year results and deficit subsidies (N 三(四)6) with pre-accession risk (J 二(五)2)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from funds.history.models import ApplicationStatus
from funds.history.services import historical_balance_register
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, entry_post
from funds.reports.selectors import county_year_results
from settlement.yearend import selectors, services
from tests.factories.yearend import close_december

POOLED = "310100"
D = Decimal
TODAY = datetime.date(2027, 2, 10)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _after_2026(ledger):
    """These tests apply for 2026's deficits: a year end runs only after the year's December
    is closed, so the clock stands in February 2027 and December 2026 is closed."""
    with time_machine.travel(datetime.datetime(2027, 2, 10, 10, 0, tzinfo=SHANGHAI)):
        close_december(ledger, 2026)
        yield


def _fund():
    return FundType.objects.get(code=POOLED)


def _acct(municipality, county, kind, owner=None):
    return account_for(
        municipality=municipality, county=county, kind=kind, fund_code=POOLED, owner=owner
    )


def _pdf(name="申请.pdf", content=b"%PDF-1.4 application"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _apply(county, actor, *, reason="x", attachment=None):
    """``actor`` applies for the subsidy of ``county``'s 2026 deficit of the pooled fund."""
    return services.deficit_apply(
        county=county,
        fund_type=_fund(),
        year=2026,
        reason=reason,
        attachment=attachment or _pdf(),
        actor=actor,
    )


@pytest.fixture
def move(ledger):
    counter = iter(range(1, 10_000))

    def post(kind, day, source, target, amount):
        return entry_post(
            municipality=ledger,
            kind=kind,
            month=day.replace(day=1),
            effective_date=day,
            memo="test",
            actor=None,
            idempotency_key=f"t:{next(counter)}",
            lines=[PostingLine(source, -D(amount)), PostingLine(target, D(amount))],
        )

    return post


def _year_of(ledger, county, move, *, collected, paid, day_in=None, day_out=None):
    """Collect ``collected`` and pay ``paid`` of benefits in 2026 (money for the payments is
    first put into the expenditure account as an opening balance, which does not count)."""
    tax = _acct(ledger, county, Account.Kind.COUNTERPARTY, Account.Owner.TAX_BUREAU)
    income = _acct(ledger, county, Account.Kind.INCOME)
    spending = _acct(ledger, county, Account.Kind.EXPENDITURE)
    institutions = _acct(
        ledger, county, Account.Kind.COUNTERPARTY, Account.Owner.DESIGNATED_INSTITUTION
    )
    government = _acct(ledger, county, Account.Kind.COUNTERPARTY, Account.Owner.COUNTY_GOVERNMENT)
    day_in = day_in or datetime.date(2026, 3, 10)
    day_out = day_out or datetime.date(2026, 4, 10)
    move(JournalEntry.Kind.COLLECTION, day_in, tax, income, collected)
    move(JournalEntry.Kind.OPENING_BALANCE, day_out, government, spending, paid)
    move(JournalEntry.Kind.BENEFIT_PAYMENT, day_out, spending, institutions, paid)


@pytest.fixture
def city_fund(ledger, move):
    """The city fund (finance bureau's fiscal special account) holds 10,000.00."""
    city = _acct(ledger, None, Account.Kind.FISCAL_SPECIAL)
    finance = _acct(ledger, None, Account.Kind.COUNTERPARTY, Account.Owner.CITY_FINANCE)
    move(JournalEntry.Kind.OPENING_BALANCE, datetime.date(2026, 1, 5), finance, city, "10000.00")
    return city


def test_year_result_counts_collections_and_benefits_only(ledger, county_a, move):
    _year_of(ledger, county_a, move, collected="1000.00", paid="3000.01")
    (result,) = county_year_results(municipality=ledger, year=2026, county=county_a)
    assert (result.revenue, result.spending, result.result) == (
        D("1000.00"),
        D("3000.01"),
        D("-2000.01"),
    )
    assert result.deficit == D("2000.01")
    assert result.before_accession == D("0.00")  # joined 2020 (unified model)
    assert county_year_results(municipality=ledger, year=2025) == []


def test_deficit_covered_from_history_then_shared_half_up(
    ledger, county_a, move, city_fund, city_clerk, county_a_officer, bureau_approver
):
    _year_of(ledger, county_a, move, collected="1000.00", paid="3000.01")
    balance = historical_balance_register(
        county=county_a,
        fund_type=_fund(),
        cutover_date=datetime.date(2019, 12, 31),
        demand_deposit=D("1000.00"),
        deposits=[],
        actor=city_clerk,
        today=datetime.date(2026, 1, 20),
    )
    assert balance.frozen_available == D("700.00")
    application = _apply(county_a, county_a_officer, reason="住院费用增长")
    assert application.deficit == D("2000.01")
    services.deficit_review(application=application, actor=city_clerk)
    application = services.deficit_approve(
        application=application, actor=bureau_approver, today=TODAY
    )
    # 700.00 from history; the rest 1,300.01 × 50 % = 650.005 → city 650.01, county 650.00.
    assert application.status == ApplicationStatus.APPROVED
    assert (application.from_history, application.city_share, application.county_share) == (
        D("700.00"),
        D("650.01"),
        D("650.00"),
    )
    spending = _acct(ledger, county_a, Account.Kind.EXPENDITURE)
    special = _acct(ledger, county_a, Account.Kind.FISCAL_SPECIAL)
    government = _acct(ledger, county_a, Account.Kind.COUNTERPARTY, Account.Owner.COUNTY_GOVERNMENT)
    assert spending.balance == D("2000.01")
    assert (special.balance, special.frozen_amount) == (D("0.00"), D("0.00"))
    city_fund.refresh_from_db()
    assert city_fund.balance == D("10000.00") + D("300.00") - D("650.01")
    entries = list(selectors.deficit_entries(application).order_by("pk"))
    assert [entry.kind for entry in entries] == ["transfer", "subsidy", "subsidy"]
    # −3000.01 opening, −1000 historical opening, −650.00 share.
    assert government.balance == D("-4650.01")
    # Booking again (a replay) posts nothing twice.
    split = selectors.application_split(application)
    before = JournalEntry.objects.count()
    services._book(application, split, bureau_approver, TODAY)
    assert JournalEntry.objects.count() == before
    # Subsidies do not change the year's result.
    (result,) = county_year_results(municipality=ledger, year=2026, county=county_a)
    assert result.deficit == D("2000.01")


def test_pre_accession_deficit_is_the_countys_alone(
    ledger, county_b, move, city_fund, county_b_officer, city_clerk, bureau_approver
):
    county_b.accession_date = datetime.date(2026, 7, 1)
    county_b.save(update_fields=["accession_date"])
    _year_of(
        ledger,
        county_b,
        move,
        collected="100.00",
        paid="600.00",
        day_in=datetime.date(2026, 3, 1),
        day_out=datetime.date(2026, 3, 15),
    )
    _year_of(
        ledger,
        county_b,
        move,
        collected="1000.00",
        paid="1500.01",
        day_in=datetime.date(2026, 8, 1),
        day_out=datetime.date(2026, 9, 1),
    )
    (result,) = county_year_results(municipality=ledger, year=2026, county=county_b)
    assert (result.deficit, result.before_accession) == (D("1000.01"), D("-500.00"))
    application = _apply(county_b, county_b_officer, reason="缺口")
    assert application.before_accession == D("500.00")
    services.deficit_review(application=application, actor=city_clerk)
    application = services.deficit_approve(
        application=application, actor=bureau_approver, today=TODAY
    )
    # No history; 500.00 before accession falls on the county; 500.01 × 50 % = 250.005 → 250.01.
    assert (application.from_history, application.city_share, application.county_share) == (
        D("0.00"),
        D("250.01"),
        D("750.00"),
    )


def test_refusals_and_return(
    ledger, county_a, county_b, move, county_a_officer, city_clerk, bureau_approver
):
    with pytest.raises(ValidationError) as none:
        _apply(county_a, county_a_officer)
    assert "year" in none.value.message_dict
    _year_of(ledger, county_a, move, collected="1.00", paid="2.00")
    with pytest.raises(ValidationError) as bad_type:
        _apply(county_a, county_a_officer, attachment=_pdf("a.exe"))
    assert "attachment" in bad_type.value.message_dict
    with pytest.raises(ValidationError) as other:
        _apply(county_b, county_a_officer)
    assert "county" in other.value.message_dict
    application = _apply(county_a, county_a_officer)
    with pytest.raises(ValidationError) as twice:
        _apply(county_a, county_a_officer)
    assert "year" in twice.value.message_dict
    services.deficit_review(application=application, actor=city_clerk)
    with pytest.raises(ValidationError):
        services.deficit_return(application=application, actor=bureau_approver, reason="")
    returned = services.deficit_return(
        application=application, actor=bureau_approver, reason="材料不全"
    )
    assert returned.status == ApplicationStatus.RETURNED
    assert returned.decided_by == bureau_approver
    # After a return the county may apply again.
    _apply(county_a, county_a_officer, reason="补充材料")


def test_pages_and_api(
    ledger,
    county_a,
    move,
    client_for,
    api_for,
    county_a_officer,
    county_b_officer,
    auditor,
    city_clerk,
    bureau_approver,
    city_fund,
):
    _year_of(ledger, county_a, move, collected="1.00", paid="2.01")
    officer = client_for(county_a_officer)
    assert officer.get("/settlement/deficits/apply/").status_code == 200
    listing = officer.get("/settlement/deficits/?year=2026")
    assert listing.status_code == 200 and "-1.01" in listing.content.decode()
    assert officer.get("/settlement/deficits/?year=abc").status_code == 200
    bad = officer.post(
        "/settlement/deficits/apply/",
        {"county": county_a.pk, "fund_type": _fund().pk, "year": 2026, "reason": "x"},
    )
    assert bad.status_code == 400
    good = officer.post(
        "/settlement/deficits/apply/",
        {
            "county": county_a.pk,
            "fund_type": _fund().pk,
            "year": 2026,
            "reason": "x",
            "attachment": _pdf(),
        },
    )
    assert good.status_code == 302, good.content.decode()[:2000]
    pk = int(good["Location"].rstrip("/").split("/")[-1])
    assert client_for(county_b_officer).get(f"/settlement/deficits/{pk}/").status_code == 404
    assert client_for(auditor).get(f"/settlement/deficits/{pk}/").status_code == 200
    assert client_for(auditor).post(f"/settlement/deficits/{pk}/review/").status_code == 403
    assert client_for(city_clerk).post(f"/settlement/deficits/{pk}/review/").status_code == 302
    api = api_for(bureau_approver)
    assert api.post(f"/api/deficit-applications/{pk}/return/", {}).status_code == 400
    done = api.post(f"/api/deficit-applications/{pk}/approve/")
    assert done.status_code == 200
    assert (done.json()["city_share"], done.json()["county_share"]) == ("0.51", "0.50")

    assert api_for(county_b_officer).get("/api/deficit-applications/").json()["count"] == 0
    assert api_for(auditor).post("/api/deficit-applications/", {}).status_code == 403
    missing = api_for(county_a_officer).post(
        "/api/deficit-applications/",
        {"county": county_a.pk, "fund_code": POOLED, "year": 2026, "reason": "x"},
        format="multipart",
    )
    assert missing.status_code == 400 and "attachment" in missing.json()


def test_nobody_decides_on_their_own_application_and_the_page_shows_the_allowed_steps(
    ledger, county_a, move, client_for, city_clerk, bureau_approver, auditor
):
    _year_of(ledger, county_a, move, collected="1.00", paid="2.01")
    application = _apply(county_a, city_clerk)
    with pytest.raises(ValidationError) as own:
        services.deficit_review(application=application, actor=city_clerk)
    assert own.value.error_dict["status"][0].code == "own_submission"
    page = f"/settlement/deficits/{application.pk}/"
    review = f"/settlement/deficits/{application.pk}/review/"
    assert 'data-action="review"' not in client_for(city_clerk).get(page).content.decode()
    refused = client_for(city_clerk).post(review)
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()
    # The bureau may not review, and approving before the review is refused.
    assert client_for(bureau_approver).post(review).status_code == 403
    with pytest.raises(ValidationError) as early:
        services.deficit_approve(application=application, actor=bureau_approver)
    assert early.value.error_dict["status"][0].code == "invalid_transition"
    bureau_page = client_for(bureau_approver).get(page).content.decode()
    assert 'data-action="return"' in bureau_page and 'data-action="approve"' not in bureau_page
    assert 'id="decision"' not in client_for(auditor).get(page).content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_returned_before_the_review_records_the_agency_and_is_audited(
    ledger, county_a, move, county_a_officer, city_clerk
):
    from pooling.accounts.models import AuditEvent

    _year_of(ledger, county_a, move, collected="1.00", paid="2.01")
    application = _apply(county_a, county_a_officer)
    returned = services.deficit_return(application=application, actor=city_clerk, reason="缺材料")
    assert (returned.status, returned.reviewed_by, returned.decided_by) == (
        ApplicationStatus.RETURNED,
        city_clerk,
        None,
    )
    assert returned.return_reason == "缺材料"
    event = AuditEvent.objects.get(action="settlement.deficit_return")
    assert (event.before["status"], event.after["status"]) == ("submitted", "returned")
    with pytest.raises(ValidationError):
        services.deficit_review(application=returned, actor=city_clerk)
