"""R-4.7: GET /api/v1/work-orders takes the compliance and team filters of the list page (the
links behind the compliance figures), through the same selector, in the caller's scope."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient
from tests.sla.test_compliance_links import history, people  # noqa: F401 - the same fixtures

pytestmark = [
    pytest.mark.usefixtures("seeded"),
    pytest.mark.clock("2026-11-25T12:00:00+08:00"),
]  # written about October and November 2026


def _ids(api: ApiClient, **params) -> set[int]:
    response = api.get("/work-orders", params)
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["items"]}


def test_r4_7_the_api_lists_the_work_orders_behind_a_compliance_figure(history, people):  # noqa: F811
    api = ApiClient(people["supervisor"])
    ids = {name: wo.pk for name, wo in history.items()}
    team = people["team"].pk
    assert _ids(api, team_id=team, target_month="2026-11-01", target_outcome="met") == {ids["ok"]}
    assert _ids(api, team_id=team, target_month="2026-11-15", target_outcome="breached") == {ids["mixed"]}
    assert _ids(api, no_team=True, target_month="2026-11-01", target_outcome="breached") == {ids["late"]}
    assert _ids(api, target_kind="response", target_month="2026-11-01", target_outcome="breached") == {
        ids["late"],
        ids["mixed"],
    }
    assert _ids(api, unassigned=True) == {ids["late"]}
    # the caller's own scope: a technician sees none of the breached ones, which are not theirs
    assert _ids(ApiClient(people["tech_b"]), target_month="2026-11-01", target_outcome="breached") == set()


def test_r4_7_bad_compliance_filters_are_422_naming_the_field(people):  # noqa: F811
    api = ApiClient(people["supervisor"])
    for params, field in (
        ({"target_kind": "speed"}, "target_kind"),
        ({"target_outcome": "late"}, "target_outcome"),
        ({"target_month": "2026-13"}, "target_month"),
        ({"team_id": 0}, "team_id"),
    ):
        response = api.get("/work-orders", params)
        assert response.status_code == 422, params
        assert field in response.json()["fields"], response.json()
