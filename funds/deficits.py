"""Deficit subsidies (N 三(四)6) and pre-accession risk (J 二(五)2; issue 8 items 2 and 4).

N 三(四)6: a county whose year's fund result (``funds.year_results``) is a deficit applies in
writing; the city agency reviews, the bureau approves or returns it. The subsidy is taken
from the county's historical balance first (有历史结余的，从历史结余中解决) — approving the
subsidy is itself the approval to use that frozen money; what is left is shared between the
city fund and the county government (rule ``deficit_city_share``, in force on 31 December of
the year).

J 二(五)2: risk arising before the county's accession is the county's alone. The part of the
deficit from before the accession date (``YearResult.deficit_before_accession``) is covered by
the historical balance first (it is the county's own money) and its remainder falls wholly on
the county government: the city's share of that part is zero.

The split, in fen, half-up (``split_deficit``)::

    from_history = min(deficit, frozen 70 % left)
    pre_rest     = max(before_accession − from_history, 0)      # county government alone
    shared       = deficit − from_history − pre_rest
    city_share   = round_half_up(shared × deficit_city_share)
    county_share = deficit − from_history − city_share

Booking at approval, into the county's expenditure account of the fund (where the benefits
are paid): ``transfer`` from the county's fiscal special account (the history), ``subsidy``
from the finance bureau's fiscal special account (the city fund) and ``subsidy`` from the
county government's counterparty account. Each entry has an idempotency key of the
application and layer, so a replay books nothing twice.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.history import application_step, frozen_release
from funds.models import (
    Account,
    ApplicationStatus,
    DeficitApplication,
    FundType,
    HistoricalBalance,
    JournalEntry,
)
from funds.selectors import account_for
from funds.services import EntrySpec, PostingLine, entries_post_batch
from funds.year_results import county_year_result
from pooling.access import scope_queryset
from pooling.audit import audit_record
from pooling.models import County, Role, User
from pooling.money import month_start, round_money
from pooling.selectors import rule_value

ZERO = Decimal("0.00")
# A written application: PDF, scans or office documents, at most 10 MB.
ATTACHMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".ofd")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class DeficitSplit:
    """Who covers a deficit (module docstring)."""

    deficit: Decimal
    before_accession: Decimal
    from_history: Decimal
    pre_accession_county: Decimal
    city_share: Decimal
    county_share: Decimal
    city_share_rate: Decimal


def deficit_applications_for(*, user: User) -> QuerySet[DeficitApplication]:
    return scope_queryset(
        DeficitApplication.objects.select_related(
            "county", "fund_type", "submitted_by", "reviewed_by", "decided_by"
        ),
        user,
    )


def _history(county: County, fund: FundType) -> HistoricalBalance | None:
    return HistoricalBalance.objects.filter(county=county, fund_type=fund).first()


def split_deficit(*, county: County, fund: FundType, year: int, deficit: Decimal,
                  before_accession: Decimal) -> DeficitSplit:  # fmt: skip
    """Split ``deficit`` into history, city fund and county government (module docstring)."""
    history = _history(county, fund)
    available = history.frozen_available if history is not None else ZERO
    from_history = min(deficit, max(available, ZERO))
    pre_rest = max(before_accession - from_history, ZERO)
    shared = deficit - from_history - pre_rest
    rate = rule_value(municipality=county.municipality, key="deficit_city_share",
                      on=datetime.date(year, 12, 31), county=county)  # fmt: skip
    city = round_money(shared * rate)
    return DeficitSplit(
        deficit=deficit, before_accession=before_accession, from_history=from_history,
        pre_accession_county=pre_rest, city_share=city,
        county_share=deficit - from_history - city, city_share_rate=rate,
    )  # fmt: skip


def application_split(application: DeficitApplication) -> DeficitSplit:
    """The split as booked (approved) or as it would be booked now (open)."""
    if application.status == ApplicationStatus.APPROVED:
        return DeficitSplit(
            deficit=application.deficit, before_accession=application.before_accession,
            from_history=application.from_history,
            pre_accession_county=max(application.before_accession - application.from_history,
                                     ZERO),
            city_share=application.city_share, county_share=application.county_share,
            city_share_rate=application.city_share_rate,
        )  # fmt: skip
    return split_deficit(county=application.county, fund=application.fund_type,
                         year=application.year, deficit=application.deficit,
                         before_accession=application.before_accession)  # fmt: skip


def validate_attachment(upload) -> None:
    """A written application: a document of an allowed type, not empty, at most 10 MB."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(ATTACHMENT_TYPES):
        raise ValidationError(
            {"attachment": _("Attach the written application as PDF, OFD, Word or an image "
                             "(%(types)s).") % {"types": ", ".join(ATTACHMENT_TYPES)}}
        )  # fmt: skip
    size = getattr(upload, "size", 0) or 0
    if size == 0 or size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachment": _("The attachment must be between 1 byte and 10 MB.")})


