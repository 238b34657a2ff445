"""Take the README screenshots from a running demo server (run by hand, not in CI).

    DATA_DIR=/tmp/demo .venv/bin/python manage.py migrate
    DATA_DIR=/tmp/demo .venv/bin/python manage.py demo_seed --scale 0.2
    DATA_DIR=/tmp/demo PYTHONPATH=src .venv/bin/gunicorn aftersales.wsgi:application --bind 127.0.0.1:8741 &
    .venv/bin/python tools/readme_screenshots.py http://127.0.0.1:8741 SR-2026-000133

Writes docs/screenshots/workorder-detail.png (1280×900, a staff user's work-order detail) and
docs/screenshots/portal-phone.png (390×844, the demo customer's portal home). Uses Debian's
Chromium; never downloads a browser.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DEMO_PASSWORD = "aftersales"  # noqa: S105 - the published demo password (README)


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def main(base: str, number: str, staff: str = "supervisor") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = desk.new_page()
        login(page, base, staff)
        page.goto(f"{base}/work-orders/{number}/")
        page.locator("#action-list .accordion-button").first.click()  # one action open, as in use
        page.wait_for_timeout(400)  # the accordion's animation
        page.screenshot(path=OUT / "workorder-detail.png", full_page=True)
        desk.close()

        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
        )
        page = phone.new_page()
        login(page, base, "customer")
        page.goto(f"{base}/portal/")
        page.screenshot(path=OUT / "portal-phone.png")
        phone.close()
        browser.close()
    for name in ("workorder-detail.png", "portal-phone.png"):
        print(name, (OUT / name).stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main(*sys.argv[1:])
