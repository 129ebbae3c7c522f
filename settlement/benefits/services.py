"""Monthly benefit settlements with designated institutions (J 二(四), DOMAIN §9, §11; issue 7
item 2): an institution's statement per month and fund, entered by form or imported from a
CSV/XLSX file, reviewed by the county (approved in full or cut with a reason) and paid.

Payment (财社〔2017〕144号 art. 40: the expenditure account pays benefits): one ledger entry of
kind ``benefit_payment`` in the statement's fund, out of the county's expenditure account into
the county's designated-institution counterparty, keyed by the statement, so paying twice
posts once. The ledger refuses an overdrawn account; the refusal here says how much is
missing. An institution that is suspended, terminated or outside its agreement on the day of
payment is refused (``enrollment.institutions.institution_may_be_paid``).
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.people.selectors import people_for
from enrollment.personal_accounts.models import PersonalAccountMovement
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import (
    PERSONAL_ACCOUNT_FUND,
    EntrySpec,
    PostingLine,
    entries_post_batch,
    entry_post,
)
from pooling.accounts.models import User
from pooling.core.audit import audit_record, snapshot
from pooling.core.imports import ImportReport, UnreadableFile, parse_amount, read_table
from pooling.core.money import ZERO, month_start, parse_month, round_money
from pooling.structure.models import Municipality
from settlement.benefits.models import BENEFIT_FUND_CODES, BenefitStatement, PharmacySpendingImport
from settlement.institutions.models import DesignatedInstitution
from settlement.institutions.selectors import institution_payment_refusal, institutions_for

IMPORT_ALIASES = {
    "机构代码": "institution_code",
    "定点机构代码": "institution_code",
    "月份": "month",
    "结算月份": "month",
    "基金": "fund",
    "基金代码": "fund",
    "人次": "visits",
    "就诊人次": "visits",
    "申报金额": "amount_claimed",
    "amount": "amount_claimed",
}


IMPORT_COLUMNS = ("institution_code", "month", "fund", "visits", "amount_claimed")


def _fund(code: str) -> FundType:
    if code not in BENEFIT_FUND_CODES:
        raise ValidationError(
            {
                "fund": ValidationError(
                    _("Fund %(code)s is not settled with institutions; use one of %(codes)s."),
                    code="benefit_fund",
                    params={"code": code, "codes": ", ".join(BENEFIT_FUND_CODES)},
                )
            }
        )
    return FundType.objects.get(code=code)


@transaction.atomic(durable=True)
def benefit_statement_enter(
    *,
    institution: DesignatedInstitution,
    month: datetime.date,
    fund_code: str,
    visits: int,
    amount_claimed: Decimal,
    actor: User,
) -> BenefitStatement:
    """Enter an institution's monthly statement of one fund; one per institution, month and
    fund."""
    fund = _fund(fund_code)
    amount_claimed = round_money(amount_claimed)
    if amount_claimed <= 0:
        raise ValidationError(
            {
                "amount_claimed": ValidationError(
                    _("The amount claimed must be above zero."), code="claim_positive"
                )
            }
        )
    month = month_start(month)
    if BenefitStatement.objects.filter(
        institution=institution, month=month, fund_type=fund
    ).exists():
        raise ValidationError(
            {
                "month": ValidationError(
                    _("%(name)s already has a statement of fund %(fund)s for %(month)s."),
                    code="statement_exists",
                    params={"name": institution.name, "fund": fund.code, "month": f"{month:%Y-%m}"},
                )
            }
        )
    statement = BenefitStatement.objects.create(
        municipality_id=institution.municipality_id,
        county_id=institution.county_id,
        institution=institution,
        month=month,
        fund_type=fund,
        visits=visits,
        amount_claimed=amount_claimed,
        entered_by=actor,
    )
    audit_record(
        actor=actor,
        action="funds.benefit_statement_enter",
        instance=statement,
        municipality=institution.county.municipality,
        county=institution.county,
    )
    return statement


@transaction.atomic(durable=True)
def benefit_statements_import(
    *, municipality: Municipality, file_name: str, content: bytes, actor: User
) -> ImportReport:
    """Import monthly statements from a CSV/XLSX file (columns ``institution_code, month,
    fund, visits, amount_claimed``; Chinese headers accepted). All or nothing: a file with any
    row error imports no row, and the report names each error. Institutions are those the
    actor may see: a county officer imports only their county's."""
    report = ImportReport()
    try:
        rows = read_table(file_name=file_name, content=content, aliases=IMPORT_ALIASES)
    except UnreadableFile as error:
        raise ValidationError({"file": ValidationError(str(error), code="unreadable")}) from error
    if rows:
        missing = [column for column in IMPORT_COLUMNS if column not in rows[0][1]]
        if missing:
            raise ValidationError(
                {
                    "file": ValidationError(
                        _("The file lacks the columns %(columns)s."),
                        code="columns_missing",
                        params={"columns": ", ".join(missing)},
                    )
                }
            )
    codes = {values["institution_code"].strip().upper() for _number, values in rows}
    institutions = {
        institution.code: institution
        for institution in institutions_for(user=actor).filter(
            municipality=municipality, code__in=codes
        )
    }
    funds = {fund.code: fund for fund in FundType.objects.filter(code__in=BENEFIT_FUND_CODES)}
    parsed = []
    for number, values in rows:
        code = values["institution_code"].strip().upper()
        institution = institutions.get(code)
        if institution is None:
            report.add(
                number,
                "institution_code",
                code,
                _("No designated institution with this code that you may settle."),
            )
        try:
            month = parse_month(values["month"])
        except ValidationError as error:
            report.add(number, "month", values["month"], error)
            month = None
        fund = funds.get(values["fund"].strip())
        if fund is None:
            report.add(
                number,
                "fund",
                values["fund"],
                _("Not a fund settled with institutions (310100, 310200, 910100, 330100, 390100)."),
            )
        visits_text = values["visits"].strip()
        if not visits_text.isdigit():
            report.add(number, "visits", visits_text, _("Visits are a whole number, 0 or more."))
        amount = parse_amount(values["amount_claimed"])
        if amount is None or amount <= 0:
            report.add(
                number,
                "amount_claimed",
                values["amount_claimed"],
                _("An amount in yuan above zero with at most two decimals."),
            )
        if institution and month and fund and visits_text.isdigit() and amount:
            parsed.append((number, institution, month, fund, int(visits_text), amount))
    seen: set[tuple] = set()
    existing = {
        (statement.institution_id, statement.month, statement.fund_type_id)
        for statement in BenefitStatement.objects.filter(
            institution__in=[row[1] for row in parsed], month__in={row[2] for row in parsed}
        ).only("institution_id", "month", "fund_type_id")
    }
    for number, institution, month, fund, _visits, _amount in parsed:
        key = (institution.pk, month, fund.pk)
        if key in seen:
            report.add(
                number,
                "institution_code",
                institution.code,
                _("The same institution, month and fund appear twice in the file."),
            )
        elif key in existing:
            report.add(
                number,
                "institution_code",
                institution.code,
                _("A statement of this institution, month and fund is already entered."),
            )
        seen.add(key)
    report.valid_rows = len(rows) - len({error.row for error in report.errors})
    if report.has_errors:
        return report
    statements = BenefitStatement.objects.bulk_create(
        [
            BenefitStatement(
                municipality=municipality,
                county_id=institution.county_id,
                institution=institution,
                month=month,
                fund_type=fund,
                visits=visits,
                amount_claimed=amount,
                entered_by=actor,
            )
            for _number, institution, month, fund, visits, amount in parsed
        ]
    )
    report.imported = len(statements)
    audit_record(
        actor=actor,
        action="funds.benefit_statements_import",
        instance=municipality,
        after={
            "file": file_name,
            "imported": report.imported,
            "total": str(sum(row[5] for row in parsed)),
        },
        municipality=municipality,
    )
    return report


