"""Every page opens in a real browser: by the sidebar, by a deep link in a new session, and by a deep link that is
the very first request to a fresh server (the router guard of DESIGN §6)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from worksmith.ui.navigation import DEFAULT, LAYOUT, url_path

pytestmark = pytest.mark.e2e

PAGES = [(file, title) for entries in LAYOUT.values() for file, title, _icon in entries]
TITLES = [title for _file, title in PAGES]
NAV_LINK = "[data-testid='stSidebarNavLink']"


def _nav_texts(page) -> list[str]:
    """The sidebar navigation labels, without the icons."""
    return [text.strip().splitlines()[-1].strip() for text in page.locator(NAV_LINK).all_inner_texts()]


def _path(page) -> str:
    """The page's URL path without the query string (pages keep their selection in query params)."""
    return urlsplit(page.url).path.strip("/")


def _expect_page(page, file: str, title: str, settle) -> None:
    """The page is ``file``: its URL, its title, the real navigation (waits: a routed link reruns twice)."""
    try:
        page.wait_for_url(lambda url: urlsplit(url).path.strip("/") == url_path(file), timeout=30_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"{title}: landed on {page.url}")
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text(title, timeout=30_000)
    settle(page)
    assert _path(page) == url_path(file), f"{title}: moved on to {page.url}"
    assert _nav_texts(page) == TITLES


def test_sidebar_navigation_visits_every_page(app_server, new_page, settle, assert_no_exception,
                                               assert_no_error_box, screenshot) -> None:
    page = new_page()
    page.goto(app_server.url)
    settle(page)
    assert_no_exception(page, "home")
    assert _nav_texts(page) == TITLES
    screenshot(page, "home")

    for index, (file, title) in enumerate(PAGES):
        page.locator(NAV_LINK).nth(index).click()
        page.wait_for_url(lambda url, file=file: urlsplit(url).path.strip("/") == url_path(file))
        settle(page)
        assert_no_exception(page, title)
        assert_no_error_box(page, title)
        _expect_page(page, file, title, settle)
        screenshot(page, url_path(file) or "overview")


@pytest.mark.parametrize(("file", "title"), PAGES, ids=[file.removesuffix(".py") for file, _t in PAGES])
def test_deep_link_in_a_new_session(app_server, new_page, settle, assert_no_exception, assert_no_error_box,
                                    screenshot, file: str, title: str) -> None:
    page = new_page()
    page.goto(f"{app_server.url}/{url_path(file)}")
    settle(page)
    assert_no_exception(page, title)
    assert_no_error_box(page, title)
    _expect_page(page, file, title, settle)
    screenshot(page, url_path(file) or "overview")


# One page is enough for the router (each cold case needs a server of its own); the Admin page, as in DESIGN §6.
COLD_FILE = "data.py" if "data.py" in dict(PAGES) else next(file for file, _t in PAGES if file != DEFAULT)


def test_cold_deep_link_is_the_first_request(fresh_server, new_page, settle, assert_no_exception, screenshot) -> None:
    """A shared link opened on a server that just started lands on that page with the real navigation."""
    file, title = COLD_FILE, dict(PAGES)[COLD_FILE]
    page = new_page()
    page.goto(f"{fresh_server.url}/{url_path(file)}")
    settle(page)
    assert_no_exception(page, f"cold /{url_path(file)}")
    _expect_page(page, file, title, settle)
    assert_no_exception(page, f"cold /{url_path(file)}")
    screenshot(page, url_path(file))
    cold_nav = _nav_texts(page)

    home = new_page()
    home.goto(fresh_server.url)
    settle(home)
    assert_no_exception(home, "home after the cold link")
    assert cold_nav == _nav_texts(home)


@pytest.mark.skipif("workload.py" not in dict(PAGES), reason="needs the Workload page (?weeks=)")
def test_cold_deep_link_keeps_its_query(fresh_server, new_page, settle, assert_no_exception, screenshot) -> None:
    """A shared link carries its selection in the query string (DESIGN §6 workshop mode); routing keeps it."""
    page = new_page()
    page.goto(f"{fresh_server.url}/workload?weeks=4")
    settle(page)
    _expect_page(page, "workload.py", "Workload", settle)
    assert_no_exception(page, "cold /workload?weeks=4")
    screenshot(page, "workload-weeks-4")
    assert parse_qs(urlsplit(page.url).query).get("weeks") == ["4"], page.url


def test_sidebar_shows_identity_picker_and_demo_badge(app_server, new_page, settle, assert_no_exception) -> None:
    page = new_page()
    page.goto(app_server.url)
    settle(page)
    sidebar = page.get_by_test_id("stSidebar")
    picker = sidebar.locator(".st-key-actor_id")
    expect(picker.get_by_test_id("stWidgetLabel")).to_have_text("Acting as")
    expect(picker.get_by_test_id("stSelectbox")).to_be_visible()
    expect(sidebar.locator(".stMarkdownBadge", has_text="demo data")).to_be_visible()
    assert_no_exception(page, "home")


def test_acting_as_survives_navigation(app_server, new_page, settle, assert_no_exception) -> None:
    """The "Acting as" choice is kept in session state while the user moves between pages (DESIGN §6)."""
    page = new_page()
    page.goto(app_server.url)
    settle(page)
    picker = page.get_by_test_id("stSidebar").locator(".st-key-actor_id")
    picker.get_by_test_id("stSelectbox").click()
    option = page.get_by_role("option").nth(1)
    person = option.inner_text().strip()
    option.click()
    settle(page)
    combobox = picker.get_by_role("combobox")
    expect(combobox).to_have_value(person)

    # to the last page and back (AppTest's test_acting_as_is_kept_across_pages visits every page)
    for index in (len(PAGES) - 1, 0):
        page.locator(NAV_LINK).nth(index).click()
        settle(page)
        assert_no_exception(page, PAGES[index][1])
        expect(combobox).to_have_value(person)


def test_data_page_builds_a_download_on_the_click(app_server, new_page, settle, assert_no_exception) -> None:
    """The table CSV and the milestones calendar are made when clicked (deferred), on the workspace of the page."""
    page = new_page()
    page.goto(f"{app_server.url}/data")
    settle(page)
    assert_no_exception(page, "data page")
    with page.expect_download(timeout=90_000) as info:
        page.locator(".st-key-data_csv_download button").click()
    first_line = open(info.value.path(), encoding="utf-8-sig").readline()
    assert first_line.startswith("id,") or ",id" in first_line, first_line
    with page.expect_download(timeout=90_000) as info:
        page.locator(".st-key-ics_workspace button").click()
    text = open(info.value.path(), encoding="utf-8").read()
    assert text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in text
