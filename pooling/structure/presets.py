"""The three cities the product ships configured for (DOMAIN §3, §11).

Member units carry their GB/T 2260 codes. Jining runs unified collection and expenditure from
2020-01-01 (N 三(四)); Jinan's counties are tiered after their accession evaluations (J 二);
Zhengzhou runs tiered management with a risk-adjustment fund from 2011-07-01 (Z 三, 四(九)).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from pooling.structure.models import County, PoolingModel

K = County.Kind


@dataclass(frozen=True)
class FundContribution:
    """One way money comes into a fund: who pays and on what, with the rule keys that give the
    amounts (dated rule versions, ``pooling.rules.catalogue``)."""

    payer: str  # one of PAYERS
    basis: str  # one of BASES
    rule_keys: tuple[str, ...]


PAYERS = {
    "employer": _("employer"),
    "individual": _("individual"),
    "employer_and_individual": _("employer and individual"),
    "pooled_fund": _("transfer from the pooled fund"),
    "finance": _("fiscal subsidy"),
}
BASES = {
    "rate_on_base": _("rate on the contribution base"),
    "rate_on_payroll": _("employer rate on payroll"),
    "fixed_per_person_month": _("fixed amount per person and month"),
    "fixed_per_person_year": _("fixed amount per insured person and year"),
    "share_of_collections": _("share of the year's collections"),
}


@dataclass(frozen=True)
class FundPreset:
    """A fund a city pools (财社〔2017〕144号 art. 39: each fund its own books) with its
    contribution rules and how its money flows.

    ``fixed_premium`` marks the one fund of a city that the monthly assessment charges a fixed
    amount per person into (its ``critical_illness`` columns): the first key is the amount per
    person and month, the second the employer's part of it.
    """

    code: str
    clause: str
    contributions: tuple[FundContribution, ...] = ()
    flow: str = "collected"  # one of FLOWS
    fixed_premium: tuple[str, str] | None = None


FLOWS = {
    "collected": _(
        "collected by the tax bureau into the county income account, remitted by the "
        "county's pooling model in the monthly cycle"
    ),
    "personal_accounts": _(
        "the personal-account part of collections, credited to each person's account"
    ),
    "extracted": _("extracted from the tiers' collections at year end"),
    "transfer_out": _("paid out of the pooled fund by a dated per-capita rule"),
    "resident_scheme": _("collected with the resident scheme"),
}


@dataclass(frozen=True)
class UnitPreset:
    code: str
    name: str
    name_en: str
    kind: str
    member_from: datetime.date | None = None  # None: the municipality's pooling start


@dataclass(frozen=True)
class CityPreset:
    slug: str
    code: str
    name: str
    name_en: str
    pooling_start: datetime.date
    model: str
    # Units whose accession is evaluated and passed on the pooling start (J 二); the others
    # follow the model from the start without an evaluation.
    evaluated: bool
    units: tuple[UnitPreset, ...]
    # Units that the demo binds the two county officers to.
    demo_counties: tuple[str, str]
    # County-scoped rule values: {unit code: {rule key: value}}.
    county_rules: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # The funds the city's document names, with their contribution rules (DOMAIN §14).
    funds: tuple[FundPreset, ...] = ()

    def fund_codes(self) -> set[str]:
        return {fund.code for fund in self.funds}

    def fixed_premium_fund(self) -> FundPreset | None:
        """The fund the assessment's fixed per-person premium goes to, if the city has one."""
        return next((fund for fund in self.funds if fund.fixed_premium), None)


_D = datetime.date
_F = FundPreset
_C = FundContribution

_EMPLOYEE_POOLED = (
    _C("employer", "rate_on_base", ("employer_rate_public", "employer_rate_other")),
    _C("individual", "rate_on_base", ("flexible_rate", "provincial_average_wage")),
)
_PERSONAL_ACCOUNTS = (
    _C("individual", "rate_on_base", ("individual_rate",)),
    _C("pooled_fund", "fixed_per_person_month", ("retiree_personal_account_monthly",)),
)
_MATERNITY = _C("employer", "rate_on_payroll", ("maternity_rate_public", "maternity_rate_other"))

