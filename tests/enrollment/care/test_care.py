"""Outpatient specified diseases and out-of-area filings (J 二(四)): applications,
decisions, and each role's permissions."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from enrollment.care import services
from enrollment.care.models import DiseaseApplication, OutOfAreaFiling
from tests.factories.care import D, disease_apply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_application_is_approved_from_a_date_or_refused_with_a_reason(
    person_a, diabetes, county_a_officer
):
    application = disease_apply(person_a, diabetes, county_a_officer)
    with pytest.raises(ValidationError) as raised:
        services.disease_application_assess(
            application=application,
            approve=False,
            approved_from=None,
            refusal_reason="",
            actor=county_a_officer,
        )
    assert "refusal_reason" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.disease_application_assess(
            application=application,
            approve=True,
            approved_from=None,
            refusal_reason="",
            actor=county_a_officer,
        )
    assert "approved_from" in raised.value.message_dict
    approved = services.disease_application_assess(
        application=application,
        approve=True,
        approved_from=D(2026, 4, 1),
        refusal_reason="",
        actor=county_a_officer,
    )
    assert (approved.status, approved.approved_from) == ("approved", D(2026, 4, 1))
    with pytest.raises(ValidationError):
        services.disease_application_assess(
            application=application,
            approve=False,
            approved_from=None,
            refusal_reason="x",
            actor=county_a_officer,
        )
    with pytest.raises(ValidationError) as raised:
        disease_apply(person_a, diabetes, county_a_officer)
    assert "disease" in raised.value.message_dict
    assert DiseaseApplication.objects.count() == 1


def test_refused_application_may_be_made_again(person_a, diabetes, county_a_officer):
    application = disease_apply(person_a, diabetes, county_a_officer)
    services.disease_application_assess(
        application=application,
        approve=False,
        approved_from=None,
        refusal_reason="材料不全",
        actor=county_a_officer,
    )
    assert disease_apply(person_a, diabetes, county_a_officer).status == "submitted"


def test_filing_records_where_why_and_when_and_is_decided(person_a, county_a_officer):
    with pytest.raises(ValidationError) as raised:
        services.out_of_area_filing_submit(
            person=person_a,
            kind="referral_out",
            destination="北京协和医院",
            reason="疑难病转诊",
            valid_from=D(2026, 5, 1),
            valid_to=D(2026, 4, 1),
            actor=county_a_officer,
        )
    assert "valid_to" in raised.value.message_dict
    filing = services.out_of_area_filing_submit(
        person=person_a,
        kind="resident_elsewhere",
        destination="海南省三亚市",
        reason="异地安置",
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 12, 31),
        actor=county_a_officer,
    )
    decided = services.out_of_area_filing_decide(
        filing=filing, approve=True, refusal_reason="", actor=county_a_officer
    )
    assert decided.status == "approved" and decided.county_id == person_a.county_id


def test_county_officer_gets_404_for_another_county_and_nothing_changes(
    person_b, diabetes, county_b_officer, county_a_officer, client_for, api_for
):
    application = disease_apply(person_b, diabetes, county_b_officer)
    filing = services.out_of_area_filing_submit(
        person=person_b,
        kind="working_elsewhere",
        destination="上海",
        reason="外派",
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 6, 30),
        actor=county_b_officer,
    )
    client = client_for(county_a_officer)
    listing = client.get(reverse("enrollment:disease_list")).content.decode()
    assert "钱七" not in listing
    response = client.post(
        reverse("enrollment:disease_assess", args=[application.pk]),
        {"decision": "approve", "approved_from": "2026-04-01"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("enrollment:filing_decide", args=[filing.pk]),
        {"decision": "refuse", "refusal_reason": "x"},
    )
    assert response.status_code == 404
    api = api_for(county_a_officer)
    assert api.get(f"/api/disease-applications/{application.pk}/").status_code == 404
    assert (
        api.post(
            f"/api/out-of-area-filings/{filing.pk}/decide/", {"approve": True}, format="json"
        ).status_code
        == 404
    )
    other_person = api.post(
        "/api/disease-applications/",
        {"person": person_b.pk, "disease": diabetes.pk, "applied_on": "2026-03-02"},
        format="json",
    )
    assert other_person.status_code == 400 and "person" in other_person.json()
    application.refresh_from_db()
    filing.refresh_from_db()
    assert application.status == filing.status == "submitted"
    assert DiseaseApplication.objects.count() == 1


def test_auditor_reads_but_cannot_apply_or_decide(
    person_a, diabetes, county_a_officer, auditor, client_for, api_for
):
    application = disease_apply(person_a, diabetes, county_a_officer)
    client = client_for(auditor)
    assert client.get(reverse("enrollment:disease_list")).status_code == 200
    assert client.get(reverse("enrollment:filing_list")).status_code == 200
    assert client.get(reverse("enrollment:disease_apply")).status_code == 403
    response = client.post(
        reverse("enrollment:disease_assess", args=[application.pk]),
        {"decision": "approve", "approved_from": "2026-04-01"},
    )
    assert response.status_code == 403
    api = api_for(auditor)
    assert api.get("/api/disease-applications/").status_code == 200
    assert (
        api.post(
            f"/api/disease-applications/{application.pk}/assess/",
            {"approve": True, "approved_from": "2026-04-01"},
            format="json",
        ).status_code
        == 403
    )
    assert api.post("/api/out-of-area-filings/", {}, format="json").status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not OutOfAreaFiling.objects.exists()


def test_pages_show_errors_next_to_fields(client_for, county_a_officer, diabetes, person_b):
    client = client_for(county_a_officer)
    response = client.post(
        reverse("enrollment:disease_apply"),
        {"id_number": person_b.id_number, "disease": diabetes.pk, "applied_on": "2026-03-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"]
    response = client.post(
        reverse("enrollment:filing_create"),
        {
            "id_number": "x",
            "kind": "referral_out",
            "destination": "济南",
            "reason": "转诊",
            "valid_from": "2026-05-01",
            "valid_to": "2026-04-01",
        },
    )
    assert response.status_code == 400
    assert not DiseaseApplication.objects.exists() and not OutOfAreaFiling.objects.exists()


def test_county_officer_applies_and_decides_through_pages(
    client_for, county_a_officer, diabetes, person_a
):
    client = client_for(county_a_officer)
    response = client.post(
        reverse("enrollment:disease_apply"),
        {"id_number": person_a.id_number, "disease": diabetes.pk, "applied_on": "2026-03-01"},
    )
    assert response.status_code == 302
    application = DiseaseApplication.objects.get()
    response = client.post(
        reverse("enrollment:disease_assess", args=[application.pk]),
        {"decision": "refuse", "refusal_reason": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["refusal_reason"]
    response = client.post(
        reverse("enrollment:disease_assess", args=[application.pk]),
        {"decision": "approve", "approved_from": "2026-04-01"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"


def test_a_decided_application_or_filing_is_refused_and_nothing_changes(
    person_a, diabetes, county_a_officer
):
    application = disease_apply(person_a, diabetes, county_a_officer)
    services.disease_application_assess(
        application=application,
        approve=True,
        approved_from=D(2026, 4, 1),
        refusal_reason="",
        actor=county_a_officer,
    )
    with pytest.raises(ValidationError) as raised:
        services.disease_application_assess(
            application=application,
            approve=False,
            approved_from=None,
            refusal_reason="",
            actor=county_a_officer,
        )
    # Decided already comes first, before the missing reason.
    assert raised.value.message_dict == {
        "status": ["This specified-disease application is approved; it cannot be decided."]
    }
    application.refresh_from_db()
    assert (application.status, application.refusal_reason) == ("approved", "")
    filing = services.out_of_area_filing_submit(
        person=person_a,
        kind="referral_out",
        destination="济南",
        reason="转诊",
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 2, 1),
        actor=county_a_officer,
    )
    services.out_of_area_filing_decide(
        filing=filing, approve=False, refusal_reason="材料不全", actor=county_a_officer
    )
    with pytest.raises(ValidationError) as raised:
        services.out_of_area_filing_decide(
            filing=filing, approve=True, refusal_reason="", actor=county_a_officer
        )
    assert raised.value.message_dict == {
        "status": ["This out-of-area filing is refused; it cannot be decided."]
    }
    filing.refresh_from_db()
    assert (filing.status, filing.refusal_reason) == ("refused", "材料不全")


def test_the_list_offers_the_decision_only_on_what_the_user_may_decide(
    client_for, person_a, diabetes, county_a_officer, auditor
):
    application = disease_apply(person_a, diabetes, county_a_officer)
    assess = reverse("enrollment:disease_assess", args=[application.pk])
    listing = reverse("enrollment:disease_list")
    assert assess in client_for(county_a_officer).get(listing).content.decode()
    assert assess not in client_for(auditor).get(listing).content.decode()
    services.disease_application_assess(
        application=application,
        approve=True,
        approved_from=D(2026, 4, 1),
        refusal_reason="",
        actor=county_a_officer,
    )
    assert assess not in client_for(county_a_officer).get(listing).content.decode()
