"""The one-off top-ups of N 三(二)3–4: what is owed, by whom and by which formula, with the
rule values in force on the day of payment. A calculation only; booking a top-up is the funds
app's (``funds.booking``)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.contributions.assessment import MONTHS_PER_YEAR
from pooling.core.money import ZERO, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import Municipality


class TopUpCase:
    RETIRING_SHORT = "retiring_short"
    NEVER_ENROLLED_RETIREE = "never_enrolled_retiree"
    FLEXIBLE_RETIREE = "flexible_retiree"
    BANKRUPT_RETIREE = "bankrupt_retiree"

    CHOICES = [
        (RETIRING_SHORT, gettext_lazy("retiring with fewer than the minimum years (N 三(二)3)")),
        (NEVER_ENROLLED_RETIREE, gettext_lazy("enterprise retiree never enrolled (N 三(二)3)")),
        (FLEXIBLE_RETIREE, gettext_lazy("flexible-worker retiree never enrolled (N 三(二)3)")),
        (BANKRUPT_RETIREE, gettext_lazy("retiree of a bankrupt employer (N 三(二)4)")),
    ]


@dataclass(frozen=True)
class TopUpQuote:
    case: str
    payer: str
    base: Decimal
    rate: Decimal
    months: int
    amount: Decimal
    formula: str
    critical_illness_years: int = 0
    critical_illness_amount: Decimal = ZERO
    critical_illness_formula: str = ""
    individual_critical_illness_yearly: Decimal = ZERO
    total: Decimal = ZERO
    benefits_from: datetime.date | None = None


def _whole_years(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


Rule = Callable[[str], Decimal]


@dataclass(frozen=True)
class _Missing:
    """What a case tops up: the base and how it was found, who pays, how many months."""

    base: Decimal
    base_text: str
    payer: str
    months: int


@dataclass(frozen=True)
class _CriticalIllness:
    """The critical-illness part of a bankrupt employer's retiree (N 三(二)4)."""

    years: int = 0
    amount: Decimal = ZERO
    formula: str = ""
    individual_yearly: Decimal = ZERO


def top_up_quote(
    *,
    municipality: Municipality,
    case: str,
    on: datetime.date,
    months_paid: int = 0,
    last_base: Decimal | None = None,
    last_pension: Decimal | None = None,
    birth_date: datetime.date | None = None,
    bankruptcy_date: datetime.date | None = None,
) -> TopUpQuote:
    """The one-off top-up of N 三(二)3–4 with its formula, using the rules in force on ``on``.

    - retiring_short: the employer (a flexible worker: the person) pays the missing months
      to ``minimum_contribution_years`` at ``top_up_rate`` on the last contribution base;
    - never_enrolled_retiree: the employer pays ten years at ``top_up_rate`` on last month's
      pension, floored at the year's minimum base (floor share × average wage / 12);
    - flexible_retiree: the person pays ten years at ``top_up_rate`` on the provincial
      average wage / 12;
    - bankrupt_retiree: as the pension case for the missing months (all ten years when never
      enrolled), plus the employer's critical-illness part for (life expectancy − age at
      bankruptcy) years at once; the individual part is deducted yearly from the account.
    Benefits start the month after payment. Top-ups never go to the personal account. Every
    missing or wrong input is refused at once, each on its field.
    """

    def rule(key: str) -> Decimal:
        return rule_value(municipality=municipality, key=key, on=on)

    errors: dict[str, str] = {}
    if months_paid < 0:
        errors["months_paid"] = _("Months paid cannot be negative.")
    missing = _missing(
        case=case,
        rule=rule,
        months_paid=months_paid,
        last_base=last_base,
        last_pension=last_pension,
        errors=errors,
    )
    critical_illness = _CriticalIllness()
    if case == TopUpCase.BANKRUPT_RETIREE:
        critical_illness = _bankrupt_critical_illness(
            rule=rule, birth_date=birth_date, bankruptcy_date=bankruptcy_date, errors=errors
        )
    if errors:
        raise ValidationError(errors)
    rate = rule("top_up_rate")
    amount = round_money(missing.base * rate * missing.months)
    formula = _("%(base_text)s × %(rate)s × %(months)s missing months = %(amount)s") % {
        "base_text": missing.base_text,
        "rate": rate.normalize(),
        "months": missing.months,
        "amount": amount,
    }
    return TopUpQuote(
        case=case,
        payer=missing.payer,
        base=missing.base,
        rate=rate,
        months=missing.months,
        amount=amount,
        formula=formula,
        critical_illness_years=critical_illness.years,
        critical_illness_amount=critical_illness.amount,
        critical_illness_formula=critical_illness.formula,
        individual_critical_illness_yearly=critical_illness.individual_yearly,
        total=amount + critical_illness.amount,
        benefits_from=(on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1),
    )


