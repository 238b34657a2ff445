"""Attachments on work orders (issue 9): what a file is comes from its bytes, photos lose their
metadata, nothing is half-saved, and the work order's scope and the customer-visibility rule
decide who may add and see them (R-3.5 timeline, R-13.1 scope, R-13.2 access log)."""

from __future__ import annotations

import pytest
from django.utils import translation

from aftersales.audit.models import AccessLog
from aftersales.core.errors import DomainError, NotFound, PermissionDenied
from aftersales.workorders import attachments, selectors, services
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import Attachment, WorkOrderEvent
from tests.factories import InstalledProductFactory, UserFactory, make_work_order, portal_user
from tests.workorders.attachment_samples import (
    GPS_IFD,
    docx,
    exif_of,
    jpeg,
    media,
    office,
    pdf,
    png,
    png_claiming,
    size_of,
    stored_files,
    upload,
    webp,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]  # the fixture, imported for pytest


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def wo(agent):
    return make_work_order(agent)


def _add(actor, wo, content, name="photo.jpg", **kwargs):
    return attachments.attachment_add(actor=actor, work_order_id=wo.pk, file=upload(content, name), **kwargs)


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _refused(actor, wo, content, name="photo.jpg") -> DomainError:
    with pytest.raises(DomainError) as caught:
        _add(actor, wo, content, name)
    return caught.value


# --- content, not name --------------------------------------------------------------------


def test_photo_is_stored_encoded_again_without_exif_and_gets_a_thumbnail(agent, wo, media):
    """The camera's location and maker do not reach the storage; the thumbnail is made once, at
    upload, at most 320×320; a timeline event and an access-log row record the upload."""
    original = jpeg((1600, 1200), gps=True)
    assert exif_of(original).get_ifd(GPS_IFD)  # the sample does carry a location

    attachment = _add(agent, wo, original, "现场照片.JPG")

    stored = _read(attachment.file)
    assert stored != original
    assert not exif_of(stored).get_ifd(GPS_IFD)
    assert 0x010F not in exif_of(stored)  # no camera maker either
    assert size_of(stored) == (1600, 1200)
    thumbnail = _read(attachment.thumbnail)
    assert max(size_of(thumbnail)) == 320
    assert (attachment.kind, attachment.name, attachment.size) == ("jpeg", "现场照片.JPG", len(stored))
    assert attachment.visible_to_customer is False  # staff's photos are internal by default
    assert len(stored_files(media)) == 2
    event = WorkOrderEvent.objects.get(work_order=wo, kind=WorkOrderEvent.Kind.ATTACHMENT)
    assert (event.actor, event.text, event.data["attachment"]) == (agent, "现场照片.JPG", attachment.pk)
    assert AccessLog.objects.filter(action="create", object_type="attachment", object_id=str(attachment.pk)).exists()


def test_photo_is_turned_upright_as_the_camera_said(agent, wo):
    """A phone held upright writes a landscape picture with orientation 6; the stored picture
    is upright itself, since the tag that said so is gone."""
    attachment = _add(agent, wo, jpeg((800, 600), orientation=6))
    assert size_of(_read(attachment.file)) == (600, 800)
    assert size_of(_read(attachment.thumbnail)) == (240, 320)


@pytest.mark.parametrize(
    ("content", "name", "kind", "stored_name"),
    [
        (png(), "screen.png", "png", "screen.png"),
        (webp(), "photo.webp", "webp", "photo.webp"),
        (png(), "photo.jpg", "png", "photo.png"),  # the bytes decide, the name follows
        (pdf(), "发票.pdf", "pdf", "发票.pdf"),
        (pdf(), "scan", "pdf", "scan.pdf"),
        (xlsx(), "清单.xlsx", "xlsx", "清单.xlsx"),
        (docx(), "report.docx", "docx", "report.docx"),
    ],
)
def test_allowed_kinds_are_recognised_by_their_bytes(agent, wo, content, name, kind, stored_name):
    attachment = _add(agent, wo, content, name)
    assert (attachment.kind, attachment.name) == (kind, stored_name)
    assert bool(attachment.thumbnail) == (kind in {"png", "webp"})


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"just some text, not a picture\n", "photo.jpg"),
        (b"<html><script>alert(1)</script></html>", "photo.png"),
        (b"MZ\x90\x00" + b"\x00" * 64, "invoice.pdf"),  # a program
        (office("docProps/app.xml"), "sheet.xlsx"),  # a zip, but no workbook
        (office("xl/workbook.xml", "xl/vbaProject.bin"), "macros.xlsx"),  # a macro workbook
        (b"PK\x03\x04 not really a zip", "table.xlsx"),
        (b"GIF89a" + b"\x00" * 32, "anim.gif"),  # not on the list
    ],
)
def test_a_file_that_is_none_of_the_allowed_kinds_is_refused_and_nothing_is_saved(agent, wo, media, content, name):
    error = _refused(agent, wo, content, name)
    assert (error.code, error.status) == (WorkOrderErrorCode.ATTACHMENT_TYPE, 422)
    assert "file" in error.fields
    assert not Attachment.objects.exists()
    assert not WorkOrderEvent.objects.filter(kind=WorkOrderEvent.Kind.ATTACHMENT).exists()
    assert stored_files(media) == []