@transaction.atomic(durable=True)
def benefit_statement_review(
    *, statement: BenefitStatement, amount_approved: Decimal, cut_reason: str, actor: User
) -> BenefitStatement:
    """The county's review: approve the amount claimed, or cut it (a lower approved amount)
    with a reason. Only a submitted statement is reviewed."""
    statement = BenefitStatement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != BenefitStatement.Status.SUBMITTED:
        raise ValidationError(
            _("This statement is %(status)s; only a submitted statement is reviewed."),
            code="not_submitted",
            params={"status": statement.get_status_display()},
        )
    amount_approved = round_money(amount_approved)
    if not 0 <= amount_approved <= statement.amount_claimed:
        raise ValidationError(
            {
                "amount_approved": ValidationError(
                    _("The approved amount is between 0 and the amount claimed (%(claimed)s)."),
                    code="approved_range",
                    params={"claimed": statement.amount_claimed},
                )
            }
        )
    if amount_approved < statement.amount_claimed and not cut_reason.strip():
        raise ValidationError(
            {
                "cut_reason": ValidationError(
                    _("Say why the claim is cut."), code="cut_reason_required"
                )
            }
        )
    before = snapshot(statement)
    statement.amount_approved = amount_approved
    statement.cut_reason = cut_reason.strip() if amount_approved < statement.amount_claimed else ""
    statement.status = BenefitStatement.Status.APPROVED
    statement.reviewed_by = actor
    statement.reviewed_at = timezone.now()
    statement.save(
        update_fields=["amount_approved", "cut_reason", "status", "reviewed_by", "reviewed_at"]
    )
    audit_record(
        actor=actor,
        action="funds.benefit_statement_review",
        instance=statement,
        before=before,
        municipality=statement.municipality,
        county=statement.county,
    )
    return statement


