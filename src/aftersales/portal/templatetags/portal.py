"""Customer-friendly status names and colours for the portal (staff pages show the internal
names of R-3.5)."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

register = template.Library()

# status -> (label for the customer, Bootstrap colour, Bootstrap icon)
CUSTOMER_STATUS: dict[str, tuple[Promise, str, str]] = {
    "new": (pgettext_lazy("portal status", "Submitted"), "primary", "send"),
    "acknowledged": (pgettext_lazy("portal status", "Accepted"), "info", "check2"),
    "assigned": (pgettext_lazy("portal status", "Engineer assigned"), "info", "person-gear"),
    "in_progress": (pgettext_lazy("portal status", "Being handled"), "warning", "tools"),
    "waiting_customer": (pgettext_lazy("portal status", "Waiting for your reply"), "danger", "chat-left-dots"),
    "waiting_parts": (pgettext_lazy("portal status", "Waiting for parts"), "secondary", "box-seam"),
    "resolved": (pgettext_lazy("portal status", "Resolved, please confirm"), "success", "patch-question"),
    "confirmed": (pgettext_lazy("portal status", "Confirmed by you"), "success", "check2-circle"),
    "closed": (pgettext_lazy("portal status", "Completed"), "dark", "check2-all"),
    "archived": (pgettext_lazy("portal status", "Completed"), "dark", "check2-all"),
    "cancelled": (pgettext_lazy("portal status", "Cancelled"), "secondary", "x-circle"),
}
_UNKNOWN = (pgettext_lazy("portal status", "In progress"), "secondary", "circle")


@register.filter
def customer_status(status: str) -> Promise:
    return CUSTOMER_STATUS.get(status, _UNKNOWN)[0]


@register.filter
def status_colour(status: str) -> str:
    return CUSTOMER_STATUS.get(status, _UNKNOWN)[1]


@register.filter
def status_icon(status: str) -> str:
    return CUSTOMER_STATUS.get(status, _UNKNOWN)[2]
