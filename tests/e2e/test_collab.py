"""Collaboration in a real browser: Ava posts an update mentioning Sofia on a project's Updates tab; acting as Sofia
the sidebar shows the unread count, the inbox lists the mention, Open lands on the project's Updates tab with the
update highlighted, and the item is then read."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SOFIA = "Sofia Rossi"  # person 3 of the demo


def test_mention_reaches_the_inbox_and_opens_at_the_updates_tab(app_server, new_page, settle, assert_no_exception,
                                                                assert_no_error_box) -> None:
    page = new_page()  # acting as Ava Thompson (person 1)
    page.goto(f"{app_server.url}/projects?project=Website+relaunch&tab=Updates")
    settle(page)
    assert_no_exception(page, "updates tab")
    page.locator(".st-key-upd_1_post_body textarea").fill(f"Hero copy is ready for review, @{SOFIA}")
    page.get_by_role("button", name="Post update").click()
    settle(page)
    assert_no_error_box(page, "post")
    expect(page.get_by_test_id("stMain")).to_contain_text("Hero copy is ready for review")

    # switch "acting as" to Sofia in the sidebar: her inbox count shows, the mention is listed
    picker = page.locator(".st-key-actor_id input")
    picker.click()
    page.keyboard.type(SOFIA)
    page.get_by_role("option", name=SOFIA, exact=True).click()
    settle(page)
    inbox_link = page.get_by_test_id("stSidebar").get_by_role("link", name=re.compile(r"Inbox \(\d+\)"))
    expect(inbox_link).to_be_visible()
    unread = int(re.search(r"\((\d+)\)", inbox_link.inner_text()).group(1))
    assert unread >= 1
    inbox_link.click()
    settle(page)
    assert_no_exception(page, "inbox")
    item = page.locator("[class*='st-key-inbox_mention_']").filter(has_text="Ava Thompson mentioned you")
    expect(item.first).to_be_visible()
    item.first.get_by_role("button", name="Open").click()
    settle(page)
    expect(page).to_have_url(re.compile(r"tab=Updates"))
    expect(page).to_have_url(re.compile(r"project=Website"))
    expect(page.get_by_test_id("stMain")).to_contain_text("opened from your inbox")
    expect(page.get_by_test_id("stSidebar").get_by_role("link", name=f"Inbox ({unread - 1})")).to_be_visible()
