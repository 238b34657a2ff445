"""The service notices' part of the demo data (``demo/seed.py`` calls it after the appointments):
the dispatcher issues notices through the real service for booked on-site jobs still open (tools
and catalogue parts to bring, sometimes a helper), one re-issued; the technician ``tech`` has
some for his list. A refusal (say, a helper without the certification) is skipped."""

from __future__ import annotations

from typing import Any

from aftersales.core.errors import DomainError
from aftersales.dispatch import notices
from aftersales.fieldservice.appointment_services import technician_queryset
from aftersales.fieldservice.models import Appointment, AppointmentStatus
from aftersales.parts.models import Part
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import WORKING

TOOLS = ["万用表、冷媒压力表、真空泵", "扭力扳手、检漏仪", "梯子、电钻、绝缘手套", "内六角扳手一套、万用表"]
TARGET = 8


def service_notices(gen: Any) -> int:
    dispatcher = gen.users["dispatcher"]
    now = gen.now
    scheduled = list(
        Appointment.objects.filter(status=AppointmentStatus.SCHEDULED, starts_at__gt=now)
        .select_related("work_order", "technician")
        .order_by("technician__username", "starts_at", "pk")
    )
    ordered = sorted(scheduled, key=lambda a: (a.technician.username != "tech", a.starts_at))
    technicians = list(technician_queryset().order_by("username"))
    issued = 0
    for appt in ordered:
        if issued >= TARGET:
            break
        wo = appt.work_order
        parts = list(Part.objects.filter(active=True, compatible_models=wo.product_model_id).order_by("code")[:2])
        if not parts:
            parts = list(Part.objects.filter(active=True).order_by("code")[issued : issued + 1])
        helpers = [t.pk for t in technicians if t.pk != appt.technician_id][issued % 5 : issued % 5 + 1]
        try:
            notice = notices.service_notice_issue(
                actor=dispatcher,
                work_order_id=wo.pk,
                helper_ids=helpers if issued % 3 == 0 else [],
                tools=gen.rng.choice(TOOLS),
                parts=[{"part_id": p.pk, "quantity": 1 + i} for i, p in enumerate(parts)],
                now=now,
            )
        except DomainError:
            continue
        issued += 1
        if issued == 2:  # one re-issued: the first number stays, superseded
            notices.service_notice_issue(
                actor=dispatcher,
                work_order_id=wo.pk,
                tools=notice.tools + "、备用保险丝",
                parts=[{"part_id": line.part_id, "quantity": line.quantity} for line in notice.parts.all()],
                now=now,
            )
    return issued + _for_tech(gen, dispatcher, now)


def _for_tech(gen: Any, dispatcher: Any, now: Any) -> int:
    """The demo technician ``tech`` gets notices for two of his open jobs (his visits today are
    done by the time the demo is seeded), so his list on the phone is not empty."""
    tech = gen.users["tech"]
    jobs = (
        WorkOrder.objects.filter(assignee=tech, status__in=WORKING, service_notices__isnull=True)
        .filter(repair_orders__isnull=True)
        .order_by("received_at", "pk")[:2]
    )
    issued = 0
    for wo in jobs:
        try:
            notices.service_notice_issue(actor=dispatcher, work_order_id=wo.pk, tools=TOOLS[issued], now=now)
        except DomainError:
            continue
        issued += 1
    return issued
