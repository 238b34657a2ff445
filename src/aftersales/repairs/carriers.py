"""Carrier adapters (R-6.6): what the shipment services ask of a carrier.

No carrier's service is reachable from here, so every carrier is served by the manual adapter:
the tracking number is typed in from the waybill and the delivery is confirmed by hand (a call
to the customer, the carrier's web page). A real adapter (EMS's tracking API, say) implements
the same Protocol and is put in ``ADAPTERS``; the services do not change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.repairs.models import Shipment

Carrier = Shipment.Carrier


@dataclass(frozen=True)
class Tracking:
    """What a carrier says about a parcel: delivered (and when), or not known to be."""

    delivered: bool
    text: str | Promise


class CarrierAdapter(Protocol):
    @property
    def code(self) -> str: ...

    def label(self) -> str | Promise: ...

    def tracking_refusal(self, tracking_number: str) -> str | Promise | None:
        """Why ``tracking_number`` cannot be one of this carrier's (None when it can)."""
        ...

    def track(self, tracking_number: str) -> Tracking: ...

    def confirms_by_hand(self) -> bool:
        """True when delivery is confirmed by a person, not reported by the carrier."""
        ...


# Waybill numbers: letters, digits and dashes (EMS: 13 characters such as EA123456789CN).
TRACKING_RE = re.compile(r"^[A-Za-z0-9-]{4,40}$")


@dataclass(frozen=True)
class ManualAdapter:
    code: str

    def label(self) -> str | Promise:
        return Carrier(self.code).label

    def tracking_refusal(self, tracking_number: str) -> str | Promise | None:
        if not TRACKING_RE.match(tracking_number):
            return _("Type the waybill number: 4 to 40 letters, digits or dashes.")
        return None

    def track(self, tracking_number: str) -> Tracking:
        return Tracking(delivered=False, text=_("No tracking service is connected: confirm the delivery by hand."))

    def confirms_by_hand(self) -> bool:
        return True


ADAPTERS: dict[str, CarrierAdapter] = {code: ManualAdapter(code) for code in Carrier.values}


def adapter(carrier: str) -> CarrierAdapter:
    return ADAPTERS[carrier]


def proposed_carrier(weight_kg: Decimal | None) -> str:
    """R-6.6: EMS by default; rail for what weighs more than ``SHIPMENT_RAIL_OVER_KG``."""
    if weight_kg is not None and weight_kg > Decimal(str(settings.SHIPMENT_RAIL_OVER_KG)):
        return Carrier.RAIL
    return Carrier.EMS
