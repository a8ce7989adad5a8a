"""The only Streamlit-aware module of the package: page setup, the cached engine, reads, commands, common widgets.

Pages call :func:`page_setup` first, read through :func:`query`, write through :func:`run` and render. Session
keys are declared once in ``STATE_DEFAULTS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlencode

import streamlit as st
from sqlalchemy.engine import Engine

from worksmith import demo, fmt
from worksmith.commands import access as rights
from worksmith.commands.core import ANONYMOUS, NO_ACTOR, Actor, is_anonymous
from worksmith.errors import WorksmithError
from worksmith.status import MARKDOWN_COLOURS, STATUS_COLOURS, chip, status_of
from worksmith.store.db import describe, read_session, run_in_transaction
from worksmith.ui import router, workspace
from worksmith.ui.markdown import md  # noqa: F401 - pages escape user text with ui.md
from worksmith.ui.router import DEEP_LINK, ROUTED  # noqa: F401 - re-exported for tests
from worksmith.ui.workspace import today  # noqa: F401 - pages pin "today" with ui.today
from worksmith.views import access as access_view
from worksmith.views import inbox as inbox_view
from worksmith.views import people as people_view
from worksmith.views import workspace as workspace_view
from worksmith.views.metric import Metric

T = TypeVar("T")

STATE_DEFAULTS: dict[str, Any] = {}  # session keys every page may read, with their first value
NOBODY = 0  # "acting as" nobody yet
# every st.date_input shows dates one way (st.date_input supports only YYYY/MM/DD, DD/MM/YYYY, MM/DD/YYYY with
# "/", "-" or "." between; ISO order cannot be misread as day-first or month-first)
DATE_INPUT_FORMAT = "YYYY-MM-DD"


def engine() -> Engine:
    """The engine of the workspace this session works in (live or a scenario)."""
    return workspace.engine()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(_fn: Callable, name: str, url: str, revision: int, kwargs: tuple) -> Any:
    with read_session(workspace.engine_for(url)) as session:
        return _fn(session, **dict(kwargs))


def query(fn: Callable[..., T], **kwargs: Any) -> T:
    """Run a read-only view ``fn(session, **kwargs)`` on this session's workspace.

    Cached per workspace and revision: any write (on any replica) bumps the revision, so the next rerun reads
    fresh data, and an unchanged workspace recomputes nothing.
    """
    return query_on(workspace.current_url(), fn, **kwargs)


@st.cache_resource(show_spinner=False, max_entries=64)
def _shared(_fn: Callable, name: str, url: str, revision: int, kwargs: tuple) -> Any:
    with read_session(workspace.engine_for(url)) as session:
        return _fn(session, **dict(kwargs))


def clear_caches() -> None:
    """Forget every cached read (after a restore or a reset the revision counter may start again at a number an
    old workspace had)."""
    st.cache_data.clear()
    _shared.clear()


def shared_query(fn: Callable[..., T], **kwargs: Any) -> T:
    """:func:`query` for what every page's sidebar reads (people, roles, settings): one object for every session,
    never copied (st.cache_data unpickles its value on each call: a quarter of a warm rerun at L). Callers must
    not change what it returns."""
    url = workspace.current_url()
    return _shared(fn, f"{fn.__module__}.{fn.__qualname__}", url, workspace.revision_of(url),
                   tuple(sorted(kwargs.items())))


def query_on(url: str, fn: Callable[..., T], **kwargs: Any) -> T:
    """:func:`query` on a given workspace (live or a scenario), e.g. for Compare."""
    return _cached(fn, f"{fn.__module__}.{fn.__qualname__}", url, workspace.revision_of(url),
                   tuple(sorted(kwargs.items())))


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_pair(_fn: Callable, name: str, urls: tuple[str, str], revisions: tuple[int, int], kwargs: tuple) -> Any:
    with (read_session(workspace.engine_for(urls[0])) as base,
          read_session(workspace.engine_for(urls[1])) as other):
        return _fn(base, other, **dict(kwargs))


def query_pair(base_url: str, other_url: str, fn: Callable[..., T], **kwargs: Any) -> T:
    """A read-only view of two workspaces ``fn(base_session, other_session, **kwargs)`` (Compare, Review)."""
    urls = (base_url, other_url)
    return _cached_pair(fn, f"{fn.__module__}.{fn.__qualname__}", urls,
                        tuple(workspace.revision_of(u) for u in urls), tuple(sorted(kwargs.items())))


def deferred(fn: Callable[..., T], **kwargs: Any) -> Callable[[], T]:
    """:func:`query` made when called, on the workspace of this run: a download button's file is built on the click,
    not on every render (an export of every table or a calendar of every project costs seconds at L)."""
    return partial(query_on, workspace.current_url(), fn, **kwargs)


ACTOR = "actor_id"  # session key of the "acting as" person (kept for the browser session)
ACTOR_PARAM = "as"  # ...and its query parameter, so a reload or a shared link keeps it: ?as=<person id>
ACT_AS_NEXT = "_act_as_next"  # a person to act as from the next run on (set with ui.flash after adding yourself)
SETUP = Actor(None, "workspace setup", "admin")  # writes while the workspace has nobody to act as (first steps)


def _choosable() -> dict[int, str]:
    """Id -> name of the people one can act as (active people; archived ones keep their history)."""
    return shared_query(people_view.active_people)


def _restore_actor() -> None:
    """Keep "acting as" for the session and in the URL: a fresh session (reload, shared link) takes ``?as=``, a
    running session keeps its choice and writes it back to the URL (a page switch clears the query)."""
    chosen = st.session_state.pop(ACT_AS_NEXT, None) or st.session_state.get(ACTOR)
    if chosen is None:
        wanted = st.query_params.get(ACTOR_PARAM, "")
        chosen = int(wanted) if wanted.isdigit() else NOBODY
    # re-assigned on every run: keeps the widget's value when the next page does not draw the widget at once
    st.session_state[ACTOR] = chosen if chosen in _choosable() else NOBODY


def _write_actor_param() -> None:
    chosen = st.session_state.get(ACTOR, NOBODY)
    if chosen == NOBODY:
        if ACTOR_PARAM in st.query_params:
            del st.query_params[ACTOR_PARAM]
    elif st.query_params.get(ACTOR_PARAM) != str(chosen):
        st.query_params[ACTOR_PARAM] = str(chosen)


def sign_in_configured() -> bool:
    """An ``[auth]`` section in ``.streamlit/secrets.toml`` makes people sign in (``st.login``, OpenID Connect);
    without one (a laptop, a workshop) people pick themselves under "Acting as". The public demo never signs in."""
    if workspace.public_demo():
        return False
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except FileNotFoundError:  # an unreadable secrets file: no sign-in, as without one
        return False


def signed_in() -> bool:
    return bool(st.user.get("is_logged_in", False))


def _members() -> dict[int, access_view.Member]:
    return shared_query(access_view.members)


def _signed_in_member(members: dict[int, access_view.Member]) -> access_view.Member | None:
    key = access_view.email_key(str(st.user.get("email") or ""))
    return next((p for p in members.values() if key and access_view.email_key(p.email) == key), None)


def _as_actor(member: access_view.Member, members: dict[int, access_view.Member]) -> Actor:
    """The person with their role. In the public demo roles are off (every visitor edits their own sandbox); while
    nobody is an admin (a workspace from before roles) whoever acts is one, so someone can hand out roles."""
    if workspace.public_demo():
        role = rights.DEFAULT_ROLE
    elif not any(p.access == "admin" for p in members.values()):
        role = "admin"
    else:
        role = member.access
    return Actor(member.id, member.name, role)


def actor() -> Actor:
    """Who acts, with their role: the signed-in person (sign-in configured) or the person chosen in "Acting as";
    ``SETUP`` while the workspace has no active people (nobody to choose, so the first steps — add people, import
    a plan, restore a backup — stay possible); otherwise anonymous (may read, never write)."""
    members = _members()
    if sign_in_configured():
        me = _signed_in_member(members) if signed_in() else None
        if me is not None:
            return _as_actor(me, members)
        return SETUP if not members and signed_in() else ANONYMOUS
    chosen = st.session_state.get(ACTOR)
    if chosen in members:
        return _as_actor(members[chosen], members)
    return SETUP if not members else ANONYMOUS


def can(need: str) -> bool:
    """May the acting person do ``need`` ("edit", "approve", "admin")? Pages hide what they may not do."""
    return rights.allows(actor().access, need)


def allowed(need: str, what: str) -> bool:
    """:func:`can`, and when not, say why in place of the hidden controls (``what`` completes "cannot …").

    Nobody chosen yet is not a role: the controls stay, the page asks to choose, and the commands refuse."""
    who = actor()
    if is_anonymous(who) or rights.allows(who.access, need):
        return True
    st.info(rights.why_not(who.name, who.access, need, what), icon=":material/lock:")
    return False


def person_or_stop(what: str) -> Actor:
    """The acting person; without one, say what choosing would show and stop the page."""
    me = actor()
    if me.id is None:
        st.info(f"Choose yourself under 'Acting as' in the sidebar to see {what}.", icon=":material/person:")
        st.stop()
    return me


def run(command: Callable[..., T], *args: Any, success: str | None = None, on_live: bool = False,
        **kwargs: Any) -> T | None:
    """Run a write ``command(session, *args, actor=..., **kwargs)`` in one transaction.

    A refusal (``WorksmithError``) shows its message with ``st.error`` and returns None; nothing is written. A busy
    database (lock, deadlock) is retried a few times first. With nobody chosen in "Acting as" nothing is run: the
    page says to choose (commands.core refuses such a write too).
    """
    who = actor()
    if is_anonymous(who):
        st.error(NO_ACTOR, icon=":material/person_alert:")
        return None
    try:
        target = workspace.live_engine() if on_live else engine()
        result = run_in_transaction(target, lambda session: command(session, *args, actor=who, **kwargs))
    except WorksmithError as error:
        st.error(str(error), icon=":material/error:")
        return None
    clear_caches()
    if success:
        st.toast(md(success), icon=":material/check_circle:")  # toasts read markdown; messages quote names
    return result


FLASH = "_flash"  # a message to show once after the rerun that follows a successful write


def flash(message: str | None = None, **state: Any) -> None:
    """After a write: remember ``message`` (shown as a toast by the next :func:`page_setup`), set ``state`` keys
    for the next run (e.g. the row to select), and rerun so every figure reads the new data."""
    if message:
        st.session_state[FLASH] = message
    st.session_state.update(state)
    st.rerun()


# Tiles stay legible at 1280×720 (UX.md): a label or delta wraps instead of ending in "…", and the value's font
# follows the tile's width (container query units) so '€412,087' fits a fifth of a 1280 px page.
METRIC_CSS = ("<style>[data-testid=stMetric]{container-type:inline-size}"
              "[data-testid=stMetricValue]{font-size:clamp(1.4rem,18cqi,2.25rem);white-space:normal}"
              ":is([data-testid=stMetricValue],[data-testid=stMetricLabel],[data-testid=stMetricDelta])"
              " :is(.stMarkdownEllipsis,p)"
              "{white-space:normal;text-overflow:clip}</style>")


def _delta(delta: Any) -> Any:
    """A tile's delta escaped (it may quote a name, e.g. the oldest open item; labels and values are the views' own
    words and numbers), keeping a leading sign: Streamlit points the arrow down when the text starts with '-'."""
    if not isinstance(delta, str) or not delta:
        return delta
    sign = delta[0] if delta[0] in "-+" else ""
    return sign + md(delta[len(sign):])


def metric_row(metrics: Sequence[Metric]) -> None:
    """A page's first row: one bordered ``st.metric`` tile per :class:`~worksmith.views.metric.Metric`."""
    st.html(METRIC_CSS)
    for col, metric in zip(st.columns(len(metrics)), metrics, strict=True):
        col.metric(metric.label, metric.value, _delta(metric.delta), delta_color=metric.delta_color,
                   delta_arrow=metric.delta_arrow, help=metric.help, border=True, height="stretch",
                   chart_data=list(metric.trend) if metric.trend else None)


