"""The three cities the product ships configured for (DOMAIN §3, §11).

Member units carry their GB/T 2260 codes. Jining runs unified collection and expenditure from
2020-01-01 (N 三(四)); Jinan's counties are tiered after their accession evaluations (J 二);
Zhengzhou runs tiered management with a risk-adjustment fund from 2011-07-01 (Z 三, 四(九)).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from pooling.structure.models import County, PoolingModel

K = County.Kind


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


_D = datetime.date

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
