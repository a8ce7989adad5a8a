"""The command layer on SQLite and PostgreSQL: validation, references, audit trail, optimistic locking."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from worksmith.commands.core import Actor, create, delete, update
from worksmith.errors import ConflictError, NotFoundError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import current_revision, get_engine, read_session, write_session
from worksmith.store.migrations import head

ALICE = Actor(None, "Alice")


def count(engine, model) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()[0]


def make_project(engine, **extra) -> int:
    with write_session(engine) as s:
        return create(s, m.Project, {"name": "Website", "start": date(2026, 1, 5), **extra}, actor=ALICE).id


def make_task(engine, project_id: int, **extra) -> tuple[int, int]:
    with write_session(engine) as s:
        task = create(s, m.Task, {"project_id": project_id, "name": "Build", "duration_days": 5,
                                  "estimate_hours": 30, **extra}, actor=ALICE)
        return task.id, task.version


def test_upgrade_creates_every_table_at_head(engine):
    assert current_revision(engine) == head() == "0008"
    with read_session(engine) as s:
        for model in (m.Task, m.Person, m.BudgetLine, m.ActivityLog, m.Request):
            assert s.exec(select(func.count()).select_from(model)).one()[0] == 0


def test_create_refuses_negative_hours_naming_the_field_and_writes_nothing(engine):
    pid = make_project(engine)
    before = count(engine, m.ActivityLog)
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        create(s, m.Task, {"project_id": pid, "name": "Build", "estimate_hours": -4}, actor=ALICE)
    assert "estimate hours" in str(err.value)
    assert "greater than or equal to 0" in str(err.value)
    assert err.value.field == "estimate_hours"
    assert count(engine, m.Task) == 0
    assert count(engine, m.ActivityLog) == before


def test_create_refuses_end_before_start(engine):
    with pytest.raises(ValidationError, match=r"target end \(01 Jan 2026\) is before start \(05 Jan 2026\)"), \
            write_session(engine) as s:
        create(s, m.Project, {"name": "Late", "start": date(2026, 1, 5), "target_end": date(2026, 1, 1)},
               actor=ALICE)
    assert count(engine, m.Project) == 0


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("percent_complete", 120, "percent complete: input should be less than or equal to 100"),
    ("duration_days", -1, "duration days: input should be greater than or equal to 0"),
    ("status", "finished", "status: input should be"),
    ("estimate_hours", float("inf"), "estimate hours"),
])
def test_task_rules(engine, field, value, needle):
    pid = make_project(engine)
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        create(s, m.Task, {"project_id": pid, "name": "T", field: value}, actor=ALICE)
    assert needle in str(err.value)


def test_unknown_person_is_named(engine):
    pid = make_project(engine)
    with pytest.raises(ValidationError, match="unknown person 999 for assignee"), write_session(engine) as s:
        create(s, m.Task, {"project_id": pid, "name": "T", "assignee_id": 999}, actor=ALICE)


def test_risk_probability_must_be_1_to_5(engine):
    pid = make_project(engine)
    with pytest.raises(ValidationError, match="probability"), write_session(engine) as s:
        create(s, m.Risk, {"project_id": pid, "title": "Vendor late", "probability": 6, "impact": 3}, actor=ALICE)


def test_expense_needs_positive_finite_amount_and_one_owner(engine):
    pid = make_project(engine)
    with pytest.raises(ValidationError, match="amount"), write_session(engine) as s:
        create(s, m.Expense, {"project_id": pid, "day": date(2026, 2, 1), "amount": float("nan")}, actor=ALICE)
    with pytest.raises(ValidationError, match="either a project or an operation"), write_session(engine) as s:
        create(s, m.Expense, {"day": date(2026, 2, 1), "amount": 10.0}, actor=ALICE)


def test_update_logs_before_and_after_and_bumps_version(engine):
    pid = make_project(engine)
    tid, version = make_task(engine, pid)
    with write_session(engine) as s:
        task = update(s, m.Task, tid, {"percent_complete": 50, "name": "Build site"}, expected_version=version,
                      actor=ALICE)
        assert task.version == version + 1
    with read_session(engine) as s:
        entry = s.exec(select(m.ActivityLog).order_by(m.ActivityLog.id.desc())).first()[0]
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == ("Alice", "update", "task", tid)
    assert entry.before == {"percent_complete": 0.0, "name": "Build"}
    assert entry.after == {"percent_complete": 50.0, "name": "Build site"}
    assert "percent complete 0.0 → 50.0" in entry.summary


def test_update_validates_the_merged_record(engine):
    pid = make_project(engine, target_end=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="is before start"), write_session(engine) as s:
        update(s, m.Project, pid, {"start": date(2026, 4, 1)}, expected_version=1, actor=ALICE)
    with read_session(engine) as s:
        assert s.get(m.Project, pid).start == date(2026, 1, 5)


def test_update_of_unknown_field_is_refused(engine):
    pid = make_project(engine)
    with pytest.raises(ValidationError, match="has no field colour"), write_session(engine) as s:
        update(s, m.Project, pid, {"colour": "red"}, expected_version=1, actor=ALICE)


def test_second_of_two_sessions_editing_the_same_task_is_refused(engine):
    """Two people open task v1; the first saves; the second save is refused and the first one's edit is kept."""
    pid = make_project(engine)
    tid, version = make_task(engine, pid)
    with write_session(engine) as s:
        update(s, m.Task, tid, {"percent_complete": 40}, expected_version=version, actor=Actor(None, "Ann"))
    with pytest.raises(ConflictError, match="changed by someone else") as err, write_session(engine) as s:
        update(s, m.Task, tid, {"percent_complete": 90}, expected_version=version, actor=Actor(None, "Bob"))
    assert "reload" in str(err.value)
    with read_session(engine) as s:
        task = s.get(m.Task, tid)
        assert (task.percent_complete, task.version) == (40.0, version + 1)


def test_interleaved_flushes_are_caught_by_the_version_column(engine):
    """Both sessions read v1 before either writes: the database-level version check refuses the later flush."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): a write cannot start from a stale snapshot")
    pid = make_project(engine)
    tid, _ = make_task(engine, pid)
    with Session(engine) as first, Session(engine) as second:
        a, b = first.get(m.Task, tid), second.get(m.Task, tid)
        a.name = "First"
        first.commit()
        b.name = "Second"
        with pytest.raises(Exception, match="expected to update 1 row"):
            second.commit()
    with read_session(engine) as s:
        assert s.get(m.Task, tid).name == "First"


def test_delete_in_use_is_refused_and_missing_is_not_found(engine):
    pid = make_project(engine)
    make_task(engine, pid)
    with pytest.raises(ValidationError, match=r"other records still refer to it \(1 task project\)"), \
            write_session(engine) as s:
        delete(s, m.Project, pid, actor=ALICE)
    assert count(engine, m.Project) == 1
    with pytest.raises(NotFoundError, match="does not exist"), write_session(engine) as s:
        delete(s, m.Project, 12345, actor=ALICE)


def test_sqlite_connection_settings(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
