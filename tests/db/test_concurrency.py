"""Data integrity under concurrent writers (issue "Data integrity" 6 and 8), on SQLite and PostgreSQL.

* Two grid saves whose reschedules each move the row the other one edited: on PostgreSQL they deadlocked
  (``DeadlockDetected``); now the second waits for the plan lock and both commit.
* A large plan import is bulk-written after validation: a bounded number of statements (not one or more per task
  and link), nothing executed at all for a file the models refuse, and one audit row.
* The soak (marked ``soak``; reduced counts here, full counts in ``python -m worksmith bench --soak``).
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from projects_fixtures import ANA, count, grid, new_project, planned, tasks_by_ref
from sqlalchemy import event, func, select

from worksmith.commands import core
from worksmith.commands import project_plan as cpp
from worksmith.commands.plans import reschedule
from worksmith.domain.notation import Link
from worksmith.errors import ValidationError
from worksmith.exchange.planfile import PlanRow
from worksmith.soak import run_soak
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session

FORK = [
    {"ref": 1, "name": "Left", "phase": "Work", "duration_days": 3, "predecessors": ""},
    {"ref": 2, "name": "Right", "phase": "Work", "duration_days": 3, "predecessors": ""},
    {"ref": 3, "name": "Join", "phase": "Work", "duration_days": 0, "predecessors": "1,2"},
]


def test_two_grid_saves_that_move_each_others_rows_both_commit(engine, today):
    """Left 3d → 5d moves Right's float; Right 3d → 6d moves Left's float (each edit as a grid save writes it:
    update, then reschedule). Without one lock order the second reschedule waits for the first's edited row while
    the first waits for the second's: a deadlock on PostgreSQL."""
    pid = planned(engine, today, FORK)
    problems: list[BaseException] = []
    edited = threading.Event()

    ids = {r["ref"]: r["id"] for r in grid(engine, pid)}

    def right_longer():
        try:
            edited.wait(10)
            with write_session(engine) as s:
                core.update(s, m.Task, ids[2], {"duration_days": 6}, expected_version=1, actor=ANA)
                reschedule(s, today=today)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            problems.append(exc)

    other = threading.Thread(target=right_longer)
    other.start()
    with write_session(engine) as s:
        core.update(s, m.Task, ids[1], {"duration_days": 5}, expected_version=1, actor=ANA)  # Left's row locked
        edited.set()
        other.join(0.5)  # the other save runs now (and used to lock Right before waiting for Left)
        reschedule(s, today=today)
    other.join(30)
    assert not other.is_alive() and problems == []
    t = tasks_by_ref(engine, pid)
    assert (t[1].duration_days, t[2].duration_days) == (5, 6)
    assert (t[1].total_float, t[2].total_float) == (1, 0)  # both edits in the stored schedule
    with write_session(engine) as s:
        assert reschedule(s, today=today) == 0


def _plan_rows(n: int) -> list[PlanRow]:
    return [PlanRow(row=k, id=k, name=f"Task {k}", phase=f"Phase {k // 100}", duration_days=k % 5, predecessors="",
                    assignee="Ana Lopez" if k % 3 == 0 else "", estimate_hours=float(k % 40),
                    start_no_earlier_than=2 if k == 7 else None,
                    links=tuple(Link(p, "FS", 0) for p in (k - 1, k - 2) if p >= 1))
            for k in range(1, n + 1)]


def _statements(engine):
    seen: list[str] = []

    def count_it(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", count_it)
    return seen, lambda: event.remove(engine, "before_cursor_execute", count_it)


def test_a_large_import_is_a_few_bulk_statements_and_one_audit_row(engine, today):
    with write_session(engine) as s:
        s.add(m.Person(name="Ana Lopez"))
    pid = planned(engine, today)
    audit = count(engine, m.ActivityLog)
    seen, stop = _statements(engine)
    try:
        with write_session(engine) as s:
            change = cpp.import_plan(s, project_id=pid, plan_rows=_plan_rows(600), replace=True, actor=ANA,
                                     today=today)
    finally:
        stop()
    assert (change.added, change.deleted, change.links_added, change.links_removed) == (600, 5, 1197, 5)
    assert len(seen) < 40, f"{len(seen)} statements for a 600-task import"  # was one or more per task and link
    assert count(engine, m.ActivityLog) == audit + 1
    t = tasks_by_ref(engine, pid)
    assert len(t) == 600 and all(x.start_date is not None for x in t.values())
    assert t[3].assignee_id is not None and t[4].assignee_id is None
    assert t[7].start_no_earlier_than == date(2026, 12, 2)  # offset 2 from Mon 30 Nov
    with read_session(engine) as s:
        phases = s.exec(select(func.count()).select_from(m.Phase).where(m.Phase.project_id == pid)).one()[0]
    assert phases == 7  # Phase 0 … Phase 6; the old plan's phases went with its tasks


def test_an_import_the_models_refuse_runs_no_statement(engine, today):
    pid = planned(engine, today)
    rows = _plan_rows(50)
    rows[9] = PlanRow(row=10, id=10, name="x" * 300, phase="", duration_days=1, predecessors="", assignee="",
                      estimate_hours=None, start_no_earlier_than=None)
    seen, stop = _statements(engine)
    try:
        with pytest.raises(ValidationError, match="task 10"), write_session(engine) as s:
            cpp.import_plan(s, project_id=pid, plan_rows=rows, replace=True, actor=ANA, today=today)
    finally:
        stop()
    assert seen == []  # refused before the transaction's first statement (SQLite: before the write lock)
    assert sorted(tasks_by_ref(engine, pid)) == [1, 2, 3, 4, 5]


def test_replacing_a_plan_whose_tasks_are_referenced_is_refused_whole(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        person = m.Person(name="Bo")
        s.add(person)
        s.flush()
        s.add(m.TimeEntry(task_id=tasks_by_ref(engine, pid)[2].id, person_id=person.id, day=today, hours=2))
    with pytest.raises(ValidationError, match="1 time entry task"), write_session(engine) as s:
        cpp.import_plan(s, project_id=pid, plan_rows=_plan_rows(3), replace=True, actor=ANA, today=today)
    assert sorted(tasks_by_ref(engine, pid)) == [1, 2, 3, 4, 5]
    new_project(engine, "Other")  # the workspace still takes writes


@pytest.mark.soak
def test_soak_overlapping_edits_lose_nothing(engine):
    """4 processes × 30 random edits (grid saves, board moves, project starts; a quarter from stale reads)."""
    result = run_soak(engine.url.render_as_string(hide_password=False), processes=4, edits=30)
    assert result.exceptions == [], result.exceptions[0]
    assert result.lost_updates == []
    assert result.audit_rows == result.commits - result.no_op
    assert result.conflicts > 0 and result.commits > 0
    assert result.commits + result.conflicts + result.refusals + result.busy_gave_up == 4 * 30
    assert result.busy_gave_up == 0
    if engine.dialect.name == "postgresql":
        assert result.busy_retries == 0, "a deadlock: plan writers no longer queue on the plan lock"
