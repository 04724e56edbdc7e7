"""report.html and comparison.html in a real headless browser (Debian's chromium).

The pages must load from disk with no console error, every chart must be a
non-empty SVG with a size on screen, and the key numbers must be in the DOM.
A full-page screenshot of each is kept in tests/artifacts/ for a person to look at.
The test is skipped, saying why, only when chromium or playwright is missing;
`.ci/run` installs chromium so that CI runs it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from test_report import (  # the day worked out by hand there
    FAST_ARGS,
    plan_folder,
    tiny_data,
    write_yaml,
)
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.planfolder.folder import write_plan_files
from optimizer.planfolder.publish import publish
from optimizer.report.workload import write_report
from optimizer.scenario.generate import generate
from optimizer.scenario.schema import Scenario
from optimizer.solvers.greedy import solve_greedy

ARTIFACTS = Path(__file__).parent / "artifacts"


def open_page(browser, html: Path, screenshot: str):
    """Load a page from disk; return it with the console errors and page errors it raised."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(html.resolve().as_uri(), wait_until="load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
    return page, errors + [f"request failed: {url}" for url in failed]


def assert_charts_drawn(page, expected: int) -> None:
    charts = page.locator("svg.chart")
    assert charts.count() == expected
    for index in range(expected):
        chart = charts.nth(index)
        assert chart.evaluate("el => el.querySelectorAll('path, use, text').length") > 10, index
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, (index, box)


def test_report_in_a_browser(browser, tmp_path: Path):
    folder = plan_folder(tmp_path / "tiny-a", tiny_data())
    page, errors = open_page(browser, folder / "report.html", "report.png")
    assert errors == []
    assert page.title().startswith("Rapport de charge")
    assert_charts_drawn(page, 5)
    shown = {metric: page.locator(f"[data-metric='{metric}']").first.inner_text()
             for metric in ("served", "requests", "supervised_minutes", "officers_mobilised", "max_share_of_shift")}
    assert shown == {"served": "6", "requests": "9", "supervised_minutes": "120", "officers_mobilised": "3",
                     "max_share_of_shift": "25\u00a0%"}
    assert page.locator("tr[data-officer='007']").count() == 1
    assert page.locator("table.unserved tbody tr").count() == 3


def test_comparison_in_a_browser(browser, tmp_path: Path):
    a = write_yaml(tmp_path / "a.yaml", tiny_data("tiny-a"))
    b = write_yaml(tmp_path / "b.yaml", tiny_data("tiny-b", bob=False))
    out = tmp_path / "cmp"
    result = CliRunner().invoke(app, ["compare", str(a), str(b), "--out", str(out), *FAST_ARGS])
    assert result.exit_code == 0, result.output
    page, errors = open_page(browser, out / "comparison.html", "comparison.png")
    assert errors == []
    assert_charts_drawn(page, 1)
    assert "2 demandes servies de moins" in page.locator(".answer").first.inner_text()
    served = page.locator("table[data-station='total'] tr[data-metric='served'] td[data-scenario='tiny-b']")
    assert served.inner_text().split() == ["4", "(\u22122)"]
    # The plan folders written for the comparison open too, from its links.
    page.locator("a", has_text="ouvrir").nth(1).click()
    page.wait_for_load_state("load")
    assert page.url.endswith("plans/tiny-b/report.html")
    assert page.locator("[data-metric='served']").first.inner_text() == "4"
    shutil.copy(out / "comparison.csv", ARTIFACTS / "comparison.csv")


WIDTHS = (390, 1280)  # a phone, a laptop


def layout(browser, html: Path, width: int, screenshot: str) -> dict:
    """What a person meets at `width` px: the page's width, the tallest row of the unserved table,
    the charts' words as text, and whether every chart has an accessible name."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(html.resolve().as_uri(), wait_until="load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / screenshot))
    found = page.evaluate("""() => ({
        pageWidth: document.documentElement.scrollWidth,
        tallestUnservedRow: Math.max(0, ...[...document.querySelectorAll('table.unserved tbody tr')]
            .map(row => row.getBoundingClientRect().height)),
        chartWords: [...document.querySelectorAll('svg.chart text')].map(text => text.textContent),
        untitledCharts: [...document.querySelectorAll('svg.chart')].filter(svg => !svg.querySelector('title')).length,
        tablesWiderThanTheirBox: [...document.querySelectorAll('table')].filter(
            table => table.getBoundingClientRect().width > table.parentElement.clientWidth + 1).map(t => t.className),
    })""")
    page.close()
    return found


def test_the_report_fits_a_phone_and_a_laptop(browser, tmp_path: Path):
    folder = plan_folder(tmp_path / "tiny-a", tiny_data())
    for width in WIDTHS:
        seen = layout(browser, folder / "report.html", width, f"report-{width}.png")
        assert seen["pageWidth"] <= width, (width, seen)  # no sideways scroll of the page
        assert seen["tallestUnservedRow"] < 120, (width, seen)
        assert "alice · st-a" in seen["chartWords"] and "10:00" in seen["chartWords"]  # text, not paths
        assert seen["untitledCharts"] == 0
        if width == 1280:
            assert seen["tablesWiderThanTheirBox"] == []


def test_a_day_of_a_thousand_requests_stays_a_page_a_person_can_scan(browser, tmp_path: Path):
    scenario = Scenario.model_validate(generate(20, 1000, seed=1))
    result = solve_greedy(scenario)
    folder = tmp_path / "big"
    publish(folder, False, lambda f: (write_plan_files(f, scenario, result), write_report(f, "fr")))
    html = folder / "report.html"
    assert html.stat().st_size <= 1_000_000
    text = html.read_text(encoding="utf-8")
    assert text.count('<details class="station"') == 20  # each station folded under its summary line
    assert 'class="officer-stations"' in text  # officers per station before the officers one by one
    assert "plan.csv" in text and '<table class="plan">' not in text  # the 1,000 lines stay in the CSV
    for width in WIDTHS:
        seen = layout(browser, html, width, f"report-1000-{width}.png")
        assert seen["pageWidth"] <= width, (width, seen)
        officers_charted = {word for word in seen["chartWords"] if " · st-" in word}
        assert 0 < len(officers_charted) <= 60  # the 30 busiest, on the timeline and the caps chart
        assert seen["untitledCharts"] == 0
