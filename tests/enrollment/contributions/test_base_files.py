"""Contribution-base files (N 三(二)1): a row-by-row report in both languages, nothing
half-imported unless the valid rows are asked for, the county scope; and the upload page."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from enrollment.contributions.models import ContributionBase, EmployerPayroll
from enrollment.contributions.services import contribution_base_import
from tests.factories.enrollment import csv_file

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def staff(county_a, make_employer, make_person):
    employer = make_employer(county_a)
    people = [make_person(county_a, employer=employer) for _ in range(2)]
    return employer, people


def _import(jining, actor, content, name="wages.csv", kind="wages", valid_rows=False):
    return contribution_base_import(
        municipality=jining,
        kind=kind,
        file_name=name,
        content=content,
        actor=actor,
        import_valid_rows=valid_rows,
    )


def test_good_wage_file_imports_every_row(jining, city_clerk, staff):
    employer, (first, second) = staff
    report = _import(
        jining,
        city_clerk,
        csv_file(
            "credit_code,id_number,year,wage",
            f"{employer.credit_code},{first.id_number},2024,60000.00",
            f"{employer.credit_code},{second.id_number},2024,72000",
        ),
    )
    assert (report.errors, report.imported) == ([], 2)
    assert ContributionBase.objects.get(person=second).yearly_wage == Decimal("72000.00")


def test_bad_csv_gives_row_errors_and_imports_nothing(jining, city_clerk, staff):
    employer, (first, second) = staff
    report = _import(
        jining,
        city_clerk,
        csv_file(
            "credit_code,id_number,year,wage",
            f"{employer.credit_code},{first.id_number},2024,60000.00",
            f"{employer.credit_code},{second.id_number},2024,-5",
            f"{employer.credit_code},110105194912310029,20x4,100",
        ),
    )
    assert report.imported == 0
    assert ContributionBase.objects.count() == 0
    assert [(error.row, error.column) for error in report.errors] == [
        (3, "wage"),
        (4, "id_number"),
        (4, "year"),
    ]
    error = report.errors[1]
    assert error.value == "110105194912310029"
    assert "GB 11643" in error.reason_en and "GB 11643" in error.reason_zh
    assert error.reason_zh != error.reason_en


def test_bad_xlsx_gives_row_errors_and_imports_nothing(jining, city_clerk, staff):
    employer, (first, _second) = staff
    content = _xlsx(
        [
            ["统一社会信用代码", "年度", "上年度工资总额"],
            [employer.credit_code, 2024, 1200000],
            ["91350100M000100Y44", 2024, 5],
        ]
    )
    report = _import(jining, city_clerk, content, name="payroll.xlsx", kind="payroll")
    assert report.imported == 0
    assert EmployerPayroll.objects.count() == 0
    assert [(error.row, error.column) for error in report.errors] == [(3, "credit_code")]


def test_import_valid_rows_writes_only_the_valid_rows(jining, city_clerk, staff):
    employer, (first, second) = staff
    report = _import(
        jining,
        city_clerk,
        csv_file(
            "credit_code,id_number,year,wage",
            f"{employer.credit_code},{first.id_number},2024,60000.00",
            f"{employer.credit_code},{second.id_number},2024,abc",
        ),
        valid_rows=True,
    )
    assert (len(report.errors), report.imported) == (1, 1)
    assert list(ContributionBase.objects.values_list("person", "yearly_wage")) == [
        (first.pk, Decimal("60000.00"))
    ]


def test_county_officer_cannot_import_for_another_county(
    jining, county_a_officer, county_b, make_employer, make_person
):
    employer = make_employer(county_b)
    person = make_person(county_b, employer=employer)
    report = _import(
        jining,
        county_a_officer,
        csv_file(
            "credit_code,id_number,year,wage",
            f"{employer.credit_code},{person.id_number},2024,60000.00",
        ),
        valid_rows=True,
    )
    assert report.imported == 0
    assert ContributionBase.objects.count() == 0


def test_duplicate_year_in_the_file_is_reported_in_row_order(jining, city_clerk, staff):
    employer, (first, second) = staff
    report = _import(
        jining,
        city_clerk,
        csv_file(
            "credit_code,id_number,year,wage",
            f"{employer.credit_code},{first.id_number},2024,60000.00",
            f"{employer.credit_code},{first.id_number},2024,61000",
            f"{employer.credit_code},{second.id_number},20x4,72000",
        ),
        valid_rows=True,
    )
    assert [(error.row, error.column, error.value) for error in report.errors] == [
        (3, "wage", "61000"),
        (4, "year", "20x4"),
    ]
    assert (report.valid_rows, report.imported) == (1, 1)
    assert ContributionBase.objects.get().yearly_wage == Decimal("60000.00")


def test_upload_page_shows_the_report_and_writes_nothing_or_imports_and_lists(
    client_for, city_clerk, staff
):
    employer, (first, _second) = staff
    client = client_for(city_clerk)
    url = reverse("enrollment:base_upload")
    bad = csv_file(
        "credit_code,id_number,year,wage", f"{employer.credit_code},{first.id_number},2024,x"
    )
    response = client.post(url, {"kind": "wages", "file": SimpleUploadedFile("wages.csv", bad)})
    assert response.status_code == 400
    assert [(error.row, error.column) for error in response.context["report"].errors] == [
        (2, "wage")
    ]
    assert response.context["form"].non_field_errors()
    assert not ContributionBase.objects.exists()
    good = csv_file(
        "credit_code,id_number,year,wage", f"{employer.credit_code},{first.id_number},2024,60000"
    )
    response = client.post(url, {"kind": "wages", "file": SimpleUploadedFile("wages.csv", good)})
    assert response.status_code == 302 and response.url == reverse("enrollment:base_list")
    assert ContributionBase.objects.get().yearly_wage == Decimal("60000.00")


def test_amounts_beyond_the_column_are_row_errors_in_csv_xlsx_and_the_api(
    jining, city_clerk, staff, api_for
):
    employer, (first, _second) = staff
    huge = ["1e20", "1" * 21, "NaN", "Infinity", "-Infinity"]
    report = _import(
        jining,
        city_clerk,
        csv_file(
            "credit_code,year,payroll",
            *(f"{employer.credit_code},{2020 + i},{amount}" for i, amount in enumerate(huge)),
        ),
        kind="payroll",
        valid_rows=True,
    )
    assert [(error.row, error.column) for error in report.errors] == [
        (row, "payroll") for row in range(2, 7)
    ]
    assert report.errors[0].reason_en == (
        "The amount is larger than 9,999,999,999,999,999.99 yuan, the largest an amount may be."
    )
    assert report.errors[0].reason_zh != report.errors[0].reason_en
    content = _xlsx(
        [["credit_code", "id_number", "year", "wage"]]
        + [[employer.credit_code, first.id_number, 2024, value] for value in (1e20, float("inf"))]
    )
    report = _import(jining, city_clerk, content, name="wages.xlsx")
    assert [error.column for error in report.errors] == ["wage", "wage"]
    response = api_for(city_clerk).post(
        "/api/contribution-bases/upload/",
        {
            "kind": "wages",
            "file": SimpleUploadedFile(
                "wages.csv",
                csv_file(
                    "credit_code,id_number,year,wage",
                    f"{employer.credit_code},{first.id_number},2024,{'9' * 21}",
                ),
            ),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "wage"
    assert not ContributionBase.objects.exists() and not EmployerPayroll.objects.exists()
