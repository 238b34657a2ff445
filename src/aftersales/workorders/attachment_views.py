"""The staff pages' attachments: upload on the work-order detail page, and the files and
thumbnails it shows (scope and visibility: ``selectors.work_order_attachment``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, submit
from aftersales.workorders import attachments, selectors
from aftersales.workorders.forms import AttachmentForm
from aftersales.workorders.views import _detail_context


@require_POST
@staff_page("workorders.view_workorder")
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    form = AttachmentForm(request.POST, request.FILES)
    added = submit(
        form,
        lambda: attachments.attachment_add(
            actor=user,
            work_order_id=pk,
            file=form.cleaned_data["file"],
            visible_to_customer=form.cleaned_data["visible_to_customer"],
        ),
    )
    if added is not None:
        messages.success(request, _("%(name)s was attached.") % {"name": added.name})
        return redirect(reverse("workorders:detail", args=[pk]) + "#attachments")
    wo = selectors.work_order_get(actor=user, work_order_id=pk)
    context = {**_detail_context(user, wo), "attachment_form": form}
    return render(request, "workorders/detail.html", context, status=form_status(form))


@require_GET
@staff_page("workorders.view_workorder")
def attachment_file(request: HttpRequest, pk: int, attachment_id: int) -> Any:  # a FileResponse
    return attachments.attachment_download(actor=request.user, work_order_id=pk, attachment_id=attachment_id)


@require_GET
@staff_page("workorders.view_workorder")
def attachment_thumbnail(request: HttpRequest, pk: int, attachment_id: int) -> Any:  # a FileResponse
    return attachments.attachment_download(
        actor=request.user, work_order_id=pk, attachment_id=attachment_id, thumbnail=True
    )
