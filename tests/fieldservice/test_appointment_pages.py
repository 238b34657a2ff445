"""R-6.1 pages: the dispatcher's week board, the booking and appointment pages (moves and
cancellations through the same services, refusals on the form), the technician's "today" list;
each renders for the roles that may open it and refuses the others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.fieldservice.appointment_services import appointment_book
from aftersales.fieldservice.models import Appointment, AppointmentChange, AppointmentStatus
from tests.factories import PASSWORD, make_work_order
from tests.fieldservice.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-16T09:00:00+08:00", tick=False)]


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _book(people, wo, technician=None, start=None):
    start = start or at(2026, 11, 17, 10, 30)
    return appointment_book(
        actor=people.dispatcher,
        work_order_id=wo.pk,
        technician_id=(technician or people.technician).pk,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        agreed_with="张先生",
        agreed_via="phone",
    )


def test_r6_1_board_shows_technicians_days_blocks_and_waiting_work_orders(seeded, people, work_order):
    appt = _book(people, work_order)
    waiting = make_work_order(people.agent)
    page = _client(people.dispatcher).get(reverse("fieldservice:board"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "维修李" in html
    assert "维修赵" in html
    assert f'data-appointment="{appt.pk}"' in html
    assert 'data-day="2026-11-17"' in html
    assert work_order.number in html
    assert f'data-work-order="{waiting.pk}"' in html  # waiting beside the board
    assert f'data-work-order="{work_order.pk}"' not in html  # booked: not waiting any more
    assert "预约看板" in html
    # Another week has no block; a bad week falls back to this one.
    assert (
        f'data-appointment="{appt.pk}"'
        not in _client(people.dispatcher).get(reverse("fieldservice:board"), {"week": "2026-11-23"}).content.decode()
    )
    assert _client(people.dispatcher).get(reverse("fieldservice:board"), {"week": "99999-1-1"}).status_code == 200


def test_r6_1_board_blocks_show_local_times_in_their_cell_and_escape_what_people_typed(seeded, people, work_order):
    """The board's rows are written in Python (templatetags/appointment_board.py): an appointment at
    08:00–10:00 Beijing time (00:00 UTC) is in Tuesday's cell with those times, and a customer's
    name or the agreement typed with markup comes out as text."""
    from aftersales.customers.models import Customer

    Customer.objects.filter(pk=work_order.customer_id).update(name='<b>李&"王"</b>')
    appt = _book(people, work_order, start=at(2026, 11, 17, 8, 0))
    Appointment.objects.filter(pk=appt.pk).update(agreed_with="<i>张</i>")
    html = _client(people.dispatcher).get(reverse("fieldservice:board")).content.decode()
    cell = html[html.index(f'data-technician="{people.technician.pk}" data-day="2026-11-17"') :]
    cell = cell[: cell.index("</td>")]
    assert f'data-appointment="{appt.pk}"' in cell
    assert 'data-start="08:00" data-end="10:00"' in cell
    assert "08:00–10:00" in cell
    assert "&lt;b&gt;李&amp;&quot;王&quot;&lt;/b&gt;" in cell
    assert 'data-agreed-with="&lt;i&gt;张&lt;/i&gt;"' in cell
    assert "<b>" not in cell
    assert "<i>" not in cell
    assert f'href="{reverse("fieldservice:appointment", args=[appt.pk])}"' in cell


def test_r6_1_board_comes_in_slices_of_technicians_the_next_loading_when_scrolled_to(
    seeded, people, work_order, monkeypatch
):
    """A slice of BOARD_ROWS technicians a request (1 here): the page holds the first and a row
    that fetches the next (htmx, when it comes into view); that answer is the next rows only. The
    count in the heading is the whole week's; without JavaScript the link opens the next slice."""
    from aftersales.fieldservice import appointment_views

    monkeypatch.setattr(appointment_views, "BOARD_ROWS", 1)
    mine = _book(people, work_order)
    theirs = _book(people, make_work_order(people.agent), technician=people.other_technician)
    client = _client(people.dispatcher)
    html = client.get(reverse("fieldservice:board")).content.decode()
    assert f'data-appointment="{mine.pk}"' in html
    assert f'data-appointment="{theirs.pk}"' not in html
    assert '<span class="badge text-bg-secondary">2</span>' in html  # both of the week
    more = "?week=2026-11-16&amp;from=1"
    assert f'hx-get="{more}"' in html
    assert "已显示第 1–1 名技术员，共 2 名：加载后面的" in html
    rest = client.get(reverse("fieldservice:board"), {"week": "2026-11-16", "from": "1"}, HTTP_HX_REQUEST="true")
    body = rest.content.decode()
    assert f'data-appointment="{theirs.pk}"' in body
    assert f'data-appointment="{mine.pk}"' not in body
    assert "<html" not in body  # rows only
    assert "hx-get" not in body  # and the last slice
    page = client.get(reverse("fieldservice:board"), {"week": "2026-11-16", "from": "1"}).content.decode()
    assert f'data-appointment="{theirs.pk}"' in page
    assert "回到前面的技术员" in page
    for bad in ("-1", "x", "99999999999", "2"):  # out of range or not a number: the first slice
        html = client.get(reverse("fieldservice:board"), {"from": bad}).content.decode()
        assert f'data-appointment="{mine.pk}"' in html


