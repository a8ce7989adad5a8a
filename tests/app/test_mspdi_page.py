"""MS Project XML on the Projects page: a new project from an .xml file (its start and holidays come along, the
dates are MS Project's), a refused file listing why, and the plan's "Download as MS Project XML"."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from worksmith.exchange.mspdi import read_mspdi
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session

MSPDI = Path(__file__).resolve().parents[1] / "fixtures" / "mspdi"


def _ok(app: AppTest) -> None:
    assert not app.exception, "\n".join(e.message for e in app.exception)
    assert not app.error, [e.value for e in app.error]


def _open(app: AppTest, **view: str) -> AppTest:
    app.run()
    app.switch_page("pages/projects.py").run()
    for key, value in view.items():
        app.session_state[key] = value
        app.query_params[key] = value
    return app.run()


def test_a_new_project_from_an_ms_project_file_keeps_its_start_holidays_and_dates(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, view="New project from a plan file")
    _ok(app)
    app.text_input(key="plan_file_name").input("Clinic relaunch").run()
    data = (MSPDI / "handmade-phases.xml").read_bytes()
    app.file_uploader(key="plan_file_file_0").set_value(("clinic.xml", data, "application/xml")).run()
    _ok(app)
    assert any("From the MS Project file: start Mon 2 Mar 2026, 3 holidays" in c.value for c in app.caption)
    app.button(key="plan_file_go").click().run()
    _ok(app)
    with read_session(get_engine(os.environ["DATABASE_URL"])) as s:
        project = s.exec(select(m.Project).where(m.Project.name == "Clinic relaunch")).scalars().one()
        holidays = s.exec(select(m.Holiday.day).where(m.Holiday.project_id == project.id)).scalars().all()
        tasks = {t.ref: t for t in s.exec(select(m.Task).where(m.Task.project_id == project.id)).scalars()}
    assert project.start == date(2026, 3, 2)
    assert sorted(holidays) == [date(2026, 3, 10), date(2026, 4, 3), date(2026, 4, 6)]
    saved = read_mspdi(MSPDI / "handmade-phases.xml")
    assert sorted(tasks) == [r.id for r in saved.plan.rows]
    # the dates MS Project saved: Fit-out Mon 9 Mar to Mon 16 Mar across the holiday, Inspection from its SNET
    assert (tasks[3].start_date, tasks[3].finish_date) == (date(2026, 3, 9), date(2026, 3, 16))
    assert (tasks[4].start_date, tasks[4].finish_date) == (date(2026, 3, 16), date(2026, 3, 17))
    assert tasks[6].name == 'Signage & "wayfinding"'


def test_a_refused_ms_project_file_lists_why_and_imports_nothing(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, view="New project from a plan file")
    data = (MSPDI / "handmade-refused.xml").read_bytes()
    app.file_uploader(key="plan_file_file_0").set_value(("refused.xml", data, "application/xml")).run()
    assert not app.exception
    (error,) = app.error
    assert "refused, nothing imported: 13 items" in error.value and "is manually scheduled" in error.value
    assert not [b for b in app.button if b.key == "plan_file_go"]


def test_the_plan_has_an_ms_project_download_next_to_the_csv(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Website relaunch", tab="Plan")
    _ok(app)
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Download plan (CSV)" in labels and "Download as MS Project XML" in labels
