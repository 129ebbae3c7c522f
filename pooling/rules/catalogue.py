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


# The source of a value no document gives: the bureau edits it (a new dated version).
DEMO_DEFAULT = "demo default"


@dataclass(frozen=True)
class RuleSpec:
    key: str
    label: str
    kind: str
    clause: str
    default: Decimal
    # Per-city defaults where a document says something different from the common default.
    city_defaults: dict[str, Decimal] = field(default_factory=dict)
    # The cities whose documents use this key; empty: every city. A key of one city is never
    # seeded into another (DOMAIN §14) and a version of it elsewhere is refused.
    cities: tuple[str, ...] = ()
    # Where a city's value comes from when not ``clause``: its own clause or DEMO_DEFAULT.
    city_sources: dict[str, str] = field(default_factory=dict)
    # A benefit rule a county whose employee fund ran a deficit before the end of 2019 keeps
    # in its former version after accession (N 三(三)), while FORMER_RULES_KEY is 1 for it.
    former_rules_exception: bool = False
    # A county-scoped value that applies after accession too (the exception marker itself).
    county_after_accession: bool = False

    def default_for(self, city_slug: str) -> Decimal:
        return self.city_defaults.get(city_slug, self.default)

    def applies_to(self, city_slug: str) -> bool:
        return not self.cities or city_slug in self.cities

    def source_for(self, city_slug: str) -> str:
        """The clause, national rule or ``DEMO_DEFAULT`` the city's value comes from."""
        return self.city_sources.get(city_slug, self.clause)


FORMER_RULES_KEY = "former_benefit_rules_kept"


def _demo_elsewhere(*cities: str) -> dict[str, str]:
    """Sources of a value the named cities' documents do not give (Jining's numbers)."""
    return dict.fromkeys(cities, DEMO_DEFAULT)


