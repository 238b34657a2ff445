"""R-13.1: the permission set (read in one statement) and API tokens (read in one statement)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.backends import Backend
from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.roles import ROLE_PERMISSIONS
from aftersales.accounts.services import api_token_create, api_token_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
def test_r13_1_each_role_has_exactly_the_permissions_django_would_give(role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    user.user_permissions.add(Permission.objects.get(content_type__app_label="audit", codename="view_accesslog"))
    ours = Backend().get_all_permissions(User.objects.get(pk=user.pk))
    django = ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert ours == django
    assert "audit.view_accesslog" in ours


def test_r13_1_permissions_are_read_once_per_request_in_one_statement():
    user = User.objects.get(pk=UserFactory(role="agent").pk)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("workorders.add_workorder")
        assert not user.has_perm("sla.change_slapolicy")
    assert len(queries) == 1


def test_r13_1_inactive_users_and_anonymous_have_no_permissions():
    user = UserFactory(role="supervisor", is_active=False)
    assert not user.has_perm("workorders.add_workorder")


def _token(user):
    return api_token_create(actor=user, name="CTI")


def test_a_token_finds_its_user_and_an_unknown_token_none():
    user = UserFactory()
    _token_row, raw = _token(user)
    assert api_token_user(raw=raw) == user
    assert api_token_user(raw=raw + "x") is None


def test_a_deactivated_users_token_no_longer_works():
    user = UserFactory()
    _token_row, raw = _token(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert api_token_user(raw=raw) is None


def test_last_used_is_written_at_most_every_five_minutes():
    user = UserFactory()
    token, raw = _token(user)
    api_token_user(raw=raw)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert timezone.now() - first < dt.timedelta(seconds=5)
    api_token_user(raw=raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=6))
    api_token_user(raw=raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_the_sessions_user_is_read_in_one_statement_and_only_while_active():
    user = UserFactory(role="agent")
    backend = Backend()
    with CaptureQueriesContext(connection) as queries:
        assert backend.get_user(str(user.pk)) == user  # the session stores the id as text
    assert len(queries) == 1
    assert backend.get_user(user.pk + 1000) is None
    assert backend.get_user("not-an-id") is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None


def test_a_logged_in_page_works_through_the_backend(client):
    user = UserFactory(role="agent")
    client.force_login(user)
    response = client.get("/work-orders/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
