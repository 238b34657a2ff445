"""R-8.4 incident pages at scale: the incidents list and an incident's work orders come in keyset
pages (core/pagination.py), a link the server did not make shows the first page (never a 500),
the regions are counted by the database, and the page's statements do not grow with its
reports."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.core.models import Region
from aftersales.feedback import selectors
from aftersales.feedback.models import FaultReport, Incident
from tests.factories import ProductModelFactory
from tests.feedback.conftest import report

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "incident-orders"}


def _next_link(html: str, path: str) -> str:
    match = re.search(r'href="([^"]*cursor=[^"]+)" rel="next"', html)
    assert match, "no next-page link"
    link = match.group(1).replace("&amp;", "&")
    return path + link if link.startswith("?") else link


def _incidents(n: int) -> list[Incident]:
    model = ProductModelFactory()
    now = timezone.now()
    return Incident.objects.bulk_create(
        [
            Incident(product_model=model, batch=f"P{i:03d}", reports=10, opened_at=now - timezone.timedelta(minutes=i))
            for i in range(n)
        ]
    )


def test_r8_4_the_incidents_list_comes_in_pages(owners, client):
    made = _incidents(selectors.INCIDENT_PAGE_SIZE + 5)
    client.force_login(owners["I"])
    first = client.get("/feedback/incidents/")
    assert first.status_code == 200
    shown = [i.pk for i in first.context["incidents"]]
    assert shown == [i.pk for i in made[: selectors.INCIDENT_PAGE_SIZE]]  # newest first
    second = client.get(_next_link(first.content.decode(), "/feedback/incidents/"))
    assert [i.pk for i in second.context["incidents"]] == [i.pk for i in made[selectors.INCIDENT_PAGE_SIZE :]]
    assert second.context["page"].next_cursor is None


def test_r8_4_the_incidents_lists_next_page_keeps_the_filters(owners, client):
    made = _incidents(selectors.INCIDENT_PAGE_SIZE + 2)
    Incident.objects.filter(pk=made[1].pk).update(level="II")
    client.force_login(owners["I"])
    first = client.get("/feedback/incidents/", {"level": "I"})
    link = _next_link(first.content.decode(), "/feedback/incidents/")
    assert "level=I" in link
    rest = client.get(link).context["incidents"]
    assert len(first.context["incidents"]) + len(rest) == len(made) - 1
    assert all(i.level == "I" for i in rest)


@pytest.mark.parametrize("cursor", ["forged", "W3siZHQiOiJ4In0sMV0", "x" * 600, "\x00"])
def test_r8_4_a_cursor_the_server_did_not_make_shows_the_first_page(owners, client, cursor):
    made = _incidents(3)
    client.force_login(owners["I"])
    page = client.get("/feedback/incidents/", {"cursor": cursor})
    assert page.status_code == 200
    assert [i.pk for i in page.context["incidents"]] == [i.pk for i in made]


@pytest.fixture
def big(agent, model, owners):
    """An incident with more reports than one page of its work orders, from two regions."""
    north, south = Region.objects.create(code="n", name="华北"), Region.objects.create(code="s", name="华南")
    orders = []
    for i in range(selectors.WORK_ORDER_PAGE_SIZE + 6):
        wo = report(agent, model)
        wo.customer.region = north if i % 3 else south
        wo.customer.save()
        FaultReport.objects.filter(work_order=wo).update(region=wo.customer.region)
        orders.append(wo)
    return Incident.objects.get(product_model=model), orders


def test_r8_4_the_incidents_work_orders_come_in_pages(big, owners, client):
    incident, orders = big
    client.force_login(owners["I"])
    page = client.get(f"/feedback/incidents/{incident.pk}/")
    first = [wo.pk for wo in page.context["orders"].items]
    assert len(first) == selectors.WORK_ORDER_PAGE_SIZE
    newest = sorted(orders, key=lambda wo: (wo.received_at, wo.pk), reverse=True)
    assert first == [wo.pk for wo in newest[: selectors.WORK_ORDER_PAGE_SIZE]]
    html = page.content.decode()
    assert 'id="incident-orders"' in html
    more = client.get(_next_link(html, f"/feedback/incidents/{incident.pk}/"), **HTMX)  # htmx: only the table's part
    assert more.status_code == 200
    assert "<html" not in more.content.decode()
    rest = [wo.pk for wo in more.context["orders"].items]
    assert rest == [wo.pk for wo in newest[selectors.WORK_ORDER_PAGE_SIZE :]]
    assert client.get(f"/feedback/incidents/{incident.pk}/", {"cursor": "forged"}).status_code == 200


def test_r8_4_regions_are_counted_by_the_database(big):
    incident, orders = big
    expected_south = sum(1 for i in range(len(orders)) if i % 3 == 0)
    assert selectors.incident_reports_by_region(incident) == [
        ("华北", len(orders) - expected_south),
        ("华南", expected_south),
    ]


def test_r8_4_the_incident_pages_statements_do_not_grow_with_reports(agent, model, owners, client):
    for _ in range(10):
        report(agent, model)
    incident = Incident.objects.get(product_model=model)
    client.force_login(owners["I"])
    client.get(f"/feedback/incidents/{incident.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/feedback/incidents/{incident.pk}/")
    for _ in range(selectors.WORK_ORDER_PAGE_SIZE + 10):
        report(agent, model)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/feedback/incidents/{incident.pk}/")
    assert len(many.captured_queries) == len(few.captured_queries)
    grouped = [q["sql"] for q in many.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1
    assert "core_region" not in grouped[0]  # by region id, from the index
