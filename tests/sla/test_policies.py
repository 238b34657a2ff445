"""R-4.1-R-4.5, R-4.9: the default SLA policies and the promised times they give (the preview).

Expected times were worked out by hand on the 2026 China working calendar (08:30-17:30):
New Year 1-3 Jan (Sun 4 Jan worked); Spring Festival 15-23 Feb (Sat 14 and Sat 28 Feb worked);
Labour Day 1-5 May (Sat 9 May worked); National Day 1-7 Oct (Sun 20 Sep, Sat 10 Oct worked).
"""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.errors import ValidationFailed
from aftersales.sla.models import AppliesWhen, SlaPolicy, SlaTargetRule, TargetKind
from aftersales.sla.policies import NoPolicy, policy_for, queue_time
from aftersales.sla.selectors import sla_preview
from tests.factories import CustomerCategoryFactory, ProductLineFactory
from tests.sla.conftest import at

pytestmark = pytest.mark.usefixtures("seeded")


def promise(priority, received_at, **kwargs):
    """name -> (due_at, clock) of the preview."""
    return {t.name: (t.due_at, t.clock) for t in sla_preview(priority=priority, received_at=received_at, **kwargs)}


def due(priority, received_at, **kwargs):
    return {name: value[0] for name, value in promise(priority, received_at, **kwargs).items()}


# ---- the defaults, exactly as SPEC.md ------------------------------------------------------
def test_r4_defaults_seeded_one_policy_per_priority_with_every_target():
    for priority in ("P1", "P2", "P3"):
        policy = SlaPolicy.objects.get(priority=priority)
        assert policy.warn_at_percent == 80
        assert policy.pause_waiting_customer
        assert not policy.pause_waiting_parts
        kinds = {(r.kind, r.applies_when) for r in policy.rules.all()}
        assert kinds == {
            (TargetKind.FIRST_RESPONSE, AppliesWhen.IN_HOURS),
            (TargetKind.FIRST_RESPONSE, AppliesWhen.OUTSIDE_HOURS),
            (TargetKind.RESPONSE, AppliesWhen.ALWAYS),
            (TargetKind.RESOLUTION, AppliesWhen.ALWAYS),
            (TargetKind.CONTACT_AFTER_ASSIGNMENT, AppliesWhen.ALWAYS),
            (TargetKind.PROGRESS_UPDATE, AppliesWhen.ALWAYS),
            (TargetKind.COLOUR_GREEN_CLOSE, AppliesWhen.ALWAYS),
            (TargetKind.COLOUR_YELLOW_PROGRESS, AppliesWhen.ALWAYS),
            # the emergency arrival for P1, the appointment for P2 and P3.
            (TargetKind.ONSITE_ARRIVAL if priority == "P1" else TargetKind.APPOINTMENT_AGREED, AppliesWhen.ALWAYS),
            (TargetKind.FIRST_VISIT_FIX, AppliesWhen.ALWAYS),
            (TargetKind.COMPLEX_CLOSE, AppliesWhen.ALWAYS),
        }


@pytest.mark.parametrize(
    ("priority", "kind", "clock", "seconds", "days"),
    [
        ("P1", "response", "wall", 2 * 3600, None),
        ("P1", "resolution", "wall", 4 * 3600, None),
        ("P1", "progress_update", "wall", 2 * 3600, None),
        ("P2", "response", "wall", 4 * 3600, None),
        ("P2", "resolution", "wall", 24 * 3600, None),
        ("P2", "progress_update", "wall", 6 * 3600, None),
        ("P3", "response", "working_hours", 8 * 3600, None),
        ("P3", "resolution", "working_days", None, 3),
        ("P3", "progress_update", "wall", 6 * 3600, None),
        ("P1", "contact_after_assignment", "wall", 30 * 60, None),
        ("P2", "colour_green_close", "wall", 24 * 3600, None),
        ("P3", "colour_yellow_progress", "wall", 48 * 3600, None),
    ],
)
def test_r4_2_r4_3_r4_5_default_rule(priority, kind, clock, seconds, days):
    rule = SlaTargetRule.objects.get(policy__priority=priority, kind=kind)
    assert (rule.clock, rule.duration_seconds, rule.duration_days) == (clock, seconds, days)


