"""Historical balances (N 三(四)5): the 30/70 split, the time-deposit beat job, the frozen 70 %
and its release workflow (review, approve, return), pages and API."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from funds.history import services
from funds.history.models import ApplicationStatus
from funds.history.tasks import historical_deposits_collect
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, entry_post

POOLED = "310100"
JAN15 = datetime.date(2026, 1, 15)
D = Decimal


def _fund(code=POOLED):
    return FundType.objects.get(code=code)


def _acct(municipality, county, kind, owner=None, fund=POOLED):
    return account_for(
        municipality=municipality, county=county, kind=kind, fund_code=fund, owner=owner
    )


def _fresh(account):
    account.refresh_from_db()
    return account


@pytest.fixture
def registered(ledger, county_a, city_clerk):
    """Demand 200,000 + time deposits 500,000 (30 June) and 300,000 (30 September) = 1,000,000;
    the city's 30 % is 300,000: 200,000 at once, 100,000 when the June deposit matures."""
    return services.historical_balance_register(
        county=county_a,
        fund_type=_fund(),
        cutover_date=datetime.date(2019, 12, 31),
        demand_deposit=D("200000.00"),
        deposits=[
            services.DepositInput(D("300000.00"), datetime.date(2026, 9, 30), "工商银行", "T-2"),
            services.DepositInput(D("500000.00"), datetime.date(2026, 6, 30), "农业银行", "T-1"),
        ],
        actor=city_clerk,
        today=JAN15,
    )


def test_split_30_70_with_a_time_deposit_maturing_later(ledger, county_a, registered):
    special = _acct(ledger, county_a, Account.Kind.FISCAL_SPECIAL)
    city = _acct(ledger, None, Account.Kind.FISCAL_SPECIAL)
    assert registered.total == D("1000000.00")
    assert registered.city_share == D("300000.00")
    assert registered.collected == D("200000.00")
    june, september = registered.deposits.order_by("maturity_date")
    assert (june.planned_collection, september.planned_collection) == (D("100000.00"), D("0"))
    assert _fresh(special).balance == D("800000.00")
    assert special.frozen_amount == D("800000.00")  # 700,000 + 100,000 still to collect
    assert _fresh(city).balance == D("200000.00")

    # Before maturity the job moves nothing more.
    assert services.time_deposits_collect(today=datetime.date(2026, 6, 29)) == []
    assert _fresh(city).balance == D("200000.00")

    # After maturity: the rest of the city's share.
    booked = services.time_deposits_collect(today=datetime.date(2026, 7, 1))
    assert len(booked) == 1
    assert _fresh(city).balance == D("300000.00")
    assert _fresh(special).balance == D("700000.00")
    assert special.frozen_amount == D("700000.00")
    registered.refresh_from_db()
    assert registered.collected == registered.city_share == D("300000.00")
    assert registered.frozen_available == D("700000.00")

    # Running twice moves nothing more (also the Celery task).
    assert services.time_deposits_collect(today=datetime.date(2026, 10, 1)) == []
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 10, 1)):
        assert historical_deposits_collect() == 0
    assert _fresh(city).balance == D("300000.00")
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.REMITTANCE).count() == 2


def test_a_killed_run_finishes_on_rerun(ledger, county_a, city_clerk):
    balance = services.historical_balance_register(
        county=county_a,
        fund_type=_fund(),
        cutover_date=datetime.date(2019, 12, 31),
        demand_deposit=D("0"),
        deposits=[
            services.DepositInput(D("200000.00"), datetime.date(2026, 3, 31), "建设银行"),
            services.DepositInput(D("800000.00"), datetime.date(2026, 4, 30), "中国银行"),
        ],
        actor=city_clerk,
        today=JAN15,
    )
    city = _acct(ledger, None, Account.Kind.FISCAL_SPECIAL)
    real = services._collect
    calls = []

    def dies_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    with (
        mock.patch("funds.history.services._collect", side_effect=dies_on_second),
        pytest.raises(RuntimeError),
    ):
        services.time_deposits_collect(today=datetime.date(2026, 5, 1))
    assert _fresh(city).balance == D("200000.00")
    assert len(services.time_deposits_collect(today=datetime.date(2026, 5, 1))) == 1
    assert services.time_deposits_collect(today=datetime.date(2026, 5, 2)) == []
    assert _fresh(city).balance == D("300000.00")
    balance.refresh_from_db()
    assert balance.collected == D("300000.00")


