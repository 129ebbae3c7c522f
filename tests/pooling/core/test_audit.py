"""``audited_update``: a change of some fields and its audit event, written together."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from pooling.accounts.models import AuditEvent
from pooling.core.audit import audit_record, audited_update
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


def test_the_audit_log_is_append_only_in_the_database(county_a, administrator):
    """Like the ledger: neither the ORM bypassing the services nor raw SQL rewrites or
    removes an audit event."""
    if connection.vendor != "postgresql":
        pytest.skip("the database enforces this on PostgreSQL")
    audit_record(actor=administrator, action="test.append_only", instance=county_a)
    event = AuditEvent.objects.get(action="test.append_only")
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="test.rewritten"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: connection.cursor().execute(
            "UPDATE pooling_auditevent SET actor_id = NULL WHERE id = %s", [event.pk]
        ),
        lambda: connection.cursor().execute(
            "DELETE FROM pooling_auditevent WHERE id = %s", [event.pk]
        ),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert (event.action, event.actor_id) == ("test.append_only", administrator.pk)
