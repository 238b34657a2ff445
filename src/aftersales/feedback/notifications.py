"""Who hears about complaints, quality feedback and incidents, through the outbox, in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.outbox import Notice
from aftersales.core.subjects import Subject, topic_for

INCIDENT_TOPIC, QUALITY_TOPIC = "incident", "qualityfeedback"
INCIDENT_LEVEL, INCIDENT_DUE, COMPLAINT_RED, QUALITY_NEW, QUALITY_CLOSED = (
    "incident_level",
    "incident_due",
    "complaint_red",
    "quality_new",
    "quality_closed",
)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def incident_subjects(reader: Any, ids: list[int]) -> dict[int, Subject]:
    from aftersales.feedback.selectors import incident_scope

    rows = incident_scope(actor=reader).filter(pk__in=ids).values_list("pk", "batch")
    return {
        pk: Subject(gettext_lazy("Batch-fault incident"), batch, reverse("feedback:incident", args=[pk]))
        for pk, batch in rows
    }


def quality_subjects(reader: Any, ids: list[int]) -> dict[int, Subject]:
    from aftersales.feedback.selectors import quality_scope

    rows = quality_scope(actor=reader).filter(pk__in=ids).values_list("pk", "number")
    return {
        pk: Subject(gettext_lazy("Quality feedback"), number, reverse("feedback:quality", args=[pk]))
        for pk, number in rows
    }


def incident_level_reached(incident: Any, level: str, owner: Any, reports: int) -> list[Notice]:
    from aftersales.feedback.incidents import CHECKLIST

    with translation.override("zh-hans"):
        values = {
            "level": level,
            "model": incident.product_model.code,
            "batch": incident.batch,
            "reports": reports,
        }
        tasks = "；".join(
            f"{plan.label}（{plan.hours} 小时内）" if plan.hours else str(plan.label) for plan in CHECKLIST[level]
        )
        return [
            Notice(
                user=owner,
                subject=_("Batch-fault incident level %(level)s: %(model)s batch %(batch)s") % values,
                body=_("%(reports)s fault reports for %(model)s batch %(batch)s. You own level %(level)s: ") % values
                + tasks,
                topic=topic_for(INCIDENT_TOPIC, incident.pk),
                kind=INCIDENT_LEVEL,
                dedupe_key_prefix=f"incident:{incident.pk}:level:{level}",
            )
        ]


def incident_task_due(task: Any, owner: Any, executives: list[Any], *, breached: bool) -> list[Notice]:
    from aftersales.feedback.incidents import TASK_LABELS

    incident = task.incident
    with translation.override("zh-hans"):
        values = {
            "task": str(TASK_LABELS.get(task.kind, task.kind)),
            "batch": incident.batch,
            "model": incident.product_model.code,
            "due": _local(task.due_at),
        }
        if breached:
            subject = _("Incident deadline missed: %(task)s (%(model)s batch %(batch)s)") % values
            body = _("“%(task)s” for %(model)s batch %(batch)s was due at %(due)s.") % values
            users = [u for u in [owner, *executives] if u is not None]
        else:
            subject = _("Incident deadline near: %(task)s due at %(due)s") % values
            body = _("“%(task)s” for %(model)s batch %(batch)s is due at %(due)s. Please act now.") % values
            users = [owner] if owner is not None else []
        seen: set[int] = set()
        notices = []
        for user in users:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            notices.append(
                Notice(
                    user=user,
                    subject=subject,
                    body=body,
                    topic=topic_for(INCIDENT_TOPIC, incident.pk),
                    kind=INCIDENT_DUE,
                    dedupe_key_prefix=f"incident-task:{task.pk}:{'breach' if breached else 'warn'}:{user.pk}",
                )
            )
        return notices


def complaint_red(complaint: Any, supervisors: list[Any]) -> list[Notice]:
    wo = complaint.work_order
    with translation.override("zh-hans"):
        values = {"number": wo.number, "customer": wo.customer.name, "mood": complaint.get_mood_display()}
        return [
            Notice(
                user=user,
                subject=_("Red complaint %(number)s: %(customer)s") % values,
                body=_("A red complaint from %(customer)s (%(mood)s): ") % values + complaint.content[:300],
                topic=topic_for("workorder", wo.pk),
                kind=COMPLAINT_RED,
                dedupe_key_prefix=f"complaint:{complaint.pk}:red:{user.pk}",
            )
            for user in supervisors
        ]


def quality_raised(form: Any, recipients: list[Any]) -> list[Notice]:
    with translation.override("zh-hans"):
        values = {"number": form.number, "model": form.product_model.code, "batch": form.batch or "-"}
        return [
            Notice(
                user=user,
                subject=_("Quality feedback %(number)s: %(model)s batch %(batch)s") % values,
                body=_("New quality feedback %(number)s for %(model)s batch %(batch)s: ") % values + form.symptom[:300],
                topic=topic_for(QUALITY_TOPIC, form.pk),
                kind=QUALITY_NEW,
                dedupe_key_prefix=f"quality:{form.pk}:new:{user.pk}",
            )
            for user in recipients
        ]


def quality_closed(form: Any) -> list[Notice]:
    with translation.override("zh-hans"):
        values = {"number": form.number}
        return [
            Notice(
                user=form.raised_by,
                subject=_("Quality feedback %(number)s is closed") % values,
                body=_("The quality department closed %(number)s. Cause: ") % values + form.cause_analysis[:300],
                topic=topic_for(QUALITY_TOPIC, form.pk),
                kind=QUALITY_CLOSED,
                dedupe_key_prefix=f"quality:{form.pk}:closed",
            )
        ]


def complaint_overdue(complaint: Any, supervisors: list[Any]) -> list[Notice]:
    wo = complaint.work_order
    with translation.override("zh-hans"):
        values = {"number": wo.number, "customer": wo.customer.name, "due": _local(complaint.ack_due_at)}
        return [
            Notice(
                user=user,
                subject=_("Complaint %(number)s not acknowledged in time") % values,
                body=_("The complaint %(number)s of %(customer)s was to be acknowledged by %(due)s.") % values,
                topic=topic_for("workorder", wo.pk),
                kind=COMPLAINT_RED,
                dedupe_key_prefix=f"complaint:{complaint.pk}:ack-overdue:{user.pk}",
            )
            for user in supervisors
        ]
