"""Login, logout and password change pages: Chinese by default, errors in Chinese."""

from __future__ import annotations

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser, Group
from django.template.loader import render_to_string
from django.urls import reverse

from aftersales.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Pages-test-pw-2026"


@pytest.fixture
def agent(db) -> User:
    user = User.objects.create_user(username="agent1", password=PASSWORD, display_name="李客服")
    user.groups.add(Group.objects.get(name="agent"))
    return user


def test_login_page_renders_in_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "用户名" in html
    assert "售后服务管理系统" in html
    assert "演示账号" not in html  # no demo hint unless the view provides demo_logins


def test_login_page_shows_demo_accounts_only_when_given(rf):
    request = rf.get("/accounts/login/")
    request.user = AnonymousUser()
    html = render_to_string(
        "accounts/login.html",
        {"form": AuthenticationForm(), "demo_logins": [("agent", "客服专员")], "demo_password": "aftersales"},
        request=request,
    )
    assert "演示账号" in html
    assert "客服专员" in html


def test_wrong_password_shows_a_chinese_error(client, agent):
    response = client.post(reverse("accounts:login"), {"username": agent.username, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "正确的用户名和密码" in html
    assert "alert alert-danger" in html
    assert "_auth_user_id" not in client.session


def test_login_then_logout(client, agent):
    response = client.post(reverse("accounts:login"), {"username": agent.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(agent.pk)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_password_change_page_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_change_password(client, agent):
    client.force_login(agent)
    assert "修改密码" in client.get(reverse("accounts:password_change")).content.decode()
    new = "Fresh-pw-2026-xyz"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    agent.refresh_from_db()
    assert agent.check_password(new)


def test_bad_new_password_shows_an_error(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    html = response.content.decode()
    assert "is-invalid" in html
    assert "密码长度太短" in html
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_wrong_old_password_shows_an_error(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "Fresh-pw-2026-xyz", "new_password2": "Fresh-pw-2026-xyz"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert "旧密码" in response.content.decode()
