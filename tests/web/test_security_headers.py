"""Security headers: a Content-Security-Policy on every page (nothing from another site, no inline
script), and Cache-Control no-store on pages and API answers, which carry personal data."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "aftersales"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_page_has_a_policy_without_inline_script_and_its_style_carries_the_nonce(client, agent):
    client.force_login(agent)
    response = client.get(reverse("workorders:list"))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src-elem"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    (nonce,) = re.findall(r'<style nonce="([^"]+)">', html)
    assert f"'nonce-{nonce}'" in policy["style-src-elem"]
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert all("src=" in tag for tag in scripts)


def test_each_request_gets_its_own_nonce(client, agent):
    client.force_login(agent)
    first = _policy(client.get(reverse("workorders:list")))["style-src-elem"]
    second = _policy(client.get(reverse("workorders:list")))["style-src-elem"]
    assert first != second


def test_no_template_has_inline_script_or_event_handlers():
    """What the policy would block: inline <script>, on*= handlers, htmx's hx-on (evaluated code),
    javascript: links, and <style> without the nonce (but the standalone error page's, allowed
    by its hash)."""
    offenders = []
    for template in SRC.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append((template.name, tag))
        offenders += [(template.name, m) for m in re.findall(r"\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", text)]
        offenders += [(template.name, m) for m in re.findall(r"javascript:", text)]
        # The error page is allowed by its hash; a PDF's template is read by WeasyPrint, never a browser.
        if template.name != "error_standalone.html" and not template.name.endswith("_pdf.html"):
            offenders += [(template.name, m) for m in re.findall(r"<style(?![^>]*nonce=)[^>]*>", text)]
    assert offenders == []


@pytest.mark.usefixtures("shell_urls")
def test_500_page_style_is_allowed_by_its_hash():
    """The 500 page is rendered without a request (so without a nonce); its <style> is allowed by
    its hash in the policy."""
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    (style,) = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in _policy(response)["style-src-elem"]
    assert render_to_string("500.html") == response.content.decode()


def test_pages_and_api_answers_are_not_stored(client, agent):
    assert "no-store" in client.get(reverse("accounts:login"))["Cache-Control"]  # never_cache of its own
    client.force_login(agent)
    assert client.get(reverse("workorders:list"))["Cache-Control"] == "no-store, private"
    api = client.get("/api/v1/work-orders")
    assert api.status_code == 200
    assert api["Cache-Control"] == "no-store, private"
    assert Client().get("/api/v1/work-orders")["Cache-Control"] == "no-store, private"  # 401 too


def test_static_files_keep_whitenoise_caching(client):
    response = client.get(static("web/app.js"))  # the hashed name from the collected manifest
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert "Content-Security-Policy" not in response
    response.close()


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, agent):
    """Django's admin says never_cache itself; the middleware does not overwrite it."""
    agent.is_staff = agent.is_superuser = True
    agent.save()
    client.force_login(agent)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "must-revalidate" in response["Cache-Control"]
