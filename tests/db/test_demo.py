"""The demo workspace seeds the same rows on SQLite and PostgreSQL, and tells the stories the pages rely on."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from worksmith import demo
from worksmith.commands.core import Actor, create
from worksmith.commands.plans import reschedule
from worksmith.commands.project_plan import save_plan
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.portfolio import portfolio
from worksmith.views.project_plan import current_rows


def counts(engine) -> dict[str, int]:
    with read_session(engine) as s:
        return {model.__tablename__: s.exec(select(func.count()).select_from(model)).one()[0]
                for model in (m.Team, m.Person, m.Goal, m.KeyResult, m.CheckIn, m.Project, m.Task, m.Dependency,
                              m.Operation, m.RecurringTask, m.Request, m.BudgetLine, m.Expense, m.Risk,
                              m.Template, m.Baseline)}


TODAY = date(2026, 11, 25)  # as tests/db/conftest.py


@pytest.fixture
def seeded(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


def test_demo_s_has_every_kind_of_record(seeded):
    c = counts(seeded)
    assert c["team"] == 5 and c["person"] == 25
    assert 3 <= sum(1 for g in demo.GOALS if g[3] is None) <= 4 and c["goal"] == len(demo.GOALS)
    assert c["project"] == 10 and c["task"] == sum(len(p.tasks) for p in demo.PROJECTS)  # 4 candidates since #20
    assert c["dependency"] >= 60 and c["check_in"] >= 100
    assert c["operation"] >= 5 and c["recurring_task"] >= 8 and c["request"] == 6
    assert c["budget_line"] > 100 and c["expense"] > 50 and c["risk"] >= 10
    assert c["template"] == 2 and c["baseline"] == 6


def test_demo_is_deterministic():
    a, b = demo.build("S", today=TODAY), demo.build("S", today=TODAY)
    a.rows.pop("activity_log"), b.rows.pop("activity_log")  # stamped with the wall clock
    assert a.rows == b.rows


def test_demo_projects_tell_different_stories(seeded):
    with read_session(seeded) as s:
        health = portfolio(s, today=TODAY).set_index("name")
    assert health.loc["Office move", "health"] == "done"
    assert health.loc["Customer portal", "health"] == "not started"
    assert health.loc["Mobile app v2", "health"] == "off track"  # slipped after the baseline
    assert any("after the target" in r for r in health.loc["Mobile app v2", "reasons"])
    assert health.loc["ERP migration", "health"] == "off track"  # spending 35 % over plan
    assert any("over the" in r for r in health.loc["ERP migration", "reasons"])
    assert health.loc["Website relaunch", "health"] == "on track"


def test_reseed_needs_reset_and_reset_replaces(seeded):
    with pytest.raises(ValidationError, match="already has data"):
        demo.seed(seeded, "S", today=TODAY)
    before = counts(seeded)
    demo.seed(seeded, "S", today=TODAY, reset=True)
    assert counts(seeded) == before


def test_new_rows_after_seeding_get_fresh_ids(seeded):
    """Seeding inserts explicit ids; on PostgreSQL the sequences must follow so the next insert works."""
    with write_session(seeded) as s:
        project = s.exec(select(m.Project).where(m.Project.name == "Website relaunch")).one()[0]
        task = create(s, m.Task, {"project_id": project.id, "name": "Extra", "duration_days": 2},
                      actor=Actor(None, "t"))
    assert task.id > sum(len(p.tasks) for p in demo.PROJECTS)


def test_stored_dates_match_a_fresh_schedule(seeded):
    with read_session(seeded) as s:
        before = {t.id: (t.start_date, t.finish_date, t.critical) for t in s.exec(select(m.Task)).scalars()}
    with write_session(seeded) as s:
        assert reschedule(s, today=TODAY) == 0  # rows written: the stored schedule is already right
    with read_session(seeded) as s:
        after = {t.id: (t.start_date, t.finish_date, t.critical) for t in s.exec(select(m.Task)).scalars()}
    assert after == before


def test_generated_plans_link_each_pair_of_tasks_once_so_their_grid_saves(engine, today):
    """The plan grid refuses a predecessor listed twice: M's generated plans must save unchanged."""
    demo.seed(engine, "M", today=today)
    d = m.Dependency.__table__
    with read_session(engine) as s:
        twice = s.connection().execute(select(d.c.pred_id, d.c.succ_id).group_by(d.c.pred_id, d.c.succ_id)
                                       .having(func.count() > 1)).all()
        biggest = s.exec(select(m.Task.project_id).group_by(m.Task.project_id)
                         .order_by(func.count().desc(), m.Task.project_id).limit(1)).one()[0]
        rows = current_rows(s, project_id=biggest)
    assert twice == [] and len(rows) == demo.SIZES["M"]["tasks"]
    with write_session(engine) as s:
        assert save_plan(s, project_id=biggest, rows=rows, actor=Actor(None, "t"), today=today).nothing
