"""The contribution arithmetic of N 三(二): the monthly assessment (set-based SQL), the
matching of collection rows, and the one-off top-ups. Rule values always come from the dated
``PolicyRule`` rows in force for the month computed; nothing here writes an audit event (the
services in ``enrollment.services`` do)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.contributions.assessment import MONTHS_PER_YEAR
from pooling.core.money import ZERO, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import Municipality

# Top-ups (N 三(二)3–4) --------------------------------------------------------------------------


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
    Benefits start the month after payment. Top-ups never go to the personal account.
    """

    def rule(key: str) -> Decimal:
        return rule_value(municipality=municipality, key=key, on=on)

    errors: dict[str, str] = {}
    rate = rule("top_up_rate")
    required_months = int(rule("minimum_contribution_years")) * MONTHS_PER_YEAR
    minimum_base = round_money(
        rule("provincial_average_wage") / MONTHS_PER_YEAR * rule("base_floor_share")
    )
    if months_paid < 0:
        errors["months_paid"] = _("Months paid cannot be negative.")
    missing = max(required_months - months_paid, 0)
    base_text = ""
    payer = _("employer")
    if case == TopUpCase.RETIRING_SHORT:
        if last_base is None or last_base <= 0:
            errors["last_base"] = _("Enter the last monthly contribution base.")
        base = last_base or ZERO
        base_text = _("last contribution base %(base)s") % {"base": base}
        payer = _("employer (a flexible worker pays himself)")
    elif case in (TopUpCase.NEVER_ENROLLED_RETIREE, TopUpCase.BANKRUPT_RETIREE):
        if last_pension is None or last_pension <= 0:
            errors["last_pension"] = _("Enter last month's pension.")
        pension = last_pension or ZERO
        base = max(pension, minimum_base)
        base_text = _(
            "max(last month's pension %(pension)s, minimum base %(minimum)s) = %(base)s"
        ) % {
            "pension": pension,
            "minimum": minimum_base,
            "base": base,
        }
        if case == TopUpCase.NEVER_ENROLLED_RETIREE:
            missing = required_months
    elif case == TopUpCase.FLEXIBLE_RETIREE:
        base = round_money(rule("provincial_average_wage") / MONTHS_PER_YEAR)
        base_text = _("provincial average wage / 12 = %(base)s") % {"base": base}
        missing = required_months
        payer = _("the person")
    else:
        raise ValidationError({"case": _("Unknown top-up case.")})
    ci_years, ci_amount, ci_formula, ci_yearly = 0, ZERO, "", ZERO
    if case == TopUpCase.BANKRUPT_RETIREE:
        if birth_date is None:
            errors["birth_date"] = _("Enter the birth date.")
        if bankruptcy_date is None:
            errors["bankruptcy_date"] = _("Enter the bankruptcy date.")
        if birth_date and bankruptcy_date:
            age = _whole_years(birth_date, bankruptcy_date)
            ci_years = max(int(rule("provincial_life_expectancy")) - age, 0)
            employer_part = rule("critical_illness_employer_part")
            ci_amount = round_money(employer_part * MONTHS_PER_YEAR * ci_years)
            ci_formula = _(
                "%(part)s × 12 × (life expectancy %(expectancy)s − age at bankruptcy %(age)s = "
                "%(years)s years) = %(amount)s"
            ) % {
                "part": employer_part,
                "expectancy": int(rule("provincial_life_expectancy")),
                "age": age,
                "years": ci_years,
                "amount": ci_amount,
            }
            ci_yearly = round_money(
                (rule("critical_illness_premium") - employer_part) * MONTHS_PER_YEAR
            )
    if errors:
        raise ValidationError(errors)
    amount = round_money(base * rate * missing)
    formula = _("%(base_text)s × %(rate)s × %(months)s missing months = %(amount)s") % {
        "base_text": base_text,
        "rate": rate.normalize(),
        "months": missing,
        "amount": amount,
    }
    return TopUpQuote(
        case=case,
        payer=payer,
        base=base,
        rate=rate,
        months=missing,
        amount=amount,
        formula=formula,
        critical_illness_years=ci_years,
        critical_illness_amount=ci_amount,
        critical_illness_formula=ci_formula,
        individual_critical_illness_yearly=ci_yearly,
        total=amount + ci_amount,
        benefits_from=(on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1),
    )