def test_frozen_balance_refused_until_a_release_is_approved(
    ledger, county_a, registered, county_a_officer, city_clerk, bureau_approver
):
    services.time_deposits_collect(today=datetime.date(2026, 7, 1))
    special = _acct(ledger, county_a, Account.Kind.FISCAL_SPECIAL)
    spending = _acct(ledger, county_a, Account.Kind.EXPENDITURE)

    def move(key, amount):
        return entry_post(
            municipality=ledger,
            kind=JournalEntry.Kind.TRANSFER,
            month=datetime.date(2026, 7, 1),
            effective_date=datetime.date(2026, 7, 2),
            memo="use",
            actor=None,
            idempotency_key=key,
            lines=[PostingLine(special, -D(amount)), PostingLine(spending, D(amount))],
        )

    with pytest.raises(ValidationError) as refused:
        move("use-1", "0.01")
    assert refused.value.code == "frozen_balance"
    assert "frozen historical balance of 700000.00" in refused.value.messages[0]

    application = services.release_apply(
        balance=registered, amount=D("1000.00"), reason="医院欠款", actor=county_a_officer
    )
    with pytest.raises(ValidationError):  # not reviewed yet
        services.release_approve(application=application, actor=bureau_approver)
    services.release_review(application=application, actor=city_clerk)
    with pytest.raises(ValidationError):  # still frozen until the bureau approves
        move("use-2", "1000.00")
    application = services.release_approve(application=application, actor=bureau_approver)
    assert application.status == ApplicationStatus.APPROVED
    assert application.reviewed_by == city_clerk and application.reviewed_at is not None
    assert application.decided_by == bureau_approver and application.decided_at is not None
    assert _fresh(special).frozen_amount == D("699000.00")
    move("use-3", "1000.00")
    assert _fresh(special).balance == D("699000.00")
    with pytest.raises(ValidationError):
        move("use-4", "0.01")


