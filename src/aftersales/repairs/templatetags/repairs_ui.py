"""Template helpers of the repair pages, and ``{% work_order_repairs wo %}``: a work order's
repair orders and shipments, on the staff detail page and in the portal alike (what is listed
comes from the repairs selectors' scope and ``repair_order_shown``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from aftersales.repairs import selectors
from aftersales.repairs.models import Accessory, AgreementChannel
from aftersales.repairs.states import Action, Status

register = template.Library()

BADGES: dict[str, str] = {
    Status.EXPECTED: "text-bg-light border",
    Status.RECEIVED: "text-bg-info",
    Status.ASSIGNED: "text-bg-primary",
    Status.REPAIRING: "text-bg-warning",
    Status.INSPECTING: "text-bg-secondary",
    Status.PASSED: "text-bg-success",
    Status.SHIPPED: "text-bg-dark",
    Status.CLOSED: "text-bg-light border",
}


@register.filter
def repair_badge(status: str) -> str:
    return BADGES.get(status, "text-bg-light")


@register.filter
def repair_status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


@register.filter
def repair_action_label(action: str) -> str:
    from django.utils.translation import gettext as _

    if action == "create":
        return _("Repair order created")
    if action == "agree":
        return _("New date agreed with the customer")
    if action == "use_part":
        return _("Part used")
    if action == "photo":
        return _("Photo on arrival added")
    return str(Action(action).label) if action in Action.values else action


@register.filter
def accessory_label(code: str) -> str:
    return str(Accessory(code).label) if code in Accessory.values else code


@register.filter
def agreement_channel_label(code: str) -> str:
    return str(AgreementChannel(code).label) if code in AgreementChannel.values else code


@register.filter
def deadline_state(ro: Any) -> str:
    """ "met", "overdue", "soon" (past the warning time) or "running"; "" without a deadline."""
    if ro.deadline_at is None:
        return ""
    if ro.deadline_met_at is not None:
        return "met"
    now = timezone.now()
    if ro.deadline_at <= now:
        return "overdue"
    if ro.deadline_warn_at is not None and ro.deadline_warn_at <= now:
        return "soon"
    return "running"


@register.inclusion_tag("repairs/_work_order_section.html", takes_context=True)
def work_order_repairs(context: template.Context, wo: Any) -> dict[str, Any]:
    user = context["request"].user
    portal = selectors.is_portal_user(user)
    repair_orders = selectors.repair_order_list(actor=user, work_order_id=wo.pk, limit=20)
    return {
        "wo": wo,
        "portal": portal,
        "repair_orders": [selectors.repair_order_shown(actor=user, repair_order=ro) for ro in repair_orders],
        "shipments": selectors.shipment_list(actor=user, work_order_id=wo.pk, limit=20),
        "may_create": not portal and user.has_perm("repairs.add_repairorder") and wo.is_open,
        "may_ship": not portal and user.has_perm("repairs.add_shipment") and not wo.is_read_only,
        "may_view": not portal and user.has_perm("repairs.view_repairorder"),
        "may_view_shipment": not portal and user.has_perm("repairs.view_shipment"),
    }
