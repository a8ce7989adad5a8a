"""The Workload page through the real entrypoint (AppTest): demo data, filters in the URL, applying a fix, a stale
fix refused with a message, saving the editors, and an empty workspace."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from worksmith.commands.core import Actor, update
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, write_session

PAGE = "pages/workload.py"
OLIVIA_W49 = "2026-W49"


def shown(text: str) -> str:
    """Markdown source as it reads on screen: the backslashes ``ui.md`` puts before user text's characters go."""
    return re.sub(r"\\(.)", r"\1", text)


def open_page(app: AppTest, **params: str) -> AppTest:
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(PAGE).run()
    assert not app.exception, "\n".join(e.message + "\n" + "\n".join(e.stack_trace) for e in app.exception)
    return app


def db():
    return get_engine(os.environ["DATABASE_URL"])


def task(name: str) -> m.Task:
    with read_session(db()) as s:
        return s.exec(select(m.Task).where(m.Task.name == name)).one()[0]


def person_id(name: str) -> int:
    with read_session(db()) as s:
        return s.exec(select(m.Person.id).where(m.Person.name == name)).one()[0]


def fix_buttons(app: AppTest, kind: str, person: str, week: str = OLIVIA_W49) -> list:
    suffix = f"_{person_id(person)}_{week}"
    return [b for b in app.button if b.key and b.key.startswith(f"workload_fix_{kind}_") and b.key.endswith(suffix)]


def test_demo_shows_metrics_heatmap_and_fixes(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app)
    assert not app.error, [e.value for e in app.error]
    assert [t.value for t in app.title] == ["Workload"]
    labels = [metric.label for metric in app.metric]
    assert labels == ["Utilisation · next 4 weeks", "Over-allocated person-weeks", "Free hours · next 4 weeks",
                      "Run vs change"]
    assert int(app.metric[1].value) >= 1  # the demo has over-allocated person-weeks
    assert app.button_group(key="workload_weeks").value == 12
    assert app.query_params["weeks"] == "12"
    assert len(fix_buttons(app, "reassign", "Olivia Martin")) == 1
    assert len(fix_buttons(app, "shift", "Olivia Martin")) == 1
    assert [t.label for t in app.tabs] == ["Teams", "Skills", "Time off", "Capacity"]


def test_filters_come_from_and_go_to_the_url(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app, team="Engineering", skill="frontend", weeks="8")
    assert app.selectbox(key="workload_team").value == "Engineering"
    assert app.selectbox(key="workload_skill").value == "frontend"
    assert app.button_group(key="workload_weeks").value == 8
    assert app.metric[0].label == "Utilisation · next 4 weeks (Engineering, skill frontend)"
    app.selectbox(key="workload_team").set_value("Finance").run()
    app.button_group(key="workload_weeks").set_value(26).run()
    assert not app.exception
    assert app.query_params["team"] == "Finance" and app.query_params["weeks"] == "26"
    app.selectbox(key="workload_skill").set_value("All").run()
    assert "skill" not in app.query_params


def test_unknown_team_in_a_link_falls_back_to_everyone_with_a_warning(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app, team="Legal")
    assert not app.error
    assert any("no team 'Legal'" in w.value for w in app.warning)
    assert app.selectbox(key="workload_team").value == "All"


def test_apply_a_reassignment_in_one_click(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app)
    (button,) = fix_buttons(app, "reassign", "Olivia Martin")
    button.click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert task("Landing pages").assignee_id == person_id("Isla Novak")
    assert not fix_buttons(app, "reassign", "Olivia Martin")  # the page was redrawn from the new plan
    assert not fix_buttons(app, "shift", "Olivia Martin")
    assert any("reassigned to Isla Novak" in t.value for t in app.toast)


def test_a_fix_after_someone_else_edited_reads_their_edit_first(app: AppTest, workspace) -> None:
    """Reads are cached per workspace revision: the click's rerun sees the other edit, so the fix is computed (and
    version-checked) on the current task and keeps their change. (A fix racing a write inside the same instant is
    refused by the command's version check: tests/db/test_workload_service.py.)"""
    workspace(demo=True)
    open_page(app)
    before = task("Landing pages")
    with write_session(db()) as s:  # someone else edits the task after the page was drawn
        update(s, m.Task, before.id, {"estimate_hours": 30}, expected_version=before.version,
               actor=Actor(None, "Bob"))
    (button,) = fix_buttons(app, "shift", "Olivia Martin")
    button.click().run()
    assert not app.exception and not app.error
    after = task("Landing pages")
    assert after.estimate_hours == 30 and after.start_no_earlier_than is not None  # both edits kept


@pytest.mark.parametrize("button", ["workload_timeoff_save", "workload_capacity_save"])
def test_saving_an_unchanged_editor_reports_nothing_changed(app: AppTest, workspace, button: str) -> None:
    workspace(demo=True)
    open_page(app)
    assert not [b for b in app.button if b.key == button]  # only the open tab (Teams) runs
    app.session_state["workload_tab"] = "Time off" if "timeoff" in button else "Capacity"  # as a click on the tab
    app.run()
    app.button(key=button).click().run()
    assert not app.exception and not app.error
    assert [shown(t.value) for t in app.toast] == [
        "Time off saved: 0 added, 0 changed, 0 deleted." if "timeoff" in button else
        "Capacity saved: 0 people changed."]


def test_empty_workspace_explains_what_to_do(app: AppTest, workspace) -> None:
    workspace(demo=False)
    open_page(app)
    assert not app.error and not app.metric
    assert any("Add people" in i.value for i in app.info)
