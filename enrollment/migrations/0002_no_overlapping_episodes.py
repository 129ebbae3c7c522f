"""On PostgreSQL an exclusion constraint refuses overlapping enrollment episodes of one person
in one scheme, even for writes that bypass the services, and CHECK constraints keep every
total equal to the sum of its parts. SQLite relies on the services (it stores decimals as
floats, so exact sums cannot be checked there)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE enrollment_enrollmentepisode ADD CONSTRAINT episode_no_overlap
    EXCLUDE USING gist (
        person_id WITH =,
        scheme WITH =,
        daterange(from_month, to_month, '[]') WITH &&
    )
    """,
    """
    ALTER TABLE enrollment_assessment ADD CONSTRAINT assessment_total_is_sum
    CHECK (total_due = employer_total + individual_total)
    """,
    """
    ALTER TABLE enrollment_collectionallocation ADD CONSTRAINT allocation_parts_sum
    CHECK (amount = pooled_fund + maternity + personal_account + critical_illness)
    """,
]
BACKWARD = [
    "ALTER TABLE enrollment_enrollmentepisode DROP CONSTRAINT IF EXISTS episode_no_overlap",
    "ALTER TABLE enrollment_assessment DROP CONSTRAINT IF EXISTS assessment_total_is_sum",
    "ALTER TABLE enrollment_collectionallocation DROP CONSTRAINT IF EXISTS allocation_parts_sum",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0001_initial"), ("pooling", "0002_no_overlapping_periods")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