# ---- first response ------------------------------------------------------------------
@pytest.mark.parametrize("priority", ["P1", "P2", "P3"])
def test_r4_1_first_response_10_minutes_in_working_hours(priority):
    assert promise(priority, at(2026, 11, 23, 10))["first_response"] == (at(2026, 11, 23, 10, 10), "wall")


@pytest.mark.parametrize("priority", ["P1", "P2", "P3"])
def test_r4_1_first_response_30_minutes_at_night(priority):
    assert promise(priority, at(2026, 11, 23, 22))["first_response"] == (at(2026, 11, 23, 22, 30), "wall")


def test_r4_1_first_response_at_exactly_0830_is_within_hours():
    assert due("P2", at(2026, 11, 23, 8, 30))["first_response"] == at(2026, 11, 23, 8, 40)


def test_r4_1_first_response_at_exactly_1730_is_outside_hours():
    assert due("P2", at(2026, 11, 23, 17, 30))["first_response"] == at(2026, 11, 23, 18, 0)


def test_r4_1_first_response_on_a_holiday_and_on_a_make_up_day():
    assert due("P3", at(2026, 10, 1, 10))["first_response"] == at(2026, 10, 1, 10, 30)  # National Day
    assert due("P3", at(2026, 9, 20, 10))["first_response"] == at(2026, 9, 20, 10, 10)  # Sunday, worked
    assert due("P3", at(2026, 2, 14, 15))["first_response"] == at(2026, 2, 14, 15, 10)  # Saturday, worked
    assert due("P3", at(2026, 2, 16, 15))["first_response"] == at(2026, 2, 16, 15, 30)  # Spring Festival


def test_r4_1_first_response_on_a_weekend():
    assert due("P2", at(2026, 11, 21, 11))["first_response"] == at(2026, 11, 21, 11, 30)


# ---- P1 and P2 on the wall clock -------------------------------------------------------
def test_r4_2_p1_response_2h_result_4h_on_the_wall_clock_over_a_holiday_night():
    got = promise("P1", at(2026, 10, 1, 23))
    assert got["response"] == (at(2026, 10, 2, 1), "wall")
    assert got["resolution"] == (at(2026, 10, 2, 3), "wall")


def test_r4_2_p2_response_4h_resolved_24h_on_the_wall_clock_over_a_weekend():
    got = promise("P2", at(2026, 11, 20, 16))  # Friday
    assert got["response"] == (at(2026, 11, 20, 20), "wall")
    assert got["resolution"] == (at(2026, 11, 21, 16), "wall")


# ---- P3 on working hours and working days ------------------------------------------------
def test_r4_2_p3_on_an_ordinary_monday():
    got = promise("P3", at(2026, 11, 23, 10))
    assert got["response"] == (at(2026, 11, 24, 9), "working_hours")  # 7.5 h Monday + 0.5 h
    assert got["resolution"] == (at(2026, 11, 26, 10), "working_days")  # same time, 3rd day


def test_r4_2_p3_at_exactly_0830():
    got = due("P3", at(2026, 11, 23, 8, 30))
    assert got["response"] == at(2026, 11, 23, 16, 30)
    assert got["resolution"] == at(2026, 11, 26, 8, 30)


def test_r4_2_p3_at_exactly_1730_counts_from_the_next_morning():
    got = due("P3", at(2026, 11, 23, 17, 30))
    assert got["response"] == at(2026, 11, 24, 16, 30)
    assert got["resolution"] == at(2026, 11, 26, 17, 30)  # end of the 3rd working day (24, 25, 26)


def test_r4_2_p3_saturday_night_counts_from_monday():
    got = due("P3", at(2026, 11, 21, 23))
    assert got["response"] == at(2026, 11, 23, 16, 30)
    assert got["resolution"] == at(2026, 11, 25, 17, 30)


def test_r4_2_p3_over_new_year_reaches_the_sunday_make_up_day():
    got = due("P3", at(2025, 12, 31, 16, 30))
    assert got["response"] == at(2026, 1, 4, 15, 30)  # 1 h on 31 Dec, 7 h on Sun 4 Jan
    assert got["resolution"] == at(2026, 1, 6, 16, 30)  # 4, 5, 6 Jan


