"""The words for what the appointment services do: access-log verbs and work-order timeline lines,
registered by the app's ``ready()``."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, Promise] = {
    "reschedule": _("Reschedule appointment"),
    "cancel_appointment": _("Cancel appointment"),
}

WORK_ORDER_TIMELINE: dict[str, Promise] = {
    "appointment_booked": _("Appointment agreed"),
    "appointment_moved": _("Appointment moved"),
    "appointment_cancel": _("Appointment cancelled"),
}


def register() -> None:
    from aftersales.audit.vocabulary import VERBS as AUDIT_VERBS
    from aftersales.workorders.services.hooks import timeline_actions_register

    AUDIT_VERBS.update({code: label for code, label in VERBS.items() if code not in AUDIT_VERBS})
    timeline_actions_register(WORK_ORDER_TIMELINE)
    import aftersales.fieldservice.appointment_tasks  # noqa: F401  (Huey registers the periodic job)
