"""The work-order lifecycle of R-3.5 as one table of allowed transitions.

new → acknowledged → assigned → in progress (remote / on site / returned to factory)
⇄ waiting (on customer / on parts) → resolved → confirmed → closed → archived;
reopen from resolved / confirmed / closed when the customer says it is not fixed;
cancel from any open status with a reason (the customer withdrew, a duplicate, raised in error):
cancelled is final like closed (archived later, never reopened), and no repair was done.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    WAITING_PARTS = "waiting_parts", _("Waiting on parts")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Confirmed by customer")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    ASSIGN = "assign", _("Assign")
    START = "start", _("Start handling")
    WAIT_CUSTOMER = "wait_customer", _("Wait on customer")
    WAIT_PARTS = "wait_parts", _("Wait on parts")
    RESUME = "resume", _("Resume")
    RESOLVE = "resolve", _("Resolve")
    CONFIRM = "confirm", _("Customer confirms")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    ARCHIVE = "archive", _("Archive")
    CANCEL = "cancel", _("Cancel work order")


class HandlingMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ON_SITE = "on_site", _("On site")
    FACTORY = "factory", _("Returned to factory")


OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.WAITING_CUSTOMER,
        Status.WAITING_PARTS,
    }
)
WORKING = (Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_PARTS)

# action -> (statuses it may start from, status it leads to). REOPEN's target is decided by
# the service (assigned when a handler is set, else acknowledged); the table names the default.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.ACKNOWLEDGE: (frozenset({Status.NEW}), Status.ACKNOWLEDGED),
    Action.ASSIGN: (frozenset({Status.NEW, Status.ACKNOWLEDGED, *WORKING}), Status.ASSIGNED),
    Action.START: (frozenset({Status.ASSIGNED}), Status.IN_PROGRESS),
    Action.WAIT_CUSTOMER: (frozenset({Status.IN_PROGRESS, Status.WAITING_PARTS}), Status.WAITING_CUSTOMER),
    Action.WAIT_PARTS: (frozenset({Status.IN_PROGRESS, Status.WAITING_CUSTOMER}), Status.WAITING_PARTS),
    Action.RESUME: (frozenset({Status.WAITING_CUSTOMER, Status.WAITING_PARTS}), Status.IN_PROGRESS),
    # An agent may resolve what they answered themselves without assigning it.
    Action.RESOLVE: (
        frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.IN_PROGRESS}),
        Status.RESOLVED,
    ),
    Action.CONFIRM: (frozenset({Status.RESOLVED}), Status.CONFIRMED),
    Action.CLOSE: (frozenset({Status.RESOLVED, Status.CONFIRMED}), Status.CLOSED),
    Action.REOPEN: (frozenset({Status.RESOLVED, Status.CONFIRMED, Status.CLOSED}), Status.ASSIGNED),
    Action.ARCHIVE: (frozenset({Status.CLOSED, Status.CANCELLED}), Status.ARCHIVED),
    # Withdrawn before it was solved: from every open status, never back (reopen is for "not fixed").
    Action.CANCEL: (OPEN_STATUSES, Status.CANCELLED),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if status in sources]


def can(action: str, status: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return status in sources