def page_setup(title: str, subtitle: str, page_file: str) -> None:
    """Route a cold deep link through the entrypoint, then draw the header and the sidebar."""
    router.guard(page_file)  # pages call it first of all too, before their heavy imports
    _sign_in_gate()
    _restore_actor()
    for key, value in STATE_DEFAULTS.items():
        # re-assigning keeps a widget's value when the next page does not draw the widget at once
        st.session_state[key] = st.session_state.get(key, value)
    _sidebar()
    workspace.banner()
    if message := st.session_state.pop(FLASH, None):
        st.toast(md(message), icon=":material/check_circle:")  # toasts read markdown; messages quote names
    st.title(title)
    st.caption(subtitle)


def _sign_in_gate() -> None:
    """With sign-in configured: a signed-out visitor sees only "Sign in"; a signed-in email that matches nobody
    (while the workspace has people) sees "ask an admin to add you". Both stop the page there."""
    if not sign_in_configured():
        return
    if not signed_in():
        st.title("Sign in to Worksmith")
        st.caption("This workspace asks who you are before showing plans, people and budgets.")
        if st.button("Sign in", type="primary", key="sign_in", icon=":material/login:"):
            st.login()
        st.stop()
    members = _members()
    if members and _signed_in_member(members) is None:
        email = str(st.user.get("email") or "")
        st.title("You are signed in, but not in this workspace")
        st.warning(f"Nobody here has the email **{md(email or 'none given')}** — ask an admin to add you (People "
                   "page, with this email), then reload.", icon=":material/person_off:")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            st.logout()
        st.stop()


