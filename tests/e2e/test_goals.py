"""The Goals page in a real browser on the demo (Northwind Studio, 25 Nov 2026): which goals are at risk and why,
what work serves a goal, what is unaligned, which candidates fit capacity — then a check-in and an approval.

Screenshots (1600×1000, the projector) go to tests/e2e/artifacts/test_goals_*.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


WAIT_MS = 30_000  # the machine may be busy: a rerun after a write can take a while


def seen(locator) -> None:
    expect(locator).to_be_visible(timeout=WAIT_MS)


def _goal_param(page) -> str:
    return parse_qs(urlsplit(page.url).query).get("goal", [""])[0]


def _open(page, url: str, settle) -> None:
    page.goto(url)
    settle(page)
    page.locator(".st-key-goals_goal").wait_for()
    settle(page)


def _show(page, locator) -> None:
    """Scroll ``locator`` to the top of the viewport for a screenshot."""
    locator.scroll_into_view_if_needed()
    locator.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)


def _viewport_shot(page, request, name: str) -> None:
    """What the projector shows (1600×1000) where the page is scrolled to: tests/e2e/artifacts/<test>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"))


def _cells(page) -> list[str]:
    """The text of every table cell on the page (st.dataframe draws on a canvas but keeps an accessible grid)."""
    return page.locator("[data-testid=stDataFrame] [role=gridcell]").all_inner_texts()


def _cell(page, text: str) -> None:
    """Wait until a table cell reads ``text`` (a rerun may still be redrawing the grid)."""
    expect(page.locator("[data-testid=stDataFrame] [role=gridcell]").filter(has_text=text).first).to_be_attached(
        timeout=WAIT_MS)


def test_goals_answer_the_four_questions(app_server, new_page, settle, assert_no_exception, assert_no_error_box,
                                         screenshot, request) -> None:
    page = new_page()
    _open(page, f"{app_server.url}/goals", settle)
    assert_no_exception(page, "goals")
    assert_no_error_box(page, "goals")

    # 1. which goals are at risk: the tiles, the tree chart's finding, and the goal furthest behind opened by default
    metrics = page.get_by_test_id("stMetric")
    expect(metrics).to_have_count(4, timeout=WAIT_MS)
    expect(metrics.nth(1)).to_contain_text("Goals at risk")
    expect(metrics.nth(1)).to_contain_text("3")
    expect(metrics.nth(3)).to_contain_text("274 h")
    seen(page.get_by_text(re.compile(r"^0 off track, 3 at risk of 6 goals; furthest behind: Close the books")))
    expect(page.get_by_test_id("stMain").locator("h3").first).to_have_text("Close the books in five days",
                                                                          timeout=WAIT_MS)
    assert _goal_param(page) == "5"
    _viewport_shot(page, request, "1-first-screen")
    screenshot(page, "0-whole-page")

    # ... and why: a shared link names the goal; the expander shows the formula with the numbers
    page2 = new_page()
    _open(page2, f"{app_server.url}/goals?goal=3", settle)
    expect(page2.get_by_test_id("stMain").locator("h3").first).to_have_text("Delight our customers", timeout=WAIT_MS)
    page2.get_by_text("Why this status?").click()
    why = page2.get_by_text(re.compile(r"0\.28 / 0\.52 = 0\.54, between 0\.4 and 0\.7 → at risk"))
    seen(why)
    _show(page2, page2.get_by_test_id("stMain").locator("h3").first)
    _viewport_shot(page2, request, "2-why-at-risk")

    # 2. what work serves it: KR charts with their findings, then the linked projects and operations
    seen(page2.get_by_text(re.compile(r"^Net promoter score: 34\.4 points now, 38\.7 points expected")))
    seen(page2.get_by_text(re.compile(r"3 items serve this goal: 1,899 h")))
    work = page2.get_by_text("Work serving this goal")
    _show(page2, work)
    assert {"Mobile app v2", "Customer portal", "IT support"} <= set(_cells(page2))
    _viewport_shot(page2, request, "3-work-serving-the-goal")

    # a check-in through the form changes the KR's last check-in
    page2.locator(".st-key-goals_checkin_value input").fill("36")
    page2.locator(".st-key-goals_checkin_note input").fill("Survey after the support revamp")
    page2.get_by_role("button", name="Record check-in").click()
    settle(page2)
    seen(page2.get_by_text(re.compile(r"Last check-in Wed 25 Nov 2026 · confidence 7/10 · “Survey after")))
    seen(page2.get_by_text(re.compile(r"^Net promoter score: 36 points now")))
    assert_no_error_box(page2, "after the check-in")

    # 3. what is unaligned
    unaligned = page.get_by_role("heading", name="Unaligned work")
    _show(page, unaligned)
    seen(page.get_by_text(re.compile(r"^1 live item serves no goal: 274 h and €22,120")))
    _cell(page, "Payroll")

    # 4. which candidates fit: ranked, scattered, checked against the free hours of the months their work falls in
    ranking = page.get_by_role("heading", name="Initiative ranking and capacity")
    _show(page, ranking)
    seen(page.get_by_text(re.compile(r"^Data warehouse ranks first with a")))  # the chart title wraps: "…score of 67"
    # the demo shows the cut line at the default reserve: the rolling forecast needs more Finance hours than are free
    seen(page.get_by_text(re.compile(r"^2 of 3 ranked candidates fit the months")))  # the chart title wraps
    _cell(page, "■ no: Finance 144 h short in Jan 2027")
    _cell(page, "○ needs an estimate")
    _viewport_shot(page, request, "4-ranking-cut-line")

    # what if we keep 80 % of free hours in reserve? the portal falls below the line too
    thumb = page.locator(".st-key-goals_reserve input[type=range]")
    thumb.focus()
    thumb.press("End")  # 90 %
    thumb.press("ArrowLeft")
    thumb.press("ArrowLeft")  # 80 %
    settle(page)
    seen(page.get_by_text(re.compile(r"^1 of 3 ranked candidates fit the months")))
    _cell(page, "■ no: Engineering 117 h short in Jan 2027 (+1 more)")
    _show(page, ranking)
    _viewport_shot(page, request, "5-cut-line")

    # approving the top candidate makes it an active project: it leaves the list
    page.locator(".st-key-goals_approve_pick input").click()
    page.keyboard.type("Data warehouse")  # four candidates now: typing filters the list
    page.get_by_role("option", name="#1 Data warehouse").click()
    page.get_by_role("button", name="Approve → active project").click()
    settle(page)
    seen(page.get_by_text(re.compile(r"^Customer portal ranks first with a")))
    assert_no_exception(page, "after approving")
    assert_no_error_box(page, "after approving")
    _show(page, ranking)
    _viewport_shot(page, request, "6-after-approval")
