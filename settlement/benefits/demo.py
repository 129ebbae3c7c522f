"""Demo data of the benefit settlements: a designated hospital and pharmacy in each demo
county, with last month's statements reviewed and paid."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from pooling.accounts.models import Role, User
from pooling.core.money import month_start
from pooling.structure.demo import DemoOptions, register_seeder
from pooling.structure.models import Municipality
from pooling.structure.presets import CITIES
from settlement.benefits import services
from settlement.benefits.models import BenefitStatement
from settlement.institutions.models import DesignatedInstitution
from settlement.institutions.services import institution_admit


def seed_benefit_settlements(municipality: Municipality, options: DemoOptions, log) -> None:
    """A designated hospital and pharmacy in each demo county, with last month's statements
    reviewed and paid where the county's expenditure account can afford them.
    Idempotent: existing institutions and statements are kept, a paid statement is not paid
    again."""
    preset = CITIES.get(municipality.slug)
    clerk = User.objects.filter(municipality=municipality, role=Role.AGENCY_CLERK).first()
    if preset is None or clerk is None:
        return
    today = timezone.localdate()
    last_month = month_start(month_start(today) - datetime.timedelta(days=1))
    paid = 0
    for county in municipality.counties.filter(code__in=preset.demo_counties).order_by("code"):
        for kind, prefix, level, name, fund, amount in (
            ("hospital", "H", "secondary", f"{county.name}人民医院", "310100", "1860.40"),
            ("pharmacy", "P", "pharmacy", f"{county.name}惠民大药房", "310200", "326.75"),
        ):
            code = f"{prefix}{county.code}00001"
            institution = DesignatedInstitution.objects.filter(code=code).first()
            if institution is None:
                institution = institution_admit(
                    county=county,
                    kind=kind,
                    code=code,
                    name=name,
                    level=level,
                    agreement_from=datetime.date(today.year, 1, 1),
                    agreement_to=datetime.date(today.year, 12, 31),
                    admitted_on=datetime.date(today.year - 1, 12, 15),
                    actor=clerk,
                )
            statement = BenefitStatement.objects.filter(
                institution=institution, month=last_month, fund_type__code=fund
            ).first()
            if statement is None:
                statement = services.benefit_statement_enter(
                    institution=institution,
                    month=last_month,
                    fund_code=fund,
                    visits=42,
                    amount_claimed=Decimal(amount),
                    actor=clerk,
                )
            if statement.status == BenefitStatement.Status.SUBMITTED:
                statement = services.benefit_statement_review(
                    statement=statement,
                    amount_approved=statement.amount_claimed,
                    cut_reason="",
                    actor=clerk,
                )
            if statement.status == BenefitStatement.Status.APPROVED:
                try:
                    services.benefit_statement_pay(statement=statement, actor=clerk)
                except ValidationError as error:
                    log(f"Statement {statement} not paid: {' '.join(error.messages)}")
                else:
                    paid += 1
    log(f"Paid {paid} benefit statements")


register_seeder(60, "benefit settlements", seed_benefit_settlements)
