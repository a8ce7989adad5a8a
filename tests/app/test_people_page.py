"""The People page and "acting as" in AppTest: add, edit, archive people, create and rename teams, add time off; the
empty workspace's first steps; "acting as" surviving a reload through the URL (?as=); a write with nobody chosen
refused; the plan import creating the people it names."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from worksmith.commands.core import NO_ACTOR
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session

PAGE = "pages/people.py"
ENTRYPOINT = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def _exceptions(app: AppTest) -> str:
    return "\n\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in app.exception)


def _ok(app: AppTest) -> None:
    assert not app.exception, _exceptions(app)
    assert not app.error, [e.value for e in app.error]


def open_page(app: AppTest, page: str = PAGE, **params: str) -> AppTest:
    app.run()
    assert not app.exception, _exceptions(app)
    app.switch_page(page)
    for key, value in params.items():
        app.query_params[key] = value
        app.session_state[key] = value
    app.run()
    assert not app.exception, _exceptions(app)
    return app


def people(*where) -> list[m.Person]:
    with read_session(get_engine(os.environ["DATABASE_URL"])) as s:
        stmt = select(m.Person)
        for clause in where:
            stmt = stmt.where(clause)
        return list(s.exec(stmt.order_by(m.Person.id)).scalars())


def one(model, *where):
    with read_session(get_engine(os.environ["DATABASE_URL"])) as s:
        stmt = select(model)
        for clause in where:
            stmt = stmt.where(clause)
        return s.exec(stmt).scalars().one_or_none()


def add_person(app: AppTest, name: str, **fields) -> AppTest:
    app.text_input(key="people_add_name").input(name)
    for key, value in fields.items():
        widget = app.get("text_input") + app.get("number_input") + app.get("selectbox") + app.get("checkbox")
        (found,) = [w for w in widget if w.key == f"people_add_{key}"]
        found.set_value(value)
    (submit,) = [b for b in app.button if b.label == "Add person"]
    return submit.click().run()


def test_the_page_is_in_the_navigation_and_shows_people_and_teams(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app)
    _ok(app)
    assert [t.value for t in app.title] == ["People"]
    assert [mt.label for mt in app.metric] == ["Active people", "Teams", "Capacity for planned work", "Archived"]
    assert [mt.value for mt in app.metric][:2] == ["25", "5"]
    assert [t.label for t in app.tabs] == ["People", "Teams", "Time off"]
    table = app.data_editor[0].value
    assert len(table) == 25 and {"team", "role", "capacity", "cost_rate", "skills", "active"} <= set(table.columns)


def test_add_a_person_then_see_them_in_workload(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app)
    add_person(app, "Nora Quinn", team="Engineering", role="Data scientist", hours=32.0, availability=75.0,
               rate=88.0, skills="data, ml")
    _ok(app)
    (nora,) = people(m.Person.name == "Nora Quinn")
    assert (nora.role, nora.weekly_hours, nora.availability, nora.cost_rate, nora.skills, nora.active) == (
        "Data scientist", 32.0, 75.0, 88.0, ["data", "ml"], True)
    assert any("Added Nora Quinn to Engineering" in t.value for t in app.toast)
    assert one(m.ActivityLog, m.ActivityLog.entity == "person", m.ActivityLog.entity_id == nora.id).actor == \
        "Ava Thompson"  # the default ?as=1 of tests/app/conftest.py
    app.switch_page("pages/workload.py").run()
    app.session_state["workload_tab"] = "Capacity"  # as a click on the tab: only the open tab runs
    app.run()
    _ok(app)
    capacity = [df.value for df in app.data_editor if "weekly_hours" in df.value.columns]
    assert "Nora Quinn" in capacity[0]["name"].tolist()
    assert any(link.value.startswith("Add people") for link in app.page_link)  # the way back to the People page


def test_archive_removes_a_person_from_the_pickers_and_restore_brings_them_back(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app)
    (oscar,) = people(m.Person.name == "Oscar Reyes")
    app.selectbox(key="people_archive_pick").set_value(oscar.id).run()
    app.button(key="people_archive").click().run()
    _ok(app)
    assert not people(m.Person.name == "Oscar Reyes")[0].active
    assert "Oscar Reyes" not in app.sidebar.selectbox(key="actor_id").options  # gone from the pickers
    assert [mt.value for mt in app.metric][3] == "1"
    app.selectbox(key="people_restore_pick").set_value(oscar.id).run()
    app.button(key="people_restore").click().run()
    _ok(app)
    assert people(m.Person.name == "Oscar Reyes")[0].active
    assert "Oscar Reyes" in app.sidebar.selectbox(key="actor_id").options


def test_save_the_people_table_unchanged_then_with_a_bad_value(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app)
    app.button(key="people_save").click().run()
    _ok(app)
    assert any("0 people changed" in t.value for t in app.toast)


def test_create_and_rename_a_team(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app, tab="Teams")
    app.text_input(key="people_team_name").input("Legal")
    [b for b in app.button if b.label == "Create team"][0].click().run()
    _ok(app)
    legal = one(m.Team, m.Team.name == "Legal")
    assert legal is not None
    teams = app.dataframe[0].value
    assert teams.loc[teams["name"] == "Legal", "people"].tolist() == [0]
    app.selectbox(key="people_team_pick").set_value(legal.id).run()
    app.text_input(key=f"people_team_rename_{legal.id}_1").input("Legal & compliance")
    app.button(key="people_team_save").click().run()
    _ok(app)
    assert one(m.Team, m.Team.id == legal.id).name == "Legal & compliance"


def test_add_time_off(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app, tab="Time off")
    (lily,) = people(m.Person.name == "Lily Park")
    app.selectbox(key="people_timeoff_person").set_value(lily.id)
    app.text_input(key="people_timeoff_note").input("conference")
    [b for b in app.button if b.label == "Add time off"][0].click().run()
    _ok(app)
    off = one(m.TimeOff, m.TimeOff.person_id == lily.id, m.TimeOff.note == "conference")
    assert off is not None and off.start == off.end


def test_empty_workspace_first_steps_lead_here_and_the_first_person_acts(app: AppTest, workspace) -> None:
    workspace(demo=False)
    app.run()
    _ok(app)
    assert any(link.value == "Add people and teams" for link in app.page_link)  # ui.empty_state on Overview
    assert any(link.value == "Add people" for link in app.sidebar.page_link)  # nobody to act as yet
    app.switch_page(PAGE).run()
    _ok(app)
    assert app.checkbox(key="people_add_me").value is True
    add_person(app, "Kim Lee")
    _ok(app)
    (kim,) = people()
    assert app.session_state["actor_id"] == kim.id and app.query_params["as"] == str(kim.id)
    assert one(m.ActivityLog, m.ActivityLog.entity == "person").actor == "workspace setup"
    add_person(app, "Sam Roe", me=False)
    _ok(app)
    assert one(m.ActivityLog, m.ActivityLog.entity_id == people(m.Person.name == "Sam Roe")[0].id,
               m.ActivityLog.entity == "person").actor == "Kim Lee"


def test_acting_as_survives_a_reload_through_the_url(app: AppTest, workspace) -> None:
    workspace(demo=True)
    del app.query_params["as"]
    open_page(app, "pages/workload.py")
    assert app.sidebar.selectbox(key="actor_id").value == 0
    (lucas,) = people(m.Person.name == "Lucas Weber")
    app.sidebar.selectbox(key="actor_id").set_value(lucas.id).run()
    assert app.query_params["as"] == str(lucas.id)
    link = dict(app.query_params)

    reloaded = AppTest.from_file(str(ENTRYPOINT), default_timeout=90)  # a fresh session with the same URL
    for key, value in link.items():
        reloaded.query_params[key] = value
    reloaded.run()
    _ok(reloaded)
    picker = reloaded.sidebar.selectbox(key="actor_id")
    assert (picker.value, picker.options[picker.index]) == (lucas.id, "Lucas Weber")
    assert reloaded.query_params["as"] == str(lucas.id)


def test_an_unknown_or_archived_person_in_the_url_acts_as_nobody(app: AppTest, workspace) -> None:
    workspace(demo=True)
    app.query_params["as"] = "999"
    app.run()
    _ok(app)
    assert app.sidebar.selectbox(key="actor_id").value == 0
    assert "as" not in app.query_params


def test_a_write_with_nobody_chosen_is_refused_and_nothing_is_saved(app: AppTest, workspace) -> None:
    workspace(demo=True)
    del app.query_params["as"]
    open_page(app)
    add_person(app, "Eve Nobody")
    assert not app.exception, _exceptions(app)
    assert [e.value for e in app.error] == [NO_ACTOR]
    assert not people(m.Person.name == "Eve Nobody")


PLAN = (b"id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than\n"
        b"1,Research,Discovery,3,,Rita Ng,24,\n2,Build,Delivery,5,1,rita ng,40,\n"
        b"3,Ship,Delivery,0,2,Olivia Martin,0,\n")


def test_plan_import_offers_to_create_the_people_it_names(app: AppTest, workspace) -> None:
    workspace(demo=True)
    open_page(app, "pages/projects.py", project="Website relaunch", tab="Plan")
    assert not app.exception, _exceptions(app)
    app.file_uploader(key="projects_import_file_0").set_value(("plan.csv", PLAN, "text/csv")).run()
    assert any("'Rita Ng' is not a person" in w.value for w in app.warning)
    create = app.button(key="projects_import_create_people")
    assert create.label == "Create 1 person: Rita Ng"
    create.click().run()
    _ok(app)
    assert people(m.Person.name == "Rita Ng")
    assert not any("is not a person" in w.value for w in app.warning)
    app.button(key="projects_import_go").click().run()
    _ok(app)
    (rita,) = people(m.Person.name == "Rita Ng")
    with read_session(get_engine(os.environ["DATABASE_URL"])) as s:
        names = s.exec(select(m.Task.name).where(m.Task.assignee_id == rita.id)).scalars().all()
    assert sorted(names) == ["Build", "Research"]
