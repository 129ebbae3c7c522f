"""On PostgreSQL the database keeps the ledger honest even when a write bypasses the services
(raw SQL, ``bulk_create``, ``.update()``), as django-hordak does:

- entries, postings and closed months are append-only: UPDATE and DELETE are refused;
- an entry's postings sum to zero and number at least two, checked at commit by deferred
  constraint triggers (an entry and its postings are inserted by separate statements);
- composite foreign keys keep every posting in its entry's fund, month and effective date and
  in its account's fund: no posting moves money between funds;
- no entry is inserted into a closed month;
- months are first days.

Zero amounts and negative balances are refused by the CHECK constraints of 0001 on every
database. SQLite relies on the services for the rest.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE FUNCTION funds_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'funds ledger: % on % is refused; the ledger is append-only, post a reversal instead',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE TRIGGER funds_journalentry_append_only BEFORE UPDATE OR DELETE ON funds_journalentry
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_change()
    """,
    """
    CREATE TRIGGER funds_posting_append_only BEFORE UPDATE OR DELETE ON funds_posting
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_change()
    """,
    """
    CREATE TRIGGER funds_closedmonth_append_only BEFORE UPDATE OR DELETE ON funds_closedmonth
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_change()
    """,
    """
    CREATE FUNCTION funds_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        checked_entry bigint;
        total numeric;
        lines integer;
    BEGIN
        IF TG_TABLE_NAME = 'funds_posting' THEN
            checked_entry := NEW.entry_id;
        ELSE
            checked_entry := NEW.id;
        END IF;
        SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, lines
        FROM funds_posting WHERE entry_id = checked_entry;
        IF total <> 0 THEN
            RAISE EXCEPTION 'funds ledger: entry % is unbalanced, its postings sum to %',
                checked_entry, total USING ERRCODE = 'check_violation';
        END IF;
        IF lines < 2 THEN
            RAISE EXCEPTION 'funds ledger: entry % has % postings, at least two are needed',
                checked_entry, lines USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE CONSTRAINT TRIGGER funds_posting_balanced AFTER INSERT ON funds_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_check_entry_balanced()
    """,
    """
    CREATE CONSTRAINT TRIGGER funds_journalentry_balanced AFTER INSERT ON funds_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_check_entry_balanced()
    """,
    """
    CREATE FUNCTION funds_refuse_closed_month() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM funds_closedmonth
                   WHERE municipality_id = NEW.municipality_id AND month = NEW.month) THEN
            RAISE EXCEPTION 'funds ledger: month % is closed and accepts no postings', NEW.month
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER funds_journalentry_open_month BEFORE INSERT ON funds_journalentry
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_closed_month()
    """,
    "ALTER TABLE funds_account ADD CONSTRAINT funds_account_id_fund UNIQUE (id, fund_type_id)",
    """
    ALTER TABLE funds_journalentry ADD CONSTRAINT funds_entry_id_fund_dates
    UNIQUE (id, fund_type_id, month, effective_date)
    """,
    """
    ALTER TABLE funds_posting ADD CONSTRAINT funds_posting_in_account_fund
    FOREIGN KEY (account_id, fund_type_id) REFERENCES funds_account (id, fund_type_id)
    """,
    """
    ALTER TABLE funds_posting ADD CONSTRAINT funds_posting_as_entry
    FOREIGN KEY (entry_id, fund_type_id, month, effective_date)
    REFERENCES funds_journalentry (id, fund_type_id, month, effective_date)
    """,
    """
    ALTER TABLE funds_journalentry ADD CONSTRAINT funds_entry_month_first_day
    CHECK (EXTRACT(DAY FROM month) = 1)
    """,
    """
    ALTER TABLE funds_closedmonth ADD CONSTRAINT funds_closedmonth_first_day
    CHECK (EXTRACT(DAY FROM month) = 1)
    """,
]
BACKWARD = [
    "ALTER TABLE funds_closedmonth DROP CONSTRAINT IF EXISTS funds_closedmonth_first_day",
    "ALTER TABLE funds_journalentry DROP CONSTRAINT IF EXISTS funds_entry_month_first_day",
    "ALTER TABLE funds_posting DROP CONSTRAINT IF EXISTS funds_posting_as_entry",
    "ALTER TABLE funds_posting DROP CONSTRAINT IF EXISTS funds_posting_in_account_fund",
    "ALTER TABLE funds_journalentry DROP CONSTRAINT IF EXISTS funds_entry_id_fund_dates",
    "ALTER TABLE funds_account DROP CONSTRAINT IF EXISTS funds_account_id_fund",
    "DROP TRIGGER IF EXISTS funds_journalentry_open_month ON funds_journalentry",
    "DROP FUNCTION IF EXISTS funds_refuse_closed_month()",
    "DROP TRIGGER IF EXISTS funds_journalentry_balanced ON funds_journalentry",
    "DROP TRIGGER IF EXISTS funds_posting_balanced ON funds_posting",
    "DROP FUNCTION IF EXISTS funds_check_entry_balanced()",
    "DROP TRIGGER IF EXISTS funds_closedmonth_append_only ON funds_closedmonth",
    "DROP TRIGGER IF EXISTS funds_posting_append_only ON funds_posting",
    "DROP TRIGGER IF EXISTS funds_journalentry_append_only ON funds_journalentry",
    "DROP FUNCTION IF EXISTS funds_refuse_change()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_fund_types")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