def test_r6_1_board_shows_one_regions_technicians(seeded, people, work_order):
    from tests.factories import RegionFactory

    north = RegionFactory(name="华北")
    people.other_technician.region = north
    people.other_technician.save(update_fields=["region"])
    theirs = _book(people, work_order, technician=people.other_technician)
    client = _client(people.dispatcher)
    html = client.get(reverse("fieldservice:board"), {"region": north.pk}).content.decode()
    assert "维修赵" in html
    assert "维修李" not in html.split('id="board"')[1].split("</table>")[0]
    assert f'data-appointment="{theirs.pk}"' in html
    assert f'href="?week=2026-11-23&amp;region={north.pk}"' in html  # the next week keeps the region
    for bad in ("x", "0", "99999999999999999999"):  # a bad region: every region, no error
        html = client.get(reverse("fieldservice:board"), {"region": bad}).content.decode()
        assert "维修李" in html
        assert "维修赵" in html


@pytest.mark.parametrize(
    ("role", "status", "draggable"),
    [
        ("dispatcher", 200, True),
        ("supervisor", 200, True),
        ("agent", 200, False),
        ("qa", 200, False),
        ("quality", 200, False),
        ("executive", 200, False),
        ("technician", 403, False),
        ("expert", 403, False),
    ],
)
def test_board_by_role(seeded, people, work_order, role, status, draggable):
    _book(people, work_order)
    page = _client(getattr(people, role)).get(reverse("fieldservice:board"))
    assert page.status_code == status
    if status == 200:
        assert ('draggable="true"' in page.content.decode()) is draggable


def test_customers_and_anonymous_never_see_the_board(seeded, people, customer_user):
    assert _client(customer_user).get(reverse("fieldservice:board")).status_code == 403
    assert Client().get(reverse("fieldservice:board")).status_code == 302  # to the log-in page


def test_r6_1_booking_page_books_and_shows_refusals_on_the_fields(seeded, people, work_order):
    client = _client(people.dispatcher)
    url = reverse("fieldservice:book", args=[work_order.pk])
    assert client.get(url).status_code == 200
    form = {
        "technician_id": people.technician.pk,
        "day": "2026-11-17",
        "start": "10:30",
        "end": "12:30",
        "agreed_with": "",
        "agreed_via": "phone",
    }
    refused = client.post(url, form)
    assert refused.status_code == 422
    assert "请填写与谁约定的时间" in refused.content.decode()
    booked = client.post(url, {**form, "agreed_with": "张先生"})
    assert booked.status_code == 302
    assert Appointment.objects.get(work_order=work_order).starts_at == at(2026, 11, 17, 10, 30)
    other = make_work_order(people.agent)
    clash = client.post(
        reverse("fieldservice:book", args=[other.pk]), {**form, "agreed_with": "李女士", "start": "11:00"}
    )
    assert clash.status_code == 422
    assert "已有预约" in clash.content.decode()
    assert not Appointment.objects.filter(work_order=other).exists()


