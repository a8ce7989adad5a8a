"""Which workspace a session works in: live, or a scenario (a branch of live), chosen in the sidebar and kept in
the URL (``?scenario=<key>``) so a shared link opens the same scenario.

One engine per database URL (cached for the process); every view and command runs unchanged on either, because a
scenario is just another URL (``worksmith.store.branches``). Reads are cached per URL and workspace revision, so a
write on any replica is seen on the next rerun.
"""

from __future__ import annotations

import os
import time
from datetime import date

import streamlit as st
from sqlalchemy.engine import Engine

from worksmith import demo
from worksmith.store import branches
from worksmith.store.db import database_url, get_engine, read_session, revision, upgrade
from worksmith.ui.markdown import md
from worksmith.views import workspace as workspace_view
from worksmith.views.changes import change_count

SCENARIO = "scenario"  # the query parameter and the session key
SANDBOX = "_sandbox"  # public demo: this browser session's own copy of the seeded demo
SANDBOX_PARAM = "sandbox"  # ... kept in the URL, so a reload (a new Streamlit session) finds it again
SANDBOX_IDLE_SECONDS = 2 * 3600
SANDBOX_CAP = int(os.environ.get("WORKSMITH_SANDBOX_CAP", "40"))
SANDBOX_DISK_MB = int(os.environ.get("WORKSMITH_SANDBOX_DISK_MB", "2048"))
TOUCH_EVERY_SECONDS = 60


def public_demo() -> bool:
    """``WORKSMITH_PUBLIC_DEMO=1``: every visitor works in a private sandbox; restore, start over and roles are off."""
    return os.environ.get("WORKSMITH_PUBLIC_DEMO") == "1"


