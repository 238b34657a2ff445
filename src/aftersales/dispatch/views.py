"""The dispatcher's pages (R-5.1): the queue of work orders waiting for a technician with the
P1 approvals, and one work order's proposals with a button per technician (one click assigns).
Thin handlers over the same selectors and services as the API."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.errors import DomainError, NotFound, PermissionDenied
from aftersales.dispatch import automatic, escalations, proposals, selectors, services
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, submit
from aftersales.workorders.selectors import work_order_get

ASSIGN = "workorders.assign_workorder"


class AssignForm(forms.Form):
    technician_id = forms.IntegerField(min_value=1, max_value=2**53)
    note = forms.CharField(required=False, max_length=services.MAX_TEXT)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    reason = forms.CharField(required=False, max_length=services.MAX_TEXT)


@require_GET
@staff_page("workorders.view_workorder")
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (proposals.may_dispatch(user) or selectors.may_approve(user)):
        raise PermissionDenied()
    context = {
        "rows": selectors.dispatch_queue(actor=user),
        "approvals": selectors.approval_list(actor=user),
        "may_approve": selectors.may_approve(user),
        "settings": automatic.dispatch_settings(),
        "may_change_settings": user.has_perm(automatic.CHANGE),
    }
    return render(request, "dispatch/queue.html", context)


@require_GET
@staff_page(ASSIGN)
def work_order_proposals(request: HttpRequest, pk: int) -> HttpResponse:
    wo, rows = proposals.proposals_for(actor=request.user, work_order_id=pk)
    pending = [a for a in selectors.approval_list(actor=request.user) if a.work_order_id == wo.pk]
    return render(request, "dispatch/proposals.html", {"wo": wo, "rows": rows, "pending": pending})


@require_POST
@staff_page(ASSIGN)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a technician from the proposals."))
        return redirect("dispatch:proposals", pk=pk)
    try:
        result = services.dispatch_assign(actor=request.user, work_order_id=pk, **form.cleaned_data)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("dispatch:proposals", pk=pk)
    if result.outcome == "proposed":
        messages.success(request, _("P1: the proposal waits for a supervisor's approval."))
        return redirect("dispatch:proposals", pk=pk)
    messages.success(request, _("Assigned to %(name)s.") % {"name": result.work_order.assignee})
    return redirect("workorders:detail", pk=pk)


@require_POST
@staff_page("dispatch.approve_dispatch")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say approve or refuse."))
        return redirect("dispatch:queue")
    try:
        approval = services.approval_decide(actor=request.user, approval_id=pk, **form.cleaned_data)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        text = " ".join(str(t) for t in error.fields.values()) or str(error.message)
        messages.error(request, text)
        return redirect("dispatch:queue")
    if approval.status == "approved":
        messages.success(request, _("Approved: %(name)s is assigned.") % {"name": approval.technician})
    else:
        messages.success(request, _("Refused; the dispatcher is told."))
    return redirect("dispatch:queue")


@require_POST
@staff_page(automatic.CHANGE)
def settings_update(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("auto_assign") == "1"
    automatic.dispatch_settings_update(actor=request.user, auto_assign=on)
    if on:
        messages.success(request, _("P2 and P3 work orders are now assigned automatically when acknowledged."))
    else:
        messages.success(request, _("Automatic assignment is off."))
    return redirect("dispatch:queue")


class EscalateForm(forms.Form):
    expert = forms.TypedChoiceField(label=gettext_lazy("Technical expert"), coerce=int, required=False)
    question = forms.CharField(
        label=gettext_lazy("Question"),
        required=False,
        max_length=escalations.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["expert"])
        field.choices = [("", "—"), *((u.pk, str(u)) for u in escalations.experts())]


@require_http_methods(["GET", "POST"])
@staff_page("workorders.view_workorder")
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not escalations.may_ask(user):
        raise PermissionDenied()
    wo = work_order_get(actor=user, work_order_id=pk)
    form = EscalateForm(request.POST or None)
    done = submit(
        form,
        lambda: escalations.escalation_ask(
            actor=user, work_order_id=pk, expert_id=form.cleaned_data["expert"], question=form.cleaned_data["question"]
        ),
    )
    if done is not None:
        messages.success(request, _("The question was sent to %(name)s.") % {"name": done.expert})
        return redirect("workorders:detail", pk=pk)
    asked = escalations.escalation_scope(actor=user).filter(work_order=wo).select_related("expert").order_by("asked_at")
    context = {"form": form, "wo": wo, "asked": list(asked)}
    return render(request, "dispatch/escalate.html", context, status=form_status(form))


@require_GET
@staff_page("workorders.view_workorder")
def escalation_list(request: HttpRequest) -> HttpResponse:
    rows = list(
        escalations.escalation_scope(actor=request.user)
        .select_related("work_order", "expert", "asked_by")
        .order_by("answered_at", "-asked_at")[:100]
    )
    return render(request, "dispatch/escalations.html", {"rows": rows})


@require_POST
@staff_page("workorders.view_workorder")
def escalation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        escalations.escalation_answer(actor=request.user, escalation_id=pk, answer=request.POST.get("answer", ""))
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        messages.error(request, " ".join(str(t) for t in error.fields.values()) or str(error.message))
        return redirect("dispatch:escalations")
    messages.success(request, _("Answer recorded on the work order's timeline."))
    return redirect("dispatch:escalations")
