"""The writes of the benefit settlements with designated institutions (J 二(四), DOMAIN §9,
§11): an institution's statement per month and fund, entered by form or imported from a
CSV/XLSX file, reviewed by the county (approved in full or cut with a reason) and paid; and
the personal-account spending at designated pharmacies, imported from a file and booked.

Payment (财社〔2017〕144号 art. 40: the expenditure account pays benefits): one ledger entry of
kind ``benefit_payment`` in the statement's fund, out of the county's expenditure account into
the county's designated-institution counterparty, keyed by the statement, so paying twice
posts once. The ledger refuses an overdrawn account; the refusal here says how much is
missing. An institution that is suspended, terminated or outside its agreement on the day of
payment is refused (``settlement.institutions.selectors.institution_payment_refusal``).
Status changes go through ``BENEFIT_WORKFLOW``; both imports run through
``pooling.core.imports.row_import``.
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

from enrollment.people.models import InsuredPerson
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
from pooling.core.audit import audit_record
from pooling.core.db import insert_unique
from pooling.core.imports import ImportReport, RowImport, row_import
from pooling.core.money import ZERO, month_start, parse_month, round_money
from pooling.structure.models import Municipality
from settlement.benefits.models import (
    BENEFIT_FUND_CODES,
    BENEFIT_WORKFLOW,
    BenefitStatement,
    PharmacySpendingImport,
)
from settlement.institutions.models import DesignatedInstitution
from settlement.institutions.selectors import institution_payment_refusal, institutions_for


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
    taken = ValidationError(
        {
            "month": ValidationError(
                _("%(name)s already has a statement of fund %(fund)s for %(month)s."),
                code="statement_exists",
                params={"name": institution.name, "fund": fund.code, "month": f"{month:%Y-%m}"},
            )
        }
    )
    if BenefitStatement.objects.filter(
        institution=institution, month=month, fund_type=fund
    ).exists():
        raise taken
    statement = insert_unique(
        lambda: BenefitStatement.objects.create(
            municipality_id=institution.municipality_id,
            county_id=institution.county_id,
            institution=institution,
            month=month,
            fund_type=fund,
            visits=visits,
            amount_claimed=amount_claimed,
            entered_by=actor,
        ),
        taken=taken,
    )
    audit_record(
        actor=actor,
        action="settlement.benefit_statement_enter",
        instance=statement,
        municipality=institution.county.municipality,
        county=institution.county,
    )
    return statement


def _screen_month(
    number: int, values: dict[str, str], report: ImportReport
) -> datetime.date | None:
    """A row's month (``YYYY-MM``), or None with the error in ``report``."""
    try:
        return parse_month(values["month"])
    except ValidationError as error:
        report.add(number, "month", values["month"], error)
        return None


def _screen_amount(
    number: int, column: str, values: dict[str, str], report: ImportReport
) -> Decimal | None:
    """A row's amount in yuan above zero, or None with the error in ``report``."""
    return report.amount(number, column, values[column], positive=True)


@dataclass(frozen=True)
class _StatementRow:
    institution: DesignatedInstitution
    month: datetime.date
    fund: FundType
    visits: int
    amount: Decimal


