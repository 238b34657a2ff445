"""Background jobs of the feedback app: thin wrappers over one service each, safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.feedback.complaints import complaint_ack_scan
from aftersales.feedback.incidents import incident_deadlines_scan

TaskDecorator = Callable[[Callable[..., Any]], Any]


def _periodic_task(schedule: Any, **kwargs: Any) -> TaskDecorator:
    decorator: TaskDecorator = db_periodic_task(schedule, **kwargs)
    return decorator


@_periodic_task(crontab(minute="*"))
def feedback_deadlines_periodic() -> dict[str, int]:
    """Every minute: incident checklist deadlines warned and breached (R-8.4), complaints not
    acknowledged in time (R-8.1)."""
    counts = incident_deadlines_scan()
    counts["complaints_overdue"] = complaint_ack_scan()
    return counts