@dataclass(frozen=True)
class _PaymentAccounts:
    expenditure: Account
    institution: Account


def _payment_accounts(statement: BenefitStatement) -> _PaymentAccounts:
    try:
        return _PaymentAccounts(
            expenditure=account_for(
                municipality=statement.municipality,
                county=statement.county,
                kind=Account.Kind.EXPENDITURE,
                fund_code=statement.fund_type.code,
            ),
            institution=account_for(
                municipality=statement.municipality,
                county=statement.county,
                kind=Account.Kind.COUNTERPARTY,
                fund_code=statement.fund_type.code,
                owner=Account.Owner.DESIGNATED_INSTITUTION,
            ),
        )
    except Account.DoesNotExist as error:
        raise ValidationError(
            _("The accounts of %(county)s in fund %(fund)s are not open; nothing was paid."),
            code="account_missing",
            params={"county": statement.county.name, "fund": statement.fund_type.code},
        ) from error


@transaction.atomic(durable=True)
def benefit_statement_pay(
    *, statement: BenefitStatement, actor: User, paid_on: datetime.date | None = None
) -> JournalEntry:
    """Pay an approved statement: one ``benefit_payment`` entry out of the county's
    expenditure account of the statement's fund into the designated-institution counterparty.

    Steps: (1) lock the statement; a paid one returns its entry and changes nothing; (2) only
    an approved statement with an amount above zero is paid; (3) the institution must be
    payable on ``paid_on`` (active, inside its agreement); (4) post the entry, keyed by the
    statement; an overdrawn expenditure account is refused with the amount missing.
    """
    paid_on = paid_on or timezone.localdate()
    statement = (
        BenefitStatement.objects.select_for_update(of=("self",))
        .select_related("institution", "county", "fund_type", "municipality", "payment")
        .get(pk=statement.pk)
    )
    if statement.status == BenefitStatement.Status.PAID:
        return statement.payment
    if statement.status != BenefitStatement.Status.APPROVED:
        raise ValidationError(
            _("Only an approved statement is paid; review it first."), code="not_approved"
        )
    if not statement.amount_approved:
        raise ValidationError(
            _("Nothing was approved for this statement, so there is nothing to pay."),
            code="nothing_approved",
        )
    refusal = institution_payment_refusal(institution=statement.institution, on=paid_on)
    if refusal:
        raise ValidationError(refusal, code="institution_not_payable")
    accounts = _payment_accounts(statement)
    amount = statement.amount_approved
    try:
        entry = entry_post(
            municipality=statement.municipality,
            kind=JournalEntry.Kind.BENEFIT_PAYMENT,
            month=month_start(paid_on),
            effective_date=paid_on,
            memo=f"{statement.institution.name} {statement.month:%Y-%m} 医疗费结算",
            actor=actor,
            idempotency_key=f"benefit-statement-{statement.pk}",
            lines=[
                PostingLine(account=accounts.expenditure, amount=-amount),
                PostingLine(account=accounts.institution, amount=amount),
            ],
            source=statement,
            source_label=str(statement),
        )
    except ValidationError as error:
        if getattr(error, "code", None) != "negative_balance":
            raise
        raise ValidationError(
            _(
                "The expenditure account “%(account)s” holds %(balance)s, %(missing)s less than "
                "the %(amount)s to pay; nothing was paid. Allocate at least %(missing)s to it "
                "first."
            ),
            code="insufficient_balance",
            params={
                "account": accounts.expenditure.name,
                "balance": error.params["balance"],
                "missing": error.params["short"],
                "amount": amount,
            },
        ) from error
    before = snapshot(statement)
    statement.status = BenefitStatement.Status.PAID
    statement.payment = entry
    statement.paid_by = actor
    statement.paid_at = timezone.now()
    statement.save(update_fields=["status", "payment", "paid_by", "paid_at"])
    audit_record(
        actor=actor,
        action="funds.benefit_statement_pay",
        instance=statement,
        before=before,
        municipality=statement.municipality,
        county=statement.county,
    )
    return entry


