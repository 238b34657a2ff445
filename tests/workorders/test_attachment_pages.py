"""Attachments on the staff detail page: upload, thumbnails, the files served only in the work
order's scope, Chinese refusals, 413 before an oversized upload is read (issue 9, R-13.1)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from aftersales.workorders import attachments, services
from aftersales.workorders.models import Attachment
from tests.factories import UserFactory, make_work_order, portal_user
from tests.workorders.attachment_samples import jpeg, media, pdf, size_of, stored_files, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def wo(agent):
    return make_work_order(agent)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, wo, content, name="现场照片.jpg", **fields):
    return client.post(f"/work-orders/{wo.pk}/attachments/", {"file": upload(content, name), **fields})


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_staff_upload_a_photo_and_see_its_thumbnail_on_the_detail_page(agent, wo):
    client = _client(agent)
    response = _post(client, wo, jpeg((1200, 900)), visible_to_customer="on")
    assert response.status_code == 302
    assert response["Location"] == f"/work-orders/{wo.pk}/#attachments"
    attachment = Attachment.objects.get(work_order=wo)
    assert attachment.visible_to_customer is True

    page = client.get(f"/work-orders/{wo.pk}/").content.decode()
    assert "已添加附件 现场照片.jpg" in page  # the message after the redirect
    thumbnail_url = f"/work-orders/{wo.pk}/attachments/{attachment.pk}/thumbnail/"
    assert f'src="{thumbnail_url}"' in page
    assert "客户可见" in page
    assert "添加了附件（客户可见）" in page  # the timeline event

    thumbnail = client.get(thumbnail_url)
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert max(size_of(_body(thumbnail))) == 320

    photo = client.get(f"/work-orders/{wo.pk}/attachments/{attachment.pk}/")
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["Content-Disposition"] == f"inline; filename*=utf-8''{quote('现场照片.jpg')}"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in photo["Content-Security-Policy"]


def test_a_document_downloads_with_its_chinese_name_rfc_5987(agent, wo):
    client = _client(agent)
    _post(client, wo, pdf(), "维修报价单 2026.pdf")
    attachment = Attachment.objects.get(work_order=wo)
    response = client.get(f"/work-orders/{wo.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('维修报价单 2026.pdf')}"
    assert _body(response) == pdf()
    page = client.get(f"/work-orders/{wo.pk}/").content.decode()
    assert "bi-file-earmark-pdf" in page


def test_a_text_file_named_jpg_is_refused_on_the_page_in_chinese(agent, wo, media):
    response = _post(_client(agent), wo, b"hello, I am text", "photo.jpg")
    assert response.status_code == 422
    page = response.content.decode()
    assert "不支持此类文件" in page
    assert 'id="attachment-form"' in page  # the form is shown again with the message
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_request_over_the_limit_is_answered_413_before_it_is_read(agent, wo, settings, media):
    settings.ATTACHMENT_MAX_MB = 1
    response = _post(_client(agent), wo, pdf() + b"0" * (2 * 1024 * 1024), "big.pdf")
    assert response.status_code == 413
    assert "文件太大" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_r13_1_a_technician_cannot_reach_another_technicians_job_attachments(agent, wo):
    attachment = attachments.attachment_add(actor=agent, work_order_id=wo.pk, file=upload(jpeg()))
    tech = UserFactory(role="technician")
    client = _client(tech)
    assert _post(client, wo, jpeg()).status_code == 404
    assert client.get(f"/work-orders/{wo.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/work-orders/{wo.pk}/attachments/{attachment.pk}/thumbnail/").status_code == 404

    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    assert client.get(f"/work-orders/{wo.pk}/attachments/{attachment.pk}/").status_code == 200
    assert _post(client, wo, jpeg()).status_code == 302


def test_r13_1_an_executive_sees_the_photos_but_no_upload_form(agent, wo):
    attachments.attachment_add(actor=agent, work_order_id=wo.pk, file=upload(jpeg()))
    client = _client(UserFactory(role="executive"))
    page = client.get(f"/work-orders/{wo.pk}/").content.decode()
    assert 'id="attachment-list"' in page
    assert 'id="attachment-form"' not in page
    assert _post(client, wo, jpeg()).status_code == 403
    assert Attachment.objects.count() == 1


def test_r13_1_customers_and_anonymous_users_get_no_staff_file_url(agent, wo):
    attachment = attachments.attachment_add(
        actor=agent, work_order_id=wo.pk, file=upload(jpeg()), visible_to_customer=True
    )
    url = f"/work-orders/{wo.pk}/attachments/{attachment.pk}/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert _client(portal_user(wo.customer)).get(url).status_code == 403  # the portal has its own
    assert Client().post(f"/work-orders/{wo.pk}/attachments/").status_code in (302, 403)
    assert Attachment.objects.count() == 1
