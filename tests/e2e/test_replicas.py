"""Two app replicas on one PostgreSQL database (the hosted set-up behind a load balancer): a change made through
server A is shown by server B on its next rerun, because every read cache is keyed by the workspace revision that
each write bumps. Each run uses a fresh schema, dropped afterwards. PostgreSQL unreachable: skipped with the reason
(``WORKSMITH_REQUIRE_PG=1``: failed)."""

from __future__ import annotations

import os
import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.conftest import StreamlitServer
from tests.e2e.test_public_demo import choose, rerun_requests, tab
from worksmith.store.db import get_engine

pytestmark = pytest.mark.e2e

PG_URL = os.environ.get("WORKSMITH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TITLE = "Replica check: new badge printer"


def _pg_problem() -> str | None:
    engine = get_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        return None
    except Exception as exc:  # any failure to connect means "not reachable" here
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def shared_url():
    """A fresh schema in the test database, as a DATABASE_URL; dropped (with anything in it) afterwards."""
    if problem := _pg_problem():
        if os.environ.get("WORKSMITH_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL at {PG_URL} is required here but unreachable: {problem}")
        pytest.skip(f"PostgreSQL at {PG_URL} unreachable ({problem}); set WORKSMITH_TEST_PG_URL to run this test")
    schema = f"rep_{uuid.uuid4().hex[:12]}"
    admin = get_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def replicas(shared_url, tmp_path_factory):
    servers = []
    try:
        for name in ("a", "b"):
            server = StreamlitServer(tmp_path_factory.mktemp(f"replica-{name}"))
            server.env["DATABASE_URL"] = shared_url
            servers.append(server.start())
        yield servers
    finally:
        for server in servers:
            server.stop()


def open_requests(server, page, settle, assert_no_exception) -> None:
    page.goto(f"{server.url}/requests")
    settle(page)
    assert_no_exception(page, f"requests on {server.url}")
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Requests")
    choose(page, "actor_id", "Ava Thompson", settle)


def test_an_edit_on_one_replica_shows_on_the_other_after_a_rerun(replicas, new_page, settle, assert_no_exception,
                                                                 assert_no_error_box) -> None:
    a, b = replicas
    assert a.port != b.port and a.env["DATABASE_URL"] == b.env["DATABASE_URL"]
    page_a, page_b = new_page(), new_page()
    open_requests(a, page_a, settle, assert_no_exception)  # the first visit migrates and seeds the schema
    open_requests(b, page_b, settle, assert_no_exception)
    queue_a = page_a.get_by_role("tab", name=re.compile("Approver queue"))
    queue_b = page_b.get_by_role("tab", name=re.compile("Approver queue"))
    expect(queue_b).to_contain_text("(5)")  # B has read (and cached) the queue before the edit

    tab(page_a, "New request", settle)
    form = page_a.get_by_test_id("stForm")
    choose(page_a, "req_new_type", "Operations", settle)
    form.locator(".st-key-req_new_title input").fill(TITLE)
    form.locator(".st-key-req_new_submit button:visible").click()
    expect(queue_a).to_contain_text("(6)")
    settle(page_a)
    assert_no_error_box(page_a, "submitting on A")

    rerun_requests(page_b, settle)
    assert_no_exception(page_b, "B after the rerun")
    expect(queue_b).to_contain_text("(6)")
    tab(page_b, "My requests", settle)
    expect(page_b.get_by_role("tabpanel").filter(has_text="Ava Thompson:")).to_contain_text(TITLE)