def test_r4_2_p3_received_friday_1730_before_spring_festival():
    got = due("P3", at(2026, 2, 13, 17, 30))
    assert got["first_response"] == at(2026, 2, 13, 18, 0)
    assert got["response"] == at(2026, 2, 14, 16, 30)  # Saturday 14 Feb is worked
    assert got["resolution"] == at(2026, 2, 25, 17, 30)  # 14, 24, 25 Feb


def test_r4_2_p3_on_the_saturday_make_up_day_before_spring_festival():
    got = due("P3", at(2026, 2, 14, 15))
    assert got["response"] == at(2026, 2, 24, 14, 0)  # 2.5 h, then 5.5 h after the holiday
    assert got["resolution"] == at(2026, 2, 26, 15, 0)  # same time on 24, 25, 26 Feb


def test_r4_2_p3_friday_before_the_28_february_make_up_day():
    assert due("P3", at(2026, 2, 27, 16))["resolution"] == at(2026, 3, 3, 16)  # 28 Feb, 2 Mar, 3 Mar


def test_r4_2_p3_over_labour_day():
    got = due("P3", at(2026, 4, 30, 12))
    assert got["response"] == at(2026, 5, 6, 11, 0)  # 5.5 h on 30 Apr, 2.5 h on 6 May
    assert got["resolution"] == at(2026, 5, 8, 12)  # 6, 7, 8 May
    assert due("P3", at(2026, 5, 8, 12))["resolution"] == at(2026, 5, 12, 12)  # Sat 9 May worked


def test_r4_2_p3_friday_night_before_the_20_september_make_up_day():
    got = due("P3", at(2026, 9, 18, 18))
    assert got["first_response"] == at(2026, 9, 18, 18, 30)
    assert got["response"] == at(2026, 9, 20, 16, 30)
    assert got["resolution"] == at(2026, 9, 22, 17, 30)  # 20, 21, 22 Sep


def test_r4_2_p3_over_national_day_to_the_10_october_make_up_day():
    got = due("P3", at(2026, 9, 30, 10))
    assert got["response"] == at(2026, 10, 8, 9, 0)
    assert got["resolution"] == at(2026, 10, 10, 10)  # 8, 9, Sat 10 Oct


def test_r4_2_p3_in_2027_without_calendar_data_is_plain_monday_to_friday():
    # 1 Jan 2027 is a Friday; without data it counts as an ordinary working day.
    got = due("P3", at(2027, 1, 1, 10))
    assert got["first_response"] == at(2027, 1, 1, 10, 10)
    assert got["response"] == at(2027, 1, 4, 9, 0)
    assert got["resolution"] == at(2027, 1, 6, 10)


def test_r2_5_preview_answers_local_times_in_order():
    targets = sla_preview(priority="P3", received_at=at(2026, 11, 23, 10).astimezone(dt.UTC))
    assert [t.name for t in targets] == ["first_response", "response", "resolution"]
    assert all(t.due_at.utcoffset().total_seconds() == 8 * 3600 for t in targets)


# ---- overrides -------------------------------------------------------------------------
def _override(priority="P2", response_minutes=60, **kwargs):
    policy = SlaPolicy.objects.create(name=f"override {sorted(kwargs)}"[:64], priority=priority, **kwargs)
    SlaTargetRule.objects.create(policy=policy, kind="response", clock="wall", duration_seconds=response_minutes * 60)
    SlaTargetRule.objects.create(policy=policy, kind="resolution", clock="wall", duration_seconds=8 * 3600)
    return policy


def test_r4_9_product_line_override_wins_over_the_default():
    line = ProductLineFactory(code="boiler", name="锅炉")
    _override(product_line=line)
    assert due("P2", at(2026, 11, 23, 10), product_line="boiler")["response"] == at(2026, 11, 23, 11)
    assert due("P2", at(2026, 11, 23, 10))["response"] == at(2026, 11, 23, 14)  # default: 4 h


def test_r4_9_the_most_specific_policy_wins_and_ties_go_to_the_lowest_id():
    line = ProductLineFactory(code="boiler", name="锅炉")
    category = CustomerCategoryFactory(code="vip", name="重点客户")
    first = _override(response_minutes=50, service_type="repair")
    _override(response_minutes=40, customer_category=category)  # same specificity, higher id
    both = _override(response_minutes=30, customer_category=category, product_line=line)
    assert policy_for(priority="P2", customer_category_id=category.pk, service_type="repair").pk == first.pk
    assert (
        policy_for(priority="P2", customer_category_id=category.pk, product_line_id=line.pk, service_type="repair").pk
        == both.pk
    )
    assert due("P2", at(2026, 11, 23, 10), customer_category="vip", product_line="boiler")["response"] == at(
        2026, 11, 23, 10, 30
    )


