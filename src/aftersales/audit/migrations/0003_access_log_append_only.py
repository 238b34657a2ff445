"""The access log refuses UPDATE and DELETE in the database (R-13.2, R-13.3): triggers on
``audit_accesslog``; ``audit/triggers.py`` keeps the same SQL for the registry that re-creates
them after a table rebuild (``core/triggers.py``)."""

from django.db import migrations

MESSAGE = "audit_accesslog is append-only (R-13.2)"
SQLITE_FORWARD = [
    f"CREATE TRIGGER IF NOT EXISTS audit_accesslog_no_{event.lower()} BEFORE {event} ON audit_accesslog "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for event in ("UPDATE", "DELETE")
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS audit_accesslog_no_update", "DROP TRIGGER IF EXISTS audit_accesslog_no_delete"]
POSTGRES_FORWARD = [
    "CREATE OR REPLACE FUNCTION audit_accesslog_refuse() RETURNS trigger AS $$ BEGIN "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE TRIGGER audit_accesslog_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_accesslog "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_refuse()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog",
    "DROP FUNCTION IF EXISTS audit_accesslog_refuse()",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_drop_redundant_indexes")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
