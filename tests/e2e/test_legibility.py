"""Legible on a projector (UX.md; issue "One truth per figure" point 19): at 1280 × 720 no metric tile of the
Overview or the Budgets page is cut off with "…" — its value, label and delta show whole (AppTest cannot see
layout, so this runs in Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SMALL = {"width": 1280, "height": 720}
WAIT_MS = 60_000
# every element of a tile's value, label or delta whose text is wider than its box (Streamlit cuts it with "…")
CUT = """() => [...document.querySelectorAll(
    '[data-testid=stMetricValue], [data-testid=stMetricLabel], [data-testid=stMetricDelta]')]
  .flatMap(tile => [tile, ...tile.querySelectorAll('*')]
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => `${tile.dataset.testid} '${tile.innerText}': ${e.scrollWidth} px in ${e.clientWidth} px`))"""


@pytest.mark.parametrize("path", ["", "budgets", "budgets?owner=project:4"])
def test_no_metric_is_cut_off_at_1280(app_server, new_page, settle, assert_no_exception, screenshot, path) -> None:
    page = new_page()
    page.set_viewport_size(SMALL)
    page.goto(f"{app_server.url}/{path}")
    settle(page)
    expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=WAIT_MS)
    settle(page)
    assert_no_exception(page, path or "overview")
    values = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert len(values) >= 4 and any("€" in v for v in values), values  # the money tiles are there
    cut = page.evaluate(CUT)
    if cut:
        screenshot(page, "cut-" + (path or "overview"))
    assert not cut, cut
