"""The detail page's actions for someone working from a phone (R-3.5).

The next step of the lifecycle comes first and open (its form at the top of a phone's page); an
action posted with htmx answers the page's detail region, which replaces the old one in place
(no reload); a refused form comes back open with its error; without JavaScript the form posts
and the page comes back. The start form proposes the likely handling mode, and every radio group
renders as Bootstrap form-checks with its error below the group. The rule of what is offered is
``services.action_refusal`` (tested in test_allowed_actions.py); these tests check the page.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from aftersales.workorders import services
from aftersales.workorders.forms import StartForm
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import Status
from tests.factories import UserFactory, make_work_order

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "wo-detail"}


@pytest.fixture
def agent():
    return UserFactory(role="agent", display_name="李客服")


@pytest.fixture
def tech():
    return UserFactory(role="technician", display_name="王工")


@pytest.fixture
def assigned(agent, tech) -> WorkOrder:
    wo = make_work_order(agent)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    return wo


def _detail(client, wo):
    response = client.get(reverse("workorders:detail", args=[wo.pk]))
    assert response.status_code == 200
    return response


def _next(response) -> str | None:
    item = response.context["next_action"]
    return item["name"] if item else None


def _post(client, wo, action, data, *, htmx=True):
    return client.post(reverse("workorders:action", args=[wo.pk, action]), data, **(HTMX if htmx else {}))


def test_r3_5_the_handlers_next_step_comes_first_and_open(client, agent, tech, assigned):
    client.force_login(tech)
    response = _detail(client, assigned)
    assert _next(response) == "start"
    assert response.context["action_forms"][0]["name"] == "start"
    html = response.content.decode()
    assert "下一步：开始处理" in html
    # Its form is on the page, not folded; the other actions are.
    assert 'id="action-start"' in html
    assert 'id="action-body-start"' not in html
    assert 'id="action-body-resolve"' in html
    assert "更多操作" in html

    services.work_order_start(actor=tech, work_order_id=assigned.pk, mode="on_site")
    assert _next(_detail(client, assigned)) == "resolve"
    services.work_order_wait(actor=tech, work_order_id=assigned.pk, on="parts", reason="等配件")
    assert _next(_detail(client, assigned)) == "resume"


def test_r3_5_a_handlers_step_is_not_someone_elses_next_step(client, agent, tech, assigned):
    """The agent may start the technician's job (a supervisor's right), but it is not their step."""
    client.force_login(agent)
    response = _detail(client, assigned)
    names = [item["name"] for item in response.context["action_forms"]]
    assert "start" in names  # offered, as the service allows it
    assert _next(response) is None
    assert response.context["more_actions"] == response.context["action_forms"]
    fresh = make_work_order(agent)
    assert _next(_detail(client, fresh)) == "acknowledge"
    services.work_order_start(actor=tech, work_order_id=assigned.pk, mode="remote")
    services.work_order_resolve(actor=tech, work_order_id=assigned.pk, resolution="远程指导后恢复")
    assert _next(_detail(client, assigned)) == "confirm"


def test_r3_5_an_action_with_htmx_answers_the_detail_region_in_place(client, tech, assigned):
    client.force_login(tech)
    response = _post(client, assigned, "start", {"mode": "on_site", "note": "已出发"})
    assert response.status_code == 200
    assert "HX-Redirect" not in response  # no reload: the region replaces the old one
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="wo-detail"')
    header = html.split("</header>", 1)[0]
    assert "处理中" in header  # the status badge
    assert "下一步：解决" in html  # the next step moved on
    assert 'id="messages" class="messages" hx-swap-oob="true"' in html
    assert "已开始处理" in html.split('id="messages"', 1)[1]  # the success message, beside the region
    assigned.refresh_from_db()
    assert assigned.status == Status.IN_PROGRESS
    assert assigned.handling_mode == "on_site"


def test_r3_5_a_refused_form_comes_back_open_in_place_with_its_error(client, tech, assigned):
    client.force_login(tech)
    response = _post(client, assigned, "start", {"note": "没选方式"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="wo-detail"' in html
    assert 'id="id_start_mode_error"' in html
    assert "请选择远程、上门或返厂。" in html
    assert "没选方式" in html  # what was typed is kept
    assigned.refresh_from_db()
    assert assigned.status == Status.ASSIGNED


def test_r3_5_an_action_no_longer_offered_says_why_beside_the_region(client, agent, tech, assigned):
    """The status moved on meanwhile (someone else started it): the page shows the work order as
    it is now, and the refusal as a message, since its form is offered no more."""
    client.force_login(tech)
    services.work_order_start(actor=agent, work_order_id=assigned.pk, mode="remote")
    response = _post(client, assigned, "start", {"mode": "on_site"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "处理中" in html.split("</header>", 1)[0]
    messages = html.split('id="messages"', 1)[1]
    assert "alert-danger" in messages
    assert "不能" in messages


def test_r3_5_without_javascript_the_form_posts_and_the_page_comes_back(client, tech, assigned):
    client.force_login(tech)
    bad = _post(client, assigned, "start", {}, htmx=False)
    assert bad.status_code == 422
    assert "<html" in bad.content.decode()
    assert 'id="id_start_mode_error"' in bad.content.decode()
    good = _post(client, assigned, "start", {"mode": "remote"}, htmx=False)
    assert good.status_code == 302
    assert good["Location"] == reverse("workorders:detail", args=[assigned.pk])


@pytest.mark.parametrize(
    ("service_type", "mode"),
    [("repair", "on_site"), ("installation", "on_site"), ("guarantee", "on_site"), ("consultation", "remote")],
)
def test_r3_5_the_start_form_proposes_the_likely_mode(client, agent, tech, service_type, mode):
    wo = make_work_order(agent, service_type=service_type)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    client.force_login(tech)
    html = _detail(client, wo).content.decode()
    checked = re.findall(r'<input[^>]*name="mode"[^>]*value="(\w+)"[^>]*checked', html)
    assert checked == [mode]


def test_r3_5_a_reopened_job_proposes_the_mode_it_was_handled_in(client, agent, tech, assigned):
    services.work_order_start(actor=tech, work_order_id=assigned.pk, mode="factory")
    services.work_order_resolve(actor=tech, work_order_id=assigned.pk, resolution="返厂维修后寄回")
    services.work_order_reopen(actor=agent, work_order_id=assigned.pk, reason="客户说又坏了")
    client.force_login(tech)
    html = _detail(client, assigned).content.decode()
    assert re.findall(r'<input[^>]*name="mode"[^>]*value="(\w+)"[^>]*checked', html) == ["factory"]


# --- radio groups -------------------------------------------------------------------------------


def _radio_forms() -> list[type[forms.Form]]:
    """Every form class of the project with a radio group (or a group of checkboxes)."""
    found = []
    for app in ("audit", "core", "customers", "portal", "sla", "workorders"):
        module = importlib.import_module(f"aftersales.{app}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                widgets = [f.widget for f in cls.base_fields.values()]
                if any(isinstance(w, forms.RadioSelect | forms.CheckboxSelectMultiple) for w in widgets):
                    found.append(cls)
    return found


def test_r3_5_every_radio_group_renders_as_form_checks_with_its_error_below():
    """The start form's group broke apart (the widget's container got the input's class, a box
    1em wide: 远程 split into characters, the error over the next field)."""
    radio_forms = _radio_forms()
    assert StartForm in radio_forms
    for cls in radio_forms:
        form = cls(data={})
        form.is_valid()
        for field in form:
            if not isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            field.field.widget.attrs.pop("class", None)
            if not field.errors:
                form.add_error(field.name, "必须选择一项。")
            html = render_to_string("web/form_field.html", {"field": form[field.name]})
            group = re.search(r'<div class="form-choice-group" id="[^"]+">(.*?)\n  </div>', html, re.S)
            assert group, html
            choices = re.findall(r'<div class="form-check form-check-inline">\s*<input class="form-check-input', html)
            assert len(choices) == len(field.field.choices), html
            assert html.count('class="form-check-label text-nowrap"') == len(field.field.choices)
            assert "form-check-input" not in html.split("<input", 1)[0]  # only inputs carry it
            assert "<fieldset" in html
            assert "<legend" in html
            after_group = html[group.end() :]
            assert 'class="invalid-feedback d-block"' in after_group
            assert 'class="invalid-feedback d-block"' not in group.group(1)
