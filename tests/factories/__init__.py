"""Test data builders. The personas come from the real Jining preset (tests/conftest.py)."""

import csv
import datetime
import io
import itertools

from pooling.accounts.models import Role, User
from pooling.structure.models import County, Municipality

_sequence = itertools.count(1)


def make_user(
    *, role: str, municipality: Municipality | None, county: County | None = None, **extra
) -> User:
    number = next(_sequence)
    return User.objects.create_user(
        username=extra.pop("username", f"{role}-{number}"),
        password=extra.pop("password", "test-pass-123"),
        role=role,
        municipality=municipality,
        county=county,
        **extra,
    )


def make_county(
    *, municipality: Municipality, code: str, name: str = "", kind: str = County.Kind.COUNTY
) -> County:
    return County.objects.create(
        municipality=municipality,
        code=code,
        name=name or f"县 {code}",
        kind=kind,
        member_from=datetime.date(2020, 1, 1),
    )


__all__ = ["Role", "make_county", "make_user"]


def csv_rows(response) -> list[list[str]]:
    """The rows of a streamed CSV export (UTF-8 with a byte-order mark)."""
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))
