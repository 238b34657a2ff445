"""Who hears about a service notice, through the outbox, in Chinese (R-5.3): each technician on
it (in the app, and by e-mail where he has an address: the number and links to the notice's PDF
and to the work order) and the customer, as a short SMS (or e-mail, as they prefer) at the
request's contact: the technician's name and phone, the appointment window, what to prepare."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from aftersales.core.outbox import Channel, Notice, notify_users, outbox_enqueue
from aftersales.dispatch.models import ServiceNotice
from aftersales.workorders.notifications import CUSTOMER_LANGUAGE, SMS_TEXT_MAX, customer_address, topic

KIND = "service_notice"


def notice_pdf_url(notice: ServiceNotice) -> str:
    return settings.PUBLIC_URL + reverse("dispatch:notice_pdf", args=[notice.pk])


def technician_work_order_url(work_order_id: int) -> str:
    """The work order's page on the technician's phone (his visit page: check in, record the work):
    what the notice's QR code opens."""
    return settings.PUBLIC_URL + reverse("fieldservice:visit_for_work_order", args=[work_order_id])


def customer_text(notice: ServiceNotice) -> str:
    snap = notice.snapshot
    lead = snap["technicians"][0]
    appt = snap.get("appointment")
    values = {
        "number": snap["work_order"]["number"],
        "name": lead["name"],
        "phone": lead["phone"] or "—",
        "window": appt["window"] if appt else "",
    }
    parts = [
        _("Your visit for %(number)s is booked for %(window)s.") % values
        if appt
        else _("A technician is coming for %(number)s; we will agree the time with you.") % values,
        _("Technician: %(name)s, phone %(phone)s.") % values,
    ]
    if appt and appt.get("to_prepare"):
        parts.append(_("Please prepare: %(what)s") % {"what": appt["to_prepare"]})
    parts.append(_("Service notice %(notice)s.") % {"notice": notice.number})
    return " ".join(parts)


def notice_issued(notice: ServiceNotice, *, lead: Any, helpers: list[Any]) -> None:
    wo = notice.work_order
    with translation.override(CUSTOMER_LANGUAGE):
        appt = notice.snapshot.get("appointment")
        values = {
            "notice": notice.number,
            "number": wo.number,
            "window": appt["window"] if appt else _("time to be agreed"),
            "pdf": notice_pdf_url(notice),
            "url": technician_work_order_url(wo.pk),
        }
        subject = _("Service notice %(notice)s: %(number)s") % values
        body = "\n".join(
            [
                _("You are sent to the customer of %(number)s (%(window)s).") % values,
                _("Service notice: %(pdf)s") % values,
                _("Work order: %(url)s") % values,
            ]
        )
        notify_users(
            Notice(
                user=user,
                subject=subject,
                body=body,
                topic=topic(wo),
                dedupe_key_prefix=f"notice:{notice.pk}:tech:{user.pk}",
                channels=(Channel.IN_APP, Channel.EMAIL),
                kind=KIND,
            )
            for user in [lead, *helpers]
        )
        address = customer_address(wo)
        if address is None:
            return
        channel, to = address
        text = customer_text(notice)
        outbox_enqueue(
            channel=channel,
            address=to,
            subject=_("Your service visit for %(number)s") % values if channel == Channel.EMAIL else "",
            body=text if channel == Channel.EMAIL else text[:SMS_TEXT_MAX],
            topic=topic(wo),
            kind=KIND,
            dedupe_key=f"notice:{notice.pk}:customer",
        )
