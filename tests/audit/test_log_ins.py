"""R-13.2: the access log records who logged in, who failed to and who logged out, with the
address and the browser, through every door: the log-in page, the Django admin's log-in and the
API's token endpoint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.audit.models import AccessLog
from aftersales.audit.signals import short_user_agent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def agent():
    return UserFactory(role="agent", username="wang.fang", display_name="王芳")


def _rows(action):
    return list(AccessLog.objects.filter(action=action).order_by("id"))


def _page_login(client, username, password, ip="10.8.0.5"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, HTTP_USER_AGENT=CHROME
    )


def test_r13_2_a_log_in_on_the_page_is_recorded_with_address_and_browser(client, agent):
    assert _page_login(client, "wang.fang", PASSWORD).status_code == 302
    [row] = _rows("login")
    assert (row.actor, row.object_type, row.object_id, row.ip) == (agent, "user", str(agent.pk), "10.8.0.5")
    assert row.detail == {"via": "page", "agent": "Chrome 131 · Windows"}


def test_r13_2_a_failed_log_in_names_the_account_tried_and_nobody_as_the_actor(client, agent):
    assert _page_login(client, "wang.fang", "wrong-password").status_code == 200
    [row] = _rows("login_failed")
    assert (row.actor, row.object_type, row.object_id, row.object_repr) == (None, "user", str(agent.pk), "wang.fang")
    assert (row.ip, row.detail["via"]) == ("10.8.0.5", "page")
    assert "wrong-password" not in str(row.detail)
    assert _rows("login") == []


def test_r13_2_a_failed_log_in_with_a_name_nobody_has_keeps_the_name_typed(client):
    _page_login(client, "no.such.user", "x")
    [row] = _rows("login_failed")
    assert (row.object_id, row.object_repr, row.detail["unknown_account"]) == ("", "no.such.user", True)


def test_r13_2_a_try_refused_by_the_lock_says_so(client, agent, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _page_login(client, "wang.fang", "wrong")
    assert _page_login(client, "wang.fang", PASSWORD).status_code == 429  # the right password, while locked
    rows = _rows("login_failed")
    assert len(rows) == settings.LOGIN_FAILURE_LIMIT + 1
    assert rows[-1].detail.get("locked") is True
    assert not rows[0].detail.get("locked")
    assert _rows("login") == []


def test_r13_2_the_django_admin_log_in_is_recorded_as_such():
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.post(reverse("admin:login"), {"username": admin.username, "password": "wrong"}, REMOTE_ADDR="10.4.4.4")
    client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD}, REMOTE_ADDR="10.4.4.4")
    [failed], [logged_in] = _rows("login_failed"), _rows("login")
    assert (failed.detail["via"], failed.ip) == ("admin", "10.4.4.4")
    assert (logged_in.actor, logged_in.detail["via"], logged_in.ip) == (admin, "admin", "10.4.4.4")


def test_r13_2_the_api_token_endpoint_records_log_ins_and_failures(client, agent):
    def token(password):
        return client.post(
            TOKEN,
            {"username": "wang.fang", "password": password},
            content_type="application/json",
            REMOTE_ADDR="10.6.6.6",
            HTTP_USER_AGENT="python-requests/2.32.3",
        )

    assert token("wrong").status_code == 401
    assert token(PASSWORD).status_code == 201
    [failed], [logged_in] = _rows("login_failed"), _rows("login")
    assert (failed.object_id, failed.detail["via"], failed.ip) == (str(agent.pk), "api", "10.6.6.6")
    assert (logged_in.actor, logged_in.ip) == (agent, "10.6.6.6")
    assert logged_in.detail == {"via": "api", "agent": "python-requests/2.32.3"}
    agent.refresh_from_db()
    assert agent.last_login is not None  # a token log-in counts as a log-in


def test_r13_2_a_refused_token_request_is_no_log_in(client, agent):
    """A right password with a token name that is too long issues no token: no log-in either."""
    response = client.post(
        TOKEN, {"username": "wang.fang", "password": PASSWORD, "name": "x" * 200}, content_type="application/json"
    )
    assert response.status_code == 422
    assert _rows("login") == []


def test_r13_2_a_log_out_is_recorded(client, agent):
    _page_login(client, "wang.fang", PASSWORD)
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.8.0.9")
    [row] = _rows("logout")
    assert (row.actor, row.ip, row.detail["via"]) == (agent, "10.8.0.9", "page")


def test_r13_2_a_log_out_without_a_session_records_nothing(client):
    client.post(reverse("accounts:logout"))
    assert _rows("logout") == []


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        (CHROME, "Chrome 131 · Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Mobile/15E148 Safari/604.1",
            "Safari 17 · iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
            "Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64",
            "WeChat 8 · Android",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
            "Safari/537.36 Edg/131.0.2903.86",
            "Edge 131 · Windows",
        ),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0", "Firefox 125 · macOS"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", ""),
        ("x" * 300, "x" * 64),
    ],
)
def test_r13_2_the_browser_is_shown_short(header, shown):
    assert short_user_agent(header) == shown


def test_r13_2_the_log_page_shows_log_ins_and_finds_failed_tries_by_the_name_typed(client, agent):
    _page_login(Client(), "wang.fang", "wrong")
    _page_login(Client(), "wang.fang", PASSWORD)
    client.force_login(UserFactory(role="supervisor"))
    response = client.get(reverse("audit:log"), {"action": "login_failed"})
    html = response.content.decode()
    assert [row.action for row in response.context["page"].items] == ["login_failed"]
    assert "登录失败" in html
    assert "未登录" in html  # nobody proved who they were
    assert "登录页" in html
    assert "Chrome 131 · Windows" in html
    assert "10.8.0.5" in html
    tried = client.get(reverse("audit:log"), {"user": "wang.fang"}).context["page"].items
    assert {row.action for row in tried} == {"login", "login_failed"}
