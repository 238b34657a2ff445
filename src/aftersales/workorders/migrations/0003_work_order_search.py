"""Index work orders for substring search (workorders/search.py).

SQLite: an FTS5 table over ``search_text`` kept in step by triggers. PostgreSQL: a GIN index
over ``to_tsvector('simple', search_text)``. Existing rows are filled with a frozen copy of
the tokenizer (migrations never import app code).
"""

import re

from django.db import migrations, models

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(rf"[{_CJK}]")

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE workorders_search USING fts5("
    "search_text, content='workorders_workorder', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER workorders_search_insert AFTER INSERT ON workorders_workorder BEGIN "
    "INSERT INTO workorders_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER workorders_search_delete AFTER DELETE ON workorders_workorder BEGIN "
    "INSERT INTO workorders_search(workorders_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER workorders_search_update AFTER UPDATE OF search_text ON workorders_workorder "
    "WHEN old.search_text IS NOT new.search_text BEGIN "
    "INSERT INTO workorders_search(workorders_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO workorders_search(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS workorders_search_update",
    "DROP TRIGGER IF EXISTS workorders_search_delete",
    "DROP TRIGGER IF EXISTS workorders_search_insert",
    "DROP TABLE IF EXISTS workorders_search",
]
POSTGRES_FORWARD = [
    "CREATE INDEX workorders_search_gin ON workorders_workorder USING gin (to_tsvector('simple', search_text))"
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS workorders_search_gin"]


def _search_text(*parts):
    tokens = []
    for part in parts:
        for run in _RUN.findall((part or "").lower()[:2000]):
            if _IS_CJK.match(run) and len(run) > 1:
                tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            else:
                tokens.append(run)
    return " ".join(tokens)


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    batch = []
    for wo in WorkOrder.objects.select_related("customer", "product_model").iterator(chunk_size=2000):
        wo.search_text = _search_text(
            wo.number, wo.customer.name, wo.serial_number, wo.product_model.code if wo.product_model else "", wo.symptom
        )
        batch.append(wo)
        if len(batch) >= 2000:
            WorkOrder.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        WorkOrder.objects.bulk_update(batch, ["search_text"])


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0002_sla_due_and_queue_times"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorder",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
