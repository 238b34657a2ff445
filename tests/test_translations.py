"""Chinese first: every app's catalogue is complete, and the key pages show no English UI text.

Running makemessages here would need GNU gettext and be slow; instead the catalogues are read
with polib, and a few key pages are rendered in Simplified Chinese and searched for English
words that are msgids of ours: an msgid missing from a catalogue shows up there as English.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from tests import factories

SRC = Path(__file__).resolve().parents[1] / "src" / "aftersales"
APPS = sorted(p.parent for p in SRC.glob("*/apps.py"))
CATALOGUES = sorted(SRC.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
_USES_GETTEXT = re.compile(r"gettext|{%\s*(?:translate|blocktranslate|trans|blocktrans)\b")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{\{\s*(\w+)\s*\}\}|%[sd]")


def _app(po: Path) -> str:
    return po.relative_to(SRC).parts[0]


def _translatable_files(app: Path) -> list[Path]:
    files = [*app.rglob("*.py"), *app.rglob("*.html")]
    return [f for f in files if "migrations" not in f.parts and _USES_GETTEXT.search(f.read_text("utf-8"))]


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_every_app_with_ui_text_has_a_chinese_catalogue(app):
    """Chinese first: an app that marks strings for translation ships zh_Hans/django.po."""
    if not _translatable_files(app):
        pytest.skip("no translatable strings")
    assert (app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").is_file()


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_app)
def test_catalogue_is_complete(po_path):
    """No untranslated and no fuzzy entries (a fuzzy msgstr is ignored at run time: English shows)."""
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries() if not e.obsolete]
    assert untranslated == [], f"{_app(po_path)}: untranslated msgids: {untranslated}"
    assert fuzzy == [], f"{_app(po_path)}: fuzzy msgids: {fuzzy}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_app)
def test_translations_keep_their_placeholders(po_path):
    """A msgstr that drops or renames %(name)s or {{ name }} breaks the page or loses the value."""
    broken = []
    for entry in polib.pofile(str(po_path)).translated_entries():
        want = sorted(_PLACEHOLDER.findall(entry.msgid))
        strs = [entry.msgstr] if entry.msgstr else [s for _k, s in sorted(entry.msgstr_plural.items())]
        if entry.msgid_plural:
            want = sorted(set(want) | set(_PLACEHOLDER.findall(entry.msgid_plural)))
            # a Chinese plural form may drop a bare count placeholder, but not a named one
            strs = [s for s in strs if s]
            broken += [entry.msgid for s in strs if not set(_PLACEHOLDER.findall(s)) <= set(want)]
            continue
        broken += [entry.msgid for s in strs if sorted(_PLACEHOLDER.findall(s)) != want]
    assert broken == [], f"{_app(po_path)}: placeholders differ in: {broken}"


# --- rendered pages ---------------------------------------------------------------------------

# English words of our msgids that a Chinese page must not show.
ENGLISH = [
    "Work orders",
    "Work order",
    "Customer",
    "Customers",
    "Status",
    "Priority",
    "Save",
    "Log in",
    "Log out",
    "Password",
    "Username",
    "Search",
    "Submit",
    "Next",
    "Previous",
    "Service type",
    "Channel",
    "Symptom",
    "Received",
    "Assign",
    "Resolve",
    "Timeline",
    "Product",
    "Serial number",
    "Warranty",
    "My requests",
    "Notifications",
    "Actions",
    "New request",
    "All",
]
_ENGLISH_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![A-Za-z])")


class _VisibleText(HTMLParser):
    """Text nodes and the attributes a person sees or hears (placeholder, title, aria-label,
    alt, button values); skips <script>, <style> and the language names of the switcher."""

    SHOWN_ATTRS = ("placeholder", "title", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (
                name in self.SHOWN_ATTRS or (tag == "input" and name == "value" and ("type", "submit") in attrs)
            ):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _english_on(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return sorted({m.group(1) for text in parser.parts for m in _ENGLISH_RE.finditer(text)})


@pytest.fixture
def data(db):
    agent = factories.UserFactory(role="agent")
    product = factories.InstalledProductFactory()
    wo = factories.make_work_order(agent, product=product)
    return {"agent": agent, "wo": wo, "customer_user": factories.portal_user(product.customer)}


def _staff_pages(wo):
    return [
        reverse("workorders:list"),
        reverse("workorders:intake"),
        reverse("workorders:detail", args=[wo.pk]),
    ]


def test_login_page_shows_no_english(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert _english_on(response.content.decode()) == []


def test_staff_pages_show_no_english(client, data):
    """Work-order list, intake and detail (with its action forms) in Simplified Chinese."""
    client.force_login(data["agent"])
    for url in _staff_pages(data["wo"]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _english_on(response.content.decode()) == [], url


def test_portal_pages_show_no_english(client, data):
    client.force_login(data["customer_user"])
    for url in (reverse("portal:home"), reverse("portal:detail", args=[data["wo"].pk]), reverse("portal:new")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _english_on(response.content.decode()) == [], url


def test_the_guard_sees_english_when_english_is_chosen(client, data):
    """The guard itself works: the same page in English is full of these words."""
    client.force_login(data["agent"])
    client.cookies["django_language"] = "en"
    response = client.get(reverse("workorders:list"), headers={"accept-language": "en"})
    assert {"Work orders", "Status"} <= set(_english_on(response.content.decode()))
