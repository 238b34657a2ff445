"""Who hears about a repair order, through the outbox, in Chinese: the repairer when named and
when QA sends the repair back."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from aftersales.core.outbox import notify_user
from aftersales.repairs.models import Inspection, RepairOrder


def repair_assigned(ro: RepairOrder, *, by: Any) -> None:
    if ro.repairer is None or ro.repairer_id == by.pk:
        return
    with translation.override("zh-hans"):
        values = {"number": ro.number, "by": str(by)}
        notify_user(
            user=ro.repairer,
            subject=_("Repair order %(number)s is yours") % values,
            body=_("%(by)s named you repairer of %(number)s.") % values,
            topic=f"repairorder:{ro.pk}",
            kind="repair_assigned",
            channels=("in_app",),
        )


def repair_inspection_failed(ro: RepairOrder, *, inspection: Inspection) -> None:
    if ro.repairer is None:
        return
    with translation.override("zh-hans"):
        values = {"number": ro.number, "notes": inspection.notes}
        notify_user(
            user=ro.repairer,
            subject=_("QA failed: %(number)s is back in repair") % values,
            body=_("QA inspection of %(number)s failed: %(notes)s") % values,
            topic=f"repairorder:{ro.pk}",
            kind="repair_inspection_failed",
            channels=("in_app",),
            dedupe_key_prefix=f"repair:{ro.pk}:inspection:{inspection.pk}",
        )
