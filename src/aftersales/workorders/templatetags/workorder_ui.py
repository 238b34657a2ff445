"""Small display helpers for the work-order pages: badge colours and masked contact details.

{% load workorder_ui %}
<span class="badge {{ wo.status|status_badge }}">{{ wo.get_status_display }}</span>
{% shown_phone customer.phone %}     masked unless the user may see contact details (R-13.1)
{% shown_text c.counterpart %}       the same for phone numbers inside a short text
{% shown_phone p customer_id=c.pk %} whose data it is: a portal user sees their own as it is
"""

from __future__ import annotations

from django import template

from aftersales.customers import masking
from aftersales.customers.models import WarrantyStatus
from aftersales.workorders.states import Action, HandlingMode

register = template.Library()

STATUS_BADGES = {
    "new": "text-bg-primary",
    "acknowledged": "text-bg-info",
    "assigned": "text-bg-info",
    "in_progress": "text-bg-warning",
    "waiting_customer": "text-bg-secondary",
    "waiting_parts": "text-bg-secondary",
    "resolved": "text-bg-success",
    "confirmed": "text-bg-success",
    "closed": "text-bg-dark",
    "archived": "text-bg-light border",
    "cancelled": "text-bg-secondary",
}
PRIORITY_BADGES = {"P1": "text-bg-danger", "P2": "text-bg-warning", "P3": "text-bg-light border"}
COLOUR_DOTS = {"green": "bg-success", "yellow": "bg-warning", "red": "bg-danger"}
WARRANTY_BADGES: dict[str, str] = {
    WarrantyStatus.IN_WARRANTY: "text-bg-success",
    WarrantyStatus.EXPIRED: "text-bg-secondary",
    WarrantyStatus.UNKNOWN: "text-bg-light border",
}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter
def priority_badge(priority: str) -> str:
    return PRIORITY_BADGES.get(priority, "text-bg-light border")


@register.filter
def colour_dot(colour: str) -> str:
    return COLOUR_DOTS.get(colour, "bg-secondary")


@register.filter
def warranty_badge(status: str) -> str:
    return WARRANTY_BADGES.get(status, "text-bg-light border")


@register.filter
def warranty_label(status: str) -> str:
    return str(WarrantyStatus(status).label) if status in WarrantyStatus.values else ""


@register.simple_tag(takes_context=True)
def shown_phone(context: template.Context, phone: str, customer_id: int | None = None) -> str:
    return masking.shown_phone(context["request"].user, phone or "", customer_id=customer_id)


@register.simple_tag(takes_context=True)
def shown_email(context: template.Context, email: str, customer_id: int | None = None) -> str:
    return masking.shown_email(context["request"].user, email or "", customer_id=customer_id)


@register.simple_tag(takes_context=True)
def shown_address(context: template.Context, address: str, customer_id: int | None = None) -> str:
    return masking.shown_address(context["request"].user, address or "", customer_id=customer_id)


@register.simple_tag(takes_context=True)
def shown_text(context: template.Context, text: str, customer_id: int | None = None) -> str:
    return masking.shown_text(context["request"].user, text or "", customer_id=customer_id)


@register.filter
def action_label(action: str) -> str:
    if action in Action.values:
        return str(Action(action).label)
    from aftersales.workorders.services.hooks import TIMELINE_ACTIONS  # other apps' actions

    return str(TIMELINE_ACTIONS.get(action, action))


@register.filter
def mode_label(mode: str) -> str:
    return str(HandlingMode(mode).label) if mode in HandlingMode.values else mode


# SLA events on the timeline: the stored data is plain JSON (codes and ISO 8601 times).
@register.filter
def iso_moment(value: str) -> str:
    """An ISO 8601 time from an event's data, shown as the SLA block shows due times."""
    import datetime as dt

    from aftersales.sla.templatetags.sla import sla_moment

    try:
        return sla_moment(dt.datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def sla_target_label(kind: str) -> str:
    from aftersales.sla.models import TargetKind

    return str(TargetKind(kind).label) if kind in TargetKind.values else kind


@register.filter
def agreed_how_label(channel: str) -> str:
    from aftersales.sla.models import SlaExtension

    return str(SlaExtension.How(channel).label) if channel in SlaExtension.How.values else channel
