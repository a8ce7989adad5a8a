"""People in a real browser: "acting as" is chosen in the sidebar and survives a reload (it lives in the URL as
?as=<id>), a person added on the People page shows up in the Workload heatmap, and nobody chosen means no write."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

AVA = "Ava Thompson"  # person 1 of the demo
DRAWN_MS = 60_000


def acting_as(page):
    """The sidebar's "Acting as" picker (its input holds the chosen name)."""
    return page.locator(".st-key-actor_id input")


def url_actor(page) -> str | None:
    return parse_qs(urlsplit(page.url).query).get("as", [None])[0]


def test_add_a_person_and_see_them_in_workload(app_server, new_page, settle, assert_no_exception,
                                              assert_no_error_box, screenshot) -> None:
    page = new_page(acting_as=None)
    page.goto(f"{app_server.url}/people")
    settle(page)
    assert_no_exception(page, "people")
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("People")
    expect(acting_as(page)).to_have_value(re.compile("choose yourself"))

    # nobody chosen: the write is refused with the sentence that says what to do, nothing is saved
    page.locator(".st-key-people_add_name input").fill("Eve Nobody")
    page.get_by_role("button", name="Add person").click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Choose who you are in 'Acting as'")

    # choose yourself in the sidebar: it goes into the URL and survives a reload
    acting_as(page).click()
    page.keyboard.type(AVA)
    page.get_by_role("option", name=AVA, exact=True).click()
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]as=1\b"))
    page.reload()
    settle(page)
    expect(acting_as(page)).to_have_value(AVA)

    page.locator(".st-key-people_add_name input").fill("Nora Quinn")
    page.locator(".st-key-people_add_role input").fill("Data scientist")
    page.locator(".st-key-people_add_skills input").fill("data, ml")
    page.get_by_role("button", name="Add person").click()
    settle(page)
    assert_no_exception(page, "people after adding")
    assert_no_error_box(page, "people after adding")
    expect(page.get_by_test_id("stToast")).to_contain_text("Added Nora Quinn")
    screenshot(page, "people")

    # the sidebar navigation keeps the session: still acting as Ava, and Nora is on the Workload heatmap
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Workload").click()
    settle(page)
    assert_no_exception(page, "workload")
    expect(page.locator(".st-key-workload_heatmap g.mark-rect path[aria-label*='Person: Nora Quinn;']").first
           ).to_be_attached(timeout=DRAWN_MS)
    expect(acting_as(page)).to_have_value(AVA)
    assert url_actor(page) == "1", page.url
