"""The monthly service-quality meeting (R-9.7): its date, attendees (staff), minutes, and for each
improvement item it reviewed the decision and the status or new deadline it set. Supervisors and
QA record it (``manage_improvement``, the permission that lets them work on the items); whoever
sees the scores reads it (selectors.py). A decision's status or deadline is applied to the item
by ``improvement.item_update``, in the same transaction as the meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import NotFound, PermissionDenied, ValidationFailed
from aftersales.core.limits import MAX_ID
from aftersales.surveys import improvement
from aftersales.surveys.models import ImprovementItem, MeetingDecision, QualityMeeting

MINUTES_MAX = 10_000
DECISION_MAX = 2_000
ATTENDEES_MAX = 50


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID else None


def _clean(
    *, held_on: Any, attendee_ids: Any, minutes: Any, decisions: Any
) -> tuple[dt.date, list[Any], str, list[dict[str, Any]]]:
    errors: dict[str, Any] = {}
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        errors["held_on"] = _("Give the date of the meeting.")
    ids = attendee_ids if isinstance(attendee_ids, list | tuple) else None
    users: list[Any] = []
    if not ids:
        errors["attendee_ids"] = _("Choose who attended.")
    elif len(ids) > ATTENDEES_MAX or any(_id(v) is None for v in ids):
        errors["attendee_ids"] = _("Choose staff members from the list.")
    else:
        users = list(get_user_model().objects.filter(pk__in=set(ids), is_active=True))
        if len(users) != len(set(ids)) or any(u.is_customer_user for u in users):
            errors["attendee_ids"] = _("Only active staff members attend the meeting.")
    text = minutes.strip() if isinstance(minutes, str) else ""
    if not text:
        errors["minutes"] = _("Write the minutes.")
    elif len(text) > MINUTES_MAX:
        errors["minutes"] = _("At most 10000 characters.")
    rows: list[dict[str, Any]] = []
    if not isinstance(decisions, list | tuple):
        errors["decisions"] = _("Give the decisions as a list.")
        decisions = []
    seen: set[int] = set()
    for n, raw in enumerate(decisions):
        prefix = f"decisions.{n}"
        if not isinstance(raw, dict):
            errors[prefix] = _("Give the item and the decision.")
            continue
        item_id = _id(raw.get("item_id"))
        if item_id is None:
            errors[f"{prefix}.item_id"] = _("Choose an improvement item.")
        elif item_id in seen:
            errors[f"{prefix}.item_id"] = _("This item is reviewed once per meeting.")
        decision = raw.get("decision")
        decision = decision.strip() if isinstance(decision, str) else ""
        if not decision:
            errors[f"{prefix}.decision"] = _("Say what the meeting decided.")
        elif len(decision) > DECISION_MAX:
            errors[f"{prefix}.decision"] = _("At most 2000 characters.")
        status = raw.get("status") or ""
        if status not in ("", *ImprovementItem.Status.values):
            errors[f"{prefix}.status"] = _("Unknown status.")
        deadline = raw.get("deadline")
        if deadline is not None and (not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime)):
            errors[f"{prefix}.deadline"] = _("Enter a date.")
        if item_id is not None:
            seen.add(item_id)
        rows.append({"n": n, "item_id": item_id, "decision": decision, "status": status, "deadline": deadline})
    if errors:
        raise ValidationFailed(errors)
    return held_on, users, text, rows


def meeting_save(
    *,
    actor: Any,
    held_on: Any,
    attendee_ids: Any,
    minutes: Any,
    decisions: Any = (),
    meeting_id: int | None = None,
    now: dt.datetime | None = None,
) -> QualityMeeting:
    """Record a meeting (``meeting_id`` None) or correct one: date, attendees and minutes replaced,
    each given decision recorded (once per item) and its status or deadline applied to the item."""
    if not actor.has_perm(improvement.PERM_MANAGE) or getattr(actor, "is_customer_user", False):
        raise PermissionDenied()
    now = now if now is not None else timezone.now()
    day, users, text, rows = _clean(held_on=held_on, attendee_ids=attendee_ids, minutes=minutes, decisions=decisions)
    with transaction.atomic():
        if meeting_id is None:
            meeting = QualityMeeting.objects.create(
                held_on=day, minutes=text, created_by=actor, created_at=now, updated_at=now
            )
        else:
            meeting_found = QualityMeeting.objects.select_for_update().filter(pk=_id(meeting_id) or 0).first()
            if meeting_found is None:
                raise NotFound()
            meeting = meeting_found
            meeting.held_on, meeting.minutes, meeting.updated_at = day, text, now
            meeting.save(update_fields=["held_on", "minutes", "updated_at"])
        meeting.attendees.set(users)
        items = ImprovementItem.objects.in_bulk([row["item_id"] for row in rows])
        errors = {
            f"decisions.{row['n']}.item_id": _("This improvement item does not exist.")
            for row in rows
            if row["item_id"] not in items
        }
        if errors:
            raise ValidationFailed(errors)
        for row in rows:
            item = items[row["item_id"]]
            MeetingDecision.objects.update_or_create(
                meeting=meeting,
                item=item,
                defaults={"decision": row["decision"], "status": row["status"], "deadline": row["deadline"]},
            )
            changes: dict[str, Any] = {}
            if row["status"] and row["status"] != item.status:
                changes["status"] = row["status"]
                if row["status"] == ImprovementItem.Status.VERIFIED:
                    if not item.verification.strip():
                        raise ValidationFailed(
                            {
                                f"decisions.{row['n']}.status": _(
                                    "Record the verification on the item before it is verified."
                                )
                            }
                        )
                    changes["verification"] = item.verification
            if row["deadline"] is not None and row["deadline"] != item.deadline:
                changes["deadline"] = row["deadline"]
            if changes:
                improvement.item_update(actor=actor, item_id=item.pk, **changes)
        record(
            actor=actor,
            action="create" if meeting_id is None else "change",
            verb="quality_meeting",
            obj=meeting,
            detail={"items": [row["item_id"] for row in rows]},
        )
    return meeting
