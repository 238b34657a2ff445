"""Appointment pages (R-6.1): the dispatcher's week board (technicians × days, appointments as
blocks, work orders waiting for a visit beside it; a block dragged to another cell opens the
reschedule form, a work order dragged onto a cell the booking form), the appointment page with
its history and the move and cancel forms, the booking form, and the technician's "today" list
at phone size.

Thin handlers: a form parses, one service or selector is called, the page renders. What may be
done is what ``appointment_services.can_manage`` lets through, the services' own rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.limits import MAX_DAY, MAX_ID, MIN_DAY
from aftersales.fieldservice import appointment_services as services
from aftersales.fieldservice import conf, selectors
from aftersales.fieldservice.appointment_forms import FIELD_OF, BoardFilterForm, BookForm, CancelForm, RescheduleForm
from aftersales.fieldservice.errors import AppointmentErrorCode
from aftersales.fieldservice.models import Appointment
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, show_domain_error
from aftersales.workorders import selectors as work_order_selectors

BOARD = "fieldservice.view_all_appointments"
MANAGE = "fieldservice.manage_appointment"
VIEW = "fieldservice.view_appointment"


def _week(request: HttpRequest) -> dt.date:
    """The Monday of the week asked for (``?week=YYYY-MM-DD``), this week when absent or bad."""
    raw = request.GET.get("week", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    if not MIN_DAY + dt.timedelta(days=7) <= day <= MAX_DAY - dt.timedelta(days=7):
        day = timezone.localdate()
    return selectors.week_start(day)


def _board_url(day: dt.date) -> str:
    return f"{reverse('fieldservice:board')}?week={selectors.week_start(day).isoformat()}"


def _run(form: Any, action: Any) -> Any:
    """The service call of a valid form; a refusal goes on the form (and gives None)."""
    from aftersales.core.errors import DomainError, NotFound, PermissionDenied

    if not form.is_bound or not form.is_valid():
        return None
    try:
        return action()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        show_domain_error(form, error, FIELD_OF)
        if error.code == AppointmentErrorCode.CONFLICT:
            form.add_error(None, str(error.message))  # whose appointment, when: above the form
        return None


BOARD_ROWS = 50  # technicians per slice of the board; the next slice loads when scrolled to


def _board_query(monday: dt.date, region: Any, start: int = 0) -> str:
    query = f"?week={monday.isoformat()}" + (f"&region={region.pk}" if region else "")
    return query + (f"&from={start}" if start else "")


@require_GET
@staff_page(BOARD)
def board(request: HttpRequest) -> HttpResponse:
    """The week board, in slices of ``BOARD_ROWS`` technicians: the page holds the first (or the
    one ``?from=`` asks for), each slice ends with a row that loads the next when it comes into
    view (htmx; without JavaScript, a link to the page of the next slice)."""
    user: Any = request.user
    monday = _week(request)
    filters = BoardFilterForm(request.GET)
    region, start = filters.choice()
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    technicians = selectors.board_technicians(region_id=region.pk if region else None)
    start = start if start < len(technicians) else 0
    shown = technicians[start : start + BOARD_ROWS]
    cells = selectors.board_week(actor=user, monday=monday, technicians=shown)
    manage = services.can_manage(user)
    after = start + len(shown)
    context = {
        "rows": [(t, [(day, cells.get((t.pk, day), [])) for day in days]) for t in shown],
        "today": timezone.localdate(),
        "manage": manage,
        "more_url": _board_query(monday, region, after) if after < len(technicians) else "",
        "first": start + 1,
        "last": after,
        "count": len(technicians),
    }
    if getattr(request, "htmx", False) and "from" in request.GET:
        context["first"] = 1  # added below the rows already on the board
        return render(request, "fieldservice/board.html#rows", context)
    context |= {
        "monday": monday,
        "days": days,
        "filters": filters,
        "first_url": _board_query(monday, region) if start else "",
        "previous_week": _board_query(monday - dt.timedelta(days=7), region),
        "next_week": _board_query(monday + dt.timedelta(days=7), region),
        "this_week": _board_query(selectors.week_start(timezone.localdate()), region),
        "unbooked": selectors.unbooked_work_orders(actor=user) if manage else [],
        "slot_minutes": conf.slot_minutes(),
        "book_form": BookForm(technicians=technicians, auto_id="book_%s") if manage else None,
        "move_form": RescheduleForm(technicians=technicians, auto_id="move_%s") if manage else None,
        "total": selectors.board_week_count(actor=user, monday=monday, technicians=technicians),
    }
    return render(request, "fieldservice/board.html", context)


@require_http_methods(["GET", "POST"])
@staff_page(MANAGE)
def book(request: HttpRequest, work_order_id: int) -> HttpResponse:
    """Book a visit for a work order (the board's drop of a waiting work order posts here)."""
    user: Any = request.user
    if not 0 < work_order_id <= MAX_ID:
        raise Http404
    wo = work_order_selectors.work_order_get(actor=user, work_order_id=work_order_id)
    technicians = selectors.board_technicians()
    initial = {
        "work_order_id": wo.pk,
        "technician_id": request.GET.get("technician") or wo.assignee_id,
        "day": request.GET.get("day"),
        "start": request.GET.get("start"),
        "agreed_with": wo.contact.name if wo.contact_id and wo.contact else "",
    }
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["work_order_id"] = str(wo.pk)
    form = BookForm(data, initial=initial, technicians=technicians)
    appt = _run(form, lambda: services.appointment_book(actor=user, **form.arguments()))
    if appt is not None:
        messages.success(
            request,
            _("Visit for %(number)s booked: %(window)s, %(name)s.")
            % {"number": wo.number, "window": appt.window, "name": str(appt.technician)},
        )
        return redirect(_board_url(timezone.localtime(appt.starts_at).date()))
    return render(request, "fieldservice/book.html", {"form": form, "wo": wo}, status=form_status(form))


def _detail(
    request: HttpRequest, appt: Appointment, *, move: Any = None, cancel: Any = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    manage = services.can_manage(user) and appt.is_scheduled
    if manage and move is None:
        local = timezone.localtime(appt.starts_at)
        move = RescheduleForm(
            initial={
                "technician_id": appt.technician_id,
                "day": local.date(),
                "start": local.time(),
                "end": timezone.localtime(appt.ends_at).time(),
                "agreed_with": appt.agreed_with,
                "agreed_via": appt.agreed_via,
            },
            technicians=selectors.board_technicians(),
        )
    if manage and cancel is None:
        cancel = CancelForm(initial={"agreed_with": appt.agreed_with, "agreed_via": appt.agreed_via}, prefix="cancel")
    context = {
        "appt": appt,
        "changes": selectors.appointment_changes(appointment=appt),
        "manage": manage,
        "move_form": move,
        "cancel_form": cancel,
        "board_url": _board_url(timezone.localtime(appt.starts_at).date()),
    }
    return render(request, "fieldservice/appointment.html", context, status=status)


@require_GET
@staff_page(VIEW)
def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appt = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    return _detail(request, appt)


@require_POST
@staff_page(MANAGE)
def appointment_move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user: Any = request.user
    appt = selectors.appointment_get(actor=user, appointment_id=appointment_id)
    form = RescheduleForm(request.POST, technicians=selectors.board_technicians())
    moved = _run(form, lambda: services.appointment_reschedule(actor=user, appointment_id=appt.pk, **form.arguments()))
    if moved is not None:
        messages.success(
            request,
            _("%(number)s moved to %(window)s, %(name)s.")
            % {"number": moved.work_order.number, "window": moved.window, "name": str(moved.technician)},
        )
        return redirect(_board_url(timezone.localtime(moved.starts_at).date()))
    return _detail(request, appt, move=form, status=422)


@require_POST
@staff_page(MANAGE)
def appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user: Any = request.user
    appt = selectors.appointment_get(actor=user, appointment_id=appointment_id)
    form = CancelForm(request.POST, prefix="cancel")
    done = _run(form, lambda: services.appointment_cancel(actor=user, appointment_id=appt.pk, **form.cleaned_data))
    if done is not None:
        messages.success(request, _("The visit for %(number)s is cancelled.") % {"number": done.work_order.number})
        return redirect(_board_url(timezone.localtime(done.starts_at).date()))
    return _detail(request, appt, cancel=form, status=422)


def map_url(address: str) -> str:
    """Open the address in the phone's map app (Amap's URI works on Android and iOS, in the app
    when installed, else in the browser)."""
    return f"https://uri.amap.com/search?keyword={quote(address)}&src=aftersales&callnative=1"


def tel_url(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return f"tel:{digits}" if digits else ""


@require_GET
@staff_page(VIEW)
def today(request: HttpRequest) -> HttpResponse:
    """The technician's jobs of the day, in order of appointment: one tap to call the contact or
    open the address in the map app, one to open the visit (at 390 px wide)."""
    user: Any = request.user
    day = timezone.localdate()
    jobs = []
    for appt in selectors.technician_day(technician=user, day=day):
        wo = appt.work_order
        contact = wo.contact if wo.contact_id else None
        phone = (contact.phone if contact is not None else "") or wo.customer.phone
        address = wo.customer.address
        jobs.append(
            {
                "appt": appt,
                "wo": wo,
                "contact_name": contact.name if contact is not None else wo.customer.name,
                "phone": phone,
                "tel": tel_url(phone),
                "address": address,
                "map": map_url(address) if address else "",
                "visit_url": _visit_url(wo.pk),
            }
        )
    return render(request, "fieldservice/today.html", {"jobs": jobs, "day": day})


def _visit_url(work_order_id: int) -> str:
    try:
        return reverse("fieldservice:visit_for_work_order", args=[work_order_id])
    except NoReverseMatch:  # the visit pages are the visits app's; the work order without them
        return reverse("workorders:detail", args=[work_order_id])
