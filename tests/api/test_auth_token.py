"""R-13.1: POST/DELETE /api/v1/auth/token — named, expiring, revocable tokens; coded 401s."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from aftersales.accounts.models import ApiToken
from aftersales.accounts.services import api_token_create, api_token_revoke
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _issue(agent, **body):
    return ApiClient().post("/auth/token", {"username": agent.username, "password": PASSWORD, **body})


def test_r13_1_a_new_token_has_a_name_and_an_expiry(agent, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    response = _issue(agent, name="呼叫中心 CTI")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "呼叫中心 CTI"
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    assert ApiToken.objects.get(user=agent).name == "呼叫中心 CTI"


def test_r13_1_a_token_without_a_name_is_named_after_the_client(agent):
    client = ApiClient()
    client.headers["User-Agent"] = "erp-sync/2.1 python-requests/2.32"
    assert client.post("/auth/token", {"username": agent.username, "password": PASSWORD}).json()["name"] == (
        "erp-sync/2.1 python-requests/2.32"
    )
    assert _issue(agent).json()["name"] == "API"  # no User-Agent at all


def test_r13_1_a_name_longer_than_64_characters_is_refused(agent):
    response = _issue(agent, name="x" * 65)
    assert response.status_code == 422
    assert "name" in response.json()["fields"]
    assert not ApiToken.objects.filter(user=agent).exists()


def test_r13_1_wrong_password_and_missing_fields(agent):
    response = ApiClient().post("/auth/token", {"username": agent.username, "password": "wrong"})
    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")
    response = ApiClient().post("/auth/token", {"username": "", "password": ""})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"username", "password"}
    agent.is_active = False
    agent.save()
    response = ApiClient().post("/auth/token", {"username": agent.username, "password": PASSWORD})
    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")


def test_r13_1_an_expired_token_answers_401_token_expired(agent):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = ApiClient(agent)
        assert client.get("/work-orders").status_code == 200
        traveller.shift(dt.timedelta(days=31))
        response = client.get("/work-orders")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "过期" in response.json()["message"]


def test_r13_1_a_revoked_or_unknown_token_answers_401_with_its_code(agent):
    client = ApiClient(agent)
    token = ApiToken.objects.get(user=agent)
    api_token_revoke(actor=agent, token_id=token.pk)
    response = client.get("/work-orders")
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")
    response = ApiClient().get("/work-orders", headers={"Authorization": "Bearer as_nope"})
    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


def test_r13_1_a_bad_token_is_refused_even_with_a_valid_session(client, agent):
    client.force_login(agent)
    response = client.get("/api/v1/work-orders", headers={"Authorization": "Bearer as_nope"})
    assert response.status_code == 401


def test_r13_1_delete_revokes_only_the_token_that_authenticates_the_request(agent):
    first, second = ApiClient(agent), ApiClient(agent)
    response = first._call("delete", "/auth/token")
    assert response.status_code == 204
    assert first.get("/work-orders").json()["code"] == "token_revoked"
    assert second.get("/work-orders").status_code == 200
    assert ApiToken.objects.filter(user=agent, revoked_at__isnull=True).count() == 1


def test_r13_1_delete_needs_a_token(client, agent):
    client.force_login(agent)
    assert client.delete("/api/v1/auth/token").status_code == 401
    assert ApiToken.objects.filter(user=agent, revoked_at__isnull=True).count() == 0
    api_token_create(actor=agent, name="CTI")
    assert client.delete("/api/v1/auth/token").status_code == 401  # a session revokes nothing
    assert ApiToken.objects.filter(user=agent, revoked_at__isnull=True).count() == 1


def test_r13_1_the_openapi_document_lists_the_auth_answers(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/auth/token"]
    assert set(paths["post"]["responses"]) == {"201", "400", "401", "422", "429"}
    assert set(paths["delete"]["responses"]) == {"204", "401"}


def test_r13_1_the_user_a_token_or_a_session_reads_is_the_user_the_orm_reads(agent):
    """Both doors read the user in one raw statement (accounts.backends.user_read): every column
    as the ORM converts it (times aware, not SQLite's text), a loaded row that saves as an update."""
    from aftersales.accounts.backends import Backend
    from aftersales.accounts.models import User
    from aftersales.accounts.services import api_token_user

    agent.last_login = dt.datetime(2026, 11, 30, 9, 15, 30, 250000, tzinfo=dt.UTC)
    agent.save()
    _token, raw = api_token_create(actor=agent, name="tests")
    expected = User.objects.get(pk=agent.pk)
    for user in (api_token_user(raw=raw), Backend().get_user(agent.pk)):
        assert user is not None
        for field in User._meta.concrete_fields:
            assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
        assert user.last_login.tzinfo is not None
        assert not user._state.adding
