"""Background jobs of the repairs app: thin wrappers over one service each, safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.repairs.deadlines import deadline_scan

TaskDecorator = Callable[[Callable[..., Any]], Any]


def _periodic_task(schedule: Any, **kwargs: Any) -> TaskDecorator:
    decorator: TaskDecorator = db_periodic_task(schedule, **kwargs)
    return decorator


@_periodic_task(crontab(minute="*/5"))
def repair_deadline_scan_periodic() -> dict[str, int]:
    """Every five minutes: repair deadlines at 80 % (the repairer) and missed (supervisors)."""
    return deadline_scan()
