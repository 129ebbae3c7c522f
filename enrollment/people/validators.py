"""Identifier validators: the unified social credit code (GB 32100-2015) of an employer and
the resident identity number (GB 11643-1999) of a person, with their check characters."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECKS = "10X98765432"
_RESIDENT_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


def credit_code_check_character(first_17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015, 4.3)."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first_17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """18 characters from the code's alphabet (no I, O, S, V, Z), a 6-digit region code in
    positions 3–8 and a correct check character."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; “%(value)s” has %(length)s."),
            code="credit_code_length",
            params={"value": value, "length": len(code)},
        )
    if not _CREDIT_CODE_PATTERN.match(code):
        raise ValidationError(
            _(
                "“%(value)s” contains characters a unified social credit code cannot have "
                "(letters I, O, S, V, Z, or a non-digit in the region code, positions 3–8)."
            ),
            code="credit_code_characters",
            params={"value": value},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of “%(value)s” is wrong (GB 32100): expected %(expected)s; "
                "check the code for a typing error."
            ),
            code="credit_code_check",
            params={"value": value, "expected": expected},
        )


def resident_id_check_character(first_17: str) -> str:
    """The 18th character of a resident identity number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    total = sum(
        int(char) * weight for char, weight in zip(first_17, _RESIDENT_ID_WEIGHTS, strict=True)
    )
    return _RESIDENT_ID_CHECKS[total % 11]


@dataclass(frozen=True)
class ResidentIdFacts:
    birth_date: datetime.date
    sex: str  # "M" or "F": the 17th digit is odd for men, even for women


def validate_resident_id(value: str) -> None:
    resident_id_facts(value)


def resident_id_facts(value: str) -> ResidentIdFacts:
    """Validate an 18-character resident ID and return the birth date and sex it encodes."""
    number = (value or "").strip().upper()
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; “%(value)s” has %(length)s."),
            code="resident_id_length",
            params={"value": value, "length": len(number)},
        )
    if not _RESIDENT_ID_PATTERN.match(number):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X; “%(value)s” is not."),
            code="resident_id_characters",
            params={"value": value},
        )
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth_date = None
    if birth_date is None or birth_date.year < 1900:
        raise ValidationError(
            _("“%(value)s” does not contain a valid birth date (digits 7–14)."),
            code="resident_id_birth_date",
            params={"value": value},
        )
    expected = resident_id_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _(
                "The check digit of “%(value)s” is wrong (GB 11643): expected %(expected)s; "
                "check the number for a typing error."
            ),
            code="resident_id_check",
            params={"value": value, "expected": expected},
        )
    return ResidentIdFacts(birth_date=birth_date, sex="M" if int(number[16]) % 2 else "F")
