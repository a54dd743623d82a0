"""Finance opens the dashboard in Chromium (Playwright, headless) on a phone and on a desktop: every chart is drawn
by the vendored Chart.js under the app's Content-Security-Policy (no console error, no CSP violation), each canvas
has ink of its first series' colour (read back from the canvas, and from a screenshot of it), nothing scrolls
sideways; and the AR aging chart's "Download data" CSV holds the aging report's buckets and amounts."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from tests.functional.browser.demo_server import DEMO_PASSWORD, LOGINS, ROOT, demo_env, running_demo
from tests.functional.browser.desk import CHROMIUM_ARGS, sign_in

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
FINANCE_CHARTS = {"payroll_cost_trend", "margin_trend", "ar_aging", "cash_out_by_pay_date", "liabilities_due",
                  "run_totals"}
# Pixels painted on a canvas, and those of the first series' colour (#1769aa = rgb(23, 105, 170), the colour the
# page script gives a chart's first series or a doughnut's first slice): axes and labels alone have none of it.
INK = """canvas => {
  const {width, height} = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  let painted = 0, first = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    painted++;
    if (Math.abs(data[i] - 23) < 10 && Math.abs(data[i + 1] - 105) < 10 && Math.abs(data[i + 2] - 170) < 10) first++;
  }
  return {width, height, painted, first};
}"""
# what a CSV's "Amount owed" column holds for each bucket of backoffice.billing.buckets.BUCKETS, read in the demo's
# own database by the app's aging report (a process of its own, like the demo server)
AGING = """
import json
from backoffice.app import create_app
app = create_app()                 # first: it imports every domain's models in their order
from backoffice.billing.aging import aging_report
from backoffice.billing.buckets import BUCKETS
from backoffice.clock import clock
from backoffice.money import ZERO
with app.app_context():
    rows = aging_report(clock().today())
    print(json.dumps([[label, str(sum((getattr(r, field) for r in rows), ZERO))] for field, label in BUCKETS]))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    database = tmp_path_factory.mktemp("charts-demo") / "demo.db"
    with running_demo(workers=40, database=database) as base:
        yield base, database


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _inked_share(png) -> float:
    """The share of a screenshot's pixels that are not the card's white (a blank canvas: 0)."""
    from PIL import Image

    with Image.open(png) as im:
        histogram = im.convert("L").histogram()         # pixels per grey level 0 (black) .. 255 (white)
    return sum(histogram[:235]) / sum(histogram)


def _dashboard(browser, base: str, viewport: dict):
    page = sign_in(browser, base, LOGINS["finance"], DEMO_PASSWORD, viewport=viewport)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base + "/admin/")
    page.wait_for_function("document.documentElement.hasAttribute('data-charts-drawn')")
    return page, problems


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_finance_sees_every_chart_drawn_on_a_phone_and_a_desktop(demo, browser, viewport, tmp_path):
    base, _database = demo
    page, problems = _dashboard(browser, base, viewport)
    names = page.eval_on_selector_all("script.tandem-chart-data", "els => els.map(e => e.dataset.for)")
    assert FINANCE_CHARTS <= set(names)
    assert page.evaluate("document.documentElement.getAttribute('data-charts-drawn')") == str(len(names))
    for name in names:
        canvas = page.locator(f"#canvas-{name}")
        canvas.scroll_into_view_if_needed()
        assert canvas.get_attribute("data-drawn") == "1", name
        box = canvas.bounding_box()
        assert 0 < box["width"] <= viewport["width"] and box["height"] >= 150, (name, box)
        ink = canvas.evaluate(INK)
        assert ink["first"] > 100 and ink["painted"] > ink["first"], (name, ink)    # bars or lines, and axes
        shot = tmp_path / f"{name}.png"
        canvas.screenshot(path=str(shot))
        assert _inked_share(shot) > 0.02, name
        # the figures fold away once drawn, the CSV link stays in view
        assert not page.locator(f"#chart-{name} details.tandem-figures").evaluate("d => d.open")
        assert page.locator(f"#chart-{name} a.chart-csv").is_visible()
    page.screenshot(path=str(tmp_path / "finance-dashboard.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]     # no sideways scrolling
    assert problems == []            # no script error and no Content-Security-Policy violation


def test_the_ar_aging_charts_download_matches_the_aging_report(demo, browser, tmp_path):
    """The demo leaves sent invoices, a partly paid one and an overdue one: the chart's CSV has one row per bucket
    (Current, 1–30, 31–60, 61–90, 90+) with the aging report's totals of that bucket over every client, to the
    cent (read in the demo's database, and from the Receivables aging page's CSV), at least one amount past due;
    the canvas was drawn from the same figures."""
    base, database = demo
    page, problems = _dashboard(browser, base, DESKTOP)
    with page.expect_download() as download:
        page.click("#chart-ar_aging a.chart-csv")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with open(saved, newline="") as fh:
        rows = list(csv.reader(fh))
    report = json.loads(subprocess.run([sys.executable, "-c", AGING], env=demo_env(database), cwd=ROOT,
                                       check=True, capture_output=True, text=True).stdout)
    assert rows[0] == ["Days past due", "Amount owed"]
    assert [[label, Decimal(amount)] for label, amount in rows[1:]] == \
        [[label, Decimal(amount)] for label, amount in report]
    assert sum(Decimal(a) for _l, a in rows[2:]) > 0                   # something is overdue in the demo
    # and the Receivables aging page's own CSV: its Total row, bucket by bucket
    page_csv = list(csv.reader(io.StringIO(page.request.get(base + "/admin/billing_aging/export.csv").text())))
    total = next(r for r in page_csv[1:] if r[1] == "Total")
    assert [Decimal(total[page_csv[0].index(label)]) for label, _a in rows[1:]] == [Decimal(a) for _l, a in rows[1:]]
    drawn = page.evaluate("window.tandemCharts.ar_aging.data.datasets[0].data")
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in drawn] == [Decimal(a) for _l, a in rows[1:]]
    assert problems == []


def test_with_scripts_off_each_chart_is_its_table_of_svg_bars(demo, browser):
    """No script runs: no canvas shows, every chart's table of figures is open with its SVG bars, and the CSV link
    is there."""
    base, _database = demo
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", LOGINS["finance"])
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    assert not page.locator("canvas").first.is_visible()
    tables = page.locator(".tandem-chart-table")
    assert tables.count() >= len(FINANCE_CHARTS)
    for i in range(tables.count()):
        assert tables.nth(i).is_visible() and tables.nth(i).locator("rect").count() > 0
    assert page.locator("#chart-run_totals a.chart-csv").is_visible()
    context.close()
