"""The Risk tab in a real browser on the demo (issue 15): Mobile app v2's Monte Carlo forecast shows its headline
"P80 finish … — … chance of making the 15 Dec target", the metric tiles and the three charts (histogram, S-curve,
criticality), drawn without an exception; the "Estimate uncertainty" helper opens with its percentages.

Screenshot: tests/e2e/artifacts/test_risk_*.png (1600×1000).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HEADLINE = re.compile(r"P80 finish \d{1,2} [A-Z][a-z]{2} — (\d+ %|< 1 %|> 99 %) chance of making the 15 Dec target")


def test_risk_tab_on_the_demo(app_server, new_page, settle, assert_no_exception, assert_no_error_box,
                              screenshot) -> None:
    page = new_page()
    page.goto(f"{app_server.url}/projects")
    settle(page)
    page.locator(".st-key-project input").click()
    page.keyboard.type("Mobile app v2")
    page.get_by_role("option", name="Mobile app v2", exact=True).click()
    settle(page)
    page.get_by_role("tab", name="Risk", exact=True).click()
    settle(page)
    assert_no_exception(page, "Risk tab")
    assert_no_error_box(page, "Risk tab")
    expect(page.get_by_role("heading", name=HEADLINE)).to_be_visible()
    for label in ("P80 finish", "Chance of making the target", "Forecast finish (plan)", "Uncertain tasks"):
        expect(page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(f"^{re.escape(label)}$"))
               ).to_be_visible()
    charts = page.locator("[data-testid='stVegaLiteChart']")
    expect(charts).to_have_count(3)
    for k in range(3):
        expect(charts.nth(k).locator("canvas, svg").first).to_be_visible()
    expect(page.get_by_text("Most likely to drive the date")).to_be_visible()
    first = page.locator("[data-testid='stMarkdownContainer'] ol li").first
    expect(first).to_have_text(re.compile(r"^#\d+ .+ on the critical path in \d+ % of runs"))
    page.get_by_text("Estimate uncertainty").click()
    expect(page.get_by_text("Assume a range for tasks without an estimate")).to_be_visible()
    screenshot(page, "mobile-app-v2")
    assert_no_exception(page, "Risk tab after opening the helper")
