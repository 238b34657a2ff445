"""R-13.1: personal API tokens expire, have a name and a last-used time, can be revoked by their
owner, and die with their owner's password and account."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.models import ApiToken, User, hash_token
from aftersales.accounts.services import api_token_create, api_token_revoke, api_token_user
from aftersales.audit.models import AccessLog
from aftersales.core.errors import NotFound, ValidationFailed
from tests.factories import PASSWORD, CustomerFactory, UserFactory, portal_user

pytestmark = pytest.mark.django_db


def _live(token: ApiToken) -> bool:
    return ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists()


def test_r13_1_a_token_expires_after_the_configured_days(settings):
    settings.API_TOKEN_TTL_DAYS = 7
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        token, raw = api_token_create(actor=user, name="CTI")
        assert token.expires_at == start + dt.timedelta(days=7)
        traveller.shift(dt.timedelta(days=7) - dt.timedelta(seconds=1))
        assert api_token_user(raw=raw) == user
        traveller.shift(dt.timedelta(seconds=1))
        assert api_token_user(raw=raw) is None


def test_r13_1_only_the_hash_of_a_token_is_stored():
    token, raw = api_token_create(actor=UserFactory(), name="CTI")
    token.refresh_from_db()
    assert token.key_hash == hash_token(raw) != raw
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert raw.startswith(token.prefix)


def test_r13_1_the_live_token_is_found_in_one_statement_and_a_revoked_one_not():
    user = UserFactory()
    token, raw = api_token_create(actor=user, name="CTI")
    api_token_user(raw=raw)  # writes last_used_at once
    with CaptureQueriesContext(connection) as queries:
        assert api_token_user(raw=raw) == user
    assert len(queries) == 1
    api_token_revoke(actor=user, token_id=token.pk)
    assert api_token_user(raw=raw) is None


def test_r13_1_a_token_needs_a_name_of_at_most_64_characters():
    user = UserFactory()
    for name in ("", "   ", "x" * 65):
        with pytest.raises(ValidationFailed) as caught:
            api_token_create(actor=user, name=name)
        assert "name" in caught.value.fields
    assert not ApiToken.objects.exists()
    assert api_token_create(actor=user, name="  ERP 接口  ")[0].name == "ERP 接口"


def test_r13_1_only_the_owner_revokes_a_token():
    owner, other = UserFactory(), UserFactory()
    token, _raw = api_token_create(actor=owner, name="CTI")
    with pytest.raises(NotFound):
        api_token_revoke(actor=other, token_id=token.pk)
    assert _live(token)
    api_token_revoke(actor=owner, token_id=token.pk)
    assert not _live(token)
    assert AccessLog.objects.filter(object_type="apitoken", object_id=str(token.pk), action="change").exists()


def test_r13_1_changing_the_password_on_the_page_revokes_every_token(client):
    user = UserFactory(role="agent")
    tokens = [api_token_create(actor=user, name=f"t{n}")[0] for n in range(2)]
    other = api_token_create(actor=UserFactory(), name="other")[0]
    client.force_login(user)
    new = "Fresh-pw-2026-xyz"
    response = client.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert not any(_live(token) for token in tokens)
    assert _live(other)


def test_r13_1_changing_the_password_with_manage_py_revokes_every_token(monkeypatch):
    user = UserFactory()
    token, _raw = api_token_create(actor=user, name="CTI")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Fresh-pw-2026-xyz")
    call_command("changepassword", user.username, stdout=io.StringIO())
    assert not _live(token)


def test_r13_1_an_administrator_changing_the_password_or_deactivating_revokes_every_token(client):
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    user = UserFactory(role="agent")
    token, _raw = api_token_create(actor=user, name="CTI")
    new = "Fresh-pw-2026-xyz"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:500]
    assert not _live(token)

    token, _raw = api_token_create(actor=user, name="CTI 2")
    user.refresh_from_db()
    user.is_active = False
    user.save()
    assert not _live(token)


def test_r13_1_saving_an_active_user_without_a_new_password_keeps_the_tokens():
    user = UserFactory()
    token, _raw = api_token_create(actor=user, name="CTI")
    user = User.objects.get(pk=user.pk)
    user.display_name = "新名字"
    user.save()
    user.groups.add(Group.objects.get(name="agent"))
    assert _live(token)


# ---- the "My API tokens" page -------------------------------------------------------------


def test_r13_1_the_tokens_page_lists_the_users_live_tokens(client):
    user = UserFactory(role="agent")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        live, raw = api_token_create(actor=user, name="呼叫中心 CTI")
        api_token_user(raw=raw)
        revoked = api_token_create(actor=user, name="旧接口")[0]
        api_token_revoke(actor=user, token_id=revoked.pk)
        old = api_token_create(actor=user, name="过期接口")[0]
        ApiToken.objects.filter(pk=old.pk).update(expires_at=start - dt.timedelta(seconds=1))
        someone_elses = api_token_create(actor=UserFactory(), name="别人的")[0]
        traveller.shift(dt.timedelta(hours=1))
        client.force_login(user)
        response = client.get(reverse("accounts:tokens"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "我的 API 令牌" in html
    assert "呼叫中心 CTI" in html
    assert live.prefix in html
    for hidden in (revoked, old, someone_elses):
        assert hidden.name not in html
    local = timezone.localtime(start)
    assert local.strftime("%Y-%m-%d %H:%M") in html  # created and last used
    assert timezone.localtime(live.expires_at).strftime("%Y-%m-%d %H:%M") in html
    assert reverse("accounts:token_revoke", args=[live.pk]) in html


def test_r13_1_revoking_on_the_page_asks_first_then_revokes(client):
    user = UserFactory(role="agent")
    token, raw = api_token_create(actor=user, name="呼叫中心 CTI")
    client.force_login(user)
    url = reverse("accounts:token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "确定撤销 API 令牌“呼叫中心 CTI”吗" in confirm.content.decode()
    assert _live(token)  # asking changes nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:tokens")
    assert "已撤销" in response.content.decode()
    assert not _live(token)
    assert api_token_user(raw=raw) is None


def test_r13_1_nobody_revokes_someone_elses_token_on_the_page(client):
    token = api_token_create(actor=UserFactory(), name="CTI")[0]
    client.force_login(UserFactory(role="admin"))
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert _live(token)


def test_r13_1_a_customer_has_the_tokens_page_in_the_portal(client):
    user = portal_user(CustomerFactory())
    api_token_create(actor=user, name="我的脚本")
    client.force_login(user)
    html = client.get(reverse("accounts:tokens")).content.decode()
    assert "我的脚本" in html
    assert reverse("portal:home") in html
    assert reverse("accounts:tokens") in html  # in the user menu


def test_the_tokens_page_needs_a_login(client):
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_tokens_page_reads_the_same_number_of_queries_for_one_or_many_tokens(client):
    user = UserFactory(role="agent")
    client.force_login(user)
    api_token_create(actor=user, name="t0")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:tokens"))
    for n in range(1, 8):
        api_token_create(actor=user, name=f"t{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("accounts:tokens")).content.decode().count("/revoke/") == 8
    assert len(many) == len(one)
