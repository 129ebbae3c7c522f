"""The fund catalogue of the user's city (DOMAIN §14): each fund its documents name, who pays
into it and on what, how its money flows, and every rule value with its source — a clause, a
national rule or "demo default" — and the value in force."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from funds.ledger.models import FundType
from pooling.accounts.models import User
from pooling.rules.catalogue import DEMO_DEFAULT, RULES
from pooling.rules.selectors import RuleNotDefined, rule_value
from pooling.structure.models import Municipality
from pooling.structure.presets import BASES, FLOWS, PAYERS
from pooling.structure.selectors import city_preset_for


@dataclass(frozen=True)
class CatalogueRule:
    key: str
    label: str
    source: str
    demo_default: bool
    value: Decimal | None


@dataclass(frozen=True)
class CatalogueContribution:
    payer: str
    basis: str
    rules: list[CatalogueRule]


@dataclass(frozen=True)
class CatalogueFund:
    code: str
    name: str
    clause: str
    flow: str
    fixed_premium: bool
    contributions: list[CatalogueContribution]


def _rule(municipality: Municipality, key: str, on: datetime.date) -> CatalogueRule:
    spec = RULES[key]
    try:
        value = rule_value(municipality=municipality, key=key, on=on)
    except RuleNotDefined:
        value = None
    source = spec.source_for(municipality.slug)
    return CatalogueRule(key, str(spec.label), source, source == DEMO_DEFAULT, value)


def fund_catalogue_for(*, user: User, on: datetime.date) -> list[CatalogueFund]:
    """The funds of the user's municipality with their rules in force ``on``; empty for a
    municipality configured from no preset or a user bound to none."""
    municipality = user.municipality
    preset = city_preset_for(municipality=municipality) if municipality else None
    if preset is None:
        return []
    names = dict(FundType.objects.values_list("code", "name"))
    return [
        CatalogueFund(
            code=fund.code,
            name=names.get(fund.code, fund.code),
            clause=fund.clause,
            flow=str(FLOWS[fund.flow]),
            fixed_premium=fund.fixed_premium is not None,
            contributions=[
                CatalogueContribution(
                    payer=str(PAYERS[contribution.payer]),
                    basis=str(BASES[contribution.basis]),
                    rules=[_rule(municipality, key, on) for key in contribution.rule_keys],
                )
                for contribution in fund.contributions
            ],
        )
        for fund in preset.funds
    ]
