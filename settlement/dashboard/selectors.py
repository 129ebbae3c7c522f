"""What a user's home page shows (DOMAIN: the roles), each read scoped like its own page:

1. what waits for the user — plans to review or approve, plans returned to a county, unread
   notices of overdue steps;
2. this month's cycle and its state (city staff);
3. each fund's balance and months of spending covered per county, with the warning level of
   the risk page (``settlement.risk``), as of this month;
4. the last collection files, with the money they could not match.

A county officer sees the same for their own county only."""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from enrollment.collection_files.models import CollectionBatch
from enrollment.collection_files.selectors import collection_batches_for
from pooling.accounts.models import Role, User
from pooling.core.access import has_capability
from pooling.core.money import month_start
from pooling.structure.selectors import counties_for
from settlement.cycle.models import MonthlyCycle
from settlement.cycle.selectors import cycles_for
from settlement.notifications.selectors import notifications_for
from settlement.plans.models import AnnualPlan, UsagePlan
from settlement.plans.selectors import annual_plans_for, usage_plans_for
from settlement.risk.selectors import (
    RiskPoint,
    RiskRow,
    Thresholds,
    funds_in_use,
    risk_series,
    thresholds_for,
)

LAST_IMPORTS = 5


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    url: str


@dataclass
class FundPanel:
    """One fund's latest balance and months covered per entity (the risk page's last row)."""

    fund_label: str
    rows: list[RiskRow]
    url: str


@dataclass
class CoverRow:
    """One entity (a county or the city level) across the funds: its latest point in each."""

    label: str
    points: list[RiskPoint | None]


@dataclass
class Home:
    waiting: list[Waiting] = field(default_factory=list)
    cycle: MonthlyCycle | None = None
    cycle_month: datetime.date | None = None
    funds: list[FundPanel] = field(default_factory=list)
    risk_month: datetime.date | None = None
    thresholds: Thresholds | None = None
    imports: list[CollectionBatch] = field(default_factory=list)

    @property
    def cover_rows(self) -> list[CoverRow]:
        """The funds side by side: one row per entity, one column group per fund."""
        rows: dict[str, CoverRow] = {}
        for index, panel in enumerate(self.funds):
            for risk_row in panel.rows:
                row = rows.setdefault(
                    risk_row.key, CoverRow(risk_row.label, [None] * len(self.funds))
                )
                row.points[index] = risk_row.latest
        return list(rows.values())


def _waiting_for(user: User) -> list[Waiting]:
    """Counts of what the user's role acts on next, each linking to the filtered list."""
    waiting: list[Waiting] = []
    annual, usage = annual_plans_for(user=user), usage_plans_for(user=user)
    plans, annual_url = (
        reverse("settlement:usage_plan_list"),
        reverse("settlement:annual_plan_list"),
    )
    if user.role == Role.COUNTY_OFFICER:
        waiting += [
            Waiting(
                _("Annual plans returned to your county"),
                annual.filter(status=AnnualPlan.Status.RETURNED).count(),
                f"{annual_url}?status=returned",
            ),
            Waiting(
                _("Usage plans returned to your county"),
                usage.filter(status=UsagePlan.Status.RETURNED).count(),
                f"{plans}?status=returned",
            ),
        ]
    if has_capability(user, "settlement.review_plans"):
        waiting += [
            Waiting(
                _("Annual plans to review"),
                annual.filter(status=AnnualPlan.Status.SUBMITTED).count(),
                f"{annual_url}?status=submitted",
            ),
            Waiting(
                _("Usage plans to consolidate"),
                usage.filter(status=UsagePlan.Status.SUBMITTED).count(),
                f"{plans}?status=submitted",
            ),
        ]
    if user.role == Role.BUREAU_APPROVER:
        waiting.append(
            Waiting(
                _("Annual plans to approve"),
                annual.filter(status=AnnualPlan.Status.REVIEWED).count(),
                f"{annual_url}?status=reviewed",
            )
        )
    waiting.append(
        Waiting(
            _("Unread notices (overdue steps, risk)"),
            notifications_for(user=user).filter(read_at__isnull=True).count(),
            reverse("settlement:notification_list"),
        )
    )
    return waiting


def _fund_panels(user: User, month: datetime.date) -> tuple[list[FundPanel], Thresholds | None]:
    counties = list(counties_for(user=user).order_by("code"))
    municipality = counties[0].municipality if counties else user.municipality
    if municipality is None:
        return [], None
    panels = []
    for fund in funds_in_use(municipality=municipality):
        rows = risk_series(
            municipality=municipality,
            fund=fund,
            end=month,
            months=1,
            counties=counties,
            include_city=user.role != Role.COUNTY_OFFICER,
        )
        url = reverse("settlement:risk_dashboard") + f"?fund={fund.pk}"
        panels.append(FundPanel(f"{fund.code} {fund.name}", rows, url))
    return panels, thresholds_for(municipality=municipality, month=month)


def home_for(*, user: User, today: datetime.date) -> Home:
    """Everything the home page shows for ``user`` on ``today`` (module docstring)."""
    home = Home(waiting=_waiting_for(user), cycle_month=month_start(today))
    if has_capability(user, "settlement.view_cycles"):
        home.cycle = cycles_for(user=user).filter(month=home.cycle_month).first()
    if has_capability(user, "settlement.view_risk"):
        # Balances to date; the spending averaged is the last twelve months'.
        home.risk_month = month_start(today)
        home.funds, home.thresholds = _fund_panels(user, home.risk_month)
    if has_capability(user, "enrollment.view_collections"):
        home.imports = list(collection_batches_for(user=user).order_by("-pk")[:LAST_IMPORTS])
    return home
