"""Change stamps: the cheap, always-fresh question "did these tables change?" for process caches.

A migration puts triggers on the watched tables (``watch``); every INSERT, UPDATE, DELETE (and on
PostgreSQL TRUNCATE) of them sets the stamp's token to a new random number, in the same
transaction as the change. A cache reads the token with one indexed single-row SELECT
(``token``) before it trusts what it holds:

- triggers see every write: the admin, services, ``QuerySet.update()``, raw SQL, other processes;
- a rolled-back change rolls its token back to the one that belonged to the old contents, and a
  random token is never reused, so a token always names exactly one state of the tables;
- read inside the caller's transaction, the token and the data it vouches for are consistent, so
  ids taken from the cache are safe to store as foreign keys in that transaction.

``token`` returns None when the stamp row does not exist yet (e.g. right after a test flush):
callers then must not cache.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from aftersales.core.models import ChangeStamp

TABLE = ChangeStamp._meta.db_table


def token(key: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE key = %s", [key])  # noqa: S608 - constant table name
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _trigger_names(key: str, table: str) -> list[tuple[str, str]]:
    base = f"stamp_{key.replace('-', '_')}_{table}"
    return [(f"{base}_{event.lower()}", event) for event in ("INSERT", "UPDATE", "DELETE")]


def watch(schema_editor: BaseDatabaseSchemaEditor, key: str, tables: Sequence[str]) -> None:
    """Create the stamp row for ``key`` and the triggers that renew it when ``tables`` change."""
    execute = schema_editor.execute
    postgres = schema_editor.connection.vendor == "postgresql"
    random_value = "floor(random() * 9007199254740991)::bigint" if postgres else "random()"
    renew = (
        f"INSERT INTO {TABLE} (key, token) VALUES ('{key}', {random_value}) "  # noqa: S608 - constants
        f"ON CONFLICT (key) DO UPDATE SET token = excluded.token"
    )
    execute(renew)
    if postgres:
        function = f"stamp_{key.replace('-', '_')}_renew"
        execute(f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN {renew}; RETURN NULL; END $$ LANGUAGE plpgsql")  # fmt: skip
        for table in tables:
            execute(
                f"CREATE TRIGGER stamp_{key.replace('-', '_')}_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        return
    for table in tables:
        for name, event in _trigger_names(key, table):
            execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {renew}; END")


def unwatch(schema_editor: BaseDatabaseSchemaEditor, key: str, tables: Sequence[str]) -> None:
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in tables:
            execute(f"DROP TRIGGER IF EXISTS stamp_{key.replace('-', '_')}_{table} ON {table}")
        execute(f"DROP FUNCTION IF EXISTS stamp_{key.replace('-', '_')}_renew()")
    else:
        for table in tables:
            for name, _event in _trigger_names(key, table):
                execute(f"DROP TRIGGER IF EXISTS {name}")
    execute(f"DELETE FROM {TABLE} WHERE key = %s", [key])  # noqa: S608 - constant table name
