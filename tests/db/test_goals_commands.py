"""The Goals commands on SQLite and PostgreSQL: validation naming the field, audit log, locking, and what the
reads show afterwards."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.db.test_goals_views import ALICE, goal_id, read
from worksmith import demo
from worksmith.commands import goals as cmd
from worksmith.commands.core import update
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import goals, initiatives


def write(engine, fn, **kwargs):
    """Run a command the way ui.run does: one write transaction, ``actor=`` passed along."""
    with write_session(engine) as s:
        return fn(s, actor=ALICE, **kwargs)


def row(engine, model, row_id):
    with read_session(engine) as s:
        return s.get(model, row_id)


def log_count(engine, action: str | None = None) -> int:
    stmt = select(func.count()).select_from(m.ActivityLog)
    if action:
        stmt = stmt.where(m.ActivityLog.action == action)
    with read_session(engine) as s:
        return s.exec(stmt).one()[0]


@pytest.fixture
def seeded(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


# --- commands ----------------------------------------------------------------------------------------------------


def make_goal(engine, **extra) -> int:
    data = {"title": "Grow", "period_start": date(2026, 10, 1), "period_end": date(2026, 12, 31), **extra}
    return write(engine, cmd.create_goal, **data)


def test_create_goal_and_audit(engine):
    gid = make_goal(engine, weight=2.0)
    goal = row(engine, m.Goal, gid)
    assert (goal.title, goal.weight, goal.archived) == ("Grow", 2.0, False)
    assert log_count(engine, "create") == 1


@pytest.mark.parametrize(("extra", "field", "text"), [
    ({"title": "   "}, "title", "title"),
    ({"period_end": date(2026, 9, 1)}, "period_end", "period end (01 Sep 2026) is before period start"),
    ({"weight": -1}, "weight", "weight"),
    ({"parent_id": 999}, "parent_id", "does not exist"),
])
def test_create_goal_refusals_name_the_field(engine, extra, field, text):
    with pytest.raises(ValidationError, match=re.escape(text)) as err:
        make_goal(engine, **extra)
    assert err.value.field == field
    assert log_count(engine) == 0


def test_goal_under_an_archived_parent_refused(engine):
    parent = make_goal(engine, title="Old")
    write(engine, cmd.archive_goal, goal_id=parent, expected_version=1)
    with pytest.raises(ValidationError, match="archived") as err:
        make_goal(engine, parent_id=parent)
    assert err.value.field == "parent_id"


def test_update_goal_refuses_a_loop_and_a_stale_version(engine):
    top = make_goal(engine, title="Top")
    child = make_goal(engine, title="Child", parent_id=top)
    grandchild = make_goal(engine, title="Grandchild", parent_id=child)
    with pytest.raises(ValidationError, match="loop") as err:
        write(engine, cmd.update_goal, goal_id=top, changes={"parent_id": grandchild}, expected_version=1)
    assert err.value.field == "parent_id"
    with pytest.raises(ValidationError, match="loop"):
        write(engine, cmd.update_goal, goal_id=top, changes={"parent_id": top}, expected_version=1)
    assert write(engine, cmd.update_goal, goal_id=top, changes={"title": "Top goal"}, expected_version=1) == 2
    with pytest.raises(ConflictError, match="changed by someone else"):
        write(engine, cmd.update_goal, goal_id=top, changes={"title": "Stale"}, expected_version=1)
    assert row(engine, m.Goal, top).title == "Top goal"


def test_archive_takes_sub_goals_along_and_restore_brings_one_back(engine):
    top = make_goal(engine, title="Top")
    child = make_goal(engine, title="Child", parent_id=top)
    assert write(engine, cmd.archive_goal, goal_id=top, expected_version=1) == ["Top", "Child"]
    assert row(engine, m.Goal, child).archived
    with pytest.raises(ValidationError, match="already archived"):
        write(engine, cmd.archive_goal, goal_id=top, expected_version=2)
    write(engine, cmd.restore_goal, goal_id=top, expected_version=2)
    assert not row(engine, m.Goal, top).archived and row(engine, m.Goal, child).archived


def make_kr(engine, gid, **extra) -> int:
    data = {"title": "Churn", "start_value": 8.0, "target_value": 5.0, "unit": "%", "direction": "down", **extra}
    return write(engine, cmd.create_key_result, goal_id=gid, **data)


def test_key_result_starts_at_its_start_value(engine):
    kid = make_kr(engine, make_goal(engine))
    kr = row(engine, m.KeyResult, kid)
    assert (kr.current_value, kr.direction, kr.archived) == (8.0, "down", False)


def test_key_result_direction_must_match_the_numbers(engine):
    gid = make_goal(engine)
    with pytest.raises(ValidationError, match="'up' means higher is better, but the target") as err:
        make_kr(engine, gid, direction="up")
    assert err.value.field == "direction"
    kid = make_kr(engine, gid)
    with pytest.raises(ValidationError, match="direction"):  # an edit is checked on the merged record
        write(engine, cmd.update_key_result, key_result_id=kid, changes={"target_value": 9.0}, expected_version=1)
    write(engine, cmd.update_key_result, key_result_id=kid, changes={"target_value": 4.0}, expected_version=1)
    assert row(engine, m.KeyResult, kid).target_value == 4.0


def test_key_result_on_an_archived_goal_refused(engine):
    gid = make_goal(engine)
    write(engine, cmd.archive_goal, goal_id=gid, expected_version=1)
    with pytest.raises(ValidationError, match="archived") as err:
        make_kr(engine, gid)
    assert err.value.field == "goal_id"


def test_archived_key_result_leaves_the_roll_up(engine, today):
    gid = make_goal(engine)
    a = make_kr(engine, gid, title="A")
    make_kr(engine, gid, title="B")
    write(engine, cmd.record_check_in, key_result_id=a, day=today, value=5.0, today=today)  # A done, B at 0
    assert read(engine, goals.goals_view, today=today).tree["progress"].tolist() == [0.5]
    write(engine, cmd.archive_key_result, key_result_id=a, expected_version=2)
    assert read(engine, goals.goals_view, today=today).tree["progress"].tolist() == [0.0]


def test_check_in_updates_the_current_value_only_when_latest(engine, today):
    kid = make_kr(engine, make_goal(engine))
    write(engine, cmd.record_check_in, key_result_id=kid, day=today, value=6.5, confidence=6, note=" ok ",
          today=today)
    write(engine, cmd.record_check_in, key_result_id=kid, day=today - timedelta(days=14), value=7.5, today=today)
    assert row(engine, m.KeyResult, kid).current_value == 6.5  # the older check-in is history only
    with read_session(engine) as s:
        notes = [c.note for c in s.exec(select(m.CheckIn).order_by(m.CheckIn.id)).scalars()]
    assert notes == ["ok", ""]
    assert log_count(engine, "update") == 1  # key result's current value 8 → 6.5


@pytest.mark.parametrize(("kwargs", "field", "text"), [
    ({"value": None}, "value", "value"),
    ({"value": float("nan")}, "value", "finite"),
    ({"confidence": 11}, "confidence", "confidence"),
    ({"day_offset": 1}, "day", "in the future"),
    ({"day": date(2026, 9, 30)}, "day", "before the goal's period starts"),
])
def test_check_in_refusals_name_the_field(engine, today, kwargs, field, text):
    kid = make_kr(engine, make_goal(engine))
    before = log_count(engine)
    kwargs = dict(kwargs)  # the parameter dict is shared by the SQLite and PostgreSQL runs
    args = {"value": 7.0, "confidence": 7, "day": today + timedelta(days=kwargs.pop("day_offset", 0)), **kwargs}
    with pytest.raises(ValidationError, match=text) as err:
        write(engine, cmd.record_check_in, key_result_id=kid, today=today, **args)
    assert err.value.field == field
    assert log_count(engine) == before and row(engine, m.KeyResult, kid).current_value == 8.0


def test_approve_candidate(seeded, today):
    with read_session(seeded) as s:
        portal = s.exec(select(m.Project).where(m.Project.name == "Customer portal")).one()[0]
    write(seeded, cmd.approve_candidate, project_id=portal.id, expected_version=portal.version)
    assert row(seeded, m.Project, portal.id).status == "active"
    assert log_count(seeded, "approve") == 1
    assert read(seeded, initiatives.ranking, today=today).candidates["name"].tolist() == [
        "Data warehouse", "Rolling forecast", "Loyalty programme"]
    with pytest.raises(ValidationError, match="not a candidate") as err:
        write(seeded, cmd.approve_candidate, project_id=portal.id, expected_version=portal.version + 1)
    assert err.value.field == "status"


def test_approve_with_a_stale_version_is_a_conflict(seeded):
    with read_session(seeded) as s:
        dw = s.exec(select(m.Project).where(m.Project.name == "Data warehouse")).one()[0]
    with write_session(seeded) as s:  # someone else edits it meanwhile
        update(s, m.Project, dw.id, {"priority": 1}, expected_version=dw.version, actor=ALICE)
    with pytest.raises(ConflictError):
        write(seeded, cmd.approve_candidate, project_id=dw.id, expected_version=dw.version)
    assert row(seeded, m.Project, dw.id).status == "proposed"


def test_align_unaligned_work(seeded, today):
    payroll = read(seeded, goals.goals_view, today=today).unaligned.iloc[0]
    target = goal_id(seeded, "Run a lean, efficient company")
    write(seeded, cmd.align_work, kind="Operation", work_id=int(payroll["id"]), goal_id=target,
          expected_version=int(payroll["version"]))
    view = read(seeded, goals.goals_view, today=today)
    assert view.unaligned.empty and view.unaligned_title.startswith("All live work serves a goal.")
    with pytest.raises(ValidationError, match="not 'Task'"):
        write(seeded, cmd.align_work, kind="Task", work_id=1, goal_id=target, expected_version=1)
