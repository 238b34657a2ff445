"""R-8.1 / R-3.4 complaints: the record, the read-back before the acknowledgement, the red
escalation exactly once, emergency handling, the follow-up call, links to person and work order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.core.models import OutboxMessage
from aftersales.feedback import complaints
from aftersales.feedback.models import Complaint
from aftersales.feedback.selectors import complaints_about
from aftersales.workorders.services import work_order_acknowledge
from tests.factories import InstalledProductFactory, UserFactory, make_work_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor", username="boss")


def _complaint_wo(agent, colour=None, product=None):
    kwargs = {"service_type": "complaint"}
    if colour:
        kwargs["colour"] = colour
    return make_work_order(agent, product or InstalledProductFactory(), **kwargs)


def _record(agent, wo, **kwargs):
    values = {"about": "service", "content": "工程师迟到两小时且态度差", "mood": "angry", "expected_solution": "道歉"}
    values.update(kwargs)
    return complaints.complaint_record(actor=agent, work_order_id=wo.pk, **values)


def _code(exc_info):
    return exc_info.value.code


def test_r3_4_complaints_are_yellow_by_default(agent):
    assert _complaint_wo(agent).colour == "yellow"


def test_r8_1_the_record_holds_content_mood_and_expected_solution(agent):
    wo = _complaint_wo(agent)
    complaint = _record(agent, wo)
    assert (complaint.about, complaint.mood, complaint.expected_solution) == ("service", "angry", "道歉")
    assert complaint.ack_due_at == wo.received_at + dt.timedelta(hours=2)
    assert wo.events.filter(action="complaint").exists()


def test_r8_1_only_a_complaint_work_order_has_a_record_and_only_one(agent):
    repair = make_work_order(agent)
    with pytest.raises(DomainError) as exc:
        _record(agent, repair)
    assert _code(exc) == "not_a_complaint"
    wo = _complaint_wo(agent)
    _record(agent, wo)
    with pytest.raises(DomainError) as exc:
        _record(agent, wo)
    assert _code(exc) == "complaint_exists"


def test_r8_1_bad_input_names_each_field(agent):
    wo = _complaint_wo(agent)
    with pytest.raises(DomainError) as exc:
        complaints.complaint_record(actor=agent, work_order_id=wo.pk, about="x", content=" ", mood="sad")
    assert set(exc.value.fields) == {"about", "content", "mood"}


def test_r8_1_acknowledgement_is_refused_before_the_read_back(agent):
    wo = _complaint_wo(agent)
    _record(agent, wo)
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        complaints.complaint_acknowledge(actor=agent, work_order_id=wo.pk, expected_handling_at=later)
    assert _code(exc) == "complaint_not_read_back"
    with pytest.raises(DomainError) as exc:  # nor through the work order's own action
        work_order_acknowledge(actor=agent, work_order_id=wo.pk)
    assert _code(exc) == "complaint_not_read_back"
    complaints.complaint_read_back(actor=agent, work_order_id=wo.pk, confirmed_by_name="王女士")
    complaint = complaints.complaint_acknowledge(actor=agent, work_order_id=wo.pk, expected_handling_at=later)
    assert complaint.acknowledged_at is not None
    assert complaint.expected_handling_at == later
    assert complaint.read_back_by == agent
    assert complaint.confirmed_by_name == "王女士"
    wo.refresh_from_db()
    assert wo.status == "acknowledged"


def test_r8_1_a_complaint_without_a_record_cannot_be_acknowledged(agent):
    wo = _complaint_wo(agent)
    with pytest.raises(DomainError) as exc:
        work_order_acknowledge(actor=agent, work_order_id=wo.pk)
    assert _code(exc) == "complaint_not_read_back"


def test_r8_1_the_acknowledgement_needs_the_handling_time_told(agent):
    wo = _complaint_wo(agent)
    _record(agent, wo)
    complaints.complaint_read_back(actor=agent, work_order_id=wo.pk, confirmed_by_name="王女士")
    with pytest.raises(DomainError) as exc:
        complaints.complaint_acknowledge(actor=agent, work_order_id=wo.pk, expected_handling_at=None)
    assert "expected_handling_at" in exc.value.fields


def test_r8_1_a_red_complaint_is_reported_to_the_supervisor_once(agent, supervisor):
    wo = _complaint_wo(agent, colour="red")
    complaint = _record(agent, wo)
    assert complaint.escalated_at is not None
    told = OutboxMessage.objects.filter(kind="complaint_red", recipient=supervisor, channel="in_app")
    assert told.count() == 1
    # Repeating the escalation writes nothing new.
    complaints._escalate(complaint, wo, timezone.now())
    assert told.count() == 1


def test_r8_1_a_yellow_complaint_is_not_escalated(agent, supervisor):
    complaint = _record(agent, _complaint_wo(agent))
    assert complaint.escalated_at is None
    assert not OutboxMessage.objects.filter(kind="complaint_red").exists()


def test_r8_1_emergency_handling_and_follow_up_call(agent, supervisor):
    qa = UserFactory(role="qa")
    wo = _complaint_wo(agent, colour="red")
    _record(agent, wo)
    complaints.complaint_read_back(actor=agent, work_order_id=wo.pk, confirmed_by_name="王女士")
    complaints.complaint_acknowledge(
        actor=agent, work_order_id=wo.pk, expected_handling_at=timezone.now() + dt.timedelta(hours=4)
    )
    with pytest.raises(DomainError) as exc:  # a red one is followed up after the agreement
        complaints.complaint_follow_up(actor=qa, work_order_id=wo.pk, satisfaction=8, note="满意")
    assert _code(exc) == "complaint_not_agreed"
    with pytest.raises(DomainError) as exc:  # an agent does not run the emergency handling
        complaints.complaint_handle(actor=agent, work_order_id=wo.pk, investigation="x")
    assert _code(exc) == "permission_denied"
    with pytest.raises(DomainError) as exc:  # an agreement says who, when and how
        complaints.complaint_handle(actor=supervisor, work_order_id=wo.pk, agreed_by_name="王女士")
    assert {"agreed_how", "agreed_at"} <= set(exc.value.fields)
    complaints.complaint_handle(
        actor=supervisor,
        work_order_id=wo.pk,
        owner_id=supervisor.pk,
        investigation="调度排班冲突导致迟到",
        proposed_solution="上门道歉并免费保养一次",
        agreed_by_name="王女士",
        agreed_how="phone",
        agreed_at=timezone.now(),
    )
    with pytest.raises(DomainError) as exc:
        complaints.complaint_follow_up(actor=agent, work_order_id=wo.pk, satisfaction=8, note="满意")
    assert _code(exc) == "permission_denied"
    with pytest.raises(DomainError) as exc:
        complaints.complaint_follow_up(actor=qa, work_order_id=wo.pk, satisfaction=11, note="")
    assert set(exc.value.fields) == {"satisfaction", "note"}
    complaint = complaints.complaint_follow_up(actor=qa, work_order_id=wo.pk, satisfaction=8, note="处理及时，基本满意")
    assert (complaint.satisfaction, complaint.follow_up_by) == (8, qa)
    with pytest.raises(DomainError) as exc:
        complaints.complaint_follow_up(actor=qa, work_order_id=wo.pk, satisfaction=9, note="again")
    assert _code(exc) == "complaint_already_followed_up"
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.owner == supervisor
    assert complaint.agreed_how == "phone"


def test_r8_1_a_complaint_about_a_person_and_a_previous_work_order_shows_on_both(agent):
    tech = UserFactory(role="technician")
    product = InstalledProductFactory()
    previous = make_work_order(agent, product)
    wo = _complaint_wo(agent, product=product)
    complaint = _record(agent, wo, about="work_order", about_work_order_id=previous.pk)
    assert complaints_about(actor=agent, work_order_id=previous.pk) == [complaint]
    other = _complaint_wo(agent, product=product)
    about_tech = _record(agent, other, about="person", about_person_id=tech.pk)
    assert complaints_about(actor=agent, person_id=tech.pk) == [about_tech]
    with pytest.raises(DomainError) as exc:  # another customer's work order is refused
        _record(agent, _complaint_wo(agent), about="work_order", about_work_order_id=previous.pk)
    assert "about_work_order_id" in exc.value.fields


def test_r8_1_customers_and_technicians_cannot_record(agent):
    wo = _complaint_wo(agent)
    with pytest.raises(DomainError) as exc:
        _record(UserFactory(role="technician"), wo)
    assert _code(exc) == "permission_denied"
    from tests.factories import portal_user

    customer_user = portal_user(wo.customer)
    with pytest.raises(DomainError) as exc:
        _record(customer_user, wo)
    assert _code(exc) == "not_found"


def test_r8_1_an_acknowledgement_overdue_is_recorded_once(agent, supervisor):
    wo = _complaint_wo(agent)
    _record(agent, wo)
    later = timezone.now() + dt.timedelta(hours=3)
    assert complaints.complaint_ack_scan(now=later) == 1
    assert complaints.complaint_ack_scan(now=later) == 0
    assert Complaint.objects.get(work_order=wo).ack_breached_at == later
