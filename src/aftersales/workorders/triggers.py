"""The work-order search index's triggers (SQLite), for the trigger registry (``core/triggers.py``).

On SQLite an FTS5 table (``workorders_search``, external content: ``workorders_workorder``)
follows ``search_text`` through three triggers (migration ``0003_work_order_search``). When they
were missing, writes went unindexed: re-created, the index is rebuilt from the work orders.
PostgreSQL searches a GIN expression index, which ``ALTER TABLE`` keeps; it needs no trigger.
"""

from aftersales.core.triggers import SQLITE, Trigger, TriggerSet

TABLE = "workorders_workorder"

TRIGGERS = [
    TriggerSet(
        purpose="work-order search index",
        vendor=SQLITE,
        migration=("workorders", "0003_work_order_search"),
        setup=(
            "CREATE VIRTUAL TABLE IF NOT EXISTS workorders_search USING fts5("
            "search_text, content='workorders_workorder', content_rowid='id', tokenize='unicode61')",
        ),
        triggers=(
            Trigger(
                "workorders_search_insert",
                TABLE,
                "CREATE TRIGGER IF NOT EXISTS workorders_search_insert AFTER INSERT ON workorders_workorder BEGIN "
                "INSERT INTO workorders_search(rowid, search_text) VALUES (new.id, new.search_text); END",
            ),
            Trigger(
                "workorders_search_delete",
                TABLE,
                "CREATE TRIGGER IF NOT EXISTS workorders_search_delete AFTER DELETE ON workorders_workorder BEGIN "
                "INSERT INTO workorders_search(workorders_search, rowid, search_text) "
                "VALUES ('delete', old.id, old.search_text); END",
            ),
            Trigger(
                "workorders_search_update",
                TABLE,
                "CREATE TRIGGER IF NOT EXISTS workorders_search_update AFTER UPDATE OF search_text "
                "ON workorders_workorder WHEN old.search_text IS NOT new.search_text BEGIN "
                "INSERT INTO workorders_search(workorders_search, rowid, search_text) "
                "VALUES ('delete', old.id, old.search_text); "
                "INSERT INTO workorders_search(rowid, search_text) VALUES (new.id, new.search_text); END",
            ),
        ),
        # The index missed every write while the triggers were gone: build it again from the table.
        repair=("INSERT INTO workorders_search(workorders_search) VALUES ('rebuild')",),
    ),
]
