"""Writes of annual fund budgets and county expenditure quotas (N 三(四)1 and 3).

The city agency drafts a fund's annual budget with the standard lines (DOMAIN §11), splits its
expenditure into county quotas and submits it; the bureau approves it (never the person who
submitted it); both steps are transitions of ``BUDGET_WORKFLOW``. At year close the unused
part of a county's quota is carried into next year's quota when the ``quota_carry_forward``
rule in force on the year's last day says so.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.budgets.models import (
    BUDGET_WORKFLOW,
    BudgetLine,
    BudgetLineCode,
    ExpenditureQuota,
    FundBudget,
)
from funds.budgets.selectors import allocated_in_year, budget_expenditure_total
from funds.ledger.models import FundType
from pooling.accounts.models import User
from pooling.core.access import has_capability
from pooling.core.audit import audit_record, snapshot
from pooling.core.money import ZERO, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality


def _require(actor: User, capability: str, municipality_id: int) -> None:
    if not has_capability(actor, capability) or actor.municipality_id != municipality_id:
        raise PermissionDenied(_("Your role may not do this."))


def _money(value, field: str) -> Decimal:
    amount = round_money(value)
    if amount < 0:
        raise ValidationError({field: _("An amount must not be negative.")})
    return amount


@transaction.atomic(durable=True)
def fund_budget_draft(
    *,
    municipality: Municipality,
    year: int,
    fund_type: FundType,
    lines: Mapping[str, Decimal | str],
    actor: User,
) -> FundBudget:
    """Create a fund's annual budget, or replace the lines of one still in draft."""
    _require(actor, "funds.prepare_budget", municipality.pk)
    unknown = set(lines) - set(BudgetLineCode.values)
    if unknown:
        raise ValidationError({"lines": _("Unknown budget lines: %s") % ", ".join(sorted(unknown))})
    amounts = {code: _money(value, code) for code, value in lines.items()}
    budget, _created = FundBudget.objects.get_or_create(
        municipality=municipality,
        year=year,
        fund_type=fund_type,
        defaults={"created_by": actor},
    )
    budget = FundBudget.objects.select_for_update().get(pk=budget.pk)
    if budget.status != FundBudget.Status.DRAFT:
        raise ValidationError(
            _("The %(year)s budget of this fund is already %(status)s and can no longer change."),
            code="invalid_transition",
            params={"year": year, "status": budget.get_status_display()},
        )
    before = {"lines": {line.code: str(line.amount) for line in budget.lines.all()}}
    budget.lines.all().delete()
    BudgetLine.objects.bulk_create(
        [BudgetLine(budget=budget, code=code, amount=amount) for code, amount in amounts.items()]
    )
    audit_record(
        actor=actor,
        action="funds.budget_draft",
        instance=budget,
        before=before,
        after={"lines": {code: str(amount) for code, amount in amounts.items()}},
        municipality=municipality,
    )
    return budget


def _budget_step(budget: FundBudget, action: str, *, actor: User, **fields) -> FundBudget:
    """Take ``action`` of ``BUDGET_WORKFLOW`` on ``budget`` for ``actor``, who must hold the
    step's capability in the budget's city; ``fields`` record who and when. One audit
    event."""
    _require(actor, BUDGET_WORKFLOW[action].capability, budget.municipality_id)
    before = BUDGET_WORKFLOW.transition(budget, action, actor=actor, **fields)
    audit_record(
        actor=actor,
        action=f"funds.budget_{action}",
        instance=budget,
        before=before,
        municipality=budget.municipality,
    )
    return budget


@transaction.atomic(durable=True)
def fund_budget_submit(*, budget: FundBudget, actor: User) -> FundBudget:
    """The agency submits a drafted budget for the bureau's approval."""
    return _budget_step(
        budget, "submit", actor=actor, submitted_by=actor, submitted_at=timezone.now()
    )


@transaction.atomic(durable=True)
def fund_budget_approve(*, budget: FundBudget, actor: User) -> FundBudget:
    """The bureau approves a submitted budget; whoever submitted it may not approve it."""
    return _budget_step(
        budget, "approve", actor=actor, approved_by=actor, approved_at=timezone.now()
    )


@transaction.atomic(durable=True)
def expenditure_quota_set(
    *, budget: FundBudget, county: County, amount: Decimal | str, actor: User
) -> ExpenditureQuota:
    """Set a county's budget and expenditure quota from a budget still in draft. The quotas
    of all counties together may not exceed the budget's expenditure; the excess is named."""
    _require(actor, "funds.prepare_budget", budget.municipality_id)
    amount = _money(amount, "amount")
    budget = FundBudget.objects.select_for_update().get(pk=budget.pk)
    if budget.status != FundBudget.Status.DRAFT:
        raise ValidationError(
            _("Quotas are split from a budget in draft; this one is %(status)s."),
            code="invalid_transition",
            params={"status": budget.get_status_display()},
        )
    if county.municipality_id != budget.municipality_id:
        raise ValidationError({"county": _("This county is not a member of the budget's city.")})
    others = (
        ExpenditureQuota.objects.filter(
            municipality=budget.municipality, year=budget.year, fund_type=budget.fund_type
        )
        .exclude(county=county)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    ceiling = budget_expenditure_total(budget=budget)
    if others + amount > ceiling:
        raise ValidationError(
            {
                "amount": _(
                    "The county quotas would exceed the budgeted expenditure of %(ceiling)s "
                    "by %(excess)s yuan."
                )
                % {"ceiling": ceiling, "excess": others + amount - ceiling}
            },
            code="over_budget",
        )
    quota, _created = ExpenditureQuota.objects.get_or_create(
        county=county,
        year=budget.year,
        fund_type=budget.fund_type,
        defaults={"municipality": budget.municipality},
    )
    quota = ExpenditureQuota.objects.select_for_update().get(pk=quota.pk)
    before = snapshot(quota)
    quota.amount = amount
    quota.save(update_fields=["amount"])
    audit_record(
        actor=actor,
        action="funds.quota_set",
        instance=quota,
        before=before,
        municipality=budget.municipality,
        county=county,
    )
    return quota


@transaction.atomic(durable=True)
def quota_carry_forward(
    *, municipality: Municipality, year: int, fund_type: FundType, actor: User | None
) -> list[ExpenditureQuota]:
    """At year close, carry each county's unused quota of ``year`` into ``year + 1``
    (N 三(四)3), when the ``quota_carry_forward`` rule in force on 31 December says so.

    The carried amount is set, not added, so running it again changes nothing.
    """
    year_end = datetime.date(year, 12, 31)
    if rule_value(municipality=municipality, key="quota_carry_forward", on=year_end) != 1:
        return []
    carried = []
    quotas = (
        ExpenditureQuota.objects.filter(municipality=municipality, year=year, fund_type=fund_type)
        .select_related("county")
        .order_by("pk")
    )
    for quota in quotas:
        unused = quota.total - allocated_in_year(
            county=quota.county, year=year, fund_type=fund_type
        )
        unused = max(unused, ZERO)
        following, _created = ExpenditureQuota.objects.get_or_create(
            county=quota.county,
            year=year + 1,
            fund_type=fund_type,
            defaults={"municipality": municipality},
        )
        following = ExpenditureQuota.objects.select_for_update().get(pk=following.pk)
        if following.carried_forward == unused:
            continue
        before = snapshot(following)
        following.carried_forward = unused
        following.save(update_fields=["carried_forward"])
        audit_record(
            actor=actor,
            action="funds.quota_carry_forward",
            instance=following,
            before=before,
            municipality=municipality,
            county=quota.county,
        )
        carried.append(following)
    return carried
