"""On PostgreSQL the audit log is append-only, like the ledger (issue: hardening): an UPDATE or
DELETE of an audit event is refused by the database, so no write that bypasses the services
(raw SQL, ``.update()``, the admin) can rewrite who did what. TRUNCATE, a statement that only a
test database's reset uses, is not a row change and is not affected."""

from django.db import migrations

FORWARD = [
    """
    CREATE FUNCTION pooling_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'pooling audit log: % of audit event % is refused; the log is append-only',
            TG_OP, OLD.id USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE TRIGGER pooling_auditevent_append_only BEFORE UPDATE OR DELETE
    ON pooling_auditevent FOR EACH ROW EXECUTE FUNCTION pooling_refuse_audit_change()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS pooling_auditevent_append_only ON pooling_auditevent",
    "DROP FUNCTION IF EXISTS pooling_refuse_audit_change()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("pooling", "0003_reference_rows_are_kept")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
