"""Who hears about what, through the outbox, written in the caller's transaction.

Staff get in-app notifications (and e-mail/SMS where they can be reached) that link to the work
order (``shown_subjects``: only for a reader who may still see it). The customer is told by SMS
or e-mail, as they prefer (``Customer.notification_channel``), when their request is received,
assigned, resolved and closed: once per event (each message's dedupe key names the event), in
Chinese (the customer record knows no language). Intake is the hot path: the acknowledgement is
composed from what intake already holds (customer, contact, planned SLA targets) and written in
one INSERT.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.outbox import Channel, notify_user, outbox_enqueue
from aftersales.core.subjects import Subject, topic_for
from aftersales.customers.models import Customer
from aftersales.workorders.models import WorkOrder, WorkOrderEvent

TOPIC_TYPE = "workorder"
# Staff notifications: the inbox shows repeated ones of a kind about one work order as one row.
ASSIGNED, RESOLVED, REOPENED, CANCELLED = "assigned", "resolved", "reopened", "cancelled"
# What the customer is told (R-2.5 promise, R-3.5), once each per event.
CUSTOMER_RECEIVED, CUSTOMER_ASSIGNED = "customer_received", "customer_assigned"
CUSTOMER_RESOLVED, CUSTOMER_CLOSED = "customer_resolved", "customer_closed"
CUSTOMER_CANCELLED = "customer_cancelled"
CUSTOMER_LANGUAGE = "zh-hans"
SMS_TEXT_MAX = 500
# An SMS reaches a mainland mobile number only (a landline such as 021-6234 5678 cannot take one).
MOBILE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")


def topic(wo: WorkOrder) -> str:
    return topic_for(TOPIC_TYPE, wo.pk)


def shown_subjects(reader: Any, ids: list[int]) -> dict[int, Subject]:
    """The work orders among ``ids`` that ``reader`` may see, as notification links (one query):
    out of their scope (a technician taken off it, another organisation's) there is no link."""
    from aftersales.workorders.selectors import is_portal_user, work_order_scope

    view = "portal:detail" if is_portal_user(reader) else "workorders:detail"
    rows = work_order_scope(actor=reader).filter(pk__in=ids).values_list("pk", "number")
    return {pk: Subject(gettext_lazy("Work order"), number, reverse(view, args=[pk])) for pk, number in rows}


def moment(at: dt.datetime) -> str:
    """A time as the customer reads it, in the display time zone."""
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


# --- staff ------------------------------------------------------------------------------------


def work_order_assigned(wo: WorkOrder, *, assignee: Any, by: Any, event: WorkOrderEvent) -> None:
    with translation.override("zh-hans"):
        notify_user(
            user=assignee,
            subject=_("New work order %(number)s assigned to you") % {"number": wo.number},
            body=_("%(number)s (%(priority)s): %(symptom)s")
            % {"number": wo.number, "priority": wo.priority, "symptom": wo.symptom[:200]},
            topic=topic(wo),
            kind=ASSIGNED,
            dedupe_key_prefix=f"wo:{wo.pk}:assigned:{assignee.pk}:{event.pk}",
        )
    _tell_customer(wo, CUSTOMER_ASSIGNED, event=event, assignee=assignee)


def work_order_resolved(wo: WorkOrder, *, event: WorkOrderEvent) -> None:
    if wo.owner is not None and wo.owner_id != wo.assignee_id:
        with translation.override("zh-hans"):
            notify_user(
                user=wo.owner,
                subject=_("Work order %(number)s was resolved") % {"number": wo.number},
                body=_("Please confirm with the customer that the problem is solved: %(resolution)s")
                % {"resolution": wo.resolution[:200]},
                topic=topic(wo),
                kind=RESOLVED,
                dedupe_key_prefix=f"wo:{wo.pk}:resolved:{event.pk}",
            )
    _tell_customer(wo, CUSTOMER_RESOLVED, event=event)


def work_order_reopened(wo: WorkOrder, *, event: WorkOrderEvent) -> None:
    with translation.override("zh-hans"):
        notify_user(
            user=wo.assignee,
            subject=_("Work order %(number)s was reopened") % {"number": wo.number},
            body=_("The customer says the problem is not solved."),
            topic=topic(wo),
            kind=REOPENED,
            dedupe_key_prefix=f"wo:{wo.pk}:reopened:{event.pk}",
        )


def work_order_cancelled(wo: WorkOrder, *, event: WorkOrderEvent) -> None:
    """The handler no longer goes (unless they cancelled it themselves); the customer is told,
    with no survey to follow (it is never closed)."""
    if wo.assignee is not None and wo.assignee_id != event.actor_id:
        with translation.override("zh-hans"):
            notify_user(
                user=wo.assignee,
                subject=_("Work order %(number)s was cancelled") % {"number": wo.number},
                body=_("Reason: %(reason)s") % {"reason": event.text[:200]},
                topic=topic(wo),
                kind=CANCELLED,
                dedupe_key_prefix=f"wo:{wo.pk}:cancelled:{event.pk}",
            )
    _tell_customer(wo, CUSTOMER_CANCELLED, event=event)


# --- the customer -----------------------------------------------------------------------------


def work_order_created(wo: WorkOrder, *, targets: Iterable[Any] = ()) -> None:
    """Intake: tell the customer their number and the promised times (the SLA targets intake
    planned, in memory: no query). A consultation answered on the spot is closed at once: they
    are told that instead. One INSERT, or none."""
    if wo.closed_at is not None:
        _tell_customer(wo, CUSTOMER_CLOSED)
    else:
        _tell_customer(wo, CUSTOMER_RECEIVED, promised={t.kind: t.due_at for t in targets})


def work_order_closed(wo: WorkOrder, *, event: WorkOrderEvent) -> None:
    _tell_customer(wo, CUSTOMER_CLOSED, event=event)


def _mobile(phone: str | None) -> str:
    """``phone`` as the digits an SMS goes to, or "" when it is no mobile number."""
    digits = re.sub(r"[\s-]", "", phone or "")
    return digits if MOBILE_RE.match(digits) else ""


def customer_address(wo: WorkOrder) -> tuple[str, str] | None:
    """Where to tell the customer of ``wo``: their preferred channel, else the other one, at the
    request's contact (or the customer's own mobile / e-mail); None if they want no messages or
    cannot be reached."""
    customer = wo.customer
    if customer.notification_channel == Customer.NotificationChannel.NONE:
        return None
    contact = wo.contact if wo.contact_id else None
    phones = [contact.phone if contact is not None else "", customer.phone]
    emails = [contact.email if contact is not None else "", customer.email]
    addresses = {
        Channel.SMS: next((mobile for mobile in map(_mobile, phones) if mobile), ""),
        Channel.EMAIL: next((e.strip() for e in emails if (e or "").strip()), ""),
    }
    preferred = Channel.EMAIL if customer.notification_channel == Customer.NotificationChannel.EMAIL else Channel.SMS
    for channel in (preferred, *(c for c in addresses if c != preferred)):
        if addresses[channel]:
            return channel, addresses[channel]
    return None


def portal_url(wo: WorkOrder) -> str:
    """The customer's page of ``wo``, as a link in an e-mail or SMS."""
    return settings.PUBLIC_URL + reverse("portal:detail", args=[wo.pk])


def _customer_text(wo: WorkOrder, kind: str, *, promised: dict[str, dt.datetime], assignee: Any) -> tuple[str, str]:
    number = {"number": wo.number}
    if kind == CUSTOMER_RECEIVED:
        contact_at = promised.get("response") or promised.get("first_response")
        resolve_at = promised.get("resolution")
        lines = [_("We have received your request %(number)s.") % number]
        if contact_at and resolve_at:
            lines.append(
                _("We will contact you by %(contact_at)s and expect to resolve the problem by %(resolve_at)s.")
                % {"contact_at": moment(contact_at), "resolve_at": moment(resolve_at)}
            )
        elif contact_at:
            lines.append(_("We will contact you by %(contact_at)s.") % {"contact_at": moment(contact_at)})
        return _("Your request %(number)s has been received") % number, "\n".join(lines)
    if kind == CUSTOMER_ASSIGNED:
        values = {**number, "name": str(assignee), "phone": (assignee.phone or "").strip()}
        body = (
            _("Engineer %(name)s (phone %(phone)s) is handling your request %(number)s and will contact you soon.")
            if values["phone"]
            else _("Engineer %(name)s is handling your request %(number)s and will contact you soon.")
        ) % values
        return _("An engineer is handling your request %(number)s") % number, body
    if kind == CUSTOMER_RESOLVED:
        body = "\n".join(
            [
                _("Your request %(number)s has been resolved: %(resolution)s")
                % {**number, "resolution": wo.resolution[:200]},
                _("Please confirm that the problem is solved, or tell us that it is not: %(url)s")
                % {"url": portal_url(wo)},
            ]
        )
        return _("Your request %(number)s has been resolved") % number, body
    if kind == CUSTOMER_CANCELLED:
        body = (
            _("Your request %(number)s has been cancelled. If you still need help, please contact us again.") % number
        )
        return _("Your request %(number)s has been cancelled") % number, body
    body = _("Your request %(number)s is closed. Thank you for your trust.") % number
    return _("Your request %(number)s is closed") % number, body


def _tell_customer(
    wo: WorkOrder,
    kind: str,
    *,
    event: WorkOrderEvent | None = None,
    promised: dict[str, dt.datetime] | None = None,
    assignee: Any = None,
) -> None:
    address = customer_address(wo)
    if address is None:
        return
    channel, to = address
    with translation.override(CUSTOMER_LANGUAGE):
        subject, body = _customer_text(wo, kind, promised=promised or {}, assignee=assignee)
    outbox_enqueue(
        channel=channel,
        address=to,
        subject=subject if channel == Channel.EMAIL else "",
        body=body if channel == Channel.EMAIL else body[:SMS_TEXT_MAX],
        topic=topic(wo),
        kind=kind,
        # Once per event: intake is one event of its own; each later one is a timeline event.
        dedupe_key=f"wo:{wo.pk}:{kind}" + (f":{event.pk}" if event is not None else ""),
    )
