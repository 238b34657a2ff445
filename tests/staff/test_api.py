"""R-10.1 through /api/v1/staff/: the same services and scope as the pages, coded errors."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import PASSWORD, portal_user
from tests.staff.conftest import certify, profile_for, work_order_on

pytestmark = [pytest.mark.certification_rule, pytest.mark.clock("2026-11-20T10:00:00+08:00")]


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_r10_1_supervisor_creates_profile_and_certification(client, people, line):
    _login(client, people.supervisor)
    made = _post(client, "/api/v1/staff/profiles", {"user_id": people.technician.pk, "is_senior": True})
    assert made.status_code == 201, made.content
    profile_id = made.json()["id"]
    cert = _post(
        client,
        f"/api/v1/staff/profiles/{profile_id}/certifications",
        {
            "product_line_id": line.pk,
            "number": "AC-7",
            "exam_date": "2025-03-01",
            "score": 91,
            "valid_until": "2026-11-25",
        },
    )
    assert cert.status_code == 201, cert.content
    assert cert.json()["valid_today"] is True
    expiring = client.get("/api/v1/staff/certifications/expiring").json()["items"]
    assert [c["number"] for c in expiring] == ["AC-7"]
    renewed = client.put(
        f"/api/v1/staff/certifications/{cert.json()['id']}",
        {"number": "AC-7", "exam_date": "2026-11-01", "score": 95, "valid_until": "2028-10-31"},
        content_type="application/json",
    )
    assert renewed.status_code == 200
    assert renewed.json()["valid_until"] == "2028-10-31"
    edited = client.put(f"/api/v1/staff/profiles/{profile_id}", {"daily_capacity": 7}, content_type="application/json")
    assert edited.status_code == 200
    assert edited.json()["daily_capacity"] == 7


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user_id": True}, "user_id"),
        ({"user_id": "1"}, "user_id"),
        ({"user_id": 2**70}, "user_id"),
        ({"user_id": 1, "daily_capacity": 0}, "daily_capacity"),
        ({"user_id": 1, "region_ids": [0]}, "region_ids"),
    ],
)
def test_r10_1_bad_input_is_422_naming_the_field(client, people, body, field):
    _login(client, people.supervisor)
    response = _post(client, "/api/v1/staff/profiles", body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert any(field in name for name in response.json()["fields"])


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "executive", "qa", "quality", "expert"])
def test_r10_1_other_roles_may_not_write(client, people, line, role):
    profile = profile_for(people.supervisor, people.other_technician)
    _login(client, getattr(people, role))
    assert _post(client, "/api/v1/staff/profiles", {"user_id": people.technician.pk}).status_code in (403, 404)
    body = {
        "product_line_id": line.pk,
        "number": "X",
        "exam_date": "2025-01-01",
        "score": 80,
        "valid_until": "2027-01-01",
    }
    response = _post(client, f"/api/v1/staff/profiles/{profile.pk}/certifications", body)
    assert response.status_code in (403, 404)
    assert response.json()["code"] in ("permission_denied", "not_found")


def test_r10_1_read_scope_by_role(client, people, line):
    own = profile_for(people.supervisor, people.technician)
    other = profile_for(people.supervisor, people.other_technician)
    certify(people.supervisor, other, line, valid_until=dt.date(2026, 12, 1))
    _login(client, people.technician)
    assert [p["id"] for p in client.get("/api/v1/staff/profiles").json()["items"]] == [own.pk]
    missing = client.get(f"/api/v1/staff/profiles/{other.pk}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert client.get("/api/v1/staff/certifications/expiring").json()["items"] == []
    client.logout()
    _login(client, people.dispatcher)
    assert len(client.get("/api/v1/staff/profiles").json()["items"]) == 2
    assert client.get(f"/api/v1/staff/profiles/{2**62}").status_code == 404
    assert client.get("/api/v1/staff/profiles/99999999999999999999").status_code == 422


def test_r10_1_customer_sees_nothing(client, people, line):
    profile = profile_for(people.supervisor, people.technician)
    wo = work_order_on(line, people.agent)
    _login(client, portal_user(wo.customer))
    assert client.get("/api/v1/staff/profiles").json()["items"] == []
    assert client.get(f"/api/v1/staff/profiles/{profile.pk}").status_code == 404


def test_r10_1_anonymous_is_401(client):
    assert client.get("/api/v1/staff/profiles").status_code == 401


def test_r10_1_list_query_count_does_not_grow(client, people, line, django_assert_max_num_queries):
    for user in (people.technician, people.other_technician, people.expert):
        certify(people.supervisor, profile_for(people.supervisor, user), line, valid_until=dt.date(2027, 1, 1))
    _login(client, people.dispatcher)
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/staff/profiles").json()["items"]) == 3
