"""Demo data of customer property (用户备品, R-7.3): items in our care with their hand-overs, and
items returned against a signature, through the real services (``demo.seed`` calls
``customer_property``). The demo customer's login sees two of them in the portal."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from aftersales.parts.property_services import (
    customer_property_hand_over,
    customer_property_receive,
    customer_property_return,
)
from aftersales.workorders.models import WorkOrder

# (what, condition, days ago received, hand-overs as (holder, days ago), returned (to, days ago) or None)
ITEMS: list[tuple[str, str, int, list[tuple[str, float]], tuple[str, float] | None]] = [
    ("空调室内机主板", "外壳完好，标签清晰", 6, [("tech", 5.5)], None),
    ("遥控器（两只）", "电池仓盖缺失一个", 20, [("tech", 19)], ("张先生", 12)),
    ("壁挂炉控制面板", "有轻微划痕，附安装螺丝 4 颗", 3, [("tech2", 2.8), ("qa", 1)], None),
    ("净水器滤芯组件", "原包装，未拆封", 9, [], None),
    ("热水器温控器", "接线端子有烧痕", 30, [("tech3", 29)], ("李女士", 21)),
    ("投影仪", "镜头盖完好，附电源线", 14, [("tech", 13), ("agent2", 8)], ("王经理", 4)),
    ("移动硬盘（客户数据备份）", "客户要求不得格式化", 2, [("tech5", 1.5)], None),
]


def _photo(shade: int) -> SimpleUploadedFile:
    picture = Image.new("RGB", (800, 600), (226, 224, 218))
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((180, 140, 620, 460), radius=28, fill=(60 + shade, 70, 82), outline=(30, 30, 30), width=6)
    draw.rectangle((240, 200, 560, 260), fill=(180, 200, 90))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return SimpleUploadedFile("收货照片.jpg", out.getvalue(), content_type="image/jpeg")


def _signature(seed: int) -> bytes:
    picture = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    points = [(40 + i * 26, 120 + ((i * 37 + seed * 11) % 70) - 35) for i in range(21)]
    draw.line(points, fill=(11, 31, 68, 255), width=5, joint="curve")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def customer_property(gen: Any) -> int:
    """Seven items of four customers (the demo customer's first); returns how many."""
    now = gen.clock.at
    agent = gen.users["agent"]
    customers = [gen.demo_customer, gen.demo_customer, *gen.customers[1:6]]
    for index, (what, condition, received_days, hand_overs, returned) in enumerate(ITEMS):
        customer = customers[index % len(customers)]
        wo = WorkOrder.objects.filter(customer=customer).order_by("-received_at").values_list("pk", flat=True).first()
        item = customer_property_receive(
            actor=agent,
            customer_id=customer.pk,
            work_order_id=wo,
            description=what,
            serial_number=f"CP{2026_0000 + index * 7919:08d}",
            condition=condition,
            photos=[_photo(index * 20)] if index % 2 == 0 else [],
            now=now - dt.timedelta(days=received_days),
        )
        holder = agent
        for username, days in hand_overs:
            to_user = gen.users[username]
            customer_property_hand_over(
                actor=holder, item_id=item.pk, to_user_id=to_user.pk, now=now - dt.timedelta(days=days)
            )
            holder = to_user
        if returned is not None:
            name, days = returned
            customer_property_return(
                actor=holder,
                item_id=item.pk,
                returned_to=name,
                signature=_signature(index),
                note="客户当面验收",
                now=now - dt.timedelta(days=days),
            )
    return len(ITEMS)
