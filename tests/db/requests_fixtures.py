"""The little world the Requests DB tests share: Ann asks, Bob approves, a goal, the IT support operation and an
"IT tickets" automation rule; and helpers to submit and read back requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from operations_fixtures import count, team_of_two  # noqa: F401 - count: shared by the request tests

from worksmith.commands import requests as commands
from worksmith.commands.core import Actor, create
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.tables import frame

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
TODAY = date(2026, 11, 25)


@dataclass
class World:
    ann: Actor  # requester
    bob: Actor  # approver
    goal: int
    op: int
    rule: int


@pytest.fixture
def world(engine) -> World:
    setup = Actor(None, "setup")
    with write_session(engine) as s:
        team, ann, bob = team_of_two(s, setup)
        goal = create(s, m.Goal, {"title": "Grow", "period_start": date(2026, 1, 1), "period_end": date(2026, 12, 31)},
                      actor=setup).id
        op = create(s, m.Operation, {"name": "IT support", "team_id": team, "stages": ["New", "Doing", "Done"]},
                    actor=setup).id
        rule = create(s, m.AutomationRule, {"name": "IT tickets", "trigger": "request_approved",
                                            "condition": {"type": "IT"}, "action": "create_work_item",
                                            "params": {"operation_id": op, "owner_id": bob}}, actor=setup).id
    return World(Actor(ann, "Ann", "approver"), Actor(bob, "Bob", "approver"), goal, op, rule)


def submit(engine, world, **extra) -> int:
    values = {"requester_id": world.ann.id, "type": "Marketing", "title": "Trade show", "today": TODAY,
              "description": "Booth in March", "estimate_hours": 120, "needed_by": date(2027, 2, 15),
              "goal_id": world.goal, **extra}
    with write_session(engine) as s:
        return commands.submit(s, actor=world.ann, now=NOW - timedelta(days=2), **values).id


def request(engine, request_id: int) -> m.Request:
    with read_session(engine) as s:
        return s.get(m.Request, request_id)


def log(engine, action: str) -> list[tuple[str, str]]:
    with read_session(engine) as s:
        df = frame(s, m.ActivityLog, m.ActivityLog.action == action)
    return list(zip(df["actor"], df["summary"], strict=True))