def test_nobody_decides_what_they_submitted(registered, city_clerk):
    application = services.release_apply(
        balance=registered, amount=D("1.00"), reason="x", actor=city_clerk
    )
    with pytest.raises(ValidationError, match="submitted"):
        services.release_review(application=application, actor=city_clerk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_return_needs_a_reason_and_records_who_returned_it(
    registered, county_a_officer, city_clerk, bureau_approver
):
    first = services.release_apply(
        balance=registered, amount=D("1.00"), reason="x", actor=county_a_officer
    )
    with pytest.raises(ValidationError) as no_reason:
        services.release_return(application=first, actor=city_clerk, reason=" ")
    assert "return_reason" in no_reason.value.message_dict
    first = services.release_return(application=first, actor=city_clerk, reason="缺少附件")
    assert first.status == ApplicationStatus.RETURNED and first.return_reason == "缺少附件"
    assert first.reviewed_by == city_clerk and first.decided_by is None
    with pytest.raises(ValidationError) as closed:
        services.release_return(application=first, actor=bureau_approver, reason="again")
    assert "status" in closed.value.message_dict

    second = services.release_apply(
        balance=registered, amount=D("2.00"), reason="y", actor=county_a_officer
    )
    services.release_review(application=second, actor=city_clerk)
    second = services.release_return(application=second, actor=bureau_approver, reason="不符")
    assert second.status == ApplicationStatus.RETURNED
    assert second.reviewed_by == city_clerk and second.decided_by == bureau_approver
    registered.refresh_from_db()
    assert registered.released == D("0.00")


def test_release_cannot_exceed_the_frozen_part(registered, county_a_officer):
    with pytest.raises(ValidationError) as refused:
        services.release_apply(
            balance=registered, amount=D("700000.01"), reason="x", actor=county_a_officer
        )
    assert "amount" in refused.value.message_dict


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database CHECK on PostgreSQL")
def test_database_refuses_a_balance_below_the_frozen_amount(ledger, county_a, registered):
    special = _acct(ledger, county_a, Account.Kind.FISCAL_SPECIAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=special.pk).update(balance=D("799999.99"))


def test_registration_refusals(ledger, county_a, registered, city_clerk):
    with pytest.raises(ValidationError) as twice:
        services.historical_balance_register(
            county=county_a,
            fund_type=_fund(),
            cutover_date=datetime.date(2019, 12, 31),
            demand_deposit=D("1.00"),
            deposits=[],
            actor=city_clerk,
        )
    assert "fund_type" in twice.value.message_dict
    with pytest.raises(ValidationError) as early:
        services.historical_balance_register(
            county=county_a,
            fund_type=_fund("390100"),
            cutover_date=datetime.date(2019, 12, 31),
            demand_deposit=D("1.00"),
            deposits=[services.DepositInput(D("5.00"), datetime.date(2019, 6, 1), "银行")],
            actor=city_clerk,
        )
    assert "deposits" in early.value.message_dict


# --- pages and API ------------------------------------------------------------------------


def test_pages_scoped_by_county_and_auditor_reads_only(
    client_for, registered, county_b_officer, county_a_officer, auditor, city_clerk, county_a
):
    assert client_for(county_b_officer).get(f"/funds/history/{registered.pk}/").status_code == 404
    page = client_for(county_a_officer).get(f"/funds/history/{registered.pk}/")
    assert page.status_code == 200 and "700,000.00" in page.content.decode()
    assert client_for(auditor).get("/funds/history/").status_code == 200
    assert client_for(auditor).post("/funds/history/new/", {}).status_code == 403
    # Forms are not even shown to those who may not send them.
    assert client_for(auditor).get("/funds/history/new/").status_code == 403
    assert client_for(auditor).get("/settlement/deficits/apply/").status_code == 403
    assert client_for(county_a_officer).get("/funds/history/new/").status_code == 403
    assert (
        client_for(auditor)
        .post(f"/funds/history/{registered.pk}/", {"amount": "1", "reason": "x"})
        .status_code
        == 403
    )
    # A county officer applies for a release through the page; a bad amount is a 400 form.
    officer = client_for(county_a_officer)
    bad = officer.post(f"/funds/history/{registered.pk}/", {"amount": "999999999", "reason": "x"})
    assert bad.status_code == 400
    good = officer.post(f"/funds/history/{registered.pk}/", {"amount": "10.00", "reason": "x"})
    assert good.status_code == 302


def test_register_page(client_for, city_clerk, county_b, ledger):
    client = client_for(city_clerk)
    assert client.get("/funds/history/new/").status_code == 200
    bad = client.post(
        "/funds/history/new/",
        {
            "county": county_b.pk,
            "fund_type": _fund().pk,
            "cutover_date": "2019-12-31",
            "demand_deposit": "",
            "deposit_0_amount": "5",
        },
    )
    assert bad.status_code == 400
    good = client.post(
        "/funds/history/new/",
        {
            "county": county_b.pk,
            "fund_type": _fund().pk,
            "cutover_date": "2019-12-31",
            "demand_deposit": "100.00",
            "deposit_0_amount": "100.00",
            "deposit_0_maturity": "2027-01-01",
            "deposit_0_bank": "银行",
        },
    )
    assert good.status_code == 302
    special = _acct(ledger, county_b, Account.Kind.FISCAL_SPECIAL)
    assert (special.balance, special.frozen_amount) == (D("140.00"), D("140.00"))


def test_api(
    api_for,
    registered,
    county_a,
    county_b,
    county_b_officer,
    auditor,
    city_clerk,
    county_a_officer,
    bureau_approver,
):
    assert api_for(county_b_officer).get("/api/historical-balances/").json()["count"] == 0
    assert (
        api_for(county_b_officer).get(f"/api/historical-balances/{registered.pk}/").status_code
        == 404
    )
    assert api_for(auditor).get("/api/historical-balances/").json()["count"] == 1
    assert api_for(auditor).post("/api/historical-balances/", {}).status_code == 403
    bad = api_for(city_clerk).post(
        "/api/historical-balances/",
        {
            "county": county_b.pk,
            "fund_code": POOLED,
            "cutover_date": "2019-12-31",
            "demand_deposit": "-1",
        },
        format="json",
    )
    assert bad.status_code == 400 and "demand_deposit" in bad.json()
    created = api_for(city_clerk).post(
        "/api/historical-balances/",
        {
            "county": county_b.pk,
            "fund_code": POOLED,
            "cutover_date": "2019-12-31",
            "demand_deposit": "10.00",
            "deposits": [{"amount": "90.00", "maturity_date": "2027-03-01", "bank": "银行"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["city_share"] == "30.00"
    assert api_for(county_a_officer).get("/api/time-deposits/").json()["count"] == 2

    too_much = api_for(county_a_officer).post(
        "/api/release-applications/",
        {"balance": registered.pk, "amount": "800000.00", "reason": "x"},
        format="json",
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()
    applied = api_for(county_a_officer).post(
        "/api/release-applications/",
        {"balance": registered.pk, "amount": "5.00", "reason": "x"},
        format="json",
    )
    assert applied.status_code == 201
    pk = applied.json()["id"]
    assert api_for(auditor).post(f"/api/release-applications/{pk}/review/").status_code == 403
    assert (
        api_for(county_a_officer).post(f"/api/release-applications/{pk}/review/").status_code == 403
    )
    assert (
        api_for(bureau_approver).post(f"/api/release-applications/{pk}/approve/").status_code == 400
    )
    assert api_for(city_clerk).post(f"/api/release-applications/{pk}/review/").status_code == 200
    done = api_for(bureau_approver).post(f"/api/release-applications/{pk}/approve/")
    assert done.status_code == 200 and done.json()["status"] == "approved"

    other = api_for(county_a_officer).post(
        "/api/release-applications/",
        {"balance": registered.pk, "amount": "6.00", "reason": "y"},
        format="json",
    )
    url = f"/api/release-applications/{other.json()['id']}/return/"
    no_reason = api_for(city_clerk).post(url, {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    returned = api_for(city_clerk).post(url, {"reason": "缺少附件"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"


def test_release_decision_page(
    client_for, registered, county_a_officer, city_clerk, bureau_approver, auditor
):
    application = services.release_apply(
        balance=registered, amount=D("10.00"), reason="x", actor=county_a_officer
    )
    review = f"/funds/history/releases/{application.pk}/review/"
    approve = f"/funds/history/releases/{application.pk}/approve/"
    assert client_for(auditor).post(review).status_code == 403
    assert client_for(bureau_approver).post(approve).status_code == 400  # not reviewed yet
    assert client_for(city_clerk).post(review).status_code == 302
    page = client_for(bureau_approver).get(f"/funds/history/{registered.pk}/")
    assert 'data-action="approve"' in page.content.decode()
    assert 'data-action="review"' not in page.content.decode()
    assert client_for(bureau_approver).post(approve).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert _fresh(registered.account).frozen_amount == D("799990.00")


def test_release_return_page_needs_a_reason(client_for, registered, county_a_officer, city_clerk):
    application = services.release_apply(
        balance=registered, amount=D("10.00"), reason="x", actor=county_a_officer
    )
    url = f"/funds/history/releases/{application.pk}/return/"
    assert client_for(county_a_officer).post(url, {"reason": "x"}).status_code == 403
    refused = client_for(city_clerk).post(url, {"reason": ""})
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert client_for(city_clerk).post(url, {"reason": "缺少附件"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
