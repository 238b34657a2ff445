"""Supervisors' pages of staff profiles and certifications (R-10.1): the list with each
certification's state, a profile with its certifications, the forms, and the certifications
that end within 30 days. Thin handlers: a form parses, one service or selector is called."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.staff import forms, selectors, services
from aftersales.staff.eligibility import local_day
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, submit

VIEW = "staff.view_staffprofile"
MANAGE = "staff.manage_staffprofile"
SOON = dt.timedelta(days=selectors.EXPIRING_DAYS)


def _today() -> Any:
    return local_day(timezone.now())


@require_GET
@staff_page(VIEW)
def profile_list(request: HttpRequest) -> HttpResponse:
    form = forms.ListFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "region_id": data["region"].pk if data["region"] else None,
            "product_line_id": data["product_line"].pk if data["product_line"] else None,
            "search": data["q"].strip(),
        }
    rows = selectors.staff_profile_list(actor=request.user, **filters)
    today = _today()
    expiring = selectors.certifications_expiring(actor=request.user, day=today, limit=1000)
    context = {"form": form, "rows": rows, "today": today, "soon": today + SOON, "expiring": len(expiring)}
    return render(request, "staff/list.html", context)


@require_GET
@staff_page(VIEW)
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.staff_profile_get(actor=request.user, profile_id=pk)
    today = _today()
    context = {"profile": profile, "today": today, "soon": today + SOON}
    return render(request, "staff/detail.html", context)


@require_http_methods(["GET", "POST"])
@staff_page(MANAGE)
def profile_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = forms.NewProfileForm(request.POST or None, candidates=selectors.profile_candidates(actor=user))
    created = submit(form, lambda: services.staff_profile_create(actor=user, **form.values()))
    if created is not None:
        messages.success(request, _("Profile of %(name)s created.") % {"name": created.user})
        return redirect("staff:detail", pk=created.pk)
    return render(request, "staff/profile_form.html", {"form": form}, status=form_status(form))


@require_http_methods(["GET", "POST"])
@staff_page(MANAGE)
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    profile = selectors.staff_profile_get(actor=user, profile_id=pk)
    initial = {
        "team": profile.team,
        "regions": list(profile.regions.all()),
        "skills": list(profile.skills.all()),
        "is_senior": profile.is_senior,
        "calendar": profile.calendar,
        "daily_capacity": profile.daily_capacity,
    }
    form = forms.ProfileForm(request.POST or None, initial=initial)
    saved = submit(form, lambda: services.staff_profile_update(actor=user, profile_id=pk, **form.values()))
    if saved is not None:
        messages.success(request, _("Profile saved."))
        return redirect("staff:detail", pk=pk)
    return render(request, "staff/profile_form.html", {"form": form, "profile": profile}, status=form_status(form))


@require_http_methods(["GET", "POST"])
@staff_page(MANAGE)
def certification_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    profile = selectors.staff_profile_get(actor=user, profile_id=pk)
    form = forms.NewCertificationForm(request.POST or None)
    saved = submit(form, lambda: services.certification_add(actor=user, profile_id=pk, **form.values()))
    if saved is not None:
        messages.success(request, _("Certification added."))
        return redirect("staff:detail", pk=pk)
    context = {"form": form, "profile": profile}
    return render(request, "staff/certification_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@staff_page(MANAGE)
def certification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cert = selectors.certification_get(actor=user, certification_id=pk)
    initial = {"number": cert.number, "exam_date": cert.exam_date, "score": cert.score, "valid_until": cert.valid_until}
    form = forms.CertificationForm(request.POST or None, initial=initial)
    saved = submit(form, lambda: services.certification_update(actor=user, certification_id=pk, **form.values()))
    if saved is not None:
        messages.success(request, _("Certification saved."))
        return redirect("staff:detail", pk=cert.profile_id)
    context = {"form": form, "profile": cert.profile, "cert": cert}
    return render(request, "staff/certification_form.html", context, status=form_status(form))


@require_GET
@staff_page(VIEW)
def expiring(request: HttpRequest) -> HttpResponse:
    today = _today()
    rows = selectors.certifications_expiring(actor=request.user, day=today)
    return render(request, "staff/expiring.html", {"rows": rows, "today": today})