def test_an_empty_file_is_refused(agent, wo):
    assert _refused(agent, wo, b"").code == WorkOrderErrorCode.ATTACHMENT_EMPTY


def test_a_file_over_the_size_setting_is_refused_as_payload_too_large(agent, wo, settings, media):
    settings.ATTACHMENT_MAX_MB = 1
    big = pdf() + b"0" * (1024 * 1024)
    error = _refused(agent, wo, big, "big.pdf")
    assert (error.code, error.status) == ("payload_too_large", 413)
    assert "1 MB" in error.fields["file"]
    assert stored_files(media) == []
    # exactly at the limit is fine
    assert _add(agent, wo, pdf() + b"0" * (1024 * 1024 - len(pdf())), "limit.pdf").size == 1024 * 1024


@pytest.mark.parametrize(("width", "height"), [(9_000, 9_000), (40_000, 40_000)])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(agent, wo, width, height):
    """81 million pixels is over our limit (60 million) though under Pillow's own; 1.6 billion is
    over Pillow's too, which then refuses it itself. Either way: image_too_large, and the tiny
    file was never decoded into gigabytes."""
    error = _refused(agent, wo, png_claiming(width, height), "bomb.png")
    assert (error.code, error.status) == (WorkOrderErrorCode.IMAGE_TOO_LARGE, 422)


def test_a_truncated_photo_is_refused_as_damaged(agent, wo, media):
    whole = jpeg((800, 600))
    error = _refused(agent, wo, whole[: len(whole) // 2])
    assert error.code == WorkOrderErrorCode.ATTACHMENT_DAMAGED
    assert stored_files(media) == []


def test_a_failed_database_write_leaves_no_file_behind(agent, wo, media, monkeypatch):
    """The files are written inside the transaction and deleted when it does not commit."""

    def broken(**kwargs):
        raise RuntimeError("access log unavailable")

    monkeypatch.setattr(attachments, "record", broken)
    with pytest.raises(RuntimeError):
        _add(agent, wo, jpeg())
    assert not Attachment.objects.exists()
    assert not WorkOrderEvent.objects.filter(kind=WorkOrderEvent.Kind.ATTACHMENT).exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\王\\Desktop\\故障 照片.jpeg", "故障 照片.jpeg"),
        ("bad\x00name\n.jpg", "badname.jpg"),
        ("", "attachment.jpg"),
        ("..", "attachment.jpg"),
        ("photo.exe", "photo.exe.jpg"),
        ("x" * 300 + ".jpg", "x" * 116 + ".jpg"),
    ],
)
def test_the_shown_name_has_no_folders_or_control_characters(given, shown):
    with translation.override("en"):
        assert attachments.display_name(given, "jpeg") == shown


# --- who may add them (the note's rule) and who sees them (R-13.1) --------------------------


def test_r13_1_a_technician_attaches_to_his_own_job_only():
    supervisor = UserFactory(role="supervisor")
    tech = UserFactory(role="technician")
    mine, other = make_work_order(supervisor), make_work_order(supervisor)
    services.work_order_assign(actor=supervisor, work_order_id=mine.pk, assignee_id=tech.pk)

    assert _add(tech, mine, jpeg()).uploaded_by == tech
    with pytest.raises(NotFound):  # not his job: as if it did not exist
        _add(tech, other, jpeg())


def test_r13_1_an_executive_sees_attachments_but_may_not_add_them(agent, wo):
    executive = UserFactory(role="executive")
    _add(agent, wo, jpeg())
    assert len(selectors.work_order_attachments(actor=executive, work_order_id=wo.pk)) == 1
    with pytest.raises(PermissionDenied):
        _add(executive, wo, jpeg())