@transaction.atomic
def deficit_apply(*, county: County, fund_type: FundType, year: int, reason: str, attachment,
                  actor: User) -> DeficitApplication:  # fmt: skip
    """A county applies in writing for the subsidy of its deficit of ``fund_type`` in
    ``year``; the amounts are read from the ledger now and shown on the application."""
    if actor.role == Role.COUNTY_OFFICER and actor.county_id != county.pk:
        raise ValidationError({"county": _("You may apply only for your own county.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the application.")})
    validate_attachment(attachment)
    result = county_year_result(county=county, fund=fund_type, year=year)
    if result.deficit <= 0:
        raise ValidationError(
            {"year": _("%(county)s closed %(year)s in %(fund)s with a result of %(result)s: "
                       "there is no deficit to subsidise.")
             % {"county": county.name, "year": year, "fund": fund_type.name,
                "result": result.result}}
        )  # fmt: skip
    if (
        DeficitApplication.objects.filter(county=county, fund_type=fund_type, year=year)
        .exclude(status=ApplicationStatus.RETURNED)
        .exists()
    ):
        raise ValidationError(
            {"year": _("An application for this fund and year is already open or approved.")}
        )
    application = DeficitApplication.objects.create(
        municipality=county.municipality, county=county, fund_type=fund_type, year=year,
        reason=reason.strip(), attachment=attachment, revenue=result.revenue,
        spending=result.spending, deficit=result.deficit,
        before_accession=result.deficit_before_accession, submitted_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action="funds.deficit_apply", instance=application,
                 after={"deficit": str(result.deficit),
                        "before_accession": str(result.deficit_before_accession)},
                 municipality=county.municipality, county=county)  # fmt: skip
    return application


def _book(application: DeficitApplication, split: DeficitSplit, actor: User,
          today: datetime.date) -> list[int]:  # fmt: skip
    county, fund = application.county, application.fund_type
    municipality = application.municipality
    target = account_for(municipality=municipality, county=county,
                         kind=Account.Kind.EXPENDITURE, fund_code=fund.code)  # fmt: skip
    layers = [
        ("history", JournalEntry.Kind.TRANSFER, split.from_history, "历史结余弥补",
         lambda: account_for(municipality=municipality, county=county,
                             kind=Account.Kind.FISCAL_SPECIAL, fund_code=fund.code)),
        ("city", JournalEntry.Kind.SUBSIDY, split.city_share, "市级基金补助",
         lambda: account_for(municipality=municipality, county=None,
                             kind=Account.Kind.FISCAL_SPECIAL, fund_code=fund.code)),
        ("county", JournalEntry.Kind.SUBSIDY, split.county_share, "县级政府承担",
         lambda: account_for(municipality=municipality, county=county,
                             kind=Account.Kind.COUNTERPARTY, fund_code=fund.code,
                             owner=Account.Owner.COUNTY_GOVERNMENT)),
    ]  # fmt: skip
    specs = [
        EntrySpec(
            kind=kind,
            month=month_start(today),
            effective_date=today,
            memo=f"{application.year}年基金缺口 · {label} · {county.name} · {fund.name}",
            idempotency_key=f"deficit:{application.pk}:{layer}",
            lines=[
                PostingLine(account=source(), amount=-amount),
                PostingLine(account=target, amount=amount),
            ],  # fmt: skip
            source=application,
            source_label=str(application),
        )
        for layer, kind, amount, label, source in layers
        if amount > 0
    ]
    return entries_post_batch(municipality=municipality, entries=specs, actor=actor).entry_ids


@transaction.atomic
def deficit_decide(*, application: DeficitApplication, actor: User, step: str, reason: str = "",
                   today: datetime.date | None = None) -> DeficitApplication:  # fmt: skip
    """Review, approve or return a deficit application. Approval fixes the split, releases the
    history it uses from the frozen amount and books the subsidy (module docstring)."""
    today = today or timezone.localdate()
    application = application_step(
        DeficitApplication.objects.select_for_update().get(pk=application.pk),
        actor=actor, step=step, reason=reason,
    )  # fmt: skip
    if application.status == ApplicationStatus.APPROVED:
        split = split_deficit(county=application.county, fund=application.fund_type,
                              year=application.year, deficit=application.deficit,
                              before_accession=application.before_accession)  # fmt: skip
        history = _history(application.county, application.fund_type)
        if split.from_history > 0:
            frozen_release(balance=history, amount=split.from_history)
        application.from_history = split.from_history
        application.city_share = split.city_share
        application.county_share = split.county_share
        application.city_share_rate = split.city_share_rate
        application.save(update_fields=["from_history", "city_share", "county_share",
                                        "city_share_rate"])  # fmt: skip
        _book(application, split, actor, today)
    audit_record(actor=actor, action=f"funds.deficit_{step}", instance=application,
                 after={"status": application.status,
                        "from_history": str(application.from_history),
                        "city_share": str(application.city_share),
                        "county_share": str(application.county_share)},
                 municipality=application.municipality, county=application.county)  # fmt: skip
    return application


def deficit_entries(application: DeficitApplication) -> QuerySet[JournalEntry]:
    """The ledger entries that booked an approved application."""
    return JournalEntry.objects.filter(idempotency_key__startswith=f"deficit:{application.pk}:")
