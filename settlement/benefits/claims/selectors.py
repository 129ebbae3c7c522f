"""Reads of the claims: what a user may list, and the facts a claim is screened against,
looked up set-based once for a whole file (episodes, entitlement, institutions, approvals,
filings, closed months)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from enrollment.care.models import DecisionStatus, DiseaseApplication, OutOfAreaFiling
from enrollment.collection_files.models import CollectionAllocation
from enrollment.contributions.models import Assessment
from enrollment.people.models import (
    FLEXIBLE_SCOPES,
    EnrollmentEpisode,
    InsuredPerson,
    Scheme,
    Scope,
)
from funds.ledger.models import ClosedMonth
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.rules.selectors import RuleNotDefined, rule_value
from pooling.structure.models import Municipality
from pooling.templatetags.pooling_tags import money
from settlement.benefits.claims.models import Claim
from settlement.benefits.standards.models import BenefitStandard, PersonCategory


def claims_for(*, user: User) -> QuerySet[Claim]:
    """The claims ``user`` may see: a county officer's own county's institutions, else the
    city's."""
    return scope_queryset(
        Claim.objects.select_related("institution", "person", "county", "standard"), user
    )


def person_category_of(scope: str) -> str:
    """The benefit category of an enrollment scope: retirees, the resident categories by
    name, everyone else of the employee scheme "in service"."""
    if scope == Scope.RETIREE:
        return PersonCategory.RETIRED
    if scope in PersonCategory.values:
        return scope
    return PersonCategory.IN_SERVICE


@dataclass
class ScreeningFacts:
    """What the claims of one file refer to, loaded once (``screening_facts``)."""

    episodes: dict[int, list[EnrollmentEpisode]] = field(default_factory=dict)
    entitled_from: dict[int, datetime.date] = field(default_factory=dict)
    approved_diseases: dict[int, list[datetime.date]] = field(default_factory=dict)
    filings: dict[int, list[tuple[datetime.date, datetime.date]]] = field(default_factory=dict)
    closed_months: set[datetime.date] = field(default_factory=set)
    standards: list[BenefitStandard] = field(default_factory=list)
    taken_setl_ids: set[str] = field(default_factory=set)

    def standard_for(self, *, on: datetime.date, **combination: str) -> BenefitStandard | None:
        for standard in self.standards:
            if all(getattr(standard, name) == value for name, value in combination.items()) and (
                standard.effective_from <= on
                and (standard.effective_to is None or standard.effective_to >= on)
            ):
                return standard
        return None


# Benefits start the month after the first paid month, a first-time flexible worker's after
# ``flexible_waiting_months`` consecutive paid months (N 三(三)): runs of consecutive paid
# months are islands of (month − its rank); the month after the run reaches the months
# needed is the first entitled month. Retiree months pay nothing and do not count.
_ENTITLEMENT_SQL = """
WITH paid AS (
    SELECT a.person_id, a.month
    FROM {assessment} a
    WHERE a.person_id = ANY(%(people)s) AND a.scope <> 'retiree'
      AND EXISTS (SELECT 1 FROM {allocation} c WHERE c.assessment_id = a.id)
), islands AS (
    SELECT person_id, month,
           month - (ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY month))
               * INTERVAL '1 month' AS island
    FROM paid
), runs AS (
    SELECT person_id, month,
           ROW_NUMBER() OVER (PARTITION BY person_id, island ORDER BY month) AS run
    FROM islands
), needed AS (
    SELECT p.id AS person_id,
           CASE WHEN EXISTS (
               SELECT 1 FROM {episode} e
               WHERE e.person_id = p.id AND e.scheme = 'employee' AND e.first_enrollment
                 AND e.scope = ANY(%(flexible)s)
           ) THEN %(waiting)s ELSE 1 END AS months
    FROM {person} p WHERE p.id = ANY(%(people)s)
)
SELECT r.person_id, (MIN(r.month) + INTERVAL '1 month')::date
FROM runs r JOIN needed n ON n.person_id = r.person_id
WHERE r.run >= n.months
GROUP BY r.person_id
"""


def entitlement_starts(
    *, municipality: Municipality, person_ids: list[int], on: datetime.date
) -> dict[int, datetime.date]:
    """Per person, the first month their benefits are due (N 三(三)), set-based."""
    if not person_ids:
        return {}
    try:
        waiting = int(rule_value(municipality=municipality, key="flexible_waiting_months", on=on))
    except RuleNotDefined:
        waiting = 1
    sql = _ENTITLEMENT_SQL.format(
        assessment=Assessment._meta.db_table,
        allocation=CollectionAllocation._meta.db_table,
        episode=EnrollmentEpisode._meta.db_table,
        person=InsuredPerson._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {"people": person_ids, "flexible": sorted(FLEXIBLE_SCOPES), "waiting": waiting}
        )
        return dict(cursor.fetchall())


