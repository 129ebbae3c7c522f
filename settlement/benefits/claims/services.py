"""Writes of the claims (J 二(四)2; DOMAIN §15): a claim entered by form or API, a file of
claims imported with a row report, a refund (退费) as a reversing claim, and the set-based
settlement of a month's claims.

Screening (every entry path): the person is insured on the admission date and entitled
(N 三(三): the month after the first paid month, a first-time flexible worker after the
waiting months); the institution is designated, active and in agreement on the dates; the
in-policy amount is the total less the three self-paid parts; the settlement id is new; the
settlement month is not closed; a specified-disease claim has an approved application, a
referred-out claim an approved out-of-area filing; a benefit standard is in force.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import InsuredPerson
from enrollment.people.services import require_county_in_scope
from enrollment.personal_accounts.models import PersonalAccountMovement
from funds.ledger.models import ClosedMonth, FundType
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.imports import ImportReport, RowImport, row_import
from pooling.core.money import month_start
from pooling.structure.models import Municipality
from pooling.structure.selectors import counties_for
from settlement.benefits.claims.models import Claim
from settlement.benefits.claims.selectors import (
    ScreeningFacts,
    episode_on,
    person_category_of,
    screening_facts,
)
from settlement.benefits.models import BenefitStatement
from settlement.benefits.standards.models import (
    BenefitStandard,
    InstitutionLevel,
    MedicalType,
    Referral,
)
from settlement.institutions.models import DesignatedInstitution

AMOUNTS = ("medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt")


@dataclass
class ClaimInput:
    """A claim as an institution sends it (the national interface's names)."""

    institution: DesignatedInstitution | None
    person: InsuredPerson | None
    setl_id: str
    med_type: str
    referral: str
    begndate: datetime.date
    setl_time: datetime.datetime
    medfee_sumamt: Decimal
    fulamt_ownpay_amt: Decimal
    overlmt_selfpay: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal
    acct_used_flag: bool = False


def _month_text(month: datetime.date) -> str:
    return month.strftime("%Y-%m")


def claim_refusals(
    claim: ClaimInput, facts: ScreeningFacts
) -> tuple[list[tuple[str, ValidationError]], dict]:
    """The reasons ``claim`` is refused, each with the field it concerns, and (when none)
    the scheme, category and standard it will be settled under."""
    refusals: list[tuple[str, ValidationError]] = []

    def refuse(field_name: str, message, code: str, **params) -> None:
        refusals.append((field_name, ValidationError(message, code=code, params=params)))

    expected = claim.medfee_sumamt - claim.fulamt_ownpay_amt - claim.overlmt_selfpay
    expected -= claim.preselfpay_amt
    if claim.inscp_scp_amt != expected:
        refuse(
            "inscp_scp_amt",
            _(
                "The in-policy amount %(given)s is not the total less the three self-paid "
                "parts (%(expected)s)."
            ),
            "amounts_inconsistent",
            given=f"{claim.inscp_scp_amt:,.2f}",
            expected=f"{expected:,.2f}",
        )
    local_time = timezone.localtime(claim.setl_time)
    if local_time.date() < claim.begndate:
        refuse(
            "setl_time",
            _("The settlement time is before the admission date %(day)s."),
            "settled_before_admission",
            day=claim.begndate.isoformat(),
        )
    month = month_start(local_time.date())
    if month in facts.closed_months:
        refuse(
            "setl_time",
            _("The month %(month)s is closed and accepts no claims."),
            "month_closed",
            month=_month_text(month),
        )
    if claim.setl_id in facts.taken_setl_ids:
        refuse(
            "setl_id",
            _("The settlement id %(setl_id)s has already been received."),
            "duplicate_settlement",
            setl_id=claim.setl_id,
        )
    _institution_refusals(claim, refuse)
    settled_under: dict = {}
    person = claim.person
    if person is None:
        return refusals, settled_under
    episode = episode_on(facts, person.pk, month_start(claim.begndate))
    if episode is None:
        refuse(
            "person",
            _("%(name)s is not insured on %(day)s."),
            "not_insured",
            name=person.name,
            day=claim.begndate.isoformat(),
        )
        return refusals, settled_under
    category = person_category_of(episode.scope)
    entitled = facts.entitled_from.get(person.pk)
    if category != "retired" and (entitled is None or entitled > claim.begndate):
        refuse(
            "person",
            _("%(name)s is not yet entitled on %(day)s (benefits start %(start)s)."),
            "not_entitled",
            name=person.name,
            day=claim.begndate.isoformat(),
            start=_month_text(entitled) if entitled else _("after the first paid month"),
        )
    if claim.med_type == MedicalType.SPECIFIED_DISEASE and not any(
        start is not None and start <= claim.begndate
        for start in facts.approved_diseases.get(person.pk, [])
    ):
        refuse(
            "med_type",
            _("%(name)s has no approved specified-disease application on %(day)s."),
            "no_disease_approval",
            name=person.name,
            day=claim.begndate.isoformat(),
        )
    if claim.referral == Referral.REFERRED_OUT and not any(
        start <= claim.begndate <= end for start, end in facts.filings.get(person.pk, [])
    ):
        refuse(
            "referral",
            _("%(name)s has no approved out-of-area filing covering %(day)s."),
            "no_filing",
            name=person.name,
            day=claim.begndate.isoformat(),
        )
    institution = claim.institution
    if institution is not None and institution.level in InstitutionLevel.values:
        combination = {
            "scheme": episode.scheme,
            "person_category": category,
            "institution_level": institution.level,
            "medical_type": claim.med_type,
            "referral": claim.referral,
        }
        standard = facts.standard_for(on=claim.begndate, **combination)
        if standard is None:
            refuse(
                "med_type",
                _(
                    "No benefit standard is in force on %(day)s for this claim; add one under "
                    "Benefit standards."
                ),
                "no_standard",
                day=claim.begndate.isoformat(),
            )
        settled_under = {"scheme": episode.scheme, "person_category": category}
    return refusals, settled_under


def _institution_refusals(claim: ClaimInput, refuse) -> None:
    institution = claim.institution
    if institution is None:
        return
    if (
        institution.kind != DesignatedInstitution.Kind.HOSPITAL
        or institution.status != DesignatedInstitution.Status.ACTIVE
    ):
        refuse(
            "institution",
            _("%(name)s is not a designated hospital in service (%(status)s)."),
            "not_designated",
            name=institution.name,
            status=institution.get_status_display(),
        )
    settled_on = timezone.localtime(claim.setl_time).date()
    if not (
        institution.agreement_from <= claim.begndate and settled_on <= institution.agreement_to
    ):
        refuse(
            "institution",
            _(
                "%(name)s has no agreement covering %(start)s to %(end)s (agreement %(from)s to "
                "%(to)s)."
            ),
            "outside_agreement",
            name=institution.name,
            start=claim.begndate.isoformat(),
            end=settled_on.isoformat(),
            **{
                "from": institution.agreement_from.isoformat(),
                "to": institution.agreement_to.isoformat(),
            },
        )


def _facts_for(municipality: Municipality, claims: list[ClaimInput]) -> ScreeningFacts:
    return screening_facts(
        municipality=municipality,
        person_ids=sorted({claim.person.pk for claim in claims if claim.person is not None}),
        setl_ids=[claim.setl_id for claim in claims],
        on=timezone.localdate(),
    )


def _new_claim(
    municipality: Municipality, claim: ClaimInput, settled_under: dict, actor: User | None
) -> Claim:
    return Claim(
        municipality=municipality,
        county_id=claim.institution.county_id,
        institution=claim.institution,
        person=claim.person,
        setl_id=claim.setl_id,
        med_type=claim.med_type,
        referral=claim.referral,
        begndate=claim.begndate,
        setl_time=claim.setl_time,
        month=month_start(timezone.localtime(claim.setl_time).date()),
        acct_used_flag=claim.acct_used_flag,
        medfee_sumamt=claim.medfee_sumamt,
        fulamt_ownpay_amt=claim.fulamt_ownpay_amt,
        overlmt_selfpay=claim.overlmt_selfpay,
        preselfpay_amt=claim.preselfpay_amt,
        inscp_scp_amt=claim.inscp_scp_amt,
        entered_by=actor if actor is not None and actor.pk else None,
        **settled_under,
    )


@transaction.atomic(durable=True)
def claim_enter(*, claim: ClaimInput, actor: User) -> Claim:
    """Accept one claim after screening it (see the module docstring); a refused claim raises
    a ``ValidationError`` naming each reason on its field."""
    require_county_in_scope(actor=actor, county=claim.institution.county)
    municipality = claim.institution.municipality
    refusals, settled_under = claim_refusals(claim, _facts_for(municipality, [claim]))
    if refusals:
        errors: dict[str, list[ValidationError]] = {}
        for name, error in refusals:
            errors.setdefault(name, []).append(error)
        raise ValidationError(errors)
    stored = _new_claim(municipality, claim, settled_under, actor)
    stored.save()
    audit_record(
        actor=actor,
        action="claim.enter",
        instance=stored,
        municipality=municipality,
        county=stored.county,
    )
    return stored


# The import file's columns: the national names, as they are (an institution's export maps
# one to one), plus the person's ID number and the institution's code.
CLAIM_COLUMNS = {
    "setl_id": "setl_id",
    "certno": "certno",
    "fixmedins_code": "fixmedins_code",
    "med_type": "med_type",
    "referral": "referral",
    "begndate": "begndate",
    "setl_time": "setl_time",
    "acct_used_flag": "acct_used_flag",
    **{name: name for name in (*AMOUNTS, "inscp_scp_amt")},
}
REQUIRED_COLUMNS = (
    "setl_id",
    "certno",
    "fixmedins_code",
    "med_type",
    "begndate",
    "setl_time",
    *AMOUNTS,
    "inscp_scp_amt",
)


class ClaimImport(RowImport[ClaimInput]):
    """A file of claims through ``row_import``: people and institutions looked up once, each
    row screened like a claim entered by form, duplicate settlement ids within the file
    refused."""

    columns = CLAIM_COLUMNS
    required = REQUIRED_COLUMNS

    def __init__(self, *, municipality: Municipality, actor: User):
        self.municipality = municipality
        self.actor = actor
        self.facts = ScreeningFacts()

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        ids = {values.get("certno", "").strip().upper() for _number, values in rows}
        codes = {values.get("fixmedins_code", "").strip().upper() for _number, values in rows}
        self.people = {
            person.id_number: person
            for person in InsuredPerson.objects.filter(
                municipality=self.municipality, id_number__in=ids
            )
        }
        self.institutions = {
            institution.code: institution
            for institution in DesignatedInstitution.objects.filter(
                municipality=self.municipality, code__in=codes
            )
        }
        self.facts = screening_facts(
            municipality=self.municipality,
            person_ids=sorted(person.pk for person in self.people.values()),
            setl_ids=[values.get("setl_id", "").strip() for _number, values in rows],
            on=timezone.localdate(),
        )
        self.settled_under: dict[str, dict] = {}

    def screen(self, number: int, values: dict[str, str], report: ImportReport):
        parsed = self._parse(number, values, report)
        if parsed is None:
            return None
        if parsed.institution.county_id not in self._counties():
            report.add(
                number,
                "fixmedins_code",
                values["fixmedins_code"],
                _("This institution is outside your county."),
            )
            return None
        refusals, settled_under = claim_refusals(parsed, self.facts)
        for name, error in refusals:
            column = {"person": "certno", "institution": "fixmedins_code"}.get(name, name)
            report.add(number, column, values.get(column, ""), error)
        self.settled_under[parsed.setl_id] = settled_under
        return parsed

    def _counties(self) -> set[int]:
        if not hasattr(self, "_county_ids"):
            self._county_ids = set(counties_for(user=self.actor).values_list("pk", flat=True))
        return self._county_ids

    def _parse(self, number: int, values: dict[str, str], report: ImportReport):
        errors_before = report.error_count
        setl_id = values.get("setl_id", "").strip()
        if not setl_id or len(setl_id) > 40:
            report.add(
                number, "setl_id", setl_id, _("Give the settlement id (at most 40 characters).")
            )
        person = self.people.get(values.get("certno", "").strip().upper())
        if person is None:
            report.add(
                number, "certno", values.get("certno"), _("No insured person has this ID number.")
            )
        institution = self.institutions.get(values.get("fixmedins_code", "").strip().upper())
        if institution is None:
            report.add(
                number,
                "fixmedins_code",
                values.get("fixmedins_code"),
                _("No designated institution has this code."),
            )
        med_type = values.get("med_type", "").strip()
        if med_type not in MedicalType.values:
            report.add(number, "med_type", med_type, _("Unknown medical type."))
        referral = values.get("referral", "").strip() or Referral.IN_CITY
        if referral not in Referral.values:
            report.add(number, "referral", referral, _("Unknown referral."))
        begndate = _parse_date(values.get("begndate", ""))
        if begndate is None:
            report.add(number, "begndate", values.get("begndate"), _("Give a date as YYYY-MM-DD."))
        setl_time = _parse_time(values.get("setl_time", ""))
        if setl_time is None:
            report.add(
                number,
                "setl_time",
                values.get("setl_time"),
                _("Give a time as YYYY-MM-DD HH:MM:SS."),
            )
        amounts = {}
        for name in (*AMOUNTS, "inscp_scp_amt"):
            amounts[name] = report.amount(number, name, values.get(name, ""))
        flag = values.get("acct_used_flag", "").strip()
        if flag not in ("", "0", "1"):
            report.add(number, "acct_used_flag", flag, _("Give 1 (pay from the account) or 0."))
        if report.error_count > errors_before:
            return None
        return ClaimInput(
            institution=institution,
            person=person,
            setl_id=setl_id,
            med_type=med_type,
            referral=referral,
            begndate=begndate,
            setl_time=setl_time,
            acct_used_flag=flag == "1",
            **amounts,
        )

    def check_rows(self, clean, report):
        seen: set[str] = set()
        kept = []
        for number, claim in clean:
            if claim.setl_id in seen:
                report.add(
                    number,
                    "setl_id",
                    claim.setl_id,
                    _("The settlement id appears twice in the file."),
                )
                continue
            seen.add(claim.setl_id)
            kept.append((number, claim))
        return kept

    def write(self, rows: list[ClaimInput]) -> int:
        return len(
            Claim.objects.bulk_create(
                [
                    _new_claim(
                        self.municipality, claim, self.settled_under[claim.setl_id], self.actor
                    )
                    for claim in rows
                ],
                batch_size=2000,
            )
        )

    def audit(self, report: ImportReport) -> None:
        audit_record(
            actor=self.actor,
            action="claim.import",
            instance=self.municipality,
            after={"imported": report.imported, "errors": len(report.errors)},
            municipality=self.municipality,
        )


def _parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _parse_time(text: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@transaction.atomic(durable=True)
def claims_import(
    *,
    municipality: Municipality,
    file_name: str,
    content: bytes,
    actor: User,
    import_valid_rows: bool = False,
) -> ImportReport:
    """Import a CSV/XLSX file of claims (national column names). A file with any refused row
    imports nothing unless ``import_valid_rows``; the report names each row's reasons."""
    return row_import(
        ClaimImport(municipality=municipality, actor=actor),
        file_name=file_name,
        content=content,
        import_valid_rows=import_valid_rows,
    )


@transaction.atomic(durable=True)
def claim_refund(*, claim: Claim, setl_id: str, setl_time: datetime.datetime, actor: User) -> Claim:
    """A refund (退费) of a settled claim: a reversing claim with the original's amounts
    negated; its settlement reverses the original's outputs and the person's accumulators
    follow (DOMAIN §15)."""
    require_county_in_scope(actor=actor, county=claim.county)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.is_refund:
        raise ValidationError({"claim": _("A refund cannot itself be refunded.")})
    if locked.status != Claim.Status.SETTLED:
        raise ValidationError(
            {"claim": _("Only a settled claim can be refunded; settle it first.")}
        )
    if Claim.objects.filter(reverses=locked).exists():
        raise ValidationError({"claim": _("This claim has already been refunded.")})
    if setl_time < locked.setl_time:
        raise ValidationError(
            {
                "setl_time": _("A refund comes after the claim it reverses (%(time)s).")
                % {"time": timezone.localtime(locked.setl_time).strftime("%Y-%m-%d %H:%M")}
            }
        )
    month = month_start(timezone.localtime(setl_time).date())
    if Claim.objects.filter(municipality=locked.municipality, setl_id=setl_id).exists():
        raise ValidationError(
            {
                "setl_id": _("The settlement id %(setl_id)s has already been received.")
                % {"setl_id": setl_id}
            }
        )
    if ClosedMonth.objects.filter(municipality=locked.municipality, month=month).exists():
        raise ValidationError(
            {
                "setl_time": _("The month %(month)s is closed and accepts no claims.")
                % {"month": _month_text(month)}
            }
        )
    refund = Claim.objects.create(
        municipality=locked.municipality,
        county=locked.county,
        institution=locked.institution,
        person=locked.person,
        setl_id=setl_id,
        med_type=locked.med_type,
        referral=locked.referral,
        begndate=locked.begndate,
        setl_time=setl_time,
        month=month,
        scheme=locked.scheme,
        person_category=locked.person_category,
        acct_used_flag=locked.acct_used_flag,
        reverses=locked,
        entered_by=actor,
        **{name: -getattr(locked, name) for name in (*AMOUNTS, "inscp_scp_amt")},
    )
    audit_record(
        actor=actor,
        action="claim.refund",
        instance=refund,
        municipality=refund.municipality,
        county=refund.county,
    )
    return refund


# The settlement of a month, in one statement (J 二(四)2, DOMAIN §15). For every person with a
# claim in the month, all their claims of the year up to the month are priced in settlement-
# time order by window functions over the person's running totals:
#
# 1. admission number: the running count of inpatient claims (a refund counts −1);
# 2. act_pay_dedc: the deductible of the standard (the second-admission one from the second
#    admission where set), at most the in-policy amount;
# 3. the basic fund's uncapped payment: (in-policy − deductible) × ratio, half-up to the fen;
# 4. hifp_pay under the annual ceiling L: the fund paid so far follows C_i = min(C_{i−1} + x_i,
#    L), which is S_i − max_{j≤i}(S_j − L)⁺ with S the running sum of the uncapped payments
#    (a refund's x is minus the original's payment, so the accumulator gives it back);
# 5. above the ceiling: the in-policy cost the ceiling left unpaid, × the segment ratio, under
#    the segment's own annual ceiling the same way → hifmi_pay or hifob_pay by the standard;
# 6. fund_pay_sumamt, psn_part_amt = total − funds;
# 7. acct_pay: where the person pays by account, the person's part within the personal-account
#    balance of the month less what earlier claims of the year took (the same running form);
#    psn_cash_pay the rest.
# A refund's outputs are the original's negated. Re-running gives the same figures.
_SETTLE_SQL = """
WITH target AS (
    SELECT DISTINCT person_id FROM {claim}
    WHERE municipality_id = %(municipality)s AND month = %(month)s
), base AS (
    SELECT c.id, c.person_id, c.setl_time, c.reverses_id, c.med_type, c.acct_used_flag,
           c.medfee_sumamt, c.inscp_scp_amt,
           s.id AS standard_id, s.deductible, s.deductible_repeat, s.payment_ratio,
           s.annual_ceiling, s.segment_fund, s.segment_ratio, s.segment_ceiling,
           o.act_pay_dedc AS o_dedc, o.hifp_pay AS o_hifp, o.segment_base AS o_segment_base,
           o.hifmi_pay + o.hifob_pay AS o_segment, o.acct_pay AS o_acct,
           o.pool_prop_selfpay AS o_ratio,
           CASE WHEN c.acct_used_flag THEN COALESCE((
               SELECT SUM(m.amount) FROM {movement} m
               WHERE m.person_id = c.person_id AND m.month <= c.month
           ), 0) ELSE 0 END AS balance,
           SUM(CASE WHEN c.med_type = 'inpatient'
                    THEN CASE WHEN c.reverses_id IS NULL THEN 1 ELSE -1 END ELSE 0 END)
               OVER person_year AS admission_number
    FROM {claim} c
    JOIN target t ON t.person_id = c.person_id
    JOIN {institution} i ON i.id = c.institution_id
    JOIN {standard} s
      ON s.municipality_id = c.municipality_id AND s.scheme = c.scheme
     AND s.person_category = c.person_category AND s.medical_type = c.med_type
     AND s.referral = c.referral AND s.institution_level = i.level
     AND s.effective_from <= c.begndate
     AND (s.effective_to IS NULL OR s.effective_to >= c.begndate)
    LEFT JOIN {claim} o ON o.id = c.reverses_id
    WHERE c.municipality_id = %(municipality)s
      AND c.month >= %(year_start)s AND c.month <= %(month)s
    WINDOW person_year AS (PARTITION BY c.person_id ORDER BY c.setl_time, c.id)
), deductible AS (
    SELECT b.*,
           CASE WHEN b.reverses_id IS NOT NULL THEN -b.o_dedc
                ELSE LEAST(b.inscp_scp_amt,
                           CASE WHEN b.med_type = 'inpatient' AND b.admission_number >= 2
                                     AND b.deductible_repeat IS NOT NULL
                                THEN b.deductible_repeat ELSE b.deductible END)
           END AS dedc
    FROM base b
), uncapped AS (
    SELECT d.*,
           CASE WHEN d.reverses_id IS NOT NULL THEN -d.o_hifp
                ELSE ROUND((d.inscp_scp_amt - d.dedc) * d.payment_ratio, 2) END AS basic_x
    FROM deductible d
), basic_sum AS (
    SELECT u.*, SUM(u.basic_x) OVER person_year AS basic_s
    FROM uncapped u WINDOW person_year AS (PARTITION BY u.person_id ORDER BY u.setl_time, u.id)
), basic AS (
    SELECT b.*,
           b.basic_s - MAX(GREATEST(b.basic_s - b.annual_ceiling, 0)) OVER person_year
               AS used_after
    FROM basic_sum b
    WINDOW person_year AS (PARTITION BY b.person_id ORDER BY b.setl_time, b.id)
), basic_paid AS (
    SELECT b.*,
           COALESCE(LAG(b.used_after) OVER person_year, 0) AS used_before
    FROM basic b WINDOW person_year AS (PARTITION BY b.person_id ORDER BY b.setl_time, b.id)
), segment_input AS (
    SELECT p.*,
           p.used_after - p.used_before AS hifp,
           CASE WHEN p.reverses_id IS NOT NULL THEN -p.o_segment_base
                WHEN p.payment_ratio = 0 THEN 0
                ELSE ROUND((p.basic_x - (p.used_after - p.used_before)) / p.payment_ratio, 2)
           END AS segment_base_amount
    FROM basic_paid p
), segment_x AS (
    SELECT s.*,
           CASE WHEN s.reverses_id IS NOT NULL THEN -s.o_segment
                WHEN s.segment_fund = 'none' THEN 0
                ELSE ROUND(s.segment_base_amount * s.segment_ratio, 2) END AS seg_x
    FROM segment_input s
), segment_sum AS (
    SELECT s.*, SUM(s.seg_x) OVER person_year AS seg_s
    FROM segment_x s WINDOW person_year AS (PARTITION BY s.person_id ORDER BY s.setl_time, s.id)
), segment AS (
    SELECT s.*,
           s.seg_s - MAX(GREATEST(s.seg_s - s.segment_ceiling, 0)) OVER person_year AS seg_after
    FROM segment_sum s
    WINDOW person_year AS (PARTITION BY s.person_id ORDER BY s.setl_time, s.id)
), segment_paid AS (
    SELECT s.*,
           s.seg_after - COALESCE(LAG(s.seg_after) OVER person_year, 0) AS seg_pay
    FROM segment s WINDOW person_year AS (PARTITION BY s.person_id ORDER BY s.setl_time, s.id)
), person_part AS (
    SELECT s.*,
           s.medfee_sumamt - s.hifp - s.seg_pay AS psn_part,
           CASE WHEN s.reverses_id IS NOT NULL THEN -s.o_acct
                WHEN s.acct_used_flag THEN s.medfee_sumamt - s.hifp - s.seg_pay
                ELSE 0 END AS acct_x
    FROM segment_paid s
), account_sum AS (
    SELECT p.*,
           SUM(p.acct_x) OVER person_year AS acct_s,
           CASE WHEN p.acct_used_flag THEN p.balance ELSE NULL END AS barrier
    FROM person_part p
    WINDOW person_year AS (PARTITION BY p.person_id ORDER BY p.setl_time, p.id)
), account AS (
    SELECT a.*,
           a.acct_s - COALESCE(MAX(GREATEST(a.acct_s - a.barrier, 0)) OVER person_year, 0)
               AS acct_after
    FROM account_sum a
    WINDOW person_year AS (PARTITION BY a.person_id ORDER BY a.setl_time, a.id)
), account_paid AS (
    SELECT a.*,
           CASE WHEN a.reverses_id IS NOT NULL THEN -a.o_acct
                ELSE GREATEST(a.acct_after - COALESCE(LAG(a.acct_after) OVER person_year, 0), 0)
           END AS acct
    FROM account a WINDOW person_year AS (PARTITION BY a.person_id ORDER BY a.setl_time, a.id)
)
UPDATE {claim} AS c SET
    status = 'settled',
    standard_id = r.standard_id,
    admission_number = r.admission_number,
    act_pay_dedc = r.dedc,
    pool_prop_selfpay = r.payment_ratio,
    ceiling_used_before = r.used_before,
    ceiling_used_after = r.used_after,
    hifp_pay = r.hifp,
    segment_base = r.segment_base_amount,
    hifmi_pay = CASE WHEN r.segment_fund = 'critical_illness' THEN r.seg_pay ELSE 0 END,
    hifob_pay = CASE WHEN r.segment_fund = 'large_expense' THEN r.seg_pay ELSE 0 END,
    maf_pay = 0,
    fund_pay_sumamt = r.hifp + r.seg_pay,
    psn_part_amt = r.psn_part,
    account_balance = CASE WHEN r.acct_used_flag THEN r.balance ELSE NULL END,
    acct_pay = r.acct,
    psn_cash_pay = r.psn_part - r.acct,
    settled_at = COALESCE(c.settled_at, %(now)s)
FROM account_paid r
WHERE c.id = r.id
"""


@dataclass(frozen=True)
class SettlementResult:
    settled: int
    unpriced: int


def _settle_sql() -> str:
    return _SETTLE_SQL.format(
        claim=Claim._meta.db_table,
        movement=PersonalAccountMovement._meta.db_table,
        standard=BenefitStandard._meta.db_table,
        institution=DesignatedInstitution._meta.db_table,
    )


@transaction.atomic(durable=True)
def claims_settle(
    *, municipality: Municipality, month: datetime.date, actor: User | None
) -> SettlementResult:
    """Settle the claims of ``month`` set-based (see ``_SETTLE_SQL``): every claim of the
    people with a claim in the month, from January, is priced again in settlement-time
    order, so re-settling gives identical figures. A closed month is refused; claims for which
    no standard is in force stay accepted and are counted as unpriced."""
    month = month_start(month)
    if ClosedMonth.objects.filter(municipality=municipality, month=month).exists():
        raise ValidationError(
            {
                "month": _("The month %(month)s is closed and accepts no claims.")
                % {"month": _month_text(month)}
            }
        )
    # One settlement of a municipality at a time: two would price the same people.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    with connection.cursor() as cursor:
        cursor.execute(
            _settle_sql(),
            {
                "municipality": municipality.pk,
                "month": month,
                "year_start": month.replace(month=1),
                "now": timezone.now(),
            },
        )
    settled = Claim.objects.filter(
        municipality=municipality, month=month, status=Claim.Status.SETTLED
    ).count()
    unpriced = Claim.objects.filter(
        municipality=municipality, month=month, status=Claim.Status.ACCEPTED
    ).count()
    audit_record(
        actor=actor,
        action="claim.settle",
        instance=municipality,
        after={"month": month.isoformat(), "settled": settled, "unpriced": unpriced},
        municipality=municipality,
    )
    return SettlementResult(settled=settled, unpriced=unpriced)


# Which fund pays each output of a claim (DOMAIN §11 fund codes): the scheme's pooled fund,
# the critical-illness insurance (the city's for employees, the residents' own), Jinan's
# large-expense relief fund and the employee personal account.
CLAIM_FUNDS: dict[tuple[str, str], str] = {
    ("employee", "hifp_pay"): "310100",
    ("employee", "hifmi_pay"): "910100",
    ("employee", "hifob_pay"): "330100",
    ("employee", "acct_pay"): "310200",
    ("resident", "hifp_pay"): "390100",
    ("resident", "hifmi_pay"): "390200",
}


@dataclass(frozen=True)
class StatementsFromClaims:
    written: int
    kept: list[str]


@transaction.atomic(durable=True)
def benefit_statements_from_claims(
    *, municipality: Municipality, month: datetime.date, actor: User | None
) -> StatementsFromClaims:
    """Each institution's monthly statement per fund as the sum of its settled claims of
    ``month`` (J 二(四)2): the fund's outputs summed set-based, visits counted net of
    refunds. A statement still awaiting review is (re)written from the claims and marked
    ``from_claims`` — a total typed in for an institution that now sends claims is replaced;
    one already approved or paid is kept and named. Running it again changes nothing."""
    month = month_start(month)
    settled = Claim.objects.filter(
        municipality=municipality, month=month, status=Claim.Status.SETTLED
    )
    funds = {
        fund.code: fund for fund in FundType.objects.filter(code__in=set(CLAIM_FUNDS.values()))
    }
    totals: dict[tuple[int, str], dict] = {}
    for (scheme, output), code in CLAIM_FUNDS.items():
        rows = (
            settled.filter(scheme=scheme)
            .values("institution_id", "institution__county_id")
            .annotate(
                amount=Sum(output),
                visits=Count("pk", filter=Q(reverses__isnull=True, **{f"{output}__gt": 0}))
                - Count("pk", filter=Q(reverses__isnull=False, **{f"{output}__lt": 0})),
            )
        )
        for row in rows:
            key = (row["institution_id"], code)
            entry = totals.setdefault(
                key, {"county": row["institution__county_id"], "amount": 0, "visits": 0}
            )
            entry["amount"] += row["amount"] or 0
            entry["visits"] += row["visits"]
    existing = {
        (statement.institution_id, statement.fund_type.code): statement
        for statement in BenefitStatement.objects.select_for_update()
        .filter(municipality=municipality, month=month)
        .select_related("fund_type", "institution")
        .order_by("pk")
    }
    written, kept = 0, []
    for (institution_id, code), entry in sorted(totals.items()):
        if entry["amount"] <= 0 or code not in funds:
            continue
        statement = existing.get((institution_id, code))
        if statement is None:
            BenefitStatement.objects.create(
                municipality=municipality,
                county_id=entry["county"],
                institution_id=institution_id,
                month=month,
                fund_type=funds[code],
                visits=max(entry["visits"], 0),
                amount_claimed=entry["amount"],
                from_claims=True,
                entered_by=actor if actor is not None and actor.pk else None,
            )
            written += 1
        elif statement.status != BenefitStatement.Status.SUBMITTED:
            if statement.amount_claimed != entry["amount"] or not statement.from_claims:
                kept.append(f"{statement.institution.code} {code}")
        elif (
            statement.amount_claimed != entry["amount"]
            or statement.visits != max(entry["visits"], 0)
            or not statement.from_claims
        ):
            BenefitStatement.objects.filter(pk=statement.pk).update(
                amount_claimed=entry["amount"],
                visits=max(entry["visits"], 0),
                from_claims=True,
            )
            written += 1
    audit_record(
        actor=actor,
        action="benefit_statement.from_claims",
        instance=municipality,
        after={"month": month.isoformat(), "written": written, "kept": kept},
        municipality=municipality,
    )
    return StatementsFromClaims(written=written, kept=kept)
