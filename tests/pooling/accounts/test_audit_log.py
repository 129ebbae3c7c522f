"""The audit log page and its CSV export: every event the filter selects, streamed."""

import csv
import io

import pytest
from django.urls import reverse

from pooling.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_csv_export_streams_the_filtered_events(client_for, bureau_approver):
    response = client_for(bureau_approver).get(
        reverse("pooling:audit_list"), {"export": "csv", "action": "rule.add"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object",
        "before",
        "after",
    ]
    events = AuditEvent.objects.filter(action="rule.add")
    assert len(rows) - 1 == events.count() > 0
    assert {row[2] for row in rows[1:]} == {"rule.add"}
    assert {row[1] for row in rows[1:]} == {"jining_bureau"}


def test_the_export_needs_the_audit_capability(client_for, city_clerk):
    response = client_for(city_clerk).get(reverse("pooling:audit_list"), {"export": "csv"})
    assert response.status_code == 403
