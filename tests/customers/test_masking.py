"""R-13.1: phone numbers inside short texts (a call's other party, a fax reference) are masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.customers.masking import mask_phones_in
from aftersales.workorders.services import communication_record
from tests.api.test_workorders import ApiClient
from tests.factories import UserFactory, make_work_order


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("张经理 13812345678", "张经理 138****5678"),
        ("传真 021-5888 1234", "传真 021****1234"),
        ("+86 138 1234 5678 (王工)", "861****5678 (王工)"),
        ("顺丰 SF1234567890123", "顺丰 SF1234567890123"),  # a tracking number is not a phone
        ("王女士", "王女士"),
        ("型号 KFR-35", "型号 KFR-35"),
    ],
)
def test_r13_1_phone_numbers_in_text_are_masked(text, shown):
    assert mask_phones_in(text) == shown


@pytest.mark.django_db
def test_r13_1_other_party_masked_on_pages_and_api_for_roles_without_contact_details(client):
    agent = UserFactory(role="agent")
    wo = make_work_order(agent)
    communication_record(
        actor=agent,
        work_order_id=wo.pk,
        kind="call",
        direction="in",
        summary="客户催促",
        counterpart="张经理 13812345678",
    )
    expert = UserFactory(role="expert")
    client.force_login(expert)
    for url in (reverse("workorders:detail", args=[wo.pk]), reverse("customers:detail", args=[wo.customer_id])):
        html = client.get(url).content.decode()
        assert "张经理 138****5678" in html
        assert "13812345678" not in html
    history = ApiClient(expert).get(f"/customers/{wo.customer_id}/history").json()
    assert history["communications"][0]["counterpart"] == "张经理 138****5678"
    client.force_login(agent)  # an agent needs the number to call back
    assert "张经理 13812345678" in client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
