"""Contribution-base files (row report, nothing half-imported) and collection files."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from enrollment.collection_files import selectors as collection_files_selectors
from enrollment.collection_files import services as collection_files_services
from enrollment.collection_files.matching import FileRejected
from enrollment.collection_files.models import CollectionBatch, CollectionRow
from enrollment.contributions import selectors as contributions_selectors
from enrollment.contributions import services as contributions_services
from enrollment.contributions.models import ContributionBase, EmployerPayroll
from enrollment.people.models import Scope
from enrollment.personal_accounts import selectors as personal_accounts_selectors
from enrollment.personal_accounts import services as personal_accounts_services
from enrollment.personal_accounts.models import PersonalAccountMovement

D = datetime.date
MONTH = D(2024, 6, 1)
pytestmark = pytest.mark.django_db


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


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
    return contributions_services.contribution_base_import(
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
        _csv(
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
        _csv(
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
        _csv(
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
        _csv(
            "credit_code,id_number,year,wage",
            f"{employer.credit_code},{person.id_number},2024,60000.00",
        ),
        valid_rows=True,
    )
    assert report.imported == 0
    assert ContributionBase.objects.count() == 0


# Collections ------------------------------------------------------------------------------


@pytest.fixture
def assessed(jining, county_a, county_b, make_employer, make_person, city_clerk):
    employer = make_employer(county_a)
    employees = [make_person(county_a, employer=employer, wage="60000.00") for _ in range(2)]
    flexible = make_person(county_b, Scope.FLEXIBLE)
    contributions_services.assessment_run(municipality=jining, month=MONTH, actor=city_clerk)
    return employer, employees, flexible


def _collect(jining, actor, *lines, name="tax.csv"):
    return collection_files_services.collection_file_import(
        municipality=jining,
        file_name=name,
        content=_csv("payer_code,month,amount", *lines),
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
        (line.county_id, line.part): line.amount
        for line in collection_files_selectors.collection_batch_postings(batch=batch)
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
    by_person = {
        row["person"]: row["owed"] for row in collection_files_selectors.arrears_for(user=auditor)
    }
    assert by_person == {employees[0].pk: Decimal("510.00"), employees[1].pk: Decimal("510.00")}
    by_employer = list(collection_files_selectors.arrears_for(user=auditor, by="employer"))
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
    assert (
        collection_files_services.collection_batch_mark_posted(batch=batch, actor=finance_officer)
        == 2
    )
    balances = dict(
        personal_accounts_selectors.personal_account_balances(user=finance_officer).values_list(
            "pk", "balance"
        )
    )
    assert balances[employees[0].pk] == Decimal("100.00")
    assert balances[flexible.pk] == Decimal("0.00")
    assert personal_accounts_selectors.personal_account_total(municipality=jining) == Decimal(
        "200.00"
    )
    with pytest.raises(ValidationError):
        collection_files_services.collection_batch_mark_posted(batch=batch, actor=finance_officer)
    assert PersonalAccountMovement.objects.count() == 2


def test_retiree_credits_are_recorded_once(jining, city_clerk, county_a, make_person):
    retiree = make_person(county_a, Scope.RETIREE)
    contributions_services.assessment_run(municipality=jining, month=MONTH, actor=city_clerk)
    assert personal_accounts_selectors.retiree_credits_by_county(
        municipality=jining, month=MONTH
    ) == {county_a.pk: Decimal("90.00")}
    assert (
        personal_accounts_services.personal_account_credit_retirees(
            municipality=jining, month=MONTH, actor=None
        )
        == 1
    )
    assert (
        personal_accounts_services.personal_account_credit_retirees(
            municipality=jining, month=MONTH, actor=None
        )
        == 0
    )
    assert retiree.account_movements.get().amount == Decimal("90.00")


def test_history_counts_paid_months_and_flexible_waiting(jining, city_clerk, county_a, make_person):
    person = make_person(county_a, Scope.FLEXIBLE, first_enrollment=True)
    for month in range(1, 8):
        contributions_services.assessment_run(
            municipality=jining, month=D(2024, month, 1), actor=city_clerk
        )
    paid = [f"{person.id_number},2024-{month:02d},670.00" for month in (1, 2, 4, 5, 6, 7, 8)]
    _collect(jining, city_clerk, *paid)
    history = contributions_selectors.contribution_history(person=person, on=D(2024, 8, 1))
    assert history.months_paid == 6  # August is not assessed: reported as unmatched
    assert history.unpaid_months == [D(2024, 3, 1)]
    # Six consecutive paid months are needed; after the gap in March only four follow.
    assert history.benefits_from is None
    assert history.years_paid == Decimal("0.50")
    contributions_services.assessment_run(
        municipality=jining, month=D(2024, 8, 1), actor=city_clerk
    )
    _collect(jining, city_clerk, f"{person.id_number},2024-08,670.00", name="aug.csv")
    history = contributions_selectors.contribution_history(person=person, on=D(2024, 9, 1))
    assert history.benefits_from is None  # Apr–Aug is five
    contributions_services.assessment_run(
        municipality=jining, month=D(2024, 9, 1), actor=city_clerk
    )
    _collect(jining, city_clerk, f"{person.id_number},2024-09,670.00", name="sep.csv")
    history = contributions_selectors.contribution_history(person=person, on=D(2024, 10, 1))
    assert history.benefits_from == D(2024, 10, 1)


def test_employee_benefits_start_the_month_after_the_first_paid_month(
    jining, city_clerk, county_a, make_employer, make_person
):
    employer = make_employer(county_a)
    person = make_person(county_a, employer=employer, wage="60000.00")
    contributions_services.assessment_run(municipality=jining, month=MONTH, actor=city_clerk)
    _collect(jining, city_clerk, f"{person.id_number},2024-06,510.00")
    assert contributions_selectors.contribution_history(person=person, on=MONTH).benefits_from == D(
        2024, 7, 1
    )
