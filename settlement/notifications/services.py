"""Notifications of the plans: in-app messages plus e-mail through Django's mail backend to
the role responsible for an overdue step of the month's plans (N 三(四)4)."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pooling.accounts.models import Role, User
from pooling.core.money import month_start, next_month
from pooling.structure.models import County, Municipality
from pooling.workdays.selectors import CalendarYearUnknown
from settlement.notifications.models import Notification
from settlement.plans.models import CityMonthlyPlan, PlanStep, PlanStepName, UsagePlan
from settlement.plans.selectors import consolidation_deadline, usage_plan_deadline

# The role that must act on each city step.
STEP_ROLE = {
    PlanStepName.CONSOLIDATION: Role.AGENCY_CLERK,
    PlanStepName.APPROVAL: Role.BUREAU_APPROVER,
    PlanStepName.FUNDING_REQUEST: Role.BUREAU_APPROVER,
    PlanStepName.DISBURSEMENT: Role.FINANCE_OFFICER,
    PlanStepName.ALLOCATION: Role.AGENCY_CLERK,
}


def notify_role(
    *,
    municipality: Municipality,
    role: str,
    key: str,
    message: str,
    url: str = "",
    county: County | None = None,
) -> int:
    """Tell every active user of ``role`` (of ``county`` when given) once per ``key``; the
    e-mail goes out after commit, only for notifications that are new."""
    users = User.objects.filter(municipality=municipality, role=role, is_active=True)
    if county is not None:
        users = users.filter(county=county)
    created = []
    for user in users.order_by("pk"):
        _notification, is_new = Notification.objects.get_or_create(
            recipient=user, key=key, defaults={"message": message, "url": url}
        )
        if is_new:
            created.append(user)
    addresses = [user.email for user in created if user.email]
    if addresses:
        transaction.on_commit(
            lambda: send_mail(
                subject=message[:78],
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=addresses,
                fail_silently=True,
            )
        )
    return len(created)


@transaction.atomic(durable=True)
def plan_deadlines_check(*, municipality: Municipality, today: datetime.date) -> int:
    """Notify whoever is behind: counties without a plan after the deadline, the agency when
    the consolidation is overdue, and each role whose city step is past its deadline.
    Running it again the same day sends nothing new. Returns the notifications created."""
    sent = 0
    for month in (month_start(today), next_month(month_start(today))):
        try:
            deadline = usage_plan_deadline(municipality=municipality, month=month)
            consolidate_by = consolidation_deadline(municipality=municipality, month=month)
        except CalendarYearUnknown:
            continue
        if today <= deadline:
            continue
        if CityMonthlyPlan.objects.filter(municipality=municipality, month=month).exists():
            continue
        with_plan = set(
            UsagePlan.objects.filter(municipality=municipality, month=month)
            .exclude(status=UsagePlan.Status.RETURNED)
            .values_list("county_id", flat=True)
        )
        for county in municipality.counties.order_by("code"):
            if county.pk in with_plan or not county.is_member_on(month):
                continue
            sent += notify_role(
                municipality=municipality,
                role=Role.COUNTY_OFFICER,
                county=county,
                key=f"usage-plan-overdue:{county.pk}:{month:%Y-%m}",
                message=_(
                    "Overdue: the usage plan of %(county)s for %(month)s was due on %(deadline)s."
                )
                % {
                    "county": county.name,
                    "month": f"{month:%Y-%m}",
                    "deadline": deadline.isoformat(),
                },
                url="/settlement/plans/new/",
            )
        if today > consolidate_by:
            sent += notify_role(
                municipality=municipality,
                role=Role.AGENCY_CLERK,
                key=f"consolidation-overdue:{municipality.pk}:{month:%Y-%m}",
                message=_(
                    "Overdue: the city plan of %(month)s was to be consolidated by %(deadline)s."
                )
                % {"month": f"{month:%Y-%m}", "deadline": consolidate_by.isoformat()},
                url=f"/settlement/plans/consolidation/?month={month:%Y-%m}",
            )
    overdue = PlanStep.objects.filter(
        city_plan__municipality=municipality, done_at__isnull=True, deadline__lt=today
    ).select_related("city_plan")
    for step in overdue.order_by("pk"):
        sent += notify_role(
            municipality=municipality,
            role=STEP_ROLE[step.name],
            key=f"plan-step-overdue:{step.pk}",
            message=_("Overdue: %(step)s of the city plan %(month)s was due on %(deadline)s.")
            % {
                "step": step.get_name_display(),
                "month": f"{step.city_plan.month:%Y-%m}",
                "deadline": step.deadline.isoformat(),
            },
            url=f"/settlement/plans/city/{step.city_plan_id}/",
        )
    return sent


@transaction.atomic(durable=True)
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notifications as read: those of ``ids``, or all of them. Only the
    recipient's own rows are touched; marking again changes nothing. Returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
