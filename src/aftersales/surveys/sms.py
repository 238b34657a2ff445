"""Survey answers by SMS reply (R-9.2).

The SMS gateway posts each reply to ``POST /api/v1/sms/inbound``. A reply is the survey code and
the five scores in the order of the invitation, then the customer's words: "A7K3 9 8 10 9 9 很满意".
From the number the code was sent to, the code may be left out ("9 8 10 9 9"). Full-width digits
and separators (，、 and the full-width space) are read as their plain forms (NFKC).

A reply that cannot be read gets one SMS back saying what to send — at most one a day per number,
so an auto-responder cannot start a ping-pong; an answered or expired survey is refused politely.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import outbox_enqueue
from aftersales.surveys import services
from aftersales.surveys.errors import SurveyErrorCode
from aftersales.surveys.models import DIMENSIONS, Answer, Invitation, Source

_SEP = r"[\s,;/、，；]+"
_SCORE = r"(\d{1,2})"
_REPLY = re.compile(
    rf"^\s*(?:(?P<code>(?=[0-9]*[A-Za-z])[A-Za-z0-9]{{4}}){_SEP})?"
    + _SEP.join([_SCORE] * 5)
    + r"(?:(?:"
    + _SEP
    + r"|(?=\D))(?P<text>.*))?$",
    re.DOTALL,
)


@dataclass(frozen=True)
class Reply:
    code: str  # "" when left out
    scores: dict[str, int]
    text: str


class Outcome(StrEnum):
    ANSWERED = "answered"
    MALFORMED = "malformed"
    UNKNOWN_SURVEY = "unknown_survey"
    ALREADY_ANSWERED = "already_answered"
    EXPIRED = "expired"


def parse_reply(text: str) -> Reply | None:
    """The code (if given), five scores 1–10 and the words of an SMS reply; None if it is not one."""
    if not isinstance(text, str) or len(text) > 1000:
        return None
    folded = unicodedata.normalize("NFKC", text)
    match = _REPLY.match(folded)
    if match is None:
        return None
    values = [int(v) for v in match.groups()[1:6]]
    if not all(1 <= v <= 10 for v in values):
        return None
    return Reply(
        code=(match.group("code") or "").upper(),
        scores=dict(zip(DIMENSIONS, values, strict=True)),
        text=(match.group("text") or "").strip(),
    )


def normalise_sender(sender: str) -> str:
    """The sender's number as invitations store it: digits only, without +86 / 0086."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", sender or ""))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def _reply(*, address: str, body: str, dedupe_key: str) -> None:
    if address:
        outbox_enqueue(
            channel=OutboxMessage.Channel.SMS, address=address, body=body, kind="survey", dedupe_key=dedupe_key
        )


def _invitation(reply: Reply, sender: str) -> Invitation | None:
    """By its code; without one, the newest open invitation sent by SMS to this number (else the
    newest one, so a second answer is told it is already answered)."""
    if reply.code:
        return Invitation.objects.filter(code=reply.code).first()
    if not sender:
        return None
    sent_here = Invitation.objects.filter(channel=OutboxMessage.Channel.SMS, address=sender).order_by("-sent_at", "-pk")
    return sent_here.filter(answered_at__isnull=True).first() or sent_here.first()


def sms_inbound(
    *, sender: str, text: str, received_at: dt.datetime, gateway: str, now: dt.datetime | None = None
) -> tuple[Outcome, Answer | None]:
    """Read one SMS reply and answer its survey; tell the customer by SMS when it could not be used."""
    now = now if now is not None else timezone.now()
    if not isinstance(sender, str) or not sender.strip():
        raise ValidationFailed({"from": _("The sender's number is missing.")})
    if received_at.tzinfo is None:
        raise ValidationFailed({"received_at": _("Give the time with its UTC offset.")})
    number = normalise_sender(sender)
    day = timezone.localdate(now).isoformat()
    reply = parse_reply(text)
    with transaction.atomic():
        if reply is None:
            _reply(
                address=number,
                body=_(
                    "Sorry, we could not read your reply. Please send the survey code and five scores from "
                    "1 to 10 (responsiveness, problem solving, attitude, professionalism, communication), then "
                    "your words, e.g.: A7K3 9 8 10 9 9 very satisfied, the engineer was on time"
                ),
                dedupe_key=f"survey-sms-help:{number}:{day}",
            )
            return Outcome.MALFORMED, None
        invitation = _invitation(reply, number)
        if invitation is None:
            _reply(
                address=number,
                body=_(
                    "Sorry, we could not find your survey. Please reply with the code from our SMS, then the "
                    "five scores, e.g.: A7K3 9 8 10 9 9"
                ),
                dedupe_key=f"survey-sms-help:{number}:{day}",
            )
            return Outcome.UNKNOWN_SURVEY, None
    try:
        answer = services.answer_by_invitation(
            invitation_id=invitation.pk,
            scores=reply.scores,
            text=reply.text,
            source=Source.SMS,
            now=min(received_at, now),
        )
    except DomainError as error:
        if error.code not in (SurveyErrorCode.ALREADY_ANSWERED, SurveyErrorCode.EXPIRED):
            raise
        outcome = Outcome.ALREADY_ANSWERED if error.code == SurveyErrorCode.ALREADY_ANSWERED else Outcome.EXPIRED
        with transaction.atomic():
            _reply(
                address=number,
                body=_("Thank you! You have already answered this survey; we count the first answer.")
                if outcome == Outcome.ALREADY_ANSWERED
                else _("Thank you! This survey has closed, so we cannot count your answer."),
                dedupe_key=f"survey:{invitation.pk}:sms-{outcome}:{day}",
            )
        return outcome, None
    return Outcome.ANSWERED, answer
