"""Working days on China's official calendar, with the staff-editable override table.

DOMAIN §12: "within N working days of D" counts the working days after D; a deadline whose last
day is not a working day moves to the next working day (Civil Code art. 203). ``chinesecalendar``
knows 2004–2026; for other years staff enter the holidays and adjusted workdays as overrides,
and a year with neither gives a clear error naming the year instead of a crash.
"""

import datetime

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pooling.core.periods import ONE_DAY
from pooling.workdays.models import CalendarOverride


class CalendarYearUnknown(ValidationError):
    """Neither the package nor the overrides know the year of a date."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar for %(year)s is not known yet: enter that year's "
                "holidays and adjusted workdays under Calendar overrides."
            ),
            code="calendar_year_unknown",
            params={"year": year},
        )


class _Calendar:
    """Answers workday questions over a date range with one query for the overrides."""

    def __init__(self, start: datetime.date, end: datetime.date):
        rows = CalendarOverride.objects.filter(date__range=(start, end)).values_list(
            "date", "is_workday"
        )
        self._overrides = dict(rows)
        self._years_with_overrides = {
            year_start.year
            for year_start in CalendarOverride.objects.filter(
                date__year__gte=start.year, date__year__lte=end.year
            ).dates("date", "year")
        }

    def is_workday(self, day: datetime.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year in self._years_with_overrides:
                # A year entered by staff: weekdays work unless an override says otherwise.
                return day.weekday() < 5
            raise CalendarYearUnknown(day.year) from None


def is_workday(day: datetime.date) -> bool:
    """Whether ``day`` is a working day."""
    return _Calendar(day, day).is_workday(day)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The day on which ``count`` working days after ``start`` have passed.

    ``start`` itself never counts, whether or not it is a working day: three working days
    after 2026-09-30 is 2026-10-10, an adjusted Saturday workday after the National Day break.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    # Holidays never last more than about two weeks, so 3 days per working day is ample.
    calendar = _Calendar(start, start + datetime.timedelta(days=count * 3 + 20))
    day = start
    remaining = count
    while remaining:
        day += ONE_DAY
        if calendar.is_workday(day):
            remaining -= 1
    return day


def roll_to_working_day(day: datetime.date) -> datetime.date:
    """A deadline falling on a non-working day moves to the next working day (Civil Code 203)."""
    calendar = _Calendar(day, day + datetime.timedelta(days=20))
    while not calendar.is_workday(day):
        day += ONE_DAY
    return day
