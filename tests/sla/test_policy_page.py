"""R-4.2, R-4.9: SLA policies edited on a page of their own, not in the Django admin — durations in
hours and minutes or working days, the clock in words, validation in Chinese in the service (a
unique clash is a field error in words), every change audited, the policy cache following at
once, the preview of a sample request, and only for those with the SLA policy permissions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from aftersales.audit.models import AccessLog
from aftersales.core.errors import DomainError, ErrorCode
from aftersales.sla import policy_services
from aftersales.sla.errors import SlaErrorCode
from aftersales.sla.models import SlaPolicy, SlaTargetRule
from aftersales.sla.policies import policy_for
from aftersales.sla.selectors import sla_preview
from tests.factories import (
    CustomerCategoryFactory,
    InstalledProductFactory,
    ProductLineFactory,
    UserFactory,
    portal_user,
)
from tests.sla.conftest import at

pytestmark = [
    pytest.mark.usefixtures("seeded"),
    pytest.mark.clock("2026-11-25T12:00:00+08:00"),
]  # written about November 2026
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin(db):
    return UserFactory(role="admin", display_name="系统管理员")


def _default(priority: str) -> SlaPolicy:
    return SlaPolicy.objects.get(priority=priority, customer_category=None, product_line=None, service_type="")


def _rule(policy: SlaPolicy, kind: str, applies_when: str = "always") -> SlaTargetRule:
    return policy.rules.get(kind=kind, applies_when=applies_when)


def _refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


# ---- the services validate, in words ------------------------------------------------------------
def test_r4_9_a_rule_that_exists_already_is_a_field_error_in_words_not_a_constraint(admin):
    p2 = _default("P2")
    error = _refused(
        policy_services.sla_rule_add,
        actor=admin,
        policy_id=p2.pk,
        kind="response",
        applies_when="always",
        clock="wall",
        duration_seconds=3600,
    )
    assert "applies_when" in error.fields
    text = str(error.fields["applies_when"])
    assert text == "本策略已有“响应 · 始终”的规则；请修改那一条。"
    assert "sla_rule" not in text
    assert p2.rules.filter(kind="response").count() == 1


def test_r4_9_a_unique_clash_that_slips_past_the_check_is_still_words(admin, monkeypatch):
    """Another session may add the same rule between the check and the INSERT: the constraint's
    IntegrityError becomes the same field error, and nothing is half-saved."""
    p2 = _default("P2")
    monkeypatch.setattr(policy_services, "_rule_clash", lambda *args, **kwargs: {})
    error = _refused(
        policy_services.sla_rule_add,
        actor=admin,
        policy_id=p2.pk,
        kind="response",
        clock="wall",
        duration_seconds=3600,
    )
    assert error.code == SlaErrorCode.RULE_EXISTS
    assert str(error.fields["applies_when"]) == "本策略已有该目标、该受理时段的规则。"
    assert not AccessLog.objects.filter(object_type="slatargetrule", action="create").exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"clock": "working_days", "duration_seconds": 3600}, "duration_seconds"),
        ({"clock": "working_days"}, "duration_days"),
        ({"clock": "wall", "duration_days": 2}, "duration_days"),
        ({"clock": "wall"}, "duration_seconds"),
        ({"clock": "wall", "duration_seconds": 30}, "duration_seconds"),
        ({"clock": "wall", "duration_seconds": 400 * 86_400}, "duration_seconds"),
        ({"clock": "working_hours", "duration_seconds": 3601}, "duration_seconds"),
        ({"clock": "sundial", "duration_seconds": 3600}, "clock"),
        ({"clock": "wall", "duration_seconds": 3600, "kind": "lunch"}, "kind"),
        ({"clock": "wall", "duration_seconds": 3600, "applies_when": "sometimes"}, "applies_when"),
    ],
)
def test_r4_9_the_rule_service_refuses_a_duration_that_does_not_fit_its_clock(admin, values, field):
    p3 = _default("P3")
    before = list(p3.rules.values_list("pk", "clock", "duration_seconds", "duration_days"))
    kwargs = {"kind": "resolution", "applies_when": "always", **values}
    error = _refused(policy_services.sla_rule_update, actor=admin, rule_id=_rule(p3, "resolution").pk, **kwargs)
    assert field in error.fields, error.fields
    assert list(p3.rules.values_list("pk", "clock", "duration_seconds", "duration_days")) == before


def test_r4_9_the_policy_service_refuses_bad_fields_in_chinese(admin):
    p1 = _default("P1")
    cases = [
        ({"name": ""}, "name", "请为策略命名。"),
        ({"name": _default("P2").name}, "name", "已有同名策略。"),
        ({"warn_at_percent": 0}, "warn_at_percent", "请填写 1 到 99 之间的百分比。"),
        ({"warn_at_percent": 100}, "warn_at_percent", "请填写 1 到 99 之间的百分比。"),
        ({"customer_category_id": 10**6}, "customer_category_id", "未知的客户类别。"),
        ({"service_type": "magic"}, "service_type", None),
        ({"priority": "P9"}, "priority", None),
        ({"colour": "red"}, "colour", None),
    ]
    for changes, field, words in cases:
        error = _refused(policy_services.sla_policy_update, actor=admin, policy_id=p1.pk, **changes)
        assert field in error.fields, (changes, error.fields)
        if words:
            assert str(error.fields[field]) == words
    p1.refresh_from_db()
    assert (p1.name, p1.warn_at_percent) == ("P1 紧急（默认）", 80)


def test_r4_9_every_priority_keeps_an_active_policy_for_every_request(admin):
    p2 = _default("P2")
    error = _refused(policy_services.sla_policy_update, actor=admin, policy_id=p2.pk, is_active=False)
    assert "is_active" in error.fields
    assert "P2" in str(error.fields["is_active"])
    line = ProductLineFactory()
    error = _refused(policy_services.sla_policy_update, actor=admin, policy_id=p2.pk, product_line_id=line.pk)
    assert "priority" in error.fields
    assert SlaPolicy.objects.get(pk=p2.pk).is_active


def test_r4_9_a_new_policy_starts_inactive_and_is_activated_once_it_has_rules(admin):
    category = CustomerCategoryFactory(code="vip", name="重点客户")
    policy = policy_services.sla_policy_create(
        actor=admin, name="重点客户 P2", priority="P2", customer_category_id=category.pk
    )
    assert not policy.is_active
    error = _refused(policy_services.sla_policy_update, actor=admin, policy_id=policy.pk, is_active=True)
    assert str(error.fields["is_active"]) == "请先添加该策略的时限规则，再启用。"
    policy_services.sla_rule_add(
        actor=admin, policy_id=policy.pk, kind="response", clock="wall", duration_seconds=2 * 3600
    )
    policy_services.sla_policy_update(actor=admin, policy_id=policy.pk, is_active=True)
    # The intake sees it at once: the policy cache follows the change stamp the triggers renew.
    assert policy_for(priority="P2", customer_category_id=category.pk).pk == policy.pk
    due = {
        t.name: t.due_at
        for t in sla_preview(priority="P2", received_at=at(2026, 11, 25, 9), customer_category_id=category.pk)
    }
    assert due == {"response": at(2026, 11, 25, 11)}  # its rules are the complete set
    twin = policy_services.sla_policy_create(
        actor=admin, name="重点客户 P2 副本", priority="P2", customer_category_id=category.pk
    )
    policy_services.sla_rule_add(actor=admin, policy_id=twin.pk, kind="response", clock="wall", duration_seconds=3600)
    error = _refused(policy_services.sla_policy_update, actor=admin, policy_id=twin.pk, is_active=True)
    assert "重点客户 P2" in str(error.fields["is_active"])  # names the active policy it would duplicate


def test_r4_9_changing_a_rule_changes_the_next_requests_targets_at_once_and_is_audited(admin):
    received = at(2026, 11, 25, 9)
    assert {t.name: t.due_at for t in sla_preview(priority="P2", received_at=received)}["response"] == at(
        2026, 11, 25, 13
    )
    rule = _rule(_default("P2"), "response")
    policy_services.sla_rule_update(
        actor=admin, rule_id=rule.pk, kind="response", applies_when="always", clock="wall", duration_seconds=90 * 60
    )
    assert {t.name: t.due_at for t in sla_preview(priority="P2", received_at=received)}["response"] == at(
        2026, 11, 25, 10, 30
    )
    row = AccessLog.objects.filter(object_type="slatargetrule", object_id=str(rule.pk), action="change").get()
    assert row.actor == admin
    assert row.detail["duration_seconds"] == [4 * 3600, 90 * 60]


def test_r4_9_the_last_rule_of_an_active_policy_stays(admin):
    line = ProductLineFactory()
    policy = policy_services.sla_policy_create(actor=admin, name="空调 P3", priority="P3", product_line_id=line.pk)
    rule = policy_services.sla_rule_add(
        actor=admin, policy_id=policy.pk, kind="resolution", clock="working_days", duration_days=2
    )
    policy_services.sla_policy_update(actor=admin, policy_id=policy.pk, is_active=True)
    error = _refused(policy_services.sla_rule_delete, actor=admin, rule_id=rule.pk)
    assert error.code == SlaErrorCode.LAST_RULE
    policy_services.sla_policy_update(actor=admin, policy_id=policy.pk, is_active=False)
    policy_services.sla_rule_delete(actor=admin, rule_id=rule.pk)
    assert not policy.rules.exists()


@pytest.mark.parametrize("role", ["agent", "technician", "executive", "supervisor"])
def test_r4_9_only_the_policy_permission_may_change_policies(role):
    user = UserFactory(role=role)
    p2 = _default("P2")
    rule = _rule(p2, "response")
    calls = [
        lambda: policy_services.sla_policy_create(actor=user, name="x", priority="P1"),
        lambda: policy_services.sla_policy_update(actor=user, policy_id=p2.pk, warn_at_percent=50),
        lambda: policy_services.sla_rule_add(
            actor=user,
            policy_id=p2.pk,
            kind="resolution",
            applies_when="received_in_working_hours",
            clock="wall",
            duration_seconds=60,
        ),
        lambda: policy_services.sla_rule_update(
            actor=user, rule_id=rule.pk, kind="response", applies_when="always", clock="wall", duration_seconds=60
        ),
        lambda: policy_services.sla_rule_delete(actor=user, rule_id=rule.pk),
    ]
    for call in calls:
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert SlaTargetRule.objects.get(pk=rule.pk).duration_seconds == 4 * 3600


@pytest.mark.django_db(transaction=True)
def test_r4_9_two_administrators_adding_the_same_rule_at_once_get_one_rule_and_one_refusal():
    """On SQLite and PostgreSQL: the policy row's lock serialises the two; the second sees the first
    rule and is told in words — never an IntegrityError, never two rules."""
    from aftersales.sla.services import calendar_seed_years

    calendar_seed_years(years=[2026])
    admins = [UserFactory(role="admin"), UserFactory(role="admin")]
    policy = _default("P1")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(user):
        try:
            barrier.wait(timeout=10)
            policy_services.sla_rule_add(
                actor=user,
                policy_id=policy.pk,
                kind="resolution",
                applies_when="received_outside_working_hours",
                clock="wall",
                duration_seconds=6 * 3600,
            )
            outcomes.append("added")
        except DomainError as exc:
            outcomes.append(str(exc.fields.get("applies_when", exc.code)))
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(user,)) for user in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2, outcomes
    assert outcomes.count("added") == 1, outcomes
    assert any("本策略已有" in outcome for outcome in outcomes), outcomes
    assert policy.rules.filter(kind="resolution", applies_when="received_outside_working_hours").count() == 1


# ---- the pages ---------------------------------------------------------------------------------
def test_r4_9_the_policy_list_shows_durations_and_clocks_in_words(client, admin):
    client.force_login(admin)
    html = client.get(reverse("sla:policies")).content.decode()
    assert "P3 一般（默认）" in html
    assert "4小时" in html  # P2 response, not 14400 seconds
    assert "3 个工作日" in html  # P3 resolution
    assert '8小时 · <span class="text-body-secondary">工作时间' in html
    assert "14400" not in html
    assert "86400" not in html
    assert "colour_green_close" not in html


def test_r4_9_a_rule_is_changed_on_the_page_in_hours_and_minutes(client, admin):
    client.force_login(admin)
    p2 = _default("P2")
    rule = _rule(p2, "response")
    page = client.get(reverse("sla:policy", args=[p2.pk])).content.decode()
    assert 'name="hours"' in page
    assert 'name="days"' in page
    assert "不分昼夜" in page  # the wall clock in words
    response = client.post(
        reverse("sla:rule_edit", args=[p2.pk, rule.pk]),
        {"kind": "response", "applies_when": "always", "clock": "wall", "hours": "3", "minutes": "30"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.duration_seconds, rule.duration_days) == (3 * 3600 + 30 * 60, None)
    assert "3小时30分钟" in client.get(reverse("sla:policy", args=[p2.pk])).content.decode()


def test_r4_9_the_page_shows_a_clash_and_a_wrong_unit_on_their_fields(client, admin):
    client.force_login(admin)
    p3 = _default("P3")
    clash = client.post(
        reverse("sla:rule_add", args=[p3.pk]),
        {"kind": "response", "applies_when": "always", "clock": "working_hours", "hours": "4"},
    )
    assert clash.status_code == 422
    body = clash.content.decode()
    assert 'id="id_add_applies_when_error"' in body
    assert "本策略已有“响应 · 始终”的规则；请修改那一条。" in body
    assert "sla_rule_unique_kind" not in body
    assert "UNIQUE" not in body
    days = client.post(
        reverse("sla:rule_edit", args=[p3.pk, _rule(p3, "resolution").pk]),
        {"kind": "resolution", "applies_when": "always", "clock": "working_days", "hours": "8"},
    )
    assert days.status_code == 422
    assert "按整个工作日计时：请填写天数，不要填写小时和分钟。" in days.content.decode()


def test_r4_9_a_policy_is_created_with_a_service_type_chosen_from_the_list(client, admin):
    client.force_login(admin)
    form = client.get(reverse("sla:policy_create")).content.decode()
    assert '<option value="installation">' in form  # a choice, not a free code
    response = client.post(
        reverse("sla:policy_create"),
        {"name": "安装调试 P3", "priority": "P3", "service_type": "installation", "warn_at_percent": "75"},
    )
    assert response.status_code == 302
    policy = SlaPolicy.objects.get(name="安装调试 P3")
    assert (policy.service_type, policy.warn_at_percent, policy.is_active) == ("installation", 75, False)
    assert response["Location"] == reverse("sla:policy", args=[policy.pk])
    again = client.post(
        reverse("sla:policy_create"), {"name": "安装调试 P3", "priority": "P3", "warn_at_percent": "80"}
    )
    assert again.status_code == 422
    assert "已有同名策略。" in again.content.decode()


def test_r4_9_the_preview_shows_the_targets_of_a_sample_request(client, admin):
    client.force_login(admin)
    response = client.get(
        reverse("sla:policy_preview"),
        {"received_at": "2026-11-20T16:00", "priority": "P3", "service_type": "repair"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "P3 一般（默认）" in html
    assert "11月23日 15:00" in html  # response: 1.5 h on Friday, 6.5 h on Monday
    assert "11月25日 16:00" in html  # resolution: 3 working days
    assert "3 个工作日" in html


@pytest.mark.parametrize("role", ["agent", "technician", "executive", "customer"])
def test_r4_9_the_policy_pages_refuse_everyone_without_the_permission(client, role):
    user = portal_user(InstalledProductFactory().customer) if role == "customer" else UserFactory(role=role)
    client.force_login(user)
    p2 = _default("P2")
    rule = _rule(p2, "response")
    assert client.get(reverse("sla:policies")).status_code == 403
    assert client.get(reverse("sla:policy_create")).status_code == 403
    assert client.get(reverse("sla:policy", args=[p2.pk])).status_code == 403
    assert (
        client.get(reverse("sla:policy_preview"), {"priority": "P2", "received_at": "2026-11-20T16:00"}).status_code
        == 403
    )
    posted = client.post(
        reverse("sla:rule_edit", args=[p2.pk, rule.pk]),
        {"kind": "response", "applies_when": "always", "clock": "wall", "hours": "1"},
    )
    assert posted.status_code == 403
    assert client.post(reverse("sla:rule_delete", args=[p2.pk, rule.pk])).status_code == 403
    assert SlaTargetRule.objects.get(pk=rule.pk).duration_seconds == 4 * 3600


def test_r4_9_the_django_admin_no_longer_edits_policies_in_seconds(admin_client):
    assert admin_client.get("/admin/sla/slapolicy/").status_code == 404


def test_r4_9_the_policy_page_is_in_the_administrators_menu(client, admin):
    client.force_login(admin)
    html = client.get(reverse("sla:policies")).content.decode()
    assert f'href="{reverse("sla:policies")}"' in html
    agent = UserFactory(role="agent")
    client.force_login(agent)
    assert f'href="{reverse("sla:policies")}"' not in client.get(reverse("workorders:list")).content.decode()


def test_r4_9_the_preview_at_a_moment_in_the_past_year_shows_its_year(client, admin):
    client.force_login(admin)
    html = client.get(
        reverse("sla:policy_preview"), {"received_at": "2025-12-31T16:00", "priority": "P2"}, **HTMX
    ).content.decode()
    assert "2025年12月31日 20:00" in html  # response within 4 h, in another year than now
