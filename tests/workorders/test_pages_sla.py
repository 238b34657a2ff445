"""The SLA on the work-order pages (R-2.5, R-3.3, R-3.6, R-4.2, R-4.7, R-4.8).

Interface tests: the intake's promise sentence, the detail page's targets, re-prioritising and
extending through the page, the list's next-due column, sorts and filter, scope and query counts.
The SLA rules themselves are tested in tests/sla.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aftersales.core.errors import ValidationFailed
from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.models import SlaExtension, WorkOrderTarget
from aftersales.sla.selectors import STATE_LABELS, sla_preview, work_order_targets
from aftersales.sla.services import calendar_seed_years
from aftersales.sla.templatetags.sla import sla_moment
from aftersales.workorders import services
from aftersales.workorders.models import WorkOrder
from tests.factories import InstalledProductFactory, UserFactory, make_work_order

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-25T12:00:00+08:00")]  # written about November 2026

SH = ZoneInfo("Asia/Shanghai")
HTMX = {"HTTP_HX_REQUEST": "true"}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


def local_input(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def zh_moment(value: dt.datetime) -> str:
    with translation.override("zh-hans"):
        return sla_moment(value)


@pytest.fixture(autouse=True)
def calendar(db):
    """The official 2025-2026 calendars; no cached calendar outlives a test's rolled-back data."""
    calendar_cache_clear()
    calendar_seed_years(years=[2025, 2026])
    yield
    calendar_cache_clear()


@pytest.fixture
def agent():
    return UserFactory(role="agent", display_name="李客服")


@pytest.fixture
def tech():
    return UserFactory(role="technician", display_name="王工")


@pytest.fixture
def qa():
    return UserFactory(role="qa", display_name="质检员")


def _action_url(wo: WorkOrder, action: str) -> str:
    return reverse("workorders:action", args=[wo.pk, action])


# --- intake: the promise sentence (R-2.5) ------------------------------------------------------


def test_r2_5_intake_asks_for_the_promise_with_the_forms_own_field_names(client, agent):
    product = InstalledProductFactory()
    client.force_login(agent)
    url = reverse("workorders:intake") + f"?customer_id={product.customer_id}&installed_product_id={product.pk}"
    html = client.get(url).content.decode()
    assert f'hx-get="{reverse("sla:preview_sentence")}"' in html
    assert "告诉客户" in html
    include = re.search(r'hx-include="(\[name=priority\][^"]*)"', html)
    assert include is not None
    for name in re.findall(r"\[name=(\w+)\]", include.group(1)):
        # every input the sentence reads is on the page (the picked customer and product too)
        assert re.search(rf'name="{name}"', html), name
    assert "intake-changed from:body" in html


def test_r2_5_intake_sentence_for_a_p3_request_at_a_known_time(client, agent):
    """P3 received Friday 20 November 2026 16:00 (R-4.3): response in 8 working hours, resolution
    in 3 working days; the sentence gives the same times as the preview selector."""
    product = InstalledProductFactory()
    client.force_login(agent)
    received = at(2026, 11, 20, 16)
    response = client.get(
        reverse("sla:preview_sentence"),
        {
            "priority": "P3",
            "received_at": local_input(received),  # as the intake's datetime-local field sends it
            "service_type": "repair",
            "customer_id": product.customer_id,
            "installed_product_id": product.pk,
        },
        **HTMX,
    )
    assert response.status_code == 200
    text = response.content.decode()
    due = {t.name: t.due_at for t in sla_preview(priority="P3", received_at=received, service_type="repair")}
    assert due["response"] == at(2026, 11, 23, 15)  # 1.5 h on Friday + 6.5 h on Monday
    assert due["resolution"] == at(2026, 11, 25, 16)
    assert f"我们将在 {zh_moment(due['response'])} 前联系您，预计 {zh_moment(due['resolution'])} 前解决。" in text
    assert "11月23日 15:00" in text


def test_r2_5_picking_a_customer_or_a_fault_category_asks_for_the_promise_again(client, agent):
    from tests.factories import FaultCategoryFactory

    product = InstalledProductFactory()
    fault = FaultCategoryFactory()
    client.force_login(agent)
    picked = client.get(reverse("workorders:intake_pick"), {"installed_product_id": product.pk}, **HTMX)
    assert picked.status_code == 200
    assert picked["HX-Trigger-After-Settle"] == "intake-changed"
    guided = client.get(reverse("workorders:intake_guided"), {"fault_category_id": fault.pk}, **HTMX)
    assert guided["HX-Trigger-After-Settle"] == "intake-changed"


# --- detail: targets, re-prioritise, extend (R-4.7, R-3.3, R-3.6) -----------------------------


