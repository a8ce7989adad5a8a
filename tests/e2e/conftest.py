"""Browser tests against a real ``streamlit run`` (DESIGN §8).

Each test module gets its own server on a free port with a temp SQLite database, a temp HOME and a pinned date;
the server is always terminated. One headless Chromium (Debian's /usr/bin/chromium) is shared by the session.
Tests wait on the app's script state, never on time.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
TODAY = "2026-11-25"
VIEWPORT = {"width": 1600, "height": 1000}
MAX_SHOT_HEIGHT = 8000
ACTING_AS = "1"  # ?as=1: the demo's first person (Ava Thompson); writes need someone chosen in "Acting as"
START_TIMEOUT_S = 60
SETTLE_TIMEOUT_MS = 60_000
# without the background-networking flags Chromium keeps trying hosts this machine's closed network refuses
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run streamlit_app.py`` on a free port with its own temp database and home."""

    def __init__(self, tmp: Path, **env: str) -> None:
        self.tmp = tmp
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "server.log"
        self.env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{tmp / 'e2e.db'}",
            WORKSMITH_TODAY=TODAY,
            HOME=str(tmp),
            XDG_CONFIG_HOME=str(tmp / "config"),
            XDG_CACHE_HOME=str(tmp / "cache"),
            XDG_DATA_HOME=str(tmp / "data"),
            STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
            **env,
        )
        self.process: subprocess.Popen[bytes] | None = None
        self._log = None

    def start(self) -> StreamlitServer:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail(f"streamlit exited with code {self.process.returncode} during start-up")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return self
            except OSError:
                time.sleep(0.2)
        self._fail(f"streamlit was not healthy on {self.url} after {START_TIMEOUT_S}s")
        raise AssertionError("unreachable")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _fail(self, reason: str) -> None:
        self.stop()
        print(f"--- server log ({self.log_path}) ---\n{self.log()[-4000:]}")
        pytest.fail(reason)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self._log is not None and not self._log.closed:
            self._log.close()


def start_server(tmp: Path, **env: str) -> Iterator[StreamlitServer]:
    """Start a server, yield it, always stop it (use with ``yield from`` in a fixture)."""
    server = StreamlitServer(tmp, **env)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """One server per test module on a fresh demo database (auto-seeded for the pinned date)."""
    yield from start_server(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def with_actor(url: str, acting_as: str) -> str:
    """``url`` with ``as=<person id>`` added unless it names someone already (a shared link's "acting as")."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key == "as" for key, _value in query):
        return url
    return urlunsplit(parts._replace(query=urlencode([*query, ("as", acting_as)])))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item, so a fixture's teardown knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests first, all on one xdist worker (``--dist loadgroup``): they wait on the app more than they
    compute, so the other worker runs the rest meanwhile; starting them last would leave one worker idle at the
    end."""
    browser_tests = [i for i in items if i.get_closest_marker("e2e")]
    for item in browser_tests:
        item.add_marker(pytest.mark.xdist_group("e2e"))
    items[:] = browser_tests + [i for i in items if not i.get_closest_marker("e2e")]


def report_failure(page, test_name: str) -> None:
    """What a failed browser test left on screen: URL, open tab, exceptions and error boxes, and a screenshot."""
    try:
        url = page.url
        tabs = page.locator("[role=tab][aria-selected=true]").all_inner_texts()
        boxes = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").all_inner_texts()
        shot = save_screenshot(page, test_name, "failure")
    except Exception as error:  # noqa: BLE001 - a closed page must not hide the test's own failure
        print(f"--- page at failure: unreadable ({error})")
        return
    print(f"--- page at failure: {url}\nselected tabs: {tabs}\nexceptions and errors: {boxes}\nscreenshot: {shot}")


@pytest.fixture
def new_page(browser, request: pytest.FixtureRequest):
    """``new_page()`` opens a page in a fresh browser context (a new Streamlit session); all are closed after.

    Its ``goto`` acts as the demo's first person (``?as=1``) so tests may write; ``new_page(acting_as=None)``
    starts as nobody. When the test fails, each page's state is printed (see :func:`report_failure`)."""
    contexts = []

    def open_page(acting_as: str | None = ACTING_AS):
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(SETTLE_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if acting_as is not None:
            goto = page.goto
            page.goto = lambda url, **kwargs: goto(with_actor(url, acting_as), **kwargs)
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for context in contexts:
            for page in context.pages:
                report_failure(page, request.node.name)
        for name in ("app_server", "fresh_server"):
            if name in request.fixturenames:
                server = request.getfixturevalue(name)
                print(f"--- {name} log, last lines ({server.log_path}) ---\n{server.log()[-3000:]}")
    for context in contexts:
        context.close()


def settle(page) -> None:
    """Wait until the app is connected and its script has finished (twice: a rerun may follow a switch_page)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(
        "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        " && a.getAttribute('data-test-connection-state') === 'CONNECTED'; }",
        timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => { const a = document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\");"
        " return a && a.getAttribute('data-test-connection-state') === 'CONNECTED'; }",
        timeout=SETTLE_TIMEOUT_MS)


def assert_no_exception(page, where: str = "") -> None:
    boxes = page.locator("[data-testid='stException']")
    texts = boxes.all_inner_texts()
    for text in texts:
        print(f"stException {where}:\n{text}")
    assert not texts, f"{len(texts)} exception(s) on {where or page.url}: {texts[0][:500]}"


def assert_no_error_box(page, where: str = "") -> None:
    texts = page.locator("[data-testid='stAlertContentError']").all_inner_texts()
    assert not texts, f"error box on {where or page.url}: {texts}"


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-")


def save_screenshot(page, test_name: str, name: str) -> Path:
    """Save a full-page screenshot (1600 wide, at least 1000 high) as tests/e2e/artifacts/<test>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{_slug(test_name)}-{_slug(name) or 'root'}.png"
    # Streamlit scrolls inside its main container, so a "full page" screenshot is one viewport high: grow the
    # viewport to the content for the shot, then put it back.
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll(\"[data-testid='stMain'], [data-testid='stSidebarContent']\")]"
        ".map(e => e.scrollHeight), 0)")
    page.set_viewport_size({**VIEWPORT, "height": min(max(VIEWPORT["height"], int(height)), MAX_SHOT_HEIGHT)})
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


# The helpers as fixtures, so test modules need not import this conftest.
@pytest.fixture(name="settle")
def settle_fixture():
    return settle


@pytest.fixture(name="assert_no_exception")
def assert_no_exception_fixture():
    return assert_no_exception


@pytest.fixture(name="assert_no_error_box")
def assert_no_error_box_fixture():
    return assert_no_error_box


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):
    """``screenshot(page, name)`` saves tests/e2e/artifacts/<this test>-<name>.png."""
    return lambda page, name: save_screenshot(page, request.node.name, name)


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[StreamlitServer]:
    """A server of its own for one test: the test's first request is the server's first request."""
    yield from start_server(tmp_path)
