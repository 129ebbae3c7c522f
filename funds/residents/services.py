"""The resident fund's income in the ledger (DOMAIN §13; J 二(二)2; Z 四(四)): individual
contributions paid by an assisting body, and the fiscal subsidies requested from and received
by each finance level. Every receipt is one balanced entry of fund 390100 into the county's
income account, with an idempotency key, so the monthly cycle moves it by the county's
pooling model like any income.

Counterparties (where the documents are silent): an assisting body pays through the county
government's account (县级政府往来); central, provincial and city subsidies arrive through the
city finance (市财政往来), the county's own share through the county government.
"""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.residents.models import Payer, ResidentContribution, ResidentEnrollment
from enrollment.residents.selectors import resident_contributions_for
from enrollment.residents.services import resident_contributions_pay
from funds.ledger.models import Account, JournalEntry
from funds.ledger.services import PostingLine, entry_post
from funds.residents.models import SHARE_RULE, ResidentSubsidy, SubsidyLevel, SubsidyReceipt
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.imports import ImportReport, RowImport, row_import
from pooling.core.money import ZERO, month_start, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality
from pooling.structure.selectors import counties_for

RESIDENT_FUND = "390100"

# Memos are written in Chinese whatever the user's language, like every ledger memo.
_LEVEL_MEMO = {
    SubsidyLevel.CENTRAL: "中央财政",
    SubsidyLevel.PROVINCIAL: "省级财政",
    SubsidyLevel.CITY: "市级财政",
    SubsidyLevel.COUNTY: "县级财政",
}
_PAYER_MEMO = {
    Payer.MEDICAL_ASSISTANCE: "医疗救助",
    Payer.CIVIL_AFFAIRS: "民政",
    Payer.DISABLED_FEDERATION: "残联",
}


def _require_scope(actor: User | None, county: County, field: str) -> None:
    if actor is not None and not counties_for(user=actor).filter(pk=county.pk).exists():
        raise ValidationError(
            {field: _("You may not book anything for %(county)s.") % {"county": county.name}}
        )


def _account(county: County | None, municipality: Municipality, owner: str, kind: str) -> Account:
    account = Account.objects.filter(
        municipality=municipality,
        county=county,
        owner=owner,
        kind=kind,
        fund_type__code=RESIDENT_FUND,
    ).first()
    if account is None:
        raise ValidationError(
            _("The resident fund's accounts of %(holder)s are not open; nothing was booked.")
            % {"holder": county.name if county else municipality.name}
        )
    return account


def _income(county: County) -> Account:
    return _account(county, county.municipality, Account.Owner.COUNTY, Account.Kind.INCOME)


# ---------------------------------------------------------------------------------------------
# Contributions paid by an assisting body
# ---------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def resident_assisted_collect(
    *,
    county: County,
    benefit_year: int,
    payer: str,
    received_on: datetime.date,
    actor: User | None,
) -> tuple[int, object]:
    """Book what ``payer`` (medical assistance, civil affairs, the disabled persons'
    federation) paid for the assisted residents of ``county`` in ``benefit_year`` (DOMAIN §13):
    every unpaid contribution it owes is marked paid and their sum is posted, in one entry,
    from the county government's counterparty to the county's resident income account.
    Returns (contributions paid, amount). Nothing outstanding is refused; a replay of the
    same set of contributions reuses the entry (the key names them)."""
    _require_scope(actor, county, "county")
    if payer == Payer.SELF:
        raise ValidationError(
            {"payer": _("Residents who pay themselves pay through the tax bureau.")}
        )
    unpaid = list(
        ResidentContribution.objects.filter(
            county=county, benefit_year=benefit_year, payer=payer, paid__lt=F("amount")
        )
        .order_by("pk")
        .select_for_update()
    )
    if not unpaid:
        raise ValidationError(
            {
                "payer": _("%(payer)s owes nothing for %(county)s in %(year)s.")
                % {"payer": Payer(payer).label, "county": county.name, "year": benefit_year}
            }
        )
    amount = round_money(sum((c.amount - c.paid for c in unpaid), ZERO))
    digest = hashlib.sha256(",".join(str(c.pk) for c in unpaid).encode()).hexdigest()[:16]
    source = _account(
        county, county.municipality, Account.Owner.COUNTY_GOVERNMENT, Account.Kind.COUNTERPARTY
    )
    entry_post(
        municipality=county.municipality,
        kind=JournalEntry.Kind.COLLECTION,
        month=month_start(received_on),
        effective_date=received_on,
        memo=f"城乡居民个人缴费 {benefit_year} {_PAYER_MEMO[payer]}代缴 {len(unpaid)}人",
        actor=actor,
        idempotency_key=f"resident-assisted:{county.pk}:{benefit_year}:{payer}:{digest}",
        lines=[PostingLine(source, -amount), PostingLine(_income(county), amount)],
    )
    resident_contributions_pay(contributions=unpaid, paid_on=received_on)
    audit_record(
        actor=actor,
        action="resident.assisted_collect",
        instance=county,
        after={
            "benefit_year": benefit_year,
            "payer": payer,
            "count": len(unpaid),
            "amount": str(amount),
        },
        municipality=county.municipality,
        county=county,
    )
    return len(unpaid), amount


