"""The attachments API: multipart upload, the list and the download, with the same scope and
customer visibility as the pages (issue 9, R-13.1) and coded refusals."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from aftersales.workorders import attachments
from aftersales.workorders.models import Attachment
from tests.api.conftest import API, ApiClient
from tests.factories import InstalledProductFactory, UserFactory, make_work_order, portal_user
from tests.workorders.attachment_samples import jpeg, media, pdf, size_of, stored_files, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]


@pytest.fixture
def wo(agent, product):
    return make_work_order(agent, product)


def _upload(api: ApiClient, wo, content, name="photo.jpg", **fields):
    return api.client.post(
        f"{API}/work-orders/{wo.pk}/attachments", {"file": upload(content, name), **fields}, headers=api.headers
    )


def _add(actor, wo, content=None, name="photo.jpg", **kwargs):
    return attachments.attachment_add(actor=actor, work_order_id=wo.pk, file=upload(content or jpeg(), name), **kwargs)


def test_upload_list_and_download(agent, wo):
    api = ApiClient(agent)
    response = _upload(api, wo, jpeg((1000, 500), gps=True), "现场.jpg", visible_to_customer="true")
    assert response.status_code == 201, response.content
    body = response.json()
    attachment = Attachment.objects.get()
    assert body["id"] == attachment.pk
    assert body["kind"] == "jpeg"
    assert body["content_type"] == "image/jpeg"
    assert body["name"] == "现场.jpg"
    assert body["visible_to_customer"] is True
    assert body["by_customer"] is False
    assert body["uploaded_by"]["id"] == agent.pk
    assert body["download_url"] == f"{API}/work-orders/{wo.pk}/attachments/{attachment.pk}"
    assert body["thumbnail_url"] == f"{API}/work-orders/{wo.pk}/attachments/{attachment.pk}/thumbnail"

    listed = api.get(f"/work-orders/{wo.pk}/attachments")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [attachment.pk]

    file = api.client.get(body["download_url"], headers=api.headers)
    assert file.status_code == 200
    assert file["Content-Type"] == "image/jpeg"
    assert file["Content-Disposition"] == f"inline; filename*=utf-8''{quote('现场.jpg')}"
    assert size_of(b"".join(file.streaming_content)) == (1000, 500)
    thumbnail = api.client.get(body["thumbnail_url"], headers=api.headers)
    assert size_of(b"".join(thumbnail.streaming_content)) == (320, 160)


def test_a_document_has_no_thumbnail(agent, wo):
    api = ApiClient(agent)
    body = _upload(api, wo, pdf(), "合同.pdf").json()
    assert (body["kind"], body["thumbnail_url"]) == ("pdf", None)
    thumbnail = api.client.get(f"{API}/work-orders/{wo.pk}/attachments/{body['id']}/thumbnail", headers=api.headers)
    assert (thumbnail.status_code, thumbnail.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("content", "name", "code", "status"),
    [
        (b"plain text", "photo.jpg", "attachment_type_not_allowed", 422),
        (b"", "empty.pdf", "attachment_empty", 422),
        (jpeg()[:300], "cut.jpg", "attachment_damaged", 422),
    ],
)
def test_bad_files_get_a_coded_error_and_nothing_is_saved(agent, wo, media, content, name, code, status):
    response = _upload(ApiClient(agent), wo, content, name)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert "file" in body["fields"]
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_missing_file_is_a_validation_error(agent, wo):
    api = ApiClient(agent)
    response = api.client.post(f"{API}/work-orders/{wo.pk}/attachments", {}, headers=api.headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "file" in response.json()["fields"]


def test_too_large_is_413_payload_too_large(agent, wo, settings, media):
    settings.ATTACHMENT_MAX_MB = 1
    api = ApiClient(agent)
    just_over = _upload(api, wo, pdf() + b"0" * (1024 * 1024), "big.pdf")  # the service's own check
    assert (just_over.status_code, just_over.json()["code"]) == (413, "payload_too_large")
    far_over = _upload(api, wo, pdf() + b"0" * (3 * 1024 * 1024), "huge.pdf")  # refused unread
    assert (far_over.status_code, far_over.json()["code"]) == (413, "payload_too_large")
    assert stored_files(media) == []


def test_r13_1_a_technician_not_on_the_job_gets_404(agent, wo, tech):
    attachment = _add(agent, wo)
    api = ApiClient(tech)
    assert _upload(api, wo, jpeg()).status_code == 404
    assert api.get(f"/work-orders/{wo.pk}/attachments").status_code == 404
    assert api.get(f"/work-orders/{wo.pk}/attachments/{attachment.pk}").status_code == 404


def test_r13_1_an_executive_reads_but_may_not_upload(agent, wo):
    _add(agent, wo)
    api = ApiClient(UserFactory(role="executive"))
    assert len(api.get(f"/work-orders/{wo.pk}/attachments").json()) == 1
    response = _upload(api, wo, jpeg())
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_r13_1_a_customer_sees_their_own_and_shown_attachments_without_staff_names(agent, wo, customer_user):
    internal = _add(agent, wo, name="内部.jpg")
    shown = _add(agent, wo, pdf(), "报价.pdf", visible_to_customer=True)
    api = ApiClient(customer_user)
    mine = _upload(api, wo, jpeg(), "铭牌.jpg", visible_to_customer="false")
    assert mine.status_code == 201
    assert mine.json()["visible_to_customer"] is True  # their own uploads are always theirs to see
    assert mine.json()["by_customer"] is True

    listed = api.get(f"/work-orders/{wo.pk}/attachments").json()
    assert [a["id"] for a in listed] == [shown.pk, mine.json()["id"]]
    assert all(a["uploaded_by"] is None for a in listed)
    assert api.get(f"/work-orders/{wo.pk}/attachments/{internal.pk}").status_code == 404
    assert api.client.get(f"{API}/work-orders/{wo.pk}/attachments/{shown.pk}", headers=api.headers).status_code == 200


def test_r13_1_another_customer_gets_404_everywhere(agent, wo):
    attachment = _add(agent, wo, visible_to_customer=True)
    api = ApiClient(portal_user(InstalledProductFactory().customer))
    assert _upload(api, wo, jpeg()).status_code == 404
    assert api.get(f"/work-orders/{wo.pk}/attachments").status_code == 404
    assert api.get(f"/work-orders/{wo.pk}/attachments/{attachment.pk}").status_code == 404


def test_unauthenticated_is_401(agent, wo):
    attachment = _add(agent, wo)
    api = ApiClient()
    assert _upload(api, wo, jpeg()).status_code == 401
    assert api.get(f"/work-orders/{wo.pk}/attachments").status_code == 401
    assert api.get(f"/work-orders/{wo.pk}/attachments/{attachment.pk}").status_code == 401
    assert Attachment.objects.count() == 1
