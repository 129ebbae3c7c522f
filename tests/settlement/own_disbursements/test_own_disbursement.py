"""A tiered county's own disbursement (县级基金拨付): fiscal special → expenditure in the county's
own books, through the service, the pages and the API. Zhengzhou's counties are tiered with a
risk-adjustment fund (Z 三); Jining's are unified and get their money through usage plans."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from funds.ledger.models import Account, ClosedMonth, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, entry_post
from pooling.accounts.models import User
from settlement.own_disbursements.selectors import own_disbursements_for
from settlement.own_disbursements.services import own_disbursement_post

POOLED = "310100"
JINSHUI = "410105"  # 金水区, the county of zhengzhou_county_a
ZHONGMU = "410122"  # 中牟县, the county of zhengzhou_county_b
ON = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English (their msgids)."""
    with translation.override("en"):
        yield


def user(username: str) -> User:
    return User.objects.get(username=username)


def accounts(city, code: str) -> tuple[Account, Account]:
    county = city.counties.get(code=code)
    fiscal, spending = (
        account_for(municipality=city, county=county, kind=kind, fund_code=POOLED)
        for kind in (Account.Kind.FISCAL_SPECIAL, Account.Kind.EXPENDITURE)
    )
    return fiscal, spending


def balances(city, code: str) -> tuple[Decimal, Decimal]:
    fiscal, spending = accounts(city, code)
    return fiscal.balance, spending.balance


def fund(city, code: str, amount: str) -> None:
    """The county government puts ``amount`` into the county's fiscal special account."""
    county = city.counties.get(code=code)
    fiscal, _spending = accounts(city, code)
    government = account_for(
        municipality=city,
        county=county,
        kind=Account.Kind.COUNTERPARTY,
        fund_code=POOLED,
        owner=Account.Owner.COUNTY_GOVERNMENT,
    )
    entry_post(
        municipality=city,
        kind="opening_balance",
        month=datetime.date(2025, 12, 1),
        effective_date=datetime.date(2025, 12, 31),
        memo="期初",
        actor=None,
        idempotency_key=f"test-fund:{code}:{amount}",
        lines=[PostingLine(government, -Decimal(amount)), PostingLine(fiscal, Decimal(amount))],
    )


def post(city, code: str, amount: str, *, actor: User, request_key: str = "req-1", on=ON):
    return own_disbursement_post(
        county=city.counties.get(code=code),
        fund_code=POOLED,
        amount=Decimal(amount),
        on=on,
        memo="拨付支出户",
        actor=actor,
        request_key=request_key,
    )


def own_entries():
    return JournalEntry.objects.filter(idempotency_key__startswith="own-disbursement:")


@pytest.fixture
def funded(zhengzhou_city):
    """金水区 holds 1,000.00 and 中牟县 500.00 in their fiscal special accounts."""
    fund(zhengzhou_city, JINSHUI, "1000.00")
    fund(zhengzhou_city, ZHONGMU, "500.00")
    return zhengzhou_city


@pytest.fixture
def officer_a(zhengzhou_city):
    return user("zhengzhou_county_a")


@pytest.fixture
def officer_b(zhengzhou_city):
    return user("zhengzhou_county_b")


@pytest.fixture
def zz_auditor(zhengzhou_city):
    return user("zhengzhou_auditor")


# ---------------------------------------------------------------------------------------------
# Service
# ---------------------------------------------------------------------------------------------


def test_own_disbursement_moves_money_to_the_fen_in_one_balanced_entry(funded, officer_a):
    entry = post(funded, JINSHUI, "123.45", actor=officer_a)

    assert balances(funded, JINSHUI) == (Decimal("876.55"), Decimal("123.45"))
    assert balances(funded, ZHONGMU) == (Decimal("500.00"), Decimal("0.00"))
    county = funded.counties.get(code=JINSHUI)
    assert entry.kind == JournalEntry.Kind.DISBURSEMENT
    assert entry.idempotency_key == f"own-disbursement:{county.pk}:req-1"
    assert entry.month == datetime.date(2026, 3, 1)
    assert entry.effective_date == ON
    amounts = sorted(entry.postings.values_list("amount", flat=True))
    assert amounts == [Decimal("-123.45"), Decimal("123.45")]
    assert sum(amounts) == 0


