"""Correcting which product a work order is about (the agent picked the wrong unit, or the
customer read out another serial): the product, its model, line and serial change together, the
timeline says from what to what, and the batch-fault count moves with it (R-8.4,
``feedback.counting.fault_report_move``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed
from aftersales.customers.selectors import installed_product_scope
from aftersales.feedback.counting import fault_report_move
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import WorkOrder, WorkOrderEvent
from aftersales.workorders.search import search_text
from aftersales.workorders.selectors import is_portal_user
from aftersales.workorders.services.common import MAX_TEXT, _event, _not_found
from aftersales.workorders.services.hooks import work_order_lock


def product_change_refusal(*, actor: Any, wo: WorkOrder) -> DomainError | None:
    """Why ``actor`` may not correct ``wo``'s product now, or None. Who takes requests (an agent,
    a dispatcher, a supervisor: ``workorders.add_workorder``) corrects what was taken; a portal
    user never does, nor anyone on an archived (read-only) work order. The page offers the form
    exactly when this returns None, and the service raises what it returns."""
    if is_portal_user(actor) or not actor.has_perm("workorders.add_workorder"):
        return PermissionDenied()
    if wo.is_read_only:
        return DomainError(WorkOrderErrorCode.READ_ONLY, _("Archived work orders are read-only."), status=409)
    return None


def work_order_product_change(*, actor: Any, work_order_id: int, installed_product_id: int, reason: str) -> WorkOrder:
    """Put the work order on another of its customer's installed products, with a reason. A work
    order outside the actor's scope is 404 before any permission check (as every action)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for the change.")})
    if len(reason) > MAX_TEXT:
        raise ValidationFailed({"reason": _("The text is longer than %(max)d characters.") % {"max": MAX_TEXT}})
    with transaction.atomic():
        wo = work_order_lock(actor=actor, work_order_id=work_order_id)
        refusal = product_change_refusal(actor=actor, wo=wo)
        if refusal is not None:
            raise refusal
        product = (
            installed_product_scope(actor=actor)
            .select_related("product_model__product_line", "customer")
            .filter(pk=installed_product_id)
            .first()
        )
        if product is None:
            raise _not_found("installed_product_id")
        if product.customer_id != wo.customer_id:
            raise ValidationFailed({"installed_product_id": _("This product is not registered to this customer.")})
        if product.pk == wo.installed_product_id:
            raise ValidationFailed({"installed_product_id": _("The work order is already about this product.")})
        before = {"installed_product_id": wo.installed_product_id, "serial_number": wo.serial_number}
        model = product.product_model
        wo.installed_product = product
        wo.product_model = model
        wo.product_line = model.product_line
        wo.serial_number = product.serial_number
        wo.search_text = search_text(wo.number, product.customer.name, product.serial_number, model.code, wo.symptom)
        wo.save(update_fields=["installed_product", "product_model", "product_line", "serial_number", "search_text"])
        _event(
            wo,
            actor,
            WorkOrderEvent.Kind.CHANGE,
            action="product",
            text=reason,
            data={"from": before, "to": {"installed_product_id": product.pk, "serial_number": product.serial_number}},
        )
        record(actor=actor, action="change", verb="update", obj=wo, detail={"fields": ["installed_product"]})
        fault_report_move(work_order=wo)  # the batch count moves with the product
    return wo
