"""SMS gateways for tests, chosen by dotted path through ``settings.SMS_GATEWAY`` (also in a
worker subprocess, through the ``SMS_GATEWAY`` environment variable)."""

from __future__ import annotations

import os
import time

from aftersales.core.models import SmsLog
from aftersales.core.sms import PermanentDeliveryError, SmsGateway


class FailingGateway(SmsGateway):
    """The provider is down: every send raises."""

    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("provider unreachable")


class RejectingGateway(SmsGateway):
    """The provider refuses the number for good."""

    def send(self, *, phone: str, text: str) -> None:
        raise PermanentDeliveryError("invalid phone number")


class SlowLogGateway(SmsGateway):
    """Writes SmsLog like the demo gateway, but slowly, so two workers overlap."""

    def send(self, *, phone: str, text: str) -> None:
        time.sleep(0.005)
        SmsLog.objects.create(phone=phone, text=text)


class RecordingSleepyGateway(SmsGateway):
    """For the worker-process tests: notes each call in a file *before* sending, then sleeps
    ``OUTBOX_TEST_SLEEP`` seconds, then writes SmsLog. Killing the worker during the sleep
    leaves a message that was claimed, maybe sent, and never recorded as sent."""

    def send(self, *, phone: str, text: str) -> None:
        with open(os.environ["OUTBOX_TEST_CALLS"], "a", encoding="utf-8") as calls:
            calls.write(phone + "\n")
            calls.flush()
            os.fsync(calls.fileno())
        time.sleep(float(os.environ.get("OUTBOX_TEST_SLEEP", "0")))
        SmsLog.objects.create(phone=phone, text=text)
