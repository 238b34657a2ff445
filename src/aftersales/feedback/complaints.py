"""Complaints (R-8.1, R-3.4): the record, the read-back, the acknowledgement, the emergency
handling of a red complaint and the follow-up call (回访).

A complaint is a work order of service type ``complaint`` with a ``Complaint`` row. Every write
takes the work order's lock first (``workorders.services.work_order_lock``: parent before child)
and records on its timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.catalog.models import Colour, ServiceType
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.outbox import notify_users
from aftersales.feedback import notifications
from aftersales.feedback.counting import rule
from aftersales.feedback.errors import FeedbackErrorCode
from aftersales.feedback.models import Complaint

TEXT_MAX = 4000
NAME_MAX = 64
SENTENCE_MAX = 500
PERM_ADD, PERM_HANDLE, PERM_FOLLOW_UP = (
    "feedback.add_complaint",
    "feedback.handle_complaint",
    "feedback.follow_up_complaint",
)


def _text(errors: dict[str, Any], name: str, value: str, *, required: Any = None, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = required
    elif len(value) > limit:
        errors[name] = _("The text is longer than %(max)d characters.") % {"max": limit}
    return value


def _aware(errors: dict[str, Any], name: str, value: dt.datetime | None, *, now: dt.datetime, future: bool) -> None:
    if value is None:
        return
    if timezone.is_naive(value):
        errors[name] = _("Give the time with its time zone.")
    elif not future and value > now + dt.timedelta(minutes=1):
        errors[name] = _("The time cannot be in the future.")
    elif future and value < now - dt.timedelta(minutes=1):
        errors[name] = _("The time cannot be in the past.")


def _staff_only(actor: Any) -> None:
    if getattr(actor, "customer_id", None):
        raise NotFound()


def _lock(actor: Any, work_order_id: int) -> Any:
    from aftersales.workorders.services import work_order_lock

    _staff_only(actor)
    return work_order_lock(actor=actor, work_order_id=work_order_id)


def _complaint(wo: Any) -> Complaint:
    complaint = Complaint.objects.filter(work_order=wo).first()
    if complaint is None:
        raise NotFound(_("This work order has no complaint record yet."))
    return complaint


def _event(actor: Any, wo: Any, action: str, text: str = "", data: dict[str, Any] | None = None) -> None:
    from aftersales.workorders.services import work_order_event_record

    work_order_event_record(actor=actor, work_order=wo, action=action, text=text, data=data)


def _supervisors(wo: Any) -> list[Any]:
    """The supervisors of the customer's region, else all of them."""
    users = list(
        get_user_model()
        .objects.filter(groups__name="supervisor", is_active=True, customer__isnull=True)
        .distinct()
        .order_by("pk")
    )
    region_id = wo.customer.region_id
    mine = [u for u in users if region_id is not None and u.region_id == region_id]
    return mine or users


