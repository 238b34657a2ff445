"""Every write on repair orders (R-6.5): create from a work order, receive, assign, diagnose,
repair, QA inspection, deadline agreements; the return shipment is in ``shipping.py``.

Each function checks permission (``action_refusal``: the one rule behind every action and the
actions a page offers), validates, runs in one transaction with the work order locked before
the repair order (parent before child), writes the repair order's timeline event and a line on
the work order's timeline (``workorders.services.work_order_event_record``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.core.numbering import next_number
from aftersales.repairs import deadlines
from aftersales.repairs.errors import RepairErrorCode
from aftersales.repairs.models import (
    Accessory,
    AgreementChannel,
    DeadlineAgreement,
    Inspection,
    RepairEvent,
    RepairOrder,
)
from aftersales.repairs.selectors import is_portal_user, repair_order_scope, repairers
from aftersales.repairs.states import TRANSITIONS, Action, Status
from aftersales.workorders import services as work_orders
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.selectors import work_order_scope
from aftersales.workorders.states import OPEN_STATUSES as WORK_ORDER_OPEN

MAX_TEXT = 4000
MAX_BACKDATE = dt.timedelta(days=366)
AGREE = "agree"  # not a move of the state table; its own permission rule below
USE_PART = "use_part"  # parts from the factory warehouse (parts_used.py), by the repairer in repair
PHOTO = "photo"  # a photo on arrival added after the receiving (the API's upload, one file a call)
USING_PARTS = frozenset({Status.ASSIGNED, Status.REPAIRING})


# ---------------------------------------------------------------------------------------
# who may do what


def _perm(name: str) -> Callable[[Any, RepairOrder], bool]:
    return lambda actor, ro: bool(actor.has_perm(f"repairs.{name}"))


def _repairer(actor: Any, ro: RepairOrder) -> bool:
    """The named repairer, or a repairer who sees every repair order (an expert, the admin)."""
    if not actor.has_perm("repairs.repair_repairorder"):
        return False
    return bool(ro.repairer_id == actor.pk or actor.has_perm("repairs.view_all_repairorders"))


def _either(*rules: Callable[[Any, RepairOrder], bool]) -> Callable[[Any, RepairOrder], bool]:
    return lambda actor, ro: any(rule(actor, ro) for rule in rules)


RULES: dict[str, Callable[[Any, RepairOrder], bool]] = {
    Action.RECEIVE: _perm("manage_repairorder"),
    Action.ASSIGN: _perm("manage_repairorder"),
    Action.REASSIGN: _perm("manage_repairorder"),
    Action.DIAGNOSE: _repairer,
    Action.REPAIR_DONE: _repairer,
    Action.INSPECT_PASS: _perm("inspect_repairorder"),
    Action.INSPECT_FAIL: _perm("inspect_repairorder"),
    Action.SHIP: _either(_perm("manage_repairorder")),
    Action.DELIVER: _perm("confirm_shipment_delivery"),
    AGREE: _either(_perm("manage_repairorder"), _repairer),
    USE_PART: _repairer,
    PHOTO: _perm("manage_repairorder"),  # as receiving
}
REPAIRER_ONLY = frozenset({Action.DIAGNOSE, Action.REPAIR_DONE, USE_PART})


def _illegal(ro: RepairOrder, action: str) -> DomainError:
    label = Action(action).label if action in Action.values else action
    return DomainError(
        RepairErrorCode.ILLEGAL_TRANSITION,
        _("A repair order that is “%(status)s” cannot be changed with “%(action)s”.")
        % {"status": Status(ro.status).label, "action": label},
        status=409,
    )


def action_refusal(*, actor: Any, action: str, ro: RepairOrder) -> DomainError | None:
    """Why ``actor`` may not do ``action`` on ``ro`` now, or None when they may. A customer
    changes nothing here; they follow their repair in the portal."""
    if is_portal_user(actor) or not RULES[action](actor, ro):
        if action in REPAIRER_ONLY and not is_portal_user(actor):
            return PermissionDenied(_("Only the named repairer can do this."))
        return PermissionDenied()
    if action == AGREE:
        if ro.deadline_at is None or ro.status not in {
            Status.RECEIVED,
            Status.ASSIGNED,
            Status.REPAIRING,
            Status.INSPECTING,
            Status.PASSED,
        }:
            return DomainError(
                RepairErrorCode.DEADLINE_NOT_SET,
                _("Only a received repair that has not been shipped back has a deadline to move."),
                status=409,
            )
        return None
    if action == PHOTO:
        if ro.status != Status.RECEIVED:
            return DomainError(
                RepairErrorCode.ILLEGAL_TRANSITION,
                _("Photos on arrival are added while the repair order is received, before a repairer is named."),
                status=409,
            )
        return None
    if action == USE_PART:
        if ro.status not in USING_PARTS:
            return DomainError(
                RepairErrorCode.ILLEGAL_TRANSITION,
                _("Parts are taken by the repairer while the product is in repair."),
                status=409,
            )
        return None
    if ro.status not in TRANSITIONS[action][0]:
        return _illegal(ro, action)
    return None


def available_actions(*, actor: Any, ro: RepairOrder) -> list[str]:
    return [str(a) for a in [*TRANSITIONS, AGREE, USE_PART] if action_refusal(actor=actor, action=a, ro=ro) is None]


# ---------------------------------------------------------------------------------------
# plumbing: the locks, the timeline, the texts


def _locked(actor: Any, repair_order_id: int, action: str) -> tuple[RepairOrder, WorkOrder]:
    """The repair order (through the actor's scope: 404 outside it) and its work order, both
    locked, work order first; refused as ``action_refusal`` refuses. The repairer may not see
    the work order in the work orders' own scope (it is not assigned to them), so it is locked
    by its id here; the repair order's scope and permission were checked instead."""
    found = repair_order_scope(actor=actor).filter(pk=repair_order_id).values_list("work_order_id", flat=True).first()
    if found is None:
        raise NotFound()
    wo = WorkOrder.objects.select_for_update().get(pk=found)
    ro = RepairOrder.objects.select_for_update(of=("self",)).select_related("repairer").get(pk=repair_order_id)
    refusal = action_refusal(actor=actor, action=action, ro=ro)
    if refusal is not None:
        raise refusal
    return ro, wo


def record_event(
    ro: RepairOrder,
    wo: WorkOrder,
    actor: Any,
    action: str,
    *,
    from_status: str = "",
    to_status: str = "",
    text: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    work_order_action: str = "",
) -> RepairEvent:
    """One line on the repair order's timeline and one on the work order's (R-3.5)."""
    at = at or timezone.now()
    event = RepairEvent.objects.create(
        repair_order=ro,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=at,
        text=text,
        data=data or {},
    )
    work_orders.work_order_event_record(
        actor=actor,
        work_order=wo,
        action=work_order_action or f"repair_{action}"[:20],
        text=text,
        data={"repair_order": ro.pk, "number": ro.number, "status": to_status or ro.status, **(data or {})},
        at=at,
    )
    return event


def move(
    ro: RepairOrder,
    wo: WorkOrder,
    actor: Any,
    action: str,
    *,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> RepairEvent:
    """Apply ``action``'s move of the state table (the caller checked it may) and record it."""
    sources, target = TRANSITIONS[action]
    if ro.status not in sources:
        raise _illegal(ro, action)
    source = ro.status
    ro.status = target or ro.status
    return record_event(ro, wo, actor, action, from_status=source, to_status=ro.status, text=text, data=data, at=at)


def text_value(value: str, field: str, *, required: Any = None, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required is not None and not value:
        raise ValidationFailed({field: required})
    if len(value) > limit:
        raise ValidationFailed({field: _("The text is longer than %(max)d characters.") % {"max": limit}})
    return value


def past_moment(value: dt.datetime | None, field: str, *, now: dt.datetime) -> dt.datetime:
    """A time that has happened: aware, not in the future, not more than a year back."""
    if value is None:
        return now
    if timezone.is_naive(value):
        raise ValidationFailed({field: _("Give the time with its time zone.")})
    if value > now + dt.timedelta(minutes=1):
        raise ValidationFailed({field: _("The time cannot be in the future.")})
    if value < now - MAX_BACKDATE:
        raise ValidationFailed({field: _("The time is more than a year ago.")})
    return value


# ---------------------------------------------------------------------------------------
# the repair order's life


@idempotent(scope="repair_order_create", model=RepairOrder)
def repair_order_create(
    *, actor: Any, work_order_id: int, fault: str = "", idempotency_key: str | None = None
) -> RepairOrder:
    """A repair order for a work order whose product goes back to the factory (R-6.5), numbered
    ``RR-<year>-<n>`` from the counter row locked in this transaction. One open repair order per
    work order; the work order must be open."""
    if is_portal_user(actor) or not actor.has_perm("repairs.add_repairorder"):
        raise PermissionDenied()
    fault = text_value(fault, "fault")
    now = timezone.now()
    with transaction.atomic():
        wo = work_orders.work_order_lock(actor=actor, work_order_id=work_order_id)
        if wo.status not in WORK_ORDER_OPEN:
            raise DomainError(
                RepairErrorCode.WORK_ORDER_CLOSED,
                _("Only an open work order can send a product to the factory."),
                {"work_order_id": _("This work order is no longer open.")},
                status=409,
            )
        if RepairOrder.objects.filter(work_order=wo).exclude(status=Status.CLOSED).exists():
            raise DomainError(
                RepairErrorCode.REPAIR_ORDER_OPEN,
                _("This work order already has an open repair order."),
                {"work_order_id": _("Already has an open repair order.")},
                status=409,
            )
        ro = RepairOrder.objects.create(
            number=next_number("RR", timezone.localdate(now).year),
            work_order=wo,
            fault=fault or wo.symptom[:MAX_TEXT],
            created_by=actor,
        )
        record_event(ro, wo, actor, "create", to_status=Status.EXPECTED, text=fault, at=now)
        record(actor=actor, action="create", obj=ro, detail={"work_order": wo.pk})
    return ro


def _clean_accessories(accessories: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(accessories or []))
    unknown = [code for code in chosen if code not in Accessory.values]
    if unknown:
        raise ValidationFailed({"accessories": _("Choose accessories from the checklist.")})
    return chosen


@idempotent(scope="repair_order_receive", model=RepairOrder)
def repair_order_receive(
    *,
    actor: Any,
    repair_order_id: int,
    condition: str,
    accessories: list[str] | None = None,
    accessories_other: str = "",
    received_at: dt.datetime | None = None,
    photos: list[Any] | None = None,
    idempotency_key: str | None = None,
) -> RepairOrder:
    """The product arrived: when, in what condition, with which accessories, photos of it. The
    deadline starts to run (``REPAIR_DEADLINE_WORKING_DAYS`` working days, deadlines.py). The
    photos are attachments of the work order (its files, scope and serving), staff only."""
    now = timezone.now()
    condition = text_value(condition, "condition", required=_("Describe the condition on arrival."))
    chosen = _clean_accessories(accessories or [])
    accessories_other = text_value(accessories_other, "accessories_other", limit=200)
    received_at = past_moment(received_at, "received_at", now=now)

    added: list[Any] = []
    try:
        with transaction.atomic():
            ro, wo = _locked(actor, repair_order_id, Action.RECEIVE)
            ro.received_at, ro.received_by, ro.condition = received_at, actor, condition
            ro.accessories, ro.accessories_other = chosen, accessories_other
            deadlines.set_deadline(ro, received_at=received_at)
            for photo in photos or []:
                added.append(_arrival_photo(actor, wo, photo, field="photos"))
            move(
                ro,
                wo,
                actor,
                Action.RECEIVE,
                text=condition,
                at=now,
                data={
                    "received_at": received_at.isoformat(),
                    "accessories": chosen,
                    "accessories_other": accessories_other,
                    "photos": [a.pk for a in added],
                    "deadline_at": ro.deadline_at.isoformat() if ro.deadline_at else None,
                },
            )
            ro.save()
            if added:
                ro.photos.add(*added)
            record(actor=actor, action="change", verb=Action.RECEIVE, obj=ro)
    except BaseException:
        for attachment in added:  # nothing was recorded: no file stays behind
            default_storage.delete(attachment.file.name)
            if attachment.thumbnail:
                default_storage.delete(attachment.thumbnail.name)
        raise
    return ro


def _arrival_photo(actor: Any, wo: WorkOrder, file: Any, *, field: str) -> Any:
    """``file`` stored as an attachment of the work order (read by content, size-limited and
    re-encoded by ``workorders.attachments``), refused unless it is a photo (JPEG, PNG, WebP)."""
    from aftersales.workorders.attachments import attachment_add
    from aftersales.workorders.errors import WorkOrderErrorCode

    attachment = attachment_add(actor=actor, work_order_id=wo.pk, file=file)
    if not attachment.is_image:
        default_storage.delete(str(attachment.file.name))
        message = _("Only photos (JPEG, PNG, WebP) are taken of a product on arrival.")
        raise DomainError(WorkOrderErrorCode.ATTACHMENT_TYPE, message, {field: message}, status=422)
    return attachment


def repair_order_photo_add(*, actor: Any, repair_order_id: int, file: Any) -> Any:
    """One more photo of the product on arrival (R-6.5), by whoever receives, while the repair
    order is received: stored as the receiving form stores its photos, on the repair order's
    timeline. Returns the attachment."""
    added: list[Any] = []
    try:
        with transaction.atomic():
            ro, wo = _locked(actor, repair_order_id, PHOTO)
            attachment = _arrival_photo(actor, wo, file, field="file")
            added.append(attachment)
            ro.photos.add(attachment)
            RepairEvent.objects.create(
                repair_order=ro,
                action=PHOTO,
                actor=actor,
                at=timezone.now(),
                text=attachment.name,
                data={"photo": attachment.pk},
            )
            record(actor=actor, action="change", verb=PHOTO, obj=ro, detail={"photo": attachment.pk})
    except BaseException:
        for stored in added:  # nothing was recorded: no file stays behind
            default_storage.delete(stored.file.name)
            if stored.thumbnail:
                default_storage.delete(stored.thumbnail.name)
        raise
    return attachment


@idempotent(scope="repair_order_assign", model=RepairOrder)
def repair_order_assign(
    *, actor: Any, repair_order_id: int, repairer_id: int, note: str = "", idempotency_key: str | None = None
) -> RepairOrder:
    """Name the repairer (R-6.5): someone whose role repairs (``selectors.repairers``), else 404
    naming the field. From received it becomes assigned; later it is a reassignment."""
    note = text_value(note, "note")
    with transaction.atomic():
        found = repair_order_scope(actor=actor).filter(pk=repair_order_id).values_list("status", flat=True).first()
        action = Action.ASSIGN if found in (None, Status.RECEIVED) else Action.REASSIGN
        ro, wo = _locked(actor, repair_order_id, action)
        repairer = repairers(actor=actor).filter(pk=repairer_id).first()
        if repairer is None:
            message = _("Choose an active technician or expert who repairs.")
            raise DomainError(RepairErrorCode.INVALID_REPAIRER, message, {"repairer_id": message}, status=404)
        if ro.repairer_id == repairer.pk:
            raise ValidationFailed({"repairer_id": _("The repair order is already assigned to this person.")})
        previous = ro.repairer
        ro.repairer = repairer
        move(
            ro,
            wo,
            actor,
            action,
            text=note,
            data={
                "repairer": repairer.pk,
                "repairer_name": str(repairer),
                "previous": previous.pk if previous else None,
            },
        )
        ro.save()
        record(actor=actor, action="change", verb=action, obj=ro, detail={"repairer": repairer.pk})
        from aftersales.repairs import notifications

        notifications.repair_assigned(ro, by=actor)
    return ro


@idempotent(scope="repair_order_diagnose", model=RepairOrder)
def repair_order_diagnose(
    *, actor: Any, repair_order_id: int, diagnosis: str, idempotency_key: str | None = None
) -> RepairOrder:
    """The repairer's diagnosis; the repair starts."""
    diagnosis = text_value(diagnosis, "diagnosis", required=_("Describe what is wrong with the product."))
    with transaction.atomic():
        ro, wo = _locked(actor, repair_order_id, Action.DIAGNOSE)
        ro.diagnosis = diagnosis
        move(ro, wo, actor, Action.DIAGNOSE, text=diagnosis)
        ro.save()
        record(actor=actor, action="change", verb=Action.DIAGNOSE, obj=ro)
    return ro


@idempotent(scope="repair_order_repair_done", model=RepairOrder)
def repair_order_repair_done(
    *, actor: Any, repair_order_id: int, repair_notes: str, idempotency_key: str | None = None
) -> RepairOrder:
    """The repairer says what was repaired; it waits for QA."""
    repair_notes = text_value(repair_notes, "repair_notes", required=_("Say what was repaired."))
    with transaction.atomic():
        ro, wo = _locked(actor, repair_order_id, Action.REPAIR_DONE)
        ro.repair_notes = repair_notes
        move(ro, wo, actor, Action.REPAIR_DONE, text=repair_notes, data={"round": ro.inspections_failed + 1})
        ro.save()
        record(actor=actor, action="change", verb=Action.REPAIR_DONE, obj=ro)
    return ro


@idempotent(scope="repair_order_inspect", model=RepairOrder)
def repair_order_inspect(
    *, actor: Any, repair_order_id: int, result: str, notes: str = "", idempotency_key: str | None = None
) -> RepairOrder:
    """QA inspection by a QA inspector (R-6.5): passed, it may go back to the customer; failed
    (say what is wrong), it goes back to repair, and the loop is on the timeline. The repairer
    does not inspect their own repair."""
    if result not in Inspection.Result.values:
        raise ValidationFailed({"result": _("Choose passed or failed.")})
    failed = result == Inspection.Result.FAIL
    notes = text_value(notes, "notes", required=_("Say what is still wrong.") if failed else None)
    action = Action.INSPECT_FAIL if failed else Action.INSPECT_PASS
    now = timezone.now()
    with transaction.atomic():
        ro, wo = _locked(actor, repair_order_id, action)
        if ro.repairer_id == actor.pk:
            raise DomainError(
                RepairErrorCode.INSPECTOR_IS_REPAIRER,
                _("The repairer cannot inspect their own repair."),
                status=409,
            )
        inspection = Inspection.objects.create(repair_order=ro, result=result, notes=notes, inspector=actor, at=now)
        if failed:
            ro.inspections_failed += 1
        move(
            ro,
            wo,
            actor,
            action,
            text=notes,
            at=now,
            data={"inspection": inspection.pk, "round": ro.inspections_failed},
        )
        ro.save()
        record(actor=actor, action="change", verb=action, obj=ro, detail={"inspection": inspection.pk})
        if failed:
            from aftersales.repairs import notifications

            notifications.repair_inspection_failed(ro, inspection=inspection)
    return ro


@idempotent(scope="repair_order_agree", model=DeadlineAgreement)
def repair_order_agree(
    *,
    actor: Any,
    repair_order_id: int,
    new_deadline_at: dt.datetime | None,
    agreed_with: str,
    agreed_at: dt.datetime | None,
    channel: str,
    note: str = "",
    idempotency_key: str | None = None,
) -> DeadlineAgreement:
    """R-6.5: the deadline cannot be held; record the agreement with the customer (who, when,
    how, the new date). The deadline moves; ``original_deadline_at`` stays for reports."""
    now = timezone.now()
    errors: dict[str, Any] = {}
    if new_deadline_at is None:
        errors["new_deadline_at"] = _("Give the new date agreed.")
    elif timezone.is_naive(new_deadline_at):
        errors["new_deadline_at"] = _("Give the time with its time zone.")
    elif new_deadline_at <= now:
        errors["new_deadline_at"] = _("The new date must be in the future.")
    agreed_with = (agreed_with or "").strip()
    if not agreed_with:
        errors["agreed_with"] = _("Say with whom at the customer the new date was agreed.")
    elif len(agreed_with) > 128:
        errors["agreed_with"] = _("At most %(max)d characters.") % {"max": 128}
    if agreed_at is None:
        errors["agreed_at"] = _("Give the time the new date was agreed.")
    elif timezone.is_naive(agreed_at):
        errors["agreed_at"] = _("Give the time with its time zone.")
    elif agreed_at > now + dt.timedelta(minutes=1):
        errors["agreed_at"] = _("The agreement cannot be in the future.")
    if channel not in AgreementChannel.values:
        errors["channel"] = _("Choose how the new date was agreed.")
    if errors or new_deadline_at is None or agreed_at is None:
        raise ValidationFailed(errors)
    note = text_value(note, "note")
    with transaction.atomic():
        ro, wo = _locked(actor, repair_order_id, AGREE)
        old = ro.deadline_at
        if old is not None and new_deadline_at <= old:
            raise DomainError(
                RepairErrorCode.AGREEMENT_NOT_LATER,
                _("The agreed date must be later than the current deadline."),
                {"new_deadline_at": _("Later than the current deadline.")},
                status=422,
            )
        agreement = DeadlineAgreement.objects.create(
            repair_order=ro,
            old_deadline_at=old or now,
            new_deadline_at=new_deadline_at,
            agreed_with=agreed_with,
            agreed_at=agreed_at,
            channel=channel,
            note=note,
            recorded_by=actor,
            recorded_at=now,
        )
        deadlines.move_deadline(ro, new_deadline_at=new_deadline_at, now=now)
        record_event(
            ro,
            wo,
            actor,
            AGREE,
            text=note,
            at=now,
            work_order_action="repair_agreement",
            data={
                "agreement": agreement.pk,
                "old_deadline_at": agreement.old_deadline_at.isoformat(),
                "new_deadline_at": new_deadline_at.isoformat(),
                "agreed_with": agreed_with,
                "agreed_at": agreed_at.isoformat(),
                "channel": channel,
            },
        )
        ro.save()
        record(actor=actor, action="change", verb=AGREE, obj=ro, detail={"agreement": agreement.pk})
    return agreement


def lock_for(actor: Any, repair_order_id: int, action: str) -> tuple[RepairOrder, WorkOrder]:
    """For ``shipping``: the same locks and refusals as every action here."""
    return _locked(actor, repair_order_id, action)


def work_order_for_shipment(*, actor: Any, work_order_id: int) -> WorkOrder:
    """The work order a shipment goes out for, locked (scope: 404 outside it)."""
    if not work_order_scope(actor=actor).filter(pk=work_order_id).exists():
        raise NotFound()
    return work_orders.work_order_lock(actor=actor, work_order_id=work_order_id)
