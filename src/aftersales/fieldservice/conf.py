"""Field-service settings, each overridable in Django settings (defaults here, so the app owns them).

- ``FIELD_SLOT_MINUTES`` (120): the length of an appointment slot offered by ``next_free_slot``
  and proposed on the board; slots start at the start of a working period and follow each other.
- ``FIELD_SLOT_HORIZON_DAYS`` (14): how many days ahead ``next_free_slot`` looks before it answers
  "none".
- ``FIELD_REMINDER_HOUR`` (9): the local hour from which the day-before reminders go out.
"""

from __future__ import annotations

from django.conf import settings


def slot_minutes() -> int:
    return int(getattr(settings, "FIELD_SLOT_MINUTES", 120))


def slot_horizon_days() -> int:
    return int(getattr(settings, "FIELD_SLOT_HORIZON_DAYS", 14))


def reminder_hour() -> int:
    return int(getattr(settings, "FIELD_REMINDER_HOUR", 9))
