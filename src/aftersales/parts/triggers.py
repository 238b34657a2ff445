"""The stock ledger is append-only in the database (R-7.2), for the trigger registry
(``core/triggers.py``): a move is never changed or deleted, whoever sends the SQL; a mistake is
corrected by a new move (an adjustment with its reason)."""

from aftersales.core.triggers import POSTGRESQL, SQLITE, Trigger, TriggerSet

TABLE = "parts_stockmove"
MIGRATION = ("parts", "0001_initial")
PURPOSE = "append-only stock ledger"
MESSAGE = "parts_stockmove is append-only (R-7.2)"

SQLITE_GUARD = TriggerSet(
    purpose=PURPOSE,
    vendor=SQLITE,
    migration=MIGRATION,
    triggers=tuple(
        Trigger(
            f"parts_stockmove_no_{event.lower()}",
            TABLE,
            f"CREATE TRIGGER IF NOT EXISTS parts_stockmove_no_{event.lower()} BEFORE {event} ON {TABLE} "
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
        "CREATE OR REPLACE FUNCTION parts_stockmove_refuse() RETURNS trigger AS $$ BEGIN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END $$ LANGUAGE plpgsql",
    ),
    triggers=(
        Trigger(
            "parts_stockmove_append_only",
            TABLE,
            f"CREATE OR REPLACE TRIGGER parts_stockmove_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION parts_stockmove_refuse()",
        ),
    ),
)
TRIGGERS = [SQLITE_GUARD, POSTGRESQL_GUARD]
NAMES = [t.name for s in TRIGGERS for t in s.triggers]
