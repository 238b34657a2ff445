"""Staff pages for work orders: intake, list, detail and its actions (R-2, R-3, R-13).

Interface tests: the mapping from the page to the services, status codes, scope and query
counts. The rules themselves are tested in test_services.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.audit.models import AccessLog
from aftersales.catalog.models import GuidedQuestion
from aftersales.customers.models import Customer
from aftersales.workorders import services
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import Status
from tests.factories import (
    CustomerFactory,
    FaultCategoryFactory,
    InstalledProductFactory,
    UserFactory,
    make_work_order,
    portal_user,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent():
    return UserFactory(role="agent", display_name="李客服")


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor", display_name="赵主管")


@pytest.fixture
def tech():
    return UserFactory(role="technician", display_name="王工")


def _local_input(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _intake_data(product, **overrides):
    data = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "received_at": _local_input(timezone.now() - dt.timedelta(minutes=5)),
        "symptom": "空调不制冷 外机有异响",
        "service_type": "repair",
        "priority": "P2",
        "colour": "",
        "idempotency_key": "",
    }
    data.update(overrides)
    return data


# --- intake ---------------------------------------------------------------------------------


def test_r2_3_intake_page_renders_in_chinese(client, agent):
    client.force_login(agent)
    response = client.get(reverse("workorders:intake"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "新建服务请求" in html or "新请求" in html
    assert "故障现象" in html
    assert "电话热线" in html  # Channel.PHONE in Chinese


def test_r2_3_intake_marks_what_the_service_requires(client, agent):
    """The symptom and the service type are required (checked by the service): both labels carry
    the red asterisk and the inputs aria-required; optional fields do not."""
    import re

    client.force_login(agent)
    html = client.get(reverse("workorders:intake")).content.decode()
    for field_id in ("id_symptom", "id_service_type"):
        label = re.search(rf'<label class="form-label" for="{field_id}">(.*?)</label>', html).group(1)
        assert '<span class="text-danger" aria-hidden="true"> *</span>' in label
        assert re.search(
            rf'<[^>]*aria-required="true"[^>]*id="{field_id}"|<[^>]*id="{field_id}"[^>]*aria-required="true"', html
        )
    demand = re.search(r'<label class="form-label" for="id_demand">(.*?)</label>', html).group(1)
    assert "text-danger" not in demand


def test_r2_3_intake_creates_a_work_order_and_redirects_to_it(client, agent):
    product = InstalledProductFactory()
    fault = FaultCategoryFactory()
    client.force_login(agent)
    data = _intake_data(product, fault_category_id=fault.pk, demand="尽快上门")
    response = client.post(reverse("workorders:intake"), data)
    wo = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workorders:detail", args=[wo.pk])
    assert wo.customer_id == product.customer_id
    assert wo.installed_product_id == product.pk
    assert wo.fault_category_id == fault.pk
    assert wo.priority == "P2"
    assert wo.owner_id == agent.pk
    assert wo.demand == "尽快上门"
    page = client.get(response["Location"])
    assert wo.number in page.content.decode()
    assert "已创建" in page.content.decode()


def test_r2_3_intake_error_from_the_service_shows_in_chinese_and_saves_nothing(client, agent):
    product = InstalledProductFactory()
    client.force_login(agent)
    future = _local_input(timezone.now() + dt.timedelta(days=1))
    response = client.post(reverse("workorders:intake"), _intake_data(product, received_at=future, symptom=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "受理时间不能晚于现在" in html
    assert 'id="id_received_at_error"' in html
    assert 'id="id_symptom_error"' in html
    assert WorkOrder.objects.count() == 0
    # The chosen customer and product stay chosen.
    assert f'name="installed_product_id" value="{product.pk}"' in html


def test_r2_4_on_the_spot_consultation_is_recorded_resolved_and_closed(client, agent):
    product = InstalledProductFactory()
    client.force_login(agent)
    data = _intake_data(product, service_type="consultation", answered_on_spot="on", resolution="指导客户重置遥控器")
    response = client.post(reverse("workorders:intake"), data)
    assert response.status_code == 302
    wo = WorkOrder.objects.get()
    assert wo.answered_on_spot
    assert wo.status == Status.CLOSED
    assert wo.resolution == "指导客户重置遥控器"


def test_r2_3_customer_search_and_serial_lookup(client, agent):
    product = InstalledProductFactory(serial_number="SNX-778899", customer=CustomerFactory(name="上海宏达机械"))
    client.force_login(agent)
    found = client.get(reverse("workorders:intake_customer_search"), {"customer_q": "宏达"}, **HTMX)
    assert "上海宏达机械" in found.content.decode()
    serial = client.get(reverse("workorders:intake_product_search"), {"serial": "SNX-77"}, **HTMX)
    html = serial.content.decode()
    assert "SNX-778899" in html
    assert "上海宏达机械" in html
    assert "保修期内" in html
    picked = client.get(reverse("workorders:intake_pick"), {"installed_product_id": product.pk}, **HTMX)
    html = picked.content.decode()
    assert f'name="customer_id" value="{product.customer_id}"' in html
    assert f'name="installed_product_id" value="{product.pk}"' in html


def test_r2_3_inline_new_customer(client, agent):
    client.force_login(agent)
    url = reverse("workorders:intake_customer_create")
    bad = client.post(url, {"nc-name": "", "nc-kind": "person", "nc-phone": "abc"}, **HTMX)
    assert bad.status_code == 422
    assert "请输入客户名称" in bad.content.decode() or "客户" in bad.content.decode()
    assert Customer.objects.count() == 0
    ok = client.post(url, {"nc-name": "刘女士", "nc-kind": "person", "nc-phone": "13812345678"}, **HTMX)
    assert ok.status_code == 200
    customer = Customer.objects.get()
    assert f'name="customer_id" value="{customer.pk}"' in ok.content.decode()
    assert ok["HX-Retarget"] == "#picked"


def test_r2_3_guided_questions_and_proposed_priority(client, agent):
    fault = FaultCategoryFactory(default_priority="P1")
    GuidedQuestion.objects.create(fault_category=fault, text="室内机是否结霜", position=1)
    client.force_login(agent)
    response = client.get(reverse("workorders:intake_guided"), {"fault_category_id": fault.pk}, **HTMX)
    html = response.content.decode()
    assert "室内机是否结霜" in html
    assert 'hx-swap-oob="true"' in html
    assert '<option value="P1" selected>' in html


def test_r13_1_customer_user_cannot_open_staff_pages(client):
    user = portal_user(CustomerFactory())
    client.force_login(user)
    for name in ("workorders:intake", "workorders:list"):
        response = client.get(reverse(name))
        assert response.status_code == 403


# --- list -----------------------------------------------------------------------------------


def test_r3_list_renders_in_chinese_with_rows(client, agent):
    wo = make_work_order(agent)
    client.force_login(agent)
    response = client.get(reverse("workorders:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert wo.number in html
    assert "工单" in html
    assert "受理时间" in html
    assert "1 条" in html


def test_r3_list_filters_search_and_sort(client, agent):
    a = make_work_order(agent, priority="P1", symptom="压缩机不启动")
    b = make_work_order(agent, priority="P3", symptom="遥控器失灵")
    client.force_login(agent)
    url = reverse("workorders:list")

    html = client.get(url, {"priority": "P1"}).content.decode()
    assert a.number in html
    assert b.number not in html

    html = client.get(url, {"q": "遥控"}).content.decode()
    assert b.number in html
    assert a.number not in html

    html = client.get(url, {"q": a.customer.name}).content.decode()
    assert a.number in html
    assert b.number not in html

    services.work_order_acknowledge(actor=agent, work_order_id=b.pk)
    html = client.get(url, {"status": ["acknowledged", "assigned"]}).content.decode()
    assert b.number in html
    assert a.number not in html

    html = client.get(url, {"sort": "number"}).content.decode()
    assert html.index(a.number) < html.index(b.number)
    html = client.get(url, {"sort": "-number"}).content.decode()
    assert html.index(b.number) < html.index(a.number)

    today = timezone.localdate().isoformat()
    html = client.get(url, {"received_from": today, "received_to": today}).content.decode()
    assert a.number in html
    assert b.number in html


def test_r3_list_htmx_returns_only_the_results(client, agent):
    wo = make_work_order(agent)
    client.force_login(agent)
    response = client.get(reverse("workorders:list"), {"q": wo.number}, HTTP_HX_TARGET="wo-results", **HTMX)
    html = response.content.decode()
    assert wo.number in html
    assert "<html" not in html


def test_r3_list_keyset_pagination(client, agent):
    product = InstalledProductFactory()
    numbers = [make_work_order(agent, product).number for _ in range(27)]
    client.force_login(agent)
    url = reverse("workorders:list")
    first = client.get(url, {"sort": "number"})
    page = first.context["page"]
    assert len(page.items) == 25
    assert page.has_next
    second = client.get(first.context["pager"]["next_url"])
    assert [wo.number for wo in second.context["page"].items] == numbers[25:]
    assert "27 条" in first.content.decode()


def _list_queries(client, django_assert_max_num_queries, count):
    with django_assert_max_num_queries(count) as ctx:
        response = client.get(reverse("workorders:list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_r3_list_query_count_does_not_grow_with_rows(client, agent, tech, django_assert_max_num_queries):
    client.force_login(agent)
    for _ in range(5):
        wo = make_work_order(agent)
        services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    five = _list_queries(client, django_assert_max_num_queries, 20)
    for _ in range(20):
        wo = make_work_order(agent)
        services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    twenty_five = _list_queries(client, django_assert_max_num_queries, 20)
    assert twenty_five == five


def test_r13_1_technician_lists_only_assigned_work_orders(client, agent, tech):
    mine = make_work_order(agent)
    other = make_work_order(agent)
    services.work_order_assign(actor=agent, work_order_id=mine.pk, assignee_id=tech.pk)
    client.force_login(tech)
    html = client.get(reverse("workorders:list")).content.decode()
    assert mine.number in html
    assert other.number not in html


# --- detail ---------------------------------------------------------------------------------


def test_r1_1_detail_shows_preferences_and_full_phone_to_an_agent(client, agent):
    wo = make_work_order(agent)
    client.force_login(agent)
    response = client.get(reverse("workorders:detail", args=[wo.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert wo.customer.service_preferences in html
    assert wo.customer.phone in html
    assert "上海市浦东新区张江路88号3栋1201室" in html
    assert "保修期内" in html
    assert wo.installed_product.batch in html
    assert "时间线" in html


def test_r13_1_detail_masks_phone_for_an_expert(client, agent):
    expert = UserFactory(role="expert")
    wo = make_work_order(agent)
    client.force_login(expert)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    phone = wo.customer.phone
    assert phone not in html
    assert f"{phone[:3]}****{phone[-4:]}" in html
    assert "张江路88号3栋1201室" not in html
    assert wo.customer.service_preferences in html


def test_r13_2_detail_view_is_logged(client, agent):
    wo = make_work_order(agent)
    client.force_login(agent)
    client.get(reverse("workorders:detail", args=[wo.pk]))
    assert AccessLog.objects.filter(action="view", object_type="workorder", object_id=str(wo.pk), actor=agent).exists()


def test_r3_1_lookup_by_number_redirects(client, agent):
    wo = make_work_order(agent)
    client.force_login(agent)
    response = client.get(f"/work-orders/{wo.number}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("workorders:detail", args=[wo.pk])


def test_r13_1_technician_gets_404_for_another_technicians_work_order(client, agent, tech):
    other_tech = UserFactory(role="technician")
    wo = make_work_order(agent)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=other_tech.pk)
    client.force_login(tech)
    assert client.get(reverse("workorders:detail", args=[wo.pk])).status_code == 404
    assert client.get(f"/work-orders/{wo.number}/").status_code == 404
    response = client.post(reverse("workorders:action", args=[wo.pk, "start"]), {"mode": "remote"})
    assert response.status_code == 404
    wo.refresh_from_db()
    assert wo.status == Status.ASSIGNED


def test_r13_1_customer_user_cannot_open_the_detail_page(client, agent):
    wo = make_work_order(agent)
    client.force_login(portal_user(wo.customer))
    assert client.get(reverse("workorders:detail", args=[wo.pk])).status_code == 403


def test_r3_5_detail_offers_only_available_actions(client, agent, tech):
    wo = make_work_order(agent)
    client.force_login(tech)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert reverse("workorders:action", args=[wo.pk, "start"]) in html
    assert reverse("workorders:action", args=[wo.pk, "close"]) not in html
    assert reverse("workorders:action", args=[wo.pk, "assign"]) not in html


def _act(client, wo, action, data, htmx=True):
    extra = HTMX if htmx else {}
    return client.post(reverse("workorders:action", args=[wo.pk, action]), data, **extra)


def test_r3_5_lifecycle_through_the_action_forms(client, agent, tech):
    wo = make_work_order(agent)
    client.force_login(agent)
    response = _act(client, wo, "assign", {"assignee_id": tech.pk, "note": "就近派工"})
    assert response.status_code == 200
    assert 'id="wo-detail"' in response.content.decode()  # the page's region, replaced in place
    wo.refresh_from_db()
    assert wo.status == Status.ASSIGNED
    assert wo.assignee_id == tech.pk

    client.force_login(tech)
    assert _act(client, wo, "start", {"mode": "on_site"}, htmx=False).status_code == 302
    wo.refresh_from_db()
    assert wo.status == Status.IN_PROGRESS
    assert wo.handling_mode == "on_site"

    assert _act(client, wo, "wait_parts", {"reason": "等待压缩机到货"}).status_code == 200
    assert _act(client, wo, "resume", {"note": "配件已到"}).status_code == 200
    assert _act(client, wo, "note", {"text": "已更换压缩机"}).status_code == 200
    assert _act(client, wo, "resolve", {"resolution": "更换压缩机", "technical_solution": "TS-12"}).status_code == 200
    wo.refresh_from_db()
    assert wo.status == Status.RESOLVED
    assert wo.technical_solution == "TS-12"

    client.force_login(agent)
    assert _act(client, wo, "confirm", {"note": "电话回访李女士确认"}).status_code == 200
    assert _act(client, wo, "close", {"reason": ""}).status_code == 200
    wo.refresh_from_db()
    assert wo.status == Status.CLOSED

    reopened = _act(client, wo, "reopen", {"reason": "客户反映再次不制冷"})
    assert reopened.status_code == 200
    assert "已重新打开" in reopened.content.decode()  # the message comes with the region
    wo.refresh_from_db()
    assert wo.status == Status.ASSIGNED

    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    for text in ("等待压缩机到货", "已更换压缩机", "电话回访李女士确认", "客户反映再次不制冷"):
        assert text in html


def test_r3_7_close_without_confirmation_needs_a_reason_shown_on_the_field(client, agent):
    wo = make_work_order(agent)
    services.work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="远程指导")
    client.force_login(agent)
    response = _act(client, wo, "close", {"reason": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_close_reason_error"' in html
    assert "客户尚未确认" in html
    assert "<html" not in html
    wo.refresh_from_db()
    assert wo.status == Status.RESOLVED
    # Without htmx the whole page comes back with the error on the form.
    response = _act(client, wo, "close", {"reason": ""}, htmx=False)
    assert response.status_code == 422
    assert 'id="id_close_reason_error"' in response.content.decode()


def test_r3_5_illegal_transition_is_a_form_error(client, agent, tech):
    wo = make_work_order(agent)
    client.force_login(agent)
    response = _act(client, wo, "reopen", {"reason": "试试"})
    assert response.status_code == 422
    assert "不能" in response.content.decode()


def test_r2_2_record_communication_from_the_detail_page(client, agent):
    wo = make_work_order(agent)
    client.force_login(agent)
    data = {
        "kind": "call",
        "direction": "out",
        "at": _local_input(timezone.now() - dt.timedelta(minutes=1)),
        "counterpart": "李女士",
        "reference": "",
        "summary": "约定明天上午上门",
    }
    assert _act(client, wo, "communication", data).status_code == 200
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert "约定明天上午上门" in html
    assert "李女士" in html
    bad = _act(client, wo, "communication", {**data, "summary": ""})
    assert bad.status_code == 422
    assert 'id="id_communication_summary_error"' in bad.content.decode()


def test_r3_5_timeline_names_each_assignee_after_reassignment(client):
    """Every assignment on the timeline says to whom, also after the work order moved on."""
    supervisor = UserFactory(role="supervisor")
    first, second = (
        UserFactory(role="technician", display_name="赵师傅"),
        UserFactory(role="technician", display_name="钱师傅"),
    )
    wo = make_work_order(supervisor)
    services.work_order_assign(actor=supervisor, work_order_id=wo.pk, assignee_id=first.pk)
    services.work_order_assign(actor=supervisor, work_order_id=wo.pk, assignee_id=second.pk)
    client.force_login(supervisor)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert "指派给：赵师傅" in html
    assert "指派给：钱师傅" in html
