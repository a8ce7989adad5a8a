"""Public demo (``WORKSMITH_PUBLIC_DEMO=1``) in a real browser: two visitors on one server each get a sandbox of
their own. Each submits a request; neither sees the other's, each still sees their own after a rerun, and the
seeded demo database every sandbox is copied from is unchanged (its table contents fingerprinted with sqlite3).
With ``WORKSMITH_SANDBOX_CAP=1`` a second visitor is turned away with the "demo is full" message."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import start_server

pytestmark = pytest.mark.e2e

BANNER = "This is your own sandbox"
FULL = "The demo is full right now"
NAV_LINK = "[data-testid='stSidebarNavLink']"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    yield from start_server(tmp_path_factory.mktemp("public-demo"), WORKSMITH_PUBLIC_DEMO="1")


@pytest.fixture(scope="module")
def full_server(tmp_path_factory):
    yield from start_server(tmp_path_factory.mktemp("public-demo-cap"), WORKSMITH_PUBLIC_DEMO="1",
                            WORKSMITH_SANDBOX_CAP="1")


def fingerprint(db: Path) -> dict[str, str]:
    """Table name -> a hash of all its rows in a stable order (read-only: the fingerprint changes nothing)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        found = {}
        for table in tables:
            rows = sorted(repr(r) for r in con.execute(f'SELECT * FROM "{table}"'))
            found[table] = f"{len(rows)}:{hashlib.sha256(chr(10).join(rows).encode()).hexdigest()}"
        return found
    finally:
        con.close()


def sandboxes(server) -> list[Path]:
    return sorted(p for p in server.tmp.glob("e2e.branch-*.db") if ".branch-" not in p.name.split(".branch-", 1)[1])


def choose(page, key: str, text: str, settle) -> None:
    box = page.locator(f".st-key-{key} [role='combobox']")
    box.click()
    box.fill(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()
    settle(page)


def tab(page, label: str, settle) -> None:
    page.get_by_role("tab", name=re.compile(label)).click()
    settle(page)


def open_requests(server, page, settle, assert_no_exception, query: str = "") -> None:
    page.goto(f"{server.url}/requests{query}")
    settle(page)
    assert_no_exception(page, "requests")
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Requests")
    expect(page.get_by_test_id("stAlertContentInfo").filter(has_text=BANNER)).to_be_visible()


def submit_request(page, title: str, settle, assert_no_error_box) -> None:
    """Ava submits a request titled ``title`` through the form (the demo has 5 in the approver queue)."""
    choose(page, "actor_id", "Ava Thompson", settle)
    queue = page.get_by_role("tab", name=re.compile("Approver queue"))
    expect(queue).to_contain_text("(5)")
    tab(page, "New request", settle)
    form = page.get_by_test_id("stForm")
    choose(page, "req_new_type", "Marketing", settle)
    form.locator(".st-key-req_new_title input").fill(title)
    form.locator(".st-key-req_new_submit button:visible").click()
    expect(queue).to_contain_text("(6)")
    settle(page)
    assert_no_error_box(page, f"submitting {title}")


def rerun_requests(page, settle) -> None:
    """A rerun of the same session (in-app navigation away and back; a browser reload would be a new session)."""
    page.locator(NAV_LINK).filter(has_text="Overview").click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Overview")
    settle(page)
    page.locator(NAV_LINK).filter(has_text="Requests").click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Requests")
    settle(page)


def my_requests_text(page, settle) -> str:
    """The cards under "My requests" (Ava's, drawn as markdown: st.dataframe is a canvas without text)."""
    tab(page, "My requests", settle)
    panel = page.get_by_role("tabpanel").filter(has_text="Ava Thompson:")
    expect(panel).to_be_visible()
    return panel.inner_text()


def test_two_visitors_work_in_separate_sandboxes_and_the_seed_stays_unchanged(
        demo_server, new_page, settle, assert_no_exception, assert_no_error_box, screenshot) -> None:
    seed = demo_server.tmp / "e2e.db"
    first, second = new_page(), new_page()  # two browser contexts: two visitors
    open_requests(demo_server, first, settle, assert_no_exception)
    before = fingerprint(seed)
    assert int(before["project"].split(":")[0]) > 0, before  # the demo was seeded on the first visit
    open_requests(demo_server, second, settle, assert_no_exception)
    assert len(sandboxes(demo_server)) == 2

    submit_request(first, "Sandbox one: espresso machine", settle, assert_no_error_box)
    submit_request(second, "Sandbox two: standing desks", settle, assert_no_error_box)  # still (5) -> (6)
    screenshot(first, "first-visitor")

    for page, mine, theirs in ((first, "espresso machine", "standing desks"),
                               (second, "standing desks", "espresso machine")):
        rerun_requests(page, settle)
        expect(page.get_by_test_id("stAlertContentInfo").filter(has_text=BANNER)).to_be_visible()
        expect(page.get_by_role("tab", name=re.compile("Approver queue"))).to_contain_text("(6)")
        shown = my_requests_text(page, settle)
        assert mine in shown and theirs not in shown, shown
        assert_no_exception(page, "after the rerun")
    assert len(sandboxes(demo_server)) == 2  # the reruns kept each visitor's sandbox

    # a reload is a new Streamlit session: the sandbox key in the URL brings the visitor back to their own copy
    key = parse_qs(urlsplit(first.url).query)["sandbox"][0]
    assert (demo_server.tmp / f"e2e.branch-{key}.db") in sandboxes(demo_server)
    first.reload()
    settle(first)
    assert parse_qs(urlsplit(first.url).query)["sandbox"] == [key]
    choose(first, "actor_id", "Ava Thompson", settle)
    shown = my_requests_text(first, settle)
    assert "espresso machine" in shown and "standing desks" not in shown, shown
    assert len(sandboxes(demo_server)) == 2

    # a link naming no sandbox of this server (made up, or expired) gets a fresh copy of the demo, no error
    for junk in ("..%2F..%2Fe2e", "abcd1234abcd"):
        third = new_page()
        open_requests(demo_server, third, settle, assert_no_exception, query=f"?sandbox={junk}")
        assert parse_qs(urlsplit(third.url).query)["sandbox"][0] not in (junk, key)
        expect(third.get_by_role("tab", name=re.compile("Approver queue"))).to_contain_text("(5)")
    assert len(sandboxes(demo_server)) == 4
    assert fingerprint(seed) == before


def test_a_visitor_beyond_the_cap_is_told_the_demo_is_full(full_server, new_page, settle,
                                                           assert_no_exception) -> None:
    first = new_page()
    open_requests(full_server, first, settle, assert_no_exception)
    expect(first.get_by_text(FULL)).to_have_count(0)
    second = new_page()
    second.goto(f"{full_server.url}/requests")
    settle(second)
    assert_no_exception(second, "second visitor")
    expect(second.get_by_test_id("stAlertContentError").filter(has_text=FULL)).to_be_visible()
    expect(second.get_by_test_id("stAlertContentError")).to_contain_text("1 visitors at once")
    assert len(sandboxes(full_server)) == 1
    rerun_requests(first, settle)  # the visitor who got in keeps working
    expect(first.get_by_test_id("stAlertContentInfo").filter(has_text=BANNER)).to_be_visible()
