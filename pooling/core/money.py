"""Money and month conventions shared by every app (DOMAIN §10).

Money is ``Decimal`` yuan with two places, rounded half-up to the fen; a month is the ``date`` of
its first day.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pooling.core.periods import YEAR_MAX, YEAR_MIN

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


MONEY_MAX_DIGITS = 18
# The largest amount a MoneyField holds: 16 digits before the point, 2 after.
MONEY_MAX = Decimal(10) ** (MONEY_MAX_DIGITS - 2) - FEN


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the fen, half-up. Floats are refused: they cannot hold money exactly."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal or a string.")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def parse_money(text: str, *, positive: bool = False) -> Decimal:
    """The amount written in ``text`` (thousands separators allowed), or a ``ValidationError``.

    The one place an amount typed into a file becomes money: it must be a finite number with
    at most two decimals, zero or more (above zero when ``positive``), and fit a
    ``MoneyField`` (at most ``MONEY_MAX``), so no stored value can overflow a column or a
    page (``1e20``, 21 digits, ``NaN`` and ``Infinity`` are refused, not stored).
    """
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value < 0 or (positive and value == 0):
        raise ValidationError(_NOT_AN_AMOUNT[positive], code="not_amount")
    if value > MONEY_MAX:
        raise ValidationError(
            _("The amount is larger than %(maximum)s yuan, the largest an amount may be."),
            code="amount_too_large",
            params={"maximum": f"{MONEY_MAX:,}"},
        )
    # In range, so quantizing cannot exceed the context's precision.
    if value != value.quantize(FEN):
        raise ValidationError(_NOT_AN_AMOUNT[positive], code="not_amount")
    return value.quantize(FEN)


_NOT_AN_AMOUNT = {
    False: _("Not an amount in yuan with at most two decimals, zero or more."),
    True: _("An amount in yuan above zero with at most two decimals."),
}


class MoneyField(models.DecimalField):
    """The one money column: 18 digits, 2 places (max 9,999,999,999,999,999.99 yuan)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", MONEY_MAX_DIGITS), ("decimal_places", 2)):
            if kwargs.get(key) == default:
                del kwargs[key]
        return name, path, args, kwargs


def month_start(day: datetime.date) -> datetime.date:
    """The month a date belongs to, as the date of its first day."""
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    """The first day of the month after ``month``."""
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    """The last day of ``month``."""
    return next_month(month) - datetime.timedelta(days=1)


def month_has_ended(month: datetime.date, *, today: datetime.date | None = None) -> bool:
    """Whether ``month`` may be run and closed: today (Asia/Shanghai, the project's
    ``TIME_ZONE``) is its last day or later. The month-end cycle starts on the last day's
    evening, so the last day itself counts."""
    return (today or timezone.localdate()) >= month_end(month)


def validate_month_ended(month: datetime.date) -> None:
    """Refuse to run or close ``month`` before its last day (a closed month is closed for
    good, and a cycle run early would remit money that belongs to the current month)."""
    today = timezone.localdate()
    if not month_has_ended(month, today=today):
        raise ValidationError(
            {
                "month": ValidationError(
                    _(
                        "%(month)s has not ended: its cycle may start and it may close only "
                        "on or after its last day, %(last_day)s (Beijing time); today is "
                        "%(today)s."
                    ),
                    code="month_not_ended",
                    params={
                        "month": month.strftime("%Y-%m"),
                        "last_day": month_end(month).isoformat(),
                        "today": today.isoformat(),
                    },
                )
            }
        )


_MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> datetime.date:
    """Parse ``YYYY-MM`` (a year from 2000 to 2100) into the month's first day, with a clear
    error for anything else."""
    match = _MONTH_PATTERN.match(text.strip())
    if (
        not match
        or not 1 <= int(match.group(2)) <= 12
        or not YEAR_MIN <= int(match.group(1)) <= YEAR_MAX
    ):
        raise ValidationError(
            _(
                "“%(value)s” is not a month between 2000-01 and 2100-12; write it as YYYY-MM, "
                "for example 2026-01."
            ),
            code="invalid_month",
            params={"value": text},
        )
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def validate_month_start(value: datetime.date) -> None:
    """Field validator: months are stored as the first day of the month."""
    if value is not None and value.day != 1:
        raise ValidationError(
            _("A month must be given as its first day (%(value)s is not)."),
            code="not_month_start",
            params={"value": value.isoformat()},
        )
