"""The return-to-factory repair lifecycle of R-6.5 as one table of allowed transitions.

expected (the customer is sending it) → received (date, condition, photos, accessories) →
assigned (a named repairer; the deadline runs from receipt) → repairing (diagnosis recorded) →
inspecting (repair done, waiting for QA) → passed (QA passed) → shipped (return parcel sent)
→ closed (delivery confirmed). A failed inspection sends it back to repairing; the loop stays
on the repair order's timeline.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    EXPECTED = "expected", _("Expected at the factory")
    RECEIVED = "received", pgettext_lazy("repair status", "Received")
    ASSIGNED = "assigned", _("Assigned to a repairer")
    REPAIRING = "repairing", _("In repair")
    INSPECTING = "inspecting", _("Waiting for QA inspection")
    PASSED = "passed", _("QA passed, ready to return")
    SHIPPED = "shipped", _("Returned, in transit")
    CLOSED = "closed", _("Delivered and closed")


class Action(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    ASSIGN = "assign", _("Assign repairer")
    REASSIGN = "reassign", _("Reassign repairer")
    DIAGNOSE = "diagnose", _("Record diagnosis")
    REPAIR_DONE = "repair_done", _("Repair done")
    INSPECT_PASS = "inspect_pass", _("QA passed")
    INSPECT_FAIL = "inspect_fail", _("QA failed")
    SHIP = "ship", _("Ship back")
    DELIVER = "deliver", _("Delivery confirmed")


# Where the deadline runs: from receipt until the product leaves the factory again.
DEADLINE_RUNNING = frozenset({Status.RECEIVED, Status.ASSIGNED, Status.REPAIRING, Status.INSPECTING, Status.PASSED})
OPEN_STATUSES = frozenset(set(Status.values) - {Status.CLOSED})
BOARD_ORDER = list(Status.values)

# action -> (statuses it may start from, status it leads to). REASSIGN keeps the status (None).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.RECEIVE: (frozenset({Status.EXPECTED}), Status.RECEIVED),
    Action.ASSIGN: (frozenset({Status.RECEIVED}), Status.ASSIGNED),
    Action.REASSIGN: (frozenset({Status.ASSIGNED, Status.REPAIRING}), None),
    Action.DIAGNOSE: (frozenset({Status.ASSIGNED}), Status.REPAIRING),
    Action.REPAIR_DONE: (frozenset({Status.REPAIRING}), Status.INSPECTING),
    Action.INSPECT_PASS: (frozenset({Status.INSPECTING}), Status.PASSED),
    Action.INSPECT_FAIL: (frozenset({Status.INSPECTING}), Status.REPAIRING),
    Action.SHIP: (frozenset({Status.PASSED}), Status.SHIPPED),
    Action.DELIVER: (frozenset({Status.SHIPPED}), Status.CLOSED),
}


def can(action: str, status: str) -> bool:
    return status in TRANSITIONS[action][0]


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if status in sources]
