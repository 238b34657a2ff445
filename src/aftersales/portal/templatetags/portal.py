"""Customer-friendly status names and colours for the portal (staff pages show the internal
names of R-3.5)."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

# status -> (label for the customer, Bootstrap colour, Bootstrap icon)
CUSTOMER_STATUS: dict[str, tuple[Promise, str, str]] = {
    "new": (_("Submitted"), "primary", "send"),
    "acknowledged": (_("Accepted"), "info", "check2"),
    "assigned": (_("Engineer assigned"), "info", "person-gear"),
    "in_progress": (_("Being handled"), "warning", "tools"),
    "waiting_customer": (_("Waiting for your reply"), "danger", "chat-left-dots"),
    "waiting_parts": (_("Waiting for parts"), "secondary", "box-seam"),
    "resolved": (_("Resolved, please confirm"), "success", "patch-question"),
    "confirmed": (_("Confirmed by you"), "success", "check2-circle"),
    "closed": (_("Completed"), "dark", "check2-all"),
    "archived": (_("Completed"), "dark", "check2-all"),
}
_UNKNOWN = (_("In progress"), "secondary", "circle")


@register.filter
def customer_status(status: str) -> Promise:
    return CUSTOMER_STATUS.get(status, _UNKNOWN)[0]


@register.filter
def status_colour(status: str) -> str:
    return CUSTOMER_STATUS.get(status, _UNKNOWN)[1]


@register.filter
def status_icon(status: str) -> str:
    return CUSTOMER_STATUS.get(status, _UNKNOWN)[2]