def screening_facts(
    *, municipality: Municipality, person_ids: list[int], setl_ids: list[str], on: datetime.date
) -> ScreeningFacts:
    """Everything the claims of a file are checked against, in a handful of queries."""
    facts = ScreeningFacts()
    episodes = defaultdict(list)
    for episode in EnrollmentEpisode.objects.filter(person_id__in=person_ids).order_by(
        "from_month"
    ):
        episodes[episode.person_id].append(episode)
    facts.episodes = dict(episodes)
    facts.entitled_from = entitlement_starts(
        municipality=municipality, person_ids=person_ids, on=on
    )
    diseases = defaultdict(list)
    for person_id, approved_from in DiseaseApplication.objects.filter(
        person_id__in=person_ids, status=DecisionStatus.APPROVED
    ).values_list("person_id", "approved_from"):
        diseases[person_id].append(approved_from)
    facts.approved_diseases = dict(diseases)
    filings = defaultdict(list)
    for person_id, start, end in OutOfAreaFiling.objects.filter(
        person_id__in=person_ids, status=DecisionStatus.APPROVED
    ).values_list("person_id", "valid_from", "valid_to"):
        filings[person_id].append((start, end))
    facts.filings = dict(filings)
    facts.closed_months = set(
        ClosedMonth.objects.filter(municipality=municipality).values_list("month", flat=True)
    )
    facts.standards = list(BenefitStandard.objects.filter(municipality=municipality))
    facts.taken_setl_ids = set(
        Claim.objects.filter(municipality=municipality, setl_id__in=setl_ids).values_list(
            "setl_id", flat=True
        )
    )
    return facts


def episode_on(
    facts: ScreeningFacts, person_id: int, month: datetime.date
) -> EnrollmentEpisode | None:
    """The person's episode in force in ``month`` (employee scheme first)."""
    candidates = [
        episode
        for episode in facts.episodes.get(person_id, [])
        if episode.from_month <= month and (episode.to_month is None or episode.to_month >= month)
    ]
    candidates.sort(key=lambda episode: episode.scheme != Scheme.EMPLOYEE)
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class WorkingStep:
    """One step of a claim's settlement as its page shows it."""

    label: str
    working: str
    amount: object


def claim_working(claim: Claim) -> list[WorkingStep]:
    """The settlement of ``claim`` step by step (DOMAIN §15), with the standard version used,
    so a clerk can answer an institution's question. Empty until the claim is settled."""
    if claim.status != Claim.Status.SETTLED or claim.standard is None:
        return []
    standard = claim.standard
    steps = [
        WorkingStep(
            _("In-policy amount (inscp_scp_amt)"),
            f"{money(claim.medfee_sumamt)} − {money(claim.fulamt_ownpay_amt)} − "
            f"{money(claim.overlmt_selfpay)} − {money(claim.preselfpay_amt)}",
            claim.inscp_scp_amt,
        )
    ]
    if claim.is_refund:
        steps.append(
            WorkingStep(
                _("Refund"),
                _("Reverses claim %(setl_id)s: every amount below is the original's negated.")
                % {"setl_id": claim.reverses.setl_id},
                None,
            )
        )
    repeat = (
        claim.med_type == "inpatient"
        and (claim.admission_number or 0) >= 2
        and standard.deductible_repeat is not None
    )
    steps += [
        WorkingStep(
            _("Deductible borne (act_pay_dedc)"),
            _(
                "Admission %(number)s of the year; deductible %(amount)s%(repeat)s, at most the "
                "in-policy amount"
            )
            % {
                "number": claim.admission_number,
                "amount": money(standard.deductible_repeat if repeat else standard.deductible),
                "repeat": _(" (from the second admission)") if repeat else "",
            },
            claim.act_pay_dedc,
        ),
        WorkingStep(
            _("Basic fund payment (hifp_pay)"),
            _(
                "(%(in_policy)s − %(deductible)s) × %(ratio)s, under the annual ceiling "
                "%(ceiling)s: paid this year before %(before)s, after %(after)s"
            )
            % {
                "in_policy": money(claim.inscp_scp_amt),
                "deductible": money(claim.act_pay_dedc),
                "ratio": f"{claim.pool_prop_selfpay:.2%}",
                "ceiling": money(standard.annual_ceiling),
                "before": money(claim.ceiling_used_before),
                "after": money(claim.ceiling_used_after),
            },
            claim.hifp_pay,
        ),
        WorkingStep(
            _("Above the ceiling (hifmi_pay / hifob_pay)"),
            _(
                "%(base)s of in-policy cost above the ceiling × %(ratio)s by %(fund)s, under its "
                "annual ceiling %(ceiling)s"
            )
            % {
                "base": money(claim.segment_base),
                "ratio": f"{standard.segment_ratio:.2%}",
                "fund": standard.get_segment_fund_display(),
                "ceiling": money(standard.segment_ceiling),
            },
            claim.hifmi_pay + claim.hifob_pay,
        ),
        WorkingStep(
            _("All funds (fund_pay_sumamt)"),
            f"{money(claim.hifp_pay)} + {money(claim.hifmi_pay)} + {money(claim.hifob_pay)}",
            claim.fund_pay_sumamt,
        ),
        WorkingStep(
            _("Person's part (psn_part_amt)"),
            f"{money(claim.medfee_sumamt)} − {money(claim.fund_pay_sumamt)}",
            claim.psn_part_amt,
        ),
        WorkingStep(
            _("Personal account payment (acct_pay)"),
            _("Account available this month %(balance)s, less earlier account payments")
            % {"balance": money(claim.account_balance)}
            if claim.acct_used_flag
            else _("The person did not choose to pay from the account."),
            claim.acct_pay,
        ),
        WorkingStep(
            _("Cash (psn_cash_pay)"),
            f"{money(claim.psn_part_amt)} − {money(claim.acct_pay)}",
            claim.psn_cash_pay,
        ),
    ]
    return steps
