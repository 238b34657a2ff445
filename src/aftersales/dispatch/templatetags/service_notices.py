"""``{% work_order_service_notices wo %}``: a work order's service notices on its page (R-5.3), and
the form that issues one for who may dispatch; what is listed comes from dispatch.notices' scope."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.dispatch import notices
from aftersales.dispatch.notice_views import NoticeForm
from aftersales.workorders.states import OPEN_STATUSES

register = template.Library()


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
