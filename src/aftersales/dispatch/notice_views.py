"""Pages of the service notices (R-5.3): a work order's notices with the dispatcher's "签发服务通知单"
form, one notice (its document and PDF), and the list of the notices a reader sees (a technician:
his own). Customers never see them (404). Thin handlers over dispatch.notices."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.core.errors import DomainError, PermissionDenied
from aftersales.dispatch import notices
from aftersales.dispatch.notice_documents import notice_context, notice_pdf_response
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, show_domain_error
from aftersales.workorders.models import WorkOrder

PART_ROWS = 5
VIEW = "workorders.view_workorder"


def notice_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff who see work orders; a customer (portal) user gets the 404 page, not the 403."""
    staff_view = staff_page(VIEW)(view)

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if cast(Any, request.user).is_customer_user:
            raise Http404
        return staff_view(request, *args, **kwargs)

    return wrapped


class NoticeForm(forms.Form):
    helper_ids = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Helpers"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=gettext_lazy("Other technicians going along (optional)."),
    )
    tools = forms.CharField(
        label=gettext_lazy("Tools to bring"),
        required=False,
        max_length=notices.MAX_TOOLS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, work_order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["helper_ids"])
        field.choices = [(u.pk, str(u)) for u in notices.helper_choices(work_order=work_order)]
        for i in range(PART_ROWS):
            self.fields[f"part_code_{i}"] = forms.CharField(
                label=gettext_lazy("Part number"),
                required=False,
                max_length=64,
                widget=forms.TextInput(attrs={"list": "notice-parts", "autocomplete": "off"}),
            )
            self.fields[f"quantity_{i}"] = forms.IntegerField(
                label=gettext_lazy("Quantity"), required=False, min_value=1, max_value=notices.MAX_QUANTITY
            )

    def part_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"part_code_{i}"], self[f"quantity_{i}"]) for i in range(PART_ROWS)]

    def part_lines(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The filled rows as the service's lines, and where each line's error goes on the form."""
        lines: list[dict[str, Any]] = []
        field_of: dict[str, str] = {}
        for i in range(PART_ROWS):
            code = (self.cleaned_data.get(f"part_code_{i}") or "").strip()
            quantity = self.cleaned_data.get(f"quantity_{i}")
            if not code and quantity is None:
                continue
            field_of[f"parts.{len(lines)}"] = f"part_code_{i}"
            lines.append({"code": code, "quantity": quantity if quantity is not None else 1})
        return lines, field_of


def _panel_context(request: HttpRequest, wo: WorkOrder, rows: list[Any], form: NoticeForm | None) -> dict[str, Any]:
    return {
        "wo": wo,
        "notices": rows,
        "form": form,
        "part_choices": notices.notice_part_choices(work_order=wo) if form is not None else [],
    }


@require_http_methods(["GET", "POST"])
@notice_page
def work_order_notices(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    wo, rows = notices.notice_work_order_list(actor=user, work_order_id=pk)
    may_issue = notices.may_issue(user)
    if request.method == "POST" and not may_issue:
        raise PermissionDenied()
    form = NoticeForm(request.POST if request.method == "POST" else None, work_order=wo) if may_issue else None
    if form is not None and form.is_bound and form.is_valid():
        lines, field_of = form.part_lines()
        try:
            notice = notices.service_notice_issue(
                actor=user,
                work_order_id=wo.pk,
                helper_ids=form.cleaned_data["helper_ids"],
                tools=form.cleaned_data["tools"],
                parts=lines,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            show_domain_error(form, error, field_of=field_of)
        else:
            messages.success(request, _("Service notice %(number)s issued and sent.") % {"number": notice.number})
            return redirect(reverse("workorders:detail", args=[wo.pk]) + "#service-notices")
    context = _panel_context(request, wo, rows, form)
    return render(request, "dispatch/notices.html", context, status=form_status(form) if form else 200)


@require_GET
@notice_page
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.notice_get(actor=request.user, notice_id=pk)
    return render(request, "dispatch/notice.html", notice_context(notice, reader=request.user))


@require_GET
@notice_page
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return notice_pdf_response(actor=request.user, notice_id=pk)


@require_GET
@notice_page
def notice_list(request: HttpRequest) -> HttpResponse:
    rows = notices.notice_list(actor=request.user, limit=100)
    return render(request, "dispatch/notice_list.html", {"notices": rows})
