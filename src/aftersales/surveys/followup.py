"""QA follow-up calls (回访, R-8.1): after a work order closed and after a complaint, QA calls the
customer with the script of the kind, and records the outcome and the customer's words.

- A complaint's follow-up is the feedback app's record (``complaint_follow_up``: satisfaction and
  note on the complaint); this service calls it and keeps its own row of the call beside it.
- "The problem is back" reopens the work order (``work_order_reopen``) with the customer's words.
- One call per work order and kind (a partial unique constraint; "not reached" is tried again):
  of two QA recording at once, one wins, the other gets ``follow_up_already_recorded``.
Everything of one call happens in one transaction: a refusal leaves nothing half-saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.limits import MAX_ID
from aftersales.surveys.errors import SurveyErrorCode
from aftersales.surveys.models import FollowUpCall, FollowUpKind

PERM_CALL = "surveys.make_follow_up_call"
CALL_WITHIN = dt.timedelta(days=7)  # the call list shows work orders closed in the last week
WORDS_MAX = 2000

DEFAULT_SCRIPTS: dict[str, Any] = {
    FollowUpKind.AFTER_CLOSE: _(
        "Hello, this is the service quality team. We are calling about your request %(number)s, closed on "
        "%(closed)s. Is the problem solved? Is everything working as it should? How satisfied are you with "
        "our service, from 1 to 10? Is there anything we should do better?"
    ),
    FollowUpKind.COMPLAINT: _(
        "Hello, this is the service quality team. We are calling about your complaint %(number)s. We "
        "agreed on a solution with you: has it been carried out as promised? Is the problem solved? How "
        "satisfied are you with the way we handled your complaint, from 1 to 10?"
    ),
}


def call_script(kind: str) -> Any:
    """The script of ``kind``: ``SURVEY_CALL_SCRIPTS[kind]`` when the setting has one, else ours."""
    custom = getattr(settings, "SURVEY_CALL_SCRIPTS", {}) or {}
    return custom.get(kind) or DEFAULT_SCRIPTS.get(kind, "")


def follow_up_call_record(
    *,
    actor: Any,
    work_order_id: Any,
    kind: Any,
    outcome: Any,
    satisfaction: Any = None,
    customer_words: Any = "",
    now: dt.datetime | None = None,
) -> FollowUpCall:
    if not actor.has_perm(PERM_CALL) or getattr(actor, "is_customer_user", False):
        raise PermissionDenied()
    now = now if now is not None else timezone.now()
    errors: dict[str, Any] = {}
    if isinstance(work_order_id, bool) or not isinstance(work_order_id, int) or not 0 < work_order_id <= MAX_ID:
        errors["work_order_id"] = _("Choose a work order.")
    if kind not in FollowUpKind.values:
        errors["kind"] = _("Unknown kind of call.")
    if outcome not in FollowUpCall.Outcome.values:
        errors["outcome"] = _("Choose the outcome of the call.")
    reached = outcome != FollowUpCall.Outcome.UNREACHABLE
    bad_score = satisfaction is not None and (
        isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 10
    )
    if bad_score or (satisfaction is None and reached and kind == FollowUpKind.COMPLAINT):
        errors["satisfaction"] = _("Give the satisfaction from 1 to 10.")
    words = customer_words.strip() if isinstance(customer_words, str) else None
    if words is None:
        errors["customer_words"] = _("The customer's words must be text.")
    elif len(words) > WORDS_MAX:
        errors["customer_words"] = _("At most 2000 characters.")
    elif not words and (outcome == FollowUpCall.Outcome.PROBLEM_BACK or (reached and kind == FollowUpKind.COMPLAINT)):
        errors["customer_words"] = _("Write down what the customer said.")
    if errors:
        raise ValidationFailed(errors)
    from aftersales.workorders.selectors import work_order_scope

    wo = work_order_scope(actor=actor).filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound(_("Work order not found."))
    if kind == FollowUpKind.AFTER_CLOSE and wo.closed_at is None:
        raise DomainError(
            SurveyErrorCode.WORK_ORDER_NOT_CLOSED,
            _("The follow-up call after closing is made once the work order is closed."),
            status=409,
        )
    try:
        with transaction.atomic():
            call = FollowUpCall.objects.create(
                work_order=wo,
                kind=kind,
                outcome=outcome,
                satisfaction=satisfaction,
                customer_words=words or "",
                called_at=now,
                called_by=actor,
            )
            if kind == FollowUpKind.COMPLAINT and reached:
                from aftersales.feedback.complaints import complaint_follow_up
                from aftersales.feedback.selectors import complaint_for

                if complaint_for(actor=actor, work_order_id=wo.pk) is None:
                    raise DomainError(SurveyErrorCode.NO_COMPLAINT, _("This work order has no complaint."), status=409)
                complaint_follow_up(
                    actor=actor, work_order_id=wo.pk, satisfaction=satisfaction, note=words or "", now=now
                )
            if outcome == FollowUpCall.Outcome.PROBLEM_BACK:
                from aftersales.workorders.services import work_order_reopen

                reason = gettext("Follow-up call: the problem is back. The customer said: %(words)s") % {"words": words}
                work_order_reopen(actor=actor, work_order_id=wo.pk, reason=reason)
                call.reopened = True
                call.save(update_fields=["reopened"])
            record(
                actor=actor,
                action="create",
                verb="follow_up_call",
                obj=call,
                detail={"work_order": wo.pk, "kind": kind, "outcome": outcome},
            )
    except IntegrityError:
        raise DomainError(
            SurveyErrorCode.ALREADY_CALLED, _("The follow-up call is already recorded."), status=409
        ) from None
    return call
