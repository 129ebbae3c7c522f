"""The set-based collection import (COPY into a staging table, INSERT … SELECT, for city
scale) gives exactly what the row-by-row path gives: the same rows, outcomes, reasons, amounts,
allocations in the same order, and batch totals."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from enrollment.collection_files import matching
from enrollment.collection_files.models import CollectionAllocation, CollectionBatch, CollectionRow
from enrollment.collection_files.services import COLLECTION_COLUMNS, collection_file_import
from enrollment.contributions import assessment
from enrollment.contributions.services import assessment_run
from enrollment.people.models import Scope
from tests.factories.enrollment import csv_file

D = datetime.date
MONTH = D(2024, 6, 1)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PG only"),
]


@pytest.fixture
def people(jining, county_a, county_b, make_employer, make_person, city_clerk):
    exact = make_employer(county_a)
    over = make_employer(county_b)
    idle = make_employer(county_b)  # no one assessed
    employees = [make_person(county_a, employer=exact, wage="60000.00") for _ in range(2)]
    employees += [make_person(county_b, employer=over, wage="48000.00")]
    flexible = [make_person(county_b, Scope.FLEXIBLE) for _ in range(4)]
    assessment_run(municipality=jining, month=MONTH, actor=city_clerk)
    return exact, over, idle, employees, flexible


def _snapshot(batch: CollectionBatch):
    batch.refresh_from_db()
    rows = list(
        CollectionRow.objects.filter(batch=batch)
        .order_by("pk")
        .values_list(
            "row_number",
            "payer_code",
            "month",
            "amount",
            "outcome",
            "reason",
            "county_id",
            "employer_id",
            "person_id",
            "allocated_amount",
            "unallocated_amount",
        )
    )
    allocations = list(
        CollectionAllocation.objects.filter(batch=batch)
        .order_by("pk")
        .values_list(
            "row__row_number",
            "assessment_id",
            "county_id",
            "person_id",
            "month",
            "pooled_fund",
            "maternity",
            "personal_account",
            "critical_illness",
            "amount",
        )
    )
    totals = (batch.row_count, batch.total_amount, batch.allocated_amount, batch.unallocated_amount)
    return rows, allocations, totals


def _forget(batch: CollectionBatch) -> None:
    CollectionAllocation.objects.filter(batch=batch).delete()
    CollectionRow.objects.filter(batch=batch).delete()
    batch.delete()


def _both_paths(jining, actor, content: bytes, monkeypatch, *, set_based: bool):
    """Import ``content`` row by row, snapshot, undo; then import it again on the set-based
    path (which must not fall back when ``set_based``) and snapshot."""
    with monkeypatch.context() as patch:
        patch.setattr(matching, "collection_file_stage", lambda **kwargs: None)
        portable = collection_file_import(
            municipality=jining, file_name="tax.csv", content=content, actor=actor
        ).batch
    expected = _snapshot(portable)
    _forget(portable)
    with monkeypatch.context() as patch:
        if set_based:

            def refuse(**kwargs):
                raise AssertionError("the set-based path fell back to row-by-row matching")

            patch.setattr(matching, "collection_match", refuse)
        fast = collection_file_import(
            municipality=jining, file_name="tax.csv", content=content, actor=actor
        ).batch
    return expected, _snapshot(fast)


def test_every_outcome_matches_the_row_by_row_path(jining, city_clerk, people, monkeypatch):
    exact, over, idle, employees, flexible = people
    # Pay one flexible worker's month in an earlier batch: "already paid" below.
    collection_file_import(
        municipality=jining,
        file_name="earlier.csv",
        content=csv_file("payer_code,month,amount", f"{flexible[3].id_number},2024-06,670.00"),
        actor=city_clerk,
    )
    content = csv_file(
        "缴费人编码,费款所属期,实缴金额,备注",
        f"{exact.credit_code},2024-06,1020.00,exact",
        f"{over.credit_code},2024-06-30,999.99,over-paid employer",
        f"{idle.credit_code},2024-06,10.00,nothing assessed",
        f"{flexible[0].id_number.lower()},2024-06,700.00,over-paid person",
        f"{flexible[1].id_number},2024-06,600.00,under-paid",
        f"{flexible[1].id_number},2024-06,670.00,duplicate",
        ",,,",
        f"{flexible[2].id_number},2024-07,670.00,no assessment that month",
        f"{flexible[3].id_number},2024-06,670.00,already paid",
        "110105194912310021,2024-06,5.00,nobody",
        f"{flexible[2].id_number},2024-06,670,exact without decimals",
    )
    expected, actual = _both_paths(jining, city_clerk, content, monkeypatch, set_based=True)
    assert actual == expected
    rows, allocations, totals = actual
    assert [row[4] for row in rows] == [
        "matched",
        "overpaid",
        "unmatched",
        "overpaid",
        "underpaid",
        "duplicate",
        "unmatched",
        "overpaid",
        "unmatched",
        "matched",
    ]
    assert [allocation[0] for allocation in allocations] == [2, 2, 3, 5, 12]
    assert totals[0] == 10 and totals[1] == totals[2] + totals[3]


def test_person_and_employer_paying_the_same_month_keep_row_order(
    jining, city_clerk, people, monkeypatch
):
    """A person's row and their employer's row for the same month: whichever comes first
    pays; the set-based path hands such a file to the row-ordered one."""
    exact, over, idle, employees, flexible = people
    content = csv_file(
        "payer_code,month,amount",
        f"{employees[0].id_number},2024-06,510.00",
        f"{exact.credit_code},2024-06,510.00",
    )
    expected, actual = _both_paths(jining, city_clerk, content, monkeypatch, set_based=False)
    assert actual == expected
    assert [row[4] for row in actual[0]] == ["matched", "matched"]


def test_files_outside_the_screen_keep_the_row_by_row_path(jining, city_clerk, people):
    """A comma in an amount, an error to report, an XLSX name: nothing is staged."""
    stage = matching.collection_file_stage
    aliases = COLLECTION_COLUMNS
    header = "payer_code,month,amount"
    code = people[4][0].id_number
    assert (
        stage(
            file_name="a.csv",
            content=csv_file(header, f'{code},2024-06,"1,000.00"'),
            aliases=aliases,
        )
        is None
    )
    assert (
        stage(file_name="a.csv", content=csv_file(header, f"{code},June,1"), aliases=aliases)
        is None
    )
    assert stage(file_name="a.xlsx", content=b"", aliases=aliases) is None
    short = csv_file(header, f"{code},2024-06")
    assert stage(file_name="a.csv", content=short, aliases=aliases) is None
    assert (
        stage(file_name="a.csv", content=csv_file(header, f"{code},2024-06,1.5"), aliases=aliases)
        == 1
    )
    batch = collection_file_import(
        municipality=jining,
        file_name="tax.csv",
        content=csv_file(header, f'{code},2024-06,"1,000.00"'),
        actor=city_clerk,
    ).batch
    assert batch.rows.get().amount == Decimal("1000.00")


def test_one_assessment_statement_applies_each_countys_own_rules(
    jining, county_a, county_b, make_employer, make_person, city_clerk, monkeypatch
):
    """All counties are assessed by one statement; each row still takes the rule values of
    its own county."""
    from enrollment.contributions.models import Assessment

    people = {
        county: make_person(county, employer=make_employer(county), wage="60000.00")
        for county in (county_a, county_b)
    }
    real = assessment.assessment_parameters

    def by_county(*, municipality, county, month):
        values = real(municipality=municipality, county=county, month=month)
        if county == county_b:
            values = {**values, "individual_rate": Decimal("0.05")}
        return values

    monkeypatch.setattr(assessment, "assessment_parameters", by_county)
    assessment_run(municipality=jining, month=MONTH, actor=city_clerk)
    share = {
        county: Assessment.objects.get(person=person, month=MONTH).individual_personal_account
        for county, person in people.items()
    }
    assert share[county_a] == Decimal("100.00")  # 5,000 × 2 %
    assert share[county_b] == Decimal("250.00")  # 5,000 × 5 %
