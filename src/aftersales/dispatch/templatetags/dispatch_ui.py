"""``{% work_order_proposals_link wo %}``: on the work-order page, the way for who may dispatch
to the work order's ranked proposals (R-5.1) while it is open; nothing for anyone else."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.dispatch.proposals import may_dispatch
from aftersales.workorders.states import OPEN_STATUSES

register = template.Library()


@register.inclusion_tag("dispatch/_proposals_link.html", takes_context=True)
def work_order_proposals_link(context: template.Context, wo: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"wo": wo, "shown": wo.status in OPEN_STATUSES and may_dispatch(user)}
