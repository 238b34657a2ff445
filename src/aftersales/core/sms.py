"""SMS gateways: one small class per provider, chosen by ``settings.SMS_GATEWAY`` (a dotted path).

The outbox worker is the only caller. A gateway sends one text and either returns or raises:
``PermanentDeliveryError`` for what retrying cannot fix (a malformed number), any other
exception for what might pass later (timeouts, provider down); the outbox retries those.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from aftersales.core.models import SmsLog


class PermanentDeliveryError(Exception):
    """Delivery can never succeed for this message; the outbox marks it failed without retrying."""


class SmsGateway:
    """Base class: subclasses implement ``send`` for one provider."""

    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class LogTableGateway(SmsGateway):
    """The demo gateway: 'sends' by writing a row to ``SmsLog`` (shown in the admin)."""

    def send(self, *, phone: str, text: str) -> None:
        if not phone.strip():
            raise PermanentDeliveryError("no phone number")
        SmsLog.objects.create(phone=phone.strip(), text=text)


@cache
def _gateway_class(path: str) -> type[SmsGateway]:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, SmsGateway)):
        raise TypeError(f"SMS_GATEWAY {path!r} is not an SmsGateway subclass")
    return cls


def get_sms_gateway() -> SmsGateway:
    """A gateway instance of the class configured in ``settings.SMS_GATEWAY``."""
    return _gateway_class(settings.SMS_GATEWAY)()
