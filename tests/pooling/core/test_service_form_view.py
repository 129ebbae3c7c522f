"""``ServiceFormView``, the one form-view base: GET shows the form, a form error or a
service's ``ValidationError`` shows next to its field (or above the form) with a 400 and
nothing saved, success redirects with a message; capabilities guard reading and writing.

A throwaway form and service are mounted on the real site (so ``form.html`` renders inside
``base.html`` as every page does)."""

import datetime

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import path

from pooling.core.views import ServiceFormView
from pooling.urls import urlpatterns as site_urlpatterns
from pooling.workdays.models import CalendarOverride

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

DAY = datetime.date(2026, 12, 1)
CALLS: list[dict] = []


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", max_length=20)
    days = forms.IntegerField(label="Days", min_value=0)


def note_record(*, note: str, days: int) -> CalendarOverride:
    """A fake service: it writes, then refuses what the test asks it to refuse."""
    CALLS.append({"note": note, "days": days})
    with transaction.atomic():
        override = CalendarOverride.objects.create(date=DAY, is_workday=False, note=note)
        if note == "field":
            raise ValidationError({"days": "Too many days for this note."})
        if note == "whole":
            raise ValidationError("The whole request is refused.")
        if note == "elsewhere":
            raise ValidationError(
                {"not_a_field": "Refused for a reason the form has no field for."}
            )
    return override


class NoteView(ServiceFormView):
    capability = "pooling.view_rules"  # every role
    write_capability = "pooling.change_rules"  # the bureau and the administrator
    heading = "Record a note"
    success_message = "The note was recorded."
    cancel_url_name = "pooling:calendar"

    def get_form(self, data=None, files=None):
        return NoteForm(data)

    def perform(self, form):
        return note_record(**form.cleaned_data)

    def get_success_url(self, result) -> str:
        return f"/notes/{result.pk}/"


class UploadView(NoteView):
    multipart = True


class UndeclaredView(NoteView):
    capability = None


class AuditorsOnlyView(NoteView):
    capability = "pooling.view_audit"  # not the agency clerk


urlpatterns = [
    *site_urlpatterns,
    path("notes/new/", NoteView.as_view()),
    path("notes/upload/", UploadView.as_view()),
    path("notes/undeclared/", UndeclaredView.as_view()),
    path("notes/audit/", AuditorsOnlyView.as_view()),
]


@pytest.fixture(autouse=True)
def _no_calls():
    CALLS.clear()


def test_get_shows_the_form_with_its_heading_and_cancel_link(english_client_for, city_clerk):
    response = english_client_for(city_clerk).get("/notes/new/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Record a note</h1>" in page
    assert 'name="note"' in page and 'name="days"' in page
    assert 'href="/calendar/"' in page  # cancel
    assert "enctype" not in page.split('<form method="post"')[1].split(">")[0]
    assert CALLS == []


def test_a_multipart_view_posts_files(english_client_for, bureau_approver):
    page = english_client_for(bureau_approver).get("/notes/upload/").content.decode()
    assert 'enctype="multipart/form-data"' in page


def test_an_upload_page_is_refused_to_who_may_not_write(client_for, city_clerk, auditor):
    for user in (city_clerk, auditor):
        assert client_for(user).get("/notes/upload/").status_code == 403


def test_a_form_error_answers_400_and_calls_nothing(english_client_for, bureau_approver):
    response = english_client_for(bureau_approver).post("/notes/new/", {"note": "x", "days": "-1"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "days": ["Ensure this value is greater than or equal to 0."]
    }
    assert CALLS == []
    assert CalendarOverride.objects.count() == 0


def test_a_service_error_on_a_field_shows_next_to_that_field(english_client_for, bureau_approver):
    response = english_client_for(bureau_approver).post(
        "/notes/new/", {"note": "field", "days": "3"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"days": ["Too many days for this note."]}
    page = response.content.decode()
    field = page.split('id="field-days"')[1].split("</div>")[0]
    assert 'id="id_days-errors"' in field and "Too many days for this note." in field
    assert CALLS == [{"note": "field", "days": 3}]
    assert CalendarOverride.objects.count() == 0
    assert list(get_messages(response.wsgi_request)) == []


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("whole", "The whole request is refused."),
        ("elsewhere", "Refused for a reason the form has no field for."),
    ],
)
def test_a_service_error_without_a_form_field_shows_above_the_form(
    english_client_for, bureau_approver, note, message
):
    response = english_client_for(bureau_approver).post("/notes/new/", {"note": note, "days": "3"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [message]
    page = response.content.decode()
    above = page.split('<ul class="errorlist nonfield" role="alert">')[1].split("</ul>")[0]
    assert message in above
    assert page.index("errorlist nonfield") < page.index('id="field-note"')
    assert CalendarOverride.objects.count() == 0


def test_success_redirects_with_the_message(english_client_for, bureau_approver):
    response = english_client_for(bureau_approver).post("/notes/new/", {"note": "ok", "days": "3"})
    override = CalendarOverride.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{override.pk}/"
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "The note was recorded."
    ]
    assert CALLS == [{"note": "ok", "days": 3}]


def test_reading_needs_the_capability(client_for, city_clerk, auditor):
    assert client_for(city_clerk).get("/notes/audit/").status_code == 403
    assert client_for(auditor).get("/notes/audit/").status_code == 200


def test_writing_needs_the_write_capability_and_calls_nothing(client_for, auditor, city_clerk):
    for user in (auditor, city_clerk):
        client = client_for(user)
        assert client.get("/notes/new/").status_code == 200
        assert client.post("/notes/new/", {"note": "ok", "days": "3"}).status_code == 403
    assert CALLS == []
    assert CalendarOverride.objects.count() == 0


def test_a_view_without_a_declared_capability_is_closed(client_for, administrator):
    assert client_for(administrator).get("/notes/undeclared/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, jining):
    response = client.get("/notes/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
