"""Fund risk early warning: months covered from the ledger, levels from dated
rules, one alert per crossing, the SVG charts, the dashboard and the API in scope."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from funds.ledger import services
from funds.ledger.models import Account, FundType
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine
from pooling.rules.models import PolicyRule
from settlement.notifications.models import Notification
from settlement.risk.charts import Series, Threshold, line_chart_svg
from settlement.risk.selectors import risk_series
from settlement.risk.services import risk_alerts_check

D = Decimal
POOLED = "310100"


def month(number: int) -> datetime.date:
    return datetime.date(2026, number, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def spending_b(jining, county_b):
    """County B: 1,200.00 collected into its fiscal special account in January, then 100.00
    moved to its expenditure account and paid to an institution every month to October."""
    services.accounts_open_for_municipality(municipality=jining, actor=None)

    def acc(kind, owner=None):
        return account_for(
            municipality=jining, county=county_b, kind=kind, fund_code=POOLED, owner=owner
        )

    tax = acc(Account.Kind.COUNTERPARTY, Account.Owner.TAX_BUREAU)
    fiscal = acc(Account.Kind.FISCAL_SPECIAL)
    expenditure = acc(Account.Kind.EXPENDITURE)
    institution = acc(Account.Kind.COUNTERPARTY, Account.Owner.DESIGNATED_INSTITUTION)

    def post(key, kind, when, source, target, amount):
        services.entry_post(
            municipality=jining,
            kind=kind,
            month=when,
            effective_date=when + datetime.timedelta(9),
            memo="",
            actor=None,
            idempotency_key=key,
            lines=[PostingLine(source, -D(amount)), PostingLine(target, D(amount))],
        )

    post("c", "collection", month(1), tax, fiscal, "1200.00")
    for number in range(1, 11):
        post(f"d{number}", "disbursement", month(number), fiscal, expenditure, "100.00")
        post(f"b{number}", "benefit_payment", month(number), expenditure, institution, "100.00")
    return jining


def _series(municipality, counties, end=10, months=10, include_city=False):
    return risk_series(
        municipality=municipality,
        fund=FundType.objects.get(code=POOLED),
        end=month(end),
        months=months,
        counties=counties,
        include_city=include_city,
    )


def test_months_covered_and_levels_per_month(spending_b, county_b):
    (row,) = _series(spending_b, [county_b])
    assert [p.balance for p in row.points] == [D(1200 - 100 * n) for n in range(1, 11)]
    assert {p.average_spending for p in row.points} == {D("100.00")}
    assert [p.months_covered for p in row.points] == [D(12 - n) for n in range(1, 11)]
    # Default rules: warning below 6 months, alert below 3.
    assert [p.level for p in row.points] == ["ok"] * 6 + ["warning"] * 3 + ["alert"]


def test_average_spans_at_most_twelve_months(spending_b, county_b):
    (row,) = _series(spending_b, [county_b], end=12, months=1)
    # December: ten months of 100.00 spent over the twelve months Jan–Dec: 1,000.00 / 12.
    assert row.latest.average_spending == D("83.33")
    assert row.latest.months_covered == D("2.40")


def test_thresholds_are_dated_rules(spending_b, county_b):
    PolicyRule.objects.filter(municipality=spending_b, key="risk_warning_months").update(
        value=D("8")
    )
    (row,) = _series(spending_b, [county_b])
    assert row.points[4].level == "warning"  # May: 7 months < 8


def test_an_entity_without_spending_is_not_at_risk(spending_b, county_a):
    (row,) = _series(spending_b, [county_a])
    assert row.latest.months_covered is None and row.latest.level == "ok"


def test_alert_once_per_crossing(
    spending_b, county_b_officer, county_a_officer, city_clerk, django_capture_on_commit_callbacks
):
    for user in (county_b_officer, city_clerk):
        user.email = f"{user.username}@example.org"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = risk_alerts_check(municipality=spending_b, today=datetime.date(2026, 7, 15))
    assert sent >= 3  # agency, bureau and county B's officer
    notes = Notification.objects.filter(key__startswith="risk:")
    assert set(notes.values_list("key", flat=True)) == {
        f"risk:{spending_b.pk}:310100:370812:warning:2026-07"
    }
    assert notes.filter(recipient=county_b_officer).count() == 1
    assert not notes.filter(recipient=county_a_officer).exists()
    assert "covers 5.00 months of spending (below 6.00)" in notes.first().message
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "jining_clerk@example.org",
        "jining_county_b@example.org",
    ]
    # Again the same month, and the next month still at warning: nothing new.
    assert risk_alerts_check(municipality=spending_b, today=datetime.date(2026, 7, 16)) == 0
    assert risk_alerts_check(municipality=spending_b, today=datetime.date(2026, 8, 2)) == 0
    # October crosses into alert: one more.
    assert risk_alerts_check(municipality=spending_b, today=datetime.date(2026, 10, 3)) >= 3
    assert notes.filter(recipient=county_b_officer).count() == 2


def test_chart_is_pure_svg_with_breaks_thresholds_and_escaping():
    svg = line_chart_svg(
        title="Balance <b>",
        labels=["2026-01", "2026-02", "2026-03"],
        series=[Series("A&B", [D("0"), None, D("10")]), Series("C", [D("5"), D("10"), D("0")])],
        thresholds=[Threshold("warning", D("6"))],
        width=300,
        height=140,
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Balance &lt;b&gt;" in svg and "A&amp;B" in svg and "<b>" not in svg
    # Series A is broken by None: two single points, no polyline; C is one polyline.
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 2
    assert svg.count('class="threshold"') == 1
    # Plot 80..150 wide, 28..104 high, axis 0..10: C's points.
    assert 'points="70.0,66.0 110.0,28.0 150.0,104.0"' in svg


def test_dashboard_scoped_with_charts(
    client_for, county_b_officer, county_a_officer, auditor, spending_b
):
    url = "/settlement/risk/?fund=310100&month=2026-10&months=10"
    page = client_for(county_b_officer).get(url)
    assert page.status_code == 200
    assert [row.key for row in page.context["rows"]] == ["370812"]
    body = page.content.decode()
    assert body.count("<svg") == 2 and 'class="risk-alert"' in body
    other = client_for(county_a_officer).get(url)
    assert [row.key for row in other.context["rows"]] == ["370811"]
    everything = client_for(auditor).get(url)
    assert everything.context["rows"][0].key == "city"
    assert len(everything.context["rows"]) == 1 + spending_b.counties.count()


def test_dashboard_and_api_report_bad_input(
    client_for, api_for, auditor, county_a_officer, county_b, spending_b
):
    page = client_for(auditor).get("/settlement/risk/?fund=310100&month=2026-13&months=99")
    assert page.status_code == 200 and {"month", "months"} <= set(page.context["form"].errors)
    response = api_for(auditor).get("/api/risk/?fund=310100&month=2026-10&months=3")
    assert response.status_code == 200
    b_row = next(row for row in response.json() if row["key"] == "370812")
    assert [p["months_covered"] for p in b_row["points"]] == ["4.00", "3.00", "2.00"]
    assert b_row["points"][-1]["level"] == "alert"
    bad = api_for(auditor).get("/api/risk/?fund=310100&month=June")
    assert bad.status_code == 400 and "month" in bad.json()
    other = api_for(county_a_officer).get(
        f"/api/risk/?fund=310100&month=2026-10&county={county_b.pk}"
    )
    assert other.status_code == 400 and "county" in other.json()
