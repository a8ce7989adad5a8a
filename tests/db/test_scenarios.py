"""Scenarios end to end on SQLite and PostgreSQL: branch the demo, make workshop moves, list the changes in
words, apply some to live with version checks, and refuse the ones live changed since."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from worksmith import demo
from worksmith.commands import scenarios as moves
from worksmith.commands.core import Actor, update
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import branches
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, write_session
from worksmith.views.changes import change_count, scenario_changes

TODAY = date(2026, 11, 25)
ANA = Actor(1, "Ana")


@pytest.fixture
def workshop(engine):
    """The demo on live and a scenario branched from it: (live engine, scenario engine, scenario info)."""
    demo.seed(engine, "S", today=TODAY)
    made = branches.create_branch(engine.url.render_as_string(hide_password=False), name="ERP later",
                                  created_by="Ana")
    scenario = get_engine(made.url)
    yield engine, scenario, made
    scenario.dispose()


def _project(engine, name: str) -> m.Project:
    with read_session(engine) as s:
        return s.exec(select(m.Project).where(m.Project.name == name)).scalars().one()


def _changes(live, scenario):
    with read_session(scenario) as b, read_session(live) as lv:
        return scenario_changes(b, lv)


def test_workshop_moves_read_as_changes_in_words(workshop):
    live, scenario, _made = workshop
    erp = _project(scenario, "ERP migration")
    engineering = None
    with write_session(scenario) as s:
        said = moves.shift_project(s, actor=ANA, project_id=erp.id, days=20, expected_version=erp.version,
                                   today=TODAY)
        engineering = s.exec(select(m.Team).where(m.Team.name == "Engineering")).scalars().one()
        moves.add_hire(s, actor=ANA, name="New developer", team_id=engineering.id, skills="python, sql")
    assert "working days" in said and "+20" in said
    changes = _changes(live, scenario)
    labels = [c.label for c in changes]
    start_after = _project(scenario, "ERP migration").start
    assert any(label.startswith("Project 'ERP migration': start ") and f"{start_after.day} " in label
               for label in labels), labels
    assert any(label.startswith("Person 'New developer': new") and "Engineering" in label for label in labels)
    assert not any(c.table == "task" and c.kind == "update" for c in changes)  # computed dates are not changes
    with read_session(scenario) as s:
        assert change_count(s) >= 2
    assert _project(live, "ERP migration").start == erp.start  # live untouched


def test_apply_some_changes_and_refuse_a_conflict(workshop):
    live, scenario, made = workshop
    erp, portal = _project(scenario, "ERP migration"), _project(scenario, "Customer portal")
    with write_session(scenario) as s:
        moves.shift_project(s, actor=ANA, project_id=erp.id, days=10, expected_version=erp.version, today=TODAY)
        moves.scale_budget(s, actor=ANA, project_id=portal.id, factor=1.5, expected_version=portal.version)
    # meanwhile someone renames Customer portal on live: the scenario's portal changes now conflict
    with write_session(live) as s:
        update(s, m.Project, portal.id, {"description": "changed on live"}, expected_version=portal.version,
               actor=Actor(None, "Bob"))
    changes = _changes(live, scenario)
    by_key = {c.key: c for c in changes}
    portal_change = by_key[f"project:{portal.id}"]
    assert portal_change.conflict and "changed on live since" in portal_change.conflict
    with pytest.raises(ConflictError, match="live changed since"), write_session(live) as s:
        moves.apply_changes(s, actor=ANA, changes=changes, scenario=made.name, today=TODAY)
    assert _project(live, "ERP migration").start == erp.start  # never half-applied
    chosen = [by_key[f"project:{erp.id}"]]
    with write_session(live) as s:
        assert moves.apply_changes(s, actor=ANA, changes=chosen, scenario=made.name, today=TODAY) == 1
    after = _project(live, "ERP migration")
    assert after.start == _project(scenario, "ERP migration").start
    with read_session(live) as s:
        log = s.exec(select(m.ActivityLog).order_by(m.ActivityLog.id.desc())).scalars().first()
        assert (log.actor, log.action) == ("Ana", "apply scenario") and "'ERP later'" in log.summary
        moved = s.exec(select(m.Task.start_date).where(m.Task.project_id == erp.id)).scalars().all()
    assert min(d for d in moved if d) >= after.start  # live was rescheduled after the apply


def test_applying_a_new_row_remaps_its_references(workshop):
    live, scenario, made = workshop
    with write_session(scenario) as s:
        team = s.exec(select(m.Team).where(m.Team.name == "Engineering")).scalars().one()
        hire = moves.add_hire(s, actor=ANA, name="Hire A", team_id=team.id, skills=["python"])
        erp = s.exec(select(m.Project).where(m.Project.name == "ERP migration")).scalars().one()
        task = s.exec(select(m.Task).where(m.Task.project_id == erp.id).order_by(m.Task.id)).scalars().first()
        update(s, m.Task, task.id, {"assignee_id": hire}, expected_version=task.version, actor=ANA)
    changes = _changes(live, scenario)
    chosen = [c for c in changes if c.table in ("person", "task")]
    assert {c.kind for c in chosen} == {"create", "update"}
    with write_session(live) as s:
        moves.apply_changes(s, actor=ANA, changes=chosen, scenario=made.name, today=TODAY)
    with read_session(live) as s:
        person = s.exec(select(m.Person).where(m.Person.name == "Hire A")).scalars().one()
        assert s.get(m.Task, task.id).assignee_id == person.id


@pytest.mark.parametrize(("move", "kwargs", "message"), [
    ("shift_project", {"days": 10_000}, "working days between"),
    ("scale_budget", {"factor": 0}, "factor above 0"),
    ("scale_budget", {"factor": float("inf")}, "factor above 0"),
])
def test_bad_workshop_moves_are_refused(workshop, move, kwargs, message):
    _live, scenario, _made = workshop
    erp = _project(scenario, "ERP migration")
    extra = {"today": TODAY} if move == "shift_project" else {}
    with pytest.raises(ValidationError, match=message), write_session(scenario) as s:
        getattr(moves, move)(s, actor=ANA, project_id=erp.id, expected_version=erp.version, **kwargs, **extra)


def test_include_and_exclude_a_candidate(workshop):
    _live, scenario, _made = workshop
    portal = _project(scenario, "Customer portal")
    with write_session(scenario) as s:
        assert "is in" in moves.set_candidate(s, actor=ANA, project_id=portal.id, include=True,
                                                 expected_version=portal.version)
    assert _project(scenario, "Customer portal").status == "approved"