# Personal-account spending at designated pharmacies ------------------------------------------

SPENDING_ALIASES = {
    "药店代码": "institution_code",
    "机构代码": "institution_code",
    "身份证号": "id_number",
    "公民身份号码": "id_number",
    "月份": "month",
    "金额": "amount",
    "个人账户支付": "amount",
}
SPENDING_COLUMNS = ("institution_code", "id_number", "month", "amount")


@dataclass(frozen=True)
class SpendingResult:
    report: ImportReport
    spending_import: PharmacySpendingImport | None
    entries: list[JournalEntry]


def _spending_rows(
    *, rows, actor: User, municipality: Municipality, report: ImportReport, on: datetime.date
) -> list[tuple]:
    """Parse and check the rows set-based: one query for the pharmacies, one for the people
    (locked in key order so two imports for the same person queue), one for their balances."""
    codes = {values["institution_code"].strip().upper() for _number, values in rows}
    pharmacies = {
        pharmacy.code: pharmacy
        for pharmacy in institutions_for(user=actor).filter(
            municipality=municipality, code__in=codes, kind=DesignatedInstitution.Kind.PHARMACY
        )
    }
    id_numbers = {values["id_number"].strip().upper() for _number, values in rows}
    people = {
        person.id_number: person
        for person in people_for(user=actor)
        .filter(municipality=municipality, id_number__in=id_numbers)
        .select_for_update(of=("self",))
        .order_by("pk")
    }
    balances = dict(
        PersonalAccountMovement.objects.filter(person__in=people.values())
        .values("person")
        .annotate(total=Sum("amount"))
        .values_list("person", "total")
    )
    parsed = []
    for number, values in rows:
        code = values["institution_code"].strip().upper()
        pharmacy = pharmacies.get(code)
        if pharmacy is None:
            report.add(
                number,
                "institution_code",
                code,
                _("No designated pharmacy with this code that you may settle."),
            )
        else:
            refusal = institution_payment_refusal(institution=pharmacy, on=on)
            if refusal:
                report.add(number, "institution_code", code, refusal)
                pharmacy = None
        id_number = values["id_number"].strip().upper()
        person = people.get(id_number)
        if person is None:
            report.add(
                number,
                "id_number",
                id_number,
                _("No insured person with this ID number that you may settle."),
            )
        try:
            month = parse_month(values["month"])
        except ValidationError as error:
            report.add(number, "month", values["month"], error)
            month = None
        amount = parse_amount(values["amount"])
        if amount is None or amount <= 0:
            report.add(
                number,
                "amount",
                values["amount"],
                _("An amount in yuan above zero with at most two decimals."),
            )
        if pharmacy and person and month and amount:
            parsed.append((number, pharmacy, person, month, amount))
    # Never below zero: a person's rows are taken in file order; a row that would take the
    # account below zero is refused with the balance left.
    left = {person.pk: balances.get(person.pk, ZERO) for person in people.values()}
    for number, _pharmacy, person, _month, amount in parsed:
        if amount > left[person.pk]:
            report.add(
                number,
                "amount",
                amount,
                ValidationError(
                    _(
                        "The personal account of %(name)s holds %(balance)s; it cannot "
                        "pay %(amount)s (%(missing)s missing)."
                    ),
                    params={
                        "name": person.name,
                        "balance": left[person.pk],
                        "amount": amount,
                        "missing": amount - left[person.pk],
                    },
                ),
            )
        else:
            left[person.pk] -= amount
    return parsed


