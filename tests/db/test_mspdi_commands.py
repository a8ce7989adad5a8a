"""A new project from an MS Project file on SQLite and PostgreSQL: the file's holidays become the project's own,
before the plan is scheduled, so the task dates are the ones MS Project saved; one transaction with the plan."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from projects_fixtures import ANA, count, tasks_by_ref
from sqlalchemy import select

from worksmith.commands import project_plan as cpp
from worksmith.errors import ValidationError
from worksmith.exchange.mspdi import read_mspdi
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.plans import project_calendar

PHASES = Path(__file__).resolve().parents[1] / "fixtures" / "mspdi" / "handmade-phases.xml"


def test_a_project_from_an_ms_project_file_gets_its_holidays_and_its_dates(engine, today):
    f = read_mspdi(PHASES)
    with write_session(engine) as s:
        pid = cpp.create_from_plan(s, data={"name": "Clinic", "start": f.start}, plan_rows=f.plan.rows, actor=ANA,
                                   today=today, holidays=f.holidays)
    with read_session(engine) as s:
        assert sorted(project_calendar(s, pid).holidays) == f.holidays
        logged = s.exec(select(m.ActivityLog.summary).where(m.ActivityLog.entity == "holiday")).scalars().all()
    assert logged == ["added 3 project holidays from the MS Project calendar (10 Mar 2026 to 06 Apr 2026)"]
    tasks = tasks_by_ref(engine, pid)
    assert (tasks[3].start_date, tasks[3].finish_date) == (date(2026, 3, 9), date(2026, 3, 16))
    before = (count(engine, m.Project), count(engine, m.Holiday))
    bad = [dataclasses.replace(f.plan.rows[0], id=f.plan.rows[1].id)] + list(f.plan.rows[1:])  # duplicate id
    with pytest.raises(ValidationError), write_session(engine) as s:
        cpp.create_from_plan(s, data={"name": "Bad", "start": f.start}, plan_rows=bad, actor=ANA, today=today,
                             holidays=f.holidays)
    assert (count(engine, m.Project), count(engine, m.Holiday)) == before  # neither project nor holidays