def test_the_same_request_posts_once(funded, officer_a):
    first = post(funded, JINSHUI, "100.00", actor=officer_a)
    again = post(funded, JINSHUI, "100.00", actor=officer_a)

    assert again.pk == first.pk
    assert own_entries().count() == 1
    assert balances(funded, JINSHUI) == (Decimal("900.00"), Decimal("100.00"))


def test_a_replayed_request_is_returned_even_when_the_balance_no_longer_covers_it(
    funded, officer_a
):
    first = post(funded, JINSHUI, "800.00", actor=officer_a)
    post(funded, JINSHUI, "150.00", actor=officer_a, request_key="req-2")

    assert post(funded, JINSHUI, "800.00", actor=officer_a).pk == first.pk
    assert balances(funded, JINSHUI) == (Decimal("50.00"), Decimal("950.00"))


def test_unified_county_is_refused_and_pointed_to_the_usage_plans(jining_city):
    officer = user("jining_county_a")

    with pytest.raises(ValidationError) as refused:
        post(jining_city, "370811", "10.00", actor=officer)

    assert "usage plans" in refused.value.message_dict["county"][0]
    assert not own_entries().exists()


def test_amount_beyond_the_fiscal_balance_is_refused_naming_the_shortfall(funded, officer_a):
    with pytest.raises(ValidationError) as refused:
        post(funded, JINSHUI, "1123.45", actor=officer_a)

    assert "short by 123.45" in refused.value.message_dict["amount"][0]
    assert balances(funded, JINSHUI) == (Decimal("1000.00"), Decimal("0.00"))
    assert not own_entries().exists()


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "1.005"])
def test_zero_negative_and_sub_fen_amounts_are_refused(funded, officer_a, amount):
    with pytest.raises(ValidationError) as refused:
        post(funded, JINSHUI, amount, actor=officer_a)

    assert list(refused.value.message_dict) == ["amount"]
    assert balances(funded, JINSHUI) == (Decimal("1000.00"), Decimal("0.00"))


def test_closed_month_is_refused_on_the_date(funded, officer_a):
    ClosedMonth.objects.create(municipality=funded, month=datetime.date(2026, 3, 1))

    with pytest.raises(ValidationError) as refused:
        post(funded, JINSHUI, "10.00", actor=officer_a)

    assert "2026-03 is closed" in refused.value.message_dict["on"][0]
    assert not own_entries().exists()


def test_county_officer_cannot_post_for_another_county(funded, officer_a):
    with pytest.raises(ValidationError) as refused:
        post(funded, ZHONGMU, "10.00", actor=officer_a)

    assert "county" in refused.value.message_dict
    assert balances(funded, ZHONGMU) == (Decimal("500.00"), Decimal("0.00"))


def test_county_officers_read_only_their_own_disbursements(funded, officer_a, officer_b):
    finance = user("zhengzhou_finance")
    post(funded, JINSHUI, "10.00", actor=officer_a)
    post(funded, ZHONGMU, "20.00", actor=finance)

    mine = own_disbursements_for(user=officer_b, year=2026)
    every = own_disbursements_for(user=finance, year=2026)

    assert [(row.county_name, row.amount) for row in mine] == [("中牟县", Decimal("20.00"))]
    assert sorted(row.amount for row in every) == [Decimal("10.00"), Decimal("20.00")]
    assert not own_disbursements_for(user=finance, year=2025).exists()


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def today():
    return timezone.localdate()


def form_data(county, *, amount: str, today, request_key: str = "page-1") -> dict:
    return {
        "county": county.pk,
        "fund_code": POOLED,
        "amount": amount,
        "on": today.isoformat(),
        "memo": "拨付支出户",
        "request_key": request_key,
    }


