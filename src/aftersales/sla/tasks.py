"""Background jobs of the SLA app: thin wrappers over one service each, safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.sla.services import sla_scan

TaskDecorator = Callable[[Callable[..., Any]], Any]


def _periodic_task(schedule: Any, **kwargs: Any) -> TaskDecorator:
    decorator: TaskDecorator = db_periodic_task(schedule, **kwargs)
    return decorator


@_periodic_task(crontab(minute="*"))
def sla_scan_periodic() -> dict[str, int]:
    """Every minute: SLA warnings at 80 % and escalations at breach (R-4.7)."""
    return sla_scan()
