"""Escalation to a technical expert (专家支持, R-5.5): whoever handles or dispatches a work order
puts a question to an expert; the expert answers later. Each is an event on the work order's
timeline, and the other side is told through the outbox. The work order is locked first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.limits import MAX_ID
from aftersales.core.outbox import Notice, notify_users
from aftersales.dispatch.models import Escalation
from aftersales.workorders import services as work_orders
from aftersales.workorders.selectors import work_order_scope

MAX_TEXT = 4000
EXPERT_ROLE = "expert"


def may_ask(actor: Any) -> bool:
    return not getattr(actor, "is_customer_user", True) and bool(
        actor.has_perm("workorders.handle_workorder") or actor.has_perm("workorders.assign_workorder")
    )


def experts() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True, groups__name=EXPERT_ROLE)
        .order_by("username")
        .distinct()
    )


def escalation_scope(*, actor: Any) -> QuerySet[Escalation]:
    """The expert sees what was put to them; who may ask sees the escalations of the work orders
    in their scope; anyone else nothing."""
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "is_customer_user", True):
        return Escalation.objects.none()
    mine = Q(expert_id=actor.pk)
    if may_ask(actor):
        return Escalation.objects.filter(mine | Q(work_order__in=work_order_scope(actor=actor)))
    return Escalation.objects.filter(mine)


def _text(value: Any, field: str, message: Any) -> str:
    if not isinstance(value, str) or "\x00" in value or not value.strip():
        raise ValidationFailed({field: message})
    text: str = value.strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed({field: _("At most %(max)d characters.") % {"max": MAX_TEXT}})
    return text


def escalation_ask(
    *, actor: Any, work_order_id: int, expert_id: Any, question: Any, now: dt.datetime | None = None
) -> Escalation:
    if not may_ask(actor):
        raise PermissionDenied()
    question = _text(question, "question", _("Write the question for the expert."))
    if isinstance(expert_id, bool) or not isinstance(expert_id, int) or not 1 <= expert_id <= MAX_ID:
        raise ValidationFailed({"expert_id": _("Choose a technical expert.")})
    now = now or timezone.now()
    with transaction.atomic():
        wo = work_orders.work_order_lock(actor=actor, work_order_id=work_order_id)
        expert = experts().filter(pk=expert_id).first()
        if expert is None:
            raise ValidationFailed({"expert_id": _("Choose a technical expert.")})
        esc = Escalation.objects.create(work_order=wo, expert=expert, question=question, asked_by=actor, asked_at=now)
        work_orders.work_order_event_record(
            actor=actor,
            work_order=wo,
            action="expert_question",
            text=question,
            data={"escalation": esc.pk, "expert": expert.pk, "expert_name": str(expert)},
            at=now,
        )
        record(actor=actor, action="create", verb="expert_question", obj=esc)
        notify_users(
            [
                Notice(
                    user=expert,
                    subject=str(_("A question for the expert on %(number)s") % {"number": wo.number}),
                    body=question,
                    topic="dispatch.expert_question",
                    dedupe_key_prefix=f"expert-question:{esc.pk}",
                    channels=("in_app", "email"),
                )
            ]
        )
    return esc


def escalation_answer(*, actor: Any, escalation_id: int, answer: Any, now: dt.datetime | None = None) -> Escalation:
    """Only the expert it was put to answers, once."""
    answer = _text(answer, "answer", _("Write the answer."))
    now = now or timezone.now()
    found = escalation_scope(actor=actor).filter(pk=escalation_id).values_list("work_order_id", "expert_id").first()
    if found is None:
        raise NotFound()
    if found[1] != actor.pk:
        raise PermissionDenied(_("Only the expert the question was put to answers it."))
    with transaction.atomic():
        wo = work_orders.work_order_lock(actor=actor, work_order_id=found[0])
        esc = Escalation.objects.select_for_update().select_related("asked_by").get(pk=escalation_id)
        if esc.answered_at is not None:
            raise DomainError("escalation_answered", _("This question has already been answered."), status=409)
        esc.answer, esc.answered_at = answer, now
        esc.save(update_fields=["answer", "answered_at"])
        work_orders.work_order_event_record(
            actor=actor, work_order=wo, action="expert_answer", text=answer, data={"escalation": esc.pk}, at=now
        )
        record(actor=actor, action="change", verb="expert_answer", obj=esc)
        notify_users(
            [
                Notice(
                    user=esc.asked_by,
                    subject=str(_("The expert answered on %(number)s") % {"number": wo.number}),
                    body=answer,
                    topic="dispatch.expert_answer",
                    dedupe_key_prefix=f"expert-answer:{esc.pk}",
                    channels=("in_app", "email"),
                )
            ]
        )
    return esc
