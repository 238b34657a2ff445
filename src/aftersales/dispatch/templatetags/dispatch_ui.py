"""The dispatch app's pieces of the work-order page, for who may dispatch: ``{% work_order_proposals_link
wo %}``, the way to the work order's ranked proposals (R-5.1) while it is open; ``{%
work_order_service_notices wo %}``, its service notices (R-5.3) and the form that issues one,
what is listed coming from dispatch.notices' scope. Nothing for anyone else."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.dispatch import notices
from aftersales.dispatch.notice_views import NoticeForm
from aftersales.dispatch.proposals import may_dispatch
from aftersales.workorders.states import OPEN_STATUSES

register = template.Library()


@register.inclusion_tag("dispatch/_proposals_link.html", takes_context=True)
def work_order_proposals_link(context: template.Context, wo: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"wo": wo, "shown": wo.status in OPEN_STATUSES and may_dispatch(user)}


@register.inclusion_tag("dispatch/_notices_panel.html", takes_context=True)
def work_order_service_notices(context: template.Context, wo: Any) -> dict[str, Any]:
    user = context["request"].user
    if getattr(user, "is_customer_user", True):
        return {"hidden": True}
    rows = notices.notice_list(actor=user, work_order_id=wo.pk)
    may_issue = notices.may_issue(user) and wo.status in OPEN_STATUSES
    if not rows and not may_issue:
        return {"hidden": True}
    form = NoticeForm(work_order=wo) if may_issue else None
    return {
        "wo": wo,
        "notices": rows,
        "form": form,
        "part_choices": notices.notice_part_choices(work_order=wo) if form is not None else [],
        "csrf_token": context.get("csrf_token"),
    }
