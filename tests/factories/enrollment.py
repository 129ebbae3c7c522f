"""Builders of enrollment data: valid identifiers."""

import datetime
import itertools

from enrollment.people.validators import credit_code_check_character, resident_id_check_character

D = datetime.date


_numbers = itertools.count(1)


def credit_code(number: int | None = None) -> str:
    first = f"91370811MA{next(_numbers) if number is None else number:07d}"
    return first + credit_code_check_character(first)


BORN = D(1980, 5, 17)


JANUARY = D(2024, 1, 1)


def resident_id(birth: datetime.date = BORN, county_code: str = "370811") -> str:
    first = f"{county_code}{birth:%Y%m%d}{next(_numbers) % 1000:03d}"
    return first + resident_id_check_character(first)


# The amounts of an assessment, in the order of the model.
ASSESSMENT_PARTS = [
    "base",
    "employer_pooled_fund",
    "employer_maternity",
    "employer_critical_illness",
    "individual_pooled_fund",
    "individual_personal_account",
    "individual_critical_illness",
    "employer_total",
    "individual_total",
    "total_due",
    "retiree_account_credit",
]


def csv_file(*lines: str) -> bytes:
    """An uploaded CSV file: ``lines`` joined, UTF-8."""
    return ("\n".join(lines) + "\n").encode()
