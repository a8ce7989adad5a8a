"""The only Streamlit-aware module of the package: page setup, the cached engine, reads, commands, common widgets.

Pages call :func:`page_setup` first, read through :func:`query`, write through :func:`run` and render. Session
keys are declared once in ``STATE_DEFAULTS``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine

from worksmith import demo, fmt
from worksmith.commands.core import Actor
from worksmith.errors import WorksmithError
from worksmith.status import MARKDOWN_COLOURS, STATUS_COLOURS, status_of
from worksmith.store.db import database_url, describe, get_engine, read_session, run_in_transaction, upgrade
from worksmith.ui import router
from worksmith.ui.router import DEEP_LINK, ROUTED  # noqa: F401 - re-exported for tests
from worksmith.views import workspace as workspace_view
from worksmith.views.metric import Metric
from worksmith.views.tables import people

T = TypeVar("T")

STATE_DEFAULTS: dict[str, Any] = {
    "actor_id": 0,  # the "acting as" person (DESIGN §6); 0 = nobody chosen yet
}
NOBODY = 0


def today() -> date:
    """Today, or ``WORKSMITH_TODAY`` (YYYY-MM-DD) so screenshots and tests can pin the date."""
    pinned = os.environ.get("WORKSMITH_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


@st.cache_resource(show_spinner="Opening the workspace…")
def _engine(url: str) -> Engine:
    engine = get_engine(url)
    upgrade(engine)
    if os.environ.get("WORKSMITH_DEMO", "1") != "0":
        with read_session(engine) as session:
            new = workspace_view.is_new(session)
        if new:
            demo.seed(engine, "S", today=today())
    return engine


def engine() -> Engine:
    return _engine(database_url())


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(_fn: Callable, name: str, url: str, kwargs: tuple) -> Any:
    with read_session(_engine(url)) as session:
        return _fn(session, **dict(kwargs))


def query(fn: Callable[..., T], **kwargs: Any) -> T:
    """Run a read-only service function ``fn(session, **kwargs)``; cached until the next write."""
    return _cached(fn, f"{fn.__module__}.{fn.__qualname__}", database_url(), tuple(sorted(kwargs.items())))


def actor() -> Actor:
    frame = query(people)
    chosen = st.session_state.get("actor_id")
    match = frame[frame["id"] == chosen]
    if match.empty:
        return Actor(None, "anonymous")
    return Actor(int(chosen), str(match.iloc[0]["name"]))


def run(command: Callable[..., T], *args: Any, success: str | None = None, **kwargs: Any) -> T | None:
    """Run a write ``command(session, *args, actor=..., **kwargs)`` in one transaction.

    A refusal (``WorksmithError``) shows its message with ``st.error`` and returns None; nothing is written. A busy
    database (lock, deadlock) is retried a few times first.
    """
    who = actor()
    try:
        result = run_in_transaction(engine(), lambda session: command(session, *args, actor=who, **kwargs))
    except WorksmithError as error:
        st.error(str(error), icon=":material/error:")
        return None
    st.cache_data.clear()
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result


FLASH = "_flash"  # a message to show once after the rerun that follows a successful write


def flash(message: str | None = None, **state: Any) -> None:
    """After a write: remember ``message`` (shown as a toast by the next :func:`page_setup`), set ``state`` keys
    for the next run (e.g. the row to select), and rerun so every figure reads the new data."""
    if message:
        st.session_state[FLASH] = message
    st.session_state.update(state)
    st.rerun()


def metric_row(metrics: Sequence[Metric]) -> None:
    """A page's first row: one bordered ``st.metric`` tile per :class:`~worksmith.views.metric.Metric`."""
    for col, metric in zip(st.columns(len(metrics)), metrics, strict=True):
        col.metric(metric.label, metric.value, metric.delta, delta_color=metric.delta_color,
                   delta_arrow=metric.delta_arrow, help=metric.help, border=True,
                   chart_data=list(metric.trend) if metric.trend else None)


def page_setup(title: str, subtitle: str, page_file: str) -> None:
    """Route a cold deep link through the entrypoint, then draw the header and the sidebar."""
    router.guard(page_file)  # pages call it first of all too, before their heavy imports
    for key, value in STATE_DEFAULTS.items():
        # re-assigning keeps a widget's value when the next page does not draw the widget at once
        st.session_state[key] = st.session_state.get(key, value)
    _sidebar()
    if message := st.session_state.pop(FLASH, None):
        st.toast(message, icon=":material/check_circle:")
    st.title(title)
    st.caption(subtitle)


def _sidebar() -> None:
    settings = query(workspace_settings)
    with st.sidebar:
        st.markdown(f"### {settings['name']}")
        st.caption(describe(database_url()))
        frame = query(people)
        names = {NOBODY: "— choose yourself —", **dict(zip(frame["id"].tolist(), frame["name"], strict=True))}
        if st.session_state.get("actor_id") not in names:
            st.session_state["actor_id"] = NOBODY
        st.selectbox("Acting as", list(names), key="actor_id", format_func=names.get,
                     help="Until sign-in exists, changes and approvals are recorded under this name.")
        if settings.get("demo") == "1":
            st.badge("demo data", icon=":material/science:", color="orange")
            with st.popover("Reset demo data", width="stretch"):
                st.write("Replace everything in this workspace with a fresh copy of the demo?")
                if st.button("Yes, reset the demo", type="primary", key="sidebar_reset_demo"):
                    with st.spinner("Seeding the demo…"):
                        demo.seed(engine(), "S", today=today(), reset=True)
                    st.cache_data.clear()
                    st.toast("Demo data reset", icon=":material/restart_alt:")
                    st.rerun()


def workspace_settings(session) -> dict[str, str]:
    return workspace_view.settings(session)


def money(value: float | None) -> str:
    return fmt.money(value, query(workspace_settings)["currency"])


def currency() -> str:
    return query(workspace_settings)["currency"]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md(text: object) -> str:
    """User text made inert for ``st.markdown``: every markdown, link, directive and HTML character escaped, so a
    name such as ``[x](javascript:…)``, ``![](http://tracker/…)`` or ``:red[boo]`` shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def status_label(text: str) -> str:
    """'■ off track' -> the same text coloured with the status colour (markdown)."""
    status = status_of(text)
    return f":{MARKDOWN_COLOURS[status]}[**{text}**]" if status else text


def style_status(frame, column: str):
    """A Styler colouring ``column`` (values like '● on track') with the status colours."""

    def colour(value: object) -> str:
        status = status_of(str(value))
        return f"color: {STATUS_COLOURS[status]}; font-weight: 600" if status else ""

    return frame.style.map(colour, subset=[column])


def empty_state(message: str) -> None:
    """An empty workspace explains what to do next instead of drawing blank charts."""
    st.info(message, icon=":material/waving_hand:")
    c1, c2 = st.columns(2)
    c1.page_link("pages/data.py", label="Import a plan file on the Data page", icon=":material/upload_file:")
    if c2.button("Load the demo workspace", key="empty_load_demo"):
        demo.seed(engine(), "S", today=today(), reset=True)
        st.cache_data.clear()
        st.rerun()