class _StatementImport(RowImport[_StatementRow]):
    """Monthly statements from a file: one row per institution, month and fund."""

    columns = {
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
    required = ("institution_code", "month", "fund", "visits", "amount_claimed")

    def __init__(self, *, municipality: Municipality, file_name: str, actor: User) -> None:
        self.municipality = municipality
        self.file_name = file_name
        self.actor = actor
        self.total = ZERO

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """The institutions the actor may settle (a county officer: their county's) and the
        funds settled with institutions, one query each."""
        codes = {values["institution_code"].strip().upper() for _number, values in rows}
        self.institutions = {
            institution.code: institution
            for institution in institutions_for(user=self.actor).filter(
                municipality=self.municipality, code__in=codes
            )
        }
        self.funds = {
            fund.code: fund for fund in FundType.objects.filter(code__in=BENEFIT_FUND_CODES)
        }

    def screen(
        self, number: int, values: dict[str, str], report: ImportReport
    ) -> _StatementRow | None:
        code = values["institution_code"].strip().upper()
        institution = self.institutions.get(code)
        if institution is None:
            report.add(
                number,
                "institution_code",
                code,
                _("No designated institution with this code that you may settle."),
            )
        month = _screen_month(number, values, report)
        fund = self.funds.get(values["fund"].strip())
        if fund is None:
            report.add(
                number,
                "fund",
                values["fund"],
                _("Not a fund settled with institutions (310100, 310200, 910100, 330100, 390100)."),
            )
        visits = values["visits"].strip()
        if not visits.isdigit():
            report.add(number, "visits", visits, _("Visits are a whole number, 0 or more."))
        amount = _screen_amount(number, "amount_claimed", values, report)
        if institution and month and fund and visits.isdigit() and amount:
            return _StatementRow(institution, month, fund, int(visits), amount)
        return None

    def check_rows(
        self, clean: list[tuple[int, _StatementRow]], report: ImportReport
    ) -> list[tuple[int, _StatementRow]]:
        """One statement per institution, month and fund: neither twice in the file nor
        already entered."""
        existing = {
            (statement.institution_id, statement.month, statement.fund_type_id)
            for statement in BenefitStatement.objects.filter(
                institution__in=[row.institution for _number, row in clean],
                month__in={row.month for _number, row in clean},
            ).only("institution_id", "month", "fund_type_id")
        }
        seen: set[tuple] = set()
        kept = []
        for number, row in clean:
            key = (row.institution.pk, row.month, row.fund.pk)
            if key in seen:
                report.add(
                    number,
                    "institution_code",
                    row.institution.code,
                    _("The same institution, month and fund appear twice in the file."),
                )
            elif key in existing:
                report.add(
                    number,
                    "institution_code",
                    row.institution.code,
                    _("A statement of this institution, month and fund is already entered."),
                )
            else:
                kept.append((number, row))
            seen.add(key)
        return kept

    def write(self, rows: list[_StatementRow]) -> int:
        # Another import entering the same statement meanwhile loses on the unique constraint.
        taken = ValidationError(
            {"file": _("A statement of this institution, month and fund is already entered.")}
        )
        statements = insert_unique(
            lambda: BenefitStatement.objects.bulk_create(
                [
                    BenefitStatement(
                        municipality=self.municipality,
                        county_id=row.institution.county_id,
                        institution=row.institution,
                        month=row.month,
                        fund_type=row.fund,
                        visits=row.visits,
                        amount_claimed=row.amount,
                        entered_by=self.actor,
                    )
                    for row in rows
                ]
            ),
            taken=taken,
        )
        self.total = sum((row.amount for row in rows), ZERO)
        return len(statements)

    def audit(self, report: ImportReport) -> None:
        audit_record(
            actor=self.actor,
            action="settlement.benefit_statements_import",
            instance=self.municipality,
            after={"file": self.file_name, "imported": report.imported, "total": str(self.total)},
            municipality=self.municipality,
        )


@transaction.atomic(durable=True)
def benefit_statements_import(
    *, municipality: Municipality, file_name: str, content: bytes, actor: User
) -> ImportReport:
    """Import monthly statements from a CSV/XLSX file (columns ``institution_code, month,
    fund, visits, amount_claimed``; Chinese headers accepted). All or nothing: a file with any
    row error imports no row, and the report names each error. Institutions are those the
    actor may see: a county officer imports only their county's."""
    importer = _StatementImport(municipality=municipality, file_name=file_name, actor=actor)
    return row_import(importer, file_name=file_name, content=content)


@transaction.atomic(durable=True)
def benefit_statement_review(
    *, statement: BenefitStatement, amount_approved: Decimal, cut_reason: str, actor: User
) -> BenefitStatement:
    """The county's review: approve the amount claimed, or cut it (a lower approved amount)
    with a reason. Only a submitted statement is reviewed."""
    statement = BenefitStatement.objects.select_for_update().get(pk=statement.pk)
    review = BENEFIT_WORKFLOW["review"]
    if statement.status not in review.sources:
        raise BENEFIT_WORKFLOW.refusal(statement, review)
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
    cut = amount_approved < statement.amount_claimed
    if cut and not cut_reason.strip():
        raise ValidationError(
            {
                "cut_reason": ValidationError(
                    _("Say why the claim is cut."), code="cut_reason_required"
                )
            }
        )
    BENEFIT_WORKFLOW.transition(
        statement,
        "review",
        actor=actor,
        amount_approved=amount_approved,
        cut_reason=cut_reason.strip() if cut else "",
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        audit_action="settlement.benefit_statement_review",
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
    BENEFIT_WORKFLOW.transition(
        statement,
        "pay",
        actor=actor,
        payment=entry,
        paid_by=actor,
        paid_at=timezone.now(),
        audit_action="settlement.benefit_statement_pay",
    )
    return entry


# Personal-account spending at designated pharmacies ------------------------------------------


@dataclass(frozen=True)
class SpendingResult:
    report: ImportReport
    spending_import: PharmacySpendingImport | None
    entries: list[JournalEntry]


@dataclass(frozen=True)
class _SpendingRow:
    pharmacy: DesignatedInstitution
    person: InsuredPerson
    month: datetime.date
    amount: Decimal


class _SpendingImport(RowImport[_SpendingRow]):
    """Personal-account spending at pharmacies: each row debits one person's account.

    Writing books the rows: one spending movement per row in the subledger and, in the same
    transaction, one entry per pharmacy county in fund 310200 out of the personal-account
    control accounts of the people's counties into that county's designated-institution
    counterparty, so the control accounts keep equal to the subledger.
    """

    columns = {
        "药店代码": "institution_code",
        "机构代码": "institution_code",
        "身份证号": "id_number",
        "公民身份号码": "id_number",
        "月份": "month",
        "金额": "amount",
        "个人账户支付": "amount",
    }
    required = ("institution_code", "id_number", "month", "amount")

    def __init__(
        self,
        *,
        municipality: Municipality,
        file_name: str,
        digest: str,
        actor: User,
        paid_on: datetime.date,
    ) -> None:
        self.municipality = municipality
        self.file_name = file_name
        self.digest = digest
        self.actor = actor
        self.paid_on = paid_on
        self.spending_import: PharmacySpendingImport | None = None
        self.entry_ids: list[int] = []

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """The pharmacies and people the rows name, in the actor's scope, and the people's
        balances: one query each. The people are locked in key order, so two imports for the
        same person queue. A file without rows is refused."""
        if not rows:
            raise ValidationError(
                {
                    "file": ValidationError(
                        _("The file lacks the columns %(columns)s."),
                        code="columns_missing",
                        params={"columns": ", ".join(self.required)},
                    )
                }
            )
        codes = {values["institution_code"].strip().upper() for _number, values in rows}
        self.pharmacies = {
            pharmacy.code: pharmacy
            for pharmacy in institutions_for(user=self.actor).filter(
                municipality=self.municipality,
                code__in=codes,
                kind=DesignatedInstitution.Kind.PHARMACY,
            )
        }
        id_numbers = {values["id_number"].strip().upper() for _number, values in rows}
        self.people = {
            person.id_number: person
            for person in people_for(user=self.actor)
            .filter(municipality=self.municipality, id_number__in=id_numbers)
            .select_for_update(of=("self",))
            .order_by("pk")
        }
        self.balances = dict(
            PersonalAccountMovement.objects.filter(person__in=self.people.values())
            .values("person")
            .annotate(total=Sum("amount"))
            .values_list("person", "total")
        )

    def screen(
        self, number: int, values: dict[str, str], report: ImportReport
    ) -> _SpendingRow | None:
        code = values["institution_code"].strip().upper()
        pharmacy = self.pharmacies.get(code)
        if pharmacy is None:
            report.add(
                number,
                "institution_code",
                code,
                _("No designated pharmacy with this code that you may settle."),
            )
        elif refusal := institution_payment_refusal(institution=pharmacy, on=self.paid_on):
            report.add(number, "institution_code", code, refusal)
            pharmacy = None
        id_number = values["id_number"].strip().upper()
        person = self.people.get(id_number)
        if person is None:
            report.add(
                number,
                "id_number",
                id_number,
                _("No insured person with this ID number that you may settle."),
            )
        month = _screen_month(number, values, report)
        amount = _screen_amount(number, "amount", values, report)
        if pharmacy and person and month and amount:
            return _SpendingRow(pharmacy, person, month, amount)
        return None

    def check_rows(
        self, clean: list[tuple[int, _SpendingRow]], report: ImportReport
    ) -> list[tuple[int, _SpendingRow]]:
        """Never below zero: a person's rows are taken in file order; a row that would take
        the account below zero is refused with the balance left."""
        left = {person.pk: self.balances.get(person.pk, ZERO) for person in self.people.values()}
        kept = []
        for number, row in clean:
            person = row.person
            if row.amount > left[person.pk]:
                report.add(
                    number,
                    "amount",
                    row.amount,
                    ValidationError(
                        _(
                            "The personal account of %(name)s holds %(balance)s; it cannot "
                            "pay %(amount)s (%(missing)s missing)."
                        ),
                        params={
                            "name": person.name,
                            "balance": left[person.pk],
                            "amount": row.amount,
                            "missing": row.amount - left[person.pk],
                        },
                    ),
                )
            else:
                left[person.pk] -= row.amount
                kept.append((number, row))
        return kept

    def write(self, rows: list[_SpendingRow]) -> int:
        self.spending_import = PharmacySpendingImport.objects.create(
            municipality=self.municipality,
            file_name=self.file_name[:200],
            file_sha256=self.digest,
            rows=len(rows),
            total=sum(row.amount for row in rows),
            imported_by=self.actor,
        )
        PersonalAccountMovement.objects.bulk_create(
            [
                PersonalAccountMovement(
                    person=row.person,
                    county_id=row.person.county_id,
                    month=row.month,
                    amount=-row.amount,
                    reason=PersonalAccountMovement.Reason.SPENDING,
                )
                for row in rows
            ]
        )
        self.entry_ids = self._post(rows)
        return len(rows)

    def _post(self, rows: list[_SpendingRow]) -> list[int]:
        """One entry per pharmacy county: the control accounts of the people's counties
        debited, the pharmacy county's designated-institution counterparty credited."""
        by_pharmacy_county: dict[int, dict[int, Decimal]] = {}
        for row in rows:
            debits = by_pharmacy_county.setdefault(row.pharmacy.county_id, {})
            debits[row.person.county_id] = debits.get(row.person.county_id, ZERO) + row.amount
        accounts = {
            (account.county_id, account.owner, account.kind): account
            for account in Account.objects.filter(
                municipality=self.municipality,
                fund_type__code=PERSONAL_ACCOUNT_FUND,
                county_id__in={row.person.county_id for row in rows} | set(by_pharmacy_county),
                kind__in=[Account.Kind.PERSONAL_ACCOUNT_CONTROL, Account.Kind.COUNTERPARTY],
            )
        }
        specs = []
        for pharmacy_county, debits in sorted(by_pharmacy_county.items()):
            institution_account = accounts.get(
                (pharmacy_county, Account.Owner.DESIGNATED_INSTITUTION, Account.Kind.COUNTERPARTY)
            )
            controls = [
                accounts.get(
                    (county_id, Account.Owner.COUNTY, Account.Kind.PERSONAL_ACCOUNT_CONTROL)
                )
                for county_id in sorted(debits)
            ]
            if institution_account is None or None in controls:
                raise ValidationError(
                    _("The personal-account accounts are not open; nothing was imported."),
                    code="account_missing",
                )
            lines = [
                PostingLine(account=control, amount=-debits[control.county_id])
                for control in controls
            ]
            lines.append(PostingLine(account=institution_account, amount=sum(debits.values())))
            specs.append(
                EntrySpec(
                    kind=JournalEntry.Kind.BENEFIT_PAYMENT,
                    month=month_start(self.paid_on),
                    effective_date=self.paid_on,
                    memo=f"定点药店个人账户支付 {self.file_name}"[:300],
                    idempotency_key=(
                        f"pharmacy-spending-{self.spending_import.pk}-{pharmacy_county}"
                    ),
                    lines=lines,
                    source=self.spending_import,
                    source_label=str(self.spending_import)[:200],
                )
            )
        try:
            result = entries_post_batch(
                municipality=self.municipality, entries=specs, actor=self.actor
            )
        except ValidationError as error:
            if getattr(error, "code", None) != "negative_balance":
                raise
            raise ValidationError(
                _(
                    "The personal-account control account “%(account)s” holds less than the "
                    "subledger (%(missing)s missing); run the ledger checks. Nothing was "
                    "imported."
                ),
                code="control_short",
                params={"account": error.params["account"], "missing": error.params["short"]},
            ) from error
        return result.entry_ids

    def audit(self, report: ImportReport) -> None:
        audit_record(
            actor=self.actor,
            action="settlement.pharmacy_spending_import",
            instance=self.spending_import,
            municipality=self.municipality,
        )


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
    spending movement per row to the subledger and post the entries that move the control
    accounts with it (``_SpendingImport``).
    """
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
    importer = _SpendingImport(
        municipality=municipality,
        file_name=file_name,
        digest=digest,
        actor=actor,
        paid_on=paid_on or timezone.localdate(),
    )
    report = row_import(importer, file_name=file_name, content=content)
    return SpendingResult(
        report=report,
        spending_import=importer.spending_import,
        entries=list(JournalEntry.objects.filter(pk__in=importer.entry_ids).order_by("pk")),
    )
