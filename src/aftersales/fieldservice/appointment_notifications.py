"""Who hears about an appointment, through the outbox, in Chinese (R-6.1): the customer (their
preferred channel at the request's contact: the window, the technician's name and phone, what to
prepare; the day-before reminder) and the technician (in the app)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.core.outbox import Channel, notify_user, outbox_enqueue
from aftersales.fieldservice.models import Appointment, AppointmentChange
from aftersales.workorders.notifications import CUSTOMER_LANGUAGE, SMS_TEXT_MAX, customer_address, topic


def _tell_customer(appt: Appointment, *, kind: str, subject: str, body: str, dedupe: str) -> None:
    wo = appt.work_order
    address = customer_address(wo)
    if address is None:
        return
    channel, to = address
    outbox_enqueue(
        channel=channel,
        address=to,
        subject=subject if channel == Channel.EMAIL else "",
        body=body if channel == Channel.EMAIL else body[:SMS_TEXT_MAX],
        topic=topic(wo),
        kind=kind,
        dedupe_key=dedupe,
    )


def _tell_technician(appt: Appointment, user: Any, *, kind: str, subject: str, body: str, dedupe: str) -> None:
    notify_user(
        user=user,
        subject=subject,
        body=body,
        topic=topic(appt.work_order),
        kind=kind,
        channels=("in_app",),
        dedupe_key_prefix=dedupe,
    )


def _customer_body(appt: Appointment, lead: str) -> str:
    tech = appt.technician
    parts = [lead]
    parts.append(_("Technician: %(name)s, phone %(phone)s.") % {"name": str(tech), "phone": tech.phone or "—"})
    if appt.to_prepare:
        parts.append(_("Please prepare: %(what)s") % {"what": appt.to_prepare})
    return " ".join(parts)


def appointment_booked(appt: Appointment) -> None:
    wo = appt.work_order
    with translation.override(CUSTOMER_LANGUAGE):
        values = {"number": wo.number, "window": appt.window}
        _tell_customer(
            appt,
            kind="appointment_booked",
            subject=_("Your visit for %(number)s is booked") % values,
            body=_customer_body(appt, _("Your visit for %(number)s is booked for %(window)s.") % values),
            dedupe=f"appt:{appt.pk}:booked",
        )
        _tell_technician(
            appt,
            appt.technician,
            kind="appointment_booked",
            subject=_("New appointment: %(number)s at %(window)s") % values,
            body=_("Visit the customer of %(number)s at %(window)s.") % values,
            dedupe=f"appt:{appt.pk}:booked:tech",
        )


def appointment_moved(appt: Appointment, *, change: AppointmentChange, previous_technician: Any) -> None:
    wo = appt.work_order
    with translation.override(CUSTOMER_LANGUAGE):
        values = {"number": wo.number, "window": appt.window}
        _tell_customer(
            appt,
            kind="appointment_moved",
            subject=_("Your visit for %(number)s has a new time") % values,
            body=_customer_body(appt, _("As agreed, your visit for %(number)s is now at %(window)s.") % values),
            dedupe=f"appt:{appt.pk}:moved:{change.pk}",
        )
        _tell_technician(
            appt,
            appt.technician,
            kind="appointment_moved",
            subject=_("Appointment moved: %(number)s at %(window)s") % values,
            body=_("The visit for %(number)s is now at %(window)s.") % values,
            dedupe=f"appt:{appt.pk}:moved:{change.pk}:tech",
        )
        if previous_technician.pk != appt.technician_id:
            _tell_technician(
                appt,
                previous_technician,
                kind="appointment_moved",
                subject=_("Appointment given to a colleague: %(number)s") % values,
                body=_("The visit for %(number)s is no longer yours.") % values,
                dedupe=f"appt:{appt.pk}:moved:{change.pk}:previous",
            )


def appointment_cancelled(appt: Appointment) -> None:
    wo = appt.work_order
    with translation.override(CUSTOMER_LANGUAGE):
        values = {"number": wo.number, "window": appt.window}
        _tell_customer(
            appt,
            kind="appointment_cancelled",
            subject=_("Your visit for %(number)s is cancelled") % values,
            body=_("As agreed, the visit for %(number)s at %(window)s is cancelled.") % values,
            dedupe=f"appt:{appt.pk}:cancelled",
        )
        _tell_technician(
            appt,
            appt.technician,
            kind="appointment_cancelled",
            subject=_("Appointment cancelled: %(number)s") % values,
            body=_("The visit for %(number)s at %(window)s is cancelled.") % values,
            dedupe=f"appt:{appt.pk}:cancelled:tech",
        )


def appointment_reminder(appt: Appointment) -> None:
    wo = appt.work_order
    with translation.override(CUSTOMER_LANGUAGE):
        values = {"number": wo.number, "window": appt.window}
        _tell_customer(
            appt,
            kind="appointment_reminder",
            subject=_("Reminder: your visit for %(number)s is tomorrow") % values,
            body=_customer_body(
                appt, _("Reminder: our technician visits you tomorrow, %(window)s (%(number)s).") % values
            ),
            # One per appointment and day: a moved appointment is reminded again for its new day.
            dedupe=f"appt:{appt.pk}:reminder:{timezone.localtime(appt.starts_at):%Y%m%d}",
        )
