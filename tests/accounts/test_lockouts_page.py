"""R-13.1: the administrator's log-in lock-outs page shows and lifts lock-outs; nobody else may."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.accounts.services import lockout_lift
from aftersales.audit.models import AccessLog
from aftersales.core.errors import PermissionDenied, ValidationFailed
from tests.factories import PASSWORD, CustomerFactory, UserFactory, portal_user

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:lockouts")
LIFT = reverse("accounts:lockout_lift")


def _fail(username: str, times: int, ip: str = "10.5.5.5") -> None:
    client = Client()
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


def _can_log_in(username: str, ip: str = "10.5.5.5") -> bool:
    response = Client().post(reverse("accounts:login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip)
    return response.status_code == 302


@pytest.fixture
def admin(client):
    user = UserFactory(role="admin")
    client.force_login(user)
    return user


def test_r13_1_the_page_lists_locked_accounts_and_addresses(client, admin):
    locked, tried = UserFactory(username="lin.wei"), UserFactory(username="zhao.min")
    _fail(locked.username, 6)
    _fail(tried.username, 2, ip="10.6.6.6")
    html = client.get(PAGE).content.decode()
    assert "登录锁定" in html
    for shown in ("lin.wei", "zhao.min", "10.5.5.5", "10.6.6.6"):
        assert shown in html
    assert html.index("lin.wei") < html.index("zhao.min")  # locked first
    assert html.count("已锁定") == 1  # lin.wei; no address has 20 failures
    assert f"{LIFT}?account=lin.wei" in html
    assert f"{LIFT}?address=10.5.5.5" in html


def test_r13_1_the_link_is_in_the_administrators_navigation_only(client, admin):
    assert PAGE in client.get(reverse("web:home"), follow=True).content.decode()
    client.force_login(UserFactory(role=Role.SUPERVISOR))
    assert PAGE not in client.get(reverse("workorders:list")).content.decode()


def test_r13_1_lifting_an_account_asks_first_then_lets_it_log_in(client, admin):
    user = UserFactory(username="lin.wei")
    _fail(user.username, 6)
    assert not _can_log_in(user.username)
    confirm = client.get(LIFT, {"account": "lin.wei"})
    assert confirm.status_code == 200
    assert "确定清除账号“lin.wei”的登录失败记录" in confirm.content.decode()
    assert not _can_log_in(user.username)  # asking lifts nothing
    response = client.post(LIFT, {"account": "lin.wei"}, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "账号“lin.wei”的登录锁定已解除" in response.content.decode()
    assert _can_log_in(user.username)
    entry = AccessLog.objects.get(object_type="lockout")  # 6 failures + 2 refused tries while locked
    assert (entry.actor, entry.object_id, entry.detail) == (admin, "lin.wei", {"lifted": "account", "failures": 8})


def test_r13_1_lifting_an_address_lets_every_account_log_in_from_it(client, admin, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    for victim in UserFactory.create_batch(5):
        _fail(victim.username, 4, ip="10.7.7.7")
    somebody = UserFactory()
    assert not _can_log_in(somebody.username, ip="10.7.7.7")
    client.post(LIFT, {"address": "10.7.7.7"})
    assert _can_log_in(somebody.username, ip="10.7.7.7")
    assert not AccessAttempt.objects.filter(ip_address="10.7.7.7").exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_r13_1_other_roles_may_neither_see_nor_lift_lock_outs(client, role):
    user = UserFactory(username="lin.wei")
    _fail(user.username, 6)
    actor = portal_user(CustomerFactory()) if role == Role.CUSTOMER else UserFactory(role=role)
    client.force_login(actor)
    assert client.get(PAGE).status_code == 403
    assert client.get(LIFT, {"account": "lin.wei"}).status_code == 403
    assert client.post(LIFT, {"account": "lin.wei"}).status_code == 403
    with pytest.raises(PermissionDenied):
        lockout_lift(actor=actor, username="lin.wei")
    assert not _can_log_in(user.username)


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "__all__"),
        ({"username": "a", "ip_address": "10.0.0.1"}, "__all__"),
        ({"ip_address": "999.1.1.1"}, "ip_address"),
    ],
)
def test_r13_1_a_lift_names_one_account_or_one_valid_address(admin, kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        lockout_lift(actor=admin, **kwargs)
    assert field in caught.value.fields


def test_a_bad_address_on_the_page_is_a_message_not_an_error(client, admin):
    response = client.post(LIFT, {"address": "not-an-ip"}, follow=True)
    assert response.status_code == 200
    assert "请输入有效的 IP 地址" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_r13_1_administrators_keep_the_lockout_permissions_after_a_flush():
    """Transactional tests flush the database; tests/conftest.py puts the role grants back,
    this migration's too."""
    call_command("flush", interactive=False, verbosity=0)
    assert UserFactory(role="admin").has_perm("axes.delete_accessattempt")


def test_the_page_reads_the_same_number_of_queries_for_few_or_many_lock_outs(client, admin):
    _fail(UserFactory().username, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for n in range(8):
        _fail(UserFactory().username, 6, ip=f"10.8.8.{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(PAGE).content.decode().count("已锁定") == 8
    assert len(many) == len(few)
