"""The portal's attachments: a customer adds photos and documents to their own request and
opens those visible to them (scope and visibility: ``workorders.selectors.work_order_attachment``,
the same as the API's)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.portal.views import _detail, _user, portal_page
from aftersales.web.forms import form_status, submit
from aftersales.workorders.attachments import attachment_add, attachment_download
from aftersales.workorders.forms import AttachmentForm


@require_POST
@portal_page
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES, for_customer=True)
    added = submit(form, lambda: attachment_add(actor=_user(request), work_order_id=pk, file=form.cleaned_data["file"]))
    if added is not None:
        messages.success(request, _("Thank you. We have received %(name)s.") % {"name": added.name})
        return redirect(reverse("portal:detail", args=[pk]) + "#attachments")
    return _detail(request, pk, status=form_status(form), attachment_form=form)


@require_GET
@portal_page
def file(request: HttpRequest, pk: int, attachment_id: int) -> Any:  # a FileResponse
    return attachment_download(actor=_user(request), work_order_id=pk, attachment_id=attachment_id)


@require_GET
@portal_page
def thumbnail(request: HttpRequest, pk: int, attachment_id: int) -> Any:  # a FileResponse
    return attachment_download(actor=_user(request), work_order_id=pk, attachment_id=attachment_id, thumbnail=True)