# ---------------------------------------------------------------------------------------------
# Fiscal subsidies
# ---------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def resident_subsidy_request(
    *, municipality: Municipality, benefit_year: int, actor: User | None
) -> list[ResidentSubsidy]:
    """Request the fiscal subsidies of ``benefit_year`` from each finance level (DOMAIN §13):
    per county, due = the year's enrolled headcount × ``resident_subsidy_per_capita`` × the
    level's dated share (``resident_subsidy_share_*``, in force on 1 January), rounded to
    the fen. The shares must add up to 1. A second request (after late enrollments) updates
    the headcount and what is due; what was received stays."""
    on = datetime.date(benefit_year, 1, 1)
    headcounts = dict(
        ResidentEnrollment.objects.filter(municipality=municipality, benefit_year=benefit_year)
        .values("county")
        .annotate(n=Count("pk"))
        .values_list("county", "n")
    )
    if not headcounts:
        raise ValidationError(
            {"benefit_year": _("No resident is enrolled for %(year)s.") % {"year": benefit_year}}
        )
    now = timezone.now()
    subsidies = []
    for county in municipality.counties.filter(pk__in=headcounts).order_by("code"):
        per_capita = rule_value(
            municipality=municipality, key="resident_subsidy_per_capita", on=on, county=county
        )
        shares = {
            level: rule_value(municipality=municipality, key=key, on=on, county=county)
            for level, key in SHARE_RULE.items()
        }
        if sum(shares.values()) != 1:
            raise ValidationError(
                {
                    "benefit_year": _(
                        "The subsidy shares of %(county)s for %(year)s add up to %(total)s, not 1; "
                        "correct the rules first."
                    )
                    % {"county": county.name, "year": benefit_year, "total": sum(shares.values())}
                }
            )
        for level in SubsidyLevel.values:
            subsidy, _created = ResidentSubsidy.objects.update_or_create(
                county=county,
                benefit_year=benefit_year,
                level=level,
                defaults={
                    "municipality": municipality,
                    "headcount": headcounts[county.pk],
                    "per_capita": per_capita,
                    "share": shares[level],
                    "due": round_money(headcounts[county.pk] * per_capita * shares[level]),
                    "requested_at": now,
                },
            )
            subsidies.append(subsidy)
    audit_record(
        actor=actor,
        action="resident.subsidy_request",
        instance=municipality,
        after={
            "benefit_year": benefit_year,
            "due": str(sum((s.due for s in subsidies), ZERO)),
            "headcount": sum(headcounts.values()),
        },
        municipality=municipality,
    )
    return subsidies


