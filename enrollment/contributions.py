"""The contribution arithmetic of N 三(二): the monthly assessment (set-based SQL), the
matching of collection rows, and the one-off top-ups. Rule values always come from the dated
``PolicyRule`` rows in force for the month computed; nothing here writes an audit event (the
services in ``enrollment.services`` do)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.imports import ImportReport, parse_amount
from enrollment.models import (
    EMPLOYER_SCOPES,
    FLEXIBLE_SCOPES,
    Assessment,
    CollectionAllocation,
    CollectionBatch,
    CollectionRow,
    Employer,
    EnrollmentEpisode,
    InsuredPerson,
    Scheme,
    Scope,
)
from pooling.models import County, Municipality
from pooling.money import parse_month, round_money
from pooling.selectors import rule_value

ZERO = Decimal("0.00")
MONTHS_PER_YEAR = 12


class FileRejected(ValidationError):
    """A file with unreadable rows: nothing was imported; ``report`` lists every error."""

    def __init__(self, report: ImportReport):
        super().__init__({"file": [_("The file has errors; nothing was imported.")]})
        self.report = report


# Monthly assessment ----------------------------------------------------------------------------


def assessment_parameters(
    *, municipality: Municipality, county: County, month: datetime.date
) -> dict:
    """The rule values in force for ``month`` in ``county`` that the assessment needs.

    Floor and cap are the monthly average wage times their shares (N 三(二)1); a flexible
    worker pays ``flexible_rate`` × the provincial average wage / 12, rounded to the fen.
    """

    def rule(key: str) -> Decimal:
        return rule_value(municipality=municipality, key=key, on=month, county=county)

    monthly_average = rule("provincial_average_wage") / MONTHS_PER_YEAR
    return {
        "employer_rate_public": rule("employer_rate_public"),
        "employer_rate_other": rule("employer_rate_other"),
        "maternity_rate_public": rule("maternity_rate_public"),
        "maternity_rate_other": rule("maternity_rate_other"),
        "individual_rate": rule("individual_rate"),
        "base_floor": round_money(monthly_average * rule("base_floor_share")),
        "base_cap": round_money(monthly_average * rule("base_cap_share")),
        "flexible_base": round_money(monthly_average),
        "flexible_amount": round_money(monthly_average * rule("flexible_rate")),
        "critical_illness_premium": rule("critical_illness_premium"),
        "critical_illness_employer": rule("critical_illness_employer_part"),
        "retiree_monthly": rule("retiree_personal_account_monthly"),
    }


def _in(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in sorted(values)) + ")"


_EMPLOYER = _in(EMPLOYER_SCOPES)
_FLEXIBLE = _in(FLEXIBLE_SCOPES)

# Half-up rounding: PostgreSQL's numeric ROUND rounds half away from zero, which is half-up
# for the non-negative amounts here. Scope lists are fixed enumerations, not user input.
ASSESSMENT_SQL = f"""
WITH source AS (
    SELECT e.person_id, e.id AS episode_id, e.employer_id, e.scope,
           COALESCE(r.unit_type, '') AS unit_type,
           COALESCE(r.status, '') AS employer_status,
           CASE
               WHEN e.scope IN {_EMPLOYER} THEN LEAST(GREATEST(
                   ROUND(b.yearly_wage / 12, 2), %(base_floor)s), %(base_cap)s)
               WHEN e.scope IN {_FLEXIBLE} THEN %(flexible_base)s
               ELSE 0
           END AS base
    FROM enrollment_enrollmentepisode e
    LEFT JOIN enrollment_employer r ON r.id = e.employer_id
    LEFT JOIN enrollment_contributionbase b ON b.person_id = e.person_id AND b.year = %(year)s
    WHERE e.county_id = %(county)s AND e.scheme = 'employee'
      AND e.from_month <= %(month)s AND (e.to_month IS NULL OR e.to_month >= %(month)s)
      AND (e.scope NOT IN {_EMPLOYER} OR b.id IS NOT NULL)
), parts AS (
    SELECT source.*,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * CASE WHEN unit_type = 'public'
               THEN %(employer_rate_public)s ELSE %(employer_rate_other)s END, 2)
               ELSE 0 END AS employer_basic,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * CASE WHEN unit_type = 'public'
               THEN %(maternity_rate_public)s ELSE %(maternity_rate_other)s END, 2)
               ELSE 0 END AS employer_maternity,
           CASE WHEN scope IN {_EMPLOYER} THEN %(critical_illness_employer)s
               WHEN scope = 'retiree' AND employer_id IS NOT NULL
                    AND employer_status <> 'bankrupt' THEN %(critical_illness_employer)s
               ELSE 0 END AS employer_critical_illness,
           CASE WHEN scope IN {_FLEXIBLE} THEN %(flexible_amount)s ELSE 0 END
               AS individual_pooled_fund,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * %(individual_rate)s, 2) ELSE 0 END
               AS individual_personal_account,
           CASE WHEN scope IN {_EMPLOYER} OR (scope = 'retiree' AND employer_id IS NOT NULL)
               THEN %(critical_illness_premium)s - %(critical_illness_employer)s
               ELSE %(critical_illness_premium)s END AS individual_critical_illness,
           CASE WHEN scope = 'retiree' THEN %(retiree_monthly)s ELSE 0 END
               AS retiree_account_credit
    FROM source
)
INSERT INTO enrollment_assessment (
    municipality_id, county_id, person_id, employer_id, episode_id, month, scope, unit_type,
    base, employer_pooled_fund, employer_maternity, employer_critical_illness,
    individual_pooled_fund, individual_personal_account, individual_critical_illness,
    employer_total, individual_total, total_due, retiree_account_credit, created_at)
