"""Builders of benefit statements."""

import datetime
from decimal import Decimal

from funds.ledger.models import Account
from funds.ledger.selectors import account_for
from settlement.benefits import services
from settlement.institutions.services import institution_admit

D = datetime.date
PAY_DAY = D(2026, 3, 10)
FEB = D(2026, 2, 1)


def benefit_accounts(ledger, county, fund="310100"):
    return (
        account_for(
            municipality=ledger, county=county, kind=Account.Kind.EXPENDITURE, fund_code=fund
        ),
        account_for(
            municipality=ledger,
            county=county,
            kind=Account.Kind.COUNTERPARTY,
            fund_code=fund,
            owner=Account.Owner.DESIGNATED_INSTITUTION,
        ),
    )


def institution_admitted(county, code, name, actor, *, kind="hospital"):
    """An institution of ``county`` under agreement for 2026, admitted in December 2025."""
    return institution_admit(
        county=county,
        kind=kind,
        code=code,
        name=name,
        level="pharmacy" if kind == "pharmacy" else "secondary",
        agreement_from=D(2026, 1, 1),
        agreement_to=D(2026, 12, 31),
        admitted_on=D(2025, 12, 1),
        actor=actor,
    )


def statement_enter(institution, actor, amount="800.00", fund="310100", month=FEB):
    return services.benefit_statement_enter(
        institution=institution,
        month=month,
        fund_code=fund,
        visits=120,
        amount_claimed=Decimal(amount),
        actor=actor,
    )


def statement_approved(institution, actor, amount="800.00", approved=None, reason=""):
    statement = statement_enter(institution, actor, amount)
    return services.benefit_statement_review(
        statement=statement,
        amount_approved=Decimal(approved or amount),
        cut_reason=reason,
        actor=actor,
    )
