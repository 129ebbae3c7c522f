"""Municipalities and counties are kept by PostgreSQL: the per-person monthly tables keep
their municipality and county without a database foreign key (set-based inserts at city
scale), so deleting or renumbering one must be refused by the database itself, whoever
asks."""

import pytest
from django.db import IntegrityError, connection, transaction

from enrollment.contributions.models import Assessment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM pooling_county WHERE id = %s",
        "UPDATE pooling_county SET id = id + 100000 WHERE id = %s",
    ],
)
def test_a_county_cannot_be_deleted_or_renumbered_even_by_raw_sql(jining, statement):
    county = jining.counties.get(code="370811")

    refused = pytest.raises(IntegrityError, match="counties are kept")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [county.pk])

    assert jining.counties.filter(pk=county.pk).exists()


def test_a_municipality_cannot_be_deleted_by_raw_sql(jining):
    refused = pytest.raises(IntegrityError, match="counties are kept")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM pooling_municipality WHERE id = %s", [jining.pk])


def test_other_changes_to_a_county_still_go_through(jining):
    county = jining.counties.get(code="370811")

    with connection.cursor() as cursor:
        cursor.execute("UPDATE pooling_county SET name_en = 'Rencheng' WHERE id = %s", [county.pk])

    county.refresh_from_db()
    assert county.name_en == "Rencheng"


def test_the_monthly_tables_keep_county_and_municipality_without_a_row_by_row_key():
    """The trade-off is deliberate: one database key fewer per row on the tables written once
    per person and month, and only for the two reference tables."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Assessment._meta.db_table)
    keys = {
        tuple(c["columns"]): c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]
    }
    assert keys == {
        ("person_id",): "enrollment_insuredperson",
        ("employer_id",): "enrollment_employer",
        ("episode_id",): "enrollment_enrollmentepisode",
    }
