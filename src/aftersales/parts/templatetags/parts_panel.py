"""``{% work_order_parts_panel wo %}``: the parts of a work order on its page (staff) and in the
portal (the customer's own lines, read only), from the same selector as the API."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.parts.views import panel_context

register = template.Library()


@register.inclusion_tag("parts/_wo_panel.html", takes_context=True)
def work_order_parts_panel(context: template.Context, wo: Any) -> dict[str, Any]:
    request = context["request"]
    shown = panel_context(request, wo)
    shown["csrf_token"] = context.get("csrf_token")
    return shown
