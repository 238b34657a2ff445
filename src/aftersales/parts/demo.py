"""The parts app's part of the demo data (``demo/seed.py`` calls these).

The catalogue (300 parts for the three product lines) and the warehouses (central, three
branches with their region, a van per technician) go through the real services. The year of
stock history before the demo's work orders is written in bulk: tens of thousands of moves
through a service would make ``demo_seed`` slow, so the moves are generated in time order,
their balances summed on the way (never below zero), and both written with ``bulk_create`` —
balance = ledger, as ``manage.py parts_check`` proves after the seed. What happens after that
(parts reserved on open work orders, the reorder alerts they raise) is real service calls.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from aftersales.parts.models import MoveKind, Part, StockBalance, StockMove, Warehouse
from aftersales.parts.services import part_create, warehouse_create, work_order_part_reserve

# (component, specification variants, unit cost range in yuan) per product line.
COMPONENTS: dict[str, list[tuple[str, list[str], tuple[int, int]]]] = {
    "ac": [
        ("变频压缩机", ["1匹", "1.5匹", "2匹", "3匹"], (600, 1600)),
        ("室外风机电机", ["YDK35-6", "YDK45-6", "YDK60-8"], (180, 420)),
        ("室内贯流风机电机", ["RPG20", "RPG28"], (90, 200)),
        ("四通换向阀", ["SHF-9", "SHF-20"], (80, 180)),
        ("电子膨胀阀", ["DPF1.8", "DPF2.4"], (120, 260)),
        ("室外机主控板", ["V1", "V2", "V3"], (260, 680)),
        ("室内机显示板", ["A型", "B型"], (60, 140)),
        ("遥控器", ["KT-LQ01", "KT-LQ02"], (25, 45)),
        ("室内温度传感器", ["10K", "15K", "20K"], (8, 20)),
        ("风机电容", ["2.5µF", "3µF", "4µF"], (6, 18)),
        ("压缩机电容", ["35µF", "45µF", "60µF"], (15, 45)),
        ("空气过滤网", ["标准", "高效"], (12, 35)),
        ("排水泵", ["PSB-10"], (90, 160)),
        ("截止阀", ['3/8"', '1/2"', '5/8"'], (30, 70)),
    ],
    "wh": [
        ("比例阀", ["13L", "16L", "18L"], (60, 140)),
        ("点火针", ["单针", "双针"], (8, 25)),
        ("熄火保护感应针", ["标准"], (8, 20)),
        ("水流传感器", ["G1/2", "G3/4"], (35, 80)),
        ("风机", ["13L", "16L", "18L"], (160, 320)),
        ("主控板", ["LQ1", "LQ3", "LQ5"], (220, 480)),
        ("热交换器", ["13L", "16L"], (380, 760)),
        ("电加热管", ["2000W", "3000W"], (70, 150)),
        ("镁棒", ["标准", "加长"], (25, 60)),
        ("温控器", ["机械式", "电子式"], (30, 80)),
        ("安全阀", ["0.7MPa", "0.8MPa"], (20, 45)),
        ("显示面板", ["触控", "旋钮"], (90, 200)),
    ],
    "wp": [
        ("RO反渗透膜", ["600G", "800G", "1000G"], (180, 420)),
        ("PP棉滤芯", ["10英寸", "20英寸"], (15, 35)),
        ("活性炭滤芯", ["前置", "后置"], (30, 70)),
        ("复合滤芯", ["PCB", "CPP"], (90, 180)),
        ("增压泵", ["24V", "36V"], (160, 320)),
        ("进水电磁阀", ["24V"], (40, 80)),
        ("高压开关", ["标准"], (20, 45)),
        ("低压开关", ["标准"], (20, 45)),
        ("废水比例器", ["300cc", "450cc", "800cc"], (10, 25)),
        ("鹅颈龙头", ["不锈钢", "铜镀铬"], (60, 150)),
        ("TDS探头", ["双探头"], (25, 60)),
        ("软水树脂", ["10L", "25L"], (120, 300)),
    ],
}
PARTS_PER_LINE = 100
BRANCHES = [
    ("BR-EAST", "华东分库（上海）", "east"),
    ("BR-NORTH", "华北分库（北京）", "north"),
    ("BR-SOUTH", "华南分库（广州）", "south"),
]
HISTORY_DAYS = 365


def _parts(gen: Any, admin: Any) -> list[Part]:
    rng = gen.rng
    parts: list[Part] = []
    for line_code, components in COMPONENTS.items():
        models = [m for m in gen.models if m.product_line.code == line_code]
        variants = [(name, spec, costs) for name, specs, costs in components for spec in specs]
        for i in range(PARTS_PER_LINE):
            name, spec, (low, high) = variants[i % len(variants)]
            batch = i // len(variants)
            cost = Decimal(rng.randint(low, high))
            compatible = rng.sample(models, k=min(len(models), rng.randint(1, 3))) if models else []
            parts.append(
                part_create(
                    actor=admin,
                    code=f"{line_code.upper()}-{i + 1:04d}",
                    name=name,
                    specification=f"{spec}" + (f" 第{batch + 1}代" if batch else ""),
                    certified=rng.random() > 0.04,  # a few wait for certification
                    unit="个",
                    unit_cost=cost,
                    customer_price=(cost * Decimal("1.6")).quantize(Decimal("1")),
                    compatible_model_ids=[m.pk for m in compatible],
                )
            )
    return parts


def _warehouses(gen: Any, admin: Any) -> tuple[Warehouse, list[Warehouse], list[Warehouse]]:
    central = warehouse_create(actor=admin, code="WH-CENTRAL", name="中央备件库（杭州）", kind="central")
    branches = [
        warehouse_create(actor=admin, code=code, name=name, kind="branch", region_id=gen.regions[region].pk)
        for code, name, region in BRANCHES
    ]
    technicians = get_user_model().objects.filter(groups__name="technician", is_active=True).order_by("username")
    vans = [
        warehouse_create(
            actor=admin,
            code=f"VAN-{tech.username.upper()}",
            name=f"{tech.display_name}的服务车",
            kind="van",
            holder_id=tech.pk,
        )
        for tech in technicians
    ]
    return central, branches, vans


def seed_parts(gen: Any) -> dict[str, Any]:
    """Catalogue, warehouses and the last year of stock moves (bulk, consistent)."""
    rng = gen.rng
    admin = gen.users["admin"]
    parts = _parts(gen, admin)
    central, branches, vans = _warehouses(gen, admin)
    end = gen.now - dt.timedelta(hours=2)
    start = end - dt.timedelta(days=HISTORY_DAYS)
    stock: dict[tuple[int, int], int] = {}
    moves: list[StockMove] = []

    def move(
        kind: str,
        part: Part,
        wh: Warehouse,
        delta: int,
        at: dt.datetime,
        other: Warehouse | None = None,
        reason: str = "",
    ) -> None:
        stock[part.pk, wh.pk] = stock.get((part.pk, wh.pk), 0) + delta
        moves.append(
            StockMove(
                kind=kind,
                part_id=part.pk,
                warehouse_id=wh.pk,
                quantity=abs(delta),
                on_hand_delta=delta,
                counterpart_id=other.pk if other else None,
                reason=reason,
                actor_id=admin.pk,
                created_at=at,
            )
        )

    def transfer(part: Part, source: Warehouse, target: Warehouse, qty: int, at: dt.datetime) -> None:
        qty = min(qty, stock.get((part.pk, source.pk), 0))
        if qty > 0:
            move(MoveKind.TRANSFER_OUT, part, source, -qty, at, target)
            move(MoveKind.TRANSFER_IN, part, target, qty, at, source)

    branch_parts = {b.pk: rng.sample(parts, 90) for b in branches}
    van_parts = {v.pk: rng.sample(parts, 12) for v in vans}
    span = (end - start).total_seconds()
    for month in range(12):
        base = start + dt.timedelta(seconds=span * month / 12)
        for part in parts:  # the monthly delivery into the central store
            move(
                MoveKind.RECEIPT,
                part,
                central,
                rng.randint(4, 30),
                base + dt.timedelta(hours=rng.randint(1, 48)),
                reason=f"采购入库 PO-{base:%Y%m}-{part.pk:04d}",
            )
        for branch in branches:
            for part in branch_parts[branch.pk]:
                transfer(
                    part, central, branch, rng.randint(2, 8), base + dt.timedelta(days=3, hours=rng.randint(0, 40))
                )
        for week in range(4):
            at = base + dt.timedelta(days=5 + week * 6)
            for van in vans:
                branch = branches[van.pk % len(branches)]
                for part in van_parts[van.pk]:
                    if rng.random() < 0.5:
                        transfer(
                            part,
                            branch if part in branch_parts[branch.pk] else central,
                            van,
                            rng.randint(1, 3),
                            at + dt.timedelta(hours=rng.randint(0, 10)),
                        )
                    used = min(stock.get((part.pk, van.pk), 0), rng.randint(0, 2))
                    if used:
                        move(
                            MoveKind.CONSUMPTION,
                            part,
                            van,
                            -used,
                            at + dt.timedelta(days=2, hours=rng.randint(0, 8)),
                            reason="上门维修领用",
                        )
            for branch in branches:
                for part in rng.sample(branch_parts[branch.pk], 20):
                    used = min(stock.get((part.pk, branch.pk), 0), rng.randint(1, 3))
                    if used:
                        move(
                            MoveKind.CONSUMPTION, part, branch, -used, at + dt.timedelta(days=1), reason="网点维修领用"
                        )
        for _ in range(6):  # the month's stock-take corrections
            part, wh = rng.choice(parts), rng.choice([central, *branches])
            delta = rng.choice([-1, 1, 2]) if stock.get((part.pk, wh.pk), 0) > 1 else 1
            move(MoveKind.ADJUSTMENT, part, wh, delta, base + dt.timedelta(days=27), reason="月末盘点差异")
    moves.sort(key=lambda m: m.created_at)
    StockMove.objects.bulk_create(moves, batch_size=2000)
    balances = []
    for (part_id, wh_id), on_hand in stock.items():
        is_store = wh_id != central.pk and all(v.pk != wh_id for v in vans)
        minimum = rng.choice([0, 2, 3, 5]) if is_store else (1 if on_hand >= 2 and rng.random() < 0.5 else 0)
        if is_store and rng.random() < 0.05:
            minimum = on_hand + rng.randint(1, 4)  # some parts under their minimum
        balances.append(
            StockBalance(
                part_id=part_id,
                warehouse_id=wh_id,
                on_hand=on_hand,
                minimum=minimum,
                below_minimum=minimum > 0 and on_hand < minimum,
                updated_at=end,
            )
        )
    StockBalance.objects.bulk_create(balances, batch_size=2000)
    return {"parts": parts, "central": central, "vans": {v.holder_id: v for v in vans}}


def reserve_on_open_work_orders(gen: Any, seeded: dict[str, Any], *, limit: int = 12) -> int:
    """Parts reserved, through the real service, on open repair work orders being handled: from
    the handler's van when it holds a compatible part, else from the central store."""
    from aftersales.parts.errors import InsufficientStock
    from aftersales.workorders.models import WorkOrder
    from aftersales.workorders.states import Status

    made = 0
    candidates = (
        WorkOrder.objects.filter(
            service_type="repair",
            status__in=[Status.IN_PROGRESS, Status.WAITING_PARTS],
            assignee__isnull=False,
            product_model__isnull=False,
        )
        .select_related("assignee")
        .order_by("id")
    )
    for wo in candidates[: limit * 2]:
        part = Part.objects.filter(compatible_models=wo.product_model_id, certified=True).order_by("code").first()
        if part is None:
            continue
        van = seeded["vans"].get(wo.assignee_id)
        on_van = van and StockBalance.objects.filter(part=part, warehouse=van, on_hand__gt=0).exists()
        warehouse = van if on_van else seeded["central"]
        try:
            work_order_part_reserve(
                actor=wo.assignee, work_order_id=wo.pk, part_id=part.pk, warehouse_id=warehouse.pk, quantity=1
            )
            made += 1
        except InsufficientStock:
            continue
        if made >= limit:
            break
    _one_crossing(gen)
    return made


def _one_crossing(gen: Any) -> None:
    """A branch sends a unit back to the central store and falls under its minimum: the
    reorder alert of today, through the real service (R-7.1)."""
    from django.db.models import F

    from aftersales.parts.services import stock_transfer

    balance = (
        StockBalance.objects.filter(
            warehouse__kind=Warehouse.Kind.BRANCH,
            below_minimum=False,
            minimum__gt=0,
            reserved=0,
            on_hand=F("minimum"),
        )
        .order_by("id")
        .first()
    )
    central = Warehouse.objects.filter(kind=Warehouse.Kind.CENTRAL).order_by("id").first()
    if balance is None or central is None:
        return
    stock_transfer(
        actor=gen.users["admin"],
        part_id=balance.part_id,
        warehouse_id=balance.warehouse_id,
        to_warehouse_id=central.pk,
        quantity=1,
        reason="退回中央库",
    )