@transaction.atomic(durable=True)
def pharmacy_spending_import(
    *,
    municipality: Municipality,
    file_name: str,
    content: bytes,
    actor: User,
    paid_on: datetime.date | None = None,
) -> SpendingResult:
    """Import personal-account spending at designated pharmacies (columns ``institution_code,
    id_number, month, amount``; Chinese headers accepted) and book it, all or nothing.

    Steps: (1) refuse a file already imported (its SHA-256); (2) check every row — a known
    pharmacy in the actor's scope that may be paid, a known person, a month, an amount — and
    that no person's personal account goes below zero; any error imports nothing; (3) add one
    spending movement per row to the subledger and, in the same transaction, post one entry
    per pharmacy county in fund 310200 out of the personal-account control accounts of the
    people's counties into that county's designated-institution counterparty, so the control
    accounts keep equal to the subledger.
    """
    paid_on = paid_on or timezone.localdate()
    digest = hashlib.sha256(content).hexdigest()
    earlier = PharmacySpendingImport.objects.filter(
        municipality=municipality, file_sha256=digest
    ).first()
    if earlier is not None:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("This file was already imported on %(day)s; nothing was imported."),
                    code="already_imported",
                    params={"day": f"{timezone.localtime(earlier.imported_at):%Y-%m-%d}"},
                )
            }
        )
    report = ImportReport()
    try:
        rows = read_table(file_name=file_name, content=content, aliases=SPENDING_ALIASES)
    except UnreadableFile as error:
        raise ValidationError({"file": ValidationError(str(error), code="unreadable")}) from error
    missing = [column for column in SPENDING_COLUMNS if rows and column not in rows[0][1]]
    if missing or not rows:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The file lacks the columns %(columns)s."),
                    code="columns_missing",
                    params={"columns": ", ".join(missing or SPENDING_COLUMNS)},
                )
            }
        )
    parsed = _spending_rows(
        rows=rows, actor=actor, municipality=municipality, report=report, on=paid_on
    )
    report.valid_rows = len(rows) - len({error.row for error in report.errors})
    if report.has_errors:
        return SpendingResult(report=report, spending_import=None, entries=[])
    spending_import = PharmacySpendingImport.objects.create(
        municipality=municipality,
        file_name=file_name[:200],
        file_sha256=digest,
        rows=len(parsed),
        total=sum(row[4] for row in parsed),
        imported_by=actor,
    )
    PersonalAccountMovement.objects.bulk_create(
        [
            PersonalAccountMovement(
                person=person,
                county_id=person.county_id,
                month=month,
                amount=-amount,
                reason=PersonalAccountMovement.Reason.SPENDING,
            )
            for _number, _pharmacy, person, month, amount in parsed
        ]
    )
    by_pharmacy_county: dict[int, dict[int, Decimal]] = {}
    for _number, pharmacy, person, _month, amount in parsed:
        debits = by_pharmacy_county.setdefault(pharmacy.county_id, {})
        debits[person.county_id] = debits.get(person.county_id, ZERO) + amount
    accounts = {
        (account.county_id, account.owner, account.kind): account
        for account in Account.objects.filter(
            municipality=municipality,
            fund_type__code=PERSONAL_ACCOUNT_FUND,
            county_id__in={row[2].county_id for row in parsed} | set(by_pharmacy_county),
            kind__in=[Account.Kind.PERSONAL_ACCOUNT_CONTROL, Account.Kind.COUNTERPARTY],
        )
    }
    specs = []
    for pharmacy_county, debits in sorted(by_pharmacy_county.items()):
        institution_account = accounts.get(
            (pharmacy_county, Account.Owner.DESIGNATED_INSTITUTION, Account.Kind.COUNTERPARTY)
        )
        controls = [
            accounts.get((county_id, Account.Owner.COUNTY, Account.Kind.PERSONAL_ACCOUNT_CONTROL))
            for county_id in sorted(debits)
        ]
        if institution_account is None or None in controls:
            raise ValidationError(
                _("The personal-account accounts are not open; nothing was imported."),
                code="account_missing",
            )
        lines = [
            PostingLine(account=control, amount=-debits[control.county_id]) for control in controls
        ]
        lines.append(PostingLine(account=institution_account, amount=sum(debits.values())))
        specs.append(
            EntrySpec(
                kind=JournalEntry.Kind.BENEFIT_PAYMENT,
                month=month_start(paid_on),
                effective_date=paid_on,
                memo=f"定点药店个人账户支付 {file_name}"[:300],
                idempotency_key=f"pharmacy-spending-{spending_import.pk}-{pharmacy_county}",
                lines=lines,
                source=spending_import,
                source_label=str(spending_import)[:200],
            )
        )
    try:
        result = entries_post_batch(municipality=municipality, entries=specs, actor=actor)
    except ValidationError as error:
        if getattr(error, "code", None) != "negative_balance":
            raise
        raise ValidationError(
            _(
                "The personal-account control account “%(account)s” holds less than the "
                "subledger (%(missing)s missing); run the ledger checks. Nothing was imported."
            ),
            code="control_short",
            params={"account": error.params["account"], "missing": error.params["short"]},
        ) from error
    report.imported = len(parsed)
    audit_record(
        actor=actor,
        action="funds.pharmacy_spending_import",
        instance=spending_import,
        municipality=municipality,
    )
    return SpendingResult(
        report=report,
        spending_import=spending_import,
        entries=list(JournalEntry.objects.filter(pk__in=result.entry_ids).order_by("pk")),
    )
