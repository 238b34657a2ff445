"""Who hears about what, through the outbox (written in the caller's transaction)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from aftersales.workorders.models import WorkOrder


def _notify(user: Any, *, subject: str, body: str, topic: str, dedupe: str) -> None:
    from aftersales.core.outbox import notify_user

    notify_user(user=user, subject=subject, body=body, topic=topic, dedupe_key_prefix=dedupe)


def work_order_created(wo: WorkOrder) -> None:
    """Nothing is sent at intake yet; the SLA step adds the customer's acknowledgement."""


def work_order_assigned(wo: WorkOrder, *, assignee: Any, by: Any) -> None:
    with translation.override("zh-hans"):
        _notify(
            assignee,
            subject=_("New work order %(number)s assigned to you") % {"number": wo.number},
            body=_("%(number)s (%(priority)s): %(symptom)s")
            % {"number": wo.number, "priority": wo.priority, "symptom": wo.symptom[:200]},
            topic=f"workorder:{wo.pk}",
            dedupe=f"wo:{wo.pk}:assigned:{assignee.pk}:{wo.events.count()}",
        )


def work_order_resolved(wo: WorkOrder) -> None:
    if wo.owner is not None and wo.owner_id != wo.assignee_id:
        with translation.override("zh-hans"):
            _notify(
                wo.owner,
                subject=_("Work order %(number)s was resolved") % {"number": wo.number},
                body=_("Please confirm with the customer that the problem is solved: %(resolution)s")
                % {"resolution": wo.resolution[:200]},
                topic=f"workorder:{wo.pk}",
                dedupe=f"wo:{wo.pk}:resolved:{wo.events.count()}",
            )


def work_order_reopened(wo: WorkOrder) -> None:
    with translation.override("zh-hans"):
        _notify(
            wo.assignee,
            subject=_("Work order %(number)s was reopened") % {"number": wo.number},
            body=_("The customer says the problem is not solved."),
            topic=f"workorder:{wo.pk}",
            dedupe=f"wo:{wo.pk}:reopened:{wo.events.count()}",
        )
