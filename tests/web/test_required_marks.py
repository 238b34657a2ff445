"""Required fields are marked (issue 9): the shared field template gives a field required by the
form, or by the service behind it (``web.forms.service_required``), a red asterisk that a screen
reader reads as "必填"; the intake's customer and the resolve form's resolution carry it."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from aftersales.web.forms import service_required
from tests.factories import UserFactory

MARK = '<span class="text-danger" aria-hidden="true"> *</span><span class="visually-hidden"> (必填)</span>'


class Sample(forms.Form):
    by_form = forms.CharField(label="甲")
    by_service = service_required(forms.CharField(label="乙", required=False))
    optional = forms.CharField(label="丙", required=False)
    choice = forms.ChoiceField(label="丁", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def _label(html: str, text: str) -> str:
    found = re.search(rf"<(?:label|legend)[^>]*>{text}(.*?)</(?:label|legend)>", html)
    assert found, text
    return found.group(1)


def test_required_fields_get_the_mark_read_as_required_and_optional_ones_none():
    form = Sample()
    with translation.override("zh-hans"):
        html = "".join(render_to_string("web/form_field.html", {"field": form[name]}) for name in form.fields)
    assert _label(html, "甲") == MARK
    assert _label(html, "乙") == MARK
    assert _label(html, "丁") == MARK  # a radio group's legend too
    assert _label(html, "丙") == ""


@pytest.mark.django_db
def test_r2_3_the_intake_customer_search_is_marked_required(client):
    client.force_login(UserFactory(role="agent"))
    html = client.get(reverse("workorders:intake")).content.decode()
    label = re.search(r'<label class="form-label" for="customer-q" id="customer-q-label">(.*?)</label>', html)
    assert label
    assert MARK in label.group(1)
    assert re.search(r'<input[^>]*id="customer-q"[^>]*aria-required="true"', html, re.S)


@pytest.mark.django_db
def test_r3_7_the_resolve_forms_resolution_is_marked_required(client):
    from tests.workorders.test_list_views import job

    agent, tech = UserFactory(role="agent"), UserFactory(role="technician")
    wo = job(agent, tech, status="in_progress")
    client.force_login(tech)
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    section = html[html.index('id="action-resolve"') :]
    label = re.search(r"<label[^>]*>解决情况(.*?)</label>", section)
    assert label
    assert MARK in label.group(1)
    assert re.search(r'<textarea[^>]*name="[^"]*resolution"[^>]*aria-required="true"', section, re.S)
