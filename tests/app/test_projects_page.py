"""The Projects page in AppTest: portfolio, program, every project tab on demo data, the empty workspace, and the
forms that write (create, status update, close-out, board move, baseline, risk, member, details).

Views are opened the way a shared link does: the bound widgets' keys (``project``, ``tab``, ``view``) are both the
URL's query parameters and session state.
"""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session

TABS = ["Plan", "Gantt", "Board", "Risks", "Status", "Team", "Close-out", "Details"]


def shown(text: str) -> str:
    """Markdown source as it reads on screen: the backslashes ``ui.md`` puts before user text's characters go."""
    return re.sub(r"\\(.)", r"\1", text)


def _exceptions(app: AppTest) -> str:
    return "\n\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in app.exception)


def _ok(app: AppTest) -> None:
    assert not app.exception, _exceptions(app)
    assert not app.error, [e.value for e in app.error]


def _open(app: AppTest, **view: str) -> AppTest:
    app.run()
    app.switch_page("pages/projects.py").run()
    for key, value in view.items():
        app.session_state[key] = value
        app.query_params[key] = value
    app.run()
    return app


def _db():
    return read_session(get_engine(os.environ["DATABASE_URL"]))


def _count(model, *where) -> int:
    with _db() as s:
        stmt = select(func.count()).select_from(model)
        for w in where:
            stmt = stmt.where(w)
        return s.exec(stmt).one()[0]


def _by_label(widgets, label: str):
    found = [w for w in widgets if w.label == label]
    assert found, f"no widget labelled {label!r} in {[w.label for w in widgets]}"
    return found[0]


def _submit(app: AppTest, label: str) -> AppTest:
    _by_label(app.button, label).click().run()
    return app


def test_portfolio_on_demo_data(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app)
    _ok(app)
    assert [mt.label for mt in app.metric] == ["Active projects", "Off track", "Milestones next 30 days",
                                               "Budget used (active)"]
    assert [mt.value for mt in app.metric][:2] == ["4", "2"]
    table = app.dataframe[0].value
    assert len(table) == 10 and table.iloc[0]["health_key"] == "off track"
    assert _by_label(app.selectbox, "Project").value is None


def test_portfolio_filters_come_from_the_link(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, status=["active"], q="mobile")
    _ok(app)
    assert app.dataframe[0].value["project"].tolist() == ["Mobile app v2"]


def test_program_view_shows_the_cross_project_link(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, view="Program")
    _ok(app)
    links = app.dataframe[0].value
    assert links[["from_task", "to_task"]].values.tolist() == [["Site live", "Campaign launch"]]
    assert app.get("vega_lite_chart"), "the program timeline is missing"


@pytest.mark.parametrize("tab", TABS)
def test_every_project_tab_renders_on_demo_data(app: AppTest, workspace, tab: str) -> None:
    workspace(demo=True)
    _open(app, project="Mobile app v2", tab=tab)
    _ok(app)
    assert [mt.label for mt in app.metric] == ["Forecast finish", "Complete", "Critical tasks", "Vs baseline",
                                               "Budget used"]
    assert app.metric[0].value == "Thu 24 Dec"
    expected = {"Plan": "Save plan", "Gantt": "Save baseline", "Risks": "Save risk", "Status": "Add status update",
                "Team": "Add or update member", "Close-out": "Close the project", "Details": "Save details"}
    if tab in expected:
        _by_label(app.button, expected[tab])
    if tab == "Board":
        assert len([s for s in app.selectbox if s.label == "Move to"]) == 10


def test_empty_workspace_explains_and_creates_the_first_project(app: AppTest, workspace) -> None:
    workspace(demo=False)
    _open(app)
    _ok(app)
    assert app.info and "No projects yet" in app.info[0].value
    app.text_input(key="projects_new_name").input("Pilot")
    _submit(app, "Create project")
    _ok(app)
    assert _count(m.Project) == 1
    assert app.session_state["project"] == "Pilot"
    assert any("Pilot" in md.value for md in app.markdown)


def test_a_duplicate_project_name_is_refused_with_a_message(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, view="New project")
    app.text_input(key="projects_new_name").input("Website relaunch")
    _submit(app, "Create project")
    assert app.error and "already exists" in app.error[0].value
    assert _count(m.Project) == 10


def test_create_from_a_template_offers_lessons(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, view="New project")
    picker = app.selectbox(key="projects_new_template")
    assert picker.options == ["A blank plan", "Template · Marketing campaign", "Template · Website project"]
    picker.set_value(1).run()  # the demo's "Website project" template
    _ok(app)
    assert any("Book the IT cabling survey" in md.value for md in app.markdown)
    app.text_input(key="projects_new_name").input("Intranet")
    _submit(app, "Create project")
    _ok(app)
    with _db() as s:
        pid = s.exec(select(m.Project.id).where(m.Project.name == "Intranet")).one()[0]
    assert _count(m.Task, m.Task.project_id == pid) == 13


