"""R-4.7, R-10.3, R-12.1: every figure of the SLA compliance page opens the work orders behind it.

Each met, breached and met-rate figure links to the staff work-order list, filtered by the
row's month, its priority / team / assignee / target and the outcome; the list shows exactly
as many work orders as the figure says. The figures therefore count work orders (a work order
with four breached targets is one breached work order), and a work order with one target met in
time and another missed counts as breached, not as both.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from aftersales.sla.selectors import sla_compliance
from aftersales.sla.services import sla_scan
from aftersales.workorders import services as wo_services
from tests.factories import PASSWORD, TeamFactory, UserFactory, make_work_order
from tests.sla.conftest import at

pytestmark = [
    pytest.mark.usefixtures("seeded"),
    pytest.mark.clock("2026-11-25T12:00:00+08:00"),
]  # written about October and November 2026

ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
# A figure: a link to its work orders, or a zero (nothing to open).
FIGURE = re.compile(
    r'<td class="text-end">(?:<a class="compliance-figure[^"]*" href="([^"]+)">([\d.]+)%?</a>'
    r'|<span class="text-body-secondary">(0)</span>)</td>'
)


@pytest.fixture
def people(db):
    team = TeamFactory(name="华东服务组")
    return {
        "agent": UserFactory(role="agent"),
        "supervisor": UserFactory(role="supervisor"),
        "tech_a": UserFactory(role="technician", team=team, display_name="甲工"),
        "tech_b": UserFactory(role="technician", display_name="乙工"),  # no team
        "team": team,
    }


@pytest.fixture
def history(people):
    """October and November 2026, decided by the real services and the watcher:

    - ``late`` P3 web request of 2 November, never assigned: four targets breached;
    - ``october`` P2 web request of 10 October: its response and resolution breached in October;
      assigned to 乙工 (no team) and started now, which meets its contact target in November;
    - ``mixed`` P2 phone request of 20 November: first response met at intake, response and
      resolution breached; then 甲工 contacts the customer in time (met);
    - ``ok`` P2 phone request now: 甲工 starts it at once, every decided target met.
    """
    agent, tech_a, tech_b = people["agent"], people["tech_a"], people["tech_b"]
    late = make_work_order(agent, priority="P3", channel="web", received_at=at(2026, 11, 2, 10))
    october = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 10, 10, 10))
    mixed = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 20, 10))
    sla_scan(now=at(2026, 11, 21, 12))
    for wo, tech in ((october, tech_b), (mixed, tech_a)):
        wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
        wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    ok = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=ok.pk, assignee_id=tech_a.pk)
    wo_services.work_order_start(actor=tech_a, work_order_id=ok.pk)
    return {"late": late, "october": october, "mixed": mixed, "ok": ok}


def _listed(client, url: str) -> set[int]:
    """The work orders a list page shows (each links to its detail page)."""
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="ignored-filters"' not in text, url  # every filter of the link applies
    detail = re.escape(reverse("workorders:detail", args=[0])).replace("0", r"(\d+)")
    return {int(pk) for pk in re.findall(f'href="{detail}"', text)}


def _figures(client) -> list[list[tuple[str, float]]]:
    """Each row's met, breached and rate figures as (link, value); a zero has no link ("")."""
    response = client.get(reverse("sla:compliance"), {"month_from": "2026-10", "month_to": "2026-11"})
    assert response.status_code == 200
    rows = []
    for row in ROW.findall(response.content.decode()):
        figures = [(html.unescape(href), float(value or zero)) for href, value, zero in FIGURE.findall(row)]
        if figures:
            assert len(figures) == 3, row
            rows.append(figures)
    return rows


