"""Data integrity at the command layer, on SQLite and PostgreSQL: lost races, cycles, poison values, uniqueness.

Each bad value here was once accepted by a normal command and then broke a page or an export for everyone.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from worksmith.commands.core import Actor, create, delete, update
from worksmith.errors import BusyError, ConflictError, CycleError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, run_in_transaction, write_session

ALICE, BOB = Actor(None, "Alice"), Actor(None, "Bob")


def _count(engine, model) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()[0]


def _project(engine, name: str = "Website", **extra) -> int:
    with write_session(engine) as s:
        return create(s, m.Project, {"name": name, "start": date(2026, 1, 5), **extra}, actor=ALICE).id


def _task(engine, project_id: int, name: str = "Build") -> int:
    with write_session(engine) as s:
        return create(s, m.Task, {"project_id": project_id, "name": name, "duration_days": 5}, actor=ALICE).id


def _mvcc_only(engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): a second writer cannot hold a stale row")


# --- lost races -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("verb", ["update", "delete"])
def test_a_lost_race_is_a_conflict_naming_the_record_and_both_versions(engine, verb):
    """The row is read at v1, someone else commits v2, then this save flushes: a ConflictError, not a crash."""
    _mvcc_only(engine)
    tid = _task(engine, _project(engine))
    with pytest.raises(ConflictError) as err, write_session(engine) as mine:
        opened = mine.get(m.Task, tid)  # opened in the editor at version 1 (held: the identity map is weak)
        with write_session(engine) as theirs:
            update(theirs, m.Task, tid, {"name": "Built by Bob"}, expected_version=1, actor=BOB)
        if verb == "update":
            update(mine, m.Task, tid, {"percent_complete": 50}, expected_version=None, actor=ALICE)
        else:
            delete(mine, m.Task, tid, actor=ALICE)
        assert opened.version == 1
    message = str(err.value)
    assert "Task 'Build' was changed by someone else (version 2, yours 1)" in message
    assert "nothing was " in message
    with read_session(engine) as s:
        task = s.get(m.Task, tid)
        assert (task.name, task.percent_complete, task.version) == ("Built by Bob", 0.0, 2)


def test_concurrent_saves_of_one_row_never_crash_and_lose_nothing(engine):
    """Four threads × 15 saves of the same task through run_in_transaction: every save commits or is a conflict."""
    tid = _task(engine, _project(engine))
    outcomes: list[str] = []

    def worker(n: int) -> None:
        for i in range(15):
            def save(session: Session, value=float(n * 15 + i + 1)) -> None:
                row = session.get(m.Task, tid)
                update(session, m.Task, tid, {"percent_complete": value}, expected_version=row.version,
                       actor=Actor(None, f"w{n}"))
            try:
                run_in_transaction(engine, save)
                outcomes.append("saved")
            except ConflictError:
                outcomes.append("conflict")
            except Exception as exc:  # the point of the test: anything else is a crash
                outcomes.append(f"crash {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [o for o in outcomes if o.startswith("crash")] == []
    saved = outcomes.count("saved")
    with read_session(engine) as s:
        assert s.get(m.Task, tid).version == 1 + saved  # every committed save counted once, none lost
        updates = s.exec(select(func.count()).select_from(m.ActivityLog)
                         .where(m.ActivityLog.action == "update")).one()[0]
    assert updates == saved


def test_run_in_transaction_retries_a_busy_database_then_says_so(engine):
    calls = []

    def flaky(session: Session) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise BusyError("busy")
        return "done"

    assert run_in_transaction(engine, flaky) == "done" and len(calls) == 3
    calls.clear()
    with pytest.raises(BusyError):
        run_in_transaction(engine, lambda s: (calls.append(1), (_ for _ in ()).throw(BusyError("busy"))), attempts=2)
    assert len(calls) == 2


# --- cycles on every path ---------------------------------------------------------------------------------------
def test_the_generic_create_refuses_a_dependency_cycle_naming_it(engine):
    pid = _project(engine)
    a, b, c = (_task(engine, pid, name) for name in ("Design", "Build", "Test"))
    with write_session(engine) as s:
        create(s, m.Dependency, {"pred_id": a, "succ_id": b}, actor=ALICE)
        create(s, m.Dependency, {"pred_id": b, "succ_id": c}, actor=ALICE)
    for pred, succ in ((b, a), (c, a)):
        with pytest.raises(CycleError) as err, write_session(engine) as s:
            create(s, m.Dependency, {"pred_id": pred, "succ_id": succ}, actor=ALICE)
        assert f"task {pred} " in str(err.value) and "depends on itself via" in str(err.value)
        assert any(f"'{name}'" in str(err.value) for name in ("Build", "Test"))
    assert _count(engine, m.Dependency) == 2


# --- values that must never be saved -----------------------------------------------------------------------------
POISON = {
    "goal weight inf": (m.Goal, {"title": "G", "period_start": date(2026, 1, 1), "period_end": date(2026, 3, 31),
                                 "weight": float("inf")}, "weight"),
    "goal weight above 1,000": (m.Goal, {"title": "G", "period_start": date(2026, 1, 1),
                                         "period_end": date(2026, 3, 31), "weight": 1001}, "weight"),
    "operation demand inf": (m.Operation, {"name": "Ops", "demand_hours_per_week": float("inf")},
                             "demand hours per week"),
    "operation demand 1e308": (m.Operation, {"name": "Ops", "demand_hours_per_week": 1e308},
                               "demand hours per week"),
    "project name with NUL": (m.Project, {"name": "Bad\x00name"}, "control character"),
    "project name with BEL": (m.Project, {"name": "Bell\x07"}, "control character"),
    "description with ESC": (m.Project, {"name": "P", "description": "x\x1b[31m"}, "control character"),
    "project start 9999-12-31": (m.Project, {"name": "P", "start": date(9999, 12, 31)}, "between 1900 and 2200"),
    "project start 1066": (m.Project, {"name": "P", "start": date(1066, 10, 14)}, "between 1900 and 2200"),
    "project budget 1e308": (m.Project, {"name": "P", "budget": 1e308}, "budget"),
    "project budget NaN": (m.Project, {"name": "P", "budget": float("nan")}, "budget"),
    "key result target -inf": (m.KeyResult, {"goal_id": 1, "title": "KR", "target_value": float("-inf")},
                               "target value"),
    "free text of a megabyte": (m.Project, {"name": "P", "description": "x" * 1_000_000}, "too long"),
    "team name of 500 characters": (m.Team, {"name": "T" * 500}, "name"),
}


@pytest.mark.parametrize("case", list(POISON), ids=list(POISON))
def test_a_poison_value_is_refused_where_it_enters(engine, case):
    model, data, mentions = POISON[case]
    before = _count(engine, model)
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        create(s, model, data, actor=ALICE)
    assert mentions in str(err.value)
    assert _count(engine, model) == before


@pytest.mark.parametrize(("field", "value"), [("duration_days", 10**9), ("duration_days", 3651),
                                              ("estimate_hours", 1e7), ("estimate_hours", float("nan"))])
def test_task_numbers_are_bounded(engine, field, value):
    pid = _project(engine)
    with pytest.raises(ValidationError, match=field.replace("_", " ")), write_session(engine) as s:
        create(s, m.Task, {"project_id": pid, "name": "Huge", field: value}, actor=ALICE)


def test_expenses_are_bounded_so_sums_stay_finite(engine):
    pid = _project(engine)
    with pytest.raises(ValidationError, match="amount"), write_session(engine) as s:
        create(s, m.Expense, {"project_id": pid, "day": date(2026, 3, 1), "amount": 1e308}, actor=ALICE)
    with write_session(engine) as s:
        for _ in range(2):
            create(s, m.Expense, {"project_id": pid, "day": date(2026, 3, 1), "amount": m.MAX_MONEY}, actor=ALICE)
    with read_session(engine) as s:
        total = s.exec(select(func.sum(m.Expense.amount))).one()[0]
    assert total == 2 * m.MAX_MONEY


def test_lag_nan_and_huge_lag_are_refused(engine):
    pid = _project(engine)
    a, b = _task(engine, pid, "A"), _task(engine, pid, "B")
    for lag in (float("nan"), 10**6):
        with pytest.raises(ValidationError, match="lag days"), write_session(engine) as s:
            create(s, m.Dependency, {"pred_id": a, "succ_id": b, "lag_days": lag}, actor=ALICE)


# --- uniqueness in the database ----------------------------------------------------------------------------------
def test_two_projects_with_one_name_are_refused_by_the_database(engine):
    """Even past the commands' own check (e.g. a race or a side door), the unique index refuses the second."""
    _project(engine, "Launch")
    with pytest.raises(ConflictError, match="already exists"), write_session(engine) as s:
        s.add(m.Project(name="Launch"))
        s.flush()
    assert _count(engine, m.Project) == 1


def test_duplicate_budget_line_is_refused_by_the_database(engine):
    pid = _project(engine)
    line = {"project_id": pid, "category": "software", "month": date(2026, 2, 1), "planned": 100}
    with write_session(engine) as s:
        create(s, m.BudgetLine, line, actor=ALICE)
    with pytest.raises(ConflictError, match="already exists"), write_session(engine) as s:
        create(s, m.BudgetLine, {**line, "planned": 50}, actor=BOB)
    assert _count(engine, m.BudgetLine) == 1


def test_racing_creates_of_one_name_make_one_project(engine):
    _mvcc_only(engine)
    barrier, results = threading.Barrier(2), []

    def make() -> None:
        try:
            with write_session(engine) as s:
                barrier.wait(timeout=5)
                create(s, m.Project, {"name": "Twin"}, actor=ALICE)
            results.append("saved")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=make) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "saved"]
    assert _count(engine, m.Project) == 1
