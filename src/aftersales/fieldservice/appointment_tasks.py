"""The appointment reminder job (Huey periodic, imported by the app's ``ready()``): a thin wrapper
over one service, safe to run twice (each reminder is claimed once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.fieldservice.appointment_services import appointments_remind_due

TaskDecorator = Callable[[Callable[..., Any]], Any]


def _periodic_task(schedule: Any, **kwargs: Any) -> TaskDecorator:
    decorator: TaskDecorator = db_periodic_task(schedule, **kwargs)
    return decorator


@_periodic_task(crontab(minute="*/10"))
def appointment_reminders_periodic() -> int:
    """Every ten minutes: the day-before reminders not sent yet (from FIELD_REMINDER_HOUR)."""
    return appointments_remind_due()
