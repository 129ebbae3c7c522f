"""Contributions in the ledger: collection batches, retiree credits, top-ups, and the
personal-account subledger against its control accounts (DOMAIN §5, §6, §11)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from enrollment.collection_files.models import CollectionBatch
from enrollment.personal_accounts.models import PersonalAccountMovement
from enrollment.personal_accounts.selectors import personal_account_total
from funds.booking import services
from funds.ledger.models import Account, JournalEntry
from funds.ledger.selectors import ledger_verify
from tests.factories.booking import (
    MONTH,
    ON,
    D,
    booking_account,
    control_account,
    ledger_state,
    tax_account,
)
from tests.factories.funds import balance

pytestmark = pytest.mark.django_db


# Collections ---------------------------------------------------------------------------------


def test_batch_posts_exact_amounts_per_county_and_fund(
    ledger, batch, county_a, county_b, finance_officer
):
    entries = services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)

    by_key = {entry.idempotency_key: entry for entry in entries}
    a, b = county_a.code, county_b.code
    assert sorted(by_key) == sorted(
        [
            f"collection:{batch.pk}:{a}:310100",
            f"collection:{batch.pk}:{a}:310200",
            f"collection:{batch.pk}:{a}:910100",
            f"collection:{batch.pk}:{b}:310100",
            f"collection:{batch.pk}:{b}:310100:unallocated",
            f"collection:{batch.pk}:{b}:910100",
            f"collection:{batch.pk}:city:310100:unallocated",
        ]
    )
    # Jining is unified: maternity (100.00) is merged into the pooled fund (700.00).
    assert balance(booking_account(ledger, county_a, "310100")) == Decimal("800.00")
    assert balance(tax_account(ledger, county_a, "310100")) == Decimal("-800.00")
    assert balance(control_account(ledger, county_a)) == Decimal("200.00")
    assert balance(tax_account(ledger, county_a, "310200")) == Decimal("-200.00")
    assert balance(booking_account(ledger, county_a, "910100")) == Decimal("20.00")
    assert balance(booking_account(ledger, county_a, "920100")) == Decimal("0.00")
    # County B: 660.00 pooled plus the 30.00 over-paid, kept in its income account.
    assert balance(booking_account(ledger, county_b, "310100")) == Decimal("690.00")
    assert balance(booking_account(ledger, county_b, "910100")) == Decimal("10.00")
    # The unmatched 5.00 is in the city-wide income account, not lost.
    assert balance(booking_account(ledger, None, "310100")) == Decimal("5.00")
    assert balance(tax_account(ledger, None, "310100")) == Decimal("-5.00")
    assert (
        sum(entry.postings.filter(amount__gt=0).get().amount for entry in entries)
        == batch.total_amount
        == Decimal("1725.00")
    )
    batch.refresh_from_db()
    assert batch.status == CollectionBatch.Status.POSTED
    assert all(entry.source == batch for entry in entries)


def test_control_equals_subledger_after_posting(ledger, batch, county_a, finance_officer):
    services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)

    assert personal_account_total(municipality=ledger, county=county_a) == Decimal("200.00")
    assert balance(control_account(ledger, county_a)) == Decimal("200.00")
    report = ledger_verify(municipality=ledger)
    assert report.ok, report.lines()


def test_reposting_a_posted_batch_is_refused_and_changes_nothing(ledger, batch, finance_officer):
    services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)
    before = ledger_state()

    with pytest.raises(ValidationError) as error:
        services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)

    assert error.value.code == "already_posted"
    assert ledger_state() == before


def test_maternity_is_its_own_fund_where_not_unified(
    ledger, batch, county_a, finance_officer, monkeypatch
):
    monkeypatch.setattr(services, "pooling_model_for", lambda county, month: None)

    services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)

    assert balance(booking_account(ledger, county_a, "310100")) == Decimal("700.00")
    assert balance(booking_account(ledger, county_a, "920100")) == Decimal("100.00")
    assert balance(tax_account(ledger, county_a, "920100")) == Decimal("-100.00")


def test_failure_half_way_leaves_ledger_and_batch_as_they_were(
    ledger, batch, finance_officer, monkeypatch
):
    before = ledger_state()

    def explode(**kwargs):
        raise RuntimeError("subledger down")

    monkeypatch.setattr(services, "collection_batch_mark_posted", explode)
    with pytest.raises(RuntimeError):
        services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)

    assert ledger_state() == before
    batch.refresh_from_db()
    assert batch.status == CollectionBatch.Status.READY
    monkeypatch.undo()
    assert len(services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)) == 7


# Retiree credits -----------------------------------------------------------------------------


def test_retiree_credits_are_balanced_per_fund_and_idempotent(
    ledger, batch, county_a, finance_officer, assessed
):
    retiree = assessed[3]
    services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)

    result = services.retiree_credits_post(municipality=ledger, month=MONTH, actor=finance_officer)

    assert result.credited == 1
    assert sorted(entry.fund_type.code for entry in result.entries) == ["310100", "310200"]
    for entry in result.entries:
        amounts = sorted(entry.postings.values_list("amount", flat=True))
        assert amounts == [Decimal("-90.00"), Decimal("90.00")]
        assert set(entry.postings.values_list("account__fund_type__code", flat=True)) == {
            entry.fund_type.code
        }
    assert balance(booking_account(ledger, county_a, "310100")) == Decimal("710.00")
    assert balance(control_account(ledger, county_a)) == Decimal("290.00")
    clearing = Account.objects.filter(
        county=county_a, owner=Account.Owner.COUNTY, kind=Account.Kind.COUNTERPARTY
    )
    assert sorted(clearing.values_list("fund_type__code", "balance")) == [
        ("310100", Decimal("90.00")),
        ("310200", Decimal("-90.00")),
    ]
    assert retiree.account_movements.get().amount == Decimal("90.00")
    assert ledger_verify(municipality=ledger).ok

    before = ledger_state()
    again = services.retiree_credits_post(municipality=ledger, month=MONTH, actor=finance_officer)
    assert (again.credited, again.entries) == (0, [])
    assert ledger_state() == before


def test_retiree_credits_refused_without_pooled_income(ledger, assessed, finance_officer):
    before = ledger_state()

    with pytest.raises(ValidationError) as error:
        services.retiree_credits_post(municipality=ledger, month=MONTH, actor=finance_officer)

    assert error.value.code == "negative_balance"
    assert ledger_state()[0] == before[0]
    assert PersonalAccountMovement.objects.count() == 0


# Top-ups -------------------------------------------------------------------------------------


def test_top_up_lands_in_the_pooled_fund_only(ledger, county_a, city_clerk, assessed):
    person = assessed[1][0]
    entries = services.top_up_book(
        person=person,
        case="retiring_short",
        on=D(2024, 6, 10),
        months_paid=100,
        last_base=Decimal("5000.00"),
        actor=city_clerk,
    )

    assert [entry.fund_type.code for entry in entries] == ["310100"]
    # 5000.00 × 0.07 × 20 missing months
    assert balance(booking_account(ledger, county_a, "310100")) == Decimal("7000.00")
    assert balance(control_account(ledger, county_a)) == Decimal("0.00")
    assert not Account.objects.filter(fund_type__code="310200").exclude(balance=0).exists()
    assert PersonalAccountMovement.objects.count() == 0

    again = services.top_up_book(
        person=person,
        case="retiring_short",
        on=D(2024, 6, 10),
        months_paid=100,
        last_base=Decimal("5000.00"),
        actor=city_clerk,
    )
    assert [entry.pk for entry in again] == [entry.pk for entry in entries]
    with pytest.raises(ValidationError):
        services.top_up_book(
            person=person,
            case="retiring_short",
            on=D(2024, 6, 10),
            months_paid=90,
            last_base=Decimal("5000.00"),
            actor=city_clerk,
        )
    assert balance(booking_account(ledger, county_a, "310100")) == Decimal("7000.00")


# Verification --------------------------------------------------------------------------------


def test_verify_ledger_fails_when_the_subledger_is_tampered(
    ledger, batch, county_a, finance_officer
):
    services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enrollment_personalaccountmovement SET amount = amount + 1 WHERE id = %s",
            [PersonalAccountMovement.objects.order_by("pk").first().pk],
        )

    report = ledger_verify(municipality=ledger)

    control = control_account(ledger, county_a)
    assert not report.ok
    assert report.personal_account_differences == [
        (control.pk, control.name, Decimal("200.00"), Decimal("201.00"))
    ]
    assert any("difference -1.00" in line for line in report.lines())


# Pages, API and permissions ------------------------------------------------------------------


def test_clerk_posts_a_batch_from_the_page(client_for, city_clerk, batch):
    client = client_for(city_clerk)
    page = client.get(reverse("funds:collection_batches"))
    assert page.status_code == 200 and batch.file_name in page.content.decode()

    response = client.post(reverse("funds:collection_batch_post", args=[batch.pk]))

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == CollectionBatch.Status.POSTED
    listing = client.get(reverse("funds:collection_batches")).content.decode()
    entry = JournalEntry.objects.filter(source_id=str(batch.pk)).first()
    assert reverse("funds:entry_detail", args=[entry.pk]) in listing


def test_auditor_reads_but_cannot_post(client_for, api_for, auditor, batch):
    assert client_for(auditor).get(reverse("funds:collection_batches")).status_code == 200
    response = client_for(auditor).post(reverse("funds:collection_batch_post", args=[batch.pk]))
    api_response = api_for(auditor).post(f"/api/collection-batches/{batch.pk}/post/")

    assert response.status_code == api_response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == CollectionBatch.Status.READY
    assert JournalEntry.objects.count() == 0


def test_county_officer_cannot_post_city_wide_batches(client_for, api_for, county_a_officer, batch):
    client = client_for(county_a_officer)
    assert client.get(reverse("funds:collection_batches")).status_code == 403
    assert client.post(reverse("funds:collection_batch_post", args=[batch.pk])).status_code == 403
    assert (
        api_for(county_a_officer).post(f"/api/collection-batches/{batch.pk}/post/").status_code
        == 403
    )
    assert JournalEntry.objects.count() == 0


def test_api_posts_a_batch_once(api_for, finance_officer, batch):
    api = api_for(finance_officer)
    first = api.post(f"/api/collection-batches/{batch.pk}/post/")
    second = api.post(f"/api/collection-batches/{batch.pk}/post/")

    assert first.status_code == 201 and len(first.json()) == 7
    assert second.status_code == 400
    assert JournalEntry.objects.count() == 7


def test_api_retiree_credits_and_top_up(api_for, finance_officer, city_clerk, batch, assessed):
    services.collection_batch_post(batch=batch, actor=finance_officer, on=ON)
    api = api_for(finance_officer)
    credited = api.post("/api/retiree-credits/post/", {"month": "2024-06"}, format="json")
    assert credited.status_code == 200 and credited.json()["credited"] == 1

    person = assessed[1][0]
    booked = api_for(city_clerk).post(
        "/api/top-ups/book/",
        {
            "person": person.pk,
            "case": "retiring_short",
            "on": "2024-06-10",
            "months_paid": 100,
            "last_base": "5000.00",
        },
        format="json",
    )
    assert booked.status_code == 201
    assert [entry["fund"] for entry in booked.json()] == ["310100"]


def test_county_officer_books_top_ups_only_in_their_county(
    client_for, api_for, county_a_officer, assessed
):
    person_b = assessed[2]
    person_a = assessed[1][0]
    client = client_for(county_a_officer)
    assert client.get(reverse("funds:top_up_book", args=[person_b.pk])).status_code == 404
    assert client.get(reverse("funds:top_up_book", args=[person_a.pk])).status_code == 200
    refused = api_for(county_a_officer).post(
        "/api/top-ups/book/",
        {"person": person_b.pk, "case": "flexible_retiree", "on": "2024-06-10"},
        format="json",
    )
    assert refused.status_code == 400
    assert JournalEntry.objects.count() == 0

    response = client.post(
        reverse("funds:top_up_book", args=[person_a.pk]),
        {
            "case": "retiring_short",
            "on": "2024-06-10",
            "months_paid": "100",
            "last_base": "5000.00",
        },
    )
    assert response.status_code == 302
    assert JournalEntry.objects.get().fund_type.code == "310100"


def test_auditor_cannot_book_top_ups(client_for, auditor, assessed):
    person = assessed[1][0]
    assert (
        client_for(auditor).get(reverse("funds:top_up_book", args=[person.pk])).status_code == 403
    )
