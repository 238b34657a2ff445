"""The administrator's SLA policy pages (R-4.2, R-4.9): the list, a policy with its target rules,
and the preview of the targets a sample request would get. Thin handlers over
``policy_services`` and the selectors; only for users with the SLA policy permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.errors import DomainError, NotFound
from aftersales.sla import policy_services, selectors
from aftersales.sla.forms import PolicyEditForm, PolicyForm, PolicyPreviewForm, RuleForm
from aftersales.sla.models import SlaPolicy
from aftersales.web.forms import show_domain_error

_guard = permission_required(selectors.POLICY_PERMISSION, raise_exception=True)
# A service's argument → the page's field that holds it.
FIELD_OF = {"duration_seconds": "hours", "duration_days": "days"}


def _lookups() -> dict[str, Any]:
    from aftersales.catalog.selectors import product_line_list
    from aftersales.customers.models import CustomerCategory

    return {
        "categories": list(CustomerCategory.objects.order_by("code")),
        "lines": list(product_line_list()),
        "calendars": list(selectors.calendar_list()),
    }


def _policy(request: HttpRequest, policy_id: int) -> SlaPolicy:
    try:
        return selectors.sla_policy_get(actor=request.user, policy_id=policy_id)
    except NotFound:
        raise Http404 from None


def _url(policy: SlaPolicy) -> str:
    return reverse("sla:policy", args=[policy.pk])


@require_GET
@login_required
@_guard
def policy_list(request: HttpRequest) -> HttpResponse:
    policies = selectors.sla_policy_list(actor=request.user)
    return render(request, "sla/policy_list.html", {"policies": policies})


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(policy_services.ADD_PERMISSION, raise_exception=True)
def policy_create(request: HttpRequest) -> HttpResponse:
    lookups = _lookups()
    form = PolicyForm(request.POST or None, **lookups)
    if request.method == "POST" and form.is_valid():
        try:
            policy = policy_services.sla_policy_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc, FIELD_OF)
        else:
            messages.success(request, _("Policy created. Add its target rules, then activate it."))
            return HttpResponseRedirect(_url(policy))
    status = 422 if request.method == "POST" else 200
    return render(request, "sla/policy_create.html", {"form": form}, status=status)


def _edit_page(
    request: HttpRequest,
    policy: SlaPolicy,
    *,
    form: PolicyEditForm | None = None,
    add_form: RuleForm | None = None,
    bound_rule: tuple[int, RuleForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    lookups = _lookups()
    if form is None:
        initial = {name: getattr(policy, name) for name in policy_services.POLICY_FIELDS}
        form = PolicyEditForm(initial=initial, **lookups)
    rules = []
    for rule in selectors.rules_in_order(policy.rules.all()):
        bound = bound_rule[1] if bound_rule and bound_rule[0] == rule.pk else None
        form_ = bound or RuleForm.for_rule(rule, auto_id=f"id_rule{rule.pk}_%s")
        rules.append({"rule": rule, "form": form_, "open": bound is not None})
    preview = PolicyPreviewForm(
        initial={
            "received_at": timezone.localtime().replace(second=0, microsecond=0),
            "priority": policy.priority,
            "service_type": policy.service_type,
            "customer_category_id": policy.customer_category_id,
            "product_line_id": policy.product_line_id,
        },
        categories=lookups["categories"],
        lines=lookups["lines"],
        auto_id="id_preview_%s",
    )
    context = {
        "policy": policy,
        "form": form,
        "rules": rules,
        "add_form": add_form or RuleForm(auto_id="id_add_%s"),
        "add_open": add_form is not None,
        "preview_form": preview,
    }
    return render(request, "sla/policy_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@_guard
def policy_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    if request.method == "GET":
        return _edit_page(request, policy)
    form = PolicyEditForm(request.POST, **_lookups())
    if form.is_valid():
        try:
            policy_services.sla_policy_update(actor=request.user, policy_id=policy.pk, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc, FIELD_OF)
        else:
            messages.success(request, _("Policy saved."))
            return HttpResponseRedirect(_url(policy))
    return _edit_page(request, policy, form=form, status=422)


@require_POST
@login_required
@_guard
def rule_add(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    form = RuleForm(request.POST, auto_id="id_add_%s")
    if form.is_valid():
        try:
            policy_services.sla_rule_add(actor=request.user, policy_id=policy.pk, **form.service_values())
        except DomainError as exc:
            show_domain_error(form, exc, FIELD_OF)
        else:
            messages.success(request, _("Rule added."))
            return HttpResponseRedirect(_url(policy) + "#rules")
    return _edit_page(request, _policy(request, policy_id), add_form=form, status=422)


@require_POST
@login_required
@_guard
def rule_edit(request: HttpRequest, policy_id: int, rule_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    if not any(rule.pk == rule_id for rule in policy.rules.all()):
        raise Http404
    form = RuleForm(request.POST, auto_id=f"id_rule{rule_id}_%s")
    if form.is_valid():
        try:
            policy_services.sla_rule_update(actor=request.user, rule_id=rule_id, **form.service_values())
        except DomainError as exc:
            show_domain_error(form, exc, FIELD_OF)
        else:
            messages.success(request, _("Rule saved."))
            return HttpResponseRedirect(_url(policy) + "#rules")
    return _edit_page(request, _policy(request, policy_id), bound_rule=(rule_id, form), status=422)


@require_POST
@login_required
@_guard
def rule_delete(request: HttpRequest, policy_id: int, rule_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    if not any(rule.pk == rule_id for rule in policy.rules.all()):
        raise Http404
    try:
        policy_services.sla_rule_delete(actor=request.user, rule_id=rule_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Rule deleted."))
    return HttpResponseRedirect(_url(policy) + "#rules")


@require_GET
@login_required
@_guard
def policy_preview(request: HttpRequest) -> HttpResponse:
    """htmx partial: the targets a sample request (received time, priority, service type,
    customer category, product line) would get, with their due times."""
    lookups = _lookups()
    form = PolicyPreviewForm(request.GET, categories=lookups["categories"], lines=lookups["lines"])
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        try:
            policy, targets = selectors.sla_policy_preview(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            context["error"] = exc
        else:
            context["policy"] = policy
            context["targets"] = [
                {
                    "target": t,
                    "duration": selectors.duration_words(clock=t.clock, seconds=t.duration_seconds),
                    "clock": selectors.CLOCK_WORDS[t.clock],
                }
                for t in targets
            ]
    return render(request, "sla/_policy_preview.html", context)
