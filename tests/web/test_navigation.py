"""The navbar shows each user only the pages they may use (SPEC "Users and roles")."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from aftersales.web.context_processors import navigation

pytestmark = pytest.mark.django_db


def _nav_names(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [link.url_name for link in navigation(request)["navigation"]]


@pytest.mark.usefixtures("shell_urls")
def test_technician_sees_only_what_a_technician_may_use(technician):
    names = _nav_names(technician)
    assert names == ["workorders:list", "customers:list"]


@pytest.mark.usefixtures("shell_urls")
def test_agent_also_records_requests(agent):
    names = _nav_names(agent)
    assert names == ["workorders:list", "workorders:intake", "customers:list"]
    assert "audit:log" not in names
    assert "admin:index" not in names


@pytest.mark.usefixtures("shell_urls")
def test_administrator_sees_every_staff_page(admin_user):
    names = _nav_names(admin_user)
    assert names == [
        "workorders:list",
        "workorders:intake",
        "customers:list",
        "sla:compliance",
        "sla:calendar",
        "audit:log",
        "core:outbox",
        "accounts:lockouts",
        "admin:index",
    ]


@pytest.mark.usefixtures("shell_urls")
def test_staff_get_their_notifications_beside_the_user_menu_and_customers_do_not(technician, customer_user):
    """The bell beside the user menu (with the unread count) instead of one more navbar link."""
    request = RequestFactory().get("/")
    request.user = technician
    assert navigation(request)["inbox_link"].url_name == "core:inbox"
    request.user = customer_user
    assert navigation(request)["inbox_link"] is None


@pytest.mark.usefixtures("shell_urls")
def test_sla_compliance_link_follows_the_permission(make_user, agent):
    """R-4.7: the compliance page is linked for those who may see it (executive, supervisor), not agents."""
    executive = make_user("exec1", "executive")
    supervisor = make_user("sup1", "supervisor")
    assert "sla:compliance" in _nav_names(executive)
    assert "sla:calendar" not in _nav_names(executive)
    assert "sla:compliance" in _nav_names(supervisor)
    assert "sla:compliance" not in _nav_names(agent)


@pytest.mark.usefixtures("shell_urls")
def test_customer_gets_the_portal_links_only(customer_user):
    request = RequestFactory().get("/")
    request.user = customer_user
    context = navigation(request)
    assert context["nav_links"] == []
    assert [link.url_name for link in context["navigation"]] == ["portal:home", "portal:request_create"]


def test_anonymous_user_gets_no_links():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert navigation(request)["navigation"] == []


def test_links_to_pages_not_built_yet_are_left_out(admin_user):
    """With the real URLs, every link shown resolves (missing apps drop out, nothing breaks)."""
    request = RequestFactory().get("/")
    request.user = admin_user
    for link in navigation(request)["nav_links"]:
        assert link.url == reverse(link.url_name)
    assert "admin:index" in [link.url_name for link in navigation(request)["nav_links"]]


@pytest.mark.usefixtures("shell_urls")
def test_navbar_html_marks_the_current_page(client, technician):
    client.force_login(technician)
    response = client.get(reverse("workorders:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'class="nav-link active" href="{reverse("workorders:list")}" aria-current="page"' in html
    assert reverse("customers:list") in html
    assert reverse("workorders:intake") not in html
    assert reverse("audit:log") not in html
    assert "王工" in html  # the user menu shows the display name


@pytest.mark.usefixtures("shell_urls")
def test_portal_shell_shows_the_customer_links(client, customer_user):
    client.force_login(customer_user)
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:request_create") in html
    assert reverse("workorders:list") not in html
    assert "我的服务请求" in html
    assert "退出登录" in html


def _menu(user) -> list:
    request = RequestFactory().get("/")
    request.user = user
    return navigation(request)["nav_menu"]


def test_rarely_used_pages_are_one_dropdown_so_the_menu_fits_one_row(admin_user, make_user):
    """The administrator's administration pages are grouped under 管理 (one entry of the top row);
    a role with only one page of a group (the technician's day) gets it as a plain link."""
    from aftersales.web.context_processors import NavGroup

    menu = _menu(admin_user)
    # The other groups (反馈 of R-8, …) are entries of their own; this one holds the administration.
    groups = [entry for entry in menu if isinstance(entry, NavGroup) and str(entry.label) == "管理"]
    assert len(groups) == 1
    assert str(groups[0].label) == "管理"
    assert {"sla:calendar", "audit:log", "core:outbox", "accounts:lockouts", "admin:index"} <= {
        link.url_name for link in groups[0].links
    }
    top = [entry.url_name for entry in menu if not isinstance(entry, NavGroup)]
    assert top[:4] == ["workorders:list", "workorders:intake", "customers:list", "sla:compliance"]
    assert not {link.url_name for link in groups[0].links} & set(top)
    # Stock, customer property and the repair shop are one entry too (the menu fits 1280 px).
    (parts,) = [entry for entry in menu if isinstance(entry, NavGroup) and str(entry.label) == "备件与返修"]
    assert [link.url_name for link in parts.links] == ["parts:list", "property:list", "repairs:list"]
    assert len(menu) <= 8
    # Dispatch, the board and the reports to review are one entry 现场服务 …
    (field,) = [entry for entry in menu if isinstance(entry, NavGroup) and str(entry.label) == "现场服务"]
    assert {"dispatch:queue", "fieldservice:board", "fieldservice:reports"} <= {link.url_name for link in field.links}
    # … but a role with only one page of a group gets it as a plain link: the technician's day.
    technician = _menu(make_user("tech2", "technician"))
    assert not any(isinstance(entry, NavGroup) and str(entry.label) == "现场服务" for entry in technician)
    assert "fieldservice:today" in [entry.url_name for entry in technician if not isinstance(entry, NavGroup)]


def test_the_dropdown_shows_which_of_its_pages_is_open(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("audit:log")).content.decode()
    assert 'class="nav-link dropdown-toggle active"' in html
    assert f'class="dropdown-item active" href="{reverse("audit:log")}" aria-current="page"' in html
