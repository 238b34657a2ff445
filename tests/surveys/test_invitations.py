"""R-9.1–R-9.3, R-9.8: invitations within 24 h of closing, special surveys after complaints, one
reminder after exactly 3 working days on the SLA calendar, expiry after 7 days, nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.models import OutboxMessage
from aftersales.sla.services import calendar_seed_years
from aftersales.surveys import services, tasks
from aftersales.surveys.models import Invitation
from tests.surveys.conftest import at, closed_work_order

pytestmark = pytest.mark.django_db


def survey_messages(**filters):
    return OutboxMessage.objects.filter(kind="survey", **filters)


def test_r9_1_invitation_within_24h_of_closing_by_email_with_a_personal_link():
    closed = at(2026, 3, 10, 15)
    wo = closed_work_order(closed, email="zhang@example.com")
    assert services.invitations_scan(now=closed - dt.timedelta(minutes=1))["after_close"] == 0  # not yet closed then
    assert services.invitations_scan(now=closed + dt.timedelta(hours=23, minutes=59))["after_close"] == 1
    invitation = Invitation.objects.get(work_order=wo, kind="after_close")
    message = survey_messages().get()
    assert message.channel == "email"
    assert message.address == "zhang@example.com"
    assert f"/surveys/s/{invitation.token}/" in message.body
    assert invitation.expires_at == closed + dt.timedelta(hours=23, minutes=59) + dt.timedelta(days=7)
    assert "50" in message.body  # the points are announced


def test_r9_1_no_invitation_more_than_24h_after_closing():
    closed = at(2026, 3, 10, 15)
    closed_work_order(closed, email="zhang@example.com")
    assert services.invitations_scan(now=closed + dt.timedelta(hours=24, minutes=1))["after_close"] == 0
    assert not Invitation.objects.exists()


def test_r9_2_customer_without_email_gets_an_sms_with_a_short_code():
    closed = at(2026, 3, 10, 15)
    wo = closed_work_order(closed)
    services.invitations_scan(now=closed + dt.timedelta(hours=1))
    invitation = Invitation.objects.get(work_order=wo)
    message = survey_messages().get()
    assert message.channel == "sms"
    assert message.address == wo.customer.phone
    assert len(invitation.code) == 4
    assert any(ch.isalpha() for ch in invitation.code)
    assert invitation.code in message.body
    assert "9 8 10 9 9" in message.body


def test_r9_1_the_scan_run_twice_sends_one_invitation_and_the_task_wraps_it():
    closed = at(2026, 3, 10, 15)
    wo = closed_work_order(closed)
    services.invitations_scan(now=closed + dt.timedelta(hours=1))
    services.invitations_scan(now=closed + dt.timedelta(hours=2))
    assert services.invitation_create(work_order=wo, kind="after_close", now=closed) is None  # the constraint
    assert Invitation.objects.filter(work_order=wo).count() == 1
    assert survey_messages().count() == 1
    assert tasks.survey_invitations_periodic.call_local() == {"after_close": 0, "complaint": 0, "complex_repair": 0}


def test_r9_1_complaint_gets_a_special_survey_within_a_week():
    closed = at(2026, 3, 10, 15)
    wo = closed_work_order(closed, service_type="complaint")
    services.invitations_scan(now=closed + dt.timedelta(hours=1))
    assert set(Invitation.objects.filter(work_order=wo).values_list("kind", flat=True)) == {"after_close"}
    assert services.invitations_scan(now=closed + dt.timedelta(days=2, hours=1))["complaint"] == 1
    assert services.invitations_scan(now=closed + dt.timedelta(days=3))["complaint"] == 0
    assert Invitation.objects.filter(work_order=wo, kind="complaint").count() == 1


def test_r9_1_no_special_survey_for_a_repair_or_after_a_week():
    closed = at(2026, 3, 10, 15)
    closed_work_order(closed)
    late = closed_work_order(closed, service_type="complaint")
    assert services.invitations_scan(now=closed + dt.timedelta(days=2, hours=1))["complaint"] == 1
    Invitation.objects.filter(work_order=late).delete()
    assert services.invitations_scan(now=closed + dt.timedelta(days=7, minutes=1))["complaint"] == 0


def _invited(sent_at: dt.datetime) -> Invitation:
    wo = closed_work_order(sent_at - dt.timedelta(hours=1))
    invitation = services.invitation_create(work_order=wo, kind="after_close", now=sent_at)
    assert invitation is not None
    return invitation


def test_r9_3_reminder_after_exactly_3_working_days_across_the_mid_autumn_holiday():
    """Sent Thu 24 Sep 2026 10:00: 25-27 Sep are off (Mid-autumn), Mon 28 Sep is day 1, Tue 29 day 2,
    Wed 30 Sep day 3: the reminder is due Wed 30 Sep 10:00, not a minute earlier."""
    calendar_seed_years(years=[2026])
    invitation = _invited(at(2026, 9, 24, 10))
    assert invitation.remind_at == at(2026, 9, 30, 10)
    assert services.reminders_scan(now=at(2026, 9, 30, 9, 59))["reminded"] == 0
    assert services.reminders_scan(now=at(2026, 9, 30, 10))["reminded"] == 1
    assert services.reminders_scan(now=at(2026, 9, 30, 11))["reminded"] == 0  # never twice
    assert survey_messages(dedupe_key__endswith=":reminder").count() == 1
    invitation.refresh_from_db()
    assert invitation.reminded_at == at(2026, 9, 30, 10)


def test_r9_3_reminder_counts_the_sunday_make_up_day_and_skips_the_saturday():
    """Sent Thu 17 Sep 2026 10:00: Fri 18 Sep (1), Sat 19 off, Sun 20 Sep worked (2), Mon 21 Sep (3)."""
    calendar_seed_years(years=[2026])
    assert _invited(at(2026, 9, 17, 10)).remind_at == at(2026, 9, 21, 10)


def test_r9_3_over_the_spring_festival_the_invitation_expires_before_its_reminder():
    """Sent Fri 13 Feb 2026: 3 working days end Wed 25 Feb (14 Feb worked, 15-23 off), after the
    7-day expiry on 20 Feb: the invitation expires and no reminder follows."""
    calendar_seed_years(years=[2026])
    invitation = _invited(at(2026, 2, 13, 10))
    assert invitation.remind_at == at(2026, 2, 25, 10)
    assert services.reminders_scan(now=at(2026, 2, 20, 10)) == {"reminded": 0, "expired": 1}
    assert services.reminders_scan(now=at(2026, 2, 25, 10)) == {"reminded": 0, "expired": 0}


def test_r9_3_a_reminder_claimed_by_another_run_is_not_sent_again():
    """A worker that restarts after claiming finds reminded_at set and sends nothing."""
    invitation = _invited(at(2026, 3, 2, 10))
    Invitation.objects.filter(pk=invitation.pk).update(reminded_at=at(2026, 3, 5, 10))
    assert services.reminders_scan(now=at(2026, 3, 6, 10))["reminded"] == 0
    assert not survey_messages(dedupe_key__endswith=":reminder").exists()


def test_r9_3_no_reminder_for_an_answered_invitation():
    invitation = _invited(at(2026, 3, 2, 10))
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=at(2026, 3, 3, 10))
    assert services.reminders_scan(now=at(2026, 3, 6, 10))["reminded"] == 0


def test_r9_3_expiry_after_7_days_once():
    invitation = _invited(at(2026, 3, 2, 10))
    assert services.reminders_scan(now=at(2026, 3, 9, 9, 59))["expired"] == 0
    assert services.reminders_scan(now=at(2026, 3, 9, 10))["expired"] == 1
    assert services.reminders_scan(now=at(2026, 3, 10, 10))["expired"] == 0
    invitation.refresh_from_db()
    assert invitation.expired_at == at(2026, 3, 9, 10)


def test_r9_3_no_reminder_after_expiry():
    """An invitation whose reminder fell due while the worker was down for a week only expires."""
    _invited(at(2026, 3, 2, 10))
    assert services.reminders_scan(now=at(2026, 3, 20, 10)) == {"reminded": 0, "expired": 1}


# ---- complex repairs: "complex" is a setting: more than one visit, or return-to-factory


def _visits(wo, count: int, *, kind: str = "on_site") -> None:
    from aftersales.fieldservice.models import Visit

    for i in range(count):
        moment = wo.closed_at - dt.timedelta(days=3 - i, hours=1)
        Visit.objects.create(
            work_order=wo, technician=wo.assignee, kind=kind, checked_in_at=moment, created_at=moment, status="approved"
        )


def _sent_to_the_factory(wo) -> None:
    from aftersales.repairs.models import RepairOrder

    RepairOrder.objects.create(number=f"RR-2026-{wo.pk:06d}", work_order=wo, created_by=wo.assignee, status="closed")


def _complex_due(closed: dt.datetime) -> set[int]:
    services.invitations_scan(now=closed + dt.timedelta(days=2, hours=1))
    return set(Invitation.objects.filter(kind="complex_repair").values_list("work_order_id", flat=True))


def test_r9_1_a_repair_with_more_than_one_visit_gets_a_special_survey_within_a_week():
    closed = at(2026, 3, 10, 15)
    twice = closed_work_order(closed)
    _visits(twice, 2)
    once = closed_work_order(closed)
    _visits(once, 1)
    remote = closed_work_order(closed)
    _visits(remote, 1)
    _visits(remote, 1, kind="remote")  # remote support is no visit on site
    assert services.invitations_scan(now=closed + dt.timedelta(days=1, hours=23))["complex_repair"] == 0  # 2 days on
    assert _complex_due(closed) == {twice.pk}
    assert services.invitations_scan(now=closed + dt.timedelta(days=3))["complex_repair"] == 0  # once
    assert survey_messages(topic=f"workorder:{twice.pk}").count() == 1


def test_r9_1_a_return_to_factory_repair_gets_a_special_survey_but_not_after_a_week():
    closed = at(2026, 3, 10, 15)
    factory = closed_work_order(closed)
    _sent_to_the_factory(factory)
    assert _complex_due(closed) == {factory.pk}
    late = closed_work_order(at(2026, 3, 1, 15))
    _sent_to_the_factory(late)
    _visits(late, 3)
    assert services.invitations_scan(now=at(2026, 3, 8, 15, 1))["complex_repair"] == 0  # 7 days and a minute


def test_r9_1_what_makes_a_repair_complex_is_a_setting(settings):
    closed = at(2026, 3, 10, 15)
    twice = closed_work_order(closed)
    _visits(twice, 2)
    thrice = closed_work_order(closed)
    _visits(thrice, 3)
    factory = closed_work_order(closed)
    _sent_to_the_factory(factory)
    settings.SURVEY_COMPLEX_VISITS = 3
    settings.SURVEY_COMPLEX_RETURN_TO_FACTORY = False
    assert _complex_due(closed) == {thrice.pk}
    settings.SURVEY_COMPLEX_VISITS = 0
    settings.SURVEY_COMPLEX_RETURN_TO_FACTORY = True
    Invitation.objects.all().delete()
    assert _complex_due(closed) == {factory.pk}
    settings.SURVEY_COMPLEX_RETURN_TO_FACTORY = False
    Invitation.objects.all().delete()
    assert _complex_due(closed) == set()


def test_r9_2_r9_3_the_invitation_reminder_and_help_sms_are_in_chinese():
    """What the customer receives (invitation with the code, the one reminder, the help SMS after
    a malformed reply, the polite refusal) has no untranslated English phrase."""
    from tests.surveys.test_pages import _english_phrases

    invitation = _invited(at(2026, 3, 2, 10))
    assert invitation.channel == "sms"
    services.reminders_scan(now=at(2026, 3, 5, 10))
    from aftersales.surveys import sms

    sms.sms_inbound(
        sender=invitation.address, text="挺好", received_at=at(2026, 3, 5, 11), gateway="t", now=at(2026, 3, 5, 11)
    )
    sms.sms_inbound(
        sender=invitation.address,
        text=f"{invitation.code} 9 8 10 9 9 师傅上门很准时问题一次解决了",
        received_at=at(2026, 3, 5, 12),
        gateway="t",
        now=at(2026, 3, 5, 12),
    )
    sms.sms_inbound(
        sender=invitation.address,
        text=f"{invitation.code} 9 8 10 9 9 再答一次",
        received_at=at(2026, 3, 5, 13),
        gateway="t",
        now=at(2026, 3, 5, 13),
    )
    bodies = list(survey_messages(address=invitation.address).order_by("pk").values_list("body", flat=True))
    assert len(bodies) == 4  # invitation, reminder, help, "already answered"
    assert "积分" in bodies[0]
    for body in bodies:
        assert _english_phrases(f"<p>{body}</p>") == [], body
