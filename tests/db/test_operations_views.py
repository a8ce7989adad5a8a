"""Operations views on SQLite and PostgreSQL: automation rules as sentences, overdue flags, the page figures on the
demo, and run hours reaching the workload engine."""

from __future__ import annotations

from datetime import date, timedelta

import operations_fixtures as fx
import pandas as pd
import pytest
from operations_fixtures import make_rules

from worksmith import demo
from worksmith.commands import operations as commands
from worksmith.commands.core import create
from worksmith.domain import calendar
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import operations as views
from worksmith.views.tables import frame

world = fx.world  # the fixture

# --- automation -----------------------------------------------------------------------------------------------


def test_rules_are_listed_as_sentences(engine, world):
    make_rules(engine, world)
    with read_session(engine) as s:
        rules = views.rules(s)
    assert rules["description"].tolist() == [
        "When a request of type IT is approved, create a work item in IT support owned by Ann.",
        "When a project task or a work item is overdue, flag it on the Overview."]


def test_overdue_flags_follow_the_rule(engine, world, today):
    _, overdue = make_rules(engine, world)
    with write_session(engine) as s:
        create(s, m.Task, {"project_id": world.project, "name": "Build", "finish_date": today - timedelta(days=3),
                           "percent_complete": 40}, actor=world.ann)
        create(s, m.Task, {"project_id": world.project, "name": "Done", "finish_date": today - timedelta(days=9),
                           "percent_complete": 100}, actor=world.ann)
        commands.create_work_item(s, operation_id=world.op, title="Old ticket", owner_id=None, actor=world.ann,
                             due=today - timedelta(days=12))
        commands.create_work_item(s, operation_id=world.op, title="Closed ticket", owner_id=None, actor=world.ann,
                             due=today - timedelta(days=20), stage="Done")
    with read_session(engine) as s:
        flags = views.overdue_flags(s, today=today)
    assert list(flags.columns) == ["status", "item", "why", "page"]
    # the open ticket is 12 days late (off track, > 10), the task 3 days (at risk); done/closed are not flagged
    assert flags["item"].tolist() == ["Work item · Old ticket (IT support)", "Task · Build (App)"]
    assert flags["status"].tolist() == ["off track", "at risk"]
    assert flags["page"].tolist() == ["operations", "projects"]
    with write_session(engine) as s:
        commands.update_rule(s, rule_id=overdue, expected_version=1, actor=world.ann, params={"grace_days": 5})
    with read_session(engine) as s:
        assert views.overdue_flags(s, today=today)["item"].tolist() == ["Work item · Old ticket (IT support)"]
    with write_session(engine) as s:
        commands.update_rule(s, rule_id=overdue, expected_version=2, actor=world.ann, active=False)
    with read_session(engine) as s:
        assert views.overdue_flags(s, today=today).empty


# --- the demo -------------------------------------------------------------------------------------------------


@pytest.fixture
def seeded(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


def test_demo_operations_page_figures(seeded, today):
    with read_session(seeded) as s:
        summary = views.summary(s, today=today)
        it_id = int(summary.operations.set_index("operation").loc["IT support", "id"])
        it = views.detail(s, operation_id=it_id, today=today)
        flags = views.overdue_flags(s, today=today)
    metrics = {x.label: x.value for x in summary.metrics}
    # 4 submitted + 1 approved requests; standing demand 6+10+30+6+2+8 = 62 h plus recurring tasks averaged:
    # monthly 16+4+24+3+3+8 = 58 h × 12/52 = 13.4; quarterly 30+40 = 70 × 4/52 = 5.4; weekly 4+6 = 10 -> 28.8 h
    assert metrics["Open requests"] == "5" and metrics["Awaiting approval"] == "4"
    assert metrics["Recurring hours per week"] == "91 h"
    assert len(summary.operations) == 6
    assert it.bottleneck.most_stage == "Triage" and it.bottleneck.oldest_days == 15
    assert it.bottleneck.slowest_stage == "Triage"  # the demo's history: 4 days in Triage, 1 in Submitted, 2 after
    # security patching: weekly on Fridays from Fri 29 May 2026 -> next Fri 27 Nov
    assert it.recurring.set_index("name").loc["Security patching", "next_due"] == date(2026, 11, 27)
    assert not flags.empty and flags["page"].isin(["projects", "operations"]).all()


def test_demo_run_hours_reach_the_workload_engine(seeded, today):
    """Operations' standing demand and recurring tasks show as 'run' hours in compute_load."""
    with read_session(seeded) as s:
        people = frame(s, m.Person)
        operations = frame(s, m.Operation)
        recurring = frame(s, m.RecurringTask)
    no_tasks = pd.DataFrame(columns=["task_id", "project_id", "name", "assignee_id", "start", "finish",
                                     "estimate_hours", "percent_complete"])
    monday = today - timedelta(days=today.weekday())
    wl = workload.compute_load(no_tasks, people, None, set(), recurring, operations, monday, 4, today)
    run = wl.cells["run_hours"].sum() + wl.unassigned.query("kind == 'run'")["hours"].sum()
    # expected by hand from the same rules: standing demand 62 h a week over 4 five-day weeks, plus each recurring
    # task's occurrences in the 4 weeks × its hours
    expected = operations["demand_hours_per_week"].sum() * 4 + sum(
        len(calendar.recurrence_dates(r.cadence, r.anchor, monday, monday + timedelta(days=27))) * r.hours
        for r in recurring.itertuples())
    assert run == pytest.approx(expected)
    assert wl.cells["run_hours"].sum() > 0
    assert set(wl.contributions["kind"]) == {"run"}
    assert set(wl.contributions["source"]) == {"recurring", "operation"}
