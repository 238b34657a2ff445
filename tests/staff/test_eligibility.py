"""R-5.2 / R-10.1: a technician without a valid certification for the work order's product line
is refused by the assign service itself, so the API and the page refuse alike."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.errors import DomainError
from aftersales.workorders.services import work_order_assign
from tests.factories import PASSWORD, ProductLineFactory
from tests.staff.conftest import certify, profile_for, work_order_on

pytestmark = [pytest.mark.certification_rule, pytest.mark.clock("2026-11-20T10:00:00+08:00")]


def _assign(people, wo, user):
    return work_order_assign(actor=people.dispatcher, work_order_id=wo.pk, assignee_id=user.pk)


def test_r5_2_expired_yesterday_is_refused_with_the_date(people, line):
    profile = profile_for(people.supervisor, people.technician)
    certify(people.supervisor, profile, line, valid_until=dt.date(2026, 11, 19))
    wo = work_order_on(line, people.agent)
    with pytest.raises(DomainError) as refused:
        _assign(people, wo, people.technician)
    assert refused.value.code == "certification_expired"
    assert "2026-11-19" in str(refused.value.message)
    assert "assignee_id" in refused.value.fields
    wo.refresh_from_db()
    assert wo.assignee_id is None
    assert wo.status == "new"


def test_r5_2_expiring_today_is_still_valid(people, line):
    profile = profile_for(people.supervisor, people.technician)
    certify(people.supervisor, profile, line, valid_until=dt.date(2026, 11, 20))
    wo = work_order_on(line, people.agent)
    assert _assign(people, wo, people.technician).assignee_id == people.technician.pk


def test_r5_2_no_profile_or_no_certification_for_the_line_is_missing(people, line):
    wo = work_order_on(line, people.agent)
    with pytest.raises(DomainError) as refused:
        _assign(people, wo, people.technician)
    assert refused.value.code == "certification_missing"
    other_line = ProductLineFactory(code="wh", name="热水器")
    profile = profile_for(people.supervisor, people.technician)
    certify(people.supervisor, profile, other_line, valid_until=dt.date(2027, 1, 1))
    with pytest.raises(DomainError) as refused:
        _assign(people, wo, people.technician)
    assert refused.value.code == "certification_missing"


def test_r5_2_the_desk_is_not_a_field_technician(people, line):
    """Agents and supervisors handle requests at the desk: no certification is asked of them."""
    wo = work_order_on(line, people.agent)
    assert _assign(people, wo, people.agent).assignee_id == people.agent.pk


def test_r5_2_api_refuses_with_the_code(people, line, client):
    profile = profile_for(people.supervisor, people.technician)
    certify(people.supervisor, profile, line, valid_until=dt.date(2026, 10, 31))
    wo = work_order_on(line, people.agent)
    client.login(username=people.dispatcher.username, password=PASSWORD)
    response = client.post(
        f"/api/v1/work-orders/{wo.pk}/assign", {"assignee_id": people.technician.pk}, content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "certification_expired"
    assert "2026-10-31" in body["message"]
    assert "过期" in body["message"]
    assert "assignee_id" in body["fields"]
