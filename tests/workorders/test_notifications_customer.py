"""The customer is told by SMS or e-mail, as they prefer, when their request is received (the
number and the promised times, R-2.5), assigned (the engineer's name and phone), resolved (what to
confirm, with the portal link, R-3.5) and closed: through the outbox (SPEC cross-cutting), in the
transaction of its cause, once per event, in Chinese."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from aftersales.core.errors import ValidationFailed
from aftersales.core.models import OutboxMessage
from aftersales.customers.models import Customer
from aftersales.customers.services import customer_update
from aftersales.sla.models import WorkOrderTarget
from aftersales.workorders import notifications, services
from aftersales.workorders.notifications import moment
from tests.factories import ContactFactory, CustomerFactory, InstalledProductFactory, UserFactory, make_work_order

pytestmark = pytest.mark.django_db
Channel = Customer.NotificationChannel


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def tech():
    return UserFactory(role="technician", display_name="王建国", phone="13812345678")


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


def _told(wo, kind: str | None = None) -> list[OutboxMessage]:
    qs = OutboxMessage.objects.filter(topic=f"workorder:{wo.pk}", recipient__isnull=True).order_by("id")
    return list(qs.filter(kind=kind) if kind else qs)


def _product(**customer):
    return InstalledProductFactory(customer=CustomerFactory(**customer))


def test_r2_5_at_intake_the_customer_gets_the_number_and_the_promised_times_by_sms(agent):
    product = _product(phone="13912345678")
    wo = make_work_order(agent, product)
    (sms,) = _told(wo)
    due = dict(WorkOrderTarget.objects.filter(work_order=wo).values_list("kind", "due_at"))
    assert (sms.channel, sms.address, sms.kind) == ("sms", "13912345678", "customer_received")
    assert sms.subject == ""
    assert wo.number in sms.body
    assert f"我们将在 {moment(due['response'])} 前联系您，预计 {moment(due['resolution'])} 前解决。" in sms.body
    assert sms.dedupe_key == f"wo:{wo.pk}:customer_received"


def test_the_request_contact_is_told_before_the_customers_own_phone(agent):
    product = _product(phone="13912345678")
    contact = ContactFactory(customer=product.customer, phone="13700001111")
    wo = make_work_order(agent, product, contact_id=contact.pk)
    assert [m.address for m in _told(wo)] == ["13700001111"]


def test_an_sms_goes_to_a_mobile_number_only(agent):
    """A landline cannot take an SMS: an organisation's switchboard number is passed over for its
    contact's mobile, written as the gateway takes it; with no mobile and no e-mail, nothing."""
    product = _product(kind="organisation", phone="021-6234 5678")
    contact = ContactFactory(customer=product.customer, phone="139 1234 5678")
    assert [m.address for m in _told(make_work_order(agent, product, contact_id=contact.pk))] == ["13912345678"]
    landline_only = _product(kind="organisation", phone="021-62345678", email="")
    assert _told(make_work_order(agent, landline_only)) == []


def test_a_customer_who_prefers_e_mail_gets_an_e_mail_with_a_subject(agent):
    product = _product(email="zhang@example.com", notification_channel=Channel.EMAIL)
    wo = make_work_order(agent, product)
    (mail,) = _told(wo)
    assert (mail.channel, mail.address) == ("email", "zhang@example.com")
    assert mail.subject == f"您的服务请求 {wo.number} 已受理"


def test_without_an_address_for_the_preferred_channel_the_other_one_is_used(agent):
    product = _product(phone="13912345678", email="", notification_channel=Channel.EMAIL)
    assert [m.channel for m in _told(make_work_order(agent, product))] == ["sms"]


def test_a_customer_who_wants_no_messages_gets_none(agent, tech):
    product = _product(notification_channel=Channel.NONE)
    wo = make_work_order(agent, product)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    assert _told(wo) == []


def test_the_preference_is_kept_on_the_customer_record(agent):
    customer = CustomerFactory()
    assert customer.notification_channel == Channel.SMS  # the default
    customer_update(actor=UserFactory(role="admin", is_superuser=True), customer=customer, notification_channel="email")
    customer.refresh_from_db()
    assert customer.notification_channel == Channel.EMAIL
    with pytest.raises(ValidationFailed) as exc:
        customer_update(
            actor=UserFactory(role="admin", is_superuser=True), customer=customer, notification_channel="fax"
        )
    assert "notification_channel" in exc.value.fields


