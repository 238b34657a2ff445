"""Change stamps: the cheap, always-fresh question "did these tables change?" for process caches.

A migration puts triggers on the watched tables (``watch``), and the app lists them in its
``triggers.py`` (``trigger_sets``) so that they are checked and put back after a table rebuild
(``core/triggers.py``). Every INSERT, UPDATE, DELETE (and on PostgreSQL TRUNCATE) of the tables
sets the stamp's token to a new random number, in the same transaction as the change. A cache
reads the token with one indexed single-row SELECT (``token``) before it trusts what it holds:

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

from aftersales.core import triggers
from aftersales.core.models import ChangeStamp

TABLE = ChangeStamp._meta.db_table


def token(key: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE key = %s", [key])  # noqa: S608 - constant table name
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _base(key: str) -> str:
    return f"stamp_{key.replace('-', '_')}"


def _renew(key: str, vendor: str) -> str:
    random_value = "floor(random() * 9007199254740991)::bigint" if vendor == triggers.POSTGRESQL else "random()"
    return (
        f"INSERT INTO {TABLE} (key, token) VALUES ('{key}', {random_value}) "  # noqa: S608 - constants
        f"ON CONFLICT (key) DO UPDATE SET token = excluded.token"
    )


def _sqlite_names(key: str, table: str) -> list[tuple[str, str]]:
    return [(f"{_base(key)}_{table}_{event.lower()}", event) for event in ("INSERT", "UPDATE", "DELETE")]


def trigger_sets(key: str, tables: Sequence[str], *, migration: tuple[str, str]) -> list[triggers.TriggerSet]:
    """The triggers that renew ``key`` when ``tables`` change, on each vendor (for the registry,
    ``core/triggers.py``). Re-created after they were missing, the stamp is renewed too: a write
    they did not see may have changed the tables."""
    purpose = f"change stamp {key}"
    function = f"{_base(key)}_renew"
    sqlite = _renew(key, triggers.SQLITE)
    postgres = _renew(key, triggers.POSTGRESQL)
    return [
        triggers.TriggerSet(
            purpose=purpose,
            vendor=triggers.SQLITE,
            migration=migration,
            triggers=tuple(
                triggers.Trigger(
                    name, table, f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN {sqlite}; END"
                )
                for table in tables
                for name, event in _sqlite_names(key, table)
            ),
            repair=(sqlite,),
        ),
        triggers.TriggerSet(
            purpose=purpose,
            vendor=triggers.POSTGRESQL,
            migration=migration,
            setup=(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN {postgres}; RETURN NULL; END $$ LANGUAGE plpgsql",
            ),
            triggers=tuple(
                triggers.Trigger(
                    f"{_base(key)}_{table}",
                    table,
                    f"CREATE OR REPLACE TRIGGER {_base(key)}_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
                )
                for table in tables
            ),
            repair=(postgres,),
        ),
    ]


def watch(schema_editor: BaseDatabaseSchemaEditor, key: str, tables: Sequence[str]) -> None:
    """Create the stamp row for ``key`` and the triggers that renew it when ``tables`` change."""
    vendor = schema_editor.connection.vendor
    for trigger_set in trigger_sets(key, tables, migration=("", "")):
        if trigger_set.vendor == vendor:
            for sql in trigger_set.statements():
                schema_editor.execute(sql)


def unwatch(schema_editor: BaseDatabaseSchemaEditor, key: str, tables: Sequence[str]) -> None:
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in tables:
            execute(f"DROP TRIGGER IF EXISTS {_base(key)}_{table} ON {table}")
        execute(f"DROP FUNCTION IF EXISTS {_base(key)}_renew()")
    else:
        for table in tables:
            for name, _event in _sqlite_names(key, table):
                execute(f"DROP TRIGGER IF EXISTS {name}")
    execute(f"DELETE FROM {TABLE} WHERE key = %s", [key])  # noqa: S608 - constant table name
