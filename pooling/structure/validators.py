"""Validators for the codes the pooling structure uses (GB/T 2260 region codes)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province-level prefixes of GB/T 2260; the first digit is the region.
PROVINCE_PREFIXES = frozenset(
    " ".join(
        [
            "11 12 13 14 15",  # North: Beijing, Tianjin, Hebei, Shanxi, Inner Mongolia
            "21 22 23",  # Northeast
            "31 32 33 34 35 36 37",  # East: Shanghai to Shandong
            "41 42 43 44 45 46",  # Central and South: Henan to Hainan
            "50 51 52 53 54",  # Southwest: Chongqing to Tibet
            "61 62 63 64 65",  # Northwest
            "71 81 82",  # Taiwan, Hong Kong, Macao
        ]
    ).split()
)
_REGION_CODE = re.compile(r"^\d{6}$")


def validate_region_code(value: str) -> None:
    """A GB/T 2260 code: six digits beginning with a real province prefix."""
    if not _REGION_CODE.match(value or ""):
        raise ValidationError(
            _("A region code has exactly six digits (GB/T 2260), for example 370811."),
            code="region_code_format",
        )
    if value[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            _("%(prefix)s is not a province code of GB/T 2260."),
            code="region_code_province",
            params={"prefix": value[:2]},
        )


def validate_municipality_code(value: str) -> None:
    """A prefecture-level code ends in 00 (for example 370800 for Jining)."""
    validate_region_code(value)
    if not value.endswith("00") or value.endswith("0000"):
        raise ValidationError(
            _("A municipality's code ends in 00 but not 0000, for example 370800."),
            code="municipality_code_level",
        )