def _who_am_i() -> None:
    """Sidebar: the signed-in person with a sign-out button, or the "Acting as" picker without sign-in."""
    if sign_in_configured():
        who = actor()
        st.markdown(f"Signed in as **{md(who.name)}**")
        if st.button("Sign out", key="sidebar_sign_out", icon=":material/logout:"):
            st.logout()
    else:
        choosable = _choosable()
        names = {NOBODY: "— choose yourself —", **choosable}
        st.selectbox("Acting as", list(names), key=ACTOR, format_func=names.get,
                     help="No sign-in is configured: changes and approvals are recorded under this name. It is kept "
                          "while you browse and in the page address (?as=…), so a reload or a shared link keeps it.")
        _write_actor_param()
        st.caption("No sign-in configured: anyone here can act as anyone (see README, Modes).")
        if not choosable:
            st.caption("Nobody to act as yet: add yourself and your colleagues first.")
            st.page_link("pages/people.py", label="Add people", icon=":material/person_add:")
        elif st.session_state.get(ACTOR) == NOBODY:
            st.caption("Choose yourself to make changes: every change is recorded under your name.")
        who = actor()
    if who.id is not None and not workspace.public_demo():
        st.caption(f"Role: **{who.access}**" + ("" if rights.allows(who.access, "edit") else
                   " — you can look at everything but change nothing; ask an admin for editor access."))


