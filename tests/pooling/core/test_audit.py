"""``audited_update``: a change of some fields and its audit event, written together."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pooling.accounts.models import AuditEvent
from pooling.core.audit import audited_update
from pooling.structure.models import County

pytestmark = pytest.mark.django_db


def test_audited_update_writes_the_changed_columns_and_the_state_before(county_a, administrator):
    joined = county_a.accession_date
    with CaptureQueriesContext(connection) as queries:
        event = audited_update(
            county_a,
            {"accession_date": datetime.date(2030, 1, 1)},
            actor=administrator,
            action="county.accede",
            municipality=county_a.municipality,
            county=county_a,
        )
    (update,) = [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]
    assert update.split(" WHERE ")[0].count("=") == 1  # only accession_date is set
    assert County.objects.get(pk=county_a.pk).accession_date == datetime.date(2030, 1, 1)
    assert AuditEvent.objects.get(pk=event.pk).action == "county.accede"
    assert event.before["accession_date"] == joined.isoformat()
    assert event.after["accession_date"] == "2030-01-01"
    assert (event.actor, event.municipality, event.county) == (
        administrator,
        county_a.municipality,
        county_a,
    )
