"""The HTML report opened in headless Chromium: it loads offline from one file and its inline SVG
charts are drawn (pixels of the chart colours appear in a screenshot).

Skipped when no Chromium is installed (Debian: ``apt-get install -y chromium``)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from storagebench.report import build_report
from report_support import format_set, run_doc, write_json

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")

_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
          "--disable-extensions", "--disable-background-networking"]


def _chromium(*args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *_FLAGS, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    run = write_json(tmp / "r.json", run_doc(format_set("parquet", 20_000, 0.02, 0.01, 0.002, 0.003)
                                             + format_set("csv", 90_000, 0.01, 0.04, 0.03, 0.035)
                                             + format_set("orc", 15_000, 0.03, 0.02, 0.004, 0.004)))
    paths = build_report([run], tmp / "out")
    # Alone in its own directory: proves the page needs nothing beside it.
    alone = tmp / "alone"
    alone.mkdir()
    shutil.copy(paths.html, alone / "report.html")
    return alone / "report.html", paths


def test_dom_has_the_charts(page):
    html, paths = page
    proc = _chromium("--dump-dom", html.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert "storagebench decision report" in dom
    assert dom.count("<svg") == len(paths.charts) >= 2
    assert 'data-key="recommend:archive"' in dom


def test_screenshot_shows_drawn_charts(page, tmp_path):
    from matplotlib import image

    html, _ = page
    shot = tmp_path / "shot.png"
    proc = _chromium(f"--screenshot={shot}", "--window-size=1200,5000", html.as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    pixels = (image.imread(shot)[..., :3] * 255).round()
    # Size bars are matplotlib C0 (#1f77b4, drawn at alpha 0.8 on white) and Pareto points C3
    # (#d62728): neither colour is used by the page's own styles, so they come from the SVGs.
    def near(rgb, tol=40):
        return int(((abs(pixels - rgb)).max(axis=-1) < tol).sum())

    bar = [0x1f * 0.8 + 255 * 0.2, 0x77 * 0.8 + 255 * 0.2, 0xb4 * 0.8 + 255 * 0.2]
    assert near(bar) > 500, "no size-chart bars drawn"
    assert near([0xd6, 0x27, 0x28]) > 30, "no Pareto points drawn"
