"""The Workload page in a real browser on the demo (issue 5, "Done when"): the heatmap shows an over-allocated week,
a suggested fix is applied in one click, and the same cell is no longer over 100 %. Screenshots before and after.

The heatmap is drawn as SVG: every cell is a ``path`` whose aria-label carries its person, week, colour band and
tooltip fields, so the test reads the chart the browser actually drew.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HEATMAP = ".st-key-workload_heatmap"
OLIVIA_W49 = "Olivia Martin · 2026-W49"
DRAWN_MS = 60_000  # Vega draws the SVG after the script has finished; a busy machine takes a while


def olivia_cell(page):
    return page.locator(f"{HEATMAP} g.mark-rect path[aria-label*='Person: Olivia Martin;']"
                        "[aria-label*='Week: 2026-W49']")


def olivia_label(page):
    return page.locator(f"{HEATMAP} g.mark-text text[aria-label*='Person: Olivia Martin;']"
                        "[aria-label*='Week: 2026-W49']")


def show_tooltip(page):
    cell = olivia_cell(page)
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    # the bottom-right corner: the % label in the middle would take the hover, and the tooltip opens beside the cell
    cell.hover(position={"x": box["width"] - 8, "y": box["height"] - 8})
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    return tooltip


def test_apply_a_suggestion_clears_the_over_allocated_cell(app_server, new_page, settle, assert_no_exception,
                                                           assert_no_error_box, screenshot) -> None:
    page = new_page()
    page.goto(f"{app_server.url}/workload")
    settle(page)
    assert_no_exception(page, "workload")
    assert_no_error_box(page, "workload")
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Workload")

    # before: Olivia Martin is over capacity in W49 (22.7 h of work against 12.8 h: 177 %)
    expect(olivia_cell(page)).to_have_count(1, timeout=DRAWN_MS)
    expect(olivia_cell(page)).to_have_attribute("aria-label", re.compile(r"Utilisation: over 125 %"))
    expect(olivia_label(page)).to_have_text("▲177%")
    tooltip = show_tooltip(page)
    expect(tooltip).to_contain_text("Landing pages (Spring campaign) 22.7 h")
    expect(tooltip).to_contain_text("177 %")
    over_cells = page.locator(f"{HEATMAP} g.mark-rect path[aria-label*='Utilisation: over']")
    n_over = over_cells.count()
    assert n_over >= 2
    screenshot(page, "before-heatmap")

    card = page.locator("[class*='st-key-workload_over_']").filter(has_text=OLIVIA_W49)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Caused by: Landing pages (Spring campaign)")
    expect(card).to_contain_text("Reassign 'Landing pages' from Olivia Martin to Isla Novak")
    card.scroll_into_view_if_needed()
    screenshot(page, "before-suggestion")

    card.locator("[class*='st-key-workload_fix_reassign_'] button:visible").click()
    settle(page)
    assert_no_exception(page, "after applying the fix")
    assert_no_error_box(page, "after applying the fix")

    # after: the same cell is drawn again from the new plan and is no longer over 100 %
    expect(page.locator("[data-testid='stToast']")).to_contain_text("'Landing pages' reassigned to Isla Novak",
                                                                    timeout=DRAWN_MS)
    expect(olivia_label(page)).to_have_text("0%", timeout=DRAWN_MS)
    expect(olivia_cell(page)).not_to_have_attribute("aria-label", re.compile(r"Utilisation: (over|100)"))
    expect(over_cells).to_have_count(n_over - 1)
    expect(page.locator("[class*='st-key-workload_over_']").filter(has_text=OLIVIA_W49)).to_have_count(0)
    tooltip = show_tooltip(page)
    expect(tooltip).to_contain_text("nothing planned")
    screenshot(page, "after-heatmap")
    isla = page.locator(f"{HEATMAP} g.mark-rect path[aria-label*='Person: Isla Novak;'][aria-label*='Week: 2026-W49']")
    expect(isla).not_to_have_attribute("aria-label", re.compile(r"Utilisation: over"))
