"""Background jobs of the parts app: thin wrappers over one service each, safe to run twice."""

from __future__ import annotations

from aftersales.core.tasks import _task
from aftersales.parts.imports import parts_import_run


@_task()
def parts_import_task(import_id: int, actor_id: int) -> int:
    """A confirmed import of a large file (parts.imports): only a queued import runs."""
    return parts_import_run(import_id=import_id, actor_id=actor_id).pk
