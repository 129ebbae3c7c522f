"""The writes of the fund risk early warning: the daily check that notifies each crossing of
a risk threshold (``settlement.risk.selectors`` says how months covered and levels are read).

The agency, the bureau and the county's officers are notified, in the app and by e-mail, once
per crossing: a crossing is a month whose level is worse than the previous month's, and the
notification key names the entity, fund, level and month, so running it again sends nothing
new.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from pooling.accounts.models import Role
from pooling.core.money import month_start
from pooling.structure.models import County, Municipality
from settlement.notifications.services import notify_role
from settlement.risk.selectors import SEVERITY, Level, funds_in_use, risk_series, thresholds_for


@transaction.atomic(durable=True)
def risk_alerts_check(*, municipality: Municipality, today: datetime.date) -> int:
    """Notify every crossing of a risk threshold in ``today``'s month (module docstring).
    Returns the notifications created; a second run the same month creates none."""
    month = month_start(today)
    counties = list(County.objects.filter(municipality=municipality).order_by("code"))
    thresholds = thresholds_for(municipality=municipality, month=month)
    sent = 0
    for fund in funds_in_use(municipality=municipality):
        rows = risk_series(
            municipality=municipality,
            fund=fund,
            end=month,
            months=2,
            counties=counties,
            include_city=True,
        )
        for row in rows:
            previous, current = row.points
            if SEVERITY[current.level] <= SEVERITY[previous.level]:
                continue
            limit = thresholds.alert if current.level == Level.ALERT else thresholds.warning
            message = _(
                "Fund risk %(level)s: %(entity)s, %(fund)s covers %(months)s months of "
                "spending (below %(limit)s) in %(month)s."
            ) % {
                "level": _("alert") if current.level == Level.ALERT else _("warning"),
                "entity": row.label,
                "fund": fund.name,
                "months": current.months_covered,
                "limit": limit,
                "month": month.strftime("%Y-%m"),
            }
            key = f"risk:{municipality.pk}:{fund.code}:{row.key}:{current.level}:{month:%Y-%m}"
            url = reverse("settlement:risk_dashboard") + f"?fund={fund.code}"
            for role in (Role.AGENCY_CLERK, Role.BUREAU_APPROVER):
                sent += notify_role(
                    municipality=municipality, role=role, key=key, message=message, url=url
                )
            if row.county is not None:
                sent += notify_role(
                    municipality=municipality,
                    role=Role.COUNTY_OFFICER,
                    county=row.county,
                    key=key,
                    message=message,
                    url=url,
                )
    return sent
