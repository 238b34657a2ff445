"""Survey endpoints: an agent's phone survey (R-9.2) and the SMS gateway's replies (R-9.2), thin
handlers over the same services as the pages."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import APIKeyHeader

from aftersales.api.schemas import PathId, responses
from aftersales.surveys import selectors, services, sms
from aftersales.surveys.schemas import (
    AnswerOut,
    CallsDueOut,
    FollowUpCallIn,
    FollowUpCallOut,
    MeetingIn,
    MeetingOut,
    PhoneAnswerIn,
    SampleDetailOut,
    SampleOut,
    SmsInboundIn,
    SmsInboundOut,
)

router = Router(tags=["surveys"])


class GatewaySecret(APIKeyHeader):
    """``X-Gateway-Secret``: the shared secret of one SMS gateway (``SMS_INBOUND_SECRETS``), not a
    user's token. Answers the gateway's name."""

    param_name = "X-Gateway-Secret"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        for name, secret in settings.SMS_INBOUND_SECRETS.items():
            if secret and hmac.compare_digest(key.encode(), secret.encode()):
                return name
        return None


def _answer_out(answer: Any) -> dict[str, Any]:
    return {"id": answer.pk, "valid": answer.valid, "invalid_reason": answer.invalid_reason or None}


@router.post("/surveys/answers", response=responses({201: AnswerOut}))
def phone_answer_create(request: HttpRequest, payload: PhoneAnswerIn) -> Any:
    """A phone survey (电话回访) entered by an agent or QA. 409 `already_answered` when the work
    order has its answer of this kind; 422 names a bad score as `scores.<name>`."""
    answer = services.answer_by_phone(
        actor=request.user,
        work_order_id=payload.work_order_id,
        scores=payload.scores.model_dump(),
        text=payload.text,
    )
    return Status(201, _answer_out(answer))


@router.post("/sms/inbound", auth=GatewaySecret(), response=responses({200: SmsInboundOut}))
def sms_inbound(request: HttpRequest, payload: SmsInboundIn) -> dict[str, Any]:
    """One SMS reply from the gateway. `outcome`: answered, malformed (an SMS went back saying what
    to send), unknown_survey, already_answered, expired (told politely by SMS)."""
    outcome, answer = sms.sms_inbound(
        sender=payload.sender,
        text=payload.text,
        received_at=payload.received_at,
        gateway=str(getattr(request, "auth", "")),
    )
    return {"outcome": str(outcome), "answer_id": answer.pk if answer is not None else None}


def _sample_out(sample: Any) -> dict[str, Any]:
    return {
        "id": sample.pk,
        "month": f"{sample.month:%Y-%m}",
        "method": sample.method,
        "rate": float(sample.rate),
        "seed": sample.seed,
        "population": sample.population,
        "size": sample.size,
        "drawn_at": sample.drawn_at,
    }


@router.get("/surveys/samples", response=responses({200: list[SampleOut]}))
def sample_list(request: HttpRequest) -> Any:
    """The monthly samples (R-9.1), newest first; for whoever sees the scores."""
    return [_sample_out(sample) for sample in selectors.sample_list(actor=request.user)]


@router.get("/surveys/samples/{sample_id}", response=responses({200: SampleDetailOut}))
def sample_detail(request: HttpRequest, sample_id: PathId) -> Any:
    """One month's sample: method (`stratified_ceil`), rate, seed and its strata."""
    sample = selectors.sample_get(actor=request.user, sample_id=sample_id)
    strata = [
        {
            "service_type": s.service_type,
            "fault_category_id": s.fault_category_id,
            "channel": s.channel,
            "population": s.population,
            "size": s.size,
        }
        for s in sample.strata_list
    ]
    return {**_sample_out(sample), "strata": strata}


def _meeting_out(meeting: Any) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "held_on": meeting.held_on,
        "attendee_ids": [u.pk for u in meeting.attendee_list],
        "minutes": meeting.minutes,
        "decisions": [
            {"item_id": d.item_id, "decision": d.decision, "status": d.status, "deadline": d.deadline}
            for d in meeting.decision_list
        ],
    }


@router.get("/surveys/meetings", response=responses({200: list[MeetingOut]}))
def meeting_list(request: HttpRequest) -> Any:
    """The service-quality meetings (R-9.7), newest first; for whoever sees the scores."""
    return [
        _meeting_out(selectors.meeting_get(actor=request.user, meeting_id=m.pk))
        for m in selectors.meeting_list(actor=request.user)[:50]
    ]


@router.get("/surveys/meetings/{meeting_id}", response=responses({200: MeetingOut}))
def meeting_detail(request: HttpRequest, meeting_id: PathId) -> Any:
    return _meeting_out(selectors.meeting_get(actor=request.user, meeting_id=meeting_id))


@router.post("/surveys/meetings", response=responses({201: MeetingOut}))
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Any:
    """Record a meeting: its decisions' status or deadline are applied to the items (QA, supervisors)."""
    from aftersales.surveys import meetings

    meeting = meetings.meeting_save(actor=request.user, **payload.model_dump())
    return Status(201, _meeting_out(selectors.meeting_get(actor=request.user, meeting_id=meeting.pk)))


@router.put("/surveys/meetings/{meeting_id}", response=responses({200: MeetingOut}))
def meeting_update(request: HttpRequest, meeting_id: PathId, payload: MeetingIn) -> Any:
    from aftersales.surveys import meetings

    meetings.meeting_save(actor=request.user, meeting_id=meeting_id, **payload.model_dump())
    return _meeting_out(selectors.meeting_get(actor=request.user, meeting_id=meeting_id))


@router.get("/surveys/follow-up-calls/due", response=responses({200: CallsDueOut}))
def follow_up_calls_due(request: HttpRequest) -> Any:
    """QA's call list (R-8.1): `after_close` (closed in the last 7 days) and `complaint` (ready for
    the follow-up call), each with the script of its kind."""
    from django.utils import timezone

    from aftersales.surveys import followup

    due = selectors.follow_up_calls_due(actor=request.user, now=timezone.now())
    calls = []
    for kind, orders in due.items():
        for wo in orders:
            closed = timezone.localtime(wo.closed_at).strftime("%Y-%m-%d") if wo.closed_at else "—"
            calls.append(
                {
                    "work_order_id": wo.pk,
                    "number": wo.number,
                    "kind": str(kind),
                    "customer": wo.customer.name,
                    "closed_at": wo.closed_at,
                    "script": str(followup.call_script(kind)) % {"number": wo.number, "closed": closed},
                }
            )
    return {"calls": calls}


@router.post("/surveys/follow-up-calls", response=responses({201: FollowUpCallOut}))
def follow_up_call_create(request: HttpRequest, payload: FollowUpCallIn) -> Any:
    """Record a follow-up call. `outcome` `problem_back` reopens the work order with the customer's
    words; a complaint's call is recorded on the complaint too. 409 `follow_up_already_recorded`."""
    from aftersales.surveys import followup

    call = followup.follow_up_call_record(actor=request.user, **payload.model_dump())
    return Status(
        201,
        {
            "id": call.pk,
            "work_order_id": call.work_order_id,
            "kind": call.kind,
            "outcome": call.outcome,
            "satisfaction": call.satisfaction,
            "customer_words": call.customer_words,
            "reopened": call.reopened,
            "called_at": call.called_at,
        },
    )
