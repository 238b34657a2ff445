"""Background jobs of the staff app: thin wrappers over one service each, safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.staff.services import certification_expiry_notify

TaskDecorator = Callable[[Callable[..., Any]], Any]


def _periodic_task(schedule: Any, **kwargs: Any) -> TaskDecorator:
    decorator: TaskDecorator = db_periodic_task(schedule, **kwargs)
    return decorator


@_periodic_task(crontab(minute="15", hour="*"))
def certification_expiry_periodic() -> int:
    """Hourly: certifications ending within 30 days, each told once (R-10.1)."""
    return certification_expiry_notify()
