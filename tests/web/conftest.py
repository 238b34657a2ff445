"""Users for the web-shell tests, one per role (groups come from migration accounts/0003)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group

from aftersales.accounts.models import User

PASSWORD = "Shell-test-pw-2026"


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(username: str, *roles: str, **fields: object) -> User:
        user = User.objects.create_user(
            username=username, password=PASSWORD, display_name=fields.pop("display_name", f"测试{username}"), **fields
        )
        user.groups.add(*Group.objects.filter(name__in=roles))
        return user

    return make


@pytest.fixture
def technician(make_user) -> User:
    return make_user("tech1", "technician", display_name="王工")


@pytest.fixture
def agent(make_user) -> User:
    return make_user("agent1", "agent", display_name="李客服")


@pytest.fixture
def customer_user(make_user) -> User:
    return make_user("cust1", "customer", display_name="张先生")


@pytest.fixture
def admin_user(make_user) -> User:
    return make_user("root1", "admin", is_staff=True, is_superuser=True, display_name="管理员")


@pytest.fixture
def shell_urls(settings) -> None:
    """Serve every planned page (as a stub) so the navigation can link to all of them."""
    settings.ROOT_URLCONF = "tests.web.urls"
