"""``{% work_order_attachments wo %}``: a work order's photos and documents with the upload form,
on the staff detail page and in the portal alike. What is listed comes from the selector that
decides what the viewer may see (``selectors.work_order_attachments``); the form is offered
exactly when the service would accept an upload (``services.action_refusal``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from aftersales.workorders import selectors, services
from aftersales.workorders.forms import AttachmentForm

register = template.Library()


@register.inclusion_tag("workorders/_attachments.html", takes_context=True)
def work_order_attachments(context: template.Context, wo: Any) -> dict[str, Any]:
    """``wo`` as the page shows it; a page that refused an upload puts its bound form in the
    context as ``attachment_form``."""
    request = context["request"]
    user = request.user
    portal = selectors.is_portal_user(user)
    namespace = "portal" if portal else "workorders"
    return {
        "wo": wo,
        "attachments": selectors.work_order_attachments(actor=user, work_order_id=wo.pk),
        "may_attach": services.action_refusal(actor=user, action=services.ATTACH, wo=wo) is None,
        "form": context.get("attachment_form") or AttachmentForm(for_customer=portal),
        "portal": portal,
        "upload_url": reverse(f"{namespace}:attachment_upload", args=[wo.pk]),
        "file_view": f"{namespace}:attachment_file",
        "thumbnail_view": f"{namespace}:attachment_thumbnail",
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
