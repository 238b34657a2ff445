"""R-4.1-R-4.8, R-3.6: targets stored on work orders, met by their events, paused, extended and
recomputed; the R-4.8 queue time. Work orders come from the real intake service (received in the
past, as the service refuses future times); hooks are also called directly with explicit times."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.sla import clocks, policies, targets
from aftersales.sla.models import SlaBreach, SlaExtension, SlaPolicy, TargetKind, WorkOrderTarget
from aftersales.sla.services import target_extend
from aftersales.workorders import services as wo_services
from aftersales.workorders.models import WorkOrderEvent
from aftersales.workorders.selectors import WorkOrderFilters, work_order_list
from tests.factories import InstalledProductFactory, UserFactory, make_work_order
from tests.sla.conftest import at

pytestmark = [
    pytest.mark.usefixtures("seeded"),
    pytest.mark.clock("2026-11-25T12:00:00+08:00"),
]  # written about November 2026


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


@pytest.fixture
def tech(db):
    return UserFactory(role="technician")


def target(wo, kind):
    return WorkOrderTarget.objects.filter(work_order=wo, kind=kind).order_by("-id").first()


def open_kinds(wo):
    return set(
        WorkOrderTarget.objects.filter(work_order=wo, met_at__isnull=True, cancelled_at__isnull=True).values_list(
            "kind", flat=True
        )
    )


# ---- intake -------------------------------------------------------------------------------
def test_r4_1_r4_2_r4_5_intake_stores_every_target_of_a_p3_request(agent):
    wo = make_work_order(agent, priority="P3", channel="web", received_at=at(2026, 11, 20, 10))  # Friday
    due = {t.kind: t.due_at for t in WorkOrderTarget.objects.filter(work_order=wo)}
    assert due == {
        "first_response": at(2026, 11, 20, 10, 10),
        "response": at(2026, 11, 23, 9, 0),  # 7.5 h Friday, 0.5 h Monday
        "resolution": at(2026, 11, 25, 10),  # Mon, Tue, Wed same time
        "colour_green_close": at(2026, 11, 21, 10),
        "appointment_agreed": at(2026, 11, 21, 10),  # a repair on site, 24 h
    }
    first = target(wo, "first_response")
    assert first.original_due_at == first.due_at
    assert first.warn_at == at(2026, 11, 20, 10, 8)  # 80 % of 10 min
    assert target(wo, "response").warn_at == at(2026, 11, 20, 16, 24)  # 80 % of 8 working hours = 6 h 24 min
    wo.refresh_from_db()
    assert wo.next_due_at == at(2026, 11, 20, 10, 10)
    assert wo.queue_at == wo.received_at


def test_r4_5_yellow_request_gets_progress_within_48_hours(agent):
    wo = make_work_order(agent, priority="P2", channel="web", colour="yellow", received_at=at(2026, 11, 20, 10))
    assert target(wo, "colour_yellow_progress").due_at == at(2026, 11, 22, 10)
    assert target(wo, "colour_green_close") is None


def test_r4_1_phone_intake_is_the_first_contact(agent):
    wo = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 20, 18))
    first = target(wo, "first_response")
    assert first.met_at == wo.received_at
    assert first.due_at == at(2026, 11, 20, 18, 30)  # outside working hours
    assert not first.breached


def test_r4_1_web_request_is_met_by_the_acknowledgement(agent):
    wo = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 20, 18))
    assert target(wo, "first_response").met_at is None
    wo_services.work_order_acknowledge(actor=agent, work_order_id=wo.pk)
    first = target(wo, "first_response")
    assert first.met_at is not None
    assert first.breached  # acknowledged days later
    breach = SlaBreach.objects.get(target=first)
    assert breach.met_at == first.met_at
    assert breach.overdue_seconds == int((first.met_at - first.due_at).total_seconds())


def test_r4_1_web_request_is_met_by_an_outbound_communication(agent):
    wo = make_work_order(agent, priority="P2", channel="web")
    wo_services.communication_record(
        actor=agent, work_order_id=wo.pk, kind="call", direction="in", summary="客户来电催促"
    )
    assert target(wo, "first_response").met_at is None  # the customer calling us is not our response
    wo_services.communication_record(actor=agent, work_order_id=wo.pk, kind="call", direction="out", summary="已回电")
    first = target(wo, "first_response")
    assert first.met_at is not None
    assert not first.breached  # within 10 min / 30 min of now


def test_r2_4_answered_on_the_spot_meets_every_target(agent):
    wo = make_work_order(
        agent,
        priority="P3",
        service_type="consultation",
        answered_on_spot=True,
        resolution="已电话指导客户重启设备",
    )
    assert open_kinds(wo) == set()
    assert all(t.met_at is not None for t in WorkOrderTarget.objects.filter(work_order=wo))
    wo.refresh_from_db()
    assert wo.next_due_at is None


# ---- assignment, start, progress, resolution ---------------------------------------------------
def test_r4_3_assignment_sets_contact_within_30_minutes_and_progress_every_6_hours(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    contact = target(wo, "contact_after_assignment")
    progress = target(wo, "progress_update")
    assert contact.due_at - contact.started_at == dt.timedelta(minutes=30)
    assert progress.due_at - progress.started_at == dt.timedelta(hours=6)


def test_r3_6_p1_progress_every_2_hours(agent, tech):
    wo = make_work_order(agent, priority="P1", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    progress = target(wo, "progress_update")
    assert progress.due_at - progress.started_at == dt.timedelta(hours=2)


def test_r4_3_reassignment_restarts_the_contact_target(agent, tech):
    other = UserFactory(role="technician")
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    first_contact = target(wo, "contact_after_assignment")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=other.pk)
    first_contact.refresh_from_db()
    assert first_contact.cancelled_at is not None
    assert (
        WorkOrderTarget.objects.filter(work_order=wo, kind="contact_after_assignment", cancelled_at=None).count() == 1
    )
    assert WorkOrderTarget.objects.filter(work_order=wo, kind="progress_update", cancelled_at=None).count() == 1


def test_r4_3_note_by_the_assignee_is_the_contact_and_a_progress_update(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    before = target(wo, "progress_update")
    wo_services.work_order_add_note(actor=agent, work_order_id=wo.pk, text="客服补充说明")
    assert target(wo, "contact_after_assignment").met_at is None  # not by the assignee
    wo_services.work_order_add_note(actor=tech, work_order_id=wo.pk, text="已与客户确认故障现象")
    assert target(wo, "contact_after_assignment").met_at is not None
    before.refresh_from_db()
    assert before.met_at is not None
    after = target(wo, "progress_update")
    assert after.pk != before.pk
    assert after.met_at is None
    assert after.started_at == before.met_at + dt.timedelta(0) or after.started_at >= before.met_at


def test_r4_2_start_meets_the_response_and_resolve_meets_the_resolution(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    assert target(wo, "response").met_at is not None
    assert target(wo, "contact_after_assignment").met_at is not None
    wo_services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="更换电容后恢复制冷")
    wo.refresh_from_db()
    assert target(wo, "resolution").met_at == wo.resolved_at
    assert target(wo, "colour_green_close").met_at == wo.resolved_at
    assert target(wo, "progress_update").cancelled_at is not None
    assert open_kinds(wo) == set()
    assert wo.next_due_at is None


def test_r4_7_late_resolution_is_a_recorded_breach_with_its_overdue_time(agent, tech):
    wo = make_work_order(agent, priority="P1", channel="phone", received_at=at(2026, 11, 2, 9))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    wo_services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="现场修复")
    resolution = target(wo, "resolution")
    assert resolution.breached
    breach = SlaBreach.objects.get(target=resolution)
    assert breach.due_at == at(2026, 11, 2, 13)
    assert breach.overdue_seconds == int((resolution.met_at - breach.due_at).total_seconds())
    assert breach.assignee == tech


def test_r3_5_reopen_sets_progress_updates_again(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    wo_services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="修复")
    wo_services.work_order_reopen(actor=agent, work_order_id=wo.pk, reason="客户反馈仍不制冷")
    assert open_kinds(wo) == {"progress_update"}


# ---- pauses ----------------------------------------------------------------------------
def _paused_between(wo, status, start, end):
    wo.status = status
    targets.on_status_changed(wo, at=start)
    wo.status = "in_progress"
    targets.on_status_changed(wo, at=end)


def test_r4_6_waiting_on_the_customer_pauses_every_clock_by_its_own_measure(agent):
    wo = make_work_order(agent, priority="P3", channel="phone", received_at=at(2026, 11, 20, 10))
    response, resolution, green = (target(wo, k) for k in ("response", "resolution", "colour_green_close"))
    # Friday 16:30 to Monday 09:30: 2 working hours (16:30-17:30, 08:30-09:30), 65 wall hours.
    _paused_between(wo, "waiting_customer", at(2026, 11, 20, 16, 30), at(2026, 11, 23, 9, 30))
    for t in (response, resolution, green):
        t.refresh_from_db()
    assert response.due_at == at(2026, 11, 23, 11, 0)  # 09:00 + 2 working hours
    assert response.paused_seconds == 2 * 3600
    assert resolution.due_at == at(2026, 11, 25, 12, 0)  # Wed 10:00 + 2 working hours
    assert green.due_at == at(2026, 11, 21, 10) + dt.timedelta(hours=65)
    assert response.paused_at is None


def test_r4_6_paused_targets_have_no_next_due_time(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    wo_services.work_order_wait(actor=tech, work_order_id=wo.pk, on="customer", reason="等待客户提供照片")
    wo.refresh_from_db()
    assert wo.next_due_at is None
    assert all(t.paused_at is not None for t in WorkOrderTarget.objects.filter(work_order=wo, met_at=None))
    wo_services.work_order_resume(actor=tech, work_order_id=wo.pk)
    wo.refresh_from_db()
    assert wo.next_due_at is not None
    assert not WorkOrderTarget.objects.filter(work_order=wo, paused_at__isnull=False).exists()


def test_r4_6_waiting_on_parts_does_not_pause_by_default_but_is_configurable(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    wo_services.work_order_wait(actor=tech, work_order_id=wo.pk, on="parts", reason="等待备件")
    assert not WorkOrderTarget.objects.filter(work_order=wo, paused_at__isnull=False).exists()
    SlaPolicy.objects.filter(priority="P2").update(pause_waiting_parts=True)
    wo_services.work_order_wait(actor=tech, work_order_id=wo.pk, on="customer", reason="等客户")
    wo_services.work_order_wait(actor=tech, work_order_id=wo.pk, on="parts", reason="等待备件")
    assert WorkOrderTarget.objects.filter(work_order=wo, paused_at__isnull=False).exists()


def test_r4_6_pause_outside_working_hours_does_not_move_a_working_hours_deadline(agent):
    wo = make_work_order(agent, priority="P3", channel="phone", received_at=at(2026, 11, 20, 10))
    _paused_between(wo, "waiting_customer", at(2026, 11, 20, 18), at(2026, 11, 22, 20))  # Fri night-Sun
    assert target(wo, "response").due_at == at(2026, 11, 23, 9, 0)
    assert target(wo, "colour_green_close").due_at == at(2026, 11, 21, 10) + dt.timedelta(hours=50)


def test_r4_6_pause_over_national_day_counts_no_working_time(agent):
    wo = make_work_order(agent, priority="P3", channel="phone", received_at=at(2026, 9, 30, 10))
    assert target(wo, "resolution").due_at == at(2026, 10, 10, 10)  # 8, 9, Sat 10 Oct
    _paused_between(wo, "waiting_customer", at(2026, 10, 1, 9), at(2026, 10, 7, 18))
    assert target(wo, "resolution").due_at == at(2026, 10, 10, 10)


QUARTER = dt.timedelta(minutes=15)


def _working_quarters(begin, end, calendar_id):
    """Seconds of working time in [begin, end), counted a quarter of an hour at a time with the
    point test (working hours start and end on quarter hours): independent of the interval sums
    the clocks use."""
    seconds, moment = 0, begin
    while moment < end:
        seconds += 900 if clocks.is_working_time(moment, calendar_id) else 0
        moment += QUARTER
    return seconds


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(min_value=0, max_value=300 * 24 * 4),
    paused_after=st.integers(min_value=0, max_value=3 * 24 * 4),
    length=st.integers(min_value=0, max_value=10 * 24 * 4),
    clock=st.sampled_from(["wall", "working_hours", "working_days"]),
)
def test_r4_6_property_a_pause_moves_the_deadline_by_exactly_the_paused_time(
    seeded, start, paused_after, length, clock
):
    """Resuming moves the due time on by exactly the time paused, counted on the target's own
    clock: wall time for 24x7, working time (quarter by quarter on the calendar) otherwise."""
    calendar_id = policies.calendar_id_of(SlaPolicy.objects.get(priority="P3"))
    begin = at(2026, 1, 1) + start * QUARTER
    due = clocks.add_duration(begin, 86400 if clock == "working_days" else 8 * 3600, clock, calendar_id)
    paused_at = begin + paused_after * QUARTER
    resumed_at = paused_at + length * QUARTER
    t = WorkOrderTarget(
        clock=clock,
        calendar_id=calendar_id,
        due_at=due,
        warn_at=due,
        original_due_at=due,
        started_at=begin,
        duration_seconds=8 * 3600,
        paused_at=paused_at,
    )
    targets._resume(t, resumed_at)
    assert t.paused_at is None
    if clock == "wall":
        assert t.paused_seconds == length * 900
        assert t.due_at == due + length * QUARTER
    else:
        paused = _working_quarters(paused_at, resumed_at, calendar_id)
        assert t.paused_seconds == paused
        assert _working_quarters(due, t.due_at, calendar_id) == paused
        if paused:  # it lands on working time, never later than needed
            assert clocks.is_working_time(t.due_at - dt.timedelta(microseconds=1), calendar_id)
        else:
            assert t.due_at == due
    assert t.original_due_at == t.due_at


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(min_value=0, max_value=330 * 24 * 60),
    hours=st.integers(min_value=1, max_value=40),
    paused=st.integers(min_value=0, max_value=20 * 3600),
)
def test_r4_property_a_working_hours_deadline_is_in_working_hours_or_at_their_end(seeded, start, hours, paused):
    calendar_id = policies.calendar_id_of(SlaPolicy.objects.get(priority="P3"))
    begin = at(2026, 1, 1) + dt.timedelta(minutes=start)
    due = policies.deadline(
        started_at=begin, duration=hours * 3600, clock="working_hours", calendar_id=calendar_id, paused_seconds=paused
    )
    assert due > begin
    assert clocks.is_working_time(due - dt.timedelta(microseconds=1), calendar_id)


# ---- extensions ------------------------------------------------------------------------
@pytest.fixture
def handled(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    return wo


def _extend(actor, t, **kw):
    from django.utils import timezone

    values = {
        "new_due_at": t.due_at + dt.timedelta(days=2),
        "agreed_with": "李娜（客户设备科）",
        "agreed_at": timezone.now() - dt.timedelta(minutes=5),
        "channel": "phone",
        "note": "备件需从厂家调拨",
    }
    values.update(kw)
    return target_extend(actor=actor, target_id=t.pk, **values)


def test_r3_6_extension_replaces_the_due_time_and_keeps_the_original(handled, tech):
    t = target(handled, "resolution")
    original = t.due_at
    extension = _extend(tech, t)
    t.refresh_from_db()
    assert t.due_at == original + dt.timedelta(days=2)
    assert t.original_due_at == original
    assert t.extended
    assert extension.old_due_at == original
    assert extension.agreed_with == "李娜（客户设备科）"
    assert t.warn_at > original - dt.timedelta(hours=24)
    event = WorkOrderEvent.objects.get(work_order=handled, action="sla_extend")
    assert event.data["agreed_with"] == "李娜（客户设备科）"


def test_r3_6_extension_refusals(handled, tech, agent):
    t = target(handled, "resolution")
    with pytest.raises(DomainError) as exc:
        _extend(tech, t, new_due_at=t.due_at - dt.timedelta(minutes=1))
    assert exc.value.code in ("sla_extension_not_later", "validation_error")
    with pytest.raises(ValidationFailed) as exc:
        _extend(tech, t, agreed_with=" ", channel="pigeon", agreed_at=None)
    assert set(exc.value.fields) == {"agreed_with", "channel", "agreed_at"}
    with pytest.raises(ValidationFailed) as exc:
        _extend(tech, t, new_due_at=t.due_at.replace(tzinfo=None) + dt.timedelta(days=3))
    assert "new_due_at" in exc.value.fields
    stranger = UserFactory(role="technician")
    with pytest.raises(NotFound):
        _extend(stranger, t)
    with pytest.raises(PermissionDenied):
        _extend(UserFactory(role="dispatcher"), t)
    first = target(handled, "first_response")  # met at intake (phone)
    with pytest.raises(DomainError) as exc:
        _extend(tech, first)
    assert exc.value.code == "sla_target_not_open"
    assert not SlaExtension.objects.exists()


def test_r3_6_a_pause_after_an_extension_moves_it_on(handled):
    t = target(handled, "resolution")
    targets.extend(t, new_due_at=at(2026, 12, 24, 10))
    _paused_between(handled, "waiting_customer", at(2026, 12, 1, 10), at(2026, 12, 1, 12))
    t.refresh_from_db()
    assert t.due_at == at(2026, 12, 24, 12)
    assert t.extended


# ---- re-prioritisation -----------------------------------------------------------------------
def test_r3_3_r4_2_reprioritising_recomputes_the_open_targets(agent):
    wo = make_work_order(agent, priority="P3", channel="phone", received_at=at(2026, 11, 20, 18))
    assert wo.queue_at == at(2026, 11, 23, 8, 30)
    wo_services.work_order_set_priority(actor=agent, work_order_id=wo.pk, priority="P1", reason="设备停机")
    wo.refresh_from_db()
    assert wo.priority == "P1"
    assert target(wo, "response").due_at == at(2026, 11, 20, 20)
    assert target(wo, "response").clock == "wall"
    assert target(wo, "resolution").due_at == at(2026, 11, 20, 22)
    assert wo.queue_at == wo.received_at  # P1 is never queued for the morning
    assert target(wo, "first_response").met_at == wo.received_at  # met targets stay
    event = WorkOrderEvent.objects.get(work_order=wo, kind="change")
    assert event.data == {"priority": "P1", "previous": "P3"}


def test_r3_3_reprioritising_refusals(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    with pytest.raises(ValidationFailed) as exc:
        wo_services.work_order_set_priority(actor=agent, work_order_id=wo.pk, priority="P2", reason="同上")
    assert "priority" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        wo_services.work_order_set_priority(actor=agent, work_order_id=wo.pk, priority="P7", reason="x")
    assert "priority" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        wo_services.work_order_set_priority(actor=agent, work_order_id=wo.pk, priority="P1", reason=" ")
    assert "reason" in exc.value.fields
    with pytest.raises(NotFound):  # scope first: not their job
        wo_services.work_order_set_priority(actor=tech, work_order_id=wo.pk, priority="P1", reason="x")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    with pytest.raises(PermissionDenied):  # their job, but a technician does not re-prioritise
        wo_services.work_order_set_priority(actor=tech, work_order_id=wo.pk, priority="P1", reason="x")


# ---- queue order and sorting by the next due time -----------------------------------------
def test_r4_8_night_requests_come_first_in_the_morning_queue(agent):
    product = InstalledProductFactory()
    morning = make_work_order(agent, product, priority="P3", channel="web", received_at=at(2026, 11, 23, 9))
    night = make_work_order(agent, product, priority="P3", channel="web", received_at=at(2026, 11, 22, 23))
    urgent = make_work_order(agent, product, priority="P1", channel="web", received_at=at(2026, 11, 22, 23, 30))
    page = work_order_list(actor=agent, filters=WorkOrderFilters(customer_id=product.customer_id), sort="queue_at")
    assert [wo.pk for wo in page.items] == [urgent.pk, night.pk, morning.pk]
    night.refresh_from_db()
    assert night.queue_at == at(2026, 11, 23, 8, 30)


def test_r4_list_sorts_by_next_due_time_and_leaves_out_work_orders_without_one(agent):
    product = InstalledProductFactory()
    later = make_work_order(agent, product, priority="P3", channel="web", received_at=at(2026, 11, 23, 9))
    sooner = make_work_order(agent, product, priority="P3", channel="web", received_at=at(2026, 11, 23, 8, 40))
    done = make_work_order(
        agent, product, priority="P3", service_type="consultation", answered_on_spot=True, resolution="已解答"
    )
    page = work_order_list(actor=agent, filters=WorkOrderFilters(customer_id=product.customer_id), sort="next_due_at")
    assert [wo.pk for wo in page.items] == [sooner.pk, later.pk]
    assert done.pk not in [wo.pk for wo in page.items]


def test_r4_kinds_cover_the_issue():
    assert set(TargetKind.values) == {
        "first_response",
        "response",
        "resolution",
        "contact_after_assignment",
        "progress_update",
        "colour_green_close",
        "colour_yellow_progress",
        "onsite_arrival",
        "appointment_agreed",
        "first_visit_fix",
        "complex_close",
    }


def test_r4_list_filters_by_next_due_time(agent):
    product = InstalledProductFactory()
    sooner = make_work_order(agent, product, priority="P3", channel="web", received_at=at(2026, 11, 23, 8, 40))
    make_work_order(agent, product, priority="P3", channel="web", received_at=at(2026, 11, 23, 9))
    filters = WorkOrderFilters(customer_id=product.customer_id, due_before=at(2026, 11, 23, 9, 0))
    assert [wo.pk for wo in work_order_list(actor=agent, filters=filters).items] == [sooner.pk]
