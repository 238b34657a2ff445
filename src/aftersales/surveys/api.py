"""Survey endpoints: an agent's phone survey (R-9.2) and the SMS gateway's replies (R-9.2), thin
handlers over the same services as the pages."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import APIKeyHeader

from aftersales.api.schemas import responses
from aftersales.surveys import services, sms
from aftersales.surveys.schemas import AnswerOut, PhoneAnswerIn, SmsInboundIn, SmsInboundOut

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
