"""The outbox page names what each message is about by its label, linked (issue 9): the work
order's number, not "workorder:996"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.core.models import OutboxMessage
from tests.factories import UserFactory, make_work_order

pytestmark = pytest.mark.django_db


def test_the_outbox_shows_the_work_orders_number_linked_instead_of_its_topic(client, supervisor):
    wo = make_work_order(UserFactory(role="agent"))
    message = OutboxMessage.objects.get(topic=f"workorder:{wo.pk}")  # the customer's acknowledgement
    client.force_login(supervisor)
    html = client.get(reverse("core:outbox")).content.decode()
    row = html[html.index(f'id="msg-{message.pk}"') :]
    row = row[: row.index("</li>")]
    assert f'href="{reverse("workorders:detail", args=[wo.pk])}"' in row
    assert wo.number in row
    assert f"workorder:{wo.pk}" not in html


def test_outbox_labels_cost_one_query_whatever_the_number_of_work_orders(client, supervisor, enqueue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = UserFactory(role="agent")
    make_work_order(agent)
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("core:outbox"))
    for _ in range(10):
        make_work_order(agent)
    with CaptureQueriesContext(connection) as eleven:
        client.get(reverse("core:outbox"))
    assert len(eleven.captured_queries) == len(one.captured_queries)
