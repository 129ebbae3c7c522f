"""On PostgreSQL, municipalities and counties are never deleted and never renumbered.

They are reference data (a county leaves the pooling by a dated membership, not by deletion),
and the tables written once per person and month keep their municipality and county without a
database foreign key (``enrollment.models`` CITY_SCALE_KEYS, issue 9): this trigger is what
keeps those columns pointing at rows that exist. TRUNCATE, which only a test database's reset
uses, is a statement, not a row deletion, and is not affected.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE FUNCTION pooling_refuse_reference_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'pooling: % of % % is refused; municipalities and counties are kept '
            '(end a county''s membership instead)', TG_OP, TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE TRIGGER pooling_municipality_kept BEFORE DELETE OR UPDATE OF id
    ON pooling_municipality FOR EACH ROW EXECUTE FUNCTION pooling_refuse_reference_change()
    """,
    """
    CREATE TRIGGER pooling_county_kept BEFORE DELETE OR UPDATE OF id
    ON pooling_county FOR EACH ROW EXECUTE FUNCTION pooling_refuse_reference_change()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS pooling_county_kept ON pooling_county",
    "DROP TRIGGER IF EXISTS pooling_municipality_kept ON pooling_municipality",
    "DROP FUNCTION IF EXISTS pooling_refuse_reference_change()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("pooling", "0002_no_overlapping_periods")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
