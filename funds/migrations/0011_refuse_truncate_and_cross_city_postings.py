"""On PostgreSQL, TRUNCATE of the ledger and of the audit trail is refused, and no posting moves
an account of another municipality (issue 15, item 9).

- A statement-level ``BEFORE TRUNCATE`` trigger on entries, postings, closed months and audit
  events: the row triggers of 0003 refuse UPDATE and DELETE, but TRUNCATE is a statement and
  fires no row trigger. It fires for the owner too, and for tables reached by ``CASCADE``.
  Like every ordinary trigger it does not fire under ``session_replication_role = replica``,
  which only a superuser may set: the test database's reset uses that (``tests/conftest.py``),
  the application role cannot (``create_app_role``).
- A statement-level ``AFTER INSERT`` trigger on postings reads the inserted rows as one
  transition table and refuses the statement when any posting's account belongs to another
  municipality than its entry (one set-based join per statement, not a lookup per row, so the
  monthly cycle's bulk inserts stay set-based).

SQLite relies on the services (``funds.ledger.services.post`` checks the accounts' city).
"""

from django.db import migrations

TRUNCATE_REFUSED = ["funds_journalentry", "funds_posting", "funds_closedmonth", "pooling_auditevent"]

FORWARD = [
    """
    CREATE FUNCTION funds_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'funds ledger: TRUNCATE of % is refused; the ledger and the audit trail '
            'are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END $$
    """,
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_truncate()"
        for table in TRUNCATE_REFUSED
    ),
    """
    CREATE FUNCTION funds_check_posting_municipality() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        bad record;
    BEGIN
        SELECT inserted.entry_id, inserted.account_id,
               entry.municipality_id AS entry_city, account.municipality_id AS account_city
        INTO bad
        FROM inserted
        JOIN funds_journalentry entry ON entry.id = inserted.entry_id
        JOIN funds_account account ON account.id = inserted.account_id
        WHERE entry.municipality_id <> account.municipality_id
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'funds ledger: entry % of municipality % may not post to account % '
                'of municipality %', bad.entry_id, bad.entry_city, bad.account_id,
                bad.account_city USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER funds_posting_same_municipality AFTER INSERT ON funds_posting
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION funds_check_posting_municipality()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS funds_posting_same_municipality ON funds_posting",
    "DROP FUNCTION IF EXISTS funds_check_posting_municipality()",
    *(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}" for table in TRUNCATE_REFUSED),
    "DROP FUNCTION IF EXISTS funds_refuse_truncate()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0010_resident_subsidies"),
        ("pooling", "0003_reference_rows_are_kept"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
