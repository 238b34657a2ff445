"""Automatic dispatch (R-5.1): when the setting is on, a P2 or P3 work order is assigned to its
first eligible proposal as it is acknowledged (the hook ``workorders.services.hooks.
acknowledged_hooks_register``), through the same assign service and its certification check.
P1 never: it waits for a supervisor's approval. Nothing eligible, or a refusal: it stays for the
dispatcher."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.audit.services import record
from aftersales.catalog.models import Priority
from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed
from aftersales.dispatch.models import DispatchSettings
from aftersales.dispatch.proposals import may_dispatch, proposals_for

AUTOMATIC = (Priority.P2, Priority.P3)
CHANGE = "dispatch.change_dispatchsettings"


def dispatch_settings() -> DispatchSettings:
    return DispatchSettings.objects.filter(pk=1).first() or DispatchSettings(pk=1)


def dispatch_settings_update(*, actor: Any, auto_assign: Any) -> DispatchSettings:
    if getattr(actor, "is_customer_user", True) or not actor.has_perm(CHANGE):
        raise PermissionDenied()
    if not isinstance(auto_assign, bool):
        raise ValidationFailed({"auto_assign": _("Say yes or no.")})
    with transaction.atomic():
        row, _created = DispatchSettings.objects.select_for_update().get_or_create(pk=1)
        row.auto_assign, row.updated_by = auto_assign, actor
        row.save()
        record(actor=actor, action="change", verb="dispatch_settings", obj=row, detail={"auto_assign": auto_assign})
    return row


def auto_assign_on_acknowledge(*, actor: Any, work_order: Any) -> bool:
    if work_order.priority not in AUTOMATIC or work_order.assignee_id is not None:
        return False
    if not may_dispatch(actor) or not dispatch_settings().auto_assign:
        return False
    from aftersales.workorders.services import work_order_assign  # (import cycle)

    _wo, rows = proposals_for(actor=actor, work_order_id=work_order.pk)
    first = next((p for p in rows if p.eligible), None)
    if first is None:
        return False
    try:
        work_order_assign(
            actor=actor,
            work_order_id=work_order.pk,
            assignee_id=first.technician_id,
            note=_("Assigned automatically to the first eligible proposal."),
        )
    except DomainError:
        return False  # e.g. not assignable now: the dispatcher decides
    return True
