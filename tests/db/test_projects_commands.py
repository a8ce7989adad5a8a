"""Project commands on SQLite and PostgreSQL: baselines and variance, status updates, close-out, names, moving
the start date."""

from __future__ import annotations

from datetime import date

import pytest
from projects_fixtures import ANA, count, grid, new_project, planned, tasks_by_ref

from worksmith.commands import project_plan as cpp
from worksmith.commands import projects as cp
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import project_plan as vpp
from worksmith.views import projects as vp


# ------------------------------------------------------------------------------------------------ baselines
def test_baseline_then_a_longer_task_shows_variance_per_task_and_project(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        cp.save_baseline(s, project_id=pid, name="Approved", actor=ANA)
    rows = grid(engine, pid)
    rows[1]["duration_days"] = 8  # Build +3 working days
    with write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    with read_session(engine) as s:
        d = vpp.project_detail(s, project_id=pid, today=today)
    var = dict(zip(d.tasks["ref"], d.tasks["finish_variance"], strict=True))
    assert var == {1: 0, 2: 3, 3: 0, 4: 3, 5: 3}  # Docs hangs on Build's start (SS): not late
    assert d.finish_variance == 3
    assert d.baseline["name"] == "Approved"
    assert "3 working days later than the baseline" in d.gantt_title
    with pytest.raises(ValidationError, match="give it a name"), write_session(engine) as s:
        cp.save_baseline(s, project_id=pid, name=" ", actor=ANA)


def test_baseline_needs_scheduled_tasks(engine):
    pid = new_project(engine)
    with pytest.raises(ValidationError, match="has no scheduled tasks"), write_session(engine) as s:
        cp.save_baseline(s, project_id=pid, name="B", actor=ANA)
    assert count(engine, m.Baseline) == 0


# ------------------------------------------------------------------------------------------------ status, close-out
def test_status_updates_and_closing_with_lessons(engine, today):
    pid = planned(engine, today)
    other = new_project(engine, "Next one")
    with write_session(engine) as s:
        cp.add_status_update(s, project_id=pid, rag="amber", summary="Vendor late.", today=today, actor=ANA)
    with pytest.raises(ValidationError, match="write a summary"), write_session(engine) as s:
        cp.add_status_update(s, project_id=pid, rag="green", summary="  ", today=today, actor=ANA)
    with read_session(engine) as s:
        assert vp.status_updates(s, project_id=pid)[["rag", "summary"]].values.tolist() == [["amber", "Vendor late."]]
        version = s.get(m.Project, pid).version
    with pytest.raises(ValidationError, match="write the final review and the lessons learned"), \
            write_session(engine) as s:
        cp.close_project(s, project_id=pid, final_review="", lessons_learned="", expected_version=version,
                         actor=ANA, today=today)
    with write_session(engine) as s:
        cp.close_project(s, project_id=pid, final_review="Shipped.", lessons_learned="Book QA early.",
                         expected_version=version, actor=ANA, today=today)
    with read_session(engine) as s:
        project = s.get(m.Project, pid)
        assert (project.status, project.closed_on) == ("done", today)
        d = vpp.project_detail(s, project_id=other, today=today)
        assert d.lessons[["project", "lessons"]].values.tolist() == [["Website", "Book QA early."]]
        assert vpp.project_detail(s, project_id=pid, today=today).lessons.empty  # not its own


def test_project_names_are_unique_and_required(engine):
    new_project(engine)
    for name, message in (("Website", "already exists"), ("  ", "give the project a name")):
        with pytest.raises(ValidationError, match=message), write_session(engine) as s:
            cp.create_project(s, data={"name": name}, actor=ANA)
    assert count(engine, m.Project) == 1


def test_moving_the_start_date_reschedules(engine, today):
    pid = planned(engine, today)
    with read_session(engine) as s:
        version = s.get(m.Project, pid).version
    with write_session(engine) as s:
        cp.update_project(s, project_id=pid, changes={"start": date(2026, 12, 7)}, expected_version=version,
                          actor=ANA, today=today)
    assert tasks_by_ref(engine, pid)[5].start_date == date(2026, 12, 22)