def test_r3_5_assigned_names_the_engineer_and_his_phone_once_per_assignment(agent, tech):
    wo = make_work_order(agent, _product())
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    (told,) = _told(wo, "customer_assigned")
    assert "王建国" in told.body
    assert "13812345678" in told.body
    assert wo.number in told.body
    other = UserFactory(role="technician", display_name="李强", phone="")
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=other.pk)
    first, second = _told(wo, "customer_assigned")
    assert first == told
    assert "李强" in second.body
    assert "电话" not in second.body


def test_r3_5_resolved_says_what_to_confirm_with_the_portal_link(agent, tech, settings):
    settings.PUBLIC_URL = "https://service.example.com"
    wo = make_work_order(agent, _product())
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    services.work_order_start(actor=tech, work_order_id=wo.pk, mode="on_site")
    services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="更换了电容，已恢复制冷")
    (told,) = _told(wo, "customer_resolved")
    assert "更换了电容，已恢复制冷" in told.body
    assert f"https://service.example.com{reverse('portal:detail', args=[wo.pk])}" in told.body
    assert "请确认问题是否已解决" in told.body


def test_r3_5_closed_is_told_once_and_again_after_a_reopening(agent, tech, supervisor):
    wo = make_work_order(agent, _product())
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    services.work_order_start(actor=tech, work_order_id=wo.pk, mode="remote")
    services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="已远程重置")
    services.work_order_close(actor=supervisor, work_order_id=wo.pk, reason="客户电话确认")
    (closed,) = _told(wo, "customer_closed")
    assert f"{wo.number} 已关闭" in closed.body
    services.work_order_reopen(actor=supervisor, work_order_id=wo.pk, reason="又坏了")
    services.work_order_start(actor=tech, work_order_id=wo.pk, mode="remote")
    services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="更换主板")
    services.work_order_close(actor=supervisor, work_order_id=wo.pk, reason="客户电话确认")
    assert len(_told(wo, "customer_closed")) == 2
    assert [m.kind for m in _told(wo)] == [
        "customer_received",
        "customer_assigned",
        "customer_resolved",
        "customer_closed",
        "customer_resolved",
        "customer_closed",
    ]


def test_r2_4_a_consultation_answered_on_the_spot_is_told_closed_not_received(agent):
    wo = make_work_order(agent, _product(), service_type="consultation", answered_on_spot=True, resolution="换电池")
    assert [m.kind for m in _told(wo)] == ["customer_closed"]


def test_each_event_is_told_once_however_often_it_is_written(agent):
    product = _product()
    wo = make_work_order(agent, product, idempotency_key="retry-1")
    assert make_work_order(agent, product, idempotency_key="retry-1").pk == wo.pk  # a retried request
    with transaction.atomic():
        notifications.work_order_created(wo)  # written twice: the dedupe key holds
    assert len(_told(wo)) == 1


def test_nothing_is_told_when_the_cause_rolls_back(agent):
    product = _product()

    def request_that_fails_after_intake() -> None:
        with transaction.atomic():
            make_work_order(agent, product)
            raise RuntimeError("the request failed after the work order was written")

    with pytest.raises(RuntimeError):
        request_that_fails_after_intake()
    assert not OutboxMessage.objects.exists()


def test_intake_writes_the_acknowledgement_in_one_insert(agent):
    """bench/README: intake's statements are counted; the acknowledgement adds exactly one."""
    product = _product()
    make_work_order(agent, product)  # warm caches, as on a running server
    with CaptureQueriesContext(connection) as ctx:
        wo = make_work_order(agent, product)
    touching = [q["sql"] for q in ctx.captured_queries if "core_outboxmessage" in q["sql"]]
    assert len(touching) == 1
    assert touching[0].startswith("INSERT")
    assert len(_told(wo)) == 1


def test_messages_are_in_chinese_whatever_language_the_agent_uses(agent):
    """The customer record knows no language: Chinese (SPEC: Chinese is the default of every
    notification), even when the agent works in English."""
    with translation.override("en"):
        wo = make_work_order(agent, _product())
    (told,) = _told(wo)
    assert "您的服务请求已受理" in told.body


def test_the_api_reads_and_changes_the_preference_like_the_form():
    from tests.api.conftest import ApiClient

    admin = UserFactory(role="admin", is_superuser=True)
    api = ApiClient(admin)
    created = api.post("/customers", {"name": "上海申联物业", "phone": "13912345678", "notification_channel": "email"})
    assert created.status_code == 201
    assert created.json()["notification_channel"] == "email"
    changed = api.patch(f"/customers/{created.json()['id']}", {"notification_channel": "none"})
    assert changed.json()["notification_channel"] == "none"
    refused = api.patch(f"/customers/{created.json()['id']}", {"notification_channel": "fax"})
    assert refused.status_code == 422
    assert Customer.objects.get(pk=created.json()["id"]).notification_channel == Channel.NONE
