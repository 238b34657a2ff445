"""The access log is append-only in the database (R-13.2, R-13.3), for the trigger registry
(``core/triggers.py``).

``AccessLog.save``/``delete`` refuse in Python, but ``QuerySet.update()``/``delete()``, the admin's
bulk actions and raw SQL never call them: these triggers refuse every UPDATE and DELETE (and on
PostgreSQL TRUNCATE) of ``audit_accesslog``, whoever sends it, with an ``IntegrityError``.
Nothing may delete rows either: R-13.3 keeps them at least three years, and an archive or
retention job (future work) will need its own, explicit way around this guard.
"""

from aftersales.core.triggers import POSTGRESQL, SQLITE, Trigger, TriggerSet

TABLE = "audit_accesslog"
MIGRATION = ("audit", "0003_access_log_append_only")
PURPOSE = "append-only access log"
MESSAGE = "audit_accesslog is append-only (R-13.2)"

SQLITE_GUARD = TriggerSet(
    purpose=PURPOSE,
    vendor=SQLITE,
    migration=MIGRATION,
    triggers=tuple(
        Trigger(
            f"audit_accesslog_no_{event.lower()}",
            TABLE,
            f"CREATE TRIGGER IF NOT EXISTS audit_accesslog_no_{event.lower()} BEFORE {event} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        )
        for event in ("UPDATE", "DELETE")
    ),
)
POSTGRESQL_GUARD = TriggerSet(
    purpose=PURPOSE,
    vendor=POSTGRESQL,
    migration=MIGRATION,
    setup=(
        "CREATE OR REPLACE FUNCTION audit_accesslog_refuse() RETURNS trigger AS $$ BEGIN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END $$ LANGUAGE plpgsql",
    ),
    triggers=(
        Trigger(
            "audit_accesslog_append_only",
            TABLE,
            f"CREATE OR REPLACE TRIGGER audit_accesslog_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_refuse()",
        ),
    ),
)
TRIGGERS = [SQLITE_GUARD, POSTGRESQL_GUARD]
NAMES = [t.name for s in TRIGGERS for t in s.triggers]
