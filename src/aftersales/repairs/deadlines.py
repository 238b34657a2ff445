"""The repair deadline (R-6.5): ``REPAIR_DEADLINE_WORKING_DAYS`` working days on the default SLA
calendar from receipt, stored on the repair order with its warning time; the periodic watcher
warns the repairer once and reports a missed deadline once (outbox).

Why not an SLA target: ``sla.WorkOrderTarget`` belongs to a work order and its kinds are the
policy's (recomputed when the work order's priority changes); a repair order's deadline is its
own promise, so it is stored here in the same shape (due, original due, warn time, met).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.core.outbox import Notice, notify_users
from aftersales.repairs.models import RepairOrder
from aftersales.sla import clocks

WARN_AT_PERCENT = 80
SCAN_BATCH = 500
REPAIR_WARNING, REPAIR_BREACH = "repair_deadline_warning", "repair_deadline_breach"


def deadline_from(received_at: dt.datetime) -> dt.datetime:
    """The deadline for a product received at ``received_at``, on the working-days clock."""
    days = int(settings.REPAIR_DEADLINE_WORKING_DAYS)
    return clocks.add_duration(received_at, dt.timedelta(days=days), clocks.Clock.WORKING_DAYS)


def warn_time(start: dt.datetime, deadline: dt.datetime) -> dt.datetime:
    return clocks.fraction_point(start, deadline, WARN_AT_PERCENT / 100, clocks.Clock.WORKING_DAYS)


def set_deadline(ro: RepairOrder, *, received_at: dt.datetime) -> None:
    ro.deadline_at = ro.original_deadline_at = deadline_from(received_at)
    ro.deadline_warn_at = warn_time(received_at, ro.deadline_at)


def move_deadline(ro: RepairOrder, *, new_deadline_at: dt.datetime, now: dt.datetime) -> None:
    """An agreed new date: the running deadline and its warning move; the original stays. A
    breach already reported stays reported (it happened); the new date gets its own warning."""
    ro.deadline_at = new_deadline_at
    start = ro.received_at or now
    ro.deadline_warn_at = max(warn_time(start, new_deadline_at), min(now, new_deadline_at))
    ro.deadline_warned_at = None
    ro.deadline_escalated_at = None


def meet(ro: RepairOrder, *, at: dt.datetime) -> None:
    if ro.deadline_at is not None and ro.deadline_met_at is None:
        ro.deadline_met_at = at
        if at > ro.deadline_at:
            ro.deadline_breached = True


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _managers() -> list[Any]:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(groups__name="supervisor", is_active=True, customer__isnull=True)
        .distinct()
        .order_by("pk")
    )


def _notices(ro: RepairOrder, what: str, managers: list[Any]) -> list[Notice]:
    with translation.override("zh-hans"):
        values = {"number": ro.number, "due": _local(ro.deadline_at)}  # type: ignore[arg-type]
        if what == "warn":
            users = [ro.repairer] if ro.repairer is not None else managers
            subject = _("Repair deadline soon: %(number)s is due at %(due)s") % values
            body = _("Repair order %(number)s must be repaired, inspected and shipped by %(due)s.") % values
            kind = REPAIR_WARNING
        else:
            users = [*managers, *([ro.repairer] if ro.repairer is not None else [])]
            subject = _("Repair deadline missed: %(number)s was due at %(due)s") % values
            body = (
                _("Repair order %(number)s was not shipped back by %(due)s. Agree a new date with the customer.")
                % values
            )
            kind = REPAIR_BREACH
        unique = {user.pk: user for user in users}
        return [
            Notice(
                user=user,
                subject=subject,
                body=body,
                topic=f"repairorder:{ro.pk}",
                kind=kind,
                dedupe_key_prefix=f"repair:{ro.pk}:{what}:{int(ro.deadline_at.timestamp())}:{user.pk}",  # type: ignore[union-attr]
            )
            for user in unique.values()
        ]


def deadline_scan(*, now: dt.datetime | None = None, batch_size: int = SCAN_BATCH) -> dict[str, int]:
    """The periodic watcher: warn the repairer of deadlines past their warning time, report the
    missed ones to the supervisors (and the repairer). Once per deadline: each row is claimed by a
    conditional UPDATE in the transaction of its outbox rows, which carry dedupe keys as well.
    Safe to run twice; must not run inside a caller's transaction."""
    now = now or timezone.now()
    return {"warned": _scan(now, "warn", batch_size), "escalated": _scan(now, "breach", batch_size)}


def _scan(now: dt.datetime, what: str, batch_size: int) -> int:
    stamp, due = (
        ("deadline_warned_at", "deadline_warn_at") if what == "warn" else ("deadline_escalated_at", "deadline_at")
    )
    open_rows = {"deadline_met_at__isnull": True, f"{stamp}__isnull": True, f"{due}__isnull": False}
    ids = list(
        RepairOrder.objects.filter(**open_rows, **{f"{due}__lte": now})
        .order_by(due)
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    managers = _managers() if what == "breach" else []
    with transaction.atomic(durable=True):
        claimable = RepairOrder.objects.filter(pk__in=ids, **open_rows)
        if connection.features.has_select_for_update_skip_locked:
            claimable = claimable.select_for_update(skip_locked=True, of=("self",))
        rows = list(claimable.select_related("repairer"))
        if not rows:
            return 0
        update: dict[str, Any] = {stamp: now}
        if what == "breach":
            update["deadline_breached"] = True
        RepairOrder.objects.filter(pk__in=[row.pk for row in rows], **open_rows).update(**update)
        notices: list[Notice] = []
        for ro in rows:
            if what == "warn" and ro.deadline_at is not None and ro.deadline_at <= now:
                continue  # past due already: the breach report speaks for it
            notices += _notices(ro, what, managers)
        notify_users(notices)
    return len(rows)
