"""The feedback panel on a work order's page: its complaint record, complaints that name it,
the incident its batch belongs to, its quality feedback (one query each, only what the reader
may see)."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.feedback import selectors
from aftersales.feedback.models import FaultReport

register = template.Library()


@register.inclusion_tag("feedback/_work_order_panel.html", takes_context=True)
def feedback_panel(context: dict[str, Any], wo: Any) -> dict[str, Any]:
    user = context["request"].user
    complaint = selectors.complaint_for(actor=user, work_order_id=wo.pk) if wo.service_type == "complaint" else None
    incident = None
    if user.has_perm("feedback.view_incident"):
        incident_id = (
            FaultReport.objects.filter(work_order_id=wo.pk, withdrawn_at__isnull=True, incident__isnull=False)
            .values_list("incident_id", flat=True)
            .first()
        )
        incident = selectors.incident_get(actor=user, incident_id=incident_id) if incident_id else None
    return {
        "wo": wo,
        "is_complaint": wo.service_type == "complaint",
        "complaint": complaint,
        "about_this": selectors.complaints_about(actor=user, work_order_id=wo.pk),
        "incident": incident,
        "quality": list(selectors.quality_scope(actor=user).filter(work_order_id=wo.pk)[:5]),
        "may_raise_quality": user.has_perm("feedback.raise_qualityfeedback") and not wo.is_read_only,
        "may_record_opinion": user.has_perm("feedback.add_opinion") and not wo.is_read_only,
    }
