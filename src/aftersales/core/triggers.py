"""Every database trigger the project relies on, in one registry; a system check that they exist,
and their re-creation after every ``migrate``.

Why: SQLite's schema editor copies a table into a new one for many ordinary migrations
(``AlterField``, ``RemoveField``, …) and drops the old table, and its triggers with it. Nothing
fails; the triggers are simply gone: the change stamps stop renewing (``core/stamps.py``, process
caches go stale), the search index stops following the work orders, the access log becomes
editable. PostgreSQL keeps triggers through ``ALTER TABLE``, but a dropped one is as silent there.

Each app that needs triggers declares them in its own ``triggers.py`` as ``TRIGGERS``, a list of
``TriggerSet`` (found by ``registry``, so ``core`` imports no domain app). A set belongs to the
migration that first created it: before that migration is applied (a new database, a migration
run backwards) its triggers are not expected. After every ``migrate`` (``post_migrate``, also sent
by ``flush``) ``ensure`` re-creates the missing triggers idempotently (``CREATE TRIGGER IF NOT
EXISTS`` on SQLite, ``CREATE OR REPLACE`` on PostgreSQL) and runs each repaired set's ``repair``
(rebuild the search index, renew the stamp), which makes up for the writes the missing triggers
did not see. Check ``core.W001`` (``manage.py check --database default``; ``migrate`` runs it
too) names any trigger that is missing. It is a warning, not an error, so that it never stops
the ``migrate`` that repairs it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils.module_loading import module_has_submodule

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    create: str  # idempotent: CREATE TRIGGER IF NOT EXISTS (SQLite) / CREATE OR REPLACE TRIGGER (PostgreSQL)


@dataclass(frozen=True)
class TriggerSet:
    """Triggers that together keep one thing true on one database vendor."""

    purpose: str
    vendor: str  # connection.vendor: "sqlite" or "postgresql"
    migration: tuple[str, str]  # (app label, migration name) that first creates them
    triggers: tuple[Trigger, ...]
    setup: tuple[str, ...] = ()  # idempotent statements the triggers need first (functions, tables)
    repair: tuple[str, ...] = ()  # run after re-creating any of them: catch up with what they missed

    def statements(self, triggers: Iterable[Trigger] | None = None) -> list[str]:
        """The SQL that creates ``triggers`` (all by default) and repairs what they guard."""
        chosen = self.triggers if triggers is None else triggers
        return [*self.setup, *(t.create for t in chosen), *self.repair]


@functools.cache
def registry() -> tuple[TriggerSet, ...]:
    """Every app's ``triggers.TRIGGERS``, in INSTALLED_APPS order."""
    sets: list[TriggerSet] = []
    for app in apps.get_app_configs():
        if module_has_submodule(app.module, "triggers"):
            sets += getattr(import_module(f"{app.name}.triggers"), "TRIGGERS", [])
    return tuple(sets)


def existing(connection: BaseDatabaseWrapper) -> set[tuple[str, str]]:
    """(trigger name, table) of the triggers in the database."""
    if connection.vendor == POSTGRESQL:
        sql = (
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
    else:
        sql = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {(str(name), str(table)) for name, table in cursor.fetchall()}


def expected(connection: BaseDatabaseWrapper) -> list[TriggerSet]:
    """The sets this database should have: its vendor's, whose migration is applied."""
    applied = MigrationRecorder(connection).applied_migrations()
    return [s for s in registry() if s.vendor == connection.vendor and s.migration in applied]


def missing(connection: BaseDatabaseWrapper) -> list[tuple[TriggerSet, list[Trigger]]]:
    present = existing(connection)
    found = []
    for trigger_set in expected(connection):
        absent = [t for t in trigger_set.triggers if (t.name, t.table) not in present]
        if absent:
            found.append((trigger_set, absent))
    return found


def ensure(connection: BaseDatabaseWrapper) -> list[str]:
    """Re-create the missing triggers and repair what their absence let slip; returns their
    names. Idempotent, in one transaction."""
    created: list[str] = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for trigger_set, absent in missing(connection):
            for sql in trigger_set.statements(absent):
                cursor.execute(sql)
            created += [t.name for t in absent]
    return created


def drop(connection: BaseDatabaseWrapper, names: Iterable[str]) -> None:
    """Drop the registered triggers called ``names`` (tests, and a flush of the test database)."""
    wanted = set(names)
    with connection.cursor() as cursor:
        for trigger_set in registry():
            if trigger_set.vendor != connection.vendor:
                continue
            for t in trigger_set.triggers:
                if t.name in wanted:
                    on = f" ON {t.table}" if connection.vendor == POSTGRESQL else ""
                    cursor.execute(f"DROP TRIGGER IF EXISTS {t.name}{on}")


def repair_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``post_migrate`` receiver (sent once per app; connected for ``core`` only, which is enough:
    the signal comes after every migration of the run)."""
    ensure(connections[using])


def check_triggers(*, databases: Sequence[str] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check core.W001: every registered trigger exists (database checks only run for
    the databases given: ``manage.py check --database default``, ``migrate``)."""
    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        try:
            found = missing(connection)
        except DatabaseError:  # no database yet: nothing to check
            continue
        for trigger_set, absent in found:
            for t in absent:
                messages.append(
                    checks.Warning(
                        f"Database trigger {t.name} on {t.table} is missing ({trigger_set.purpose}).",
                        hint="Run `manage.py migrate`: after every migration it re-creates missing triggers "
                        "(aftersales/core/triggers.py).",
                        obj=alias,
                        id="core.W001",
                    )
                )
    return messages
