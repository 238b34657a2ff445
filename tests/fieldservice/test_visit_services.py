"""Visits and service reports through the services (R-6.2–R-6.4, R-6.7)."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.fieldservice import visit_selectors as sel
from aftersales.fieldservice import visit_services as vs
from aftersales.fieldservice.models import Visit, VisitPhoto
from aftersales.parts.models import StockBalance, Warehouse
from aftersales.workorders.models import WorkOrderEvent
from tests.factories import PartFactory, WarehouseFactory, stock_in
from tests.fieldservice.conftest import at
from tests.fieldservice.visit_helpers import (
    assigned_work_order,
    jpeg,
    png,
    recorded_visit,
    signature_png,
    signed_visit,
    upload,
)

pytestmark = pytest.mark.django_db


def test_check_in_time_is_the_servers_and_on_the_timeline_r_6_2(people):
    wo = assigned_work_order(people)
    visit = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, now=at(2026, 5, 6, 9, 30))
    assert visit.checked_in_at == at(2026, 5, 6, 9, 30)
    assert WorkOrderEvent.objects.filter(work_order=wo, action="visit_check_in").exists()


def test_only_the_assigned_technician_checks_in(people):
    wo = assigned_work_order(people)
    with pytest.raises(NotFound):  # outside his scope: not his work order
        vs.visit_check_in(actor=people.other_technician, work_order_id=wo.pk)
    for actor in (people.agent, people.supervisor, people.dispatcher):
        with pytest.raises(PermissionDenied):
            vs.visit_check_in(actor=actor, work_order_id=wo.pk)


def test_a_second_open_visit_is_refused_and_a_retried_check_in_records_one_visit(people):
    wo = assigned_work_order(people)
    first = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, idempotency_key="k-1")
    again = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, idempotency_key="k-1")
    assert again.pk == first.pk
    assert Visit.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        vs.visit_check_in(actor=people.technician, work_order_id=wo.pk)
    assert exc.value.code == "visit_already_open"


def test_bad_input_names_the_field(people):
    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    for data, field in (
        ({"diagnosis": "x" * 4001}, "diagnosis"),
        ({"product_score": 11}, "product_score"),
        ({"service_score": True}, "service_score"),
        ({"opinion": 5}, "opinion"),
        ({"colour": "red"}, "colour"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            vs.visit_record(actor=people.technician, visit_id=visit.pk, data=data)
        assert field in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        vs.visit_check_in(actor=people.technician, work_order_id=visit.work_order_id, kind="teleport")
    assert "kind" in exc.value.fields


def test_another_technician_cannot_open_or_change_the_visit_or_its_photos_r_13_1(people):
    visit = recorded_visit(people)
    photo = visit.photos.first()
    with pytest.raises(NotFound):
        sel.visit_get(actor=people.other_technician, visit_id=visit.pk)
    with pytest.raises(NotFound):
        sel.visit_photo_get(actor=people.other_technician, visit_id=visit.pk, photo_id=photo.pk)
    with pytest.raises(NotFound):
        vs.visit_record(actor=people.other_technician, visit_id=visit.pk, data={"advice": "x"})
    # Staff who oversee see it but cannot change it.
    assert sel.visit_get(actor=people.supervisor, visit_id=visit.pk) == visit
    with pytest.raises(PermissionDenied):
        vs.visit_record(actor=people.supervisor, visit_id=visit.pk, data={"advice": "x"})


def test_photos_are_checked_by_content_resized_and_stripped_of_gps_r_6_2(people, settings):
    settings.FIELD_PHOTO_MAX_SIDE = 100
    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    exif = Image.Exif()
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPSInfo: latitude
    photo = vs.visit_photo_add(
        actor=people.technician, visit_id=visit.pk, stage="before", file=upload(jpeg((400, 300), exif=exif.tobytes()))
    )
    with default_storage.open(photo.file.name, "rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert max(stored.size) == 100
        assert not stored.getexif().get(0x8825)
    vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="after", file=upload(png(), "a.png"))
    for data, code in ((b"%PDF-1.4 not a photo", "photo_type"), (b"", "photo_type"), (b"GIF89a...", "photo_type")):
        with pytest.raises(DomainError) as exc:
            vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="before", file=upload(data))
        assert exc.value.code == code
        assert "file" in exc.value.fields
    with pytest.raises(ValidationFailed):
        vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="sideways", file=upload(jpeg()))


def test_a_photo_over_the_limit_is_refused(people, settings):
    settings.FIELD_PHOTO_MAX_MB = 1
    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    with pytest.raises(DomainError) as exc:
        vs.visit_photo_add(
            actor=people.technician, visit_id=visit.pk, stage="before", file=upload(b"\xff\xd8\xff" + b"0" * 2**20)
        )
    assert exc.value.code == "payload_too_large"
    assert exc.value.status == 413


def test_heic_photos_from_iphones_are_accepted_as_jpeg(people):
    import pillow_heif

    out = io.BytesIO()
    heif = pillow_heif.from_pillow(Image.new("RGB", (64, 64), (0, 200, 0)))
    heif.save(out, quality=80)
    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    photo = vs.visit_photo_add(
        actor=people.technician, visit_id=visit.pk, stage="before", file=upload(out.getvalue(), "IMG_0001.HEIC")
    )
    with default_storage.open(photo.file.name, "rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"


def test_the_photo_rule_before_and_after_r_6_2(people, settings):
    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    vs.visit_record(actor=people.technician, visit_id=visit.pk, data={"diagnosis": "电容坏", "work_done": "更换"})
    vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="before", file=upload(jpeg()))
    with pytest.raises(DomainError) as exc:
        vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png())
    assert exc.value.code == "photos_required"
    settings.FIELD_PHOTOS_REQUIRED = False  # the setting turns the rule off
    signed = vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png())
    assert signed.status == "signed"


def test_remote_support_records_the_steps_and_needs_no_photos_r_6_7(people):
    wo = assigned_work_order(people)
    visit = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, kind="remote")
    assert WorkOrderEvent.objects.filter(work_order=wo, action="remote_support").exists()
    with pytest.raises(ValidationFailed) as exc:
        vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png())
    assert "remote_steps" in exc.value.fields
    vs.visit_record(actor=people.technician, visit_id=visit.pk, data={"remote_steps": "1. 断电重启\n2. 重置遥控器"})
    signed = vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png())
    assert signed.is_signed


def test_an_unsigned_report_cannot_be_submitted_r_6_3(people):
    visit = recorded_visit(people)
    with pytest.raises(DomainError) as exc:
        vs.visit_submit(actor=people.technician, visit_id=visit.pk)
    assert exc.value.code == "report_unsigned"


def test_signing_needs_a_drawing_or_a_seal_and_a_blank_pad_is_refused(people):
    visit = recorded_visit(people)
    blank = io.BytesIO()
    Image.new("RGBA", (300, 120), (0, 0, 0, 0)).save(blank, "PNG")
    with pytest.raises(DomainError) as exc:
        vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=blank.getvalue())
    assert exc.value.code == "signature_missing"
    with pytest.raises(DomainError) as exc:
        vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生")
    assert exc.value.code == "signature_or_seal"
    with pytest.raises(DomainError) as exc:
        vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生", use_seal=True)
    assert exc.value.code == "signature_or_seal"
    assert "seal" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="  ", signature=signature_png())
    assert "signer_name" in exc.value.fields


def test_a_seal_photo_signs_the_report_r_6_3(people):
    visit = recorded_visit(people)
    vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="seal", file=upload(jpeg()))
    signed = vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="某某公司", use_seal=True)
    assert signed.seal
    assert not signed.signature
    assert signed.is_signed


def test_the_content_hash_is_stored_at_signing_and_later_changes_are_refused_r_6_3(people):
    visit = signed_visit(people)
    assert len(visit.content_hash) == 64
    assert vs.content_intact(visit)
    with pytest.raises(DomainError) as exc:
        vs.visit_record(actor=people.technician, visit_id=visit.pk, data={"advice": "改一下"})
    assert exc.value.code == "report_signed"
    with pytest.raises(DomainError) as exc:
        vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="after", file=upload(jpeg()))
    assert exc.value.code == "report_signed"
    # A change behind the services' back no longer matches, and the report cannot be submitted.
    Visit.objects.filter(pk=visit.pk).update(work_done="别的内容")
    visit.refresh_from_db()
    assert not vs.content_intact(visit)
    with pytest.raises(DomainError) as exc:
        vs.visit_submit(actor=people.technician, visit_id=visit.pk)
    assert exc.value.code == "report_signed"


def test_late_flag_on_the_working_day_clock_across_national_day_r_6_4(people, seeded, settings):
    settings.FIELD_REPORT_WORKING_DAYS = 3
    # Checked in on Wednesday 30 September; 1–7 October are holidays, so three working days end
    # on 10 October (a Saturday that is worked), not on 3 October.
    on_time = signed_visit(people, now=at(2026, 9, 30, 10))
    assert on_time.submit_due_at > at(2026, 10, 8)
    submitted = vs.visit_submit(actor=people.technician, visit_id=on_time.pk, now=at(2026, 10, 9, 17))
    assert submitted.late is False
    late = signed_visit(people, now=at(2026, 9, 30, 10))
    submitted = vs.visit_submit(actor=people.technician, visit_id=late.pk, now=at(2026, 10, 12, 9))
    assert submitted.late is True


def test_a_repeated_submit_with_the_same_key_records_it_once(people):
    visit = signed_visit(people)
    first = vs.visit_submit(actor=people.technician, visit_id=visit.pk, idempotency_key="submit-1")
    again = vs.visit_submit(actor=people.technician, visit_id=visit.pk, idempotency_key="submit-1")
    assert first.pk == again.pk
    assert first.submitted_at == again.submitted_at
    assert WorkOrderEvent.objects.filter(work_order=visit.work_order, action="report_submitted").count() == 1
    with pytest.raises(DomainError) as exc:  # a new key: it is already submitted
        vs.visit_submit(actor=people.technician, visit_id=visit.pk, idempotency_key="submit-2")
    assert exc.value.code == "visit_illegal_transition"


def test_review_approve_numbers_and_makes_read_only_r_6_4(people):
    first = vs.visit_submit(actor=people.technician, visit_id=signed_visit(people).pk)
    second = vs.visit_submit(actor=people.technician, visit_id=signed_visit(people).pk)
    for actor, error in ((people.technician, PermissionDenied), (people.dispatcher, PermissionDenied)):
        with pytest.raises(error):
            vs.visit_approve(actor=actor, visit_id=first.pk)
    a = vs.visit_approve(actor=people.supervisor, visit_id=first.pk, now=at(2026, 5, 6, 12))
    b = vs.visit_approve(actor=people.supervisor, visit_id=second.pk, now=at(2026, 5, 6, 12))
    assert (a.archive_number, b.archive_number) == ("RPT-2026-000001", "RPT-2026-000002")
    for call in (
        lambda: vs.visit_record(actor=people.technician, visit_id=a.pk, data={"advice": "x"}),
        lambda: vs.visit_return(actor=people.supervisor, visit_id=a.pk, comment="再看看"),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code in ("report_read_only", "visit_illegal_transition")


def test_a_returned_report_is_corrected_and_signed_again(people):
    visit = vs.visit_submit(actor=people.technician, visit_id=signed_visit(people).pk)
    with pytest.raises(ValidationFailed) as exc:
        vs.visit_return(actor=people.supervisor, visit_id=visit.pk, comment="")
    assert "comment" in exc.value.fields
    returned = vs.visit_return(actor=people.supervisor, visit_id=visit.pk, comment="测试结果写清楚")
    assert returned.status == "returned"
    assert returned.content_hash == ""
    assert not returned.signature
    vs.visit_record(actor=people.technician, visit_id=visit.pk, data={"test_result": "连续运行 30 分钟制冷正常"})
    again = vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png())
    assert again.status == "signed"


def test_a_supervisor_cannot_review_his_own_report(people):
    from tests.factories import UserFactory

    boss = UserFactory(role="supervisor")
    boss.groups.add(*people.technician.groups.all())
    wo = assigned_work_order(people, technician=boss)
    visit = vs.visit_check_in(actor=boss, work_order_id=wo.pk, kind="remote")
    vs.visit_record(actor=boss, visit_id=visit.pk, data={"remote_steps": "远程指导重启"})
    vs.visit_sign(actor=boss, visit_id=visit.pk, signer_name="张先生", signature=signature_png())
    vs.visit_submit(actor=boss, visit_id=visit.pk)
    with pytest.raises(DomainError) as exc:
        vs.visit_approve(actor=boss, visit_id=visit.pk)
    assert exc.value.code == "own_report"


def test_parts_come_from_his_van_or_a_branch_through_the_ledger_r_7_2(people):
    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    part = PartFactory()
    van = WarehouseFactory(kind="van", holder=people.technician)
    other_van = WarehouseFactory(kind="van", holder=people.other_technician)
    central = WarehouseFactory(kind="central")
    for wh in (van, other_van, central):
        stock_in(part, wh, 5)
    line = vs.visit_use_part(
        actor=people.technician, visit_id=visit.pk, part_id=part.pk, warehouse_id=van.pk, quantity=2
    )
    assert str(line.unit_price) == str(part.customer_price)
    assert StockBalance.objects.get(part=part, warehouse=van).on_hand == 3
    for wh in (other_van, central):
        with pytest.raises(ValidationFailed) as exc:
            vs.visit_use_part(
                actor=people.technician, visit_id=visit.pk, part_id=part.pk, warehouse_id=wh.pk, quantity=1
            )
        assert "warehouse_id" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        vs.visit_use_part(actor=people.technician, visit_id=visit.pk, part_id=part.pk, warehouse_id=van.pk, quantity=9)
    assert exc.value.code == "insufficient_stock"
    assert StockBalance.objects.get(part=part, warehouse=van).on_hand == 3  # nothing half-saved
    for qty in (0, -1, True, "2", 10**9):
        with pytest.raises(ValidationFailed):
            vs.visit_use_part(
                actor=people.technician, visit_id=visit.pk, part_id=part.pk, warehouse_id=van.pk, quantity=qty
            )
    assert Warehouse.objects.count() == 3
    assert VisitPhoto.objects.count() == 0


def test_resolving_a_work_order_with_a_visit_takes_the_approved_reports_resolution_r_6_4(people):
    from aftersales.workorders.services import work_order_resolve

    visit = vs.visit_submit(actor=people.technician, visit_id=signed_visit(people).pk)
    with pytest.raises(DomainError) as exc:
        work_order_resolve(actor=people.technician, work_order_id=visit.work_order_id, resolution="我自己写的")
    assert exc.value.code == "report_not_approved"
    approved = vs.visit_approve(actor=people.supervisor, visit_id=visit.pk)
    wo = work_order_resolve(actor=people.technician, work_order_id=visit.work_order_id, resolution="")
    assert wo.status == "resolved"
    assert wo.resolution == f"更换启动电容，清洗滤网 ({approved.archive_number})"


def test_a_work_order_without_visits_is_resolved_as_before(people):
    from aftersales.workorders.services import work_order_resolve

    wo = assigned_work_order(people)
    with pytest.raises(ValidationFailed) as exc:
        work_order_resolve(actor=people.technician, work_order_id=wo.pk, resolution="  ")
    assert "resolution" in exc.value.fields
    assert (
        work_order_resolve(actor=people.technician, work_order_id=wo.pk, resolution="电话指导解决").resolution
        == "电话指导解决"
    )


def test_r3_1_a_part_sent_again_with_its_key_leaves_stock_once(people):
    """A dropped connection (R-6.2): the phone sends the same part line again with its
    Idempotency-Key; one line is recorded and the van's stock drops once."""
    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    part = PartFactory()
    van = WarehouseFactory(kind="van", holder=people.technician)
    stock_in(part, van, 5)
    lines = [
        vs.visit_use_part(
            actor=people.technician,
            visit_id=visit.pk,
            part_id=part.pk,
            warehouse_id=van.pk,
            quantity=2,
            idempotency_key="part-1",
        )
        for _ in range(2)
    ]
    assert lines[0].pk == lines[1].pk
    assert StockBalance.objects.get(part=part, warehouse=van).on_hand == 3