SELECT %(municipality)s, %(county)s, person_id, employer_id, episode_id, %(month)s, scope,
       unit_type, base, employer_basic - employer_maternity, employer_maternity,
       employer_critical_illness, individual_pooled_fund, individual_personal_account,
       individual_critical_illness, employer_basic + employer_critical_illness,
       individual_pooled_fund + individual_personal_account + individual_critical_illness,
       employer_basic + employer_critical_illness + individual_pooled_fund
           + individual_personal_account + individual_critical_illness,
       retiree_account_credit, %(now)s
FROM parts
ON CONFLICT (person_id, month) DO NOTHING
"""


def assessment_insert(
    *, municipality: Municipality, county: County, month: datetime.date, parameters: dict
) -> int:
    """Insert the missing assessments of ``county`` for ``month``; returns rows added.

    On PostgreSQL one set-based statement. SQLite stores decimals as floating point, so there
    the same arithmetic runs in Python on ``Decimal`` (the quick-start database only).
    """
    values = {
        **parameters,
        "municipality": municipality.pk,
        "county": county.pk,
        "month": month,
        "year": month.year,
        "now": timezone.now(),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(ASSESSMENT_SQL, values)
            return cursor.rowcount
    return _assessment_insert_portable(values)


def assessment_amounts(
    *,
    scope: str,
    unit_type: str,
    employer_status: str,
    has_employer: bool,
    yearly_wage,
    parameters: dict,
) -> dict:
    """The amounts of one assessment, in Decimal; the same arithmetic as ``ASSESSMENT_SQL``."""
    p = parameters
    employer_basic = maternity = employer_ci = individual_pooled = personal_account = ZERO
    retiree_credit = ZERO
    individual_ci = p["critical_illness_premium"]
    base = ZERO
    if scope in EMPLOYER_SCOPES:
        base = min(max(round_money(yearly_wage / MONTHS_PER_YEAR), p["base_floor"]), p["base_cap"])
        public = unit_type == Employer.UnitType.PUBLIC
        employer_basic = round_money(
            base * p["employer_rate_public" if public else "employer_rate_other"]
        )
        maternity = round_money(
            base * p["maternity_rate_public" if public else "maternity_rate_other"]
        )
        employer_ci = p["critical_illness_employer"]
        personal_account = round_money(base * p["individual_rate"])
        individual_ci = p["critical_illness_premium"] - p["critical_illness_employer"]
    elif scope in FLEXIBLE_SCOPES:
        base = p["flexible_base"]
        individual_pooled = p["flexible_amount"]
    elif scope == Scope.RETIREE:
        retiree_credit = p["retiree_monthly"]
        if has_employer:
            individual_ci = p["critical_illness_premium"] - p["critical_illness_employer"]
            if employer_status != Employer.Status.BANKRUPT:
                employer_ci = p["critical_illness_employer"]
    employer_total = employer_basic + employer_ci
    individual_total = individual_pooled + personal_account + individual_ci
    return {
        "base": base,
        "employer_pooled_fund": employer_basic - maternity,
        "employer_maternity": maternity,
        "employer_critical_illness": employer_ci,
        "individual_pooled_fund": individual_pooled,
        "individual_personal_account": personal_account,
        "individual_critical_illness": individual_ci,
        "employer_total": employer_total,
        "individual_total": individual_total,
        "total_due": employer_total + individual_total,
        "retiree_account_credit": retiree_credit,
    }


def _assessment_insert_portable(values: dict) -> int:
    month = values["month"]
    episodes = (
        EnrollmentEpisode.objects.filter(
            county_id=values["county"], scheme=Scheme.EMPLOYEE, from_month__lte=month
        )
        .filter(Q(to_month__isnull=True) | Q(to_month__gte=month))
        .exclude(person__assessments__month=month)
        .select_related("employer")
    )
    wages = dict(
        InsuredPerson.objects.filter(episodes__in=episodes, bases__year=month.year).values_list(
            "pk", "bases__yearly_wage"
        )
    )
    objects = []
    for episode in episodes.iterator(chunk_size=2000):
        if episode.scope in EMPLOYER_SCOPES and episode.person_id not in wages:
            continue
        employer = episode.employer
        amounts = assessment_amounts(
            scope=episode.scope,
            unit_type=employer.unit_type if employer else "",
            employer_status=employer.status if employer else "",
            has_employer=employer is not None,
            yearly_wage=Decimal(wages.get(episode.person_id) or 0),
            parameters=values,
        )
        objects.append(
            Assessment(
                municipality_id=values["municipality"],
                county_id=values["county"],
                person_id=episode.person_id,
                employer_id=episode.employer_id,
                episode=episode,
                month=month,
                scope=episode.scope,
                unit_type=employer.unit_type if employer else "",
                **amounts,
            )
        )
    before = Assessment.objects.filter(county_id=values["county"], month=month).count()
    Assessment.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
    return Assessment.objects.filter(county_id=values["county"], month=month).count() - before


# Collections -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedCollectionRow:
    number: int
    payer_code: str
    month: datetime.date
    amount: Decimal


def collection_rows_parse(
    table: list[tuple[int, dict]],
) -> tuple[list[ParsedCollectionRow], ImportReport]:
    """Read payer code, month (YYYY-MM) and amount of every row, reporting what is unreadable."""
    report = ImportReport()
    parsed = []
    for number, row in table:
        code = row.get("payer_code", "").strip().upper()
        if len(code) != 18:
            report.add(
                number,
                "payer_code",
                code,
                gettext_lazy("The payer is an 18-character credit code or resident ID."),
            )
        try:
            month = parse_month(row.get("month", "")[:7])
        except ValidationError as error:
            report.add(number, "month", row.get("month", ""), error)
            month = None
        amount = parse_amount(row.get("amount", ""))
        if amount is None:
            report.add(
                number,
                "amount",
                row.get("amount", ""),
                gettext_lazy("Not an amount in yuan with at most two decimals, zero or more."),
            )
        if len(code) == 18 and month is not None and amount is not None:
            parsed.append(ParsedCollectionRow(number, code, month, amount))
    report.valid_rows = len(parsed)
    return parsed, report


_PARTS = ("pooled_fund", "maternity", "personal_account", "critical_illness")


def _allocation_for(
    assessment: dict, batch: CollectionBatch, row: CollectionRow
) -> CollectionAllocation:
    return CollectionAllocation(
        row=row,
        batch=batch,
        assessment_id=assessment["pk"],
        county_id=assessment["county_id"],
        person_id=assessment["person_id"],
        month=assessment["month"],
        pooled_fund=assessment["employer_pooled_fund"] + assessment["individual_pooled_fund"],
        maternity=assessment["employer_maternity"],
        personal_account=assessment["individual_personal_account"],
        critical_illness=assessment["employer_critical_illness"]
        + assessment["individual_critical_illness"],
        amount=assessment["total_due"],
    )


def collection_match(
    *, municipality: Municipality, batch: CollectionBatch, parsed: list[ParsedCollectionRow]
) -> tuple[list[CollectionRow], list[CollectionAllocation]]:
    """Match parsed rows to unpaid assessments (one query per kind, no query per row).

    An assessment is paid once, fully: it is allocated when a row covers its whole amount.
    """
    codes = {row.payer_code for row in parsed}
    months = {row.month for row in parsed}
    people = dict(
        InsuredPerson.objects.filter(municipality=municipality, id_number__in=codes).values_list(
            "id_number", "pk"
        )
    )
    employers = {
        code: (pk, county_id)
        for code, pk, county_id in Employer.objects.filter(
            municipality=municipality, credit_code__in=codes
        ).values_list("credit_code", "pk", "county_id")
    }
    fields = [
        "pk", "county_id", "person_id", "employer_id", "month", "total_due",
        "employer_pooled_fund", "individual_pooled_fund", "employer_maternity",
        "individual_personal_account", "employer_critical_illness", "individual_critical_illness",
    ]  # fmt: skip
    assessments = Assessment.objects.filter(municipality=municipality, month__in=months).filter(
        Q(person_id__in=people.values())
        | Q(employer_id__in=[pk for pk, _county in employers.values()])
    )
    paid = set(
        CollectionAllocation.objects.filter(assessment__in=assessments).values_list(
            "assessment_id", flat=True
        )
    )
    by_person: dict[tuple, dict] = {}
    by_employer: dict[tuple, list[dict]] = {}
    for assessment in assessments.values(*fields):
        by_person[(assessment["person_id"], assessment["month"])] = assessment
        if assessment["employer_id"] is not None:
            by_employer.setdefault((assessment["employer_id"], assessment["month"]), []).append(
                assessment
            )
    seen: set[tuple] = set()
    rows: list[CollectionRow] = []
    allocations: list[CollectionAllocation] = []
    for item in parsed:
        row = CollectionRow(
            batch=batch,
            row_number=item.number,
            payer_code=item.payer_code,
            month=item.month,
            amount=item.amount,
        )
        rows.append(row)
        key = (item.payer_code, item.month)
        if key in seen:
            _report(
                row,
                CollectionRow.Outcome.DUPLICATE,
                _("The same payer and month appear earlier in this file."),
            )
            continue
        seen.add(key)
        if item.payer_code in people:
            row.person_id = people[item.payer_code]
            found = by_person.get((row.person_id, item.month))
            due_list = [found] if found is not None else []
            if found is not None:
                row.county_id = found["county_id"]
        elif item.payer_code in employers:
            row.employer_id, row.county_id = employers[item.payer_code]
            due_list = by_employer.get((row.employer_id, item.month), [])
        else:
            _report(
                row,
                CollectionRow.Outcome.UNMATCHED,
                _("No insured person or employer has this code."),
            )
            continue
        if not due_list:
            _report(
                row,
                CollectionRow.Outcome.UNMATCHED,
                _("Nothing is assessed for this payer and month."),
            )
            continue
        unpaid = [assessment for assessment in due_list if assessment["pk"] not in paid]
        due = sum((assessment["total_due"] for assessment in unpaid), ZERO)
        if not unpaid:
            _report(row, CollectionRow.Outcome.OVERPAID, _("This month is already paid."))
            continue
        if item.amount < due:
            _report(
                row,
                CollectionRow.Outcome.UNDERPAID,
                _("Paid %(paid)s of %(due)s owed; nothing allocated.")
                % {"paid": item.amount, "due": due},
            )
            continue
        paid.update(assessment["pk"] for assessment in unpaid)
        allocations.extend(_allocation_for(assessment, batch, row) for assessment in unpaid)
        row.allocated_amount = due
        row.unallocated_amount = item.amount - due
        if row.unallocated_amount:
            row.outcome = CollectionRow.Outcome.OVERPAID
            row.reason = _("Paid %(excess)s more than the %(due)s owed.") % {
                "excess": row.unallocated_amount,
                "due": due,
            }
        else:
            row.outcome = CollectionRow.Outcome.MATCHED
    return rows, allocations


def _report(row: CollectionRow, outcome: str, reason: str) -> None:
    row.outcome = outcome
    row.reason = reason[:300]
    row.allocated_amount = ZERO
    row.unallocated_amount = row.amount


# Top-ups (N 三(二)3–4) --------------------------------------------------------------------------


class TopUpCase:
    RETIRING_SHORT = "retiring_short"
    NEVER_ENROLLED_RETIREE = "never_enrolled_retiree"
    FLEXIBLE_RETIREE = "flexible_retiree"
    BANKRUPT_RETIREE = "bankrupt_retiree"

    CHOICES = [
        (RETIRING_SHORT, gettext_lazy("retiring with fewer than the minimum years (N 三(二)3)")),
        (NEVER_ENROLLED_RETIREE, gettext_lazy("enterprise retiree never enrolled (N 三(二)3)")),
        (FLEXIBLE_RETIREE, gettext_lazy("flexible-worker retiree never enrolled (N 三(二)3)")),
        (BANKRUPT_RETIREE, gettext_lazy("retiree of a bankrupt employer (N 三(二)4)")),
    ]


@dataclass(frozen=True)
class TopUpQuote:
    case: str
    payer: str
    base: Decimal
    rate: Decimal
    months: int
    amount: Decimal
    formula: str
    critical_illness_years: int = 0
    critical_illness_amount: Decimal = ZERO
    critical_illness_formula: str = ""
    individual_critical_illness_yearly: Decimal = ZERO
    total: Decimal = ZERO
    benefits_from: datetime.date | None = None


def _whole_years(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def top_up_quote(
    *,
    municipality: Municipality,
    case: str,
    on: datetime.date,
    months_paid: int = 0,
    last_base: Decimal | None = None,
    last_pension: Decimal | None = None,
    birth_date: datetime.date | None = None,
    bankruptcy_date: datetime.date | None = None,
) -> TopUpQuote:
    """The one-off top-up of N 三(二)3–4 with its formula, using the rules in force on ``on``.

    - retiring_short: the employer (a flexible worker: the person) pays the missing months
      to ``minimum_contribution_years`` at ``top_up_rate`` on the last contribution base;
    - never_enrolled_retiree: the employer pays ten years at ``top_up_rate`` on last month's
      pension, floored at the year's minimum base (floor share × average wage / 12);
    - flexible_retiree: the person pays ten years at ``top_up_rate`` on the provincial
      average wage / 12;
    - bankrupt_retiree: as the pension case for the missing months (all ten years when never
      enrolled), plus the employer's critical-illness part for (life expectancy − age at
      bankruptcy) years at once; the individual part is deducted yearly from the account.
    Benefits start the month after payment. Top-ups never go to the personal account.
    """

    def rule(key: str) -> Decimal:
        return rule_value(municipality=municipality, key=key, on=on)

    errors: dict[str, str] = {}
    rate = rule("top_up_rate")
    required_months = int(rule("minimum_contribution_years")) * MONTHS_PER_YEAR
    minimum_base = round_money(
        rule("provincial_average_wage") / MONTHS_PER_YEAR * rule("base_floor_share")
    )
    if months_paid < 0:
        errors["months_paid"] = _("Months paid cannot be negative.")
    missing = max(required_months - months_paid, 0)
    base_text = ""
    payer = _("employer")
    if case == TopUpCase.RETIRING_SHORT:
        if last_base is None or last_base <= 0:
            errors["last_base"] = _("Enter the last monthly contribution base.")
        base = last_base or ZERO
        base_text = _("last contribution base %(base)s") % {"base": base}
        payer = _("employer (a flexible worker pays himself)")
    elif case in (TopUpCase.NEVER_ENROLLED_RETIREE, TopUpCase.BANKRUPT_RETIREE):
        if last_pension is None or last_pension <= 0:
            errors["last_pension"] = _("Enter last month's pension.")
        pension = last_pension or ZERO
        base = max(pension, minimum_base)
        base_text = _(
            "max(last month's pension %(pension)s, minimum base %(minimum)s) = %(base)s"
        ) % {
            "pension": pension,
            "minimum": minimum_base,
            "base": base,
        }
        if case == TopUpCase.NEVER_ENROLLED_RETIREE:
            missing = required_months
    elif case == TopUpCase.FLEXIBLE_RETIREE:
        base = round_money(rule("provincial_average_wage") / MONTHS_PER_YEAR)
        base_text = _("provincial average wage / 12 = %(base)s") % {"base": base}
        missing = required_months
        payer = _("the person")
    else:
        raise ValidationError({"case": _("Unknown top-up case.")})
    ci_years, ci_amount, ci_formula, ci_yearly = 0, ZERO, "", ZERO
    if case == TopUpCase.BANKRUPT_RETIREE:
        if birth_date is None:
            errors["birth_date"] = _("Enter the birth date.")
        if bankruptcy_date is None:
            errors["bankruptcy_date"] = _("Enter the bankruptcy date.")
        if birth_date and bankruptcy_date:
            age = _whole_years(birth_date, bankruptcy_date)
            ci_years = max(int(rule("provincial_life_expectancy")) - age, 0)
            employer_part = rule("critical_illness_employer_part")
            ci_amount = round_money(employer_part * MONTHS_PER_YEAR * ci_years)
            ci_formula = _(
                "%(part)s × 12 × (life expectancy %(expectancy)s − age at bankruptcy %(age)s = "
                "%(years)s years) = %(amount)s"
            ) % {
                "part": employer_part,
                "expectancy": int(rule("provincial_life_expectancy")),
                "age": age,
                "years": ci_years,
                "amount": ci_amount,
            }
            ci_yearly = round_money(
                (rule("critical_illness_premium") - employer_part) * MONTHS_PER_YEAR
            )
    if errors:
        raise ValidationError(errors)
    amount = round_money(base * rate * missing)
    formula = _("%(base_text)s × %(rate)s × %(months)s missing months = %(amount)s") % {
        "base_text": base_text,
        "rate": rate.normalize(),
        "months": missing,
        "amount": amount,
    }
    return TopUpQuote(
        case=case,
        payer=payer,
        base=base,
        rate=rate,
        months=missing,
        amount=amount,
        formula=formula,
        critical_illness_years=ci_years,
        critical_illness_amount=ci_amount,
        critical_illness_formula=ci_formula,
        individual_critical_illness_yearly=ci_yearly,
        total=amount + ci_amount,
        benefits_from=(on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1),
    )
