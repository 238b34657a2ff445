"""Quality feedback to the quality department (R-8.3, 用户信息反馈/处理表) and opinions,
suggestions and praise (R-8.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.outbox import notify_users
from aftersales.feedback import notifications
from aftersales.feedback.counting import rule
from aftersales.feedback.errors import FeedbackErrorCode
from aftersales.feedback.models import Opinion, QualityFeedback, QualityPhoto
from aftersales.workorders.models import Channel

TEXT_MAX = 4000
PERM_RAISE, PERM_HANDLE = "feedback.raise_qualityfeedback", "feedback.handle_qualityfeedback"
# The quality department's steps, in order: each needs the one before.
STEPS: dict[str, tuple[str, str, str]] = {
    # step: (field it fills, status it needs, status it leads to)
    "analyse": ("cause_analysis", QualityFeedback.Status.OPEN, QualityFeedback.Status.ANALYSED),
    "act": ("corrective_action", QualityFeedback.Status.ANALYSED, QualityFeedback.Status.ACTION),
    "verify": ("verification", QualityFeedback.Status.ACTION, QualityFeedback.Status.VERIFIED),
    "close": ("", QualityFeedback.Status.VERIFIED, QualityFeedback.Status.CLOSED),
}


def _staff(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "customer_id", None):
        raise NotFound()


def _text(errors: dict[str, Any], name: str, value: str, *, required: Any = None) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = required
    elif len(value) > TEXT_MAX:
        errors[name] = _("The text is longer than %(max)d characters.") % {"max": TEXT_MAX}
    return value


def overdue_from(raised_at: dt.datetime) -> dt.datetime:
    """Open forms older than the rule's working days (default 10, the SLA working calendar) are
    flagged; the moment is stored, so "overdue" is an indexed query."""
    from aftersales.sla.clocks import add_working_days

    return add_working_days(raised_at, rule().quality_overdue_working_days)


def quality_raise(
    *,
    actor: Any,
    product_model_id: int | None,
    symptom: str,
    frequency: str,
    work_order_id: int | None = None,
    batch: str = "",
    serials: str = "",
    assessment: str = "",
    photo_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> QualityFeedback:
    """A technician or agent raises a form (from a work order, or on its own); the quality
    department is told (outbox)."""
    from aftersales.workorders.models import Attachment
    from aftersales.workorders.selectors import work_order_scope

    _staff(actor)
    if not actor.has_perm(PERM_RAISE):
        raise PermissionDenied()
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    wo = None
    if work_order_id is not None:
        wo = work_order_scope(actor=actor).filter(pk=work_order_id).select_related("installed_product").first()
        if wo is None:
            raise NotFound()
    model = ProductModel.objects.filter(pk=product_model_id).first() if product_model_id else None
    if model is None:
        errors["product_model_id"] = _("Choose the product model.")
    if frequency not in QualityFeedback.Frequency.values:
        errors["frequency"] = _("Choose how often it happens.")
    symptom = _text(errors, "symptom", symptom, required=_("Describe the symptom."))
    assessment = _text(errors, "assessment", assessment)
    serials = "\n".join(line.strip() for line in (serials or "").splitlines() if line.strip())
    if len(serials) > TEXT_MAX:
        errors["serials"] = _("The text is longer than %(max)d characters.") % {"max": TEXT_MAX}
    batch = (batch or "").strip()
    if len(batch) > 64:
        errors["batch"] = _("The text is longer than %(max)d characters.") % {"max": 64}
    photos = []
    if photo_ids:
        photos = list(Attachment.objects.filter(pk__in=photo_ids, work_order=wo)) if wo else []
        if len(photos) != len(set(photo_ids)):
            errors["photo_ids"] = _("Choose photos of this work order.")
    if errors or model is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        form = QualityFeedback(
            number=next_number("QF", timezone.localdate(now).year),
            work_order=wo,
            product_model=model,
            batch=batch,
            serials=serials,
            symptom=symptom,
            frequency=frequency,
            assessment=assessment,
            raised_by=actor,
            raised_at=now,
            overdue_at=overdue_from(now),
        )
        form.save(force_insert=True)
        QualityPhoto.objects.bulk_create([QualityPhoto(feedback=form, attachment=p) for p in photos])
        record(actor=actor, action="create", obj=form)
        quality_users = list(
            get_user_model()
            .objects.filter(groups__name="quality", is_active=True, customer__isnull=True)
            .distinct()
            .order_by("pk")
        )
        notify_users(notifications.quality_raised(form, quality_users))
    return form


def quality_step(
    *, actor: Any, feedback_id: int, step: str, text: str = "", now: dt.datetime | None = None
) -> QualityFeedback:
    """The quality department records the cause analysis, the corrective action, its
    verification, then closes the form; whoever raised it is told when it closes."""
    from aftersales.feedback.selectors import quality_scope

    _staff(actor)
    now = now or timezone.now()
    if step not in STEPS:
        raise ValidationFailed({"step": _("Unknown step.")})
    field, needs, leads_to = STEPS[step]
    errors: dict[str, Any] = {}
    text = _text(errors, "text", text, required=_("Write down what was found or done.") if field else None)
    with transaction.atomic():
        form = quality_scope(actor=actor).select_for_update().filter(pk=feedback_id).first()
        if form is None:
            raise NotFound()
        if not actor.has_perm(PERM_HANDLE):
            raise PermissionDenied(_("Only the quality department handles quality feedback."))
        if form.status != needs:
            raise DomainError(
                FeedbackErrorCode.QUALITY_STEP,
                _("This step comes after: %(step)s.") % {"step": QualityFeedback.Status(needs).label},
                status=409,
            )
        if errors:
            raise ValidationFailed(errors)
        changed = ["status"]
        form.status = leads_to
        if field:
            setattr(form, field, text)
            changed.append(field)
        if step == "close":
            form.closed_at, form.closed_by = now, actor
            changed += ["closed_at", "closed_by"]
        form.save(update_fields=changed)
        record(actor=actor, action="change", verb="quality_close" if step == "close" else "quality_step", obj=form)
        if step == "close":
            notify_users(notifications.quality_closed(form))
    return form


# ---- opinions, suggestions, praise (R-8.2) ------------------------------------------------------


def opinion_record(
    *,
    actor: Any,
    kind: str,
    channel: str,
    text: str,
    department: str,
    customer_id: int | None,
    work_order_id: int | None = None,
    technician_id: int | None = None,
    now: dt.datetime | None = None,
) -> Opinion:
    """Record an opinion, a suggestion or praise from any channel and route it to a department;
    praise may name a technician (counted in his statistics, R-10.3)."""
    from aftersales.customers.selectors import customer_scope
    from aftersales.workorders.selectors import work_order_scope

    _staff(actor)
    if not actor.has_perm("feedback.add_opinion"):
        raise PermissionDenied()
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    wo = work_order_scope(actor=actor).filter(pk=work_order_id).first() if work_order_id else None
    if work_order_id and wo is None:
        raise NotFound()
    customer_id = wo.customer_id if wo is not None else customer_id
    customer = customer_scope(actor=actor).filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        errors["customer_id"] = _("Choose the customer.")
    if kind not in Opinion.Kind.values:
        errors["kind"] = _("Choose opinion, suggestion or praise.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose one of the channels.")
    if department not in Opinion.Department.values:
        errors["department"] = _("Choose the responsible department.")
    text = _text(errors, "text", text, required=_("Write down what the customer said."))
    technician = None
    if technician_id is not None:
        technician = get_user_model().objects.filter(pk=technician_id, customer__isnull=True).first()
        if technician is None:
            errors["technician_id"] = _("Choose a member of staff.")
        elif kind != Opinion.Kind.PRAISE:
            errors["technician_id"] = _("Only praise names a technician.")
    if errors or customer is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        opinion = Opinion(
            kind=kind,
            channel=channel,
            customer=customer,
            work_order=wo,
            text=text,
            department=department,
            technician=technician,
            recorded_by=actor,
            recorded_at=now,
        )
        opinion.save(force_insert=True)
        record(actor=actor, action="create", obj=opinion)
    return opinion


def opinion_answer(*, actor: Any, opinion_id: int, answer: str, now: dt.datetime | None = None) -> Opinion:
    """The answer given to the customer."""
    from aftersales.feedback.selectors import opinion_scope

    _staff(actor)
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    answer = _text(errors, "answer", answer, required=_("Write down the answer given to the customer."))
    with transaction.atomic():
        opinion = opinion_scope(actor=actor).select_for_update().filter(pk=opinion_id).first()
        if opinion is None:
            raise NotFound()
        if not actor.has_perm("feedback.change_opinion"):
            raise PermissionDenied()
        if opinion.answered_at is not None:
            raise DomainError(FeedbackErrorCode.ALREADY_ANSWERED, _("The customer was already answered."), status=409)
        if errors:
            raise ValidationFailed(errors)
        opinion.answer, opinion.answered_at, opinion.answered_by = answer, now, actor
        opinion.save(update_fields=["answer", "answered_at", "answered_by"])
        record(actor=actor, action="change", verb="opinion_answer", obj=opinion)
    return opinion
