"""Pages and API of customer property (用户备品, R-7.3): each role at each door, coded API errors,
the portal's own items only (R-13.1), views in the access log (R-13.2)."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from aftersales.audit.models import AccessLog
from aftersales.parts.models import CustomerProperty
from aftersales.parts.property_services import customer_property_hand_over, customer_property_receive
from tests.factories import PASSWORD, CustomerFactory, UserFactory, make_work_order, portal_user
from tests.parts.test_customer_property import signature_png
from tests.workorders.attachment_samples import media

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def item(agent, customer):
    photo = SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")
    return customer_property_receive(actor=agent, customer_id=customer.pk, description="投影仪", photos=[photo])


def test_r7_3_receive_form_takes_the_customer_from_the_work_order(agent):
    wo = make_work_order(agent)
    client = client_for(agent)
    photo = SimpleUploadedFile("front.jpg", jpeg(), content_type="image/jpeg")
    response = client.post(
        reverse("property:receive"),
        {"work_order": wo.number, "description": "主板", "condition": "无外壳", "photos": [photo]},
    )
    item = CustomerProperty.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("property:detail", args=[item.pk])
    assert (item.customer_id, item.work_order_id, item.holder) == (wo.customer_id, wo.pk, agent)
    assert item.photos.count() == 1


def test_r7_3_receive_form_names_the_wrong_field_in_chinese(agent):
    client = client_for(agent)
    response = client.post(reverse("property:receive"), {"work_order": "SR-1999-000001", "description": ""})
    assert response.status_code == 422
    assert "没有这个编号的工单" in response.content.decode()
    response = client.post(reverse("property:receive"), {"description": "主板"})
    assert "请填写工单号或客户编号" in response.content.decode()
    assert CustomerProperty.objects.count() == 0


def test_r7_3_list_detail_and_files_for_staff(agent, item):
    client = client_for(agent)
    page = client.get(reverse("property:list"), {"status": "in_custody"})
    assert page.status_code == 200
    assert item.number in page.content.decode()
    detail = client.get(reverse("property:detail", args=[item.pk]))
    assert detail.status_code == 200
    assert "保管记录" in detail.content.decode()
    photo = item.photos.get()
    assert client.get(reverse("property:thumbnail", args=[item.pk, photo.pk]))["Content-Type"] == "image/jpeg"
    assert client.get(reverse("property:photo", args=[item.pk, photo.pk])).status_code == 200
    assert AccessLog.objects.filter(object_type="customerproperty", object_id=str(item.pk), action="view").exists()
    assert AccessLog.objects.filter(object_type="propertyphoto", object_id=str(photo.pk)).exists()


def test_r7_3_bad_filter_values_are_ignored_not_a_500(agent, item):
    response = client_for(agent).get(reverse("property:list"), {"status": "nope", "holder": "x", "customer": "-5"})
    assert response.status_code == 200


def test_r7_3_hand_over_and_return_with_a_signature_on_the_pages(agent, item):
    tech = UserFactory(role="technician")
    client = client_for(agent)
    response = client.post(reverse("property:hand_over", args=[item.pk]), {"to_user_id": tech.pk, "note": "去修"})
    assert response.status_code == 302
    tech_client = client_for(tech)
    assert tech_client.get(reverse("property:return", args=[item.pk])).status_code == 200
    refused = tech_client.post(reverse("property:return", args=[item.pk]), {"returned_to": "王女士", "signature": ""})
    assert refused.status_code == 422
    assert "请客户在框内签名" in refused.content.decode()
    signature = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    done = tech_client.post(
        reverse("property:return", args=[item.pk]), {"returned_to": "王女士", "signature": signature}
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.returned_to) == ("returned", "王女士")
    image = client.get(reverse("property:signature", args=[item.pk]))
    assert image["Content-Type"] == "image/png"
    assert tech_client.get(reverse("property:detail", args=[item.pk])).status_code == 404  # no longer his


@pytest.mark.parametrize("role", ["technician", "dispatcher", "expert"])
def test_r13_1_staff_who_do_not_hold_it_get_404_or_403(item, role):
    client = client_for(UserFactory(role=role))
    detail = client.get(reverse("property:detail", args=[item.pk]))
    assert detail.status_code in (403, 404)
    photo = item.photos.get()
    assert client.get(reverse("property:photo", args=[item.pk, photo.pk])).status_code in (403, 404)
    post = client.post(reverse("property:hand_over", args=[item.pk]), {"to_user_id": 1})
    assert post.status_code in (403, 404)


def test_r13_1_a_customer_never_opens_the_staff_pages(customer, item):
    client = client_for(portal_user(customer))
    assert client.get(reverse("property:list")).status_code == 403
    assert client.get(reverse("property:detail", args=[item.pk])).status_code == 403


def test_r13_1_portal_shows_the_customers_own_items_only(agent, customer, item):
    other = customer_property_receive(actor=agent, customer_id=CustomerFactory().pk, description="别人的")
    client = client_for(portal_user(customer))
    listing = client.get(reverse("portal:property")).content.decode()
    assert item.number in listing
    assert other.number not in listing
    assert client.get(reverse("portal:property_detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("portal:property_detail", args=[other.pk])).status_code == 404
    photo = item.photos.get()
    assert client.get(reverse("portal:property_thumbnail", args=[item.pk, photo.pk])).status_code == 200
    assert client.get(reverse("portal:property_photo", args=[other.pk, photo.pk])).status_code == 404
    assert client.get(reverse("portal:property_signature", args=[item.pk])).status_code == 404  # not returned yet


# ---- API ----------------------------------------------------------------------------------------

API = "/api/v1/customer-property"


def test_r7_3_api_receive_hand_over_return_and_history(agent, customer):
    client = client_for(agent)
    created = client.post(
        API, {"customer_id": customer.pk, "description": "打印机", "serial_number": "PR-1"}, "application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["holder"]["id"], len(body["transfers"])) == ("in_custody", agent.pk, 1)
    tech = UserFactory(role="technician")
    moved = client.post(f"{API}/{body['id']}/hand-over", {"to_user_id": tech.pk}, "application/json")
    assert moved.status_code == 200
    assert [t["kind"] for t in moved.json()["transfers"]] == ["received", "handed_over"]
    tech_client = client_for(tech)
    blank = tech_client.post(f"{API}/{body['id']}/return", {"returned_to": "李", "signature": ""}, "application/json")
    assert (blank.status_code, blank.json()["code"]) == (422, "signature_missing")
    signature = base64.b64encode(signature_png()).decode()
    done = tech_client.post(
        f"{API}/{body['id']}/return", {"returned_to": "李", "signature": signature}, "application/json"
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["signed"]) == ("returned", True)
    again = tech_client.post(
        f"{API}/{body['id']}/return", {"returned_to": "李", "signature": signature}, "application/json"
    )
    assert again.status_code == 404  # returned: no longer his to see
    assert client.get(f"{API}/{body['id']}/signature")["Content-Type"] == "image/png"
    twice = client.post(f"{API}/{body['id']}/return", {"returned_to": "李", "signature": signature}, "application/json")
    assert (twice.status_code, twice.json()["code"]) == (409, "property_already_returned")


def test_r13_1_api_scope_for_a_customer_and_coded_refusals(agent, customer, item):
    other = customer_property_receive(actor=agent, customer_id=CustomerFactory().pk, description="别人的")
    client = client_for(portal_user(customer))
    listing = client.get(API).json()
    assert [row["id"] for row in listing["items"]] == [item.pk]
    assert client.get(f"{API}/{other.pk}").json()["code"] == "not_found"
    denied = client.post(API, {"customer_id": customer.pk, "description": "x"}, "application/json")
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    bad = client_for(agent).post(API, {"customer_id": customer.pk, "description": ""}, "application/json")
    assert (bad.status_code, bad.json()["code"], list(bad.json()["fields"])) == (
        422,
        "validation_error",
        ["description"],
    )


def test_r7_3_api_photos_by_their_bytes(agent, item):
    client = client_for(agent)
    added = client.post(f"{API}/{item.pk}/photos", {"photos": [SimpleUploadedFile("a.jpg", jpeg())]})
    assert added.status_code == 201
    assert [p["name"] for p in added.json()] == ["a.jpg"]
    refused = client.post(f"{API}/{item.pk}/photos", {"photos": [SimpleUploadedFile("a.jpg", b"%PDF-1.4 x")]})
    assert (refused.status_code, refused.json()["code"]) == (422, "property_photo_type")


def test_r7_3_api_list_query_count_is_bounded(agent, customer, django_assert_max_num_queries):
    for n in range(5):
        customer_property_receive(actor=agent, customer_id=customer.pk, description=f"物品{n}")
    client = client_for(agent)
    client.get(API)  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        response = client.get(API)
    assert len(response.json()["items"]) == 5


def test_r7_3_the_desk_may_return_what_a_technician_holds(agent, customer):
    """Agents manage every item (the technician is away, the customer is at the counter)."""
    item = customer_property_receive(actor=agent, customer_id=customer.pk, description="扫描仪")
    tech = UserFactory(role="technician")
    customer_property_hand_over(actor=agent, item_id=item.pk, to_user_id=tech.pk)
    signature = base64.b64encode(signature_png()).decode()
    done = client_for(agent).post(
        f"{API}/{item.pk}/return", {"returned_to": "李", "signature": signature}, "application/json"
    )
    assert done.status_code == 200
