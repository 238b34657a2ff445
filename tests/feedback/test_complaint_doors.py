"""R-8.1 complaints on the page and in the API: the steps map to the services, refusals come back
on the form or as coded errors, and each role's door (customer and outsiders refused)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from aftersales.feedback.models import Complaint
from tests.api.conftest import ApiClient
from tests.factories import InstalledProductFactory, UserFactory, make_work_order, portal_user

pytestmark = pytest.mark.django_db

RECORD = {"about": "service", "content": "客服电话多次无人接听", "mood": "upset", "expected_solution": "回电说明"}


@pytest.fixture
def wo(agent):
    return make_work_order(agent, InstalledProductFactory(), service_type="complaint")


def _later() -> str:
    return (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def test_r8_1_page_steps_record_read_back_acknowledge(agent, wo, client):
    client.force_login(agent)
    base = f"/feedback/complaints/{wo.pk}/"
    assert client.get(base).status_code == 200
    bad = client.post(base + "record/", {"about": "", "mood": "", "content": ""})
    assert bad.status_code == 422
    assert {"请选择投诉对象", "请记录客户投诉的内容", "请选择客户情绪"} <= set(
        re.findall(r"请[^。<]*", bad.content.decode())
    )
    assert client.post(base + "record/", RECORD).status_code == 302
    refused = client.post(base + "ack/", {"expected_handling_at": _later()})
    assert refused.status_code == 422
    assert "复述" in refused.content.decode()
    assert client.post(base + "read_back/", {"confirmed_by_name": "刘先生"}).status_code == 302
    assert client.post(base + "ack/", {"expected_handling_at": _later()}).status_code == 302
    complaint = Complaint.objects.get(work_order=wo)
    assert complaint.acknowledged_at is not None
    assert client.post(base + "nonsense/", {}).status_code == 404
    detail = client.get(f"/work-orders/{wo.pk}/").content.decode()
    assert 'data-testid="complaint-link"' in detail


def test_r8_1_page_doors(agent, wo, client):
    for role in ("technician",):  # sees only their own jobs: out of scope
        client.force_login(UserFactory(role=role))
        assert client.get(f"/feedback/complaints/{wo.pk}/").status_code == 404
        # Without the permission to record, refused before the work order is looked up.
        assert client.post(f"/feedback/complaints/{wo.pk}/record/", RECORD).status_code == 403
    client.force_login(portal_user(wo.customer))
    assert client.get(f"/feedback/complaints/{wo.pk}/").status_code == 403
    client.force_login(UserFactory(role="executive"))  # sees it, may not record
    assert client.get(f"/feedback/complaints/{wo.pk}/").status_code == 200
    assert client.post(f"/feedback/complaints/{wo.pk}/record/", RECORD).status_code == 403


def test_r8_1_api_round_trip_and_coded_refusals(agent, wo):
    api = ApiClient(agent)
    assert api.get(f"/work-orders/{wo.pk}/complaint").status_code == 404
    assert api.post(f"/work-orders/{wo.pk}/complaint", {**RECORD, "mood": "sad"}).status_code == 422
    created = api.post(f"/work-orders/{wo.pk}/complaint", RECORD)
    assert created.status_code == 201
    assert created.json()["mood"] == "upset"
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    refused = api.post(f"/work-orders/{wo.pk}/complaint/acknowledge", {"expected_handling_at": later})
    assert (refused.status_code, refused.json()["code"]) == (409, "complaint_not_read_back")
    api.post(f"/work-orders/{wo.pk}/complaint/read-back", {"confirmed_by_name": "刘先生"})
    done = api.post(f"/work-orders/{wo.pk}/complaint/acknowledge", {"expected_handling_at": later})
    assert done.json()["acknowledged_at"] is not None
    qa = ApiClient(UserFactory(role="qa"))
    followed = qa.post(f"/work-orders/{wo.pk}/complaint/follow-up", {"satisfaction": 9, "note": "很满意"})
    assert followed.json()["satisfaction"] == 9
    assert qa.post(f"/work-orders/{wo.pk}/complaint/follow-up", {"satisfaction": 0, "note": "x"}).status_code == 422
    customer = ApiClient(portal_user(wo.customer))
    assert customer.get(f"/work-orders/{wo.pk}/complaint").status_code == 404
    assert customer.post(f"/work-orders/{wo.pk}/complaint/read-back", {"confirmed_by_name": "x"}).status_code == 404
