"""Operations commands on SQLite and PostgreSQL: workflow moves with history and audit, cases from templates,
checklists and automation rules (validated, versioned, logged)."""

from __future__ import annotations

from datetime import date

import operations_fixtures as fx
import pandas as pd
import pytest
from operations_fixtures import NOW, count, item_row, make_rules

from worksmith.commands import operations as commands
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.tables import frame

world = fx.world  # the fixture


# --- workflow moves -------------------------------------------------------------------------------------------


def test_move_one_stage_forward_records_history_and_activity(engine, world):
    before = item_row(engine, world.item)
    with write_session(engine) as s:
        commands.move_item(s, item_id=world.item, to_stage="Triage", expected_version=before.version, actor=world.bob,
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
            commands.move_item(s, item_id=world.item, to_stage=stage, expected_version=None, actor=world.bob, now=NOW)
    assert item_row(engine, world.item).stage == "Submitted"
    assert count(engine, m.WorkItemMove, m.WorkItemMove.item_id == world.item) == 5


def test_skipping_a_stage_is_refused_and_nothing_is_written(engine, world):
    moves, logs = count(engine, m.WorkItemMove), count(engine, m.ActivityLog)
    with pytest.raises(ValidationError, match="Cannot jump from 'Submitted' to 'In progress'"), \
            write_session(engine) as s:
        commands.move_item(s, item_id=world.item, to_stage="In progress", expected_version=None, actor=world.bob)
    assert item_row(engine, world.item).stage == "Submitted"
    assert (count(engine, m.WorkItemMove), count(engine, m.ActivityLog)) == (moves, logs)


def test_stale_move_is_a_conflict(engine, world):
    version = item_row(engine, world.item).version
    with write_session(engine) as s:
        commands.move_item(s, item_id=world.item, to_stage="Triage", expected_version=version, actor=world.bob)
    with pytest.raises(ConflictError, match="changed by someone else"), write_session(engine) as s:
        commands.move_item(s, item_id=world.item, to_stage="Submitted", expected_version=version, actor=world.ann)
    assert item_row(engine, world.item).stage == "Triage"


# --- process templates ----------------------------------------------------------------------------------------


def test_start_case_creates_the_checklist_with_relative_due_dates(engine, world):
    with write_session(engine) as s:
        made = commands.start_case(s, operation_id=world.op, case="Nina", start=date(2026, 12, 7), actor=world.ann,
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
        commands.start_case(s, operation_id=world.op, case="Nina", start=date(2026, 12, 7), actor=world.ann)
    assert count(engine, m.WorkItem, m.WorkItem.case == "Nina") == 2


def test_update_checklist_validates_and_saves(engine, world):
    with read_session(engine) as s:
        version = s.get(m.Operation, world.op).version
    with pytest.raises(ValidationError, match="unknown person 999"), write_session(engine) as s:
        commands.update_checklist(s, operation_id=world.op, checklist=[{"name": "X", "offset_days": 0, "hours": 1,
                                                                   "assignee_id": 999}],
                             expected_version=version, actor=world.ann)
    with write_session(engine) as s:
        commands.update_checklist(s, operation_id=world.op, checklist=[{"name": " Desk ", "offset_days": 2.0,
                                                                   "hours": None, "assignee_id": world.ann.id}],
                             expected_version=version, actor=world.ann)
    with read_session(engine) as s:
        assert s.get(m.Operation, world.op).checklist == [{"name": "Desk", "offset_days": 2, "hours": 0.0,
                                                           "assignee_id": world.ann.id}]


# --- automation -----------------------------------------------------------------------------------------------


def test_update_rule_toggles_and_edits_params(engine, world):
    it, _ = make_rules(engine, world)
    with write_session(engine) as s:
        commands.update_rule(s, rule_id=it, expected_version=1, actor=world.bob, active=False,
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
        commands.update_rule(s, rule_id=it, expected_version=1, actor=world.bob, params=params)
    with read_session(engine) as s:
        assert s.get(m.AutomationRule, it).version == 1


def test_stale_rule_edit_is_a_conflict(engine, world):
    _, overdue = make_rules(engine, world)
    with write_session(engine) as s:
        commands.update_rule(s, rule_id=overdue, expected_version=1, actor=world.bob, active=False)
    with pytest.raises(ConflictError), write_session(engine) as s:
        commands.update_rule(s, rule_id=overdue, expected_version=1, actor=world.ann, params={"grace_days": 3})