def _sidebar() -> None:
    settings = shared_query(workspace_settings)
    with st.sidebar:
        st.markdown(f"### {md(settings['name'])}")
        st.caption(describe(workspace.live_url()))
        workspace.switcher()
        _who_am_i()
        if (me := actor()).id is not None:
            unread = query(inbox_view.unread_count, person_id=int(me.id), today=today())
            st.page_link("pages/inbox.py", label=f"Inbox ({unread})", icon=":material/notifications:")
        if (settings.get("demo") == "1" and workspace.scenario() is None and not workspace.public_demo()
                and can("admin")):
            st.badge("demo data", icon=":material/science:", color="orange")
            with st.popover("Reset demo data", width="stretch"):
                st.write("Replace everything in this workspace with a fresh copy of the demo?")
                if st.button("Yes, reset the demo", type="primary", key="sidebar_reset_demo"):
                    with st.spinner("Seeding the demo…"):
                        demo.seed(workspace.live_engine(), "S", today=today(), reset=True)
                    clear_caches()
                    st.toast("Demo data reset", icon=":material/restart_alt:")
                    st.rerun()


def workspace_settings(session) -> dict[str, str]:
    return workspace_view.settings(session)


def money(value: float | None) -> str:
    return fmt.money(value, shared_query(workspace_settings)["currency"])


def currency() -> str:
    return shared_query(workspace_settings)["currency"]


def status_label(text: str) -> str:
    """'■ off track' -> the same text coloured with the status colour (markdown)."""
    status = status_of(text)
    return f":{MARKDOWN_COLOURS[status]}[**{text}**]" if status else text


def page_urls(links: Iterable[tuple[str, Mapping[str, str] | None]]) -> list[str]:
    """Links to ``pages/<page>.py`` (with ``params``) for a table's link column that keep who one acts as and the
    scenario or sandbox one works in (a link column opens a new tab: a new session that reads them from the URL).
    The URL's parameters are read once for all the links: each read of ``st.query_params`` costs."""
    current = st.query_params.to_dict()
    keep = {k: current[k] for k in (ACTOR_PARAM, workspace.SCENARIO, workspace.SANDBOX_PARAM) if k in current}
    out = []
    for page, params in links:
        query = urlencode({**(params or {}), **keep})
        out.append(f"/{page}" + (f"?{query}" if query else ""))
    return out


STATUS_OPTIONS = [chip(status) for status in STATUS_COLOURS]  # each pill in its status's colour, in this order


def status_pills(values: Iterable[str]) -> list[list[str]]:
    """Status chips ('▲ at risk') as the one-pill lists a :func:`status_column` shows."""
    return [[str(value)] for value in values]


def status_column(label: str, **kwargs: Any) -> Any:
    """A table column of status pills in the status colours (its values from :func:`status_pills`). The grid colours
    them itself: a pandas Styler colours cell by cell in Python, a tenth of the Overview's render at L."""
    return st.column_config.MultiselectColumn(label, options=STATUS_OPTIONS, color=list(STATUS_COLOURS.values()),
                                              disabled=True, **kwargs)


def empty_state(message: str) -> None:
    """An empty workspace explains what to do next instead of drawing blank charts."""
    st.info(message, icon=":material/waving_hand:")
    c0, c1, c2 = st.columns(3)
    c0.page_link("pages/people.py", label="Add people and teams", icon=":material/person_add:")
    c1.page_link("pages/data.py", label="Import a plan file on the Data page", icon=":material/upload_file:")
    if c2.button("Load the demo workspace", key="empty_load_demo"):
        demo.seed(engine(), "S", today=today(), reset=True)
        clear_caches()
        st.rerun()
