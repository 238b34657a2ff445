"""The inbox (every member of staff) and the bell beside the user menu (issue 9, R-4.7, R-13.1).

A notification links to the work order it is about, for a reader who may still see it; repeated
alerts of one work order are one row with their count; opening a row reads it (and its group);
the menu's unread count costs one bounded query, whatever waits.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import Notice, notify_users
from aftersales.core.selectors import inbox_unread_count
from aftersales.workorders.services import work_order_assign
from tests.factories import UserFactory, make_work_order

pytestmark = pytest.mark.django_db
IN_APP = ("in_app",)


def _alerts(user, wo, n: int, *, kind: str = "sla_breach") -> list[OutboxMessage]:
    """``n`` alerts of one kind about ``wo`` for ``user``, as the SLA watcher writes them."""
    with transaction.atomic():
        return notify_users(
            Notice(
                user=user,
                subject=f"SLA 超时：{wo.number} 第{i}项",
                body=f"工单 {wo.number} 超时",
                topic=f"workorder:{wo.pk}",
                channels=IN_APP,
                kind=kind,
            )
            for i in range(n)
        )


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def wo(agent):
    return make_work_order(agent)


def test_r13_1_an_assignment_notice_is_a_link_that_opens_the_work_order(client, agent, wo, technician):
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=technician.pk)
    (notice,) = OutboxMessage.objects.filter(recipient=technician, channel="in_app")
    assert notice.topic == f"workorder:{wo.pk}"
    assert notice.kind == "assigned"
    client.force_login(technician)
    html = client.get(reverse("core:inbox")).content.decode()
    open_url = reverse("core:inbox_open", args=[notice.pk])
    assert f'href="{open_url}"' in html
    assert wo.number in html

    response = client.get(open_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("workorders:detail", args=[wo.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_r13_1_no_link_to_a_work_order_the_reader_can_no_longer_see(client, agent, wo, technician):
    """Reassigned to someone else, the first technician keeps the notice but loses the link: opening
    it goes back to the inbox, never to the work order (which would answer 404 anyway)."""
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=technician.pk)
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=UserFactory(role="technician").pk)
    (notice,) = OutboxMessage.objects.filter(recipient=technician, channel="in_app")
    client.force_login(technician)
    html = client.get(reverse("core:inbox")).content.decode()
    assert f'href="{reverse("core:inbox_open", args=[notice.pk])}"' not in html
    assert reverse("workorders:detail", args=[wo.pk]) not in html
    response = client.get(reverse("core:inbox_open", args=[notice.pk]), follow=True)
    assert response.redirect_chain == [(reverse("core:inbox"), 302)]
    assert "该通知所关联的内容您现在无法查看" in response.content.decode()


def test_r13_1_someone_elses_notification_cannot_be_opened(client, wo, supervisor):
    (theirs,) = _alerts(supervisor, wo, 1)
    client.force_login(UserFactory(role="supervisor"))
    assert client.get(reverse("core:inbox_open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("core:inbox_group", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_r4_7_repeated_alerts_of_one_work_order_are_one_row_with_their_count(client, agent, wo, supervisor):
    other = make_work_order(agent)
    alerts = _alerts(supervisor, wo, 161)
    _alerts(supervisor, wo, 2, kind="sla_warning")
    _alerts(supervisor, other, 3)
    client.force_login(supervisor)
    response = client.get(reverse("core:inbox"))
    groups = response.context["groups"]
    assert [(g.latest.topic, g.latest.kind, g.count) for g in groups] == [
        (f"workorder:{other.pk}", "sla_breach", 3),
        (f"workorder:{wo.pk}", "sla_warning", 2),
        (f"workorder:{wo.pk}", "sla_breach", 161),
    ]
    assert groups[2].latest == alerts[-1]  # the row shows the newest one and its time
    html = response.content.decode()
    assert "×161" in html
    assert html.count('id="note-') == 3

    expanded = client.get(reverse("core:inbox_group", args=[alerts[0].pk]))
    assert expanded.status_code == 200
    assert len(expanded.context["rows"]) == 100  # the newest hundred of the group
    assert expanded.context["rows"][0] == alerts[-1]


def test_opening_a_row_reads_its_whole_group_and_the_count_goes_down(client, agent, wo, supervisor):
    other = make_work_order(agent)
    alerts = _alerts(supervisor, wo, 5)
    _alerts(supervisor, other, 2)
    assert inbox_unread_count(actor=supervisor) == 2  # rows, not messages
    client.force_login(supervisor)
    assert client.get(reverse("core:inbox_open", args=[alerts[2].pk])).status_code == 302
    mine = OutboxMessage.objects.filter(recipient=supervisor, read_at__isnull=True)
    assert not mine.filter(topic=f"workorder:{wo.pk}").exists()
    assert mine.filter(topic=f"workorder:{other.pk}").count() == 2
    assert inbox_unread_count(actor=supervisor) == 1
    html = client.get(reverse("core:inbox")).content.decode()
    assert re.search(r'id="nav-unread">1<', html)


def test_mark_all_read_from_the_menu_goes_back_to_the_page(client, wo, supervisor):
    _alerts(supervisor, wo, 3)
    client.force_login(supervisor)
    back = reverse("workorders:detail", args=[wo.pk])
    response = client.post(reverse("core:inbox_read_all"), {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert inbox_unread_count(actor=supervisor) == 0


def _page_queries(client, url: str) -> int:
    with CaptureQueriesContext(transaction.get_connection()) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_menus_unread_count_is_one_query_whatever_waits(client, agent, supervisor):
    """Every staff page shows the count: one indexed COUNT, bounded at 100 rows ("99+")."""
    client.force_login(supervisor)
    url = reverse("accounts:password_change")  # a page that shows nothing but the shell
    none = _page_queries(client, url)
    assert "nav-unread" not in client.get(url).content.decode()
    first = make_work_order(agent)
    _alerts(supervisor, first, 3)
    some = _page_queries(client, url)
    assert re.search(r'id="nav-unread">1<', client.get(url).content.decode())
    for _ in range(120):
        _alerts(supervisor, make_work_order(agent), 1)
    many = _page_queries(client, url)
    assert re.search(r'id="nav-unread">99\+<', client.get(url).content.decode())
    assert none == some == many


def test_the_menu_lists_the_newest_rows_as_links_in_bounded_queries(client, agent, supervisor):
    client.force_login(supervisor)
    for _ in range(3):
        _alerts(supervisor, make_work_order(agent), 2)
    few = _page_queries(client, reverse("core:inbox_menu"))
    for _ in range(12):
        _alerts(supervisor, make_work_order(agent), 4)
    assert _page_queries(client, reverse("core:inbox_menu")) == few
    response = client.get(reverse("core:inbox_menu"))
    html = response.content.decode()
    assert len(response.context["groups"]) == 8
    assert html.count('class="dropdown-item inbox-menu-item') == 8
    newest = response.context["groups"][0].latest
    assert f'href="{reverse("core:inbox_open", args=[newest.pk])}"' in html
    assert "<html" not in html  # a fragment for the menu, not a page


def test_the_inbox_page_reads_a_bounded_number_of_queries(client, agent, supervisor):
    client.force_login(supervisor)
    _alerts(supervisor, make_work_order(agent), 2)
    few = _page_queries(client, reverse("core:inbox"))
    for _ in range(30):
        _alerts(supervisor, make_work_order(agent), 3)
    assert _page_queries(client, reverse("core:inbox")) == few


def test_the_inbox_pages_by_row(client, agent, supervisor):
    client.force_login(supervisor)
    for _ in range(52):
        _alerts(supervisor, make_work_order(agent), 2)
    first = client.get(reverse("core:inbox"))
    assert len(first.context["groups"]) == 50
    second = client.get(reverse("core:inbox"), {"before": first.context["next_before"]})
    assert len(second.context["groups"]) == 2
    shown = {g.latest.topic for g in first.context["groups"]} | {g.latest.topic for g in second.context["groups"]}
    assert len(shown) == 52


def test_customers_get_no_bell(client, wo):
    from tests.factories import portal_user

    client.force_login(portal_user(wo.customer))
    html = client.get(reverse("portal:home")).content.decode()
    assert 'id="nav-inbox"' not in html
