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


@_periodic_task(crontab(minute="30", hour="1"))
def survey_improvement_periodic() -> int:
    """Every night: last month's improvement items (R-9.7), opened once however often it runs."""
    from django.utils import timezone

    from aftersales.surveys.improvement import improvement_scan, last_month

    return improvement_scan(month=last_month(timezone.now()))


@_periodic_task(crontab(minute="15", hour="0"))
def survey_sampling_periodic() -> dict[str, Any]:
    """Every night (so the 1st is caught up after a stopped worker): last month's sample, drawn
    once, and its invitations, each sent once (R-9.1)."""
    from aftersales.surveys.sampling import sampling_run

    return sampling_run()