CITIES: dict[str, CityPreset] = {
    "jining": CityPreset(
        slug="jining",
        code="370800",
        name="济宁市",
        name_en="Jining",
        pooling_start=_D(2020, 1, 1),
        model=PoolingModel.UNIFIED,
        evaluated=False,
        units=(
            UnitPreset("370800", "市本级", "City level", K.CITY_LEVEL),
            UnitPreset("370811", "任城区", "Rencheng", K.DISTRICT),
            UnitPreset("370812", "兖州区", "Yanzhou", K.DISTRICT),
            UnitPreset("370826", "微山县", "Weishan", K.COUNTY),
            UnitPreset("370827", "鱼台县", "Yutai", K.COUNTY),
            UnitPreset("370828", "金乡县", "Jinxiang", K.COUNTY),
            UnitPreset("370829", "嘉祥县", "Jiaxiang", K.COUNTY),
            UnitPreset("370830", "汶上县", "Wenshang", K.COUNTY),
            UnitPreset("370831", "泗水县", "Sishui", K.COUNTY),
            UnitPreset("370832", "梁山县", "Liangshan", K.COUNTY),
            UnitPreset("370881", "曲阜市", "Qufu", K.COUNTY_CITY),
            UnitPreset("370883", "邹城市", "Zoucheng", K.COUNTY_CITY),
            UnitPreset("370871", "高新区", "High-tech Zone", K.DEVELOPMENT_ZONE),
        ),
        demo_counties=("370811", "370812"),
        funds=(
            _F("310100", "N 三、三(二)1", (*_EMPLOYEE_POOLED, _MATERNITY)),
            _F("310200", "N 三", _PERSONAL_ACCOUNTS, "personal_accounts"),
            _F(
                "910100",
                "N 三(二)2",
                (
                    _C(
                        "employer_and_individual",
                        "fixed_per_person_month",
                        ("critical_illness_premium", "critical_illness_employer_part"),
                    ),
                ),
                fixed_premium=("critical_illness_premium", "critical_illness_employer_part"),
            ),
            _F(
                "910200",
                "N 三",
                (
                    _C(
                        "pooled_fund",
                        "fixed_per_person_year",
                        ("provincial_critical_illness_per_capita",),
                    ),
                ),
                "transfer_out",
            ),
            _F(
                "930100",
                "N 三",
                (
                    _C("pooled_fund", "fixed_per_person_year", ("ltc_pooled_fund_per_capita",)),
                    _C("finance", "fixed_per_person_year", ("ltc_fiscal_subsidy_per_capita",)),
                ),
                "transfer_out",
            ),
        ),
    ),
    "jinan": CityPreset(
        slug="jinan",
        code="370100",
        name="济南市",
        name_en="Jinan",
        pooling_start=_D(2013, 1, 1),
        model=PoolingModel.TIERED,
        evaluated=True,
        units=(
            UnitPreset("370100", "市本级", "City level", K.CITY_LEVEL),
            UnitPreset("370102", "历下区", "Lixia", K.DISTRICT),
            UnitPreset("370103", "市中区", "Shizhong", K.DISTRICT),
            UnitPreset("370104", "槐荫区", "Huaiyin", K.DISTRICT),
            UnitPreset("370105", "天桥区", "Tianqiao", K.DISTRICT),
            UnitPreset("370112", "历城区", "Licheng", K.DISTRICT),
            UnitPreset("370113", "长清区", "Changqing", K.DISTRICT),
            UnitPreset("370114", "章丘区", "Zhangqiu", K.DISTRICT),
            UnitPreset("370115", "济阳区", "Jiyang", K.DISTRICT),
            UnitPreset("370116", "莱芜区", "Laiwu", K.DISTRICT, _D(2019, 1, 1)),
            UnitPreset("370117", "钢城区", "Gangcheng", K.DISTRICT, _D(2019, 1, 1)),
            UnitPreset("370124", "平阴县", "Pingyin", K.COUNTY),
            UnitPreset("370126", "商河县", "Shanghe", K.COUNTY),
            UnitPreset("370171", "高新区", "High-tech Zone", K.DEVELOPMENT_ZONE),
        ),
        demo_counties=("370102", "370124"),
        funds=(
            _F("310100", "J 二(二)1", _EMPLOYEE_POOLED),
            _F("310200", "J 二(三)1", _PERSONAL_ACCOUNTS, "personal_accounts"),
            _F(
                "330100",
                "J 二(二)1、二(三)1",
                (
                    _C(
                        "employer_and_individual",
                        "fixed_per_person_month",
                        ("major_medical_premium", "major_medical_employer_part"),
                    ),
                ),
                fixed_premium=("major_medical_premium", "major_medical_employer_part"),
            ),
            _F("390100", "J 二(二)2", (), "resident_scheme"),
        ),
    ),
    "zhengzhou": CityPreset(
        slug="zhengzhou",
        code="410100",
        name="郑州市",
        name_en="Zhengzhou",
        pooling_start=_D(2011, 7, 1),
        model=PoolingModel.TIERED_ADJUSTMENT,
        evaluated=False,
        units=(
            UnitPreset("410100", "市本级", "City level", K.CITY_LEVEL),
            UnitPreset("410102", "中原区", "Zhongyuan", K.DISTRICT),
            UnitPreset("410103", "二七区", "Erqi", K.DISTRICT),
            UnitPreset("410104", "管城回族区", "Guancheng Hui", K.DISTRICT),
            UnitPreset("410105", "金水区", "Jinshui", K.DISTRICT),
            UnitPreset("410106", "上街区", "Shangjie", K.DISTRICT),
            UnitPreset("410108", "惠济区", "Huiji", K.DISTRICT),
            UnitPreset("410122", "中牟县", "Zhongmu", K.COUNTY),
            UnitPreset("410181", "巩义市", "Gongyi", K.COUNTY_CITY),
            UnitPreset("410182", "荥阳市", "Xingyang", K.COUNTY_CITY),
            UnitPreset("410183", "新密市", "Xinmi", K.COUNTY_CITY),
            UnitPreset("410184", "新郑市", "Xinzheng", K.COUNTY_CITY),
            UnitPreset("410185", "登封市", "Dengfeng", K.COUNTY_CITY),
            UnitPreset(
                "410171",
                "经济技术开发区",
                "Economic-Technological Development Zone",
                K.DEVELOPMENT_ZONE,
            ),
            UnitPreset(
                "410172",
                "高新技术产业开发区",
                "High-tech Industrial Development Zone",
                K.DEVELOPMENT_ZONE,
            ),
            UnitPreset(
                "410173", "航空港经济综合实验区", "Airport Economy Zone", K.DEVELOPMENT_ZONE
            ),
        ),
        demo_counties=("410105", "410122"),
        funds=(
            _F("310100", "Z 二", _EMPLOYEE_POOLED),
            _F("310200", "Z 二", _PERSONAL_ACCOUNTS, "personal_accounts"),
            _F(
                "330100",
                "Z 二",
                (
                    _C(
                        "employer_and_individual",
                        "fixed_per_person_month",
                        ("employee_supplementary_premium", "employee_supplementary_employer_part"),
                    ),
                ),
                fixed_premium=(
                    "employee_supplementary_premium",
                    "employee_supplementary_employer_part",
                ),
            ),
            _F("390100", "Z 二、四(四)", (), "resident_scheme"),
            _F(
                "390200",
                "Z 二",
                (_C("individual", "fixed_per_person_year", ("resident_supplementary_yearly",)),),
                "resident_scheme",
            ),
            _F("920100", "Z 四(一)(二)", (_MATERNITY,)),
            _F(
                "990100",
                "Z 四(九)",
                (_C("pooled_fund", "share_of_collections", ("adjustment_fund_rate",)),),
                "extracted",
            ),
        ),
        # The districts but 上街区 remit maternity collections to the city (Z 四(二)) and hand
        # their resident fund to the city level (Z 四(四)).
        county_rules={
            code: {
                "maternity_remitted_to_city": Decimal("1"),
                "resident_fund_remitted_to_city": Decimal("1"),
            }
            for code in ("410102", "410103", "410104", "410105", "410108")
        },
    ),
}

DEMO_PASSWORD = "demo-pass-2026"
