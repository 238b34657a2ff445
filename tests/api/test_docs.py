"""The API documentation page (/api/v1/docs) loads Swagger UI from our own static files, never a
CDN (ARCHITECTURE: machines have no internet at run time), and has no inline script (CSP)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(values[name] or "")
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.inline_scripts += 1


@pytest.mark.django_db
def test_docs_page_references_no_other_host_and_its_assets_load(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert "validator.swagger.io" not in html
    page = _Assets()
    page.feed(html)
    assert page.inline_scripts == 0
    assert any("swagger-ui-bundle" in url for url in page.urls)
    assert any("swagger-ui" in url and url.endswith(".css") for url in page.urls)
    for url in page.urls:
        assert url.startswith("/static/"), url  # no scheme, no other host
        # Served by whitenoise from the collected static files, as in production.
        asset = client.get(url)
        assert asset.status_code == 200, url
        asset.close()
