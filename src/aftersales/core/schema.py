"""Migration helpers for changes Django's SQLite backend would make by copying a whole table."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations


def drop_column_indexes(indexes: Sequence[tuple[str, str]]) -> migrations.RunPython:
    """Drop the single-column indexes Django made for ``(table, column)`` foreign keys.

    Pair it with the ``AlterField(db_index=False)`` in ``SeparateDatabaseAndState``: on SQLite the
    AlterField alone rebuilds the table, which at a million work orders takes minutes and drops the
    search triggers. The index names are Django's own, the same on SQLite and PostgreSQL."""

    def drop(apps: object, schema_editor: object) -> None:
        for table, column in indexes:
            name = schema_editor._create_index_name(table, [column])  # type: ignore[attr-defined]
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")  # type: ignore[attr-defined]

    def create(apps: object, schema_editor: object) -> None:
        for table, column in indexes:
            name = schema_editor._create_index_name(table, [column])  # type: ignore[attr-defined]
            quote = schema_editor.quote_name  # type: ignore[attr-defined]
            schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")  # type: ignore[attr-defined]

    return migrations.RunPython(drop, create)
