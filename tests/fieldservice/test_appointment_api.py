"""R-6.1 in the API: booking, conflicts as coded errors, reschedule and cancel, and who may see
and do what (every role)."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient
from tests.factories import make_work_order, portal_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-16T09:00:00+08:00", tick=False)]


def body(work_order, technician, start="2026-11-17T10:30:00+08:00", end="2026-11-17T12:30:00+08:00"):
    return {
        "work_order_id": work_order.pk,
        "technician_id": technician.pk,
        "starts_at": start,
        "ends_at": end,
        "agreed_with": "张先生",
        "agreed_via": "phone",
        "to_prepare": "请准备购机发票",
    }


def test_r6_1_book_move_cancel_through_the_api(seeded, people, work_order):
    api = ApiClient(people.dispatcher)
    response = api.post("/appointments", body(work_order, people.technician))
    assert response.status_code == 201, response.json()
    appt = response.json()
    assert appt["technician"]["name"] == "维修李"
    assert appt["status"] == "scheduled"
    assert appt["work_order_number"] == work_order.number
    other = make_work_order(people.agent)
    clash = api.post("/appointments", body(other, people.technician, start="2026-11-17T11:00:00+08:00"))
    assert clash.status_code == 409
    assert clash.json()["code"] == "appointment_conflict"
    moved = api.post(
        f"/appointments/{appt['id']}/reschedule",
        {
            "starts_at": "2026-11-18T08:30:00+08:00",
            "ends_at": "2026-11-18T10:30:00+08:00",
            "agreed_with": "张先生",
            "agreed_via": "sms",
            "reason": "客户改约",
        },
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["reschedule_count"] == 1
    assert moved.json()["changes"][0]["reason"] == "客户改约"
    cancelled = api.post(
        f"/appointments/{appt['id']}/cancel", {"agreed_with": "张先生", "agreed_via": "phone", "reason": "已自行解决"}
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"technician_id": True}, "technician_id"),
        ({"technician_id": "5"}, "technician_id"),
        ({"work_order_id": 2**70}, "work_order_id"),
        ({"starts_at": "2026-11-17T10:30:00"}, "starts_at"),  # naive
        ({"agreed_with": ""}, "agreed_with"),
        ({"agreed_with": "x" * 101}, "agreed_with"),
        ({"agreed_via": "fax"}, "agreed_via"),
        ({"ends_at": "2026-11-17T10:00:00+08:00"}, "ends_at"),
    ],
)
def test_bad_bodies_answer_422_naming_the_field(seeded, people, work_order, change, field):
    response = ApiClient(people.dispatcher).post("/appointments", {**body(work_order, people.technician), **change})
    assert response.status_code == 422, response.json()
    assert field in response.json()["fields"]


def test_unknown_ids_are_404(seeded, people, work_order):
    api = ApiClient(people.dispatcher)
    assert api.get("/appointments/999999").status_code == 404
    assert api.get(f"/appointments/{2**70}").status_code in (404, 422)
    r = api.post("/appointments", {**body(work_order, people.technician), "work_order_id": 999999})
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


def _roles(people, customer):
    return {
        "agent": people.agent,
        "technician": people.technician,
        "other_technician": people.other_technician,
        "qa": people.qa,
        "quality": people.quality,
        "executive": people.executive,
        "expert": people.expert,
        "supervisor": people.supervisor,
        "dispatcher": people.dispatcher,
        "customer": customer,
        "other_customer": portal_user(make_work_order(people.agent).customer),
    }


# Who sees the booked appointment (200) and who does not (404, out of their scope).
SEES = {
    "agent": 200,
    "technician": 200,
    "other_technician": 404,
    "qa": 200,
    "quality": 200,
    "executive": 200,
    "expert": 404,
    "supervisor": 200,
    "dispatcher": 200,
    "customer": 200,
    "other_customer": 404,
}
# Who may book, move and cancel: only dispatchers and supervisors; the others 403, whether or not
# they see the appointment (the permission is checked before the scope).
MOVES = {**{role: 403 for role in SEES}, "dispatcher": 200, "supervisor": 200}


@pytest.mark.parametrize("role", sorted(SEES))
def test_every_role_reads_and_writes_what_it_may(seeded, people, work_order, customer_user, role):
    appt = ApiClient(people.dispatcher).post("/appointments", body(work_order, people.technician)).json()
    client = ApiClient(_roles(people, customer_user)[role])
    got = client.get(f"/appointments/{appt['id']}")
    assert got.status_code == SEES[role], got.json()
    listed = client.get("/appointments")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["items"]] == ([appt["id"]] if SEES[role] == 200 else [])
    if role in ("customer",):
        assert got.json()["note"] == ""
        assert got.json()["changes"] == []
    move = client.post(
        f"/appointments/{appt['id']}/reschedule",
        {
            "starts_at": "2026-11-18T08:30:00+08:00",
            "ends_at": "2026-11-18T10:30:00+08:00",
            "agreed_with": "张先生",
            "agreed_via": "phone",
            "reason": "改约",
        },
    )
    assert move.status_code == MOVES[role], move.json()
    if MOVES[role] == 403:
        assert move.json()["code"] == "permission_denied"
    other = make_work_order(people.agent)
    booked = client.post(
        "/appointments",
        body(other, people.other_technician, start="2026-11-19T08:30:00+08:00", end="2026-11-19T10:30:00+08:00"),
    )
    assert booked.status_code == (201 if role in ("dispatcher", "supervisor") else 403), booked.json()


def test_anonymous_is_401(seeded, people, work_order):
    assert ApiClient().get("/appointments").status_code == 401