def _missing(
    *,
    case: str,
    rule: Rule,
    months_paid: int,
    last_base: Decimal | None,
    last_pension: Decimal | None,
    errors: dict[str, str],
) -> _Missing:
    """The base, payer and months of ``case``; a missing input is added to ``errors``."""
    required_months = int(rule("minimum_contribution_years")) * MONTHS_PER_YEAR
    missing = max(required_months - months_paid, 0)
    if case == TopUpCase.RETIRING_SHORT:
        if last_base is None or last_base <= 0:
            errors["last_base"] = _("Enter the last monthly contribution base.")
        base = last_base or ZERO
        return _Missing(
            base,
            _("last contribution base %(base)s") % {"base": base},
            _("employer (a flexible worker pays himself)"),
            missing,
        )
    if case in (TopUpCase.NEVER_ENROLLED_RETIREE, TopUpCase.BANKRUPT_RETIREE):
        if last_pension is None or last_pension <= 0:
            errors["last_pension"] = _("Enter last month's pension.")
        pension = last_pension or ZERO
        minimum_base = round_money(
            rule("provincial_average_wage") / MONTHS_PER_YEAR * rule("base_floor_share")
        )
        base = max(pension, minimum_base)
        base_text = _(
            "max(last month's pension %(pension)s, minimum base %(minimum)s) = %(base)s"
        ) % {"pension": pension, "minimum": minimum_base, "base": base}
        if case == TopUpCase.NEVER_ENROLLED_RETIREE:
            missing = required_months
        return _Missing(base, base_text, _("employer"), missing)
    if case == TopUpCase.FLEXIBLE_RETIREE:
        base = round_money(rule("provincial_average_wage") / MONTHS_PER_YEAR)
        return _Missing(
            base,
            _("provincial average wage / 12 = %(base)s") % {"base": base},
            _("the person"),
            required_months,
        )
    raise ValidationError({"case": _("Unknown top-up case.")})


def _bankrupt_critical_illness(
    *,
    rule: Rule,
    birth_date: datetime.date | None,
    bankruptcy_date: datetime.date | None,
    errors: dict[str, str],
) -> _CriticalIllness:
    """The employer's critical-illness part for (life expectancy − age at bankruptcy)
    years at once, and the individual part deducted yearly; missing dates go to ``errors``."""
    if birth_date is None:
        errors["birth_date"] = _("Enter the birth date.")
    if bankruptcy_date is None:
        errors["bankruptcy_date"] = _("Enter the bankruptcy date.")
    if birth_date is None or bankruptcy_date is None:
        return _CriticalIllness()
    age = _whole_years(birth_date, bankruptcy_date)
    expectancy = int(rule("provincial_life_expectancy"))
    years = max(expectancy - age, 0)
    employer_part = rule("critical_illness_employer_part")
    amount = round_money(employer_part * MONTHS_PER_YEAR * years)
    formula = _(
        "%(part)s × 12 × (life expectancy %(expectancy)s − age at bankruptcy %(age)s = "
        "%(years)s years) = %(amount)s"
    ) % {
        "part": employer_part,
        "expectancy": expectancy,
        "age": age,
        "years": years,
        "amount": amount,
    }
    individual_yearly = round_money(
        (rule("critical_illness_premium") - employer_part) * MONTHS_PER_YEAR
    )
    return _CriticalIllness(years, amount, formula, individual_yearly)
