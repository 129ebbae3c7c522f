"""Final accounts from the ledger: the line mapping, inter-level eliminations,
the balance check, month ranges, scope, the page, the XLSX and the API."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from funds.ledger import services
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.reports.selectors import final_accounts, final_accounts_check
from tests.factories.funds import FEB, JAN, POOLED

D = Decimal
DEC = datetime.date(2026, 12, 1)


def _acc(municipality, county, kind, owner=None):
    return account_for(
        municipality=municipality, county=county, kind=kind, fund_code=POOLED, owner=owner
    )


@pytest.fixture
def year_ledger(ledger, post, county_a, county_b, tax_a, tax_b, income_a, income_b, city_income):
    """A small year: collections, remittance up, a tiered county's own transfer, the city's
    fiscal transfer, disbursement, allocation down, benefits (one reversed), interest."""
    fiscal_b = _acc(ledger, county_b, Account.Kind.FISCAL_SPECIAL)
    city_fiscal = _acc(ledger, None, Account.Kind.FISCAL_SPECIAL)
    city_expenditure = _acc(ledger, None, Account.Kind.EXPENDITURE)
    expenditure_a = _acc(ledger, county_a, Account.Kind.EXPENDITURE)
    institution_a = _acc(
        ledger, county_a, Account.Kind.COUNTERPARTY, Account.Owner.DESIGNATED_INSTITUTION
    )
    government_b = _acc(
        ledger, county_b, Account.Kind.COUNTERPARTY, Account.Owner.COUNTY_GOVERNMENT
    )
    post("c-a", (tax_a, "-1000.00"), (income_a, "1000.00"))
    post("c-b", (tax_b, "-600.00"), (income_b, "600.00"))
    post("r-a", (income_a, "-1000.00"), (city_income, "1000.00"), kind="remittance")
    post("r-b", (income_b, "-600.00"), (fiscal_b, "600.00"), kind="remittance")
    post("f", (city_income, "-1000.00"), (city_fiscal, "1000.00"), kind="remittance")
    post(
        "d", (city_fiscal, "-400.00"), (city_expenditure, "400.00"), month=FEB, kind="disbursement"
    )
    post(
        "al", (city_expenditure, "-400.00"), (expenditure_a, "400.00"), month=FEB, kind="allocation"
    )
    post(
        "b1",
        (expenditure_a, "-150.00"),
        (institution_a, "150.00"),
        month=FEB,
        kind="benefit_payment",
    )
    wrong = post(
        "b2",
        (expenditure_a, "-100.75"),
        (institution_a, "100.75"),
        month=FEB,
        kind="benefit_payment",
    )
    services.entry_reverse(entry=wrong, actor=None, memo="wrong institution")
    post("i", (government_b, "-12.34"), (fiscal_b, "12.34"), month=FEB, kind="interest")
    return ledger


def _year(municipality, counties, start=JAN, end=DEC, include_city=True):
    return final_accounts(
        municipality=municipality,
        fund=FundType.objects.get(code=POOLED),
        start=start,
        end=end,
        counties=counties,
        include_city=include_city,
    )


def test_lines_per_entity_and_city_total_eliminate_inter_level_transfers(
    year_ledger, county_a, county_b
):
    accounts = _year(year_ledger, [county_a, county_b])
    city, a, b = accounts.columns
    assert (city.key, a.key, b.key) == ("city", "370811", "370812")
    assert city.lines == {"remittance_from_lower": D("1000.00"), "grant_to_lower": D("400.00")}
    assert a.lines == {
        "premiums": D("1000.00"),
        "grant_from_higher": D("400.00"),
        "remittance_to_higher": D("1000.00"),
        "benefits": D("150.00"),
    }
    assert b.lines == {"premiums": D("600.00"), "interest": D("12.34")}
    assert (city.closing, a.closing, b.closing) == (D("600.00"), D("250.00"), D("612.34"))
    assert accounts.eliminations.lines == {
        "grant_to_lower": D("-400.00"),
        "grant_from_higher": D("-400.00"),
        "remittance_from_lower": D("-1000.00"),
        "remittance_to_higher": D("-1000.00"),
    }
    total = accounts.city_total
    assert total.lines == {
        "premiums": D("1600.00"),
        "interest": D("12.34"),
        "benefits": D("150.00"),
    }
    assert (total.opening, total.income, total.expenditure, total.closing) == (
        D("0.00"),
        D("1612.34"),
        D("150.00"),
        D("1462.34"),
    )
    assert accounts.balanced and not accounts.unmatched
    assert final_accounts_check(municipality=year_ledger, start=JAN, end=DEC) == []


def test_month_range_statement_starts_from_the_opening_balance(year_ledger, county_a, county_b):
    accounts = _year(year_ledger, [county_a, county_b], start=FEB, end=FEB)
    city, a, b = accounts.columns
    assert (city.opening, city.expenditure, city.closing) == (
        D("1000.00"),
        D("400.00"),
        D("600.00"),
    )
    assert a.opening == D("0.00")
    assert a.lines == {"grant_from_higher": D("400.00"), "benefits": D("150.00")}
    assert (b.opening, b.income, b.closing) == (D("600.00"), D("12.34"), D("612.34"))
    assert accounts.balanced


def test_an_unbalanced_mapping_would_show_in_the_check(year_ledger, county_a):
    accounts = _year(year_ledger, [county_a], include_city=False)
    (a,) = accounts.columns
    a.lines["benefits"] += D("0.01")
    assert a.difference == D("-0.01") and not accounts.balanced


def test_county_officer_sees_only_their_column(client_for, county_a_officer, year_ledger):
    page = client_for(county_a_officer).get("/funds/final-accounts/?year=2026&fund=310100")
    assert page.status_code == 200
    accounts = page.context["accounts"]
    assert [column.key for column in accounts.all_columns()] == ["370811"]
    assert "兖州区" not in page.content.decode()


def test_auditor_page_and_xlsx_show_city_total(client_for, auditor, year_ledger):
    client = client_for(auditor)
    page = client.get("/funds/final-accounts/?year=2026&fund=310100")
    assert page.status_code == 200
    assert 'id="check-ok"' in page.content.decode()
    response = client.get("/funds/final-accounts/?year=2026&fund=310100&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    assert header[-1] in ("City total", "全市合计")
    closing = next(row for row in rows if row[0] in ("Closing balance", "期末余额"))
    assert D(str(closing[-1])) == D("1462.34")


def test_page_reports_field_errors_not_500(client_for, auditor, ledger):
    page = client_for(auditor).get(
        "/funds/final-accounts/?year=abc&fund=999999&month_from=5&month_to=2"
    )
    assert page.status_code == 200
    form = page.context["form"]
    assert {"year", "fund"} <= set(form.errors)


def test_api_returns_columns_and_400_on_bad_input(
    api_for, auditor, county_a_officer, county_b, year_ledger
):
    response = api_for(auditor).get("/api/final-accounts/?year=2026&fund=310100")
    assert response.status_code == 200
    total = response.json()["columns"][-1]
    assert total["key"] == "total" and total["closing"] == "1462.34"
    assert total["lines"]["benefits"] == "150.00"
    bad = api_for(auditor).get("/api/final-accounts/?year=2026&fund=310100&month_from=6&month_to=2")
    assert bad.status_code == 400 and "month_to" in bad.json()
    other = api_for(county_a_officer).get(
        f"/api/final-accounts/?year=2026&fund=310100&county={county_b.pk}"
    )
    assert other.status_code == 400 and "county" in other.json()


def test_reversal_reduces_the_line_it_reverses(year_ledger, county_a):
    reversal = JournalEntry.objects.get(kind=JournalEntry.Kind.REVERSAL)
    assert reversal.reverses.kind == JournalEntry.Kind.BENEFIT_PAYMENT
    (a,) = _year(year_ledger, [county_a], include_city=False).columns
    assert a.line("benefits") == D("150.00") and a.line("other_income") == D("0.00")
