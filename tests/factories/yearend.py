"""The year-end tests' builders: Zhengzhou tiers with a year of collections and spending,
residents and targets."""

import datetime
from decimal import Decimal

from enrollment.people.models import EnrollmentEpisode, InsuredPerson, Scheme, Scope
from enrollment.people.validators import resident_id_check_character
from funds.ledger.models import Account
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, entry_post, month_close
from settlement.targets.services import county_target_set

YEAR = 2025
POOLED = "310100"
MATERNITY = "920100"
ZHONGMU = "410122"  # 中牟县: the tier in deficit
GONGYI = "410181"  # 巩义市: a tier with a surplus
JINSHUI = "410105"  # 金水区: remits maternity to the city (Z 四(二))


def account(city, code, kind, fund, owner=None):
    county = city.counties.get(code=code) if code else None
    return account_for(municipality=city, county=county, kind=kind, fund_code=fund, owner=owner)


def post(city, key, kind, month, lines):
    return entry_post(
        municipality=city,
        kind=kind,
        month=month,
        effective_date=month.replace(day=15),
        memo=key,
        actor=None,
        idempotency_key=key,
        lines=[PostingLine(a, Decimal(x)) for a, x in lines],
    )


def tier_year(city, code, *, opening="0", collected="0", spent="0", fund=POOLED):
    """A tiered county's year: an opening balance in its fiscal special account (2024),
    collections remitted there (March), spending paid through its expenditure account (June)."""
    income = account(city, code, Account.Kind.INCOME, fund)
    special = account(city, code, Account.Kind.FISCAL_SPECIAL, fund)
    spending = account(city, code, Account.Kind.EXPENDITURE, fund)
    tax = account(city, code, Account.Kind.COUNTERPARTY, fund, Account.Owner.TAX_BUREAU)
    government = account(
        city, code, Account.Kind.COUNTERPARTY, fund, Account.Owner.COUNTY_GOVERNMENT
    )
    hospital = account(
        city, code, Account.Kind.COUNTERPARTY, fund, Account.Owner.DESIGNATED_INSTITUTION
    )
    december, march, june = (
        datetime.date(2024, 12, 1),
        datetime.date(YEAR, 3, 1),
        datetime.date(YEAR, 6, 1),
    )
    if Decimal(opening):
        post(
            city,
            f"t:{code}:{fund}:open",
            "opening_balance",
            december,
            [(government, f"-{opening}"), (special, opening)],
        )
    if Decimal(collected):
        post(
            city,
            f"t:{code}:{fund}:collect",
            "collection",
            march,
            [(tax, f"-{collected}"), (income, collected)],
        )
        post(
            city,
            f"t:{code}:{fund}:remit",
            "remittance",
            march,
            [(income, f"-{collected}"), (special, collected)],
        )
    if Decimal(spent):
        post(
            city,
            f"t:{code}:{fund}:fund",
            "disbursement",
            june,
            [(special, f"-{spent}"), (spending, spent)],
        )
        post(
            city,
            f"t:{code}:{fund}:pay",
            "benefit_payment",
            june,
            [(spending, f"-{spent}"), (hospital, spent)],
        )


def enrol(city, code, count):
    """``count`` insured residents in county ``code`` for the whole year."""
    county = city.counties.get(code=code)
    for index in range(count):
        first = f"{county.code}19500101{index + 1:03d}"
        person = InsuredPerson.objects.create(
            municipality=city,
            county=county,
            id_number=first + resident_id_check_character(first),
            name=f"居民{index}",
            birth_date=datetime.date(1950, 1, 1),
            sex="M",
            category=Scope.ELDERLY,
        )
        EnrollmentEpisode.objects.create(
            person=person,
            scheme=Scheme.RESIDENT,
            scope=Scope.ELDERLY,
            county=county,
            from_month=datetime.date(YEAR, 1, 1),
        )


def set_targets(city, code, actor, *, enrollment, collection, revenue, expenditure):
    return county_target_set(
        county=city.counties.get(code=code),
        year=YEAR,
        enrollment_target=enrollment,
        collection_target=Decimal(collection),
        revenue_plan=Decimal(revenue),
        expenditure_plan=Decimal(expenditure),
        actor=actor,
    )


def balance(city, code, kind, fund=POOLED, owner=None):
    return account(city, code, kind, fund, owner).balance


def close_december(city, year=YEAR):
    """Close December of ``year``: a year end runs only after it
    (``settlement.yearend.services.year_end_validate``)."""
    return month_close(municipality=city, month=datetime.date(year, 12, 1), actor=None)
