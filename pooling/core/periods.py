"""Dated periods: rows in force from ``effective_from`` to ``effective_to`` inclusive (None:
open-ended), such as a county's pooling models and the versions of a rule. A new period
closes the open one on the day before it starts."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ONE_DAY = datetime.timedelta(days=1)

# The window of business dates and years: the pooling documents start after 2000, and a year
# beyond 2100 is a typing error. Inputs outside it are refused with a field error, never
# passed to a date computation that would fail (year 0 or 10000).
YEAR_MIN, YEAR_MAX = 2000, 2100
# The longest free text (notes, reasons) a form or the API takes.
TEXT_MAX_LENGTH = 2000
# The largest value of a PostgreSQL ``integer`` column: a larger count is a field error.
INTEGER_MAX = 2_147_483_647
# The largest id of a ``bigint`` primary key.
ID_MAX = 9_223_372_036_854_775_807


def validate_business_date(value: datetime.date | None) -> None:
    """Field validator: a business date lies between 2000-01-01 and 2100-12-31."""
    if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": f"{YEAR_MIN}-01-01", "last": f"{YEAR_MAX}-12-31"},
        )


def in_force(day: datetime.date) -> Q:
    """The periods that contain ``day``."""
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def overlaps(period, start: datetime.date, end: datetime.date | None) -> bool:
    """Whether ``period`` (a row with ``effective_from`` and ``effective_to``) meets
    [start, end] (``end`` None: open-ended)."""
    return (period.effective_to is None or period.effective_to >= start) and (
        end is None or period.effective_from <= end
    )
