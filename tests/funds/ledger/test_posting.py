"""The posting services: balances, idempotency, reversals, closed months and refusals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from funds.ledger import services
from funds.ledger.models import Account, ClosedMonth, JournalEntry, Posting
from funds.ledger.selectors import account_for
from funds.ledger.services import EntrySpec, PostingLine
from pooling.core.hooks import county_joined
from tests.factories import make_county
from tests.factories.funds import FEB, JAN, POOLED, RESIDENT, balance

pytestmark = pytest.mark.django_db


def test_posting_moves_money_and_records_running_balances(post, tax_a, income_a, city_income):
    post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))
    entry = post("remit-1", (income_a, "-40.25"), (city_income, "40.25"), kind="remittance")

    assert balance(income_a) == Decimal("59.75")
    assert balance(city_income) == Decimal("40.25")
    assert balance(tax_a) == Decimal("-100.00")
    postings = list(entry.postings.order_by("pk").values_list("amount", "balance_after"))
    assert postings == [
        (Decimal("-40.25"), Decimal("59.75")),
        (Decimal("40.25"), Decimal("40.25")),
    ]
    assert entry.fund_type.code == POOLED


def test_same_key_same_inputs_returns_the_original_entry(post, tax_a, income_a):
    first = post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))
    again = post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))

    assert again.pk == first.pk
    assert balance(income_a) == Decimal("100.00")
    assert Posting.objects.count() == 2


def test_same_key_different_inputs_is_refused_and_changes_nothing(post, tax_a, income_a):
    first = post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))

    with pytest.raises(ValidationError, match=f"already used for entry #{first.pk}"):
        post("collect-1", (tax_a, "-100.01"), (income_a, "100.01"))

    assert balance(income_a) == Decimal("100.00")
    assert JournalEntry.objects.count() == 1


def test_unbalanced_entry_is_refused(post, tax_a, income_a):
    with pytest.raises(ValidationError, match="unbalanced.*sum to 1.00"):
        post("bad", (tax_a, "-100.00"), (income_a, "101.00"))
    assert JournalEntry.objects.count() == 0
    assert balance(income_a) == Decimal("0.00")


def test_zero_posting_is_refused(post, tax_a, income_a):
    with pytest.raises(ValidationError, match="zero"):
        post("zero", (tax_a, "-100.00"), (income_a, "100.00"), (income_a, "0.00"))
    assert JournalEntry.objects.count() == 0


def test_fractions_of_a_fen_are_refused(post, tax_a, income_a):
    with pytest.raises(ValidationError, match="whole number of fen"):
        post("fraction", (tax_a, "-100.005"), (income_a, "100.005"))


def test_mixed_fund_entry_is_refused(ledger, post, tax_a, county_a):
    resident_income = account_for(
        municipality=ledger, county=county_a, kind=Account.Kind.INCOME, fund_code=RESIDENT
    )
    with pytest.raises(ValidationError, match="mixes funds"):
        post("mixed", (tax_a, "-100.00"), (resident_income, "100.00"))
    assert balance(resident_income) == Decimal("0.00")
    assert balance(tax_a) == Decimal("0.00")


def test_negative_balance_is_refused_with_the_account_and_shortfall(
    post, tax_a, income_a, city_income
):
    post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))

    with pytest.raises(ValidationError) as refused:
        post("remit-1", (income_a, "-130.50"), (city_income, "130.50"), kind="remittance")

    message = refused.value.messages[0]
    assert income_a.name in message
    assert "below zero by 30.50" in message
    assert balance(income_a) == Decimal("100.00")
    assert balance(city_income) == Decimal("0.00")


def test_reversal_mirrors_the_entry_once_only(post, tax_a, income_a, city_clerk):
    entry = post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))

    reversal = services.entry_reverse(entry=entry, actor=city_clerk, memo="wrong county")

    assert reversal.kind == JournalEntry.Kind.REVERSAL
    assert reversal.reverses_id == entry.pk
    assert reversal.month == JAN
    assert f"#{entry.pk}" in reversal.memo
    assert balance(income_a) == Decimal("0.00")
    assert balance(tax_a) == Decimal("0.00")
    with pytest.raises(ValidationError, match=f"already reversed by entry #{reversal.pk}"):
        services.entry_reverse(entry=entry, actor=city_clerk, memo="again")
    with pytest.raises(ValidationError, match="itself a reversal"):
        services.entry_reverse(entry=reversal, actor=city_clerk, memo="undo")
    assert JournalEntry.objects.count() == 2
    assert balance(income_a) == Decimal("0.00")


def test_closed_month_refuses_postings_and_correction_goes_to_an_open_month(
    ledger, post, tax_a, income_a, city_clerk
):
    entry = post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))
    services.month_close(municipality=ledger, month=JAN, actor=city_clerk)

    with pytest.raises(ValidationError, match="2026-01 is closed"):
        post("collect-2", (tax_a, "-5.00"), (income_a, "5.00"))
    with pytest.raises(ValidationError, match="already closed"):
        services.month_close(municipality=ledger, month=JAN, actor=city_clerk)

    correction = services.entry_reverse(entry=entry, actor=city_clerk, memo="fix", month=FEB)
    assert correction.month == FEB
    assert correction.reverses_id == entry.pk
    assert balance(income_a) == Decimal("0.00")
    assert ClosedMonth.objects.filter(municipality=ledger).count() == 1


def test_reversing_into_a_closed_month_by_default_uses_the_current_month(
    ledger, post, tax_a, income_a, city_clerk
):
    entry = post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))
    services.month_close(municipality=ledger, month=JAN, actor=city_clerk)

    reversal = services.entry_reverse(entry=entry, actor=city_clerk, memo="fix")

    assert reversal.month != JAN
    assert reversal.month.day == 1


def test_batch_posts_all_entries_and_replays_known_keys(
    ledger, post, tax_a, income_a, tax_b, income_b
):
    post("collect-a-0", (tax_a, "-1.00"), (income_a, "1.00"))
    specs = [
        EntrySpec(
            kind="collection",
            month=JAN,
            effective_date=datetime.date(2026, 1, 15),
            memo="",
            idempotency_key=f"collect-{suffix}-{number}",
            lines=[PostingLine(tax, Decimal("-10.10")), PostingLine(income, Decimal("10.10"))],
        )
        for number in range(50)
        for suffix, tax, income in (("a", tax_a, income_a), ("b", tax_b, income_b))
    ]
    specs[0] = EntrySpec(
        kind="collection",
        month=JAN,
        effective_date=datetime.date(2026, 1, 10),
        memo="",
        idempotency_key="collect-a-0",
        lines=[PostingLine(tax_a, Decimal("-1.00")), PostingLine(income_a, Decimal("1.00"))],
    )

    result = services.entries_post_batch(municipality=ledger, entries=specs, actor=None)

    assert (result.created, result.replayed) == (99, 1)
    assert len(result.entry_ids) == 100
    assert balance(income_a) == Decimal("1.00") + 49 * Decimal("10.10")
    assert balance(income_b) == 50 * Decimal("10.10")
    last = Posting.objects.filter(account=income_b).order_by("-pk").first()
    assert last.balance_after == Decimal("505.00")
    again = services.entries_post_batch(municipality=ledger, entries=specs, actor=None)
    assert again.entry_ids == result.entry_ids
    assert again.created == 0


def test_batch_with_one_bad_entry_posts_nothing(ledger, tax_a, income_a, city_income):
    specs = [
        EntrySpec(
            kind="collection",
            month=JAN,
            effective_date=JAN,
            memo="",
            idempotency_key="good",
            lines=[PostingLine(tax_a, Decimal("-10.00")), PostingLine(income_a, Decimal("10.00"))],
        ),
        EntrySpec(
            kind="remittance",
            month=JAN,
            effective_date=JAN,
            memo="",
            idempotency_key="overdraw",
            lines=[
                PostingLine(income_a, Decimal("-10.01")),
                PostingLine(city_income, Decimal("10.01")),
            ],
        ),
    ]
    with pytest.raises(ValidationError, match="below zero by 0.01"):
        services.entries_post_batch(municipality=ledger, entries=specs, actor=None)
    assert JournalEntry.objects.count() == 0
    assert balance(income_a) == Decimal("0.00")


def test_opening_accounts_is_idempotent_and_covers_every_fund(ledger, county_a):
    per_county = Account.objects.filter(county=county_a).count()
    city_wide = Account.objects.filter(municipality=ledger, county__isnull=True).count()

    assert services.accounts_open_for_municipality(municipality=ledger, actor=None) == 0
    assert services.accounts_open_for_county(county=county_a, actor=None) == 0
    # 10 funds × 7 accounts, plus the personal-account control account of fund 310200.
    assert per_county == 71
    # 10 funds × 9 city-wide accounts (with the bank and the province as counterparties).
    assert city_wide == 90
    assert Account.objects.get(
        county=county_a, kind=Account.Kind.INCOME, fund_type__code=POOLED
    ).name == ("任城区 · 职工基本医疗保险统筹基金 · 收入户")


def test_a_joining_county_gets_its_accounts(ledger, bureau_approver):
    county = make_county(municipality=ledger, code="370899", name="新区")

    county_joined(county, datetime.date(2026, 3, 1), bureau_approver)

    assert Account.objects.filter(county=county).count() == 71
    assert account_for(
        municipality=ledger, county=county, kind=Account.Kind.EXPENDITURE, fund_code=RESIDENT
    ).balance == Decimal("0.00")


def test_refusals_are_translated_to_chinese(post, tax_a, income_a):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        post("bad", (tax_a, "-100.00"), (income_a, "101.00"))
    assert refused.value.messages == ["凭证 bad 借贷不平：分录合计为 1.00，而不是零。"]
