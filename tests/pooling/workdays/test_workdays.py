import datetime

import pytest

from pooling.workdays.models import CalendarOverride
from pooling.workdays.selectors import (
    CalendarYearUnknown,
    add_working_days,
    is_workday,
    roll_to_working_day,
)

D = datetime.date
pytestmark = pytest.mark.django_db


def test_three_working_days_after_september_30_2026_is_the_adjusted_saturday():
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert is_workday(D(2026, 10, 10)) is True  # an adjusted Saturday workday


def test_counting_from_inside_a_holiday_starts_after_it():
    # 2026-10-03 is in the National Day break: the first working day after it is 10-08.
    assert add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)


def test_counting_across_a_weekend():
    # Friday 2026-11-20 + 1 working day is Monday 2026-11-23.
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)
    assert add_working_days(D(2026, 11, 21), 1) == D(2026, 11, 23)  # from a Saturday


def test_spring_festival_2026_and_its_adjusted_workdays():
    # 2026 Spring Festival: 02-15 to 02-23 off; Saturday 02-14 and 02-28 are workdays.
    assert is_workday(D(2026, 2, 14)) is True
    assert is_workday(D(2026, 2, 16)) is False
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_zero_working_days_is_the_start_itself():
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)


def test_deadline_on_a_holiday_rolls_to_the_next_working_day():
    assert roll_to_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert roll_to_working_day(D(2026, 9, 30)) == D(2026, 9, 30)


def test_an_override_turns_a_working_day_into_a_holiday():
    CalendarOverride.objects.create(date=D(2026, 11, 23), is_workday=False, note="local")
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 24)


def test_an_unknown_year_gives_an_error_naming_the_year():
    with pytest.raises(CalendarYearUnknown) as raised:
        add_working_days(D(2026, 12, 30), 5)
    assert raised.value.year == 2027
    assert "2027" in raised.value.messages[0]


def test_a_year_entered_as_overrides_is_used():
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    # 2026-12-31 (Thu) + 1: 2027-01-01 is a holiday, 01-02/03 a weekend, so Monday 01-04.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
