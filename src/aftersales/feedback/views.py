"""The feedback pages: incidents, a work order's complaint, quality feedback, opinions.
Thin handlers over the services and selectors (every rule is checked there)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError, NotFound
from aftersales.core.limits import MAX_ID
from aftersales.core.pagination import InvalidCursor
from aftersales.customers.selectors import customer_get
from aftersales.feedback import complaints, incidents, quality, selectors
from aftersales.feedback.forms import (
    AcknowledgeForm,
    AnswerForm,
    CloseIncidentForm,
    ComplaintForm,
    FollowUpForm,
    HandleForm,
    IncidentFilterForm,
    OpinionForm,
    QualityFilterForm,
    QualityForm,
    QualityStepForm,
    ReadBackForm,
    TickForm,
)
from aftersales.feedback.incidents import LEVEL_OWNER_LABEL, TASK_LABELS
from aftersales.feedback.models import Complaint, Incident, Level
from aftersales.web.access import staff_page
from aftersales.web.forms import show_domain_error
from aftersales.workorders.selectors import work_order_get

LIST_LIMIT = 30  # the newest first; filters narrow it (as the work-order list's first page)


# ---- incidents --------------------------------------------------------------------------------


@staff_page(incidents.PERM_VIEW)
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET)
    values = form.values()
    filters = selectors.IncidentFilters(
        product_model_id=values["product_model"],
        batch=(values["batch"] or "").strip(),
        status=values["status"],
        level=values["level"],
    )
    page = form.page(lambda cursor: selectors.incident_page(actor=request.user, filters=filters, cursor=cursor))
    # The choices' labels once per page (get_FOO_display hashes lazy choices on every call).
    levels, statuses = {k: str(v) for k, v in Level.choices}, {k: str(v) for k, v in Incident.Status.choices}
    for row in page.items:
        row.level_label, row.status_label = levels[row.level], statuses[row.status]  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "incidents": page.items,
        "reports_label": _("Reports"),
        "opened_label": _("opened"),
    }
    return render(request, "feedback/incident_list.html", context)


def _incident(request: HttpRequest, incident_id: int) -> Incident:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    if incident is None:
        raise Http404
    return incident


def _incident_context(request: HttpRequest, incident: Incident, **extra: Any) -> dict[str, Any]:
    levels = selectors.incident_levels(incident)
    owners = {lv.level: lv.owner_id for lv in levels}
    tasks = selectors.incident_tasks([incident])[incident.pk]
    by_day = selectors.incident_reports_by_day(incident)
    checklist = [
        {
            "task": task,
            "label": TASK_LABELS.get(task.kind, task.kind),
            "may_tick": task.done_at is None
            and incident.status == Incident.Status.OPEN
            and incidents.may_tick(request.user, incident, task.level, owners),
        }
        for task in tasks
    ]
    may_close = incident.status == Incident.Status.OPEN and (
        request.user.has_perm(incidents.PERM_MANAGE) or owners.get(incident.level) == request.user.pk
    )
    return {
        "incident": incident,
        "levels": [(lv, LEVEL_OWNER_LABEL[lv.level]) for lv in levels],
        "checklist": checklist,
        "regions": selectors.incident_reports_by_region(incident),
        "orders": _orders_page(request, incident),
        "chart": {"days": [d for d, _n in by_day], "counts": [n for _d, n in by_day]},
        "may_close": may_close,
        "close_form": extra.pop("close_form", None) or CloseIncidentForm(),
        **extra,
    }


def _orders_page(request: HttpRequest, incident: Incident) -> Any:
    """The page of work orders behind the incident at the query string's cursor (a cursor the
    server did not make: the first page)."""
    cursor = request.GET.get("cursor") or None
    try:
        return selectors.incident_work_orders(incident=incident, cursor=cursor)
    except InvalidCursor:
        return selectors.incident_work_orders(incident=incident)


@staff_page(incidents.PERM_VIEW)
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    htmx: Any = getattr(request, "htmx", None)
    if htmx and htmx.target == "incident-orders":  # the next page of work orders only
        context = {"incident": incident, "orders": _orders_page(request, incident)}
        return render(request, "feedback/incident_detail.html#orders", context)
    return render(request, "feedback/incident_detail.html", _incident_context(request, incident))


@require_POST
@staff_page(incidents.PERM_VIEW)
def incident_task_tick(request: HttpRequest, incident_id: int, task_id: int) -> HttpResponse:
    form = TickForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        incidents.incident_task_tick(actor=request.user, incident_id=incident_id, task_id=task_id, note=note)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Checklist item ticked."))
    return HttpResponseRedirect(reverse("feedback:incident", args=[incident_id]) + "#checklist")


@require_POST
@staff_page(incidents.PERM_VIEW)
def incident_close(request: HttpRequest, incident_id: int) -> HttpResponse:
    form = CloseIncidentForm(request.POST)
    if form.is_valid():
        try:
            incidents.incident_close(actor=request.user, incident_id=incident_id, note=form.cleaned_data["note"])
        except DomainError as error:
            if error.status in (403, 404):
                raise
            show_domain_error(form, error)
        else:
            messages.success(request, _("The incident is closed."))
            return HttpResponseRedirect(reverse("feedback:incident", args=[incident_id]))
    incident = _incident(request, incident_id)
    context = _incident_context(request, incident, close_form=form)
    return render(request, "feedback/incident_detail.html", context, status=422)


# ---- a work order's complaint -----------------------------------------------------------------


def _complaint_forms(request: HttpRequest, wo: Any, posted: dict[str, Any]) -> dict[str, Any]:
    previous = selectors.previous_work_orders(actor=request.user, work_order_id=wo.pk)
    staff = selectors.staff_choices()
    return {
        "record_form": posted.get("record") or ComplaintForm(people=staff, previous=previous),
        "read_back_form": posted.get("read_back") or ReadBackForm(),
        "ack_form": posted.get("ack") or AcknowledgeForm(),
        "handle_form": posted.get("handle") or HandleForm(staff=staff),
        "follow_up_form": posted.get("follow_up") or FollowUpForm(),
    }


def _complaint_page(request: HttpRequest, work_order_id: int, posted: dict[str, Any] | None = None) -> HttpResponse:
    try:
        wo = work_order_get(actor=request.user, work_order_id=work_order_id)
    except Exception as exc:  # the selector's NotFound
        raise Http404 from exc
    complaint = selectors.complaint_for(actor=request.user, work_order_id=wo.pk)
    user: Any = request.user
    context = {
        "wo": wo,
        "complaint": complaint,
        "may_record": user.has_perm(complaints.PERM_ADD),
        "may_handle": user.has_perm(complaints.PERM_HANDLE),
        "may_follow_up": user.has_perm(complaints.PERM_FOLLOW_UP),
        "about_this": selectors.complaints_about(actor=request.user, work_order_id=wo.pk),
        **_complaint_forms(request, wo, posted or {}),
    }
    status = 422 if posted else 200
    return render(request, "feedback/complaint.html", context, status=status)


@staff_page("workorders.view_workorder")
def complaint_page(request: HttpRequest, work_order_id: int) -> HttpResponse:
    return _complaint_page(request, work_order_id)


STEPS = {"record", "read_back", "ack", "handle", "follow_up"}


@require_POST
@staff_page("workorders.view_workorder")
def complaint_step(request: HttpRequest, work_order_id: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    form: Any
    if step == "record":
        form = ComplaintForm(request.POST, people=selectors.staff_choices(), previous=[])
        form.fields["about_work_order"].widget.choices = []
    elif step == "read_back":
        form = ReadBackForm(request.POST)
    elif step == "ack":
        form = AcknowledgeForm(request.POST)
    elif step == "handle":
        form = HandleForm(request.POST, staff=selectors.staff_choices())
    else:
        form = FollowUpForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _run_step(request.user, work_order_id, step, data)
        except DomainError as error:
            if error.status in (403, 404):
                raise Http404 if error.status == 404 else PermissionDenied from error
            show_domain_error(
                form,
                error,
                {"about_person_id": "about_person", "about_work_order_id": "about_work_order", "owner_id": "owner"},
            )
        else:
            messages.success(request, STEP_DONE[step])
            return HttpResponseRedirect(reverse("feedback:complaint", args=[work_order_id]))
    if step == "record":  # the previous work orders again, for the form that comes back
        return _complaint_page(request, work_order_id, {"record": _with_previous(request, form, work_order_id)})
    return _complaint_page(request, work_order_id, {step: form})


def _with_previous(request: HttpRequest, form: ComplaintForm, work_order_id: int) -> ComplaintForm:
    rows = selectors.previous_work_orders(actor=request.user, work_order_id=work_order_id)
    form.fields["about_work_order"].widget.choices = [("", _("(none)")), *rows]
    return form


STEP_DONE = {
    "record": _("The complaint is recorded. Read it back to the customer."),
    "read_back": _("The customer confirmed the summary."),
    "ack": _("The complaint is acknowledged."),
    "handle": _("The handling is recorded."),
    "follow_up": _("The follow-up call is recorded."),
}


def _run_step(actor: Any, work_order_id: int, step: str, data: dict[str, Any]) -> Complaint:
    if step == "record":
        return complaints.complaint_record(
            actor=actor,
            work_order_id=work_order_id,
            about=data["about"],
            content=data["content"],
            mood=data["mood"],
            expected_solution=data["expected_solution"],
            about_person_id=data["about_person"],
            about_work_order_id=data["about_work_order"],
        )
    if step == "read_back":
        return complaints.complaint_read_back(
            actor=actor, work_order_id=work_order_id, confirmed_by_name=data["confirmed_by_name"]
        )
    if step == "ack":
        return complaints.complaint_acknowledge(
            actor=actor, work_order_id=work_order_id, expected_handling_at=data["expected_handling_at"]
        )
    if step == "handle":
        return complaints.complaint_handle(
            actor=actor,
            work_order_id=work_order_id,
            owner_id=data["owner"],
            investigation=data["investigation"],
            proposed_solution=data["proposed_solution"],
            agreed_by_name=data["agreed_by_name"],
            agreed_how=data["agreed_how"],
            agreed_at=data["agreed_at"],
        )
    return complaints.complaint_follow_up(
        actor=actor, work_order_id=work_order_id, satisfaction=data["satisfaction"], note=data["note"]
    )


# ---- quality feedback (R-8.3) -----------------------------------------------------------------

QUALITY_STEP_LABELS = {
    "analyse": _lazy("Cause analysis"),
    "act": _lazy("Corrective action"),
    "verify": _lazy("Verification"),
    "close": _lazy("Close"),
}


def _scoped_work_order(request: HttpRequest, value: str | None) -> Any:
    if not value or not value.isdigit() or int(value) > MAX_ID:
        return None
    wo = selectors.feedback_work_order(actor=request.user, work_order_id=int(value))
    if wo is None:
        raise Http404
    return wo


@staff_page(quality.PERM_RAISE)
def quality_create(request: HttpRequest) -> HttpResponse:
    wo = _scoped_work_order(request, request.GET.get("work_order") or request.POST.get("work_order"))
    models = selectors.product_model_choices()
    photos = selectors.work_order_photos(wo) if wo else []
    initial = {}
    if wo is not None:
        product = wo.installed_product
        initial = {
            "product_model": wo.product_model_id,
            "batch": product.batch if product else "",
            "serials": wo.serial_number,
            "symptom": wo.symptom,
        }
    form = QualityForm(request.POST or None, initial=initial, models=models, photos=photos)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = quality.quality_raise(
                actor=request.user,
                work_order_id=wo.pk if wo else None,
                product_model_id=data["product_model"],
                batch=data["batch"],
                serials=data["serials"],
                symptom=data["symptom"],
                frequency=data["frequency"],
                assessment=data["assessment"],
                photo_ids=[int(p) for p in data.get("photos") or []],
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            show_domain_error(form, error, {"photo_ids": "photos"})
        else:
            messages.success(
                request, _("Quality feedback %(number)s sent to the quality department.") % {"number": created.number}
            )
            return HttpResponseRedirect(reverse("feedback:quality", args=[created.pk]))
    status = 422 if request.method == "POST" else 200
    return render(request, "feedback/quality_create.html", {"form": form, "wo": wo}, status=status)


@staff_page("workorders.view_workorder")
def quality_list(request: HttpRequest) -> HttpResponse:
    form = QualityFilterForm(request.GET)
    values = form.values()
    rows = list(
        selectors.quality_list(actor=request.user, status=values["status"], overdue_only=bool(values["overdue"]))[
            :LIST_LIMIT
        ]
    )
    return render(
        request,
        "feedback/quality_list.html",
        {"form": form, "forms": rows, "limit": LIST_LIMIT, "now": timezone.now()},
    )


def _quality_page(request: HttpRequest, feedback_id: int, step_form: Any = None, status: int = 200) -> HttpResponse:
    form = selectors.quality_get(actor=request.user, feedback_id=feedback_id)
    if form is None:
        raise Http404
    next_step = next((step for step, (_f, needs, _t) in quality.STEPS.items() if needs == form.status), None)
    user: Any = request.user
    context = {
        "qf": form,
        "photos": selectors.quality_photos(form),
        "next_step": next_step,
        "next_label": QUALITY_STEP_LABELS.get(next_step or "", ""),
        "may_handle": user.has_perm(quality.PERM_HANDLE),
        "step_form": step_form or QualityStepForm(),
        "overdue": form.status != "closed" and form.overdue_at <= timezone.now(),
    }
    return render(request, "feedback/quality_detail.html", context, status=status)


@staff_page("workorders.view_workorder")
def quality_detail(request: HttpRequest, feedback_id: int) -> HttpResponse:
    return _quality_page(request, feedback_id)


@require_POST
@staff_page("workorders.view_workorder")
def quality_step(request: HttpRequest, feedback_id: int, step: str) -> HttpResponse:
    if step not in quality.STEPS:
        raise Http404
    form = QualityStepForm(request.POST)
    if form.is_valid():
        try:
            quality.quality_step(actor=request.user, feedback_id=feedback_id, step=step, text=form.cleaned_data["text"])
        except DomainError as error:
            if error.status in (403, 404):
                raise
            show_domain_error(form, error)
        else:
            messages.success(request, _("Recorded."))
            return HttpResponseRedirect(reverse("feedback:quality", args=[feedback_id]))
    return _quality_page(request, feedback_id, step_form=form, status=422)


# ---- opinions, suggestions, praise (R-8.2) ------------------------------------------------------


@staff_page("feedback.add_opinion")
def opinion_create(request: HttpRequest) -> HttpResponse:
    wo = _scoped_work_order(request, request.GET.get("work_order") or request.POST.get("work_order"))
    customer = wo.customer if wo else None
    raw_customer = request.GET.get("customer") or request.POST.get("customer")
    if customer is None and raw_customer and raw_customer.isdigit() and int(raw_customer) <= MAX_ID:
        try:
            customer = customer_get(actor=request.user, customer_id=int(raw_customer))
        except NotFound as exc:
            raise Http404 from exc
    form = OpinionForm(
        request.POST or None,
        technicians=selectors.technician_choices(),
        initial={"channel": "phone", "department": "service"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quality.opinion_record(
                actor=request.user,
                kind=data["kind"],
                channel=data["channel"],
                text=data["text"],
                department=data["department"],
                customer_id=customer.pk if customer else None,
                work_order_id=wo.pk if wo else None,
                technician_id=data["technician"],
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            show_domain_error(form, error, {"technician_id": "technician"})
        else:
            messages.success(request, _("Recorded and routed to the department."))
            return HttpResponseRedirect(reverse("feedback:opinions"))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "feedback/opinion_create.html", {"form": form, "wo": wo, "customer": customer}, status=status
    )


@staff_page("feedback.view_opinion")
def opinion_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.opinion_list(actor=request.user)[:LIST_LIMIT])
    user: Any = request.user
    return render(
        request,
        "feedback/opinion_list.html",
        {"opinions": rows, "limit": LIST_LIMIT, "may_answer": user.has_perm("feedback.change_opinion")},
    )


@require_POST
@staff_page("feedback.view_opinion")
def opinion_answer(request: HttpRequest, opinion_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    text = form.cleaned_data["answer"] if form.is_valid() else ""
    try:
        quality.opinion_answer(actor=request.user, opinion_id=opinion_id, answer=text)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The answer is recorded."))
    return HttpResponseRedirect(reverse("feedback:opinions"))
