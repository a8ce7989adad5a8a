"""Request commands on SQLite and PostgreSQL: intake validation, approval rules, decisions recorded (who, when, why)
on the request and in the activity log, automation on approval, conversion into a project or a work item."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests_fixtures as fx
from requests_fixtures import NOW, TODAY, count, log, request, submit

from worksmith.commands import requests as commands
from worksmith.commands.core import Actor, create, update
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.portfolio import portfolio
from worksmith.views.tables import frame
from worksmith.views.workload_data import load_workload

world = fx.world  # the fixture


# --- intake ---------------------------------------------------------------------------------------------------


def test_submit_creates_a_submitted_request_with_an_audit_entry(engine, world):
    rid = submit(engine, world)
    r = request(engine, rid)
    assert (r.status, r.requester_id, r.goal_id, r.estimate_hours) == ("submitted", world.ann.id, world.goal, 120)
    assert r.submitted_at == NOW - timedelta(days=2)
    assert log(engine, "create")[-1] == ("Ann", "created request 'Trade show'")


@pytest.mark.parametrize(("extra", "message"), [
    ({"requester_id": None}, "Choose who is asking"),
    ({"title": "   "}, "Give the request a title"),
    ({"type": ""}, "Choose the type"),
    ({"needed_by": TODAY - timedelta(days=1)}, r"needed-by date Tue 24 Nov 2026 is in the past"),
    ({"estimate_hours": -5}, "estimate hours: input should be greater than or equal to 0"),
    ({"goal_id": 999}, "unknown goal 999"),
])
def test_submit_refuses_bad_input_and_writes_nothing(engine, world, extra, message):
    with pytest.raises(ValidationError, match=message):
        submit(engine, world, **extra)
    assert count(engine, m.Request) == 0


# --- decisions ------------------------------------------------------------------------------------------------


def test_approve_records_who_when_why(engine, world):
    rid = submit(engine, world)
    with write_session(engine) as s:
        commands.approve(s, request_id=rid, reason=" Fits the plan ", expected_version=1, actor=world.bob, now=NOW)
    r = request(engine, rid)
    assert (r.status, r.decided_by_id, r.decided_at, r.reason) == ("approved", world.bob.id, NOW, "Fits the plan")
    assert log(engine, "approve") == [("Bob", "Bob approved request 'Trade show' — Fits the plan")]


def test_reject_without_a_reason_is_refused_and_nothing_changes(engine, world):
    rid = submit(engine, world)
    logs = count(engine, m.ActivityLog)
    with pytest.raises(ValidationError, match="Give a reason to reject"), write_session(engine) as s:
        commands.reject(s, request_id=rid, reason="  ", expected_version=1, actor=world.bob)
    r = request(engine, rid)
    assert (r.status, r.decided_by_id, r.version) == ("submitted", None, 1)
    assert count(engine, m.ActivityLog) == logs


def test_reject_with_a_reason(engine, world):
    rid = submit(engine, world)
    with write_session(engine) as s:
        commands.reject(s, request_id=rid, reason="No budget", expected_version=1, actor=world.bob, now=NOW)
    r = request(engine, rid)
    assert (r.status, r.decided_by_id, r.reason) == ("rejected", world.bob.id, "No budget")
    assert log(engine, "reject") == [("Bob", "Bob rejected request 'Trade show' — No budget")]


def test_a_request_cannot_be_decided_twice(engine, world):
    rid = submit(engine, world)
    with write_session(engine) as s:
        commands.approve(s, request_id=rid, expected_version=1, actor=world.bob)
    for command, kwargs in ((commands.approve, {}), (commands.reject, {"reason": "changed my mind"})):
        with pytest.raises(ValidationError, match="already decided"), write_session(engine) as s:
            command(s, request_id=rid, expected_version=None, actor=world.bob, **kwargs)
    assert request(engine, rid).status == "approved"


def test_nobody_approves_their_own_request_or_anonymously(engine, world):
    rid = submit(engine, world)
    with pytest.raises(ValidationError, match="your own request"), write_session(engine) as s:
        commands.approve(s, request_id=rid, expected_version=1, actor=world.ann)
    with pytest.raises(ValidationError, match="Acting as"), write_session(engine) as s:
        commands.approve(s, request_id=rid, expected_version=1, actor=Actor(None, "anonymous"))
    assert request(engine, rid).status == "submitted"


def test_stale_decision_is_a_conflict(engine, world):
    rid = submit(engine, world)
    with write_session(engine) as s:  # someone edits the request meanwhile
        update(s, m.Request, rid, {"estimate_hours": 80}, expected_version=1, actor=world.ann)
    with pytest.raises(ConflictError), write_session(engine) as s:
        commands.approve(s, request_id=rid, expected_version=1, actor=world.bob)
    assert request(engine, rid).status == "submitted"


def test_approving_an_it_request_runs_the_rule_into_a_work_item(engine, world):
    rid = submit(engine, world, type="it", title="Second monitor", estimate_hours=2, needed_by=date(2026, 12, 7))
    with write_session(engine) as s:
        commands.approve(s, request_id=rid, expected_version=1, actor=world.bob, now=NOW)
    r = request(engine, rid)
    with read_session(engine) as s:
        item = s.get(m.WorkItem, r.work_item_id)
    assert r.status == "converted" and r.decided_by_id == world.bob.id
    assert (item.operation_id, item.title, item.stage, item.owner_id, item.request_id, item.due) == (
        world.op, "Second monitor", "New", world.bob.id, rid, date(2026, 12, 7))
    assert log(engine, "automation") == [("Bob", f"rule 'IT tickets' turned request 'Second monitor' into work "
                                                 f"item #{item.id}")]


def test_an_inactive_rule_does_nothing(engine, world):
    with write_session(engine) as s:
        update(s, m.AutomationRule, world.rule, {"active": False}, expected_version=1, actor=world.bob)
    rid = submit(engine, world, type="IT")
    with write_session(engine) as s:
        commands.approve(s, request_id=rid, expected_version=1, actor=world.bob)
    assert request(engine, rid).status == "approved"
    assert count(engine, m.WorkItem) == 0


# --- conversion -----------------------------------------------------------------------------------------------


def test_convert_submitted_into_an_active_project_linked_to_the_goal(engine, world, today):
    rid = submit(engine, world)
    with write_session(engine) as s:
        project = commands.convert_to_project(s, request_id=rid, name="RetailTech booth", status="active",
                                         start=date(2026, 12, 1), manager_id=world.bob.id, expected_version=1,
                                         actor=world.bob, now=NOW)
    r = request(engine, rid)
    assert (r.status, r.project_id, r.decided_by_id, r.decided_at) == ("converted", project.id, world.bob.id, NOW)
    with read_session(engine) as s:
        p = s.get(m.Project, project.id)
        members = frame(s, m.ProjectMember, m.ProjectMember.project_id == project.id)
        health = portfolio(s, today=today)
    assert (p.name, p.status, p.goal_id, p.manager_id, p.start) == ("RetailTech booth", "active", world.goal,
                                                                     world.bob.id, date(2026, 12, 1))
    assert sorted(zip(members["person_id"], members["role"], strict=True)) == [(world.ann.id, "stakeholder"),
                                                                                 (world.bob.id, "manager")]
    assert "RetailTech booth" in health["name"].tolist()  # it shows in the portfolio
    assert log(engine, "convert") == [("Bob", "Bob converted request 'Trade show' into the active project "
                                              "'RetailTech booth'")]


def test_convert_approved_keeps_the_original_decision(engine, world):
    rid = submit(engine, world)
    with write_session(engine) as s:
        commands.approve(s, request_id=rid, reason="Yes", expected_version=1, actor=world.bob, now=NOW)
        carl = Actor(create(s, m.Person, {"name": "Carl"}, actor=world.bob).id, "Carl", "approver")
    with write_session(engine) as s:
        commands.convert_to_project(s, request_id=rid, expected_version=None, actor=carl)
    r = request(engine, rid)
    with read_session(engine) as s:
        p = s.get(m.Project, r.project_id)
    assert (r.status, r.decided_by_id, r.decided_at, r.reason) == ("converted", world.bob.id, NOW, "Yes")
    assert (p.name, p.status, p.goal_id) == ("Trade show", "proposed", world.goal)


@pytest.mark.parametrize("first", ["reject", "convert"])
def test_only_submitted_or_approved_can_be_converted(engine, world, first):
    rid = submit(engine, world)
    with write_session(engine) as s:
        if first == "reject":
            commands.reject(s, request_id=rid, reason="No", expected_version=1, actor=world.bob)
        else:
            commands.convert_to_work_item(s, request_id=rid, operation_id=world.op, expected_version=1, actor=world.bob)
    projects = count(engine, m.Project)
    with pytest.raises(ValidationError, match="Only a submitted or approved request can be converted"), \
            write_session(engine) as s:
        commands.convert_to_project(s, request_id=rid, expected_version=None, actor=world.bob)
    assert count(engine, m.Project) == projects


def test_an_active_project_needs_a_start_and_a_known_status(engine, world):
    rid = submit(engine, world)
    with pytest.raises(ValidationError, match="needs a start date"), write_session(engine) as s:
        commands.convert_to_project(s, request_id=rid, status="active", expected_version=1, actor=world.bob)
    with pytest.raises(ValidationError, match="proposed or an active project"), write_session(engine) as s:
        commands.convert_to_project(s, request_id=rid, status="done", expected_version=1, actor=world.bob)
    assert count(engine, m.Project) == 0 and request(engine, rid).status == "submitted"


def test_convert_into_a_work_item(engine, world):
    rid = submit(engine, world, operation_id=None)
    with pytest.raises(ValidationError, match="Choose the operation"), write_session(engine) as s:
        commands.convert_to_work_item(s, request_id=rid, expected_version=1, actor=world.bob)
    with write_session(engine) as s:
        item = commands.convert_to_work_item(s, request_id=rid, operation_id=world.op, owner_id=world.bob.id,
                                        reason="Small enough", expected_version=1, actor=world.bob, now=NOW)
    r = request(engine, rid)
    assert (r.status, r.work_item_id, r.reason) == ("converted", item.id, "Small enough")
    with read_session(engine) as s:
        moves = frame(s, m.WorkItemMove, m.WorkItemMove.item_id == item.id)
    assert (item.stage, item.request_id, item.estimate_hours) == ("New", rid, 120)
    assert moves["to_stage"].tolist() == ["New"]


def test_a_converted_project_keeps_the_demand_and_is_not_planned(engine, world, today):
    # the request: 120 h, needed by Mon 15 Feb 2027; converted as active from Tue 1 Dec 2026 with no manager or budget
    rid = submit(engine, world)
    with write_session(engine) as s:
        project = commands.convert_to_project(s, request_id=rid, status="active", start=date(2026, 12, 1),
                                              expected_version=1, actor=world.bob, now=NOW)
    with read_session(engine) as s:
        p = s.get(m.Project, project.id)
        tasks = frame(s, m.Task, m.Task.project_id == project.id)
        health = portfolio(s, today=today).set_index("id").loc[project.id]
        work = load_workload(s, start=date(2026, 11, 30), weeks=4, today=today)
    assert p.target_end == date(2027, 2, 15)  # needed-by → target
    assert len(tasks) == 1
    task = tasks.iloc[0]
    assert (task["estimate_hours"], task["duration_days"], task["assignee_id"]) == (120.0, 15, None)  # ceil(120 / 8)
    assert (task["start_date"], task["finish_date"]) == (date(2026, 12, 1), date(2026, 12, 21))  # 15 working days
    assert health["health"] == "not planned"  # not "on track" with nothing in it
    assert health["reasons"] == ["next: set a budget and plan it under Budgets", "next: name a manager"]
    demand = work.unassigned[work.unassigned["project_id"] == project.id]  # workload sees the demand, unassigned
    assert demand["hours"].sum() == pytest.approx(120)  # 1–21 Dec lies inside the four weeks from 30 Nov
    assert set(demand["reason"]) == {"no assignee"}


def test_placeholder_days_round_up():
    assert [commands.placeholder_days(h) for h in (0, 1, 8, 9, 120)] == [1, 1, 1, 2, 15]
