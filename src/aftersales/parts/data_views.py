"""Pages of the parts import (upload → dry run → confirm → progress) and the stock export (R-7.1,
R-13.2). Thin handlers over ``parts.imports`` and ``parts.stock_export``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.errors import DomainError, NotFound
from aftersales.core.errors import PermissionDenied as DomainPermissionDenied
from aftersales.parts import imports
from aftersales.parts.data_forms import ExportForm, ImportForm
from aftersales.parts.models.imports import PartsImport
from aftersales.parts.selectors import warehouse_list
from aftersales.parts.stock_export import may_export, stock_export
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, submit

if TYPE_CHECKING:
    from aftersales.accounts.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT = 10


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _hub(request: HttpRequest, form: ImportForm | None = None) -> HttpResponse:
    user = _user(request)
    may_import, exporting = imports.may_import(user), may_export(user)
    if not (may_import or exporting):
        raise PermissionDenied
    context = {
        "form": form or ImportForm(),
        "may_import": may_import,
        "may_export": exporting,
        "export_form": ExportForm(warehouses=warehouse_list(actor=user)) if exporting else None,
        "recent": list(imports.parts_import_scope(actor=user).select_related("created_by")[:RECENT]),
        "kinds": PartsImport.Kind.choices,
    }
    return render(request, "parts/data/hub.html", context, status=form_status(form) if form else 200)


@require_GET
@staff_page("parts.view_part")
def hub(request: HttpRequest) -> HttpResponse:
    return _hub(request)


@require_POST
@staff_page("parts.import_parts")
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    job = submit(
        form,
        lambda: imports.parts_import_upload(
            actor=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
        ),
    )
    if job is not None:
        return redirect("parts_data:import", job.pk)
    return _hub(request, form)


def _context(job: PartsImport) -> dict[str, Any]:
    return {
        "job": job,
        "errors": imports.shown_errors(job),
        "percent": imports.progress_percent(job),
        "running": job.status in (PartsImport.Status.QUEUED, PartsImport.Status.RUNNING),
    }


@require_GET
@staff_page("parts.import_parts")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = imports.parts_import_get(actor=request.user, import_id=pk)
    return render(request, "parts/data/import.html", _context(job))


@require_POST
@staff_page("parts.import_parts")
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = imports.parts_import_confirm(actor=request.user, import_id=pk)
    except (NotFound, DomainPermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("parts_data:import", pk)
    if job.status == PartsImport.Status.DONE:
        messages.success(request, _("The file was imported."))
    return redirect("parts_data:import", pk)


@require_GET
@staff_page("parts.import_parts")
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress region the import page polls while the worker runs (reads only)."""
    job = imports.parts_import_get(actor=request.user, import_id=pk)
    return render(request, "parts/data/import.html#progress", _context(job))


@require_GET
@staff_page("parts.import_parts")
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in PartsImport.Kind.values:
        raise NotFound()
    response = HttpResponse(imports.template_workbook(kind), content_type=XLSX)
    name = f"{PartsImport.Kind(kind).label}-{_('template')}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


@require_GET
@staff_page("parts.export_stock")
def export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ExportForm(request.GET, warehouses=warehouse_list(actor=user))
    warehouse_id = form.cleaned_data["warehouse"] if form.is_valid() else None
    name, data = stock_export(actor=user, warehouse_id=warehouse_id)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response
