"""The registry of rule keys: what each dated rule value means and its documented default.

Numbers from the policy documents are defaults of versioned, editable rules, never literals in
business code (DOMAIN, preamble). ``seed_demo`` writes a first version of every rule for a
city; staff add later versions in the browser. Code reads them with
``pooling.rules.selectors.rule_value``.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


class RuleKind:
    RATE = "rate"  # a fraction: 0.074 is 7.4 %
    AMOUNT = "amount"  # yuan
    COUNT = "count"  # days, months or years, whole numbers
    DAY_OF_MONTH = "day_of_month"
    FLAG = "flag"  # 1 yes, 0 no


@dataclass(frozen=True)
class RuleSpec:
    key: str
    label: str
    kind: str
    clause: str
    default: Decimal
    # Per-city defaults where a document says something different from the common default.
    city_defaults: dict[str, Decimal] = field(default_factory=dict)

    def default_for(self, city_slug: str) -> Decimal:
        return self.city_defaults.get(city_slug, self.default)


def _d(text: str) -> Decimal:
    return Decimal(text)


RULES: dict[str, RuleSpec] = {
    spec.key: spec
    for spec in [
        # Contributions (N 三(二)).
        RuleSpec(
            "employer_rate_public",
            _("employer rate, government and public institutions"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.074"),
        ),
        RuleSpec(
            "employer_rate_other",
            _("employer rate, other employers"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.08"),
        ),
        RuleSpec(
            "maternity_rate_public",
            _("maternity part of the employer rate, public"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.004"),
        ),
        RuleSpec(
            "maternity_rate_other",
            _("maternity part of the employer rate, other"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.01"),
        ),
        RuleSpec("individual_rate", _("individual rate"), RuleKind.RATE, "N 三(二)1", _d("0.02")),
        RuleSpec(
            "flexible_rate",
            _("flexible worker rate on the provincial average wage"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.09"),
        ),
        RuleSpec(
            "provincial_average_wage",
            _("provincial average yearly wage of the previous year"),
            RuleKind.AMOUNT,
            "N 三(二)1",
            _d("88000.00"),
            {"zhengzhou": _d("74000.00")},
        ),
        RuleSpec(
            "base_floor_share",
            _("contribution base floor, share of the average wage"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.60"),
        ),
        RuleSpec(
            "base_cap_share",
            _("contribution base cap, share of the average wage"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("3.00"),
        ),
        RuleSpec(
            "critical_illness_premium",
            _("city critical-illness premium per person and month"),
            RuleKind.AMOUNT,
            "N 三(二)2",
            _d("10.00"),
        ),
        RuleSpec(
            "critical_illness_employer_part",
            _("employer part of the critical-illness premium"),
            RuleKind.AMOUNT,
            "N 三(二)2",
            _d("6.00"),
        ),
        RuleSpec(
            "retiree_personal_account_monthly",
            _("monthly personal-account amount for retirees"),
            RuleKind.AMOUNT,
            "national 2020 guidance",
            _d("90.00"),
        ),
        RuleSpec(
            "top_up_rate",
            _("one-off top-up rate for missing years"),
            RuleKind.RATE,
            "N 三(二)3",
            _d("0.07"),
        ),
        RuleSpec(
            "minimum_contribution_years",
            _("minimum years of contributions for retiree benefits"),
            RuleKind.COUNT,
            "N 三(二)3",
            _d("10"),
        ),
        RuleSpec(
            "flexible_waiting_months",
            _("consecutive paid months before a new flexible worker's benefits"),
            RuleKind.COUNT,
            "N 三(三)",
            _d("6"),
        ),
        RuleSpec(
            "provincial_life_expectancy",
            _("provincial life expectancy in years"),
            RuleKind.COUNT,
            "N 三(二)4",
            _d("79"),
        ),
        # Monthly usage-plan cycle (N 三(四)4).
        RuleSpec(
            "usage_plan_deadline_day",
            _("day of the month by which counties file next month's usage plan"),
            RuleKind.DAY_OF_MONTH,
            "N 三(四)4",
            _d("25"),
        ),
        RuleSpec(
            "late_usage_plan_accepted",
            _("late usage plans are accepted (1) or refused (0)"),
            RuleKind.FLAG,
            "N 三(四)4",
            _d("1"),
        ),
        RuleSpec(
            "consolidation_working_days",
            _("working days to consolidate the city monthly plan"),
            RuleKind.COUNT,
            "N 三(四)4",
            _d("3"),
        ),
        RuleSpec(
            "disbursement_working_days",
            _("working days for finance to disburse"),
            RuleKind.COUNT,
            "N 三(四)4",
            _d("5"),
        ),
        RuleSpec(
            "allocation_working_days",
            _("working days to allocate to counties after receipt"),
            RuleKind.COUNT,
            "N 三(四)4",
            _d("3"),
        ),
        RuleSpec(
            "quota_carry_forward",
            _("unused expenditure quota carries into next year (1) or not (0)"),
            RuleKind.FLAG,
            "N 三(四)2",
            _d("1"),
        ),
        RuleSpec(
            "maternity_remitted_to_city",
            _("maternity collections are remitted to the city maternity fund (1) or not (0)"),
            RuleKind.FLAG,
            "Z 四(二)",
            _d("0"),
        ),
        # Fund safety (N 三(四)5–6, Z 四(九)).
        RuleSpec(
            "historical_balance_city_share",
            _("share of the historical balance collected to the city"),
            RuleKind.RATE,
            "N 三(四)5",
            _d("0.30"),
        ),
        RuleSpec(
            "deficit_city_share",
            _("city fund's share of a deficit not covered by history"),
            RuleKind.RATE,
            "N 三(四)6",
            _d("0.50"),
        ),
        RuleSpec(
            "adjustment_fund_rate",
            _("share of collections paid into the adjustment fund"),
            RuleKind.RATE,
            "Z 四(九)",
            _d("0.10"),
        ),
        RuleSpec(
            "risk_warning_months",
            _("months of spending covered below which a fund is at risk"),
            RuleKind.COUNT,
            "财社〔2017〕144号",
            _d("6"),
        ),
        # Year end: historical balances, deficit subsidies (N 三(四)5–6, J 二(五)2).
        # Year end: adjustment fund waterfall and targets (Z 四(八)–(九), J 二(五)3).
        # A tier's target completion (Z 四(八)) is the weighted mean of its capped completion
        # rates; the weights are renormalised over the targets set.
        RuleSpec(
            "target_weight_enrollment",
            _("weight of the enrollment target in a tier's completion"),
            RuleKind.RATE,
            "Z 四(八)",
            _d("0.25"),
        ),
        RuleSpec(
            "target_weight_collection",
            _("weight of the collection target in a tier's completion"),
            RuleKind.RATE,
            "Z 四(八)",
            _d("0.25"),
        ),
        RuleSpec(
            "target_weight_revenue",
            _("weight of the revenue plan in a tier's completion"),
            RuleKind.RATE,
            "Z 四(八)",
            _d("0.25"),
        ),
        RuleSpec(
            "target_weight_expenditure",
            _("weight of keeping within the expenditure plan in a tier's completion"),
            RuleKind.RATE,
            "Z 四(八)",
            _d("0.25"),
        ),
        # The gap left after the adjustment fund is shared by county and city finance (Z 四(九)):
        # county share = met + (missed − met) × (1 − completion).
        RuleSpec(
            "adjustment_county_share_met",
            _("county finance's share of the remaining deficit when all targets are met"),
            RuleKind.RATE,
            "Z 四(九)",
            _d("0.50"),
        ),
        RuleSpec(
            "adjustment_county_share_missed",
            _("county finance's share of the remaining deficit when no target is met"),
            RuleKind.RATE,
            "Z 四(九)",
            _d("0.90"),
        ),
        # The resident scheme (DOMAIN §13; J 二(二)2, Z 二, 四(四)). Concentrated enrollment
        # period: from the 1st of the opening month to the end of the closing month of the
        # year before the benefit year.
        RuleSpec(
            "resident_enrollment_opens_month",
            _("month of the year before in which the resident enrollment period opens"),
            RuleKind.COUNT,
            "国办发〔2024〕38号",
            _d("9"),
        ),
        RuleSpec(
            "resident_enrollment_closes_month",
            _("month of the year before at whose end the resident enrollment period closes"),
            RuleKind.COUNT,
            "国办发〔2024〕38号",
            _d("12"),
        ),
        RuleSpec(
            "resident_waiting_fixed_months",
            _("resident waiting period after late or broken enrollment, months"),
            RuleKind.COUNT,
            "国办发〔2024〕38号",
            _d("3"),
        ),
        RuleSpec(
            "resident_waiting_months_per_gap_year",
            _("extra resident waiting months per further year without enrollment"),
            RuleKind.COUNT,
            "国办发〔2024〕38号",
            _d("1"),
        ),
        RuleSpec(
            "resident_waiting_max_months",
            _("longest resident waiting period, months"),
            RuleKind.COUNT,
            "国办发〔2024〕38号",
            _d("6"),
        ),
        RuleSpec(
            "resident_continuous_years_for_increment",
            _("years of continuous resident enrollment before the ceiling rises"),
            RuleKind.COUNT,
            "国办发〔2024〕38号",
            _d("4"),
        ),
        RuleSpec(
            "resident_ceiling_increment_continuous",
            _("ceiling increment per further year of continuous resident enrollment"),
            RuleKind.AMOUNT,
            "国办发〔2024〕38号 (amount set by the city)",
            _d("1000"),
        ),
        RuleSpec(
            "resident_ceiling_increment_claim_free",
            _("ceiling increment per resident year without fund payments"),
            RuleKind.AMOUNT,
            "国办发〔2024〕38号 (amount set by the city)",
            _d("1000"),
        ),
        RuleSpec(
            "resident_contribution_student_child",
            _("resident individual contribution, students and children, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号 (national minimum 400; J 二(二)2)",
            _d("400"),
        ),
        RuleSpec(
            "resident_contribution_college_student",
            _("resident individual contribution, college students, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号 (national minimum 400; J 二(二)2)",
            _d("400"),
        ),
        RuleSpec(
            "resident_contribution_elderly",
            _("resident individual contribution, elderly residents, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号 (national minimum 400; J 二(二)2)",
            _d("400"),
        ),
        RuleSpec(
            "resident_contribution_other",
            _("resident individual contribution, other non-working residents, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号 (national minimum 400; J 二(二)2)",
            _d("400"),
        ),
        RuleSpec(
            "resident_subsidy_per_capita",
            _("fiscal subsidy per enrolled resident, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号 (national minimum 670; J 二(二)2)",
            _d("670"),
        ),
        # Central shares by the province's tier (国办发〔2018〕6号: Shandong 50 %, Henan 60 %);
        # the rest is the province's own split between its levels (edit per year).
        RuleSpec(
            "resident_subsidy_share_central",
            _("central finance's share of the resident subsidy"),
            RuleKind.RATE,
            "国办发〔2018〕6号",
            _d("0.50"),
            {"zhengzhou": _d("0.60")},
        ),
        RuleSpec(
            "resident_subsidy_share_provincial",
            _("provincial finance's share of the resident subsidy"),
            RuleKind.RATE,
            "国办发〔2018〕6号; provincial split",
            _d("0.20"),
        ),
        RuleSpec(
            "resident_subsidy_share_city",
            _("city finance's share of the resident subsidy"),
            RuleKind.RATE,
            "国办发〔2018〕6号; provincial split",
            _d("0.15"),
            {"zhengzhou": _d("0.10")},
        ),
        RuleSpec(
            "resident_subsidy_share_county",
            _("county finance's share of the resident subsidy"),
            RuleKind.RATE,
            "国办发〔2018〕6号; provincial split",
            _d("0.15"),
            {"zhengzhou": _d("0.10")},
        ),
        RuleSpec(
            "resident_fund_remitted_to_city",
            _("a tiered county hands its resident fund income to the city level"),
            RuleKind.FLAG,
            "Z 四(四)",
            _d("0"),
        ),
        # Year end: final accounts and risk early warning.
        # Below ``risk_warning_months`` a fund is at risk (warning); below this it is an alert:
        # an expenditure account's usual working balance is about two months (DOMAIN §11).
        RuleSpec(
            "risk_alert_months",
            _("months of spending covered below which a fund is in alert"),
            RuleKind.COUNT,
            "财社〔2017〕144号",
            _d("3"),
        ),
    ]
}


def rule_spec(key: str) -> RuleSpec:
    """The spec of a known key; unknown keys are programming errors."""
    return RULES[key]
