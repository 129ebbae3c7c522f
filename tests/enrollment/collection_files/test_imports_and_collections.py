"""Collection files (matched, split by fund, idempotent; an unreadable row refuses the file),
arrears, the personal-account credits of posting, and the contribution history they make."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from enrollment.collection_files.matching import FileRejected
from enrollment.collection_files.models import CollectionBatch, CollectionRow
from enrollment.collection_files.selectors import arrears_for, collection_batch_postings
from enrollment.collection_files.services import (
    collection_batch_mark_posted,
    collection_file_import,
)
from enrollment.contributions.selectors import contribution_history
from enrollment.contributions.services import assessment_run
from enrollment.people.models import Scope
from enrollment.personal_accounts.models import PersonalAccountMovement
from enrollment.personal_accounts.selectors import (
    personal_account_balances,
    personal_account_total,
    retiree_credits_by_county,
)
from enrollment.personal_accounts.services import personal_account_credit_retirees
from tests.factories.enrollment import csv_file

D = datetime.date
MONTH = D(2024, 6, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(jining, county_a, county_b, make_employer, make_person, city_clerk):
    employer = make_employer(county_a)
    employees = [make_person(county_a, employer=employer, wage="60000.00") for _ in range(2)]
    flexible = make_person(county_b, Scope.FLEXIBLE)
    assessment_run(municipality=jining, month=MONTH, actor=city_clerk)
    return employer, employees, flexible


def _collect(jining, actor, *lines, name="tax.csv"):
    return collection_file_import(
        municipality=jining,
        file_name=name,
        content=csv_file("payer_code,month,amount", *lines),
        actor=actor,
    )


def test_collection_file_is_matched_split_and_idempotent(
    jining, city_clerk, assessed, county_a, county_b
):
    employer, employees, flexible = assessed
    lines = [
        f"{employer.credit_code},2024-06,1020.00",  # 2 × 510.00
        f"{flexible.id_number},2024-06,700.00",  # 670.00 owed: 30.00 over-paid
        "110105194912310021,2024-06,5.00",  # nobody
    ]
    result = _collect(jining, city_clerk, *lines)
    batch = result.batch
    assert result.created and batch.status == CollectionBatch.Status.READY
    assert (batch.total_amount, batch.allocated_amount, batch.unallocated_amount) == (
        Decimal("1725.00"),
        Decimal("1690.00"),
        Decimal("35.00"),
    )
    outcomes = list(batch.rows.order_by("row_number").values_list("outcome", flat=True))
    assert outcomes == ["matched", "overpaid", "unmatched"]
    postings = {
        (line.county_id, line.part): line.amount for line in collection_batch_postings(batch=batch)
    }
    assert postings == {
        (county_a.pk, "pooled_fund"): Decimal("700.00"),
        (county_a.pk, "maternity"): Decimal("100.00"),
        (county_a.pk, "personal_account"): Decimal("200.00"),
        (county_a.pk, "critical_illness"): Decimal("20.00"),
        (county_b.pk, "pooled_fund"): Decimal("660.00"),
        (county_b.pk, "critical_illness"): Decimal("10.00"),
        (county_b.pk, "unallocated"): Decimal("30.00"),
        (0, "unallocated"): Decimal("5.00"),
    }
    assert sum(postings.values()) == batch.total_amount
    again = _collect(jining, city_clerk, *lines)
    assert (again.created, again.batch.pk) == (False, batch.pk)
    assert CollectionBatch.objects.count() == 1


def test_underpaid_and_repeated_payments_are_reported_not_allocated(jining, city_clerk, assessed):
    employer, employees, flexible = assessed
    batch = _collect(jining, city_clerk, f"{flexible.id_number},2024-06,600.00").batch
    row = batch.rows.get()
    assert (row.outcome, row.allocated_amount, row.unallocated_amount) == (
        "underpaid",
        Decimal("0.00"),
        Decimal("600.00"),
    )
    _collect(jining, city_clerk, f"{flexible.id_number},2024-06,670.00", name="b.csv")
    third = _collect(
        jining, city_clerk, f"{flexible.id_number},2024-06,670.00", "", name="c.csv"
    ).batch
    assert third.rows.get().outcome == CollectionRow.Outcome.OVERPAID
    assert third.allocated_amount == Decimal("0.00")


def test_arrears_are_assessed_minus_collected(jining, city_clerk, auditor, assessed):
    employer, employees, flexible = assessed
    _collect(jining, city_clerk, f"{flexible.id_number},2024-06,670.00")
    by_person = {row["person"]: row["owed"] for row in arrears_for(user=auditor)}
    assert by_person == {employees[0].pk: Decimal("510.00"), employees[1].pk: Decimal("510.00")}
    by_employer = list(arrears_for(user=auditor, by="employer"))
    assert [(row["employer"], row["owed"]) for row in by_employer] == [
        (employer.pk, Decimal("1020.00"))
    ]


def test_unreadable_collection_rows_refuse_the_whole_file(jining, city_clerk, assessed):
    with pytest.raises(FileRejected) as error:
        _collect(jining, city_clerk, "short,2024-06,1", "110105194912310021,June,abc")
    assert [(e.row, e.column) for e in error.value.report.errors] == [
        (2, "payer_code"),
        (3, "month"),
        (3, "amount"),
    ]
    assert CollectionBatch.objects.count() == 0


def test_posting_credits_personal_accounts_once(jining, city_clerk, finance_officer, assessed):
    employer, employees, flexible = assessed
    batch = _collect(jining, city_clerk, f"{employer.credit_code},2024-06,1020.00").batch
    assert collection_batch_mark_posted(batch=batch, actor=finance_officer) == 2
    balances = dict(personal_account_balances(user=finance_officer).values_list("pk", "balance"))
    assert balances[employees[0].pk] == Decimal("100.00")
    assert balances[flexible.pk] == Decimal("0.00")
    assert personal_account_total(municipality=jining) == Decimal("200.00")
    with pytest.raises(ValidationError):
        collection_batch_mark_posted(batch=batch, actor=finance_officer)
    assert PersonalAccountMovement.objects.count() == 2


def test_retiree_credits_are_recorded_once(jining, city_clerk, county_a, make_person):
    retiree = make_person(county_a, Scope.RETIREE)
    assessment_run(municipality=jining, month=MONTH, actor=city_clerk)
    assert retiree_credits_by_county(municipality=jining, month=MONTH) == {
        county_a.pk: Decimal("90.00")
    }
    assert personal_account_credit_retirees(municipality=jining, month=MONTH, actor=None) == 1
    assert personal_account_credit_retirees(municipality=jining, month=MONTH, actor=None) == 0
    assert retiree.account_movements.get().amount == Decimal("90.00")


def test_history_counts_paid_months_and_flexible_waiting(jining, city_clerk, county_a, make_person):
    person = make_person(county_a, Scope.FLEXIBLE, first_enrollment=True)
    for month in range(1, 8):
        assessment_run(municipality=jining, month=D(2024, month, 1), actor=city_clerk)
    paid = [f"{person.id_number},2024-{month:02d},670.00" for month in (1, 2, 4, 5, 6, 7, 8)]
    _collect(jining, city_clerk, *paid)
    history = contribution_history(person=person, on=D(2024, 8, 1))
    assert history.months_paid == 6  # August is not assessed: reported as unmatched
    assert history.unpaid_months == [D(2024, 3, 1)]
    # Six consecutive paid months are needed; after the gap in March only four follow.
    assert history.benefits_from is None
    assert history.years_paid == Decimal("0.50")
    assessment_run(municipality=jining, month=D(2024, 8, 1), actor=city_clerk)
    _collect(jining, city_clerk, f"{person.id_number},2024-08,670.00", name="aug.csv")
    history = contribution_history(person=person, on=D(2024, 9, 1))
    assert history.benefits_from is None  # Apr–Aug is five
    assessment_run(municipality=jining, month=D(2024, 9, 1), actor=city_clerk)
    _collect(jining, city_clerk, f"{person.id_number},2024-09,670.00", name="sep.csv")
    history = contribution_history(person=person, on=D(2024, 10, 1))
    assert history.benefits_from == D(2024, 10, 1)


def test_employee_benefits_start_the_month_after_the_first_paid_month(
    jining, city_clerk, county_a, make_employer, make_person
):
    employer = make_employer(county_a)
    person = make_person(county_a, employer=employer, wage="60000.00")
    assessment_run(municipality=jining, month=MONTH, actor=city_clerk)
    _collect(jining, city_clerk, f"{person.id_number},2024-06,510.00")
    assert contribution_history(person=person, on=MONTH).benefits_from == D(2024, 7, 1)


def test_upload_page_shows_the_report_of_a_refused_file_or_goes_to_the_batch(
    client_for, city_clerk, assessed
):
    employer, employees, flexible = assessed
    client = client_for(city_clerk)
    url = reverse("enrollment:collection_upload")
    bad = csv_file("payer_code,month,amount", "short,2024-06,1")
    response = client.post(url, {"file": SimpleUploadedFile("tax.csv", bad)})
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["report"].errors] == [(2, "payer_code")]
    assert response.context["form"].errors["file"]
    assert not CollectionBatch.objects.exists()
    good = csv_file("payer_code,month,amount", f"{flexible.id_number},2024-06,670.00")
    response = client.post(url, {"file": SimpleUploadedFile("tax.csv", good)})
    batch = CollectionBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("enrollment:collection_detail", args=[batch.pk])


@pytest.mark.parametrize("amount", ["1e20", "1" * 21, "NaN", "Infinity"])
def test_an_amount_beyond_the_column_refuses_the_file_row_by_row(
    jining, city_clerk, assessed, amount, api_for
):
    employer, _employees, _flexible = assessed
    with pytest.raises(FileRejected) as error:
        _collect(jining, city_clerk, f"{employer.credit_code},2024-06,{amount}")
    assert [(e.row, e.column) for e in error.value.report.errors] == [(2, "amount")]
    response = api_for(city_clerk).post(
        "/api/collections/upload/",
        {
            "file": SimpleUploadedFile(
                "tax.csv",
                csv_file("payer_code,month,amount", f"{employer.credit_code},2024-06,{amount}"),
            )
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert CollectionBatch.objects.count() == 0


@pytest.mark.parametrize("digits", [15, 16])
def test_a_file_whose_total_overflows_a_batch_is_refused_on_both_paths(
    jining, city_clerk, assessed, digits
):
    """15-digit amounts take the staged COPY path, 16-digit ones the row-by-row path; each
    row fits an amount, but their sum would not fit the batch's total."""
    employer, _employees, _flexible = assessed
    lines = [f"{employer.credit_code},2024-{month:02},{'9' * digits}" for month in range(1, 13)]
    with pytest.raises(ValidationError) as raised:
        _collect(jining, city_clerk, *lines)
    assert raised.value.message_dict["file"]
    assert CollectionBatch.objects.count() == 0


