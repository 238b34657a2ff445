"""The base template, its partials and the error pages (SPEC "Cross-cutting": Chinese first)."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.core.management import call_command
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("shell_urls")
def test_base_sends_csrf_token_with_every_htmx_request(client, agent):
    client.force_login(agent)
    html = client.get(reverse("workorders:list")).content.decode()
    token = client.cookies["csrftoken"].value
    assert token
    assert "hx-headers='{&quot;X-CSRFToken&quot;:" not in html  # the JSON is not HTML-escaped
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "/static/vendor/htmx/htmx.min." in html
    assert "/static/vendor/bootstrap/css/bootstrap.min." in html
    assert "cdn" not in html.lower()
    assert '<html lang="zh-hans">' in html
    assert "售后服务管理系统" in html


@pytest.mark.usefixtures("shell_urls")
def test_messages_are_bootstrap_alerts(client, agent):
    client.force_login(agent)
    html = client.get(reverse("workorders:list"), {"error": "保存失败", "success": "已保存"}).content.decode()
    assert 'class="alert alert-danger alert-dismissible fade show"' in html
    assert 'class="alert alert-success alert-dismissible fade show"' in html
    assert "保存失败" in html


def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in html
    assert "After-sales service" in html
    assert "Log in" in html
    assert "登录" not in html


def test_browser_language_does_not_override_chinese(client):
    """SPEC Cross-cutting: Chinese is the default even for an English browser."""
    html = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html


def test_language_switcher_is_offered_in_both_languages(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html
    assert 'name="language" value="zh-hans"' in html


def test_404_page_is_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "返回首页" in html


def test_403_page_is_chinese():
    html = render_to_string("403.html", request=RequestFactory().get("/"))
    assert "无权访问" in html


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "服务器错误" in html
    assert "/static/" not in html  # must not depend on the static manifest


def test_csrf_failure_page_explains_in_chinese(client, technician):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


class _SampleForm(forms.Form):
    name = forms.CharField(label="姓名", help_text="填写全名")
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")])
    urgent = forms.BooleanField(label="加急", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("整体校验失败")


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_form_field_partial_renders_bootstrap_markup_and_errors():
    form = _SampleForm(data={"kind": "a"})
    assert not form.is_valid()
    html = _render(
        '{% for field in form %}{% include "web/form_field.html" %}{% endfor %}{% include "web/form_errors.html" %}',
        form=form,
    )
    assert 'class="form-control is-invalid"' in html
    assert 'class="form-select"' in html
    assert 'class="form-check-input"' in html
    assert 'class="invalid-feedback d-block"' in html
    assert "填写全名" in html
    assert 'type="hidden" name="token"' in html
    assert "整体校验失败" in html
    assert 'class="alert alert-danger"' in html


def test_add_class_keeps_the_widget_classes():
    class Form(forms.Form):
        note = forms.CharField(widget=forms.Textarea(attrs={"class": "font-monospace"}))

    html = _render('{% load web_forms %}{{ form.note|add_class:"form-control" }}', form=Form())
    assert 'class="font-monospace form-control"' in html


def test_pagination_partial_links_previous_and_next():
    page = {"has_next": True, "next_url": "?cursor=abc", "has_previous": False, "count_text": "1000+"}
    html = _render('{% include "web/pagination.html" %}', page=page)
    assert 'href="?cursor=abc" rel="next"' in html
    assert "共 1000+ 条" in html
    assert 'rel="prev"' not in html


def test_pagination_builds_the_next_link_from_a_cursor():
    request = RequestFactory().get("/list/", {"q": "空调", "cursor": "old"})
    page = {"has_next": True, "next_cursor": "new", "count_text": "37"}
    html = _render('{% include "web/pagination.html" %}', page=page, request=request)
    assert 'href="?q=%E7%A9%BA%E8%B0%83&amp;cursor=new"' in html


def test_vendor_files_are_collected_into_the_manifest(settings, tmp_path, client):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/htmx/htmx.min.js",
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
        "vendor/echarts/echarts.min.js",
        "vendor/signature_pad/signature_pad.umd.min.js",
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "web/app.css",
        "web/app.js",
        "web/api-docs.js",
    ):
        assert name in paths, name
    # WhiteNoise (set up by the new client's first request) serves the hashed file.
    response = client.get(f"/static/{paths['vendor/htmx/htmx.min.js']}")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)[:2000]
