"""``python manage.py create_app_role pooling_app`` creates (or brings back to its least
privileges) the PostgreSQL role the application connects as in production (issue 15, item 9).

Run it as the tables' owner (the role ``migrate`` runs as) after every ``migrate``; the password
is read from the ``APP_ROLE_PASSWORD`` environment variable. The role:

- may LOGIN, and is not a superuser, creates no databases or roles, does not replicate and does
  not bypass row security, and is not a member of the owner role;
- may SELECT, INSERT, UPDATE and DELETE on the tables and use their sequences (the ledger's
  row triggers still refuse UPDATE and DELETE of entries, postings, closed months), and create
  temporary tables (the collection-file staging);
- holds no TRUNCATE, REFERENCES or TRIGGER privilege and owns nothing, so TRUNCATE,
  ``ALTER TABLE … DISABLE TRIGGER`` and any DDL are refused; ``SET session_replication_role``
  is refused to every role but a superuser.

Tables that later migrations create get the same grants (``ALTER DEFAULT PRIVILEGES`` of the
owner), and re-running the command is harmless.
"""

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from psycopg2 import sql

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"


def app_role_statements(
    role: str, password: str | None, *, exists: bool, database: str
) -> list[sql.Composed]:
    """The statements that create or reset the application role ``role`` in ``database`` (the
    current one): attributes, then grants (see the module docstring)."""
    name = sql.Identifier(role)
    attributes = sql.SQL(
        "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
    )
    head = sql.SQL("ALTER ROLE {} WITH ") if exists else sql.SQL("CREATE ROLE {} WITH ")
    create = head.format(name) + attributes
    if password:
        create += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    statements = [
        create,
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
            sql.Identifier(database), name
        ),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(name),
        sql.SQL("GRANT " + TABLE_PRIVILEGES + " ON ALL TABLES IN SCHEMA public TO {}").format(name),
        sql.SQL("GRANT " + SEQUENCE_PRIVILEGES + " ON ALL SEQUENCES IN SCHEMA public TO {}").format(
            name
        ),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT "
            + TABLE_PRIVILEGES
            + " ON TABLES TO {}"
        ).format(name),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT "
            + SEQUENCE_PRIVILEGES
            + " ON SEQUENCES TO {}"
        ).format(name),
    ]
    return statements


class Command(BaseCommand):
    help = (
        "Create or reset the least-privilege PostgreSQL role the application connects as: "
        "no TRUNCATE, no DDL, no trigger disabling (run as the tables' owner after migrate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="name of the application role, e.g. pooling_app")

    def handle(self, *args, role: str, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("create_app_role needs PostgreSQL (DATABASE_URL).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if role == owner:
                raise CommandError(
                    f"{role} is the role running this command (the tables' owner); the "
                    "application role must be another one."
                )
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [role])
            (owned,) = cursor.fetchone()
        if owned:
            raise CommandError(
                f"{role} owns {owned} tables; the application role must own none (run migrate "
                "as the owner role)."
            )
        if found and found[0]:
            raise CommandError(f"{role} is a superuser; choose another name for the app role.")
        password = os.environ.get("APP_ROLE_PASSWORD") or None
        if not found and not password:
            raise CommandError("Set APP_ROLE_PASSWORD to the new role's password.")
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in app_role_statements(
                role, password, exists=bool(found), database=database
            ):
                cursor.execute(statement)
            cursor.execute(
                sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(owner), sql.Identifier(role))
            )
        verb = "reset" if found else "created"
        self.stdout.write(
            self.style.SUCCESS(
                f"Application role {role} {verb}: LOGIN, {TABLE_PRIVILEGES} on the tables; "
                "no TRUNCATE, no DDL, no triggers disabled. Connect the application as it."
            )
        )
