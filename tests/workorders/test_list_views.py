"""The work-order list as each role first sees it, and its tabs (R-3, R-4.7, R-4.8, R-13.1).

A technician opens the list on a phone to find the next job: the bare list shows their own open
jobs, what is due next first (those without a running SLA target after them, by queue time),
with "resolved" and "all" one tap away. An agent sees the open ones first. Any link with a
filter shows exactly what it asks for. Interface tests: the mapping to the selector, the tabs and
the query count; the "due" order itself is tested on the selector (keyset pages, NULLs last).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from aftersales.core.pagination import InvalidCursor
from aftersales.workorders import services
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.selectors import WorkOrderFilters, work_order_list
from aftersales.workorders.states import OPEN_STATUSES
from tests.api.conftest import ApiClient
from tests.factories import InstalledProductFactory, UserFactory, make_work_order

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
# Fixed moments: only their order matters (the list sorts by them), never how far from now.
T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SH)


def minutes(n: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


@pytest.fixture
def agent():
    return UserFactory(role="agent", display_name="李客服")


@pytest.fixture
def tech():
    return UserFactory(role="technician", display_name="王工")


def job(agent, assignee, *, status="assigned", product=None, **times):
    """A work order assigned to ``assignee`` and moved to ``status`` through the services; with
    ``due`` and ``queue``, its stored SLA times are set to them instead of what sla.targets
    computed (only their order matters to the list)."""
    wo = make_work_order(agent, product)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=assignee.pk)
    if status in ("in_progress", "waiting_customer"):
        services.work_order_start(actor=assignee, work_order_id=wo.pk, mode="on_site")
    if status == "waiting_customer":
        services.work_order_wait(actor=assignee, work_order_id=wo.pk, on="customer", reason="等客户在家")
    if status in ("resolved", "closed"):
        services.work_order_resolve(actor=assignee, work_order_id=wo.pk, resolution="已修好")
    if status == "closed":
        services.work_order_close(actor=agent, work_order_id=wo.pk, reason="客户电话确认")
    if times:
        services.work_order_sla_times_store(work_order=wo, next_due_at=times.get("due"), queue_at=times.get("queue"))
    wo.refresh_from_db()
    return wo


@pytest.fixture
def jobs(agent, tech):
    """A technician's jobs: two due at different times, two without a running target (paused,
    or none), one resolved and one closed; and someone else's job."""
    other = UserFactory(role="technician")
    product = InstalledProductFactory()
    return {
        "later": job(agent, tech, due=minutes(90), queue=minutes(0), product=product),
        "sooner": job(agent, tech, due=minutes(30), queue=minutes(5), status="in_progress", product=product),
        "paused": job(agent, tech, due=None, queue=minutes(1), status="waiting_customer", product=product),
        "queued": job(agent, tech, due=None, queue=minutes(2), product=product),
        "resolved": job(agent, tech, due=minutes(10), queue=minutes(0), status="resolved", product=product),
        "closed": job(agent, tech, due=None, queue=minutes(0), status="closed", product=product),
        "others": job(agent, other, due=minutes(5), queue=minutes(0), product=product),
    }


def _listed(response) -> list[int]:
    assert response.status_code == 200
    return [wo.pk for wo in response.context["page"].items]


def _tabs(response) -> dict[str, bool]:
    return {str(tab["label"]): tab["active"] for tab in response.context["tabs"]}


def test_r3_technician_list_defaults_to_my_open_jobs_due_next_first(client, tech, jobs):
    """R-3, R-4.7/R-4.8: due time first, then those without one by queue time; nothing resolved."""
    client.force_login(tech)
    response = client.get(reverse("workorders:list"))
    assert _listed(response) == [jobs[k].pk for k in ("sooner", "later", "paused", "queued")]
    assert _tabs(response) == {"我的待办": True, "已解决": False, "全部": False}
    html = response.content.decode()
    assert 'aria-current="page">我的待办</a>' in html
    assert 'name="view" value="open"' in html  # a filter change keeps the tab
    assert '<option value="due" selected>' in html  # the sort says what it is sorted by


def test_r3_technician_resolved_and_all_are_one_tap_away(client, tech, jobs):
    client.force_login(tech)
    first = client.get(reverse("workorders:list"))
    links = {str(tab["label"]): tab["url"] for tab in first.context["tabs"]}
    done = client.get(links["已解决"])
    assert set(_listed(done)) == {jobs["resolved"].pk, jobs["closed"].pk}
    assert _tabs(done)["已解决"] is True
    everything = client.get(links["全部"])
    assert set(_listed(everything)) == {wo.pk for key, wo in jobs.items() if key != "others"}  # scope
    assert _tabs(everything)["全部"] is True
    mine = client.get(links["我的待办"])
    assert _listed(mine) == _listed(first)


def test_r3_the_next_page_of_my_open_jobs_keeps_the_defaults(client, agent, tech):
    for n in range(27):
        job(agent, tech, due=minutes(n), queue=minutes(0))
    job(agent, tech, due=minutes(1), status="resolved")
    client.force_login(tech)
    first = client.get(reverse("workorders:list"))
    assert len(_listed(first)) == 25
    second = client.get(first.context["pager"]["next_url"])
    due = [wo.next_due_at for wo in first.context["page"].items + second.context["page"].items]
    assert due == sorted(due)
    assert len(due) == 27  # the resolved one is on neither page


