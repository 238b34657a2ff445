"""Survey writes (R-9): invitations and their reminder and expiry, answers by link, SMS and phone,
and the customer's opinion from an approved on-site service report (R-9.9).

Every moment is set once by a conditional UPDATE (``… WHERE reminded_at IS NULL``) in the same
transaction as the message it stands for, so a periodic job run twice, two workers or a worker
restarted mid-run never send a reminder twice; an answer takes its invitation the same way
(``answered_at IS NULL AND expires_at > now``), so of two concurrent submits exactly one wins. The
unique constraints (one invitation and one answer per work order and kind) are the last word.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.catalog.models import ServiceType
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import outbox_enqueue
from aftersales.sla import clocks
from aftersales.surveys import cleaning
from aftersales.surveys.errors import SurveyErrorCode
from aftersales.surveys.models import DIMENSIONS, Answer, Invitation, Kind, Source
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.notifications import customer_address

PERM_RECORD = "surveys.record_phone_survey"

# the windows of the invitation scan, the reminder and the expiry.
AFTER_CLOSE_WITHIN = dt.timedelta(hours=24)
SPECIAL_AFTER = dt.timedelta(days=2)  # a special survey goes out 2 days after closing …
SPECIAL_WITHIN = dt.timedelta(days=7)  # … and no later than a week after it
REMINDER_WORKING_DAYS = 3
EXPIRES_AFTER = dt.timedelta(days=7)

# A survey code: 4 characters without 0/O and 1/I/L, at least one of them a letter (so a code is
# never read as a score); about 600 000 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 4

ALREADY_ANSWERED_MESSAGE = gettext_lazy("This survey has already been answered. Thank you!")
EXPIRED_MESSAGE = gettext_lazy("This survey has expired.")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH - 1))
        position = secrets.randbelow(CODE_LENGTH)
        code = code[:position] + secrets.choice(CODE_LETTERS) + code[position:]
        if not Invitation.objects.filter(code=code).exists():
            return code


def survey_url(invitation: Invitation) -> str:
    return settings.PUBLIC_URL + reverse("surveys:answer", args=[invitation.token])


# --------------------------------------------------------------------------------------------
# Invitations
# --------------------------------------------------------------------------------------------


def complex_repairs(work_orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """The complex repairs among ``work_orders`` (R-9.1), as the settings define them: at least
    ``SURVEY_COMPLEX_VISITS`` on-site visits (2: "more than one visit"; 0: visits never make a repair
    complex), or, when ``SURVEY_COMPLEX_RETURN_TO_FACTORY`` is on, a return-to-factory repair."""
    from django.apps import apps

    min_visits = settings.SURVEY_COMPLEX_VISITS
    conditions: list[Any] = []
    if min_visits > 0 and apps.is_installed("aftersales.fieldservice"):
        from aftersales.fieldservice.models import Visit, VisitKind

        visits = (
            Visit.objects.filter(work_order=OuterRef("pk"), kind=VisitKind.ON_SITE)
            .order_by()
            .values("work_order")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        work_orders = work_orders.alias(on_site_visits=Coalesce(Subquery(visits), 0))
        conditions.append(Q(on_site_visits__gte=min_visits))
    if settings.SURVEY_COMPLEX_RETURN_TO_FACTORY and apps.is_installed("aftersales.repairs"):
        from aftersales.repairs.models import RepairOrder

        conditions.append(Q(Exists(RepairOrder.objects.filter(work_order=OuterRef("pk")))))
    if not conditions:
        return work_orders.none()
    return work_orders.filter(functools.reduce(operator.or_, conditions))


def _due(now: dt.datetime) -> dict[str, QuerySet[WorkOrder]]:
    """The closed work orders that should have an invitation of each kind now and have none."""
    closed = WorkOrder.objects.filter(closed_at__isnull=False).select_related("customer", "contact")
    special = Q(closed_at__lte=now - SPECIAL_AFTER, closed_at__gt=now - SPECIAL_WITHIN)
    due = {
        Kind.AFTER_CLOSE: closed.filter(closed_at__lte=now, closed_at__gt=now - AFTER_CLOSE_WITHIN),
        Kind.COMPLAINT: closed.filter(special, service_type=ServiceType.COMPLAINT),
        Kind.COMPLEX_REPAIR: complex_repairs(closed.filter(special)),
    }
    return {
        kind: qs.exclude(Exists(Invitation.objects.filter(work_order=OuterRef("pk"), kind=kind)))
        for kind, qs in due.items()
    }


def _invitation_text(invitation: Invitation, wo: WorkOrder) -> tuple[str, str]:
    values: dict[str, str | int] = {
        "number": wo.number,
        "url": survey_url(invitation),
        "code": invitation.code,
        "points": invitation.points,
        "expires": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d"),
    }
    subject = _("How did we do? Your request %(number)s") % values
    lines: list[str] = [
        _("Please rate our service for request %(number)s from 1 to 10 in five points and tell us why:") % values,
        survey_url(invitation),
    ]
    if invitation.channel == OutboxMessage.Channel.SMS:
        lines.append(
            _(
                "Or reply to this SMS with the code and five scores (responsiveness, problem solving, "
                "attitude, professionalism, communication), then your words, e.g. %(code)s 9 8 10 9 9 very good."
            )
            % values
        )
    if invitation.points:
        lines.append(_("A complete answer earns you %(points)s points.") % values)
    lines.append(_("The survey is open until %(expires)s.") % values)
    return subject, "\n".join(lines)


def invitation_create(*, work_order: WorkOrder, kind: str, now: dt.datetime | None = None) -> Invitation | None:
    """One invitation of ``kind`` for ``work_order``, sent through the outbox; None when it exists
    already (the unique constraint) — then nothing is sent."""
    now = _now(now)
    reached = customer_address(work_order)
    channel, address = reached if reached is not None else ("", "")
    invitation = Invitation(
        work_order=work_order,
        kind=kind,
        token=secrets.token_urlsafe(24),
        code=_new_code(),
        channel=channel,
        address=address,
        points=settings.SURVEY_INCENTIVE_POINTS,
        sent_at=now,
        remind_at=clocks.add_duration(now, dt.timedelta(days=REMINDER_WORKING_DAYS), clocks.Clock.WORKING_DAYS),
        expires_at=now + EXPIRES_AFTER,
    )
    try:
        with transaction.atomic():
            invitation.save(force_insert=True)
            if channel:
                subject, body = _invitation_text(invitation, work_order)
                outbox_enqueue(
                    channel=channel,
                    address=address,
                    subject=subject,
                    body=body,
                    topic=f"workorder:{work_order.pk}",
                    kind="survey",
                    dedupe_key=f"survey:{invitation.pk}:invite",
                )
    except IntegrityError:
        return None
    return invitation


def invitations_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job (tasks.py): invite for every closed work order that is due (R-9.1)."""
    now = _now(now)
    counts: dict[str, int] = {}
    for kind, work_orders in _due(now).items():
        made = 0
        for wo in work_orders.iterator(chunk_size=500):
            if invitation_create(work_order=wo, kind=kind, now=now) is not None:
                made += 1
        counts[kind] = made
    return counts


