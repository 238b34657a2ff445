"""The portal's attachments: a customer adds photos to their own request and sees them as
thumbnails; staff's internal photos and other customers' files stay out of reach (issue 9,
R-13.1: the same selector as the API)."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.workorders import attachments
from aftersales.workorders.models import Attachment
from tests.factories import InstalledProductFactory, UserFactory, make_work_order, portal_user
from tests.workorders.attachment_samples import jpeg, media, pdf, png, stored_files, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def wo(agent):
    return make_work_order(agent)


@pytest.fixture
def customer(wo):
    return portal_user(wo.customer)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _add(actor, wo, content=None, name="photo.jpg", **kwargs):
    return attachments.attachment_add(actor=actor, work_order_id=wo.pk, file=upload(content or jpeg(), name), **kwargs)


def test_a_customer_uploads_a_photo_of_the_fault_and_sees_its_thumbnail(customer, wo):
    client = _client(customer)
    response = client.post(f"/portal/{wo.pk}/attachments/", {"file": upload(jpeg(), "漏水位置.jpg")})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/{wo.pk}/#attachments"
    attachment = Attachment.objects.get(work_order=wo)
    assert (attachment.uploaded_by, attachment.visible_to_customer) == (customer, True)

    page = client.get(f"/portal/{wo.pk}/").content.decode()
    assert "谢谢，我们已收到 漏水位置.jpg" in page
    assert f'src="/portal/{wo.pk}/attachments/{attachment.pk}/thumbnail/"' in page
    assert "您本人" in page
    assert 'name="visible_to_customer"' not in page  # a customer's uploads are always theirs to see
    thumbnail = client.get(f"/portal/{wo.pk}/attachments/{attachment.pk}/thumbnail/")
    assert (thumbnail.status_code, thumbnail["Content-Type"]) == (200, "image/jpeg")


def test_r13_1_staff_internal_photos_are_not_shown_nor_served_to_the_customer(agent, customer, wo):
    internal = _add(agent, wo, name="内部检修记录.jpg")
    shown = _add(agent, wo, pdf(), "报价单.pdf", visible_to_customer=True)
    client = _client(customer)

    page = client.get(f"/portal/{wo.pk}/").content.decode()
    assert "报价单.pdf" in page
    assert "内部检修记录" not in page
    assert agent.display_name not in page  # "customer service", no staff name
    assert "客服中心" in page
    assert client.get(f"/portal/{wo.pk}/attachments/{internal.pk}/").status_code == 404
    assert client.get(f"/portal/{wo.pk}/attachments/{internal.pk}/thumbnail/").status_code == 404
    assert client.get(f"/portal/{wo.pk}/attachments/{shown.pk}/").status_code == 200


def test_r13_1_another_customer_reaches_none_of_it(agent, customer, wo, media):
    attachment = _add(customer, wo)
    elsewhere = InstalledProductFactory()
    stranger = _client(portal_user(elsewhere.customer))
    assert stranger.get(f"/portal/{wo.pk}/attachments/{attachment.pk}/").status_code == 404
    assert stranger.get(f"/portal/{wo.pk}/attachments/{attachment.pk}/thumbnail/").status_code == 404
    assert stranger.post(f"/portal/{wo.pk}/attachments/", {"file": upload(png(), "x.png")}).status_code == 404
    # the id of their own work order with someone else's attachment id: still nothing
    own = make_work_order(agent, elsewhere)
    assert stranger.get(f"/portal/{own.pk}/attachments/{attachment.pk}/").status_code == 404
    assert Attachment.objects.count() == 1
    assert len(stored_files(media)) == 2  # the one photo and its thumbnail


def test_a_bad_file_in_the_portal_gets_the_chinese_message(customer, wo, media):
    response = _client(customer).post(f"/portal/{wo.pk}/attachments/", {"file": upload(b"%PD not a pdf", "a.pdf")})
    assert response.status_code == 422
    assert "不支持此类文件" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_staff_on_portal_urls_go_back_to_their_own_pages(agent, wo):
    attachment = _add(agent, wo, visible_to_customer=True)
    response = _client(agent).get(f"/portal/{wo.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 302
    assert not response["Location"].startswith("/portal/")
