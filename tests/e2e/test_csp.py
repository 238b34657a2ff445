"""The Content-Security-Policy in a real browser: the pages work under it and the browser reports no
violation (and no console error) on any of them — the intake page's htmx behaviours (pick a
search result, create a customer inline), a work order, the outbox, the API docs (Swagger UI from
static/vendor, no request to another host), and the chart and signature libraries."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.test_workorder_flow import DESKTOP, _login, _ready

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

# Runs before any script of the page: collects what the policy blocked.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watched:
    """A page whose CSP violations, console errors and requests to other hosts are recorded."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on(
            "request",
            lambda r: None if r.url.startswith((base, "data:", "blob:")) else self.foreign_requests.append(r.url),
        )

    def assert_clean(self, where: str) -> None:
        violations = self.page.evaluate("window.__cspViolations")
        assert violations == [], f"{where}: CSP violations {violations}"
        assert self.console_errors == [], f"{where}: console errors {self.console_errors}"
        assert self.foreign_requests == [], f"{where}: requests to other hosts {self.foreign_requests}"


@pytest.fixture
def watched(browser, live_server) -> Iterator[Watched]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        yield Watched(context.new_page(), live_server.url)
    finally:
        context.close()


def test_pages_work_under_the_policy_without_violations(watched):
    page, base = watched.page, watched.base
    supervisor = factories.UserFactory(role="supervisor")
    factories.CustomerFactory(name="孙立新", phone="13911112222")
    wo = factories.make_work_order(supervisor)

    page.goto(f"{base}/accounts/login/")
    watched.assert_clean("login page")
    _login(page, base, supervisor.username)

    page.goto(f"{base}/work-orders/")
    _ready(page)
    expect(page.locator(".wo-dot").first).to_have_css("border-radius", "50%")  # the nonce'd <style> applied
    watched.assert_clean("work-order list")

    # Intake: a picked search result empties the result list (data-clear-after-request) ...
    page.goto(f"{base}/work-orders/new/")
    _ready(page)
    page.locator("#customer-q").press_sequentially("孙立新")
    hit = page.locator("#customer-results button", has_text="孙立新")
    expect(hit).to_be_visible()
    hit.click()
    expect(page.locator("#picked")).to_contain_text("孙立新")
    expect(page.locator("#customer-results button")).to_have_count(0)
    # ... and a customer created inline empties and folds its form (data-reset-after-success).
    page.locator("#new-customer-box summary").click()
    page.fill("#id_nc-name", "周晓梅")
    page.fill("#id_nc-phone", "13722223333")
    page.locator("#new-customer button").click()
    expect(page.locator("#picked")).to_contain_text("周晓梅")
    expect(page.locator("#new-customer-box")).not_to_have_attribute("open", re.compile(".*"))
    expect(page.locator("#id_nc-name")).to_have_value("")
    watched.assert_clean("intake")

    page.goto(f"{base}/work-orders/{wo.pk}/")
    _ready(page)
    expect(page.locator("header h1")).to_have_text(wo.number)
    watched.assert_clean("work-order detail")

    page.goto(f"{base}/notifications/outbox/")
    expect(page.locator("h1")).to_contain_text("通知")
    watched.assert_clean("outbox")


def test_api_docs_render_swagger_ui_from_local_files(watched):
    page, base = watched.page, watched.base
    page.goto(f"{base}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Aftersales API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    watched.assert_clean("API docs")


def test_charts_and_signatures_work_under_the_policy(watched):
    """ECharts (with an HTML tooltip) and signature_pad run from static/vendor under the policy."""
    page, base = watched.page, watched.base
    supervisor = factories.UserFactory(role="supervisor")
    _login(page, base, supervisor.username)
    page.goto(f"{base}/notifications/")
    page.add_script_tag(url=f"{base}/static/vendor/echarts/echarts.min.js")
    page.add_script_tag(url=f"{base}/static/vendor/signature_pad/signature_pad.umd.min.js")
    result = page.evaluate(
        """() => {
        const box = document.createElement("div");
        box.style.width = "400px";
        box.style.height = "300px";
        document.getElementById("main").appendChild(box);
        const chart = echarts.init(box);
        chart.setOption({
          tooltip: {trigger: "axis"},
          xAxis: {type: "category", data: ["一月", "二月", "三月"]},
          yAxis: {type: "value"},
          series: [{type: "bar", data: [3, 5, 2]}],
        });
        chart.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 1});
        const canvas = document.createElement("canvas");
        canvas.width = 300;
        canvas.height = 150;
        document.getElementById("main").appendChild(canvas);
        const pad = new SignaturePad(canvas);
        pad.fromData([{points: [{x: 10, y: 10, time: 1, pressure: 0.5}, {x: 200, y: 100, time: 2, pressure: 0.5}],
                       penColor: "black", dotSize: 0, minWidth: 0.5, maxWidth: 2.5, velocityFilterWeight: 0.7,
                       compositeOperation: "source-over"}]);
        const img = document.createElement("img");
        img.src = pad.toDataURL();
        document.getElementById("main").appendChild(img);
        return {canvas: box.querySelector("canvas") !== null, signed: !pad.isEmpty()};
    }"""
    )
    assert result == {"canvas": True, "signed": True}
    expect(page.locator("#main div", has_text="二月").last).to_be_visible()  # the HTML tooltip
    watched.assert_clean("charts and signatures")