@transaction.atomic(durable=True)
def resident_subsidy_receive(
    *,
    subsidy: ResidentSubsidy,
    amount,
    received_on: datetime.date,
    reference: str,
    actor: User | None,
) -> SubsidyReceipt:
    """Book money received from ``subsidy``'s finance level as 财政补贴收入 of fund 390100 in
    the county's income account (DOMAIN §13). The voucher ``reference`` is booked once: the
    same reference again returns the first receipt (the ledger entry's idempotency key is
    made of subsidy and reference); with another amount or date it is refused. More than
    what is outstanding is refused, naming the excess."""
    _require_scope(actor, subsidy.county, "subsidy")
    reference = reference.strip()
    amount = round_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    subsidy = (
        ResidentSubsidy.objects.select_for_update().select_related("county").get(pk=subsidy.pk)
    )
    earlier = SubsidyReceipt.objects.filter(subsidy=subsidy, reference=reference).first()
    if earlier is not None:
        if earlier.amount == amount and earlier.received_on == received_on:
            return earlier
        raise ValidationError(
            {
                "reference": _(
                    "Voucher %(reference)s was already booked with %(amount)s on %(day)s."
                )
                % {"reference": reference, "amount": earlier.amount, "day": earlier.received_on}
            }
        )
    outstanding = subsidy.due - subsidy.received
    if amount > outstanding:
        raise ValidationError(
            {
                "amount": _("This exceeds what is outstanding (%(outstanding)s) by %(excess)s.")
                % {"outstanding": outstanding, "excess": amount - outstanding}
            }
        )
    county = subsidy.county
    if subsidy.level == SubsidyLevel.COUNTY:
        source = _account(
            county, county.municipality, Account.Owner.COUNTY_GOVERNMENT, Account.Kind.COUNTERPARTY
        )
    else:
        source = _account(
            None, county.municipality, Account.Owner.CITY_FINANCE, Account.Kind.COUNTERPARTY
        )
    entry = entry_post(
        municipality=county.municipality,
        kind=JournalEntry.Kind.SUBSIDY,
        month=month_start(received_on),
        effective_date=received_on,
        memo=f"财政补贴收入 {subsidy.benefit_year} {_LEVEL_MEMO[subsidy.level]} {reference}",
        actor=actor,
        idempotency_key=f"resident-subsidy:{subsidy.pk}:{reference}",
        lines=[PostingLine(source, -amount), PostingLine(_income(county), amount)],
        source=subsidy,
    )
    receipt = SubsidyReceipt.objects.create(
        subsidy=subsidy, reference=reference, amount=amount, received_on=received_on, entry=entry
    )
    ResidentSubsidy.objects.filter(pk=subsidy.pk).update(received=F("received") + amount)
    audit_record(
        actor=actor,
        action="resident.subsidy_receive",
        instance=receipt,
        after={"amount": str(amount), "reference": reference},
        municipality=county.municipality,
        county=county,
    )
    return receipt


# ---------------------------------------------------------------------------------------------
# Contributions residents paid through the tax bureau
# ---------------------------------------------------------------------------------------------

RESIDENT_COLLECTION_COLUMNS = {
    "身份证号": "id_number",
    "公民身份号码": "id_number",
    "id number": "id_number",
    "id_number": "id_number",
    "待遇年度": "benefit_year",
    "benefit year": "benefit_year",
    "benefit_year": "benefit_year",
    "金额": "amount",
    "缴费金额": "amount",
    "amount": "amount",
}