def complaint_record(
    *,
    actor: Any,
    work_order_id: int,
    about: str,
    content: str,
    mood: str,
    expected_solution: str = "",
    about_person_id: int | None = None,
    about_work_order_id: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Record what the customer complains about (R-8.1). A red complaint (the work order's colour,
    R-3.4) is reported to the supervisors at once, exactly once."""
    from aftersales.workorders.selectors import work_order_scope

    _staff_only(actor)
    if not actor.has_perm(PERM_ADD):
        raise PermissionDenied()
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    if about not in Complaint.About.values:
        errors["about"] = _("Choose what the complaint is about.")
    if mood not in Complaint.Mood.values:
        errors["mood"] = _("Choose the customer's mood.")
    content = _text(errors, "content", content, required=_("Write down what the customer complains about."))
    expected_solution = _text(errors, "expected_solution", expected_solution)
    person = None
    previous = None
    if about == Complaint.About.PERSON:
        person = (
            get_user_model().objects.filter(pk=about_person_id, customer__isnull=True).first()
            if about_person_id
            else None
        )
        if person is None:
            errors["about_person_id"] = _("Choose the person the customer complains about.")
    if about == Complaint.About.WORK_ORDER:
        previous = work_order_scope(actor=actor).filter(pk=about_work_order_id).first() if about_work_order_id else None
        if previous is None:
            errors["about_work_order_id"] = _("Choose the previous work order.")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        wo = _lock(actor, work_order_id)
        if wo.service_type != ServiceType.COMPLAINT:
            raise DomainError(
                FeedbackErrorCode.NOT_A_COMPLAINT,
                _("Only a work order of type complaint has a complaint record."),
                status=409,
            )
        if Complaint.objects.filter(work_order=wo).exists():
            raise DomainError(FeedbackErrorCode.COMPLAINT_EXISTS, _("This complaint is already recorded."), status=409)
        if previous is not None and previous.pk == wo.pk:
            raise ValidationFailed({"about_work_order_id": _("Choose an earlier work order, not this one.")})
        if previous is not None and previous.customer_id != wo.customer_id:
            raise ValidationFailed({"about_work_order_id": _("The previous work order is another customer's.")})
        complaint = Complaint(
            work_order=wo,
            about=about,
            about_person=person,
            about_work_order=previous,
            content=content,
            mood=mood,
            expected_solution=expected_solution,
            ack_due_at=wo.received_at + dt.timedelta(hours=rule().complaint_ack_hours),
            created_by=actor,
            created_at=now,
        )
        complaint.save(force_insert=True)
        _event(actor, wo, "complaint", text=content[:200], data={"mood": mood, "about": about})
        record(actor=actor, action="create", obj=complaint)
        if wo.colour == Colour.RED:
            _escalate(complaint, wo, now)
    return complaint


def _escalate(complaint: Complaint, wo: Any, now: dt.datetime) -> None:
    """Report a red complaint to the supervisors, once (the stamp and the dedupe keys)."""
    claimed = Complaint.objects.filter(pk=complaint.pk, escalated_at__isnull=True).update(escalated_at=now)
    if claimed:
        complaint.escalated_at = now
        notify_users(notifications.complaint_red(complaint, _supervisors(wo)))


def complaint_read_back(
    *, actor: Any, work_order_id: int, confirmed_by_name: str, now: dt.datetime | None = None
) -> Complaint:
    """The agent read the summary back and the customer (named) confirmed it."""
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    name = _text(
        errors, "confirmed_by_name", confirmed_by_name, required=_("Who confirmed the summary?"), limit=NAME_MAX
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        wo = _lock(actor, work_order_id)
        if not actor.has_perm(PERM_ADD):
            raise PermissionDenied()
        complaint = _complaint(wo)
        if complaint.read_back_at is not None:
            raise DomainError(FeedbackErrorCode.ALREADY_READ_BACK, _("The summary was already confirmed."), status=409)
        complaint.read_back_at, complaint.read_back_by, complaint.confirmed_by_name = now, actor, name
        complaint.save(update_fields=["read_back_at", "read_back_by", "confirmed_by_name"])
        _event(actor, wo, "complaint_read_back", text=name)
        record(actor=actor, action="change", verb="complaint_read_back", obj=complaint)
    return complaint


def complaint_acknowledge_refusal(wo: Any) -> None:
    """R-8.1: a complaint is not acknowledged before its read-back (called by the work order's
    acknowledge action, so no door skips it)."""
    complaint = Complaint.objects.filter(work_order=wo).only("read_back_at").first()
    if complaint is None or complaint.read_back_at is None:
        raise DomainError(
            FeedbackErrorCode.NOT_READ_BACK,
            _("Read the complaint back to the customer and record their confirmation before acknowledging it."),
            status=409,
        )


def complaint_acknowledge(
    *, actor: Any, work_order_id: int, expected_handling_at: dt.datetime | None, now: dt.datetime | None = None
) -> Complaint:
    """Acknowledge the complaint, telling the customer when it will be handled (R-8.1); the
    acknowledgement target (``ack_due_at``) is met then."""
    from aftersales.workorders.services import work_order_acknowledge
    from aftersales.workorders.states import Status

    now = now or timezone.now()
    errors: dict[str, Any] = {}
    if expected_handling_at is None:
        errors["expected_handling_at"] = _("Tell the customer when the complaint will be handled.")
    _aware(errors, "expected_handling_at", expected_handling_at, now=now, future=True)
    with transaction.atomic():
        wo = _lock(actor, work_order_id)
        if not actor.has_perm(PERM_ADD):
            raise PermissionDenied()
        complaint = _complaint(wo)
        complaint_acknowledge_refusal(wo)
        if errors:
            raise ValidationFailed(errors)
        if complaint.acknowledged_at is not None:
            raise DomainError(FeedbackErrorCode.ALREADY_DONE, _("The complaint is already acknowledged."), status=409)
        if wo.status == Status.NEW:
            work_order_acknowledge(actor=actor, work_order_id=wo.pk)
        complaint.acknowledged_at, complaint.expected_handling_at = now, expected_handling_at
        complaint.save(update_fields=["acknowledged_at", "expected_handling_at"])
        _event(
            actor,
            wo,
            "complaint_ack",
            data={"expected_handling_at": expected_handling_at.isoformat() if expected_handling_at else ""},
        )
        record(actor=actor, action="change", verb="complaint_acknowledge", obj=complaint)
    return complaint


def complaint_handle(
    *,
    actor: Any,
    work_order_id: int,
    owner_id: int | None = None,
    investigation: str = "",
    proposed_solution: str = "",
    agreed_by_name: str = "",
    agreed_how: str = "",
    agreed_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Emergency handling (R-8.1): the owner, the investigation notes, the proposed solution and
    the customer's agreement (who, when, how). Fields left empty keep their value."""
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    investigation = _text(errors, "investigation", investigation)
    proposed_solution = _text(errors, "proposed_solution", proposed_solution)
    agreed_by_name = _text(errors, "agreed_by_name", agreed_by_name, limit=NAME_MAX)
    if agreed_how and agreed_how not in Complaint.AgreedHow.values:
        errors["agreed_how"] = _("Choose how the customer agreed.")
    _aware(errors, "agreed_at", agreed_at, now=now, future=False)
    owner = None
    if owner_id is not None:
        owner = get_user_model().objects.filter(pk=owner_id, is_active=True, customer__isnull=True).first()
        if owner is None:
            errors["owner_id"] = _("Choose a member of staff.")
    with transaction.atomic():
        wo = _lock(actor, work_order_id)
        if not actor.has_perm(PERM_HANDLE):
            raise PermissionDenied()
        complaint = _complaint(wo)
        agreement = [bool(agreed_by_name), bool(agreed_how), agreed_at is not None]
        if any(agreement) and not all(agreement):
            for name, given in zip(("agreed_by_name", "agreed_how", "agreed_at"), agreement, strict=True):
                if not given:
                    errors[name] = _("Record who agreed, when and how.")
        if any(agreement) and not (proposed_solution or complaint.proposed_solution):
            errors["proposed_solution"] = _("Record the proposed solution the customer agreed to.")
        if errors:
            raise ValidationFailed(errors)
        changed = []
        if owner is not None:
            complaint.owner = owner
            changed.append("owner")
        for name, value in (("investigation", investigation), ("proposed_solution", proposed_solution)):
            if value:
                setattr(complaint, name, value)
                changed.append(name)
        if all(agreement):
            complaint.agreed_by_name, complaint.agreed_how, complaint.agreed_at = agreed_by_name, agreed_how, agreed_at
            changed += ["agreed_by_name", "agreed_how", "agreed_at"]
        if not changed:
            raise ValidationFailed({"__all__": _("Nothing to record.")})
        complaint.save(update_fields=changed)
        _event(actor, wo, "complaint_handling", data={"fields": changed})
        record(actor=actor, action="change", verb="complaint_handle", obj=complaint, detail={"fields": changed})
    return complaint


def complaint_follow_up(
    *, actor: Any, work_order_id: int, satisfaction: int | None, note: str, now: dt.datetime | None = None
) -> Complaint:
    """The follow-up call (回访) by QA: the customer's satisfaction 1-10 and what they said."""
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    if satisfaction is None or not 1 <= satisfaction <= 10:
        errors["satisfaction"] = _("Give the satisfaction from 1 to 10.")
    note = _text(errors, "note", note, required=_("Write down what the customer said."), limit=SENTENCE_MAX)
    with transaction.atomic():
        wo = _lock(actor, work_order_id)
        if not actor.has_perm(PERM_FOLLOW_UP):
            raise PermissionDenied()
        complaint = _complaint(wo)
        if complaint.follow_up_at is not None:
            raise DomainError(FeedbackErrorCode.FOLLOWED_UP, _("The follow-up call is already recorded."), status=409)
        if complaint.acknowledged_at is None:
            raise DomainError(
                FeedbackErrorCode.NOT_READ_BACK, _("Acknowledge the complaint before the follow-up call."), status=409
            )
        if wo.colour == Colour.RED and complaint.agreed_at is None:
            raise DomainError(
                FeedbackErrorCode.NOT_AGREED,
                _("A red complaint is followed up after the customer agreed to the solution."),
                status=409,
            )
        if errors:
            raise ValidationFailed(errors)
        complaint.follow_up_at, complaint.follow_up_by = now, actor
        complaint.satisfaction, complaint.satisfaction_note = satisfaction, note
        complaint.save(update_fields=["follow_up_at", "follow_up_by", "satisfaction", "satisfaction_note"])
        _event(actor, wo, "complaint_follow_up", text=note, data={"satisfaction": satisfaction})
        record(actor=actor, action="change", verb="complaint_follow_up", obj=complaint)
    return complaint


def complaint_ack_scan(*, now: dt.datetime | None = None) -> int:
    """Stamp complaints not acknowledged by their due time (the stored target's breach) and tell
    the supervisors, once each. Must not run inside a caller's transaction."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        rows = list(
            Complaint.objects.filter(acknowledged_at__isnull=True, ack_breached_at__isnull=True, ack_due_at__lte=now)
            .select_related("work_order__customer")
            .order_by("ack_due_at")[:500]
        )
        claimed = Complaint.objects.filter(pk__in=[r.pk for r in rows], ack_breached_at__isnull=True).update(
            ack_breached_at=now
        )
        if claimed:
            notices = []
            for complaint in rows:
                notices += notifications.complaint_overdue(complaint, _supervisors(complaint.work_order))
            notify_users(notices)
    return claimed
