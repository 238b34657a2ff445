"""R-13.1: log-in throttling per account and per address, with back-off (accounts/throttle.py).

Axes keeps its failures in the database, so each test starts from none (the test's transaction
is rolled back); these tests run with axes on, as it runs in production.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.throttle import lock_duration
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def limits(settings):
    """The defaults, spelt out so the tests read as numbers."""
    settings.LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def _login(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _token(client, username, password, ip="10.1.1.1"):
    return client.post(
        TOKEN, {"username": username, "password": password}, content_type="application/json", REMOTE_ADDR=ip
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_r13_1_thirty_wrong_passwords_then_the_right_one_is_refused_on_the_login_page(client, limits):
    user = UserFactory(role="agent")
    for _ in range(30):
        _login(client, user.username, "wrong")
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    html = response.content.decode()
    assert "登录失败次数过多" in html  # the Chinese message on our log-in page, not axes' English
    assert "Account locked" not in html
    assert '<html lang="zh-hans">' in html
    assert 'name="username"' in html  # the form is there to try again later
    assert int(response["Retry-After"]) > 0


def test_r13_1_the_fifth_failure_locks_and_four_do_not(client, limits):
    user = UserFactory(role="agent")
    for _ in range(4):
        assert _login(client, user.username, "wrong").status_code == 200  # the ordinary form error
    assert _login(client, user.username, PASSWORD).status_code == 302
    other = UserFactory(role="agent")
    for _ in range(4):
        _login(client, other.username, "wrong")
    assert _login(client, other.username, "wrong").status_code == 429


def test_r13_1_an_account_is_locked_from_every_address(client, limits):
    """Per account: five failures from five addresses lock the account, also from a sixth."""
    user = UserFactory(role="agent")
    for n in range(5):
        _login(client, user.username, "wrong", ip=f"10.2.0.{n}")
    assert _login(client, user.username, PASSWORD, ip="10.2.0.99").status_code == 429
    response = _token(Client(), user.username, PASSWORD, ip="10.2.0.98")
    assert response.status_code == 429
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60  # the account's lock, from a new address
    # Someone else at one of those addresses still logs in (the address has 1 failure).
    assert _login(Client(), UserFactory().username, PASSWORD, ip="10.2.0.1").status_code == 302


def test_r13_1_an_address_is_locked_for_every_account_but_only_after_more_failures(client, limits):
    """Per address: guessing a few passwords of many accounts from one address (spraying) locks
    the address at 20 failures; 19 of them (an office's typos) lock nothing."""
    victims = UserFactory.create_batch(10)
    for n in range(19):
        _login(client, victims[n % 10].username, "wrong", ip="10.3.3.3")
    assert _login(Client(), UserFactory().username, PASSWORD, ip="10.3.3.3").status_code == 302
    _login(client, victims[0].username, "wrong", ip="10.3.3.3")
    fresh = UserFactory()
    assert _login(Client(), fresh.username, PASSWORD, ip="10.3.3.3").status_code == 429
    response = _token(Client(), fresh.username, PASSWORD, ip="10.3.3.3")
    assert response.status_code == 429
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60  # the address's lock, for a new account
    assert _login(Client(), fresh.username, PASSWORD, ip="10.3.3.4").status_code == 302  # elsewhere: fine


def test_r13_1_the_django_admin_log_in_counts_and_is_refused_the_same_way(limits):
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": admin.username, "password": "wrong"}, REMOTE_ADDR="10.4.4.4")
    response = client.post(
        reverse("admin:login"), {"username": admin.username, "password": PASSWORD}, REMOTE_ADDR="10.4.4.4"
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert not _logged_in(client)
    assert _login(Client(), admin.username, PASSWORD, ip="10.4.4.5").status_code == 429  # the account


def test_r13_1_the_token_endpoint_is_throttled_with_a_coded_json_error(limits):
    user = UserFactory(role="agent")
    client = Client()
    codes = [_token(client, user.username, "wrong").json()["code"] for _ in range(5)]
    assert codes == ["invalid_credentials"] * 4 + ["too_many_attempts"]
    response = _token(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "too_many_attempts"
    assert "分钟后再试" in body["message"]
    assert body["fields"] == {}
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    # The log-in page and the API count together: the page is locked too.
    assert _login(Client(), user.username, PASSWORD).status_code == 429


def test_r13_1_the_lock_ends_after_the_cool_off(limits):
    user = UserFactory(role="agent")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            _login(Client(), user.username, "wrong")
        traveller.shift(dt.timedelta(minutes=14))
        assert _login(Client(), user.username, PASSWORD).status_code == 429  # also counts: +1
        traveller.shift(dt.timedelta(minutes=14))
        assert _login(Client(), user.username, PASSWORD).status_code == 429  # 15 min after the last try
        traveller.shift(dt.timedelta(minutes=16))
        assert _login(Client(), user.username, PASSWORD).status_code == 302


def test_r13_1_back_off_each_further_limits_worth_of_failures_doubles_the_lock(limits):
    user = UserFactory(role="agent")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(10):  # 5 to lock, 5 more while locked
            _login(Client(), user.username, "wrong")
        response = _login(Client(), user.username, "wrong")  # the 11th
        assert 29 * 60 < int(response["Retry-After"]) <= 30 * 60
        traveller.shift(dt.timedelta(minutes=20))  # a 5-failure lock would have ended
        assert AccessAttempt.objects.filter(username=user.username).exists()
        traveller.shift(dt.timedelta(minutes=11))
        assert _login(Client(), user.username, PASSWORD).status_code == 302


def test_r13_1_the_lock_grows_to_at_most_a_day(limits):
    assert [lock_duration(n) for n in (0, 4, 5, 9, 10, 15, 20)] == [
        dt.timedelta(minutes=m) for m in (15, 15, 15, 15, 30, 60, 120)
    ]
    assert lock_duration(1000) == dt.timedelta(days=1)


def test_r13_1_the_lock_message_is_english_for_english_users(client, limits):
    user = UserFactory(role="agent")
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = _login(client, user.username, "wrong")
    assert "Too many failed log-ins" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_r13_1_failures_sent_at_once_are_all_counted(limits):
    """Ten wrong passwords in parallel threads: none of the counts is lost, so the account is
    locked (axes increments its row with a locked, atomic UPDATE)."""
    user = UserFactory(role="agent")
    barrier = threading.Barrier(10)

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            _token(Client(), user.username, "wrong", ip=f"10.9.0.{n % 3}")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (
        sum(AccessAttempt.objects.filter(username=user.username).values_list("failures_since_start", flat=True)) == 10
    )
    assert _token(Client(), user.username, PASSWORD).status_code == 429


def test_r13_1_the_test_clients_login_is_throttled_too(client, limits):
    """tests/conftest.py gives Client.login() a request, so axes checks it like any log-in."""
    user = UserFactory(role="agent")
    assert client.login(username=user.username, password=PASSWORD)
    for _ in range(5):
        _login(Client(), user.username, "wrong")
    assert not Client().login(username=user.username, password=PASSWORD)
