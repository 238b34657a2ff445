"""Background jobs of the surveys app: thin wrappers over one service each, safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.surveys.services import invitations_scan, reminders_scan

TaskDecorator = Callable[[Callable[..., Any]], Any]


def _periodic_task(schedule: Any, **kwargs: Any) -> TaskDecorator:
    decorator: TaskDecorator = db_periodic_task(schedule, **kwargs)
    return decorator


@_periodic_task(crontab(minute="*/10"))
def survey_invitations_periodic() -> dict[str, int]:
    """Every ten minutes: invitations for work orders closed since (R-9.1)."""
    return invitations_scan()


@_periodic_task(crontab(minute="*/10"))
def survey_reminders_periodic() -> dict[str, int]:
    """Every ten minutes: the one reminder after 3 working days, expiry after 7 days (R-9.3)."""
    return reminders_scan()
