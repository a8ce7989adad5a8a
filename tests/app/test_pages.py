"""Every registered page renders through the entrypoint, on demo data and on an empty workspace."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote_plus

import pytest
from streamlit.testing.v1 import AppTest

from worksmith.store.db import get_engine, read_session
from worksmith.ui import shell as ui
from worksmith.ui.navigation import DEFAULT, LAYOUT, page_files
from worksmith.views.tables import people
from worksmith.views.workspace import is_empty, settings

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90

TITLES = {file: title for entries in LAYOUT.values() for file, title, _icon in entries}


def _open(app: AppTest, file: str) -> AppTest:
    app.run()
    assert not app.exception, _exceptions(app)
    if file != DEFAULT:
        app.switch_page(f"pages/{file}").run()
    return app


def _exceptions(app: AppTest) -> str:
    return "\n\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in app.exception)


def _titles(app: AppTest) -> list[str]:
    return [t.value for t in app.title]


@pytest.mark.parametrize("file", page_files())
def test_page_renders_on_demo_data(app: AppTest, workspace, file: str) -> None:
    workspace(demo=True)
    _open(app, file)

    assert not app.exception, _exceptions(app)
    assert not app.error, [e.value for e in app.error]
    assert _titles(app) == [TITLES[file]]
    assert [s.label for s in app.sidebar.selectbox] == ["Acting as"]
    if file == "overview.py":
        assert len(app.metric) >= 3
        assert app.dataframe, "the portfolio table is missing"
    if file == "data.py":
        assert any("Export" in tab.label for tab in app.tabs), [tab.label for tab in app.tabs]


@pytest.mark.parametrize("file", page_files())
def test_page_renders_on_empty_workspace(app: AppTest, workspace, file: str) -> None:
    workspace(demo=False)
    _open(app, file)

    assert not app.exception, _exceptions(app)
    assert not app.error, [e.value for e in app.error]
    assert _titles(app) == [TITLES[file]]
    if file == "overview.py":
        # welcome steps instead of blank charts
        assert not app.metric
        assert app.info, "the empty overview shows no welcome message"


def _act_as_someone(app: AppTest) -> None:
    engine = get_engine()
    try:
        with read_session(engine) as session:
            someone = people(session).iloc[0]
    finally:
        engine.dispose()
    app.sidebar.selectbox(key="actor_id").set_value(int(someone["id"])).run()


def _is_empty() -> bool:
    engine = get_engine()
    try:
        with read_session(engine) as session:
            return is_empty(session)
    finally:
        engine.dispose()


def test_data_page_starts_an_empty_workspace(app: AppTest, workspace) -> None:
    """"Start an empty workspace" goes through ui.run (commands.workspace.start_empty) and reruns on the result;
    nobody chosen under "Acting as" is refused with a message, not a traceback."""
    workspace(demo=True)
    del app.query_params["as"]  # start as nobody
    _open(app, "data.py")
    app.checkbox(key="data_confirm_empty").check().run()
    app.button(key="data_start_empty").click().run()
    assert not app.exception, _exceptions(app)
    assert "Acting as" in app.error[0].value and not _is_empty()
    _act_as_someone(app)
    app.button(key="data_start_empty").click().run()
    assert not app.exception, _exceptions(app)
    assert not app.error, [e.value for e in app.error]
    engine = get_engine()
    try:
        with read_session(engine) as session:
            assert is_empty(session) and settings(session)["demo"] == "0"
    finally:
        engine.dispose()


BAD_BACKUPS = {
    "not JSON": (b"name,duration\nDesign,5\n", "not valid JSON"),
    "truncated": (b'{"format": "worksmith-backup-1", "tables": {"task": [{"id": 1', "not valid JSON"),
    "bad rows": (b'{"format": "worksmith-backup-1", "tables": {"task": [{"id": 1, "project_id": 9, "name": "[x](y)",'
                 b' "duration_days": "abc", "status": "hacked"}], "users": []}}', "duration days"),
    "duplicate key": (b'{"format": "worksmith-backup-1", "tables": {}, "tables": {}}', "repeats the key"),
}


@pytest.mark.parametrize("case", list(BAD_BACKUPS))
def test_data_page_refuses_a_bad_backup_with_a_list(app: AppTest, workspace, case: str) -> None:
    workspace(demo=True)
    _open(app, "data.py")
    _act_as_someone(app)
    content, fragment = BAD_BACKUPS[case]
    app.get("file_uploader")[0].set_value(("backup.json", content, "application/json"))
    app.run()
    app.button(key="data_restore").click().run()
    assert not app.exception, _exceptions(app)
    shown = app.error[0].value
    assert shown.startswith("This backup was not restored") and fragment in shown.replace("\\", "")
    assert not _is_empty()


def test_data_page_restores_its_own_backup(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, "data.py")
    _act_as_someone(app)
    app.button(key="data_prepare_backup").click().run()
    content = app.session_state["data_backup"]
    app.get("file_uploader")[0].set_value(("backup.json", content, "application/json"))
    app.run()
    app.button(key="data_restore").click().run()
    assert not app.exception, _exceptions(app)
    assert not app.error, [e.value for e in app.error]
    assert any("Restored" in c.value for c in app.caption)


def test_acting_as_is_kept_across_pages(app: AppTest, workspace) -> None:
    workspace(demo=True)
    del app.query_params["as"]  # start as nobody
    _open(app, DEFAULT)
    picker = app.sidebar.selectbox(key="actor_id")
    assert picker.index == 0 and len(picker.options) > 1  # nobody chosen yet
    engine = get_engine()
    try:
        with read_session(engine) as session:
            someone = people(session).iloc[0]
    finally:
        engine.dispose()
    # set_value, not select_index: AppTest's select_index stores the label, not the option value
    picker.set_value(int(someone["id"])).run()
    assert not app.exception, _exceptions(app)
    assert app.session_state["actor_id"] == someone["id"]

    for file in page_files():
        app.switch_page(f"pages/{file}").run()
        assert not app.exception, _exceptions(app)
        picker = app.sidebar.selectbox(key="actor_id")
        assert (picker.value, picker.options[picker.index]) == (someone["id"], someone["name"]), file
        assert app.query_params["as"] == str(someone["id"]), file  # and in the URL, for a reload or a shared link


@pytest.mark.parametrize("file", [f for f in page_files() if f != DEFAULT])
def test_router_takes_a_deep_link_through_the_entrypoint(app: AppTest, workspace, file: str) -> None:
    """The router guard of DESIGN §6, in its two halves.

    AppTest always runs the entrypoint first, so it cannot reproduce a cold deep link; the browser test
    ``test_cold_deep_link_is_the_first_request`` covers the whole path. Here: (1) a page run without the entrypoint
    draws nothing and leaves a note in session state (its ``st.switch_page("streamlit_app.py")`` is resolved against
    ``pages/`` by AppTest, so that one exception is tolerated); (2) the entrypoint, given that note, opens the page.
    """
    workspace(demo=True)
    alone = AppTest.from_file(str(ROOT / "pages" / file), default_timeout=TIMEOUT).run()
    assert not alone.title, "the page rendered without the entrypoint"
    for exc in alone.exception:
        assert "streamlit_app.py" in exc.message, _exceptions(alone)
    note = alone.session_state[ui.DEEP_LINK]

    app.session_state[ui.DEEP_LINK] = note
    app.run()
    assert not app.exception, _exceptions(app)
    assert _titles(app) == [TITLES[file]]
    assert ui.DEEP_LINK not in app.session_state
    assert app.session_state[ui.ROUTED] is True


@pytest.mark.skipif("workload.py" not in page_files(), reason="needs the Workload page (?weeks=)")
def test_router_keeps_the_link_query(app: AppTest, workspace) -> None:
    """A shared link's selection (?weeks=4) survives the detour through the entrypoint."""
    workspace(demo=True)
    alone = AppTest.from_file(str(ROOT / "pages" / "workload.py"), default_timeout=TIMEOUT)
    alone.query_params["weeks"] = "4"
    alone.run()

    app.session_state[ui.DEEP_LINK] = alone.session_state[ui.DEEP_LINK]
    app.run()
    assert not app.exception, _exceptions(app)
    assert _titles(app) == [TITLES["workload.py"]]
    assert app.query_params.get("weeks") in ("4", ["4"]), app.query_params


def test_overview_lists_the_attention_beyond_the_first_five_in_one_table_with_links(app: AppTest, workspace) -> None:
    workspace(demo=True)
    app.query_params["as"] = "3"
    app.run()
    assert not app.exception, _exceptions(app)
    more = [e for e in app.expander if e.label.endswith(" more")]
    assert more, [e.label for e in app.expander]
    n_more = int(more[0].label.split()[0])
    table = [d for d in more[0].dataframe if "link" in d.value][0]
    assert len(table.value) == n_more
    assert list(table.proto.column_order) == ["status", "item", "why", "link"]
    links = table.value["link"].tolist()
    pages = {"/projects", "/goals", "/budgets", "/workload", "/operations", "/requests"}
    assert all(link.split("?")[0] in pages for link in links), links
    assert all("as=3" in link for link in links), links  # a new tab keeps who one acts as
    for item, link in zip(table.value["item"], links, strict=True):
        if item.startswith("Project · "):  # opens that project
            assert link.startswith("/projects?project=" + quote_plus(item.removeprefix("Project · "))), link