def test_r4_7_detail_shows_each_targets_state_and_due_time(client, agent, django_assert_max_num_queries):
    wo = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 23, 9))
    client.force_login(agent)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("workorders:detail", args=[wo.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "服务承诺（SLA）" in html
    views = work_order_targets(actor=agent, work_order=wo)
    assert {v.target.kind for v in views} >= {"first_response", "response", "resolution"}
    with translation.override("zh-hans"):
        for view in views:
            assert view.label in html
            assert str(STATE_LABELS[view.state]) in html
            assert zh_moment(view.target.due_at) in html
    states = {v.target.kind: v.state for v in views}
    assert states["first_response"] == "met"  # a phone intake is the first response


def test_r3_3_reprioritise_through_the_page_recomputes_the_targets(client, agent):
    wo = make_work_order(agent, priority="P3", channel="phone", received_at=at(2026, 11, 23, 9))
    before = WorkOrderTarget.objects.get(work_order=wo, kind="resolution").due_at
    client.force_login(agent)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert _action_url(wo, "priority") in html
    assert "修改优先级" in html
    response = client.post(_action_url(wo, "priority"), {"priority": "P1", "reason": "客户生产线停机"})
    assert response.status_code == 302
    wo.refresh_from_db()
    assert wo.priority == "P1"
    after = WorkOrderTarget.objects.get(work_order=wo, kind="resolution")
    assert after.due_at == at(2026, 11, 23, 13)  # P1: resolution 4 h, 24x7
    assert after.due_at < before
    page = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert "优先级已修改" in page
    assert "P3 → P1" in page


def test_r3_3_reprioritise_refusals_are_shown_in_chinese_on_the_form(client, agent):
    wo = make_work_order(agent, priority="P3", channel="phone")
    client.force_login(agent)
    response = client.post(_action_url(wo, "priority"), {"priority": "P2", "reason": ""}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_priority_reason_error"' in html
    assert "请说明调整优先级的原因。" in html
    same = client.post(_action_url(wo, "priority"), {"priority": "P3", "reason": "无变化"})
    assert same.status_code == 422
    assert WorkOrder.objects.get(pk=wo.pk).priority == "P3"


def test_r3_6_extension_through_the_page_keeps_the_original_due_time(client, agent, tech):
    wo = make_work_order(agent, priority="P3", channel="phone")
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    target = WorkOrderTarget.objects.get(work_order=wo, kind="resolution")
    original = target.due_at
    new_due = timezone.localtime(original + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(tech)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert _action_url(wo, "extend") in html
    assert f'<option value="{target.pk}"' in html
    response = client.post(
        _action_url(wo, "extend"),
        {
            "target_id": target.pk,
            "new_due_at": local_input(new_due),
            "agreed_with": "张经理",
            "agreed_at": local_input(timezone.now()),
            "channel": "phone",
            "note": "客户下周才有人在现场",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.due_at == new_due
    assert target.original_due_at == original
    assert target.extended
    ext = SlaExtension.objects.get(target=target)
    assert (ext.agreed_with, ext.channel, ext.recorded_by_id) == ("张经理", "phone", tech.pk)
    page = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert "已延期" in page
    assert "SLA 目标已延期" in page  # the timeline entry: what, who agreed, how
    assert "已与张经理商定" in page
    assert zh_moment(original) in page
    assert zh_moment(new_due) in page


def test_r3_6_extension_refusals_are_shown_in_chinese_on_the_form(client, agent):
    wo = make_work_order(agent, priority="P3", channel="phone")
    target = WorkOrderTarget.objects.get(work_order=wo, kind="resolution")
    client.force_login(agent)
    earlier = client.post(
        _action_url(wo, "extend"),
        {
            "target_id": target.pk,
            "new_due_at": local_input(target.due_at - dt.timedelta(minutes=30)),
            "agreed_with": "张经理",
            "agreed_at": local_input(timezone.now()),
            "channel": "phone",
        },
        **HTMX,
    )
    assert earlier.status_code == 422
    assert "延期后的时间必须晚于当前截止时间。" in earlier.content.decode()
    missing = client.post(_action_url(wo, "extend"), {"target_id": target.pk}, **HTMX)
    assert missing.status_code == 422
    text = missing.content.decode()
    for field in ("new_due_at", "agreed_with", "agreed_at", "channel"):
        assert f'id="id_extend_{field}_error"' in text, field
    assert "请填写与客户方哪位协商确定了新时间。" in text
    assert not SlaExtension.objects.exists()
    target.refresh_from_db()
    assert not target.extended


def test_r3_6_extension_cannot_pick_another_work_orders_target(client, agent):
    wo = make_work_order(agent, priority="P3", channel="phone")
    other = make_work_order(agent, priority="P3", channel="phone")
    foreign = WorkOrderTarget.objects.get(work_order=other, kind="resolution")
    client.force_login(agent)
    response = client.post(
        _action_url(wo, "extend"),
        {
            "target_id": foreign.pk,
            "new_due_at": local_input(foreign.due_at + dt.timedelta(days=1)),
            "agreed_with": "张经理",
            "agreed_at": local_input(timezone.now()),
            "channel": "phone",
        },
    )
    assert response.status_code == 422
    assert not SlaExtension.objects.exists()


def test_r13_1_technician_cannot_reprioritise_another_ones_work_order(client, agent, tech):
    wo = make_work_order(agent, priority="P3", channel="phone")
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=UserFactory(role="technician").pk)
    client.force_login(tech)
    response = client.post(_action_url(wo, "priority"), {"priority": "P1", "reason": "试试"})
    assert response.status_code == 404
    assert client.post(_action_url(wo, "extend"), {}).status_code == 404
    assert WorkOrder.objects.get(pk=wo.pk).priority == "P3"


def test_r3_3_own_technician_may_extend_but_not_reprioritise(client, agent, tech):
    wo = make_work_order(agent, priority="P3", channel="phone")
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    client.force_login(tech)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert _action_url(wo, "priority") not in html
    assert _action_url(wo, "extend") in html
    response = client.post(_action_url(wo, "priority"), {"priority": "P1", "reason": "试试"})
    assert response.status_code == 403


def test_qa_user_gets_no_sla_forms(client, agent, qa):
    wo = make_work_order(agent, priority="P3", channel="phone")
    client.force_login(qa)
    response = client.get(reverse("workorders:detail", args=[wo.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "服务承诺（SLA）" in html  # QA sees the targets ...
    assert _action_url(wo, "priority") not in html  # ... but may change nothing
    assert _action_url(wo, "extend") not in html
    assert client.post(_action_url(wo, "priority"), {"priority": "P1", "reason": "试试"}).status_code == 403


def test_closed_work_order_offers_no_sla_forms(client, agent):
    wo = make_work_order(
        agent, priority="P3", service_type="consultation", answered_on_spot=True, resolution="已在电话中解答"
    )
    client.force_login(agent)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert _action_url(wo, "priority") not in html
    assert _action_url(wo, "extend") not in html


# --- list: next-due column, sorts, filter (R-4.7, R-4.8) ---------------------------------------


@pytest.fixture
def queue(agent):
    """Monday 23 November 2026: A (P3, 09:00, in working hours); B (P3, Sunday 22:00, outside:
    queued at Monday 08:30, R-4.8); C (P1, Sunday 23:00: P1 is not held back); D closed at once."""
    a = make_work_order(agent, priority="P3", channel="web", received_at=at(2026, 11, 23, 9))
    b = make_work_order(agent, priority="P3", channel="web", received_at=at(2026, 11, 22, 22))
    c = make_work_order(agent, priority="P1", channel="web", received_at=at(2026, 11, 22, 23))
    d = make_work_order(
        agent,
        priority="P3",
        service_type="consultation",
        answered_on_spot=True,
        resolution="已解答",
        received_at=at(2026, 11, 23, 8),
    )
    return a, b, c, d


def _numbers_in_order(html: str, wos) -> list[str]:
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = [(table.find(f">{wo.number}<"), wo.number) for wo in wos if f">{wo.number}<" in table]
    return [number for _pos, number in sorted(found)]


def test_r4_7_list_sorts_by_next_due_and_leaves_out_work_orders_without_a_running_target(client, agent, queue):
    d = queue[3]
    client.force_login(agent)
    response = client.get(reverse("workorders:list"), {"sort": "next_due_at"})
    html = response.content.decode()
    expected = list(
        WorkOrder.objects.filter(next_due_at__isnull=False)
        .order_by("next_due_at", "id")
        .values_list("number", flat=True)
    )
    assert d.number not in expected
    assert _numbers_in_order(html, queue) == expected
    assert d.number not in html  # no running target: not in this sort (and the page says so)
    assert 'id="sort-hint"' in html


def test_r4_8_list_sorts_by_queue_time(client, agent, queue):
    a, b, c, _d = queue
    client.force_login(agent)
    html = client.get(reverse("workorders:list"), {"sort": "queue_at"}).content.decode()
    assert _numbers_in_order(html, [a, b, c]) == [c.number, b.number, a.number]
    received_order = client.get(reverse("workorders:list"), {"sort": "received_at"}).content.decode()
    assert _numbers_in_order(received_order, [a, b, c]) == [b.number, c.number, a.number]


def test_r4_7_list_filters_by_next_due_before(client, agent, queue):
    c = queue[2]
    client.force_login(agent)
    cut = WorkOrder.objects.get(pk=c.pk).next_due_at + dt.timedelta(minutes=1)
    html = client.get(reverse("workorders:list"), {"due_before": local_input(cut)}).content.decode()
    shown = set(_numbers_in_order(html, queue))
    expected = set(WorkOrder.objects.filter(next_due_at__lt=cut).values_list("number", flat=True))
    assert c.number in shown
    assert shown == expected


def test_r4_7_list_shows_the_next_due_column_with_a_bounded_query_count(
    client, agent, tech, django_assert_max_num_queries
):
    client.force_login(agent)

    def list_queries() -> tuple[int, str]:
        with django_assert_max_num_queries(20) as ctx:
            response = client.get(reverse("workorders:list"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    for _ in range(3):
        wo = make_work_order(agent, priority="P2", channel="web")
        services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    few, html = list_queries()
    assert "下一截止" in html
    assert html.count('class="badge text-bg-') >= 3
    for _ in range(12):
        make_work_order(agent, priority="P3", channel="web")
    many, _html = list_queries()
    assert many == few


# --- the targets shown right (R-4.2, R-4.3, R-4.6, R-4.7) ----------------------------------------


def _between(html: str, start: str, end: str) -> str:
    part = html[html.index(start) :]
    return part[: part.index(end)]


def test_r4_7_detail_shows_the_next_target_first_and_folds_the_others_each_once(client, agent, tech):
    """The next deadline is named on top with the event that meets it; the others are folded in a
    <details>; the progress updates already given are a history, not more rows of the same target."""
    wo = make_work_order(agent, priority="P2", channel="phone", colour="green", received_at=at(2026, 11, 25, 9))
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    for text in ("已联系客户", "等待配件报价"):
        services.work_order_add_note(actor=tech, work_order_id=wo.pk, text=text)
    client.force_login(tech)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    targets = _between(html, 'id="sla-targets"', "</section>")
    lead = _between(targets, 'id="sla-next"', 'id="sla-others"')
    assert "下一个时限" in lead
    assert "响应" in lead  # 09:00 + 4 h: due before the resolution, the green 24 h and progress
    assert "开始处理、处理人联系客户（记为“发给客户”的电话、短信或邮件）或解决时达成" in lead
    folded = _between(targets, 'id="sla-others"', 'id="sla-history"')
    assert "<summary" in folded
    for label in ("解决", "绿色：关闭", "进度反馈", "派单后联系客户"):
        assert label in folded, label
    assert folded.count("进度反馈</div>") == 1  # the current round only
    history = _between(targets, 'id="sla-history"', "</details>")
    assert "此前 2 轮" in history
    assert history.count("进度反馈</div>") == 2
    assert "达成</div>" not in history  # the rounds are brief: no "met when" line repeated


def test_r4_6_detail_says_a_paused_overdue_target_is_overdue(client, agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 24, 11, 2))
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    services.work_order_start(actor=tech, work_order_id=wo.pk)
    services.work_order_wait(actor=tech, work_order_id=wo.pk, on="customer", reason="等待客户确认")
    client.force_login(tech)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    lead = _between(html, 'id="sla-next"', 'id="sla-others"')
    assert "解决" in lead
    assert "已暂停，已超时 58分钟" in lead
    assert "text-bg-danger" in lead
    assert "已暂停，剩余 58分钟" not in html


def test_r4_7_the_lists_next_due_names_the_target(client, agent):
    wo = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 25, 11, 55))
    client.force_login(agent)
    html = client.get(reverse("workorders:list")).content.decode()
    row = _between(html.split("<tbody>", 1)[1], wo.number, "</tr>")
    assert ">首次响应</span>" in row  # due 12:05: the first deadline, named
    assert "剩余" in row


# --- the intake promise: never for a future time, the year when it is not this year (R-2.5) -------


def test_r2_5_the_intake_promise_refuses_a_future_received_time_as_intake_does(client, agent):
    client.force_login(agent)
    future = timezone.now() + dt.timedelta(days=3)
    response = client.get(
        reverse("sla:preview_sentence"), {"priority": "P2", "received_at": local_input(future)}, **HTMX
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "受理时间不能晚于现在。" in text
    assert "前联系您" not in text  # no promise read out
    with pytest.raises(ValidationFailed) as refused:  # the same words as intake's refusal
        make_work_order(agent, received_at=future)
    assert str(refused.value.fields["received_at"]) in text


@pytest.mark.clock("2026-12-31T16:00:00+08:00")
def test_r2_5_a_promise_in_another_year_shows_the_year(client, agent):
    client.force_login(agent)
    response = client.get(reverse("sla:preview_sentence"), {"priority": "P3"}, **HTMX)
    text = response.content.decode()
    # P3 on the last afternoon of 2026: resolution in 3 working days, in January 2027.
    assert "2027年1月" in text
    assert zh_moment(at(2026, 12, 31, 16, 10)) == "12月31日 16:10"  # this year's dates stay short