def test_county_officer_posts_for_own_county_on_the_page(
    funded, officer_a, english_client_for, today
):
    client = english_client_for(officer_a)
    county = funded.counties.get(code=JINSHUI)
    shown = client.get(reverse("settlement:own_disbursement_create"))
    assert shown.status_code == 200
    assert 'name="request_key"' in shown.content.decode()
    # The form offers only the officer's own county.
    assert list(shown.context["form"].fields["county"].queryset) == [county]

    data = form_data(county, amount="250.00", today=today)
    response = client.post(reverse("settlement:own_disbursement_create"), data)
    repeat = client.post(reverse("settlement:own_disbursement_create"), data)

    assert response.status_code == 302 and repeat.status_code == 302
    assert response["Location"] == reverse("settlement:own_disbursement_list")
    assert own_entries().count() == 1
    assert balances(funded, JINSHUI) == (Decimal("750.00"), Decimal("250.00"))
    listing = client.get(reverse("settlement:own_disbursement_list")).content.decode()
    assert "250.00" in listing and "750.00" in listing and "拨付支出户" in listing


def test_over_balance_amount_is_shown_next_to_the_amount_and_nothing_posted(
    funded, officer_a, english_client_for, today
):
    client = english_client_for(officer_a)
    county = funded.counties.get(code=JINSHUI)

    response = client.post(
        reverse("settlement:own_disbursement_create"),
        form_data(county, amount="1000.01", today=today),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["amount"]
    assert "short by 0.01" in errors[0]
    assert 'id="id_amount-errors"' in response.content.decode()
    assert not own_entries().exists()


def test_other_county_is_refused_on_the_page(funded, officer_a, english_client_for, today):
    client = english_client_for(officer_a)
    other = funded.counties.get(code=ZHONGMU)

    response = client.post(
        reverse("settlement:own_disbursement_create"), form_data(other, amount="10.00", today=today)
    )

    assert response.status_code == 400
    assert "county" in response.context["form"].errors
    assert not own_entries().exists()
    assert balances(funded, ZHONGMU) == (Decimal("500.00"), Decimal("0.00"))


def test_auditor_reads_the_list_but_gets_403_on_the_form_and_post(
    funded, zz_auditor, english_client_for, today
):
    client = english_client_for(zz_auditor)
    county = funded.counties.get(code=JINSHUI)

    assert client.get(reverse("settlement:own_disbursement_list")).status_code == 200
    assert client.get(reverse("settlement:own_disbursement_create")).status_code == 403
    response = client.post(
        reverse("settlement:own_disbursement_create"),
        form_data(county, amount="10.00", today=today),
    )
    assert response.status_code == 403
    assert not own_entries().exists()


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------

API = "/api/own-disbursements/"


def api_data(county, *, amount: str, request_key: str = "api-1") -> dict:
    return {
        "county": county.pk,
        "fund_code": POOLED,
        "amount": amount,
        "on": ON.isoformat(),
        "memo": "接口拨付",
        "request_key": request_key,
    }


def test_api_posts_and_lists_an_own_disbursement(funded, api_for):
    finance = user("zhengzhou_finance")
    county = funded.counties.get(code=ZHONGMU)

    response = api_for(finance).post(API, api_data(county, amount="99.99"), format="json")

    assert response.status_code == 201
    assert response.data["county"] == county.pk
    assert response.data["amount"] == "99.99"
    assert balances(funded, ZHONGMU) == (Decimal("400.01"), Decimal("99.99"))
    listed = api_for(finance).get(API, {"year": 2026, "county": county.pk})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.data] == [response.data["id"]]


def test_api_bad_input_is_400_with_field_errors(funded, officer_a, api_for):
    county = funded.counties.get(code=JINSHUI)
    api = api_for(officer_a)

    malformed = api.post(API, {**api_data(county, amount="abc"), "on": "soon"}, format="json")
    over = api.post(API, api_data(county, amount="1000.01"), format="json")
    other = api.post(API, api_data(funded.counties.get(code=ZHONGMU), amount="1.00"), format="json")

    assert malformed.status_code == 400 and {"amount", "on"} <= set(malformed.data)
    assert over.status_code == 400 and "还差 0.01" in str(over.data["amount"][0])  # Chinese default
    assert other.status_code == 400 and "county" in other.data
    assert not own_entries().exists()


def test_api_auditor_gets_403_on_post(funded, zz_auditor, api_for):
    county = funded.counties.get(code=JINSHUI)
    api = api_for(zz_auditor)

    assert api.get(API).status_code == 200
    assert api.post(API, api_data(county, amount="1.00"), format="json").status_code == 403
    assert not own_entries().exists()