class _CollectionImport(RowImport[ResidentContribution]):
    """The tax bureau's file of residents' payments: one row per resident and benefit year,
    paying the contribution in full (the amount must be what is outstanding)."""

    columns = RESIDENT_COLLECTION_COLUMNS
    required = ("id_number", "benefit_year", "amount")

    def __init__(self, *, municipality: Municipality, actor: User, received_on: datetime.date):
        self.municipality = municipality
        self.actor = actor
        self.received_on = received_on
        self.contributions: dict[tuple[str, int], ResidentContribution] = {}
        self.entries = 0

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        numbers = {values.get("id_number", "").strip().upper() for _number, values in rows}
        queryset = resident_contributions_for(user=self.actor).filter(
            municipality=self.municipality, enrollment__person__id_number__in=numbers
        )
        self.contributions = {
            (row.enrollment.person.id_number, row.benefit_year): row for row in queryset
        }

    def screen(
        self, number: int, values: dict[str, str], report: ImportReport
    ) -> ResidentContribution | None:
        id_number = values["id_number"].strip().upper()
        year_text = values["benefit_year"].strip()
        amount = report.amount(number, "amount", values["amount"])
        contribution = (
            self.contributions.get((id_number, int(year_text))) if year_text.isdigit() else None
        )
        if contribution is None:
            report.add(
                number,
                "id_number",
                id_number,
                gettext_lazy("No resident contribution of this person and year in your area."),
            )
            return None
        if contribution.payer != Payer.SELF:
            report.add(
                number,
                "id_number",
                id_number,
                gettext_lazy("This contribution is paid by %(payer)s, not by the resident.")
                % {"payer": contribution.get_payer_display()},
            )
        elif contribution.paid >= contribution.amount:
            report.add(
                number, "id_number", id_number, gettext_lazy("This contribution is already paid.")
            )
        elif amount is not None and amount != contribution.amount - contribution.paid:
            report.add(
                number,
                "amount",
                values["amount"],
                gettext_lazy("%(due)s is outstanding; the row pays %(amount)s.")
                % {"due": contribution.amount - contribution.paid, "amount": amount},
            )
        return contribution

    def check_rows(self, clean, report):
        seen, kept = set(), []
        for number, contribution in clean:
            if contribution.pk in seen:
                report.add(
                    number,
                    "id_number",
                    contribution.enrollment.person.id_number,
                    gettext_lazy("The same person and year appear twice in this file."),
                )
                continue
            seen.add(contribution.pk)
            kept.append((number, contribution))
        report.errors.sort(key=lambda error: error.row)
        return kept

    def write(self, rows: list[ResidentContribution]) -> int:
        by_county: dict[int, list[ResidentContribution]] = {}
        for contribution in sorted(rows, key=lambda row: row.pk):
            by_county.setdefault(contribution.county_id, []).append(contribution)
        counties = County.objects.in_bulk(list(by_county))
        for county_id, contributions in sorted(by_county.items()):
            county = counties[county_id]
            amount = round_money(sum((c.amount - c.paid for c in contributions), ZERO))
            digest = hashlib.sha256(
                ",".join(str(c.pk) for c in contributions).encode()
            ).hexdigest()[:16]
            tax = _account(
                county, county.municipality, Account.Owner.TAX_BUREAU, Account.Kind.COUNTERPARTY
            )
            entry_post(
                municipality=county.municipality,
                kind=JournalEntry.Kind.COLLECTION,
                month=month_start(self.received_on),
                effective_date=self.received_on,
                memo=f"城乡居民个人缴费 税务征收 {len(contributions)}人",
                actor=self.actor,
                idempotency_key=f"resident-collection:{county.pk}:{digest}",
                lines=[PostingLine(tax, -amount), PostingLine(_income(county), amount)],
            )
            resident_contributions_pay(contributions=contributions, paid_on=self.received_on)
            self.entries += 1
        return len(rows)

    def audit(self, report: ImportReport) -> None:
        audit_record(
            actor=self.actor,
            action="resident.collection_import",
            instance=self.municipality,
            after={"paid": report.imported, "entries": self.entries, "errors": len(report.errors)},
            municipality=self.municipality,
        )


@transaction.atomic(durable=True)
def resident_collection_import(
    *,
    municipality: Municipality,
    actor: User,
    file_name: str,
    content: bytes,
    received_on: datetime.date,
    import_valid_rows: bool = False,
) -> ImportReport:
    """Book the tax bureau's file of residents' own contributions (DOMAIN §13) through
    ``row_import``: each row pays one resident's contribution of a benefit year in full;
    the rows of each county are posted as one entry from the county's tax-bureau
    counterparty to its resident income account (fund 390100), and the contributions are
    marked paid. A row already paid is reported, so a file booked twice books nothing."""
    return row_import(
        _CollectionImport(municipality=municipality, actor=actor, received_on=received_on),
        file_name=file_name,
        content=content,
        import_valid_rows=import_valid_rows,
    )
