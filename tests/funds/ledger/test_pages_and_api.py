"""The ledger browser and the read-only API: scoping, refusals of writes, exports."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds.ledger import services
from funds.ledger.services import EntrySpec, PostingLine
from tests.factories.funds import JAN, balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(post, tax_a, income_a, tax_b, income_b):
    """One collection in county A, one in county B."""
    return (
        post("collect-a", (tax_a, "-100.00"), (income_a, "100.00"), memo="任城 一月"),
        post("collect-b", (tax_b, "-70.00"), (income_b, "70.00"), memo="兖州 一月"),
    )


def test_county_officer_cannot_see_other_county_accounts_or_entries(
    client_for, county_a_officer, entries, income_a, income_b
):
    entry_a, entry_b = entries
    client = client_for(county_a_officer)

    assert client.get(reverse("funds:account_statement", args=[income_a.pk])).status_code == 200
    assert client.get(reverse("funds:account_statement", args=[income_b.pk])).status_code == 404
    assert client.get(reverse("funds:entry_detail", args=[entry_a.pk])).status_code == 200
    assert client.get(reverse("funds:entry_detail", args=[entry_b.pk])).status_code == 404
    listing = client.get(reverse("funds:entry_list")).content.decode()
    assert "任城 一月" in listing
    assert "兖州 一月" not in listing


def test_auditor_reads_every_account_entry_and_statement(client_for, auditor, entries, income_b):
    client = client_for(auditor)
    entry_a, entry_b = entries

    statement = client.get(reverse("funds:account_statement", args=[income_b.pk]))
    detail = client.get(reverse("funds:entry_detail", args=[entry_b.pk]))
    accounts = client.get(reverse("funds:account_list"), {"fund": "310100", "kind": "income"})

    assert statement.status_code == detail.status_code == accounts.status_code == 200
    assert "70.00" in statement.content.decode()
    assert income_b.name in detail.content.decode()
    assert income_b.name in accounts.content.decode()


def test_entry_page_links_reversal_both_ways(client_for, auditor, entries, city_clerk):
    entry_a, _entry_b = entries
    reversal = services.entry_reverse(entry=entry_a, actor=city_clerk, memo="错账")
    client = client_for(auditor)

    original = client.get(reverse("funds:entry_detail", args=[entry_a.pk])).content.decode()
    mirror = client.get(reverse("funds:entry_detail", args=[reversal.pk])).content.decode()

    assert reverse("funds:entry_detail", args=[reversal.pk]) in original
    assert reverse("funds:entry_detail", args=[entry_a.pk]) in mirror
    assert city_clerk.username in mirror or city_clerk.get_full_name() in mirror


def test_statement_pages_by_keyset_with_running_balances(
    client_for, auditor, ledger, tax_a, income_a
):
    # 105 collections in one batch (booking order = statement order within the day).
    services.entries_post_batch(
        municipality=ledger,
        entries=[
            EntrySpec(
                kind="collection",
                month=JAN,
                effective_date=JAN,
                memo="",
                idempotency_key=f"c{number}",
                lines=[
                    PostingLine(tax_a, Decimal("-1.00")),
                    PostingLine(income_a, Decimal("1.00")),
                ],
            )
            for number in range(105)
        ],
        actor=None,
    )
    client = client_for(auditor)
    url = reverse("funds:account_statement", args=[income_a.pk])

    first = client.get(url)
    cursor = first.context["page"].next_cursor
    second = client.get(url, {"after": cursor})

    assert len(first.context["page"].postings) == 100
    assert first.context["page"].postings[-1].balance_after == Decimal("100.00")
    assert [p.balance_after for p in second.context["page"].postings] == [
        Decimal(n) for n in range(101, 106)
    ]
    assert second.context["page"].next_cursor is None


def test_account_csv_export_lists_filtered_accounts(client_for, auditor, entries, income_a):
    response = client_for(auditor).get(
        reverse("funds:account_list"),
        {"fund": "310100", "county": income_a.county_id, "kind": "income", "export": "csv"},
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert len(rows) == 2
    assert rows[1][0] == str(income_a.pk)
    assert rows[1][5] == income_a.name
    assert rows[1][6] == "100.00"


def test_statement_xlsx_export_has_every_posting(client_for, auditor, entries, income_a):
    response = client_for(auditor).get(
        reverse("funds:account_statement", args=[income_a.pk]), {"export": "xlsx"}
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))

    assert len(rows) == 2
    assert rows[1][1] == entries[0].pk
    assert Decimal(str(rows[1][4])) == Decimal("100.00")
    assert Decimal(str(rows[1][5])) == Decimal("100.00")


def test_entry_csv_export_is_scoped(client_for, county_a_officer, entries):
    response = client_for(county_a_officer).get(reverse("funds:entry_list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert [row[0] for row in rows[1:]] == [str(entries[0].pk)]


def test_api_scopes_county_officer_and_filters(
    api_for, county_a_officer, auditor, entries, income_a, income_b
):
    officer = api_for(county_a_officer)
    assert officer.get(f"/api/fund-accounts/{income_b.pk}/").status_code == 404
    assert officer.get(f"/api/journal-entries/{entries[1].pk}/").status_code == 404
    own = officer.get("/api/postings/", {"fund": "310100"}).json()["results"]
    assert {row["account"] for row in own} <= {income_a.pk, entries[0].postings.first().account_id}
    assert income_b.pk not in {row["account"] for row in own}

    audit = api_for(auditor)
    large = audit.get("/api/postings/", {"amount_min": "80.00"}).json()["results"]
    assert [(row["account"], row["amount"]) for row in large] == [(income_a.pk, "100.00")]
    entry = audit.get(f"/api/journal-entries/{entries[1].pk}/").json()
    assert sorted(p["amount"] for p in entry["postings"]) == ["-70.00", "70.00"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_refuses_every_write(api_for, administrator, entries, income_a, method):
    api = api_for(administrator)
    for url in (
        "/api/journal-entries/",
        f"/api/journal-entries/{entries[0].pk}/",
        f"/api/fund-accounts/{income_a.pk}/",
        "/api/postings/",
    ):
        response = getattr(api, method)(url, {"amount": "1.00"}, format="json")
        assert response.status_code in (403, 405)
    assert balance(income_a) == Decimal("100.00")


def test_anonymous_gets_nothing(api_for, client, entries):
    assert api_for(None).get("/api/journal-entries/").status_code in (401, 403)
    assert client.get(reverse("funds:account_list")).status_code == 302


def test_a_memo_that_looks_like_a_formula_is_exported_as_text(
    client_for, auditor, post, tax_a, income_a
):
    memo = '=HYPERLINK("http://evil.example","点此")'
    post("collect-formula", (tax_a, "-5.00"), (income_a, "5.00"), memo=memo)
    url = reverse("funds:entry_list")
    response = client_for(auditor).get(url, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][5] == "'" + memo
    response = client_for(auditor).get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=6)
    assert (cell.data_type, cell.value) == ("s", "'" + memo)
