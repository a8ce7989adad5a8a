"""The little world the Operations DB tests share: a team, Ann and Bob, the IT support operation with a two-step
checklist and one work item, an active project; and the two automation rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from worksmith.commands import operations as commands
from worksmith.commands.core import Actor, create
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session

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


def team_of_two(s, actor: Actor) -> tuple[int, int, int]:
    """The team "Ops" with Ann and Bob in it: their ids."""
    team = create(s, m.Team, {"name": "Ops"}, actor=actor).id
    ann = create(s, m.Person, {"name": "Ann", "team_id": team}, actor=actor).id
    return team, ann, create(s, m.Person, {"name": "Bob", "team_id": team}, actor=actor).id


@pytest.fixture
def world(engine) -> World:
    system = Actor(None, "setup")
    with write_session(engine) as s:
        team, ann, bob = team_of_two(s, system)
        op = create(s, m.Operation, {
            "name": "IT support", "team_id": team, "owner_id": ann, "demand_hours_per_week": 10, "stages": STAGES,
            "checklist": [{"name": "Laptop", "offset_days": -5, "hours": 2, "assignee_id": bob},
                          {"name": "Tour", "offset_days": 0, "hours": 1, "assignee_id": None}]}, actor=system).id
        item = commands.create_work_item(s, operation_id=op, title="Printer", owner_id=ann, actor=system,
                                    now=NOW - timedelta(days=3)).id
        project = create(s, m.Project, {"name": "App", "status": "active", "start": date(2026, 11, 2)},
                         actor=system).id
    return World(team, Actor(ann, "Ann"), Actor(bob, "Bob"), op, item, project)


def item_row(engine, item_id: int) -> m.WorkItem:
    with read_session(engine) as s:
        return s.get(m.WorkItem, item_id)


def make_rules(engine, world) -> tuple[int, int]:
    with write_session(engine) as s:
        it = create(s, m.AutomationRule, {"name": "IT tickets", "trigger": "request_approved",
                                          "condition": {"type": "IT"}, "action": "create_work_item",
                                          "params": {"operation_id": world.op, "owner_id": world.ann.id}},
                    actor=world.ann).id
        overdue = create(s, m.AutomationRule, {"name": "Overdue", "trigger": "task_overdue", "condition": {},
                                               "action": "flag_overview", "params": {}}, actor=world.ann).id
    return it, overdue
