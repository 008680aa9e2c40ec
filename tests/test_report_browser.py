"""`align compare`'s HTML report in a real headless Chromium: its plots render, replies stay text.

Skipped only where no Chromium is installed, unless COUNSEL_ALIGN_REQUIRE_BROWSER=1 (see
tests/test_label_browser.py). Saves a screenshot to ci-artifacts/compare-report.png.
"""

import numpy as np
from playwright.sync_api import sync_playwright

from tests.test_cli import align
from tests.test_compare import N, synthetic_eval
from tests.test_label_browser import ARTIFACTS, BROWSER_FLAGS, CHROMIUM


def test_overview_report_renders_its_plots_and_shows_replies_as_text(tmp_path):
    rng = np.random.default_rng(0)
    base = rng.uniform(1.0, 2.0, N)
    replies = [f"reply {i}" for i in range(N)]
    hostile = ["<script>window.injected = 1</script> Just get over it."] + replies[1:]
    sft = synthetic_eval(tmp_path / "A", "sft", list(base), [False] * N, replies)
    dpo = synthetic_eval(tmp_path / "B", "dpo", list(base + 2.0), [i < 15 for i in range(N)], hostile)
    ppo = synthetic_eval(tmp_path / "C", "ppo", list(base + 0.1), [False] * N, replies)
    out = tmp_path / "report"
    result = align("compare", str(sft), str(dpo), str(ppo), "--out", str(out))
    assert result.returncode == 0, result.stderr

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((out / "report.html").as_uri())
        images = page.locator("img")
        assert images.count() >= 4  # a forest plot and a distribution plot per comparison
        sizes = page.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert all(done and width > 100 and height > 100 for done, width, height in sizes), sizes
        assert page.evaluate("window.injected === undefined")  # the reply's script never ran
        assert page.get_by_text("<script>window.injected = 1</script>", exact=False).count() >= 1
        assert page.locator("h2", has_text="Every metric").count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "compare-report.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "compare-report.png").stat().st_size > 10_000