def reminders_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job (tasks.py): one gentle reminder 3 working days after an unanswered
    invitation (R-9.3), and expiry 7 days after it. Each row's moment is claimed by a
    conditional UPDATE committed with its message, so nothing is sent twice."""
    now = _now(now)
    reminded = 0
    due = Invitation.objects.filter(
        answered_at__isnull=True,
        reminded_at__isnull=True,
        expired_at__isnull=True,
        remind_at__lte=now,
        expires_at__gt=now,
    )
    for invitation in due.select_related("work_order").iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Invitation.objects.filter(
                pk=invitation.pk, answered_at__isnull=True, reminded_at__isnull=True, expired_at__isnull=True
            ).update(reminded_at=now)
            if not claimed or not invitation.channel:
                continue
            values = {"number": invitation.work_order.number, "url": survey_url(invitation), "code": invitation.code}
            outbox_enqueue(
                channel=invitation.channel,
                address=invitation.address,
                subject=_("A reminder: how did we do with %(number)s?") % values,
                body=_("We would still like to hear how we did with request %(number)s. It takes a minute: %(url)s")
                % values
                + (
                    "\n" + _("Or reply with %(code)s and five scores from 1 to 10.") % values
                    if invitation.channel == OutboxMessage.Channel.SMS
                    else ""
                ),
                topic=f"workorder:{invitation.work_order_id}",
                kind="survey",
                dedupe_key=f"survey:{invitation.pk}:reminder",
            )
            reminded += 1
    expired = Invitation.objects.filter(answered_at__isnull=True, expired_at__isnull=True, expires_at__lte=now).update(
        expired_at=now
    )
    return {"reminded": reminded, "expired": expired}


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


def _scores(scores: Any) -> dict[str, int]:
    """The five scores as integers 1–10, or a refusal naming each bad one."""
    if not isinstance(scores, Mapping):
        raise ValidationFailed({"scores": _("Give the five scores.")})
    fields: dict[str, str] = {}
    clean: dict[str, int] = {}
    for name in DIMENSIONS:
        value = scores.get(name)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            fields[f"scores.{name}"] = _("Give a score from 1 to 10.")
        elif not 1 <= value <= 10:
            fields[f"scores.{name}"] = _("A score is from 1 to 10.")
        else:
            clean[name] = value
    unknown = sorted(set(scores) - set(DIMENSIONS))
    for name in unknown:
        fields[f"scores.{name}"] = _("Unknown dimension.")
    if fields:
        raise ValidationFailed(fields)
    return clean


def _text(text: Any) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValidationFailed({"text": _("The text must be text.")})
    if len(text) > 2000:
        raise ValidationFailed({"text": _("At most 2000 characters.")})
    return text.strip()


def _already_answered() -> DomainError:
    return DomainError(SurveyErrorCode.ALREADY_ANSWERED, ALREADY_ANSWERED_MESSAGE, status=409)


def _save_answer(
    *,
    work_order: WorkOrder,
    kind: str,
    invitation: Invitation | None,
    source: str,
    scores: dict[str, int],
    text: str,
    now: dt.datetime,
    recorded_by: Any = None,
    technician: Any = None,
    product_score: int | None = None,
) -> Answer:
    """Inside the caller's transaction, after the invitation (if any) was claimed. The answer is
    the work order's assignee's unless ``technician`` (the one who did the visit) is given."""
    reason = cleaning.invalid_reason(scores, text, on_site=source == Source.ON_SITE)
    assignee = technician if technician is not None else work_order.assignee
    answer = Answer(
        work_order=work_order,
        kind=kind,
        invitation=invitation,
        source=source,
        text=text,
        product_score=product_score,
        valid=not reason,
        invalid_reason=reason,
        points=(invitation.points if invitation is not None else 0) if not reason else 0,
        answered_at=now,
        recorded_by=recorded_by,
        team_id=assignee.team_id if assignee is not None else None,
        technician=assignee,
        product_line_id=work_order.product_line_id,
        channel=work_order.channel,
        customer_category_id=work_order.customer.category_id,
        **scores,
    )
    try:
        with transaction.atomic():
            answer.save(force_insert=True)
    except IntegrityError:
        raise _already_answered() from None
    from aftersales.surveys.summary import summary_add

    summary_add(answer)  # the scores' monthly summary, in the same transaction (R-9.6)
    return answer


def _claim(invitation: Invitation, now: dt.datetime) -> None:
    """Take the invitation for this answer, or refuse: answered already, or expired."""
    claimed = Invitation.objects.filter(pk=invitation.pk, answered_at__isnull=True, expires_at__gt=now).update(
        answered_at=now
    )
    if claimed:
        return
    invitation.refresh_from_db(fields=["answered_at", "expires_at"])
    if invitation.answered_at is not None:
        raise _already_answered()
    raise DomainError(SurveyErrorCode.EXPIRED, EXPIRED_MESSAGE, status=410)


def answer_by_invitation(
    *, invitation_id: int, scores: Any, text: Any, source: str = Source.LINK, now: dt.datetime | None = None
) -> Answer:
    """The customer's answer through their link or SMS code: no login, the invitation is the key
    (single use). Validation first, so a mistyped score leaves the invitation open."""
    now = _now(now)
    clean_scores = _scores(scores)
    clean_text = _text(text)
    with transaction.atomic():
        invitation = Invitation.objects.select_related("work_order__customer", "work_order__assignee").get(
            pk=invitation_id
        )
        _claim(invitation, now)
        return _save_answer(
            work_order=invitation.work_order,
            kind=invitation.kind,
            invitation=invitation,
            source=source,
            scores=clean_scores,
            text=clean_text,
            now=now,
        )


def invitation_by_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("work_order").filter(token=token).first()
        if isinstance(token, str) and 0 < len(token) <= 64
        else None
    )
    if invitation is None:
        raise NotFound(gettext_lazy("This survey link is not known."))
    return invitation


def answer_by_phone(
    *,
    actor: Any,
    work_order_id: Any,
    scores: Any,
    text: Any,
    kind: str = Kind.AFTER_CLOSE,
    now: dt.datetime | None = None,
) -> Answer:
    """An agent's or QA's phone survey (电话回访, R-9.2): the answer to the work order's invitation
    of ``kind`` (which is then taken) or, without one, the answer of that kind."""
    now = _now(now)
    if not actor.has_perm(PERM_RECORD):
        raise PermissionDenied()
    if isinstance(work_order_id, bool) or not isinstance(work_order_id, int):
        raise ValidationFailed({"work_order_id": _("Choose a work order.")})
    if kind not in Kind.values or kind == Kind.ON_SITE:  # on-site opinions come from service reports
        raise ValidationFailed({"kind": _("Unknown survey kind.")})
    clean_scores = _scores(scores)
    clean_text = _text(text)
    from aftersales.workorders.selectors import work_order_scope

    wo = work_order_scope(actor=actor).select_related("customer", "assignee").filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound(gettext_lazy("Work order not found."))
    if wo.closed_at is None:
        raise DomainError(
            SurveyErrorCode.WORK_ORDER_NOT_CLOSED,
            gettext_lazy("A survey is taken after the work order is closed."),
            {"work_order_id": gettext_lazy("This work order is not closed.")},
            status=409,
        )
    with transaction.atomic():
        invitation = Invitation.objects.filter(work_order=wo, kind=kind).first()
        if invitation is not None:
            claimed = Invitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(answered_at=now)
            if not claimed:
                raise _already_answered()
        return _save_answer(
            work_order=wo,
            kind=kind,
            invitation=invitation,
            source=Source.PHONE,
            scores=clean_scores,
            text=clean_text,
            now=now,
            recorded_by=actor,
        )


# --------------------------------------------------------------------------------------------
# On-site opinions
# --------------------------------------------------------------------------------------------


def answer_from_visit(*, visit: Any, now: dt.datetime | None = None) -> Answer | None:
    """The customer's opinion recorded on a visit (R-6.2) as a satisfaction answer (R-9.9), called
    by field service inside the transaction that approves its service report (a returned report
    does not count; an approved one is final).

    The on-site question is "your opinion of the product and of the service", one score each:
    the service score stands for each of the five service dimensions, the product score is kept
    beside them (``product_score``) and in no dimension; the sentence is the answer's text.
    Answered when the customer signed. No service score, or a remote-support report (R-6.7, not
    on site): no answer. The work order's first
    approved report counts: when it has its on-site answer already (a later report, or the same
    one again), nothing is added and that answer is returned."""
    from aftersales.fieldservice.models import VisitKind

    if visit.service_score is None or visit.kind != VisitKind.ON_SITE:
        return None
    existing = Answer.objects.filter(work_order_id=visit.work_order_id, kind=Kind.ON_SITE).first()
    if existing is not None:
        return existing
    work_order = WorkOrder.objects.select_related("customer", "assignee").get(pk=visit.work_order_id)
    score = int(visit.service_score)
    try:
        return _save_answer(
            work_order=work_order,
            kind=Kind.ON_SITE,
            invitation=None,
            source=Source.ON_SITE,
            scores=dict.fromkeys(DIMENSIONS, score),
            text=_text(visit.opinion or ""),
            now=visit.signed_at or _now(now),
            recorded_by=visit.technician,
            technician=visit.technician,
            product_score=visit.product_score,
        )
    except DomainError as error:  # recorded meanwhile (the unique constraint had the last word)
        if error.code != SurveyErrorCode.ALREADY_ANSWERED:
            raise
        return Answer.objects.get(work_order_id=visit.work_order_id, kind=Kind.ON_SITE)