def test_r3_agent_sees_the_open_ones_first_and_links_with_filters_as_asked(client, agent, tech, jobs):
    client.force_login(agent)
    bare = client.get(reverse("workorders:list"))
    open_ones = {wo.pk for wo in jobs.values() if wo.status in OPEN_STATUSES}
    assert set(_listed(bare)) == open_ones
    assert bare.context["sort"] == "-received_at"  # newest first, as before
    assert _tabs(bare) == {"我的待办": False, "待处理": True, "已解决": False, "全部": False}
    # A link with a filter (a customer's work orders, a compliance figure) shows all it matches.
    customer = jobs["closed"].customer_id
    linked = client.get(reverse("workorders:list"), {"customer": customer})
    assert jobs["closed"].pk in _listed(linked)
    assert _tabs(linked)["全部"] is True


def test_r3_an_expert_who_sees_everything_gets_the_jobs_assigned_to_them(client, agent, jobs):
    expert = UserFactory(role="expert")
    mine = job(agent, expert, due=minutes(50))
    client.force_login(expert)
    response = client.get(reverse("workorders:list"))
    assert _listed(response) == [mine.pk]
    assert _tabs(response)["我的待办"] is True
    everyone = client.get(reverse("workorders:list"), {"view": "open"})
    assert mine.pk in _listed(everyone)
    assert jobs["others"].pk in _listed(everyone)
    assert _tabs(everyone) == {"我的待办": False, "待处理": True, "已解决": False, "全部": False}


def test_r3_a_bad_tab_is_ignored_and_named(client, tech, jobs):
    client.force_login(tech)
    response = client.get(reverse("workorders:list"), {"view": "nonsense"})
    assert set(_listed(response)) == {wo.pk for key, wo in jobs.items() if key != "others"}
    assert "工单范围" in response.content.decode()  # the ignored-filters note names it


def _queries(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(20) as ctx:
        response = client.get(reverse("workorders:list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_r3_technician_default_list_query_count_does_not_grow_with_rows(
    client, agent, tech, django_assert_max_num_queries
):
    client.force_login(tech)
    for n in range(2):
        job(agent, tech, due=minutes(n), queue=minutes(n))
        job(agent, tech, due=None, queue=minutes(n), status="waiting_customer")
    few = _queries(client, django_assert_max_num_queries)
    for n in range(10):  # 24 jobs: still one page (a second one adds the capped count)
        job(agent, tech, due=minutes(n), queue=minutes(n))
        job(agent, tech, due=None, queue=minutes(n), status="waiting_customer")
    assert _queries(client, django_assert_max_num_queries) == few


# --- the "due" order on the selector -----------------------------------------------------------


def due_order(rows: list[WorkOrder]) -> list[int]:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return [wo.pk for wo in sorted(rows, key=lambda wo: (wo.next_due_at or far, wo.queue_at or far, wo.pk))]


@pytest.mark.parametrize("descending", [False, True])
def test_r4_7_due_order_pages_every_row_once_with_nulls_last(agent, tech, descending):
    """Ties and NULLs in both columns: page by page, every row once, in the exact order."""
    rng = random.Random(7)
    rows = []
    for _ in range(17):
        due = rng.choice([None, None, minutes(10), minutes(20), minutes(rng.randint(0, 60))])
        queue = rng.choice([None, minutes(0), minutes(3), minutes(rng.randint(0, 9))])
        rows.append(job(agent, tech, due=due, queue=queue))
    expected = due_order(rows)
    if descending:
        expected.reverse()
    seen, cursor = [], None
    for _ in range(20):
        page = work_order_list(actor=tech, sort="-due" if descending else "due", cursor=cursor, page_size=3)
        seen += [wo.pk for wo in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == expected


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_r4_7_due_cursor_carries_nulls_and_refuses_a_wrong_one(agent, tech):
    rows = [job(agent, tech, due=None, queue=minutes(n)) for n in range(2)]
    rows += [job(agent, tech, due=None, queue=None) for _ in range(2)]
    # Past a row without either time: only the rows without either time and a higher id follow.
    after = work_order_list(actor=tech, sort="due", cursor=_cursor([None, None, rows[2].pk]), page_size=5)
    assert [wo.pk for wo in after.items] == [rows[3].pk]
    for bad in ([None, rows[0].pk], ["x", None, 1], [None, None, 0], [{"dt": "2026-11-20T09:00:00"}, None, 1]):
        with pytest.raises(InvalidCursor):
            work_order_list(actor=tech, sort="due", cursor=_cursor(bad), page_size=5)
    with pytest.raises(InvalidCursor):  # a date sort never carries a null
        work_order_list(actor=tech, sort="received_at", cursor=_cursor([None, rows[0].pk]), page_size=5)


def test_r3_open_filter_on_the_selector_and_the_api(agent, tech, jobs):
    mine = {wo.pk for key, wo in jobs.items() if key != "others"}
    open_ones = work_order_list(actor=tech, filters=WorkOrderFilters(open=True), sort="due")
    assert [wo.pk for wo in open_ones.items] == [jobs[k].pk for k in ("sooner", "later", "paused", "queued")]
    done = work_order_list(actor=tech, filters=WorkOrderFilters(open=False))
    assert {wo.pk for wo in done.items} == {jobs["resolved"].pk, jobs["closed"].pk}
    api = ApiClient(tech)
    body = api.get("/work-orders", {"open": "true", "sort": "due"}).json()
    assert [item["id"] for item in body["items"]] == [wo.pk for wo in open_ones.items]
    assert {item["id"] for item in api.get("/work-orders", {"open": "false"}).json()["items"]} == {
        jobs["resolved"].pk,
        jobs["closed"].pk,
    }
    assert {item["id"] for item in api.get("/work-orders").json()["items"]} == mine
