"""The visits' part of the demo data (``demo/seed.py`` calls it): visits and service reports in
every state (being recorded, signed, submitted on time and late, returned, approved, remote
support), with photos before and after and a drawn signature, all through the real services."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from aftersales.core.errors import DomainError
from aftersales.fieldservice import visit_services as vs

# (final state, days ago of the check-in, kind)
PLAN: list[tuple[str, float, str]] = [
    ("approved", 6, "on_site"),
    ("submitted", 1, "on_site"),
    ("returned", 3, "on_site"),
    ("signed", 0.3, "on_site"),
    ("draft", 0.1, "on_site"),
    ("late", 8, "on_site"),
    ("approved", 2, "remote"),
    ("approved", 12, "on_site"),
]
NOTES = [
    (
        "压缩机启动电容损坏",
        "更换启动电容，清洗室外机散热片",
        "开机运行 30 分钟，出风温度 12℃，制冷正常",
        "每月清洗一次过滤网",
    ),
    ("主控板电源模块烧毁", "更换主控板电源模块", "通电自检正常，各档位运行正常", "雷雨天气请拔掉电源插头"),
    ("排水管堵塞导致漏水", "疏通排水管并重新固定", "注水测试 10 分钟无渗漏", "定期检查排水管是否弯折"),
    ("温度传感器阻值漂移", "更换室内温度传感器", "设定 26℃ 运行，温控准确", "避免阳光直射室内机"),
]
OPINIONS = ["师傅准时到达，讲解很清楚", "维修很快，态度很好", "问题解决了，希望产品质量再提高", "服务专业，满意"]


def signature_png(seed: int) -> bytes:
    """A drawn signature (the demo ships no pictures)."""
    picture = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    points = [(30 + x * 14, 90 + ((x * 37 + seed * 11) % 50) - 25) for x in range(30)]
    draw.line(points, fill=(11, 31, 68, 255), width=4, joint="curve")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _work_orders(count: int) -> list[Any]:
    from django.db.models import Case, Max, When

    from aftersales.workorders.models import WorkOrder
    from aftersales.workorders.states import WORKING

    return list(
        WorkOrder.objects.filter(status__in=list(WORKING), assignee__groups__name="technician", visits__isnull=True)
        .annotate(last_event_at=Max("events__at"), fits=Case(When(service_type="repair", then=0), default=1))
        .select_related("assignee", "contact", "customer")
        .order_by("fits", "last_event_at", "id")[:count]
    )


def visits(gen: Any) -> int:
    """Eight visits, one or more in every state; returns how many were made."""
    from aftersales.demo.seed import demo_photo

    now = gen.clock.at
    supervisor = gen.users["supervisor"]
    made = 0
    for i, (wo, (target, days, kind)) in enumerate(zip(_work_orders(len(PLAN)), PLAN, strict=False)):
        tech = wo.assignee
        at = now - dt.timedelta(days=days)
        at = max(at, wo.last_event_at + dt.timedelta(minutes=30))  # the timeline stays in time order
        if at > now - dt.timedelta(hours=1):  # its last event was recent: halfway from there to now
            if wo.last_event_at >= now:
                continue
            at = wo.last_event_at + (now - wo.last_event_at) / 2
        with contextlib.suppress(DomainError):
            visit = vs.visit_check_in(actor=tech, work_order_id=wo.pk, kind=kind, now=at)
            made += 1
            diagnosis, work_done, test_result, advice = NOTES[i % len(NOTES)]
            data: dict[str, Any] = {
                "diagnosis": diagnosis,
                "work_done": work_done,
                "test_result": test_result,
                "advice": advice,
                "product_score": 7 + i % 3,
                "service_score": 8 + i % 3,
                "opinion": OPINIONS[i % len(OPINIONS)],
            }
            if kind == "remote":
                data["remote_steps"] = (
                    "1. 电话指导客户断电 5 分钟后重启\n2. 遥控器同时按住“模式”和“温度+”5 秒恢复出厂设置\n3. 客户确认恢复正常"
                )
            vs.visit_record(actor=tech, visit_id=visit.pk, data=data)
            if kind == "on_site":
                for n, stage in enumerate(("before", "after")):
                    photo = SimpleUploadedFile(f"{stage}.jpg", demo_photo(i * 2 + n), content_type="image/jpeg")
                    vs.visit_photo_add(actor=tech, visit_id=visit.pk, stage=stage, file=photo, now=at)
            if target == "draft":
                continue
            signer = wo.contact.name if wo.contact_id else wo.customer.name[:30]
            signed_at = min(at + dt.timedelta(hours=1), now)  # nothing after the demo's "now"
            vs.visit_sign(actor=tech, visit_id=visit.pk, signer_name=signer, signature=signature_png(i), now=signed_at)
            if target == "signed":
                continue
            submitted_at = min(signed_at + dt.timedelta(days=5 if target == "late" else 0.2), now)
            vs.visit_submit(actor=tech, visit_id=visit.pk, now=submitted_at)
            reviewed_at = min(submitted_at + dt.timedelta(hours=20), now)
            if target == "returned":
                vs.visit_return(
                    actor=supervisor, visit_id=visit.pk, comment="测试结果请写明运行时长和出风温度", now=reviewed_at
                )
            elif target == "approved":
                vs.visit_approve(actor=supervisor, visit_id=visit.pk, now=reviewed_at)
    return made