_NOT_JINING = _demo_elsewhere("jinan", "zhengzhou")


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
            city_sources=_NOT_JINING,
        ),
        RuleSpec(
            "employer_rate_other",
            _("employer rate, other employers"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.08"),
            city_sources=_NOT_JINING,
        ),
        RuleSpec(
            "maternity_rate_public",
            _("maternity part of the employer rate, public"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.004"),
            cities=("jining", "zhengzhou"),
            city_sources={"zhengzhou": DEMO_DEFAULT},
        ),
        RuleSpec(
            "maternity_rate_other",
            _("maternity part of the employer rate, other"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.01"),
            cities=("jining", "zhengzhou"),
            city_sources={"zhengzhou": DEMO_DEFAULT},
        ),
        RuleSpec(
            "individual_rate",
            _("individual rate"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.02"),
            city_sources=_NOT_JINING,
        ),
        RuleSpec(
            "flexible_rate",
            _("flexible worker rate on the provincial average wage"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.09"),
            city_sources=_NOT_JINING,
        ),
        RuleSpec(
            "provincial_average_wage",
            _("provincial average yearly wage of the previous year"),
            RuleKind.AMOUNT,
            "N 三(二)1",
            _d("88000.00"),
            {"zhengzhou": _d("74000.00")},
            city_sources=_NOT_JINING,
        ),
        RuleSpec(
            "base_floor_share",
            _("contribution base floor, share of the average wage"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("0.60"),
            city_sources=_NOT_JINING,
        ),
        RuleSpec(
            "base_cap_share",
            _("contribution base cap, share of the average wage"),
            RuleKind.RATE,
            "N 三(二)1",
            _d("3.00"),
            city_sources=_NOT_JINING,
        ),
        RuleSpec(
            "critical_illness_premium",
            _("city critical-illness premium per person and month"),
            RuleKind.AMOUNT,
            "N 三(二)2",
            _d("10.00"),
            cities=("jining",),
        ),
        RuleSpec(
            "critical_illness_employer_part",
            _("employer part of the critical-illness premium"),
            RuleKind.AMOUNT,
            "N 三(二)2",
            _d("6.00"),
            cities=("jining",),
        ),
        RuleSpec(
            "retiree_personal_account_monthly",
            _("monthly personal-account amount for retirees"),
            RuleKind.AMOUNT,
            "国家 2020 年指导意见",
            _d("90.00"),
            city_sources=_NOT_JINING,
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
            former_rules_exception=True,
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
            "国办发〔2024〕38号（额度由各市确定）",
            _d("1000"),
        ),
        RuleSpec(
            "resident_ceiling_increment_claim_free",
            _("ceiling increment per resident year without fund payments"),
            RuleKind.AMOUNT,
            "国办发〔2024〕38号（额度由各市确定）",
            _d("1000"),
        ),
        RuleSpec(
            "resident_contribution_student_child",
            _("resident individual contribution, students and children, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号（国家最低标准 400 元）；J 二(二)2",
            _d("400"),
        ),
        RuleSpec(
            "resident_contribution_college_student",
            _("resident individual contribution, college students, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号（国家最低标准 400 元）；J 二(二)2",
            _d("400"),
        ),
        RuleSpec(
            "resident_contribution_elderly",
            _("resident individual contribution, elderly residents, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号（国家最低标准 400 元）；J 二(二)2",
            _d("400"),
        ),
        RuleSpec(
            "resident_contribution_other",
            _("resident individual contribution, other non-working residents, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号（国家最低标准 400 元）；J 二(二)2",
            _d("400"),
        ),
        RuleSpec(
            "resident_subsidy_per_capita",
            _("fiscal subsidy per enrolled resident, per year"),
            RuleKind.AMOUNT,
            "医保发〔2024〕19号（国家最低标准 670 元）；J 二(二)2",
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
            "国办发〔2018〕6号；省以下分担比例",
            _d("0.20"),
        ),
        RuleSpec(
            "resident_subsidy_share_city",
            _("city finance's share of the resident subsidy"),
            RuleKind.RATE,
            "国办发〔2018〕6号；省以下分担比例",
            _d("0.15"),
            {"zhengzhou": _d("0.10")},
        ),
        RuleSpec(
            "resident_subsidy_share_county",
            _("county finance's share of the resident subsidy"),
            RuleKind.RATE,
            "国办发〔2018〕6号；省以下分担比例",
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
        # County exceptions after accession (N 三(三)): a county whose employee fund ran a
        # deficit before the end of 2019 keeps its former benefit rules for now. The bureau
        # records it as this county-scoped flag; only then is a county version of a benefit
        # rule after accession accepted and applied.
        RuleSpec(
            "former_benefit_rules_kept",
            _("county keeps its former benefit rules (deficit before the end of 2019)"),
            RuleKind.FLAG,
            "N 三(三)",
            _d("0"),
            cities=("jining",),
            county_after_accession=True,
        ),
        # Other funds (DOMAIN §14). The documents name these funds but give no amounts: every
        # value below is a demo default the bureau edits.
        RuleSpec(
            "major_medical_premium",
            _("大额医疗费救助金 per employee and month"),
            RuleKind.AMOUNT,
            "J 二(二)1",
            _d("8.00"),
            cities=("jinan",),
            city_sources={"jinan": DEMO_DEFAULT},
        ),
        RuleSpec(
            "major_medical_employer_part",
            _("employer part of the 大额医疗费救助金"),
            RuleKind.AMOUNT,
            "J 二(二)1",
            _d("4.00"),
            cities=("jinan",),
            city_sources={"jinan": DEMO_DEFAULT},
        ),
        RuleSpec(
            "employee_supplementary_premium",
            _("employee supplementary insurance per employee and month"),
            RuleKind.AMOUNT,
            "Z 二",
            _d("10.00"),
            cities=("zhengzhou",),
            city_sources={"zhengzhou": DEMO_DEFAULT},
        ),
        RuleSpec(
            "employee_supplementary_employer_part",
            _("employer part of the employee supplementary insurance"),
            RuleKind.AMOUNT,
            "Z 二",
            _d("10.00"),
            cities=("zhengzhou",),
            city_sources={"zhengzhou": DEMO_DEFAULT},
        ),
        RuleSpec(
            "resident_supplementary_yearly",
            _("resident supplementary insurance per resident and year"),
            RuleKind.AMOUNT,
            "Z 二",
            _d("20.00"),
            cities=("zhengzhou",),
            city_sources={"zhengzhou": DEMO_DEFAULT},
        ),
        RuleSpec(
            "provincial_critical_illness_per_capita",
            _("provincial critical illness: yearly transfer per insured employee to the province"),
            RuleKind.AMOUNT,
            "N 三",
            _d("30.00"),
            cities=("jining",),
            city_sources={"jining": DEMO_DEFAULT},
        ),
        RuleSpec(
            "ltc_pooled_fund_per_capita",
            _("long-term care: yearly transfer per insured employee from the pooled fund"),
            RuleKind.AMOUNT,
            "N 三",
            _d("60.00"),
            cities=("jining",),
            city_sources={"jining": DEMO_DEFAULT},
        ),
        RuleSpec(
            "ltc_fiscal_subsidy_per_capita",
            _("long-term care: yearly fiscal subsidy per insured employee"),
            RuleKind.AMOUNT,
            "N 三",
            _d("10.00"),
            cities=("jining",),
            city_sources={"jining": DEMO_DEFAULT},
        ),
        # Interest per fund (N 三(四) 分别计息): banks settle demand deposits quarterly by the
        # accumulated-balance method at the annual rate of the account's kind.
        RuleSpec(
            "interest_rate_income",
            _("annual interest rate of income accounts"),
            RuleKind.RATE,
            "中国人民银行活期存款基准利率",
            _d("0.0035"),
        ),
        RuleSpec(
            "interest_rate_expenditure",
            _("annual interest rate of expenditure accounts"),
            RuleKind.RATE,
            "中国人民银行活期存款基准利率",
            _d("0.0035"),
        ),
        RuleSpec(
            "interest_rate_fiscal_special",
            _("annual interest rate of fiscal special accounts"),
            RuleKind.RATE,
            "N 三(四)",
            _d("0.0115"),
            city_sources=_demo_elsewhere("jining", "jinan", "zhengzhou"),
        ),
    ]
}


def rule_spec(key: str) -> RuleSpec:
    """The spec of a known key; unknown keys are programming errors."""
    return RULES[key]
