"""The technician's visit page (a phone at 390×844) and the supervisors' review of service reports
(R-6.2–R-6.4, R-6.7). Thin handlers: a form parses, one service is called, the page renders;
what the page offers is what ``visit_services.available_visit_actions`` allows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.errors import DomainError
from aftersales.fieldservice import visit_files
from aftersales.fieldservice import visit_forms as forms
from aftersales.fieldservice import visit_selectors as selectors
from aftersales.fieldservice import visit_services as services
from aftersales.fieldservice.models import Visit, VisitKind
from aftersales.web.access import staff_page
from aftersales.web.forms import show_domain_error
from aftersales.workorders import selectors as work_order_selectors

VIEW = "fieldservice.view_visit"
MAX_ID = 2**63 - 1


def _id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise Http404
    return value


def _warehouses(user: Any) -> list[tuple[int, str]]:
    from aftersales.parts import selectors as parts_selectors
    from aftersales.parts.models import Warehouse

    rows = parts_selectors.warehouse_scope(actor=user).filter(active=True)
    rows = rows.filter(kind=Warehouse.Kind.VAN, holder=user) | rows.filter(kind=Warehouse.Kind.BRANCH)
    return [(w.pk, str(w)) for w in rows.order_by("-kind", "code")]


@require_http_methods(["GET", "POST"])
@staff_page(VIEW)
def visit_for_work_order(request: HttpRequest, work_order_id: int) -> HttpResponse:
    """From the technician's list: his open visit of the work order, or the check-in buttons."""
    user: Any = request.user
    wo = work_order_selectors.work_order_get(actor=user, work_order_id=_id(work_order_id))
    existing = selectors.open_visit_for(actor=user, work_order_id=wo.pk)
    if existing is not None:
        return redirect("fieldservice:visit", visit_id=existing.pk)
    error = ""
    if request.method == "POST":
        kind = request.POST.get("kind", VisitKind.ON_SITE)
        try:
            visit = services.visit_check_in(
                actor=user,
                work_order_id=wo.pk,
                kind=kind,
                idempotency_key=(request.POST.get("idempotency_key") or None),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error = str(exc.message)
        else:
            messages.success(
                request, _("Checked in at %(time)s.") % {"time": f"{timezone.localtime(visit.checked_in_at):%H:%M}"}
            )
            return redirect("fieldservice:visit", visit_id=visit.pk)
    may_check_in = user.has_perm(selectors.PERM_RECORD) and wo.assignee_id == user.pk
    visits = selectors.visit_list(actor=user, work_order_id=wo.pk)
    context = {"wo": wo, "may_check_in": may_check_in, "error": error, "visits": visits}
    return render(request, "fieldservice/check_in.html", context, status=422 if error else 200)


def _page(
    request: HttpRequest, visit: Visit, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    allowed = services.available_visit_actions(actor=user, visit=visit)
    remote = visit.kind == VisitKind.REMOTE
    bound = bound or {}
    record_form = bound.get("record") or forms.RecordForm(
        remote=remote,
        initial={
            **{name: getattr(visit, name) for name in services.TEXT_FIELDS},
            "fixed": "" if visit.fixed is None else str(int(visit.fixed)),
            "product_score": visit.product_score or "",
            "service_score": visit.service_score or "",
            "opinion": visit.opinion,
        },
    )
    context = {
        "visit": visit,
        "wo": visit.work_order,
        "allowed": allowed,
        "editable": "edit" in allowed,
        "record_form": record_form,
        "part_form": bound.get("part") or forms.PartForm(warehouses=_warehouses(user)) if "edit" in allowed else None,
        "photo_form": bound.get("photo") or forms.PhotoForm(),
        "sign_form": bound.get("sign") or forms.SignForm(),
        "action_error": bound.get("error", ""),
        "photos": list(visit.photos.all()),
        "parts": list(visit.parts.select_related("part", "warehouse")),
        "photos_required": services.photos_required() and not remote,
        "intact": services.content_intact(visit) if visit.is_signed else None,
    }
    return render(request, "fieldservice/visit.html", context, status=status)


@require_GET
@staff_page(VIEW)
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_get(actor=request.user, visit_id=_id(visit_id))
    return _page(request, visit)


@require_POST
@staff_page(VIEW)
def visit_action(request: HttpRequest, visit_id: int, name: str) -> HttpResponse:
    """One step of the visit: record, part, photo, delete a photo, sign, submit."""
    user: Any = request.user
    visit = selectors.visit_get(actor=user, visit_id=_id(visit_id))
    bound: dict[str, Any] = {}
    key = request.POST.get("idempotency_key") or None
    try:
        if name == "record":
            form = forms.RecordForm(request.POST, remote=visit.kind == VisitKind.REMOTE)
            bound["record"] = form
            if form.is_valid():
                services.visit_record(actor=user, visit_id=visit.pk, data=form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("fieldservice:visit", visit_id=visit.pk)
        elif name == "part":
            form = forms.PartForm(request.POST, warehouses=_warehouses(user))  # type: ignore[assignment]
            bound["part"] = form
            if form.is_valid():
                from aftersales.parts import selectors as parts_selectors

                part = parts_selectors.part_by_code(actor=user, code=form.cleaned_data["part_code"])
                if part is None:
                    form.add_error("part_code", _("No part with this code."))
                else:
                    services.visit_use_part(
                        actor=user,
                        visit_id=visit.pk,
                        part_id=part.pk,
                        warehouse_id=form.cleaned_data["warehouse_id"],
                        quantity=form.cleaned_data["quantity"],
                        idempotency_key=key,
                    )
                    messages.success(request, _("Part recorded."))
                    return redirect("fieldservice:visit", visit_id=visit.pk)
        elif name == "photo":
            form = forms.PhotoForm(request.POST, request.FILES)  # type: ignore[assignment]
            bound["photo"] = form
            if form.is_valid():
                services.visit_photo_add(
                    actor=user,
                    visit_id=visit.pk,
                    stage=form.cleaned_data["stage"],
                    file=form.cleaned_data["file"],
                    idempotency_key=key,
                )
                messages.success(request, _("Photo added."))
                return redirect("fieldservice:visit", visit_id=visit.pk)
        elif name == "photo-delete":
            photo_id = request.POST.get("photo_id", "")
            if not photo_id.isdigit() or not 0 < int(photo_id) <= MAX_ID:
                raise Http404
            services.visit_photo_delete(actor=user, visit_id=visit.pk, photo_id=int(photo_id))
            return redirect("fieldservice:visit", visit_id=visit.pk)
        elif name == "sign":
            from aftersales.parts.property_services import signature_from_data_url

            form = forms.SignForm(request.POST)  # type: ignore[assignment]
            bound["sign"] = form
            if form.is_valid():
                services.visit_sign(
                    actor=user,
                    visit_id=visit.pk,
                    signer_name=form.cleaned_data["signer_name"],
                    signature=b""
                    if form.cleaned_data["use_seal"]
                    else signature_from_data_url(form.cleaned_data["signature"]),
                    use_seal=form.cleaned_data["use_seal"],
                )
                messages.success(request, _("Signed. The report can no longer be changed."))
                return redirect("fieldservice:visit", visit_id=visit.pk)
        elif name == "submit":
            services.visit_submit(actor=user, visit_id=visit.pk, idempotency_key=key)
            messages.success(request, _("The report was submitted for review."))
            return redirect("fieldservice:visit", visit_id=visit.pk)
        else:
            raise Http404
    except DomainError as exc:
        if exc.status == 404:
            raise
        if exc.status == 403 and exc.code == "permission_denied":
            raise
        target = {"record": "record", "part": "part", "photo": "photo", "sign": "sign"}.get(name)
        if target and target in bound:
            show_domain_error(bound[target], exc)
        else:
            bound["error"] = str(exc.message)
    visit.refresh_from_db()
    return _page(request, visit, bound=bound, status=422)


@require_GET
@staff_page(VIEW)
def visit_photo(request: HttpRequest, visit_id: int, photo_id: int, size: str) -> Any:  # a FileResponse
    if size not in ("full", "thumbnail"):
        raise Http404
    return visit_files.photo_response(
        actor=request.user, visit_id=_id(visit_id), photo_id=_id(photo_id), thumbnail=size == "thumbnail"
    )


@require_GET
@staff_page(VIEW)
def visit_signature(request: HttpRequest, visit_id: int) -> Any:  # a FileResponse
    return visit_files.signature_response(actor=request.user, visit_id=_id(visit_id))


@require_GET
@staff_page(VIEW)
def visit_report_pdf(request: HttpRequest, visit_id: int) -> HttpResponse:
    return visit_files.report_pdf_response(actor=request.user, visit_id=_id(visit_id))


@require_GET
@staff_page(selectors.PERM_REVIEW)
def reports(request: HttpRequest) -> HttpResponse:
    """Supervisors: the submitted reports, oldest first, late ones marked."""
    rows = selectors.reports_to_review(actor=request.user)
    recent = selectors.visit_list(actor=request.user, status="approved")[:20]
    return render(request, "fieldservice/reports.html", {"rows": rows, "recent": recent})


@require_http_methods(["GET", "POST"])
@staff_page(VIEW)
def report_review(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The report as the supervisor reviews it: approve, or return with a comment."""
    user: Any = request.user
    visit = selectors.visit_get(actor=user, visit_id=_id(visit_id))
    form = forms.ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "return"):
            raise Http404
        if form.is_valid():
            try:
                if decision == "approve":
                    visit = services.visit_approve(actor=user, visit_id=visit.pk, comment=form.cleaned_data["comment"])
                    messages.success(request, _("Approved: %(number)s.") % {"number": visit.archive_number})
                else:
                    services.visit_return(actor=user, visit_id=visit.pk, comment=form.cleaned_data["comment"])
                    messages.success(request, _("Returned to the technician."))
                return redirect("fieldservice:report", visit_id=visit.pk)
            except DomainError as exc:
                if exc.status == 404 or exc.code == "permission_denied":
                    raise
                show_domain_error(form, exc)
        status = 422
    allowed = services.available_visit_actions(actor=user, visit=visit)
    context = {
        "visit": visit,
        "wo": visit.work_order,
        "form": form,
        "may_review": "review" in allowed,
        "photos": list(visit.photos.all()),
        "parts": list(visit.parts.select_related("part", "warehouse")),
        "intact": services.content_intact(visit) if visit.is_signed else None,
    }
    return render(request, "fieldservice/report.html", context, status=status)
