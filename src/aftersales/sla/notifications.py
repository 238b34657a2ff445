"""Who hears about SLA warnings and breaches, through the outbox (R-4.7), in Chinese.

The watcher collects these notices and writes them in its transaction, each with a dedupe key,
so a repeated scan writes nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.core.outbox import Notice
from aftersales.sla.models import TargetKind, WorkOrderTarget

SLA_WARNING, SLA_BREACH = "sla_warning", "sla_breach"


def local_time(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def target_warning(target: WorkOrderTarget) -> list[Notice]:
    """80 % of the time is used: tell the assignee (the first-contact owner while unassigned)."""
    wo = target.work_order
    user = wo.assignee if wo.assignee_id else wo.owner
    if user is None:
        return []
    with translation.override("zh-hans"):
        values = {"number": wo.number, "target": TargetKind(target.kind).label, "due": local_time(target.due_at)}
        return [
            Notice(
                user=user,
                subject=_("SLA warning: %(number)s %(target)s is due at %(due)s") % values,
                body=_("Work order %(number)s: the target “%(target)s” is due at %(due)s. Please act now.") % values,
                topic=f"workorder:{wo.pk}",
                kind=SLA_WARNING,  # the inbox shows a work order's warnings as one row
                dedupe_key_prefix=f"sla:{target.pk}:warn",
            )
        ]


def target_breached(target: WorkOrderTarget, supervisors: list[Any]) -> list[Notice]:
    """The target is missed: escalate to the supervisors (R-4.7)."""
    wo = target.work_order
    with translation.override("zh-hans"):
        assignee = str(wo.assignee) if wo.assignee_id else _("nobody")
        values = {
            "number": wo.number,
            "target": TargetKind(target.kind).label,
            "due": local_time(target.due_at),
            "priority": wo.priority,
            "assignee": assignee,
        }
        subject = _("SLA breach: %(number)s %(target)s was due at %(due)s") % values
        body = (
            _(
                "Work order %(number)s (%(priority)s, assigned to %(assignee)s) missed the target"
                " “%(target)s”, due at %(due)s."
            )
            % values
        )
        return [
            Notice(
                user=user,
                subject=subject,
                body=body,
                topic=f"workorder:{wo.pk}",
                kind=SLA_BREACH,  # the inbox shows a work order's breaches as one row
                dedupe_key_prefix=f"sla:{target.pk}:breach:{user.pk}",
            )
            for user in supervisors
        ]