def test_a_file_over_the_byte_limit_is_a_form_and_api_error_in_both_languages(
    client_for, english_client_for, api_for, city_clerk, assessed
):
    _employer, _employees, flexible = assessed
    content = csv_file("payer_code,month,amount", f"{flexible.id_number},2024-06,670.00")
    url = reverse("enrollment:collection_upload")
    with override_settings(UPLOAD_MAX_BYTES=20):
        response = client_for(city_clerk).post(url, {"file": SimpleUploadedFile("t.csv", content)})
        assert response.status_code == 400
        assert "最多可上传" in response.context["form"].errors["file"][0]
        response = english_client_for(city_clerk).post(
            url, {"file": SimpleUploadedFile("t.csv", content)}
        )
        assert "at most 0.0 MB may be uploaded" in response.context["form"].errors["file"][0]
        api = api_for(city_clerk).post(
            "/api/collections/upload/",
            {"file": SimpleUploadedFile("t.csv", content)},
            format="multipart",
        )
        assert api.status_code == 400 and "file" in api.json()
        with pytest.raises(ValidationError):
            _collect(jining=flexible.municipality, actor=city_clerk)
    assert not CollectionBatch.objects.exists()


@pytest.mark.parametrize("amount", ["670.00", "670.001"])
def test_a_file_over_the_row_limit_is_refused_on_both_paths(jining, city_clerk, assessed, amount):
    """A clean CSV streams through COPY, one with an unreadable amount goes row by row: both
    stop at UPLOAD_MAX_ROWS."""
    _employer, _employees, flexible = assessed
    lines = [f"{flexible.id_number},2024-{month:02},{amount}" for month in (4, 5, 6)]
    with override_settings(UPLOAD_MAX_ROWS=2), pytest.raises(ValidationError) as raised:
        _collect(jining, city_clerk, *lines)
    assert "more than 2 rows" in str(raised.value.message_dict["file"]) or "超过 2 行" in str(
        raised.value.message_dict["file"]
    )
    assert not CollectionBatch.objects.exists()


def test_the_auditor_is_refused_the_upload_page_itself(client_for, auditor, city_clerk):
    """A form page exists to write: who may only read gets 403 on GET, not an inert form."""
    url = reverse("enrollment:collection_upload")
    assert client_for(auditor).get(url).status_code == 403
    assert client_for(city_clerk).get(url).status_code == 200