def test_status_update_is_added_and_an_empty_one_refused(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Website relaunch", tab="Status")
    before = _count(m.StatusUpdate)
    _submit(app, "Add status update")
    assert app.error and "write a summary" in app.error[0].value
    _by_label(app.text_area, "What changed, what is next, what help is needed").input("QA started; go-live on plan.")
    _submit(app, "Add status update")
    _ok(app)
    assert _count(m.StatusUpdate) == before + 1
    buttons = [b for b in app.get("download_button") if b.key.startswith("projects_report")]  # not the calendar
    assert len(buttons) == 2


def test_board_move_and_baseline(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Website relaunch", tab="Board")
    with _db() as s:
        task = s.exec(select(m.Task).where(m.Task.name == "Go-live preparation")).scalars().one()
    app.selectbox(key=f"projects_move_{task.id}_{task.version}").set_value("in progress").run()
    _ok(app)
    with _db() as s:
        assert s.get(m.Task, task.id).status == "in progress"
    app.session_state["tab"] = "Gantt"
    app.query_params["tab"] = "Gantt"
    app.run()
    _submit(app, "Save baseline")
    _ok(app)
    assert _count(m.Baseline, m.Baseline.project_id == task.project_id) == 2


def test_close_out_needs_the_review_and_lessons(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="ERP migration", tab="Close-out")
    _submit(app, "Close the project")
    assert app.error and "final review and the lessons learned" in app.error[0].value
    review, lessons = app.text_area[0], app.text_area[1]
    review.input("Live on time, 30 % over budget.")
    lessons.input("Fix consultant days in the contract.")
    _submit(app, "Close the project")
    _ok(app)
    with _db() as s:
        assert s.exec(select(m.Project.status).where(m.Project.name == "ERP migration")).one()[0] == "done"


def test_risk_member_and_details_forms(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Spring campaign", tab="Risks")
    before = _count(m.Risk)
    _by_label(app.text_input, "Risk").input("Printer strike")
    _submit(app, "Save risk")
    _ok(app)
    assert _count(m.Risk) == before + 1
    for key, value in (("tab", "Team"),):
        app.session_state[key] = value
        app.query_params[key] = value
    app.run()
    members = _count(m.ProjectMember)
    _submit(app, "Add or update member")
    _ok(app)
    assert _count(m.ProjectMember) in (members, members + 1)  # the first person may already be on the team
    app.session_state["tab"] = "Details"
    app.query_params["tab"] = "Details"
    app.run()
    _by_label(app.number_input, "Budget (€)").set_value(60_000.0)
    _submit(app, "Save details")
    _ok(app)
    with _db() as s:
        assert s.exec(select(m.Project.budget).where(m.Project.name == "Spring campaign")).one()[0] == 60_000.0


def test_saving_an_unchanged_plan_says_so(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Website relaunch", tab="Plan")
    logged = _count(m.ActivityLog)
    _submit(app, "Save plan")
    _ok(app)
    assert [shown(t.value) for t in app.toast] == ["No changes to save."]
    assert _count(m.ActivityLog) == logged


def test_plan_tab_has_the_unsaved_edits_bar_and_the_header_says_the_status_once(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Website relaunch", tab="Plan")
    _ok(app)
    assert any(md.value == "No unsaved edits" for md in app.markdown)
    assert {"Save plan", "Discard"} <= {b.label for b in app.button}
    assert _by_label(app.button, "Discard").disabled
    more = "More columns (phase, min/max days, float, vs baseline, other projects)"
    assert _by_label(app.toggle, more).value is False
    with _db() as s:
        proposed = s.exec(select(m.Project.name).where(m.Project.status == "proposed")).scalars().first()
    _open(app, project=proposed, tab="Plan")
    _ok(app)
    header = next(md.value for md in app.markdown if md.value.startswith("### "))
    assert header.lower().count("proposed") == 1, header


def test_a_risk_names_its_task(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Website relaunch", tab="Risks")
    _ok(app)
    _by_label(app.text_input, "Risk").set_value("Launch copy late")
    about = _by_label(app.selectbox, "About task (optional: when it is done, the risk is offered to close)")
    about.select_index(1)
    _submit(app, "Save risk")
    _ok(app)
    with _db() as s:
        risk = s.exec(select(m.Risk).where(m.Risk.title == "Launch copy late")).scalars().one()
    assert risk.task_id is not None


def test_plan_import_is_on_the_projects_landing_and_the_data_page(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, view="New project from a plan file")
    _ok(app)
    assert _by_label(app.selectbox, "Import into").value is None  # a new project by default
    assert any(t.label == "Project name" for t in app.text_input)
    app.switch_page("pages/data.py").run()
    _ok(app)
    assert any("Import a plan" in h.value for h in app.subheader)
    assert _by_label(app.selectbox, "Import into") is not None
