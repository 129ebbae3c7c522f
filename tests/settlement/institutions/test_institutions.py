"""Designated institutions (J 二(四)): codes, admission, yearly review, whether an
institution may be paid, and each role's access."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from pooling.accounts.models import AuditEvent
from settlement.institutions import selectors, services
from settlement.institutions.models import DesignatedInstitution, InstitutionReview

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admit(city_clerk):
    def make(county, code, kind=DesignatedInstitution.Kind.HOSPITAL, **extra):
        return services.institution_admit(
            county=county,
            kind=kind,
            code=code,
            name=extra.pop("name", "测试医院"),
            level=extra.pop("level", DesignatedInstitution.Level.SECONDARY),
            agreement_from=extra.pop("agreement_from", D(2026, 1, 1)),
            agreement_to=extra.pop("agreement_to", D(2026, 12, 31)),
            admitted_on=extra.pop("admitted_on", D(2025, 12, 20)),
            actor=extra.pop("actor", city_clerk),
            **extra,
        )

    return make


@pytest.mark.parametrize(
    ("code", "kind", "error_code"),
    [
        ("H3708110001", "hospital", "institution_code_format"),
        ("X37081100001", "hospital", "institution_code_format"),
        ("P37081100001", "hospital", "institution_code_prefix"),
        ("H37081100001", "pharmacy", "institution_code_prefix"),
        ("H37081200001", "hospital", "institution_code_region"),
        ("H37081100000", "hospital", "institution_code_sequence"),
    ],
)
def test_institution_code_is_checked_against_kind_and_county(county_a, code, kind, error_code):
    with pytest.raises(ValidationError) as raised:
        services.validate_institution_code(code=code, kind=kind, county=county_a)
    assert raised.value.error_dict["code"][0].code == error_code


def test_region_error_names_the_county_code_in_chinese_and_english(county_a):
    with pytest.raises(ValidationError) as raised:
        services.validate_institution_code(code="H37081200001", kind="hospital", county=county_a)
    assert "370811" in raised.value.message_dict["code"][0]
    with translation.override("zh-hans"):
        message = str(raised.value.error_dict["code"][0].messages[0])
    assert "区划代码" in message


def test_admission_creates_active_institution_with_review_and_audit(admit, county_a, city_clerk):
    hospital = admit(county_a, "h37081100001")
    pharmacy = admit(county_a, "P37081100001", kind="pharmacy", level="pharmacy")

    assert hospital.code == "H37081100001"
    assert hospital.status == DesignatedInstitution.Status.ACTIVE
    assert pharmacy.kind == "pharmacy"
    review = hospital.reviews.get()
    assert (review.kind, review.result, review.reviewed_by) == ("admission", "passed", city_clerk)
    assert AuditEvent.objects.filter(action="settlement.institution_admit").count() == 2


def test_code_used_twice_is_refused(admit, county_a):
    admit(county_a, "H37081100001")
    with pytest.raises(ValidationError) as raised:
        admit(county_a, "H37081100001")
    assert "already in use" in raised.value.message_dict["code"][0]


def test_institution_may_be_paid_only_when_active_and_inside_agreement(admit, county_a, city_clerk):
    hospital = admit(county_a, "H37081100001")
    refusal = selectors.institution_payment_refusal
    assert refusal(institution=hospital, on=D(2026, 6, 1)) is None
    assert "no agreement in force" in refusal(institution=hospital, on=D(2027, 1, 1))
    assert "no agreement in force" in refusal(institution=hospital, on=D(2025, 12, 31))
    for status in ("suspended", "terminated"):
        hospital.status = status
        assert f"is {status} and cannot be paid" in refusal(institution=hospital, on=D(2026, 6, 1))


def test_failed_yearly_review_suspends_and_needs_notes(admit, county_a, city_clerk):
    hospital = admit(county_a, "H37081100001")
    with pytest.raises(ValidationError) as raised:
        services.institution_review_record(
            institution=hospital,
            year=2025,
            reviewed_on=D(2026, 2, 1),
            result="failed",
            notes="",
            actor=city_clerk,
        )
    assert "notes" in raised.value.message_dict
    services.institution_review_record(
        institution=hospital,
        year=2025,
        reviewed_on=D(2026, 2, 1),
        result="failed",
        notes="超标准收费",
        actor=city_clerk,
    )
    hospital.refresh_from_db()
    assert hospital.status == DesignatedInstitution.Status.SUSPENDED
    with pytest.raises(ValidationError):
        services.institution_review_record(
            institution=hospital,
            year=2025,
            reviewed_on=D(2026, 3, 1),
            result="passed",
            notes="",
            actor=city_clerk,
        )
    assert hospital.reviews.filter(kind=InstitutionReview.Kind.YEARLY).count() == 1


def test_status_changes_follow_the_workflow_and_are_audited(admit, county_a, city_clerk):
    hospital = admit(county_a, "H37081100001")
    fields = {
        "name": hospital.name,
        "level": hospital.level,
        "agreement_from": hospital.agreement_from,
        "agreement_to": hospital.agreement_to,
    }
    for status in ("suspended", "active", "suspended", "terminated"):
        hospital = services.institution_update(
            institution=hospital, status=status, actor=city_clerk, **fields
        )
        assert hospital.status == status
    events = AuditEvent.objects.filter(action="settlement.institution_update").order_by("pk")
    assert [(event.before["status"], event.after["status"]) for event in events] == [
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "suspended"),
        ("suspended", "terminated"),
    ]


def test_edit_page_changes_name_and_status_together(admit, county_a, city_clerk, client_for):
    hospital = admit(county_a, "H37081100001")
    response = client_for(city_clerk).post(
        reverse("settlement:institution_update", args=[hospital.pk]),
        {
            "name": "任城区第一人民医院",
            "level": "tertiary",
            "agreement_from": "2026-01-01",
            "agreement_to": "2027-12-31",
            "status": "suspended",
        },
    )
    assert response.status_code == 302
    hospital.refresh_from_db()
    assert (hospital.name, hospital.level, hospital.status) == (
        "任城区第一人民医院",
        "tertiary",
        "suspended",
    )
    assert hospital.agreement_to == D(2027, 12, 31)


def test_terminated_institution_is_not_reinstated(admit, county_a, city_clerk):
    hospital = admit(county_a, "H37081100001")
    fields = {
        "name": hospital.name,
        "level": hospital.level,
        "agreement_from": hospital.agreement_from,
        "agreement_to": hospital.agreement_to,
    }
    services.institution_update(
        institution=hospital, status="terminated", actor=city_clerk, **fields
    )
    with pytest.raises(ValidationError) as raised:
        services.institution_update(
            institution=hospital, status="active", actor=city_clerk, **fields
        )
    assert "status" in raised.value.message_dict
    hospital.refresh_from_db()
    assert hospital.status == "terminated"


def test_county_officer_sees_only_own_county_institutions(
    admit, county_a, county_b, client_for, county_a_officer
):
    own = admit(county_a, "H37081100001", name="任城医院")
    other = admit(county_b, "H37081200001", name="兖州医院")
    client = client_for(county_a_officer)
    listing = client.get(reverse("settlement:institution_list")).content.decode()
    assert "任城医院" in listing and "兖州医院" not in listing
    assert client.get(reverse("settlement:institution_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("settlement:institution_detail", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("settlement:institution_review", args=[other.pk]),
        {"year": 2025, "reviewed_on": "2026-02-01", "result": "failed", "notes": "x"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "active" and not other.reviews.filter(kind="yearly").exists()


def test_county_officer_cannot_admit_in_another_county(client_for, county_a_officer, county_b):
    response = client_for(county_a_officer).post(
        reverse("settlement:institution_admit"),
        {
            "county": county_b.pk,
            "kind": "hospital",
            "code": "H37081200001",
            "name": "x",
            "level": "primary",
            "agreement_from": "2026-01-01",
            "agreement_to": "2026-12-31",
            "admitted_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert not DesignatedInstitution.objects.exists()


def test_admit_form_shows_code_error_next_to_the_field(client_for, city_clerk, county_a):
    response = client_for(city_clerk).post(
        reverse("settlement:institution_admit"),
        {
            "county": county_a.pk,
            "kind": "hospital",
            "code": "H37081200001",
            "name": "x",
            "level": "primary",
            "agreement_from": "2026-01-01",
            "agreement_to": "2026-12-31",
            "admitted_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert not DesignatedInstitution.objects.exists()


def test_auditor_reads_but_cannot_admit_or_review(admit, county_a, client_for, auditor, api_for):
    hospital = admit(county_a, "H37081100001")
    client = client_for(auditor)
    assert client.get(reverse("settlement:institution_list")).status_code == 200
    assert client.get(reverse("settlement:institution_admit")).status_code == 403
    response = client.post(
        reverse("settlement:institution_review", args=[hospital.pk]),
        {"year": 2025, "reviewed_on": "2026-02-01", "result": "failed", "notes": "x"},
    )
    assert response.status_code == 403
    api = api_for(auditor)
    assert api.get("/api/designated-institutions/").status_code == 200
    assert api.post("/api/designated-institutions/", {}, format="json").status_code == 403
    hospital.refresh_from_db()
    assert hospital.status == "active"
    assert DesignatedInstitution.objects.count() == 1


def test_api_admits_with_field_errors_and_scopes_by_county(
    api_for, county_a_officer, county_a, county_b, admit
):
    api = api_for(county_a_officer)
    body = {
        "county": county_a.pk,
        "kind": "hospital",
        "code": "H37081199999",
        "name": "任城二院",
        "level": "secondary",
        "agreement_from": "2026-01-01",
        "agreement_to": "2026-12-31",
        "admitted_on": "2026-01-01",
    }
    bad = api.post("/api/designated-institutions/", {**body, "code": "H123"}, format="json")
    assert bad.status_code == 400 and "code" in bad.json()
    other_county = api.post(
        "/api/designated-institutions/", {**body, "county": county_b.pk}, format="json"
    )
    assert other_county.status_code == 400 and "county" in other_county.json()
    created = api.post("/api/designated-institutions/", body, format="json")
    assert created.status_code == 201
    other = admit(county_b, "H37081200001")
    assert api.get(f"/api/designated-institutions/{other.pk}/").status_code == 404
    review = api.post(
        f"/api/designated-institutions/{other.pk}/yearly-review/",
        {"year": 2025, "reviewed_on": "2026-02-01", "result": "passed"},
        format="json",
    )
    assert review.status_code == 404


def test_every_institution_and_care_page_renders_for_the_agency_clerk(
    client_for, city_clerk, admit, county_a
):
    hospital = admit(county_a, "H37081100001")
    client = client_for(city_clerk)
    for name, args in (
        ("settlement:institution_list", []),
        ("settlement:institution_admit", []),
        ("settlement:institution_detail", [hospital.pk]),
        ("settlement:institution_update", [hospital.pk]),
        ("settlement:institution_review", [hospital.pk]),
        ("enrollment:disease_list", []),
        ("enrollment:disease_add", []),
        ("enrollment:disease_apply", []),
        ("enrollment:filing_list", []),
        ("enrollment:filing_create", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name