def test_r4_7_figures_count_work_orders(history, people):
    """A work order counts once per row: breached when any of its targets due that month was
    missed, met only when all were met in time."""
    rows = sla_compliance(
        actor=people["supervisor"], month_from=dt.date(2026, 10, 1), month_to=dt.date(2026, 11, 1), by="priority"
    )
    by_month = {(f"{row.month:%Y-%m}", row.key): (row.met, row.breached) for row in rows}
    assert by_month[("2026-11", "P3")] == (0, 1)  # ``late``: four breached targets, one work order
    assert by_month[("2026-11", "P2")] == (2, 1)  # ``ok`` and ``october`` met, ``mixed`` breached
    assert by_month[("2026-10", "P2")] == (0, 1)  # ``october``
    by_assignee = {
        (f"{row.month:%Y-%m}", row.label): (row.met, row.breached)
        for row in sla_compliance(
            actor=people["supervisor"], month_from=dt.date(2026, 10, 1), month_to=dt.date(2026, 11, 1), by="assignee"
        )
    }
    assert by_assignee[("2026-11", "甲工")] == (1, 1)
    assert by_assignee[("2026-11", "乙工")] == (1, 0)
    assert by_assignee[("2026-10", "乙工")] == (0, 1)


def test_r4_7_each_figure_lists_as_many_work_orders_as_it_says(client, history, people):
    """Every figure of every table (priority, team, assignee, target): its link lists exactly that
    many work orders; the rate's link lists the row's met and breached ones together."""
    client.login(username=people["supervisor"].username, password=PASSWORD)
    rows = _figures(client)
    assert len(rows) >= 12  # months × (priorities, teams, assignees, targets)
    assert any(met == 0 for (_url, met), _breached, _rate in rows)  # zeros are shown too
    for (met_url, met), (breached_url, breached), (all_url, rate) in rows:
        assert bool(met_url) == bool(met)
        assert bool(breached_url) == bool(breached)
        met_ids = _listed(client, met_url) if met else set()
        breached_ids = _listed(client, breached_url) if breached else set()
        assert len(met_ids) == met, met_url
        assert len(breached_ids) == breached, breached_url
        assert not met_ids & breached_ids  # no work order counts as both
        assert _listed(client, all_url) == met_ids | breached_ids, all_url
        assert rate == round(100 * met / (met + breached), 1)


def test_r4_7_a_figures_list_holds_the_right_work_orders(client, history, people):
    """The lists behind a few rows, by name: the team, the work orders without one, a target."""
    client.login(username=people["supervisor"].username, password=PASSWORD)
    ids = {name: wo.pk for name, wo in history.items()}
    by_url = {url: value for row in _figures(client) for url, value in row if url}
    team = people["team"].pk
    list_url = reverse("workorders:list")
    met_team = f"{list_url}?team={team}&target_month=2026-11&target_outcome=met"
    breached_team = f"{list_url}?team={team}&target_month=2026-11&target_outcome=breached"
    breached_no_team = f"{list_url}?team=none&target_month=2026-11&target_outcome=breached"
    breached_response = f"{list_url}?target_kind=response&target_month=2026-11&target_outcome=breached"
    assert by_url[met_team] == 1
    assert _listed(client, met_team) == {ids["ok"]}
    assert _listed(client, breached_team) == {ids["mixed"]}
    assert _listed(client, breached_no_team) == {ids["late"]}  # never assigned
    assert _listed(client, breached_response) == {ids["late"], ids["mixed"]}
    assert by_url[breached_response] == 2
    october_unassigned = f"{list_url}?assignee=none&target_month=2026-10"
    assert _listed(client, october_unassigned) == set()  # ``october`` has its handler now


def test_r4_7_the_compliance_list_is_the_callers_own_scope(client, history, people):
    """The list behind a figure is the ordinary work-order list: a technician who opens a
    compliance link sees only their own work orders in it."""
    client.login(username=people["tech_b"].username, password=PASSWORD)
    url = f"{reverse('workorders:list')}?target_month=2026-11&target_outcome=breached"
    assert _listed(client, url) == set()  # ``late`` and ``mixed`` are not theirs
    assert _listed(client, f"{reverse('workorders:list')}?target_month=2026-10") == {history["october"].pk}


def test_r4_7_column_headers_name_the_column_not_the_table(client, history, people):
    client.login(username=people["supervisor"].username, password=PASSWORD)
    text = client.get(reverse("sla:compliance"), {"month_from": "2026-11", "month_to": "2026-11"}).content.decode()
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', text)
    titles = re.findall(r'<div class="card-header fw-semibold">([^<]+)</div>', text)
    assert titles == ["按优先级", "按班组", "按处理人", "按时限类型"]
    assert {"优先级", "班组", "处理人", "时限类型"} <= set(headers)
    assert not set(titles) & set(headers)