def test_booking_page_refuses_who_may_not_book_and_unknown_ids(seeded, people, work_order):
    url = reverse("fieldservice:book", args=[work_order.pk])
    for role in ("agent", "technician", "qa", "executive"):
        assert _client(getattr(people, role)).get(url).status_code == 403
    client = _client(people.dispatcher)
    assert client.get(reverse("fieldservice:book", args=[999999])).status_code == 404
    assert client.get(f"/field/work-orders/{2**70}/appointment/").status_code == 404


def test_r6_1_moving_on_the_appointment_page_needs_the_agreement_and_reason(seeded, people, work_order):
    appt = _book(people, work_order)
    client = _client(people.dispatcher)
    assert client.get(reverse("fieldservice:appointment", args=[appt.pk])).status_code == 200
    form = {
        "technician_id": people.other_technician.pk,
        "day": "2026-11-18",
        "start": "08:30",
        "end": "10:30",
        "agreed_with": "张先生",
        "agreed_via": "phone",
        "reason": "",
    }
    url = reverse("fieldservice:appointment_move", args=[appt.pk])
    refused = client.post(url, form)
    assert refused.status_code == 422
    assert "请填写改期原因" in refused.content.decode()
    assert client.post(url, {**form, "reason": "李师傅请假"}).status_code == 302
    appt.refresh_from_db()
    assert (appt.technician_id, appt.starts_at) == (people.other_technician.pk, at(2026, 11, 18, 8, 30))
    assert AppointmentChange.objects.get(appointment=appt).reason == "李师傅请假"
    history = client.get(reverse("fieldservice:appointment", args=[appt.pk])).content.decode()
    assert "李师傅请假" in history


def test_cancel_on_the_appointment_page(seeded, people, work_order):
    appt = _book(people, work_order)
    client = _client(people.supervisor)
    url = reverse("fieldservice:appointment_cancel", args=[appt.pk])
    data = {"cancel-agreed_with": "张先生", "cancel-agreed_via": "phone", "cancel-reason": "客户已自行修好"}
    assert client.post(url, data).status_code == 302
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.CANCELLED


def test_technicians_see_their_own_appointment_page_without_forms_and_cannot_post(seeded, people, work_order):
    appt = _book(people, work_order)
    own = _client(people.technician).get(reverse("fieldservice:appointment", args=[appt.pk]))
    assert own.status_code == 200
    assert "appointment_move" not in own.content.decode()
    assert "/move/" not in own.content.decode()
    assert _client(people.other_technician).get(reverse("fieldservice:appointment", args=[appt.pk])).status_code == 404
    move = {"technician_id": people.technician.pk, "day": "2026-11-18", "start": "08:30", "end": "10:30"}
    for user in (people.technician, people.agent):
        posted = _client(user).post(reverse("fieldservice:appointment_move", args=[appt.pk]), move)
        assert posted.status_code == 403
    assert _client(people.dispatcher).get(f"/field/appointments/{2**70}/").status_code == 404


def test_r6_1_today_lists_the_technicians_jobs_in_order_with_call_and_map(seeded, people, work_order):
    late = make_work_order(people.agent)
    _book(people, late, start=at(2026, 11, 16, 14, 30))
    _book(people, work_order, start=at(2026, 11, 16, 10, 30))
    _book(people, make_work_order(people.agent), technician=people.other_technician, start=at(2026, 11, 16, 10, 30))
    _book(people, make_work_order(people.agent), start=at(2026, 11, 17, 10, 30))  # tomorrow
    page = _client(people.technician).get(reverse("fieldservice:today"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(work_order.number) < html.index(late.number)  # by appointment
    assert html.count("今日任务") >= 1
    assert html.count('href="tel:') == 2
    assert "uri.amap.com" in html
    assert reverse("fieldservice:visit_for_work_order", args=[work_order.pk]) in html
    other = _client(people.other_technician).get(reverse("fieldservice:today")).content.decode()
    assert work_order.number not in other


def test_today_refuses_customers(seeded, people, customer_user):
    assert _client(customer_user).get(reverse("fieldservice:today")).status_code == 403
    assert _client(people.expert).get(reverse("fieldservice:today")).status_code == 403
