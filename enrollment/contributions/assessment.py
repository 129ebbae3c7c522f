"""The arithmetic of the monthly assessment (N 三(二)1–2): one set-based SQL statement on
PostgreSQL and its Python twin (``assessment_amounts``) elsewhere, which must agree to the
fen. Rule values come from the dated rules in force for the month assessed; nothing here
writes an audit event (``enrollment.contributions.services.assessment_run`` does)."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from enrollment.contributions.models import Assessment
from enrollment.people.models import (
    EMPLOYER_SCOPES,
    FLEXIBLE_SCOPES,
    Employer,
    EnrollmentEpisode,
    InsuredPerson,
    Scheme,
    Scope,
)
from pooling.core.db import bulk_work_mem
from pooling.core.money import ZERO, round_money
from pooling.rules.catalogue import RULES
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality
from pooling.structure.selectors import fixed_premium_keys_for

MONTHS_PER_YEAR = 12


# Monthly assessment ----------------------------------------------------------------------------


def assessment_parameters(
    *, municipality: Municipality, county: County, month: datetime.date
) -> dict:
    """The rule values in force for ``month`` in ``county`` that the assessment needs.

    Floor and cap are the monthly average wage times their shares (N 三(二)1); a flexible
    worker pays ``flexible_rate`` × the provincial average wage / 12, rounded to the fen. A
    rule of a fund the city does not pool counts as zero (Jinan has no maternity part); the
    fixed per-person premium is that of the city's fund in its preset (DOMAIN §14).
    """

    def rule(key: str) -> Decimal:
        if not RULES[key].applies_to(municipality.slug):
            return ZERO  # not a fund of this city (DOMAIN §14): its part is zero
        return rule_value(municipality=municipality, key=key, on=month, county=county)

    # The fixed per-person premium is the city's own fund's (``critical_illness`` columns):
    # Jining city critical illness, Jinan 大额医疗费救助金, Zhengzhou employee supplementary.
    fixed = fixed_premium_keys_for(municipality=municipality)
    premium, employer_part = (rule(fixed[0]), rule(fixed[1])) if fixed else (ZERO, ZERO)
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
        "critical_illness_premium": premium,
        "critical_illness_employer": employer_part,
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
    SELECT e.county_id, p.*, e.person_id, e.id AS episode_id, e.employer_id, e.scope,
           COALESCE(r.unit_type, '') AS unit_type,
           COALESCE(r.status, '') AS employer_status,
           CASE
               WHEN e.scope IN {_EMPLOYER} THEN LEAST(GREATEST(
                   ROUND(b.yearly_wage / 12, 2), p.base_floor), p.base_cap)
               WHEN e.scope IN {_FLEXIBLE} THEN p.flexible_base
               ELSE 0
           END AS base
    FROM enrollment_enrollmentepisode e
    JOIN unnest(
        %(county)s::bigint[],
        %(base_floor)s::numeric[],
        %(base_cap)s::numeric[],
        %(flexible_base)s::numeric[],
        %(employer_rate_public)s::numeric[],
        %(employer_rate_other)s::numeric[],
        %(maternity_rate_public)s::numeric[],
        %(maternity_rate_other)s::numeric[],
        %(critical_illness_employer)s::numeric[],
        %(flexible_amount)s::numeric[],
        %(individual_rate)s::numeric[],
        %(critical_illness_premium)s::numeric[],
        %(retiree_monthly)s::numeric[]
    ) AS p(county, base_floor, base_cap, flexible_base, employer_rate_public,
           employer_rate_other, maternity_rate_public, maternity_rate_other,
           critical_illness_employer, flexible_amount, individual_rate,
           critical_illness_premium, retiree_monthly)
      ON p.county = e.county_id
    LEFT JOIN enrollment_employer r ON r.id = e.employer_id
    LEFT JOIN enrollment_contributionbase b ON b.person_id = e.person_id AND b.year = %(year)s
    WHERE e.scheme = 'employee'
      AND e.from_month <= %(month)s AND (e.to_month IS NULL OR e.to_month >= %(month)s)
      AND (e.scope NOT IN {_EMPLOYER} OR b.id IS NOT NULL)
), parts AS (
    SELECT source.*,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * CASE WHEN unit_type = 'public'
               THEN employer_rate_public ELSE employer_rate_other END, 2)
               ELSE 0 END AS employer_basic,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * CASE WHEN unit_type = 'public'
               THEN maternity_rate_public ELSE maternity_rate_other END, 2)
               ELSE 0 END AS employer_maternity,
           CASE WHEN scope IN {_EMPLOYER} THEN critical_illness_employer
               WHEN scope = 'retiree' AND employer_id IS NOT NULL
                    AND employer_status <> 'bankrupt' THEN critical_illness_employer
               ELSE 0 END AS employer_critical_illness,
           CASE WHEN scope IN {_FLEXIBLE} THEN flexible_amount ELSE 0 END
               AS individual_pooled_fund,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * individual_rate, 2) ELSE 0 END
               AS individual_personal_account,
           CASE WHEN scope IN {_EMPLOYER} OR (scope = 'retiree' AND employer_id IS NOT NULL)
               THEN critical_illness_premium - critical_illness_employer
               ELSE critical_illness_premium END AS individual_critical_illness,
           CASE WHEN scope = 'retiree' THEN retiree_monthly ELSE 0 END
               AS retiree_account_credit
    FROM source
)
INSERT INTO enrollment_assessment (
    municipality_id, county_id, person_id, employer_id, episode_id, month, scope, unit_type,
    base, employer_pooled_fund, employer_maternity, employer_critical_illness,
    individual_pooled_fund, individual_personal_account, individual_critical_illness,
    employer_total, individual_total, total_due, retiree_account_credit, created_at)
SELECT %(municipality)s, county_id, person_id, employer_id, episode_id, %(month)s, scope,
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


_PARAMETER_KEYS = (
    "base_floor",
    "base_cap",
    "flexible_base",
    "employer_rate_public",
    "employer_rate_other",
    "maternity_rate_public",
    "maternity_rate_other",
    "critical_illness_employer",
    "flexible_amount",
    "individual_rate",
    "critical_illness_premium",
    "retiree_monthly",
)


def assessment_insert_counties(
    *, municipality: Municipality, month: datetime.date, parameters: dict[County, dict]
) -> int:
    """Insert the missing assessments of ``month`` for every county in ``parameters`` (each
    with its own rules in force); returns rows added. PostgreSQL runs the set-based
    statement (``assessment_insert_sql``); SQLite stores decimals as floating point, so there
    the same arithmetic runs in Python on ``Decimal`` (``assessment_insert_portable``, the
    quick-start database only)."""
    insert = (
        assessment_insert_sql if connection.vendor == "postgresql" else assessment_insert_portable
    )
    return insert(municipality=municipality, month=month, parameters=parameters)


def assessment_insert_sql(
    *, municipality: Municipality, month: datetime.date, parameters: dict[County, dict]
) -> int:
    """``ASSESSMENT_SQL``, one statement for all counties (PostgreSQL): the per-county rule
    values are passed as arrays and joined to the episodes, so the episodes, bases and
    employers are scanned once, not once per county."""
    counties = list(parameters)
    values = {
        "municipality": municipality.pk,
        "month": month,
        "year": month.year,
        "now": timezone.now(),
        "county": [county.pk for county in counties],
        **{key: [parameters[county][key] for county in counties] for key in _PARAMETER_KEYS},
    }
    bulk_work_mem()
    with connection.cursor() as cursor:
        cursor.execute(ASSESSMENT_SQL, values)
        return cursor.rowcount


def assessment_insert_portable(
    *, municipality: Municipality, month: datetime.date, parameters: dict[County, dict]
) -> int:
    """The same assessments as ``assessment_insert_sql``, computed in Python county by
    county with ``assessment_amounts``; any database."""
    return sum(
        _assessment_insert_county(
            municipality=municipality, county=county, month=month, rules=rules
        )
        for county, rules in parameters.items()
    )


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


def _assessment_insert_county(
    *, municipality: Municipality, county: County, month: datetime.date, rules: dict
) -> int:
    """One county's missing assessments of ``month`` with its ``rules``; returns rows added."""
    episodes = (
        EnrollmentEpisode.objects.filter(
            county=county, scheme=Scheme.EMPLOYEE, from_month__lte=month
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
            parameters=rules,
        )
        objects.append(
            Assessment(
                municipality=municipality,
                county=county,
                person_id=episode.person_id,
                employer_id=episode.employer_id,
                episode=episode,
                month=month,
                scope=episode.scope,
                unit_type=employer.unit_type if employer else "",
                **amounts,
            )
        )
    before = Assessment.objects.filter(county=county, month=month).count()
    Assessment.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
    return Assessment.objects.filter(county=county, month=month).count() - before