def test_r4_9_inactive_override_is_ignored_and_no_policy_is_an_error():
    line = ProductLineFactory(code="boiler", name="锅炉")
    policy = _override(product_line=line)
    policy.is_active = False
    policy.save()
    assert policy_for(priority="P2", product_line_id=line.pk).name == "P2 重要（默认）"
    SlaPolicy.objects.filter(priority="P2").update(is_active=False)
    with pytest.raises(NoPolicy) as exc:
        policy_for(priority="P2")
    assert exc.value.code == "no_sla_policy"


def test_r4_9_override_without_a_first_response_rule_gives_no_first_response():
    line = ProductLineFactory(code="boiler", name="锅炉")
    _override(product_line=line)
    assert set(due("P2", at(2026, 11, 23, 10), product_line="boiler")) == {"response", "resolution"}


# ---- refusals ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"priority": "P9", "received_at": at(2026, 11, 23, 10)}, "priority"),
        ({"priority": "P3", "received_at": None}, "received_at"),
        ({"priority": "P3", "received_at": at(2026, 11, 23, 10).replace(tzinfo=None)}, "received_at"),
        ({"priority": "P3", "received_at": at(2026, 11, 23, 10), "service_type": "magic"}, "service_type"),
        ({"priority": "P3", "received_at": at(2026, 11, 23, 10), "product_line": "nope"}, "product_line"),
        ({"priority": "P3", "received_at": at(2026, 11, 23, 10), "customer_category": "nope"}, "customer_category"),
    ],
)
def test_r2_5_preview_refuses_bad_input_with_the_field(kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        sla_preview(**kwargs)
    assert field in exc.value.fields


# ---- queue order ------------------------------------------------------------------------
def test_r4_8_queue_time_outside_hours_is_the_next_working_start_except_p1():
    assert queue_time(received_at=at(2026, 11, 23, 10), priority="P3") == at(2026, 11, 23, 10)
    assert queue_time(received_at=at(2026, 11, 23, 17, 30), priority="P2") == at(2026, 11, 24, 8, 30)
    assert queue_time(received_at=at(2026, 9, 30, 22), priority="P3") == at(2026, 10, 8, 8, 30)
    assert queue_time(received_at=at(2026, 9, 30, 22), priority="P1") == at(2026, 9, 30, 22)


# ---- the per-process cache of the policies (intake's hot path) -----------------------------
def test_r4_9_a_cached_lookup_costs_one_statement_and_sees_every_change():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    policy_for(priority="P2")
    with CaptureQueriesContext(connection) as queries:
        policy = policy_for(priority="P2")
    assert len(queries) == 1  # the change stamp
    assert rule_seconds(policy, "response") == 4 * 3600

    # A bulk update (no signal, no updated_at) is seen at once.
    SlaTargetRule.objects.filter(policy__priority="P2", kind="response").update(duration_seconds=3 * 3600)
    assert rule_seconds(policy_for(priority="P2"), "response") == 3 * 3600


def test_r4_9_a_rolled_back_change_is_not_served_from_the_cache():
    from django.db import transaction

    with transaction.atomic():
        SlaTargetRule.objects.filter(policy__priority="P2", kind="response").update(duration_seconds=60)
        assert rule_seconds(policy_for(priority="P2"), "response") == 60  # cached under the new stamp
        transaction.set_rollback(True)
    assert rule_seconds(policy_for(priority="P2"), "response") == 4 * 3600


def test_r4_9_a_new_default_calendar_is_used_at_once():
    from aftersales.sla.models import Calendar
    from aftersales.sla.policies import calendar_id_of

    old = Calendar.objects.get(is_default=True)
    assert calendar_id_of(policy_for(priority="P2")) == old.pk
    Calendar.objects.filter(pk=old.pk).update(is_default=False)
    new = Calendar.objects.create(name="第二工厂", is_default=True)
    assert calendar_id_of(policy_for(priority="P2")) == new.pk


def rule_seconds(policy, kind):
    return next(rule.duration for rule in policy.rules.all() if rule.kind == kind)
