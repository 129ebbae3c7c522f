"""A batch's total equals allocated plus unallocated money: a CHECK on PostgreSQL only, since
SQLite keeps decimals as floats whose sums are not exact (the services keep it there)."""

from django.db import migrations

ADD = """
ALTER TABLE enrollment_collectionbatch ADD CONSTRAINT collection_batch_balanced
CHECK (total_amount = allocated_amount + unallocated_amount)
"""
DROP = "ALTER TABLE enrollment_collectionbatch DROP CONSTRAINT IF EXISTS collection_batch_balanced"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0002_no_overlapping_episodes")]

    operations = [
        migrations.RemoveConstraint(model_name="collectionbatch", name="collection_batch_balanced"),
        # The state no longer has the constraint; on PostgreSQL the table gets it back as SQL.
        migrations.RunPython(_run(ADD), _run(DROP)),
    ]
