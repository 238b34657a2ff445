"""The repairs app's part of the demo data (``demo/seed.py`` calls it): repair orders in every
state, a failed inspection and an agreed new date among them, and shipments, all through the
real services on the demo's simulated clock."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.core.errors import DomainError
from aftersales.repairs import parts_used, services, shipping
from aftersales.repairs.states import Status

# (target state, days before now it was received, repairer, story)
PLAN: list[tuple[str, float, str, str]] = [
    (Status.EXPECTED, 0, "", ""),
    (Status.RECEIVED, 1, "", ""),
    (Status.ASSIGNED, 2, "tech", ""),
    (Status.REPAIRING, 16, "tech2", "late"),  # past its deadline: the agreement moved it
    (Status.INSPECTING, 6, "tech", ""),
    (Status.PASSED, 8, "tech2", "failed_once"),
    (Status.SHIPPED, 10, "tech", ""),
    (Status.CLOSED, 20, "tech", "failed_once"),
    (Status.REPAIRING, 4, "tech", "parts"),
    (Status.CLOSED, 30, "tech2", ""),
]
ORDER: list[str] = [
    Status.EXPECTED,
    Status.RECEIVED,
    Status.ASSIGNED,
    Status.REPAIRING,
    Status.INSPECTING,
    Status.PASSED,
    Status.SHIPPED,
    Status.CLOSED,
]
CONDITIONS = [
    "外壳完好，无明显磕碰",
    "外壳右侧有划痕，包装破损",
    "设备整机到货，电源接口松动",
    "外观正常，附带故障说明",
]
DIAGNOSES = ["压缩机启动电容损坏", "主控板电源模块烧毁", "风机轴承磨损，运转异响", "温度传感器阻值漂移"]
REPAIRS = ["更换启动电容并测试制冷", "更换主控板电源模块", "更换风机及轴承", "更换温度传感器并校准"]


def _work_orders(count: int) -> list[Any]:
    """Open work orders, repairs of a registered product first, the longest untouched first (their
    timelines go on from their last event, so the oldest can carry the oldest repairs)."""
    from django.db.models import Case, Max, When

    from aftersales.workorders.models import WorkOrder
    from aftersales.workorders.states import OPEN_STATUSES as WO_OPEN

    return list(
        WorkOrder.objects.filter(status__in=sorted(WO_OPEN))
        .annotate(
            last_event_at=Max("events__at"),
            fits=Case(When(service_type="repair", installed_product__isnull=False, then=0), default=1),
        )
        .order_by("fits", "last_event_at", "id")[:count]
    )


def _start(wo: Any, now: dt.datetime, days: float) -> dt.datetime:
    """When the repair's story starts: ``days`` ago, but never before the work order's last event."""
    start = now - dt.timedelta(days=days, hours=3)
    last: dt.datetime = wo.last_event_at
    return min(max(start, last + dt.timedelta(minutes=5)), now)


def _part(repairer: Any) -> Any:
    """A certified part with stock in the factory warehouse, if the parts demo made one."""
    from aftersales.parts.models import StockBalance

    warehouse = parts_used.factory_warehouse()
    if warehouse is None:
        return None
    balance = (
        StockBalance.objects.filter(warehouse=warehouse, part__certified=True, part__active=True, on_hand__gte=2)
        .select_related("part")
        .order_by("part__code")
        .first()
    )
    return balance.part if balance is not None and balance.available >= 1 else None


def repair_orders(gen: Any) -> int:
    """Ten repair orders, one or more in every state; returns how many were made."""
    from aftersales.demo.seed import demo_photo

    now = gen.clock.at
    agent, qa = gen.users["agent"], gen.users["qa"]
    made = 0
    candidates = _work_orders(len(PLAN))
    # Every state first (PLAN's first eight), then the extra stories; the oldest story goes on the
    # longest untouched work order.
    plan = sorted(PLAN[: len(candidates)], key=lambda row: -row[1])
    for i, (wo, (target, days, repairer_name, story)) in enumerate(zip(candidates, plan, strict=True)):
        repairer = gen.users.get(repairer_name)
        gen.clock.at = _start(wo, now, days)
        step = max(dt.timedelta(minutes=10), (now - gen.clock.at) / 12)

        def tick(step: dt.timedelta = step) -> None:
            gen.clock.at = min(gen.clock.at + step, now)

        ro = services.repair_order_create(actor=agent, work_order_id=wo.pk, fault=wo.symptom[:200])
        made += 1
        rank = ORDER.index(target)
        if rank >= ORDER.index(Status.RECEIVED):
            tick()
            photo = SimpleUploadedFile(f"到货-{ro.number}.jpg", demo_photo(i), content_type="image/jpeg")
            services.repair_order_receive(
                actor=agent,
                repair_order_id=ro.pk,
                condition=CONDITIONS[i % len(CONDITIONS)],
                accessories=["power_cord", "remote", "manual"][: 1 + i % 3],
                photos=[photo],
            )
        if rank >= ORDER.index(Status.ASSIGNED) and repairer is not None:
            tick()
            services.repair_order_assign(actor=agent, repair_order_id=ro.pk, repairer_id=repairer.pk)
        if rank >= ORDER.index(Status.REPAIRING) and repairer is not None:
            tick()
            services.repair_order_diagnose(actor=repairer, repair_order_id=ro.pk, diagnosis=DIAGNOSES[i % 4])
            part = _part(repairer) if story == "parts" else None
            if part is not None:
                # The parts demo's stock may have been taken meanwhile: the repair goes on without.
                with contextlib.suppress(DomainError):
                    parts_used.repair_order_use_part(actor=repairer, repair_order_id=ro.pk, part_id=part.pk, quantity=1)
        if story == "late":
            ro.refresh_from_db()
            tick()
            services.repair_order_agree(
                actor=agent,
                repair_order_id=ro.pk,
                new_deadline_at=max(ro.deadline_at or now, now) + dt.timedelta(days=7),
                agreed_with=wo.contact.name if wo.contact_id else wo.customer.name[:60],
                agreed_at=gen.clock.at,
                channel="phone",
                note="压缩机需从厂家调货，客户同意顺延一周",
            )
        if rank >= ORDER.index(Status.INSPECTING) and repairer is not None:
            tick()
            services.repair_order_repair_done(actor=repairer, repair_order_id=ro.pk, repair_notes=REPAIRS[i % 4])
            if story == "failed_once" and rank >= ORDER.index(Status.PASSED):
                tick()
                services.repair_order_inspect(
                    actor=qa, repair_order_id=ro.pk, result="fail", notes="老化测试 2 小时后仍有异响"
                )
                tick()
                services.repair_order_repair_done(
                    actor=repairer, repair_order_id=ro.pk, repair_notes="加装减震垫并紧固"
                )
        if rank >= ORDER.index(Status.PASSED):
            tick()
            services.repair_order_inspect(actor=qa, repair_order_id=ro.pk, result="pass", notes="老化测试通过")
        if rank >= ORDER.index(Status.SHIPPED):
            tick()
            shipment = shipping.repair_order_ship(
                actor=agent, repair_order_id=ro.pk, tracking_number=f"EA{ro.pk:09d}CN", weight_kg=Decimal("8.5")
            )
            if rank >= ORDER.index(Status.CLOSED):
                tick()
                shipping.shipment_confirm_delivery(actor=agent, shipment_id=shipment.pk, note="客户已签收")
    gen.clock.at = now
    _shipments(gen)
    return made


def _shipments(gen: Any) -> None:
    """Two parcels that are no repair: parts to a customer (in transit) and documents (delivered)."""
    agent = gen.users["agent"]
    from django.db.models import Max

    from aftersales.workorders.models import WorkOrder
    from aftersales.workorders.states import Status as WoStatus

    work_orders = list(
        WorkOrder.objects.exclude(status=WoStatus.ARCHIVED)
        .filter(repair_orders__isnull=True)
        .annotate(last_event_at=Max("events__at"))
        .order_by("last_event_at", "id")[:2]
    )
    if len(work_orders) < 2:
        return
    now = gen.clock.at
    gen.clock.at = max(_start(work_orders[0], now, 2), _start(work_orders[1], now, 2))
    shipping.shipment_create(
        actor=agent,
        work_order_id=work_orders[0].pk,
        contents="parts",
        tracking_number="EA900000001CN",
        weight_kg=Decimal("1.2"),
        description="备用遥控器及电池",
    )
    documents = shipping.shipment_create(
        actor=agent,
        work_order_id=work_orders[1].pk,
        contents="documents",
        tracking_number="EA900000002CN",
        description="维修报告与保修凭证",
    )
    gen.clock.at = min(gen.clock.at + dt.timedelta(hours=20), now)
    shipping.shipment_confirm_delivery(actor=agent, shipment_id=documents.pk, note="客户电话确认收到")
    gen.clock.at = now
