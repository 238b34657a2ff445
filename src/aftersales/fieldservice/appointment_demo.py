"""The appointments' part of the demo data (``demo/seed.py`` calls it after the history): this
week's visits on the board, booked by the dispatcher through the real service (so a technician
is never double-booked and an ineligible one is refused and skipped): the days already past
done, today's and the coming days' scheduled, a few moved once with the customer's agreement;
the technician ``tech`` has jobs today for the "today" page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.fieldservice import appointment_services as services
from aftersales.fieldservice import selectors
from aftersales.fieldservice.models import AgreedVia
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import Status

PREPARE = ["请清理空调下方空间", "请准备购机发票或保修卡", "请确保家中有人并预留停车位", "请提前关闭设备电源", ""]
VIA = [AgreedVia.PHONE, AgreedVia.PHONE, AgreedVia.SMS, AgreedVia.PHONE, AgreedVia.PORTAL]
TARGET = 36  # appointments in the week


def appointments(gen: Any) -> int:
    dispatcher = gen.users["dispatcher"]
    now = gen.now
    today = timezone.localtime(now).date()
    monday = selectors.week_start(today)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    technicians = list(services.technician_queryset().order_by("username")[:12])
    ordered = sorted(technicians, key=lambda t: t.username != "tech")  # tech first: today's jobs
    open_orders = list(
        WorkOrder.objects.filter(status__in=[Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED])
        .filter(repair_orders__isnull=True)  # a product at the factory needs no visit
        .select_related("contact", "customer")
        .order_by("received_at", "id")
    )
    # Leave a few waiting beside the board.
    waiting_kept = open_orders[-6:]
    candidates = [wo for wo in open_orders if wo not in waiting_kept]
    slots = [(day, start) for day in days for start in selectors.slot_starts(day=day)]
    # Today first for ``tech`` so the "today" page has jobs, then the week in order.
    booked = 0
    tech_today = 0
    for wo in candidates:
        if booked >= TARGET:
            break
        # Round robin, so every technician's row has a few blocks.
        for technician in ordered[booked % len(ordered) :] + ordered[: booked % len(ordered)]:
            if technician.username == "tech" and tech_today >= 3:
                continue
            first_day = today if technician.username == "tech" else days[gen.rng.randrange(7)]
            choice = _first_free(technician, slots, first_day)
            if choice is None:
                continue
            day, start = choice
            end = start + dt.timedelta(minutes=120)
            # Agreed a day ahead, but never before what its timeline already holds.
            last = wo.events.order_by("-at").values_list("at", flat=True).first()
            agreed = start - dt.timedelta(hours=20)
            book_now = min(now, max(agreed, last) if last else agreed)
            contact = wo.contact.name if wo.contact_id and wo.contact else wo.customer.name
            # What booking stamps by itself (the assignment it makes) happens at the booking too.
            gen.clock.at = book_now
            try:
                appt = services.appointment_book(
                    actor=dispatcher,
                    work_order_id=wo.pk,
                    technician_id=technician.pk,
                    starts_at=start,
                    ends_at=end,
                    agreed_with=contact,
                    agreed_via=gen.rng.choice(VIA),
                    to_prepare=gen.rng.choice(PREPARE),
                    now=book_now,
                )
            except DomainError:
                continue  # not certified for this product line, or the work order moved on
            finally:
                gen.clock.at = now
            booked += 1
            if technician.username == "tech" and day == today:
                tech_today += 1
            if end < now:
                gen.clock.at = end
                services.appointment_mark_done(work_order_id=wo.pk, now=end)
                gen.clock.at = now
            elif booked % 7 == 0 and start > now + dt.timedelta(hours=30):
                _move_once(gen, dispatcher, appt, slots, now)
            break
    return booked


def _first_free(technician: Any, slots: list[tuple[dt.date, dt.datetime]], only_day: dt.date | None) -> Any:
    for day, start in slots:
        if only_day is not None and day != only_day:
            continue
        if selectors.conflicting_appointment(
            technician_id=technician.pk, starts_at=start, ends_at=start + dt.timedelta(minutes=120)
        ):
            continue
        return day, start
    if only_day is not None:
        return _first_free(technician, slots, None)
    return None


def _move_once(
    gen: Any, dispatcher: Any, appt: Any, slots: list[tuple[dt.date, dt.datetime]], now: dt.datetime
) -> None:
    for _day, start in reversed(slots):
        if start <= appt.starts_at:
            break
        try:
            services.appointment_reschedule(
                actor=dispatcher,
                appointment_id=appt.pk,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=120),
                agreed_with=appt.agreed_with,
                agreed_via=AgreedVia.PHONE,
                reason=gen.rng.choice(["客户临时出差，改约", "客户家中无人，改到下午", "配件未到，与客户协商改期"]),
                now=now,
            )
            return
        except DomainError:
            continue
