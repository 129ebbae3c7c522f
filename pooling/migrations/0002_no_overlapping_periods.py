"""On PostgreSQL, exclusion constraints refuse overlapping dated periods even when a write
bypasses the services (raw SQL, bulk updates). SQLite relies on the services alone."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE pooling_policyrule ADD CONSTRAINT policy_rule_no_overlap EXCLUDE USING gist (
        municipality_id WITH =,
        (COALESCE(county_id, 0)) WITH =,
        key WITH =,
        daterange(effective_from, effective_to, '[]') WITH &&
    )
    """,
    """
    ALTER TABLE pooling_countypoolingmodel ADD CONSTRAINT county_pooling_model_no_overlap
    EXCLUDE USING gist (
        county_id WITH =,
        daterange(effective_from, effective_to, '[]') WITH &&
    )
    """,
]
BACKWARD = [
    "ALTER TABLE pooling_policyrule DROP CONSTRAINT IF EXISTS policy_rule_no_overlap",
    "ALTER TABLE pooling_countypoolingmodel DROP CONSTRAINT IF EXISTS "
    "county_pooling_model_no_overlap",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("pooling", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
