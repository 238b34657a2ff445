"""The administrator's working-calendar page (R-4): exceptions per year, working hours and the
warning for years computed as plain Monday-Friday. Thin handlers over services and selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.errors import DomainError, NotFound
from aftersales.sla import selectors, services
from aftersales.sla.errors import CalendarErrorCode
from aftersales.sla.forms import CalendarDaysForm, CalendarFilterForm, ComplianceForm, PreviewForm, WorkingPeriodForm
from aftersales.sla.models import Calendar, WorkingPeriod
from aftersales.sla.official import known_years
from aftersales.sla.timeline import MAX_YEAR, MIN_YEAR
from aftersales.web.forms import show_domain_error
from aftersales.workorders.forms import NOBODY

PERMISSION = services.CALENDAR_PERMISSION
_guard = permission_required(PERMISSION, raise_exception=True)
_periods_guard = permission_required(services.PERIOD_PERMISSION, raise_exception=True)
# Each table of the compliance page: what it is counted by, its title and its column's header
# (the header names the column, it does not repeat the title).
COMPLIANCE_TABLES = [
    ("priority", gettext_lazy("By priority"), gettext_lazy("Priority")),
    ("team", gettext_lazy("By team"), gettext_lazy("Team")),
    ("assignee", gettext_lazy("By assignee"), gettext_lazy("Assignee")),
    ("kind", gettext_lazy("By target"), gettext_lazy("Target kind")),
]
# The work-order list's filter for each table's rows (workorders.forms.ListFilterForm); a row
# without a team or assignee ("(none)") is the list's NOBODY.
COMPLIANCE_LIST_FILTERS = {"priority": "priority", "team": "team", "assignee": "assignee", "kind": "target_kind"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _calendar(calendar_id: int | None) -> Calendar:
    try:
        return selectors.calendar_get(calendar_id=calendar_id) if calendar_id else selectors.calendar_default()
    except NotFound:
        raise Http404 from None


def _page_url(calendar_id: int, year: int) -> str:
    return f"{reverse('sla:calendar')}?calendar={calendar_id}&year={year}"


def _shown(data: Any) -> tuple[CalendarFilterForm, list[Calendar]]:
    """Which calendar and year to show (GET, or the year a form posts back)."""
    calendars = list(selectors.calendar_list())
    return CalendarFilterForm(data, calendars=calendars), calendars


def _render(
    request: HttpRequest,
    calendar_id: int | None,
    form: CalendarDaysForm,
    shown: tuple[CalendarFilterForm, list[Calendar]],
    status: int = 200,
    ask_confirm_empty: bool = False,
) -> HttpResponse:
    filters, calendars = shown
    year = filters.values()["year"]
    calendar = _calendar(calendar_id)
    context: dict[str, Any] = {
        "calendar": calendar,
        "calendars": calendars,
        "filters": filters,
        "year": year,
        "years": range(max(MIN_YEAR, year - 1), min(MAX_YEAR, year + 1) + 1),
        "rows": selectors.calendar_exceptions(calendar=calendar, year=year),
        "periods": selectors.working_period_list(calendar=calendar),
        "year_status": selectors.calendar_year_status(year=year),
        "year_known": year in known_years(),
        # The shown year's warning is the page's own (with its action): every page's banner shows
        # only the other years', so no warning appears twice.
        "calendar_warnings": selectors.calendar_warnings(except_year=year),
        "ask_confirm_empty": ask_confirm_empty,
        "form": form,
    }
    return render(request, "sla/calendar.html", context, status=status)


@require_GET
@login_required
@_guard
def calendar_page(request: HttpRequest) -> HttpResponse:
    shown = _shown(request.GET)
    v = shown[0].values()
    return _render(request, v["calendar"], CalendarDaysForm(initial={"date_from": f"{v['year']}-01-01"}), shown)


@require_POST
@login_required
@_guard
def exception_add(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar(calendar_id)
    form = CalendarDaysForm(request.POST)
    if form.is_valid():
        try:
            rows = services.calendar_days_add(actor=request.user, calendar=calendar, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            first, last = rows[0].date, rows[-1].date
            text = ngettext(
                "%(count)d day entered (%(first)s to %(last)s).",
                "%(count)d days entered (%(first)s to %(last)s).",
                len(rows),
            ) % {"count": len(rows), "first": first.isoformat(), "last": last.isoformat()}
            messages.success(request, text)
            return HttpResponseRedirect(_page_url(calendar.pk, first.year))
    return _render(request, calendar.pk, form, _shown(request.POST), status=422)


@require_POST
@login_required
@_guard
def exception_delete(request: HttpRequest, calendar_id: int, day_id: int) -> HttpResponse:
    calendar = _calendar(calendar_id)
    year = _shown(request.POST)[0].values()["year"]
    try:
        services.calendar_exception_delete(actor=request.user, calendar=calendar, day_id=day_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Day deleted; the official calendar applies to that date again."))
    return HttpResponseRedirect(_page_url(calendar.pk, year))


# ---- working hours: the periods of every working day of a calendar ----------------
def _period(calendar: Calendar, period_id: int) -> WorkingPeriod:
    period = selectors.working_period_list(calendar=calendar).filter(pk=period_id).first()
    if period is None:
        raise Http404
    return period


def _period_saved(request: HttpRequest, calendar: Calendar, save: Any, done: str) -> HttpResponse:
    """Validate the posted period, call ``save(start, end)``; either way back to the page, with
    the outcome (the field and what is wrong with it) as its message."""
    year = _shown(request.POST)[0].values()["year"]
    form = WorkingPeriodForm(request.POST)
    try:
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise DomainError("invalid", _("The working period was not saved."), {field: str(errors[0])})
        save(form.cleaned_data["start"], form.cleaned_data["end"])
    except DomainError as exc:
        field = next(iter(exc.fields), "")
        label = form.fields[field].label if field in form.fields else ""
        detail = f"{label}：{exc.fields[field]}" if label else ""
        messages.error(request, " ".join(part for part in (str(exc.message), detail) if part))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(_page_url(calendar.pk, year))


@require_POST
@login_required
@_guard
@_periods_guard
def period_add(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar(calendar_id)

    def save(start: dt.time, end: dt.time) -> None:
        services.working_period_add(actor=request.user, calendar=calendar, start=start, end=end)

    return _period_saved(request, calendar, save, _("Working period added."))


@require_POST
@login_required
@_guard
@_periods_guard
def period_update(request: HttpRequest, calendar_id: int, period_id: int) -> HttpResponse:
    calendar = _calendar(calendar_id)
    period = _period(calendar, period_id)

    def save(start: dt.time, end: dt.time) -> None:
        services.working_period_update(actor=request.user, period=period, start=start, end=end)

    return _period_saved(request, calendar, save, _("Working period changed."))


@require_POST
@login_required
@_guard
@_periods_guard
def period_delete(request: HttpRequest, calendar_id: int, period_id: int) -> HttpResponse:
    calendar = _calendar(calendar_id)
    period = _period(calendar, period_id)
    year = _shown(request.POST)[0].values()["year"]
    try:
        services.working_period_delete(actor=request.user, period=period)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Working period deleted."))
    return HttpResponseRedirect(_page_url(calendar.pk, year))


@require_POST
@login_required
@_guard
def year_seed(request: HttpRequest, year: int) -> HttpResponse:
    calendar_id = _int(request.POST.get("calendar"), 0) or selectors.calendar_default_id()
    try:
        services.calendar_year_seed(actor=request.user, year=year)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The official calendar for %(year)s is loaded.") % {"year": year})
    return HttpResponseRedirect(_page_url(calendar_id, year))


@require_POST
@login_required
@_guard
def year_confirm(request: HttpRequest, year: int) -> HttpResponse:
    """Confirm a year entered by hand; with no holiday entered the page asks once more first."""
    calendar_id = _int(request.POST.get("calendar"), 0) or selectors.calendar_default_id()
    try:
        services.calendar_year_confirm(
            actor=request.user, year=year, without_holidays=request.POST.get("without_holidays") == "1"
        )
    except DomainError as exc:
        if exc.code == CalendarErrorCode.YEAR_HAS_NO_HOLIDAYS:
            shown = _shown({"calendar": calendar_id, "year": year})
            return _render(request, calendar_id, CalendarDaysForm(), shown, ask_confirm_empty=True)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The calendar for %(year)s is confirmed.") % {"year": year})
    return HttpResponseRedirect(_page_url(calendar_id, year))


# ---- SLA pages: the intake promise, compliance -------------------------------------------------
@require_GET
@login_required
def preview_sentence(request: HttpRequest) -> HttpResponse:
    """htmx partial for the intake page (R-2.5): the promise the agent reads to the customer.
    GET priority, received_at (ISO 8601; local when without offset; default now), service_type,
    customer_id, installed_product_id. Answers 200 with a hint when the input is not complete."""
    form = PreviewForm(request.GET)
    context: dict[str, Any] = {"targets": None}
    if form.is_valid():
        try:
            context["targets"] = selectors.sla_preview_for_intake(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            context["error"] = exc
    return render(request, "sla/_preview_sentence.html", context)


def _figure_links(by: str, row: selectors.ComplianceRow) -> dict[str, str]:
    """The work-order list behind each figure of a row: its met, its breached and all its
    decided work orders (the rate), so each list is as long as the figure says."""
    base = {COMPLIANCE_LIST_FILTERS[by]: row.key or NOBODY, "target_month": f"{row.month:%Y-%m}"}
    url = reverse("workorders:list")
    return {
        "met": f"{url}?{urlencode({**base, 'target_outcome': selectors.OUTCOME_MET})}",
        "breached": f"{url}?{urlencode({**base, 'target_outcome': selectors.OUTCOME_BREACHED})}",
        "all": f"{url}?{urlencode(base)}",
    }


@require_GET
@login_required
@permission_required(selectors.COMPLIANCE_PERMISSION, raise_exception=True)
def compliance_page(request: HttpRequest) -> HttpResponse:
    """SLA compliance per month by priority, team and assignee (R-4.7): met, breached, met rate."""
    today = timezone.localdate()
    default_from = (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
    defaults = {"month_from": f"{default_from:%Y-%m}", "month_to": f"{today:%Y-%m}"}
    form = ComplianceForm(request.GET or defaults, initial=defaults)
    context: dict[str, Any] = {"form": form, "tables": []}
    try:
        for by, title, header in COMPLIANCE_TABLES:
            rows = selectors.sla_compliance(actor=request.user, by=by, **form.values())
            figures = [(row, _figure_links(by, row)) for row in rows]
            context["tables"].append({"by": by, "title": title, "header": header, "rows": figures})
    except DomainError as exc:
        show_domain_error(form, exc)
    return render(request, "sla/compliance.html", context)
