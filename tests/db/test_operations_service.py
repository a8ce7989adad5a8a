"""Operations services on SQLite and PostgreSQL: workflow moves with history and audit, cases from templates,
automation rules, overdue flags, the page figures on the demo, and run hours reaching the workload engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from worksmith import demo
from worksmith.commands.core import Actor, create
from worksmith.domain import workload
from worksmith.errors import ConflictError, ValidationError
from worksmith.services import operations as svc
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.tables import frame

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
STAGES = ["Submitted", "Triage", "In progress", "Done"]


@dataclass
class World:
    team: int
    ann: Actor
    bob: Actor
    op: int
    item: int
    project: int


def count(engine, model, *where) -> int:
    with read_session(engine) as s:
        stmt = select(func.count()).select_from(model)
        for clause in where:
            stmt = stmt.where(clause)
        return s.exec(stmt).one()[0]


@pytest.fixture
def world(engine) -> World:
    system = Actor(None, "setup")
    with write_session(engine) as s:
        team = create(s, m.Team, {"name": "Ops"}, actor=system).id
        ann = create(s, m.Person, {"name": "Ann", "team_id": team}, actor=system).id
        bob = create(s, m.Person, {"name": "Bob", "team_id": team}, actor=system).id
        op = create(s, m.Operation, {
            "name": "IT support", "team_id": team, "owner_id": ann, "demand_hours_per_week": 10, "stages": STAGES,
            "checklist": [{"name": "Laptop", "offset_days": -5, "hours": 2, "assignee_id": bob},
                          {"name": "Tour", "offset_days": 0, "hours": 1, "assignee_id": None}]}, actor=system).id
        item = svc.create_work_item(s, operation_id=op, title="Printer", owner_id=ann, actor=system,
                                    now=NOW - timedelta(days=3)).id
        project = create(s, m.Project, {"name": "App", "status": "active", "start": date(2026, 11, 2)},
                         actor=system).id
    return World(team, Actor(ann, "Ann"), Actor(bob, "Bob"), op, item, project)


def item_row(engine, item_id: int) -> m.WorkItem:
    with read_session(engine) as s:
        return s.get(m.WorkItem, item_id)


# --- workflow moves -------------------------------------------------------------------------------------------


def test_move_one_stage_forward_records_history_and_activity(engine, world):
    before = item_row(engine, world.item)
    with write_session(engine) as s:
        svc.move_item(s, item_id=world.item, to_stage="Triage", expected_version=before.version, actor=world.bob,
                      now=NOW)
    after = item_row(engine, world.item)
    assert after.stage == "Triage" and after.stage_entered_at == NOW and after.version == before.version + 1
    with read_session(engine) as s:
        moves = frame(s, m.WorkItemMove, m.WorkItemMove.item_id == world.item)
        log = frame(s, m.ActivityLog, m.ActivityLog.action == "move")
    assert moves["from_stage"].isna().tolist() == [True, False]
    assert moves[["to_stage", "actor"]].values.tolist() == [["Submitted", "setup"], ["Triage", "Bob"]]
    assert moves["from_stage"].iloc[1] == "Submitted"
    assert log["summary"].tolist() == ["moved 'Printer' (IT support) from Submitted to Triage"]
    assert log["actor"].tolist() == ["Bob"]


def test_item_moves_through_the_whole_workflow_and_back(engine, world):
    for stage in ["Triage", "In progress", "Done", "Submitted"]:  # the last one reopens it (back to any earlier)
        with write_session(engine) as s:
            svc.move_item(s, item_id=world.item, to_stage=stage, expected_version=None, actor=world.bob, now=NOW)
    assert item_row(engine, world.item).stage == "Submitted"
    assert count(engine, m.WorkItemMove, m.WorkItemMove.item_id == world.item) == 5


def test_skipping_a_stage_is_refused_and_nothing_is_written(engine, world):
    moves, logs = count(engine, m.WorkItemMove), count(engine, m.ActivityLog)
    with pytest.raises(ValidationError, match="Cannot jump from 'Submitted' to 'In progress'"), \
            write_session(engine) as s:
        svc.move_item(s, item_id=world.item, to_stage="In progress", expected_version=None, actor=world.bob)
    assert item_row(engine, world.item).stage == "Submitted"
    assert (count(engine, m.WorkItemMove), count(engine, m.ActivityLog)) == (moves, logs)


def test_stale_move_is_a_conflict(engine, world):
    version = item_row(engine, world.item).version
    with write_session(engine) as s:
        svc.move_item(s, item_id=world.item, to_stage="Triage", expected_version=version, actor=world.bob)
    with pytest.raises(ConflictError, match="changed by someone else"), write_session(engine) as s:
        svc.move_item(s, item_id=world.item, to_stage="Submitted", expected_version=version, actor=world.ann)
    assert item_row(engine, world.item).stage == "Triage"


# --- process templates ----------------------------------------------------------------------------------------


def test_start_case_creates_the_checklist_with_relative_due_dates(engine, world):
    with write_session(engine) as s:
        made = svc.start_case(s, operation_id=world.op, case="Nina", start=date(2026, 12, 7), actor=world.ann,
                              now=NOW)
    assert len(made) == 2
    with read_session(engine) as s:
        items = frame(s, m.WorkItem, m.WorkItem.case == "Nina", order_by=[m.WorkItem.id])
        log = frame(s, m.ActivityLog, m.ActivityLog.action == "start case")
    # Mon 7 Dec − 5 days = Wed 2 Dec; + 0 = 7 Dec
    assert items[["title", "stage", "due"]].values.tolist() == [["Nina: Laptop", "Submitted", date(2026, 12, 2)],
                                                                ["Nina: Tour", "Submitted", date(2026, 12, 7)]]
    assert items["owner_id"].iloc[0] == world.bob.id and pd.isna(items["owner_id"].iloc[1])
    assert log["summary"].tolist() == ["started case 'Nina' in IT support from its checklist: 2 items, first due "
                                       "02 Dec 2026"]
    with pytest.raises(ValidationError, match="already has a case 'Nina'"), write_session(engine) as s:
        svc.start_case(s, operation_id=world.op, case="Nina", start=date(2026, 12, 7), actor=world.ann)
    assert count(engine, m.WorkItem, m.WorkItem.case == "Nina") == 2


def test_update_checklist_validates_and_saves(engine, world):
    with read_session(engine) as s:
        version = s.get(m.Operation, world.op).version
    with pytest.raises(ValidationError, match="unknown person 999"), write_session(engine) as s:
        svc.update_checklist(s, operation_id=world.op, checklist=[{"name": "X", "offset_days": 0, "hours": 1,
                                                                   "assignee_id": 999}],
                             expected_version=version, actor=world.ann)
    with write_session(engine) as s:
        svc.update_checklist(s, operation_id=world.op, checklist=[{"name": " Desk ", "offset_days": 2.0,
                                                                   "hours": None, "assignee_id": world.ann.id}],
                             expected_version=version, actor=world.ann)
    with read_session(engine) as s:
        assert s.get(m.Operation, world.op).checklist == [{"name": "Desk", "offset_days": 2, "hours": 0.0,
                                                           "assignee_id": world.ann.id}]


# --- automation -----------------------------------------------------------------------------------------------


def make_rules(engine, world) -> tuple[int, int]:
    with write_session(engine) as s:
        it = create(s, m.AutomationRule, {"name": "IT tickets", "trigger": "request_approved",
                                          "condition": {"type": "IT"}, "action": "create_work_item",
                                          "params": {"operation_id": world.op, "owner_id": world.ann.id}},
                    actor=world.ann).id
        overdue = create(s, m.AutomationRule, {"name": "Overdue", "trigger": "task_overdue", "condition": {},
                                               "action": "flag_overview", "params": {}}, actor=world.ann).id
    return it, overdue


def test_rules_are_listed_as_sentences(engine, world):
    make_rules(engine, world)
    with read_session(engine) as s:
        rules = svc.rules(s)
    assert rules["description"].tolist() == [
        "When a request of type IT is approved, create a work item in IT support owned by Ann.",
        "When a project task or a work item is overdue, flag it on the Overview."]


def test_update_rule_toggles_and_edits_params(engine, world):
    it, _ = make_rules(engine, world)
    with write_session(engine) as s:
        svc.update_rule(s, rule_id=it, expected_version=1, actor=world.bob, active=False,
                        condition={"type": "Facilities"}, params={"operation_id": world.op, "owner_id": None,
                                                                  "stage": "Triage"})
    with read_session(engine) as s:
        rule = s.get(m.AutomationRule, it)
        log = frame(s, m.ActivityLog, m.ActivityLog.entity == "automation_rule", m.ActivityLog.action == "update")
    assert (rule.active, rule.condition, rule.params) == (False, {"type": "Facilities"},
                                                          {"operation_id": world.op, "stage": "Triage"})
    assert log["actor"].tolist() == ["Bob"]


@pytest.mark.parametrize(("params", "message"), [
    ({"operation_id": 999}, "Unknown operation 999"),
    ({"operation_id": None}, "Choose the operation"),
    ({"operation_id": 1, "stage": "Closed"}, "'Closed' is not a stage of IT support"),
])
def test_update_rule_refuses_what_cannot_run(engine, world, params, message):
    it, _ = make_rules(engine, world)
    params = {**params, "operation_id": world.op} if params.get("operation_id") == 1 else params
    with pytest.raises(ValidationError, match=message), write_session(engine) as s:
        svc.update_rule(s, rule_id=it, expected_version=1, actor=world.bob, params=params)
    with read_session(engine) as s:
        assert s.get(m.AutomationRule, it).version == 1


def test_stale_rule_edit_is_a_conflict(engine, world):
    _, overdue = make_rules(engine, world)
    with write_session(engine) as s:
        svc.update_rule(s, rule_id=overdue, expected_version=1, actor=world.bob, active=False)
    with pytest.raises(ConflictError), write_session(engine) as s:
        svc.update_rule(s, rule_id=overdue, expected_version=1, actor=world.ann, params={"grace_days": 3})


def test_overdue_flags_follow_the_rule(engine, world, today):
    _, overdue = make_rules(engine, world)
    with write_session(engine) as s:
        create(s, m.Task, {"project_id": world.project, "name": "Build", "finish_date": today - timedelta(days=3),
                           "percent_complete": 40}, actor=world.ann)
        create(s, m.Task, {"project_id": world.project, "name": "Done", "finish_date": today - timedelta(days=9),
                           "percent_complete": 100}, actor=world.ann)
        svc.create_work_item(s, operation_id=world.op, title="Old ticket", owner_id=None, actor=world.ann,
                             due=today - timedelta(days=12))
        svc.create_work_item(s, operation_id=world.op, title="Closed ticket", owner_id=None, actor=world.ann,
                             due=today - timedelta(days=20), stage="Done")
    with read_session(engine) as s:
        flags = svc.overdue_flags(s, today=today)
    assert list(flags.columns) == ["status", "item", "why", "page"]
    # the open ticket is 12 days late (off track, > 10), the task 3 days (at risk); done/closed are not flagged
    assert flags["item"].tolist() == ["Work item · Old ticket (IT support)", "Task · Build (App)"]
    assert flags["status"].tolist() == ["off track", "at risk"]
    assert flags["page"].tolist() == ["operations", "projects"]
    with write_session(engine) as s:
        svc.update_rule(s, rule_id=overdue, expected_version=1, actor=world.ann, params={"grace_days": 5})
    with read_session(engine) as s:
        assert svc.overdue_flags(s, today=today)["item"].tolist() == ["Work item · Old ticket (IT support)"]
    with write_session(engine) as s:
        svc.update_rule(s, rule_id=overdue, expected_version=2, actor=world.ann, active=False)
    with read_session(engine) as s:
        assert svc.overdue_flags(s, today=today).empty


# --- the demo -------------------------------------------------------------------------------------------------


@pytest.fixture
def seeded(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


def test_demo_operations_page_figures(seeded, today):
    with read_session(seeded) as s:
        summary = svc.summary(s, today=today)
        it_id = int(summary.operations.set_index("operation").loc["IT support", "id"])
        it = svc.detail(s, operation_id=it_id, today=today)
        flags = svc.overdue_flags(s, today=today)
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
        len(workload.recurrence_dates(r.cadence, r.anchor, monday, monday + timedelta(days=27))) * r.hours
        for r in recurring.itertuples())
    assert run == pytest.approx(expected)
    assert wl.cells["run_hours"].sum() > 0
    assert set(wl.contributions["kind"]) == {"run"}
    assert set(wl.contributions["source"]) == {"recurring", "operation"}
