"""R-8.3 quality feedback round trip (raise → quality department → closed, the raiser told),
the overdue flag after 10 working days, scope; R-8.2 opinions routed, answered, praise counted."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.errors import DomainError
from aftersales.core.models import OutboxMessage
from aftersales.feedback import quality
from aftersales.feedback.selectors import praise_count, quality_list, quality_scope
from tests.api.conftest import ApiClient
from tests.factories import UserFactory, make_work_order, portal_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech():
    return UserFactory(role="technician", username="tech-raiser")


@pytest.fixture
def qd():
    return UserFactory(role="quality", username="quality-dept")


def _raise(actor, wo=None, **kwargs):
    values = {
        "product_model_id": wo.product_model_id if wo else None,
        "symptom": "压缩机异响",
        "frequency": "often",
        "work_order_id": wo.pk if wo else None,
        "batch": "B2026-03",
        "serials": "SN1\n SN2 \n",
    }
    values.update(kwargs)
    return quality.quality_raise(actor=actor, **values)


def test_r8_3_round_trip_to_the_quality_department_and_back(agent, tech, qd):
    wo = make_work_order(agent)
    form = _raise(agent, wo)
    assert form.number.startswith("QF-")
    assert form.serials == "SN1\nSN2"
    assert OutboxMessage.objects.filter(kind="quality_new", recipient=qd, channel="in_app").count() == 1
    with pytest.raises(DomainError) as exc:  # the raiser does not handle it
        quality.quality_step(actor=agent, feedback_id=form.pk, step="analyse", text="x")
    assert exc.value.code == "permission_denied"
    with pytest.raises(DomainError) as exc:  # the steps come in order
        quality.quality_step(actor=qd, feedback_id=form.pk, step="verify", text="x")
    assert exc.value.code == "quality_feedback_wrong_step"
    quality.quality_step(actor=qd, feedback_id=form.pk, step="analyse", text="轴承批次不良")
    quality.quality_step(actor=qd, feedback_id=form.pk, step="act", text="更换供应商")
    quality.quality_step(actor=qd, feedback_id=form.pk, step="verify", text="抽检 50 台无异响")
    closed = quality.quality_step(actor=qd, feedback_id=form.pk, step="close")
    assert closed.status == "closed"
    told = OutboxMessage.objects.filter(kind="quality_closed", recipient=agent, channel="in_app")
    assert told.count() == 1


@pytest.mark.clock("2026-11-23T10:00:00+08:00")  # a Monday
def test_r8_3_open_forms_older_than_ten_working_days_are_flagged(agent):
    form = _raise(agent, make_work_order(agent))
    # Ten working days after Monday 23 November: Monday 7 December (two weekends skipped).
    assert form.overdue_at.date() >= dt.date(2026, 12, 7)
    assert not quality_list(actor=agent, overdue_only=True, now=form.raised_at + dt.timedelta(days=7)).exists()
    assert quality_list(actor=agent, overdue_only=True, now=form.overdue_at).exists()


def test_r8_3_scope_the_raiser_sees_theirs_quality_all_customer_none(agent, tech, qd):
    form = _raise(agent, make_work_order(agent))
    assert list(quality_scope(actor=qd)) == [form]
    assert list(quality_scope(actor=agent)) == [form]
    assert list(quality_scope(actor=tech)) == []
    customer = portal_user(form.work_order.customer)
    assert list(quality_scope(actor=customer)) == []
    assert ApiClient(customer).get("/quality-feedback").json() == []
    assert ApiClient(customer).get(f"/quality-feedback/{form.pk}").status_code == 404
    assert ApiClient(tech).get(f"/quality-feedback/{form.pk}").status_code == 404
    from django.test import Client

    client = Client()
    client.force_login(customer)
    assert client.get("/feedback/quality/").status_code == 403
    assert client.get(f"/feedback/quality/{form.pk}/").status_code == 403


def test_r8_3_the_api_raises_and_refuses_with_codes(agent, qd):
    wo = make_work_order(agent)
    api = ApiClient(agent)
    bad = api.post("/quality-feedback", {"product_model_id": wo.product_model_id, "symptom": "", "frequency": "x"})
    assert bad.status_code == 422
    ok = api.post(
        "/quality-feedback",
        {"work_order_id": wo.pk, "product_model_id": wo.product_model_id, "symptom": "漏水", "frequency": "once"},
    )
    assert ok.status_code == 201
    assert ok.json()["overdue"] is False
    step = ApiClient(agent).post(f"/quality-feedback/{ok.json()['id']}/steps", {"step": "analyse", "text": "x"})
    assert step.json()["code"] == "permission_denied"
    done = ApiClient(qd).post(f"/quality-feedback/{ok.json()['id']}/steps", {"step": "analyse", "text": "密封圈老化"})
    assert done.json()["status"] == "analysed"


def test_r8_3_pages_raise_follow_and_handle(agent, qd, client):
    wo = make_work_order(agent)
    client.force_login(agent)
    page = client.get("/feedback/quality/new/", {"work_order": wo.pk})
    assert page.status_code == 200
    refused = client.post("/feedback/quality/new/", {"work_order": wo.pk, "product_model": "", "symptom": ""})
    assert refused.status_code == 422
    assert "请选择产品型号" in refused.content.decode()
    created = client.post(
        "/feedback/quality/new/",
        {"work_order": wo.pk, "product_model": wo.product_model_id, "symptom": "漏水", "frequency": "often"},
    )
    assert created.status_code == 302
    detail = client.get(created["Location"])
    assert detail.status_code == 200
    assert client.get("/feedback/quality/", {"status": "bogus", "overdue": "x"}).status_code == 200
    assert client.get("/feedback/quality/new/", {"work_order": "999999"}).status_code == 404


def test_r8_2_opinions_are_routed_answered_and_praise_counts(agent):
    tech = UserFactory(role="technician")
    wo = make_work_order(agent)
    praise = quality.opinion_record(
        actor=agent,
        kind="praise",
        channel="phone",
        text="师傅很专业",
        department="service",
        customer_id=None,
        work_order_id=wo.pk,
        technician_id=tech.pk,
    )
    assert praise.customer_id == wo.customer_id
    assert praise_count(technician_id=tech.pk) == 1
    with pytest.raises(DomainError) as exc:
        quality.opinion_record(
            actor=agent,
            kind="suggestion",
            channel="fax?",
            text="",
            department="x",
            customer_id=wo.customer_id,
            technician_id=tech.pk,
        )
    assert {"channel", "text", "department", "technician_id"} <= set(exc.value.fields)
    answered = quality.opinion_answer(actor=agent, opinion_id=praise.pk, answer="感谢您的表扬")
    assert answered.answered_by == agent
    with pytest.raises(DomainError) as exc:
        quality.opinion_answer(actor=agent, opinion_id=praise.pk, answer="again")
    assert exc.value.code == "opinion_already_answered"
    with pytest.raises(DomainError) as exc:
        quality.opinion_record(
            actor=tech, kind="opinion", channel="phone", text="x", department="service", customer_id=wo.customer_id
        )
    assert exc.value.code == "permission_denied"


def test_r8_2_opinion_pages_and_api(agent, client):
    wo = make_work_order(agent)
    client.force_login(agent)
    assert client.get("/feedback/opinions/new/", {"work_order": wo.pk}).status_code == 200
    created = client.post(
        "/feedback/opinions/new/",
        {
            "work_order": wo.pk,
            "kind": "suggestion",
            "channel": "phone",
            "text": "建议增加滤芯提醒",
            "department": "technical",
        },
    )
    assert created.status_code == 302
    assert "建议增加滤芯提醒" in client.get("/feedback/opinions/").content.decode()
    api = ApiClient(agent)
    assert api.get("/opinions").json()[0]["kind"] == "suggestion"
    tech = UserFactory(role="technician")
    assert ApiClient(tech).get("/opinions").json() == []
    client.force_login(tech)
    assert client.get("/feedback/opinions/").status_code == 403
