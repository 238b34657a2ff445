"""R-6.5 receiving photos through the API: `POST /repair-orders/{id}/photos` (multipart, one file
a request) while the repair order is received, by whoever receives; the file's type read from its
bytes, the size limit and the re-encoding of the attachments (ADR 10), as on the receiving page;
only photos; served to staff who see the repair order, never to the customer."""

from __future__ import annotations

import pytest

from aftersales.repairs.models import RepairEvent
from aftersales.workorders.models import Attachment
from tests.api.conftest import API, ApiClient
from tests.repairs.conftest import walk
from tests.workorders.attachment_samples import exif_of, jpeg, media, pdf, png, stored_files, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]


def _send(api: ApiClient, ro, content: bytes, name: str = "到货.jpg"):
    return api.client.post(f"{API}/repair-orders/{ro.pk}/photos", {"file": upload(content, name)}, headers=api.headers)


def test_r6_5_a_photo_on_arrival_is_stored_shown_and_served(people, work_order):
    ro = walk(people, work_order, to="received")
    agent = ApiClient(people.agent)
    response = _send(agent, ro, jpeg(gps=True))
    assert response.status_code == 201, response.json()
    photo = response.json()
    assert (photo["kind"], photo["name"]) == ("jpeg", "到货.jpg")
    attachment = Attachment.objects.get(pk=photo["id"])
    assert attachment.work_order_id == work_order.pk
    assert not attachment.visible_to_customer
    assert 0x8825 not in exif_of(attachment.file.read())  # no location kept
    detail = agent.get(f"/repair-orders/{ro.pk}").json()
    assert [p["id"] for p in detail["photos"]] == [photo["id"]]
    assert RepairEvent.objects.filter(repair_order=ro, action="photo").count() == 1
    served = agent.client.get(f"{API}/repair-orders/{ro.pk}/photos/{photo['id']}", headers=agent.headers)
    assert (served.status_code, served["Content-Type"]) == (200, "image/jpeg")
    thumb = agent.client.get(f"{API}/repair-orders/{ro.pk}/photos/{photo['id']}?thumbnail=true", headers=agent.headers)
    assert (thumb.status_code, thumb["Content-Type"]) == (200, "image/jpeg")
    png_photo = _send(agent, ro, png(), "面板.png")
    assert (png_photo.status_code, png_photo.json()["kind"]) == (201, "png")


@pytest.mark.parametrize(
    ("content", "name", "code", "status"),
    [
        (b"plain text", "photo.jpg", "attachment_type_not_allowed", 422),
        (pdf(), "scan.pdf", "attachment_type_not_allowed", 422),  # a document is no photo of the product
        (b"", "empty.jpg", "attachment_empty", 422),
        (jpeg()[:300], "cut.jpg", "attachment_damaged", 422),
    ],
)
def test_r6_5_a_bad_file_is_refused_coded_and_nothing_is_kept(people, work_order, media, content, name, code, status):
    ro = walk(people, work_order, to="received")
    response = _send(ApiClient(people.agent), ro, content, name)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert "file" in response.json()["fields"]
    assert not Attachment.objects.exists()
    assert not ro.photos.exists()
    assert stored_files(media) == []
    assert not RepairEvent.objects.filter(repair_order=ro, action="photo").exists()


def test_r6_5_over_the_size_limit_is_413(people, work_order, settings, media):
    settings.ATTACHMENT_MAX_MB = 1
    ro = walk(people, work_order, to="received")
    response = _send(ApiClient(people.agent), ro, jpeg() + b"0" * (1024 * 1024))
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    assert stored_files(media) == []


def test_r6_5_a_missing_file_is_a_validation_error(people, work_order):
    ro = walk(people, work_order, to="received")
    api = ApiClient(people.agent)
    response = api.client.post(f"{API}/repair-orders/{ro.pk}/photos", {}, headers=api.headers)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert "file" in response.json()["fields"]


@pytest.mark.parametrize("status", ["expected", "assigned", "passed"])
def test_r6_5_only_while_received(people, work_order, status):
    ro = walk(people, work_order, to=status)
    response = _send(ApiClient(people.agent), ro, jpeg())
    assert (response.status_code, response.json()["code"]) == (409, "illegal_transition")
    assert not Attachment.objects.exists()


def test_r6_5_who_may_add_and_see_photos(people, work_order, customer_user, other_customer_user):
    """Whoever receives (agent, dispatcher, supervisor, admin) adds; the repairer, QA, the expert,
    the executive are refused 403; a technician who is not the repairer and the customers get
    404; the repairer sees the photos, the customer never."""
    ro = walk(people, work_order, to="received")
    for user in (people.dispatcher, people.supervisor, people.admin):
        assert _send(ApiClient(user), ro, jpeg()).status_code == 201
    for user in (people.qa, people.expert, people.executive):
        refused = _send(ApiClient(user), ro, jpeg())
        assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    for user in (people.technician, customer_user, other_customer_user):
        refused = _send(ApiClient(user), ro, jpeg())
        assert refused.status_code in (403, 404), refused.json()
        assert refused.json()["code"] in ("permission_denied", "not_found")
    assert ro.photos.count() == 3
    photo = ro.photos.first()
    walk_on = ApiClient(people.agent).post(f"/repair-orders/{ro.pk}/assign", {"repairer_id": people.technician.pk})
    assert walk_on.status_code == 200
    repairer = ApiClient(people.technician)
    assert (
        repairer.client.get(f"{API}/repair-orders/{ro.pk}/photos/{photo.pk}", headers=repairer.headers).status_code
        == 200
    )
    assert len(repairer.get(f"/repair-orders/{ro.pk}").json()["photos"]) == 3
    customer = ApiClient(customer_user)
    assert customer.get(f"/repair-orders/{ro.pk}").json()["photos"] == []
    hidden = customer.client.get(f"{API}/repair-orders/{ro.pk}/photos/{photo.pk}", headers=customer.headers)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    other = ApiClient(people.other_technician)
    assert other.client.get(f"{API}/repair-orders/{ro.pk}/photos/{photo.pk}", headers=other.headers).status_code == 404
    assert ApiClient(people.agent).client.get(
        f"{API}/repair-orders/{ro.pk}/photos/99999999999999999999", headers=ApiClient(people.agent).headers
    ).status_code in (404, 422)


def test_r6_5_the_receiving_page_takes_only_photos_too(client, people, work_order, media):
    from django.urls import reverse

    ro = walk(people, work_order, to="expected")
    client.force_login(people.agent)
    response = client.post(
        reverse("repairs:receive", args=[ro.pk]),
        {"condition": "外壳完好", "photos": [upload(pdf(), "scan.pdf", "application/pdf")]},
    )
    assert response.status_code == 422
    assert "JPEG" in response.content.decode()
    ro.refresh_from_db()
    assert ro.status == "expected"
    assert stored_files(media) == []
