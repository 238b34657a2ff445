"""Helpers of the visit and service-report tests: a work order assigned to a technician, photos."""

from __future__ import annotations

import base64
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales.fieldservice import visit_services as vs
from aftersales.workorders.models import WorkOrder
from tests.factories import make_work_order


def assigned_work_order(people, technician=None) -> WorkOrder:
    """A work order assigned to the technician (set directly: assignment and its certification
    checks are the dispatch's and staff's to test)."""
    wo = make_work_order(people.agent)
    WorkOrder.objects.filter(pk=wo.pk).update(assignee=technician or people.technician, status="in_progress")
    wo.refresh_from_db()
    return wo


def jpeg(size=(64, 48), colour=(200, 30, 30), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def png(size=(40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def signature_png() -> bytes:
    picture = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    for x in range(20, 280):
        picture.putpixel((x, 60 + (x % 20) - 10), (11, 31, 68, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def signature_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(signature_png()).decode()


def recorded_visit(people, *, now=None, wo=None):
    """A checked-in on-site visit with its notes and a photo before and after."""
    wo = wo or assigned_work_order(people)
    visit = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, now=now)
    vs.visit_record(
        actor=people.technician,
        visit_id=visit.pk,
        data={
            "diagnosis": "压缩机启动电容损坏",
            "work_done": "更换启动电容，清洗滤网",
            "test_result": "制冷正常，出风温度 12℃",
            "advice": "每月清洗一次滤网",
            "product_score": 8,
            "service_score": 9,
            "opinion": "师傅很专业，准时到达",
        },
    )
    vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="before", file=upload(jpeg()), now=now)
    vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="after", file=upload(jpeg()), now=now)
    visit.refresh_from_db()
    return visit


def signed_visit(people, *, now=None, wo=None):
    visit = recorded_visit(people, now=now, wo=wo)
    return vs.visit_sign(
        actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png(), now=now
    )
