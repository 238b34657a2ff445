"""R-9.1 monthly sampling: at least 10 % of last month's customers, stratified by problem type and
channel (each stratum rounded up), drawn once per month, reproducible from its stored seed, each
sampled customer invited once ("sampling")."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.surveys import sampling, tasks
from aftersales.surveys.models import Invitation, Sample, SampleMember
from aftersales.workorders.models import WorkOrder
from tests.factories import PASSWORD, UserFactory
from tests.surveys.conftest import at, closed_work_order

STRATA = [("repair", None, "phone"), ("repair", 3, "web"), ("installation", None, "phone"), ("complaint", 7, "email")]

population_strategy = st.lists(
    st.tuples(st.integers(1, 10_000), st.sampled_from(STRATA)), min_size=1, max_size=300, unique_by=lambda r: r[0]
)


@settings(max_examples=80, deadline=None)
@given(
    population=population_strategy,
    rate=st.sampled_from([Decimal("0.10"), Decimal("0.15"), Decimal("0.05"), Decimal("1")]),
    seed=st.integers(0, 2**31),
)
def test_r9_1_at_least_the_rate_every_stratum_in_proportion_no_customer_twice(population, rate, seed):
    rows = [(customer, customer * 10, key) for customer, key in population]
    drawn = sampling.stratified_draw(rows, rate=rate, seed=seed)
    picked = [customer for _total, members in drawn.values() for customer, _wo in members]
    assert len(picked) == len(set(picked))  # no customer twice
    assert len(picked) >= rate * len(rows)  # at least 10 % overall
    by_stratum: dict[tuple, int] = {}
    for _customer, key in population:
        by_stratum[key] = by_stratum.get(key, 0) + 1
    assert set(drawn) == set(by_stratum)  # every stratum is represented
    for key, (total, members) in drawn.items():
        assert total == by_stratum[key]
        assert len(members) == math.ceil(rate * total)  # in proportion, rounded up
        assert all((customer, key) in set(population) for customer, _wo in members)
    assert sampling.stratified_draw(list(reversed(rows)), rate=rate, seed=seed) == drawn  # reproducible


def _month_of_work_orders(count: int) -> list[WorkOrder]:
    orders = []
    for i in range(count):
        wo = closed_work_order(at(2026, 3, 1 + i % 28, 10), email=f"c{i}@example.com" if i % 2 else "")
        if i % 3 == 0:
            WorkOrder.objects.filter(pk=wo.pk).update(channel="web")
        orders.append(wo)
    return orders


@pytest.mark.django_db
def test_r9_1_the_monthly_task_samples_once_and_invites_once():
    orders = _month_of_work_orders(12)
    closed_work_order(at(2026, 4, 1, 0, 30))  # closed in April (Shanghai): not March's customer
    closed_work_order(at(2026, 2, 28, 23, 30))  # February
    now = at(2026, 4, 1, 0, 15)
    first = sampling.sampling_run(now=now)
    assert first["month"] == "2026-03"
    assert first["drawn"] is True
    sample = Sample.objects.get()
    assert sample.population == 12
    assert sample.size >= 2  # ceil per stratum, so at least 10 % (1.2) and one per stratum here
    assert sample.size == sum(s.size for s in sample.strata.all())
    assert sample.method == "stratified_ceil"
    members = list(SampleMember.objects.filter(sample=sample))
    assert {m.work_order_id for m in members} <= {wo.pk for wo in orders}
    assert Invitation.objects.filter(kind="sampling").count() == sample.size
    again = sampling.sampling_run(now=now + dt.timedelta(days=1))  # the next night, or after a restart
    assert again == {"month": "2026-03", "drawn": False, "size": sample.size, "invited": 0}
    assert Sample.objects.count() == 1
    assert Invitation.objects.filter(kind="sampling").count() == sample.size


@pytest.mark.django_db
def test_r9_1_an_interrupted_run_invites_the_rest_and_the_seed_redraws_the_sample():
    _month_of_work_orders(10)
    sample, drawn = sampling.sample_draw(month=dt.date(2026, 3, 1), now=at(2026, 4, 1, 0, 15), seed=4242)
    assert drawn
    assert Invitation.objects.filter(kind="sampling").count() == 0  # the worker stopped here
    assert sampling.sampling_run(now=at(2026, 4, 2, 0, 15))["invited"] == sample.size
    redraw = sampling.stratified_draw(sampling.month_population(sample.month), rate=sample.rate, seed=sample.seed)
    assert sorted(c for _t, members in redraw.values() for c, _w in members) == sorted(
        SampleMember.objects.filter(sample=sample).values_list("customer_id", flat=True)
    )


@pytest.mark.django_db
@override_settings(SURVEY_SAMPLE_RATE="0.5")
def test_r9_1_the_rate_is_a_setting():
    _month_of_work_orders(8)
    sample, _drawn = sampling.sample_draw(month=dt.date(2026, 3, 1), now=at(2026, 4, 1, 1))
    assert sample.rate == Decimal("0.5")
    assert sample.size >= 4


@pytest.mark.django_db
def test_r9_1_a_month_without_customers_stores_an_empty_sample_and_the_task_runs():
    result = tasks.survey_sampling_periodic.call_local()
    assert result["drawn"] is True
    assert result["size"] == 0


@pytest.mark.django_db
def test_r9_1_the_sample_page_and_api_and_who_may_see_them(client):
    _month_of_work_orders(6)
    sample, _drawn = sampling.sample_draw(month=dt.date(2026, 3, 1), now=at(2026, 4, 1, 1), seed=7)
    qa = UserFactory(role="qa")
    client.login(username=qa.username, password=PASSWORD)
    listing = client.get(reverse("surveys:samples"))
    assert listing.status_code == 200
    assert "2026-03" in listing.content.decode()
    detail = client.get(reverse("surveys:sample", args=[sample.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "分层" in html  # the method, explained
    assert str(sample.seed) in html
    assert client.get(reverse("surveys:sample", args=[999_999])).status_code == 404
    api = client.get(f"/api/v1/surveys/samples/{sample.pk}")
    assert api.status_code == 200
    body = api.json()
    assert body["size"] == sample.size
    assert body["seed"] == 7
    assert sum(s["size"] for s in body["strata"]) == sample.size
    assert client.get("/api/v1/surveys/samples").json()[0]["month"] == "2026-03"
    assert client.get("/api/v1/surveys/samples/99999999999999").status_code == 404
    assert client.get(f"/api/v1/surveys/samples/{2**64}").status_code == 422
    for role in ("technician", "agent", "dispatcher"):
        user = UserFactory(role=role)
        client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("surveys:samples")).status_code == 403
        refused = client.get(f"/api/v1/surveys/samples/{sample.pk}")
        assert refused.status_code == 403
        assert refused.json()["code"] == "permission_denied"
