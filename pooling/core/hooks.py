"""Explicit extension points of the pooling structure.

Apps above ``pooling`` (``funds`` opens a county's accounts) register a handler here from
their ``AppConfig.ready``; pooling services call the handlers inside their own transaction, so
a failing handler rolls the whole change back. Registration is explicit and ordered, unlike
Django signals, so what runs when a county joins can be read in one place.
"""

import datetime
from collections.abc import Callable

from pooling.accounts.models import User
from pooling.structure.models import County

CountyJoinedHandler = Callable[[County, datetime.date, User | None], None]
_county_joined: list[tuple[str, CountyJoinedHandler]] = []


def on_county_joined(name: str, handler: CountyJoinedHandler) -> None:
    """Run ``handler(county, join_date, actor)`` whenever a county joins the pool."""
    _county_joined[:] = [entry for entry in _county_joined if entry[0] != name]
    _county_joined.append((name, handler))


def county_joined(county: County, join_date: datetime.date, actor: User | None) -> None:
    for _name, handler in _county_joined:
        handler(county, join_date, actor)