def test_r13_3_an_archived_work_order_takes_no_attachment(agent):
    supervisor = UserFactory(role="supervisor")
    wo = make_work_order(agent, service_type="consultation", answered_on_spot=True, resolution="已电话说明")
    services.work_order_archive(actor=supervisor, work_order_id=wo.pk)
    error = _refused(supervisor, wo, jpeg())
    assert error.code == WorkOrderErrorCode.READ_ONLY


def test_r13_1_a_customer_attaches_to_their_own_request_and_always_sees_it(agent, wo):
    customer = portal_user(wo.customer)
    mine = _add(customer, wo, jpeg(), visible_to_customer=False)  # cannot hide it from themselves
    assert mine.visible_to_customer is True

    stranger = portal_user(InstalledProductFactory().customer)
    with pytest.raises(NotFound):
        _add(stranger, wo, jpeg())
    with pytest.raises(NotFound):
        selectors.work_order_attachments(actor=stranger, work_order_id=wo.pk)
    with pytest.raises(NotFound):
        selectors.work_order_attachment(actor=stranger, work_order_id=wo.pk, attachment_id=mine.pk)


def test_r13_1_a_customer_sees_their_own_and_the_shown_attachments_not_the_internal_ones(agent, wo):
    customer = portal_user(wo.customer)
    internal = _add(agent, wo, jpeg(), "内部照片.jpg")
    shown = _add(agent, wo, pdf(), "报价单.pdf", visible_to_customer=True)
    theirs = _add(customer, wo, png(), "铭牌.png")

    seen = selectors.work_order_attachments(actor=customer, work_order_id=wo.pk)
    assert [a.id for a in seen] == [shown.pk, theirs.pk]
    assert [a.by_customer for a in seen] == [False, True]
    assert all(a.uploaded_by is None for a in seen)  # no staff names
    with pytest.raises(NotFound):
        selectors.work_order_attachment(actor=customer, work_order_id=wo.pk, attachment_id=internal.pk)
    other = make_work_order(agent, InstalledProductFactory(customer=wo.customer))
    with pytest.raises(NotFound):  # their other work order with this one's attachment id
        selectors.work_order_attachment(actor=customer, work_order_id=other.pk, attachment_id=shown.pk)

    staff_view = selectors.work_order_attachments(actor=agent, work_order_id=wo.pk)
    assert [a.id for a in staff_view] == [internal.pk, shown.pk, theirs.pk]
    assert staff_view[0].uploaded_by == agent


def test_r13_2_opening_a_file_is_in_the_access_log_a_thumbnail_is_not(agent, wo):
    attachment = _add(agent, wo, jpeg())
    attachments.attachment_download(actor=agent, work_order_id=wo.pk, attachment_id=attachment.pk, thumbnail=True)
    assert not AccessLog.objects.filter(action="view", object_type="attachment").exists()
    response = attachments.attachment_download(actor=agent, work_order_id=wo.pk, attachment_id=attachment.pk)
    assert response["Content-Type"] == "image/jpeg"
    assert AccessLog.objects.filter(action="view", object_type="attachment", object_id=str(attachment.pk)).exists()


def test_the_demo_customers_photo_is_one_the_service_accepts(agent, wo):
    """The demo (demo/seed.py) attaches a drawn photo to the demo customer's portal repairs."""
    from aftersales.demo.seed import demo_photo

    attachment = _add(portal_user(wo.customer), wo, demo_photo(wo.pk), "故障照片.jpg")
    assert (attachment.kind, attachment.visible_to_customer, bool(attachment.thumbnail)) == ("jpeg", True, True)


def test_a_truncated_photo_is_still_refused_after_a_report_pdf_was_made(agent, wo, media):
    """WeasyPrint's import switches Pillow to loading truncated images for the whole process;
    making a service report's PDF (R-6.4) must not weaken the damage check of every photo."""
    from PIL import ImageFile

    from aftersales.fieldservice import visit_files

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint's import leaves it
    visit_files.weasyprint_html()  # what making a report's PDF does first
    whole = jpeg((800, 600))
    error = _refused(agent, wo, whole[: len(whole) // 2])
    assert error.code == WorkOrderErrorCode.ATTACHMENT_DAMAGED
