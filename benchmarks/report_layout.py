"""How a report.html reads on a phone and a laptop: bytes, and in headless Chromium at 390 and
1,280 px the page's width (wider than the viewport = sideways scroll), its height, the tallest
row of the unserved table and the number of chart words kept as text.

    python benchmarks/report_layout.py PLAN_DIR [PLAN_DIR ...]

Run by hand (Debian's chromium and playwright, as the tests use); the numbers of issue 16 are
in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

MEASURE = """() => ({
  pageWidth: document.documentElement.scrollWidth,
  pageHeight: document.documentElement.scrollHeight,
  tallestUnservedRow: Math.round(Math.max(0, ...[...document.querySelectorAll('table.unserved tbody tr')]
      .map(row => row.getBoundingClientRect().height))),
  chartWords: document.querySelectorAll('svg.chart text').length,
})"""


def main(folders: list[str]) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        for folder in folders:
            html = Path(folder) / "report.html"
            row = {"report": str(html), "bytes": html.stat().st_size}
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(html.resolve().as_uri(), wait_until="load")
                row[str(width)] = page.evaluate(MEASURE)
                page.close()
            print(json.dumps(row))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
