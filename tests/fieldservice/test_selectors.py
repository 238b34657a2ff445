"""The free-slot search and a technician's open appointments, which the dispatch proposals use
(R-5.1 "next free appointment slot", R-6.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.fieldservice import selectors
from aftersales.fieldservice.models import Appointment, AppointmentStatus
from tests.factories import make_work_order
from tests.fieldservice.conftest import at

pytestmark = pytest.mark.django_db


def book(people, technician, start, end, status=AppointmentStatus.SCHEDULED, work_order=None):
    return Appointment.objects.create(
        work_order=work_order or make_work_order(people.agent),
        technician=technician,
        starts_at=start,
        ends_at=end,
        status=status,
        agreed_with="张先生",
        agreed_via="phone",
        agreed_at=start - dt.timedelta(days=1),
        created_by=people.dispatcher,
    )


def test_next_free_slot_is_the_next_slot_start_of_a_working_period_r_6_1(seeded, people):
    # Monday 2026-11-16 09:00: the 08:30 slot has begun, the next starts at 10:30.
    slot = selectors.next_free_slot(technician_id=people.technician.pk, now=at(2026, 11, 16, 9))
    assert slot == at(2026, 11, 16, 10, 30)


def test_next_free_slot_skips_booked_slots_and_the_weekend(seeded, people):
    t = people.technician
    # Friday 2026-11-20 from 12:00: 12:30 and 14:30 are the day's last two slots; book both.
    book(people, t, at(2026, 11, 20, 12, 30), at(2026, 11, 20, 14, 30))
    book(people, t, at(2026, 11, 20, 15, 0), at(2026, 11, 20, 16, 0))  # overlaps 14:30-16:30
    slot = selectors.next_free_slot(technician_id=t.pk, now=at(2026, 11, 20, 12))
    assert slot == at(2026, 11, 23, 8, 30)  # Monday morning
    # Another technician's bookings and cancelled ones do not count.
    book(people, people.other_technician, at(2026, 11, 23, 8, 30), at(2026, 11, 23, 10, 30))
    book(people, t, at(2026, 11, 23, 8, 30), at(2026, 11, 23, 10, 30), status=AppointmentStatus.CANCELLED)
    assert selectors.next_free_slot(technician_id=t.pk, now=at(2026, 11, 20, 12)) == at(2026, 11, 23, 8, 30)


def test_next_free_slot_skips_a_public_holiday(seeded, people):
    # National Day: 1-7 October 2026 are days off; 30 September after the last slot.
    slot = selectors.next_free_slot(technician_id=people.technician.pk, now=at(2026, 9, 30, 16, 0))
    assert slot == at(2026, 10, 8, 8, 30)


def test_next_free_slot_is_none_when_the_horizon_is_full(seeded, people, settings):
    settings.FIELD_SLOT_HORIZON_DAYS = 1
    t = people.technician
    book(people, t, at(2026, 11, 16, 8, 30), at(2026, 11, 16, 17, 30))
    assert selectors.next_free_slot(technician_id=t.pk, now=at(2026, 11, 16, 7)) is None


def test_open_appointments_of_a_day_in_order(seeded, people):
    t = people.technician
    late = book(people, t, at(2026, 11, 16, 14, 30), at(2026, 11, 16, 16, 30))
    early = book(people, t, at(2026, 11, 16, 8, 30), at(2026, 11, 16, 10, 30))
    book(people, t, at(2026, 11, 17, 8, 30), at(2026, 11, 17, 10, 30))  # next day
    book(people, t, at(2026, 11, 16, 10, 30), at(2026, 11, 16, 12, 30), status=AppointmentStatus.DONE)
    got = selectors.open_appointments(technician_id=t.pk, day=dt.date(2026, 11, 16))
    assert [a.pk for a in got] == [early.pk, late.pk]