def today() -> date:
    """Today, or ``WORKSMITH_TODAY`` (YYYY-MM-DD) so screenshots and tests can pin the date."""
    pinned = os.environ.get("WORKSMITH_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


@st.cache_resource(show_spinner="Opening the workspace…")
def _engine(url: str) -> Engine:
    engine = get_engine(url)
    upgrade(engine)
    if url == database_url() and (public_demo() or os.environ.get("WORKSMITH_DEMO", "1") != "0"):
        with read_session(engine) as session:
            new = workspace_view.is_new(session)
        if new:
            demo.seed(engine, "S", today=today())
    return engine


def seed_url() -> str:
    """The database the app was started on (in a public demo: the seeded demo no visitor ever writes)."""
    return database_url()


def live_url() -> str:
    """What this session calls live: the workspace, or in a public demo the visitor's own sandbox."""
    return _sandbox_url() if public_demo() else database_url()


_last_expiry = [0.0]


def _sandbox_url() -> str:
    seed = seed_url()
    _engine(seed)  # seeded before the first copy
    key = st.session_state.get(SANDBOX) or _sandbox_from_link(seed)
    if key and branches.exists(seed, key):
        st.session_state[SANDBOX] = key
        if st.query_params.get(SANDBOX_PARAM) != key:
            st.query_params[SANDBOX_PARAM] = key  # in the URL on every page: a reload comes back to the same sandbox
        _touch(seed, key)
        return branches.branch_url(seed, key)
    now = time.monotonic()
    if now - _last_expiry[0] > TOUCH_EVERY_SECONDS:
        _last_expiry[0] = now
        branches.expire(seed, kind="sandbox", idle_seconds=SANDBOX_IDLE_SECONDS)
    if len(branches.branch_keys(seed)) >= SANDBOX_CAP:
        st.error(f"The demo is full right now ({SANDBOX_CAP} visitors at once). Please try again in a few minutes.",
                 icon=":material/hourglass_top:")
        st.stop()
    if branches.disk_bytes(seed) >= SANDBOX_DISK_MB * 1024 * 1024:
        st.error("The demo has no room for another sandbox right now. Please try again later.",
                 icon=":material/hourglass_top:")
        st.stop()
    made = branches.create_branch(seed, name="Visitor sandbox", kind="sandbox", created_by="visitor")
    st.session_state[SANDBOX] = made.key
    st.session_state["_sandbox_touched"] = now
    st.query_params[SANDBOX_PARAM] = made.key
    return made.url


def _sandbox_from_link(seed: str) -> str | None:
    """The sandbox named in the URL (a reload, or a new tab with the visitor's own link), if it is one."""
    key = st.query_params.get(SANDBOX_PARAM)
    if not key or not branches.valid_key(key) or not branches.exists(seed, key):
        st.query_params.pop(SANDBOX_PARAM, None)
        return None
    return key


def _touch(seed: str, key: str) -> None:
    now = time.monotonic()
    if now - st.session_state.get("_sandbox_touched", 0.0) > TOUCH_EVERY_SECONDS:
        st.session_state["_sandbox_touched"] = now
        branches.touch(seed, key)


def fresh_sandbox() -> None:
    """Public demo: throw this visitor's sandbox away and start again from the seeded demo."""
    key = st.session_state.pop(SANDBOX, None)
    st.query_params.pop(SANDBOX_PARAM, None)
    if key and branches.exists(seed_url(), key):
        branches.drop_branch(seed_url(), key)
    enter(None)
    forget_scenarios()


def live_engine() -> Engine:
    return _engine(live_url())


@st.cache_data(ttl=10, show_spinner=False)
def scenarios(live: str, archived: bool = False) -> list[branches.BranchInfo]:
    """The workspace's scenarios, newest first (re-listed every few seconds: another replica may add one)."""
    _engine(live)  # the live database exists before its branches are looked for
    return branches.list_branches(live, kind="scenario", archived=archived)


def forget_scenarios() -> None:
    scenarios.clear()


def scenario() -> branches.BranchInfo | None:
    """The scenario this session works in, from the session or the link; None for live."""
    key = st.session_state.get(SCENARIO) or st.query_params.get(SCENARIO)
    if not key:
        return None
    match = next((s for s in scenarios(live_url()) if s.key == key), None)
    if match is None:  # deleted, archived or a stale link: back to live
        st.session_state[SCENARIO] = None
        st.query_params.pop(SCENARIO, None)
        return None
    st.session_state[SCENARIO] = key
    if st.query_params.get(SCENARIO) != key:
        st.query_params[SCENARIO] = key  # keep it in the URL on every page, so a copied link shows the same
    return match


def current_url() -> str:
    chosen = scenario()
    return chosen.url if chosen else live_url()


def engine() -> Engine:
    return _engine(current_url())


def engine_for(url: str) -> Engine:
    return _engine(url)


def revision_of(url: str) -> int:
    return revision(_engine(url))


def create(*, name: str, description: str, created_by: str, source_key: str | None) -> branches.BranchInfo:
    made = branches.create_branch(live_url(), name=name, description=description, created_by=created_by,
                                  source_key=source_key)
    forget_scenarios()
    return made


def archive(key: str, archived: bool) -> None:
    branches.describe_branch(live_url(), key, archived=archived)
    forget_scenarios()


def delete(key: str) -> None:
    if st.session_state.get(SCENARIO) == key:
        enter(None)
    branches.drop_branch(live_url(), key)
    forget_scenarios()


def applied(key: str, changes: list) -> None:
    """The changes just applied to live stop being the scenario's changes."""
    branches.mark_applied(live_url(), key, [(c.table, c.row_id, c.kind) for c in changes])


def enter(key: str | None) -> None:
    """Switch this session to scenario ``key`` (None: live)."""
    st.session_state[SCENARIO] = key
    if key:
        st.query_params[SCENARIO] = key
    else:
        st.query_params.pop(SCENARIO, None)


@st.cache_data(show_spinner=False, max_entries=64)
def _changes(url: str, _revision: int) -> int:
    with read_session(_engine(url)) as session:
        return change_count(session)


def banner() -> None:
    """Unmistakable on every page while in a scenario: its name, its number of changes, Compare and Leave.
    In a public demo, first a line saying that everything happens in the visitor's own sandbox."""
    if public_demo():
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.info("This is **your own sandbox** of the demo: change anything, nobody else sees it (unless you share "
                "this page's link). It resets after 2 hours of inactivity.", icon=":material/shield_person:")
        if c2.button("Start fresh", key="sandbox_fresh", icon=":material/restart_alt:", width="stretch"):
            fresh_sandbox()
            st.rerun()
    chosen = scenario()
    if chosen is None:
        return
    n = _changes(chosen.url, revision_of(chosen.url))
    st.html("<style>.st-key-scenario_banner{background:#EDE7F6;border:2px solid #5E35B1;border-radius:.5rem;"
            "padding:.4rem .8rem}</style>")
    with st.container(key="scenario_banner"):
        c1, c2, c3 = st.columns([6, 1, 1], vertical_alignment="center")
        name = chosen.name.replace("[", "(").replace("]", ")")
        c1.markdown(f":violet[:material/science: **Scenario “{md(name)}”** · {n} change{'s' * (n != 1)} · "
                    "what you change here never touches live until you apply it]")
        c2.page_link("pages/compare.py", label="Compare", icon=":material/compare_arrows:",
                     query_params={SCENARIO: chosen.key})
        if c3.button("Leave", icon=":material/logout:", key="scenario_leave", width="stretch"):
            enter(None)
            st.rerun()


def switcher() -> None:
    """The sidebar's workspace choice: Live or one of the scenarios."""
    found = scenarios(live_url())
    if not found and st.session_state.get(SCENARIO) is None:
        st.page_link("pages/scenarios.py", label="What if? Make a scenario", icon=":material/science:")
        return
    options = [None, *(s.key for s in found)]
    names = {None: "Live", **{s.key: f"Scenario: {s.name}" for s in found}}
    current = scenario()
    st.selectbox("Workspace", options, index=options.index(current.key if current else None),
                 format_func=names.get, key="_workspace_pick", on_change=_picked,
                 help="Work in live, or in a scenario: a private copy for what-if that you compare and apply later.")


def _picked() -> None:
    enter(st.session_state["_workspace_pick"])


